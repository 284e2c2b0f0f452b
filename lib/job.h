/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime of one job: its region, oracle, scratch file, threads and
 * counters.  Workloads, backings and faults see a job through this header;
 * only stress/ decides what their results mean for the run.
 */
#ifndef PINSTRESS_JOB_H
#define PINSTRESS_JOB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "config.h"
#include "oracle.h"
#include "rng.h"

struct job;
struct worker;
struct run_ctx;

/* The memory under test. */
struct region {
	uint8_t *base;
	size_t size;
	size_t block_size;
	size_t nblocks;
	void *map_addr;		/* what the backing mapped, for unmap */
	size_t map_len;
};

static inline uint8_t *region_block(const struct region *r, size_t b)
{
	return r->base + b * r->block_size;
}

/* What the kernel confirmed, for the report: a fault that did nothing must show it. */
struct job_evidence {
	_Atomic uint64_t pages_swapped_out;
	_Atomic uint64_t children_verified;
	_Atomic uint64_t child_blocks_checked;
	_Atomic uint64_t child_blocks_written;
	_Atomic uint64_t child_mismatches;
	_Atomic uint64_t children_failed;	/* crashed, hung or never started */
	uint64_t thp_bytes_start;
	uint64_t thp_bytes_end;
};

struct job_stats {
	_Atomic uint64_t ops;		/* writes completed and verified */
	_Atomic uint64_t kernel_ops;	/* of which the kernel wrote */
	_Atomic uint64_t cpu_ops;	/* of which plain stores */
	_Atomic uint64_t blocks_verified;
	_Atomic uint64_t scrub_passes;
	_Atomic uint64_t io_errors;
	_Atomic uint64_t errors;
};

struct fault_ops;

struct fault_inst {
	const struct fault_ops *ops;
	struct job *job;
	pthread_t thread;
	bool started;
	unsigned int interval_ms;
	_Atomic uint64_t count;		/* injections done */
	_Atomic uint64_t confirmed;	/* of which the kernel confirmed an effect */
	void *priv;
};

/* One-per-job scratch file of stamp-sized slots, opened with O_DIRECT. */
struct scratch {
	int fd;
	size_t slot_size;
	size_t nslots;
};

struct worker {
	struct job *job;
	unsigned int id;
	pthread_t thread;
	bool started;
	struct rng rng;
	size_t blk_lo, blk_hi;		/* blocks this worker may claim */
	size_t slot_lo, slot_hi;	/* scratch slots this worker owns */
	int err;			/* -errno if the worker stopped on a setup error */
	char errmsg[160];
	void *priv;			/* the workload's per-thread state */
};

enum detected_by {
	DET_COMPLETION,	/* right after the write that should have put it there */
	DET_SCRUB,	/* by the scrubber, while the block was idle */
	DET_CHILD,	/* by a fork child, in its copy */
	DET_PREWRITE,	/* by a writer, before overwriting the block */
};

struct workload_ops;
struct backing_ops;

struct job {
	struct run_ctx *run;
	const struct job_config *cfg;
	unsigned int index;
	uint32_t region_id;
	uint64_t seed;
	const struct workload_ops *wl;
	const struct backing_ops *backing;
	struct region reg;
	struct oracle oracle;
	struct scratch scratch;
	struct worker *workers;
	unsigned int nworkers;
	struct fault_inst faults[CFG_MAX_FAULTS];
	unsigned int nfaults;
	pthread_t scrub_thread;
	bool scrub_started;
	struct job_stats st;
	struct job_evidence ev;
	void *wl_priv;			/* the workload's per-job state */
};

/* Provided by stress/: the run's stop flag and error sink. */
bool run_stopping(const struct run_ctx *run);
double run_elapsed(const struct run_ctx *run);
void run_report_mismatch(struct job *j, size_t block, const struct stamp_id *expect,
			 const struct vfinding *f, enum detected_by by);
void run_report_child(struct job *j, size_t block, const struct stamp_id *expect,
		      const struct vfinding *f);

/* blockio.c: the shared write/verify steps of every workload. */
bool job_claim_random(struct worker *w, size_t *block);
int job_cpu_write(struct worker *w, size_t b);
bool job_verify_owned(struct job *j, size_t b, enum detected_by by);
void job_finish_write(struct job *j, size_t b, bool kernel);
void job_abort_write(struct worker *w, size_t b);
int job_init_region(struct job *j);

#endif
