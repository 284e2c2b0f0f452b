/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel says about our pages: /proc/self/pagemap (present,
 * swapped, PFN), /proc/self/smaps (per-VMA sizes such as AnonHugePages) and
 * /proc/kpageflags.  Evidence that a fault really happened comes from here,
 * never from the fact that a syscall returned 0.
 */
#ifndef PINSTRESS_PAGEMAP_H
#define PINSTRESS_PAGEMAP_H

#include <stddef.h>
#include <stdint.h>

#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_EXCLUSIVE	(1ULL << 56)
#define PM_UFFD_WP	(1ULL << 57)
#define PM_FILE		(1ULL << 61)
#define PM_SWAP		(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)

/* Read @n entries for pages starting at @addr through an open pagemap fd. */
int pagemap_read(int fd, const void *addr, size_t n, uint64_t *out);

/*
 * Sum a smaps field (in bytes) over every VMA that intersects
 * [addr, addr+len).  -ENOENT if no VMA does.
 */
int smaps_sum(const void *addr, size_t len, const char *field, uint64_t *bytes);

/* Flags of one PFN from /proc/kpageflags (root only). */
int kpageflags_read(uint64_t pfn, uint64_t *flags);

/* kpageflags of the page mapped at @addr: -ENOENT if none is present. */
int page_kpageflags(const void *addr, uint64_t *flags);

#endif
