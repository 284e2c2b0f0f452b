// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the tag lookup: a vmsplice leak names CVE-2020-29374 first,
 * a fork-after-pin lost write on THP prefers the THP fix, and a finding no
 * row fits names nothing.  Also: the table itself is well formed, and
 * holds fixed bugs only (the unfixed ones are known_bugs.c's), and every
 * workload, fault and backing a row names is in its table.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "backings/backing.h"
#include "faults/fault.h"
#include "run/caps.h"
#include "verify/classify.h"
#include "verify/tags.h"
#include "workload.h"

#include "unit.h"

static unsigned int wl_flags(const char *name)
{
	const struct workload_ops *w = workload_find(name);

	CHECK(w != NULL, "workload %s exists", name);
	return w ? w->flags : 0;
}

static int has_commit(const struct tag *const *t, size_t n, const char *commit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i]->commit && !strcmp(t[i]->commit, commit))
			return 1;
	return 0;
}

static void test_table(void)
{
	for (const struct tag *t = tag_table; t->title; t++) {
		size_t len = t->commit ? strlen(t->commit) : 0;
		int hex = 1;

		for (size_t i = 0; i < len; i++)
			hex &= isxdigit((unsigned char)t->commit[i]) && !isupper(t->commit[i]);
		CHECK(len == 12 && hex, "'%s': commit is 12 lower-case hex digits", t->title);
		CHECK(t->version && *t->version, "'%s': has a version", t->title);
		CHECK(t->workloads || t->faults || t->caps,
		      "'%s': names a workload, fault or backing, not everything", t->title);
		CHECK(!t->cve || !strncmp(t->cve, "CVE-", 4), "'%s': CVE id", t->title);
	}
}

static void test_lookup(void)
{
	static const char *const fork_po[] = { "fork", "pageout" };
	const struct tag *t[3];
	char line[512];
	size_t n;

	/* The vmsplice workload forks by itself: no fault needed for the CVE. */
	n = tags_lookup("vmsplice", wl_flags("vmsplice"), NULL, MC_PRIVATE | MC_ANON, NULL, 0, VC_LEAK, t, 3);
	CHECK(n >= 2 && t[0]->cve && !strcmp(t[0]->cve, "CVE-2020-29374"),
	      "vmsplice leak on anon: CVE-2020-29374 first (n %zu)", n);
	CHECK(has_commit(t, n, "09854ba94c6a"), "vmsplice leak: do_wp_page() fix listed");
	tag_describe(t[0], line, sizeof(line));
	CHECK(!strcmp(line, "CVE-2020-29374, fixed by 17839856fd58 in 5.8: gup: document and "
			    "work around \"COW can break either way\" issue"),
	      "described: %s", line);


	n = tags_lookup("odirect", wl_flags("odirect"), NULL,
			MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE, fork_po, 2, VC_LOST_WRITE, t, 3);
	CHECK(n == 3 && !strcmp(t[0]->commit, "d042035eaf5f"),
	      "odirect lost write on thp under fork: THP split-at-fork fix first");
	CHECK(has_commit(t, n, "70e806e4e645"), "odirect lost write: early COW fix listed");

	n = tags_lookup("odirect", wl_flags("odirect"), NULL, MC_PRIVATE | MC_ANON, fork_po, 2,
			VC_LEAK, t, 3);
	CHECK(n == 1 && !strcmp(t[0]->commit, "09854ba94c6a"),
	      "parent-side leak under fork on anon: do_wp_page() fix only (n %zu)", n);

	n = tags_lookup("odirect", wl_flags("odirect"), NULL, MC_PRIVATE | MC_ANON, NULL, 0,
			VC_GARBAGE, t, 3);
	CHECK(n == 0, "garbage without faults: nothing claimed (n %zu)", n);

	n = tags_lookup("vmsplice", wl_flags("vmsplice"), NULL, MC_SHARED, NULL, 0, VC_TORN, t, 3);
	CHECK(n == 0, "torn vmsplice block: no leak tag (n %zu)", n);

	n = tags_lookup("procmem", wl_flags("procmem"), NULL, MC_PRIVATE | MC_LARGE, NULL, 0,
			VC_MISPLACED, t, 1);
	CHECK(n == 1 && !strcmp(t[0]->cve, "CVE-2017-1000405"),
	      "procmem on thp, max 1: huge Dirty COW first");

	/* Rows for the kernel's pinned writes go by the workload's flag, not a list of names. */
	n = tags_lookup("uring", wl_flags("uring"), NULL, MC_PRIVATE | MC_ANON | MC_LARGE, fork_po,
			2, VC_LOST_WRITE, t, 3);
	CHECK(n >= 1 && !strcmp(t[0]->commit, "d042035eaf5f"), "uring lost write on thp: flag row");
	n = tags_lookup("cpu", wl_flags("cpu"), NULL, MC_PRIVATE | MC_ANON | MC_LARGE, fork_po, 2,
			VC_LOST_WRITE, t, 3);
	CHECK(n == 0, "cpu stores have no pinned-write rows (n %zu)", n);
}

/* Every name a row gives is a workload, fault or backing of the tables. */
static void check_names(const char *title, const char *list, bool (*known)(const char *))
{
	char buf[256], *save = NULL;

	if (!list)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *n = strtok_r(buf, ",", &save); n; n = strtok_r(NULL, ",", &save))
		CHECK(known(n), "'%s': '%s' is in its table", title, n);
}

static bool is_workload(const char *n)
{
	return workload_find(n) != NULL;
}

static bool is_fault(const char *n)
{
	return fault_find(n) != NULL;
}

static bool is_backing(const char *n)
{
	return backing_find(n) != NULL;
}

static void test_names(void)
{
	for (const struct tag *t = tag_table; t->title; t++) {
		check_names(t->title, t->workloads, is_workload);
		check_names(t->title, t->faults, is_fault);
		check_names(t->title, t->backings, is_backing);
	}
	/* And the positive control of the check: a name of no table. */
	CHECK(!is_workload("uring-fixd") && !is_fault("pageot"), "misspelt names are caught");
}

int main(void)
{
	test_table();
	test_lookup();
	test_names();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
