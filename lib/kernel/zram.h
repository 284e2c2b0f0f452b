/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A swap device of our own on a new zram disk, for benchmarks that must
 * compare like with like whatever swap the machine has: made at the
 * highest priority, so pageout goes there, and removed again by
 * tunable_restore_all() on every way out.
 */
#ifndef PINSTRESS_ZRAM_H
#define PINSTRESS_ZRAM_H

#include <stdint.h>

#define ZRAM_PRIO_MAX	32767

/* A zram swap of @bytes at priority @prio; its number in *dev.  0 or -errno (-ENOENT: no zram). */
int zram_swap_add(uint64_t bytes, int prio, int *dev);

#endif
