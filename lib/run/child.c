// SPDX-License-Identifier: GPL-2.0
/* Bounded waits for fork children (see child.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run/child.h"
#include "run/clock.h"
#include "run/job.h"

/* A pidfd wakes us when the child exits; without one (before 5.3), short naps. */
static void child_pause(int pidfd)
{
	struct timespec ts = { 0, 200000 };

	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		poll(&pfd, 1, 100);
		return;
	}
	nanosleep(&ts, NULL);
}

/* Exit code or 128 + signal once @pid is reaped, -ETIMEDOUT at @deadline, or -errno. */
static int reap_by(pid_t pid, int pidfd, uint64_t deadline, const struct run_state *run)
{
	int status;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (got < 0 && errno != EINTR)
			return -errno;
		if (clock_ms() > deadline)
			return -ETIMEDOUT;
		if (run && run_aborting(run))
			return -EINTR;
		child_pause(pidfd);
	}
}

int child_kill(pid_t pid, uint64_t timeout_ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), ret;

	kill(pid, SIGKILL);
	/* SIGKILL cannot be ignored, but a child in D state is reaped only when it wakes. */
	ret = reap_by(pid, pidfd, clock_ms() + timeout_ms, NULL);
	if (pidfd >= 0)
		close(pidfd);
	return ret == -ETIMEDOUT ? ret : 0;
}

int child_wait(pid_t pid, uint64_t timeout_ms, const struct run_state *run)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ret = reap_by(pid, pidfd, clock_ms() + timeout_ms, run);

	if (pidfd >= 0)
		close(pidfd);
	if (ret == -ETIMEDOUT || ret == -EINTR)
		child_kill(pid, CHILD_REAP_MS);
	return ret;
}

int child_wait_term(pid_t pid, uint64_t timeout_ms, uint64_t grace_ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int ret = reap_by(pid, pidfd, clock_ms() + timeout_ms, NULL);

	if (ret == -ETIMEDOUT) {
		kill(pid, SIGTERM);
		if (reap_by(pid, pidfd, clock_ms() + grace_ms, NULL) == -ETIMEDOUT)
			child_kill(pid, CHILD_REAP_MS);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

int job_child_wait(struct job *j, pid_t pid, uint64_t timeout_ms)
{
	int status;

	evring_add(&j->evr, EVK_FORK, 0, 0, 0, (uint64_t)pid);
	status = child_wait(pid, timeout_ms, j->run);
	evring_add(&j->evr, EVK_REAP, 0, 0, 0, (uint64_t)(int64_t)status);
	return status;
}

