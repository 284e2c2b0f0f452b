/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tags, LTP style: the kernel bugs a scenario is meant to catch, with their
 * CVE, the commit that fixed them and the release it landed in.  On a
 * failure the report names the best matches ("looks like CVE-2020-29374,
 * fixed by 17839856fd58 in 5.8"), so whoever reads it knows where to look
 * first.  One table, in tags.c; only verified commits go in it.  Bugs not
 * fixed yet are known_bugs.h's: each has a probe and decides whether a
 * failure is an expected one.
 */
#ifndef PINSTRESS_TAGS_H
#define PINSTRESS_TAGS_H

#include <stdbool.h>
#include <stddef.h>

struct tag {
	const char *workloads;	/* comma-separated workload names; NULL: any */
	unsigned int caps;	/* MC_* the backing must all have; 0: any */
	const char *faults;	/* comma-separated; any of them in the job; NULL: any */
	int cls;		/* enum vclass of the finding; -1: any */
	const char *cve;	/* NULL if none */
	const char *commit;	/* 12-hex fix in torvalds/linux */
	const char *version;	/* release with the fix */
	const char *title;	/* the fix's subject line */
	const char *backings;	/* comma-separated backing names; NULL: any */
	unsigned int wl_flags;	/* WL_* the workload must all have (lib/run/caps.h); 0: any */
};

extern const struct tag tag_table[];

/*
 * The tags matching a finding of class @cls in workload @workload (whose
 * flags are @wl_flags) on backing @backing (NULL: matches rows for any
 * backing only) with @caps under @faults (@nfaults names): up to @max,
 * best (most specific) first, into @out.  Returns how many.
 */
size_t tags_lookup(const char *workload, unsigned int wl_flags, const char *backing,
		   unsigned int caps, const char *const *faults, unsigned int nfaults, int cls,
		   const struct tag **out, size_t max);

/* "CVE-2020-29374, fixed by 17839856fd58 in 5.8: <title>" into @buf. */
void tag_describe(const struct tag *t, char *buf, size_t len);

#endif
