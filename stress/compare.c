// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress compare A.json B.json [--json FILE] [--min-effect PCT]`: for
 * each metric in both bench reports, the medians, the change in %, its
 * 95 % confidence interval (bootstrap of the medians, seeded, over the
 * passes of each run and the samples within them) and a verdict: better,
 * worse, or no significant change.  It warns when the two
 * environments differ in anything but the kernel: then the kernel is not
 * the only thing that changed.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonio.h"
#include "jsonw.h"
#include "run.h"
#include "bench/stats.h"

#define COMPARE_SEED		0xc0ffeeULL
/*
 * Percent.  Two `bench --repeat 3` runs on one kernel here, a minute
 * apart, differed by up to 13 % in medians (fork of 64 MiB pinned THP, pin
 * rates), with intervals reaching 7 % from zero: the machine, not the
 * kernel.  A verdict needs the whole interval beyond this; lower it on
 * quiet bare metal.
 */
#define DEFAULT_MIN_EFFECT	10.0

/* A metric of a report, every field checked when it was loaded. */
struct metric {
	const char *name;
	const char *unit;
	bool higher_better;
	bool control;		/* no mm patch should move it: a move is noise */
	double *v;		/* its samples; none: unavailable there */
	int *pass;		/* the pass of each sample, or NULL */
	size_t n;
};

struct report {
	json_object *root;
	json_object *env;
	struct metric *m;
	size_t nm;
};

static void report_free(struct report *rep)
{
	for (size_t i = 0; rep->m && i < rep->nm; i++) {
		free(rep->m[i].v);
		free(rep->m[i].pass);
	}
	free(rep->m);
	json_object_put(rep->root);
	memset(rep, 0, sizeof(*rep));
}

/* The samples of metric @where, and the pass of each when the report has them. */
static int load_samples(struct jsonio *r, json_object *o, const char *where, json_object *a,
			struct metric *m)
{
	char wv[80], wp[80];
	json_object *ps;
	int *pass;

	ps = jsonio_get(r, o, where, "sample_pass", json_type_array, true);
	if (ps && json_object_array_length(ps) != m->n && !r->err[0])
		snprintf(r->err, sizeof(r->err), "%s: %s.sample_pass: %zu entries for %zu samples",
			 r->file, where, json_object_array_length(ps), m->n);
	m->v = calloc(m->n, sizeof(double));
	pass = ps ? calloc(m->n, sizeof(int)) : NULL;
	if (!m->v || (ps && !pass)) {
		free(pass);
		return -ENOMEM;
	}
	snprintf(wv, sizeof(wv), "%s.samples", where);
	snprintf(wp, sizeof(wp), "%s.sample_pass", where);
	for (size_t k = 0; k < m->n; k++) {
		m->v[k] = json_object_get_double(jsonio_idx(r, a, wv, k, json_type_double));
		if (pass)
			pass[k] = json_object_get_int(jsonio_idx(r, ps, wp, k, json_type_int));
	}
	m->pass = pass;
	return r->err[0] ? -EINVAL : 0;
}

static int load_metric(struct jsonio *r, json_object *ms, size_t i, struct metric *m)
{
	char where[64];
	json_object *o, *d, *a, *x;

	snprintf(where, sizeof(where), "metrics[%zu]", i);
	o = jsonio_idx(r, ms, "metrics", i, json_type_object);
	m->name = json_object_get_string(jsonio_get(r, o, where, "name", json_type_string, false));
	x = jsonio_get(r, o, where, "unit", json_type_string, false);
	m->unit = x ? json_object_get_string(x) : "";
	d = jsonio_get(r, o, where, "direction", json_type_string, false);
	if (d && strcmp(json_object_get_string(d), "higher") &&
	    strcmp(json_object_get_string(d), "lower") && !r->err[0])
		snprintf(r->err, sizeof(r->err), "%s: %s.direction: 'higher' or 'lower', not '%s'",
			 r->file, where, json_object_get_string(d));
	m->higher_better = d && !strcmp(json_object_get_string(d), "higher");
	x = jsonio_get(r, o, where, "control", json_type_boolean, true);
	m->control = x && json_object_get_boolean(x);
	a = jsonio_get(r, o, where, "samples", json_type_array, false);
	if (r->err[0] || !(m->n = json_object_array_length(a)))
		return r->err[0] ? -EINVAL : 0;
	return load_samples(r, o, where, a, m);
}

