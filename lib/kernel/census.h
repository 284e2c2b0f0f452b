/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A census of the pages behind an address range, from /proc/self/pagemap
 * and /proc/kpageflags: how many are present, swapped, anonymous, shmem,
 * page cache, in large folios (and of which orders), hugetlb, KSM, mlocked.
 * Backings prove what they got with it and faults what they changed.
 */
#ifndef PINSTRESS_CENSUS_H
#define PINSTRESS_CENSUS_H

#include <stddef.h>
#include <stdint.h>

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_DIRTY		4
#define KPF_LRU			5
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPCACHE		13
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_NOPAGE		20
#define KPF_KSM			21
#define KPF_THP			22
#define KPF_ZERO_PAGE		24
#define KPF_MLOCKED		33

struct census {
	uint64_t pages;		/* pages in the range */
	uint64_t present;
	uint64_t swapped;	/* swap entries (swapped out, not present) */
	uint64_t anon;
	uint64_t shmem;		/* swap-backed but not anon: shmem, memfd */
	uint64_t file;		/* page cache of a regular file */
	uint64_t thp;		/* present pages in THP/mTHP folios (KPF_THP) */
	uint64_t hugetlb;	/* present pages in hugetlb folios */
	uint64_t ksm;
	uint64_t mlocked;
	uint64_t dirty;
	uint64_t zero;		/* the shared zero page */
	uint64_t soft_dirty;	/* pagemap soft-dirty bit set */
	uint64_t lazyfree;	/* present anon pages no longer swap-backed (MADV_FREE) */
	uint32_t orders;	/* bit k: a large folio of order k is mapped here */
	/*
	 * large[k]: pages seen in runs of n >= 2 pages of one folio (head,
	 * then tails at consecutive PFNs) with floor(log2(n)) = k.  Only the
	 * part of a folio inside the range counts.
	 */
	uint64_t large[32];
};

/* Take a census of [addr, addr+len); len a multiple of the page size. */
int census_take(const void *addr, size_t len, struct census *c);

/* Pages in runs of at least 2^@min_order pages of one folio (@min_order >= 1). */
uint64_t census_large_pages(const struct census *c, unsigned int min_order);

/* "16K,64K,2048K": the folio sizes in an order mask. */
void census_orders_str(uint32_t orders, char *buf, size_t len);

/* PFNs of the pages of [addr, addr+n pages), 0 where not present. */
int census_pfns(const void *addr, size_t n, uint64_t *pfn);

#endif
