// SPDX-License-Identifier: GPL-2.0
/* uring: O_DIRECT reads through io_uring without registered buffers (short-term pins).  Placeholder until implemented. */
#include "workload.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct workload_ops workload_uring = {
	.name = "uring",
	.version = WORKLOAD_OPS_VERSION,
	.flags = WL_NEEDS_SCRATCH | WL_NEEDS_IOURING,
	.desc = "O_DIRECT reads through io_uring without registered buffers (short-term pins)",
	.probe = stub_probe,
};
