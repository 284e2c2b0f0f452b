// SPDX-License-Identifier: GPL-2.0
/* Read once per report: these are facts, not settings, so nothing is changed. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "env.h"

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

static uint64_t swap_total(void)
{
	char line[128];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SwapTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* "always [madvise] never" -> "madvise" */
static void thp_mode(char *buf, size_t len)
{
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "re");
	char *a, *b;

	snprintf(buf, len, "unavailable");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f) && (a = strchr(line, '[')) && (b = strchr(a, ']'))) {
		*b = 0;
		snprintf(buf, len, "%s", a + 1);
	}
	fclose(f);
}

void env_read(struct env_info *e)
{
	struct utsname u;

	memset(e, 0, sizeof(*e));
	if (!uname(&u)) {
		snprintf(e->kernel, sizeof(e->kernel), "%s", u.release);
		snprintf(e->kernel_version, sizeof(e->kernel_version), "%s", u.version);
	}
	e->cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	e->numa_nodes = count_nodes();
	e->swap_total_kb = swap_total();
	thp_mode(e->thp_enabled, sizeof(e->thp_enabled));
	e->page_size = (int)sysconf(_SC_PAGESIZE);
}
