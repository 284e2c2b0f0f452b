// SPDX-License-Identifier: GPL-2.0
/* A zram swap device made and removed by pinstress (see zram.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/swap.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "kernel/tunable.h"
#include "kernel/zram.h"

#define ZRAM_CONTROL	"/sys/class/zram-control"

/* The v1 swap header mkswap writes (include/linux/swap.h union swap_header). */
struct swap_header_v1 {
	char bootbits[1024];
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	unsigned char uuid[16];
	char volume_name[16];
	uint32_t padding[117];
	uint32_t badpages[1];
};

static int dev_path(int dev, char *buf, size_t len)
{
	return snprintf(buf, len, "/dev/zram%d", dev) < (int)len ? 0 : -ENAMETOOLONG;
}

static int write_header(const char *path, uint64_t bytes)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *page = calloc(1, (size_t)ps);
	struct swap_header_v1 *h = (struct swap_header_v1 *)page;
	int fd, ret = 0;

	if (!page)
		return -ENOMEM;
	h->version = 1;
	h->last_page = (uint32_t)(bytes / (uint64_t)ps - 1);
	memcpy(page + ps - 10, "SWAPSPACE2", 10);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, page, (size_t)ps, 0) != ps || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(page);
	return ret;
}

int zram_swap_add(uint64_t bytes, int prio, int *dev)
{
	char path[64], val[32];
	uint64_t n;
	int ret;

	if (access(ZRAM_CONTROL "/hot_add", R_OK))
		return -ENOENT;
	ret = tunable_read_u64(ZRAM_CONTROL "/hot_add", &n);
	if (ret)
		return ret;
	*dev = (int)n;
	/* The device exists from the read on: journal it at once (its undo removes it). */
	snprintf(val, sizeof(val), "%d", *dev);
	ret = tunable_on_restore("zram", 1, (const char *[]){ val }, NULL, NULL);
	if (ret) {
		journal_undo("zram", 1, (char *[]){ val });
		return ret;
	}
	snprintf(path, sizeof(path), "/sys/block/zram%d/disksize", *dev);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)bytes);
	ret = tunable_poke(path, val);
	if (!ret)
		ret = dev_path(*dev, path, sizeof(path));
	if (!ret)
		ret = write_header(path, bytes);
	if (!ret && swapon(path, SWAP_FLAG_PREFER | (prio & SWAP_FLAG_PRIO_MASK)))
		ret = -errno;
	return ret;
}
