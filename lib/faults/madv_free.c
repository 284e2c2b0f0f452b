// SPDX-License-Identifier: GPL-2.0
/*
 * madv-free: MADV_FREE on a random page range whose blocks are about to be
 * rewritten.  The blocks are claimed, the range is lazily freed, each block
 * is declared undefined (reclaim may discard it: it reads back as zeros or
 * as before) and released as written, so fork stability sees the change.
 * Workers then rewrite those blocks, by CPU store or kernel write.  Every
 * other injection also MADV_PAGEOUTs the range right after the release,
 * while those rewrites are in flight: reclaim discards the clean lazy-free
 * pages, and must keep every page a write landed in (dirty PTE, dirty
 * folio, or an elevated refcount from a pin).  A kernel write into a
 * lazily freed page once got dropped this way: reads returned zeros.
 * Target: mm/madvise.c (madvise_free_pte_range), mm/rmap.c
 * (try_to_unmap_one lazyfree discard), mm/vmscan.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "faults/fault.h"
#include "kernel/kconst.h"
#include "kernel/pagemap.h"
#include "kernel/pagerange.h"

#define MFREE_MAX_PAGES 64

struct mfree_priv {
	_Atomic uint64_t *ev_lazy, *ev_discarded;
	uint64_t n;
};

static int mfree_setup(struct fault_inst *f)
{
	struct mfree_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->ev_lazy = job_ev(f->job, "pages_lazyfree");
	p->ev_discarded = job_ev(f->job, "pages_lazyfree_discarded");
	f->priv = p;
	return 0;
}

/* Lazy-free pages that the pageout dropped: neither present nor in swap. */
static void pageout_lazy(struct mfree_priv *p, uint8_t *addr, size_t npages)
{
	struct range_pages before, after;

	if (range_pages_take(addr, npages, 1, &before) || !before.lazyfree)
		return;
	if (madvise(addr, npages * job_page_size(), MADV_PAGEOUT))
		return;		/* best effort: the workers' rewrites are the test */
	if (range_pages_take(addr, npages, 1, &after))
		return;
	/* Pages that left without going to swap were discarded. */
	if (before.present > after.present + (after.swapped - before.swapped))
		ev_add(p->ev_discarded,
		       before.present - after.present - (after.swapped - before.swapped));
}

static int mfree_inject(struct fault_inst *f, struct rng *r)
{
	struct mfree_priv *p = f->priv;
	struct job *j = f->job;
	size_t pages = j->reg.size / job_page_size();
	size_t n = 1 + rng_below(r, pages < MFREE_MAX_PAGES ? pages : MFREE_MAX_PAGES);
	size_t first = rng_below(r, pages - n + 1), b0, b1;
	uint8_t *addr = j->reg.base + first * job_page_size();
	struct range_pages rp;
	int ret;

	if (!job_claim_pages(j, first, n, &b0, &b1))
		return FAULT_SKIPPED;
	/* Damage already there is reported (and the block marked bad) before it is forgotten. */
	for (size_t b = b0; b < b1; b++)
		job_verify_owned(j, b, DET_FAULT);
	if (madvise(addr, n * job_page_size(), MADV_FREE)) {
		ret = -errno;
		for (size_t b = b0; b < b1; b++)
			if (oracle_state(&j->oracle, b) == BLK_BUSY)
				oracle_release(&j->oracle, b, false);
		return ret;
	}
	ret = range_pages_take(addr, n, 1, &rp);
	for (size_t b = b0; b < b1; b++) {
		if (oracle_state(&j->oracle, b) != BLK_BUSY)
			continue;	/* found bad above */
		oracle_set_undef(&j->oracle, b);
		oracle_release(&j->oracle, b, true);
	}
	if (ret)
		return ret;
	ev_add(p->ev_lazy, rp.lazyfree);
	if (p->n++ & 1)
		pageout_lazy(p, addr, n);
	return rp.lazyfree ? FAULT_CONFIRMED : FAULT_DONE;
}

const struct fault_ops fault_madv_free = {
	.name = "madv-free",
	.desc = "MADV_FREE on blocks about to be rewritten (then pageout half the time)",
	.interval_ms = 10,
	.needs = MC_ANON,
	/* MADV_FREE refuses VM_LOCKED ranges (EINVAL). */
	.refuses = MC_MLOCKED,
	.proof = "pages_lazyfree",
	.setup = mfree_setup,
	.inject = mfree_inject,
};
