// SPDX-License-Identifier: GPL-2.0
/*
 * Failure records (see failure.h) and `pinstress replay`.  The record is
 * taken in the thread that found the damage, right after the block was
 * marked bad: its bytes and pages first, then the events, then the kernel
 * log; printing and writing the file come after.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/clock.h"
#include "failure.h"
#include "faults/fault.h"
#include "jsonio.h"
#include "jsonw.h"
#include "kernel/pagemap.h"
#include "run/replay.h"
#include "run.h"
#include "workload.h"

/* The block's page span: events there are the ones that could have done it. */
static void page_span(const struct job *j, size_t block, uint64_t *off, uint64_t *len)
{
	uint64_t ps = job_page_size(), bs = j->reg.block_size, lo = block * bs;

	*off = lo / ps * ps;
	*len = (lo + bs + ps - 1) / ps * ps - *off;
}

struct failure *failure_capture(struct run_ctx *run, const struct err_rec *e, bool region_bytes)
{
	struct job *j = &run->jobs[e->job];
	struct failure *fl;
	uint64_t off, len;
	bool take;

	pthread_mutex_lock(&run->lock);
	take = run->nfail_records < FAIL_MAX_RECORDS;
	run->nfail_records += take;
	pthread_mutex_unlock(&run->lock);
	if (!take || !(fl = calloc(1, sizeof(*fl))))
		return NULL;
	fl->t_ns = clock_ns();
	forensics_take(region_block(&j->reg, e->block), j->reg.block_size, j->seed, &e->expect,
		       region_bytes ? e->first_diff : j->reg.block_size, &fl->fx);
	evring_block(&j->evr, EVK_DETECT, e->block, 0, (uint64_t)e->cls);
	page_span(j, e->block, &off, &len);
	fl->nev = evring_collect(&j->evr, off, len, fl->ev, FAIL_MAX_EVENTS, FAIL_WIDE_EVENTS);
	if (run->klog_ok)
		fl->nklog = klog_recent(&run->klog, fl->klog, KLOG_RECENT);
	return fl;
}

void event_who(const struct job *j, unsigned int who, char *buf, size_t len)
{
	if (who >= EV_WHO_FAULT && who < EV_WHO_FAULT + j->nfaults)
		snprintf(buf, len, "%s", j->faults[who - EV_WHO_FAULT].ops->name);
	else if (who < EV_WHO_FAULT)
		snprintf(buf, len, "worker %u", who);
	else
		snprintf(buf, len, "%s", who == EV_WHO_SCRUB ? "scrubber" : "pinstress");
}

/* What the event did, in the words of the region: blocks, pages, generations. */
void event_what(const struct job *j, const struct event *ev, char *buf, size_t len)
{
	uint64_t bs = j->reg.block_size, ps = job_page_size();
	uint64_t b0 = ev->off / bs, b1 = ev->len ? (ev->off + ev->len - 1) / bs : 0;

	switch (ev->kind) {
	case EVK_WRITE:
		snprintf(buf, len, "block %" PRIu64 " gen %" PRIu64 " by %s:%u", b0, ev->arg,
			 src_kind_name(ev->src), SRC_INDEX(ev->src));
		break;
	case EVK_DONE:
	case EVK_ABORT:
		snprintf(buf, len, "block %" PRIu64, b0);
		break;
	case EVK_RANGE:
		snprintf(buf, len, "pages %" PRIu64 "-%" PRIu64 " (blocks %" PRIu64 "-%" PRIu64 ")",
			 ev->off / ps, (ev->off + ev->len - 1) / ps, b0, b1);
		break;
	case EVK_FAULT_END:
		snprintf(buf, len, "returned %" PRId64, (int64_t)ev->arg);
		break;
	case EVK_FORK:
		snprintf(buf, len, "child pid %" PRIu64, ev->arg);
		break;
	case EVK_REAP:
		snprintf(buf, len, "child status %" PRId64, (int64_t)ev->arg);
		break;
	case EVK_DETECT:
	case EVK_PLANT:
		snprintf(buf, len, "block %" PRIu64 " %s", b0, vclass_name((enum vclass)ev->arg));
		break;
	default:
		snprintf(buf, len, "%s", ev->len ? "" : "whole region");
	}
}

