// SPDX-License-Identifier: GPL-2.0
/* trace_marker and tracing_on for --ftrace-mark / --ftrace-stop (see ftrace.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kernel/ftrace.h"
#include "kernel/journal.h"
#include "kernel/mounts.h"

#define TRACEFS_DEFAULT	"/sys/kernel/tracing"

static struct {
	char dir[PATH_MAX];
	int marker_fd;		/* -1 unless marking */
	int on_fd;		/* -1 unless stopping on a failure */
	bool mounted;		/* by ftrace_open() */
	long seq;		/* its restore journal line */
	_Atomic bool stopped;
} ft = { .marker_fd = -1, .on_fd = -1 };

static int open_in(const char *name, int flags)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", ft.dir, name);
	return open(path, flags | O_CLOEXEC);
}

int ftrace_open(bool mark, bool stop_on_failure)
{
	if (!mark && !stop_on_failure)
		return 0;
	if (mount_find("tracefs", NULL, ft.dir, sizeof(ft.dir))) {
		snprintf(ft.dir, sizeof(ft.dir), "%s", TRACEFS_DEFAULT);
		/* In the journal first: a killed run's mount is undone by the next start. */
		ft.seq = journal_add("umount", 2, (const char *[]){ ft.dir, "tracefs" });
		if (ft.seq < 0)
			return (int)ft.seq;
		if (mount("nodev", ft.dir, "tracefs", 0, NULL))
			return -errno;
		ft.mounted = true;
	}
	if (mark && (ft.marker_fd = open_in("trace_marker", O_WRONLY)) < 0)
		goto fail;
	if (stop_on_failure && (ft.on_fd = open_in("tracing_on", O_WRONLY)) < 0)
		goto fail;
	return 0;
fail:
	{
		int err = -errno;

		ftrace_close();
		return err;
	}
}

void ftrace_mark(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	if (ft.marker_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "pinstress: ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	/* One write is one trace entry; a full buffer or a race loses a line, nothing more. */
	if (write(ft.marker_fd, buf, (size_t)n) < 0)
		return;
}

bool ftrace_stop(void)
{
	if (ft.on_fd < 0 || atomic_exchange(&ft.stopped, true))
		return false;
	return write(ft.on_fd, "0", 1) == 1;
}

const char *ftrace_dir(void)
{
	return ft.dir;
}

bool ftrace_mounted_by_us(void)
{
	return ft.mounted;
}

void ftrace_close(void)
{
	if (ft.marker_fd >= 0)
		close(ft.marker_fd);
	if (ft.on_fd >= 0)
		close(ft.on_fd);
	ft.marker_fd = ft.on_fd = -1;
	if (ft.mounted && umount2(ft.dir, MNT_DETACH) == 0)
		ft.mounted = false;
	if (!ft.mounted && ft.seq > 0)
		journal_done(ft.seq);
	ft.seq = 0;
}
