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
 * What a workload does, which a fault may refuse to act under (its
 * refuses_wl) and lib/ reads from the job (wl_flags).
 */
enum workload_flags {
	WL_NEEDS_SCRATCH = 1 << 0,	/* reads from an O_DIRECT scratch file */
	WL_NEEDS_IOURING = 1 << 1,
	WL_PINS_LONGTERM = 1 << 2,	/* keeps the region pinned (FOLL_LONGTERM) */
	WL_FORKS = 1 << 3,		/* forks children that COW-share the region */
	WL_KERNEL_WRITES = 1 << 4,	/* the kernel writes the region through pins (DMA, io_uring) */
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

/* A backing's caps once the mlock modifier is applied. */
unsigned int caps_effective(unsigned int caps, int mlock);

#endif
