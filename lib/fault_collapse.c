// SPDX-License-Identifier: GPL-2.0
/* collapse: MADV_COLLAPSE of split THP ranges.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_collapse = {
	.name = "collapse",
	.desc = "MADV_COLLAPSE of split THP ranges",
	.needs = MC_LARGE,
	.refuses = 0,
	.probe = stub_probe,
};
