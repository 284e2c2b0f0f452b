// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb pool reservation and the check shared by hugetlb, hugetlb-1g and
 * memfd-hugetlb.  /sys/kernel/mm/hugepages/hugepages-<N>kB/nr_hugepages:
 * writing a larger value makes the kernel allocate that many pages if it
 * can (mm/hugetlb.c set_max_huge_pages()); it may grant fewer without an
 * error, so the value is read back.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run/caps.h"
#include "kernel/census.h"
#include "kernel/hugetlb.h"
#include "kernel/klog.h"
#include "kernel/pagemap.h"
#include "kernel/tunable.h"

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

/* @file ("nr_hugepages", "free_hugepages") of the pool of @page_kb pages. */
static void pool_path(unsigned long page_kb, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "/sys/kernel/mm/hugepages/hugepages-%lukB/%s", page_kb, file);
}

/* x86: the CPU's flags line names no 1 GiB page support (pdpe1gb). */
static bool cpu_lacks_pdpe1gb(void)
{
	char line[4096];
	bool x86 = false, has = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		x86 = true;
		has = strstr(line, " pdpe1gb") != NULL;
		break;
	}
	fclose(f);
	return x86 && !has;
}

const char *hugetlb_probe(unsigned long page_kb)
{
	char path[128];

	pool_path(page_kb, "nr_hugepages", path, sizeof(path));
	if (access(path, F_OK)) {
		if (page_kb == HUGETLB_2M_KB)
			return "no 2 MiB hugetlb pool (CONFIG_HUGETLBFS?)";
		return cpu_lacks_pdpe1gb() ? "CPU without 1 GiB pages (no pdpe1gb in /proc/cpuinfo)"
					   : "no 1 GiB hugetlb pool on this machine";
	}
	if (access(path, W_OK))
		return "cannot write nr_hugepages (not root?)";
	return NULL;
}

static const char *size_name(unsigned long page_kb)
{
	return page_kb == HUGETLB_1G_KB ? "1 GiB" : "2 MiB";
}

/*
 * Grow the pool of @page_kb pages by @want free pages; @cur and @got are
 * the pages in it before and after.  The sysfs nr_hugepages reads every
 * page in existence, surplus pages included: after a shrink, the pages
 * still held (io_uring unpins registered buffers from a workqueue after
 * the ring is closed) stay as surplus until freed, and raising the count
 * turns them back into pool pages first (mm/hugetlb.c set_max_huge_pages(),
 * adjust_pool_surplus()).  So the write is @cur + @want, but what is saved
 * to restore is the setting, @cur less the surplus: saving the reading
 * kept those pages in the pool for good.
 */
static int pool_grow(unsigned long page_kb, uint64_t want, uint64_t *cur, uint64_t *got)
{
	char path[128], orig[32], val[32];
	uint64_t surplus = 0;
	int ret;

	pool_path(page_kb, "surplus_hugepages", path, sizeof(path));
	ret = tunable_read_u64(path, &surplus);
	pool_path(page_kb, "nr_hugepages", path, sizeof(path));
	if (!ret)
		ret = tunable_read_u64(path, cur);
	if (ret)
		return ret;
	snprintf(orig, sizeof(orig), "%llu",
		 (unsigned long long)(*cur > surplus ? *cur - surplus : 0));
	snprintf(val, sizeof(val), "%llu", (unsigned long long)(*cur + want));
	ret = tunable_set_from(path, orig, val);
	/* A short grant is not an error from the write: read what we got. */
	if (!ret || ret == -ENOMEM)
		ret = tunable_read_u64(path, got);
	return ret;
}

int hugetlb_reserve(unsigned long page_kb, unsigned long need, unsigned long want, char *why,
		    size_t len)
{
	uint64_t cur = 0, got = 0;
	int ret;

	pthread_mutex_lock(&pool_lock);
	ret = pool_grow(page_kb, want, &cur, &got);
	pthread_mutex_unlock(&pool_lock);
	if (ret) {
		snprintf(why, len, "hugetlb pool of %s pages: %s", size_name(page_kb),
			 strerror(-ret));
		return ret;
	}
	if (got < cur + need) {
		snprintf(why, len, "could reserve only %llu of %lu %s pages (nr_hugepages %llu -> %llu)",
			 (unsigned long long)(got > cur ? got - cur : 0), need, size_name(page_kb),
			 (unsigned long long)cur, (unsigned long long)got);
		return -ENOTSUP;
	}
	return 0;
}

int hugetlb_check_region(struct job *j, unsigned long page_kb, char *why, size_t len)
{
	uint64_t kps = 0;
	struct census c;
	int ret;

	ret = smaps_sum(j->reg.base, j->reg.size, "KernelPageSize", &kps);
	if (ret)
		return ret;
	if (kps != page_kb * 1024) {
		snprintf(why, len, "region's KernelPageSize is %llu kB, not %lu kB",
			 (unsigned long long)kps / 1024, page_kb);
		return -ENOTSUP;
	}
	ret = census_take(j->reg.base, j->reg.size, &c);
	if (ret)
		return ret;
	if (c.hugetlb != c.pages) {
		snprintf(why, len, "only %llu of %llu pages are hugetlb per kpageflags",
			 (unsigned long long)c.hugetlb, (unsigned long long)c.pages);
		return -ENOTSUP;
	}
	return 0;
}

unsigned long hugetlb_private_copies(const struct job *j)
{
	unsigned int kinds = job_fork_kinds(j);

	/*
	 * Each kind of fork child that holds the region adds its copy and the
	 * parent's COW copy.  Those are the children of every job of the
	 * round that forks: six fork jobs at once in the matrix emptied a
	 * pool sized for a job's own children, and the kernel killed children
	 * ("killed due to inadequate hugepage pool").
	 */
	if (kinds && j->round_fork_kinds > kinds)
		kinds = j->round_fork_kinds;
	return 2 + 2 * (unsigned long)kinds;
}

unsigned long hugetlb_free_pages(unsigned long page_kb)
{
	char path[128];
	uint64_t n = 0;

	pool_path(page_kb, "free_hugepages", path, sizeof(path));
	return tunable_read_u64(path, &n) ? 0 : (unsigned long)n;
}

bool hugetlb_child_killed_for_pool(const struct job *j, pid_t pid, int status)
{
	char needle[80];

	if (!(j->caps & MC_HUGETLB) || status != 128 + SIGBUS)
		return false;
	snprintf(needle, sizeof(needle), "PID %d killed due to inadequate hugepage pool", (int)pid);
	return klog_contains(needle) == 1;
}
