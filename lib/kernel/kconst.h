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
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/userfaultfd.h>

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
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000	/* 4.17 */
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4	/* 5.7 */
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT	1	/* 4.4 */
#endif

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1	/* 5.11 */
#endif
#ifndef UFFD_FEATURE_MOVE
#define UFFD_FEATURE_MOVE	(1ULL << 16)	/* 6.8 */
struct uffdio_move {
	uint64_t dst;
	uint64_t src;
	uint64_t len;
#define UFFDIO_MOVE_MODE_DONTWAKE		((uint64_t)1 << 0)
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES	((uint64_t)1 << 1)
	uint64_t mode;
	int64_t move;
};
#define UFFDIO_MOVE	_IOWR(UFFDIO, 0x05, struct uffdio_move)
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
