// SPDX-License-Identifier: GPL-2.0
/* shmem: MAP_SHARED|MAP_ANONYMOUS (shmem).  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_shmem = {
	.name = "shmem",
	.desc = "MAP_SHARED|MAP_ANONYMOUS (shmem)",
	.caps = MC_SHARED | MC_SWAPPABLE,
	.probe = stub_probe,
};
