// SPDX-License-Identifier: GPL-2.0
/*
 * mthp: private anonymous memory in multi-size THP folios (6.8+), smaller
 * than a PMD.  Each sub-PMD size in
 * /sys/kernel/mm/transparent_hugepage/hugepages-<N>kB/enabled is set to
 * "always" (saved and restored); the region is not MADV_HUGEPAGE, so the
 * PMD size (normally "inherit" of a global "madvise") does not apply.
 * The fault path takes the largest enabled order that fits
 * (mm/memory.c alloc_anon_folio), so to get every size the region is
 * populated in chunks, one per size, with only that size enabled while its
 * chunk is touched.  Then all sizes stay enabled for the run, so COW and
 * swap-in may allocate mTHP too.  Order 1 (8 kB) exists for files only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "kernel/kconst.h"
#include "kernel/tunable.h"

#define MTHP_DIR "/sys/kernel/mm/transparent_hugepage"
#define MTHP_MAX_SIZES 16

/* Sub-PMD anon sizes this kernel offers, in kB, ascending. */
static int mthp_sizes(unsigned long *kb, int max)
{
	unsigned long ps_kb = (unsigned long)sysconf(_SC_PAGESIZE) / 1024;
	char path[128];
	int n = 0;

	for (unsigned long s = 4 * ps_kb; s < pmd_size() / 1024 && n < max; s *= 2) {
		snprintf(path, sizeof(path), MTHP_DIR "/hugepages-%lukB/enabled", s);
		if (!access(path, W_OK))
			kb[n++] = s;
	}
	return n;
}

static const char *mthp_probe(void)
{
	unsigned long kb[MTHP_MAX_SIZES];
	char mode[32];

	if (mthp_sizes(kb, MTHP_MAX_SIZES) < 2)
		return "kernel before 6.8 (fewer than 2 sub-PMD mTHP sizes in " MTHP_DIR ")";
	/* The PMD size inherits the global mode: 'always' fills the region with PMD THPs. */
	if (!tunable_read_choice(MTHP_DIR "/enabled", mode, sizeof(mode)) &&
	    !strcmp(mode, "always"))
		return "THP enabled is 'always', which maps PMD THPs over the whole region: "
		       "set 'madvise' (run.sh leaves 'always' as it is)";
	return NULL;
}

static int set_size(unsigned long kb, const char *mode)
{
	char path[128];

	snprintf(path, sizeof(path), MTHP_DIR "/hugepages-%lukB/enabled", kb);
	return tunable_set(path, mode);
}

/* PMD aligned so every size fits anywhere; no MADV_HUGEPAGE (see above). */
static int mthp_map(struct job *j, size_t size)
{
	size = (size + pmd_size() - 1) & ~(pmd_size() - 1);
	return backing_map_aligned(&j->reg, size, pmd_size());
}

/* Write-fault every page of [p, p+len): the fault allocates the folios. */
static void touch(uint8_t *p, size_t len)
{
	size_t ps = job_page_size();

	for (size_t off = 0; off < len; off += ps)
		((volatile uint8_t *)p)[off] = 0;
}

static int mthp_fill(struct job *j)
{
	unsigned long kb[MTHP_MAX_SIZES];
	int n = mthp_sizes(kb, MTHP_MAX_SIZES), ret = 0;
	size_t chunk, done = 0;

	/* Chunks aligned to the largest size so each size can fit. */
	chunk = j->reg.size / (size_t)n / (kb[n - 1] * 1024) * (kb[n - 1] * 1024);
	for (int i = 0; i < n && !ret; i++)
		ret = set_size(kb[i], "never");
	for (int i = 0; i < n && !ret && chunk; i++) {
		size_t len = i == n - 1 ? j->reg.size - done : chunk;

		ret = set_size(kb[i], "always");
		if (ret)
			break;
		touch(j->reg.base + done, len);
		done += len;
		ret = set_size(kb[i], "never");
	}
	for (int i = 0; i < n && !ret; i++)
		ret = set_size(kb[i], "always");
	return ret ? ret : job_init_region(j);
}

/* Bit k: the region holds a folio of sub-PMD order k. */
static uint32_t sub_pmd_orders(uint32_t orders)
{
	return orders & ((1u << pmd_order()) - 1) & ~3u;
}

static void mthp_measure(struct job *j, bool end)
{
	backing_census_evidence(j, end);
	atomic_store(job_ev(j, end ? "mthp_sizes_end" : "mthp_sizes_start"),
		     sub_pmd_orders((uint32_t)evidence_value(&j->ev, end ? "folio_orders_end"
									 : "folio_orders_start")));
}

static int mthp_check(struct job *j, char *why, size_t len)
{
	uint64_t pmd = 0;
	struct census c;
	uint32_t sub;
	char sizes[96];
	int ret;

	ret = backing_thp_bytes(&j->reg, &pmd);
	if (!ret)
		ret = census_take(j->reg.base, j->reg.size, &c);
	if (ret)
		return ret;
	sub = sub_pmd_orders(c.orders);
	census_orders_str(sub, sizes, sizeof(sizes));
	if (__builtin_popcount(sub) < 2) {
		snprintf(why, len, "mTHP sizes found: %s (fewer than 2 sub-PMD sizes)",
			 sub ? sizes : "none");
		return -ENOTSUP;
	}
	if (pmd) {
		snprintf(why, len, "%llu bytes PMD-mapped THP in an mTHP region (global THP 'always'?)",
			 (unsigned long long)pmd);
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_mthp = {
	.name = "mthp",
	.desc = "multi-size THP: each sub-PMD size in hugepages-*kB enabled (saved and restored)",
	.caps = MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE,
	.proof = "large_folio_bytes_start,mthp_sizes_start",
	.probe = mthp_probe,
	.map = mthp_map,
	.unmap = backing_unmap_common,
	.fill = mthp_fill,
	.check = mthp_check,
	.measure = mthp_measure,
};
