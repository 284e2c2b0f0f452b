/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What kind of memory a backing provides, as flags that faults and
 * workloads can require or refuse: a fault that cannot act on a backing
 * (pageout on hugetlb, fork COW on shared memory) is "not applicable" with
 * the reason, never run and reported as a pass.
 */
#ifndef PINSTRESS_CAPS_H
#define PINSTRESS_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

enum mem_caps {
	MC_PRIVATE = 1u << 0,	/* MAP_PRIVATE: fork shares copy-on-write */
	MC_SHARED = 1u << 1,	/* MAP_SHARED: fork shares the pages themselves */
	MC_ANON = 1u << 2,	/* anonymous private pages: KSM, MADV_FREE, UFFDIO_MOVE */
	MC_LARGE = 1u << 3,	/* can hold THP/mTHP folios that split and collapse */
	MC_HUGETLB = 1u << 4,	/* hugetlb pages */
	MC_FILE = 1u << 5,	/* page cache of a regular file */
	MC_SWAPPABLE = 1u << 6,	/* reclaim may write it to swap */
	MC_MLOCKED = 1u << 7,	/* mlock modifier */
	MC_GIANT = 1u << 8,	/* 1 GiB pages: one page is 262144 4 KiB blocks */
	MC_NR = 9
};

/*
 * A probe() reason about the running kernel itself (built without the
 * feature, or too old) begins with "kernel ": "kernel without CONFIG_ZSWAP",
 * "kernel before 6.8: no UFFDIO_MOVE".  Any other reason is about the
 * machine or its setup (no swap, one NUMA node, no cgroup mounted).
 */
static inline bool reason_kernel_lacks(const char *why)
{
	return why && !strncmp(why, "kernel ", 7);
}

/* "swappable memory" for messages; @caps one bit. */
const char *caps_name(unsigned int cap);

struct workload_ops;
struct backing_ops;
struct fault_ops;

/*
 * NULL if workload @wl on backing @bk (with the effective @caps) under
 * fault @f (may be NULL) makes sense, else why not, written into @buf.
 */
const char *compat_check(const struct workload_ops *wl, const struct backing_ops *bk,
			 unsigned int caps, const struct fault_ops *f, char *buf, size_t len);

/* A backing's caps once the mlock modifier is applied. */
unsigned int caps_effective(unsigned int caps, int mlock);

#endif
