// SPDX-License-Identifier: GPL-2.0
/* The table of backings and the mapping helpers they share. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "kernel/pagemap.h"

/* The table: one line per backing, naming its const struct backing_ops (backing_<name>). */
#define BACKINGS(X) \
	X(anon) \
	X(file) \
	X(hugetlb) \
	X(hugetlb_1g) \
	X(ksm) \
	X(memfd) \
	X(memfd_hugetlb) \
	X(mthp) \
	X(shmem) \
	X(thp) \
	X(thp_pte)

#define DECLARE(n) extern const struct backing_ops backing_##n;
#define ENTRY(n) &backing_##n,
BACKINGS(DECLARE)

const struct backing_ops *const backing_table[] = {
	BACKINGS(ENTRY)
	NULL,
};

const struct backing_ops *backing_find(const char *name)
{
	for (int i = 0; backing_table[i]; i++)
		if (!strcmp(backing_table[i]->name, name))
			return backing_table[i];
	return NULL;
}

int backing_thp_bytes(const struct region *r, uint64_t *bytes)
{
	return smaps_sum(r->base, r->size, "AnonHugePages", bytes);
}

void *backing_reserve(size_t len, size_t align)
{
	size_t over = len + align;
	uint8_t *p, *base;

	p = mmap(NULL, over, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	base = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (base > p)
		munmap(p, (size_t)(base - p));
	if (base + len < p + over)
		munmap(base + len, (size_t)(p + over - (base + len)));
	return base;
}

/*
 * Reserve aligned space, then map over it: the region is exactly one VMA
 * starting at an @align boundary.  THP needs PMD alignment, and a VMA of
 * our own keeps smaps numbers about this region only.
 */
static int map_over(struct region *r, size_t size, size_t align, int flags, int fd)
{
	uint8_t *base = backing_reserve(size, align);

	if (!base)
		return -ENOMEM;
	if (mmap(base, size, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, 0) == MAP_FAILED) {
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

int backing_map_aligned(struct region *r, size_t size, size_t align)
{
	return map_over(r, size, align, MAP_PRIVATE | MAP_ANONYMOUS, -1);
}

int backing_map_shared(struct region *r, int fd, size_t size, size_t align)
{
	return map_over(r, size, align, MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0), fd);
}

int backing_check_shmem(struct job *j, char *why, size_t len)
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

void backing_unmap_common(struct job *j)
{
	struct region *r = &j->reg;

	if (r->map_addr)
		munmap(r->map_addr, r->map_len);
	r->map_addr = NULL;
	r->base = NULL;
}

static void record(struct job *j, const char *kind, bool end, uint64_t v)
{
	char name[EV_NAME_LEN];

	snprintf(name, sizeof(name), "%s_%s", kind, end ? "end" : "start");
	atomic_store(job_ev(j, name), v);
}

void backing_census_evidence(struct job *j, bool end)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t pmd = 0, v = 0;
	struct census c;

	/* PMD-mapped: smaps knows the mapping level, kpageflags does not. */
	if (!smaps_sum(j->reg.base, j->reg.size, "AnonHugePages", &v))
		pmd += v;
	if (!smaps_sum(j->reg.base, j->reg.size, "ShmemPmdMapped", &v))
		pmd += v;
	if (!smaps_sum(j->reg.base, j->reg.size, "FilePmdMapped", &v))
		pmd += v;
	record(j, "thp_bytes", end, pmd);
	if (census_take(j->reg.base, j->reg.size, &c))
		return;
	record(j, "anon_bytes", end, c.anon * ps);
	record(j, "shmem_bytes", end, c.shmem * ps);
	record(j, "file_bytes", end, c.file * ps);
	record(j, "large_folio_bytes", end, c.thp * ps);
	record(j, "hugetlb_bytes", end, c.hugetlb * ps);
	record(j, "ksm_pages", end, c.ksm);
	record(j, "mlocked_bytes", end, c.mlocked * ps);
	record(j, "folio_orders", end, c.orders);
}
