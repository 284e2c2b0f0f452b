// SPDX-License-Identifier: GPL-2.0
/*
 * What the run says besides its findings: why it is invalid, warnings and
 * notes for the summary and the report, and the --log file.  Each goes
 * under run->lock, since any job's thread may say it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "run.h"

static void append(char *dst, size_t len, const char *fmt, va_list ap)
{
	size_t used = strlen(dst);

	if (used && used + 2 < len) {
		strcat(dst, "; ");
		used += 2;
	}
	if (used < len)
		vsnprintf(dst + used, len - used, fmt, ap);
}

void run_invalid(struct run_ctx *run, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&run->lock);
	va_start(ap, fmt);
	append(run->invalid, sizeof(run->invalid), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&run->lock);
}

void run_warn(struct run_ctx *run, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&run->lock);
	va_start(ap, fmt);
	append(run->warnings, sizeof(run->warnings), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&run->lock);
}

void run_log(struct run_ctx *run, const char *fmt, ...)
{
	char when[32];
	struct tm tm;
	time_t now;
	va_list ap;

	if (!run->logf)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	pthread_mutex_lock(&run->lock);
	fprintf(run->logf, "%s ", when);
	va_start(ap, fmt);
	vfprintf(run->logf, fmt, ap);
	va_end(ap);
	fputc('\n', run->logf);
	pthread_mutex_unlock(&run->lock);
}

void run_note_add(struct run_ctx *run, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&run->lock);
	va_start(ap, fmt);
	append(run->notes, sizeof(run->notes), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&run->lock);
}
