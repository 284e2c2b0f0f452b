// SPDX-License-Identifier: GPL-2.0
/*
 * cpu: plain CPU stores only, no kernel writes and no scratch file.  The
 * control for the faults: COW after fork, swap-out and swap-in, migration,
 * KSM merge and unmerge all act on these pages without any pin, so a
 * mismatch here is a fault's (or the kernel's) own doing, not a pin's.
 */
#include "workload.h"

#define CPU_BATCH	64

static int cpu_init(struct worker *w)
{
	(void)w;
	return 0;
}

static int cpu_iter(struct worker *w)
{
	size_t b;

	for (int i = 0; i < CPU_BATCH; i++)
		if (job_claim_random(w, &b))
			job_cpu_write(w, b);
	return 0;
}

static void cpu_exit(struct worker *w)
{
	(void)w;
}

const struct workload_ops workload_cpu = {
	.name = "cpu",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "cpu_ops",
	.flags = 0,
	.desc = "plain CPU stores only: the control for COW, migration and KSM without pins",
	.worker_init = cpu_init,
	.run_iter = cpu_iter,
	.worker_exit = cpu_exit,
};
