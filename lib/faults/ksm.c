// SPDX-License-Identifier: GPL-2.0
/*
 * ksm: keep making runs of idle blocks identical (the region's shared
 * pattern, whole pages at a time) so that ksmd keeps merging pages of the
 * region while workers keep breaking the merges by writing (COW of a KSM
 * page, with O_DIRECT/io_uring pins in flight next door).  On a THP region
 * KSM splits the THPs it merges.  The region is MADV_MERGEABLE and ksmd
 * runs fast (lib/kernel/ksm.c).  Evidence: merged pages of the region seen
 * (kpageflags KPF_KSM, sampled at most every KSM_SAMPLE_MS) and blocks
 * rewritten with the shared pattern.
 */
#include <errno.h>
#include <stdlib.h>

#include "run/clock.h"
#include "faults/fault.h"
#include "kernel/ksm.h"

#define KSM_RUN_PAGES	64
#define KSM_TRIES	8
#define KSM_SAMPLE_MS	250
/*
 * Shared blocks stay claimed this long before workers may rewrite them:
 * ksmd merges a page only after seeing it unchanged on two scans, and a
 * fast workload would otherwise rewrite every block first.
 */
#define KSM_HOLD_MS	500
#define KSM_HELD	8

struct ksm_held {
	size_t b0, b1;
	uint64_t since;
};

struct ksm_priv {
	uint64_t last_ms;
	_Atomic uint64_t *ev_merged, *ev_shared;
	struct ksm_held held[KSM_HELD];
	unsigned int nheld;
};

static int ksm_setup(struct fault_inst *f)
{
	struct ksm_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	ret = ksm_start(f->job);
	if (ret) {
		free(p);
		return ret;
	}
	p->ev_merged = job_ev(f->job, "ksm_merged_pages");
	p->ev_shared = job_ev(f->job, "ksm_blocks_shared");
	f->priv = p;
	return 0;
}

/* Claim a random run of whole pages whose blocks are all idle. */
static bool claim_run(struct job *j, struct rng *r, size_t *b0, size_t *b1)
{
	size_t ps = job_page_size(), npages = j->reg.size / ps;
	size_t unit = j->reg.block_size > ps ? j->reg.block_size / ps : 1;

	for (int t = 0; t < KSM_TRIES; t++) {
		size_t len = unit * (1 + rng_below(r, KSM_RUN_PAGES / unit ? KSM_RUN_PAGES / unit : 1));
		size_t first;

		if (len > npages)
			len = npages / unit * unit;
		first = rng_below(r, (npages - len) / unit + 1) * unit;
		if (job_claim_pages(j, first, len, b0, b1))
			return true;
	}
	return false;
}

static void sample(struct fault_inst *f, struct ksm_priv *p)
{
	uint64_t now = clock_ms(), n = 0;

	if (p->last_ms && now - p->last_ms < KSM_SAMPLE_MS)
		return;
	p->last_ms = now;
	if (ksm_merged_pages(f->job, &n) || !n)
		return;
	ev_max(p->ev_merged, n);
	fault_confirm(f);
}

/* Give back held runs older than @age ms, checking them: merged, they must still match. */
static void release_held(struct job *j, struct ksm_priv *p, uint64_t age, bool verify)
{
	uint64_t now = clock_ms();

	for (unsigned int i = 0; i < p->nheld;) {
		struct ksm_held *h = &p->held[i];

		if (now - h->since < age) {
			i++;
			continue;
		}
		job_release_blocks(j, h->b0, h->b1, verify);
		*h = p->held[--p->nheld];
	}
}

static int ksm_inject(struct fault_inst *f, struct rng *r)
{
	struct ksm_priv *p = f->priv;
	struct job *j = f->job;
	size_t b0, b1;

	sample(f, p);
	release_held(j, p, KSM_HOLD_MS, true);
	if (p->nheld == KSM_HELD || !claim_run(j, r, &b0, &b1))
		return FAULT_SKIPPED;
	/* Verify what we overwrite: damage must not be hidden by our write. */
	for (size_t b = b0; b < b1; b++) {
		if (!job_verify_owned(j, b, DET_FAULT))
			continue;	/* reported and marked bad */
		ksm_write_shared(j, b);
		ev_add(p->ev_shared, 1);
	}
	/* Bad blocks stay bad: job_release_blocks() only gives back owned ones. */
	p->held[p->nheld++] = (struct ksm_held){ b0, b1, clock_ms() };
	return FAULT_DONE;
}

static void ksm_teardown(struct fault_inst *f)
{
	struct ksm_priv *p = f->priv;

	if (p && f->job->reg.base)
		release_held(f->job, p, 0, false);
}

const struct fault_ops fault_ksm = {
	.name = "ksm",
	.desc = "make blocks identical and let KSM merge them",
	.interval_ms = 20,
	.needs = MC_ANON,
	.refuses = 0,
	/*
	 * write_protect_page() merges no page with extra references and a
	 * large folio must split first, which any pin prevents.  uring-fixed
	 * keeps 3/4 of the region long-term pinned and its plain reads in
	 * flight on the rest: measured 0-77 pages merged in 3 s, often 0.
	 * KSM pages under long-term pins are covered by the ksm backing.
	 */
	.refuses_wl = WL_PINS_LONGTERM,
	.refuses_wl_why = "KSM merges no pinned page and splits no pinned large folio; this "
			  "workload keeps most of the region long-term pinned (the ksm backing "
			  "covers KSM pages under long-term pins)",
	.probe = ksm_probe,
	.setup = ksm_setup,
	.inject = ksm_inject,
	.teardown = ksm_teardown,
};
