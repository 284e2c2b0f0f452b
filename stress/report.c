// SPDX-License-Identifier: GPL-2.0
/*
 * What a run tells its user: the progress line, the summary table and the
 * JSON report (schema pinstress-report/1).  The JSON is written to a
 * temporary file and renamed, so the named file is always a whole report.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "env.h"
#include "failure.h"
#include "faults/fault.h"
#include "jsonio.h"
#include "jsonw.h"
#include "run.h"
#include "backings/backing.h"
#include "verify/tags.h"
#include "workload.h"

#ifndef PINSTRESS_VERSION
#define PINSTRESS_VERSION "0.1"
#endif

const char *result_name(int code)
{
	switch (code) {
	case EXIT_CLEAN:
		return "pass";
	case EXIT_CORRUPTION:
		return "corruption";
	case EXIT_KERNEL_ERROR:
		return "kernel-error";
	case EXIT_SKIP:
		return "skipped";
	case EXIT_RUNNING:
		return "running";
	default:
		return "invalid";
	}
}

static uint64_t ld(const _Atomic uint64_t *v)
{
	return atomic_load_explicit((_Atomic uint64_t *)v, memory_order_relaxed);
}

static void faults_str(const struct job *j, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < j->nfaults && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "", j->faults[i].ops->name);
	if (!j->nfaults)
		snprintf(buf, len, "-");
}

void report_progress(const struct run_ctx *run, FILE *f, bool tty)
{
	double t = run_elapsed(&run->st);
	uint64_t ops = 0, ver = 0, sw = 0, kids = 0;

	for (unsigned int i = 0; i < run->njobs; i++) {
		ops += ld(&run->jobs[i].st.ops);
		ver += ld(&run->jobs[i].st.blocks_verified);
		sw += evidence_value(&run->jobs[i].ev, "pages_swapped_out");
		kids += evidence_value(&run->jobs[i].ev, "children_verified");
	}
	fprintf(f, "%s[%5.0fs/%.0fs] ops %llu (%.0f/s) verified %llu swapped %llu children %llu errors %llu%s",
		tty ? "\r" : "", t, run->duration_s, (unsigned long long)ops, t > 0 ? ops / t : 0.0,
		(unsigned long long)ver, (unsigned long long)sw, (unsigned long long)kids,
		(unsigned long long)run->nerrs_total, tty ? "  " : "\n");
	fflush(f);
}

/* "pages_swapped_out=1234 children_verified=20": the proof of every fault. */
static void proof_str(const struct job *j, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < j->nfaults && n < len; i++) {
		const char *p = j->faults[i].ops->proof;
		char key[EV_NAME_LEN];
		size_t k = p ? strcspn(p, ",") : 0;

		if (!k || k >= sizeof(key))
			continue;
		memcpy(key, p, k);
		key[k] = 0;
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%llu", n ? " " : "", key,
				      (unsigned long long)evidence_value(&j->ev, key));
	}
}

#define REPORT_RATES_MAX	32	/* jobs whose fault rates the summary prints */

/* How fast each fault went: injections and confirmed effects per second of the job. */
static void report_fault_rates(const struct run_ctx *run, FILE *f)
{
	if (run->njobs > REPORT_RATES_MAX) {
		fprintf(f, "fault rates: in the JSON report (fault_detail)\n");
		return;
	}
	for (unsigned int i = 0; i < run->njobs; i++) {
		const struct job *j = &run->jobs[i];
		double t = j->active_s > 0 ? j->active_s : 1;

		if (!j->nfaults)
			continue;
		fprintf(f, "  %-22s", j->cfg->name);
		for (unsigned int k = 0; k < j->nfaults; k++)
			fprintf(f, " %s %.1f/s (%.1f confirmed/s)", j->faults[k].ops->name,
				ld(&j->faults[k].count) / t, ld(&j->faults[k].confirmed) / t);
		fputc('\n', f);
	}
}

