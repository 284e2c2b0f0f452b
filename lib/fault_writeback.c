// SPDX-License-Identifier: GPL-2.0
/* writeback: msync and sync_file_range of a file-backed region.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_writeback = {
	.name = "writeback",
	.desc = "msync and sync_file_range of a file-backed region",
	.needs = MC_FILE,
	.refuses = 0,
	.probe = stub_probe,
};
