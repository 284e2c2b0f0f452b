// SPDX-License-Identifier: GPL-2.0
/*
 * writeback: write back random ranges of a file-backed region while the
 * workload writes into it through pins: msync(MS_SYNC), msync(MS_ASYNC)
 * and sync_file_range(WAIT_BEFORE | WRITE | WAIT_AFTER), in turn.
 * Writeback write-protects the PTEs (folio_mkclean) and writes pages that
 * may be DMA-pinned and written by the device meanwhile (mm/page-writeback.c,
 * mm/gup.c: the pinned-page writeback problem, stable pages).  Nothing
 * here owns blocks: writeback does not change content or mapping.
 * Evidence: dirty pages of the range (kpageflags KPF_DIRTY) before minus
 * after each call, when positive.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "faults/fault.h"

#define WB_MAX_PAGES 1024

struct wb_priv {
	int fd;
	unsigned int n;
	_Atomic uint64_t *ev_written;
};

static int wb_setup(struct fault_inst *f)
{
	struct wb_priv *p;
	int fd = backing_file_fd(f->job);

	if (fd < 0)
		return fd;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->fd = fd;
	p->ev_written = job_ev(f->job, "pages_written_back");
	f->priv = p;
	return 0;
}

static int wb_call(struct wb_priv *p, const struct region *r, size_t first, size_t len)
{
	size_t ps = job_page_size();
	uint8_t *addr = r->base + first * ps;

	/* The region maps the file from offset 0. */
	switch (p->n++ % 3) {
	case 0:
		return msync(addr, len * ps, MS_SYNC) ? -errno : 0;
	case 1:
		return msync(addr, len * ps, MS_ASYNC) ? -errno : 0;
	default:
		return sync_file_range(p->fd, (off_t)(first * ps), (off_t)(len * ps),
				       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				       SYNC_FILE_RANGE_WAIT_AFTER) ? -errno : 0;
	}
}

static int wb_inject(struct fault_inst *f, struct rng *r)
{
	struct wb_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t npages = reg->size / job_page_size();
	size_t len = 1 + rng_below(r, npages < WB_MAX_PAGES ? npages : WB_MAX_PAGES);
	size_t first = rng_below(r, npages - len + 1);
	size_t ps = job_page_size();
	struct census before, after;
	int ret;

	ret = census_take(reg->base + first * ps, len * ps, &before);
	if (!ret)
		ret = wb_call(p, reg, first, len);
	if (!ret)
		ret = census_take(reg->base + first * ps, len * ps, &after);
	if (ret)
		return ret;
	if (before.dirty <= after.dirty)
		return FAULT_DONE;
	ev_add(p->ev_written, before.dirty - after.dirty);
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_writeback = {
	.name = "writeback",
	.desc = "msync and sync_file_range of a file-backed region",
	.interval_ms = 20,
	.needs = MC_FILE,
	.refuses = 0,
	.proof = "pages_written_back",
	.setup = wb_setup,
	.inject = wb_inject,
};
