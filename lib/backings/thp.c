// SPDX-License-Identifier: GPL-2.0
/*
 * thp: private anonymous memory, 2 MiB aligned with MADV_HUGEPAGE, so the
 * first touch of each PMD range allocates a PMD-mapped THP.  Needs
 * /sys/kernel/mm/transparent_hugepage/enabled = always or madvise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "backings/backing.h"
#include "kernel/kconst.h"

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

const char *backing_thp_probe(void)
{
	char buf[128] = "";
	FILE *f = fopen(THP_ENABLED, "re");

	if (!f)
		return "kernel without CONFIG_TRANSPARENT_HUGEPAGE (no " THP_ENABLED ")";
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	if (strstr(buf, "[never]"))
		return THP_ENABLED " is 'never' (run.sh sets madvise)";
	return NULL;
}

int backing_thp_map(struct job *j, size_t size)
{
	struct region *r = &j->reg;
	int ret;

	size = (size + pmd_size() - 1) & ~(pmd_size() - 1);
	ret = backing_map_aligned(r, size, pmd_size());
	if (ret)
		return ret;
	if (madvise(r->base, r->size, MADV_HUGEPAGE)) {
		ret = -errno;
		backing_unmap_common(j);
	}
	return ret;
}

static int thp_check(struct job *j, char *why, size_t len)
{
	uint64_t thp = 0;
	int ret = backing_thp_bytes(&j->reg, &thp);

	if (ret)
		return ret;
	if (!thp) {
		snprintf(why, len, "no THP in a %zu-byte MADV_HUGEPAGE region (AnonHugePages 0)",
			 j->reg.size);
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_thp = {
	.name = "thp",
	.desc = "PMD-mapped transparent huge pages (MADV_HUGEPAGE, 2 MiB aligned)",
	.caps = MC_PRIVATE | MC_ANON | MC_LARGE | MC_SWAPPABLE,
	.proof = "thp_bytes_start",
	.probe = backing_thp_probe,
	.map = backing_thp_map,
	.unmap = backing_unmap_common,
	.check = thp_check,
};
