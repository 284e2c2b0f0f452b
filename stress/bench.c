// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress bench [-c configs/bench.ini] [--json FILE] [--repeat N]`: run
 * the benchmarks of lib/bench/ (one file each), print one line per metric
 * (median and spread) and write every raw sample with the environment, for
 * `pinstress compare`.  Whatever a benchmark changes on the machine (its
 * zram swap, the hugetlb pool) is put back after it, and on a stop signal.
 */
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "jsonio.h"
#include "jsonw.h"
#include "run/options.h"
#include "run.h"
#include "run/runlock.h"
#include "run/safefile.h"
#include "run/scratch.h"
#include "bench/stats.h"
#include "kernel/tunable.h"

static sigset_t stop_sigs;
static bool stop_seen;

/* A stop signal (blocked, so pending) ends the benchmarks early. */
static bool bench_stopping(void)
{
	sigset_t pend;

	if (stop_seen || sigpending(&pend))
		return stop_seen;
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(&stop_sigs, sig) == 1 && sigismember(&pend, sig) == 1) {
			stop_seen = true;
			fprintf(stderr, "pinstress: bench: stopping on signal %d\n", sig);
			break;
		}
	}
	return stop_seen;
}

static bool wanted(const struct bench_config *bc, const char *name)
{
	if (!bc->nbenchmarks)
		return true;
	for (unsigned int i = 0; i < bc->nbenchmarks; i++)
		if (!strcmp(bc->benchmarks[i], name))
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
	json_object *raw = json_object_new_array(), *pass = json_object_new_array();

	json_object_object_add(o, "name", jstr(m->name));
	json_object_object_add(o, "unit", jstr(m->unit));
	json_object_object_add(o, "direction", jstr(m->higher_better ? "higher" : "lower"));
	json_object_object_add(o, "control", json_object_new_boolean(m->control));
	json_object_object_add(o, "n", ju64(m->n));
	for (size_t i = 0; i < m->n; i++) {
		json_object_array_add(s, json_object_new_double(m->samples[i]));
		json_object_array_add(pass, json_object_new_int(m->pass_of ? m->pass_of[i] : 0));
	}
	json_object_object_add(o, "samples", s);
	json_object_object_add(o, "sample_pass", pass);
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

static int write_json(const struct bench_ctx *c, unsigned int passes, const char *path)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct env_info e;
	char why[4200];
	int ret = 0;

	json_object_object_add(o, "schema", jstr("pinstress-bench/1"));
	env_read(&e);
	json_object_object_add(o, "environment", report_env_json(&e));
	json_object_object_add(o, "repeat", ju64(c->repeat));
	json_object_object_add(o, "passes", ju64(passes));
	json_object_object_add(o, "region_bytes", ju64(c->region));
	for (unsigned int i = 0; i < c->nmetrics; i++)
		json_object_array_add(a, metric_json(&c->metrics[i]));
	json_object_object_add(o, "metrics", a);
	ret = jsonio_write(o, path, JSON_C_TO_STRING_PRETTY, why, sizeof(why));
	json_object_put(o);
	return ret;
}

static int run_pass(struct bench_ctx *c, const struct bench_config *bc, unsigned int passes)
{
	int ret = 0;

	for (unsigned int i = 0; bench_table[i] && !ret && !c->stop(); i++) {
		if (!wanted(bc, bench_table[i]->name))
			continue;
		fprintf(stderr, "pinstress: bench %s (pass %u/%u, %u repeats): %s\n",
			bench_table[i]->name, c->pass + 1, passes, c->repeat, bench_table[i]->desc);
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

/* bc->repeat repetitions of each metric, spread evenly over the passes. */
static int run_all(struct bench_ctx *c, const struct bench_config *bc)
{
	unsigned int passes = bc->passes < bc->repeat ? bc->passes : bc->repeat;
	int ret = 0;

	for (c->pass = 0; c->pass < passes && !ret && !c->stop(); c->pass++) {
		c->repeat = bc->repeat / passes + (c->pass < bc->repeat % passes);
		ret = run_pass(c, bc, passes);
	}
	c->repeat = bc->repeat;
	return ret;
}

/* The options of the one table that are bench's (-c bench.ini, the command line over it). */
static int bench_config(struct run_config *rc, struct bench_ctx *c, int argc, char **argv)
{
	const char *env = getenv("PINSTRESS_SCRATCH");
	char err[512];
	int ret = cfg_init(rc, CFG_CMD_BENCH);

	if (!ret)
		ret = cfg_parse_cli(rc, argc, argv, err, sizeof(err));
	if (ret == CFG_HELP) {
		cfg_usage(stdout, CFG_CMD_BENCH);
		return 1;
	}
	if (ret) {
		fprintf(stderr, "pinstress: bench: %s\n", err);
		return ret;
	}
	if (rc->json[0] && safefile_check_output(rc->json, err, sizeof(err))) {
		fprintf(stderr, "pinstress: bench: --json %s\n", err);
		return -EINVAL;
	}
	c->repeat = rc->bench.repeat;
	c->region = rc->bench.region_size;
	memcpy(c->fork_sizes, rc->bench.fork_sizes, sizeof(c->fork_sizes));
	c->nfork_sizes = rc->bench.nfork_sizes;
	snprintf(c->scratch, sizeof(c->scratch), "%s",
		 rc->scratch[0] ? rc->scratch : env ? env : SCRATCH_DEFAULT_DIR);
	c->stop = bench_stopping;
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	static struct bench_ctx c;
	struct run_config *rc = calloc(1, sizeof(*rc));
	int ret, lock_fd = -1, code = EXIT_CLEAN;

	if (!rc)
		return EXIT_INVALID;
	ret = bench_config(rc, &c, argc, argv);
	if (ret) {
		free(rc);
		return ret > 0 ? 0 : EXIT_INVALID;
	}
	if (machine_take(&lock_fd)) {
		free(rc);
		return EXIT_INVALID;
	}
	machine_stop_signals(&stop_sigs);
	sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
	fprintf(stderr, "pinstress: bench: %u repeats after a warm-up in %u passes, regions of "
		"%llu MiB\n", c.repeat, rc->bench.passes < c.repeat ? rc->bench.passes : c.repeat,
		(unsigned long long)(c.region >> 20));
	ret = run_all(&c, &rc->bench);
	print_table(&c);
	if (rc->json[0] && write_json(&c, c.pass, rc->json)) {
		fprintf(stderr, "pinstress: cannot write %s\n", rc->json);
		code = EXIT_INVALID;
	}
	if (ret)
		code = ret == -EIO ? EXIT_CORRUPTION : EXIT_INVALID;
	else if (stop_seen)
		code = EXIT_INVALID;
	bench_free(&c);
	runlock_drop(lock_fd);
	free(rc);
	return code;
}
