// SPDX-License-Identifier: GPL-2.0
/* ksm: private anonymous pages made identical on purpose so KSM merges them.  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_ksm = {
	.name = "ksm",
	.desc = "private anonymous pages made identical on purpose so KSM merges them",
	.caps = MC_PRIVATE | MC_ANON | MC_SWAPPABLE,
	.probe = stub_probe,
};
