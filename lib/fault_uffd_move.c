// SPDX-License-Identifier: GPL-2.0
/* uffd-move: UFFDIO_MOVE a range away and back.  Placeholder until implemented. */
#include "fault.h"

static const char *stub_probe(void)
{
	return "not implemented yet";
}

const struct fault_ops fault_uffd_move = {
	.name = "uffd-move",
	.desc = "UFFDIO_MOVE a range away and back",
	.needs = MC_ANON,
	.refuses = 0,
	.probe = stub_probe,
};
