// SPDX-License-Identifier: GPL-2.0
/*
 * Oracle storage.  Mapped separately from the region under test so that no
 * fault injected into the region (pageout, fork COW, split) can touch it.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "verify/oracle.h"

int oracle_init(struct oracle *o, size_t nblocks, uint32_t region)
{
	size_t len = nblocks * sizeof(struct oracle_ent);

	o->ent = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (o->ent == MAP_FAILED) {
		o->ent = NULL;
		return -errno;
	}
	o->nblocks = nblocks;
	o->region = region;
	o->evr = NULL;		/* set by the job once the region is filled */
	return 0;
}

void oracle_destroy(struct oracle *o)
{
	if (o->ent)
		munmap(o->ent, o->nblocks * sizeof(struct oracle_ent));
	o->ent = NULL;
}

void oracle_expect(const struct oracle *o, size_t b, struct stamp_id *id)
{
	id->region = o->region;
	id->block = b;
	id->gen = o->ent[b].gen;
	id->source = o->ent[b].source;
}

void oracle_next(struct oracle *o, size_t b, uint32_t source, struct stamp_id *id)
{
	o->ent[b].gen++;
	o->ent[b].source = source;
	o->ent[b].flags = 0;
	oracle_expect(o, b, id);
	evring_block(o->evr, EVK_WRITE, b, source, id->gen);
}

void oracle_next_shared(struct oracle *o, size_t b, struct stamp_id *id)
{
	oracle_next(o, b, SRC_MAKE(SRC_SHARED, 0), id);
	o->ent[b].flags = ORF_SHARED;
}

static uint64_t snap_word(const struct oracle *o, size_t b)
{
	struct oracle_ent *e = &o->ent[b];
	uint32_t st = atomic_load_explicit(&e->state, memory_order_acquire);
	uint32_t seq = atomic_load_explicit(&e->seq, memory_order_acquire);

	/* A scrubber only reads: for stability it is as good as idle. */
	if (st == BLK_SCRUB)
		st = BLK_IDLE;
	return (uint64_t)st << 32 | seq;
}

void oracle_snapshot(const struct oracle *o, uint64_t *snap)
{
	for (size_t b = 0; b < o->nblocks; b++)
		snap[b] = snap_word(o, b);
}

size_t oracle_stable(const struct oracle *o, const uint64_t *snap, uint64_t *bitmap)
{
	size_t n = 0;

	memset(bitmap, 0, (o->nblocks + 63) / 64 * 8);
	for (size_t b = 0; b < o->nblocks; b++) {
		if (snap[b] >> 32 != BLK_IDLE || snap_word(o, b) != snap[b])
			continue;
		/* Idle and unchanged across fork: its flags are the owner's last word. */
		if (!oracle_defined(o, b))
			continue;
		bitmap[b / 64] |= 1ULL << (b % 64);
		n++;
	}
	return n;
}
