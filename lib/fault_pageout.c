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
#include "kconst.h"
#include "pagemap.h"
#include "pageout.h"
#include "pagerange.h"

struct pageout_priv {
	struct pageout_ctx ctx;
	_Atomic uint64_t *ev_swapped;
};

const char *fault_swap_probe(void)
{
	uint64_t swap_kb = 0;

	if (meminfo_kb("SwapTotal", &swap_kb))
		return "cannot read SwapTotal from /proc/meminfo";
	if (!swap_kb)
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

int swap_look_before(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before)
{
	int ret = pagemap_read(s->pagemap_fd, addr, n, before);

	s->smaps_swap = 0;
	s->smaps_counted = 0;
	if (!ret && s->shared)
		ret = smaps_sum(addr, n * job_page_size(), "Swap", &s->smaps_swap);
	return ret;
}

/* @counted: NULL, or @before, whose entries counted now are cleared. */
static long swap_look(struct swap_look *s, uint8_t *addr, size_t n, const uint64_t *before,
		      uint64_t *after, uint64_t *counted)
{
	size_t ps = job_page_size();
	uint64_t swap = 0;
	long got = 0;
	int ret = pagemap_read(s->pagemap_fd, addr, n, after);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (!pagemap_swapped_out(before[i], after[i]))
			continue;
		if (counted)
			counted[i] = 0;
		got++;
	}
	/* Growth of smaps Swap: a lower bound while workers fault pages back. */
	if (s->shared && !got && !smaps_sum(addr, n * ps, "Swap", &swap) &&
	    swap > s->smaps_swap + s->smaps_counted) {
		got = (long)((swap - s->smaps_swap - s->smaps_counted) / ps);
		if (counted)
			s->smaps_counted += (uint64_t)got * ps;
	}
	return got;
}

long swap_look_after(struct swap_look *s, uint8_t *addr, size_t n, const uint64_t *before,
		     uint64_t *after)
{
	return swap_look(s, addr, n, before, after, NULL);
}

long swap_look_again(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before,
		     uint64_t *after)
{
	return swap_look(s, addr, n, before, after, before);
}

long pageout_range(struct pageout_ctx *p, uint8_t *addr, size_t n)
{
	struct swap_look s = { .pagemap_fd = p->pagemap_fd, .shared = p->shared };
	int ret = swap_look_before(&s, addr, n, p->before);

	if (ret)
		return ret;
	if (madvise(addr, n * p->psize, MADV_PAGEOUT))
		return errno == EAGAIN || errno == ENOMEM ? -EAGAIN : -errno;
	return swap_look_after(&s, addr, n, p->before, p->after);
}

long pageout_random(struct fault_inst *f, struct pageout_ctx *p, struct rng *r)
{
	const struct region *reg = &f->job->reg;
	size_t npages = reg->size / p->psize;
	size_t len = 1 + rng_below(r, npages < PAGEOUT_MAX_PAGES ? npages : PAGEOUT_MAX_PAGES);
	size_t first = rng_below(r, npages - len + 1);
	long swapped;

	p->shared = f->job->caps & MC_SHARED;
	fault_range(f, reg->base + first * p->psize, len * p->psize);
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
