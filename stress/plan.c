// SPDX-License-Identifier: GPL-2.0
/*
 * From configuration to plan: every name must exist, and everything asked
 * for must be available on this machine.  What is not is either an invalid
 * run (exit 3, the default: a missing fault must never look like a pass)
 * or, with --allow-missing, dropped and reported as unavailable.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "backings/backing.h"
#include "run/caps.h"
#include "compat.h"
#include "faults/fault.h"
#include "kernel/pagerange.h"
#include "plan.h"
#include "run/options.h"
#include "run/scratch.h"
#include "workload.h"

static int unknown(const struct job_config *c, const char *key, const char *name,
		   char *err, size_t len)
{
	int n = cfg_where_key(c, key, err, len);

	snprintf(err + n, len - (size_t)n, "unknown name '%s' (see 'pinstress list')", name);
	return -EINVAL;
}

int plan_check_names(const struct run_config *rc, char *err, size_t len)
{
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];

		if (!workload_find(c->workload) && strcmp(c->workload, CFG_ALL))
			return unknown(c, "workload", c->workload, err, len);
		if (!backing_find(c->backing) && strcmp(c->backing, CFG_ALL))
			return unknown(c, "backing", c->backing, err, len);
		for (unsigned int k = 0; k < c->nfaults; k++)
			if (!fault_find(c->faults[k]) &&
			    (strcmp(c->faults[k], CFG_EACH) || c->nfaults > 1))
				return unknown(c, "faults", c->faults[k], err, len);
	}
	if (rc->plant[0] && strcmp(rc->plant, "hang") && strcmp(rc->plant, "kernel-warning") &&
	    vclass_from_name(rc->plant) <= 0) {
		snprintf(err, len, "--plant: unknown class '%s' (zeroed, lost-write, misplaced, leak, torn, garbage, hang or kernel-warning)",
			 rc->plant);
		return -EINVAL;
	}
	return 0;
}

bool plan_needs_scratch(const struct run_config *rc)
{
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct workload_ops *wl = workload_find(rc->jobs[i].workload);

		if (!wl || (wl->flags & WL_NEEDS_SCRATCH))
			return true;
	}
	return false;
}

static void not_run(struct run_ctx *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void not_run(struct run_ctx *run, const char *fmt, ...)
{
	char buf[320], **grown;
	va_list ap;

	run->not_run_total++;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	grown = realloc(run->not_run, (run->nnot_run + 1) * sizeof(*grown));
	if (!grown)
		return;
	run->not_run = grown;
	run->not_run[run->nnot_run] = strdup(buf);
	if (run->not_run[run->nnot_run])
		run->nnot_run++;
}

/* Why @wl x @bk x @f cannot run here, or NULL. */
static const char *combo_why(const struct workload_ops *wl, const struct backing_ops *bk,
			     const struct fault_ops *f, bool mlock, char *buf, size_t len)
{
	const char *no = wl->probe ? wl->probe() : NULL;

	if (!no && bk->probe)
		no = bk->probe();
	if (!no && f && f->probe)
		no = f->probe();
	if (no) {
		snprintf(buf, len, "unavailable: %s", no);
		return buf;
	}
	return compat_check(wl, bk, caps_effective(bk->caps, mlock), f, buf, len);
}

/* "odirect/thp/fork+pageout": what the job is, as its name. */
static void combo_name(struct job_config *j)
{
	char buf[sizeof(j->name)];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s/%s/", j->workload, j->backing);

	for (unsigned int k = 0; k < j->nfaults && n < sizeof(buf); k++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", k ? "+" : "",
				      j->faults[k]);
	if (!j->nfaults && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "-");
	memcpy(j->name, buf, sizeof(buf));
}

static int add_combo(struct run_ctx *run, struct job_config *out, unsigned int *n,
		     const struct job_config *c, const struct workload_ops *wl,
		     const struct backing_ops *bk, const struct fault_ops *f)
{
	char why[256];
	struct job_config *j;

	if (combo_why(wl, bk, f, c->mlock, why, sizeof(why))) {
		not_run(run, "%s/%s/%s: %s", wl->name, bk->name, f ? f->name : "-", why);
		return 0;
	}
	for (unsigned int k = 0; !f && k < c->nfaults; k++) {
		const struct fault_ops *jf = fault_find(c->faults[k]);

		if (combo_why(wl, bk, jf, c->mlock, why, sizeof(why))) {
			not_run(run, "%s/%s/%s: %s", wl->name, bk->name, jf->name, why);
			return 0;
		}
	}
	if (*n == CFG_MAX_JOBS)
		return -ENOSPC;
	j = &out[(*n)++];
	*j = *c;
	snprintf(j->workload, sizeof(j->workload), "%s", wl->name);
	snprintf(j->backing, sizeof(j->backing), "%s", bk->name);
	if (f) {
		j->nfaults = 1;
		snprintf(j->faults[0], sizeof(j->faults[0]), "%s", f->name);
	}
	combo_name(j);
	return 0;
}

