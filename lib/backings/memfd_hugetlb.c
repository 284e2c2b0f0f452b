// SPDX-License-Identifier: GPL-2.0
/*
 * memfd-hugetlb: memfd_create(MFD_HUGETLB | MFD_HUGE_2MB), MAP_SHARED.
 * Shared hugetlb pages: fork shares them, nothing is copied, so the pool
 * is raised by exactly the region's pages (reserved at mmap time,
 * mm/hugetlb.c hugetlb_reserve_pages()).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/hugetlb.h"
#include "kernel/kconst.h"


static size_t round_2m(size_t size)
{
	return (size + HUGETLB_2M - 1) & ~(HUGETLB_2M - 1);
}

static const char *memfd_hugetlb_probe(void)
{
	return hugetlb_probe(HUGETLB_2M_KB);
}

static int memfd_hugetlb_reserve(struct job *j, size_t size, char *why, size_t len)
{
	unsigned long n = round_2m(size) / HUGETLB_2M;

	(void)j;

	return hugetlb_reserve(HUGETLB_2M_KB, n, n, why, len);
}

static int memfd_hugetlb_map(struct job *j, size_t size)
{
	int fd = memfd_create("pinstress-hugetlb", MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
	int ret;

	if (fd < 0)
		return -errno;
	size = round_2m(size);
	if (ftruncate(fd, (off_t)size))
		ret = -errno;
	else
		ret = backing_map_shared(&j->reg, fd, size, HUGETLB_2M);
	close(fd);
	return ret;
}

static int memfd_hugetlb_check(struct job *j, char *why, size_t len)
{
	return hugetlb_check_region(j, HUGETLB_2M_KB, why, len);
}

const struct backing_ops backing_memfd_hugetlb = {
	.name = "memfd-hugetlb",
	.desc = "memfd_create(MFD_HUGETLB), MAP_SHARED, 2 MiB pages",
	.caps = MC_SHARED | MC_HUGETLB,
	.proof = "hugetlb_bytes_start",
	.probe = memfd_hugetlb_probe,
	.reserve = memfd_hugetlb_reserve,
	.map = memfd_hugetlb_map,
	.unmap = backing_unmap_common,
	.check = memfd_hugetlb_check,
};
