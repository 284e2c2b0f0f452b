// SPDX-License-Identifier: GPL-2.0
/* memfd: memfd_create, MAP_SHARED.  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_memfd = {
	.name = "memfd",
	.desc = "memfd_create, MAP_SHARED",
	.caps = MC_SHARED | MC_SWAPPABLE,
	.probe = stub_probe,
};
