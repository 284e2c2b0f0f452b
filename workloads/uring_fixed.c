// SPDX-License-Identifier: GPL-2.0
/*
 * uring-fixed: READ_FIXED into the region registered as io_uring fixed
 * buffers, a long-term FOLL_PIN of every page, with the registrations
 * churned (the engine, and why blocks get a CPU store, is uring_engine.c).
 */
#include "uring_engine.h"

static int uring_fixed_init(struct worker *w)
{
	return uring_ring_init(w, true);
}

const struct workload_ops workload_uring_fixed = {
	.name = "uring-fixed",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "kernel_ops,pin_readbacks",
	.flags = WL_NEEDS_SCRATCH | WL_NEEDS_IOURING | WL_PINS_LONGTERM |
		 WL_KERNEL_WRITES,
	.refuses = MC_FILE,
	.refuses_why = "the kernel refuses long-term pins of page-cache pages (io_uring_register: EOPNOTSUPP)",
	.desc = "IORING_OP_READ_FIXED into the region registered as fixed buffers (long-term pins), "
		"WRITE_FIXED read-back",
	.probe = uring_probe,
	.worker_init = uring_fixed_init,
	.run_iter = uring_iter,
	.worker_exit = uring_exit,
};
