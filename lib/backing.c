// SPDX-License-Identifier: GPL-2.0
/* The table of backings and the mapping helpers they share. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "backing.h"
#include "pagemap.h"

extern const struct backing_ops backing_anon;
extern const struct backing_ops backing_thp;

const struct backing_ops *const backing_table[] = {
	&backing_anon,
	&backing_thp,
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

/*
 * Over-map and trim so the region is exactly one VMA starting at an
 * @align boundary: THP needs PMD alignment, and a VMA of our own keeps
 * smaps numbers about this region only.
 */
int backing_map_aligned(struct region *r, size_t size, size_t align)
{
	size_t len = size + align;
	uint8_t *p, *base;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	base = (uint8_t *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
	if (base > p)
		munmap(p, (size_t)(base - p));
	if (base + size < p + len)
		munmap(base + size, (size_t)(p + len - (base + size)));
	r->base = base;
	r->size = size;
	r->map_addr = base;
	r->map_len = size;
	return 0;
}

void backing_unmap_common(struct region *r)
{
	if (r->map_addr)
		munmap(r->map_addr, r->map_len);
	r->map_addr = NULL;
	r->base = NULL;
}
