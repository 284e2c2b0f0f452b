// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress bench [-c configs/bench.ini] [--json FILE] [--repeat N]`: run
 * the benchmarks of lib/bench/*.c, print one line per metric (median and
 * spread) and write every raw sample with the environment, for
 * `pinstress compare`.  Whatever a benchmark changes on the machine (its
 * zram swap, the hugetlb pool) is put back after it, and on SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "jsonw.h"
#include "run/options.h"
#include "run.h"
#include "run/runlock.h"
#include "run/scratch.h"
#include "bench/stats.h"
#include "kernel/tunable.h"

#define BENCH_DEFAULT_REPEAT	10
#define BENCH_DEFAULT_REGION	(64ULL << 20)

struct bench_args {
	struct bench_ctx *c;
	char only[256];			/* benchmarks to run, "" for all */
	char json[4096];
	char err[512];
	const char *file;
};

static sigset_t stop_sigs;
static bool stop_seen;

/* A SIGINT/SIGTERM (blocked, so pending) ends the benchmarks early. */
static bool bench_stopping(void)
{
	sigset_t pend;

	if (!stop_seen && !sigpending(&pend) &&
	    (sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM))) {
		stop_seen = true;
		fprintf(stderr, "pinstress: bench: stopping on a signal\n");
	}
	return stop_seen;
}

/* "64M,1G" into the fork sizes; -EINVAL with the bad word in @err. */
static int parse_sizes(struct bench_ctx *c, const char *v, char *err, size_t len)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	c->nfork_sizes = 0;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		uint64_t b;

		if (c->nfork_sizes == BENCH_MAX_SIZES || cfg_parse_size(w, &b) || b < (1 << 20))
			return cfg_errf(err, len, "invalid size '%s' (at most %d, each >= 1M)", w,
					BENCH_MAX_SIZES);
		c->fork_sizes[c->nfork_sizes++] = b;
	}
	return c->nfork_sizes ? 0 : cfg_errf(err, len, "no sizes");
}

static int check_only(const char *v, char *err, size_t len)
{
	char buf[256], names[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (bench_find(w))
			continue;
		bench_names(names, sizeof(names));
		return cfg_errf(err, len, "benchmarks: unknown benchmark '%s' (%s)", w, names);
	}
	return 0;
}

/* One key, from bench.ini or the command line. */
static int set_key(struct bench_args *a, const char *key, const char *v, char *err, size_t len)
{
	struct bench_ctx *c = a->c;
	uint64_t u;

	if (!strcmp(key, "repeat")) {
		char *end;

		u = strtoull(v, &end, 10);
		if (*end || !*v || u < 1 || u > 1000)
			return cfg_errf(err, len, "repeat: '%s' is not 1..1000", v);
		c->repeat = (unsigned int)u;
	} else if (!strcmp(key, "region-size")) {
		if (cfg_parse_size(v, &u) || u < (2 << 20) || u % (2 << 20) || u > (4ULL << 30))
			return cfg_errf(err, len, "region-size: '%s' is not 2M..4G in 2M steps", v);
		c->region = u;
	} else if (!strcmp(key, "fork-sizes")) {
		return parse_sizes(c, v, err, len);
	} else if (!strcmp(key, "benchmarks")) {
		snprintf(a->only, sizeof(a->only), "%s", v);
		return check_only(v, err, len);
	} else if (!strcmp(key, "scratch")) {
		snprintf(c->scratch, sizeof(c->scratch), "%s", v);
	} else {
		return cfg_errf(err, len, "unknown key '%s' (repeat, region-size, fork-sizes, "
				"benchmarks, scratch)", key);
	}
	return 0;
}

static int ini_key(void *user, const char *section, const char *name, const char *value,
		   int line)
{
	struct bench_args *a = user;
	char why[400];

	if (strcmp(section, "global") && strcmp(section, "bench")) {
		snprintf(a->err, sizeof(a->err), "%s:%d: section [%s]: bench.ini has only [global]",
			 a->file, line, section);
		return 0;
	}
	if (set_key(a, name, value, why, sizeof(why))) {
		snprintf(a->err, sizeof(a->err), "%s:%d: key %s", a->file, line, why);
		return 0;
	}
	return 1;
}

