// SPDX-License-Identifier: GPL-2.0
/*
 * The known unfixed kernel bugs (see known_bugs.h) and the evidence each
 * one's mechanism leaves in a failure.  Each row has its probe in probes/
 * and its report in docs/known-bugs/; a unit test pins every rule both ways.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run/caps.h"
#include "verify/classify.h"
#include "run/job.h"
#include "verify/known_bugs.h"
#include "run/namelist.h"

#define SWAP_FAULTS	"pageout,zswap,reclaim,swapin-race"

_Static_assert(VC_NR < 32, "classes fit the table's int");

static bool say(bool match, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool say(bool match, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return match;
}

/* This block's own older data: what a write that did not stick leaves. */
static bool own_older(const struct kb_finding *f)
{
	return f->found_valid && f->found.region == f->expect.region &&
	       f->found.block == f->expect.block && f->found.gen < f->expect.gen;
}

/*
 * The generation that went missing was a READ_FIXED's, and the chunk it
 * went into was unregistered after it while the page was clean and @how.
 */
static bool unpinned_clean(const struct kb_finding *f, unsigned int how, char *buf, size_t len)
{
	static const char *const where[] = { "", "in the swap cache",
					     "lazy-free (MADV_FREE'd before the read)" };
	unsigned long long gen = (unsigned long long)f->expect.gen;

	if (UNPIN_NOTE_HOW(f->unpin) == how && UNPIN_NOTE_GEN(f->unpin) == f->expect.gen)
		return say(true, buf, len,
			   "generation %llu came from a READ_FIXED, and its buffer was unregistered "
			   "after it while the page was clean (kpageflags) and %s", gen, where[how]);
	return say(false, buf, len,
		   "generation %llu was not written by a READ_FIXED whose buffer was then "
		   "unregistered while the page was clean and %s", gen, where[how]);
}

static bool swapcache_mechanism(const struct kb_finding *f, char *buf, size_t len)
{
	if (!own_older(f))
		return say(false, buf, len, "the block does not hold its own older data");
	return unpinned_clean(f, UNPIN_CLEAN_SWAPCACHE, buf, len);
}

static bool lazyfree_mechanism(const struct kb_finding *f, char *buf, size_t len)
{
	return unpinned_clean(f, UNPIN_CLEAN_LAZYFREE, buf, len);
}

static bool stale_tlb_mechanism(const struct kb_finding *f, char *buf, size_t len)
{
	if (f->stale_us < 0)
		return say(false, buf, len, "loads stayed stale past the bound: the old page may "
			   "have been freed and reused");
	if (!own_older(f))
		return say(false, buf, len, "the stale loads did not show this block's own older data");
	return say(true, buf, len,
		   "the page tables map the right data (/proc/self/mem) while loads saw this block's "
		   "generation %llu for %ld us",
		   (unsigned long long)f->found.gen, f->stale_us);
}

/*
 * fork() left the child without the page-table entry (the PUD's hugetlb
 * entry was never copied), so the child faulted in a fresh zero page.
 */
static bool fork_zero_mechanism(const struct kb_finding *f, char *buf, size_t len)
{
	if (f->by != DET_PIPE && f->by != DET_CHILD)
		return say(false, buf, len, "the zeros are not in a fork child's view of the page");
	if (!(f->evidence & VFE_CHILD_NO_PTE))
		return say(false, buf, len, "the fork child had the page mapped right after fork");
	return say(true, buf, len, "the fork child had no page-table entry for the 1 GiB page "
		   "right after fork (pagemap) and read zeros there");
}

/*
 * hugetlb_wp() reuses a folio by mapcount: the pipe's reference sees the
 * other side's later write of this very block, or that write half done
 * (the splicing side holds the block idle: nobody on its side writes it).
 */
static bool vmsplice_leak_mechanism(const struct kb_finding *f, char *buf, size_t len)
{
	if (f->by != DET_PIPE)
		return say(false, buf, len, "not seen through a pipe's page reference");
	if (f->cls == VC_LEAK || f->cls == VC_TORN ||
	    (f->cls == VC_MISPLACED && f->found_valid && f->found.region == f->expect.region &&
	     f->found.block == f->expect.block && SRC_KIND(f->found.source) == SRC_CHILD))
		return say(true, buf, len, "the pipe's reference showed the other side's later "
			   "write of this very block (%s)", vclass_name(f->cls));
	return say(false, buf, len, "the pipe does not hold the other side's write of this block");
}

