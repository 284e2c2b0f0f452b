// SPDX-License-Identifier: GPL-2.0
/* mprotect: mprotect read-only and back (the cow.c mprotect R then RW path).  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_mprotect = {
	.name = "mprotect",
	.desc = "mprotect read-only and back (the cow.c mprotect R then RW path)",
	.needs = 0,
	.refuses = 0,
	.probe = stub_probe,
};
