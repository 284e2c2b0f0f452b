// SPDX-License-Identifier: GPL-2.0
/* mremap: mremap a range away and back while pins are held.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_mremap = {
	.name = "mremap",
	.desc = "mremap a range away and back while pins are held",
	.needs = 0,
	.refuses = MC_HUGETLB,
	.probe = stub_probe,
};
