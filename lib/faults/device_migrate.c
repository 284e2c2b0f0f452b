// SPDX-License-Identifier: GPL-2.0
/*
 * device-migrate: random ranges of the region go to device-private memory
 * of test_hmm's simulated device (HMM_DMIRROR_MIGRATE_TO_DEV:
 * migrate_vma_setup/pages/finalize in mm/migrate_device.c) while the
 * workload's writes are in flight.  They come back in three ways: half the
 * ranges right away through HMM_DMIRROR_MIGRATE_TO_SYS; the others when the
 * CPU touches them (do_swap_page -> migrate_to_ram, the driver's
 * dmirror_devmem_fault) or a kernel write's GUP faults them in.  Pinned
 * pages must be refused: migrate_vma_check_page() leaves a page with
 * extra references where it is.
 *
 * Evidence, all from the kernel: pages the device's page table shows
 * device-private after the migration (HMM_DMIRROR_SNAPSHOT), pages present
 * before that did not go (refused: pinned or busy), pages the
 * MIGRATE_TO_SYS brought back, and pages of a range left on the device
 * that the next look finds back in system memory (an access brought them).
 * Target: mm/migrate_device.c, do_swap_page() device-private path,
 * lib/test_hmm.c; fork of device-private entries (copy_nonpresent_pte).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/hmm.h"
#include "kernel/pagerange.h"

struct devmig_priv {
	int fd;			/* first: hmm_fault_setup() */
	/* The range left on the device by the last injection, to look at again. */
	uint8_t *left;
	size_t nleft;
	uint8_t prot[HMM_MAX_PAGES];
	_Atomic uint64_t *ev_to_dev, *ev_refused, *ev_back_migrate, *ev_back_access;
};

static int devmig_setup(struct fault_inst *f)
{
	struct devmig_priv *p;
	int ret = hmm_fault_setup(f, sizeof(*p));

	if (ret)
		return ret;
	p = f->priv;
	p->ev_to_dev = job_ev(f->job, "pages_to_device");
	p->ev_refused = job_ev(f->job, "pages_device_refused");
	p->ev_back_migrate = job_ev(f->job, "pages_from_device_migrated");
	p->ev_back_access = job_ev(f->job, "pages_from_device_faulted");
	return 0;
}

/* Pages of the last range still on the device then, back in system memory now. */
static int look_again(struct devmig_priv *p)
{
	uint8_t now[HMM_MAX_PAGES];
	size_t back = 0;
	int ret;

	if (!p->nleft)
		return 0;
	ret = hmm_snapshot(p->fd, p->left, p->nleft, now);
	if (ret)
		return ret;
	for (size_t i = 0; i < p->nleft; i++)
		back += hmm_count_on_device(&p->prot[i], 1) && !hmm_count_on_device(&now[i], 1);
	ev_add(p->ev_back_access, back);
	p->nleft = 0;
	return 0;
}

static int devmig_inject(struct fault_inst *f, struct rng *r)
{
	struct devmig_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	size_t n = 1 + rng_below(r, pages < HMM_MAX_PAGES ? pages : HMM_MAX_PAGES);
	uint8_t *addr = reg->base + rng_below(r, pages - n + 1) * job_page_size();
	struct range_pages before;
	size_t on_dev;
	uint64_t moved;
	int ret;

	ret = look_again(p);
	if (!ret)
		ret = range_pages_take(addr, n, 1, &before);
	if (ret)
		return ret;
	fault_range(f, addr, n * job_page_size());
	ret = hmm_migrate_to_dev(p->fd, addr, n, &moved);
	if (ret)
		return ret;
	ret = hmm_snapshot(p->fd, addr, n, p->prot);
	if (ret)
		return ret;
	on_dev = hmm_count_on_device(p->prot, n);
	if (!on_dev) {
		ev_add(p->ev_refused, before.present);
		return FAULT_DONE;
	}
	ev_add(p->ev_to_dev, on_dev);
	if (before.present > on_dev)
		ev_add(p->ev_refused, before.present - on_dev);
	if (rng_below(r, 2)) {
		ret = hmm_migrate_to_sys(p->fd, addr, n, &moved);
		if (ret)
			return ret;
		ev_add(p->ev_back_migrate, moved);
		return FAULT_CONFIRMED;
	}
	/* Left on the device: the workload's next access brings it back. */
	p->left = addr;
	p->nleft = n;
	return FAULT_CONFIRMED;
}


const struct fault_ops fault_device_migrate = {
	.name = "device-migrate",
	.desc = "migrate ranges to test_hmm's device-private memory and back (mm/migrate_device.c)",
	.interval_ms = 20,
	.needs = MC_ANON,
	.refuses = MC_HUGETLB,
	.refuses_why = "migrate_vma does not collect hugetlb pages",
	.proof = "pages_to_device",
	.probe = hmm_probe,
	.setup = devmig_setup,
	.inject = devmig_inject,
	/*
	 * test_hmm's snapshot gives up with EBUSY when the range kept being
	 * invalidated for HMM_RANGE_DEFAULT_TIMEOUT (1 s): the workload is
	 * writing there.  Seen once in six guest runs under TCG.
	 */
	.benign = { EBUSY },
	.teardown = hmm_fault_teardown,
};
