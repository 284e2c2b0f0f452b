// SPDX-License-Identifier: GPL-2.0
/*
 * Why a second look: reclaim unmaps pages with TTU_BATCH_FLUSH and flushes
 * the other CPUs' TLBs only at the end of the batch.  In that window a
 * fault (or GUP for a kernel write) can map a new page at the address, the
 * kernel writes into it, and a CPU that still holds the old translation
 * reads the old page.  A CPU load alone would call that a lost write; the
 * page tables, read through /proc/self/mem, say where the data really is.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "run/clock.h"
#include "verify/second_look.h"

int pt_view_read(void *dst, const void *addr, size_t len)
{
	/* Opened per call: a cached fd would keep naming the mm it was opened in. */
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = pread(fd, dst, len, (off_t)(uintptr_t)addr);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

/* Microseconds until a load of @blk sees @want, or -1 past the bound. */
static long time_to_heal(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *want)
{
	uint64_t t0 = clock_ns(), dt;

	/* Spin, never sleep: a sleep may move us to a CPU without the stale entry. */
	do {
		dt = clock_ns() - t0;
		if (stamp_matches(blk, bs, seed, want))
			return (long)(dt / 1000);
	} while (dt < SECOND_LOOK_BOUND_US * 1000ull);
	return -1;
}

bool second_look(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *want,
		 struct vfinding *f, pt_reader_fn rd)
{
	void *pt = malloc(bs);
	bool stale = false;

	if (!pt)
		return false;
	f->cpu = sched_getcpu();
	if (rd(pt, blk, bs) == 0 && stamp_matches(pt, bs, seed, want)) {
		stale = true;
		f->cls = VC_STALE_TLB;
		f->stale_us = time_to_heal(blk, bs, seed, want);
	}
	free(pt);
	return stale;
}
