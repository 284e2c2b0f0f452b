// SPDX-License-Identifier: GPL-2.0
/* madv-free: MADV_FREE on blocks about to be rewritten by a kernel write.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_madv_free = {
	.name = "madv-free",
	.desc = "MADV_FREE on blocks about to be rewritten by a kernel write",
	.needs = MC_ANON,
	.refuses = MC_MLOCKED,
	.probe = stub_probe,
};
