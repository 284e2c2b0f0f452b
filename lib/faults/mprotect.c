// SPDX-License-Identifier: GPL-2.0
/*
 * mprotect: the cow.c "mprotect R then RW" path on a random page range.
 * Every block on the range is claimed first (nobody writes it meanwhile:
 * a kernel write into a read-only VMA would fail with EFAULT), the range
 * is made read-only, then writable again, and the blocks are verified and
 * released.  Afterwards the PTEs may be write-protected while the pages
 * stay pinned (registered io_uring buffers): the next CPU write must reuse
 * the exclusive pinned page, never copy it, or the next READ_FIXED lands
 * in a page that is no longer mapped (a lost write).  On THP a partial
 * range splits the PMD and the VMA; the VMAs merge again on the way back.
 * Target: mm/mprotect.c (change_protection, can_change_pte_writable),
 * mm/memory.c (do_wp_page reuse of PageAnonExclusive pages).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "faults/fault.h"
#include "kernel/pagerange.h"

#define MPROT_MAX_PAGES 64

struct mprot_priv {
	size_t unit;		/* pages per alignment unit (hugetlb: its page size) */
	_Atomic uint64_t *ev_pages;
};

static int mprot_setup(struct fault_inst *f)
{
	struct mprot_priv *p = calloc(1, sizeof(*p));
	struct job *j = f->job;

	if (!p)
		return -ENOMEM;
	p->unit = 1;
	/* hugetlb VMAs split only at huge page boundaries: mprotect says EINVAL. */
	if (j->caps & MC_HUGETLB)
		p->unit = vma_kernel_page_size(j->reg.base) / job_page_size();
	p->ev_pages = job_ev(j, "pages_mprotected");
	f->priv = p;
	return 0;
}

static int mprot_inject(struct fault_inst *f, struct rng *r)
{
	struct mprot_priv *p = f->priv;
	struct job *j = f->job;
	size_t units = j->reg.size / job_page_size() / p->unit;
	size_t max = p->unit >= MPROT_MAX_PAGES ? 1 : MPROT_MAX_PAGES / p->unit;
	size_t n = 1 + rng_below(r, units < max ? units : max);
	size_t first = rng_below(r, units - n + 1) * p->unit, b0, b1;
	size_t npages = n * p->unit, len = npages * job_page_size();
	uint8_t *addr = j->reg.base + first * job_page_size();
	bool ro;
	int ret;

	if (!job_claim_pages(j, first, npages, &b0, &b1))
		return FAULT_SKIPPED;
	if (mprotect(addr, len, PROT_READ)) {
		ret = -errno;
		job_release_blocks(j, b0, b1, false);
		return ret;
	}
	ro = maps_range_has_perms(addr, len, "r--");
	if (mprotect(addr, len, PROT_READ | PROT_WRITE)) {
		/* Still read-only: keep the blocks claimed so nobody writes there. */
		return -errno;
	}
	if (ro)
		ev_add(p->ev_pages, npages);
	job_release_blocks(j, b0, b1, true);
	return ro ? FAULT_CONFIRMED : FAULT_DONE;
}

const struct fault_ops fault_mprotect = {
	.name = "mprotect",
	.desc = "mprotect read-only and back (the cow.c mprotect R then RW path)",
	.interval_ms = 5,
	.needs = 0,
	.refuses = MC_GIANT,
	.proof = "pages_mprotected",
	.setup = mprot_setup,
	.inject = mprot_inject,
};
