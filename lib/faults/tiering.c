// SPDX-License-Identifier: GPL-2.0
/*
 * tiering: the region's pages go down a memory tier and come back up, as
 * on servers with CXL or PMEM memory beside DRAM.  Demotion is switched on
 * (/sys/kernel/mm/numa/demotion_enabled) and NUMA balancing runs in its
 * memory-tiering mode (lib/kernel/numab.h).  Each injection deactivates a
 * random range of the region and makes the run's memory cgroup reclaim as
 * much (lib/kernel/memcg.h): reclaim on a top-tier node migrates the pages
 * to its demotion target (mm/vmscan.c demote_folio_list()) instead of
 * swapping them, while the kernel's writes are in flight and pins refuse.
 * The accesses to demoted pages then take NUMA hinting faults and the
 * kernel promotes the hot ones back to the top tier
 * (should_numa_migrate_memory(), migrate_misplaced_folio()) when the fault
 * comes soon after the scanner marked the page (hot_threshold_ms, set to
 * 10 s).
 * The workers touch a given page seldom (under TCG, seconds apart), so
 * inject() also reads a byte of each sampled page it sees on a lower tier:
 * it reclaims only when few of them are down there, and otherwise just
 * looks and reads, every 100 ms; the promotion is still the kernel's.  MADV_PAGEOUT
 * never demotes (reclaim_pages() sets no_demotion): only a memcg or node
 * LRU walk does.
 *
 * inject() looks where the region's pages are (move_pages with no target;
 * a sample of 16384 in a larger region) before and after its reclaim.  A
 * page seen on a top-tier node and next on a lower one was demoted; one
 * seen lower and next on the top tier was promoted.  pinstress moves none of them itself, and faults that
 * do cannot share the job; a page swapped out and in again between two
 * looks changes node too, so each count is held to what the kernel
 * counted over the same interval (/proc/vmstat pgdemote_*,
 * pgpromote_success).
 * Evidence: pages_demoted, pages_promoted (per page, from move_pages).
 * Needs two memory tiers: a node the firmware describes as slower (the
 * ACPI HMAT; vm.sh --slow-nodes), or CXL/PMEM memory onlined by dax/kmem.
 */
#include <errno.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faults/fault.h"
#include "kernel/debugfs.h"
#include "kernel/memcg.h"
#include "kernel/numab.h"
#include "kernel/topology.h"
#include "kernel/tunable.h"
#include "kernel/vmstat.h"

#define TIER_DEMOTION	"/sys/kernel/mm/numa/demotion_enabled"
#define TIER_HOT_MS	DEBUGFS_DIR "/sched/numa_balancing/hot_threshold_ms"
/*
 * Pages looked at: all of a 64 MiB region.  A TCG guest promoted 25 to 500
 * pages a run; a sample of 512 of a 32 MiB region saw 0 to 43 of them.
 */
#define TIER_SAMPLE	16384
#define TIER_MIN_BYTES	(256UL << 10)
#define TIER_MAX_BYTES	(4UL << 20)	/* a memcg reclaim under TCG takes seconds */
#define TIER_RECLAIM_EVERY 20	/* injections, even with many pages down */
#define TIER_COUNTERS	8

struct tier_priv {
	unsigned int ref;		/* memcg_get()'s */
	int rank[TOPO_MAX_NODES];	/* tier of each node, 0 the top */
	size_t n, down;			/* sampled pages, those on a lower tier */
	unsigned int since_reclaim;
	void **pages;
	int *last;			/* node at the last look, < 0: unknown */
	int *now;
	/* pgpromote_success, then every pgdemote_* (find_counters()) */
	char names[TIER_COUNTERS][VMSTAT_NAME_LEN];
	const char *name_ptr[TIER_COUNTERS];
	size_t ncounters;
	uint64_t promoted_k, demoted_k;	/* their sums at the last look */
	_Atomic uint64_t *ev_demoted, *ev_promoted, *ev_refused;
};

static const char *tier_probe(void)
{
	int rank[TOPO_MAX_NODES], tiers = topology_memory_tiers(rank);
	const char *why;

	if (access(TIER_DEMOTION, F_OK))
		return "kernel without memory tiering (6.1+, CONFIG_NUMA and CONFIG_MIGRATION)";
	why = numab_probe();
	if (reason_kernel_lacks(why))
		return why;
	if (tiers < 2)
		return "unavailable: 1 memory tier (no node the firmware describes as slower)";
	if (access(TIER_DEMOTION, W_OK))
		return "cannot write " TIER_DEMOTION " (not root?)";
	return why ? why : memcg_probe();
}

static int tier_prepare(struct fault_inst *f)
{
	struct tier_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	f->priv = p;
	return memcg_get(&p->ref);
}

/* The kernel's promotions and demotions so far. */
static int kernel_counts(struct tier_priv *p, uint64_t *promoted, uint64_t *demoted)
{
	uint64_t v[TIER_COUNTERS];
	int ret = vmstat_read_set(p->name_ptr, p->ncounters, v);

	if (ret)
		return ret;
	*promoted = v[0];
	*demoted = 0;
	for (size_t i = 1; i < p->ncounters; i++)
		*demoted += v[i];
	return 0;
}

/* The kernel's counters: pgpromote_success first, then every pgdemote_* this kernel has. */
static int find_counters(struct tier_priv *p)
{
	static const char *const want[] = { "pgpromote_success", "pgdemote_*" };
	int n = vmstat_names(want, 2, p->names, TIER_COUNTERS);

	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (!strcmp(p->names[i], "pgpromote_success"))
			p->name_ptr[p->ncounters++] = p->names[i];
	if (p->ncounters != 1 || n < 2)
		return -ENOTSUP;
	for (int i = 0; i < n; i++)
		if (strcmp(p->names[i], "pgpromote_success"))
			p->name_ptr[p->ncounters++] = p->names[i];
	return kernel_counts(p, &p->promoted_k, &p->demoted_k);
}

