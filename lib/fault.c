// SPDX-License-Identifier: GPL-2.0
/* The table of faults and the injector loop they share. */
#include <string.h>
#include <time.h>

#include "fault.h"

extern const struct fault_ops fault_fork;
extern const struct fault_ops fault_pageout;

const struct fault_ops *const fault_table[] = {
	&fault_fork,
	&fault_pageout,
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

void *fault_thread(void *arg)
{
	struct fault_inst *f = arg;
	struct rng r;

	rng_seed(&r, f->job->seed ^ (0xfa017ULL << 32) ^ (uintptr_t)(f - f->job->faults));
	while (!run_stopping(f->job->run)) {
		unsigned int iv = f->interval_ms;

		if (f->ops->inject(f, &r) < 0)
			break;
		/* Jitter in [iv/2, 3iv/2) keeps injections from phase-locking with I/O. */
		fault_sleep(f, iv ? iv / 2 + (unsigned int)rng_below(&r, iv) : 0);
	}
	return NULL;
}
