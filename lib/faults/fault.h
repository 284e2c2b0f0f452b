/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Faults: what injector threads do to a region while the workload's writes
 * are in flight.  Each fault is one const struct fault_ops in one table;
 * it counts what it did and what the kernel confirmed it did.
 */
#ifndef PINSTRESS_FAULT_H
#define PINSTRESS_FAULT_H

#include "run/caps.h"
#include "run/job.h"

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
	bool exclusive;			/* inject() holds the maplock for writing */
	bool forks;			/* inject() forks children that COW-share the region */
	/* NULL if this machine can provide it, else why not. */
	const char *(*probe)(void);
	/* Optional, before the region is mapped (e.g. enter a cgroup). */
	int (*prepare)(struct fault_inst *f);
	int (*setup)(struct fault_inst *f);
	/* One injection; 0 or -errno (an error stops this injector). */
	int (*inject)(struct fault_inst *f, struct rng *r);
	void (*teardown)(struct fault_inst *f);
};

extern const struct fault_ops *const fault_table[];
const struct fault_ops *fault_find(const char *name);

/* The injector thread body: inject, pause with jitter, until the run stops. */
void *fault_thread(void *arg);

/* NULL if the machine has swap (pageout, zswap, swapin-race, reclaim). */
const char *fault_swap_probe(void);

/* pageout_range() on a random range of @f's region (pageout, zswap). */
struct pageout_ctx;
long pageout_random(struct fault_inst *f, struct pageout_ctx *p, struct rng *r);

/* Log in the job's event ring that @f is acting on [addr, addr+len) of the region. */
void fault_range(struct fault_inst *f, const void *addr, size_t len);

/* Record why injector @f stopped (the run becomes invalid). */
void fault_failed(struct fault_inst *f, int err);

/* Sleep up to @ms, returning early when the run stops. */
void fault_sleep(const struct fault_inst *f, unsigned int ms);

#endif
