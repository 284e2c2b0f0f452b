// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA balancing on, fast (numab.h).  The scanner's knobs are in debugfs
 * (kernel/sched/debug.c); an older kernel names them otherwise
 * (sched_debug): its defaults are slower, not wrong.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "kernel/debugfs.h"
#include "kernel/numab.h"
#include "kernel/tunable.h"

#define NUMAB_SYSCTL	"/proc/sys/kernel/numa_balancing"
#define NUMAB_DEBUGFS	DEBUGFS_DIR "/sched/numa_balancing/"

static const char *const knobs[][2] = {
	{ NUMAB_DEBUGFS "scan_delay_ms", "0" },
	{ NUMAB_DEBUGFS "scan_period_min_ms", "10" },
	{ NUMAB_DEBUGFS "scan_period_max_ms", "100" },
};

const char *numab_probe(void)
{
	if (access(NUMAB_SYSCTL, F_OK))
		return "kernel without CONFIG_NUMA_BALANCING";
	if (access(NUMAB_SYSCTL, W_OK))
		return "cannot write kernel.numa_balancing (not root?)";
	return debugfs_probe();
}

int numab_enable(unsigned int mode)
{
	uint64_t now = 0;
	int ret = tunable_read_u64(NUMAB_SYSCTL, &now);

	if (!ret && (now & mode) != mode)
		ret = tunable_set_u64(NUMAB_SYSCTL, now | mode);
	if (ret || debugfs_ensure())
		return ret;
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!access(knobs[i][0], W_OK) && (ret = tunable_set(knobs[i][0], knobs[i][1])))
			break;
	return ret;
}
