// SPDX-License-Identifier: GPL-2.0
/*
 * Migration rate: move_pages() of a region's base pages from one NUMA node
 * to another and back (pages/s, only pages whose node really changed), and
 * the pages compaction migrates per second of /proc/sys/vm/compact_memory
 * (pgmigrate_success over the time of the write), with a fresh region
 * allocated before each trigger so there is something to move.  On one
 * node the first is unavailable, and says so.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "kernel/tunable.h"
#include "kernel/vmstat.h"

#define COMPACT_PATH	"/proc/sys/vm/compact_memory"

/* Move every page to @node; how many really moved there, or -errno. */
static long move_all(const struct bench_region *r, int node, void **pages, int *nodes,
		     int *status)
{
	size_t n = r->len / 4096;
	long moved = 0;

	for (size_t i = 0; i < n; i++) {
		pages[i] = r->p + i * 4096;
		nodes[i] = node;
	}
	if (move_pages(0, n, pages, nodes, status, MPOL_MF_MOVE))
		return -errno;
	for (size_t i = 0; i < n; i++)
		moved += status[i] == node;
	return moved;
}

static void nodes_rate(struct bench_ctx *c)
{
	size_t n = c->region / 4096;
	void **pages = calloc(n, sizeof(*pages));
	int *nodes = calloc(n, sizeof(int)), *status = calloc(n, sizeof(int));
	struct bench_region r;
	struct bench_metric *m;
	char why[160];

	if (!pages || !nodes || !status || bench_map(&r, c->region, BM_4K, why, sizeof(why))) {
		bench_unavailable(c, "migrate_pages_per_s", "pages/s", true, "no memory");
		goto out;
	}
	m = bench_metric(c, "migrate_pages_per_s", "pages/s", true);
	snprintf(m->note, sizeof(m->note), "%llu MiB of base pages, node 0 <-> 1 with move_pages()",
		 (unsigned long long)(c->region >> 20));
	for (unsigned int i = 0; i <= 2 * c->repeat && !c->stop(); i++) {
		double t0 = bench_now();
		long moved = move_all(&r, (int)(i + 1) % 2, pages, nodes, status);

		if (moved < 0) {
			snprintf(m->unavailable, sizeof(m->unavailable), "move_pages: %s",
				 strerror((int)-moved));
			break;
		}
		if (i && moved)
			bench_sample(m, (double)moved / (bench_now() - t0));
	}
	bench_unmap(&r);
out:
	free(pages);
	free(nodes);
	free(status);
}

/* One compaction after mapping a fresh region: the pages it migrated per second. */
static int compaction_once(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
			   char *why, size_t wlen)
{
	uint64_t before = 0, after = 0;
	struct bench_region r;
	double t0;
	int ret;

	(void)arg;
	ret = bench_map(&r, c->region, BM_4K, why, wlen);
	if (ret)
		return ret;
	vmstat_read("pgmigrate_success", &before);
	t0 = bench_now();
	ret = tunable_poke(COMPACT_PATH, "1");
	if (ret)
		snprintf(why, wlen, "%s: %s", COMPACT_PATH, strerror(-ret));
	/* A trigger that found nothing to move measured 0 pages/s: a sample too. */
	else if (!vmstat_read("pgmigrate_success", &after) && !warmup)
		bench_sample(m, (double)(after - before) / (bench_now() - t0));
	bench_unmap(&r);
	return ret;
}

static void compaction_rate(struct bench_ctx *c)
{
	struct bench_metric *m = bench_metric(c, "compact_migrated_per_s", "pages/s", true);

	snprintf(m->note, sizeof(m->note), "pgmigrate_success per second of compact_memory, "
		 "a fresh %llu MiB region before each", (unsigned long long)(c->region >> 20));
	bench_repeat(c, m, compaction_once, NULL);
}

static int migrate_run(struct bench_ctx *c)
{
	int nodes = numa_available() < 0 ? 1 : numa_num_configured_nodes();

	if (nodes < 2)
		bench_unavailable(c, "migrate_pages_per_s", "pages/s", true, "unavailable: %d node",
				  nodes);
	else
		nodes_rate(c);
	compaction_rate(c);
	return 0;
}

const struct bench_ops bench_migrate = {
	.name = "migrate",
	.desc = "move_pages() between NUMA nodes (pages/s) and compaction's migration rate",
	.run = migrate_run,
};
