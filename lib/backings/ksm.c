// SPDX-License-Identifier: GPL-2.0
/*
 * ksm: private anonymous base pages, half of them made identical on
 * purpose (the region's shared pattern) and MADV_MERGEABLE, with ksmd
 * running fast.  check() waits until KSM really merged some of them.
 * Workers then overwrite merged blocks: COW breaks of KSM pages with pins
 * in flight (mm/ksm.c, do_wp_page on a KSM folio, GUP unsharing).  The
 * ksm fault keeps making blocks identical during the run.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/ksm.h"

#define KSM_WAIT_MS 10000
#define KSM_POLL_MS 100

static int ksm_fill(struct job *j)
{
	int ret = job_init_region(j);

	for (size_t b = 0; !ret && b < j->reg.nblocks; b++)
		if (ksm_block_in_even_unit(j, b))
			ksm_write_shared(j, b);
	return ret ? ret : ksm_start(j);
}

static void ksm_measure(struct job *j, bool end)
{
	backing_census_evidence(j, end);
	ev_max(job_ev(j, "ksm_pages_max"),
	       evidence_value(&j->ev, end ? "ksm_pages_end" : "ksm_pages_start"));
}

static int ksm_check(struct job *j, char *why, size_t len)
{
	struct timespec ts = { 0, KSM_POLL_MS * 1000000L };
	uint64_t n = 0;
	int ret;

	for (int waited = 0; waited <= KSM_WAIT_MS; waited += KSM_POLL_MS) {
		ret = ksm_merged_pages(j, &n);
		if (ret || n)
			return ret;
		nanosleep(&ts, NULL);
	}
	snprintf(why, len, "KSM merged no page of the region within %d s (ksmd run=1)",
		 KSM_WAIT_MS / 1000);
	return -ENOTSUP;
}

const struct backing_ops backing_ksm = {
	.name = "ksm",
	.desc = "private anonymous pages made identical on purpose so KSM merges them",
	.caps = MC_PRIVATE | MC_ANON | MC_SWAPPABLE,
	.proof = "ksm_pages_max",
	.probe = ksm_probe,
	/* Base pages: KSM would split THPs anyway; thp + the ksm fault does that. */
	.map = backing_anon_map,
	.unmap = backing_unmap_common,
	.fill = ksm_fill,
	.check = ksm_check,
	.measure = ksm_measure,
};
