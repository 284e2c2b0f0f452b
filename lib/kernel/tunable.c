// SPDX-License-Identifier: GPL-2.0
/* Saving and restoring tunables; a mutex because faults set them from threads. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/tunable.h"

/* A saved value, or an undo function when fn is set. */
struct saved {
	char path[160];
	char val[96];
	int (*fn)(void *arg);
	void *arg;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct saved saved[TUNABLE_MAX];
static unsigned int nsaved;

int tunable_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return 0;
}

int tunable_read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int ret = tunable_read(path, buf, sizeof(buf));

	if (ret)
		return ret;
	return sscanf(buf, "%" SCNu64, v) == 1 ? 0 : -EINVAL;
}

int tunable_read_choice(const char *path, char *buf, size_t len)
{
	char raw[256], *lb, *rb;
	int ret = tunable_read(path, raw, sizeof(raw));

	if (ret)
		return ret;
	lb = strchr(raw, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (!rb) {
		/* Plain files (e.g. zswap's Y/N) hold the value itself. */
		snprintf(buf, len, "%s", raw);
		return 0;
	}
	*rb = 0;
	snprintf(buf, len, "%s", lb + 1);
	return 0;
}

static int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == strlen(val) ? 0 : -EIO;
}

static int save_once(const char *path)
{
	for (unsigned int i = 0; i < nsaved; i++)
		if (!saved[i].fn && !strcmp(saved[i].path, path))
			return 0;
	if (nsaved == TUNABLE_MAX)
		return -ENOSPC;
	if (tunable_read_choice(path, saved[nsaved].val, sizeof(saved[nsaved].val)))
		return -errno ? -errno : -EIO;
	snprintf(saved[nsaved].path, sizeof(saved[nsaved].path), "%s", path);
	nsaved++;
	return 0;
}

int tunable_set(const char *path, const char *val)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = save_once(path);
	if (!ret)
		ret = write_str(path, val);
	pthread_mutex_unlock(&lock);
	return ret;
}

int tunable_set_u64(const char *path, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return tunable_set(path, buf);
}

int tunable_poke(const char *path, const char *val)
{
	return write_str(path, val);
}

int tunable_on_restore(int (*fn)(void *arg), void *arg)
{
	int ret = -ENOSPC;

	pthread_mutex_lock(&lock);
	if (nsaved < TUNABLE_MAX) {
		saved[nsaved] = (struct saved){ .fn = fn, .arg = arg };
		nsaved++;
		ret = 0;
	}
	pthread_mutex_unlock(&lock);
	return ret;
}

int tunable_restore_all(void)
{
	int failed = 0;

	pthread_mutex_lock(&lock);
	while (nsaved) {
		struct saved *s = &saved[--nsaved];

		if (s->fn) {
			failed += s->fn(s->arg) != 0;
			continue;
		}
		if (write_str(s->path, s->val)) {
			fprintf(stderr, "pinstress: cannot restore %s to '%s'\n", s->path, s->val);
			failed++;
		}
	}
	pthread_mutex_unlock(&lock);
	return failed;
}

unsigned int tunable_saved_count(void)
{
	return nsaved;
}
