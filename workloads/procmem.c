// SPDX-License-Identifier: GPL-2.0
/*
 * procmem: the stamps are written through /proc/self/mem, a pwrite() at
 * the block's address: mem_rw() -> access_remote_vm() pins each page with
 * FOLL_FORCE | FOLL_WRITE (remote-style GUP on our own mm) and copies
 * through a kernel bounce page.  A share of writes are plain stores.
 *
 * On private mappings one kernel write in PROCMEM_RO_EVERY first makes the
 * block's pages PROT_READ: FOLL_FORCE must still write them (breaking COW
 * or reusing the exclusive anon page without making the PTE writable, the
 * path of ptrace breakpoints; can_follow_write_pte()), and the block must
 * hold the stamp once the pages are writable again.  Every block on those
 * pages is claimed first (the workers' own ranges only), so no other
 * thread writes there while they are read-only.
 *
 * Not on MAP_SHARED backings: FOLL_FORCE does not write into a read-only
 * shared mapping (check_vma_flags: -EFAULT, pwrite returns EIO), nor into
 * read-only hugetlb; nor when the kernel was told not to force
 * (proc_mem.force_override=never/ptrace).  Those run without the
 * read-only part, which is why only forced_writes is the proof.
 * Target: fs/proc/base.c (mem_rw), mm/gup.c (FOLL_FORCE, FOLL_REMOTE),
 * mm/memory.c (do_wp_page on a VM_WRITE-less VMA), THP splitting by
 * mprotect.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workload.h"

#define PROCMEM_BATCH		16
#define PROCMEM_RO_EVERY	4

struct procmem_priv {
	int fd;			/* /proc/self/mem, O_RDWR */
	void *bounce;
	bool ro_ok;		/* the read-only part can run on this backing */
	_Atomic uint64_t *ev_forced, *ev_forced_ro;
};

static const char *procmem_probe(void)
{
	uint64_t dst = 0, src = 0x70726f636d656dULL;
	int fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return "cannot open /proc/self/mem for writing";
	n = pwrite(fd, &src, sizeof(src), (off_t)(uintptr_t)&dst);
	close(fd);
	return n == sizeof(src) && dst == src ? NULL : "writes through /proc/self/mem fail";
}

/* Does FOLL_FORCE write into a PROT_READ private page here (proc_mem.force_override)? */
static bool force_works(int fd)
{
	size_t ps = job_page_size();
	uint64_t v = 0x666f726365ULL;
	volatile uint64_t *pg;
	bool ok;

	pg = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg == MAP_FAILED)
		return false;
	*pg = 1;
	ok = !mprotect((void *)pg, ps, PROT_READ) &&
	     pwrite(fd, &v, sizeof(v), (off_t)(uintptr_t)pg) == sizeof(v) && *pg == v;
	munmap((void *)pg, ps);
	return ok;
}

static int procmem_init(struct worker *w)
{
	struct job *j = w->job;
	struct procmem_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	w->priv = p;
	p->fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (p->fd < 0)
		return -errno;
	if (posix_memalign(&p->bounce, 4096, j->reg.block_size)) {
		p->bounce = NULL;
		return -ENOMEM;
	}
	p->ev_forced = job_ev(j, "forced_writes");
	p->ev_forced_ro = job_ev(j, "forced_writes_ro");
	/* See the top comment: shared and hugetlb mappings refuse a forced write. */
	p->ro_ok = (j->caps & MC_PRIVATE) && !(j->caps & MC_HUGETLB);
	if (p->ro_ok && !force_works(p->fd)) {
		p->ro_ok = false;
		if (!w->id)
			run_note(j->run, "procmem: FOLL_FORCE refused (proc_mem.force_override?): "
				 "no writes into read-only pages");
	}
	return 0;
}

/* Write the next stamp of @b through /proc/self/mem; true if all of it went. */
static bool mem_write(struct worker *w, size_t b)
{
	struct procmem_priv *p = w->priv;
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	struct stamp_id id;

	oracle_next(&j->oracle, b, SRC_MAKE(SRC_PROCMEM, w->id), &id);
	stamp_fill(p->bounce, bs, j->seed, &id);
	return pwrite(p->fd, p->bounce, bs, (off_t)(uintptr_t)region_block(&j->reg, b)) ==
	       (ssize_t)bs;
}

