/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hugetlb pool, shared by the hugetlb backings: how many pages of a
 * size the kernel has, and raising nr_hugepages by what a job needs
 * (through lib/tunable.h, so the driver puts the original value back).
 */
#ifndef PINSTRESS_HUGETLB_H
#define PINSTRESS_HUGETLB_H

#include <stddef.h>

#include "job.h"

#define HUGETLB_2M_KB	2048UL
#define HUGETLB_1G_KB	(1024UL * 1024)

/* NULL if the kernel has a pool of @page_kb pages, else why not. */
const char *hugetlb_probe(unsigned long page_kb);

/*
 * Add @want pages of @page_kb to the pool.  Jobs of one run add to each
 * other's increase (under a lock).  -ENOTSUP with @why when the kernel
 * grants fewer than @need of them (the rest is headroom, e.g. for COW).
 */
int hugetlb_reserve(unsigned long page_kb, unsigned long need, unsigned long want, char *why,
		    size_t len);

/*
 * check(): every page of the region is present and hugetlb (kpageflags)
 * and the VMA's page size is @page_kb (smaps KernelPageSize).
 */
int hugetlb_check_region(struct job *j, unsigned long page_kb, char *why, size_t len);

#endif
