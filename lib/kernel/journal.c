// SPDX-License-Identifier: GPL-2.0
/* The restore journal (see journal.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "run/clock.h"
#include "kernel/mounts.h"

#define JOURNAL_ARGS	4
#define JOURNAL_MAX	1024	/* lines read back at recovery */
#define CGROUP_RMDIR_MS	2000

static char owner[48];		/* "pid:starttime" of new entries */
static atomic_long next_seq;

const char *journal_dir(void)
{
	const char *env = getenv("PINSTRESS_RUN_DIR");

	return env && *env ? env : JOURNAL_DEFAULT_DIR;
}

static int journal_path(char *buf, size_t len)
{
	return snprintf(buf, len, "%s/journal", journal_dir()) < (int)len ? 0 : -ENAMETOOLONG;
}

/*
 * "pid:starttime" of @pid (field 22 of /proc/PID/stat), or -errno when it
 * is gone.  A zombie is gone: it keeps its stat until its parent reaps it,
 * which for an owner killed under an exited shell may be never soon.
 */
static int owner_of(pid_t pid, char *buf, size_t len)
{
	char path[64], stat[1024], *p;
	unsigned long long start;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	p = fgets(stat, sizeof(stat), f);
	fclose(f);
	/* The command name may hold spaces and parentheses: count from the last ')'. */
	p = p ? strrchr(stat, ')') : NULL;
	if (p && (p[2] == 'Z' || p[2] == 'X'))
		return -ESRCH;
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return -EINVAL;
	snprintf(buf, len, "%d:%llu", (int)pid, start);
	return 0;
}

static bool owner_alive(const char *who)
{
	char now[48];
	int pid = atoi(who);

	return pid > 0 && !owner_of(pid, now, sizeof(now)) && !strcmp(now, who);
}

int journal_set_owner(pid_t pid)
{
	return owner_of(pid ? pid : getpid(), owner, sizeof(owner));
}

/* Words are written with ' ', '%' and control characters as %XX. */
static size_t escape(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; *src && n + 4 < len; src++) {
		unsigned char c = (unsigned char)*src;

		if (c <= ' ' || c == '%' || c == 0x7f)
			n += (size_t)snprintf(dst + n, len - n, "%%%02x", c);
		else
			dst[n++] = (char)c;
	}
	dst[n] = 0;
	return *src ? 0 : n;
}

static void unescape(char *s)
{
	char *d = s;
	unsigned int c;

	for (; *s; s++) {
		if (*s == '%' && sscanf(s + 1, "%2x", &c) == 1) {
			*d++ = (char)c;
			s += 2;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/* The journal's directory, made 0700 by us or refused if it is not a plain directory. */
static int dir_ready(void)
{
	const char *dir = journal_dir();
	struct stat st;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return -EPERM;
	return 0;
}

static int append(const char *line)
{
	char path[PATH_MAX];
	size_t n = strlen(line);
	ssize_t w;
	int fd, ret = journal_path(path, sizeof(path));

	if (!ret)
		ret = dir_ready();
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	w = write(fd, line, n);
	ret = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	close(fd);
	return ret;
}

long journal_add(const char *kind, int argc, const char *const *argv)
{
	char line[JOURNAL_LINE_MAX];
	long seq;
	size_t n;
	int ret;

	if (!owner[0] && (ret = journal_set_owner(0)))
		return ret;
	seq = atomic_fetch_add(&next_seq, 1) + 1;
	n = (size_t)snprintf(line, sizeof(line), "+ %s %d.%ld %s", owner, (int)getpid(), seq,
			     kind);
	for (int i = 0; i < argc && n < sizeof(line); i++) {
		line[n++] = ' ';
		if (n >= sizeof(line) || !escape(line + n, sizeof(line) - n - 1, argv[i]))
			return -ENAMETOOLONG;
		n += strlen(line + n);
	}
	if (n + 1 >= sizeof(line))
		return -ENAMETOOLONG;
	line[n++] = '\n';
	line[n] = 0;
	ret = append(line);
	return ret ? ret : seq;
}

static int mark_done(const char *who, const char *id)
{
	char line[128];

	snprintf(line, sizeof(line), "- %s %s\n", who, id);
	return append(line);
}

int journal_done(long seq)
{
	char id[48];

	snprintf(id, sizeof(id), "%d.%ld", (int)getpid(), seq);
	return mark_done(owner, id);
}

static int write_value(const char *path, const char *val)
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

static int undo_zram(const char *num)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/dev/zram%s", num);
	if (swapoff(path) && errno != EINVAL && errno != ENOENT)
		return -errno;
	snprintf(path, sizeof(path), "/sys/block/zram%s/reset", num);
	if (access(path, F_OK))
		return 0;	/* already removed */
	write_value(path, "1");
	ret = write_value("/sys/class/zram-control/hot_remove", num);
	return ret == -ENODEV ? 0 : ret;
}

static int undo_umount(const char *path, const char *fstype)
{
	if (!mount_is(path, fstype))
		return 0;
	if (umount2(path, 0) && umount2(path, MNT_DETACH))
		return -errno;
	return 0;
}

/* Our scratch directory: its plain files (O_DIRECT probes, leftovers), then itself. */
static int undo_scratch(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)))
		if (e->d_type == DT_REG)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	return rmdir(path) && errno != ENOENT ? -errno : 0;
}