const struct known_bug known_bugs[] = {
	{
		.name = "uring-fixed-swapcache",
		.program = "uring-fixed-undirtied",
		.arg = "swapcache",
		.needs_scratch = true,
		.doc = "uring-fixed-undirtied",
		.title = "a READ_FIXED into a clean swap-cache page is lost once the buffer is "
			 "unregistered: io_uring never dirties the pages it wrote",
		.workloads = "uring-fixed",
		.caps = MC_ANON,
		.faults = SWAP_FAULTS,
		.cls = VC_LOST_WRITE,
		.avoidable = true,
		.mechanism = swapcache_mechanism,
	},
	{
		.name = "uring-fixed-lazyfree",
		.program = "uring-fixed-undirtied",
		.arg = "lazyfree",
		.needs_scratch = true,
		.doc = "uring-fixed-undirtied",
		.title = "a READ_FIXED into a lazy-free (MADV_FREE) page is discarded once the buffer "
			 "is unregistered: io_uring never dirties the pages it wrote",
		.workloads = "uring-fixed",
		.caps = MC_ANON,
		.faults = "madv-free",
		.cls = VC_ZEROED,
		.avoidable = true,
		.mechanism = lazyfree_mechanism,
	},
	{
		.name = "stale-tlb-reclaim",
		.program = "stale-tlb-reclaim",
		.doc = "stale-tlb-reclaim",
		.title = "a kernel write into a page swapped in during reclaim's batched TLB flush is "
			 "not seen by a CPU still holding the old page's TLB entry",
		.faults = SWAP_FAULTS,
		.cls = VC_STALE_TLB,
		.mechanism = stale_tlb_mechanism,
	},
	{
		.name = "hugetlb-1g-fork-zero",
		.program = "hugetlb-1g-fork-zero",
		.doc = "hugetlb-1g-fork-zero",
		.title = "a fork child of a process with a private 1 GiB hugetlb page gets a fresh zero "
			 "page where the data from the time of fork was",
		.workloads = "vmsplice",
		.backings = "hugetlb-1g",
		.cls = VC_ZEROED,
		.mechanism = fork_zero_mechanism,
	},
	{
		.name = "hugetlb-vmsplice-leak",
		.program = "hugetlb-vmsplice-leak",
		.doc = "hugetlb-vmsplice-leak",
		.title = "hugetlb reuses a COW page by mapcount, so a vmsplice() page reference sees "
			 "the other process's later writes",
		.workloads = "vmsplice",
		.caps = MC_HUGETLB,
		.cls = -1,
		.mechanism = vmsplice_leak_mechanism,
	},
};

const unsigned int known_bugs_nr = sizeof(known_bugs) / sizeof(known_bugs[0]);
_Static_assert(sizeof(known_bugs) / sizeof(known_bugs[0]) <= KB_MAX, "raise KB_MAX");

const struct known_bug *kb_find(const char *name)
{
	for (unsigned int i = 0; i < known_bugs_nr; i++)
		if (!strcmp(known_bugs[i].name, name))
			return &known_bugs[i];
	return NULL;
}

const char *kb_state_name(enum kb_state s)
{
	static const char *const n[KB_NR] = { "not run", "absent", "present", "not applicable",
					      "error" };

	return s < KB_NR ? n[s] : "?";
}

bool kb_in_scope(const struct known_bug *kb, const char *workload, const char *backing,
		 unsigned int caps, const char *const *faults, unsigned int nfaults,
		 bool reproduce)
{
	if (kb->avoidable && !reproduce)
		return false;
	if (kb->workloads && (!workload || !namelist_has(kb->workloads, workload)))
		return false;
	if (kb->backings && (!backing || !namelist_has(kb->backings, backing)))
		return false;
	if ((caps & kb->caps) != kb->caps)
		return false;
	return !kb->faults || namelist_any(kb->faults, faults, nfaults);
}

const struct known_bug *kb_match(const struct kb_finding *f, const enum kb_state *state,
				 char *why, size_t len)
{
	char detail[256];

	why[0] = '\0';
	for (unsigned int i = 0; i < known_bugs_nr; i++) {
		const struct known_bug *kb = &known_bugs[i];

		if (kb->cls >= 0 && kb->cls != f->cls)
			continue;
		if (!kb_in_scope(kb, f->workload, f->backing, f->caps, f->faults, f->nfaults,
				 f->reproduce))
			continue;
		if (state[i] != KB_PRESENT) {
			if (!why[0])
				snprintf(why, len, "like known bug %s, but its probe says %s on this "
					 "kernel", kb->name, kb_state_name(state[i]));
			continue;
		}
		if (kb->mechanism(f, detail, sizeof(detail))) {
			snprintf(why, len, "%s", detail);
			return kb;
		}
		if (!why[0])
			snprintf(why, len, "like known bug %s, but %s", kb->name, detail);
	}
	return NULL;
}
