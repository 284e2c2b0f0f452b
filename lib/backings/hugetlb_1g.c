// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb-1g: private 1 GiB hugetlb memory (MAP_HUGETLB | MAP_HUGE_1GB;
 * libhugetlbfs would need a hugetlbfs mount with pagesize=1G).  The region
 * rounds up to whole 1 GiB pages.  The pool is raised by what the job
 * needs and, if the kernel can find them, as many again for fork COW
 * (a gigantic page is hard to find once memory is fragmented: the
 * headroom is optional, the region's pages are not).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/hugetlb.h"
#include "kernel/kconst.h"

#define HPAGE_1G (1UL << 30)

static size_t round_1g(size_t size)
{
	return (size + HPAGE_1G - 1) & ~(HPAGE_1G - 1);
}

static const char *hugetlb_1g_probe(void)
{
	return hugetlb_probe(HUGETLB_1G_KB);
}

static int hugetlb_1g_reserve(struct job *j, size_t size, char *why, size_t len)
{
	unsigned long n = round_1g(size) / HPAGE_1G;

	return hugetlb_reserve(HUGETLB_1G_KB, n, n * hugetlb_private_copies(j), why, len);
}

static int hugetlb_1g_map(struct job *j, size_t size)
{
	struct region *r = &j->reg;
	void *base;

	size = round_1g(size);
	base = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB, -1, 0);
	if (base == MAP_FAILED)
		return -errno;
	r->base = base;
	r->size = size;
	r->map_addr = base;
	r->map_len = size;
	return 0;
}

static int hugetlb_1g_check(struct job *j, char *why, size_t len)
{
	return hugetlb_check_region(j, HUGETLB_1G_KB, why, len);
}

const struct backing_ops backing_hugetlb_1g = {
	.name = "hugetlb-1g",
	.desc = "1 GiB hugetlb pages (MAP_HUGETLB|MAP_HUGE_1GB), where they can be reserved",
	.caps = MC_PRIVATE | MC_HUGETLB | MC_GIANT,
	.proof = "hugetlb_bytes_start",
	.probe = hugetlb_1g_probe,
	.reserve = hugetlb_1g_reserve,
	.map = hugetlb_1g_map,
	.unmap = backing_unmap_common,
	.check = hugetlb_1g_check,
};
