// SPDX-License-Identifier: GPL-2.0
/*
 * Which jobs run together, and what a round takes of the machine: its
 * memory, and with 'threads = auto' its CPUs.  'parallel = auto' puts as
 * many jobs in a round as fit in MemAvailable, so that a profile written
 * in shares of the machine (size = 5%) fills a big one and still runs on
 * a small one.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backings/backing.h"
#include "compat.h"
#include "faults/fault.h"
#include "kernel/pagerange.h"
#include "kernel/topology.h"
#include "plan.h"
#include "run/caps.h"
#include "run/options.h"

#define THREADS_MAX	256	/* the threads option's own maximum */

static bool giant(const struct job_config *c)
{
	const struct backing_ops *bk = backing_find(c->backing);

	return bk && (bk->caps & MC_GIANT);
}

/* What a job can touch at once: its region, and a copy per kind of fork. */
static uint64_t job_bytes(const struct job_config *c)
{
	return c->size * (1 + cfg_fork_kinds(c));
}

/*
 * Group the jobs into rounds of 'parallel', keeping their order except
 * that a round holds at most one job on 1 GiB pages: two of them want
 * several 1 GiB pages each from a pool that rarely has them, and a fork
 * of pinned 1 GiB pages copies a whole page while the mm is locked,
 * stalling every other job of the round.  A 1 GiB job that forks runs
 * alone: its region stays in every fork child, whoever forks, so beside
 * other forking jobs (all of one process) its every write copies 1 GiB
 * while some other job's child still maps the page (measured: vmsplice on
 * 1 GiB did 0 writes in 3 s beside six forking jobs); and each of its own
 * iterations clears or copies 1 GiB, which beside five collapse jobs on
 * two CPUs took the whole 3 s round (1 iteration, 0 writes; thousands a
 * second alone).  Jobs are reordered so that each round is contiguous.
 */
struct round_fill {
	unsigned int jobs, giants;
	bool alone;		/* a job that must run alone is in */
	uint64_t bytes;		/* job_bytes() of its jobs */
	uint64_t budget;	/* parallel = auto: at most this many, 0: no limit */
};

static bool runs_alone(const struct job_config *c)
{
	return giant(c) && cfg_fork_kinds(c) > 0;
}

static bool round_takes(const struct round_fill *r, const struct job_config *c)
{
	if (r->alone || (runs_alone(c) && r->jobs))
		return false;
	/* A job larger than the budget gets a round to itself: plan_check() refuses it. */
	if (r->budget && r->jobs && r->bytes + job_bytes(c) > r->budget)
		return false;
	return !(giant(c) && r->giants);
}

static void round_add(struct round_fill *r, const struct job_config *c)
{
	r->jobs++;
	r->giants += giant(c);
	r->alone |= runs_alone(c);
	r->bytes += job_bytes(c);
}

/* The CPUs this process may run on (a cpuset or taskset narrows them). */
unsigned int plan_cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (unsigned int)n : 1;
}

/*
 * threads = auto: the CPUs shared among the jobs of the round, at least
 * one each, and no more than the job's blocks allow (job_setup() wants
 * four blocks per thread).
 */
static void auto_threads(struct job_config *jobs, unsigned int n)
{
	unsigned int cpus = plan_cpus();

	for (unsigned int i = 0; i < n; i++) {
		struct job_config *c = &jobs[i];
		uint64_t fit = c->size / c->block_size / 4;
		unsigned int mates = 0, t;

		if (c->threads != CFG_AUTO)
			continue;
		for (unsigned int k = 0; k < n; k++)
			mates += jobs[k].round == c->round;
		t = cpus / mates;
		if (t < 1)
			t = 1;
		if (t > THREADS_MAX)
			t = THREADS_MAX;
		if (fit && t > fit)
			t = (unsigned int)fit;
		c->threads = t;
	}
}

