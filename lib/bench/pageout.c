// SPDX-License-Identifier: GPL-2.0
/*
 * Pageout and refault: MADV_PAGEOUT of a whole region to a zram swap of
 * pinstress's own (so that A and B swap to the same thing whatever the
 * machine has), then a read of every page swaps it back in; MiB/s of the
 * round trip, base pages and THP.  Swap-out, swap-in and (m)THP swap
 * patches move this.  A sample counts only if the pages really left:
 * pagemap must show at least 90 % of them swapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/bench.h"
#include "kernel/kconst.h"
#include "kernel/pagemap.h"
#include "kernel/zram.h"

/* Share of the region's pages that are swapped out now. */
static double swapped_share(const struct bench_region *r)
{
	size_t n = r->len / 4096, got = 0;
	uint64_t pm[512];
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (size_t i = 0; i < n; i += 512) {
		size_t k = n - i < 512 ? n - i : 512;

		if (pagemap_read(fd, r->p + i * 4096, k, pm))
			break;
		for (size_t j = 0; j < k; j++)
			got += !!(pm[j] & PM_SWAP);
	}
	close(fd);
	return (double)got / (double)n;
}

static void refault(const struct bench_region *r)
{
	volatile uint8_t sink = 0;

	for (size_t off = 0; off < r->len; off += 4096)
		sink ^= r->p[off];
	(void)sink;
}

/* One repetition on fresh memory: MiB/s of pageout + refault, or -EAGAIN if it did not swap. */
static int repetition(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
		      char *why, size_t wlen)
{
	enum bench_mem kind = *(const enum bench_mem *)arg;
	struct bench_region r;
	double t0, t1, t2, share;
	int ret = bench_map(&r, c->region, kind, why, wlen);

	if (ret)
		return ret;
	if (!m->note[0])
		snprintf(m->note, sizeof(m->note), "%llu MiB of %s (%.0f%% in THPs) to zram and back, "
			 "fresh memory each", (unsigned long long)(c->region >> 20),
			 bench_mem_name(kind), 100 * bench_thp_share(&r));
	t0 = bench_now();
	if (madvise(r.p, r.len, MADV_PAGEOUT)) {
		ret = -errno;
		snprintf(why, wlen, "MADV_PAGEOUT: %s", strerror(errno));
	} else {
		/* The pagemap look between the two halves is not part of the rate. */
		t1 = bench_now();
		share = swapped_share(&r);
		t2 = bench_now();
		refault(&r);
		if (share < 0.9) {
			snprintf(why, wlen, "pages did not go to swap (%.0f%%)", 100 * share);
			ret = -EAGAIN;
		}
		else if (!warmup)
			bench_sample(m, (double)(r.len >> 20) / (t1 - t0 + bench_now() - t2));
	}
	bench_unmap(&r);
	return ret;
}

static void one(struct bench_ctx *c, enum bench_mem kind)
{
	char name[BENCH_NAME_LEN];

	snprintf(name, sizeof(name), "pageout_refault_%s", bench_mem_name(kind));
	bench_repeat(c, bench_metric(c, name, "MiB/s", true), repetition, &kind);
}

static int pageout_run(struct bench_ctx *c)
{
	int dev, ret = zram_swap_add(2 * c->region + (16 << 20), ZRAM_PRIO_MAX, &dev);

	if (ret) {
		bench_unavailable(c, "pageout_refault_4k", "MiB/s", true, "zram swap: %s",
				  strerror(-ret));
		bench_unavailable(c, "pageout_refault_thp", "MiB/s", true, "zram swap: %s",
				  strerror(-ret));
		return 0;
	}
	one(c, BM_4K);
	one(c, BM_THP);
	return 0;
}

const struct bench_ops bench_pageout = {
	.name = "pageout",
	.desc = "MADV_PAGEOUT to zram + refault of every page (MiB/s), base pages vs THP",
	.run = pageout_run,
};
