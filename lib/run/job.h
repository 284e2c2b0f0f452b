/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtime of one job: its region, oracle, scratch file, threads and
 * counters.  Workloads, backings and faults see a job through this header;
 * only stress/ decides what their results mean for the run.
 */
#ifndef PINSTRESS_JOB_H
#define PINSTRESS_JOB_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "verify/classify.h"
#include "run/clock.h"
#include "run/config.h"
#include "verify/evidence.h"
#include "verify/evring.h"
#include "verify/oracle.h"
#include "run/rng.h"
#include "run/run_state.h"

struct job;
struct worker;

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

struct job_stats {
	_Atomic uint64_t ops;		/* writes completed and verified */
	_Atomic uint64_t kernel_ops;	/* of which the kernel wrote */
	_Atomic uint64_t cpu_ops;	/* of which plain stores */
	_Atomic uint64_t blocks_verified;
	_Atomic uint64_t scrub_passes;
	_Atomic uint64_t io_errors;
	_Atomic uint64_t errors;
};

/*
 * The watchdog's view of one thread: when its current operation began (0
 * between operations) and its kernel thread id, for /proc/self/task/TID.
 */
struct op_watch {
	_Atomic uint64_t since_ns;
	_Atomic int tid;
	bool reported;		/* already reported hung (monitor only) */
	struct ev_mine mine;	/* the thread's own last events */
};

void op_thread_start(struct op_watch *w);

static inline void op_begin(struct op_watch *w)
{
	atomic_store_explicit(&w->since_ns, clock_ns(), memory_order_relaxed);
}

static inline void op_end(struct op_watch *w)
{
	atomic_store_explicit(&w->since_ns, 0, memory_order_relaxed);
}

struct fault_ops;

struct fault_inst {
	const struct fault_ops *ops;
	struct job *job;
	pthread_t thread;
	bool started;
	unsigned int interval_ms;
	_Atomic uint64_t count;		/* injections done */
	_Atomic uint64_t confirmed;	/* of which the kernel confirmed an effect */
	_Atomic uint64_t skipped;	/* injections that found nothing to do */
	int err;			/* -errno if the injector stopped on an error */
	char errmsg[256];
	void *priv;
	struct op_watch watch;		/* one injection */
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
	int cpu;			/* affinity = spread: the CPU it runs on, else -1 */
	int err;			/* -errno if the worker stopped on a setup error */
	char errmsg[256];
	void *priv;			/* the workload's per-thread state */
	struct op_watch watch;		/* one iteration (the maplock wait included) */
};

struct workload_ops;
struct backing_ops;

struct job {
	struct run_state *run;
	const struct job_config *cfg;
	unsigned int index;
	uint32_t region_id;
	uint64_t seed;
	const struct workload_ops *wl;
	cpu_set_t worker_cpus;		/* affinity = spread: where its workers run (kept after teardown) */
	unsigned int wl_flags;		/* the workload's WL_* (caps.h), for lib/ */
	/*
	 * Kinds of fork child (job_fork_kinds()) of every job of its round: a
	 * job that forks keeps its region in all their children, not only in
	 * its own.
	 */
	unsigned int round_fork_kinds;
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
	struct op_watch scrub_watch;	/* one scrub pass */
	bool stuck;			/* a thread would not join: never torn down */
	struct job_stats st;
	struct evidence ev;
	struct evring evr;		/* what happened to the region lately */
	unsigned int caps;		/* MC_* of the backing as mapped (mlock included) */
	/*
	 * Address-space lock.  Whoever touches region addresses (workers per
	 * batch, the scrubber, faults) holds it for reading; a fault that
	 * takes addresses away for a moment (mremap, UFFDIO_MOVE) holds it
	 * for writing.  Kernel I/O already submitted keeps going across it:
	 * that is what those faults test.
	 */
	pthread_rwlock_t maplock;
	void *wl_priv;			/* the workload's per-job state */
	void *bk_priv;			/* the backing's per-job state */
	const char *scratch_dir;	/* --scratch: where file backings create files */
	double active_s;		/* how long its threads ran */
	bool reproduce_known_bugs;	/* --known-bugs=reproduce: no workload emulates a fix */
	/*
	 * Per block, with --known-bugs=reproduce and a long-term pinning
	 * workload only (else NULL): how the pin let go of the block's page
	 * after its last kernel write (UNPIN_NOTE() of known_bugs.h), the
	 * evidence an expected failure of the io_uring dirtying bug needs.
	 */
	_Atomic uint64_t *unpin_note;
	char unproven[256];		/* what had no confirmed effect, if anything */
};

/* Shortcut: the job's evidence counter called @name. */
static inline _Atomic uint64_t *job_ev(struct job *j, const char *name)
{
	return evidence_get(&j->ev, name);
}

/* blockio.c: the shared write/verify steps of every workload. */
bool job_claim_random(struct worker *w, size_t *block);
int job_cpu_write(struct worker *w, size_t b);
bool job_verify_owned(struct job *j, size_t b, enum detected_by by);
/* Verify and release a written block; false if it was reported (and marked bad). */
bool job_finish_write(struct job *j, size_t b, bool kernel);
void job_abort_write(struct worker *w, size_t b);
int job_init_region(struct job *j);

/*
 * Claim every block overlapping [first, first+n) pages for a fault that
 * changes those pages' mapping; false (nothing held) if any is owned.
 */
bool job_claim_pages(struct job *j, size_t first_page, size_t npages, size_t *b0, size_t *b1);
/* Verify (DET_FAULT) and release blocks [b0, b1) claimed by job_claim_pages(). */
void job_release_blocks(struct job *j, size_t b0, size_t b1, bool verify);
size_t job_page_size(void);
/*
 * Kinds of fork child the job makes that need its region (0-2): the fork
 * fault's and a WL_FORKS workload's.
 */
unsigned int job_fork_kinds(const struct job *j);

#endif
