// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice: read-only page references across fork.  vmsplice() puts
 * references to the user pages themselves into a pipe (FOLL_GET, not
 * FOLL_PIN), so the pipe keeps seeing whatever page it was given: after a
 * fork, the page a reference points at must keep the content it had when
 * it was spliced, whatever either side writes later.
 *
 * Each iteration claims a small batch of its own blocks and runs one of:
 * (a) a fork child vmsplices its view of the blocks into a pipe and exits;
 *     the parent then writes new generations into the same blocks and
 *     drains the pipe: it must return the child's (old) view.  The parent's
 *     new data there is a leak: CVE-2020-29374, cow.c "vmsplice() + unmap
 *     in child".
 * (b) the parent vmsplices the blocks, forks a child that writes its own
 *     stamps over its copy and exits; the parent's pipe must still return
 *     the parent's data.  A child stamp there is a leak: cow.c "vmsplice()
 *     before fork(), unmap in parent after fork()".
 *
 * The child of this multithreaded process only makes syscalls, computes
 * stamps, writes a MAP_SHARED result page and calls _exit(); the parent's
 * wait for it is bounded.  Target: do_wp_page()/wp_can_reuse_anon_folio()
 * and do_huge_pmd_wp_page() (reuse only without extra references),
 * do_swap_page() reuse, hugetlb_wp() in mm/; fs/splice.c.
 *
 * hugetlb: hugetlb_wp() decides reuse by folio_mapcount(), not by the
 * refcount, so FOLL_GET references (vmsplice) can still leak between
 * processes; cow.c flags both vmsplice cases XFAIL on hugetlb.  Such a
 * leak is reported like any other: the driver calls it an expected
 * failure only when the probe of that known bug (hugetlb-vmsplice-leak)
 * says present on this kernel and the pipe shows the other side's write
 * of that very block.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "run/child.h"
#include "run/clock.h"
#include "kernel/pagemap.h"
#include "workload.h"

#define VS_BATCH_BYTES		(256u << 10)	/* per fork: fork rate stays moderate */
#define VS_MAX_BATCH		8
#define VS_CHILD_TIMEOUT_MS	10000
/* Child stamps of this workload: distinct from the fork fault's numbers. */
#define VS_CHILD_TAG		0x800000u

enum vs_case {
	VS_CHILD_REF,	/* (a): the child's reference, the parent writes */
	VS_PARENT_REF,	/* (b): the parent's reference, the child writes */
};

/* Written by the child, read by the parent after the child is reaped. */
struct vs_shared {
	_Atomic uint32_t done;
	int32_t err;		/* -errno of the child's vmsplice, 0 if it worked */
	uint32_t no_pte;	/* bit i: the child had no page-table entry at block i after fork */
	int64_t spliced;	/* bytes the child put into the pipe */
	uint64_t written;	/* blocks the child overwrote in its copy */
};

struct vs_priv {
	int pfd[2];
	size_t batch;		/* blocks per fork */
	size_t n;		/* blocks claimed this iteration */
	struct vs_shared *sh;
	uint8_t *drain;		/* batch * block size: what the pipe returned */
	struct iovec *iov;
	size_t *blk;
	struct stamp_id *want;	/* what each block held when it was spliced */
	uint32_t forks;
	unsigned long iters;		/* even: case (a), odd: case (b) */
	_Atomic uint64_t *ev_checked, *ev_children, *ev_failed, *ev_unread, *ev_no_pte;
};

/* Pipe buffers one block takes: vmsplice adds one per page it touches. */
static size_t slots_per_block(size_t bs)
{
	size_t ps = job_page_size();

	return bs < ps ? 1 : bs / ps;
}

/*
 * One pipe per worker, big enough for a whole batch so the splice never
 * blocks; both ends non-blocking so nothing here can hang on it.
 */
