// SPDX-License-Identifier: GPL-2.0
/*
 * gup-ro: read-only long-term pins that must keep seeing the process's
 * later writes.  Each iteration claims the blocks of a few pages, pins the
 * pages read-only and long-term through gup_test (PIN_LONGTERM_TEST_START
 * without the write flag, by pin_user_pages() or pin_user_pages_fast()),
 * then writes new stamps into the blocks with plain stores and reads the
 * pinned pages back through the pin (PIN_LONGTERM_TEST_READ).  The pin
 * must show exactly what the mapping holds: a R/O pin of a possibly shared
 * anonymous page must have unshared it first (FAULT_FLAG_UNSHARE,
 * a7f226604170, 5.19; 84209e87c696, 6.2), or the process's write goes to a
 * copy the pin does not see.  Anything else is pin-divergence.
 *
 * Where test_hmm is there too, the same blocks are read through its
 * device mirror (HMM_DMIRROR_READ, hmm_range_fault into the device's page
 * table): a mirror that kept a stale page after the writes is a
 * pin-divergence as well.
 *
 * gup_test keeps one pin set for the whole system: the iterations of all
 * workers and jobs take turns.
 * Target: mm/gup.c (gup_must_unshare, FOLL_LONGTERM), mm/memory.c
 * (wp_page_reuse, do_wp_page with FAULT_FLAG_UNSHARE), mm/hmm.c.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/hmm.h"
#include "workload.h"

#define GRO_MAX_PAGES	16

static pthread_mutex_t gup_test_lock = PTHREAD_MUTEX_INITIALIZER;

struct gro_priv {
	int gup_fd;
	int hmm_fd;		/* -1 without test_hmm */
	uint8_t *copy;		/* what the pin or the device returned */
	size_t copy_len;
	size_t first_page, npages;	/* the pages all of whose blocks are this worker's */
	_Atomic uint64_t *ev_reads, *ev_dev_reads;
};

static const char *gro_probe(void)
{
	return gup_test_probe();
}

static int gro_init(struct worker *w)
{
	struct gro_priv *p = calloc(1, sizeof(*p));
	size_t ps = job_page_size(), bs = w->job->reg.block_size;
	int ret;

	if (!p)
		return -ENOMEM;
	w->priv = p;
	p->hmm_fd = -1;
	p->gup_fd = gup_test_open();
	if (p->gup_fd < 0)
		return p->gup_fd;
	if (!hmm_probe()) {
		p->hmm_fd = hmm_open();
		if (p->hmm_fd < 0)
			return p->hmm_fd;
	}
	p->first_page = (w->blk_lo * bs + ps - 1) / ps;
	p->npages = w->blk_hi * bs / ps > p->first_page ? w->blk_hi * bs / ps - p->first_page : 0;
	if (!p->npages)
		return -EINVAL;
	/* The blocks over GRO_MAX_PAGES pages span at most two blocks more. */
	p->copy_len = GRO_MAX_PAGES * ps + 2 * (bs > ps ? bs : ps);
	ret = posix_memalign((void **)&p->copy, ps, p->copy_len);
	if (ret)
		return -ret;
	p->ev_reads = job_ev(w->job, "ro_pin_reads");
	p->ev_dev_reads = job_ev(w->job, "device_mirror_reads");
	return 0;
}

/*
 * Compare the blocks [b0, b1) as @copy has them (a read through the pin or
 * the device) with what they must hold; a difference while the region
 * itself is right is a pin-divergence.  Blocks found wrong end up bad.
 */
static void compare(struct job *j, const uint8_t *copy, size_t b0, size_t b1)
{
	size_t bs = j->reg.block_size;

	for (size_t b = b0; b < b1; b++) {
		struct stamp_id want;
		struct vfinding f;

		if (oracle_state(&j->oracle, b) != BLK_BUSY)
			continue;	/* reported already */
		oracle_expect(&j->oracle, b, &want);
		if (classify_readback(copy + (b - b0) * bs, bs, j->seed, &want, &f) == VC_OK)
			continue;
		if (!job_verify_owned(j, b, DET_READBACK))
			continue;	/* the region itself is wrong: reported as such */
		oracle_mark_bad(&j->oracle, b);
		run_report_divergence(j, b, &want, &f);
	}
}

