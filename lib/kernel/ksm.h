/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ksm backing and the ksm fault share: ksmd running and scanning
 * fast (saved and restored), the shared pattern written into blocks (so
 * whole pages become identical) and the count of merged pages.
 */
#ifndef PINSTRESS_KSM_H
#define PINSTRESS_KSM_H

#include <stdbool.h>
#include <stdint.h>

#include "run/job.h"

/* NULL if the kernel has KSM, else why not. */
const char *ksm_probe(void);

/* MADV_MERGEABLE on the region and ksmd on (run=1, fast scan). */
int ksm_start(struct job *j);

/*
 * Blocks are shared in units of max(block, page), so a unit's pages are
 * whole pages of shared pattern: true for units of even index.
 */
bool ksm_block_in_even_unit(const struct job *j, size_t b);

/* The owner of block @b writes the region's shared pattern into it. */
void ksm_write_shared(struct job *j, size_t b);

/* Pages of the region that are KSM pages now (kpageflags). */
int ksm_merged_pages(struct job *j, uint64_t *n);

#endif
