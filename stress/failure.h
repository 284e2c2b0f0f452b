/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The failure record: everything about one corruption that a kernel
 * engineer needs to act on it, taken when it is found.  It goes to stderr,
 * into the JSON report's errors[] and into its own file,
 * pinstress-failure-<time>.json, which `pinstress replay` accepts.
 */
#ifndef PINSTRESS_FAILURE_H
#define PINSTRESS_FAILURE_H

#include <json-c/json.h>
#include <limits.h>

#include "verify/evring.h"
#include "verify/forensics.h"
#include "kernel/klog.h"

#define FAIL_MAX_EVENTS	256	/* events on the block's pages kept */
#define FAIL_WIDE_EVENTS 16	/* of which region-wide (injections, forks) */
#define FAIL_PRINT_EVENTS 12	/* of which printed */
#define FAIL_PRINT_WIDE	3	/* of the printed, region-wide at most */
#define FAIL_MAX_RECORDS 32	/* failures that get a full record; the rest are listed */

struct run_ctx;
struct err_rec;
struct job;

struct failure {
	struct forensics fx;
	uint64_t t_ns;			/* CLOCK_MONOTONIC when it was found */
	struct event ev[FAIL_MAX_EVENTS];
	size_t nev;
	struct klog_line klog[KLOG_RECENT];
	unsigned int nklog;
	char file[PATH_MAX];		/* where the record was written, or "" */
};

/* Take the record of @e now (stress/findings.c, in the detecting thread). */
struct failure *failure_capture(struct run_ctx *run, const struct err_rec *e, bool region_bytes);
/* Print it after the CORRUPTION lines, and write its file. */
void failure_emit(struct run_ctx *run, struct err_rec *e);
/* "forensics" of the report's error entry. */
json_object *failure_json(const struct run_ctx *run, const struct err_rec *e);

/* An event in words: who did it ("worker 1", "pageout") and what ("block 7 gen 3 by cpu:1"). */
void event_who(const struct job *j, unsigned int who, char *buf, size_t len);
void event_what(const struct job *j, const struct event *ev, char *buf, size_t len);
void event_line(const struct job *j, const struct event *ev, uint64_t at_ns, char *buf,
		size_t len);

/* The command that replays this run, shell-quoted. */
void replay_command(const struct run_ctx *run, char *buf, size_t len);
int cmd_replay(int argc, char **argv);

#endif
