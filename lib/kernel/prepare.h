/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Preparing the machine for a run (`pinstress prepare`, `run --prepare`):
 * what the faults and backings need and a fresh Debian install lacks.
 *   - swap on a new zram device when there is none (MADV_PAGEOUT, reclaim)
 *   - THP mode 'never' becomes 'madvise' (other modes are left alone)
 *   - vm.nr_hugepages raised to @hugepages when asked
 *   - hugetlbfs on /dev/hugepages when none is mounted (libhugetlbfs)
 * Every change goes through lib/kernel/tunable.h: it is in the restore
 * journal before it is made and undone by tunable_restore_all(), or by the
 * next start when this process was killed.
 */
#ifndef PINSTRESS_PREPARE_H
#define PINSTRESS_PREPARE_H

#include <stdint.h>
#include <stdio.h>

#define PREPARE_SWAP_MAX	(8ULL << 30)
#define PREPARE_SWAP_PRIO	100

/*
 * Prepare; one line to @out per change ("swap on /dev/zram1 (8G)").
 * @hugepages: 0 leaves the hugetlb pool alone.  0, or -errno with @why.
 */
int prepare_machine(uint64_t hugepages, FILE *out, char *why, size_t len);

#endif
