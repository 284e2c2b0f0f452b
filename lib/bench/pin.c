// SPDX-License-Identifier: GPL-2.0
/*
 * Pin rate: io_uring buffer registration and unregistration of a region
 * (FOLL_LONGTERM pin_user_pages() and unpin), as base pages per second,
 * for 4 KiB pages, PMD THPs and 2 MiB hugetlb pages: folio-aware GUP makes
 * the large ones far cheaper per page, and patches to GUP move these.
 */
#include <liburing.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"

#define PINS_PER_REPEAT	3

/* One repetition on fresh memory: PINS_PER_REPEAT registrations, after a warm-up one. */
static int repetition(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
		      char *why, size_t wlen)
{
	enum bench_mem kind = *(const enum bench_mem *)arg;
	double pages = (double)c->region / 4096;
	struct bench_region r;
	struct io_uring ring;
	int ret = bench_map(&r, c->region, kind, why, wlen);

	if (ret)
		return ret;
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret) {
		snprintf(why, wlen, "io_uring: %s", strerror(-ret));
		bench_unmap(&r);
		return ret;
	}
	if (!m->note[0])
		snprintf(m->note, sizeof(m->note), "%llu MiB of %s (%.0f%% in THPs), registered and "
			 "unregistered; pins counted in 4 KiB pages",
			 (unsigned long long)(c->region >> 20), bench_mem_name(kind),
			 100 * bench_thp_share(&r));
	for (int i = 0; i <= (warmup ? 0 : PINS_PER_REPEAT) && !c->stop(); i++) {
		double t0 = bench_now();

		ret = bench_register(&ring, &r);
		if (ret) {
			snprintf(why, wlen, "registration: %s", strerror(-ret));
			break;
		}
		io_uring_unregister_buffers(&ring);
		if (i)	/* the first is the warm-up */
			bench_measure(m, pages / (bench_now() - t0));
	}
	bench_rep_end(m);
	io_uring_queue_exit(&ring);
	bench_unmap(&r);
	return ret;
}

static void one(struct bench_ctx *c, enum bench_mem kind)
{
	char name[BENCH_NAME_LEN];

	snprintf(name, sizeof(name), "pin_unpin_%s", bench_mem_name(kind));
	bench_repeat(c, bench_metric(c, name, "pins/s", true), repetition, &kind);
}

static int pin_run(struct bench_ctx *c)
{
	for (enum bench_mem k = BM_4K; k <= BM_HUGETLB && !c->stop(); k++)
		one(c, k);
	return 0;
}

const struct bench_ops bench_pin = {
	.name = "pin",
	.desc = "io_uring buffer registration + unregistration rate: 4 KiB vs THP vs hugetlb",
	.run = pin_run,
};
