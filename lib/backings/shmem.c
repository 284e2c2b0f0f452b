// SPDX-License-Identifier: GPL-2.0
/*
 * shmem: MAP_SHARED | MAP_ANONYMOUS.  The kernel backs it with an internal
 * shmem file (mm/shmem.c shmem_zero_setup); fork shares the pages.
 */

#include "backings/backing.h"
#include "kernel/kconst.h"

static int shmem_map(struct job *j, size_t size)
{
	return backing_map_shared(&j->reg, -1, size, pmd_size());
}

const struct backing_ops backing_shmem = {
	.name = "shmem",
	.desc = "MAP_SHARED|MAP_ANONYMOUS (shmem)",
	.caps = MC_SHARED | MC_SWAPPABLE,
	.proof = "shmem_bytes_start",
	.map = shmem_map,
	.unmap = backing_unmap_common,
	.check = backing_check_shmem,
};
