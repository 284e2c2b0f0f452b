// SPDX-License-Identifier: GPL-2.0
/* Scratch file setup and the O_DIRECT probe behind the --scratch check. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/scratch.h"

static int open_tmp(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd < 0 ? -errno : fd;
	/* No O_TMPFILE here: an unlinked file is just as invisible. */
	snprintf(path, sizeof(path), "%s/pinstress.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (fcntl(fd, F_SETFL, O_DIRECT)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int scratch_check_dir(const char *dir, char *why, size_t len)
{
	struct stat st;
	void *buf = NULL;
	int fd, ret = 0;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		ret = errno ? -errno : -ENOTDIR;
		snprintf(why, len, "scratch directory %s does not exist", dir);
		return ret;
	}
	fd = open_tmp(dir);
	if (fd < 0) {
		snprintf(why, len, "scratch directory %s: cannot open an O_DIRECT file: %s%s",
			 dir, strerror(-fd),
			 fd == -EINVAL ? " (no O_DIRECT; tmpfs needs Linux 6.6+)" : "");
		return fd;
	}
	if (posix_memalign(&buf, 4096, 4096)) {
		ret = -ENOMEM;
		goto out_close;
	}
	memset(buf, 0x5a, 4096);
	if (pwrite(fd, buf, 4096, 0) != 4096 || pread(fd, buf, 4096, 0) != 4096) {
		ret = errno ? -errno : -EIO;
		snprintf(why, len, "scratch directory %s does not support O_DIRECT I/O: %s",
			 dir, strerror(-ret));
	}
	free(buf);
out_close:
	close(fd);
	return ret;
}

int scratch_open(struct scratch *s, const char *dir, size_t slot_size, size_t nslots)
{
	int fd = open_tmp(dir);

	if (fd < 0)
		return fd;
	if (ftruncate(fd, (off_t)(slot_size * nslots))) {
		int err = -errno;

		close(fd);
		return err;
	}
	s->fd = fd;
	s->slot_size = slot_size;
	s->nslots = nslots;
	return 0;
}

void scratch_close(struct scratch *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
