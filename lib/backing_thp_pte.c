// SPDX-License-Identifier: GPL-2.0
/* thp-pte: PMD THPs then mapped by PTEs (mprotect of a sub-range and back).  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_thp_pte = {
	.name = "thp-pte",
	.desc = "PMD THPs then mapped by PTEs (mprotect of a sub-range and back)",
	.caps = MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE,
	.probe = stub_probe,
};
