/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's NUMA balancing (kernel.numa_balancing) with a fast scanner,
 * for the faults that let the kernel move pages by itself: mode 1 moves a
 * page to the node of the CPU that touched it, mode 2 (memory tiering)
 * promotes hot pages of a lower tier.  Everything written is saved first
 * and put back by tunable_restore_all().
 */
#ifndef PINSTRESS_NUMAB_H
#define PINSTRESS_NUMAB_H

#define NUMAB_NORMAL	1	/* NUMA_BALANCING_NORMAL */
#define NUMAB_TIERING	2	/* NUMA_BALANCING_MEMORY_TIERING */

/* NULL if NUMA balancing can be switched on here, else why not. */
const char *numab_probe(void);

/*
 * Add @mode to the modes on (two jobs of a round may want different ones)
 * and make the scanner start at once and rescan every 10..100 ms.
 */
int numab_enable(unsigned int mode);

#endif