/* Every workload x backing of @c ("all" or its own), under fault @f (may be NULL). */
static int expand_combos(struct run_ctx *run, struct job_config *out, unsigned int *n,
			 const struct job_config *c, const struct fault_ops *f)
{
	bool all_wl = !strcmp(c->workload, CFG_ALL), all_bk = !strcmp(c->backing, CFG_ALL);
	int ret = 0;

	for (int w = 0; workload_table[w] && !ret; w++) {
		const struct workload_ops *wl = workload_table[w];

		if (!all_wl && strcmp(wl->name, c->workload))
			continue;
		for (int b = 0; backing_table[b] && !ret; b++) {
			const struct backing_ops *bk = backing_table[b];

			if (all_bk || !strcmp(bk->name, c->backing))
				ret = add_combo(run, out, n, c, wl, bk, f);
		}
	}
	return ret;
}

/*
 * faults = each: fault by fault, so the jobs of a round share their fault
 * (as one section per fault would): a round of forks, a round of pageouts.
 */
static int expand_one(struct run_ctx *run, struct job_config *out, unsigned int *n,
		      const struct job_config *c)
{
	int ret = 0;

	if (!(c->nfaults == 1 && !strcmp(c->faults[0], CFG_EACH)))
		return expand_combos(run, out, n, c, NULL);
	for (int k = 0; fault_table[k] && !ret; k++)
		ret = expand_combos(run, out, n, c, fault_table[k]);
	return ret;
}

static bool section_wanted(const struct run_config *rc, const char *name)
{
	if (!rc->nsections)
		return true;
	for (unsigned int i = 0; i < rc->nsections; i++)
		if (!strcmp(rc->sections[i], name))
			return true;
	return false;
}

static int check_sections(const struct run_config *rc, char *err, size_t len)
{
	for (unsigned int s = 0; s < rc->nsections; s++) {
		bool found = false;

		for (unsigned int i = 0; i < rc->njobs && !found; i++)
			found = !strcmp(rc->jobs[i].name, rc->sections[s]);
		if (!found) {
			snprintf(err, len, "--section: no section '%s' in %s", rc->sections[s],
				 rc->profile[0] ? rc->profile : "the profile");
			return -EINVAL;
		}
	}
	return 0;
}

int plan_expand(struct run_ctx *run, char *err, size_t len)
{
	struct run_config *rc = run->rc;
	struct job_config *out = calloc(CFG_MAX_JOBS, sizeof(*out));
	unsigned int n = 0;
	int ret = 0;

	if (!out)
		return -ENOMEM;
	ret = check_sections(rc, err, len);
	for (unsigned int i = 0; i < rc->njobs && !ret; i++) {
		const struct job_config *c = &rc->jobs[i];
		bool each = c->nfaults == 1 && !strcmp(c->faults[0], CFG_EACH);

		if (!section_wanted(rc, c->name))
			continue;
		if (!each && strcmp(c->workload, CFG_ALL) && strcmp(c->backing, CFG_ALL)) {
			if (n == CFG_MAX_JOBS)
				ret = -ENOSPC;
			else
				out[n++] = *c;
			continue;
		}
		ret = expand_one(run, out, &n, c);
	}
	if (ret == -ENOSPC)
		snprintf(err, len, "more than %d jobs after expanding 'all' and 'each'",
			 CFG_MAX_JOBS);
	if (!ret) {
		memcpy(rc->jobs, out, n * sizeof(*out));
		rc->njobs = n;
	}
	free(out);
	return ret;
}

static bool giant(const struct job_config *c)
{
	const struct backing_ops *bk = backing_find(c->backing);

	return bk && (bk->caps & MC_GIANT);
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
};

static bool runs_alone(const struct job_config *c)
{
	return giant(c) && cfg_fork_kinds(c) > 0;
}

