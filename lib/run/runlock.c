// SPDX-License-Identifier: GPL-2.0
/* One run per machine, held by an abstract unix socket (see runlock.h). */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "run/runlock.h"

static const char runlock_name[] = "pinstress-run";

static socklen_t runlock_addr(struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* sun_path[0] stays 0: the abstract namespace. */
	memcpy(a->sun_path + 1, runlock_name, sizeof(runlock_name) - 1);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(runlock_name));
}

/* The holder listens, so a second run can ask who it is (SO_PEERCRED). */
static pid_t runlock_holder(void)
{
	struct sockaddr_un a;
	socklen_t alen = runlock_addr(&a), clen;
	struct ucred cred = { 0 };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return 0;
	clen = sizeof(cred);
	if (connect(fd, (struct sockaddr *)&a, alen) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen))
		cred.pid = 0;
	close(fd);
	return cred.pid;
}

static int runlock_fd = -1;

/* Fork children do not hold the lock: one left behind must not block the next run. */
static void runlock_child(void)
{
	if (runlock_fd >= 0)
		close(runlock_fd);
	runlock_fd = -1;
}

int runlock_take(int *fd, pid_t *holder)
{
	struct sockaddr_un a;
	socklen_t alen = runlock_addr(&a);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret;

	*holder = 0;
	if (s < 0)
		return -errno;
	if (!bind(s, (struct sockaddr *)&a, alen) && !listen(s, 4)) {
		static bool registered;

		*fd = runlock_fd = s;
		if (!registered)
			registered = !pthread_atfork(NULL, NULL, runlock_child);
		return 0;
	}
	ret = errno == EADDRINUSE ? -EBUSY : -errno;
	close(s);
	if (ret == -EBUSY)
		*holder = runlock_holder();
	return ret;
}

void runlock_drop(int fd)
{
	if (fd >= 0)
		close(fd);
	if (fd == runlock_fd)
		runlock_fd = -1;
}
