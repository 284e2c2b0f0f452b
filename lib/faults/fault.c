// SPDX-License-Identifier: GPL-2.0
/* The table of faults and the injector loop they share. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "faults/fault.h"
#include "kernel/pagerange.h"
#include "kernel/ftrace.h"

extern const struct fault_ops fault_collapse;
extern const struct fault_ops fault_compact;
extern const struct fault_ops fault_device_exclusive;
extern const struct fault_ops fault_device_migrate;
extern const struct fault_ops fault_fork;
extern const struct fault_ops fault_ksm;
extern const struct fault_ops fault_madv_free;
extern const struct fault_ops fault_migrate;
extern const struct fault_ops fault_mprotect;
extern const struct fault_ops fault_mremap;
extern const struct fault_ops fault_pageout;
extern const struct fault_ops fault_reclaim;
extern const struct fault_ops fault_softdirty;
extern const struct fault_ops fault_swapin_race;
extern const struct fault_ops fault_thp_split;
extern const struct fault_ops fault_uffd_move;
extern const struct fault_ops fault_writeback;
extern const struct fault_ops fault_zswap;

const struct fault_ops *const fault_table[] = {
	&fault_collapse,
	&fault_compact,
	&fault_device_exclusive,
	&fault_device_migrate,
	&fault_fork,
	&fault_ksm,
	&fault_madv_free,
	&fault_migrate,
	&fault_mprotect,
	&fault_mremap,
	&fault_pageout,
	&fault_reclaim,
	&fault_softdirty,
	&fault_swapin_race,
	&fault_thp_split,
	&fault_uffd_move,
	&fault_writeback,
	&fault_zswap,
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
		if (ret < 0) {
			fault_failed(f, ret);
			break;
		}
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
