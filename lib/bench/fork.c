// SPDX-License-Identifier: GPL-2.0
/*
 * fork latency: the parent's fork() with M MiB mapped, base pages or THP,
 * with and without the memory pinned as io_uring fixed buffers.  Pinned
 * anonymous pages cannot be shared copy-on-write, so fork copies them
 * (mm/memory.c copy_present_page(), and a pinned PMD THP is split first):
 * that cost is what GUP and fork patches change.  The child exits at once.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "run/child.h"
#include "run/options.h"

#define FORKS_PER_REPEAT	5
#define FORK_CHILD_MS		10000

static int fork_ms(double *ms)
{
	double t0 = bench_now();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(0);
	*ms = (bench_now() - t0) * 1e3;
	status = child_wait(pid, FORK_CHILD_MS, NULL);
	return status ? -ECHILD : 0;
}

struct fork_case {
	uint64_t size;
	char sz[16];	/* size as in the metric's name: 64M, 1G */
	enum bench_mem kind;
	bool pinned;
};

/* One repetition: fresh memory (and pins), a warm-up fork, then FORKS_PER_REPEAT timed. */
static int repetition(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
		      char *why, size_t wlen)
{
	const struct fork_case *fc = arg;
	enum bench_mem kind = fc->kind;
	bool pinned = fc->pinned;
	struct bench_region r;
	struct io_uring ring;
	double ms;
	int ret = bench_map(&r, fc->size, kind, why, wlen);

	if (ret)
		return ret;
	if (pinned && (ret = bench_ring_pinned(&ring, 4, &r))) {
		snprintf(why, wlen, "io_uring buffer registration: %s", strerror(-ret));
		bench_unmap(&r);
		return ret;
	}
	if (!m->note[0])
		snprintf(m->note, sizeof(m->note), "%s of %s, %.0f%% in THPs%s, %d forks a repeat, "
			 "fresh memory each", fc->sz, bench_mem_name(kind),
			 100 * bench_thp_share(&r), pinned ? ", pinned as io_uring fixed buffers" : "",
			 FORKS_PER_REPEAT);
	ret = fork_ms(&ms);
	for (int i = 0; !ret && i < FORKS_PER_REPEAT && !warmup && !c->stop(); i++) {
		ret = fork_ms(&ms);
		if (!ret)
			bench_measure(m, ms);
	}
	bench_rep_end(m);
	if (pinned) {
		io_uring_unregister_buffers(&ring);
		io_uring_queue_exit(&ring);
	}
	bench_unmap(&r);
	return ret;
}

static int one(struct bench_ctx *c, uint64_t size, enum bench_mem kind, bool pinned)
{
	struct fork_case fc = { .size = size, .kind = kind, .pinned = pinned };
	char name[BENCH_NAME_LEN];

	cfg_format_size(size, fc.sz, sizeof(fc.sz));
	snprintf(name, sizeof(name), "fork_ms_%s_%s%s", fc.sz, bench_mem_name(kind),
		 pinned ? "_pinned" : "");
	return bench_repeat(c, bench_metric(c, name, "ms", false), repetition, &fc);
}

static int fork_run(struct bench_ctx *c)
{
	static const enum bench_mem kinds[] = { BM_4K, BM_THP };
	int ret = 0;

	for (unsigned int s = 0; s < c->nfork_sizes && !ret; s++)
		for (unsigned int k = 0; k < 2 && !ret; k++)
			for (int pinned = 0; pinned < 2 && !ret && !c->stop(); pinned++)
				ret = one(c, c->fork_sizes[s], kinds[k], pinned);
	return ret;
}

const struct bench_ops bench_fork = {
	.name = "fork",
	.desc = "fork() latency with M MiB mapped: base pages or THP, pinned or not (p50/p90/p99)",
	.run = fork_run,
};
