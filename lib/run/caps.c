// SPDX-License-Identifier: GPL-2.0
/* The names of the memory caps, and the mlock modifier's effect on them. */
#include "run/caps.h"

static const char *const cap_names[MC_NR] = {
	"private memory",
	"shared memory",
	"anonymous private memory",
	"memory that holds THP/mTHP",
	"hugetlb memory",
	"file-backed memory",
	"swappable memory",
	"mlocked memory",
	"1 GiB pages (no fault can claim a whole page from running workers)",
};

const char *caps_name(unsigned int cap)
{
	for (int i = 0; i < MC_NR; i++)
		if (cap == 1u << i)
			return cap_names[i];
	return "?";
}

unsigned int caps_effective(unsigned int caps, int mlock)
{
	if (mlock)
		caps = (caps | MC_MLOCKED) & ~MC_SWAPPABLE;
	return caps;
}
