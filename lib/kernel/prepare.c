// SPDX-License-Identifier: GPL-2.0
/* Preparing the machine (see prepare.h). */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/mounts.h"
#include "kernel/pagerange.h"
#include "kernel/prepare.h"
#include "kernel/tunable.h"
#include "kernel/zram.h"
#include "run/child.h"

#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"
#define HUGETLBFS_DIR	"/dev/hugepages"
#define HUGETLB_2M_DIR	"/sys/kernel/mm/hugepages/hugepages-2048kB"
#define MODPROBE_MS	10000

extern char **environ;

/* zram as a module not loaded yet: modprobe it, bounded. */
static void load_zram(void)
{
	char *argv[] = { "modprobe", "zram", NULL };
	pid_t pid;

	if (!access("/sys/class/zram-control", F_OK) ||
	    posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ))
		return;
	child_wait(pid, MODPROBE_MS, NULL);
}

static int prepare_swap(FILE *out, char *why, size_t len)
{
	uint64_t swap_kb = 0, mem_kb = 0, bytes;
	int dev, ret;

	if (meminfo_kb("SwapTotal", &swap_kb) || swap_kb)
		return 0;
	load_zram();
	if (meminfo_kb("MemTotal", &mem_kb))
		return 0;
	bytes = mem_kb * 1024 / 2;
	if (bytes > PREPARE_SWAP_MAX)
		bytes = PREPARE_SWAP_MAX;
	ret = zram_swap_add(bytes, PREPARE_SWAP_PRIO, &dev);
	if (ret == -ENOENT) {
		fprintf(out, "pinstress: no swap and no zram: pageout and reclaim will be "
			"unavailable\n");
		return 0;
	}
	if (ret) {
		snprintf(why, len, "swap on zram: %s", strerror(-ret));
		return ret;
	}
	fprintf(out, "pinstress: swap on /dev/zram%d (%llu MiB), journaled\n", dev,
		(unsigned long long)(bytes >> 20));
	return 0;
}

static int prepare_thp(FILE *out, char *why, size_t len)
{
	char mode[32];
	int ret;

	if (tunable_read_choice(THP_ENABLED, mode, sizeof(mode)) || strcmp(mode, "never"))
		return 0;
	ret = tunable_set(THP_ENABLED, "madvise");
	if (ret) {
		snprintf(why, len, "THP mode never -> madvise: %s", strerror(-ret));
		return ret;
	}
	fprintf(out, "pinstress: THP mode never -> madvise, journaled\n");
	return 0;
}

static int prepare_hugepages(uint64_t want, FILE *out, char *why, size_t len)
{
	uint64_t old = 0, got = 0;
	int ret;

	if (!want || tunable_read_u64(NR_HUGEPAGES, &old) || old == want)
		return 0;
	ret = tunable_set_u64(NR_HUGEPAGES, want);
	if (ret) {
		snprintf(why, len, "vm.nr_hugepages %llu: %s", (unsigned long long)want,
			 strerror(-ret));
		return ret;
	}
	tunable_read_u64(NR_HUGEPAGES, &got);
	/* The kernel grants what it finds contiguous; hugetlb jobs report a short pool. */
	fprintf(out, "pinstress: nr_hugepages %llu -> %llu (got %llu), journaled\n",
		(unsigned long long)old, (unsigned long long)want, (unsigned long long)got);
	return 0;
}

/* libhugetlbfs finds hugetlbfs mounts when a program starts: mount one if there is none. */
static int prepare_hugetlbfs(FILE *out)
{
	char mnt[256];
	int ret;

	if (!mount_find("hugetlbfs", NULL, mnt, sizeof(mnt)) || access(HUGETLB_2M_DIR, F_OK))
		return 0;
	if (access(HUGETLBFS_DIR, F_OK)) {
		ret = tunable_on_restore("rmdir", 1, (const char *[]){ HUGETLBFS_DIR }, NULL, NULL);
		if (ret || mkdir(HUGETLBFS_DIR, 0755))
			return 0;	/* libhugetlbfs falls back to MAP_HUGETLB */
	}
	ret = tunable_on_restore("umount", 2, (const char *[]){ HUGETLBFS_DIR, "hugetlbfs" },
				 NULL, NULL);
	if (ret || mount("none", HUGETLBFS_DIR, "hugetlbfs", 0, "pagesize=2M"))
		return 0;
	fprintf(out, "pinstress: hugetlbfs on %s (for libhugetlbfs), journaled\n",
		HUGETLBFS_DIR);
	return 0;
}

int prepare_machine(uint64_t hugepages, FILE *out, char *why, size_t len)
{
	int ret = prepare_swap(out, why, len);

	if (!ret)
		ret = prepare_thp(out, why, len);
	if (!ret)
		ret = prepare_hugepages(hugepages, out, why, len);
	if (!ret)
		ret = prepare_hugetlbfs(out);
	return ret;
}
