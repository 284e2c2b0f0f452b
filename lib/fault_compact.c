// SPDX-License-Identifier: GPL-2.0
/* compact: memory compaction (/proc/sys/vm/compact_memory).  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_compact = {
	.name = "compact",
	.desc = "memory compaction (/proc/sys/vm/compact_memory)",
	.needs = 0,
	.refuses = 0,
	.probe = stub_probe,
};
