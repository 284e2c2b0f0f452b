// SPDX-License-Identifier: GPL-2.0
/*
 * swapin-race: several threads fault the same swapped-out pages at once.
 * Each injection claims the blocks of a small page range (so no worker
 * writes them and no kernel write is in flight into them), pushes it to
 * swap with MADV_PAGEOUT (pagemap says which pages really went), then
 * releases SWAPIN_THREADS threads together: they read-touch the pages in
 * different orders and one of them also writes a byte back with the value
 * it holds (a write fault on a swap entry, racing the read faults: the
 * content must stay the same).  Afterwards the blocks are verified
 * (DET_FAULT) and released.
 * Target: do_swap_page() (swapcache_prepare() and the SWP_SYNCHRONOUS_IO
 * path that zram takes, skipping the swap cache), swap_read_folio(),
 * folio_add_anon_rmap/exclusive handling, zswap_load() when zswap is on.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "run/caps.h"
#include "run/clock.h"
#include "faults/fault.h"
#include "kernel/pagemap.h"
#include "kernel/pageout.h"

#define SWAPIN_THREADS		3
#define SWAPIN_MAX_PAGES	64
#define SWAPIN_TRIES		8	/* ranges tried per injection */
#define SWAPIN_WAIT_MS		10000	/* a race that takes this long is stuck */
#define SWAPIN_START_SPIN_MS	100	/* how long a racer waits for the others */

struct swapin_priv;

struct racer {
	struct swapin_priv *p;
	unsigned int id;
};

struct swapin_priv {
	struct pageout_ctx ctx;
	uint64_t now[SWAPIN_MAX_PAGES];	/* pagemap after the race */
	struct racer rc[SWAPIN_THREADS];
	pthread_t thr[SWAPIN_THREADS];
	unsigned int nthr;
	pthread_mutex_t lock;
	pthread_cond_t go_cv, done_cv;
	uint64_t gen;			/* bumped for each race */
	unsigned int done;		/* racers finished with gen */
	bool quit;
	/* The race, written before gen is bumped. */
	volatile uint8_t *addr;
	size_t npages;
	_Atomic unsigned int ready;	/* racers at the start line */
	_Atomic uint64_t *ev_before, *ev_raced;
};

/* Touch every page: forward, backward, or forward writing back what it read. */
static void race_touch(struct swapin_priv *p, unsigned int id)
{
	size_t ps = p->ctx.psize, n = p->npages;
	uint64_t t0 = clock_ms();

	/* Start together: the point is several faults on one swap entry at once. */
	atomic_fetch_add(&p->ready, 1);
	while (atomic_load(&p->ready) < p->nthr && clock_ms() - t0 < SWAPIN_START_SPIN_MS)
		;
	for (size_t k = 0; k < n; k++) {
		size_t i = id == 1 ? n - 1 - k : k;
		volatile uint8_t *b = p->addr + i * ps + (id * 64) % ps;

		if (id == 2)
			*b = *b;	/* a write fault; the blocks are ours, the value unchanged */
		else
			(void)*b;
	}
}

