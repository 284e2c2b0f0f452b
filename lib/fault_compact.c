// SPDX-License-Identifier: GPL-2.0
/*
 * compact: trigger memory compaction (/proc/sys/vm/compact_memory) while
 * kernel writes are in flight, and count the region's pages that the
 * kernel really moved: present before and after at a different PFN.
 *
 * Where pages move: the migrate scanner walks a zone upwards from its
 * start, the free scanner downwards from its end, and full compaction
 * (compact_memory, order -1) moves every movable page below the point
 * where they meet into free pages above it.  The first trigger therefore
 * moves the region's pages that lie below that point; later triggers only
 * pages allocated there since (pageout refaults, fork COW copies, the
 * scrubber's and workers' churn).  Right after a compaction the used
 * pages are packed at the top of the zone, and an order-0 allocation is
 * served from the smallest free blocks first: the leftover fragments at
 * the packed boundary, where the scanners meet again, so a region
 * allocated then never moves (measured: 0-3 of 2048 pages in 3 of 4
 * tries).  .prepare, before the region is allocated, therefore compacts
 * and then holds a "sink" that takes every free page in blocks below
 * pageblock order, so that the region comes from the large free blocks
 * low in the zone, which the next compaction empties (measured: 1536-2048
 * of 2048 pages move); the sink is freed once the region is in place.
 * Compaction is machine-wide, so the first trigger of any job in the
 * round moves every job's pages: each job compares against PFNs taken at
 * setup, before any job of its round started, and then against its
 * previous look.  Not moved by design: pinned pages
 * (the refcount check in isolate_migratepages_block(): the registered
 * io_uring buffers) and PMD-sized THPs (compound pages of pageblock
 * order are skipped): on the thp backing nothing of the region moves,
 * hence refuses MC_LARGE.
 * Target: mm/compaction.c, mm/migrate.c (migrate_pages of pages with
 * short-term pins and I/O in flight).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "census.h"
#include "fault.h"
#include "pagerange.h"
#include "tunable.h"

#define COMPACT_PATH		"/proc/sys/vm/compact_memory"
#define COMPACT_MAX_PAGES	(64UL << 20 >> 12)	/* PFNs compared per trigger */
#define BLOCK_ORDER_DEFAULT	9	/* pageblock order where pagetypeinfo lacks it */

struct compact_priv {
	const uint8_t *addr;	/* window compared each time, chosen at setup */
	size_t npages;
	uint64_t *before, *after;	/* PFNs at the previous look, and now */
	uint64_t mig_before;	/* pgmigrate_success at the previous look */
	_Atomic uint64_t *ev_moved, *ev_migrated;
	void *sink;		/* held from .prepare until the region is in place */
	size_t sink_len;
};

static const char *compact_probe(void)
{
	if (access(COMPACT_PATH, W_OK))
		return "no writable " COMPACT_PATH " (kernel without CONFIG_COMPACTION)";
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
static uint64_t fragment_pages(void)
{
	unsigned int bo = pageblock_order();
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
 * Take the fragments (see the header) and a per-CPU list's worth more,
 * never more than a quarter of what is available.
 */
static int sink_fill(struct compact_priv *p)
{
	size_t ps = job_page_size();
	uint64_t pages = fragment_pages() + 4096, avail_kb = 0, cap;

	if (!meminfo_kb("MemAvailable", &avail_kb) && pages > (cap = avail_kb / 4 * 1024 / ps))
		pages = cap;
	p->sink_len = pages * ps;
	p->sink = mmap(NULL, p->sink_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p->sink == MAP_FAILED) {
		p->sink = NULL;
		return -errno;
	}
	/* Base pages: a THP would take a large block the region should get. */
	madvise(p->sink, p->sink_len, MADV_NOHUGEPAGE);
	if (madvise(p->sink, p->sink_len, MADV_POPULATE_WRITE))
		memset(p->sink, 1, p->sink_len);
	return 0;
}

static void sink_drop(struct compact_priv *p)
{
	if (p->sink)
		munmap(p->sink, p->sink_len);
	p->sink = NULL;
}

/* Before the region exists: vacate the low part of the zone it will come from. */
static int compact_prepare(struct fault_inst *f)
{
	struct compact_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	f->priv = p;
	ret = tunable_poke(COMPACT_PATH, "1");
	return ret ? ret : sink_fill(p);
}

static int compact_setup(struct fault_inst *f)
{
	struct compact_priv *p = f->priv;
	size_t np = f->job->reg.size / job_page_size();
	int ret;

	sink_drop(p);
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
	atomic_fetch_add_explicit(&f->count, 1, memory_order_relaxed);
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
	if (moved) {
		atomic_fetch_add_explicit(&f->confirmed, 1, memory_order_relaxed);
		ev_add(p->ev_moved, moved);
	}
	t = p->before;
	p->before = p->after;
	p->after = t;
	p->mig_before = mig;
	return 0;
}

static void compact_teardown(struct fault_inst *f)
{
	struct compact_priv *p = f->priv;

	if (!p)
		return;
	sink_drop(p);
	free(p->before);
	free(p->after);
	free(p);
	f->priv = NULL;
}

const struct fault_ops fault_compact = {
	.name = "compact",
	.desc = "memory compaction (/proc/sys/vm/compact_memory); counts region pages moved",
	/* A full compaction of 24 GiB costs 5-200 ms of CPU: a few per second at most. */
	.interval_ms = 300,
	.needs = 0,
	/*
	 * Compaction never isolates folios of pageblock order or more
	 * (skip_isolation_on_order() in mm/compaction.c): a hugetlb or PMD
	 * THP region has nothing it can move.  MC_LARGE also covers mTHP,
	 * which compaction does move; a cap for "PMD-sized" would let it in.
	 */
	.refuses = MC_HUGETLB | MC_LARGE,
	.proof = "pages_pfn_changed",
	.probe = compact_probe,
	.prepare = compact_prepare,
	.setup = compact_setup,
	.inject = compact_inject,
	.teardown = compact_teardown,
};
