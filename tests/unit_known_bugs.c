// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the expected-failure rule (lib/verify/known_bugs.c), each rule both
 * ways: a finding is an expected failure only when the bug's probe says
 * present AND the finding's own evidence shows the bug's mechanism; a
 * finding in the same kind of job without that evidence, or on a kernel
 * whose probe says absent, is corruption, with the reason.  Also: every
 * row has its probe source and its report in the tree.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/caps.h"
#include "verify/classify.h"
#include "run/job.h"
#include "verify/known_bugs.h"

#include "unit.h"

#define ANON	(MC_PRIVATE | MC_ANON | MC_SWAPPABLE)

static enum kb_state all_present[KB_MAX], all_absent[KB_MAX];

static const char *const pageout[] = { "pageout" };
static const char *const madv_free[] = { "madv-free", "pageout" };
static const char *const fork_only[] = { "fork" };

/* A uring-fixed/anon lost write: gen 7 expected, the block's own gen 5 found. */
static struct kb_finding lost_write(bool reproduce, uint64_t note)
{
	return (struct kb_finding){
		.workload = "uring-fixed", .backing = "anon", .caps = ANON,
		.faults = pageout, .nfaults = 1, .reproduce = reproduce,
		.cls = VC_LOST_WRITE, .by = DET_SCRUB,
		.expect = { .region = 1, .source = SRC_MAKE(SRC_FILE, 3), .block = 42, .gen = 7 },
		.found_valid = true,
		.found = { .region = 1, .source = SRC_MAKE(SRC_CPU, 0), .block = 42, .gen = 5 },
		.unpin = note,
	};
}

static const char *matched(const struct kb_finding *f, const enum kb_state *st, char *why,
			   size_t len)
{
	const struct known_bug *kb = kb_match(f, st, why, len);

	return kb ? kb->name : "";
}

static void test_io_uring(void)
{
	char why[256];
	struct kb_finding f;

	/* Default mode: the workload avoids the bug, so a lost write is a new finding. */
	f = lost_write(false, UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE));
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && !why[0],
	      "avoid mode: no expected failure, no resemblance claimed ('%s')", why);

	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE));
	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "uring-fixed-swapcache"),
	      "reproduce, probe present, unpinned clean in the swap cache: expected");
	CHECK(strstr(why, "generation 7") && strstr(why, "swap cache"), "evidence said: %s", why);

	CHECK(!*matched(&f, all_absent, why, sizeof(why)) && strstr(why, "probe says absent"),
	      "probe absent: corruption, and why: %s", why);

	f = lost_write(true, 0);
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && strstr(why, "was not written"),
	      "no unpin note: corruption, and why: %s", why);

	f = lost_write(true, UNPIN_NOTE(6, UNPIN_CLEAN_SWAPCACHE));
	CHECK(!*matched(&f, all_present, why, sizeof(why)),
	      "note for another generation: corruption");

	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_LAZYFREE));
	CHECK(!*matched(&f, all_present, why, sizeof(why)),
	      "lazy-free note on a lost write (old data, not zeros): corruption");

	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE));
	f.found.block = 41;
	f.cls = VC_MISPLACED;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "misplaced data: never this bug");

	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE));
	f.workload = "odirect";
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && !why[0],
	      "odirect (the block layer dirties its pages): not in scope");

	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE));
	f.faults = fork_only;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "no swap-type fault: not in scope");

	/* The lazy-free case: zeros after a READ_FIXED into a MADV_FREE'd page. */
	f = lost_write(true, UNPIN_NOTE(7, UNPIN_CLEAN_LAZYFREE));
	f.cls = VC_ZEROED;
	f.found_valid = false;
	f.faults = madv_free;
	f.nfaults = 2;
	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "uring-fixed-lazyfree"),
	      "zeros, unpinned clean and lazy-free: expected (%s)", why);
	f.unpin = UNPIN_NOTE(7, UNPIN_CLEAN_SWAPCACHE);
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "zeros after a swap-cache unpin: corruption");
	f.unpin = UNPIN_NOTE(7, UNPIN_CLEAN_LAZYFREE);
	f.reproduce = false;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "zeros in avoid mode: corruption");
}

static struct kb_finding stale(long us)
{
	return (struct kb_finding){
		.workload = "odirect", .backing = "ksm", .caps = ANON,
		.faults = pageout, .nfaults = 1,
		.cls = VC_STALE_TLB, .by = DET_COMPLETION,
		.expect = { .region = 2, .block = 9, .gen = 4 },
		.found_valid = true,
		.found = { .region = 2, .block = 9, .gen = 3 },
		.stale_us = us,
	};
}

