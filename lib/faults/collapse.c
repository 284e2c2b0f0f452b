// SPDX-License-Identifier: GPL-2.0
/*
 * collapse: MADV_COLLAPSE (6.1+) on a random PMD-sized range while kernel
 * writes are in flight: the kernel copies the small pages into a new THP
 * and remaps it.  A range that is a PMD THP already is split first
 * (debugfs split_huge_pages, mounted for the run if needed; MADV_COLD on
 * its first page under lockdown), so there is always something to collapse.  Pages with extra references (pinned by
 * registered io_uring buffers or an O_DIRECT read in flight) make the
 * kernel refuse (EAGAIN, EINVAL): counted as skipped, that refusal is the
 * point.  Evidence: bytes in PMD-sized folios in the range, after minus
 * before (pagemap + kpageflags).
 * Target: mm/khugepaged.c (collapse_huge_page, __collapse_huge_page_isolate
 * and its refcount check against GUP-fast).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/debugfs.h"
#include "faults/fault.h"
#include "kernel/kconst.h"
#include "kernel/pagerange.h"

struct collapse_priv {
	bool debugfs;		/* split through split_huge_pages, else MADV_COLD */
	_Atomic uint64_t *ev_collapsed, *ev_refused;
};

static const char *collapse_probe(void)
{
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		return "kernel without CONFIG_TRANSPARENT_HUGEPAGE";
	return NULL;
}

static int collapse_setup(struct fault_inst *f)
{
	struct collapse_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->debugfs = !debugfs_probe() && !debugfs_split_ready();
	p->ev_collapsed = job_ev(f->job, "thp_bytes_collapsed");
	p->ev_refused = job_ev(f->job, "collapse_refused");
	f->priv = p;
	return 0;
}

static int collapse_inject(struct fault_inst *f, struct rng *r)
{
	struct collapse_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t npages = pmd_size() / job_page_size();
	struct range_pages before, after;
	void *chunk;
	int ret;

	if (!range_pick_aligned(reg->base, reg->size, pmd_size(), rng_next(r), &chunk))
		return FAULT_SKIPPED;
	fault_range(f, chunk, pmd_size());
	ret = range_pages_take(chunk, npages, pmd_order(), &before);
	if (ret)
		return ret;
	if (before.large == npages) {
		ret = thp_split_range(chunk, pmd_size(), 0, p->debugfs);
		if (!ret)
			ret = range_pages_take(chunk, npages, pmd_order(), &before);
		if (ret)
			return ret;
	}
	if (before.large == npages)
		return FAULT_SKIPPED;	/* still whole (pinned): nothing to collapse */
	if (madvise(chunk, pmd_size(), MADV_COLLAPSE)) {
		ret = -errno;
		if (fault_benign(f->ops, ret))
			ev_add(p->ev_refused, 1);
		return ret;
	}
	ret = range_pages_take(chunk, npages, pmd_order(), &after);
	if (ret)
		return ret;
	if (after.large <= before.large)
		return FAULT_DONE;
	ev_add(p->ev_collapsed, (after.large - before.large) * job_page_size());
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_collapse = {
	.name = "collapse",
	.desc = "MADV_COLLAPSE on 2 MiB ranges (split first through debugfs when already THP)",
	.interval_ms = 20,
	.needs = MC_LARGE,
	.refuses = MC_HUGETLB,
	.proof = "thp_bytes_collapsed",
	.probe = collapse_probe,
	.setup = collapse_setup,
	.inject = collapse_inject,
	.benign = { EAGAIN, EINVAL, ENOMEM, EBUSY },
};
