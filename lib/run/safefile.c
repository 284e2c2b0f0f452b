// SPDX-License-Identifier: GPL-2.0
/* Regular inputs of bounded size, outputs that follow no link (see safefile.h). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/safefile.h"

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int safefile_open(const char *path, size_t max, char *why, size_t len)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer before fstat refuses it. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), ret;
	struct stat st = { 0 };

	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: %s, not a regular file", path, kind_of(st.st_mode));
		close(fd);
		return -EINVAL;
	}
	if ((size_t)st.st_size > max) {
		snprintf(why, len, "%s: %lld bytes, more than the %zu a file here may have", path,
			 (long long)st.st_size, max);
		close(fd);
		return -EFBIG;
	}
	fcntl(fd, F_SETFL, 0);
	return fd;
}

int safefile_read(const char *path, size_t max, char **buf, size_t *n, char *why, size_t len)
{
	int fd = safefile_open(path, max, why, len);
	char *b;
	ssize_t r;

	if (fd < 0)
		return fd;
	b = malloc(max + 1);
	*n = 0;
	/* Read to the end, at most max + 1 bytes: a file that grew meanwhile is refused too. */
	while (b && *n <= max && (r = read(fd, b + *n, max + 1 - *n)) > 0)
		*n += (size_t)r;
	close(fd);
	if (!b || *n > max) {
		snprintf(why, len, "%s: %s", path, b ? "grew beyond its limit while read" :
			 "out of memory");
		free(b);
		return b ? -EFBIG : -ENOMEM;
	}
	b[*n] = 0;
	*buf = b;
	return 0;
}

/* A name next to @path nobody can guess: "DIR/.NAME.XXXXXXXXXXXXXXXX". */
static int tmp_name(const char *path, char *tmp, size_t len)
{
	char dcopy[PATH_MAX], bcopy[PATH_MAX];
	unsigned long long r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		return -EIO;
	snprintf(dcopy, sizeof(dcopy), "%s", path);
	snprintf(bcopy, sizeof(bcopy), "%s", path);
	if (snprintf(tmp, len, "%s/.%s.%016llx", dirname(dcopy), basename(bcopy), r) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int safefile_write(const char *path, const void *data, size_t n, char *why, size_t len)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd, ret = tmp_name(path, tmp, sizeof(tmp));

	if (ret) {
		snprintf(why, len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "%s: cannot create a file in its directory: %s", path,
			 strerror(errno));
		return ret;
	}
	while (n && !ret) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			ret = w < 0 ? -errno : -EIO;
		else
			p += w, n -= (size_t)w;
	}
	if (close(fd) && !ret)
		ret = -errno;
	/* rename() replaces a symlink at @path, never follows it. */
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		snprintf(why, len, "%s: %s", path, strerror(-ret));
		unlink(tmp);
	}
	return ret;
}

int safefile_check_output(const char *path, char *why, size_t len)
{
	char dcopy[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	const char *dir;
	int fd;

	snprintf(dcopy, sizeof(dcopy), "%s", path);
	dir = dirname(dcopy);
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: directory %s does not exist", path, dir);
		return -ENOENT;
	}
	if (!lstat(path, &st) && !S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s: %s, not a regular file", path,
			 S_ISLNK(st.st_mode) ? "a symbolic link" : kind_of(st.st_mode));
		return -EINVAL;
	}
	/* Root passes access(W_OK) even on /proc: make and remove a file to know. */
	if (tmp_name(path, tmp, sizeof(tmp)) ||
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		snprintf(why, len, "%s: cannot create a file in %s: %s", path, dir, strerror(errno));
		return -EACCES;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

int safefile_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK |
			    O_CLOEXEC, 0600);
	struct stat st = { 0 };

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	fcntl(fd, F_SETFL, O_APPEND);
	return fd;
}
