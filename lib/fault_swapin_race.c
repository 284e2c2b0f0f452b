// SPDX-License-Identifier: GPL-2.0
/* swapin-race: several threads fault the same swapped-out pages at once.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_swapin_race = {
	.name = "swapin-race",
	.desc = "several threads fault the same swapped-out pages at once",
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.probe = stub_probe,
};
