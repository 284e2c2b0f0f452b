// SPDX-License-Identifier: GPL-2.0
/* Bounded waits for fork children (see child.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "clock.h"
#include "job.h"

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

static int child_kill(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	/* SIGKILL cannot be ignored; a child in D state is reaped when it wakes. */
	waitpid(pid, &status, 0);
	return status;
}

int child_wait(pid_t pid, uint64_t timeout_ms, const struct run_ctx *run)
{
	uint64_t deadline = clock_ms() + timeout_ms;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), status, ret;

	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);

		if (got == pid) {
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		if (got < 0 && errno != EINTR) {
			ret = -errno;
			break;
		}
		if (clock_ms() > deadline) {
			child_kill(pid);
			ret = -ETIMEDOUT;
			break;
		}
		if (run && run_aborting(run)) {
			child_kill(pid);
			ret = -EINTR;
			break;
		}
		child_pause(pidfd);
	}
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}
