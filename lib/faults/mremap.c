// SPDX-License-Identifier: GPL-2.0
/*
 * mremap: move a random range of the region away and back while kernel
 * writes elsewhere in the region are in flight.  Away: MREMAP_MAYMOVE |
 * MREMAP_FIXED | MREMAP_DONTUNMAP into a spare reservation at the same
 * offset modulo 2 MiB (so PMD-mapped THPs move as PMDs); the page tables
 * move, the pages (pinned ones too: registered io_uring buffers) stay the
 * same, and the old range stays mapped but empty.  The moved blocks are
 * checked at the new address, then the range moves back over the empty
 * remnant with MREMAP_FIXED (the VMA normally merges with its neighbours
 * again) and is checked once more where everyone expects it.
 *
 * Ownership: .exclusive, so nobody touches region addresses meanwhile, and
 * every block of the range is claimed: a range with a write in flight is
 * skipped.  That is not caution for its own sake: an io_uring READ that is
 * not fixed (uring-fixed's unregistered chunks, linked behind a WRITE)
 * resolves its user address only when it is issued, from task work that
 * can run while its thread waits for the maplock; it would fault a fresh
 * page into the empty old range and the move back would drop it, a lost
 * write of our own making.
 *
 * 6.18 mm/mremap.c refuses DONTUNMAP only for VM_DONTEXPAND | VM_PFNMAP
 * VMAs: hugetlbfs mappings are VM_DONTEXPAND, so hugetlb is refused.
 * Target: mm/mremap.c (move_page_tables, move_huge_pmd, DONTUNMAP),
 * mm/vma.c (copy_vma, merging on the way back).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "faults/fault.h"
#include "kernel/kconst.h"

#define MREMAP_MAX_BAD	16

struct mremap_bad {
	size_t block;
	struct stamp_id want;
	struct vfinding f;
};

struct mremap_priv {
	uint8_t *spare;		/* PMD-aligned reservation of spare_len bytes */
	size_t spare_len;
	uint64_t *pfn_old, *pfn_new;	/* pmd_pages entries */
	size_t pmd_pages;		/* the most a move takes: one PMD */
	struct mremap_bad bad[MREMAP_MAX_BAD];
	unsigned int nbad;
	_Atomic uint64_t *ev_remapped, *ev_pmd, *ev_checked, *ev_vmas;
};

static int mremap_setup(struct fault_inst *f)
{
	struct mremap_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->spare_len = 2 * pmd_size();
	p->spare = backing_reserve(p->spare_len, pmd_size());
	p->pmd_pages = pmd_size() / job_page_size();
	p->pfn_old = calloc(p->pmd_pages, sizeof(uint64_t));
	p->pfn_new = calloc(p->pmd_pages, sizeof(uint64_t));
	f->priv = p;
	if (!p->spare || !p->pfn_old || !p->pfn_new)
		return -ENOMEM;
	p->ev_remapped = job_ev(f->job, "pages_remapped");
	p->ev_pmd = job_ev(f->job, "mremap_pmd_moves");
	p->ev_checked = job_ev(f->job, "mremap_blocks_checked_away");
	return 0;
}

/*
 * The spare range the region came back from is a hole now: reserve it
 * again, without replacing whatever another thread may have mapped there
 * meanwhile (then start over with a fresh reservation).
 */
static int rereserve(struct mremap_priv *p, uint8_t *dst, size_t len)
{
	uint8_t *end = p->spare + p->spare_len;

	if (mmap(dst, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
		 MAP_FIXED_NOREPLACE, -1, 0) == dst)
		return 0;
	if (dst > p->spare)
		munmap(p->spare, (size_t)(dst - p->spare));
	if (dst + len < end)
		munmap(dst + len, (size_t)(end - dst - len));
	p->spare = backing_reserve(p->spare_len, pmd_size());
	return p->spare ? 0 : -ENOMEM;
}

/*
 * Check the moved blocks at their new address (@delta bytes from where the
 * region has them); remember what differs.  A block that sticks out of
 * the moved range is checked after the move back only.
 */
static void check_away(struct job *j, struct mremap_priv *p, ptrdiff_t delta,
		       const uint8_t *lo, const uint8_t *hi, size_t b0, size_t b1)
{
	const struct region *r = &j->reg;

	for (size_t b = b0; b < b1; b++) {
		const uint8_t *blk = region_block(r, b);
		struct mremap_bad *e;
		struct stamp_id want;

		if (blk < lo || blk + r->block_size > hi || !oracle_defined(&j->oracle, b))
			continue;
		oracle_expect(&j->oracle, b, &want);
		ev_add(p->ev_checked, 1);
		if (stamp_matches(blk + delta, r->block_size, j->seed, &want) ||
		    p->nbad == MREMAP_MAX_BAD)
			continue;
		e = &p->bad[p->nbad++];
		e->block = b;
		e->want = want;
		classify_block(blk + delta, r->block_size, j->seed, &want, SIDE_PARENT, &e->f);
	}
}

