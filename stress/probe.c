// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress probe [NAME...]`: run the standalone reproducers of the known
 * unfixed kernel bugs and say, for each, whether the running kernel has it.
 * And for `run`: the probes of the known bugs its jobs could meet, before
 * anything starts, from the per-boot cache or run now.  A finding is an
 * expected failure only of a bug whose probe said present (expected.c).
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "jsonio.h"
#include "backings/backing.h"
#include "run.h"
#include "run/scratch.h"

static void print_row(const struct known_bug *kb, const char *kernel, const struct kb_result *r)
{
	char took[32];

	if (r->cached)
		snprintf(took, sizeof(took), "cached");
	else
		snprintf(took, sizeof(took), "%.1fs", r->seconds);
	printf("%-22s %-20s %-15s %-7s %s\n", kb->name, kernel, kb_state_name(r->state), took,
	       r->evidence);
}

static json_object *result_json(const struct known_bug *kb, const struct kb_result *r,
				const uint64_t *xfails)
{
	json_object *o = json_object_new_object();
	char doc[128];

	snprintf(doc, sizeof(doc), "docs/known-bugs/%s.md", kb->doc);
	json_object_object_add(o, "name", json_object_new_string(kb->name));
	json_object_object_add(o, "program", json_object_new_string(kb->program));
	json_object_object_add(o, "arg", kb->arg ? json_object_new_string(kb->arg) : NULL);
	json_object_object_add(o, "title", json_object_new_string(kb->title));
	json_object_object_add(o, "doc", json_object_new_string(doc));
	json_object_object_add(o, "avoidable", json_object_new_boolean(kb->avoidable));
	json_object_object_add(o, "result", json_object_new_string(kb_state_name(r->state)));
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	json_object_object_add(o, "seconds", json_object_new_double(r->seconds));
	json_object_object_add(o, "cached", json_object_new_boolean(r->cached));
	json_object_object_add(o, "evidence", json_object_new_string(r->evidence));
	if (xfails)
		json_object_object_add(o, "expected_failures",
				       json_object_new_int64((int64_t)xfails[kb - known_bugs]));
	return o;
}

/* The known bugs, their probe results where there are some: for both reports. */
json_object *known_bugs_json(const struct kb_result *r, const uint64_t *xfails, const char *mode)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	if (mode)
		json_object_object_add(o, "mode", json_object_new_string(mode));
	for (unsigned int i = 0; i < known_bugs_nr; i++)
		if (r[i].state != KB_UNKNOWN)
			json_object_array_add(a, result_json(&known_bugs[i], &r[i], xfails));
	json_object_object_add(o, "probes", a);
	return o;
}

static int write_json(const char *path, const struct kb_result *r, const struct utsname *u)
{
	json_object *o = known_bugs_json(r, NULL, NULL);
	char why[PATH_MAX + 128];
	int ret;

	json_object_object_add(o, "schema", json_object_new_string("pinstress-probes/1"));
	json_object_object_add(o, "kernel", json_object_new_string(u->release));
	json_object_object_add(o, "kernel_version", json_object_new_string(u->version));
	ret = jsonio_write(o, path, JSON_C_TO_STRING_PRETTY, why, sizeof(why));
	json_object_put(o);
	return ret;
}

