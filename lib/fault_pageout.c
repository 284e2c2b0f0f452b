// SPDX-License-Identifier: GPL-2.0
/*
 * pageout: MADV_PAGEOUT (5.4+) on random ranges of the region, including
 * ranges with kernel writes in flight.  Pages that the kernel really wrote
 * to swap are counted from /proc/self/pagemap right after the call, before
 * anything had much chance to fault them back.  Pinned pages are expected
 * to stay (reclaim refuses to unmap them): that refusal is part of the test.
 * Needs swap: run.sh sets up zram when the machine has none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "caps.h"
#include "fault.h"
#include "pagemap.h"
#include "pageout.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

struct pageout_priv {
	struct pageout_ctx ctx;
	_Atomic uint64_t *ev_swapped;
};

long pagemap_count_swapped_out(const uint64_t *before, const uint64_t *after, size_t n)
{
	long swapped = 0;

	for (size_t i = 0; i < n; i++)
		swapped += (before[i] & PM_PRESENT) && (after[i] & PM_SWAP) &&
			   !(after[i] & PM_PRESENT);
	return swapped;
}

const char *fault_swap_probe(void)
{
	char line[128];
	long swap_kb = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return "cannot read /proc/meminfo";
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SwapTotal: %ld kB", &swap_kb) == 1)
			break;
	fclose(f);
	if (swap_kb <= 0)
		return "no swap (run.sh sets up swap on zram)";
	return NULL;
}

int pageout_init(struct pageout_ctx *p)
{
	p->psize = job_page_size();
	p->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	return p->pagemap_fd < 0 ? -errno : 0;
}

void pageout_fini(struct pageout_ctx *p)
{
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	p->pagemap_fd = -1;
}

/* Growth of smaps Swap over the VMA: a lower bound while workers fault pages back. */
static long shared_swapped(uint8_t *addr, size_t n, size_t psize, uint64_t before)
{
	uint64_t after = 0;

	if (smaps_sum(addr, n * psize, "Swap", &after) || after <= before)
		return 0;
	return (long)((after - before) / psize);
}

long pageout_range(struct pageout_ctx *p, uint8_t *addr, size_t n)
{
	uint64_t swap0 = 0;
	long got;
	int ret;

	ret = pagemap_read(p->pagemap_fd, addr, n, p->before);
	if (!ret && p->shared)
		ret = smaps_sum(addr, n * p->psize, "Swap", &swap0);
	if (ret)
		return ret;
	if (madvise(addr, n * p->psize, MADV_PAGEOUT))
		return errno == EAGAIN || errno == ENOMEM ? -EAGAIN : -errno;
	ret = pagemap_read(p->pagemap_fd, addr, n, p->after);
	if (ret)
		return ret;
	got = pagemap_count_swapped_out(p->before, p->after, n);
	if (p->shared && !got)
		got = shared_swapped(addr, n, p->psize, swap0);
	return got;
}

long pageout_random(struct fault_inst *f, struct pageout_ctx *p, struct rng *r)
{
	const struct region *reg = &f->job->reg;
	size_t npages = reg->size / p->psize;
	size_t len = 1 + rng_below(r, npages < PAGEOUT_MAX_PAGES ? npages : PAGEOUT_MAX_PAGES);
	size_t first = rng_below(r, npages - len + 1);
	long swapped;

	p->shared = f->job->caps & MC_SHARED;
	swapped = pageout_range(p, reg->base + first * p->psize, len);

	if (swapped >= 0)
		atomic_fetch_add_explicit(&f->count, 1, memory_order_relaxed);
	return swapped;
}

static int pageout_setup(struct fault_inst *f)
{
	struct pageout_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = pageout_init(&p->ctx);
	if (ret) {
		free(p);
		return ret;
	}
	p->ev_swapped = job_ev(f->job, "pages_swapped_out");
	f->priv = p;
	return 0;
}

static int pageout_inject(struct fault_inst *f, struct rng *r)
{
	struct pageout_priv *p = f->priv;
	long swapped = pageout_random(f, &p->ctx, r);

	if (swapped == -EAGAIN) {
		atomic_fetch_add_explicit(&f->skipped, 1, memory_order_relaxed);
		return 0;
	}
	if (swapped < 0)
		return (int)swapped;
	if (swapped > 0) {
		atomic_fetch_add_explicit(&f->confirmed, 1, memory_order_relaxed);
		ev_add(p->ev_swapped, (uint64_t)swapped);
	}
	return 0;
}

static void pageout_teardown(struct fault_inst *f)
{
	struct pageout_priv *p = f->priv;

	if (!p)
		return;
	pageout_fini(&p->ctx);
	free(p);
	f->priv = NULL;
}

const struct fault_ops fault_pageout = {
	.name = "pageout",
	.desc = "MADV_PAGEOUT random ranges, in-flight ones included (needs swap)",
	.interval_ms = 10,
	.needs = MC_SWAPPABLE,
	.proof = "pages_swapped_out",
	.probe = fault_swap_probe,
	.setup = pageout_setup,
	.inject = pageout_inject,
	.teardown = pageout_teardown,
};
