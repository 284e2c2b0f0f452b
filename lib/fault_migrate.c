// SPDX-License-Identifier: GPL-2.0
/* migrate: move_pages/mbind to another NUMA node and back.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_migrate = {
	.name = "migrate",
	.desc = "move_pages/mbind to another NUMA node and back",
	.needs = 0,
	.refuses = 0,
	.probe = stub_probe,
};
