// SPDX-License-Identifier: GPL-2.0
/* Readers for /proc/self/pagemap, /proc/self/smaps and /proc/kpageflags. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/pagemap.h"

int pagemap_read(int fd, const void *addr, size_t n, uint64_t *out)
{
	size_t psize = (size_t)sysconf(_SC_PAGESIZE);
	off_t off = (off_t)((uintptr_t)addr / psize * sizeof(uint64_t));
	size_t want = n * sizeof(uint64_t);
	ssize_t got = pread(fd, out, want, off);

	if (got < 0)
		return -errno;
	return (size_t)got == want ? 0 : -EIO;
}

/* A smaps VMA header line: "start-end perms offset dev inode [path]". */
static int parse_vma(const char *line, uintptr_t *lo, uintptr_t *hi)
{
	return sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", lo, hi) == 2 ? 0 : -1;
}

int smaps_sum(const void *addr, size_t len, const char *field, uint64_t *bytes)
{
	uintptr_t a = (uintptr_t)addr, lo, hi;
	size_t flen = strlen(field);
	bool in = false, any = false;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -errno;
	*bytes = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long kb;

		if (!parse_vma(line, &lo, &hi)) {
			in = lo < a + len && hi > a;
			any |= in;
			continue;
		}
		if (in && !strncmp(line, field, flen) && line[flen] == ':' &&
		    sscanf(line + flen + 1, "%llu", &kb) == 1)
			*bytes += kb * 1024;
	}
	fclose(f);
	return any ? 0 : -ENOENT;
}

int kpageflags_read(uint64_t pfn, uint64_t *flags)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = pread(fd, flags, sizeof(*flags), (off_t)(pfn * sizeof(*flags)));
	close(fd);
	if (got < 0)
		return -errno;
	return got == sizeof(*flags) ? 0 : -EIO;
}

int page_kpageflags(const void *addr, uint64_t *flags)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint64_t e;
	int ret;

	if (fd < 0)
		return -errno;
	ret = pagemap_read(fd, addr, 1, &e);
	close(fd);
	if (ret)
		return ret;
	if (!(e & PM_PRESENT))
		return -ENOENT;
	if (!(e & PM_PFN_MASK))
		return -EPERM;	/* PFNs hidden: not root */
	return kpageflags_read(e & PM_PFN_MASK, flags);
}
