// SPDX-License-Identifier: GPL-2.0
/*
 * memfd: memfd_create() + ftruncate() + MAP_SHARED: shmem pages reached
 * through a file descriptor (mm/shmem.c, shmem_fault; swap through
 * shmem_writeout).  Fork shares the pages themselves, no COW.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "kernel/kconst.h"

static int memfd_map(struct job *j, size_t size)
{
	int fd = memfd_create("pinstress", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	/* The mapping keeps the file alive: nothing to close later. */
	if (ftruncate(fd, (off_t)size))
		ret = -errno;
	else
		ret = backing_map_shared(&j->reg, fd, size, pmd_size());
	close(fd);
	return ret;
}

const struct backing_ops backing_memfd = {
	.name = "memfd",
	.desc = "memfd_create, MAP_SHARED",
	.caps = MC_SHARED | MC_SWAPPABLE,
	.proof = "shmem_bytes_start",
	.map = memfd_map,
	.unmap = backing_unmap_common,
	.check = backing_check_shmem,
};
