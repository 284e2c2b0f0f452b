// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress compare A.json B.json [--json FILE] [--min-effect PCT]`: for
 * each metric in both bench reports, the medians, the change in %, its
 * 95 % confidence interval (bootstrap of the medians, seeded) and a
 * verdict: better, worse, or no significant change.  It warns when the two
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

struct samples {
	double *v;
	size_t n;
	bool higher_better;
	const char *unit;
};

static int load(const char *path, json_object **out)
{
	json_object *o = json_object_from_file(path), *schema;

	if (!o || !json_object_object_get_ex(o, "schema", &schema) ||
	    strcmp(json_object_get_string(schema), "pinstress-bench/1")) {
		fprintf(stderr, "pinstress: %s: not a pinstress bench report (schema pinstress-bench/1)\n",
			path);
		json_object_put(o);
		return -EINVAL;
	}
	*out = o;
	return 0;
}

static json_object *metric_of(json_object *report, const char *name)
{
	json_object *ms, *m, *n;

	if (!json_object_object_get_ex(report, "metrics", &ms))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		m = json_object_array_get_idx(ms, i);
		if (json_object_object_get_ex(m, "name", &n) &&
		    !strcmp(json_object_get_string(n), name))
			return m;
	}
	return NULL;
}

/* The samples of a metric; false if it has none (unavailable). */
static bool samples_of(json_object *m, struct samples *s)
{
	json_object *a, *d, *u;

	memset(s, 0, sizeof(*s));
	if (!m || !json_object_object_get_ex(m, "samples", &a) ||
	    !(s->n = json_object_array_length(a)))
		return false;
	s->v = calloc(s->n, sizeof(double));
	if (!s->v)
		return false;
	for (size_t i = 0; i < s->n; i++)
		s->v[i] = json_object_get_double(json_object_array_get_idx(a, i));
	s->higher_better = json_object_object_get_ex(m, "direction", &d) &&
			   !strcmp(json_object_get_string(d), "higher");
	s->unit = json_object_object_get_ex(m, "unit", &u) ? json_object_get_string(u) : "";
	return true;
}

/* The memory a kernel reserves for itself changes MemTotal a little: not a different machine. */
static bool same_value(const char *key, json_object *va, json_object *vb)
{
	double a, b;

	if (!vb)
		return false;
	if (strcmp(key, "mem_total_kb"))
		return !strcmp(json_object_get_string(va), json_object_get_string(vb));
	a = json_object_get_double(va);
	b = json_object_get_double(vb);
	return fabs(a - b) <= 0.02 * (a > b ? a : b);
}

/* Every environment field but the kernel's must match; say which do not. */
static unsigned int env_warnings(json_object *a, json_object *b)
{
	json_object *ea, *eb;
	unsigned int n = 0;

	if (!json_object_object_get_ex(a, "environment", &ea) ||
	    !json_object_object_get_ex(b, "environment", &eb))
		return 0;
	json_object_object_foreach(ea, key, va) {
		json_object *vb;

		if (!strcmp(key, "kernel") || !strcmp(key, "kernel_version"))
			continue;
		vb = NULL;
		json_object_object_get_ex(eb, key, &vb);
		if (!same_value(key, va, vb)) {
			fprintf(stderr, "pinstress: warning: environments differ in %s: '%s' vs '%s'\n",
				key, json_object_get_string(va),
				vb ? json_object_get_string(vb) : "(missing)");
			n++;
		}
	}
	return n;
}

static json_object *row_json(const char *name, const struct samples *a,
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

static int compare(json_object *ra, json_object *rb, double min_effect, json_object *rows)
{
	json_object *ms;
	int compared = 0;

	printf("%-30s %-7s %12s %12s %9s %21s  %s\n", "metric", "unit", "median A", "median B",
	       "change", "95% CI", "verdict");
	json_object_object_get_ex(ra, "metrics", &ms);
	for (size_t i = 0; ms && i < json_object_array_length(ms); i++) {
		json_object *ma = json_object_array_get_idx(ms, i), *n;
		const char *name;
		struct samples a = { 0 }, b = { 0 };
		struct stats_change c;

		if (!json_object_object_get_ex(ma, "name", &n))
			continue;
		name = json_object_get_string(n);
		if (!samples_of(ma, &a) || !samples_of(metric_of(rb, name), &b) ||
		    stats_compare(a.v, a.n, b.v, b.n, a.higher_better, min_effect / 100,
				  COMPARE_SEED, &c)) {
			printf("%-30s %-7s %12s %12s %9s %21s  %s\n", name, "", "-", "-", "", "",
			       "not in both");
			free(a.v);
			free(b.v);
			continue;
		}
		printf("%-30s %-7s %12.4g %12.4g %+8.1f%% [%+8.1f%%, %+8.1f%%]  %s\n", name, a.unit,
		       c.median_a, c.median_b, 100 * c.change, 100 * c.lo, 100 * c.hi,
		       stats_verdict_name(c.verdict));
		json_object_array_add(rows, row_json(name, &a, &c));
		compared++;
		free(a.v);
		free(b.v);
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
	json_object *ra = NULL, *rb = NULL, *out, *rows;
	const char *json = NULL;
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
	json_object_object_add(out, "environment_differences", ju64(env_warnings(ra, rb)));
	n = compare(ra, rb, min_effect, rows);
	json_object_object_add(out, "metrics", rows);
	code = n ? EXIT_CLEAN : EXIT_SKIP;
	if (json && json_object_to_file_ext(json, out, JSON_C_TO_STRING_PRETTY)) {
		fprintf(stderr, "pinstress: cannot write %s\n", json);
		code = EXIT_INVALID;
	}
	json_object_put(out);
out:
	json_object_put(ra);
	json_object_put(rb);
	return code;
}
