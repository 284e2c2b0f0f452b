// SPDX-License-Identifier: GPL-2.0
/*
 * uring: O_DIRECT reads through io_uring into unregistered buffers, so each
 * read takes its own short-term pin (the engine is uring_engine.c).
 */
#include "uring_engine.h"

static int uring_init(struct worker *w)
{
	return uring_ring_init(w, false);
}

const struct workload_ops workload_uring = {
	.name = "uring",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "kernel_ops",
	.flags = WL_NEEDS_SCRATCH | WL_NEEDS_IOURING | WL_KERNEL_WRITES,
	.desc = "O_DIRECT reads through io_uring without registered buffers (short-term pins)",
	.probe = uring_probe,
	.worker_init = uring_init,
	.run_iter = uring_iter,
	.worker_exit = uring_exit,
};
