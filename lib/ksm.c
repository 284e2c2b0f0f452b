// SPDX-License-Identifier: GPL-2.0
/*
 * KSM (mm/ksm.c): ksmd scans MADV_MERGEABLE ranges, pages_to_scan pages
 * every sleep_millisecs, and merges pages whose content is identical and
 * stable across two scans into one write-protected KSM page.  A write to
 * a merged page breaks it by COW; a pinned page is never merged
 * (write_protect_page() refuses pages with extra references).
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "census.h"
#include "ksm.h"
#include "tunable.h"

#define KSM_DIR "/sys/kernel/mm/ksm"
/* About 100k pages/s: a 32 MiB region is scanned in well under 100 ms. */
#define KSM_PAGES_TO_SCAN "1000"
#define KSM_SLEEP_MS "10"

const char *ksm_probe(void)
{
	if (access(KSM_DIR "/run", F_OK))
		return "no " KSM_DIR " (kernel without CONFIG_KSM)";
	if (access(KSM_DIR "/run", W_OK))
		return "cannot write " KSM_DIR "/run (not root?)";
	return NULL;
}

int ksm_start(struct job *j)
{
	int ret;

	if (madvise(j->reg.base, j->reg.size, MADV_MERGEABLE))
		return -errno;
	ret = tunable_set(KSM_DIR "/pages_to_scan", KSM_PAGES_TO_SCAN);
	if (!ret)
		ret = tunable_set(KSM_DIR "/sleep_millisecs", KSM_SLEEP_MS);
	if (!ret)
		ret = tunable_set(KSM_DIR "/run", "1");
	return ret;
}

bool ksm_block_in_even_unit(const struct job *j, size_t b)
{
	size_t bs = j->reg.block_size, ps = job_page_size();
	size_t unit = bs > ps ? bs : ps;

	return (b * bs / unit) % 2 == 0;
}

void ksm_write_shared(struct job *j, size_t b)
{
	struct stamp_id id;

	oracle_next_shared(&j->oracle, b, &id);
	stamp_fill(region_block(&j->reg, b), j->reg.block_size, j->seed, &id);
}

int ksm_merged_pages(struct job *j, uint64_t *n)
{
	struct census c;
	int ret = census_take(j->reg.base, j->reg.size, &c);

	if (!ret)
		*n = c.ksm;
	return ret;
}