/* A bench report, every member this command uses checked; -EINVAL said on stderr. */
static int load(const char *path, struct report *rep)
{
	struct jsonio r;
	json_object *schema, *ms = NULL;
	int ret = 0;

	memset(rep, 0, sizeof(*rep));
	rep->root = jsonio_load(&r, path);
	schema = jsonio_get(&r, rep->root, "", "schema", json_type_string, false);
	if (schema && strcmp(json_object_get_string(schema), "pinstress-bench/1"))
		snprintf(r.err, sizeof(r.err), "%s: not a pinstress bench report (schema %s, not "
			 "pinstress-bench/1)", path, json_object_get_string(schema));
	rep->env = jsonio_get(&r, rep->root, "", "environment", json_type_object, false);
	ms = jsonio_get(&r, rep->root, "", "metrics", json_type_array, false);
	if (!r.err[0]) {
		rep->nm = json_object_array_length(ms);
		rep->m = calloc(rep->nm ? rep->nm : 1, sizeof(*rep->m));
		ret = rep->m ? 0 : -ENOMEM;
	}
	for (size_t i = 0; !ret && !r.err[0] && i < rep->nm; i++)
		ret = load_metric(&r, ms, i, &rep->m[i]);
	if (r.err[0] || ret) {
		fprintf(stderr, "pinstress: %s\n", r.err[0] ? r.err : strerror(-ret));
		report_free(rep);
		return -EINVAL;
	}
	return 0;
}

static const struct metric *metric_of(const struct report *rep, const char *name)
{
	for (size_t i = 0; i < rep->nm; i++)
		if (!strcmp(rep->m[i].name, name))
			return &rep->m[i];
	return NULL;
}

/* An environment value as text; a JSON null as "null". */
static const char *text(json_object *v)
{
	return v ? json_object_get_string(v) : "null";
}

/* The memory a kernel reserves for itself changes MemTotal a little: not a different machine. */
static bool same_value(const char *key, json_object *va, json_object *vb, bool in_b)
{
	double a, b;

	if (!in_b)
		return false;
	if (strcmp(key, "mem_total_kb"))
		return !strcmp(text(va), text(vb));
	a = json_object_get_double(va);
	b = json_object_get_double(vb);
	return fabs(a - b) <= 0.02 * (a > b ? a : b);
}

/* Every environment field but the kernel's must match; say which do not. */
static unsigned int env_warnings(const struct report *a, const struct report *b)
{
	unsigned int n = 0;

	json_object_object_foreach(a->env, key, va) {
		json_object *vb = NULL;
		bool in_b;

		if (!strcmp(key, "kernel") || !strcmp(key, "kernel_version"))
			continue;
		in_b = json_object_object_get_ex(b->env, key, &vb);
		if (!same_value(key, va, vb, in_b)) {
			fprintf(stderr, "pinstress: warning: environments differ in %s: '%s' vs '%s'\n",
				key, text(va), in_b ? text(vb) : "(missing)");
			n++;
		}
	}
	return n;
}

static json_object *row_json(const char *name, const struct metric *a,
			     const struct stats_change *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", jstr(name));
	json_object_object_add(o, "unit", jstr(a->unit));
	json_object_object_add(o, "direction", jstr(a->higher_better ? "higher" : "lower"));
	json_object_object_add(o, "median_a", json_object_new_double(c->median_a));
	json_object_object_add(o, "median_b", json_object_new_double(c->median_b));
	json_object_object_add(o, "change_pct", json_object_new_double(100 * c->change));
	json_object_object_add(o, "ci95_lo_pct", json_object_new_double(100 * c->lo));
	json_object_object_add(o, "ci95_hi_pct", json_object_new_double(100 * c->hi));
	json_object_object_add(o, "verdict", jstr(stats_verdict_name(c->verdict)));
	return o;
}

/*
 * Did a control metric move between A and B beyond its own interval (which
 * holds how far its passes drifted within each run)?  Then the machine,
 * not the kernel, changed between the runs: say so in one line, and the
 * verdicts cannot be trusted.
 */