/*
 * parallel = auto fills a round up to 4/5 of MemAvailable: the rest is for
 * what the estimate leaves out (page tables, the pages of the scratch files,
 * zram's compressed copies of what pageout swaps out).
 */
static uint64_t auto_budget(const struct run_config *rc)
{
	uint64_t kb = 0;

	if (rc->parallel != CFG_AUTO || meminfo_kb("MemAvailable", &kb))
		return 0;
	return kb * 1024 / 5 * 4;
}

/* A fault of @c needs the region without a NUMA policy of ours (numa-balancing). */
static bool wants_default_policy(const struct job_config *c)
{
	for (unsigned int k = 0; k < c->nfaults; k++) {
		const struct fault_ops *f = fault_find(c->faults[k]);

		if (f && f->default_policy)
			return true;
	}
	return false;
}

/*
 * affinity = spread: the jobs of a round take CPU numbers one after the
 * other (topology_cpu() wraps them), and with several nodes their memory
 * goes to the nodes in turn.
 */
static void spread(struct run_config *rc)
{
	int nodes[TOPO_MAX_NODES];
	int nnodes = topology_memory_nodes(nodes, TOPO_MAX_NODES);
	unsigned int next = 0, nth = 0;

	for (unsigned int i = 0; i < rc->njobs; i++) {
		struct job_config *c = &rc->jobs[i];

		if (i && c->round != rc->jobs[i - 1].round)
			next = nth = 0;
		c->mem_node = -1;
		c->cpu_first = 0;
		if (strcmp(rc->affinity, "spread"))
			continue;
		c->cpu_first = next;
		next += c->threads;
		if (nnodes > 1 && !wants_default_policy(c))
			c->mem_node = nodes[nth++ % (unsigned int)nnodes];
	}
}

int plan_rounds(struct run_config *rc)
{
	unsigned int n = rc->njobs, done = 0, round = 0;
	unsigned int per = rc->parallel && rc->parallel != CFG_AUTO ? rc->parallel : n;
	bool limited = rc->parallel != 0;
	uint64_t budget = auto_budget(rc);
	struct job_config *out = calloc(n ? n : 1, sizeof(*out));
	bool *used = calloc(n ? n : 1, sizeof(*used));

	if (!out || !used) {
		free(out);
		free(used);
		return -ENOMEM;
	}
	while (done < n) {
		struct round_fill r = { .budget = budget };

		for (unsigned int i = 0; i < n && r.jobs < per; i++) {
			if (used[i] || (limited && !round_takes(&r, &rc->jobs[i])))
				continue;
			used[i] = true;
			round_add(&r, &rc->jobs[i]);
			out[done] = rc->jobs[i];
			out[done++].round = round;
		}
		round++;
	}
	memcpy(rc->jobs, out, n * sizeof(*out));
	free(out);
	free(used);
	auto_threads(rc->jobs, n);
	spread(rc);
	return 0;
}

unsigned int plan_nrounds(const struct run_config *rc)
{
	return rc->njobs ? rc->jobs[rc->njobs - 1].round + 1 : 0;
}

unsigned int plan_most_per_round(const struct run_config *rc)
{
	unsigned int most = 0, here = 0;

	for (unsigned int i = 0; i < rc->njobs; i++) {
		here = i && rc->jobs[i].round == rc->jobs[i - 1].round ? here + 1 : 1;
		if (here > most)
			most = here;
	}
	return most;
}

uint64_t plan_round_bytes(const struct run_config *rc, unsigned int r, char *list, size_t len)
{
	uint64_t sum = 0;
	size_t used = 0;
	char sz[32];

	list[0] = 0;
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];

		if (c->round != r)
			continue;
		sum += job_bytes(c);
		cfg_format_size(c->size, sz, sizeof(sz));
		if (used < len)
			used += (size_t)snprintf(list + used, len - used, "%s%s %s x%u",
						 used ? ", " : "", c->name, sz,
						 1 + cfg_fork_kinds(c));
	}
	return sum;
}
