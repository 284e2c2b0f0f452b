/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backings: what kind of memory a region is.  Each one maps it, then checks
 * through the kernel's own accounting that it really got what it asked for;
 * a backing never silently degrades to something else.
 */
#ifndef PINSTRESS_BACKING_H
#define PINSTRESS_BACKING_H

#include "job.h"

struct backing_ops {
	const char *name;
	const char *desc;
	/* NULL if this machine can provide it, else why not. */
	const char *(*probe)(void);
	int (*map)(struct region *r, size_t size);
	void (*unmap)(struct region *r);
	/*
	 * After the region is populated: confirm the kind of memory.  Returns
	 * 0, or -ENOTSUP with @why filled when the kernel did not deliver.
	 */
	int (*check)(const struct region *r, char *why, size_t len);
};

const struct backing_ops *backing_find(const char *name);
/* NULL-terminated table, sorted by name. */
extern const struct backing_ops *const backing_table[];

/* Bytes of the region backed by PMD-mapped THP, from smaps AnonHugePages. */
int backing_thp_bytes(const struct region *r, uint64_t *bytes);

/* Shared helper: anonymous private mapping aligned to @align. */
int backing_map_aligned(struct region *r, size_t size, size_t align);
void backing_unmap_common(struct region *r);

#endif