/*
 * Pin [addr, len) read-only, write the blocks, read them back through the
 * pin.  *wrote says whether the blocks got new stamps.
 */
static int pin_write_read(struct worker *w, struct gro_priv *p, uint8_t *addr, size_t len,
			  size_t b0, size_t b1, bool *wrote)
{
	struct job *j = w->job;
	int ret;

	pthread_mutex_lock(&gup_test_lock);
	ret = gup_test_pin(p->gup_fd, addr, len, 0, (int)rng_below(&w->rng, 2));
	if (ret)
		goto out_unlock;
	*wrote = true;
	for (size_t b = b0; b < b1; b++) {
		struct stamp_id id;

		if (oracle_state(&j->oracle, b) != BLK_BUSY)
			continue;
		oracle_next(&j->oracle, b, SRC_MAKE(SRC_CPU, w->id), &id);
		stamp_fill(region_block(&j->reg, b), j->reg.block_size, j->seed, &id);
	}
	ret = gup_test_read(p->gup_fd, p->copy);
	if (!ret) {
		ev_add(p->ev_reads, 1);
		compare(j, p->copy, b0, b1);
	}
	gup_test_unpin(p->gup_fd);
out_unlock:
	pthread_mutex_unlock(&gup_test_lock);
	return ret;
}

static int gro_iter(struct worker *w)
{
	struct gro_priv *p = w->priv;
	struct job *j = w->job;
	size_t ps = job_page_size(), bs = j->reg.block_size, b0, b1, len;
	size_t n = 1 + rng_below(&w->rng, p->npages < GRO_MAX_PAGES ? p->npages : GRO_MAX_PAGES);
	size_t first = p->first_page + rng_below(&w->rng, p->npages - n + 1);
	bool wrote = false;
	uint8_t *addr;
	int ret;

	if (!job_claim_pages(j, first, n, &b0, &b1))
		return 0;	/* someone holds one of them: another time */
	addr = region_block(&j->reg, b0);
	len = ((b1 - b0) * bs + ps - 1) / ps * ps;
	for (size_t b = b0; b < b1; b++)
		job_verify_owned(j, b, DET_PREWRITE);
	ret = pin_write_read(w, p, addr, len, b0, b1, &wrote);
	/* Out of memory or a page busy migrating: the blocks are as before, verified. */
	if (ret == -ENOMEM || ret == -EAGAIN || ret == -EBUSY)
		ret = 0;
	if (!ret && p->hmm_fd >= 0 && len / ps <= HMM_MAX_PAGES &&
	    !hmm_read(p->hmm_fd, addr, len / ps, p->copy)) {
		ev_add(p->ev_dev_reads, 1);
		compare(j, p->copy, b0, b1);
	}
	for (size_t b = b0; b < b1; b++) {
		if (oracle_state(&j->oracle, b) != BLK_BUSY)
			continue;
		if (wrote)
			job_finish_write(j, b, false);
		else
			oracle_release(&j->oracle, b, false);	/* verified at the claim */
	}
	return ret;
}

static void gro_exit(struct worker *w)
{
	struct gro_priv *p = w->priv;

	if (!p)
		return;
	if (p->gup_fd >= 0)
		close(p->gup_fd);
	if (p->hmm_fd >= 0)
		close(p->hmm_fd);
	free(p->copy);
	free(p);
	w->priv = NULL;
}

const struct workload_ops workload_gup_ro = {
	.name = "gup-ro",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "ro_pin_reads",
	.flags = 0,
	.needs = MC_PRIVATE,
	.desc = "R/O long-term pins (gup_test) that must see the process's later writes; "
		"reads through test_hmm's device mirror",
	.probe = gro_probe,
	.worker_init = gro_init,
	.run_iter = gro_iter,
	.worker_exit = gro_exit,
};
