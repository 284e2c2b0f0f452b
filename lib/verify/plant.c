// SPDX-License-Identifier: GPL-2.0
/* Each planted class mimics what the kernel would leave behind. */
#include <errno.h>
#include <string.h>

#include "verify/plant.h"

int plant_damage(void *blk, size_t bs, uint64_t seed, const struct stamp_id *expect,
		 enum vclass cls, enum vside side, struct rng *r)
{
	struct stamp_id id = *expect;
	uint8_t *p = blk;
	size_t bit;

	switch (cls) {
	case VC_ZEROED:		/* a fresh zero page replaced ours */
		memset(blk, 0, bs);
		return 0;
	case VC_LOST_WRITE:	/* the previous generation is still there */
		id.gen = expect->gen ? expect->gen - 1 : 0;
		id.source = SRC_MAKE(SRC_CPU, 0);
		if (id.gen == expect->gen)
			return -EINVAL;
		break;
	case VC_MISPLACED:	/* a neighbour's data */
		id.block = expect->block + 1;
		break;
	case VC_LEAK:
		if (side == SIDE_CHILD)	/* the parent's later write seen by the child */
			id.gen = expect->gen + 1;
		else			/* a fork child's data seen by the parent */
			id.source = SRC_MAKE(SRC_CHILD, 1);
		break;
	case VC_TORN:		/* one flipped payload bit */
		bit = STAMP_HDR_SIZE * 8 + rng_below(r, (bs - STAMP_HDR_SIZE) * 8);
		p[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		return 0;
	case VC_GARBAGE:
		for (size_t i = 0; i + 8 <= bs; i += 8) {
			uint64_t v = rng_next(r) | 1;

			memcpy(p + i, &v, 8);
		}
		return 0;
	default:
		return -EINVAL;
	}
	stamp_fill(blk, bs, seed, &id);
	return 0;
}
