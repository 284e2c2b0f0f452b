// SPDX-License-Identifier: GPL-2.0
/*
 * Saving and restoring tunables; a mutex because faults set them from
 * threads.  Every change is in the restore journal before it is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "kernel/tunable.h"

/* A saved value (kind "write"), or another undo: fn(arg), or the journal line's own. */
struct saved {
	char kind[16];
	char words[2][160];	/* "write": path, original value */
	int nwords;
	int (*fn)(void *arg);
	void *arg;
	long seq;		/* its journal line */
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

/* Journal @s (kind, words) and keep it; called with the lock held. */
static int record(struct saved *s)
{
	const char *argv[2] = { s->words[0], s->words[1] };

	if (nsaved == TUNABLE_MAX)
		return -ENOSPC;
	s->seq = journal_add(s->kind, s->nwords, argv);
	if (s->seq < 0)
		return (int)s->seq;
	saved[nsaved++] = *s;
	return 0;
}

/* Save @original (read from @path when NULL) unless @path is saved already. */
static int save_once(const char *path, const char *original)
{
	struct saved s = { .kind = "write", .nwords = 2 };
	int ret = 0;

	for (unsigned int i = 0; i < nsaved; i++)
		if (!saved[i].fn && !strcmp(saved[i].kind, "write") &&
		    !strcmp(saved[i].words[0], path))
			return 0;
	if (original)
		snprintf(s.words[1], sizeof(s.words[1]), "%s", original);
	else
		ret = tunable_read_choice(path, s.words[1], sizeof(s.words[1]));
	if (ret)
		return ret;
	snprintf(s.words[0], sizeof(s.words[0]), "%s", path);
	return record(&s);
}

int tunable_set_from(const char *path, const char *original, const char *val)
{
	int ret;

	pthread_mutex_lock(&lock);
	ret = save_once(path, original);
	if (!ret)
		ret = tunable_poke(path, val);
	pthread_mutex_unlock(&lock);
	return ret;
}

int tunable_set(const char *path, const char *val)
{
	return tunable_set_from(path, NULL, val);
}

int tunable_set_u64(const char *path, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return tunable_set(path, buf);
}

int tunable_poke(const char *path, const char *val)
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

int tunable_on_restore(const char *kind, int argc, const char *const *argv,
		       int (*fn)(void *arg), void *arg)
{
	struct saved s = { .fn = fn, .arg = arg, .nwords = argc };
	int ret;

	if (argc > 2)
		return -E2BIG;
	snprintf(s.kind, sizeof(s.kind), "%s", kind);
	for (int i = 0; i < argc; i++)
		snprintf(s.words[i], sizeof(s.words[i]), "%s", argv[i]);
	pthread_mutex_lock(&lock);
	ret = record(&s);
	pthread_mutex_unlock(&lock);
	return ret;
}

static int undo(struct saved *s)
{
	char *argv[2] = { s->words[0], s->words[1] };

	return s->fn ? s->fn(s->arg) : journal_undo(s->kind, s->nwords, argv);
}

int tunable_restore_all(void)
{
	return tunable_restore_to(0);
}

int tunable_restore_to(unsigned int mark)
{
	int failed = 0;

	pthread_mutex_lock(&lock);
	while (nsaved > mark) {
		struct saved *s = &saved[--nsaved];

		if (undo(s)) {
			fprintf(stderr, "pinstress: cannot undo %s %s %s (left in the journal)\n",
				s->kind, s->words[0], s->words[1]);
			failed++;
			continue;
		}
		journal_done(s->seq);
	}
	pthread_mutex_unlock(&lock);
	return failed;
}

unsigned int tunable_saved_count(void)
{
	return nsaved;
}

void tunable_forget_all(void)
{
	pthread_mutex_lock(&lock);
	nsaved = 0;
	pthread_mutex_unlock(&lock);
}
