// SPDX-License-Identifier: GPL-2.0
/*
 * Turning a job_config into a running job and back: map the backing, stamp
 * every block, confirm the backing, split blocks and scratch slots among
 * workers, start the worker, scrubber and injector threads, and undo it all
 * in reverse order.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "compat.h"
#include "faults/fault.h"
#include "job_setup.h"
#include "run/options.h"
#include "run/scratch.h"
#include "verify/scrub.h"
#include "workload.h"

static void split_work(struct job *j, const struct topology *topo, bool spread)
{
	size_t spw = workload_slots_per_worker(j->cfg);

	for (unsigned int i = 0; i < j->nworkers; i++) {
		struct worker *w = &j->workers[i];

		w->job = j;
		w->id = i;
		w->cpu = spread && topo->ncpus ?
			 topology_cpu(topo, j->cfg->mem_node, j->cfg->cpu_first + i) : -1;
		if (w->cpu >= 0)
			CPU_SET(w->cpu, &j->worker_cpus);
		w->blk_lo = j->reg.nblocks * i / j->nworkers;
		w->blk_hi = j->reg.nblocks * (i + 1) / j->nworkers;
		w->slot_lo = spw * i;
		w->slot_hi = spw * (i + 1);
		rng_seed(&w->rng, j->seed ^ ((uint64_t)(i + 1) << 40));
	}
}

static int prepare_faults(struct job *j, char *why, size_t len)
{
	for (unsigned int i = 0; i < j->nfaults; i++) {
		struct fault_inst *f = &j->faults[i];
		int ret;

		f->job = j;
		ret = f->ops->prepare ? f->ops->prepare(f) : 0;
		if (ret) {
			snprintf(why, len, "fault %s: %s", f->ops->name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int setup_faults(struct job *j, char *why, size_t len)
{
	for (unsigned int i = 0; i < j->nfaults; i++) {
		struct fault_inst *f = &j->faults[i];
		int ret;

		f->job = j;
		/* Given (even 0: no pause, as fast as the fault goes), else the fault's own. */
		f->interval_ms = cfg_job_given(j->cfg, "fault-interval") ? j->cfg->fault_interval_ms
									 : f->ops->interval_ms;
		ret = f->ops->setup ? f->ops->setup(f) : 0;
		if (ret) {
			snprintf(why, len, "fault %s setup: %s", f->ops->name, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int setup_memory(struct job *j, const char *scratch_dir, char *why, size_t len)
{
	const struct job_config *c = j->cfg;
	int ret;

	ret = j->backing->reserve ? j->backing->reserve(j, c->size, why, len) : 0;
	if (ret)
		return ret;
	ret = j->backing->map(j, c->size);
	if (ret) {
		snprintf(why, len, "backing %s: cannot map %llu bytes: %s", c->backing,
			 (unsigned long long)c->size, strerror(-ret));
		return ret;
	}
	/*
	 * Only a job that forks needs its region in a child.  Anything else
	 * stays out of every other job's fork children: a fork clears
	 * PageAnonExclusive on every page it shares, so another job's forks
	 * made UFFDIO_MOVE refuse (EBUSY) all of cpu-anon's pages in smoke.
	 */
	/* Before the fill, so that the region's pages come from that node. */
	if (c->mem_node >= 0) {
		ret = topology_prefer_node(j->reg.map_addr, j->reg.map_len, c->mem_node);
		if (ret) {
			snprintf(why, len, "backing %s: mbind to node %d: %s", c->backing,
				 c->mem_node, strerror(-ret));
			return ret;
		}
		ev_add(job_ev(j, "region_prefers_node"), 1);
	}
	if (!job_fork_kinds(j) && madvise(j->reg.map_addr, j->reg.map_len, MADV_DONTFORK)) {
		ret = -errno;
		snprintf(why, len, "backing %s: MADV_DONTFORK: %s", c->backing, strerror(-ret));
		return ret;
	}
	j->reg.block_size = c->block_size;
	j->reg.nblocks = j->reg.size / c->block_size;
	ret = oracle_init(&j->oracle, j->reg.nblocks, j->region_id);
	if (ret) {
		snprintf(why, len, "oracle: %s", strerror(-ret));
		return ret;
	}
	if (j->wl->flags & WL_NEEDS_SCRATCH) {
		ret = scratch_open(&j->scratch, scratch_dir, c->block_size,
				   workload_slots_per_worker(c) * c->threads);
		if (ret) {
			snprintf(why, len, "scratch file in %s: %s", scratch_dir, strerror(-ret));
			return ret;
		}
	}
	ret = j->backing->fill ? j->backing->fill(j) : job_init_region(j);
	if (ret) {
		snprintf(why, len, "backing %s: cannot fill the region: %s", c->backing,
			 strerror(-ret));
		return ret;
	}
	if (c->mlock && mlock(j->reg.base, j->reg.size)) {
		ret = -errno;
		snprintf(why, len, "mlock of %zu bytes: %s (RLIMIT_MEMLOCK?)", j->reg.size,
			 strerror(-ret));
		return ret;
	}
	ret = j->backing->check(j, why, len);
	if (ret)
		return ret;
	job_measure(j, false);
	if (c->mlock && !evidence_value(&j->ev, "mlocked_bytes_start")) {
		snprintf(why, len, "mlock: no page of the region is mlocked per kpageflags");
		return -ENOTSUP;
	}
	return 0;
}

void job_measure(struct job *j, bool end)
{
	if (end) {
		/* The writes themselves are evidence that the workload ran. */
		atomic_store(job_ev(j, "kernel_ops"), atomic_load(&j->st.kernel_ops));
		atomic_store(job_ev(j, "cpu_ops"), atomic_load(&j->st.cpu_ops));
	}
	if (!j->reg.base)
		return;
	if (j->backing->measure)
		j->backing->measure(j, end);
	else
		backing_census_evidence(j, end);
}

/* The fork kinds of every job of @cfg's round (their children hold each other's regions). */
static unsigned int round_fork_kinds(const struct run_config *rc, const struct job_config *cfg)
{
	unsigned int kinds = 0;

	for (unsigned int i = 0; i < rc->njobs; i++)
		if (rc->jobs[i].round == cfg->round)
			kinds += cfg_fork_kinds(&rc->jobs[i]);
	return kinds;
}

int job_setup(struct run_ctx *run, struct job *j, unsigned int index,
	      const struct job_config *cfg, char *why, size_t len)
{
	j->run = &run->st;
	j->cfg = cfg;
	j->index = index;
	j->region_id = index + 1;
	j->seed = rng_mix64(run->rc->seed + index + 1);
	j->scratch.fd = -1;
	j->scratch_dir = run->rc->scratch;
	j->wl = workload_find(cfg->workload);
	j->wl_flags = j->wl->flags;
	j->round_fork_kinds = round_fork_kinds(run->rc, cfg);
	j->backing = backing_find(cfg->backing);
	j->caps = caps_effective(j->backing->caps, cfg->mlock);
	evidence_init(&j->ev);
	pthread_rwlockattr_t la;

	/* Writer-preferring: an mremap must not starve behind back-to-back readers. */
	pthread_rwlockattr_init(&la);
	pthread_rwlockattr_setkind_np(&la, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&j->maplock, &la);
	pthread_rwlockattr_destroy(&la);
	j->nworkers = cfg->threads;
	j->workers = calloc(j->nworkers, sizeof(*j->workers));
	if (!j->workers)
		return -ENOMEM;
	if (cfg->size / cfg->block_size < 4 * cfg->threads) {
		snprintf(why, len, "size %llu holds too few %u-byte blocks for %u threads",
			 (unsigned long long)cfg->size, cfg->block_size, cfg->threads);
		return -EINVAL;
	}
	int ret = prepare_faults(j, why, len);

	if (!ret)
		ret = setup_memory(j, run->rc->scratch, why, len);
	/* After the initial fill: the ring keeps what happened while the job ran. */
	if (!ret && (ret = evring_init(&j->evr, j->reg.block_size)))
		snprintf(why, len, "event ring: %s", strerror(-ret));
	if (ret)
		return ret;
	j->oracle.evr = &j->evr;
	j->reproduce_known_bugs = cfg_reproduce_known_bugs(run->rc);
	if (j->reproduce_known_bugs && (j->wl->flags & WL_PINS_LONGTERM) &&
	    !(j->unpin_note = calloc(j->reg.nblocks, sizeof(*j->unpin_note))))
		return -ENOMEM;
	split_work(j, &run->topo, !strcmp(run->rc->affinity, "spread"));
	return setup_faults(j, why, len);
}

/* --plant hang: a test of the watchdog; this thread never comes back. */
static void plant_hang(void)
{
	for (;;)
		poll(NULL, 0, -1);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct job *j = w->job;
	int ret;

	/*
	 * Setup touches region addresses too (uring-fixed registers, that is
	 * pins, the pages mapped there): a fault that moves pages away must
	 * not run meanwhile, or the pins land on the empty range it leaves.
	 */
	evring_set_self((uint16_t)w->id, &w->watch.mine);
	if (w->cpu >= 0 && !topology_pin_self(w->cpu))
		ev_add(job_ev(j, "workers_pinned"), 1);
	op_thread_start(&w->watch);
	op_begin(&w->watch);
	pthread_rwlock_rdlock(&j->maplock);
	ret = j->wl->worker_init(w);
	pthread_rwlock_unlock(&j->maplock);
	op_end(&w->watch);
	if (ret) {
		snprintf(w->errmsg, sizeof(w->errmsg), "worker %u setup: %s", w->id, strerror(-ret));
		goto out;
	}
	while (!run_stopping(j->run)) {
		op_begin(&w->watch);
		if (!j->index && !w->id && atomic_load(&run_of(j->run)->plant.hang_now))
			plant_hang();
		pthread_rwlock_rdlock(&j->maplock);
		ret = j->wl->run_iter(w);
		pthread_rwlock_unlock(&j->maplock);
		op_end(&w->watch);
		if (ret) {
			snprintf(w->errmsg, sizeof(w->errmsg), "worker %u: %s", w->id,
				 strerror(-ret));
			break;
		}
	}
out:
	if (ret) {
		w->err = ret;
		run_stop(j->run);
	}
	op_begin(&w->watch);
	j->wl->worker_exit(w);
	op_end(&w->watch);
	return NULL;
}

int job_start(struct job *j)
{
	int ret;

	for (unsigned int i = 0; i < j->nworkers; i++) {
		ret = pthread_create(&j->workers[i].thread, NULL, worker_main, &j->workers[i]);
		if (ret)
			return -ret;
		j->workers[i].started = true;
	}
	ret = pthread_create(&j->scrub_thread, NULL, scrub_thread, j);
	if (ret)
		return -ret;
	j->scrub_started = true;
	for (unsigned int i = 0; i < j->nfaults; i++) {
		ret = pthread_create(&j->faults[i].thread, NULL, fault_thread, &j->faults[i]);
		if (ret)
			return -ret;
		j->faults[i].started = true;
	}
	return 0;
}

/* True if the thread is still running (never joined, or given up on). */
static bool join_one(pthread_t t, bool *started, job_joiner join, void *ctx)
{
	if (*started && join(t, ctx))
		*started = false;
	return *started;
}

/*
 * Join everything through @join, which may give up on a thread (false);
 * the run's stop flag must already be set.  A job with a thread left
 * running is stuck: it is never torn down, since that thread may still
 * use its memory.  True if every thread was joined.
 */
bool job_join(struct job *j, job_joiner join, void *ctx)
{
	for (unsigned int i = 0; i < j->nfaults; i++)
		j->stuck |= join_one(j->faults[i].thread, &j->faults[i].started, join, ctx);
	for (unsigned int i = 0; i < j->nworkers; i++)
		j->stuck |= join_one(j->workers[i].thread, &j->workers[i].started, join, ctx);
	j->stuck |= join_one(j->scrub_thread, &j->scrub_started, join, ctx);
	if (!j->stuck)
		job_measure(j, true);
	return !j->stuck;
}

void job_teardown(struct job *j)
{
	for (unsigned int i = 0; i < j->nfaults; i++)
		fault_teardown(&j->faults[i]);
	if (j->scratch.fd >= 0)
		scratch_close(&j->scratch);
	oracle_destroy(&j->oracle);
	evring_destroy(&j->evr);
	free(j->unpin_note);
	j->unpin_note = NULL;
	if (j->reg.base)
		j->backing->unmap(j);
	free(j->workers);
	j->workers = NULL;
}
