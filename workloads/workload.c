// SPDX-License-Identifier: GPL-2.0
/* The table of workloads, sorted by name, and what they share. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "scratch.h"
#include "workload.h"

extern const struct workload_ops workload_cpu;
extern const struct workload_ops workload_odirect;
extern const struct workload_ops workload_procmem;
extern const struct workload_ops workload_pvm;
extern const struct workload_ops workload_uring;
extern const struct workload_ops workload_uring_fixed;
extern const struct workload_ops workload_vmsplice;

const struct workload_ops *const workload_table[] = {
	&workload_cpu,
	&workload_odirect,
	&workload_procmem,
	&workload_pvm,
	&workload_uring,
	&workload_uring_fixed,
	&workload_vmsplice,
	NULL,
};

const struct workload_ops *workload_find(const char *name)
{
	for (int i = 0; workload_table[i]; i++)
		if (!strcmp(workload_table[i]->name, name))
			return workload_table[i];
	return NULL;
}

size_t workload_slots_per_worker(const struct job_config *cfg)
{
	return 4 * (cfg->iodepth > 16 ? cfg->iodepth : 16);
}

/*
 * The file slot gets the exact stamp the block must hold after the read
 * (this block, its next generation), so a read that lands anywhere else,
 * or not at all, is classified precisely.
 */
int workload_stage_slot(struct worker *w, void *bounce, size_t slot, size_t b,
			struct stamp_id *id)
{
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	ssize_t n;

	oracle_next(&j->oracle, b, SRC_MAKE(SRC_FILE, slot), id);
	stamp_fill(bounce, bs, j->seed, id);
	n = pwrite(j->scratch.fd, bounce, bs, scratch_off(&j->scratch, slot));
	if (n < 0)
		return -errno;
	return (size_t)n == bs ? 0 : -EIO;
}