/* bench.ini: [global] and key = value lines, ';' comments; errors name file and line. */
static int read_ini(struct bench_args *a, const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512], section[64] = "global";
	int lineno = 0;

	a->file = path;
	if (!f) {
		snprintf(a->err, sizeof(a->err), "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t"), *eq, *k, *v;

		lineno++;
		p[strcspn(p, "\r\n")] = 0;
		if (!*p || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			snprintf(section, sizeof(section), "%.*s", (int)strcspn(p + 1, "]"), p + 1);
			continue;
		}
		eq = strchr(p, '=');
		if (!eq) {
			snprintf(a->err, sizeof(a->err), "%s:%d: not 'key = value': '%s'", path,
				 lineno, p);
			break;
		}
		*eq = 0;
		k = p;
		v = eq + 1 + strspn(eq + 1, " \t");
		for (char *e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = 0;
		v[strcspn(v, ";")] = 0;
		for (size_t n = strlen(v); n && (v[n - 1] == ' ' || v[n - 1] == '\t');)
			v[--n] = 0;
		if (!ini_key(a, section, k, v, lineno))
			break;
	}
	fclose(f);
	return a->err[0] ? -EINVAL : 0;
}

/*
 * Two passes: the first finds -c and reads the file, the second applies
 * the other options over it, so the command line wins, each option is
 * checked where it stands, and there is no limit on how many are given.
 */
static int parse_args(struct bench_args *a, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "scratch", required_argument, NULL, 's' },
		{ "benchmarks", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfg = NULL, *key;
	char names[128], why[400];
	int o;

	for (int pass = 0; pass < 2; pass++) {
		optind = 0;
		opterr = 0;
		while ((o = getopt_long(argc, argv, "+c:h", lo, NULL)) != -1) {
			switch (o) {
			case 'c':
				cfg = optarg;
				break;
			case 'j':
				snprintf(a->json, sizeof(a->json), "%s", optarg);
				break;
			case 'r':
			case 's':
			case 'b':
				if (!pass)
					break;
				key = o == 'r' ? "repeat" : o == 's' ? "scratch" : "benchmarks";
				if (set_key(a, key, optarg, why, sizeof(why))) {
					snprintf(a->err, sizeof(a->err), "--%s", why);
					return -EINVAL;
				}
				break;
			case 'h':
				bench_names(names, sizeof(names));
				printf("usage: pinstress bench [-c configs/bench.ini] [--json FILE] "
				       "[--repeat N]\n"
				       "                       [--benchmarks LIST] [--scratch DIR]\n"
				       "benchmarks: %s\n", names);
				return 1;
			default:
				snprintf(a->err, sizeof(a->err),
					 "bench: unknown or incomplete option '%s'", argv[optind - 1]);
				return -EINVAL;
			}
		}
		if (optind < argc) {
			snprintf(a->err, sizeof(a->err), "bench: unexpected argument '%s'",
				 argv[optind]);
			return -EINVAL;
		}
		if (!pass && cfg && read_ini(a, cfg))
			return -EINVAL;
	}
	return 0;
}

static bool wanted(const struct bench_args *a, const char *name)
{
	char buf[256], *save = NULL;

	if (!a->only[0])
		return true;
	snprintf(buf, sizeof(buf), "%s", a->only);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strcmp(w, name))
			return true;
	return false;
}

static void print_table(const struct bench_ctx *c)
{
	printf("%-30s %-7s %-6s %4s %12s %12s %12s %7s\n", "metric", "unit", "better", "n",
	       "median", "p90", "p99", "spread");
	for (unsigned int i = 0; i < c->nmetrics; i++) {
		const struct bench_metric *m = &c->metrics[i];
		double med, iqr;

		if (m->unavailable[0] || !m->n) {
			printf("%-30s %-7s %-6s %4s  %s\n", m->name, m->unit,
			       m->higher_better ? "higher" : "lower", "-",
			       m->unavailable[0] ? m->unavailable : "no sample");
			continue;
		}
		/* The median and spread of the repetitions; p90/p99 of every measurement. */
		med = stats_median(m->samples, m->n);
		iqr = stats_percentile(m->samples, m->n, 75) - stats_percentile(m->samples, m->n, 25);
		printf("%-30s %-7s %-6s %4zu %12.4g %12.4g %12.4g %6.1f%%\n", m->name, m->unit,
		       m->higher_better ? "higher" : "lower", m->n, med,
		       stats_percentile(m->raw, m->nraw, 90), stats_percentile(m->raw, m->nraw, 99),
		       med ? 100 * iqr / med : 0);
	}
}