static bool noisy(const struct report *ra, const struct report *rb)
{
	char moved[512] = "";
	size_t used = 0;

	for (size_t i = 0; i < ra->nm && used < sizeof(moved); i++) {
		const struct metric *a = &ra->m[i], *b = metric_of(rb, a->name);
		struct stats_change c;

		if (!a->control || !a->n || !b || !b->n ||
		    stats_compare_passes(a->v, a->pass, a->n, b->v, b->pass, b->n, a->higher_better,
					 0, COMPARE_SEED, &c) ||
		    c.verdict == VERDICT_SAME)
			continue;
		used += (size_t)snprintf(moved + used, sizeof(moved) - used, "%s%s %+.1f%% [%+.1f%%, "
					 "%+.1f%%]", used ? ", " : "", a->name, 100 * c.change,
					 100 * c.lo, 100 * c.hi);
	}
	if (!moved[0])
		return false;
	fprintf(stderr, "pinstress: noise: controls moved between A and B (%s); no kernel change "
		"to mm moves them, so the machine did: verdicts marked (noise) cannot be trusted\n",
		moved);
	return true;
}

static int compare(const struct report *ra, const struct report *rb, double min_effect,
		   json_object *rows)
{
	bool noise = noisy(ra, rb);
	int compared = 0;

	printf("%-30s %-7s %12s %12s %9s %21s  %s\n", "metric", "unit", "median A", "median B",
	       "change", "95% CI", "verdict");
	for (size_t i = 0; i < ra->nm; i++) {
		const struct metric *a = &ra->m[i], *b = metric_of(rb, a->name);
		/* A control's verdict is noisy()'s: any move beyond its interval. */
		bool trusted = !noise || a->control;
		struct stats_change c;
		json_object *row;

		if (!a->n || !b || !b->n ||
		    stats_compare_passes(a->v, a->pass, a->n, b->v, b->pass, b->n, a->higher_better,
					 a->control ? 0 : min_effect / 100, COMPARE_SEED, &c)) {
			printf("%-30s %-7s %12s %12s %9s %21s  %s\n", a->name, "", "-", "-", "", "",
			       "not in both");
			continue;
		}
		printf("%-30s %-7s %12.4g %12.4g %+8.1f%% [%+8.1f%%, %+8.1f%%]  %s%s\n", a->name,
		       a->unit, c.median_a, c.median_b, 100 * c.change, 100 * c.lo, 100 * c.hi,
		       stats_verdict_name(c.verdict),
		       a->control ? " (control)" : trusted ? "" : " (noise)");
		row = row_json(a->name, a, &c);
		json_object_object_add(row, "control", json_object_new_boolean(a->control));
		json_object_object_add(row, "trusted", json_object_new_boolean(trusted));
		json_object_array_add(rows, row);
		compared++;
	}
	return compared;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "min-effect", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report ra = { 0 }, rb = { 0 };
	json_object *out, *rows;
	const char *json = NULL;
	char why[400];
	double min_effect = DEFAULT_MIN_EFFECT;
	char *end;
	int o, n, code = EXIT_INVALID;

	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (o == 'j') {
			json = optarg;
		} else if (o == 'm') {
			min_effect = strtod(optarg, &end);
			if (*end || min_effect < 0 || min_effect > 100) {
				fprintf(stderr, "pinstress: --min-effect: '%s' is not 0..100 (percent)\n",
					optarg);
				return EXIT_INVALID;
			}
		} else {
			fprintf(stderr, "usage: pinstress compare A.json B.json [--json FILE] "
				"[--min-effect PCT]\n");
			return o == 'h' ? 0 : EXIT_INVALID;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: pinstress compare A.json B.json [--json FILE] [--min-effect PCT]\n");
		return EXIT_INVALID;
	}
	if (load(argv[optind], &ra) || load(argv[optind + 1], &rb))
		goto out;
	out = json_object_new_object();
	rows = json_object_new_array();
	json_object_object_add(out, "schema", jstr("pinstress-compare/1"));
	json_object_object_add(out, "a", jstr(argv[optind]));
	json_object_object_add(out, "b", jstr(argv[optind + 1]));
	json_object_object_add(out, "min_effect_pct", json_object_new_double(min_effect));
	json_object_object_add(out, "environment_differences", ju64(env_warnings(&ra, &rb)));
	n = compare(&ra, &rb, min_effect, rows);
	json_object_object_add(out, "metrics", rows);
	code = n ? EXIT_CLEAN : EXIT_SKIP;
	if (json && jsonio_write(out, json, JSON_C_TO_STRING_PRETTY, why, sizeof(why))) {
		fprintf(stderr, "pinstress: cannot write %s\n", why);
		code = EXIT_INVALID;
	}
	json_object_put(out);
out:
	report_free(&ra);
	report_free(&rb);
	return code;
}
