/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel constants in one place: the uapi values older C libraries lack,
 * and the sizes read from the running kernel rather than written down (a
 * PMD maps 2 MiB on x86-64 and on arm64 with 4 KiB pages, 512 MiB with
 * 64 KiB pages).
 */
#ifndef PINSTRESS_KCONST_H
#define PINSTRESS_KCONST_H

#include <stddef.h>
#include <sys/mman.h>

#ifndef MADV_COLD
#define MADV_COLD	20	/* 5.4 */
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21	/* 5.4 */
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25	/* 6.1 */
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT	26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB	(30 << MAP_HUGE_SHIFT)
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB	(21U << MAP_HUGE_SHIFT)
#endif

/*
 * The hugetlb pool of 2 MiB pages (hugepages-2048kB, MAP_HUGE_2MB) that the
 * hugetlb and memfd-hugetlb backings ask for by name: an hstate size, not
 * the PMD size (on arm64 with 64 KiB pages it is a contiguous-PTE size).
 */
#define HUGETLB_2M	(2UL << 20)

/*
 * Bytes one PMD entry maps: /sys/kernel/mm/transparent_hugepage/
 * hpage_pmd_size, read once; without THP, a page of page-table entries
 * times the page size.
 */
size_t pmd_size(void);
/* Its folio order: log2(pmd_size() / page size), 9 with 4 KiB pages. */
unsigned int pmd_order(void);

#endif
