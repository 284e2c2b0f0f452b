// SPDX-License-Identifier: GPL-2.0
/*
 * odirect: pread()/preadv() with O_DIRECT from the scratch file into random
 * blocks.  Each read pins the destination pages for its duration
 * (FOLL_PIN via iov_iter_extract_pages) and the block must hold the slot's
 * stamp when the syscall returns.  A share of writes are plain stores, so
 * the process's own write faults (COW after fork, unshare after swap-in)
 * hit the same pages.
 *
 * One claimed block in WL_READBACK_EVERY goes the other way: an O_DIRECT
 * pwrite from the region (a read-only pin) to a scratch slot, read back into
 * a private buffer, must equal what the region holds (pin-divergence if not).
 * Target: fs/iomap/direct-io.c, mm/gup.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "run/scratch.h"
#include "workload.h"

struct odirect_priv {
	void *bounce;
	_Atomic uint64_t *ev_readbacks;
};

static int odirect_init(struct worker *w)
{
	struct odirect_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	if (posix_memalign(&p->bounce, 4096, w->job->reg.block_size)) {
		free(p);
		return -ENOMEM;
	}
	p->ev_readbacks = job_ev(w->job, "pin_readbacks");
	w->priv = p;
	return 0;
}

/* One read in four is split in two iovecs at a random sector boundary. */
static ssize_t read_block(struct worker *w, uint8_t *dst, size_t bs, off_t off)
{
	int fd = w->job->scratch.fd;
	size_t cut;
	struct iovec iov[2];

	if (bs < 1024 || rng_below(&w->rng, 4))
		return pread(fd, dst, bs, off);
	cut = 512 * (1 + rng_below(&w->rng, bs / 512 - 1));
	iov[0] = (struct iovec){ dst, cut };
	iov[1] = (struct iovec){ dst + cut, bs - cut };
	return preadv(fd, iov, 2, off);
}

static size_t pick_slot(struct worker *w)
{
	return w->slot_lo + rng_below(&w->rng, w->slot_hi - w->slot_lo);
}

static int kernel_write(struct worker *w, size_t b)
{
	struct odirect_priv *p = w->priv;
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	size_t slot = pick_slot(w);
	struct stamp_id id;
	ssize_t n;

	if (workload_stage_slot(w, p->bounce, slot, b, &id)) {
		job_abort_write(w, b);
		return 0;
	}
	n = read_block(w, region_block(&j->reg, b), bs, scratch_off(&j->scratch, slot));
	if (n != (ssize_t)bs) {
		job_abort_write(w, b);
		return 0;
	}
	job_finish_write(j, b, true);
	return 0;
}

/* Write @b out through a short-term read pin of the region and check the copy. */
static void readback(struct worker *w, size_t b)
{
	struct odirect_priv *p = w->priv;
	struct job *j = w->job;
	size_t bs = j->reg.block_size, slot = pick_slot(w);
	ssize_t n;

	n = pwrite(j->scratch.fd, region_block(&j->reg, b), bs, scratch_off(&j->scratch, slot));
	workload_pin_readback(w, b, slot, p->bounce, n, p->ev_readbacks);
}

static int odirect_iter(struct worker *w)
{
	struct job *j = w->job;
	size_t b;

	for (int i = 0; i < 16; i++) {
		if (!job_claim_random(w, &b))
			continue;
		if (oracle_defined(&j->oracle, b) && !rng_below(&w->rng, WL_READBACK_EVERY))
			readback(w, b);
		else if (rng_percent(&w->rng, j->cfg->cpu_share))
			job_cpu_write(w, b);
		else
			kernel_write(w, b);
	}
	return 0;
}

static void odirect_exit(struct worker *w)
{
	struct odirect_priv *p = w->priv;

	if (!p)
		return;
	free(p->bounce);
	free(p);
	w->priv = NULL;
}

const struct workload_ops workload_odirect = {
	.name = "odirect",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "kernel_ops,pin_readbacks",
	.flags = WL_NEEDS_SCRATCH | WL_KERNEL_WRITES,
	.desc = "pread/preadv O_DIRECT from a scratch file into random blocks (short-term pins); "
		"1 in 8 written back by O_DIRECT pwrite and read back: a difference is pin-divergence",
	.worker_init = odirect_init,
	.run_iter = odirect_iter,
	.worker_exit = odirect_exit,
};
