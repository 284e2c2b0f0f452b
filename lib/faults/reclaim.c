// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim: memory-cgroup reclaim of a cgroup holding the run, so pages of
 * the region are reclaimed by the memcg LRU walk (shrink_lruvec,
 * shrink_folio_list, try_to_unmap) rather than by MADV_PAGEOUT's direct
 * list, while kernel writes are in flight.
 *
 * The process enters the run's memory cgroup (lib/kernel/memcg.h) in
 * .prepare, before the region is mapped, so the region's pages are
 * charged there; each injection makes it reclaim (v2 memory.reclaim, v1 a
 * limit squeeze).
 *
 * The cgroup holds the whole process, so its LRU walk takes the coldest
 * pages of every job: a job whose workers touch everything all the time
 * (cpu) kept its pages active and saw none reclaimed.  Each injection
 * first deactivates a random range of this job's region (MADV_COLD) as
 * large as what it asks the memcg to reclaim, so the walk finds them at
 * the inactive tail; the reclaim itself is still the memcg's.
 *
 * Evidence: pages of the region present before and seen swapped during or
 * right after the reclaim (reclaim_watched()), per /proc/self/pagemap, or
 * smaps Swap for shared memory ("pages_reclaimed", lib/kernel/pageout.h), and
 * which cgroup version ran ("cgroup_version").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/memcg.h"
#include "kernel/pagemap.h"
#include "kernel/pageout.h"
#include "run/clock.h"

#define RECLAIM_MIN_BYTES	(256UL << 10)
#define RECLAIM_MAX_BYTES	(16UL << 20)
#define RECLAIM_WATCH_MS	2	/* between looks at the region during a reclaim */

struct reclaim_priv {
	unsigned int ref;	/* memcg_get()'s, 0 if none */
	int pagemap_fd;
	size_t npages;
	uint64_t *before, *after;
	_Atomic uint64_t *ev_reclaimed, *ev_version, *ev_busy;
};

static const char *reclaim_probe(void)
{
	const char *why = fault_swap_probe();

	return why ? why : memcg_probe();
}

static int reclaim_prepare(struct fault_inst *f)
{
	struct reclaim_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->pagemap_fd = -1;
	f->priv = p;
	return memcg_get(&p->ref);
}

static int reclaim_setup(struct fault_inst *f)
{
	struct reclaim_priv *p = f->priv;
	struct job *j = f->job;

	p->npages = j->reg.size / job_page_size();
	p->before = calloc(p->npages, sizeof(*p->before));
	p->after = calloc(p->npages, sizeof(*p->after));
	if (!p->before || !p->after)
		return -ENOMEM;
	p->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (p->pagemap_fd < 0)
		return -errno;
	p->ev_reclaimed = job_ev(j, "pages_reclaimed");
	p->ev_version = job_ev(j, "cgroup_version");
	p->ev_busy = job_ev(j, "reclaim_refused");
	ev_max(p->ev_version, (uint64_t)memcg_version());
	return 0;
}

/* Looks at the region while the reclaim call runs (reclaim_watched()). */
struct reclaim_watch {
	struct reclaim_priv *p;
	struct swap_look *look;
	uint8_t *base;
	atomic_bool stop;
	long got;	/* our pages seen swapped out, or -errno */
};

static void *watch_fn(void *arg)
{
	struct reclaim_watch *w = arg;
	long n;

	while (!atomic_load_explicit(&w->stop, memory_order_acquire)) {
		n = swap_look_again(w->look, w->base, w->p->npages, w->p->before, w->p->after);
		if (n < 0) {
			w->got = n;
			break;
		}
		w->got += n;
		nap_us(RECLAIM_WATCH_MS * 1000L);
	}
	return NULL;
}

/*
 * One memory.reclaim (v1: squeeze) of @bytes, with the region looked at
 * every RECLAIM_WATCH_MS while it runs and once after.  A worker that
 * touches every page every few tens of milliseconds (cpu on anon: 84k
 * ops/s over 2048 pages) faults a reclaimed page back long before a call
 * that takes hundreds of milliseconds returns: looked at only after it, a
 * CI run's cpu/anon job saw none of its pages swapped in 3 s.  Returns the
 * call's result (0, 1: too little charged, -EAGAIN/-EBUSY: could not
 * reclaim that much, -errno); *@got: our pages seen swapped out.
 */
static int reclaim_watched(struct reclaim_priv *p, struct swap_look *look, uint8_t *base,
			   uint64_t bytes, long *got)
{
	/* pagemap only while it runs: smaps walks every mapping of the process. */
	struct swap_look quick = { .pagemap_fd = look->pagemap_fd };
	struct reclaim_watch w = { .p = p, .look = &quick, .base = base };
	pthread_t tid;
	bool watched = !pthread_create(&tid, NULL, watch_fn, &w);
	long n;
	int ret = memcg_reclaim(bytes);

	*got = 0;
	if (watched) {
		atomic_store_explicit(&w.stop, true, memory_order_release);
		pthread_join(tid, NULL);
	}
	if (w.got < 0)
		return (int)w.got;
	n = swap_look_again(look, base, p->npages, p->before, p->after);
	if (n < 0)
		return (int)n;
	*got = w.got + n;
	return ret;
}

static int reclaim_inject(struct fault_inst *f, struct rng *r)
{
	struct reclaim_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	struct swap_look look = { .pagemap_fd = p->pagemap_fd };
	uint64_t bytes = fault_reclaim_bytes(f, r, RECLAIM_MIN_BYTES, RECLAIM_MAX_BYTES);
	long got;
	int ret;

	look.shared = f->job->caps & MC_SHARED;
	ret = swap_look_before(&look, reg->base, p->npages, p->before);
	if (ret)
		return ret;
	fault_cold_random(f, r, bytes);
	ret = reclaim_watched(p, &look, reg->base, bytes, &got);
	if (ret == 1)
		return FAULT_SKIPPED;
	if (ret && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	/* Could not reclaim that much (pinned pages): it may still have done some. */
	if (ret)
		ev_add(p->ev_busy, 1);
	if (got <= 0)
		return FAULT_DONE;
	ev_add(p->ev_reclaimed, (uint64_t)got);
	return FAULT_CONFIRMED;
}

static void reclaim_teardown(struct fault_inst *f)
{
	struct reclaim_priv *p = f->priv;

	if (!p)
		return;
	memcg_put(p->ref);
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	free(p->before);
	free(p->after);
}

const struct fault_ops fault_reclaim = {
	.name = "reclaim",
	.desc = "memory cgroup reclaim (v2 memory.reclaim, v1 limit squeeze) of a cgroup holding the run",
	.interval_ms = 50,
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.proof = "pages_reclaimed",
	.probe = reclaim_probe,
	.prepare = reclaim_prepare,
	.setup = reclaim_setup,
	.inject = reclaim_inject,
	.teardown = reclaim_teardown,
};
