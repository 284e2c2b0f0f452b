/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Faults: what injector threads do to a region while the workload's writes
 * are in flight.  Each fault is one const struct fault_ops in one table;
 * it counts what it did and what the kernel confirmed it did.
 */
#ifndef PINSTRESS_FAULT_H
#define PINSTRESS_FAULT_H

#include "job.h"

struct fault_ops {
	const char *name;
	const char *desc;
	unsigned int interval_ms;	/* default pause between injections */
	/* NULL if this machine can provide it, else why not. */
	const char *(*probe)(void);
	int (*setup)(struct fault_inst *f);
	/* One injection; 0 or -errno (an error stops this injector). */
	int (*inject)(struct fault_inst *f, struct rng *r);
	void (*teardown)(struct fault_inst *f);
};

extern const struct fault_ops *const fault_table[];
const struct fault_ops *fault_find(const char *name);

/* The injector thread body: inject, pause with jitter, until the run stops. */
void *fault_thread(void *arg);

/* Sleep up to @ms, returning early when the run stops. */
void fault_sleep(const struct fault_inst *f, unsigned int ms);

#endif
