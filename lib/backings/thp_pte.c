// SPDX-License-Identifier: GPL-2.0
/*
 * thp-pte: PMD-sized THPs mapped by PTEs.  Mapped like thp, filled, then
 * in each 2 MiB range one page is made read-only and writable again:
 * mprotect of part of a PMD mapping splits the PMD into PTEs
 * (__split_huge_pmd) but keeps the folio whole, and the second mprotect
 * merges the VMAs back.  What is left is the state that COW, GUP unsharing
 * and swap must handle page by page inside one large folio (a later
 * MADV_COLLAPSE or khugepaged may map some of them by PMD again).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "kernel/kconst.h"

static int thp_pte_fill(struct job *j)
{
	struct region *r = &j->reg;
	size_t ps = job_page_size();
	int ret = job_init_region(j);

	/* The page in the middle: the PMD splits, the folio does not. */
	for (size_t off = 0; !ret && off < r->size; off += pmd_size()) {
		uint8_t *p = r->base + off + pmd_size() / 2;

		if (mprotect(p, ps, PROT_READ) || mprotect(p, ps, PROT_READ | PROT_WRITE))
			ret = -errno;
	}
	return ret;
}

static void thp_pte_measure(struct job *j, bool end)
{
	const char *lf = end ? "large_folio_bytes_end" : "large_folio_bytes_start";
	const char *pmd = end ? "thp_bytes_end" : "thp_bytes_start";
	uint64_t large, mapped;

	backing_census_evidence(j, end);
	large = evidence_value(&j->ev, lf);
	mapped = evidence_value(&j->ev, pmd);
	atomic_store(job_ev(j, end ? "pte_mapped_thp_bytes_end" : "pte_mapped_thp_bytes_start"),
		     large > mapped ? large - mapped : 0);
}

static int thp_pte_check(struct job *j, char *why, size_t len)
{
	size_t ps = job_page_size();
	uint64_t pmd = 0;
	struct census c;
	int ret;

	ret = backing_thp_bytes(&j->reg, &pmd);
	if (!ret)
		ret = census_take(j->reg.base, j->reg.size, &c);
	if (ret)
		return ret;
	if (!c.thp || !(c.orders & (pmd_size() / ps))) {
		snprintf(why, len, "no PMD-sized THP folio in a %zu-byte MADV_HUGEPAGE region",
			 j->reg.size);
		return -ENOTSUP;
	}
	if (pmd >= c.thp * ps) {
		snprintf(why, len, "THPs still PMD-mapped after mprotect (AnonHugePages %llu of %llu)",
			 (unsigned long long)pmd, (unsigned long long)(c.thp * ps));
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_thp_pte = {
	.name = "thp-pte",
	.desc = "PMD THPs then mapped by PTEs (mprotect of a sub-range and back)",
	.caps = MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE,
	.proof = "pte_mapped_thp_bytes_start",
	.probe = backing_thp_probe,
	.map = backing_thp_map,
	.unmap = backing_unmap_common,
	.fill = thp_pte_fill,
	.check = thp_pte_check,
	.measure = thp_pte_measure,
};
