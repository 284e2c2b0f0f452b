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
	for (unsigned int r = 0; r < plan_nrounds(rc); r++) {
		need = plan_round_bytes(rc, r, list, sizeof(list));
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

/* "1228M=5.00%" (of MemTotal) or "64M". */
static void size_str(const struct job_config *c, char *buf, size_t len)
{
	cfg_format_size(c->size, buf, len);
	if (c->size_share)
		snprintf(buf + strlen(buf), len - strlen(buf), "=%u.%02u%%", c->size_share / 100,
			 c->size_share % 100);
}

void plan_print(const struct run_config *rc, FILE *f)
{
	char list[512], sz[48];

	fprintf(f, "%-28s %-12s %-14s %-14s %7s %5s  %s\n", "job", "workload", "backing", "size",
		"threads", "round", "faults");
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];

		size_str(c, sz, sizeof(sz));
		fprintf(f, "%-28s %-12s %-14s %-14s %7u %5u  ", c->name, c->workload, c->backing, sz,
			c->threads, c->round + 1);
		for (unsigned int k = 0; k < c->nfaults; k++)
			fprintf(f, "%s%s", k ? "," : "", c->faults[k]);
		fprintf(f, "%s\n", c->nfaults ? "" : "-");
	}
	for (unsigned int r = 0; r < plan_nrounds(rc); r++) {
		uint64_t b = plan_round_bytes(rc, r, list, sizeof(list));
		unsigned int threads = 0;

		for (unsigned int i = 0; i < rc->njobs; i++)
			threads += rc->jobs[i].round == r ? rc->jobs[i].threads : 0;
		fprintf(f, "round %u: up to %.1f GiB of memory, %u workload threads on %u CPUs\n",
			r + 1, b / 1073741824.0, threads, plan_cpus());
	}
}
