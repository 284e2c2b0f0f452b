// SPDX-License-Identifier: GPL-2.0
/*
 * fork: fork the process while kernel writes into the region are in flight.
 * The child verifies every block that was idle and stable across the fork
 * against its copy of the oracle, then writes child stamps over a random
 * part of its copy and re-checks them.  The parent must never see a child
 * stamp (a leak); the child must never see the parent's later writes.
 *
 * The child of a multithreaded process may only do async-signal-safe work:
 * it computes, reads the clock, writes to a shared page and calls _exit().
 * Target kernel paths: copy_present_page()/page_needs_cow_for_dma() in
 * mm/memory.c (pinned pages are copied at fork), wp_page_copy(), GUP
 * unsharing (FAULT_FLAG_UNSHARE).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "run/caps.h"
#include "run/child.h"
#include "run/clock.h"
#include "faults/fault.h"
#include "kernel/hugetlb.h"
#include "kernel/pagerange.h"

#define FORK_MAX_ERRS		16
#define FORK_CHILD_SHARE	8	/* the child overwrites 1 block in 8 */
#define FORK_GO_TIMEOUT_MS	10000
#define FORK_WAIT_BASE_MS	30000

struct fork_err {
	uint64_t block;
	uint32_t cls;
	uint32_t found_valid;
	struct stamp_id expect;
	struct stamp_id found;
};

struct fork_shared {
	_Atomic uint32_t go;
	_Atomic uint32_t done;
	uint64_t checked;
	uint64_t written;
	uint64_t mismatches;
	uint32_t nerr;
	struct fork_err errs[FORK_MAX_ERRS];
	uint64_t bitmap[];
};

struct fork_priv {
	struct fork_shared *sh;
	size_t sh_len;
	uint64_t *snap;
	uint32_t forks;
	_Atomic uint64_t *ev_verified, *ev_failed, *ev_checked, *ev_written, *ev_mismatches;
	_Atomic uint64_t *ev_pool_killed;	/* documented: see hugetlb_child_killed_for_pool() */
	_Atomic uint64_t *ev_fail_status;
};

static int fork_setup(struct fault_inst *f)
{
	struct job *j = f->job;
	struct fork_priv *p = calloc(1, sizeof(*p));
	size_t words = (j->reg.nblocks + 63) / 64;

	if (!p)
		return -ENOMEM;
	p->snap = calloc(j->reg.nblocks, sizeof(*p->snap));
	p->sh_len = sizeof(*p->sh) + words * sizeof(uint64_t);
	p->sh = mmap(NULL, p->sh_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!p->snap || p->sh == MAP_FAILED) {
		free(p->snap);
		free(p);
		return -ENOMEM;
	}
	p->ev_verified = job_ev(j, "children_verified");
	p->ev_failed = job_ev(j, "children_failed");
	p->ev_pool_killed = job_ev(j, "children_killed_for_hugetlb_pool");
	p->ev_fail_status = job_ev(j, "child_failed_status");
	p->ev_checked = job_ev(j, "child_blocks_checked");
	p->ev_written = job_ev(j, "child_blocks_written");
	p->ev_mismatches = job_ev(j, "child_mismatches");
	f->priv = p;
	return 0;
}

static void child_record(struct fork_shared *sh, size_t b, const struct stamp_id *want,
			 const struct vfinding *fd)
{
	struct fork_err *e;

	sh->mismatches++;
	if (sh->nerr >= FORK_MAX_ERRS)
		return;
	e = &sh->errs[sh->nerr++];
	e->block = b;
	e->cls = fd->cls;
	e->found_valid = fd->found_valid;
	e->expect = *want;
	e->found = fd->found;
}

static void child_check(struct job *j, struct fork_shared *sh, size_t b,
			const struct stamp_id *want)
{
	const struct region *r = &j->reg;
	struct vfinding fd;

	if (classify_block(region_block(r, b), r->block_size, j->seed, want, SIDE_CHILD, &fd))
		child_record(sh, b, want, &fd);
}

/* Pick the same blocks twice: to write them, then to re-check them. */
static void child_stamps(struct job *j, struct fork_shared *sh, uint32_t forkno, bool write)
{
	const struct region *r = &j->reg;
	struct rng rng;

	rng_seed(&rng, j->seed ^ ((uint64_t)forkno << 20));
	for (size_t b = 0; b < r->nblocks; b++) {
		struct stamp_id id;

		if (!bitmap_test(sh->bitmap, b) || rng_below(&rng, FORK_CHILD_SHARE))
			continue;
		oracle_expect(&j->oracle, b, &id);
		id.gen++;
		id.source = SRC_MAKE(SRC_CHILD, forkno);
		if (write) {
			stamp_fill(region_block(r, b), r->block_size, j->seed, &id);
			sh->written++;
		} else {
			child_check(j, sh, b, &id);
		}
	}
}