void report_summary(const struct run_ctx *run, FILE *f)
{
	fprintf(f, "\n%-24s %-11s %-13s %-12s %9s %8s %11s %6s  %s\n", "job", "workload",
		"backing", "faults", "ops", "ops/s", "verified", "errors", "evidence");
	for (unsigned int i = 0; i < run->njobs; i++) {
		const struct job *j = &run->jobs[i];
		double t = j->active_s > 0 ? j->active_s : 1;
		char fl[64], pr[160];

		faults_str(j, fl, sizeof(fl));
		proof_str(j, pr, sizeof(pr));
		fprintf(f, "%-24s %-11s %-13s %-12s %9llu %8.0f %11llu %6llu  %s%s%s\n",
			j->cfg->name, j->cfg->workload, j->cfg->backing, fl,
			(unsigned long long)ld(&j->st.ops), ld(&j->st.ops) / t,
			(unsigned long long)ld(&j->st.blocks_verified),
			(unsigned long long)ld(&j->st.errors), pr,
			j->unproven[0] ? " UNPROVEN: " : "", j->unproven);
	}
	report_fault_rates(run, f);
	if (run->not_run_total)
		fprintf(f, "not run: %u combinations (not applicable or unavailable here; see the JSON report)\n",
			run->not_run_total);
	if (run->invalid[0])
		fprintf(f, "invalid: %s\n", run->invalid);
	if (run->warnings[0])
		fprintf(f, "warnings: %s\n", run->warnings);
	if (run->notes[0])
		fprintf(f, "notes: %s\n", run->notes);
}

/* A stamp decoded field by field; "source" as "kind:index" for older readers. */
static json_object *stamp_json(const struct stamp_id *id)
{
	json_object *o = json_object_new_object();
	char src[32];

	snprintf(src, sizeof(src), "%u:%u", SRC_KIND(id->source), SRC_INDEX(id->source));
	json_object_object_add(o, "region", ju64(id->region));
	json_object_object_add(o, "block", ju64(id->block));
	json_object_object_add(o, "gen", ju64(id->gen));
	json_object_object_add(o, "source", jstr(src));
	json_object_object_add(o, "source_kind", jstr(src_kind_name(id->source)));
	json_object_object_add(o, "source_index", ju64(SRC_INDEX(id->source)));
	return o;
}

json_object *report_env_json(const struct env_info *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "kernel", jstr(e->kernel));
	json_object_object_add(o, "kernel_version", jstr(e->kernel_version));
	json_object_object_add(o, "cpus", json_object_new_int(e->cpus));
	json_object_object_add(o, "numa_nodes", json_object_new_int(e->numa_nodes));
	json_object_object_add(o, "memory_tiers", json_object_new_int(e->memory_tiers));
	json_object_object_add(o, "swap_total_kb", ju64(e->swap_total_kb));
	json_object_object_add(o, "thp_enabled", jstr(e->thp_enabled));
	json_object_object_add(o, "page_size", json_object_new_int(e->page_size));
	json_object_object_add(o, "cpu_model", jstr(e->cpu_model));
	json_object_object_add(o, "mem_total_kb", ju64(e->mem_total_kb));
	json_object_object_add(o, "thp_defrag", jstr(e->thp_defrag));
	json_object_object_add(o, "zswap_enabled", jstr(e->zswap));
	json_object_object_add(o, "swap_devices", jstr(e->swap_devices));
	return o;
}

/* {"counter": value, ...} for a proof list "a,b". */
static json_object *proof_json(const struct job *j, const char *proof)
{
	json_object *o = json_object_new_object();
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", proof ? proof : "");
	for (char *k = strtok_r(buf, ",", &save); k; k = strtok_r(NULL, ",", &save))
		json_object_object_add(o, k, ju64(evidence_value(&j->ev, k)));
	return o;
}

static json_object *fault_json(const struct job *j, const struct fault_inst *f)
{
	json_object *o = json_object_new_object();
	double t = j->active_s;

	json_object_object_add(o, "name", jstr(f->ops->name));
	json_object_object_add(o, "injections", ju64(ld(&f->count)));
	json_object_object_add(o, "confirmed", ju64(ld(&f->confirmed)));
	json_object_object_add(o, "skipped", ju64(ld(&f->skipped)));
	json_object_object_add(o, "injections_per_s",
			       json_object_new_double(t > 0 ? ld(&f->count) / t : 0));
	json_object_object_add(o, "confirmed_per_s",
			       json_object_new_double(t > 0 ? ld(&f->confirmed) / t : 0));
	json_object_object_add(o, "proof", proof_json(j, f->ops->proof));
	json_object_object_add(o, "error", f->err ? jstr(f->errmsg) : NULL);
	return o;
}

/* Where the job ran: its size as a share of MemTotal, its workers' CPUs, its memory's node. */
static void placement_json(const struct job *j, json_object *o)
{
	json_object *cpus = json_object_new_array();

	json_object_object_add(o, "size_share_pct", j->cfg->size_share ?
			       json_object_new_double(j->cfg->size_share / 100.0) : NULL);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &j->worker_cpus))
			json_object_array_add(cpus, json_object_new_int(c));
	json_object_object_add(o, "worker_cpus", cpus);
	json_object_object_add(o, "mem_node", j->cfg->mem_node >= 0 ?
			       json_object_new_int(j->cfg->mem_node) : NULL);
}

