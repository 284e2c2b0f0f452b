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

#include "backing.h"
#include "census.h"

#define ALIGN_2M (2UL << 20)

int backing_map_shared(struct region *r, int fd, size_t size, size_t align)
{
	int flags = MAP_SHARED | MAP_FIXED | (fd < 0 ? MAP_ANONYMOUS : 0);
	uint8_t *base = backing_reserve(size, align);

	if (!base)
		return -ENOMEM;
	if (mmap(base, size, PROT_READ | PROT_WRITE, flags, fd, 0) == MAP_FAILED) {
		int err = -errno;

		munmap(base, size);
		return err;
	}
	r->base = base;
	r->size = size;
	r->map_addr = base;
	r->map_len = size;
	return 0;
}

static int memfd_map(struct job *j, size_t size)
{
	int fd = memfd_create("pinstress", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	/* The mapping keeps the file alive: nothing to close later. */
	if (ftruncate(fd, (off_t)size))
		ret = -errno;
	else
		ret = backing_map_shared(&j->reg, fd, size, ALIGN_2M);
	close(fd);
	return ret;
}

/* Every page present is shmem per kpageflags (swap-backed, not anon). */
static int memfd_check(struct job *j, char *why, size_t len)
{
	struct census c;
	int ret = census_take(j->reg.base, j->reg.size, &c);

	if (ret)
		return ret;
	if (!c.shmem || c.shmem != c.present) {
		snprintf(why, len, "%llu of %llu present pages are shmem per kpageflags",
			 (unsigned long long)c.shmem, (unsigned long long)c.present);
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_memfd = {
	.name = "memfd",
	.desc = "memfd_create, MAP_SHARED",
	.caps = MC_SHARED | MC_SWAPPABLE,
	.proof = "shmem_bytes_start",
	.map = memfd_map,
	.unmap = backing_unmap_common,
	.check = memfd_check,
};
