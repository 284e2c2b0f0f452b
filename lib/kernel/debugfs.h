/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs, for the THP test interface split_huge_pages.  Mounted at
 * /sys/kernel/debug only when it is not mounted already, and then
 * unmounted again by tunable_restore_all(): the machine is left as found.
 */
#ifndef PINSTRESS_DEBUGFS_H
#define PINSTRESS_DEBUGFS_H

#include <stdbool.h>
#include <stddef.h>

#define DEBUGFS_DIR		"/sys/kernel/debug"
#define DEBUGFS_SPLIT_THP	DEBUGFS_DIR "/split_huge_pages"

/* NULL if debugfs can be mounted here, else why not. */
const char *debugfs_probe(void);

/* Make sure debugfs is mounted (mount it if needed); 0 or -errno. */
int debugfs_ensure(void);

/*
 * 0 if split_huge_pages can be written: debugfs mounted (by us if needed)
 * and not locked down.  Under kernel lockdown (integrity or
 * confidentiality) opening it for writing fails with EPERM: then what we
 * mounted is unmounted at once and the answer kept for the process.
 */
int debugfs_split_ready(void);

/*
 * Ask the kernel to split the large folios mapped in [addr, addr+len) of
 * this process to @new_order (0: base pages) through split_huge_pages.
 * Pinned folios are left alone by the kernel: that is not an error.
 */
int debugfs_split_thp(const void *addr, size_t len, unsigned int new_order);

/*
 * Split the large folios of [addr, addr+len): through split_huge_pages
 * when @debugfs (to @new_order), else with MADV_COLD on the first page,
 * which splits a PMD-mapped THP that the range only partly covers
 * (madvise_cold_or_pageout_pte_range) to base pages.
 */
int thp_split_range(void *addr, size_t len, unsigned int new_order, bool debugfs);

#endif