static json_object *job_json(const struct job *j)
{
	json_object *o = json_object_new_object(), *fl = json_object_new_array();
	json_object *fc = json_object_new_object(), *ev = json_object_new_object();
	json_object *fd = json_object_new_array();
	double t = j->active_s;

	json_object_object_add(o, "name", jstr(j->cfg->name));
	json_object_object_add(o, "workload", jstr(j->cfg->workload));
	json_object_object_add(o, "backing", jstr(j->cfg->backing));
	/* Jobs of one round run together, in one process: who could disturb whom. */
	json_object_object_add(o, "round", json_object_new_int((int)j->cfg->round));
	for (unsigned int i = 0; i < j->nfaults; i++) {
		json_object_array_add(fl, jstr(j->faults[i].ops->name));
		json_object_object_add(fc, j->faults[i].ops->name, ju64(ld(&j->faults[i].count)));
		json_object_array_add(fd, fault_json(j, &j->faults[i]));
	}
	json_object_object_add(o, "faults", fl);
	json_object_object_add(o, "threads", json_object_new_int((int)j->cfg->threads));
	json_object_object_add(o, "size_bytes", ju64(j->reg.size));
	placement_json(j, o);
	json_object_object_add(o, "block_size", ju64(j->reg.block_size));
	json_object_object_add(o, "ops", ju64(ld(&j->st.ops)));
	json_object_object_add(o, "kernel_ops", ju64(ld(&j->st.kernel_ops)));
	json_object_object_add(o, "cpu_ops", ju64(ld(&j->st.cpu_ops)));
	json_object_object_add(o, "ops_per_s", json_object_new_double(t > 0 ? ld(&j->st.ops) / t : 0));
	json_object_object_add(o, "blocks_verified", ju64(ld(&j->st.blocks_verified)));
	json_object_object_add(o, "scrub_passes", ju64(ld(&j->st.scrub_passes)));
	json_object_object_add(o, "fault_counts", fc);
	json_object_object_add(o, "fault_detail", fd);
	json_object_object_add(o, "mlock", json_object_new_boolean(j->cfg->mlock));
	json_object_object_add(o, "active_s", json_object_new_double(t));
	for (unsigned int i = 0; i < j->ev.n; i++)
		json_object_object_add(ev, j->ev.slot[i].name, ju64(ld(&j->ev.slot[i].v)));
	json_object_object_add(o, "evidence", ev);
	json_object_object_add(o, "backing_proof", proof_json(j, j->backing->proof));
	json_object_object_add(o, "workload_proof", proof_json(j, j->wl->proof));
	json_object_object_add(o, "unproven", j->unproven[0] ? jstr(j->unproven) : NULL);
	json_object_object_add(o, "errors", ju64(ld(&j->st.errors)));
	json_object_object_add(o, "io_errors", ju64(ld(&j->st.io_errors)));
	return o;
}

