/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run as lib/ and the workloads see it: whether to stop, since when it
 * runs, and where to send what they find.  lib/ owns this state; the driver
 * (stress/) embeds it in its own context and fills in the hooks, so lib/
 * never calls the driver by name, as LTP's library reaches a test only
 * through the test's struct.
 */
#ifndef PINSTRESS_RUN_STATE_H
#define PINSTRESS_RUN_STATE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "verify/stamp.h"

struct job;
struct run_state;
struct vfinding;

/* How a mismatch came to light. */
enum detected_by {
	DET_COMPLETION,	/* right after the write that should have put it there */
	DET_SCRUB,	/* by the scrubber, while the block was idle */
	DET_CHILD,	/* by a fork child, in its copy */
	DET_PREWRITE,	/* by a writer, before overwriting the block */
	DET_FAULT,	/* by a fault, checking the blocks it just moved or raced */
	DET_READBACK,	/* by reading the block back through its pin */
	DET_PIPE,	/* by draining a pipe holding references to its pages (vmsplice) */
};

struct run_hooks {
	/* Block @block does not hold @expect (@f: what it holds and its class). */
	void (*mismatch)(struct job *j, size_t block, const struct stamp_id *expect,
			 const struct vfinding *f, enum detected_by by);
	/* A fork child's copy of the block differs. */
	void (*child)(struct job *j, size_t block, const struct stamp_id *expect,
		      const struct vfinding *f);
	/* A read through the pin (cls VC_PIN_DIVERGENCE) differs from the region. */
	void (*divergence)(struct job *j, size_t block, const struct stamp_id *expect,
			   const struct vfinding *f);
	/* Something worth knowing once (a refused operation). */
	void (*note)(struct run_state *rs, const char *msg);
	/* Job @i of the run (every round's), NULL past the last; fork-child safe. */
	const struct job *(*job_at)(const struct run_state *rs, unsigned int i);
};

struct run_state {
	atomic_bool stop;	/* the round ends */
	atomic_bool aborted;	/* every round ends: a signal, a corruption, a hang */
	struct timespec t0;	/* when the run started, CLOCK_MONOTONIC */
	const struct run_hooks *hooks;
};

void run_state_init(struct run_state *rs, const struct run_hooks *hooks);
bool run_stopping(const struct run_state *rs);
/* The whole run is ending early: drop work in progress. */
bool run_aborting(const struct run_state *rs);
/* Stop the whole run: this round and every later one. */
void run_stop(struct run_state *rs);
double run_elapsed(const struct run_state *rs);
const struct job *run_job_at(const struct run_state *rs, unsigned int i);
void run_report_mismatch(struct job *j, size_t block, const struct stamp_id *expect,
			 const struct vfinding *f, enum detected_by by);
void run_report_child(struct job *j, size_t block, const struct stamp_id *expect,
		      const struct vfinding *f);
void run_report_divergence(struct job *j, size_t block, const struct stamp_id *expect,
			   const struct vfinding *f);
void run_note(struct run_state *rs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "completion", "scrub", ... */
const char *detected_by_name(enum detected_by by);

#endif
