// SPDX-License-Identifier: GPL-2.0
/* hugetlb: 2 MiB hugetlb pages through libhugetlbfs (reservation saved and restored).  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_hugetlb = {
	.name = "hugetlb",
	.desc = "2 MiB hugetlb pages through libhugetlbfs (reservation saved and restored)",
	.caps = MC_PRIVATE | MC_HUGETLB,
	.probe = stub_probe,
};
