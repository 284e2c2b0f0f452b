/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification of a block that does not hold its expected stamp.  The
 * class is what a kernel engineer reads first, so each one names a distinct
 * failure of the kernel: a write that never reached the mapped page, data
 * from the wrong place, data crossing a fork, a partial write, or nothing
 * recognisable at all.
 */
#ifndef PINSTRESS_CLASSIFY_H
#define PINSTRESS_CLASSIFY_H

#include <stdbool.h>
#include "verify/stamp.h"

enum vclass {
	VC_OK = 0,
	VC_ZEROED,	/* block is all zero: fresh page where data was */
	VC_LOST_WRITE,	/* valid stamp of this block, older generation */
	VC_MISPLACED,	/* valid stamp of another block, region or writer */
	VC_LEAK,	/* a stamp from the other side of a fork */
	VC_TORN,	/* header valid but payload not, or two stamps mixed */
	VC_GARBAGE,	/* nothing recognisable */
	/*
	 * The region holds the right stamp but a kernel read through the pin
	 * (WRITE_FIXED, O_DIRECT pwrite) got something else: the pin and the
	 * mapping point at different pages.  found/cls-of-pin in the finding.
	 */
	VC_PIN_DIVERGENCE,
	/*
	 * The page the page tables map holds the right stamp (read through
	 * /proc/self/mem, a page-table walk) but a CPU load from the same
	 * address returned older data: the CPU used a stale TLB entry for the
	 * old page.  found is what the load saw; stale_us how long it lasted.
	 */
	VC_STALE_TLB,
	VC_NR
};

/* Which side of a fork is looking: the child treats newer parent data as a leak. */
enum vside {
	SIDE_PARENT = 0,
	SIDE_CHILD = 1,
};

/* What else the finder saw, for the expected-failure rule (known_bugs.h). */
enum vfinding_evidence {
	/* The fork child had no page-table entry at the block right after fork. */
	VFE_CHILD_NO_PTE = 1u << 0,
};

struct vfinding {
	enum vclass cls;
	bool found_valid;	/* found holds a decoded, valid header */
	struct stamp_id found;
	/* VC_STALE_TLB: CPU and how long its loads kept seeing @found; -1: past the bound */
	int cpu;
	long stale_us;
	unsigned int evidence;	/* VFE_* */
};

const char *vclass_name(enum vclass c);
/* Parse a class name (for tests and canaries); -1 if unknown. */
int vclass_from_name(const char *name);

/*
 * Classify @blk against @expect.  Allocation-free and lock-free: safe in a
 * fork child.  Returns VC_OK when the block is exactly as expected.
 */
enum vclass classify_block(const void *blk, size_t bs, uint64_t seed,
			   const struct stamp_id *expect, enum vside side,
			   struct vfinding *out);

/*
 * A block read back through its pin (written out with WRITE_FIXED or an
 * O_DIRECT pwrite from the region, then read from the file) against
 * @expect, which the caller has checked the region itself holds.  VC_OK
 * if the copy equals it; else VC_PIN_DIVERGENCE, with @out->found (and
 * found_valid) decoded from the copy: what the pinned page held.
 */
enum vclass classify_readback(const void *copy, size_t bs, uint64_t seed,
			      const struct stamp_id *expect, struct vfinding *out);

/* Offset of the first byte that differs from the expected stamp; bs if none. */
size_t classify_first_diff(const void *blk, size_t bs, uint64_t seed,
			   const struct stamp_id *expect, void *scratch);

#endif
