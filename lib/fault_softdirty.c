// SPDX-License-Identifier: GPL-2.0
/* softdirty: clear_refs 4: write-protect every PTE for soft-dirty tracking.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_softdirty = {
	.name = "softdirty",
	.desc = "clear_refs 4: write-protect every PTE for soft-dirty tracking",
	.needs = 0,
	.refuses = 0,
	.probe = stub_probe,
};