/* "<seconds>s before: <kind> <what>": an event of a thread's own ring, seen at @at_ns. */
void event_line(const struct job *j, const struct event *ev, uint64_t at_ns, char *buf,
		size_t len)
{
	char what[160];

	event_what(j, ev, what, sizeof(what));
	snprintf(buf, len, "%.6fs before: %s %s", (double)(at_ns - ev->t_ns) / 1e9,
		 ev_kind_name(ev->kind), what);
}

/* The newest events to print: the block's own first, region-wide ones only the last few. */
static size_t print_from(const struct failure *fl, bool *show)
{
	size_t n = 0, wide = 0, i = fl->nev;

	while (i-- > 0 && n < FAIL_PRINT_EVENTS) {
		show[i] = fl->ev[i].len || wide++ < FAIL_PRINT_WIDE;
		n += show[i];
	}
	return i + 1;
}

static void print_events(const struct job *j, const struct failure *fl)
{
	bool show[FAIL_MAX_EVENTS] = { false };
	size_t from = print_from(fl, show), n = 0;

	for (size_t i = from; i < fl->nev; i++)
		n += show[i];
	fprintf(stderr, "pinstress:   last events on these pages (%zu shown, %zu in the record):\n",
		n, fl->nev);
	for (size_t i = from; i < fl->nev; i++) {
		const struct event *ev = &fl->ev[i];
		char who[64], what[128];

		if (!show[i])
			continue;
		event_who(j, ev->who, who, sizeof(who));
		event_what(j, ev, what, sizeof(what));
		fprintf(stderr, "pinstress:     %+10.6fs %-14s %-8s %s\n",
			(double)(int64_t)(ev->t_ns - fl->t_ns) / 1e9, who, ev_kind_name(ev->kind), what);
	}
}

static void print_pages(const struct failure *fl)
{
	const struct forensics *fx = &fl->fx;
	char pm[96], fl_names[512], want[128], got[128];

	if (fx->have_diff) {
		hex_line(fx->want, fx->diff_len, want, sizeof(want));
		hex_line(fx->found, fx->diff_len, got, sizeof(got));
		fprintf(stderr, "pinstress:   bytes from +%#zx expected: %s\n", fx->diff_off, want);
		fprintf(stderr, "pinstress:   bytes from +%#zx found:    %s\n", fx->diff_off, got);
	}
	for (unsigned int i = 0; i < fx->npages && i < 2; i++) {
		pagemap_describe(fx->pages[i].pagemap, pm, sizeof(pm));
		kpf_names(fx->pages[i].kflags, fl_names, sizeof(fl_names));
		fprintf(stderr, "pinstress:   page %#" PRIx64 ": %s%s%s\n", fx->pages[i].vaddr, pm,
			fx->pages[i].have_kflags ? ", flags " : "",
			fx->pages[i].have_kflags ? fl_names : "");
	}
	if (fx->numa_maps[0])
		fprintf(stderr, "pinstress:   numa_maps: %s\n", fx->numa_maps);
}

static int write_file(struct run_ctx *run, struct err_rec *e);

void failure_emit(struct run_ctx *run, struct err_rec *e)
{
	const struct job *j = &run->jobs[e->job];
	char cmd[1024];

	if (!e->fail)
		return;
	print_pages(e->fail);
	print_events(j, e->fail);
	if (!write_file(run, e))
		fprintf(stderr, "pinstress:   failure record: %s (pinstress replay %s)\n",
			e->fail->file, e->fail->file);
	replay_command(run, cmd, sizeof(cmd));
	fprintf(stderr, "pinstress:   replay: %s\n", cmd);
}

