// SPDX-License-Identifier: GPL-2.0
/*
 * The machine as every command that changes it takes it: the run lock,
 * then what a killed run left undone (the restore journal), then the
 * signals that stop it in order.  And `pinstress prepare` / `restore`,
 * for scripts that run several pinstress commands on one prepared machine
 * (./run.sh test).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/journal.h"
#include "kernel/prepare.h"
#include "kernel/tunable.h"
#include "run.h"
#include "run/runlock.h"

#define RESTORE_WAIT_MS	60000

int machine_take(int *lock_fd)
{
	unsigned int failed;
	pid_t holder;
	int ret;

	if (runlock_take(lock_fd, &holder)) {
		fprintf(stderr, "pinstress: another pinstress (pid %d) is using this machine; two "
			"would undo each other's sysfs changes\n", (int)holder);
		return -EBUSY;
	}
	ret = journal_recover(0, stderr, &failed);
	if (ret < 0)
		fprintf(stderr, "pinstress: cannot read the restore journal in %s: %s\n",
			journal_dir(), strerror(-ret));
	if (failed)
		fprintf(stderr, "pinstress: %u changes a killed run left could not be undone; "
			"see above\n", failed);
	return 0;
}

void machine_stop_signals(sigset_t *set)
{
	/* A lost terminal, a closed pipe (| head), ^\ : stop in order, like ^C. */
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT };

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		/* A background job inherits some ignored: an ignored signal is never pending. */
		signal(sigs[i], SIG_DFL);
		sigaddset(set, sigs[i]);
	}
}

int machine_hugepages(uint64_t *n)
{
	const char *env = getenv("PINSTRESS_HUGEPAGES");

	*n = 0;
	if (!env || !*env)
		return 0;
	if (env[strspn(env, "0123456789")] || strlen(env) > 9) {
		fprintf(stderr, "pinstress: PINSTRESS_HUGEPAGES must be a number of pages, not "
			"'%s'\n", env);
		return -EINVAL;
	}
	*n = strtoull(env, NULL, 10);
	return 0;
}

/* "--owner PID" or nothing; -EINVAL otherwise. */
static int owner_arg(int argc, char **argv, pid_t *pid)
{
	char *end;
	long v;

	if (argc == 1)
		return 0;
	if (argc != 3 || strcmp(argv[1], "--owner"))
		return -EINVAL;
	v = strtol(argv[2], &end, 10);
	if (*end || v <= 0 || kill((pid_t)v, 0)) {
		fprintf(stderr, "pinstress: %s: --owner: '%s' is not a running process\n", argv[0],
			argv[2]);
		return -ESRCH;
	}
	*pid = (pid_t)v;
	return 0;
}

/*
 * `pinstress prepare [--owner PID]`: prepare and leave it so, journaled
 * as PID's (default: the caller, our parent).  It is undone by `pinstress
 * restore --owner PID`, or by the first pinstress start after PID is gone.
 */
int cmd_prepare(int argc, char **argv)
{
	pid_t owner = getppid();
	char why[256] = "";
	int ret, lock_fd = -1;
	uint64_t hugepages;

	if (machine_hugepages(&hugepages))
		return EXIT_INVALID;
	ret = owner_arg(argc, argv, &owner);
	if (ret == -EINVAL)
		fprintf(stderr, "usage: pinstress prepare [--owner PID]\n");
	if (ret)
		return EXIT_INVALID;
	if (machine_take(&lock_fd))
		return EXIT_INVALID;
	ret = journal_set_owner(owner);
	if (!ret)
		ret = prepare_machine(hugepages, stderr, why, sizeof(why));
	if (ret) {
		fprintf(stderr, "pinstress: prepare: %s\n", why[0] ? why : strerror(-ret));
		tunable_restore_all();
		runlock_drop(lock_fd);
		return EXIT_INVALID;
	}
	fprintf(stderr, "pinstress: prepared for pid %d: `pinstress restore --owner %d` undoes "
		"it, as does any pinstress start after it is gone\n", (int)owner, (int)owner);
	tunable_forget_all();
	runlock_drop(lock_fd);
	return EXIT_CLEAN;
}

/* `pinstress restore [--owner PID]`: undo what dead runs (and PID) left. */
int cmd_restore(int argc, char **argv)
{
	pid_t owner = 0;
	unsigned int failed;
	pid_t holder;
	int ret, lock_fd = -1;

	ret = owner_arg(argc, argv, &owner);
	if (ret == -EINVAL)
		fprintf(stderr, "usage: pinstress restore [--owner PID]\n");
	if (ret)
		return EXIT_INVALID;
	/* A run that is ending restores itself first: wait for it, bounded. */
	for (int ms = 0; runlock_take(&lock_fd, &holder); ms += 100) {
		if (ms >= RESTORE_WAIT_MS) {
			fprintf(stderr, "pinstress: restore: pid %d still holds the machine after %d s\n",
				(int)holder, RESTORE_WAIT_MS / 1000);
			return EXIT_INVALID;
		}
		usleep(100 * 1000);
	}
	ret = journal_recover(owner, stderr, &failed);
	runlock_drop(lock_fd);
	if (ret < 0) {
		fprintf(stderr, "pinstress: restore: %s: %s\n", journal_dir(), strerror(-ret));
		return EXIT_INVALID;
	}
	fprintf(stderr, "pinstress: restore: %d changes undone%s\n", ret,
		failed ? ", some could not be (see above)" : "");
	return failed ? EXIT_INVALID : EXIT_CLEAN;
}
