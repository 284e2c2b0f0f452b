// SPDX-License-Identifier: GPL-2.0
/* /proc/vmstat counters and /proc/stat CPU time, one pass over the file each. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernel/vmstat.h"

/* "name value\n": the name in @name; false for a line that is not one counter. */
static bool vmstat_line(const char *line, char *name, uint64_t *v)
{
	return sscanf(line, "%47s %" SCNu64, name, v) == 2;
}

int vmstat_read_set(const char *const *names, size_t n, uint64_t *v)
{
	char line[128], name[VMSTAT_NAME_LEN];
	size_t found = 0;
	uint64_t val;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -errno;
	while (found < n && fgets(line, sizeof(line), f)) {
		if (!vmstat_line(line, name, &val))
			continue;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(names[i], name))
				continue;
			v[i] = val;
			found++;
			break;
		}
	}
	fclose(f);
	return found == n ? 0 : -ENOENT;
}

int vmstat_read(const char *name, uint64_t *v)
{
	return vmstat_read_set(&name, 1, v);
}

static bool name_matches(const char *name, const char *want)
{
	size_t k = strlen(want);

	if (k && want[k - 1] == '*')
		return !strncmp(name, want, k - 1);
	return !strcmp(name, want);
}

int vmstat_names(const char *const *want, size_t nwant, char (*names)[VMSTAT_NAME_LEN],
		 size_t max)
{
	char line[128], name[VMSTAT_NAME_LEN];
	size_t n = 0;
	uint64_t val;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (!vmstat_line(line, name, &val))
			continue;
		for (size_t i = 0; i < nwant; i++) {
			if (!name_matches(name, want[i]))
				continue;
			snprintf(names[n++], VMSTAT_NAME_LEN, "%s", name);
			break;
		}
	}
	fclose(f);
	return (int)n;
}

int cpu_times_read(struct cpu_times *c)
{
	uint64_t user, nice, sys, idle, iowait, irq, softirq, steal = 0;
	char line[256];
	int ret = -EINVAL;
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return -errno;
	/* steal came in 2.6.11: older kernels print seven columns. */
	if (fgets(line, sizeof(line), f) &&
	    sscanf(line, "cpu %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
		   " %" SCNu64 " %" SCNu64, &user, &nice, &sys, &idle, &iowait, &irq, &softirq,
		   &steal) >= 7) {
		c->user = user + nice;
		c->sys = sys + irq + softirq;
		c->total = user + nice + sys + idle + iowait + irq + softirq + steal;
		ret = 0;
	}
	fclose(f);
	return ret;
}