static bool round_takes(const struct round_fill *r, const struct job_config *c)
{
	if (r->alone || (runs_alone(c) && r->jobs))
		return false;
	return !(giant(c) && r->giants);
}

static void round_add(struct round_fill *r, const struct job_config *c)
{
	r->jobs++;
	r->giants += giant(c);
	r->alone |= runs_alone(c);
}

int plan_rounds(struct run_config *rc)
{
	unsigned int n = rc->njobs, per = rc->parallel ? rc->parallel : n, done = 0, round = 0;
	struct job_config *out = calloc(n ? n : 1, sizeof(*out));
	bool *used = calloc(n ? n : 1, sizeof(*used));

	if (!out || !used) {
		free(out);
		free(used);
		return -ENOMEM;
	}
	while (done < n) {
		struct round_fill r = { 0 };

		for (unsigned int i = 0; i < n && r.jobs < per; i++) {
			if (used[i] || (rc->parallel && !round_takes(&r, &rc->jobs[i])))
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
	return 0;
}

/* A backing that implies a fault (file: writeback) gets it if the job lacks it. */
static void plan_add_implied(struct job_config *c, const struct backing_ops *bk)
{
	if (!bk->implies || c->nfaults == CFG_MAX_FAULTS)
		return;
	for (unsigned int k = 0; k < c->nfaults; k++)
		if (!strcmp(c->faults[k], bk->implies))
			return;
	snprintf(c->faults[c->nfaults], sizeof(c->faults[0]), "%s", bk->implies);
	c->nfaults++;
}

/* --kernel-lacks=not-run: what the kernel under test lacks is listed, not fatal. */
static bool kernel_lacks_not_run(const struct run_ctx *run, const char *why)
{
	return reason_kernel_lacks(why) && !strcmp(run->rc->kernel_lacks, "not-run");
}

/*
 * Job @c as it can run here: unavailable faults dropped or the job refused.
 * With @j NULL, only whether it can: nothing is recorded (the check of the
 * whole plan before anything changes).
 */
int plan_job(struct run_ctx *run, struct job *j, struct job_config *c, char *why, size_t len)
{
	const struct workload_ops *wl = workload_find(c->workload);
	const struct backing_ops *bk = backing_find(c->backing);
	const char *no;

	char buf[256];

	no = wl->probe ? wl->probe() : NULL;
	if (!no && bk->probe)
		no = bk->probe();
	if (no && kernel_lacks_not_run(run, no)) {
		if (!j)
			return PLAN_NOT_RUN;
		not_run(run, "%s/%s (job %s): %s", c->workload, c->backing, c->name, no);
		fprintf(stderr, "pinstress: job %s not run: %s/%s: %s\n", c->name, c->workload,
			c->backing, no);
		return PLAN_NOT_RUN;
	}
	if (no) {
		snprintf(why, len, "job %s: %s/%s unavailable: %s", c->name, c->workload,
			 c->backing, no);
		return -ENOTSUP;
	}
	no = compat_check(wl, bk, caps_effective(bk->caps, c->mlock), NULL, buf, sizeof(buf));
	if (no) {
		snprintf(why, len, "job %s: not applicable: %s", c->name, no);
		return -ENOTSUP;
	}
	plan_add_implied(c, bk);
	no = compat_faults(c, buf, sizeof(buf));
	if (no) {
		int n = cfg_where_key(c, "faults", why, len);

		snprintf(why + n, len - (size_t)n, "%s; use two jobs", no);
		return -ENOTSUP;
	}
	if (j)
		j->nfaults = 0;
	for (unsigned int k = 0; k < c->nfaults; k++) {
		const struct fault_ops *f = fault_find(c->faults[k]);

		no = f->probe ? f->probe() : NULL;
		if (!no)
			no = compat_check(wl, bk, caps_effective(bk->caps, c->mlock), f, buf,
					  sizeof(buf));
		if (!no) {
			if (j)
				j->faults[j->nfaults++].ops = f;
			continue;
		}
		if (!j && (kernel_lacks_not_run(run, no) || run->rc->allow_missing))
			continue;
		if (kernel_lacks_not_run(run, no)) {
			not_run(run, "%s/%s/%s (job %s): %s", c->workload, c->backing, f->name,
				c->name, no);
			fprintf(stderr, "pinstress: job %s: fault %s not run: %s\n", c->name, f->name,
				no);
			continue;
		}
		if (!run->rc->allow_missing) {
			snprintf(why, len, "job %s: fault %s unavailable: %s", c->name, f->name, no);
			return -ENOTSUP;
		}
		run_warn(run, "job %s: fault %s unavailable: %s", c->name, f->name, no);
		fprintf(stderr, "pinstress: job %s: fault %s unavailable: %s (dropped: --allow-missing)\n",
			c->name, f->name, no);
	}
	return 0;
}

/* What a round's jobs can touch at once: each region, and a copy per kind of fork. */
static uint64_t round_bytes(const struct run_config *rc, unsigned int r, char *list, size_t len)
{
	uint64_t sum = 0;
	size_t used = 0;
	char sz[32];

	list[0] = 0;
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];
		unsigned int copies = 1 + cfg_fork_kinds(c);

		if (c->round != r)
			continue;
		sum += c->size * copies;
		cfg_format_size(c->size, sz, sizeof(sz));
		if (used < len)
			used += (size_t)snprintf(list + used, len - used, "%s%s %s x%u",
						 used ? ", " : "", c->name, sz, copies);
	}
	return sum;
}

