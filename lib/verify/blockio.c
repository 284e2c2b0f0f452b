// SPDX-License-Identifier: GPL-2.0
/*
 * The steps every workload shares: claim a block, write it (by CPU or by
 * the kernel), verify it at completion and release it.  Keeping them in one
 * place keeps the ownership rules that make false positives impossible in
 * one place too.
 */
#include <errno.h>
#include <unistd.h>

#include "verify/second_look.h"
#include "run/job.h"

#define CLAIM_TRIES 64

/*
 * Claim an idle block for writing.  Its current content is verified first:
 * damage that appeared while it was idle must never be silently
 * overwritten by the next write before the scrubber gets to it.
 */
bool job_claim_random(struct worker *w, size_t *block)
{
	struct oracle *o = &w->job->oracle;
	size_t span = w->blk_hi - w->blk_lo;

	for (int i = 0; i < CLAIM_TRIES; i++) {
		size_t b = w->blk_lo + rng_below(&w->rng, span);

		if (!oracle_claim(o, b, BLK_BUSY))
			continue;
		if (!job_verify_owned(w->job, b, DET_PREWRITE))
			continue;
		*block = b;
		return true;
	}
	return false;
}

/*
 * Verify a block the caller owns.  On a mismatch the block is reported and
 * marked bad, which also ends the caller's claim: nothing touches it again,
 * so the evidence stays as the kernel left it.
 */
bool job_verify_owned(struct job *j, size_t b, enum detected_by by)
{
	const struct region *r = &j->reg;
	struct stamp_id want;
	struct vfinding f;

	/* Undefined (MADV_FREE): there is nothing to compare until the next write. */
	if (!oracle_defined(&j->oracle, b))
		return true;
	oracle_expect(&j->oracle, b, &want);
	if (stamp_matches(region_block(r, b), r->block_size, j->seed, &want)) {
		atomic_fetch_add_explicit(&j->st.blocks_verified, 1, memory_order_relaxed);
		return true;
	}
	classify_block(region_block(r, b), r->block_size, j->seed, &want, SIDE_PARENT, &f);
	second_look(region_block(r, b), r->block_size, j->seed, &want, &f, pt_view_read);
	oracle_mark_bad(&j->oracle, b);
	run_report_mismatch(j, b, &want, &f, by);
	return false;
}

bool job_finish_write(struct job *j, size_t b, bool kernel)
{
	if (!job_verify_owned(j, b, DET_COMPLETION))
		return false;
	atomic_fetch_add_explicit(&j->st.ops, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(kernel ? &j->st.kernel_ops : &j->st.cpu_ops, 1,
				  memory_order_relaxed);
	evring_block(&j->evr, EVK_DONE, b, 0, 0);
	oracle_release(&j->oracle, b, true);
	return true;
}

int job_cpu_write(struct worker *w, size_t b)
{
	struct job *j = w->job;
	struct stamp_id id;

	oracle_next(&j->oracle, b, SRC_MAKE(SRC_CPU, w->id), &id);
	stamp_fill(region_block(&j->reg, b), j->reg.block_size, j->seed, &id);
	job_finish_write(j, b, false);
	return 0;
}

/*
 * A kernel write failed or came back short: the block's content is whatever
 * part landed.  Give it a new, known content so the expectation holds again.
 */
void job_abort_write(struct worker *w, size_t b)
{
	atomic_fetch_add_explicit(&w->job->st.io_errors, 1, memory_order_relaxed);
	evring_block(&w->job->evr, EVK_ABORT, b, 0, 0);
	job_cpu_write(w, b);
}

int job_init_region(struct job *j)
{
	struct stamp_id id;

	for (size_t b = 0; b < j->reg.nblocks; b++) {
		oracle_next(&j->oracle, b, SRC_MAKE(SRC_INIT, 0), &id);
		stamp_fill(region_block(&j->reg, b), j->reg.block_size, j->seed, &id);
	}
	return 0;
}

void op_thread_start(struct op_watch *w)
{
	atomic_store(&w->tid, (int)gettid());
}

size_t job_page_size(void)
{
	static size_t ps;

	if (!ps)
		ps = (size_t)sysconf(_SC_PAGESIZE);
	return ps;
}

/* Blocks [*b0, *b1) covering pages [first, first+n) of the region. */
static void page_blocks(const struct job *j, size_t first, size_t n, size_t *b0, size_t *b1)
{
	size_t ps = job_page_size(), bs = j->reg.block_size;

	*b0 = first * ps / bs;
	*b1 = ((first + n) * ps + bs - 1) / bs;
	if (*b1 > j->reg.nblocks)
		*b1 = j->reg.nblocks;
}

bool job_claim_pages(struct job *j, size_t first_page, size_t npages, size_t *b0, size_t *b1)
{
	page_blocks(j, first_page, npages, b0, b1);
	for (size_t b = *b0; b < *b1; b++) {
		if (oracle_claim(&j->oracle, b, BLK_BUSY))
			continue;
		for (size_t u = *b0; u < b; u++)
			oracle_release(&j->oracle, u, false);
		return false;
	}
	evring_add(&j->evr, EVK_RANGE, first_page * job_page_size(),
		   (uint32_t)(npages * job_page_size()), 0, 0);
	return true;
}

void job_release_blocks(struct job *j, size_t b0, size_t b1, bool verify)
{
	for (size_t b = b0; b < b1; b++) {
		if (oracle_state(&j->oracle, b) == BLK_BAD)
			continue;	/* reported: stays as the kernel left it */
		if (verify && !job_verify_owned(j, b, DET_FAULT))
			continue;	/* reported and marked bad */
		/*
		 * Bump seq although nothing was written: a fork taken while the
		 * fault held the pages (read-only, moved) must not count them
		 * as stable, or the child would write into a read-only copy.
		 */
		oracle_release(&j->oracle, b, true);
	}
}