static void test_stale_tlb(void)
{
	char why[256];
	struct kb_finding f = stale(350);

	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "stale-tlb-reclaim"),
	      "short window, own older data, pageout: expected (%s)", why);
	CHECK(!*matched(&f, all_absent, why, sizeof(why)) && strstr(why, "absent"),
	      "probe absent: corruption");
	f = stale(-1);
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && strstr(why, "bound"),
	      "stale past the bound: corruption (%s)", why);
	f = stale(350);
	f.found.block = 10;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "another block's data: corruption");
	f = stale(350);
	f.faults = fork_only;
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && !why[0],
	      "no reclaim-type fault: not in scope");
}

static void test_hugetlb(void)
{
	char why[256];
	struct kb_finding f = {
		.workload = "vmsplice", .backing = "hugetlb-1g",
		.caps = MC_PRIVATE | MC_HUGETLB | MC_GIANT,
		.cls = VC_ZEROED, .by = DET_PIPE,
		.expect = { .region = 1, .block = 3, .gen = 2 },
		.evidence = VFE_CHILD_NO_PTE,
	};

	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "hugetlb-1g-fork-zero"),
	      "1 GiB: zeros in the view of a child fork left without the entry: expected");
	f.evidence = 0;
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && strstr(why, "had the page mapped"),
	      "1 GiB: zeros in a child that had the page mapped: corruption (%s)", why);
	f.evidence = VFE_CHILD_NO_PTE;
	f.by = DET_SCRUB;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "1 GiB: zeros in the parent: corruption");
	f.by = DET_PIPE;
	f.backing = "hugetlb";
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "2 MiB: zeros are corruption");

	/* vmsplice on hugetlb: the pipe sees the other side's write of this block. */
	f.cls = VC_LEAK;
	f.found_valid = true;
	f.found = (struct stamp_id){ .region = 1, .block = 3, .gen = 3 };
	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "hugetlb-vmsplice-leak"),
	      "hugetlb leak through the pipe: expected");
	f.cls = VC_MISPLACED;
	f.found.source = SRC_MAKE(SRC_CHILD, 1);
	CHECK(!strcmp(matched(&f, all_present, why, sizeof(why)), "hugetlb-vmsplice-leak"),
	      "the child's stamp of this block in the pipe: expected");
	f.found.block = 4;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "another block in the pipe: corruption");
	f.cls = VC_GARBAGE;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "garbage in the pipe: corruption");
	f.cls = VC_LEAK;
	f.by = DET_CHILD;
	CHECK(!*matched(&f, all_present, why, sizeof(why)), "a leak not through a pipe: corruption");
	f.by = DET_PIPE;
	f.caps = MC_PRIVATE | MC_ANON;
	f.backing = "anon";
	CHECK(!*matched(&f, all_present, why, sizeof(why)) && !why[0],
	      "the same leak on anon: CVE-2020-29374 is back, never expected");
}

/* Every row: its probe's source and its report are in the tree, names are unique. */
static void test_table(void)
{
	char path[4096];

	for (unsigned int i = 0; i < known_bugs_nr; i++) {
		const struct known_bug *kb = &known_bugs[i];

		snprintf(path, sizeof(path), "%s/probes/%s.c", PINSTRESS_SOURCE_DIR, kb->program);
		CHECK(!access(path, R_OK), "%s: probe source %s", kb->name, path);
		snprintf(path, sizeof(path), "%s/docs/known-bugs/%s.md", PINSTRESS_SOURCE_DIR, kb->doc);
		CHECK(!access(path, R_OK), "%s: report %s", kb->name, path);
		CHECK(kb->mechanism && kb->title, "%s: has a mechanism and a title", kb->name);
		CHECK(kb_find(kb->name) == kb, "%s: name is unique", kb->name);
		CHECK(kb->workloads || kb->faults || kb->backings || kb->caps,
		      "%s: scoped, not every job", kb->name);
	}
}

int main(void)
{
	for (int i = 0; i < KB_MAX; i++) {
		all_present[i] = KB_PRESENT;
		all_absent[i] = KB_ABSENT;
	}
	test_io_uring();
	test_stale_tlb();
	test_hugetlb();
	test_table();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
