// SPDX-License-Identifier: GPL-2.0
/* Whether a finding is an expected failure: the policy, in one place. */
#include <stdio.h>

#include "run.h"
#include "verify/known_bugs.h"

/*
 * An expected failure: the finding is a known unfixed kernel bug whose
 * probe says present here and whose mechanism the finding's own evidence
 * shows (lib/verify/known_bugs.c).  Listed in the report with both, counted in
 * the job's evidence, never a pass; it does not stop the run, and
 * whatever else the run finds is still corruption.  Anything else that
 * merely looks like a known bug is corruption, with the reason it is not
 * that bug in kb_why.
 */
bool expected_failure(struct run_ctx *run, struct err_rec *e)
{
	struct job *j = &run->jobs[e->job];
	struct kb_finding f = {
		.workload = j->cfg->workload,
		.backing = j->cfg->backing,
		.caps = j->caps,
		.nfaults = j->cfg->nfaults,
		.reproduce = j->reproduce_known_bugs,
		.cls = e->cls,
		.by = e->by,
		.expect = e->expect,
		.found_valid = e->found_valid,
		.found = e->found,
		.stale_us = e->stale_us,
		.evidence = e->evidence,
		.unpin = j->unpin_note ? atomic_load(&j->unpin_note[e->block]) : 0,
	};
	const char *faults[CFG_MAX_FAULTS];
	bool first;

	for (unsigned int i = 0; i < j->cfg->nfaults; i++)
		faults[i] = j->cfg->faults[i];
	f.faults = faults;
	e->kb = kb_match(&f, run->kb_state, e->kb_why, sizeof(e->kb_why));
	if (!e->kb)
		return false;
	e->xfail = true;
	ev_add(job_ev(j, "expected_failures"), 1);
	pthread_mutex_lock(&run->lock);
	run->nxfail_total++;
	first = run->kb_xfails[e->kb - known_bugs]++ == 0;
	if (run->nerrs < RUN_MAX_ERRS && run->nxfail_kept < RUN_MAX_XFAIL_KEPT) {
		run->errs[run->nerrs++] = *e;
		run->nxfail_kept++;
	}
	pthread_mutex_unlock(&run->lock);
	if (first) {
		fprintf(stderr, "pinstress: EXPECTED FAILURE %s in job %s block %zu, detected by %s: "
			"known bug %s (docs/known-bugs/%s.md)\n", vclass_name(e->cls), j->cfg->name,
			e->block, detected_by_name(e->by), e->kb->name, e->kb->doc);
		fprintf(stderr, "pinstress:   probe: %s\n", run->kb[e->kb - known_bugs].evidence);
		fprintf(stderr, "pinstress:   this failure: %s\n", e->kb_why);
		run_note_add(run, "expected failure in job %s (%s): known bug %s: %s", j->cfg->name,
			 vclass_name(e->cls), e->kb->name, e->kb->title);
	}
	return true;
}
