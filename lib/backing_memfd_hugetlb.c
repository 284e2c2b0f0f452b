// SPDX-License-Identifier: GPL-2.0
/* memfd-hugetlb: memfd_create(MFD_HUGETLB), MAP_SHARED, 2 MiB pages.  Placeholder until implemented. */
#include "backing.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct backing_ops backing_memfd_hugetlb = {
	.name = "memfd-hugetlb",
	.desc = "memfd_create(MFD_HUGETLB), MAP_SHARED, 2 MiB pages",
	.caps = MC_SHARED | MC_HUGETLB,
	.probe = stub_probe,
};
