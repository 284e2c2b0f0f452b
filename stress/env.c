// SPDX-License-Identifier: GPL-2.0
/* Read once per report: these are facts, not settings, so nothing is changed. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "env.h"
#include "kernel/pagerange.h"
#include "kernel/topology.h"
#include "kernel/tunable.h"

static int count_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 1;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "node", 4) && de->d_name[4] >= '0' && de->d_name[4] <= '9';
	closedir(d);
	return n ? n : 1;
}

static void cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !v)
			continue;
		v += 1 + strspn(v + 1, " \t");
		v[strcspn(v, "\n")] = 0;
		snprintf(buf, len, "%s", v);
		break;
	}
	fclose(f);
}

static void swap_devices(char *buf, size_t len)
{
	char line[256], name[128], type[32];
	unsigned long long kb;
	size_t n = 0;
	FILE *f = fopen("/proc/swaps", "re");

	buf[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && n < len)
		if (sscanf(line, "%127s %31s %llu", name, type, &kb) == 3)
			n += (size_t)snprintf(buf + n, len - n, "%s%s %s %llu", n ? "; " : "", name,
					      type, kb);
	fclose(f);
}

void env_read(struct env_info *e)
{
	int rank[TOPO_MAX_NODES];
	struct utsname u;

	memset(e, 0, sizeof(*e));
	if (!uname(&u)) {
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
		snprintf(e->kernel_version, sizeof(e->kernel_version), "%s", u.version);
	}
	e->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	e->numa_nodes = count_nodes();
	e->memory_tiers = topology_memory_tiers(rank);
	if (e->memory_tiers < 0)
		e->memory_tiers = 0;
	meminfo_kb("SwapTotal", &e->swap_total_kb);
	meminfo_kb("MemTotal", &e->mem_total_kb);
	if (tunable_read_choice("/sys/kernel/mm/transparent_hugepage/enabled", e->thp_enabled,
				sizeof(e->thp_enabled)))
		snprintf(e->thp_enabled, sizeof(e->thp_enabled), "unavailable");
	if (tunable_read_choice("/sys/kernel/mm/transparent_hugepage/defrag", e->thp_defrag,
				sizeof(e->thp_defrag)))
		snprintf(e->thp_defrag, sizeof(e->thp_defrag), "unavailable");
	if (tunable_read("/sys/module/zswap/parameters/enabled", e->zswap, sizeof(e->zswap)))
		e->zswap[0] = 0;
	e->page_size = (int)sysconf(_SC_PAGESIZE);
	cpu_model(e->cpu_model, sizeof(e->cpu_model));
	swap_devices(e->swap_devices, sizeof(e->swap_devices));
}
