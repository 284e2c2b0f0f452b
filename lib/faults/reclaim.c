// SPDX-License-Identifier: GPL-2.0
/*
 * reclaim: memory-cgroup reclaim of a cgroup holding the run, so pages of
 * the region are reclaimed by the memcg LRU walk (shrink_lruvec,
 * shrink_folio_list, try_to_unmap) rather than by MADV_PAGEOUT's direct
 * list, while kernel writes are in flight.
 *
 * The process enters a cgroup of its own (pinstress.<pid>) in .prepare,
 * before the region is mapped, so the region's pages are charged there.
 * One cgroup per run, shared by every job with this fault (refcounted);
 * the last teardown, or the driver's restore (tunable_on_restore(), in the
 * restore journal), moves the process back where it was and removes the
 * cgroup.
 *
 * cgroup v2 (memory controller enabled in the v2 root's subtree_control):
 * the cgroup is created under the v2 root and each injection writes a
 * byte count to memory.reclaim (5.19+); EAGAIN means it could not reclaim
 * that much.
 *
 * cgroup v1 (the memory controller bound to a v1 hierarchy): the cgroup
 * is a child of our current memory cgroup; each injection lowers
 * memory.limit_in_bytes to usage minus N and raises it back (to
 * unlimited) right away.  The kernel (memcg1 mem_cgroup_resize_max())
 * reclaims in the writer's context until usage fits and only then sets the
 * limit, or fails with EBUSY when reclaim makes no progress (pinned pages):
 * the lowered limit is in force only between a successful write and the
 * next one, microseconds.  A thread that charges in that window reclaims
 * for itself; the OOM killer is disabled in our cgroup (memory.oom_control)
 * so it waits instead of killing pinstress until the limit goes back up.
 *
 * The cgroup holds the whole process, so its LRU walk takes the coldest
 * pages of every job: a job whose workers touch everything all the time
 * (cpu) kept its pages active and saw none reclaimed.  Each injection
 * first deactivates a random range of this job's region (MADV_COLD) as
 * large as what it asks the memcg to reclaim, so the walk finds them at
 * the inactive tail; the reclaim itself is still the memcg's.
 *
 * Evidence: pages of the region present before and seen swapped during or
 * right after the reclaim (reclaim_watched()), per /proc/self/pagemap, or
 * smaps Swap for shared memory ("pages_reclaimed", lib/kernel/pageout.h), and
 * which cgroup version ran ("cgroup_version").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/journal.h"
#include "kernel/mounts.h"
#include "kernel/pagemap.h"
#include "kernel/pageout.h"
#include "kernel/tunable.h"
#include "run/clock.h"

#define RECLAIM_MIN_BYTES	(256UL << 10)
#define RECLAIM_MAX_BYTES	(16UL << 20)
#define RECLAIM_WATCH_MS	2	/* between looks at the region during a reclaim */
#define CG_PATH			512

/* The run's cgroup, shared by every job with this fault. */
static struct {
	pthread_mutex_t lock;
	unsigned int refs;
	unsigned int gen;	/* bumped each time a cgroup is made */
	bool active;
	int version;
	char dir[CG_PATH];	/* ours */
	char orig[CG_PATH];	/* where the process was */
} cg = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct reclaim_priv {
	unsigned int gen;	/* cg.gen of our reference, 0 if none */
	int pagemap_fd;
	size_t npages;
	uint64_t *before, *after;
	_Atomic uint64_t *ev_reclaimed, *ev_version, *ev_busy;
};

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

