// SPDX-License-Identifier: GPL-2.0
/*
 * The tag table.  Every commit id and release here was checked against
 * the commit message or a mailing-list/changelog text that quotes it; a
 * scenario with nothing verified has no row rather than a guessed one.
 * Rows are scenario -> bug: one fix may appear under several scenarios.
 */
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "classify.h"
#include "tags.h"

#define PIN_WRITERS	"odirect,uring,uring-fixed"
#define SWAP_FAULTS	"pageout,reclaim,swapin-race,zswap"

const struct tag tag_table[] = {
	/*
	 * Found by pinstress on 6.18 (not yet confirmed upstream): io_uring
	 * drops its long-term pin of a registered buffer without dirtying the
	 * page.  After MADV_FREE a READ_FIXED into the still-pinned, now
	 * lazy-free page leaves it clean; once the buffer is unregistered,
	 * reclaim discards it and the process reads zeros.  Gone when the
	 * buffer is never unregistered.  Repro: uring-fixed/anon with
	 * madv-free,pageout, 8 s.
	 */
	{ "uring-fixed", MC_ANON, "madv-free", VC_ZEROED, NULL, NULL, "6.18 (found here, unfixed)",
	  "a READ_FIXED into a lazy-free (MADV_FREE) page is lost: io_uring unpins registered "
	  "buffers without marking them dirty, and reclaim then discards the clean page",
	  NULL, true },
	/*
	 * Found by pinstress on 6.18 (not yet confirmed upstream), the same
	 * root as the row above: READ_FIXED writes through a bvec, which the
	 * block layer never dirties, and a registration pin taken on a
	 * writable but clean PTE (a page swapped in by a read fault, still in
	 * the swap cache) does not dirty it either.  Once the buffer is
	 * unregistered, reclaim finds the folio clean with a valid swap copy,
	 * drops it, and the next fault reads the old data back: the block
	 * holds an older generation (a CPU write, the last thing that dirtied
	 * the page).  Never seen with plain reads (uring, odirect: the block
	 * layer dirties user pages).  Repro: integ-uring-fixed-anon-pageout.
	 */
	{ "uring-fixed", MC_ANON, "pageout,zswap,swapin-race,reclaim", VC_LOST_WRITE, NULL, NULL,
	  "6.18 (found here, unfixed)",
	  "a READ_FIXED into a registered page that sits clean in the swap cache is lost: nothing "
	  "dirties it, so after unregistration reclaim drops it and the old swap copy comes back",
	  NULL, true },
	/*
	 * Found by pinstress on 6.18 (no upstream report found): reclaim
	 * unmaps with TTU_BATCH_FLUSH and drops a clean swap-cache folio from
	 * the swap cache (__remove_mapping) before its batched TLB flush.  A
	 * GUP for an O_DIRECT read on another CPU meanwhile swaps in a new
	 * folio (do_swap_page never calls flush_tlb_batched_pending), the
	 * device writes into it, and the reading thread's CPU, still holding
	 * the old translation, loads the old page until reclaim's flush IPI:
	 * 0.2-6 ms here.  3ea277194daa closed this window for mprotect,
	 * munmap, mremap and madvise only.  Repro: matrix.ini --section
	 * m-pageout --workload odirect, about one run in three.
	 */
	{ NULL, 0, "pageout,zswap,reclaim,swapin-race", VC_STALE_TLB, NULL, NULL,
	  "6.18 (found here, unfixed)",
	  "after a batched reclaim unmap, a kernel write into the newly swapped-in page is not "
	  "seen by a CPU that still holds the old page's TLB entry until reclaim's deferred flush",
	  NULL, true },
	/*
	 * Found by pinstress on 6.18 (not yet confirmed upstream): after fork,
	 * a child of a process with a private 1 GiB hugetlb page sometimes
	 * finds the page unmapped and faults in a fresh zero page, where
	 * hugetlb's own rule (unmap_ref_private) says it must be SIGKILLed.
	 * Never with 2 MiB pages.  Seen through the fork fault's children too,
	 * before that fault was refused on 1 GiB pages (pool too small here);
	 * now through a fork child's vmsplice() of its view.
	 */
	{ "vmsplice", MC_HUGETLB, NULL, VC_ZEROED, NULL, NULL, "6.18 (found here, unfixed)",
	  "private 1 GiB hugetlb: a fork child sees a fresh zero page where the data from the "
	  "time of fork was (2 MiB pages are not affected)",
	  "hugetlb-1g", true },
	/* hugetlb_wp() decides reuse by mapcount, not refcount: cow.c XFAIL. */
	{ "vmsplice", MC_HUGETLB, NULL, VC_LEAK, NULL, NULL, "6.10 (documented, unfixed)",
	  "hugetlb reuses a COW page by mapcount, so vmsplice (FOLL_GET) references can "
	  "leak between processes; cow.c flags the vmsplice hugetlb tests XFAIL", NULL, false },
	{ "vmsplice", 0, NULL, VC_LEAK, "CVE-2020-29374", "17839856fd58", "5.8",
	  "gup: document and work around \"COW can break either way\" issue", NULL, false },
	{ "vmsplice", 0, NULL, VC_LEAK, NULL, "09854ba94c6a", "5.9",
	  "mm: do_wp_page() simplification (reuse a COW page only without extra references)", NULL, false },
	{ NULL, MC_LARGE, "fork,thp-split", VC_LEAK, "CVE-2020-29368", "c444eb564fb1", "5.8",
	  "mm: thp: make the THP mapcount atomic against __split_huge_pmd_locked()", NULL, false },
	{ NULL, MC_PRIVATE, "fork", VC_LEAK, NULL, "09854ba94c6a", "5.9",
	  "mm: do_wp_page() simplification (reuse a COW page only without extra references)", NULL, false },
	{ PIN_WRITERS, MC_LARGE, "fork", VC_LOST_WRITE, NULL, "d042035eaf5f", "5.9",
	  "mm/thp: Split huge pmds/puds if they're pinned when fork()", NULL, false },
	{ PIN_WRITERS, MC_PRIVATE, "fork", VC_LOST_WRITE, NULL, "70e806e4e645", "5.9",
	  "mm: Do early cow for pinned pages during fork() for ptes", NULL, false },
	{ PIN_WRITERS, MC_SWAPPABLE, SWAP_FAULTS, VC_LOST_WRITE, NULL, "c145e0b47c77", "5.18",
	  "mm: streamline COW logic in do_swap_page()", NULL, false },
	{ PIN_WRITERS, MC_ANON, "fork," SWAP_FAULTS ",migrate,ksm", VC_LOST_WRITE, NULL,
	  "6c287605fd56", "5.19",
	  "mm: remember exclusively mapped anonymous pages with PG_anon_exclusive", NULL, false },
	{ NULL, MC_ANON, "fork", VC_PIN_DIVERGENCE, NULL, "a7f226604170", "5.19",
	  "mm/gup: trigger FAULT_FLAG_UNSHARE when R/O-pinning a possibly shared anonymous page", NULL, false },
	{ "uring-fixed", MC_PRIVATE, NULL, VC_PIN_DIVERGENCE, NULL, "84209e87c696", "6.2",
	  "mm/gup: reliable R/O long-term pinning in COW mappings", NULL, false },
	{ "odirect,uring", MC_ANON, "madv-free", VC_ZEROED, NULL, "6c8e2a256915", "5.18",
	  "mm: fix race between MADV_FREE reclaim and blkdev direct IO read", NULL, false },
	{ "uring-fixed", 0, "migrate,compact", -1, NULL, "d1e153fea2a8", "5.13",
	  "mm/gup: migrate pinned pages out of movable zone", NULL, false },
	{ "procmem", MC_LARGE, NULL, -1, "CVE-2017-1000405", "a8f97366452e", "4.15",
	  "mm, thp: Do not make page table dirty unconditionally in touch_p[mu]d() "
	  "(huge Dirty COW)", NULL, false },
	{ "procmem", 0, NULL, -1, "CVE-2016-5195", "19be0eaffa3a", "4.9",
	  "mm: remove gup_flags FOLL_WRITE games from __get_user_pages() (Dirty COW)", NULL, false },
	{ 0 },
};