static void rw_write(struct worker *w, size_t b)
{
	struct procmem_priv *p = w->priv;

	if (!mem_write(w, b)) {
		job_abort_write(w, b);
		return;
	}
	if (job_finish_write(w->job, b, true))
		ev_add(p->ev_forced, 1);
}

/*
 * Pages [*pg0, *pg1) hold block @b; claim the other blocks on them
 * ([*b0, *b1) minus @b).  False (nothing held) if one is outside this
 * worker's range or owned.
 */
static bool claim_neighbours(struct worker *w, size_t b, size_t *pg0, size_t *pg1, size_t *b0,
			     size_t *b1)
{
	struct job *j = w->job;
	size_t ps = job_page_size(), bs = j->reg.block_size;

	*pg0 = b * bs / ps;
	*pg1 = ((b + 1) * bs + ps - 1) / ps;
	*b0 = *pg0 * ps / bs;
	*b1 = (*pg1 * ps + bs - 1) / bs;
	if (*b1 > j->reg.nblocks)
		*b1 = j->reg.nblocks;
	if (*b0 < w->blk_lo || *b1 > w->blk_hi)
		return false;
	for (size_t u = *b0; u < *b1; u++) {
		if (u == b || oracle_claim(&j->oracle, u, BLK_BUSY))
			continue;
		job_release_blocks(j, *b0, u < b ? u : b, false);
		if (u > b)
			job_release_blocks(j, b + 1, u, false);
		return false;
	}
	return true;
}

/*
 * The neighbours were not written: check they survived the protection
 * change.  Their release still bumps seq, so a fork that happened while
 * their pages were read-only does not count them stable: its child would
 * write its stamps into a read-only copy and die of SIGSEGV.
 */
static void release_neighbours(struct job *j, size_t b, size_t b0, size_t b1)
{
	for (size_t u = b0; u < b1; u++)
		if (u != b && job_verify_owned(j, u, DET_FAULT))
			oracle_release(&j->oracle, u, true);
}

/* A forced write into @b's pages made read-only for the moment. */
static int ro_write(struct worker *w, size_t b)
{
	struct procmem_priv *p = w->priv;
	struct job *j = w->job;
	size_t ps = job_page_size(), pg0, pg1, b0, b1;
	uint8_t *addr;
	bool ok;

	if (!claim_neighbours(w, b, &pg0, &pg1, &b0, &b1)) {
		rw_write(w, b);
		return 0;
	}
	addr = j->reg.base + pg0 * ps;
	if (mprotect(addr, (pg1 - pg0) * ps, PROT_READ)) {
		release_neighbours(j, b, b0, b1);
		rw_write(w, b);
		return 0;
	}
	ok = mem_write(w, b);
	/* Nobody may find these pages read-only once we let go of them. */
	if (mprotect(addr, (pg1 - pg0) * ps, PROT_READ | PROT_WRITE))
		return -errno;
	release_neighbours(j, b, b0, b1);
	if (!ok) {
		job_abort_write(w, b);
		return 0;
	}
	if (job_finish_write(j, b, true)) {
		ev_add(p->ev_forced, 1);
		ev_add(p->ev_forced_ro, 1);
	}
	return 0;
}

static int procmem_iter(struct worker *w)
{
	struct procmem_priv *p = w->priv;
	size_t b;
	int ret;

	for (int i = 0; i < PROCMEM_BATCH; i++) {
		if (!job_claim_random(w, &b))
			continue;
		if (rng_percent(&w->rng, w->job->cfg->cpu_share)) {
			job_cpu_write(w, b);
			continue;
		}
		if (!p->ro_ok || rng_below(&w->rng, PROCMEM_RO_EVERY)) {
			rw_write(w, b);
			continue;
		}
		ret = ro_write(w, b);
		if (ret)
			return ret;
	}
	return 0;
}

static void procmem_exit(struct worker *w)
{
	struct procmem_priv *p = w->priv;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	free(p->bounce);
	free(p);
	w->priv = NULL;
}

const struct workload_ops workload_procmem = {
	.name = "procmem",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "forced_writes",
	.flags = 0,
	.desc = "writes through /proc/self/mem (FOLL_FORCE), some into pages made read-only",
	.probe = procmem_probe,
	.worker_init = procmem_init,
	.run_iter = procmem_iter,
	.worker_exit = procmem_exit,
};
