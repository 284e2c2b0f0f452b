// SPDX-License-Identifier: GPL-2.0
/* pvm: a helper process writes stamps with process_vm_writev (remote GUP).  Placeholder until implemented. */
#include "workload.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct workload_ops workload_pvm = {
	.name = "pvm",
	.version = WORKLOAD_OPS_VERSION,
	.flags = 0,
	.desc = "a helper process writes stamps with process_vm_writev (remote GUP)",
	.probe = stub_probe,
};
