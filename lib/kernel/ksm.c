// SPDX-License-Identifier: GPL-2.0
/*
 * KSM (mm/ksm.c): ksmd scans MADV_MERGEABLE ranges, pages_to_scan pages
 * every sleep_millisecs, and merges pages whose content is identical and
 * stable across two scans into one write-protected KSM page.  A write to
 * a merged page breaks it by COW; a pinned page is never merged
 * (write_protect_page() refuses pages with extra references).
 *
 * ksmd runs at nice 5: with a dozen busy threads on two CPUs it got ~2% of
 * them, a full scan took seconds and a 3 s job often saw nothing merged.
 * We give it nice 0 and turn smart_scan off (it skips pages that failed
 * to merge before: ours keep changing on purpose), both restored.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/census.h"
#include "kernel/ksm.h"
#include "kernel/tunable.h"

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

static pid_t ksmd_pid(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char path[64], comm[32];
	pid_t pid = 0;

	while (d && !pid && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%.16s/comm", e->d_name);
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    !tunable_read(path, comm, sizeof(comm)) && !strcmp(comm, "ksmd"))
			pid = (pid_t)atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return pid;
}

static pid_t ksmd;
static int ksmd_nice;

static int ksmd_nice_restore(void *arg)
{
	pid_t pid = ksmd;

	(void)arg;
	ksmd = 0;	/* the next round boosts it again */
	return setpriority(PRIO_PROCESS, (id_t)pid, ksmd_nice) ? -errno : 0;
}

/* Once per run: nice 0 for ksmd, put back by tunable_restore_all(). */
static int ksmd_boost(void)
{
	int ret;

	if (ksmd)
		return 0;
	ksmd = ksmd_pid();
	if (!ksmd)
		return 0;	/* ksmd starts with run=1; nothing to boost yet */
	errno = 0;
	ksmd_nice = getpriority(PRIO_PROCESS, (id_t)ksmd);
	if (errno || ksmd_nice <= 0)
		return errno ? -errno : 0;
	{
		char pid[16], nice[16];
		const char *argv[2] = { pid, nice };

		snprintf(pid, sizeof(pid), "%d", (int)ksmd);
		snprintf(nice, sizeof(nice), "%d", ksmd_nice);
		ret = tunable_on_restore("nice", 2, argv, ksmd_nice_restore, NULL);
	}
	if (!ret && setpriority(PRIO_PROCESS, (id_t)ksmd, 0))
		ret = -errno;
	return ret;
}

int ksm_start(struct job *j)
{
	int ret;

	if (madvise(j->reg.base, j->reg.size, MADV_MERGEABLE))
		return -errno;
	ret = tunable_set(KSM_DIR "/pages_to_scan", KSM_PAGES_TO_SCAN);
	if (!ret)
		ret = tunable_set(KSM_DIR "/sleep_millisecs", KSM_SLEEP_MS);
	if (!ret && !access(KSM_DIR "/smart_scan", W_OK))
		ret = tunable_set(KSM_DIR "/smart_scan", "0");
	if (!ret)
		ret = tunable_set(KSM_DIR "/run", "1");
	if (!ret)
		ret = ksmd_boost();
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
