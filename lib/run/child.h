/* SPDX-License-Identifier: GPL-2.0 */
/* Fork children of faults and workloads: waited for with a bound, never forever. */
#ifndef PINSTRESS_CHILD_H
#define PINSTRESS_CHILD_H

#include <stdint.h>
#include <sys/types.h>

struct job;
struct run_state;

/*
 * Wait for @pid up to @timeout_ms, then SIGKILL and reap it.  Returns its
 * exit code, 128 + the signal that ended it, -ETIMEDOUT if it had to be
 * killed, or -errno of the wait.  If @run is being aborted (a signal, a
 * corruption) the child is killed at once and -EINTR returned: not a
 * failure of the child, nothing to count.
 */
int child_wait(pid_t pid, uint64_t timeout_ms, const struct run_state *run);

/* child_wait() for a child of job @j, with its fork and its reap in the job's event ring. */
int job_child_wait(struct job *j, pid_t pid, uint64_t timeout_ms);

/* How long a SIGKILLed child may take to be reaped. */
#define CHILD_REAP_MS	5000

/*
 * SIGKILL @pid and reap it within @timeout_ms: 0, or -ETIMEDOUT (a child
 * in D state is left to be reaped when it wakes; nothing waits for it).
 */
int child_kill(pid_t pid, uint64_t timeout_ms);

/*
 * child_wait() for a child that restores what it changed on SIGTERM: past
 * @timeout_ms it gets SIGTERM and @grace_ms to go, then SIGKILL.  Its exit
 * code, 128 + signal, or -ETIMEDOUT if it had to be stopped.
 */
int child_wait_term(pid_t pid, uint64_t timeout_ms, uint64_t grace_ms);

#endif
