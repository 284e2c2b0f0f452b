// SPDX-License-Identifier: GPL-2.0
/* thp-split: split mapped THPs while pinned (debugfs split_huge_pages).  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_thp_split = {
	.name = "thp-split",
	.desc = "split mapped THPs while pinned (debugfs split_huge_pages)",
	.needs = MC_LARGE,
	.refuses = 0,
	.probe = stub_probe,
};