static void __attribute__((noreturn)) child_main(struct job *j, struct fork_shared *sh,
						 uint32_t forkno)
{
	uint64_t deadline = clock_ms() + FORK_GO_TIMEOUT_MS;

	while (!atomic_load_explicit(&sh->go, memory_order_acquire)) {
		if (clock_ms() > deadline)
			_exit(3);
		nap_us(100);
	}
	for (size_t b = 0; b < j->reg.nblocks; b++) {
		struct stamp_id want;

		if (!bitmap_test(sh->bitmap, b))
			continue;
		oracle_expect(&j->oracle, b, &want);
		child_check(j, sh, b, &want);
		sh->checked++;
	}
	child_stamps(j, sh, forkno, true);
	child_stamps(j, sh, forkno, false);
	atomic_store_explicit(&sh->done, 1, memory_order_release);
	_exit(0);
}

/* Whether the child verified what it checked. */
static bool collect(struct fork_priv *p, struct job *j, pid_t pid, int status)
{
	struct fork_shared *sh = p->sh;
	bool ok = status == 0 && atomic_load_explicit(&sh->done, memory_order_acquire);

	ev_add(p->ev_checked, sh->checked);
	ev_add(p->ev_written, sh->written);
	ev_add(p->ev_mismatches, sh->mismatches);
	for (uint32_t i = 0; i < sh->nerr; i++) {
		struct vfinding fd = {
			.cls = sh->errs[i].cls,
			.found_valid = sh->errs[i].found_valid,
			.found = sh->errs[i].found,
		};

		run_report_child(j, sh->errs[i].block, &sh->errs[i].expect, &fd);
	}
	if (ok) {
		ev_add(p->ev_verified, 1);
		return sh->checked > 0;
	}
	if (hugetlb_child_killed_for_pool(j, pid, status)) {
		ev_add(p->ev_pool_killed, 1);
	} else if (status != -EINTR) {
		/*
		 * -EINTR: killed because the run is ending, neither verified
		 * nor failed (what it found so far is reported above).  Else
		 * why, for the report: exit code, 128 + signal, or 1000 + errno.
		 */
		ev_add(p->ev_failed, 1);
		ev_max(p->ev_fail_status, status < 0 ? 1000 + (uint64_t)-status : (uint64_t)status);
	}
	return false;
}

/*
 * Private hugetlb: the parent's first write after fork needs a free huge
 * page for its COW copy; with none, the kernel takes the page from the
 * child instead and kills it ("killed due to inadequate hugepage pool",
 * mm/hugetlb.c hugetlb_wp/unmap_ref_private), documented behaviour and no
 * finding.  Fork only when the pool has a page for the copy.
 */
static bool cow_page_free(struct job *j)
{
	if (!(j->caps & MC_HUGETLB))
		return true;
	return hugetlb_free_pages(vma_kernel_page_size(j->reg.base) / 1024) > 0;
}

static int fork_inject(struct fault_inst *f, struct rng *r)
{
	struct fork_priv *p = f->priv;
	struct job *j = f->job;
	uint64_t timeout = FORK_WAIT_BASE_MS + j->reg.size / (8 << 20) * 100;
	int status;
	pid_t pid;

	(void)r;
	if (!cow_page_free(j))
		return FAULT_SKIPPED;
	memset(p->sh, 0, sizeof(*p->sh));
	oracle_snapshot(&j->oracle, p->snap);
	p->forks++;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_main(j, p->sh, p->forks);
	oracle_stable(&j->oracle, p->snap, p->sh->bitmap);
	atomic_store_explicit(&p->sh->go, 1, memory_order_release);
	status = job_child_wait(j, pid, timeout);
	return collect(p, j, pid, status) ? FAULT_CONFIRMED : FAULT_DONE;
}

static void fork_teardown(struct fault_inst *f)
{
	struct fork_priv *p = f->priv;

	if (!p)
		return;
	munmap(p->sh, p->sh_len);
	free(p->snap);
}

const struct fault_ops fault_fork = {
	.name = "fork",
	.forks = true,
	.desc = "fork with writes in flight; child verifies its snapshot and writes its own data",
	.interval_ms = 100,
	/* On shared memory the child's writes are the parent's: nothing to tell apart. */
	.needs = MC_PRIVATE,
	/*
	 * Private 1 GiB pages: every fork needs a free 1 GiB page for the
	 * parent's COW copy (and at fork itself for pinned pages), or the
	 * kernel kills the child; the pool here grants 1-2 such pages, fewer
	 * after other rounds fragment memory: forks were skipped or children
	 * killed in most rounds.  The workload vmsplice still forks on them.
	 */
	.refuses = MC_GIANT,
	.refuses_why = "every fork of private 1 GiB pages needs a free 1 GiB page for the "
		       "parent's COW copy, or the kernel kills the child; the pool here grants "
		       "1-2 such pages",
	.proof = "children_verified,child_blocks_checked",
	.setup = fork_setup,
	.inject = fork_inject,
	.benign = { EAGAIN, ENOMEM },
	.teardown = fork_teardown,
};
