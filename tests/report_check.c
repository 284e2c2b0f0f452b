// SPDX-License-Identifier: GPL-2.0
/*
 * report_check REPORT [MIN_JOBS]: the checks every real run must pass, on
 * the JSON report users read.  The run passed; every job did real work with
 * no error; every workload, backing and fault shows evidence > 0 that it
 * acted (its declared proof); every fault was injected; an expected
 * failure says where in its job's region it was.  Prints one line per
 * job (the table of the matrix) and exits 0 pass, 1 fail, 77 when the run
 * had nothing it could do here (every combination not run, with reasons).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

#define FAIL(...) do { printf("FAIL: " __VA_ARGS__); printf("\n"); fails++; } while (0)

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t num(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v ? json_object_get_int64(v) : -1;
}

/* Every counter of a proof object > 0; appends "k=v" to @buf. */
static void check_proof(const char *job, const char *what, json_object *proof, char *buf,
			size_t len)
{
	if (!proof) {
		FAIL("%s: %s: no proof in the report", job, what);
		return;
	}
	json_object_object_foreach(proof, k, v) {
		int64_t n = json_object_get_int64(v);
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, " %s=%lld", k, (long long)n);
		if (n <= 0)
			FAIL("%s: %s: %s = %lld, expected > 0", job, what, k, (long long)n);
	}
}

static void check_job(json_object *j)
{
	const char *name = json_object_get_string(get(j, "name"));
	json_object *fd = get(j, "fault_detail"), *unp = get(j, "unproven");
	char line[1024] = "";

	if (num(j, "errors") != 0 || num(j, "io_errors") != 0)
		FAIL("%s: errors %lld, io_errors %lld", name, (long long)num(j, "errors"),
		     (long long)num(j, "io_errors"));
	if (num(j, "ops") <= 0 || num(j, "blocks_verified") <= 0)
		FAIL("%s: ops %lld, blocks_verified %lld: no verified work", name,
		     (long long)num(j, "ops"), (long long)num(j, "blocks_verified"));
	if (unp && json_object_get_type(unp) == json_type_string)
		FAIL("%s: unproven: %s", name, json_object_get_string(unp));
	check_proof(name, "workload", get(j, "workload_proof"), line, sizeof(line));
	check_proof(name, "backing", get(j, "backing_proof"), line, sizeof(line));
	for (size_t i = 0; fd && i < json_object_array_length(fd); i++) {
		json_object *f = json_object_array_get_idx(fd, i);
		const char *fn = json_object_get_string(get(f, "name"));

		if (num(f, "injections") <= 0)
			FAIL("%s: fault %s never injected", name, fn);
		check_proof(name, fn, get(f, "proof"), line, sizeof(line));
		if (get(f, "error") && json_object_get_type(get(f, "error")) == json_type_string)
			FAIL("%s: fault %s: %s", name, fn, json_object_get_string(get(f, "error")));
	}
	printf("job %-34s ops/s %9.0f %s\n", name,
	       json_object_get_double(get(j, "ops_per_s")), line);
}

/* An expected failure must say where in its job's region it was (a passing run has no others). */
static void check_err_place(json_object *e, json_object *jobs)
{
	const char *job = json_object_get_string(get(e, "job"));

	for (size_t i = 0; jobs && i < json_object_array_length(jobs); i++) {
		json_object *j = json_object_array_get_idx(jobs, i);

		if (strcmp(json_object_get_string(get(j, "name")), job))
			continue;
		if (num(e, "region_offset") != num(e, "block") * num(j, "block_size") ||
		    num(e, "region_offset") >= num(j, "size_bytes"))
			FAIL("%s: block %lld reported at region_offset %lld", job,
			     (long long)num(e, "block"), (long long)num(e, "region_offset"));
		return;
	}
	FAIL("an error names job %s, which the report does not list", job);
}

int main(int argc, char **argv)
{
	json_object *o, *jobs, *nr, *xf;
	const char *result;
	long min_jobs = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
	size_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: report_check REPORT [MIN_JOBS]\n");
		return 2;
	}
	o = json_object_from_file(argv[1]);
	if (!o) {
		printf("FAIL: %s: no report or not JSON\n", argv[1]);
		return 1;
	}
	result = json_object_get_string(get(o, "result"));
	jobs = get(o, "jobs");
	nr = get(o, "not_run");
	n = jobs ? json_object_array_length(jobs) : 0;
	for (size_t i = 0; nr && i < json_object_array_length(nr); i++)
		printf("not run: %s\n", json_object_get_string(json_object_array_get_idx(nr, i)));
	if (result && !strcmp(result, "skipped") && n == 0) {
		printf("skip: nothing could run here\n");
		return 77;
	}
	if (!result || strcmp(result, "pass"))
		FAIL("result %s (invalid: %s)", result ? result : "?",
		     get(o, "invalid") ? json_object_get_string(get(o, "invalid")) : "-");
	if ((long)n < min_jobs)
		FAIL("%zu jobs ran, expected at least %ld", n, min_jobs);
	for (size_t i = 0; i < n; i++)
		check_job(json_object_array_get_idx(jobs, i));
	xf = get(o, "expected_failures");
	for (size_t i = 0; xf && i < json_object_array_length(xf); i++)
		check_err_place(json_object_array_get_idx(xf, i), jobs);
	printf("%zu jobs, %d check(s) failed\n", n, fails);
	return fails ? 1 : 0;
}
