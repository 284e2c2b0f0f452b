// SPDX-License-Identifier: GPL-2.0
/* Mounting debugfs on demand, and the split_huge_pages request format. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel/debugfs.h"
#include "kernel/kconst.h"
#include "kernel/tunable.h"

#define DEBUGFS_MAGIC	0x64626720

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool we_mounted;
static bool locked_down;

static bool mounted(void)
{
	struct statfs s;

	return !statfs(DEBUGFS_DIR, &s) && s.f_type == DEBUGFS_MAGIC;
}

const char *debugfs_probe(void)
{
	char line[128];
	bool known = false;
	FILE *f;

	if (mounted())
		return NULL;
	f = fopen("/proc/filesystems", "re");
	if (!f)
		return "cannot read /proc/filesystems";
	while (!known && fgets(line, sizeof(line), f))
		known = strstr(line, "\tdebugfs\n") != NULL;
	fclose(f);
	if (!known)
		return "kernel without debugfs (CONFIG_DEBUG_FS)";
	if (access(DEBUGFS_DIR, F_OK))
		return "no " DEBUGFS_DIR " to mount debugfs on";
	return NULL;
}

/* Runs in tunable_restore_all(): only what we mounted is unmounted. */
static int debugfs_undo(void *arg)
{
	int ret = 0;

	(void)arg;
	pthread_mutex_lock(&lock);
	if (we_mounted && umount2(DEBUGFS_DIR, MNT_DETACH))
		ret = -errno;
	we_mounted = false;
	pthread_mutex_unlock(&lock);
	return ret;
}

int debugfs_ensure(void)
{
	int ret = 0;

	pthread_mutex_lock(&lock);
	if (we_mounted || mounted())
		goto out;
	/* Register the undo first: if the table is full, change nothing. */
	ret = tunable_on_restore("umount", 2, (const char *[]){ DEBUGFS_DIR, "debugfs" },
				 debugfs_undo, NULL);
	if (ret)
		goto out;
	if (mount("debugfs", DEBUGFS_DIR, "debugfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		ret = -errno;
	else
		we_mounted = true;
out:
	pthread_mutex_unlock(&lock);
	return ret;
}

int debugfs_split_thp(const void *addr, size_t len, unsigned int new_order)
{
	char req[96];
	int fd, n, ret = 0;

	/* mm/huge_memory.c split_huge_pages_write(): "<pid>,0x<start>,0x<end>[,<order>]". */
	n = snprintf(req, sizeof(req), "%d,0x%lx,0x%lx,%u", getpid(), (unsigned long)addr,
		     (unsigned long)((uintptr_t)addr + len), new_order);
	fd = open(DEBUGFS_SPLIT_THP, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, req, (size_t)n) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int debugfs_split_ready(void)
{
	int fd, ret;

	if (locked_down)
		return -EPERM;
	ret = debugfs_ensure();
	if (ret)
		return ret;
	fd = open(DEBUGFS_SPLIT_THP, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	ret = -errno;
	pthread_mutex_lock(&lock);
	locked_down = ret == -EPERM;
	/* Of no use: leave the machine as it was right away. */
	if (we_mounted && !umount2(DEBUGFS_DIR, MNT_DETACH))
		we_mounted = false;
	pthread_mutex_unlock(&lock);
	return ret;
}

int thp_split_range(void *addr, size_t len, unsigned int new_order, bool debugfs)
{
	if (debugfs)
		return debugfs_split_thp(addr, len, new_order);
	/* Only deactivates the page otherwise: content and mapping stay. */
	if (madvise(addr, (size_t)sysconf(_SC_PAGESIZE), MADV_COLD))
		return errno == EINVAL ? -EINVAL : 0;
	return 0;
}