/* Our cgroup: whatever is left in it goes to its parent, then it is removed. */
static int undo_cgroup(const char *path)
{
	char procs[PATH_MAX], parent[PATH_MAX], copy[PATH_MAX], pid[32];
	FILE *f;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", path);
	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(parent, sizeof(parent), "%s/cgroup.procs", dirname(copy));
	f = fopen(procs, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(pid, sizeof(pid), f))
		write_value(parent, pid);
	fclose(f);
	/* Exiting tasks may still be leaving it: a bounded retry. */
	for (int ms = 0; rmdir(path); ms += 20) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || ms >= CGROUP_RMDIR_MS)
			return -errno;
		nap_us(20 * 1000);
	}
	return 0;
}

static int undo_nice(const char *pid, const char *nice)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;	/* gone: nothing to give back */
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = 0;
	fclose(f);
	if (strcmp(comm, "ksmd\n"))
		return 0;	/* the pid is someone else's now */
	return setpriority(PRIO_PROCESS, (id_t)atoi(pid), atoi(nice)) ? -errno : 0;
}

int journal_undo(const char *kind, int argc, char *const *argv)
{
	if (!strcmp(kind, "write") && argc == 2)
		return write_value(argv[0], argv[1]);
	if (!strcmp(kind, "zram") && argc == 1)
		return undo_zram(argv[0]);
	if (!strcmp(kind, "umount") && argc == 2)
		return undo_umount(argv[0], argv[1]);
	if (!strcmp(kind, "rmdir") && argc == 1)
		return rmdir(argv[0]) && errno != ENOENT ? -errno : 0;
	if (!strcmp(kind, "scratch") && argc == 1)
		return undo_scratch(argv[0]);
	if (!strcmp(kind, "cgroup") && argc == 1)
		return undo_cgroup(argv[0]);
	if (!strcmp(kind, "nice") && argc == 2)
		return undo_nice(argv[0], argv[1]);
	return -EINVAL;
}

struct entry {
	char who[48], id[48], kind[16];
	char *argv[JOURNAL_ARGS];
	int argc;
	bool done;
	char buf[JOURNAL_LINE_MAX + 2];
};

/* "+ WHO ID KIND ARG..." into @e; false if the line is not one. */
static bool parse_add(char *line, struct entry *e)
{
	char *save = NULL, *w;

	snprintf(e->buf, sizeof(e->buf), "%s", line);
	if (!strtok_r(e->buf, " \n", &save))
		return false;
	w = strtok_r(NULL, " \n", &save);
	if (!w || snprintf(e->who, sizeof(e->who), "%s", w) >= (int)sizeof(e->who))
		return false;
	w = strtok_r(NULL, " \n", &save);
	if (!w || snprintf(e->id, sizeof(e->id), "%s", w) >= (int)sizeof(e->id))
		return false;
	w = strtok_r(NULL, " \n", &save);
	if (!w || snprintf(e->kind, sizeof(e->kind), "%s", w) >= (int)sizeof(e->kind))
		return false;
	for (e->argc = 0; (w = strtok_r(NULL, " \n", &save)) && e->argc < JOURNAL_ARGS;) {
		unescape(w);
		e->argv[e->argc++] = w;
	}
	e->done = false;
	return true;
}

/* Every "+" line, with done set for those a "-" line closed. */
static int load(struct entry *ents, unsigned int *n)
{
	char path[PATH_MAX], line[JOURNAL_LINE_MAX + 2], who[48], id[48];
	int ret = journal_path(path, sizeof(path));
	int fd;
	FILE *f;

	*n = 0;
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '+' && *n < JOURNAL_MAX && parse_add(line, &ents[*n])) {
			(*n)++;
		} else if (line[0] == '-' && sscanf(line, "- %47s %47s", who, id) == 2) {
			for (unsigned int i = 0; i < *n; i++)
				if (!strcmp(ents[i].who, who) && !strcmp(ents[i].id, id))
					ents[i].done = true;
		}
	}
	fclose(f);
	return 0;
}

int journal_recover(pid_t also, FILE *out, unsigned int *failed)
{
	struct entry *ents = calloc(JOURNAL_MAX, sizeof(*ents));
	char path[PATH_MAX];
	unsigned int n, open_left = 0;
	int ret, undone = 0;

	*failed = 0;
	if (!ents)
		return -ENOMEM;
	ret = load(ents, &n);
	for (unsigned int i = n; !ret && i-- > 0;) {
		struct entry *e = &ents[i];
		int err;

		if (e->done)
			continue;
		if (atoi(e->who) != also && owner_alive(e->who)) {
			open_left++;
			continue;
		}
		err = journal_undo(e->kind, e->argc, e->argv);
		fprintf(out, "pinstress: %s what pid %d left: %s", err ? "could not undo" : "undid",
			atoi(e->who), e->kind);
		for (int k = 0; k < e->argc; k++)
			fprintf(out, " %s", e->argv[k]);
		fprintf(out, err ? " (%s)\n" : "\n", strerror(-err));
		if (err) {
			(*failed)++;
			open_left++;
			continue;
		}
		undone++;
		mark_done(e->who, e->id);
	}
	/* Nothing open any more: start the next run with an empty journal. */
	if (!ret && !open_left && !journal_path(path, sizeof(path)))
		unlink(path);
	free(ents);
	return ret ? ret : undone;
}
