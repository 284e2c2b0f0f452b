// SPDX-License-Identifier: GPL-2.0
/* zswap: pageout with zswap enabled (saved and restored).  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_zswap = {
	.name = "zswap",
	.desc = "pageout with zswap enabled (saved and restored)",
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.probe = stub_probe,
};