static const char *reclaim_probe(void)
{
	char parent[CG_PATH], orig[CG_PATH], path[CG_PATH + 32];
	const char *why = fault_swap_probe();
	int v;

	if (why)
		return why;
	v = cg_locate(parent, orig, sizeof(parent));
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

static int reclaim_prepare(struct fault_inst *f)
{
	struct reclaim_priv *p = calloc(1, sizeof(*p));
	int ret = 0;

	if (!p)
		return -ENOMEM;
	p->pagemap_fd = -1;
	f->priv = p;
	pthread_mutex_lock(&cg.lock);
	if (!cg.active)
		ret = cg_create_locked();
	if (!ret) {
		cg.refs++;
		p->gen = cg.gen;
	} else if (!cg.refs) {
		cg_undo_locked();
	}
	pthread_mutex_unlock(&cg.lock);
	return ret;
}

static int reclaim_setup(struct fault_inst *f)
{
	struct reclaim_priv *p = f->priv;
	struct job *j = f->job;

	p->npages = j->reg.size / job_page_size();
	p->before = calloc(p->npages, sizeof(*p->before));
	p->after = calloc(p->npages, sizeof(*p->after));
	if (!p->before || !p->after)
		return -ENOMEM;
	p->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (p->pagemap_fd < 0)
		return -errno;
	p->ev_reclaimed = job_ev(j, "pages_reclaimed");
	p->ev_version = job_ev(j, "cgroup_version");
	p->ev_busy = job_ev(j, "reclaim_refused");
	ev_max(p->ev_version, (uint64_t)cg.version);
	return 0;
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

/* Deactivate a random @bytes of the region: the LRU walk takes those first. */
static void cold_range(struct fault_inst *f, struct rng *r, uint64_t bytes)
{
	const struct region *reg = &f->job->reg;
	size_t ps = job_page_size(), npages = reg->size / ps, n = bytes / ps;
	size_t first;

	if (n > npages)
		n = npages;
	first = rng_below(r, npages - n + 1);
	fault_range(f, reg->base + first * ps, n * ps);
	madvise(reg->base + first * ps, n * ps, MADV_COLD);
}

/* Looks at the region while the reclaim call runs (reclaim_watched()). */
struct reclaim_watch {
	struct reclaim_priv *p;
	struct swap_look *look;
	uint8_t *base;
	atomic_bool stop;
	long got;	/* our pages seen swapped out, or -errno */
};

static void *watch_fn(void *arg)
{
	struct reclaim_watch *w = arg;
	long n;

	while (!atomic_load_explicit(&w->stop, memory_order_acquire)) {
		n = swap_look_again(w->look, w->base, w->p->npages, w->p->before, w->p->after);
		if (n < 0) {
			w->got = n;
			break;
		}
		w->got += n;
		nap_us(RECLAIM_WATCH_MS * 1000L);
	}
	return NULL;
}

/*
 * One memory.reclaim (v1: squeeze) of @bytes, with the region looked at
 * every RECLAIM_WATCH_MS while it runs and once after.  A worker that
 * touches every page every few tens of milliseconds (cpu on anon: 84k
 * ops/s over 2048 pages) faults a reclaimed page back long before a call
 * that takes hundreds of milliseconds returns: looked at only after it, a
 * CI run's cpu/anon job saw none of its pages swapped in 3 s.  Returns the
 * call's result (0, 1: too little charged, -EAGAIN/-EBUSY: could not
 * reclaim that much, -errno); *@got: our pages seen swapped out.
 */
static int reclaim_watched(struct reclaim_priv *p, struct swap_look *look, uint8_t *base,
			   uint64_t bytes, long *got)
{
	/* pagemap only while it runs: smaps walks every mapping of the process. */
	struct swap_look quick = { .pagemap_fd = look->pagemap_fd };
	struct reclaim_watch w = { .p = p, .look = &quick, .base = base };
	pthread_t tid;
	bool watched = !pthread_create(&tid, NULL, watch_fn, &w);
	long n;
	int ret = cg.version == 2 ? reclaim_v2(bytes) : reclaim_v1(bytes);

	*got = 0;
	if (watched) {
		atomic_store_explicit(&w.stop, true, memory_order_release);
		pthread_join(tid, NULL);
	}
	if (w.got < 0)
		return (int)w.got;
	n = swap_look_again(look, base, p->npages, p->before, p->after);
	if (n < 0)
		return (int)n;
	*got = w.got + n;
	return ret;
}

static int reclaim_inject(struct fault_inst *f, struct rng *r)
{
	struct reclaim_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	uint64_t max = reg->size / 4 < RECLAIM_MAX_BYTES ? reg->size / 4 : RECLAIM_MAX_BYTES;
	struct swap_look look = { .pagemap_fd = p->pagemap_fd };
	uint64_t bytes;
	long got;
	int ret;

	if (max < RECLAIM_MIN_BYTES)
		max = RECLAIM_MIN_BYTES;
	bytes = (RECLAIM_MIN_BYTES + rng_below(r, max - RECLAIM_MIN_BYTES + 1)) &
		~(uint64_t)(job_page_size() - 1);
	look.shared = f->job->caps & MC_SHARED;
	ret = swap_look_before(&look, reg->base, p->npages, p->before);
	if (ret)
		return ret;
	cold_range(f, r, bytes);
	ret = reclaim_watched(p, &look, reg->base, bytes, &got);
	if (ret == 1)
		return FAULT_SKIPPED;
	if (ret && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	/* Could not reclaim that much (pinned pages): it may still have done some. */
	if (ret)
		ev_add(p->ev_busy, 1);
	if (got <= 0)
		return FAULT_DONE;
	ev_add(p->ev_reclaimed, (uint64_t)got);
	return FAULT_CONFIRMED;
}

static void reclaim_teardown(struct fault_inst *f)
{
	struct reclaim_priv *p = f->priv;

	if (!p)
		return;
	pthread_mutex_lock(&cg.lock);
	if (p->gen && p->gen == cg.gen && cg.refs && !--cg.refs)
		cg_undo_locked();
	pthread_mutex_unlock(&cg.lock);
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
	free(p->before);
	free(p->after);
}

const struct fault_ops fault_reclaim = {
	.name = "reclaim",
	.desc = "memory cgroup reclaim (v2 memory.reclaim, v1 limit squeeze) of a cgroup holding the run",
	.interval_ms = 50,
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.proof = "pages_reclaimed",
	.probe = reclaim_probe,
	.prepare = reclaim_prepare,
	.setup = reclaim_setup,
	.inject = reclaim_inject,
	.teardown = reclaim_teardown,
};
