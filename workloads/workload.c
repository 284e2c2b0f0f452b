// SPDX-License-Identifier: GPL-2.0
/* The table of workloads, sorted by name, and what they share. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "run/scratch.h"
#include "workload.h"

/* The table: one line per workload, naming its const struct workload_ops (workload_<name>). */
#define WORKLOADS(X) \
	X(cpu) \
	X(gup_ro) \
	X(odirect) \
	X(procmem) \
	X(pvm) \
	X(uring) \
	X(uring_fixed) \
	X(vmsplice)

#define DECLARE(n) extern const struct workload_ops workload_##n;
#define ENTRY(n) &workload_##n,
WORKLOADS(DECLARE)

const struct workload_ops *const workload_table[] = {
	WORKLOADS(ENTRY)
	NULL,
};

const struct workload_ops *workload_find(const char *name)
{
	for (int i = 0; workload_table[i]; i++)
		if (!strcmp(workload_table[i]->name, name))
			return workload_table[i];
	return NULL;
}

size_t workload_slots_per_worker(const struct job_config *cfg)
{
	return 4 * (cfg->iodepth > 16 ? cfg->iodepth : 16);
}

/*
 * The file slot gets the exact stamp the block must hold after the read
 * (this block, its next generation), so a read that lands anywhere else,
 * or not at all, is classified precisely.
 */
int workload_stage_slot(struct worker *w, void *bounce, size_t slot, size_t b,
			struct stamp_id *id)
{
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	ssize_t n;

	oracle_next(&j->oracle, b, SRC_MAKE(SRC_FILE, slot), id);
	stamp_fill(bounce, bs, j->seed, id);
	n = pwrite(j->scratch.fd, bounce, bs, scratch_off(&j->scratch, slot));
	if (n < 0)
		return -errno;
	return (size_t)n == bs ? 0 : -EIO;
}

/* The block did not change, so a good readback releases it without a new seq. */
static void readback_release(struct job *j, size_t b)
{
	if (job_verify_owned(j, b, DET_READBACK))
		oracle_release(&j->oracle, b, false);
}

void workload_pin_readback(struct worker *w, size_t b, size_t slot, void *bounce,
			   ssize_t written, _Atomic uint64_t *ev)
{
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	struct stamp_id want;
	struct vfinding f;
	ssize_t n;

	if (written != (ssize_t)bs)
		goto out_ioerr;
	n = pread(j->scratch.fd, bounce, bs, scratch_off(&j->scratch, slot));
	if (n != (ssize_t)bs)
		goto out_ioerr;
	ev_add(ev, 1);
	oracle_expect(&j->oracle, b, &want);
	if (classify_readback(bounce, bs, j->seed, &want, &f) == VC_OK) {
		readback_release(j, b);
		return;
	}
	/*
	 * Only a region that still holds @want makes the difference the pin's;
	 * a damaged region is an ordinary mismatch, reported as such.
	 */
	if (!job_verify_owned(j, b, DET_READBACK))
		return;
	oracle_mark_bad(&j->oracle, b);
	run_report_divergence(j, b, &want, &f);
	return;
out_ioerr:
	atomic_fetch_add_explicit(&j->st.io_errors, 1, memory_order_relaxed);
	readback_release(j, b);
}
