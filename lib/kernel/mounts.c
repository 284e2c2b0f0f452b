// SPDX-License-Identifier: GPL-2.0
/* Where a filesystem is mounted, from /proc/self/mountinfo (see mounts.h). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kernel/mounts.h"

/* The first mount of @fstype with super option @opt (NULL: any) at @at (NULL: anywhere). */
static int scan(const char *fstype, const char *opt, const char *at, char *out, size_t len)
{
	char line[1024], mnt[PATH_MAX], type[64], sopts[512];
	int ret = -ENOENT;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mnt opts [tags...] - type source sopts" */
		const char *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", type, sopts) != 2)
			continue;
		if (strcmp(type, fstype) || (at && strcmp(mnt, at)))
			continue;
		if (opt) {
			char *tok, *save;
			bool hit = false;

			for (tok = strtok_r(sopts, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				hit |= !strcmp(tok, opt);
			if (!hit)
				continue;
		}
		if (out)
			snprintf(out, len, "%s", mnt);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

int mount_find(const char *fstype, const char *opt, char *out, size_t len)
{
	return scan(fstype, opt, NULL, out, len);
}

bool mount_is(const char *path, const char *fstype)
{
	return scan(fstype, NULL, path, NULL, 0) == 0;
}
