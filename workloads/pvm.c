// SPDX-License-Identifier: GPL-2.0
/*
 * pvm: a helper process writes the stamps into the region with
 * process_vm_writev(), so every kernel write is a remote GUP
 * (pin_user_pages_remote with FOLL_WRITE) into our pages from another mm,
 * racing our own faults.  A share of writes are plain stores, as in odirect.
 *
 * Each worker forks its helper first thing in worker_init.  The helper is
 * a fork of a multithreaded process, so it only makes system calls (no
 * malloc, no stdio, no locks): it drops its copy of the region and every
 * inherited file but its socket, then loops: read a request (address,
 * length) from a SOCK_SEQPACKET socketpair, copy the stamp from a
 * MAP_SHARED bounce buffer into the parent at that address, reply with the
 * result.  The worker owns the block for the whole exchange, and waits
 * with a timeout.  The helper exits on EOF, on its parent's death
 * (PR_SET_PDEATHSIG, and getppid() between requests) or on SIGKILL from
 * worker_exit, which reaps it with a bounded wait.
 *
 * The fork fault's children inherit the socket but never use it: a fork
 * child only verifies and _exits, and the helper only ever writes into
 * the pid it was forked from, so neither side can see the other.
 * Target: mm/process_vm_access.c, mm/gup.c (remote GUP, FOLL_WRITE COW
 * break on a page shared with a fork child or in swap cache).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/child.h"
#include "run/clock.h"
#include "workload.h"

#define PVM_BATCH		16
#define PVM_REPLY_MS		10000	/* one copy of at most 2 MiB: seconds is a hang */
#define PVM_HELPER_TICK_MS	500	/* how often an idle helper checks its parent */
#define PVM_REAP_MS		5000
#define PVM_PROBE_MAGIC		0x70766d70726f6265ULL

struct pvm_msg {
	uint64_t addr;
	uint64_t len;
	int64_t res;		/* reply: bytes written or -errno */
	uint32_t seq;
	uint32_t pad;
};

struct pvm_priv {
	pid_t helper;
	int sock;
	uint8_t *bounce;	/* MAP_SHARED: the helper reads the stamp from here */
	size_t bounce_len;
	uint32_t seq;
	volatile uint64_t probe;	/* the helper's first write lands here */
	_Atomic uint64_t *ev_remote;
};

static const char *pvm_probe(void)
{
	uint64_t dst = 0, src = PVM_PROBE_MAGIC;
	struct iovec l = { &src, sizeof(src) }, r = { &dst, sizeof(dst) };

	if (process_vm_writev(getpid(), &l, 1, &r, 1, 0) != sizeof(dst) ||
	    dst != PVM_PROBE_MAGIC)
		return "process_vm_writev does not work here (seccomp? CONFIG_CROSS_MEMORY_ATTACH?)";
	return NULL;
}

/* Only system calls from here on: this is a fork of a multithreaded process. */
static void __attribute__((noreturn)) helper_loop(int sock, pid_t parent, const uint8_t *bounce)
{
	struct pvm_msg m;

	for (;;) {
		struct pollfd pfd = { sock, POLLIN, 0 };
		struct iovec l, r;
		ssize_t n = poll(&pfd, 1, PVM_HELPER_TICK_MS);

		if (getppid() != parent)
			_exit(0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		if (!n)
			continue;
		n = recv(sock, &m, sizeof(m), 0);
		if (!n)
			_exit(0);	/* the worker closed its end */
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(m))
			_exit(1);
		l = (struct iovec){ (void *)bounce, (size_t)m.len };
		r = (struct iovec){ (void *)(uintptr_t)m.addr, (size_t)m.len };
		n = process_vm_writev(parent, &l, 1, &r, 1, 0);
		m.res = n < 0 ? -errno : n;
		if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
			_exit(1);
	}
}

static void __attribute__((noreturn)) helper_main(int sock, pid_t parent, const uint8_t *bounce,
						  const struct run_state *run)
{
	const struct job *j;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The worker may have died before the line above. */
	if (getppid() != parent)
		_exit(0);
	/*
	 * Let go of our copy of every job's region (the fork made them
	 * copy-on-write shared with the workers; MADV_MERGEABLE ones would
	 * also make ksmd scan them all again in here, which starved the
	 * merging a ksm job waits for) and of every inherited file: io_uring
	 * rings with registered buffers, scratch files and other helpers'
	 * sockets must not live on in here.
	 */
	for (unsigned int i = 0; (j = run_job_at(run, i)); i++)
		if (j->reg.map_addr)
			munmap(j->reg.map_addr, j->reg.map_len);
	if (sock > 3)
		close_range(3, (unsigned int)sock - 1, 0);
	close_range((unsigned int)sock + 1, ~0U, 0);
	helper_loop(sock, parent, bounce);
}

