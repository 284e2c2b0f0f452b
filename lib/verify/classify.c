// SPDX-License-Identifier: GPL-2.0
/*
 * The order of the checks matters: a block whose payload does not match its
 * own valid header is torn whatever its identity says, because its header
 * alone cannot be trusted to say whose write it was.  Only self-consistent
 * stamps are then compared against the oracle's expectation.
 */
#include <string.h>

#include "verify/classify.h"

static const char *const names[VC_NR] = {
	[VC_OK] = "ok",
	[VC_ZEROED] = "zeroed",
	[VC_LOST_WRITE] = "lost-write",
	[VC_MISPLACED] = "misplaced",
	[VC_LEAK] = "leak",
	[VC_TORN] = "torn",
	[VC_GARBAGE] = "garbage",
	[VC_PIN_DIVERGENCE] = "pin-divergence",
	[VC_STALE_TLB] = "stale-tlb",
};

const char *vclass_name(enum vclass c)
{
	return c < VC_NR ? names[c] : "?";
}

int vclass_from_name(const char *name)
{
	for (int i = 0; i < VC_NR; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

static bool all_zero(const void *blk, size_t bs)
{
	const uint64_t *w = blk;

	for (size_t i = 0; i < bs / 8; i++)
		if (w[i])
			return false;
	return true;
}

/* A second stamp header inside the block: two writes landed in one block. */
static bool inner_stamp(const uint8_t *blk, size_t bs, uint64_t seed)
{
	for (size_t off = STAMP_MIN_BLOCK; off + STAMP_HDR_SIZE <= bs; off += STAMP_MIN_BLOCK) {
		const struct stamp_hdr *h = (const void *)(blk + off);

		if (h->magic == STAMP_MAGIC && h->block_size <= bs - off &&
		    h->block_size >= STAMP_MIN_BLOCK &&
		    stamp_hdr_valid(h, h->block_size, seed))
			return true;
	}
	return false;
}

static enum vclass classify_bad_header(const uint8_t *blk, size_t bs, uint64_t seed,
				       const struct stamp_id *expect)
{
	if (all_zero(blk, bs))
		return VC_ZEROED;
	/* The payload is intact and only the header was hit: a partial write. */
	if (stamp_payload_hash(blk, bs, seed) == stamp_expected_payload_hash(bs, seed, expect))
		return VC_TORN;
	if (inner_stamp(blk, bs, seed))
		return VC_TORN;
	return VC_GARBAGE;
}

/* Data the parent wrote after the fork, seen by the child. */
static bool parent_write_in_child(const struct stamp_id *f, const struct stamp_id *e)
{
	if (SRC_KIND(f->source) == SRC_CHILD)
		return false;
	/* A child stamp takes gen+1 of the snapshot: the parent's next write has the same gen. */
	return f->gen > e->gen || (SRC_KIND(e->source) == SRC_CHILD && f->gen == e->gen);
}

static bool is_shared(const struct stamp_id *id)
{
	return SRC_KIND(id->source) == SRC_SHARED;
}

/*
 * The shared pattern stands for "this block, as last made identical":
 * finding it where a later write was expected, or an own older stamp where
 * the pattern was expected, is a write that did not stick.
 */
static enum vclass classify_shared(const struct stamp_id *f, const struct stamp_id *e)
{
	if (f->region != e->region)
		return VC_MISPLACED;
	if (is_shared(f) && is_shared(e))
		return f->source == e->source ? VC_OK : VC_MISPLACED;
	if (is_shared(f))
		return VC_LOST_WRITE;
	return f->block == e->block && f->gen < e->gen ? VC_LOST_WRITE : VC_MISPLACED;
}

static enum vclass classify_identity(const struct stamp_id *f, const struct stamp_id *e,
				     enum vside side)
{
	if (side == SIDE_PARENT && SRC_KIND(f->source) == SRC_CHILD &&
	    SRC_KIND(e->source) != SRC_CHILD)
		return VC_LEAK;
	if (is_shared(f) || is_shared(e)) {
		if (side == SIDE_CHILD && !is_shared(f) && f->region == e->region &&
		    f->block == e->block && parent_write_in_child(f, e))
			return VC_LEAK;
		return classify_shared(f, e);
	}
	if (f->region != e->region || f->block != e->block)
		return VC_MISPLACED;
	if (side == SIDE_CHILD && parent_write_in_child(f, e))
		return VC_LEAK;
	if (f->gen < e->gen)
		return VC_LOST_WRITE;
	/* Newer than any generation the oracle issued, or another writer's. */
	if (f->gen > e->gen || f->source != e->source)
		return VC_MISPLACED;
	return VC_OK;
}

enum vclass classify_block(const void *blk, size_t bs, uint64_t seed,
			   const struct stamp_id *expect, enum vside side,
			   struct vfinding *out)
{
	struct vfinding tmp;
	enum vclass c;

	if (!out)
		out = &tmp;
	memset(out, 0, sizeof(*out));
	if (!stamp_hdr_valid(blk, bs, seed)) {
		c = classify_bad_header(blk, bs, seed, expect);
		goto out;
	}
	out->found_valid = true;
	stamp_hdr_id(blk, &out->found);
	if (!stamp_payload_ok(blk, bs, seed)) {
		c = VC_TORN;
		goto out;
	}
	c = classify_identity(&out->found, expect, side);
out:
	out->cls = c;
	return c;
}

enum vclass classify_readback(const void *copy, size_t bs, uint64_t seed,
			      const struct stamp_id *expect, struct vfinding *out)
{
	struct vfinding tmp;

	if (!out)
		out = &tmp;
	if (stamp_matches(copy, bs, seed, expect)) {
		memset(out, 0, sizeof(*out));
		return VC_OK;
	}
	/* Whatever the copy looks like, the region held @expect: the pin saw another page. */
	classify_block(copy, bs, seed, expect, SIDE_PARENT, out);
	out->cls = VC_PIN_DIVERGENCE;
	return VC_PIN_DIVERGENCE;
}

size_t classify_first_diff(const void *blk, size_t bs, uint64_t seed,
			   const struct stamp_id *expect, void *scratch)
{
	const uint8_t *a = blk, *b = scratch;

	stamp_fill(scratch, bs, seed, expect);
	for (size_t i = 0; i < bs; i++)
		if (a[i] != b[i])
			return i;
	return bs;
}