static int tier_setup(struct fault_inst *f)
{
	struct tier_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	int ret;

	if (topology_memory_tiers(p->rank) < 2)
		return -ENOTSUP;
	ret = tunable_set(TIER_DEMOTION, "true");
	if (!ret)
		ret = numab_enable(NUMAB_TIERING);
	/* Under TCG a second or more may pass between the scan and our next read. */
	if (!ret && !access(TIER_HOT_MS, W_OK))
		ret = tunable_set(TIER_HOT_MS, "10000");
	if (!ret)
		ret = find_counters(p);
	if (ret)
		return ret;
	p->n = pages < TIER_SAMPLE ? pages : TIER_SAMPLE;
	p->pages = calloc(p->n, sizeof(*p->pages));
	p->last = calloc(p->n, sizeof(*p->last));
	p->now = calloc(p->n, sizeof(*p->now));
	if (!p->pages || !p->last || !p->now)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		p->pages[i] = reg->base + i * (pages / p->n) * job_page_size();
		p->last[i] = -1;
	}
	p->ev_demoted = job_ev(f->job, "pages_demoted");
	p->ev_promoted = job_ev(f->job, "pages_promoted");
	p->ev_refused = job_ev(f->job, "reclaim_refused");
	return 0;
}

static uint64_t at_most(long seen, uint64_t kernel)
{
	return (uint64_t)seen < kernel ? (uint64_t)seen : kernel;
}

/* Where the sample is now; the pages that changed tier since the last look.  1 if any. */
static int look(struct tier_priv *p)
{
	uint64_t promoted_k, demoted_k, up, down;
	long ups = 0, downs = 0;
	int ret;

	p->down = 0;
	if (move_pages(0, p->n, p->pages, NULL, p->now, 0))
		return -errno;
	ret = kernel_counts(p, &promoted_k, &demoted_k);
	if (ret)
		return ret;
	for (size_t i = 0; i < p->n; i++) {
		int from = p->last[i], to = p->now[i];

		/* A page not present (-ENOENT: swapped, not yet touched) at either look says nothing. */
		if (from >= 0 && to >= 0 && from < TOPO_MAX_NODES && to < TOPO_MAX_NODES &&
		    p->rank[from] >= 0 && p->rank[to] >= 0) {
			downs += p->rank[from] == 0 && p->rank[to] > 0;
			ups += p->rank[from] > 0 && p->rank[to] == 0;
		}
		p->last[i] = to;
		if (to >= 0 && to < TOPO_MAX_NODES && p->rank[to] > 0) {
			(void)*(volatile uint8_t *)p->pages[i];
			p->down++;
		}
	}
	down = at_most(downs, demoted_k - p->demoted_k);
	up = at_most(ups, promoted_k - p->promoted_k);
	p->demoted_k = demoted_k;
	p->promoted_k = promoted_k;
	ev_add(p->ev_demoted, down);
	ev_add(p->ev_promoted, up);
	return down || up;
}

static int tier_inject(struct fault_inst *f, struct rng *r)
{
	struct tier_priv *p = f->priv;
	uint64_t bytes = fault_reclaim_bytes(f, r, TIER_MIN_BYTES, TIER_MAX_BYTES);
	int seen, after, ret;

	/* What the kernel promoted since the last injection. */
	seen = look(p);
	if (seen < 0)
		return seen;
	if (p->down >= p->n / 8 && ++p->since_reclaim < TIER_RECLAIM_EVERY)
		return seen ? FAULT_CONFIRMED : FAULT_SKIPPED;
	p->since_reclaim = 0;
	fault_cold_random(f, r, bytes);
	ret = memcg_reclaim(bytes);
	if (ret < 0 && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	/* Could not reclaim that much (pinned pages): it may still have demoted some. */
	if (ret < 0)
		ev_add(p->ev_refused, 1);
	after = look(p);
	if (after < 0)
		return after;
	return seen || after ? FAULT_CONFIRMED : ret == 1 ? FAULT_SKIPPED : FAULT_DONE;
}

static void tier_teardown(struct fault_inst *f)
{
	struct tier_priv *p = f->priv;

	if (!p)
		return;
	memcg_put(p->ref);
	free(p->pages);
	free(p->last);
	free(p->now);
}

const struct fault_ops fault_tiering = {
	.name = "tiering",
	.desc = "memcg reclaim demotes the region's pages to a lower memory tier; NUMA balancing "
		"in tiering mode promotes the hot ones back",
	.interval_ms = 100,
	.refuses = MC_HUGETLB | MC_MLOCKED,
	.refuses_why = "hugetlb and mlocked pages are never reclaimed, so never demoted",
	/* task_numa_work() skips a VMA with a policy of its own (vma_policy_mof()). */
	.default_policy = true,
	.proof = "pages_demoted",
	.conflicts = "migrate,numa-balancing,pageout,swapin-race,zswap,reclaim,ksm",
	.conflicts_why = "pages it moves or brings back on any node would count as demoted or "
			 "promoted",
	.probe = tier_probe,
	.prepare = tier_prepare,
	.setup = tier_setup,
	.inject = tier_inject,
	.teardown = tier_teardown,
	.benign = { ENOMEM, EBUSY },
};
