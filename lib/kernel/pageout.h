/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MADV_PAGEOUT with proof, shared by the faults that push pages to swap
 * (pageout, zswap, swapin-race): /proc/self/pagemap is read right before
 * and right after the call, and only pages that were resident before and
 * are swap entries after count as swapped out.
 */
#ifndef PINSTRESS_PAGEOUT_H
#define PINSTRESS_PAGEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/job.h"
#include "kernel/pagemap.h"

#define PAGEOUT_MAX_PAGES 512

struct pageout_ctx {
	int pagemap_fd;
	size_t psize;
	uint64_t before[PAGEOUT_MAX_PAGES];
	uint64_t after[PAGEOUT_MAX_PAGES];
	/*
	 * Shared memory (shmem, memfd): pagemap shows no swap entry for it,
	 * so the proof is the VMA's smaps Swap growing across the call.
	 */
	bool shared;
};

int pageout_init(struct pageout_ctx *p);
void pageout_fini(struct pageout_ctx *p);

/*
 * MADV_PAGEOUT pages [addr, addr + n pages), n <= PAGEOUT_MAX_PAGES.
 * Returns how many went from resident to swapped (before[] and after[]
 * hold the pagemap entries), -EAGAIN if the kernel refused for now
 * (EAGAIN, ENOMEM: nothing was done), or another -errno.
 */
long pageout_range(struct pageout_ctx *p, uint8_t *addr, size_t n);

/*
 * The proof alone, for a caller that swaps out some other way (memcg
 * reclaim): look before, act, then count the pages of [addr, n pages)
 * that went from resident to swapped.  @shared: shmem/memfd, whose swap
 * shows in smaps, not in pagemap.  @before/@after hold n entries.
 *
 * swap_look_again() is for an act done in steps, with a look after each:
 * it counts each page once (it clears the page's entry in @before), so a
 * page swapped out by an early step and faulted back before the last one
 * still counts.
 */
struct swap_look {
	int pagemap_fd;
	bool shared;
	uint64_t smaps_swap;	/* smaps Swap at the look before */
	uint64_t smaps_counted;	/* growth of it counted so far */
};
int swap_look_before(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before);
long swap_look_after(struct swap_look *s, uint8_t *addr, size_t n, const uint64_t *before,
		     uint64_t *after);
long swap_look_again(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before,
		     uint64_t *after);

/* An entry that was present in @before and is a swap entry in @after. */
static inline bool pagemap_swapped_out(uint64_t before, uint64_t after)
{
	return (before & PM_PRESENT) && (after & PM_SWAP) && !(after & PM_PRESENT);
}

#endif
