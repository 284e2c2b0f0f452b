// SPDX-License-Identifier: GPL-2.0
/*
 * The verify cost alone: checking every stamp of a buffer (XXH3 over each
 * block) against memcpy of the same buffer, in GB/s, and their ratio.  The
 * verifier must run near memory bandwidth or it, not the kernel, is what
 * a run measures.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "verify/stamp.h"

#define VERIFY_BYTES	(256u << 20)
#define CPU_SRC		SRC_MAKE(SRC_CPU, 0)

static int verify_run(struct bench_ctx *c)
{
	struct bench_metric *mc, *mv, *mr;
	struct bench_region a, b;
	size_t bad = 0;
	char why[160];

	if (bench_map(&a, VERIFY_BYTES, BM_4K, why, sizeof(why)) ||
	    bench_map(&b, VERIFY_BYTES, BM_4K, why, sizeof(why))) {
		bench_unmap(&a);
		bench_unavailable(c, "verify_gbps", "GB/s", true, "%s", why);
		return 0;
	}
	bench_stamp(&a, CPU_SRC);
	mc = bench_metric(c, "memcpy_gbps", "GB/s", true);
	mv = bench_metric(c, "verify_gbps", "GB/s", true);
	mr = bench_metric(c, "verify_vs_memcpy", "ratio", true);
	snprintf(mv->note, sizeof(mv->note), "%u MiB of 4 KiB stamped blocks", VERIFY_BYTES >> 20);
	/* CPU and memory only: what moves them between A and B is the machine. */
	mc->control = mv->control = mr->control = true;
	for (unsigned int r = 0; r <= c->repeat && !c->stop(); r++) {
		double t0 = bench_now(), t1, t2;

		memcpy(b.p, a.p, VERIFY_BYTES);
		t1 = bench_now();
		bad += bench_stamp_bad(&a, CPU_SRC);
		t2 = bench_now();
		if (!r)
			continue;
		bench_sample(mc, VERIFY_BYTES / (t1 - t0) / 1e9);
		bench_sample(mv, VERIFY_BYTES / (t2 - t1) / 1e9);
		bench_sample(mr, (t1 - t0) / (t2 - t1));
	}
	bench_unmap(&a);
	bench_unmap(&b);
	return bad ? -EIO : 0;
}

const struct bench_ops bench_verify = {
	.name = "verify",
	.desc = "stamp verification (XXH3) against memcpy on the same buffer: GB/s and the ratio",
	.run = verify_run,
};
