// SPDX-License-Identifier: GPL-2.0
/* The table of faults and the injector loop they share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "faults/fault.h"
#include "kernel/pagerange.h"
#include "kernel/ftrace.h"

/* The table: one line per fault, naming its const struct fault_ops (fault_<name>). */
#define FAULTS(X) \
	X(collapse) \
	X(compact) \
	X(device_exclusive) \
	X(device_migrate) \
	X(fork) \
	X(ksm) \
	X(madv_free) \
	X(migrate) \
	X(mprotect) \
	X(mremap) \
	X(numa_balancing) \
	X(pageout) \
	X(reclaim) \
		X(softdirty) \
	X(swapin_race) \
	X(thp_split) \
	X(tiering) \
	X(uffd_move) \
	X(writeback) \
	X(zswap)

#define DECLARE(n) extern const struct fault_ops fault_##n;
#define ENTRY(n) &fault_##n,
FAULTS(DECLARE)

const struct fault_ops *const fault_table[] = {
	FAULTS(ENTRY)
	NULL,
};

const struct fault_ops *fault_find(const char *name)
{
	for (int i = 0; fault_table[i]; i++)
		if (!strcmp(fault_table[i]->name, name))
			return fault_table[i];
	return NULL;
}

void fault_sleep(const struct fault_inst *f, unsigned int ms)
{
	/* Short slices so a stop request is seen within 50 ms. */
	while (ms && !run_stopping(f->job->run)) {
		unsigned int slice = ms < 50 ? ms : 50;
		struct timespec ts = { 0, (long)slice * 1000000L };

		nanosleep(&ts, NULL);
		ms -= slice;
	}
}

void fault_range(struct fault_inst *f, const void *addr, size_t len)
{
	evring_add(&f->job->evr, EVK_RANGE, (uint64_t)((const uint8_t *)addr - f->job->reg.base),
		   (uint32_t)len, 0, 0);
}

/* An injector that stops on an error says why: the run is then invalid, not clean. */
void fault_failed(struct fault_inst *f, int err)
{
	char detail[sizeof(f->errmsg)];

	/* inject() may have said more about it already (describe it first). */
	snprintf(detail, sizeof(detail), "%s", f->errmsg);
	snprintf(f->errmsg, sizeof(f->errmsg), "fault %s: %s%s%.100s", f->ops->name,
		 strerror(-err), detail[0] ? ": " : "", detail);
	f->err = err;
}

bool fault_benign(const struct fault_ops *ops, int err)
{
	for (int i = 0; i < FAULT_MAX_BENIGN && ops->benign[i]; i++)
		if (ops->benign[i] == -err)
			return true;
	return false;
}

static void add(_Atomic uint64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

void fault_confirm(struct fault_inst *f)
{
	add(&f->confirmed);
}

void fault_teardown(struct fault_inst *f)
{
	if (f->ops && f->ops->teardown)
		f->ops->teardown(f);
	free(f->priv);
	f->priv = NULL;
}

/* Count what one inject() did; false if it failed (the injector stops). */
static bool fault_count(struct fault_inst *f, int ret)
{
	if (ret < 0 && fault_benign(f->ops, ret))
		ret = FAULT_SKIPPED;
	switch (ret) {
	case FAULT_SKIPPED:
		add(&f->skipped);
		return true;
	case FAULT_CONFIRMED:
		add(&f->confirmed);
		/* fallthrough */
	case FAULT_DONE:
		add(&f->count);
		return true;
	}
	fault_failed(f, ret < 0 ? ret : -EPROTO);
	return false;
}

void *fault_thread(void *arg)
{
	struct fault_inst *f = arg;
	struct rng r;

	rng_seed(&r, f->job->seed ^ (0xfa017ULL << 32) ^ (uintptr_t)(f - f->job->faults));
	evring_set_self((uint16_t)(EV_WHO_FAULT + (f - f->job->faults)), &f->watch.mine);
	op_thread_start(&f->watch);
	while (!run_stopping(f->job->run)) {
		unsigned int iv = f->interval_ms;
		int ret;

		op_begin(&f->watch);
		if (f->ops->exclusive)
			pthread_rwlock_wrlock(&f->job->maplock);
		else
			pthread_rwlock_rdlock(&f->job->maplock);
		evring_add(&f->job->evr, EVK_FAULT, 0, 0, 0, 0);
		ftrace_mark("job %s fault %s inject", f->job->cfg->name, f->ops->name);
		ret = f->ops->inject(f, &r);
		evring_add(&f->job->evr, EVK_FAULT_END, 0, 0, 0, (uint64_t)(int64_t)ret);
		pthread_rwlock_unlock(&f->job->maplock);
		op_end(&f->watch);
		if (!fault_count(f, ret))
			break;
		/* Jitter in [iv/2, 3iv/2) keeps injections from phase-locking with I/O. */
		fault_sleep(f, iv ? iv / 2 + (unsigned int)rng_below(&r, iv) : 0);
	}
	return NULL;
}

unsigned int job_fork_kinds(const struct job *j)
{
	unsigned int kinds = !!(j->wl_flags & WL_FORKS);

	for (unsigned int i = 0; i < j->nfaults; i++)
		kinds += j->faults[i].ops->forks;
	return kinds;
}

const char *fault_swap_probe(void)
{
	uint64_t swap_kb = 0;

	if (meminfo_kb("SwapTotal", &swap_kb))
		return "cannot read SwapTotal from /proc/meminfo";
	if (!swap_kb)
		return "no swap (run.sh sets up swap on zram)";
	return NULL;
}

uint64_t fault_reclaim_bytes(const struct fault_inst *f, struct rng *r, uint64_t min,
			     uint64_t max)
{
	uint64_t top = f->job->reg.size / 4 < max ? f->job->reg.size / 4 : max;

	if (top < min)
		top = min;
	return (min + rng_below(r, top - min + 1)) & ~(uint64_t)(job_page_size() - 1);
}

void fault_cold_random(struct fault_inst *f, struct rng *r, uint64_t bytes)
{
	const struct region *reg = &f->job->reg;
	size_t ps = job_page_size(), npages = reg->size / ps, n = bytes / ps;
	size_t first;

	if (n > npages)
		n = npages;
	first = rng_below(r, npages - n + 1);
	fault_range(f, reg->base + first * ps, n * ps);
	madvise(reg->base + first * ps, n * ps, MADV_COLD);
}
