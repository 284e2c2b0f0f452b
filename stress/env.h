/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the machine a run happened on, for reports and `list`. */
#ifndef PINSTRESS_ENV_H
#define PINSTRESS_ENV_H

#include <stdint.h>

struct env_info {
	char kernel[128];
	char kernel_version[256];
	int cpus;
	int numa_nodes;
	int memory_tiers;		/* tiers holding nodes; 0: no tiering sysfs */
	uint64_t swap_total_kb;
	char thp_enabled[32];
	int page_size;
	/* What a benchmark's numbers also depend on (pinstress compare warns when they differ). */
	char cpu_model[128];
	uint64_t mem_total_kb;
	char thp_defrag[32];
	char zswap[8];			/* Y, N or "" without zswap */
	char swap_devices[256];		/* /proc/swaps: "name type size_kb; ..." */
};

void env_read(struct env_info *e);

#endif
