// SPDX-License-Identifier: GPL-2.0
/*
 * --tap: TAP version 13 for kselftest-style runners (KernelCI, LKFT).  One
 * test point for the canary, one per job, one for the kernel log; a
 * failure carries its record as YAML diagnostics.  An expected failure (a
 * known unfixed kernel issue) is "not ok # TODO", as TAP means it.
 */
#include <stdio.h>
#include <string.h>

#include "failure.h"
#include "faults/fault.h"
#include "run.h"
#include "workload.h"

/* YAML double-quoted scalar: escape what would end or break it. */
static void yaml_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static const struct err_rec *job_err(const struct run_ctx *run, unsigned int job, bool xfail)
{
	for (unsigned int i = 0; i < run->nerrs; i++)
		if (run->errs[i].job == job && run->errs[i].xfail == xfail)
			return &run->errs[i];
	return NULL;
}

static void err_yaml(FILE *f, const struct run_ctx *run, const struct err_rec *e, uint64_t n)
{
	char want[128], got[128] = "(no valid stamp)";

	stamp_id_str(&e->expect, want, sizeof(want));
	if (e->found_valid)
		stamp_id_str(&e->found, got, sizeof(got));
	fprintf(f, "  ---\n  message: ");
	yaml_str(f, vclass_name(e->cls));
	fprintf(f, "\n  severity: %s\n  data:\n    errors: %llu\n    block: %zu\n"
		   "    vaddr: \"%#lx\"\n    detected_by: %s\n    expected: ",
		e->xfail ? "todo" : "fail", (unsigned long long)n, e->block,
		(unsigned long)e->vaddr, detected_by_name(e->by));
	yaml_str(f, want);
	fprintf(f, "\n    found: ");
	yaml_str(f, got);
	if (e->kb_why[0]) {
		fprintf(f, "\n    %s: ", e->kb ? "known_bug_evidence" : "not_known_bug");
		yaml_str(f, e->kb_why);
	}
	if (e->fail && e->fail->file[0]) {
		fprintf(f, "\n    failure_file: ");
		yaml_str(f, e->fail->file);
	}
	fprintf(f, "\n  ...\n");
	(void)run;
}

static void job_point(FILE *f, const struct run_ctx *run, unsigned int i, unsigned int n)
{
	const struct job *j = &run->jobs[i];
	const struct err_rec *e = job_err(run, i, false), *x = job_err(run, i, true);
	uint64_t errs = atomic_load(&j->st.errors);
	char what[3 * CFG_NAME_LEN + 16];

	snprintf(what, sizeof(what), "job %s (%s on %s)", j->cfg->name, j->cfg->workload,
		 j->cfg->backing);
	if (errs || e) {
		fprintf(f, "not ok %u - %s\n", n, what);
		if (e)
			err_yaml(f, run, e, errs);
	} else if (j->stuck || j->unproven[0]) {
		fprintf(f, "not ok %u - %s\n  ---\n  message: ", n, what);
		yaml_str(f, j->stuck ? "a thread did not stop" : j->unproven);
		fprintf(f, "\n  severity: fail\n  ...\n");
	} else if (x) {
		fprintf(f, "not ok %u - %s # TODO known unfixed kernel bug %s (%s)\n", n, what,
			x->kb->name, vclass_name(x->cls));
		err_yaml(f, run, x, 1);
	} else {
		fprintf(f, "ok %u - %s\n", n, what);
	}
}

static void canary_point(FILE *f, const struct run_ctx *run, unsigned int n)
{
	if (!run->canary.ran)
		fprintf(f, "ok %u - canary # SKIP not run (--no-canary)\n", n);
	else
		fprintf(f, "%s %u - canary: %u planted and kernel canaries caught, %u missed\n",
			run->canary.detected ? "ok" : "not ok", n, run->canary.passed,
			run->canary.failed);
}

static void klog_point(FILE *f, const struct run_ctx *run, unsigned int n)
{
	if (!run->klog_ok) {
		fprintf(f, "ok %u - kernel log # SKIP /dev/kmsg not readable\n", n);
		return;
	}
	if (!run->klog.nbad && !klog_new_taint(&run->klog) && !run->nhung) {
		fprintf(f, "ok %u - kernel log: no BUG, WARNING, taint or hung operation\n", n);
		return;
	}
	fprintf(f, "not ok %u - kernel log\n  ---\n  message: \"kernel error\"\n  severity: fail\n"
		   "  data:\n    lines:\n", n);
	for (unsigned int i = 0; i < run->klog.nlines; i++) {
		fprintf(f, "      - ");
		yaml_str(f, run->klog.lines[i].msg);
		fputc('\n', f);
	}
	for (unsigned int i = 0; i < run->nhung && i < RUN_MAX_HUNG; i++) {
		fprintf(f, "      - ");
		yaml_str(f, run->hung[i].thread);
		fprintf(f, " # hung %.0fs, wchan %s\n", run->hung[i].op_s, run->hung[i].wchan);
	}
	fprintf(f, "  ...\n");
}

void report_tap(const struct run_ctx *run, FILE *f)
{
	unsigned int n = 0;

	fprintf(f, "TAP version 13\n");
	canary_point(f, run, ++n);
	for (unsigned int i = 0; i < run->njobs; i++)
		if (run->jobs[i].cfg)
			job_point(f, run, i, ++n);
	klog_point(f, run, ++n);
	if (run->invalid[0]) {
		fprintf(f, "not ok %u - run valid\n  ---\n  message: ", ++n);
		yaml_str(f, run->invalid);
		fprintf(f, "\n  severity: fail\n  ...\n");
	}
	fprintf(f, "1..%u\n", n);
	fflush(f);
}
