// SPDX-License-Identifier: GPL-2.0
/* pinstress: subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "failure.h"
#include "run.h"

static int usage(FILE *f, int code)
{
	fprintf(f,
		"usage: pinstress COMMAND [options]\n"
		"  run [-c PROFILE] [options]  run jobs; 'pinstress run --help' lists options\n"
		"  list [--markdown]           workloads, backings, faults and availability here\n"
		"  canary [--scratch DIR]      known-bad scenarios that must be caught\n"
		"  replay FAILURE.json [opts]  run again what a failure record came from\n"
		"  bench [-c INI] [--json F]   fixed-work measurements for A/B testing a kernel\n"
		"  compare A.json B.json       medians, change, 95%% CI and a verdict per metric\n"
		"  report RUN.json [-o F.html] the run as one self-contained page with plots\n"
		"  probe [NAME...] [--json F]  which known unfixed kernel bugs this kernel has\n"
		"  prepare [--owner PID]       swap, THP, hugetlbfs for PID's runs, left in place\n"
		"  restore [--owner PID]       undo what killed runs (and PID) left on the machine\n"
		"exit: 0 clean, 1 corruption, 2 kernel error, 3 invalid run, 77 nothing could run\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "run", cmd_run },
		{ "list", cmd_list },
		{ "canary", cmd_canary },
		{ "replay", cmd_replay },
		{ "bench", cmd_bench },
		{ "compare", cmd_compare },
		{ "report", cmd_report },
		{ "probe", cmd_probe },
		{ "prepare", cmd_prepare },
		{ "restore", cmd_restore },
	};

	if (argc < 2)
		return usage(stderr, EXIT_INVALID);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout, 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pinstress: unknown command '%s'\n", argv[1]);
	return usage(stderr, EXIT_INVALID);
}