static int start_helper(struct worker *w, struct pvm_priv *p)
{
	struct job *j = w->job;
	pid_t parent = getpid();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	/*
	 * The region must be where j->reg says while the child unmaps its
	 * copy: worker_init runs under the maplock.  Other jobs' regions do
	 * not move after setup.
	 */
	p->helper = fork();
	if (!p->helper) {
		close(sv[0]);
		helper_main(sv[1], parent, p->bounce, j->run);
	}
	close(sv[1]);
	if (p->helper < 0) {
		close(sv[0]);
		return -errno;
	}
	p->sock = sv[0];
	return 0;
}

/* Wait for the reply to request p->seq; -ETIMEDOUT if the helper hangs. */
static int wait_reply(struct pvm_priv *p, struct pvm_msg *m)
{
	uint64_t deadline = clock_ms() + PVM_REPLY_MS;

	for (;;) {
		struct pollfd pfd = { p->sock, POLLIN, 0 };
		uint64_t now = clock_ms();
		int n;

		if (now >= deadline)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, (int)(deadline - now));
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = (int)recv(p->sock, m, sizeof(*m), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;	/* the helper died */
		return n == sizeof(*m) && m->seq == p->seq ? 0 : -EPROTO;
	}
}

/* Have the helper copy @len bytes of the bounce buffer to @addr; *res: its result. */
static int remote_copy(struct pvm_priv *p, void *addr, size_t len, int64_t *res)
{
	struct pvm_msg m = { .addr = (uintptr_t)addr, .len = len, .seq = ++p->seq };
	int ret;

	if (send(p->sock, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m))
		return -errno;
	ret = wait_reply(p, &m);
	if (!ret)
		*res = m.res;
	return ret;
}

/* The helper's first write: proves it can reach us (ptrace access rules). */
static int probe_helper(struct pvm_priv *p)
{
	uint64_t magic = PVM_PROBE_MAGIC;
	int64_t res = 0;
	int ret;

	memcpy(p->bounce, &magic, sizeof(magic));
	ret = remote_copy(p, (void *)&p->probe, sizeof(magic), &res);
	if (ret)
		return ret;
	if (res == sizeof(magic) && p->probe == magic)
		return 0;
	/* EPERM: ptrace access (Yama ptrace_scope) refused the helper. */
	return res < 0 ? (int)res : -EIO;
}

static int pvm_init(struct worker *w)
{
	struct pvm_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	w->priv = p;
	p->helper = -1;
	p->sock = -1;
	p->bounce_len = w->job->reg.block_size;
	p->bounce = mmap(NULL, p->bounce_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
	if (p->bounce == MAP_FAILED) {
		p->bounce = NULL;
		return -errno;
	}
	ret = start_helper(w, p);
	if (ret)
		return ret;
	p->ev_remote = job_ev(w->job, "remote_writes");
	return probe_helper(p);
}

/* A failure of the helper exchange stops the worker: the block stays claimed. */
static int remote_write(struct worker *w, size_t b)
{
	struct pvm_priv *p = w->priv;
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	struct stamp_id id;
	int64_t res;
	int ret;

	oracle_next(&j->oracle, b, SRC_MAKE(SRC_REMOTE, w->id), &id);
	stamp_fill(p->bounce, bs, j->seed, &id);
	ret = remote_copy(p, region_block(&j->reg, b), bs, &res);
	if (ret)
		return ret;
	if (res != (int64_t)bs) {
		job_abort_write(w, b);
		return 0;
	}
	/* Counted only once the region is seen to hold the remote stamp. */
	if (job_finish_write(j, b, true))
		ev_add(p->ev_remote, 1);
	return 0;
}

static int pvm_iter(struct worker *w)
{
	size_t b;
	int ret;

	for (int i = 0; i < PVM_BATCH; i++) {
		if (!job_claim_random(w, &b))
			continue;
		if (rng_percent(&w->rng, w->job->cfg->cpu_share)) {
			job_cpu_write(w, b);
			continue;
		}
		ret = remote_write(w, b);
		if (ret)
			return ret;
	}
	return 0;
}

static void reap_helper(struct worker *w, struct pvm_priv *p)
{
	if (!child_kill(p->helper, PVM_REAP_MS))
		return;
	if (!w->err) {
		snprintf(w->errmsg, sizeof(w->errmsg), "pvm helper %d not reaped after %d ms",
			 (int)p->helper, PVM_REAP_MS);
		w->err = -ETIMEDOUT;
	}
}

static void pvm_exit(struct worker *w)
{
	struct pvm_priv *p = w->priv;

	if (!p)
		return;
	if (p->sock >= 0)
		close(p->sock);
	if (p->helper > 0)
		reap_helper(w, p);
	if (p->bounce)
		munmap(p->bounce, p->bounce_len);
	free(p);
	w->priv = NULL;
}

const struct workload_ops workload_pvm = {
	.name = "pvm",
	.version = WORKLOAD_OPS_VERSION,
	.proof = "remote_writes",
	.flags = 0,
	.desc = "process_vm_writev from a helper process into random blocks (remote GUP)",
	.probe = pvm_probe,
	.worker_init = pvm_init,
	.run_iter = pvm_iter,
	.worker_exit = pvm_exit,
};
