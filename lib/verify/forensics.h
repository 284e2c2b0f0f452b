/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel says about a damaged block, taken at the moment it is
 * found and before anything else moves: its pages' pagemap entries and
 * page flags (/proc/kpageflags, decoded to names), the smaps and
 * numa_maps lines of its VMA, and the first differing bytes next to the
 * expected ones.
 */
#ifndef PINSTRESS_FORENSICS_H
#define PINSTRESS_FORENSICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/stamp.h"

#define FX_MAX_PAGES	8	/* pages looked at, from the first differing byte on */
#define FX_DIFF_BYTES	32	/* bytes shown either way, from a 16-byte boundary */

struct fx_page {
	uint64_t vaddr;
	uint64_t pagemap;	/* the raw /proc/self/pagemap entry */
	uint64_t kflags;	/* /proc/kpageflags of its PFN, if have_kflags */
	bool have_kflags;
};

struct forensics {
	struct fx_page pages[FX_MAX_PAGES];
	unsigned int npages;
	char smaps[2048];	/* the VMA's smaps block, lines joined by '\n' */
	char numa_maps[512];	/* the VMA's numa_maps line */
	bool have_diff;
	size_t diff_off;	/* offset in the block of want[0] / found[0] */
	unsigned int diff_len;
	uint8_t want[FX_DIFF_BYTES];
	uint8_t found[FX_DIFF_BYTES];
};

/*
 * Look at the block at @blk (size @bs) as it is now.  @first_diff is the
 * offset of the first differing byte (bs if unknown: no byte comparison,
 * pages from the block's start).  Never fails as a whole: what cannot be
 * read stays empty.
 */
void forensics_take(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *expect,
		    size_t first_diff, struct forensics *fx);

/* "anon,lru,swapbacked,thp,..." for a /proc/kpageflags word; "" for none. */
void kpf_names(uint64_t flags, char *buf, size_t len);

/* "present pfn 0x1234 exclusive" / "swapped type 0 offset 0x56" / "not present". */
void pagemap_describe(uint64_t pm, char *buf, size_t len);

/* One line of hex, e.g. "00 11 22 ..", for @n bytes. */
void hex_line(const uint8_t *p, unsigned int n, char *buf, size_t len);

#endif
