// SPDX-License-Identifier: GPL-2.0
/*
 * The tag table.  Every commit id and release here was checked against
 * the commit message or a mailing-list/changelog text that quotes it; a
 * scenario with nothing verified has no row rather than a guessed one.
 * Rows are scenario -> bug: one fix may appear under several scenarios.
 */
#include <stdio.h>
#include <string.h>

#include "run/caps.h"
#include "verify/classify.h"
#include "run/namelist.h"
#include "verify/tags.h"

#define SWAP_FAULTS	"pageout,reclaim,swapin-race,zswap"

const struct tag tag_table[] = {
	/*
	 * Fixed bugs only.  Unfixed ones, with their probes and the evidence
	 * an expected failure needs, are in known_bugs.c.
	 */
	{ "vmsplice", 0, NULL, VC_LEAK, "CVE-2020-29374", "17839856fd58", "5.8",
	  "gup: document and work around \"COW can break either way\" issue", NULL, 0 },
	{ "vmsplice", 0, NULL, VC_LEAK, NULL, "09854ba94c6a", "5.9",
	  "mm: do_wp_page() simplification (reuse a COW page only without extra references)", NULL, 0 },
	{ NULL, MC_LARGE, "fork,thp-split", VC_LEAK, "CVE-2020-29368", "c444eb564fb1", "5.8",
	  "mm: thp: make the THP mapcount atomic against __split_huge_pmd_locked()", NULL, 0 },
	{ NULL, MC_PRIVATE, "fork", VC_LEAK, NULL, "09854ba94c6a", "5.9",
	  "mm: do_wp_page() simplification (reuse a COW page only without extra references)", NULL, 0 },
	{ NULL, MC_LARGE, "fork", VC_LOST_WRITE, NULL, "d042035eaf5f", "5.9",
	  "mm/thp: Split huge pmds/puds if they're pinned when fork()", NULL,
	  .wl_flags = WL_KERNEL_WRITES },
	{ NULL, MC_PRIVATE, "fork", VC_LOST_WRITE, NULL, "70e806e4e645", "5.9",
	  "mm: Do early cow for pinned pages during fork() for ptes", NULL,
	  .wl_flags = WL_KERNEL_WRITES },
	{ NULL, MC_SWAPPABLE, SWAP_FAULTS, VC_LOST_WRITE, NULL, "c145e0b47c77", "5.18",
	  "mm: streamline COW logic in do_swap_page()", NULL,
	  .wl_flags = WL_KERNEL_WRITES },
	{ NULL, MC_ANON, "fork," SWAP_FAULTS ",migrate,ksm", VC_LOST_WRITE, NULL,
	  "6c287605fd56", "5.19",
	  "mm: remember exclusively mapped anonymous pages with PG_anon_exclusive", NULL,
	  .wl_flags = WL_KERNEL_WRITES },
	{ NULL, MC_ANON, "fork", VC_PIN_DIVERGENCE, NULL, "a7f226604170", "5.19",
	  "mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page", NULL, 0 },
	{ "uring-fixed", MC_PRIVATE, NULL, VC_PIN_DIVERGENCE, NULL, "84209e87c696", "6.2",
	  "mm/gup: reliable R/O long-term pinning in COW mappings", NULL, 0 },
	{ "odirect,uring", MC_ANON, "madv-free", VC_ZEROED, NULL, "6c8e2a256915", "5.18",
	  "mm: fix race between MADV_FREE reclaim and blkdev direct IO read", NULL, 0 },
	{ "uring-fixed", 0, "migrate,compact", -1, NULL, "d1e153fea2a8", "5.13",
	  "mm/gup: migrate pinned pages out of movable zone", NULL, 0 },
	{ "procmem", MC_LARGE, NULL, -1, "CVE-2017-1000405", "a8f97366452e", "4.15",
	  "mm, thp: Do not make page table dirty unconditionally in touch_p[mu]d() "
	  "(huge Dirty COW)", NULL, 0 },
	{ "procmem", 0, NULL, -1, "CVE-2016-5195", "19be0eaffa3a", "4.9",
	  "mm: remove gup_flags FOLL_WRITE games from __get_user_pages() (Dirty COW)", NULL, 0 },
	{ 0 },
};

/* -1 if @t does not apply; else how specific the match is (higher: better). */
static int tag_score(const struct tag *t, const char *workload, unsigned int wl_flags,
		     const char *backing, unsigned int caps, const char *const *faults,
		     unsigned int nfaults, int cls)
{
	int score = 0;

	if (t->backings) {
		if (!backing || !namelist_has(t->backings, backing))
			return -1;
		score += 4;
	}

	if (t->workloads) {
		if (!workload || !namelist_has(t->workloads, workload))
			return -1;
		score += 4;
	}
	if (t->wl_flags) {
		if ((wl_flags & t->wl_flags) != t->wl_flags)
			return -1;
		score += 4;
	}
	if (t->caps) {
		if ((caps & t->caps) != t->caps)
			return -1;
		score += 1 + 2 * !!(t->caps & (MC_HUGETLB | MC_LARGE));
	}
	if (t->faults) {
		if (!namelist_any(t->faults, faults, nfaults))
			return -1;
		score += 2;
	}
	if (t->cls >= 0) {
		if (t->cls != cls)
			return -1;
		score += 2;
	}
	return score;
}

size_t tags_lookup(const char *workload, unsigned int wl_flags, const char *backing,
		   unsigned int caps, const char *const *faults, unsigned int nfaults, int cls,
		   const struct tag **out, size_t max)
{
	int score[16];
	size_t n = 0;

	if (max > 16)
		max = 16;
	for (const struct tag *t = tag_table; t->title; t++) {
		int s = tag_score(t, workload, wl_flags, backing, caps, faults, nfaults, cls);
		size_t i;

		if (s < 0)
			continue;
		/* Insertion by score; equal scores keep table order. */
		for (i = n; i > 0 && score[i - 1] < s; i--) {
			if (i < max) {
				out[i] = out[i - 1];
				score[i] = score[i - 1];
			}
		}
		if (i < max) {
			out[i] = t;
			score[i] = s;
			if (n < max)
				n++;
		}
	}
	return n;
}

void tag_describe(const struct tag *t, char *buf, size_t len)
{
	if (t->cve)
		snprintf(buf, len, "%s, fixed by %s in %s: %s", t->cve, t->commit, t->version,
			 t->title);
	else
		snprintf(buf, len, "the bug fixed by %s in %s: %s", t->commit, t->version,
			 t->title);
}
