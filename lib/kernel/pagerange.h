/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Facts about the pages of one address range that faults measure before
 * and after acting: pages in large folios of at least some order, lazily
 * freed pages, the protection of the VMAs, /proc/meminfo lines.  All of
 * it read from the kernel (pagemap, kpageflags, maps, meminfo); /proc/vmstat
 * counters are kernel/vmstat.h's.
 */
#ifndef PINSTRESS_PAGERANGE_H
#define PINSTRESS_PAGERANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct range_pages {
	uint64_t present;
	uint64_t swapped;
	uint64_t large;		/* present pages in folios of order >= min_order */
	uint64_t lazyfree;	/* present anonymous pages no longer swap-backed (MADV_FREE) */
	uint64_t soft_dirty;	/* pagemap soft-dirty bit set */
};

/*
 * Walk [addr, addr+npages pages): @min_order 1 counts every large folio,
 * 9 (with 4 KiB pages) only PMD-sized ones.  A folio is recognised by its
 * head page followed by tails at consecutive PFNs, so only the part that
 * lies inside the range is counted.
 */
int range_pages_take(const void *addr, size_t npages, unsigned int min_order,
		     struct range_pages *rp);

/* A /proc/meminfo line in kB, e.g. "MemAvailable". */
int meminfo_kb(const char *name, uint64_t *kb);

/*
 * true if every page of [addr, addr+len) lies in a VMA whose permissions
 * (/proc/self/maps "rwxp") start with @perms, e.g. "r--".
 */
bool maps_range_has_perms(const void *addr, size_t len, const char *perms);

/* The kernel page size of the VMA holding @addr (hugetlb: its huge page size). */
size_t vma_kernel_page_size(const void *addr);



/*
 * Pick one @align-aligned chunk of @align bytes inside [base, base+size) at
 * random; false if none fits.  @pick is a random number.
 */
static inline bool range_pick_aligned(const void *base, size_t size, size_t align,
				      uint64_t pick, void **chunk)
{
	uintptr_t lo = ((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1);
	uintptr_t hi = ((uintptr_t)base + size) & ~(uintptr_t)(align - 1);

	if (hi <= lo)
		return false;
	*chunk = (void *)(lo + (pick % ((hi - lo) / align)) * align);
	return true;
}

#endif
