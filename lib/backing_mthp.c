// SPDX-License-Identifier: GPL-2.0
/* mthp: multi-size THP: each sub-PMD size in hugepages-*kB enabled (saved and restored).  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_mthp = {
	.name = "mthp",
	.desc = "multi-size THP: each sub-PMD size in hugepages-*kB enabled (saved and restored)",
	.caps = MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE,
	.probe = stub_probe,
};