/* What does not depend on this machine's state: the combination makes sense. */
static int plan_static(const struct job_config *c, char *err, size_t len)
{
	const struct workload_ops *wl = workload_find(c->workload);
	const struct backing_ops *bk = backing_find(c->backing);
	unsigned int caps = caps_effective(bk->caps, c->mlock);
	char buf[256];
	const char *no = compat_check(wl, bk, caps, NULL, buf, sizeof(buf));
	int n;

	if (no) {
		snprintf(err, len, "job %s: not applicable: %s", c->name, no);
		return -ENOTSUP;
	}
	for (unsigned int k = 0; !no && k < c->nfaults; k++)
		no = compat_check(wl, bk, caps, fault_find(c->faults[k]), buf, sizeof(buf));
	if (!no)
		no = compat_faults(c, buf, sizeof(buf));
	if (!no)
		return 0;
	n = cfg_where_key(c, "faults", err, len);
	snprintf(err + n, len - (size_t)n, "%s", no);
	return -ENOTSUP;
}

int plan_check(struct run_ctx *run, bool available, char *err, size_t len)
{
	struct run_config *rc = run->rc;
	uint64_t avail_kb = 0, need;
	char list[512];

	for (unsigned int i = 0; i < rc->njobs; i++) {
		int ret = available ? plan_job(run, NULL, &rc->jobs[i], err, len)
				    : plan_static(&rc->jobs[i], err, len);

		if (ret == -ENOTSUP && !rc->allow_missing)
			return ret;
	}
	if (!available)
		return 0;
	/* The regions and their fork copies must fit in what the machine has free now. */
	if (meminfo_kb("MemAvailable", &avail_kb))
		return 0;
	for (unsigned int r = 0; rc->njobs && r <= rc->jobs[rc->njobs - 1].round; r++) {
		need = round_bytes(rc, r, list, sizeof(list));
		if (need <= avail_kb * 1024)
			continue;
		snprintf(err, len, "round %u would need %.1f GiB of memory (%s: region x (1 + kinds "
			 "of fork)), more than the %.1f GiB available now (MemAvailable); use smaller "
			 "sizes or --parallel", r + 1, need / 1073741824.0, list,
			 avail_kb / 1048576.0);
		return -ENOMEM;
	}
	return 0;
}

void plan_print(const struct run_config *rc, FILE *f)
{
	char list[512], sz[32];

	fprintf(f, "%-28s %-12s %-14s %-8s %5s  %s\n", "job", "workload", "backing", "size",
		"round", "faults");
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];

		cfg_format_size(c->size, sz, sizeof(sz));
		fprintf(f, "%-28s %-12s %-14s %-8s %5u  ", c->name, c->workload, c->backing, sz,
			c->round + 1);
		for (unsigned int k = 0; k < c->nfaults; k++)
			fprintf(f, "%s%s", k ? "," : "", c->faults[k]);
		fprintf(f, "%s\n", c->nfaults ? "" : "-");
	}
	for (unsigned int r = 0; rc->njobs && r <= rc->jobs[rc->njobs - 1].round; r++) {
		cfg_format_size(round_bytes(rc, r, list, sizeof(list)), sz, sizeof(sz));
		fprintf(f, "round %u: up to %s of memory\n", r + 1, sz);
	}
}
