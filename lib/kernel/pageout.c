// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_PAGEOUT with proof: pagemap read right before and right after the
 * call; only pages resident before and swap entries after count.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/kconst.h"
#include "kernel/pagemap.h"
#include "kernel/pageout.h"

int pageout_init(struct pageout_ctx *p)
{
	p->psize = job_page_size();
	p->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	return p->pagemap_fd < 0 ? -errno : 0;
}

void pageout_fini(struct pageout_ctx *p)
{
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	p->pagemap_fd = -1;
}

int swap_look_before(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before)
{
	int ret = pagemap_read(s->pagemap_fd, addr, n, before);

	s->smaps_swap = 0;
	s->smaps_counted = 0;
	if (!ret && s->shared)
		ret = smaps_sum(addr, n * job_page_size(), "Swap", &s->smaps_swap);
	return ret;
}

/* @counted: NULL, or @before, whose entries counted now are cleared. */
static long swap_look(struct swap_look *s, uint8_t *addr, size_t n, const uint64_t *before,
		      uint64_t *after, uint64_t *counted)
{
	size_t ps = job_page_size();
	uint64_t swap = 0;
	long got = 0;
	int ret = pagemap_read(s->pagemap_fd, addr, n, after);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (!pagemap_swapped_out(before[i], after[i]))
			continue;
		if (counted)
			counted[i] = 0;
		got++;
	}
	/* Growth of smaps Swap: a lower bound while workers fault pages back. */
	if (s->shared && !got && !smaps_sum(addr, n * ps, "Swap", &swap) &&
	    swap > s->smaps_swap + s->smaps_counted) {
		got = (long)((swap - s->smaps_swap - s->smaps_counted) / ps);
		if (counted)
			s->smaps_counted += (uint64_t)got * ps;
	}
	return got;
}

long swap_look_after(struct swap_look *s, uint8_t *addr, size_t n, const uint64_t *before,
		     uint64_t *after)
{
	return swap_look(s, addr, n, before, after, NULL);
}

long swap_look_again(struct swap_look *s, uint8_t *addr, size_t n, uint64_t *before,
		     uint64_t *after)
{
	return swap_look(s, addr, n, before, after, before);
}

long pageout_range(struct pageout_ctx *p, uint8_t *addr, size_t n)
{
	struct swap_look s = { .pagemap_fd = p->pagemap_fd, .shared = p->shared };
	int ret = swap_look_before(&s, addr, n, p->before);

	if (ret)
		return ret;
	if (madvise(addr, n * p->psize, MADV_PAGEOUT))
		return errno == EAGAIN || errno == ENOMEM ? -EAGAIN : -errno;
	return swap_look_after(&s, addr, n, p->before, p->after);
}
