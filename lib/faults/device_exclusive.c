// SPDX-License-Identifier: GPL-2.0
/*
 * device-exclusive: random ranges of the region are made exclusive to
 * test_hmm's simulated device for its atomics (HMM_DMIRROR_EXCLUSIVE:
 * make_device_exclusive(), which replaces each PTE by a device-exclusive
 * entry) while the workload's writes are in flight.  The CPU's next access,
 * a kernel write's GUP or a fork must turn the entry back into a normal
 * mapping of the same page (restore_exclusive_pte(), via
 * remove_device_exclusive_entry() or copy_nonpresent_pte()), dirty bit and
 * data intact, and the device must lose its access then.
 *
 * Evidence: pages the driver made exclusive and still held exclusively
 * right after (HMM_DMIRROR_CHECK_EXCLUSIVE), and ranges whose exclusive
 * access was revoked by the next look: by the workload's own accesses, or
 * else by a read of each page from here.
 * Target: mm/memory.c (remove_device_exclusive_entry, restore_exclusive_pte,
 * make_device_exclusive), mm/rmap.c, lib/test_hmm.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/hmm.h"

struct devex_priv {
	int fd;			/* first: hmm_fault_setup() */
	uint8_t *held;		/* the last range made exclusive, to restore */
	size_t nheld;
	_Atomic uint64_t *ev_made, *ev_refused, *ev_by_workload, *ev_by_read;
};

static int devex_setup(struct fault_inst *f)
{
	struct devex_priv *p;
	int ret = hmm_fault_setup(f, sizeof(*p));

	if (ret)
		return ret;
	p = f->priv;
	p->ev_made = job_ev(f->job, "pages_made_exclusive");
	p->ev_refused = job_ev(f->job, "exclusive_refused");
	p->ev_by_workload = job_ev(f->job, "exclusive_restored_by_workload");
	p->ev_by_read = job_ev(f->job, "exclusive_restored_by_read");
	return 0;
}

/*
 * Take the last range back from the device: if the workload's accesses
 * already did, count that; else read a byte of each page (a CPU fault on
 * the entry) and check the device lost it.  Reading does not change a
 * block, so nothing needs to be claimed.
 */
static int restore_held(struct devex_priv *p)
{
	size_t ps = job_page_size();
	int held;

	if (!p->nheld)
		return 0;
	held = hmm_still_exclusive(p->fd, p->held, p->nheld);
	if (held < 0)
		return held;
	if (!held) {
		ev_add(p->ev_by_workload, p->nheld);
	} else {
		for (size_t i = 0; i < p->nheld; i++)
			(void)((volatile uint8_t *)p->held)[i * ps];
		held = hmm_still_exclusive(p->fd, p->held, p->nheld);
		if (held < 0)
			return held;
		if (held)
			return -EPROTO;	/* the CPU touched every page: the device must have lost them */
		ev_add(p->ev_by_read, p->nheld);
	}
	p->nheld = 0;
	return 0;
}

static int devex_inject(struct fault_inst *f, struct rng *r)
{
	struct devex_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	size_t n = 1 + rng_below(r, pages < HMM_MAX_PAGES ? pages : HMM_MAX_PAGES);
	uint8_t *addr = reg->base + rng_below(r, pages - n + 1) * job_page_size();
	int ret = restore_held(p), held;

	if (ret) {
		if (ret == -EPROTO)
			snprintf(f->errmsg, sizeof(f->errmsg), "after a CPU read of every page the "
				 "device still held some exclusively");
		return ret;
	}
	fault_range(f, addr, n * job_page_size());
	ret = hmm_make_exclusive(p->fd, addr, n);
	if (ret == -EBUSY) {
		/* Some page could not be made exclusive (being written, migrating): later. */
		ev_add(p->ev_refused, 1);
		return FAULT_SKIPPED;
	}
	if (ret)
		return ret;
	held = hmm_still_exclusive(p->fd, addr, n);
	if (held < 0)
		return held;
	if (held)
		ev_add(p->ev_made, n);
	p->held = addr;
	p->nheld = n;
	return held ? FAULT_CONFIRMED : FAULT_DONE;
}


const struct fault_ops fault_device_exclusive = {
	.name = "device-exclusive",
	.desc = "make ranges exclusive to test_hmm's device (make_device_exclusive) and take them back",
	.interval_ms = 20,
	.needs = MC_ANON,
	.refuses = MC_HUGETLB,
	.refuses_why = "make_device_exclusive() works on anonymous base pages and THP only",
	.proof = "pages_made_exclusive",
	.probe = hmm_probe,
	.setup = devex_setup,
	.inject = devex_inject,
	.teardown = hmm_fault_teardown,
};