static json_object *metric_json(const struct bench_metric *m)
{
	json_object *o = json_object_new_object(), *s = json_object_new_array();
	json_object *raw = json_object_new_array();

	json_object_object_add(o, "name", jstr(m->name));
	json_object_object_add(o, "unit", jstr(m->unit));
	json_object_object_add(o, "direction", jstr(m->higher_better ? "higher" : "lower"));
	json_object_object_add(o, "n", ju64(m->n));
	for (size_t i = 0; i < m->n; i++)
		json_object_array_add(s, json_object_new_double(m->samples[i]));
	json_object_object_add(o, "samples", s);
	for (size_t i = 0; i < m->nraw; i++)
		json_object_array_add(raw, json_object_new_double(m->raw[i]));
	json_object_object_add(o, "measurements", raw);
	if (m->n) {
		json_object_object_add(o, "median",
				       json_object_new_double(stats_median(m->samples, m->n)));
		json_object_object_add(o, "p50", json_object_new_double(
					       stats_percentile(m->raw, m->nraw, 50)));
		json_object_object_add(o, "p90", json_object_new_double(
					       stats_percentile(m->raw, m->nraw, 90)));
		json_object_object_add(o, "p99", json_object_new_double(
					       stats_percentile(m->raw, m->nraw, 99)));
	}
	json_object_object_add(o, "unavailable", m->unavailable[0] ? jstr(m->unavailable) : NULL);
	json_object_object_add(o, "note", m->note[0] ? jstr(m->note) : NULL);
	return o;
}

static int write_json(const struct bench_ctx *c, const char *path)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct env_info e;
	char tmp[4200];
	int ret = 0;

	json_object_object_add(o, "schema", jstr("pinstress-bench/1"));
	env_read(&e);
	json_object_object_add(o, "environment", report_env_json(&e));
	json_object_object_add(o, "repeat", ju64(c->repeat));
	json_object_object_add(o, "region_bytes", ju64(c->region));
	for (unsigned int i = 0; i < c->nmetrics; i++)
		json_object_array_add(a, metric_json(&c->metrics[i]));
	json_object_object_add(o, "metrics", a);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) || rename(tmp, path)) {
		ret = -EIO;
		unlink(tmp);
	}
	json_object_put(o);
	return ret;
}

static int run_all(struct bench_args *a)
{
	struct bench_ctx *c = a->c;
	int ret = 0;

	for (unsigned int i = 0; bench_table[i] && !ret && !c->stop(); i++) {
		if (!wanted(a, bench_table[i]->name))
			continue;
		fprintf(stderr, "pinstress: bench %s: %s\n", bench_table[i]->name,
			bench_table[i]->desc);
		ret = bench_table[i]->run(c);
		/* Its zram swap, its hugetlb pages: gone before the next one measures. */
		if (tunable_restore_all())
			fprintf(stderr, "pinstress: bench %s: could not put everything back\n",
				bench_table[i]->name);
		if (ret)
			fprintf(stderr, "pinstress: bench %s failed: %s\n", bench_table[i]->name,
				strerror(-ret));
	}
	return ret;
}

int cmd_bench(int argc, char **argv)
{
	static struct bench_ctx c;
	struct bench_args a = { .c = &c };
	const char *env = getenv("PINSTRESS_SCRATCH");
	int ret, lock_fd = -1, code = EXIT_CLEAN;
	pid_t holder;

	c.repeat = BENCH_DEFAULT_REPEAT;
	c.region = BENCH_DEFAULT_REGION;
	c.fork_sizes[0] = 64ULL << 20;
	c.fork_sizes[1] = 1ULL << 30;
	c.nfork_sizes = 2;
	c.stop = bench_stopping;
	snprintf(c.scratch, sizeof(c.scratch), "%s", env ? env : SCRATCH_DEFAULT_DIR);
	ret = parse_args(&a, argc, argv);
	if (ret > 0)
		return 0;
	if (ret) {
		fprintf(stderr, "pinstress: %s\n", a.err);
		return EXIT_INVALID;
	}
	if (runlock_take(&lock_fd, &holder)) {
		fprintf(stderr, "pinstress: another pinstress run (pid %d) is using this machine\n",
			(int)holder);
		return EXIT_INVALID;
	}
	signal(SIGINT, SIG_DFL);	/* not ignored even as a background job (run.sh) */
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
	fprintf(stderr, "pinstress: bench: %u repeats after a warm-up, regions of %llu MiB\n",
		c.repeat, (unsigned long long)(c.region >> 20));
	ret = run_all(&a);
	print_table(&c);
	if (a.json[0] && write_json(&c, a.json)) {
		fprintf(stderr, "pinstress: cannot write %s\n", a.json);
		code = EXIT_INVALID;
	}
	if (ret)
		code = ret == -EIO ? EXIT_CORRUPTION : EXIT_INVALID;
	else if (stop_seen)
		code = EXIT_INVALID;
	bench_free(&c);
	runlock_drop(lock_fd);
	return code;
}