static json_object *tags_json(const struct run_ctx *run, const struct err_rec *e)
{
	const struct tag *t[ERR_MAX_TAGS];
	size_t n = err_tags(run, e, t, ERR_MAX_TAGS);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "cve", t[i]->cve ? jstr(t[i]->cve) : NULL);
		json_object_object_add(o, "commit", t[i]->commit ? jstr(t[i]->commit) : NULL);
		json_object_object_add(o, "version", jstr(t[i]->version));
		json_object_object_add(o, "title", jstr(t[i]->title));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *report_err_json(const struct run_ctx *run, const struct err_rec *e)
{
	json_object *o = json_object_new_object();
	char va[32];

	snprintf(va, sizeof(va), "%#lx", (unsigned long)e->vaddr);
	json_object_object_add(o, "class", jstr(vclass_name(e->cls)));
	json_object_object_add(o, "job", jstr(run->jobs[e->job].cfg->name));
	json_object_object_add(o, "block", ju64(e->block));
	json_object_object_add(o, "vaddr", jstr(va));
	/*
	 * Where in the region and where in its page: a block that straddles
	 * pages, a 2 MiB folio.  From the block, not the base: a job of an
	 * earlier round is unmapped by the time the report is written.
	 */
	json_object_object_add(o, "region_offset",
			       ju64((uint64_t)e->block * run->jobs[e->job].reg.block_size));
	json_object_object_add(o, "page_offset", ju64(e->vaddr & (job_page_size() - 1)));
	json_object_object_add(o, "expected", stamp_json(&e->expect));
	json_object_object_add(o, "found", e->found_valid ? stamp_json(&e->found) : NULL);
	json_object_object_add(o, "first_diff",
			       err_first_diff_known(run, e) ? ju64(e->first_diff) : NULL);
	json_object_object_add(o, "detected_by", jstr(detected_by_name(e->by)));
	if (e->cls == VC_STALE_TLB) {
		char why[256];

		stale_str(e, why, sizeof(why));
		json_object_object_add(o, "stale_cpu", json_object_new_int(e->cpu));
		json_object_object_add(o, "stale_us",
				       e->stale_us >= 0 ? json_object_new_int64(e->stale_us) : NULL);
		json_object_object_add(o, "second_look", jstr(why));
	}
	json_object_object_add(o, "expected_failure", json_object_new_boolean(e->xfail));
	if (e->kb) {
		json_object *kb = json_object_new_object();
		char doc[128];

		snprintf(doc, sizeof(doc), "docs/known-bugs/%s.md", e->kb->doc);
		json_object_object_add(kb, "name", jstr(e->kb->name));
		json_object_object_add(kb, "doc", jstr(doc));
		json_object_object_add(kb, "probe_result",
				       jstr(kb_state_name(run->kb[e->kb - known_bugs].state)));
		json_object_object_add(kb, "probe_evidence", jstr(run->kb[e->kb - known_bugs].evidence));
		json_object_object_add(kb, "evidence", jstr(e->kb_why));
		json_object_object_add(o, "known_bug", kb);
	} else if (e->kb_why[0]) {
		json_object_object_add(o, "not_known_bug", jstr(e->kb_why));
	}
	json_object_object_add(o, "time_s", json_object_new_double(e->time_s));
	json_object_object_add(o, "tags", tags_json(run, e));
	if (e->fail) {
		json_object_object_add(o, "forensics", failure_json(run, e));
		json_object_object_add(o, "failure_file",
				       e->fail->file[0] ? jstr(e->fail->file) : NULL);
	}
	return o;
}

static json_object *plant_json(const struct plant_state *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "class", jstr(p->hang ? "hang" : p->kwarn ? "kernel-warning" :
						vclass_name((enum vclass)p->cls)));
	json_object_object_add(o, "done", json_object_new_boolean(p->done));
	json_object_object_add(o, "block", ju64(p->block));
	json_object_object_add(o, "time_s", json_object_new_double(p->at_s));
	json_object_object_add(o, "detected_after_s",
			       p->detected_s >= 0 ? json_object_new_double(p->detected_s - p->at_s)
						  : NULL);
	return o;
}

static json_object *klog_json(const struct run_ctx *run)
{
	json_object *o = json_object_new_object(), *lines = json_object_new_array();
	char taint[64] = "";

	if (!run->klog_ok)
		return NULL;
	klog_taint_names(klog_new_taint(&run->klog), taint, sizeof(taint));
	json_object_object_add(o, "bad_records", ju64(run->klog.nbad));
	json_object_object_add(o, "new_taint", jstr(taint));
	for (unsigned int i = 0; i < run->klog.nlines; i++) {
		json_object *l = json_object_new_object();

		json_object_object_add(l, "class", jstr(klog_class_name(run->klog.lines[i].cls)));
		json_object_object_add(l, "message", jstr(run->klog.lines[i].msg));
		json_object_object_add(l, "jobs_running",
				       i < run->klog_seen ? jstr(run->klog_jobs[i]) : NULL);
		/*
		 * On the run's clock, from the kernel's stamp: printk's
		 * local_clock() parts from CLOCK_MONOTONIC only by what NTP
		 * slews, close enough to place the record on the plots.
		 */
		json_object_object_add(l, "time_s", json_object_new_double(
			(double)run->klog.lines[i].ts_usec / 1e6 - (double)run->st.t0.tv_sec -
			(double)run->st.t0.tv_nsec / 1e9));
		json_object_array_add(lines, l);
	}
	json_object_object_add(o, "lines", lines);
	return o;
}

