/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's trace around a corruption: trace_marker lines for each
 * fault injection and each failure (--ftrace-mark), and tracing_on = 0 at
 * the first failure (--ftrace-stop) so the ring buffer keeps what led up
 * to it.  Process-wide: any thread may mark.  tracefs is mounted for the
 * run if it was not, and unmounted after (the buffer outlives the mount).
 */
#ifndef PINSTRESS_FTRACE_H
#define PINSTRESS_FTRACE_H

#include <stdbool.h>

/* Find (or mount) tracefs and open its files. 0 or -errno. */
int ftrace_open(bool mark, bool stop_on_failure);
/* A trace_marker line "pinstress: ..."; a no-op unless marking. */
void ftrace_mark(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* tracing_on = 0, once; true if this call stopped it. */
bool ftrace_stop(void);
/* Where the trace can be read, for messages ("" if not open). */
const char *ftrace_dir(void);
/* true if tracefs was mounted for the run (and so is unmounted by ftrace_close). */
bool ftrace_mounted_by_us(void);
void ftrace_close(void);

#endif
