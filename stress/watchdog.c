// SPDX-License-Identifier: GPL-2.0
/*
 * The watchdog: every operation of every thread (a worker's iteration, a
 * fault's injection, a scrub pass) has a deadline.  One that outlives it
 * is reported hung with what the kernel says the thread is doing (state,
 * wchan, kernel stack) and the thread's last events, and the run ends.
 * Joins are bounded too: a thread that does not come back is left behind
 * (its job is never torn down), a second SIGINT/SIGTERM gives up on every
 * thread at once, and the run still restores and reports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "failure.h"
#include "faults/fault.h"
#include "job_setup.h"
#include "run.h"
#include "kernel/tunable.h"

#define JOIN_GRACE_MS	10000	/* after the stop: ends of iterations, children killed */
#define JOIN_HUNG_MS	3000	/* when a thread is already known to be stuck */
#define JOIN_SLICE_MS	200	/* how often a join looks for a second signal */
#define SECOND_SIGNAL_NS (300 * 1000000ULL)	/* a second press is later than this */

/* An operation's deadline grows with the job: a fork child verifies the whole region. */
static uint64_t deadline_ns(const struct run_ctx *run, const struct job *j)
{
	return (run->rc->hang_timeout_ms + j->reg.size / (8u << 20) * 100) * 1000000ull;
}

static void read_task(int tid, const char *name, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", tid, name);
	if (tunable_read(path, buf, len))
		buf[0] = 0;
}

