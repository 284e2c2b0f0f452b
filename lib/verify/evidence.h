/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Evidence: named counters of what the kernel confirmed it did to a job's
 * memory (pages really swapped, really moved, really split).  Names are
 * registered by whoever measures them, so adding a fault never touches a
 * central list; the report prints every counter, and each workload,
 * backing and fault names the counters that prove it ran ("proof").
 */
#ifndef PINSTRESS_EVIDENCE_H
#define PINSTRESS_EVIDENCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define EV_MAX		48
#define EV_NAME_LEN	40

struct ev_slot {
	char name[EV_NAME_LEN];
	_Atomic uint64_t v;
};

struct evidence {
	pthread_mutex_t lock;
	unsigned int n;
	struct ev_slot slot[EV_MAX];
};

void evidence_init(struct evidence *e);

/*
 * The counter called @name, created at 0 on first use.  The pointer stays
 * valid for the job's life, so hot paths look it up once at setup.  NULL
 * only when EV_MAX names are taken (a programming error, caught by tests).
 */
_Atomic uint64_t *evidence_get(struct evidence *e, const char *name);

/* Value of @name, 0 if nobody registered it. */
uint64_t evidence_value(const struct evidence *e, const char *name);

static inline void ev_add(_Atomic uint64_t *c, uint64_t n)
{
	if (c)
		atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline void ev_max(_Atomic uint64_t *c, uint64_t n)
{
	uint64_t cur;

	if (!c)
		return;
	cur = atomic_load_explicit(c, memory_order_relaxed);
	while (n > cur && !atomic_compare_exchange_weak(c, &cur, n))
		;
}

/*
 * Check a proof list ("a,b": every named counter must be > 0).  Returns
 * true if all are; otherwise names the first that is 0 in @missing.
 */
bool evidence_proven(const struct evidence *e, const char *proof, char *missing, size_t len);

#endif