static void *racer_main(void *arg)
{
	struct racer *rc = arg;
	struct swapin_priv *p = rc->p;
	uint64_t seen = 0;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->quit && p->gen == seen)
			pthread_cond_wait(&p->go_cv, &p->lock);
		if (p->quit)
			break;
		seen = p->gen;
		pthread_mutex_unlock(&p->lock);
		race_touch(p, rc->id);
		pthread_mutex_lock(&p->lock);
		p->done++;
		pthread_cond_signal(&p->done_cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void stop_racers(struct swapin_priv *p)
{
	pthread_mutex_lock(&p->lock);
	p->quit = true;
	pthread_cond_broadcast(&p->go_cv);
	pthread_mutex_unlock(&p->lock);
	for (unsigned int i = 0; i < p->nthr; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += SWAPIN_WAIT_MS / 1000;
		/* A racer stuck in a page fault must not hang the whole run. */
		if (pthread_timedjoin_np(p->thr[i], NULL, &ts))
			pthread_detach(p->thr[i]);
	}
	p->nthr = 0;
}

static void swapin_free(struct swapin_priv *p)
{
	stop_racers(p);
	pageout_fini(&p->ctx);
	pthread_cond_destroy(&p->go_cv);
	pthread_cond_destroy(&p->done_cv);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int swapin_setup(struct fault_inst *f)
{
	struct swapin_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->go_cv, NULL);
	pthread_cond_init(&p->done_cv, NULL);
	p->ctx.pagemap_fd = -1;
	ret = pageout_init(&p->ctx);
	for (unsigned int i = 0; !ret && i < SWAPIN_THREADS; i++) {
		p->rc[i] = (struct racer){ .p = p, .id = i };
		ret = -pthread_create(&p->thr[i], NULL, racer_main, &p->rc[i]);
		if (!ret)
			p->nthr++;
	}
	if (ret) {
		swapin_free(p);
		return ret;
	}
	p->ev_before = job_ev(f->job, "pages_swapped_before_race");
	p->ev_raced = job_ev(f->job, "pages_swapin_raced");
	f->priv = p;
	return 0;
}

/* Release the racers on [addr, addr + n pages) and wait for all of them. */
static int run_race(struct swapin_priv *p, uint8_t *addr, size_t n)
{
	struct timespec ts;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SWAPIN_WAIT_MS / 1000;
	pthread_mutex_lock(&p->lock);
	p->addr = addr;
	p->npages = n;
	p->done = 0;
	atomic_store(&p->ready, 0);
	p->gen++;
	pthread_cond_broadcast(&p->go_cv);
	while (!ret && p->done < p->nthr)
		ret = pthread_cond_timedwait(&p->done_cv, &p->lock, &ts);
	pthread_mutex_unlock(&p->lock);
	return ret ? -ETIMEDOUT : 0;
}

/*
 * Claim a random range and push it to swap.  Pinned pages do not go (a
 * uring-fixed job keeps three quarters of its region registered), nor can
 * a range with a block in flight be claimed: up to SWAPIN_TRIES ranges are
 * tried.  Returns pages swapped (> 0, the blocks claimed), 0 if no range
 * would do, or -errno.
 */
static long claim_and_swap(struct swapin_priv *p, struct job *j, struct rng *r,
			   uint8_t **addr, size_t *n, size_t *b0, size_t *b1)
{
	size_t ps = p->ctx.psize, npages = j->reg.size / ps;

	for (int tries = 0; tries < SWAPIN_TRIES; tries++) {
		size_t first;
		long swapped;

		*n = 1 + rng_below(r, npages < SWAPIN_MAX_PAGES ? npages : SWAPIN_MAX_PAGES);
		first = rng_below(r, npages - *n + 1);
		*addr = j->reg.base + first * ps;
		if (!job_claim_pages(j, first, *n, b0, b1))
			continue;
		swapped = pageout_range(&p->ctx, *addr, *n);
		if (swapped > 0)
			return swapped;
		job_release_blocks(j, *b0, *b1, true);
		if (swapped < 0 && swapped != -EAGAIN)
			return swapped;
	}
	return 0;
}

static int swapin_inject(struct fault_inst *f, struct rng *r)
{
	struct swapin_priv *p = f->priv;
	struct job *j = f->job;
	size_t n, b0, b1;
	uint8_t *addr;
	long swapped = claim_and_swap(p, j, r, &addr, &n, &b0, &b1), raced = 0;
	int ret;

	if (swapped <= 0)
		return swapped < 0 ? (int)swapped : FAULT_SKIPPED;
	ev_add(p->ev_before, (uint64_t)swapped);
	ret = run_race(p, addr, n);
	if (ret)
		return ret;	/* the blocks stay claimed: a racer may still touch them */
	/* Swapped right after the pageout and resident again after the race. */
	ret = pagemap_read(p->ctx.pagemap_fd, addr, n, p->now);
	if (!ret) {
		for (size_t i = 0; i < n; i++)
			raced += pagemap_swapped_out(p->ctx.before[i], p->ctx.after[i]) &&
				 (p->now[i] & PM_PRESENT);
	}
	job_release_blocks(j, b0, b1, true);
	if (ret)
		return ret;
	if (raced <= 0)
		return FAULT_DONE;
	ev_add(p->ev_raced, (uint64_t)raced);
	return FAULT_CONFIRMED;
}

static void swapin_teardown(struct fault_inst *f)
{
	if (!f->priv)
		return;
	swapin_free(f->priv);
	f->priv = NULL;
}

const struct fault_ops fault_swapin_race = {
	.name = "swapin-race",
	.desc = "page out a range, then several threads fault the same swapped pages at once",
	.interval_ms = 20,
	.needs = MC_SWAPPABLE,
	/* pagemap shows no swap entry for shmem: the race could not be proven */
	.refuses = MC_SHARED,
	.proof = "pages_swapin_raced",
	.probe = fault_swap_probe,
	.setup = swapin_setup,
	.inject = swapin_inject,
	.teardown = swapin_teardown,
};
