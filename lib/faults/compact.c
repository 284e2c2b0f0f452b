// SPDX-License-Identifier: GPL-2.0
/*
 * compact: trigger memory compaction (/proc/sys/vm/compact_memory) while
 * kernel writes are in flight, and count the region's pages that the
 * kernel really moved: present before and after at a different PFN.
 *
 * Where pages move: full compaction (order -1) runs the migrate scanner
 * up from the zone's start and the free scanner down from its end, and
 * stops where they meet.  The free scanner only takes free pages in
 * movable pageblocks that are partly used ("holes"): a pageblock whose
 * first page is a free block of pageblock order is no target
 * (suitable_migration_target() in mm/compaction.c).  So a page
 * moves only if it lies below the meeting point, and the meeting point is
 * where the movable pages below it match the holes above it.  On a
 * mostly idle machine most free memory is wholly free pageblocks, holes
 * are few, and the meeting point lies low: a region the allocator placed
 * in a free pageblock above it never moves, whatever the number of
 * triggers (measured here: all 2048 pages of one pvm job in 2 of 9
 * slices, its pages at PFN 0x300000 and the scanners meeting at
 * 0x1d6600, read from the mm_compaction_end tracepoint).
 *
 * .prepare therefore places the region before it exists: it compacts
 * (which empties the low part of the zone), takes a pool of pages from
 * the allocator (every fragment below pageblock order, so that the
 * region cannot fall into the holes of the packed part, and 2.5 times
 * the region's pages more), reads their PFNs, and gives back the lowest
 * 1.25 region's worth.  The region's faults then get those pages: the
 * per-CPU list hands out the page freed last first, and the buddy
 * allocator the smallest order first, which are now the pieces just
 * given back, since the pool holds every other fragment.  .setup, once
 * the region is in place, gives back the rest of the pool except the
 * first page of each pageblock: every pageblock of the pool becomes
 * holes above the region, targets for the next compaction.
 * Measured in a standalone test: 2018-2048 of 2048 pages moved in 12 of
 * 12 tries (without the pool: 0-3 in 3 of 4).
 *
 * Compaction is machine-wide, so any job's trigger moves every job's
 * pages: each job compares against PFNs taken at setup, before any job
 * of its round started, and then against its previous look.  Not moved
 * by design: pinned pages (anonymous ones fail the refcount check in
 * isolate_migratepages_block(), shared ones fail in migration: the
 * registered io_uring buffers), hugetlb folios (PageHuge: only
 * alloc_contig migrates them) and folios of pageblock order
 * (skip_isolation_on_order()): on the thp backing nothing of the region
 * moves, hence refuses MC_LARGE.
 * Target: mm/compaction.c, mm/migrate.c (migrate_pages of pages with
 * short-term pins and I/O in flight).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/census.h"
#include "faults/fault.h"
#include "kernel/pagerange.h"
#include "kernel/tunable.h"
#include "kernel/vmstat.h"

#define COMPACT_PATH		"/proc/sys/vm/compact_memory"
#define COMPACT_MAX_PAGES	(64UL << 20 >> 12)	/* PFNs compared per trigger */
#define BLOCK_ORDER_DEFAULT	9	/* pageblock order where pagetypeinfo lacks it */

struct compact_priv {
	const uint8_t *addr;	/* window compared each time, chosen at setup */
	size_t npages;
	uint64_t *before, *after;	/* PFNs at the previous look, and now */
	uint64_t mig_before;	/* pgmigrate_success at the previous look */
	_Atomic uint64_t *ev_moved, *ev_migrated;
	uint8_t *pool;		/* pages that place the region, then make holes */
	size_t pool_pages;
	unsigned int block_order;	/* pageblock order (/proc/pagetypeinfo walks every block) */
};

static const char *compact_probe(void)
{
	if (access(COMPACT_PATH, W_OK))
		return "kernel without CONFIG_COMPACTION (no writable " COMPACT_PATH ")";
	return NULL;
}

static unsigned int pageblock_order(void)
{
	FILE *f = fopen("/proc/pagetypeinfo", "re");
	unsigned int order = BLOCK_ORDER_DEFAULT;

	if (f) {
		if (fscanf(f, "Page block order: %u", &order) != 1)
			order = BLOCK_ORDER_DEFAULT;
		fclose(f);
	}
	return order;
}

