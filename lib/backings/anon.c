// SPDX-License-Identifier: GPL-2.0
/*
 * anon: private anonymous memory in base pages.  MADV_NOHUGEPAGE keeps it so
 * even when THP is "always", so that anon and thp jobs test different paths.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backings/backing.h"

int backing_anon_map(struct job *j, size_t size)
{
	int ret = backing_map_aligned(&j->reg, size, job_page_size());

	if (ret)
		return ret;
	if (madvise(j->reg.base, j->reg.size, MADV_NOHUGEPAGE)) {
		ret = -errno;
		backing_unmap_common(j);
	}
	return ret;
}

static int anon_check(struct job *j, char *why, size_t len)
{
	uint64_t thp = 0;
	int ret = backing_thp_bytes(&j->reg, &thp);

	if (ret)
		return ret;
	if (thp) {
		snprintf(why, len, "anon region has %llu bytes of THP despite MADV_NOHUGEPAGE",
			 (unsigned long long)thp);
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_anon = {
	.name = "anon",
	.desc = "private anonymous memory, base pages (MADV_NOHUGEPAGE)",
	.caps = MC_PRIVATE | MC_ANON | MC_SWAPPABLE,
	.proof = "anon_bytes_start",
	.map = backing_anon_map,
	.unmap = backing_unmap_common,
	.check = anon_check,
};
