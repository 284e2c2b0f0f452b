// SPDX-License-Identifier: GPL-2.0
/* reclaim: cgroup memory reclaim of a cgroup holding the run.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_reclaim = {
	.name = "reclaim",
	.desc = "cgroup memory reclaim of a cgroup holding the run",
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.probe = stub_probe,
};