static int vs_pipe(struct vs_priv *p, size_t bs)
{
	size_t want = p->batch * slots_per_block(bs) * job_page_size();
	int have;

	if (pipe2(p->pfd, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	have = fcntl(p->pfd[0], F_GETPIPE_SZ);
	if (have >= 0 && (size_t)have < want)
		have = fcntl(p->pfd[0], F_SETPIPE_SZ, (int)want);
	if (have < 0)
		have = fcntl(p->pfd[0], F_GETPIPE_SZ);
	if (have < 0)
		return -errno;
	/* Not granted the full size (pipe-max-size): splice fewer blocks per fork. */
	p->batch = (size_t)have / job_page_size() / slots_per_block(bs);
	if (p->batch > VS_MAX_BATCH)
		p->batch = VS_MAX_BATCH;
	return p->batch ? 0 : -E2BIG;
}

static void vs_exit(struct worker *w)
{
	struct vs_priv *p = w->priv;

	if (!p)
		return;
	if (p->pfd[0] >= 0)
		close(p->pfd[0]);
	if (p->pfd[1] >= 0)
		close(p->pfd[1]);
	if (p->sh && p->sh != MAP_FAILED)
		munmap(p->sh, sizeof(*p->sh));
	free(p->drain);
	free(p->iov);
	free(p->blk);
	free(p->want);
	free(p);
	w->priv = NULL;
}

static int vs_init(struct worker *w)
{
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	struct vs_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->pfd[0] = p->pfd[1] = -1;
	w->priv = p;
	p->batch = VS_BATCH_BYTES / bs;
	if (p->batch < 1)
		p->batch = 1;
	if (p->batch > VS_MAX_BATCH)
		p->batch = VS_MAX_BATCH;
	ret = vs_pipe(p, bs);
	if (ret)
		return ret;
	p->sh = mmap(NULL, sizeof(*p->sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		     -1, 0);
	p->iov = calloc(p->batch, sizeof(*p->iov));
	p->blk = calloc(p->batch, sizeof(*p->blk));
	p->want = calloc(p->batch, sizeof(*p->want));
	if (p->sh == MAP_FAILED || !p->iov || !p->blk || !p->want ||
	    posix_memalign((void **)&p->drain, 4096, p->batch * bs))
		return -ENOMEM;
	p->ev_checked = job_ev(j, "pipe_blocks_checked");
	p->ev_children = job_ev(j, "vmsplice_children");
	p->ev_failed = job_ev(j, "vmsplice_children_failed");
	p->ev_unread = job_ev(j, "vmsplice_child_splice_failed");
	p->ev_no_pte = job_ev(j, "vmsplice_child_missing_pte");
	return 0;
}

/*
 * Claim up to a batch of own blocks (verified first, by job_claim_random).
 * A block whose content is undefined (MADV_FREE) gets a fresh stamp: a
 * splice of undefined content has nothing to be compared with.
 */
static void claim_batch(struct worker *w, struct vs_priv *p)
{
	struct job *j = w->job;
	size_t b;

	p->n = 0;
	while (p->n < p->batch && job_claim_random(w, &b)) {
		if (!oracle_defined(&j->oracle, b)) {
			struct stamp_id id;

			oracle_next(&j->oracle, b, SRC_MAKE(SRC_CPU, w->id), &id);
			stamp_fill(region_block(&j->reg, b), j->reg.block_size, j->seed, &id);
		}
		oracle_expect(&j->oracle, b, &p->want[p->n]);
		p->iov[p->n] = (struct iovec){ region_block(&j->reg, b), j->reg.block_size };
		p->blk[p->n++] = b;
	}
}

/* Put the batch into the pipe; bytes spliced or -errno.  Async-signal-safe. */
static int64_t splice_batch(struct vs_priv *p)
{
	ssize_t n = vmsplice(p->pfd[1], p->iov, p->n, SPLICE_F_NONBLOCK);

	return n < 0 ? -errno : n;
}

/*
 * Which blocks of the batch the child has no page-table entry for, right
 * after fork (neither present nor swapped; pagemap): what fork copied.
 * Async-signal-safe: syscalls only.
 */
static uint32_t child_no_pte(const struct vs_priv *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	uint32_t mask = 0;

	if (fd < 0)
		return 0;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t e;

		if (!pagemap_read(fd, p->iov[i].iov_base, 1, &e) && !(e & (PM_PRESENT | PM_SWAP)))
			mask |= 1u << i;
	}
	close(fd);
	return mask;
}

static void __attribute__((noreturn)) child_splice(struct vs_priv *p)
{
	int64_t n;

	p->sh->no_pte = child_no_pte(p);
	n = splice_batch(p);

	p->sh->err = n < 0 ? (int32_t)n : 0;
	p->sh->spliced = n < 0 ? 0 : n;
	atomic_store_explicit(&p->sh->done, 1, memory_order_release);
	/* Exiting drops the child's mappings: only the pipe refers to its view now. */
	_exit(0);
}

/* The child overwrites its copy with its own stamps, as cow.c's memset. */
static void __attribute__((noreturn)) child_write(struct job *j, struct vs_priv *p,
						  uint32_t tag)
{
	for (size_t i = 0; i < p->n; i++) {
		struct stamp_id id = p->want[i];

		id.gen++;
		id.source = SRC_MAKE(SRC_CHILD, tag);
		stamp_fill(region_block(&j->reg, p->blk[i]), j->reg.block_size, j->seed, &id);
		p->sh->written++;
	}
	atomic_store_explicit(&p->sh->done, 1, memory_order_release);
	_exit(0);
}

/* Empty the pipe whatever it holds (after a failed child): nothing is compared. */
static void drain_discard(struct vs_priv *p, size_t bs)
{
	while (read(p->pfd[0], p->drain, p->batch * bs) > 0)
		;
}

/* Read back exactly @len bytes that were spliced; -EIO if the pipe has fewer. */
static int drain(struct vs_priv *p, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(p->pfd[0], p->drain + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		got += (size_t)n;
	}
	return 0;
}

/*
 * Compare each block's pipe copy with what the splicing side saw.  The
 * other side's later data there is a leak (on hugetlb possibly the known
 * bug of the header: the driver decides).
 */
static void check_pipe(struct job *j, struct vs_priv *p, size_t nblk, enum vs_case c)
{
	size_t bs = j->reg.block_size;
	enum vside side = c == VS_CHILD_REF ? SIDE_CHILD : SIDE_PARENT;

	for (size_t i = 0; i < nblk; i++) {
		const uint8_t *copy = p->drain + i * bs;
		struct vfinding f;

		if (stamp_matches(copy, bs, j->seed, &p->want[i])) {
			ev_add(p->ev_checked, 1);
			continue;
		}
		classify_block(copy, bs, j->seed, &p->want[i], side, &f);
		if (c == VS_CHILD_REF && (p->sh->no_pte & (1u << i)))
			f.evidence |= VFE_CHILD_NO_PTE;
		run_report_mismatch(j, p->blk[i], &p->want[i], &f, DET_PIPE);
	}
}

/* Check what came back; a short splice compares only the whole blocks. */
static int collect(struct job *j, struct vs_priv *p, int64_t spliced, enum vs_case c)
{
	size_t nblk = (size_t)spliced / j->reg.block_size;
	int ret = drain(p, (size_t)spliced);

	if (ret)
		return ret;
	check_pipe(j, p, nblk, c);
	return 0;
}

static void child_done(struct vs_priv *p, int status)
{
	bool ok = status == 0 && atomic_load_explicit(&p->sh->done, memory_order_acquire);

	if (status == -EINTR)
		return;		/* killed because the run is ending: neither verified nor failed */
	ev_add(ok ? p->ev_children : p->ev_failed, 1);
}

/* The parent did not write the blocks: verify them and give them back. */
static void release_unchanged(struct job *j, struct vs_priv *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (job_verify_owned(j, p->blk[i], DET_COMPLETION))
			oracle_release(&j->oracle, p->blk[i], false);
}

/*
 * (a) The child splices its view and exits; then the parent writes new
 * generations and reads the child's view back.  The parent's writes are
 * plain stores: its write fault on a page the pipe still references must
 * copy, never reuse.
 */
static int case_child_ref(struct worker *w, struct vs_priv *p)
{
	struct job *j = w->job;
	int status, ret = 0;
	pid_t pid;

	memset(p->sh, 0, sizeof(*p->sh));
	pid = fork();
	if (pid < 0) {
		ret = errno == EAGAIN || errno == ENOMEM ? 1 : -errno;
		release_unchanged(j, p);
		return ret;
	}
	if (pid == 0)
		child_splice(p);
	status = job_child_wait(j, pid, VS_CHILD_TIMEOUT_MS);
	child_done(p, status);
	for (size_t i = 0; i < p->n; i++) {
		struct stamp_id id;

		oracle_next(&j->oracle, p->blk[i], SRC_MAKE(SRC_CPU, w->id), &id);
		stamp_fill(region_block(&j->reg, p->blk[i]), j->reg.block_size, j->seed, &id);
	}
	if (status == 0 && atomic_load_explicit(&p->sh->done, memory_order_acquire)) {
		/* Private memory: fork copies every entry, so none may be missing (hugetlb-1g-fork-zero). */
		if (p->sh->no_pte && (j->caps & MC_PRIVATE))
			ev_add(p->ev_no_pte, 1);
		if (!p->sh->err)
			ret = collect(j, p, p->sh->spliced, VS_CHILD_REF);
		else
			ev_add(p->ev_unread, 1);
	}
	drain_discard(p, j->reg.block_size);
	for (size_t i = 0; i < p->n; i++)
		job_finish_write(j, p->blk[i], false);
	return ret;
}

/*
 * (b) The parent splices, then a child overwrites its copy and exits; the
 * parent's pipe must hold the parent's data.  The blocks themselves did
 * not change in the parent: verified and released without a write.
 */
static int case_parent_ref(struct worker *w, struct vs_priv *p)
{
	struct job *j = w->job;
	int64_t spliced = splice_batch(p);
	int status, ret = 0;
	pid_t pid;

	if (spliced < 0) {
		ret = spliced == -EAGAIN || spliced == -ENOMEM ? 1 : (int)spliced;
		goto out;
	}
	memset(p->sh, 0, sizeof(*p->sh));
	p->forks++;
	pid = fork();
	if (pid < 0) {
		ret = errno == EAGAIN || errno == ENOMEM ? 1 : -errno;
		goto out;
	}
	if (pid == 0)
		child_write(j, p, VS_CHILD_TAG | ((w->id & 0x7f) << 16) | (p->forks & 0xffff));
	status = job_child_wait(j, pid, VS_CHILD_TIMEOUT_MS);
	child_done(p, status);
	ret = collect(j, p, spliced, VS_PARENT_REF);
out:
	drain_discard(p, j->reg.block_size);
	release_unchanged(j, p);
	return ret;
}

static int vs_iter(struct worker *w)
{
	struct vs_priv *p = w->priv;
	int ret;

	claim_batch(w, p);
	if (!p->n)
		return 0;
	/*
	 * The two cases in turn, (a) first: on a 1 GiB hugetlb region an
	 * iteration takes a second or more (a COW copy of the whole page), and
	 * only (a) writes, so a short job still completes verified writes.
	 */
	if (p->iters++ & 1) {
		ret = case_parent_ref(w, p);
	} else {
		p->forks++;
		ret = case_child_ref(w, p);
	}
	/* fork() or vmsplice() refused for lack of memory (1): blocks are back, try later. */
	if (ret == 1) {
		nap_us(1000);
		ret = 0;
	}
	return ret;
}

const struct workload_ops workload_vmsplice = {
	.name = "vmsplice",
	.version = WORKLOAD_OPS_VERSION,
	.flags = WL_FORKS,
	.desc = "R/O pipe references across fork, both directions: the pipe must see the view it was given",
	/* On shared memory the child's writes are the parent's: nothing to tell apart. */
	.needs = MC_PRIVATE,
	.proof = "pipe_blocks_checked,vmsplice_children",
	.worker_init = vs_init,
	.run_iter = vs_iter,
	.worker_exit = vs_exit,
};
