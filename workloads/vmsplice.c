// SPDX-License-Identifier: GPL-2.0
/* vmsplice: R/O pipe references across fork: the pipe must see the view it was given.  Placeholder until implemented. */
#include "workload.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct workload_ops workload_vmsplice = {
	.name = "vmsplice",
	.version = WORKLOAD_OPS_VERSION,
	.flags = 0,
	.desc = "R/O pipe references across fork: the pipe must see the view it was given",
	.probe = stub_probe,
};