/* After the move back: report what differed away, verify and release the rest. */
static void finish(struct job *j, struct mremap_priv *p, size_t b0, size_t b1)
{
	for (unsigned int i = 0; i < p->nbad; i++) {
		oracle_mark_bad(&j->oracle, p->bad[i].block);
		run_report_mismatch(j, p->bad[i].block, &p->bad[i].want, &p->bad[i].f, DET_FAULT);
	}
	for (size_t b = b0; b < b1; b++)
		if (oracle_state(&j->oracle, b) == BLK_BUSY)
			job_release_blocks(j, b, b + 1, true);
}

static size_t same_pfns(const struct mremap_priv *p, size_t n)
{
	size_t same = 0;

	for (size_t i = 0; i < n; i++)
		same += p->pfn_old[i] && p->pfn_old[i] == p->pfn_new[i];
	return same;
}

static int mremap_inject(struct fault_inst *f, struct rng *r)
{
	struct mremap_priv *p = f->priv;
	struct job *j = f->job;
	size_t ps = job_page_size(), pages = j->reg.size / ps, n, first, b0, b1, len;
	uint8_t *addr, *dst;
	void *got;
	int ret, did = FAULT_DONE;

	/* A quarter of the moves: a whole PMD, so THP moves as a PMD. */
	if (pages >= p->pmd_pages && !rng_below(r, 4)) {
		n = p->pmd_pages;
		first = (((uintptr_t)j->reg.base + pmd_size() - 1) & ~(pmd_size() - 1)) -
			(uintptr_t)j->reg.base;
		first /= ps;
		if (first + n > pages)
			first = 0;
		first += rng_below(r, (pages - first) / n) * n;
	} else {
		n = 1 + rng_below(r, pages < 128 ? pages : 128);
		first = rng_below(r, pages - n + 1);
	}
	if (first + n > pages || !job_claim_pages(j, first, n, &b0, &b1))
		return FAULT_SKIPPED;
	addr = j->reg.base + first * ps;
	len = n * ps;
	dst = p->spare + ((uintptr_t)addr & (pmd_size() - 1));
	p->nbad = 0;
	ret = census_pfns(addr, n, p->pfn_old);
	if (ret)
		goto out_release;
	got = mremap(addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst);
	if (got == MAP_FAILED) {
		ret = -errno;	/* ENOMEM (benign): the VMA count limit */
		goto out_release;
	}
	ret = census_pfns(dst, n, p->pfn_new);
	if (!ret && same_pfns(p, n)) {
		did = FAULT_CONFIRMED;
		ev_add(p->ev_remapped, same_pfns(p, n));
		ev_add(p->ev_pmd, !((uintptr_t)addr & (pmd_size() - 1)) && n == p->pmd_pages);
	}
	check_away(j, p, dst - addr, addr, addr + len, b0, b1);
	/* Back over the empty remnant DONTUNMAP left at the old address. */
	if (mremap(dst, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, addr) == MAP_FAILED)
		return -errno;	/* blocks stay claimed: their addresses are gone */
	finish(j, p, b0, b1);
	if (!ret)
		ret = rereserve(p, dst, len);
	return ret ? ret : did;
out_release:
	job_release_blocks(j, b0, b1, false);
	return ret;
}

static void mremap_teardown(struct fault_inst *f)
{
	struct mremap_priv *p = f->priv;

	if (!p)
		return;
	if (p->spare)
		munmap(p->spare, p->spare_len);
	free(p->pfn_old);
	free(p->pfn_new);
}

const struct fault_ops fault_mremap = {
	.name = "mremap",
	.desc = "mremap a range away (MREMAP_DONTUNMAP) and back, pinned pages included",
	/* Every move stops all workers for a moment: keep them a small share. */
	.interval_ms = 50,
	/*
	 * Both move the region's pages away and back, and each undoes state
	 * the other relies on (mremap drops the uffd registration; a move-back
	 * then fails and leaves holes): together they would report their own
	 * damage as the kernel's.
	 */
	.conflicts = "uffd-move",
	.conflicts_why = "each undoes what the other relies on",
	.exclusive = true,
	.needs = 0,
	.refuses = MC_HUGETLB,
	.proof = "pages_remapped",
	.setup = mremap_setup,
	.inject = mremap_inject,
	.benign = { ENOMEM },
	.teardown = mremap_teardown,
};