/* Free pages in blocks below pageblock order, in every zone above DMA. */
static uint64_t fragment_pages(unsigned int bo)
{
	FILE *f = fopen("/proc/buddyinfo", "re");
	char line[512], zone[32];
	uint64_t pages = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");
		int used = 0;

		if (!p || sscanf(p, "zone %31s%n", zone, &used) != 1 || !strcmp(zone, "DMA"))
			continue;
		p += used;
		for (unsigned int o = 0; o < bo; o++) {
			char *end;
			unsigned long long n = strtoull(p, &end, 10);

			if (end == p)
				break;
			pages += n << o;
			p = end;
		}
	}
	fclose(f);
	return pages;
}

/*
 * Give back the pool's pages for which @keep is false, in runs of
 * adjacent addresses.  @pfn: the pool's PFNs (0: not present).
 */
static void pool_release(struct compact_priv *p, const uint64_t *pfn,
			 bool (*keep)(uint64_t pfn, uint64_t arg), uint64_t arg)
{
	size_t ps = job_page_size(), run = 0;

	for (size_t i = 0; i <= p->pool_pages; i++) {
		if (i < p->pool_pages && pfn[i] && !keep(pfn[i], arg)) {
			run++;
			continue;
		}
		if (run)
			madvise(p->pool + (i - run) * ps, run * ps, MADV_DONTNEED);
		run = 0;
	}
}

static int pfn_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool keep_from(uint64_t pfn, uint64_t threshold)
{
	return pfn >= threshold;
}

static bool keep_block_head(uint64_t pfn, uint64_t block_pages)
{
	return !(pfn % block_pages);
}

static void pool_drop(struct compact_priv *p)
{
	if (p->pool)
		munmap(p->pool, p->pool_pages * job_page_size());
	p->pool = NULL;
}

/* The PFN below which the lowest @low present pages of @pfn lie; all: UINT64_MAX. */
static uint64_t low_threshold(const uint64_t *pfn, size_t n, size_t low)
{
	uint64_t *sorted = malloc(n * sizeof(*sorted)), t = UINT64_MAX;
	size_t absent = 0;

	if (!sorted)
		return 0;	/* nothing given back here: setup still makes the holes */
	memcpy(sorted, pfn, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), pfn_cmp);
	while (absent < n && !sorted[absent])
		absent++;
	if (absent + low < n)
		t = sorted[absent + low];
	free(sorted);
	return t;
}

/*
 * Take the fragments and twice @low pages more (never more than a
 * quarter of what is available), then give back the lowest @low.  Where
 * that cannot be done, no pool: the region goes where the allocator puts
 * it, and the job's evidence tells whether compaction reached it.
 */
static int pool_place(struct compact_priv *p, size_t low)
{
	size_t ps = job_page_size();
	uint64_t pages = fragment_pages(p->block_order) + 2 * low, avail_kb = 0;
	uint64_t *pfn;
	int ret;

	if (meminfo_kb("MemAvailable", &avail_kb))
		return 0;
	if (pages > avail_kb / 4 * 1024 / ps)
		pages = avail_kb / 4 * 1024 / ps;
	if (!pages)
		return 0;
	p->pool = mmap(NULL, pages * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p->pool == MAP_FAILED) {
		p->pool = NULL;
		return -errno;
	}
	p->pool_pages = pages;
	/* Base pages: a THP would take a whole pageblock the region should get. */
	madvise(p->pool, pages * ps, MADV_NOHUGEPAGE);
	/* Short of memory, a pool is not worth the OOM killer (EINVAL: before 5.14). */
	if (madvise(p->pool, pages * ps, MADV_POPULATE_WRITE)) {
		if (errno != EINVAL) {
			pool_drop(p);
			return 0;
		}
		memset(p->pool, 1, pages * ps);
	}
	pfn = calloc(pages, sizeof(*pfn));
	ret = pfn ? census_pfns(p->pool, pages, pfn) : -ENOMEM;
	if (!ret && !pfn[0])
		pool_drop(p);	/* PFNs hidden (no CAP_SYS_ADMIN): nothing to place by */
	else if (!ret)
		pool_release(p, pfn, keep_from, low_threshold(pfn, pages, low));
	free(pfn);
	return ret;
}

