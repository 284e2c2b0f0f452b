/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Faults: what injector threads do to a region while the workload's writes
 * are in flight.  Each fault is one const struct fault_ops in one table;
 * its inject() says what one injection did and the injector loop counts it.
 */
#ifndef PINSTRESS_FAULT_H
#define PINSTRESS_FAULT_H

#include "run/caps.h"
#include "run/job.h"

/* What one inject() did: the loop counts it in f->skipped, count, confirmed. */
enum fault_did {
	FAULT_SKIPPED,		/* found nothing to do this time */
	FAULT_DONE,		/* acted; the kernel confirmed no effect (or not yet) */
	FAULT_CONFIRMED,	/* acted, and the kernel confirmed an effect */
};

#define FAULT_MAX_BENIGN 4

struct fault_ops {
	const char *name;
	const char *desc;
	unsigned int interval_ms;	/* default pause between injections */
	unsigned int needs;		/* MC_* the backing must have */
	unsigned int refuses;		/* MC_* the fault cannot act on, */
	const char *refuses_why;	/* and why, if not the cap's own reason */
	const char *proof;		/* evidence counters that must be > 0 */
	unsigned int refuses_wl;	/* WL_* flags of workloads it cannot act under, */
	const char *refuses_wl_why;	/* and why */
	const char *conflicts;		/* faults it cannot share a job with, */
	const char *conflicts_why;	/* and why */
	bool exclusive;			/* inject() holds the maplock for writing */
	bool forks;			/* inject() forks children that COW-share the region */
	bool default_policy;		/* the region keeps the default NUMA policy */
	/* NULL if this machine can provide it, else why not. */
	const char *(*probe)(void);
	/* Optional, before the region is mapped (e.g. enter a cgroup). */
	int (*prepare)(struct fault_inst *f);
	int (*setup)(struct fault_inst *f);
	/*
	 * One injection: an enum fault_did, or -errno.  An errno listed in
	 * @benign (the kernel refused for now: EAGAIN, ENOMEM, EBUSY) counts
	 * as skipped; any other stops this injector and the run is invalid.
	 */
	int (*inject)(struct fault_inst *f, struct rng *r);
	int benign[FAULT_MAX_BENIGN];
	/* Optional: release what setup() took besides f->priv, which is freed after. */
	void (*teardown)(struct fault_inst *f);
};

extern const struct fault_ops *const fault_table[];
const struct fault_ops *fault_find(const char *name);

/* The injector thread body: inject, count, pause with jitter, until the run stops. */
void *fault_thread(void *arg);

/* Whether -@err is one of @ops's benign errnos. */
bool fault_benign(const struct fault_ops *ops, int err);

/* An effect the kernel confirmed after inject() returned (a fork child's check, a KSM scan). */
void fault_confirm(struct fault_inst *f);

/* The fault's teardown(), then free(f->priv). */
void fault_teardown(struct fault_inst *f);

/* NULL if the machine has swap (pageout, zswap, swapin-race, reclaim). */
const char *fault_swap_probe(void);

/* pageout_range() on a random range of @f's region (pageout, zswap). */
struct pageout_ctx;
long pageout_random(struct fault_inst *f, struct pageout_ctx *p, struct rng *r);

/*
 * Deactivate a random @bytes of @f's region (MADV_COLD), so that the run
 * cgroup's LRU walk, which sees every job's pages, takes these first.
 */
void fault_cold_random(struct fault_inst *f, struct rng *r, uint64_t bytes);

/*
 * How much one memcg reclaim asks for: whole pages, at random from @min up
 * to a quarter of @f's region, kept within [@min, @max].
 */
uint64_t fault_reclaim_bytes(const struct fault_inst *f, struct rng *r, uint64_t min,
			     uint64_t max);

/* Log in the job's event ring that @f is acting on [addr, addr+len) of the region. */
void fault_range(struct fault_inst *f, const void *addr, size_t len);

/* Record why injector @f stopped (the run becomes invalid). */
void fault_failed(struct fault_inst *f, int err);

/* Sleep up to @ms, returning early when the run stops. */
void fault_sleep(const struct fault_inst *f, unsigned int ms);

#endif
