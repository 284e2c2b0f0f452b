// SPDX-License-Identifier: GPL-2.0
/* The run's stop flags and clock, and the way to the driver's error sink. */
#include <stdarg.h>
#include <stdio.h>

#include "run/job.h"
#include "run/run_state.h"

void run_state_init(struct run_state *rs, const struct run_hooks *hooks)
{
	atomic_init(&rs->stop, false);
	atomic_init(&rs->aborted, false);
	clock_gettime(CLOCK_MONOTONIC, &rs->t0);
	rs->hooks = hooks;
}

bool run_stopping(const struct run_state *rs)
{
	return atomic_load_explicit(&rs->stop, memory_order_relaxed);
}

bool run_aborting(const struct run_state *rs)
{
	return atomic_load_explicit(&rs->aborted, memory_order_relaxed);
}

void run_stop(struct run_state *rs)
{
	atomic_store(&rs->aborted, true);
	atomic_store(&rs->stop, true);
}

double run_elapsed(const struct run_state *rs)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - rs->t0.tv_sec) + (now.tv_nsec - rs->t0.tv_nsec) / 1e9;
}

const struct job *run_job_at(const struct run_state *rs, unsigned int i)
{
	return rs->hooks->job_at(rs, i);
}

void run_report_mismatch(struct job *j, size_t block, const struct stamp_id *expect,
			 const struct vfinding *f, enum detected_by by)
{
	j->run->hooks->mismatch(j, block, expect, f, by);
}

void run_report_child(struct job *j, size_t block, const struct stamp_id *expect,
		      const struct vfinding *f)
{
	j->run->hooks->child(j, block, expect, f);
}

void run_report_divergence(struct job *j, size_t block, const struct stamp_id *expect,
			   const struct vfinding *f)
{
	j->run->hooks->divergence(j, block, expect, f);
}

void run_note(struct run_state *rs, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs->hooks->note(rs, msg);
}

const char *detected_by_name(enum detected_by by)
{
	static const char *const n[] = { "completion", "scrub", "child", "prewrite", "fault",
					 "readback", "pipe" };

	return by <= DET_PIPE ? n[by] : "?";
}
