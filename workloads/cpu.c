// SPDX-License-Identifier: GPL-2.0
/* cpu: plain CPU stores only: the control for COW, migration and KSM without pins.  Placeholder until implemented. */
#include "workload.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct workload_ops workload_cpu = {
	.name = "cpu",
	.version = WORKLOAD_OPS_VERSION,
	.flags = 0,
	.desc = "plain CPU stores only: the control for COW, migration and KSM without pins",
	.probe = stub_probe,
};
