// SPDX-License-Identifier: GPL-2.0
/* file: MAP_SHARED of a file on the scratch filesystem, with writeback (msync, sync_file_range).  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_file = {
	.name = "file",
	.desc = "MAP_SHARED of a file on the scratch filesystem, with writeback (msync, sync_file_range)",
	.caps = MC_SHARED | MC_FILE,
	.probe = stub_probe,
};
