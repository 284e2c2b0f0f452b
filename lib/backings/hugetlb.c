// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb: private 2 MiB hugetlb memory.  Through libhugetlbfs
 * (get_huge_pages(): MAP_PRIVATE of an unlinked file on a hugetlbfs mount)
 * when the library found such a mount; it looks for mounts only once, in
 * its constructor at program start, so without a hugetlbfs mount at that
 * time (run.sh mounts one) the library cannot allocate and the region is
 * mapped with MAP_HUGETLB instead: the same kernel pages and paths
 * (mm/hugetlb.c: hugetlb_fault, hugetlb_wp for COW, copy_hugetlb_page_range
 * at fork), only an internal hugetlbfs file instead of a mounted one.
 * Evidence "hugetlb_libhugetlbfs" says which one ran.
 *
 * The pool is raised by what the job needs plus as much again: a private
 * hugetlb page shared with a fork child is copied on write, and a pinned
 * one is copied at fork, each taking a free page from the pool.
 */
#include <errno.h>
#include <stddef.h>
#include <hugetlbfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/hugetlb.h"
#include "kernel/kconst.h"


struct hugetlb_priv {
	bool lib;	/* mapped by get_huge_pages() */
};

static size_t round_2m(size_t size)
{
	return (size + HUGETLB_2M - 1) & ~(HUGETLB_2M - 1);
}

static const char *hugetlb_2m_probe(void)
{
	return hugetlb_probe(HUGETLB_2M_KB);
}

static int hugetlb_2m_reserve(struct job *j, size_t size, char *why, size_t len)
{
	unsigned long n = round_2m(size) / HUGETLB_2M * hugetlb_private_copies(j);

	return hugetlb_reserve(HUGETLB_2M_KB, n, n, why, len);
}

/*
 * libhugetlbfs found a hugetlbfs mount at program start, and its default
 * size (what get_huge_pages() allocates) is 2 MiB.
 */
static bool lib_usable(void)
{
	return gethugepagesize() == (long)HUGETLB_2M &&
	       hugetlbfs_find_path_for_size((long)HUGETLB_2M) != NULL;
}

static int hugetlb_2m_map(struct job *j, size_t size)
{
	struct hugetlb_priv *p = calloc(1, sizeof(*p));
	struct region *r = &j->reg;
	void *base;

	if (!p)
		return -ENOMEM;
	size = round_2m(size);
	p->lib = lib_usable();
	if (p->lib) {
		/* Returns NULL with errno from mmap() or the prefault. */
		base = get_huge_pages(size, GHP_DEFAULT);
	} else {
		base = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
		if (base == MAP_FAILED)
			base = NULL;
	}
	if (!base) {
		int err = errno ? -errno : -ENOMEM;

		free(p);
		return err;
	}
	r->base = base;
	r->size = size;
	r->map_addr = base;
	r->map_len = size;
	j->bk_priv = p;
	atomic_store(job_ev(j, "hugetlb_libhugetlbfs"), p->lib);
	return 0;
}

static void hugetlb_2m_unmap(struct job *j)
{
	struct hugetlb_priv *p = j->bk_priv;

	if (p && p->lib && j->reg.map_addr) {
		free_huge_pages(j->reg.map_addr);
		j->reg.map_addr = NULL;
		j->reg.base = NULL;
	}
	backing_unmap_common(j);
	free(p);
	j->bk_priv = NULL;
}

static int hugetlb_2m_check(struct job *j, char *why, size_t len)
{
	return hugetlb_check_region(j, HUGETLB_2M_KB, why, len);
}

const struct backing_ops backing_hugetlb = {
	.name = "hugetlb",
	.desc = "2 MiB private hugetlb pages through libhugetlbfs (MAP_HUGETLB if no hugetlbfs was mounted at start)",
	.caps = MC_PRIVATE | MC_HUGETLB,
	.proof = "hugetlb_bytes_start",
	.probe = hugetlb_2m_probe,
	.reserve = hugetlb_2m_reserve,
	.map = hugetlb_2m_map,
	.unmap = hugetlb_2m_unmap,
	.check = hugetlb_2m_check,
};
