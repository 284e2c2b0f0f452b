// SPDX-License-Identifier: GPL-2.0
/* pagemap + kpageflags walks over a range, /proc/self/maps, /proc/meminfo. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/census.h"
#include "run/job.h"
#include "kernel/pagemap.h"
#include "kernel/pagerange.h"

int range_pages_take(const void *addr, size_t npages, unsigned int min_order,
		     struct range_pages *rp)
{
	struct census c;
	int ret = census_take(addr, npages * job_page_size(), &c);

	memset(rp, 0, sizeof(*rp));
	if (ret)
		return ret;
	rp->present = c.present;
	rp->swapped = c.swapped;
	rp->large = census_large_pages(&c, min_order);
	rp->lazyfree = c.lazyfree;
	rp->soft_dirty = c.soft_dirty;
	return 0;
}

/* The number after "@name@sep" in a /proc file of one counter a line. */
static int proc_counter(const char *path, const char *name, char sep, uint64_t *v)
{
	size_t len = strlen(name);
	char line[128];
	int ret = -ENOENT;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != sep)
			continue;
		ret = sscanf(line + len + 1, "%" SCNu64, v) == 1 ? 0 : -EINVAL;
		break;
	}
	fclose(f);
	return ret;
}

int meminfo_kb(const char *name, uint64_t *kb)
{
	return proc_counter("/proc/meminfo", name, ':', kb);
}

bool maps_range_has_perms(const void *addr, size_t len, const char *perms)
{
	uintptr_t want = (uintptr_t)addr, end = want + len, lo, hi;
	size_t plen = strlen(perms);
	char line[512], p[8];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	/* VMAs are listed in address order: walk forward while they are contiguous. */
	while (want < end && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, p) != 3)
			continue;
		if (hi <= want)
			continue;
		if (lo > want || strncmp(p, perms, plen))
			break;
		want = hi;
	}
	fclose(f);
	return want >= end;
}

size_t vma_kernel_page_size(const void *addr)
{
	uint64_t bytes = 0;

	/* One byte of the range: smaps_sum() sees exactly the VMA holding it. */
	if (smaps_sum(addr, 1, "KernelPageSize", &bytes) || !bytes)
		return (size_t)sysconf(_SC_PAGESIZE);
	return (size_t)bytes;
}
