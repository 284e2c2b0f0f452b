// SPDX-License-Identifier: GPL-2.0
/* pagemap + kpageflags walks over a range, /proc/self/maps and /proc/vmstat. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "census.h"
#include "pagemap.h"
#include "pagerange.h"

#define CHUNK 512
#define F(bit) (1ULL << (bit))

struct fwalk {
	uint64_t head_pfn, run;	/* the folio being followed and its pages seen */
	unsigned int min_order;
};

static void end_folio(struct fwalk *w, struct range_pages *rp)
{
	/* A run of n mapped pages proves a folio of at least n pages. */
	if (w->run > 1 && w->run >= (1ULL << w->min_order))
		rp->large += w->run;
	w->run = 0;
}

static void walk_one(struct fwalk *w, struct range_pages *rp, uint64_t pm, int kfd)
{
	uint64_t pfn = pm & PM_PFN_MASK, kf = 0;

	rp->soft_dirty += !!(pm & PM_SOFT_DIRTY);
	rp->swapped += (pm & PM_SWAP) && !(pm & PM_PRESENT);
	if (!(pm & PM_PRESENT) || pread(kfd, &kf, sizeof(kf), (off_t)(pfn * 8)) != sizeof(kf)) {
		end_folio(w, rp);
		return;
	}
	rp->present++;
	rp->lazyfree += (kf & F(KPF_ANON)) && !(kf & F(KPF_SWAPBACKED)) && !(kf & F(KPF_KSM));
	if (kf & F(KPF_COMPOUND_HEAD)) {
		end_folio(w, rp);
		w->head_pfn = pfn;
		w->run = 1;
	} else if ((kf & F(KPF_COMPOUND_TAIL)) && w->run && pfn == w->head_pfn + w->run) {
		w->run++;
	} else {
		end_folio(w, rp);
	}
}

int range_pages_take(const void *addr, size_t npages, unsigned int min_order,
		     struct range_pages *rp)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct fwalk w = { .min_order = min_order };
	uint64_t pm[CHUNK];
	int pfd, kfd, ret = 0;

	memset(rp, 0, sizeof(*rp));
	pfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	kfd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (pfd < 0 || kfd < 0) {
		ret = -errno;
		goto out;
	}
	for (size_t i = 0; i < npages && !ret; i += CHUNK) {
		size_t k = npages - i < CHUNK ? npages - i : CHUNK;

		ret = pagemap_read(pfd, (const uint8_t *)addr + i * ps, k, pm);
		for (size_t p = 0; p < k && !ret; p++)
			walk_one(&w, rp, pm[p], kfd);
	}
	end_folio(&w, rp);
out:
	if (pfd >= 0)
		close(pfd);
	if (kfd >= 0)
		close(kfd);
	return ret;
}

int vmstat_read(const char *name, uint64_t *v)
{
	size_t len = strlen(name);
	char line[128];
	int ret = -ENOENT;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != ' ')
			continue;
		ret = sscanf(line + len + 1, "%" SCNu64, v) == 1 ? 0 : -EINVAL;
		break;
	}
	fclose(f);
	return ret;
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
