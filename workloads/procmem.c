// SPDX-License-Identifier: GPL-2.0
/* procmem: writes through /proc/self/mem (FOLL_FORCE), also into ranges made PROT_READ.  Placeholder until implemented. */
#include "workload.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct workload_ops workload_procmem = {
	.name = "procmem",
	.version = WORKLOAD_OPS_VERSION,
	.flags = 0,
	.desc = "writes through /proc/self/mem (FOLL_FORCE), also into ranges made PROT_READ",
	.probe = stub_probe,
};
