// SPDX-License-Identifier: GPL-2.0
/* ksm: make blocks identical and let KSM merge them.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_ksm = {
	.name = "ksm",
	.desc = "make blocks identical and let KSM merge them",
	.needs = MC_ANON,
	.refuses = 0,
	.probe = stub_probe,
};
