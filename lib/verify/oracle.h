/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oracle: what each block of a region must hold, kept outside the memory
 * under test.  Its state word is also the lock that guarantees no false
 * positives: a block has one owner at a time (a writer or the scrubber), and
 * only the owner may write the block or trust its expectation.
 */
#ifndef PINSTRESS_ORACLE_H
#define PINSTRESS_ORACLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/evring.h"
#include "verify/stamp.h"

enum blk_state {
	BLK_IDLE = 0,	/* content equals the expectation; anyone may claim */
	BLK_SCRUB = 1,	/* the scrubber is reading it; content does not change */
	BLK_BUSY = 2,	/* a writer owns it; content undefined until release */
	BLK_BAD = 3,	/* a mismatch was reported; never touched again */
};

struct oracle_ent {
	_Atomic uint32_t state;
	_Atomic uint32_t seq;	/* bumped by every writer release */
	uint32_t source;	/* expected source */
	uint32_t flags;		/* ORF_*, owner-written like source and gen */
	uint64_t gen;		/* expected generation */
};

/*
 * ORF_UNDEF: a fault made the content undefined (MADV_FREE may discard it)
 * until the next write; nobody verifies it, a fork child skips it.
 * ORF_SHARED: the block holds the region's shared pattern (SRC_SHARED).
 * Both are cleared by the next oracle_next().
 */
enum { ORF_UNDEF = 1u << 0, ORF_SHARED = 1u << 1 };

struct oracle {
	struct oracle_ent *ent;
	size_t nblocks;
	uint32_t region;
	struct evring *evr;	/* where new generations are logged, or NULL */
};

int oracle_init(struct oracle *o, size_t nblocks, uint32_t region);
void oracle_destroy(struct oracle *o);

/* IDLE -> @to; false if the block is owned or bad. */
static inline bool oracle_claim(struct oracle *o, size_t b, uint32_t to)
{
	uint32_t idle = BLK_IDLE;

	return atomic_compare_exchange_strong_explicit(&o->ent[b].state, &idle, to,
						       memory_order_acquire,
						       memory_order_relaxed);
}

/* The owner ends its claim; a writer's release also bumps seq. */
static inline void oracle_release(struct oracle *o, size_t b, bool wrote)
{
	if (wrote)
		atomic_fetch_add_explicit(&o->ent[b].seq, 1, memory_order_relaxed);
	atomic_store_explicit(&o->ent[b].state, BLK_IDLE, memory_order_release);
}

static inline void oracle_mark_bad(struct oracle *o, size_t b)
{
	atomic_store_explicit(&o->ent[b].state, BLK_BAD, memory_order_release);
}

static inline uint32_t oracle_state(const struct oracle *o, size_t b)
{
	return atomic_load_explicit(&((struct oracle *)o)->ent[b].state, memory_order_acquire);
}

/* The stamp the block must hold now (owner only). */
void oracle_expect(const struct oracle *o, size_t b, struct stamp_id *id);

/* The owner is about to write: record and return the new expectation. */
void oracle_next(struct oracle *o, size_t b, uint32_t source, struct stamp_id *id);

/* The owner is about to write the shared pattern: like oracle_next(). */
void oracle_next_shared(struct oracle *o, size_t b, struct stamp_id *id);

/* The owner declares the content undefined until its next write. */
static inline void oracle_set_undef(struct oracle *o, size_t b)
{
	o->ent[b].flags |= ORF_UNDEF;
}

/* Owner only: false while the content is undefined. */
static inline bool oracle_defined(const struct oracle *o, size_t b)
{
	return !(o->ent[b].flags & ORF_UNDEF);
}

/*
 * Fork stability: snapshot (state, seq) of every block before fork() and,
 * after it, keep in @stable only blocks that were idle (or being scrubbed)
 * with the same seq both times: their content and expectation did not move
 * across the fork, so the child's copy of both agrees.
 */
void oracle_snapshot(const struct oracle *o, uint64_t *snap);
size_t oracle_stable(const struct oracle *o, const uint64_t *snap, uint64_t *bitmap);

static inline bool bitmap_test(const uint64_t *bm, size_t i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

#endif
