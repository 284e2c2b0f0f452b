// SPDX-License-Identifier: GPL-2.0
/*
 * softdirty: write 4 to /proc/self/clear_refs, which clears the soft-dirty
 * bit and write-protects every PTE of the process, while kernel writes are
 * in flight.  The next CPU write to each page takes a write fault that must
 * reuse the page (it is exclusive, maybe pinned), never copy it.  The
 * kernel skips pages that may be DMA-pinned (pte_is_pinned() in
 * fs/proc/task_mmu.c): on registered io_uring buffers those keep their bit.
 * Evidence: the region's pages with the pagemap soft-dirty bit, measured
 * right before and right after the write.
 * Target: fs/proc/task_mmu.c (clear_refs_write), mm/memory.c (do_wp_page).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "faults/fault.h"
#include "kernel/pagemap.h"
#include "kernel/pagerange.h"
#include "kernel/tunable.h"

#define CLEAR_REFS "/proc/self/clear_refs"

struct sd_priv {
	_Atomic uint64_t *ev_cleared;
};

/* New VMAs start soft-dirty: the bit must show on a fresh page, else no CONFIG_MEM_SOFT_DIRTY. */
static const char *sd_probe(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	struct range_pages rp = { 0 };
	uint8_t *p;

	if (access(CLEAR_REFS, W_OK))
		return "no writable " CLEAR_REFS;
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return "cannot map a test page";
	memset(p, 1, ps);
	range_pages_take(p, 1, 1, &rp);
	munmap(p, ps);
	if (!rp.soft_dirty)
		return "kernel without CONFIG_MEM_SOFT_DIRTY (no soft-dirty bit in pagemap)";
	return NULL;
}

static int sd_setup(struct fault_inst *f)
{
	struct sd_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->ev_cleared = job_ev(f->job, "pages_softdirty_cleared");
	f->priv = p;
	return 0;
}

static int sd_inject(struct fault_inst *f, struct rng *r)
{
	struct sd_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t npages = reg->size / job_page_size();
	struct range_pages before, after;
	int ret;

	(void)r;
	ret = range_pages_take(reg->base, npages, 1, &before);
	if (ret)
		return ret;
	ret = tunable_poke(CLEAR_REFS, "4");
	if (ret)
		return ret;
	ret = range_pages_take(reg->base, npages, 1, &after);
	if (ret)
		return ret;
	/* Writes between the two walks set bits again: the difference is a lower bound. */
	if (before.soft_dirty <= after.soft_dirty)
		return FAULT_DONE;
	ev_add(p->ev_cleared, before.soft_dirty - after.soft_dirty);
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_softdirty = {
	.name = "softdirty",
	.desc = "clear soft-dirty bits and write-protect PTEs (/proc/self/clear_refs 4)",
	.interval_ms = 50,
	.needs = 0,
	.refuses = 0,
	.proof = "pages_softdirty_cleared",
	.probe = sd_probe,
	.setup = sd_setup,
	.inject = sd_inject,
};
