// SPDX-License-Identifier: GPL-2.0
/*
 * From configuration to plan: every name must exist, and everything asked
 * for must be available on this machine.  What is not is either an invalid
 * run (exit 3, the default: a missing fault must never look like a pass)
 * or, with --allow-missing, dropped and reported as unavailable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backing.h"
#include "fault.h"
#include "plan.h"
#include "scratch.h"
#include "workload.h"

static int where(const struct job_config *c, char *err, size_t len)
{
	if (c->file[0])
		return snprintf(err, len, "%s:%d: [%s]: ", c->file, c->line, c->name);
	return snprintf(err, len, "[%s]: ", c->name);
}

static int unknown(const struct job_config *c, const char *key, const char *name,
		   char *err, size_t len)
{
	int n = where(c, err, len);

	snprintf(err + n, len - (size_t)n, "key '%s': unknown name '%s' (see 'pinstress list')",
		 key, name);
	return -EINVAL;
}

int plan_check_names(const struct run_config *rc, char *err, size_t len)
{
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];

		if (!workload_find(c->workload))
			return unknown(c, "workload", c->workload, err, len);
		if (!backing_find(c->backing))
			return unknown(c, "backing", c->backing, err, len);
		for (unsigned int k = 0; k < c->nfaults; k++)
			if (!fault_find(c->faults[k]))
				return unknown(c, "faults", c->faults[k], err, len);
	}
	if (rc->plant[0] && (vclass_from_name(rc->plant) <= 0)) {
		snprintf(err, len, "--plant: unknown class '%s' (zeroed, lost-write, misplaced, leak, torn, garbage)",
			 rc->plant);
		return -EINVAL;
	}
	return 0;
}

bool plan_needs_scratch(const struct run_config *rc)
{
	for (unsigned int i = 0; i < rc->njobs; i++)
		if (workload_find(rc->jobs[i].workload)->flags & WL_NEEDS_SCRATCH)
			return true;
	return false;
}

/* Job @c as it can run here: unavailable faults dropped or the job refused. */
int plan_job(struct run_ctx *run, struct job *j, struct job_config *c, char *why, size_t len)
{
	const struct workload_ops *wl = workload_find(c->workload);
	const struct backing_ops *bk = backing_find(c->backing);
	const char *no;

	no = wl->probe ? wl->probe() : NULL;
	if (!no && bk->probe)
		no = bk->probe();
	if (no) {
		snprintf(why, len, "job %s: %s/%s unavailable: %s", c->name, c->workload,
			 c->backing, no);
		return -ENOTSUP;
	}
	j->nfaults = 0;
	for (unsigned int k = 0; k < c->nfaults; k++) {
		const struct fault_ops *f = fault_find(c->faults[k]);

		no = f->probe ? f->probe() : NULL;
		if (!no) {
			j->faults[j->nfaults++].ops = f;
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
