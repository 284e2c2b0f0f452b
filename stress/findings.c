// SPDX-License-Identifier: GPL-2.0
/*
 * The findings lib/ reports through the run's hooks.  A mismatch is
 * recorded and printed at once, before the run moves on, and by default it
 * stops the run: the first corruption is the one a kernel engineer needs,
 * with the least noise after it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "failure.h"
#include "kernel/ftrace.h"
#include "run.h"
#include "verify/second_look.h"
#include "verify/known_bugs.h"
#include "verify/tags.h"

/* Job @i of the run (every round's jobs), NULL past the last; fork-child safe. */
static const struct job *driver_job_at(const struct run_state *st, unsigned int i)
{
	const struct run_ctx *run = run_of(st);

	return i < run->njobs ? &run->jobs[i] : NULL;
}

static void driver_note(struct run_state *st, const char *msg)
{
	run_note_add(run_of(st), "%s", msg);
}

bool err_first_diff_known(const struct run_ctx *run, const struct err_rec *e)
{
	return e->first_diff < run->jobs[e->job].reg.block_size;
}

size_t err_tags(const struct run_ctx *run, const struct err_rec *e, const struct tag **out,
		size_t max)
{
	const struct job *j = &run->jobs[e->job];
	const char *faults[CFG_MAX_FAULTS];

	for (unsigned int i = 0; i < j->cfg->nfaults; i++)
		faults[i] = j->cfg->faults[i];
	return tags_lookup(j->cfg->workload, j->wl_flags, j->cfg->backing, j->caps, faults,
			   j->cfg->nfaults, e->cls, out, max);
}

/* The fixed bugs this finding looks like, best first, and why it is no known unfixed one. */
static void print_tags(const struct run_ctx *run, const struct err_rec *e)
{
	const struct tag *t[ERR_MAX_TAGS];
	size_t n = err_tags(run, e, t, ERR_MAX_TAGS);
	char line[512];

	for (size_t i = 0; i < n; i++) {
		tag_describe(t[i], line, sizeof(line));
		fprintf(stderr, "pinstress:   looks like %s\n", line);
	}
	if (e->kb_why[0])
		fprintf(stderr, "pinstress:   not an expected failure: %s\n", e->kb_why);
}

void stale_str(const struct err_rec *e, char *buf, size_t len)
{
	char how_long[48] = "over " SECOND_LOOK_BOUND_STR;

	if (e->stale_us >= 0)
		snprintf(how_long, sizeof(how_long), "%ld us", e->stale_us);
	snprintf(buf, len,
		 "the page tables map the expected data (read through /proc/self/mem); loads on "
		 "CPU %d saw the found data for %s more: a stale TLB entry for the old page",
		 e->cpu, how_long);
}

static void print_stale(const struct err_rec *e)
{
	char line[256];

	stale_str(e, line, sizeof(line));
	fprintf(stderr, "pinstress:   %s\n", line);
}

static void print_err(const struct run_ctx *run, const struct err_rec *e)
{
	const struct job *j = &run->jobs[e->job];
	char want[128], got[128] = "(no valid stamp)", diff[64] = "";

	stamp_id_str(&e->expect, want, sizeof(want));
	if (e->found_valid)
		stamp_id_str(&e->found, got, sizeof(got));
	if (err_first_diff_known(run, e))
		snprintf(diff, sizeof(diff), ", first differing byte at offset %zu", e->first_diff);
	fprintf(stderr,
		"pinstress: CORRUPTION %s in job %s (%s/%s) block %zu vaddr %#lx at %.3fs, detected by %s\n"
		"pinstress:   expected %s\n"
		"pinstress:   found    %s%s\n",
		vclass_name(e->cls), j->cfg->name, j->cfg->workload, j->cfg->backing, e->block,
		(unsigned long)e->vaddr, e->time_s, detected_by_name(e->by), want, got, diff);
	if (e->cls == VC_STALE_TLB)
		print_stale(e);
	print_tags(run, e);
}

