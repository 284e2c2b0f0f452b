// SPDX-License-Identifier: GPL-2.0
/*
 * The run's memory cgroup (memcg.h): made on the first reference, removed
 * with the last or by the restore journal's "cgroup" line.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "kernel/memcg.h"
#include "kernel/mounts.h"
#include "kernel/tunable.h"

#define CG_PATH			512

/* The run's cgroup, shared by every job that holds a reference. */
static struct {
	pthread_mutex_t lock;
	unsigned int refs;
	unsigned int gen;	/* bumped each time a cgroup is made */
	bool active;
	int version;
	char dir[CG_PATH];	/* ours */
	char orig[CG_PATH];	/* where the process was */
} cg = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Our cgroup path in the hierarchy with controller @ctrl ("" for v2). */
static int self_cgroup(const char *ctrl, char *out, size_t len)
{
	char line[1024];
	int ret = -ENOENT;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		bool hit = false;

		if (!c2)
			continue;
		*c2 = 0;
		if (!*ctrl) {
			hit = c2 == c1 + 1;
		} else {
			char *tok, *save;

			for (tok = strtok_r(c1 + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				hit |= !strcmp(tok, ctrl);
		}
		if (!hit)
			continue;
		c2[1 + strcspn(c2 + 1, "\n")] = 0;
		snprintf(out, len, "%s", c2 + 1);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

static bool word_in_file(const char *path, const char *word)
{
	char buf[512], *tok, *save;

	if (tunable_read(path, buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/*
 * Where our cgroup goes: @parent (the v2 root, or our v1 memory cgroup)
 * and @orig (our current cgroup in that hierarchy).  Returns the version,
 * or -errno.
 */
static int cg_locate(char *parent, char *orig, size_t len)
{
	char mnt[CG_PATH], rel[CG_PATH], path[CG_PATH + 32];

	if (!mount_find("cgroup2", NULL, mnt, sizeof(mnt))) {
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", mnt);
		if (word_in_file(path, "memory") && !self_cgroup("", rel, sizeof(rel))) {
			snprintf(parent, len, "%s", mnt);
			if (snprintf(orig, len, "%s%s", mnt, strcmp(rel, "/") ? rel : "") >= (int)len)
				return -ENAMETOOLONG;
			return 2;
		}
	}
	if (!mount_find("cgroup", "memory", mnt, sizeof(mnt)) &&
	    !self_cgroup("memory", rel, sizeof(rel))) {
		if (snprintf(orig, len, "%s%s", mnt, strcmp(rel, "/") ? rel : "") >= (int)len)
			return -ENAMETOOLONG;
		snprintf(parent, len, "%s", orig);
		return 1;
	}
	return -ENOENT;
}

const char *memcg_probe(void)
{
	char parent[CG_PATH], orig[CG_PATH], path[CG_PATH + 32];
	int v = cg_locate(parent, orig, sizeof(parent));

	if (v < 0)
		return "no memory cgroup controller (v2 root subtree_control or v1 mount)";
	if (access(parent, W_OK))
		return "cannot create a memory cgroup (not root?)";
	snprintf(path, sizeof(path), "%s/%s", orig,
		 v == 2 ? "memory.reclaim" : "memory.limit_in_bytes");
	/* v2: memory.reclaim exists in every non-root memcg since 5.19; check the root's peer. */
	if (v == 1 && access(path, F_OK))
		return "memory cgroup v1 without memory.limit_in_bytes";
	return NULL;
}

static int cg_file(const char *file, char *path, size_t len)
{
	return snprintf(path, len, "%s/%s", cg.dir, file) < (int)len ? 0 : -ENAMETOOLONG;
}

static int cg_poke(const char *file, const char *val)
{
	char path[CG_PATH + 32];

	if (cg_file(file, path, sizeof(path)))
		return -ENAMETOOLONG;
	/* Our own cgroup: it goes away with rmdir, nothing to save. */
	return tunable_poke(path, val);
}

static int move_self(const char *dir)
{
	char path[CG_PATH + 32], pid[24];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return tunable_poke(path, pid);
}

/*
 * Back where we were, then remove ours as the journal's undo does (what
 * is left, exiting fork children, goes to the parent; a bounded retry).
 * Called with cg.lock held.
 */
static int cg_undo_locked(void)
{
	int ret, gone;

	if (!cg.active)
		return 0;
	ret = move_self(cg.orig);
	gone = journal_undo("cgroup", 1, (char *[]){ cg.dir });
	if (!ret)
		ret = gone;
	/* On failure stay active: the driver's restore tries again and reports it. */
	if (!ret) {
		cg.active = false;
		cg.refs = 0;
	}
	return ret;
}

static int cg_undo(void *arg)
{
	int ret;

	(void)arg;
	pthread_mutex_lock(&cg.lock);
	ret = cg_undo_locked();
	pthread_mutex_unlock(&cg.lock);
	return ret;
}

/* Make our cgroup and enter it.  Called with cg.lock held. */
static int cg_create_locked(void)
{
	char parent[CG_PATH];
	int ret, v = cg_locate(parent, cg.orig, sizeof(cg.orig));

	if (v < 0)
		return v;
	if (snprintf(cg.dir, sizeof(cg.dir), "%s/pinstress.%d", parent, (int)getpid()) >=
	    (int)sizeof(cg.dir))
		return -ENAMETOOLONG;
	/* Registered first: whatever happens next, the restore cleans up. */
	ret = tunable_on_restore("cgroup", 1, (const char *[]){ cg.dir }, cg_undo, NULL);
	if (ret)
		return ret;
	if (mkdir(cg.dir, 0755) && errno != EEXIST)
		return -errno;
	cg.active = true;
	cg.version = v;
	cg.gen++;
	if (v == 1) {
		/* A charge that cannot reclaim in the lowered-limit window waits, never kills. */
		ret = cg_poke("memory.oom_control", "1");
		/* Prefer anon pages: they are what we want reclaimed. */
		if (!ret)
			ret = cg_poke("memory.swappiness", "100");
		if (ret)
			return ret;
	}
	return move_self(cg.dir);
}

int memcg_get(unsigned int *ref)
{
	int ret = 0;

	*ref = 0;
	pthread_mutex_lock(&cg.lock);
	if (!cg.active)
		ret = cg_create_locked();
	if (!ret) {
		cg.refs++;
		*ref = cg.gen;
	} else if (!cg.refs) {
		cg_undo_locked();
	}
	pthread_mutex_unlock(&cg.lock);
	return ret;
}

void memcg_put(unsigned int ref)
{
	pthread_mutex_lock(&cg.lock);
	if (ref && ref == cg.gen && cg.refs && !--cg.refs)
		cg_undo_locked();
	pthread_mutex_unlock(&cg.lock);
}

int memcg_version(void)
{
	return cg.active ? cg.version : 0;
}

static int read_cg_u64(const char *file, uint64_t *v)
{
	char path[CG_PATH + 32];

	if (cg_file(file, path, sizeof(path)))
		return -ENAMETOOLONG;
	return tunable_read_u64(path, v);
}

/*
 * v1: lower the limit to make the kernel reclaim, then lift it at once.
 * 1 if there is too little charged to squeeze, -EBUSY if reclaim failed.
 */
static int reclaim_v1(uint64_t bytes)
{
	char val[32];
	uint64_t usage;
	int ret, up;

	ret = read_cg_u64("memory.usage_in_bytes", &usage);
	if (ret)
		return ret;
	if (usage < 2 * bytes)
		return 1;
	snprintf(val, sizeof(val), "%" PRIu64, usage - bytes);
	ret = cg_poke("memory.limit_in_bytes", val);
	/* Always lifted, whatever the lowering did. */
	up = cg_poke("memory.limit_in_bytes", "-1");
	if (up)
		return up == -EAGAIN ? -EIO : up;
	return ret;
}

/* v2: -EAGAIN if it could not reclaim that much. */
static int reclaim_v2(uint64_t bytes)
{
	char val[32];

	snprintf(val, sizeof(val), "%" PRIu64, bytes);
	return cg_poke("memory.reclaim", val);
}

int memcg_reclaim(uint64_t bytes)
{
	return cg.version == 2 ? reclaim_v2(bytes) : reclaim_v1(bytes);
}