static json_object *hung_json(const struct run_ctx *run)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < run->nhung && i < RUN_MAX_HUNG; i++) {
		const struct hung_rec *h = &run->hung[i];
		const struct job *j = &run->jobs[h->job];
		json_object *o = json_object_new_object(), *ev = json_object_new_array();
		char st[2] = { h->state, 0 };

		json_object_object_add(o, "job", jstr(j->cfg->name));
		json_object_object_add(o, "thread", jstr(h->thread));
		json_object_object_add(o, "tid", json_object_new_int(h->tid));
		json_object_object_add(o, "operation_s", json_object_new_double(h->op_s));
		json_object_object_add(o, "state", jstr(st));
		json_object_object_add(o, "wchan", jstr(h->wchan));
		json_object_object_add(o, "kernel_stack", jstr(h->stack));
		json_object_object_add(o, "pinstress_lock", json_object_new_boolean(h->lock_wait));
		for (size_t k = 0; k < h->nev; k++) {
			char line[224];

			event_line(j, &h->ev[k], h->at_ns, line, sizeof(line));
			json_object_array_add(ev, jstr(line));
		}
		json_object_object_add(o, "events", ev);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *not_run_json(const struct run_ctx *run)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < run->nnot_run; i++)
		json_object_array_add(a, jstr(run->not_run[i]));
	return a;
}

static json_object *report_build(const struct run_ctx *run, int code)
{
	json_object *o = json_object_new_object(), *jobs = json_object_new_array();
	json_object *errs = json_object_new_array(), *xfails = json_object_new_array();
	json_object *can = json_object_new_object();

	json_object_object_add(o, "schema", jstr("pinstress-report/1"));
	json_object_object_add(o, "version", jstr(PINSTRESS_VERSION));
	json_object_object_add(o, "seed", ju64(run->rc->seed));
	json_object_object_add(o, "profile", jstr(run->rc->profile));
	{
		char cmd[2048];

		replay_command(run, cmd, sizeof(cmd));
		json_object_object_add(o, "command", jstr(cmd));
	}
	json_object_object_add(o, "result", jstr(result_name(code)));
	json_object_object_add(o, "exit_code", json_object_new_int(code));
	json_object_object_add(o, "duration_s", json_object_new_double(run->duration_s));
	json_object_object_add(o, "stopped_by",
			       jstr(run->signal ? strsignal(run->signal) : run->nhung ? "hang" :
				    run->stopped_on_error ? "corruption" : "duration"));
	json_object_object_add(o, "environment", report_env_json(&run->env));
	json_object_object_add(can, "ran", json_object_new_boolean(run->canary.ran));
	json_object_object_add(can, "detected", json_object_new_boolean(run->canary.detected));
	json_object_object_add(can, "kernel", jstr(run->canary.kernel));
	json_object_object_add(o, "canary", can);
	for (unsigned int i = 0; i < run->njobs; i++)
		json_object_array_add(jobs, job_json(&run->jobs[i]));
	json_object_object_add(o, "jobs", jobs);
	/* Corruption first and apart: errors[0] is the finding to act on. */
	for (unsigned int i = 0; i < run->nerrs; i++)
		json_object_array_add(run->errs[i].xfail ? xfails : errs,
				      report_err_json(run, &run->errs[i]));
	json_object_object_add(o, "errors", errs);
	json_object_object_add(o, "errors_total", ju64(run->nerrs_total));
	json_object_object_add(o, "expected_failures", xfails);
	json_object_object_add(o, "expected_failures_total", ju64(run->nxfail_total));
	json_object_object_add(o, "known_bugs", known_bugs_json(run->kb, run->kb_xfails, run->rc->known_bugs));
	json_object_object_add(o, "kernel_log", klog_json(run));
	json_object_object_add(o, "hung", hung_json(run));
	json_object_object_add(o, "stuck_jobs", json_object_new_int((int)run->nstuck));
	json_object_object_add(o, "invalid", run->invalid[0] ? jstr(run->invalid) : NULL);
	json_object_object_add(o, "warnings", run->warnings[0] ? jstr(run->warnings) : NULL);
	json_object_object_add(o, "notes", run->notes[0] ? jstr(run->notes) : NULL);
	json_object_object_add(o, "not_run", not_run_json(run));
	if (run->plant.cls >= 0 || run->plant.hang || run->plant.kwarn)
		json_object_object_add(o, "plant", plant_json(&run->plant));
	/* Last: the longest part, and what a reader skims past. */
	json_object_object_add(o, "timeline", timeline_json(run));
	return o;
}

int report_write_json(const struct run_ctx *run, const char *path, int code)
{
	pthread_mutex_t *lock = (pthread_mutex_t *)&run->lock;
	json_object *o;

	/* While the run goes, a finding may be recorded meanwhile: read under its lock. */
	if (code == EXIT_RUNNING)
		pthread_mutex_lock(lock);
	o = report_build(run, code);
	if (code == EXIT_RUNNING)
		pthread_mutex_unlock(lock);
	char why[PATH_MAX + 128];
	int ret = jsonio_write(o, path, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE,
			       why, sizeof(why));

	json_object_put(o);
	return ret;
}
