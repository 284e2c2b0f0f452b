// SPDX-License-Identifier: GPL-2.0
/*
 * thp-split: split the large folios of a random PMD-sized range while
 * kernel writes into them are in flight, through debugfs split_huge_pages
 * (mounted for the run if needed).  Usually to base pages; every third
 * time to a random mTHP order (2..8: anonymous folios cannot be order 1).
 * Under kernel lockdown debugfs cannot be written: then MADV_COLD on the
 * first page of the PMD splits it (to base pages), through the same
 * split_folio() with the same refusal of pinned folios.
 * A range with no large folio left is collapsed first (MADV_COLLAPSE), so
 * the fault keeps having something to split.  Folios with extra references
 * (pinned: registered io_uring buffers, O_DIRECT in flight) are left whole
 * by the kernel (can_split_folio): that refusal is part of the test.
 * Evidence: bytes in folios larger than the target order in the range,
 * before minus after (pagemap + kpageflags).
 * Target: mm/huge_memory.c (__folio_split, unmap/remap of the folio,
 * split of a PMD mapping under GUP-fast).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/debugfs.h"
#include "faults/fault.h"
#include "kernel/kconst.h"
#include "kernel/pagerange.h"

#define PMD_ORDER	9

struct split_priv {
	uint64_t n;
	bool debugfs;		/* split_huge_pages usable, else MADV_COLD */
	_Atomic uint64_t *ev_split, *ev_collapsed, *ev_method;
};

static const char *split_probe(void)
{
	/* Without debugfs (or under lockdown) MADV_COLD still splits, to base pages only. */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		return "kernel without CONFIG_TRANSPARENT_HUGEPAGE";
	return NULL;
}

static int split_setup(struct fault_inst *f)
{
	struct split_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->debugfs = !debugfs_probe() && !debugfs_split_ready();
	p->ev_method = job_ev(f->job, p->debugfs ? "thp_split_by_debugfs" : "thp_split_by_madv_cold");
	ev_add(p->ev_method, 1);
	p->ev_split = job_ev(f->job, "thp_bytes_split");
	p->ev_collapsed = job_ev(f->job, "thp_split_recollapsed_bytes");
	f->priv = p;
	return 0;
}

/* Nothing large left here: collapse it so there is something to split. */
static void refill(struct split_priv *p, void *addr, unsigned int order,
		   struct range_pages *now)
{
	struct range_pages rp;

	if (madvise(addr, pmd_size(), MADV_COLLAPSE))
		return;		/* pinned or busy pages: try another range next time */
	if (range_pages_take(addr, pmd_size() / job_page_size(), order + 1, &rp))
		return;
	ev_add(p->ev_collapsed, rp.large * job_page_size());
	*now = rp;
}

static int split_inject(struct fault_inst *f, struct rng *r)
{
	struct split_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t npages = pmd_size() / job_page_size();
	unsigned int order = 0;
	struct range_pages before, after;
	void *chunk;
	int ret;

	if (!range_pick_aligned(reg->base, reg->size, pmd_size(), rng_next(r), &chunk))
		return FAULT_SKIPPED;
	fault_range(f, chunk, pmd_size());
	if (p->debugfs && p->n++ % 3 == 2)
		order = 2 + (unsigned int)rng_below(r, PMD_ORDER - 2);
	ret = range_pages_take(chunk, npages, order + 1, &before);
	if (ret)
		return ret;
	if (!before.large)
		refill(p, chunk, order, &before);
	if (!before.large)
		return FAULT_SKIPPED;
	ret = thp_split_range(chunk, pmd_size(), order, p->debugfs);
	if (ret)
		return ret;
	ret = range_pages_take(chunk, npages, order + 1, &after);
	if (ret)
		return ret;
	if (before.large <= after.large)
		return FAULT_DONE;
	ev_add(p->ev_split, (before.large - after.large) * job_page_size());
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_thp_split = {
	.name = "thp-split",
	.desc = "split mapped THPs while pinned (debugfs split_huge_pages), to base pages or mTHP",
	.interval_ms = 20,
	.needs = MC_LARGE,
	.refuses = MC_HUGETLB,
	.proof = "thp_bytes_split",
	.probe = split_probe,
	.setup = split_setup,
	.inject = split_inject,
};