static int probe_usage(FILE *f, int code)
{
	fprintf(f,
		"usage: pinstress probe [NAME...] [--json FILE] [--scratch DIR] [--verbose]\n"
		"  runs the standalone reproducer of each known unfixed kernel bug (all, or NAMEs)\n"
		"  and says whether the running kernel has it: present, absent or not applicable.\n"
		"  --scratch DIR  a directory with O_DIRECT for the probes that read a file\n"
		"  --verbose      show the probes' own diagnostics (stderr)\n"
		"exit: 1 if a bug is present, 0 if none is, 3 if a probe failed or a name is unknown\n"
		"known bugs:");
	for (unsigned int i = 0; i < known_bugs_nr; i++)
		fprintf(f, " %s", known_bugs[i].name);
	fputc('\n', f);
	return code;
}

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "scratch", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *json = NULL, *scratch = getenv("PINSTRESS_SCRATCH");
	bool want[KB_MAX] = { false }, verbose = false, any = false;
	struct kb_result r[KB_MAX] = { 0 }, cache[KB_MAX] = { 0 };
	char dir[4096];
	struct utsname u;
	int c, ret, code = 0;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = optarg;
			break;
		case 's':
			scratch = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			return probe_usage(stdout, 0);
		default:
			return probe_usage(stderr, EXIT_INVALID);
		}
	}
	for (int i = optind; i < argc; i++) {
		const struct known_bug *kb = kb_find(argv[i]);

		if (!kb) {
			fprintf(stderr, "pinstress: probe: unknown known bug '%s'\n", argv[i]);
			return probe_usage(stderr, EXIT_INVALID);
		}
		want[kb - known_bugs] = any = true;
	}
	if (!scratch || !*scratch)
		scratch = SCRATCH_DEFAULT_DIR;
	ret = kb_probe_dir(dir, sizeof(dir));
	if (ret) {
		fprintf(stderr, "pinstress: probe: where are the probes? %s\n", strerror(-ret));
		return EXIT_INVALID;
	}
	uname(&u);
	/* What other runs learnt stays: this refreshes only what it runs. */
	kb_cache_load(cache);
	printf("%-22s %-20s %-15s %-7s %s\n", "probe", "kernel", "result", "took", "evidence");
	for (unsigned int i = 0; i < known_bugs_nr; i++) {
		if (any && !want[i])
			continue;
		ret = kb_probe_run(&known_bugs[i], dir, scratch, verbose ? STDERR_FILENO : -1, &r[i]);
		if (ret) {
			r[i].state = KB_ERROR;
			snprintf(r[i].evidence, sizeof(r[i].evidence), "cannot start: %s",
				 strerror(-ret));
		}
		print_row(&known_bugs[i], u.release, &r[i]);
		cache[i] = r[i];
		if (r[i].state == KB_ERROR)
			code = EXIT_INVALID;
		else if (r[i].state == KB_PRESENT && code != EXIT_INVALID)
			code = 1;
	}
	ret = kb_cache_store(cache);
	if (ret)
		fprintf(stderr, "pinstress: probe: could not cache the results in %s: %s\n",
			KB_CACHE_FILE, strerror(-ret));
	if (json && write_json(json, r, &u)) {
		fprintf(stderr, "pinstress: probe: cannot write %s\n", json);
		return EXIT_INVALID;
	}
	return code;
}

/* Could any job of the plan meet @kb? */
static bool plan_may_meet(const struct run_config *rc, const struct known_bug *kb)
{
	for (unsigned int i = 0; i < rc->njobs; i++) {
		const struct job_config *c = &rc->jobs[i];
		const struct backing_ops *b = backing_find(c->backing);
		const char *faults[CFG_MAX_FAULTS];

		for (unsigned int k = 0; k < c->nfaults; k++)
			faults[k] = c->faults[k];
		if (b && kb_in_scope(kb, c->workload, c->backing, caps_effective(b->caps, c->mlock),
				     faults, c->nfaults, cfg_reproduce_known_bugs(rc)))
			return true;
	}
	return false;
}

void run_probe_known_bugs(struct run_ctx *run)
{
	struct kb_result cached[KB_MAX] = { 0 };
	bool ran = false;
	char dir[4096];

	if (kb_probe_dir(dir, sizeof(dir)))
		dir[0] = '\0';
	kb_cache_load(cached);
	for (unsigned int i = 0; i < known_bugs_nr; i++) {
		const struct known_bug *kb = &known_bugs[i];
		struct kb_result *r = &run->kb[i];

		if (!plan_may_meet(run->rc, kb))
			continue;
		if (cached[i].state != KB_UNKNOWN) {
			*r = cached[i];
		} else {
			fprintf(stderr, "pinstress: probing known bug %s (%s)...\n", kb->name, kb->title);
			if (kb_probe_run(kb, dir, run->rc->scratch, -1, r)) {
				r->state = KB_ERROR;
				snprintf(r->evidence, sizeof(r->evidence), "probe could not be started");
			}
			cached[i] = *r;
			ran = true;
		}
		run->kb_state[i] = r->state;
		fprintf(stderr, "pinstress: known bug %s: %s%s: %s\n", kb->name, kb_state_name(r->state),
			r->cached ? " (cached for this boot)" : "", r->evidence);
	}
	if (ran && kb_cache_store(cached))
		fprintf(stderr, "pinstress: could not cache probe results in %s\n", KB_CACHE_FILE);
}
