/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads: how bytes reach the memory under test.  Each is one const
 * struct workload_ops in workload.c's table.  The driver owns the loop and
 * calls run_iter() until the run stops; a workload never exits the process.
 */
#ifndef PINSTRESS_WORKLOAD_H
#define PINSTRESS_WORKLOAD_H

#include <sys/types.h>

#include "run/caps.h"
#include "run/job.h"

#define WORKLOAD_OPS_VERSION 1

struct workload_ops {
	const char *name;
	unsigned int version;
	unsigned int flags;
	const char *desc;
	unsigned int needs;		/* MC_* the backing must have */
	unsigned int refuses;		/* MC_* it cannot work on, and why: */
	const char *refuses_why;
	const char *proof;		/* evidence counters that must be > 0 */
	/* NULL if this machine can run it, else why not. */
	const char *(*probe)(void);
	/*
	 * Per thread: set up (w->priv), do one batch of work, drain and free.
	 * worker_init and run_iter run with the job's maplock held for
	 * reading (never take it again: a waiting writer would deadlock us).
	 */
	int (*worker_init)(struct worker *w);
	int (*run_iter)(struct worker *w);
	void (*worker_exit)(struct worker *w);
};

extern const struct workload_ops *const workload_table[];
const struct workload_ops *workload_find(const char *name);

/* Scratch slots each worker owns: enough that random picks rarely repeat. */
size_t workload_slots_per_worker(const struct job_config *cfg);

/* Shared by the kernel-read workloads: stamp a bounce buffer and write it to @slot. */
int workload_stage_slot(struct worker *w, void *bounce, size_t slot, size_t b,
			struct stamp_id *id);

/*
 * Pin readback, shared by uring-fixed and odirect: one claimed, defined
 * block in WL_READBACK_EVERY is written out through its pin (WRITE_FIXED
 * from the registered buffer, or an O_DIRECT pwrite from the region) to
 * scratch @slot instead of being rewritten.
 */
#define WL_READBACK_EVERY	8

/*
 * @written is the write-out's result.  Read @slot back with O_DIRECT into
 * the private @bounce and compare it with what the region must hold: a
 * difference while the region is right is a pin-divergence (reported, the
 * block marked bad).  Ends the caller's claim on @b either way; counts
 * compared readbacks in @ev.
 */
void workload_pin_readback(struct worker *w, size_t b, size_t slot, void *bounce,
			   ssize_t written, _Atomic uint64_t *ev);

#endif