/* State letter: the field after the ")" that closes the command name. */
static char task_state(int tid)
{
	char stat[512], *p;

	read_task(tid, "stat", stat, sizeof(stat));
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

void hung_print(const struct run_ctx *run, const struct hung_rec *h)
{
	const struct job *j = &run->jobs[h->job];
	char stack[sizeof(h->stack)], *save = NULL;

	fprintf(stderr,
		"pinstress: HUNG in job %s: %s (tid %d) has been in one operation for %.1fs; "
		"state %c, wchan %s%s\n",
		j->cfg->name, h->thread, h->tid, h->op_s, h->state, h->wchan[0] ? h->wchan : "-",
		h->lock_wait ? " (waiting on a pinstress lock: a bug in pinstress)" : "");
	snprintf(stack, sizeof(stack), "%s", h->stack);
	for (char *l = strtok_r(stack, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "pinstress:   %s\n", l);
	for (size_t i = 0; i < h->nev; i++) {
		char line[224];

		event_line(j, &h->ev[i], h->at_ns, line, sizeof(line));
		fprintf(stderr, "pinstress:   its event %s\n", line);
	}
}

static void look(struct run_ctx *run, struct job *j, struct op_watch *w, const char *name,
		 uint64_t now)
{
	uint64_t since = atomic_load_explicit(&w->since_ns, memory_order_relaxed);
	struct hung_rec *h;

	if (!since || w->reported || now < since || now - since < deadline_ns(run, j))
		return;
	w->reported = true;
	run_stop(&run->st);
	pthread_mutex_lock(&run->lock);
	h = run->nhung < RUN_MAX_HUNG ? &run->hung[run->nhung] : NULL;
	run->nhung += h != NULL;
	pthread_mutex_unlock(&run->lock);
	if (!h)
		return;
	memset(h, 0, sizeof(*h));
	h->job = j->index;
	snprintf(h->thread, sizeof(h->thread), "%s", name);
	h->tid = atomic_load(&w->tid);
	h->op_s = (double)(now - since) / 1e9;
	h->at_ns = now;
	h->state = task_state(h->tid);
	read_task(h->tid, "wchan", h->wchan, sizeof(h->wchan));
	read_task(h->tid, "stack", h->stack, sizeof(h->stack));
	/* pthread locks sleep in futex_wait: then the holder is ours, not the kernel's. */
	h->lock_wait = strstr(h->stack, "futex") != NULL;
	h->nev = ev_mine_collect(&w->mine, h->ev, HUNG_EVENTS);
	hung_print(run, h);
	run_log(run, "HUNG job %s %s: %.0fs in one operation, state %c, wchan %s", j->cfg->name,
		name, h->op_s, h->state, h->wchan);
	if (h->lock_wait)
		run_invalid(run, "job %s: %s waited %.0fs on a pinstress lock (a bug in pinstress)",
			    j->cfg->name, name, h->op_s);
}

void watchdog_check(struct run_ctx *run, unsigned int j0, unsigned int j1)
{
	uint64_t now = clock_ns();
	char name[48];

	for (unsigned int i = j0; i < j1; i++) {
		struct job *j = &run->jobs[i];

		if (!j->cfg || !j->workers)
			continue;
		for (unsigned int k = 0; k < j->nworkers; k++) {
			snprintf(name, sizeof(name), "worker %u", k);
			look(run, j, &j->workers[k].watch, name, now);
		}
		for (unsigned int k = 0; k < j->nfaults; k++) {
			snprintf(name, sizeof(name), "fault %s", j->faults[k].ops->name);
			look(run, j, &j->faults[k].watch, name, now);
		}
		look(run, j, &j->scrub_watch, "scrubber", now);
	}
}

struct join_ctx {
	struct run_ctx *run;
	const sigset_t *sigs;
	struct timespec deadline;	/* CLOCK_REALTIME, as pthread_timedjoin_np wants */
	bool give_up;			/* a second signal: join nothing more */
};

static void add_ms(struct timespec *t, uint64_t ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* A signal during the joins: the first stopped the run, this one ends the waiting. */
static void second_signal(struct join_ctx *c)
{
	struct timespec zero = { 0, 0 };
	siginfo_t si;

	if (sigtimedwait(c->sigs, &si, &zero) <= 0)
		return;
	/* The terminal's Ctrl-C and run.sh passing it on arrive together: one press. */
	if (c->run->signal_ns && clock_ns() - c->run->signal_ns < SECOND_SIGNAL_NS)
		return;
	fprintf(stderr, "pinstress: %s again: not waiting for the threads any longer\n",
		strsignal(si.si_signo));
	if (!c->run->signal)
		c->run->signal = si.si_signo;
	c->give_up = true;
}

static bool join_bounded(pthread_t t, void *arg)
{
	struct join_ctx *c = arg;

	while (!c->give_up) {
		struct timespec now, slice;

		clock_gettime(CLOCK_REALTIME, &now);
		if (!before(&now, &c->deadline))
			return false;
		slice = now;
		add_ms(&slice, JOIN_SLICE_MS);
		if (before(&c->deadline, &slice))
			slice = c->deadline;
		if (pthread_timedjoin_np(t, NULL, &slice) == 0)
			return true;
		second_signal(c);
	}
	return false;
}

void join_round(struct run_ctx *run, const sigset_t *sigs, unsigned int j0, unsigned int j1)
{
	struct join_ctx c = { .run = run, .sigs = sigs };

	clock_gettime(CLOCK_REALTIME, &c.deadline);
	add_ms(&c.deadline, run->nhung ? JOIN_HUNG_MS : JOIN_GRACE_MS);
	for (unsigned int i = j0; i < j1; i++) {
		struct job *j = &run->jobs[i];

		if (job_join(j, join_bounded, &c))
			continue;
		pthread_mutex_lock(&run->lock);
		run->nstuck++;
		pthread_mutex_unlock(&run->lock);
		fprintf(stderr, "pinstress: job %s: a thread did not stop; the job is left as it is\n",
			j->cfg ? j->cfg->name : "?");
		if (!run->nhung && !c.give_up)
			run_invalid(run, "job %s: a thread did not stop within %ds of the end",
				    j->cfg ? j->cfg->name : "?", JOIN_GRACE_MS / 1000);
	}
}
