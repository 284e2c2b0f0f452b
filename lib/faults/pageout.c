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

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/kconst.h"
#include "kernel/pagemap.h"
#include "kernel/pageout.h"
#include "kernel/pagerange.h"

struct pageout_priv {
	struct pageout_ctx ctx;
	_Atomic uint64_t *ev_swapped;
};

long pageout_random(struct fault_inst *f, struct pageout_ctx *p, struct rng *r)
{
	const struct region *reg = &f->job->reg;
	size_t npages = reg->size / p->psize;
	size_t len = 1 + rng_below(r, npages < PAGEOUT_MAX_PAGES ? npages : PAGEOUT_MAX_PAGES);
	size_t first = rng_below(r, npages - len + 1);

	p->shared = f->job->caps & MC_SHARED;
	fault_range(f, reg->base + first * p->psize, len * p->psize);
	return pageout_range(p, reg->base + first * p->psize, len);
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

	if (swapped <= 0)
		return swapped < 0 ? (int)swapped : FAULT_DONE;
	ev_add(p->ev_swapped, (uint64_t)swapped);
	return FAULT_CONFIRMED;
}

static void pageout_teardown(struct fault_inst *f)
{
	struct pageout_priv *p = f->priv;

	if (!p)
		return;
	pageout_fini(&p->ctx);
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
	.benign = { EAGAIN },
	.teardown = pageout_teardown,
};