/* Failures that end the run: --keep-going=N, default the first, 0 as given alone: none. */
static uint64_t keep_going(const struct run_config *rc)
{
	if (!rc->keep_going_set)
		return 1;
	return rc->keep_going ? rc->keep_going : UINT64_MAX;
}

static void record(struct job *j, size_t block, const struct stamp_id *expect,
		   const struct vfinding *f, enum detected_by by, bool diff)
{
	struct run_ctx *run = run_of(j->run);
	size_t bs = j->reg.block_size;
	struct err_rec e = {
		.cls = f->cls,
		.job = j->index,
		.block = block,
		.vaddr = (uintptr_t)region_block(&j->reg, block),
		.expect = *expect,
		.found_valid = f->found_valid,
		.found = f->found,
		.by = by,
		.time_s = run_elapsed(&run->st),
		.first_diff = bs,
		.cpu = f->cls == VC_STALE_TLB ? f->cpu : -1,
		.stale_us = f->cls == VC_STALE_TLB ? f->stale_us : 0,
		.evidence = f->evidence,
	};
	void *tmp = diff ? malloc(bs) : NULL;
	struct err_rec *rec = NULL;
	bool stop;

	/* The block is marked bad and nobody writes it: this reads what the kernel left. */
	if (tmp) {
		e.first_diff = classify_first_diff(region_block(&j->reg, block), bs, j->seed,
						   expect, tmp);
		free(tmp);
	}
	if (expected_failure(run, &e))
		return;
	e.fail = failure_capture(run, &e, diff);
	ftrace_mark("FAILURE %s job %s block %zu vaddr %#lx", vclass_name(e.cls), j->cfg->name,
		    block, (unsigned long)e.vaddr);
	if (run->rc->ftrace_stop && ftrace_stop())
		fprintf(stderr, "pinstress: tracing stopped (tracing_on = 0) at this failure: the "
			"kernel trace up to it is in %s/trace\n", ftrace_dir());
	atomic_fetch_add(&j->st.errors, 1);
	pthread_mutex_lock(&run->lock);
	stop = ++run->nerrs_total >= keep_going(run->rc);
	if (run->nerrs < RUN_MAX_ERRS)
		rec = &run->errs[run->nerrs++];
	if (rec)
		*rec = e;
	if (run->plant.cls >= 0 && run->plant.done && run->plant.detected_s < 0 &&
	    block == run->plant.block && j->index == 0)
		run->plant.detected_s = e.time_s;
	pthread_mutex_unlock(&run->lock);
	print_err(run, &e);
	run_log(run, "CORRUPTION %s in job %s block %zu vaddr %#lx, detected by %s",
		vclass_name(e.cls), j->cfg->name, block, (unsigned long)e.vaddr,
		detected_by_name(e.by));
	if (rec) {
		failure_emit(run, rec);
	} else if (e.fail) {
		failure_emit(run, &e);
		free(e.fail);
	}
	if (stop) {
		run->stopped_on_error = true;
		run_stop(&run->st);
	}
}

static void driver_divergence(struct job *j, size_t block, const struct stamp_id *expect,
			      const struct vfinding *f)
{
	/* The region holds the right bytes: there is no differing byte in it to name. */
	record(j, block, expect, f, DET_READBACK, false);
}

static void driver_mismatch(struct job *j, size_t block, const struct stamp_id *expect,
			    const struct vfinding *f, enum detected_by by)
{
	/* A pipe's copy is not the region's block: no byte offset to name in it. */
	record(j, block, expect, f, by, by != DET_PIPE);
}

/* The child's copy of the block is gone: no byte diff, only the classes. */
static void driver_child(struct job *j, size_t block, const struct stamp_id *expect,
			 const struct vfinding *f)
{
	record(j, block, expect, f, DET_CHILD, false);
}

const struct run_hooks run_hooks_driver = {
	.mismatch = driver_mismatch,
	.child = driver_child,
	.divergence = driver_divergence,
	.note = driver_note,
	.job_at = driver_job_at,
};
