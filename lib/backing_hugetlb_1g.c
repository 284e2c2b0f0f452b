// SPDX-License-Identifier: GPL-2.0
/* hugetlb-1g: 1 GiB hugetlb pages (MAP_HUGETLB|MAP_HUGE_1GB), where they can be reserved.  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_hugetlb_1g = {
	.name = "hugetlb-1g",
	.desc = "1 GiB hugetlb pages (MAP_HUGETLB|MAP_HUGE_1GB), where they can be reserved",
	.caps = MC_PRIVATE | MC_HUGETLB,
	.probe = stub_probe,
};