static json_object *events_json(const struct run_ctx *run, const struct err_rec *e)
{
	const struct job *j = &run->jobs[e->job];
	const struct failure *fl = e->fail;
	json_object *a = json_object_new_array();
	uint64_t t0 = (uint64_t)run->st.t0.tv_sec * 1000000000ull + (uint64_t)run->st.t0.tv_nsec;

	for (size_t i = 0; i < fl->nev; i++) {
		const struct event *ev = &fl->ev[i];
		json_object *o = json_object_new_object();
		char who[64], what[128];

		event_who(j, ev->who, who, sizeof(who));
		event_what(j, ev, what, sizeof(what));
		json_object_object_add(o, "t_s", json_object_new_double((double)(ev->t_ns - t0) / 1e9));
		json_object_object_add(o, "before_s",
				       json_object_new_double((double)(int64_t)(fl->t_ns - ev->t_ns) / 1e9));
		json_object_object_add(o, "who", jstr(who));
		json_object_object_add(o, "event", jstr(ev_kind_name(ev->kind)));
		json_object_object_add(o, "offset", ju64(ev->off));
		json_object_object_add(o, "length", ju64(ev->len ? ev->len : j->reg.size));
		if (ev->kind == EVK_WRITE) {
			json_object_object_add(o, "gen", ju64(ev->arg));
			json_object_object_add(o, "source_kind", jstr(src_kind_name(ev->src)));
			json_object_object_add(o, "source_index", ju64(SRC_INDEX(ev->src)));
		}
		json_object_object_add(o, "what", jstr(what));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *pages_json(const struct forensics *fx)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < fx->npages; i++) {
		const struct fx_page *p = &fx->pages[i];
		json_object *o = json_object_new_object();
		char buf[512];

		snprintf(buf, sizeof(buf), "%#" PRIx64, p->vaddr);
		json_object_object_add(o, "vaddr", jstr(buf));
		snprintf(buf, sizeof(buf), "%#" PRIx64, p->pagemap);
		json_object_object_add(o, "pagemap", jstr(buf));
		pagemap_describe(p->pagemap, buf, sizeof(buf));
		json_object_object_add(o, "pagemap_decoded", jstr(buf));
		json_object_object_add(o, "pfn", (p->pagemap & PM_PRESENT) ?
				       ju64(p->pagemap & PM_PFN_MASK) : NULL);
		if (p->have_kflags) {
			snprintf(buf, sizeof(buf), "%#" PRIx64, p->kflags);
			json_object_object_add(o, "kpageflags", jstr(buf));
			kpf_names(p->kflags, buf, sizeof(buf));
			json_object_object_add(o, "flags", jstr(buf));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *lines_json(const char *text)
{
	json_object *a = json_object_new_array();
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		json_object_array_add(a, json_object_new_string_len(p, (int)n));
		p += n + (p[n] == '\n');
	}
	return a;
}

json_object *failure_json(const struct run_ctx *run, const struct err_rec *e)
{
	const struct failure *fl = e->fail;
	const struct forensics *fx = &fl->fx;
	json_object *o = json_object_new_object(), *k = json_object_new_array();

	json_object_object_add(o, "pages", pages_json(fx));
	json_object_object_add(o, "smaps", lines_json(fx->smaps));
	json_object_object_add(o, "numa_maps", fx->numa_maps[0] ? jstr(fx->numa_maps) : NULL);
	if (fx->have_diff) {
		json_object *b = json_object_new_object();
		char hex[128];

		json_object_object_add(b, "offset", ju64(fx->diff_off));
		hex_line(fx->want, fx->diff_len, hex, sizeof(hex));
		json_object_object_add(b, "expected", jstr(hex));
		hex_line(fx->found, fx->diff_len, hex, sizeof(hex));
		json_object_object_add(b, "found", jstr(hex));
		json_object_object_add(o, "bytes", b);
	}
	json_object_object_add(o, "events", events_json(run, e));
	for (unsigned int i = 0; i < fl->nklog; i++)
		json_object_array_add(k, jstr(fl->klog[i].msg));
	json_object_object_add(o, "kernel_log", k);
	return o;
}

/* ---- the file and the replay command ------------------------------------------------- */

static int run_replay_args(const struct run_ctx *run, const char **out, int max, char *seed,
			   size_t seedlen)
{
	return replay_args(run->argc, run->argv, run->rc->seed_set, run->rc->seed, out, max, seed,
			   seedlen);
}

void replay_command(const struct run_ctx *run, char *buf, size_t len)
{
	const char *args[256];
	char seed[32];
	int n = run_replay_args(run, args, 256, seed, sizeof(seed));

	replay_command_str(run->cwd, args, n, buf, len);
}

static json_object *replay_json(const struct run_ctx *run)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	const char *args[256];
	char seed[32], cmd[2048];
	int n = run_replay_args(run, args, 256, seed, sizeof(seed));

	for (int i = 0; i < n; i++)
		json_object_array_add(a, jstr(args[i]));
	json_object_object_add(o, "cwd", jstr(run->cwd));
	json_object_object_add(o, "argv", a);
	replay_command(run, cmd, sizeof(cmd));
	json_object_object_add(o, "command", jstr(cmd));
	return o;
}

static json_object *job_cfg_json(const struct job *j)
{
	json_object *o = json_object_new_object(), *f = json_object_new_array();

	json_object_object_add(o, "name", jstr(j->cfg->name));
	json_object_object_add(o, "workload", jstr(j->cfg->workload));
	json_object_object_add(o, "backing", jstr(j->cfg->backing));
	for (unsigned int i = 0; i < j->nfaults; i++)
		json_object_array_add(f, jstr(j->faults[i].ops->name));
	json_object_object_add(o, "faults", f);
	json_object_object_add(o, "size_bytes", ju64(j->reg.size));
	json_object_object_add(o, "block_size", ju64(j->reg.block_size));
	json_object_object_add(o, "threads", ju64(j->cfg->threads));
	json_object_object_add(o, "mlock", json_object_new_boolean(j->cfg->mlock));
	json_object_object_add(o, "region_base", ju64((uintptr_t)j->reg.base));
	return o;
}

/* Next to the --json report if there is one, else in the current directory. */
static void file_name(const struct run_ctx *run, char *buf, size_t len)
{
	const char *json = run->rc->json, *slash = strrchr(json, '/');
	struct timespec now;
	struct tm tm;
	char when[32];
	/* failure_emit() runs outside run->lock: two failures at once get two names. */
	static atomic_uint serial;

	clock_gettime(CLOCK_REALTIME, &now);
	localtime_r(&now.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, len, "%.*s%spinstress-failure-%s.%03ld-%u.json",
		 slash ? (int)(slash - json) : 0, json, slash ? "/" : "", when,
		 now.tv_nsec / 1000000, atomic_fetch_add(&serial, 1));
}

static int write_file(struct run_ctx *run, struct err_rec *e)
{
	json_object *o = json_object_new_object();
	const struct job *j = &run->jobs[e->job];
	char path[PATH_MAX], why[PATH_MAX + 128];
	int ret;

	pthread_mutex_lock(&run->lock);
	file_name(run, path, sizeof(path));
	pthread_mutex_unlock(&run->lock);
	json_object_object_add(o, "schema", jstr("pinstress-failure/1"));
	json_object_object_add(o, "seed", ju64(run->rc->seed));
	json_object_object_add(o, "profile", jstr(run->rc->profile));
	json_object_object_add(o, "kernel", jstr(run->env.kernel));
	json_object_object_add(o, "environment", report_env_json(&run->env));
	json_object_object_add(o, "replay", replay_json(run));
	json_object_object_add(o, "job", job_cfg_json(j));
	json_object_object_add(o, "error", report_err_json(run, e));
	ret = jsonio_write(o, path, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE, why,
			   sizeof(why));
	if (ret) {
		fprintf(stderr, "pinstress:   cannot write failure record %s\n", why);
	} else {
		snprintf(e->fail->file, sizeof(e->fail->file), "%s", path);
	}
	json_object_put(o);
	return ret;
}

/* ---- pinstress replay ------------------------------------------------------------------ */

int cmd_replay(int argc, char **argv)
{
	struct jsonio jr;
	json_object *o, *r, *a, *cwd;
	const char *args[260] = { "run" };
	int n = 1, ret;
	size_t na;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: pinstress replay FAILURE.json [run options that override]\n");
		return EXIT_INVALID;
	}
	o = jsonio_load(&jr, argv[1]);
	r = jsonio_get(&jr, o, "", "replay", json_type_object, false);
	a = jsonio_get(&jr, r, "replay", "argv", json_type_array, false);
	cwd = jsonio_get(&jr, r, "replay", "cwd", json_type_string, true);
	na = a ? json_object_array_length(a) : 0;
	if (na > 250 && !jr.err[0])
		snprintf(jr.err, sizeof(jr.err), "%s: replay.argv: %zu words, at most 250", argv[1], na);
	for (size_t i = 0; i < na && !jr.err[0]; i++)
		args[n++] = json_object_get_string(jsonio_idx(&jr, a, "replay.argv", i,
							      json_type_string));
	if (jr.err[0]) {
		fprintf(stderr, "pinstress: %s (not a pinstress failure record?)\n", jr.err);
		json_object_put(o);
		return EXIT_INVALID;
	}
	for (int i = 2; i < argc && n < 259; i++)
		args[n++] = argv[i];
	if (cwd && chdir(json_object_get_string(cwd)))
		fprintf(stderr, "pinstress: replay: cannot enter %s (%s); staying here\n",
			json_object_get_string(cwd), strerror(errno));
	fprintf(stderr, "pinstress: replaying the run of %s\n", argv[1]);
	ret = cmd_run(n, (char **)args);
	json_object_put(o);
	return ret;
}
