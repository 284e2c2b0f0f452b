/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hugetlb pool, shared by the hugetlb backings: how many pages of a
 * size the kernel has, and raising nr_hugepages by what a job needs
 * (through lib/kernel/tunable.h, so the driver puts the original value back).
 */
#ifndef PINSTRESS_HUGETLB_H
#define PINSTRESS_HUGETLB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "run/job.h"

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
 * How many pages a private hugetlb mapping may need per page of the region:
 * the page itself and one spare, and for each kind of fork child that can
 * live (the fork fault's, a WL_FORKS workload's, of every job of the round
 * when this job forks too) one COW copy for the parent's writes and one
 * for the child's (mm/hugetlb.c
 * hugetlb_wp(): with the pool empty the child is killed, or the parent's
 * page taken from it).
 */
unsigned long hugetlb_private_copies(const struct job *j);

/*
 * A fork child of a private hugetlb job that died of SIGBUS because the
 * kernel took its page away: the parent's COW found the pool empty, and
 * mm/hugetlb.c gives the page to the mapping's owner and logs "PID %d
 * killed due to inadequate hugepage pool" when the child touches it.
 * Documented behaviour, not a failure, but only when the log says so.
 */
bool hugetlb_child_killed_for_pool(const struct job *j, pid_t pid, int status);

/* Free pages of @page_kb in the pool now (free_hugepages); 0 if unknown. */
unsigned long hugetlb_free_pages(unsigned long page_kb);

/*
 * check(): every page of the region is present and hugetlb (kpageflags)
 * and the VMA's page size is @page_kb (smaps KernelPageSize).
 */
int hugetlb_check_region(struct job *j, unsigned long page_kb, char *why, size_t len);

#endif