/* The region is in place: the pool's pageblocks become holes above it. */
static int pool_holes(struct compact_priv *p)
{
	uint64_t *pfn;
	int ret;

	if (!p->pool)
		return 0;
	pfn = calloc(p->pool_pages, sizeof(*pfn));
	if (!pfn)
		return -ENOMEM;
	ret = census_pfns(p->pool, p->pool_pages, pfn);
	if (!ret)
		pool_release(p, pfn, keep_block_head, 1ULL << p->block_order);
	free(pfn);
	return ret;
}

/* Before the region exists: empty the low part of the zone and reserve it for the region. */
static int compact_prepare(struct fault_inst *f)
{
	struct compact_priv *p = calloc(1, sizeof(*p));
	size_t np = f->job->cfg->size / job_page_size();
	int ret;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	p->block_order = pageblock_order();
	ret = tunable_poke(COMPACT_PATH, "1");
	return ret ? ret : pool_place(p, np + np / 4);
}

static int compact_setup(struct fault_inst *f)
{
	struct compact_priv *p = f->priv;
	size_t np = f->job->reg.size / job_page_size();
	int ret = pool_holes(p);

	if (ret)
		return ret;
	p->npages = np < COMPACT_MAX_PAGES ? np : COMPACT_MAX_PAGES;
	p->before = calloc(p->npages, sizeof(uint64_t));
	p->after = calloc(p->npages, sizeof(uint64_t));
	if (!p->before || !p->after)
		return -ENOMEM;
	p->ev_moved = job_ev(f->job, "pages_pfn_changed");
	p->ev_migrated = job_ev(f->job, "compact_pgmigrate_success");
	p->addr = f->job->reg.base + f->job->seed % (np - p->npages + 1) * job_page_size();
	/* The first look: before any job of this round has started. */
	ret = census_pfns(p->addr, p->npages, p->before);
	if (!ret)
		ret = vmstat_read("pgmigrate_success", &p->mig_before);
	return ret;
}

static int compact_inject(struct fault_inst *f, struct rng *r)
{
	struct compact_priv *p = f->priv;
	uint64_t mig = 0, moved = 0, *t;
	int ret;

	(void)r;
	ret = tunable_poke(COMPACT_PATH, "1");
	if (ret)
		return ret;
	ret = census_pfns(p->addr, p->npages, p->after);
	if (!ret)
		ret = vmstat_read("pgmigrate_success", &mig);
	if (ret)
		return ret;
	ev_add(p->ev_migrated, mig - p->mig_before);
	/*
	 * Pages present at a new PFN across a span in which something was
	 * migrated.  Alone, only migration does that; in a job that also
	 * forks or pages out, COW copies and refaults add to the count.
	 */
	for (size_t i = 0; mig > p->mig_before && i < p->npages; i++)
		moved += p->before[i] && p->after[i] && p->before[i] != p->after[i];
	ev_add(p->ev_moved, moved);
	t = p->before;
	p->before = p->after;
	p->after = t;
	p->mig_before = mig;
	return moved ? FAULT_CONFIRMED : FAULT_DONE;
}

static void compact_teardown(struct fault_inst *f)
{
	struct compact_priv *p = f->priv;

	if (!p)
		return;
	pool_drop(p);
	free(p->before);
	free(p->after);
}

const struct fault_ops fault_compact = {
	.name = "compact",
	.desc = "memory compaction (/proc/sys/vm/compact_memory); counts region pages moved",
	/* A full compaction of 24 GiB costs 5-200 ms of CPU: a few per second at most. */
	.interval_ms = 300,
	.needs = 0,
	/*
	 * Compaction never isolates hugetlb folios (outside alloc_contig) nor
	 * folios of pageblock order or more (skip_isolation_on_order() in
	 * mm/compaction.c): a hugetlb or PMD THP region has nothing it can
	 * move.  MC_LARGE also covers mTHP, which compaction does move; a
	 * cap for "PMD-sized" would let it in.
	 */
	.refuses = MC_HUGETLB | MC_LARGE,
	.proof = "pages_pfn_changed",
	.probe = compact_probe,
	.prepare = compact_prepare,
	.setup = compact_setup,
	.inject = compact_inject,
	.teardown = compact_teardown,
};
