// SPDX-License-Identifier: GPL-2.0
/*
 * file: MAP_SHARED of a regular file on the scratch filesystem (--scratch),
 * so the region is page cache: written back by the flusher and by the
 * writeback fault (msync, sync_file_range) while the kernel writes into it
 * through pins (mm/page-writeback.c, folio_mkclean, the filesystem's
 * writepages).  The file is O_TMPFILE (or unlinked at once): nothing is
 * left behind, even after SIGKILL.  Its blocks are allocated up front so
 * that a full filesystem fails setup instead of raising SIGBUS later.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "kernel/kconst.h"

extern const struct backing_ops backing_file;

struct file_priv {
	int fd;
};

static int open_unlinked(const char *dir)
{
	char path[PATH_MAX];
	int fd;

	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd < 0 ? -errno : fd;
	snprintf(path, sizeof(path), "%s/pinstress-file.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

int backing_file_fd(const struct job *j)
{
	const struct file_priv *p = j->bk_priv;

	if (j->backing != &backing_file || !p)
		return -EBADF;
	return p->fd;
}

static int file_map(struct job *j, size_t size)
{
	struct file_priv *p;
	int fd, ret;

	if (!j->scratch_dir || !j->scratch_dir[0])
		return -ENOENT;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	fd = open_unlinked(j->scratch_dir);
	if (fd < 0) {
		free(p);
		return fd;
	}
	ret = -posix_fallocate(fd, 0, (off_t)size);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		ret = ftruncate(fd, (off_t)size) ? -errno : 0;
	if (!ret)
		ret = backing_map_shared(&j->reg, fd, size, pmd_size());
	if (ret) {
		close(fd);
		free(p);
		return ret;
	}
	p->fd = fd;
	j->bk_priv = p;
	return 0;
}

static void file_unmap(struct job *j)
{
	struct file_priv *p = j->bk_priv;

	backing_unmap_common(j);
	if (p)
		close(p->fd);
	free(p);
	j->bk_priv = NULL;
}

/* Every present page is page cache of a regular file per kpageflags. */
static int file_check(struct job *j, char *why, size_t len)
{
	struct census c;
	int ret = census_take(j->reg.base, j->reg.size, &c);

	if (ret)
		return ret;
	if (!c.file || c.file != c.present) {
		snprintf(why, len, "%llu of %llu present pages are file page cache per kpageflags",
			 (unsigned long long)c.file, (unsigned long long)c.present);
		return -ENOTSUP;
	}
	return 0;
}

const struct backing_ops backing_file = {
	.name = "file",
	.desc = "MAP_SHARED of a file on the scratch filesystem, with writeback (msync, sync_file_range)",
	.caps = MC_SHARED | MC_FILE,
	.proof = "file_bytes_start",
	.implies = "writeback",
	.map = file_map,
	.unmap = file_unmap,
	.check = file_check,
};
