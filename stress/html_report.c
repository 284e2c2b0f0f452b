// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress report RUN.json [-o FILE.html] [--js DYGRAPH.JS]`: the
 * morning-after page of a run.  One self-contained HTML file that opens
 * from disk with no network: what the verdict means, the environment, the
 * jobs, plots over time, each failure with its forensics, probe status and
 * replay command, and what did not run and why.  Everything but the plots
 * is plain HTML written here, readable without a script; the plots are
 * dygraphs (Debian's libjs-dygraphs) drawn by stress/html/report.js from
 * the report's timeline, both inlined with the report itself.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_assets.h"
#include "jsonio.h"
#include "run.h"
#include "run/safefile.h"

#define DYGRAPHS_DIR	"/usr/share/javascript/dygraphs"
#define ASSET_MAX	(4u << 20)

static const char *const meanings[][2] = {
	{ "pass", "Clean: every job ran for its time, every block it checked held what was "
		  "written there, every fault and backing proved that it acted, and the kernel "
		  "log stayed clean." },
	{ "corruption", "Corruption: the kernel lost a write, leaked data across fork or put "
			"data in the wrong place.  Each failure below has its forensics, the "
			"known-bug probe's status and the command that replays it." },
	{ "kernel-error", "Kernel error: the kernel logged a BUG, WARNING, oops or a hung task, "
			  "or a thread of the run hung (see the kernel log below)." },
	{ "invalid", "Invalid: the run could not show anything (bad input, a job that could not "
		     "start, a fault or backing with no confirmed effect, a detector that could "
		     "not see).  Neither a pass nor a kernel finding." },
	{ "running", "Running: this is the live report of a run still going." },
	{ "skipped", "Skipped: nothing in the plan could run on this machine." },
};

/* Member @key of @o if it has type @t, else NULL: the page shows "-" for it. */
static json_object *get(json_object *o, const char *key, json_type t)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (t == json_type_double && json_object_is_type(v, json_type_int))
		return v;
	return json_object_is_type(v, t) ? v : NULL;
}

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Any value as text: strings as they are, the rest as JSON. */
static void val(FILE *f, json_object *v)
{
	if (!v)
		fputs("-", f);
	else if (json_object_is_type(v, json_type_double))
		fprintf(f, "%.3f", json_object_get_double(v));
	else if (json_object_is_type(v, json_type_string))
		esc(f, json_object_get_string(v));
	else
		esc(f, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

static void cell(FILE *f, json_object *v, bool num)
{
	fputs(num ? "<td class=n>" : "<td>", f);
	val(f, v);
	fputs("</td>", f);
}

static void kv_table(FILE *f, json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_object)) {
		fputs("<p class=note>none</p>\n", f);
		return;
	}
	fputs("<table>\n", f);
	json_object_object_foreach(o, k, v) {
		fputs("<tr><th>", f);
		esc(f, k);
		fputs("</th>", f);
		cell(f, v, false);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void para(FILE *f, const char *cls, const char *label, json_object *v)
{
	if (!v)
		return;
	fprintf(f, "<p class=%s><b>", cls);
	esc(f, label);
	fputs("</b> ", f);
	val(f, v);
	fputs("</p>\n", f);
}

static void head(FILE *f, json_object *r)
{
	json_object *res = get(r, "result", json_type_string);
	const char *name = res ? json_object_get_string(res) : "unknown";
	const char *meaning = "An unknown result.";

	for (size_t i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++)
		if (!strcmp(meanings[i][0], name))
			meaning = meanings[i][1];
	fputs("<h1>pinstress run: <span class=\"verdict ", f);
	esc(f, name);
	fputs("\">", f);
	esc(f, name);
	fputs("</span></h1>\n<p class=meaning>", f);
	esc(f, meaning);
	fputs("</p>\n<table>\n", f);
	static const char *const keys[] = { "exit_code", "duration_s", "stopped_by", "seed",
					    "profile", "errors_total", "expected_failures_total",
					    "version" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(f, "<tr><th>%s</th>", keys[i]);
		cell(f, json_object_object_get(r, keys[i]), false);
		fputs("</tr>\n", f);
	}
	fputs("<tr><th>command</th><td><code>", f);
	val(f, get(r, "command", json_type_string));
	fputs("</code></td></tr>\n</table>\n", f);
	para(f, "bad", "Invalid:", get(r, "invalid", json_type_string));
	para(f, "note", "Warnings:", get(r, "warnings", json_type_string));
	para(f, "note", "Notes:", get(r, "notes", json_type_string));
}

static void plots(FILE *f, json_object *r)
{
	json_object *tl = get(r, "timeline", json_type_object);

	fputs("<h2>Over time</h2>\n<p class=note>", f);
	if (tl) {
		fputs("Samples every ", f);
		val(f, get(tl, "interval_s", json_type_double));
		fputs(" s (merged ", f);
		val(f, get(tl, "merged", json_type_int));
		fputs(" times to keep their number bounded). ", f);
	}
	fputs("Vertical lines: <span style=\"color:#c62828\">failure</span>, "
	      "<span style=\"color:#ef6c00\">expected failure</span>, "
	      "<span style=\"color:#6a1b9a\">kernel log record</span>, "
	      "<span style=\"color:#9e9e9e\">next round</span>.  Drag to zoom, double-click "
	      "to zoom out.</p>\n", f);
	fputs("<h3>Operations per second, per job</h3><div class=plot id=plot-ops></div>\n"
	      "<h3>Confirmed fault effects per second, per job and fault</h3>"
	      "<div class=plot id=plot-faults></div>\n"
	      "<h3>Swap: pages swapped out and in per second</h3>"
	      "<div class=plot id=plot-swap></div>\n"
	      "<h3>THP, migration, NUMA and compaction: kernel events per second</h3>"
	      "<div class=plot id=plot-vmstat></div>\n"
	      "<h3>CPU</h3><div class=plot id=plot-cpu></div>\n", f);
}

static void jobs(FILE *f, json_object *r)
{
	json_object *a = get(r, "jobs", json_type_array);
	static const char *const cols[][2] = {
		{ "name", "s" }, { "round", "n" }, { "workload", "s" }, { "backing", "s" },
		{ "fault_counts", "s" }, { "size_bytes", "n" }, { "threads", "n" },
		{ "ops_per_s", "n" }, { "blocks_verified", "n" }, { "errors", "n" },
		{ "unproven", "s" },
	};

	fputs("<h2>Jobs</h2>\n", f);
	if (!a || !json_object_array_length(a)) {
		fputs("<p class=note>No job ran.</p>\n", f);
		return;
	}
	fputs("<table>\n<tr>", f);
	for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
		fprintf(f, "<th>%s</th>", cols[c][0]);
	fputs("<th>evidence</th></tr>\n", f);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *j = json_object_array_get_idx(a, i);

		fputs("<tr>", f);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			cell(f, json_object_object_get(j, cols[c][0]), cols[c][1][0] == 'n');
		fputs("<td><details><summary>counters</summary>", f);
		kv_table(f, get(j, "evidence", json_type_object));
		fputs("</details></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void one_failure(FILE *f, json_object *e, size_t i)
{
	json_object *kb = get(e, "known_bug", json_type_object);
	json_object *fx = get(e, "forensics", json_type_object);
	json_object *file = get(e, "failure_file", json_type_string);

	fprintf(f, "<h3>%zu. ", i + 1);
	val(f, get(e, "class", json_type_string));
	fputs(" in job ", f);
	val(f, get(e, "job", json_type_string));
	fputs(" at ", f);
	val(f, get(e, "time_s", json_type_double));
	fputs(" s</h3>\n<table>\n", f);
	static const char *const keys[] = { "block", "vaddr", "region_offset", "page_offset",
					    "detected_by", "first_diff", "expected", "found",
					    "second_look", "not_known_bug", "tags" };
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_object *v = json_object_object_get(e, keys[k]);

		if (!v)
			continue;
		fprintf(f, "<tr><th>%s</th>", keys[k]);
		cell(f, v, false);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	if (kb) {
		fputs("<p><b>Known bug</b> ", f);
		val(f, get(kb, "name", json_type_string));
		fputs(" (<code>", f);
		val(f, get(kb, "doc", json_type_string));
		fputs("</code>): probe says <b>", f);
		val(f, get(kb, "probe_result", json_type_string));
		fputs("</b>: ", f);
		val(f, get(kb, "probe_evidence", json_type_string));
		fputs("<br>This failure's evidence: ", f);
		val(f, get(kb, "evidence", json_type_string));
		fputs("</p>\n", f);
	}
	if (file) {
		fputs("<p>Replay: <code>pinstress replay ", f);
		val(f, file);
		fputs("</code></p>\n", f);
	}
	if (fx) {
		fputs("<details><summary>forensics: events, pages (pagemap, kpageflags), smaps, "
		      "kernel log</summary><pre>", f);
		esc(f, json_object_to_json_string_ext(fx, JSON_C_TO_STRING_PRETTY));
		fputs("</pre></details>\n", f);
	}
}

static void failures(FILE *f, json_object *r)
{
	json_object *a = get(r, "errors", json_type_array);
	json_object *x = get(r, "expected_failures", json_type_array);
	size_t n = a ? json_object_array_length(a) : 0;

	fputs("<h2>Failures</h2>\n", f);
	if (!n)
		fputs("<p>None.</p>\n", f);
	for (size_t i = 0; i < n; i++)
		one_failure(f, json_object_array_get_idx(a, i), i);
	n = x ? json_object_array_length(x) : 0;
	fputs("<h2>Expected failures</h2>\n<p class=note>Known unfixed kernel bugs that a probe "
	      "showed present on this kernel and whose own mechanism each failure's evidence "
	      "shows.</p>\n", f);
	if (!n)
		fputs("<p>None.</p>\n", f);
	for (size_t i = 0; i < n && i < 20; i++)
		one_failure(f, json_object_array_get_idx(x, i), i);
	if (n > 20)
		fprintf(f, "<p class=note>and %zu more in the JSON report.</p>\n", n - 20);
}

static void probes(FILE *f, json_object *r)
{
	json_object *kb = get(r, "known_bugs", json_type_object);
	json_object *a = get(kb, "probes", json_type_array);
	size_t n = a ? json_object_array_length(a) : 0;

	fputs("<h2>Known-bug probes</h2>\n<p class=note>Mode: ", f);
	val(f, get(kb, "mode", json_type_string));
	fputs(" (avoid: workloads sidestep a known unfixed bug where that costs no coverage; "
	      "reproduce: they walk into it).</p>\n", f);
	if (!n) {
		fputs("<p>No probe was needed for this plan.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>bug</th><th>probe says</th><th>its evidence</th>"
	      "<th>expected failures</th><th>report</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		json_object *p = json_object_array_get_idx(a, i);

		fputs("<tr><td><b>", f);
		val(f, get(p, "name", json_type_string));
		fputs("</b><br>", f);
		val(f, get(p, "title", json_type_string));
		fputs("</td>", f);
		cell(f, get(p, "result", json_type_string), false);
		cell(f, get(p, "evidence", json_type_string), false);
		cell(f, get(p, "expected_failures", json_type_int), true);
		fputs("<td><code>", f);
		val(f, get(p, "doc", json_type_string));
		fputs("</code></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void kernel_log(FILE *f, json_object *r)
{
	json_object *k = get(r, "kernel_log", json_type_object);
	json_object *lines = get(k, "lines", json_type_array);
	size_t n = lines ? json_object_array_length(lines) : 0;

	fputs("<h2>Kernel log</h2>\n", f);
	if (!k) {
		fputs("<p class=bad>The kernel log was not watched (no /dev/kmsg).</p>\n", f);
		return;
	}
	fputs("<p>Bad records: ", f);
	val(f, get(k, "bad_records", json_type_int));
	fputs(", new taint: ", f);
	val(f, get(k, "new_taint", json_type_string));
	fputs("</p>\n", f);
	if (!n)
		return;
	fputs("<table><tr><th>time (s)</th><th>class</th><th>message</th><th>jobs running</th>"
	      "</tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(lines, i);

		fputs("<tr>", f);
		cell(f, get(l, "time_s", json_type_double), true);
		cell(f, get(l, "class", json_type_string), false);
		cell(f, get(l, "message", json_type_string), false);
		cell(f, get(l, "jobs_running", json_type_string), false);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void not_run(FILE *f, json_object *r)
{
	json_object *a = get(r, "not_run", json_type_array);
	size_t n = a ? json_object_array_length(a) : 0;

	fputs("<h2>Not run</h2>\n", f);
	if (!n) {
		fputs("<p>Everything planned ran.</p>\n", f);
		return;
	}
	fprintf(f, "<p>%zu combinations, not applicable or unavailable here:</p>\n<ul>\n", n);
	for (size_t i = 0; i < n; i++) {
		fputs("<li>", f);
		val(f, json_object_array_get_idx(a, i));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* @r as JSON inside <script>: no '<', '>' or '&' to end it early (all in strings). */
static void json_data(FILE *f, json_object *r)
{
	const char *s = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);

	for (; *s; s++) {
		if (*s == '<' || *s == '>' || *s == '&')
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void page(FILE *f, json_object *r, const char *lib_js, const char *lib_css)
{
	json_object *env = get(r, "environment", json_type_object);

	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>pinstress: ", f);
	val(f, get(r, "result", json_type_string));
	fputs(" on ", f);
	val(f, get(env, "kernel", json_type_string));
	fprintf(f, "</title>\n<style>\n%s\n%s\n</style>\n", report_css, lib_css ? lib_css : "");
	if (lib_js)
		fprintf(f, "<script>\n%s\n</script>\n", lib_js);
	fputs("</head><body>\n", f);
	head(f, r);
	fputs("<h2>Environment</h2>\n", f);
	kv_table(f, env);
	fputs("<p>Canary: ", f);
	val(f, get(r, "canary", json_type_object));
	fputs("</p>\n", f);
	plots(f, r);
	jobs(f, r);
	failures(f, r);
	probes(f, r);
	kernel_log(f, r);
	not_run(f, r);
	fputs("<script type=\"application/json\" id=run-data>", f);
	json_data(f, r);
	fprintf(f, "</script>\n<script>\n%s\n</script>\n</body></html>\n", report_js);
}

/* A file of the plotting library, or NULL (the page then says so in place of the plots). */
static char *asset(const char *path)
{
	char why[400], *buf = NULL;
	size_t n;

	if (safefile_read(path, ASSET_MAX, &buf, &n, why, sizeof(why)))
		return NULL;
	/* Inside <script>/<style>: a closing tag would end it. */
	if (strstr(buf, "</script") || strstr(buf, "</style")) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: pinstress report RUN.json [-o REPORT.html] [--js DYGRAPH.JS]\n"
		"  -o FILE     the page (default: RUN.html beside RUN.json)\n"
		"  --js FILE   dygraphs (default " DYGRAPHS_DIR "/dygraph.min.js, Debian's "
		"libjs-dygraphs)\n");
	return code;
}

/* RUN.json -> RUN.html */
static void default_out(const char *in, char *out, size_t len)
{
	size_t n = strlen(in);

	if (n > 5 && !strcmp(in + n - 5, ".json"))
		n -= 5;
	snprintf(out, len, "%.*s.html", (int)n, in);
}

int cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "js", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *js_path = DYGRAPHS_DIR "/dygraph.min.js", *out_arg = NULL;
	char out[PATH_MAX], why[512], css_path[PATH_MAX];
	struct jsonio rd = { 0 };
	json_object *r, *schema;
	char *buf = NULL, *lib_js, *lib_css = NULL;
	size_t n = 0;
	FILE *f;
	int o, ret;

	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
		if (o == 'o')
			out_arg = optarg;
		else if (o == 'j')
			js_path = optarg;
		else
			return usage(o == 'h' ? stdout : stderr, o == 'h' ? 0 : EXIT_INVALID);
	}
	if (argc - optind != 1)
		return usage(stderr, EXIT_INVALID);
	r = jsonio_load(&rd, argv[optind]);
	schema = r ? jsonio_get(&rd, r, "", "schema", json_type_string, false) : NULL;
	if (schema && strcmp(json_object_get_string(schema), "pinstress-report/1"))
		snprintf(rd.err, sizeof(rd.err), "%s: schema: '%s', not a run report "
			 "(pinstress-report/1)", argv[optind], json_object_get_string(schema));
	if (!rd.err[0])
		jsonio_get(&rd, r, "", "result", json_type_string, false);
	if (!rd.err[0])
		jsonio_get(&rd, r, "", "jobs", json_type_array, false);
	if (rd.err[0]) {
		fprintf(stderr, "pinstress: %s\n", rd.err);
		json_object_put(r);
		return EXIT_INVALID;
	}
	if (out_arg)
		snprintf(out, sizeof(out), "%s", out_arg);
	else
		default_out(argv[optind], out, sizeof(out));
	lib_js = asset(js_path);
	if (lib_js) {
		/* dygraph.min.css beside the script it came with. */
		const char *slash = strrchr(js_path, '/');

		snprintf(css_path, sizeof(css_path), "%.*sdygraph.min.css",
			 slash ? (int)(slash - js_path + 1) : 0, js_path);
		lib_css = asset(css_path);
	} else {
		fprintf(stderr, "pinstress: report: no plots: cannot use %s (apt-get install "
			"libjs-dygraphs, or --js FILE)\n", js_path);
	}
	f = open_memstream(&buf, &n);
	if (!f) {
		ret = -errno;
		snprintf(why, sizeof(why), "out of memory");
	} else {
		page(f, r, lib_js, lib_css);
		fclose(f);
		ret = safefile_write(out, buf, n, why, sizeof(why));
	}
	free(buf);
	free(lib_js);
	free(lib_css);
	json_object_put(r);
	if (ret) {
		fprintf(stderr, "pinstress: report: %s\n", why);
		return EXIT_INVALID;
	}
	fprintf(stderr, "pinstress: report: %s (%zu bytes)\n", out, n);
	return EXIT_CLEAN;
}
