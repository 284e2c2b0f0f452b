/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A second look at a block that failed verification, through the page
 * tables instead of the CPU's translation.  It tells a page that really
 * holds the wrong data (lost write, zeros, ...) from a CPU that still
 * reads the old page through a stale TLB entry while the page tables
 * already map the right one.
 */
#ifndef PINSTRESS_SECOND_LOOK_H
#define PINSTRESS_SECOND_LOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/classify.h"

/* How long loads may keep disagreeing before we stop timing them. */
#define SECOND_LOOK_BOUND_US	200000
#define SECOND_LOOK_BOUND_STR	"200 ms"

/* Copy what the page tables map at @addr into @dst: 0 or -errno. */
typedef int (*pt_reader_fn)(void *dst, const void *addr, size_t len);

/* The real reader: /proc/self/mem, whose reads walk the page tables (GUP). */
int pt_view_read(void *dst, const void *addr, size_t len);

/*
 * @f classifies what a CPU load of @blk found against @want.  If @rd shows
 * the page tables mapping @want, @f becomes VC_STALE_TLB (found kept) and
 * f->stale_us says how long loads on this CPU kept disagreeing.  Returns
 * true if @f was reclassified.  Allocates; not for a fork child.
 */
bool second_look(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *want,
		 struct vfinding *f, pt_reader_fn rd);

#endif