/* @name is one of the comma-separated words of @list. */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

static int any_fault(const char *list, const char *const *faults, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (in_list(list, faults[i]))
			return 1;
	return 0;
}

/* -1 if @t does not apply; else how specific the match is (higher: better). */
static int tag_score(const struct tag *t, const char *workload, const char *backing,
		     unsigned int caps, const char *const *faults, unsigned int nfaults, int cls)
{
	int score = 0;

	if (t->backings) {
		if (!backing || !in_list(t->backings, backing))
			return -1;
		score += 4;
	}

	if (t->workloads) {
		if (!workload || !in_list(t->workloads, workload))
			return -1;
		score += 4;
	}
	if (t->caps) {
		if ((caps & t->caps) != t->caps)
			return -1;
		score += 1 + 2 * !!(t->caps & (MC_HUGETLB | MC_LARGE));
	}
	if (t->faults) {
		if (!any_fault(t->faults, faults, nfaults))
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

size_t tags_lookup(const char *workload, const char *backing, unsigned int caps, const char *const *faults,
		   unsigned int nfaults, int cls, const struct tag **out, size_t max)
{
	int score[16];
	size_t n = 0;

	if (max > 16)
		max = 16;
	for (const struct tag *t = tag_table; t->title; t++) {
		int s = tag_score(t, workload, backing, caps, faults, nfaults, cls);
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
	if (!t->commit)
		snprintf(buf, len, "a known unfixed case (%s): %s", t->version, t->title);
	else if (t->cve)
		snprintf(buf, len, "%s, fixed by %s in %s: %s", t->cve, t->commit, t->version,
			 t->title);
	else
		snprintf(buf, len, "the bug fixed by %s in %s: %s", t->commit, t->version,
			 t->title);
}
