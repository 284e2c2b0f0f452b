// SPDX-License-Identifier: GPL-2.0
/*
 * One option table for the profile and the command line (after fio's
 * options.c and stress-ng's option list, at a fraction of their size).
 * Values are parsed and range-checked here only, so "size = 1K" in a
 * profile and "--size 1K" fail with the same words.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench/bench.h"
#include "kernel/kconst.h"
#include "kernel/pagerange.h"
#include "run/namelist.h"
#include "run/options.h"

#define BOTH	.cmds = CFG_CMD_RUN | CFG_CMD_BENCH
#define BENCH	.cmds = CFG_CMD_BENCH
#define RUNF(f)	.scope = CFG_RUN, .off = offsetof(struct run_config, f), \
		.size = sizeof(((struct run_config *)0)->f)
#define JOBF(f)	.scope = CFG_JOB, .off = offsetof(struct job_config, f), \
		.size = sizeof(((struct job_config *)0)->f)

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)
#define TiB	(1024 * GiB)
#define SEC	1000ull
#define HOUR	(3600 * SEC)
#define DAY	(24 * HOUR)

/* clang-format off */
const struct cfg_option cfg_options[] = {
	/* RUN: struct run_config, profile [global] or command line */
	{ .name = "config", .short_opt = 'c', .type = CFG_STR, RUNF(profile), BOTH,
	  .flags = CFG_F_CLI_ONLY, .help = "profile to run (INI file), command line only" },
	{ .name = "duration", .short_opt = 'd', .type = CFG_DURATION, RUNF(duration_ms),
	  .def = "60s", .min = SEC, .max = 30 * DAY, .help = "how long to run" },
	{ .name = "seed", .short_opt = 's', .type = CFG_U64, RUNF(seed),
	  .flags = CFG_F_MARK, .aux_off = offsetof(struct run_config, seed_set),
	  .help = "random seed, decimal or 0x hex (default: from the clock)" },
	{ .name = "json", .type = CFG_STR, RUNF(json), BOTH,
	  .help = "write the full report as JSON to this file" },
	{ .name = "sample-interval", .type = CFG_DURATION, RUNF(sample_interval_ms), .def = "10s",
	  .min = SEC, .max = HOUR,
	  .help = "a sample of the JSON report's timeline every TIME (doubles when samples merge)" },
	{ .name = "samples", .type = CFG_UINT, RUNF(samples), .def = "360", .min = 4, .max = 100000,
	  .help = "timeline samples kept; when full, neighbours merge in pairs, so the timeline "
		  "covers the whole run" },
	{ .name = "scratch", .type = CFG_STR, RUNF(scratch), BOTH,
	  .help = "directory for scratch files (must support O_DIRECT)" },
	{ .name = "no-canary", .type = CFG_BOOL, RUNF(no_canary),
	  .help = "skip the short canary run before the jobs" },
	{ .name = "allow-missing", .type = CFG_BOOL, RUNF(allow_missing),
	  .help = "run even if a requested fault is unavailable here" },
	{ .name = "plant", .type = CFG_STR, RUNF(plant), .flags = CFG_F_NAME,
	  .help = "test hook: plant one damaged block of this class" },
	{ .name = "section", .type = CFG_LIST, RUNF(sections), .flags = CFG_F_CLI_ONLY,
	  .aux_off = offsetof(struct run_config, nsections),
	  .help = "run only these sections (jobs) of the profile, like fio --section" },
	{ .name = "parallel", .type = CFG_UINT, RUNF(parallel), .def = "0",
	  .min = 0, .max = CFG_MAX_JOBS, .flags = CFG_F_AUTO,
	  .help = "jobs at once (0: all; auto: as many as fit in MemAvailable); the rest run "
		  "in later rounds of 'duration' each" },
	{ .name = "allow-no-evidence", .type = CFG_BOOL, RUNF(allow_no_evidence),
	  .help = "a fault or backing with no confirmed effect does not make the run invalid" },
	{ .name = "keep-going", .type = CFG_UINT, RUNF(keep_going), .min = 0, .max = UINT_MAX,
	  .flags = CFG_F_MARK | CFG_F_OPT_ARG, .implied = "0",
	  .aux_off = offsetof(struct run_config, keep_going_set),
	  .help = "go on after a corruption, up to N of them (=N; alone: no limit; default: stop at the first)" },
	{ .name = "ftrace-stop", .type = CFG_BOOL, RUNF(ftrace_stop),
	  .help = "on the first failure, stop the tracefs ring buffer (tracing_on = 0)" },
	{ .name = "ftrace-mark", .type = CFG_BOOL, RUNF(ftrace_mark),
	  .help = "write a trace_marker line for each fault injection and each failure" },
	{ .name = "hang-timeout", .type = CFG_DURATION, RUNF(hang_timeout_ms), .def = "120s",
	  .min = SEC, .max = DAY,
	  .help = "an operation running longer (plus 100 ms per 8 MiB of its job) is reported hung" },
	{ .name = "log", .type = CFG_STR, RUNF(log),
	  .help = "append progress and results to this file, flushed line by line" },
	{ .name = "tap", .type = CFG_BOOL, RUNF(tap),
	  .help = "TAP 13 on stdout: a test point per job and per canary" },
	{ .name = "kernel-lacks", .type = CFG_STR, RUNF(kernel_lacks), .def = "invalid",
	  .choices = "invalid,not-run",
	  .help = "a job or fault the running kernel lacks (built without, too old): invalid "
		  "makes the run invalid, not-run lists it under not_run and goes on (guests)" },
	{ .name = "affinity", .type = CFG_STR, RUNF(affinity), .def = "none",
	  .choices = "none,spread",
	  .help = "spread: pin each workload thread to a CPU, the jobs of a round over every "
		  "CPU, and with several NUMA nodes a job's memory on one node, its writers on "
		  "the others first" },
	{ .name = "check", .type = CFG_BOOL, RUNF(check), .flags = CFG_F_CLI_ONLY,
	  .help = "check the profile, the plan and this machine (availability, memory, output "
		  "paths), print the plan and exit: 0 if the run could start; nothing is changed" },
	{ .name = "prepare", .type = CFG_BOOL, RUNF(prepare), .flags = CFG_F_CLI_ONLY,
	  .help = "first prepare the machine: swap on zram if there is none, THP never -> "
		  "madvise, hugetlbfs, $PINSTRESS_HUGEPAGES; undone at the end" },
	{ .name = "known-bugs", .type = CFG_STR, RUNF(known_bugs), .def = "avoid",
	  .choices = "avoid,reproduce",
	  .help = "avoid: workloads emulate the fix of a known kernel bug where that costs no "
		  "coverage; reproduce: walk into it (then it may show as an expected failure)" },

	/* BENCH: struct bench_config in run_config, for pinstress bench only */
	{ .name = "repeat", .type = CFG_UINT, RUNF(bench.repeat), BENCH, .def = "10",
	  .min = 1, .max = 1000, .help = "measured repetitions of each metric after a warm-up" },
	{ .name = "passes", .type = CFG_UINT, RUNF(bench.passes), BENCH, .def = "5",
	  .min = 1, .max = 100,
	  .help = "rounds over all benchmarks that the repetitions are spread over, so a metric's "
		  "samples span the run and compare sees how far it drifts (at most 'repeat')" },
	{ .name = "region-size", .type = CFG_SIZE, RUNF(bench.region_size), BENCH, .def = "64M",
	  .min = MiB, .max = 4 * GiB, .flags = CFG_F_PMD,
	  .help = "region of the pin, pageout and read benchmarks, in PMD-size steps" },
	{ .name = "fork-sizes", .type = CFG_SIZES, RUNF(bench.fork_sizes), BENCH,
	  .aux_off = offsetof(struct run_config, bench.nfork_sizes), .def = "64M,1G",
	  .min = MiB, .max = TiB, .help = "memory mapped while fork() latency is measured" },
	{ .name = "benchmarks", .type = CFG_LIST, RUNF(bench.benchmarks), BENCH,
	  .aux_off = offsetof(struct run_config, bench.nbenchmarks), .valid = bench_valid_name,
	  .help = "benchmarks to run (default: all of those named below)" },

	/* JOB: struct job_config; the order gives the set_mask bits */
	{ .name = "workload", .type = CFG_STR, JOBF(workload), .flags = CFG_F_NAME,
	  .help = "data path (see 'pinstress list')" },
	{ .name = "backing", .type = CFG_STR, JOBF(backing), .flags = CFG_F_NAME,
	  .def = "anon", .help = "memory under test (see 'pinstress list')" },
	{ .name = "faults", .type = CFG_LIST, JOBF(faults),
	  .aux_off = offsetof(struct job_config, nfaults),
	  .help = "faults to inject, e.g. fork,pageout (see 'pinstress list')" },
	{ .name = "size", .type = CFG_SIZE, JOBF(size), .def = "64M",
	  .min = MiB, .max = TiB, .flags = CFG_F_SHARE,
	  .aux_off = offsetof(struct job_config, size_share),
	  .help = "bytes of memory under test, or a share of MemTotal (5%: in PMD-size steps)" },
	{ .name = "threads", .type = CFG_UINT, JOBF(threads), .def = "2",
	  .min = 1, .max = 256, .flags = CFG_F_AUTO,
	  .help = "workload threads (auto: the CPUs shared among the jobs of its round)" },
	{ .name = "block-size", .type = CFG_SIZE, JOBF(block_size), .def = "4k",
	  .min = 512, .max = 2 * MiB, .flags = CFG_F_POW2,
	  .help = "stamp block size, a power of two" },
	{ .name = "cpu-share", .type = CFG_PERCENT, JOBF(cpu_share), .def = "25",
	  .min = 0, .max = 100, .help = "percent of writes done by CPU stores" },
	{ .name = "iodepth", .type = CFG_UINT, JOBF(iodepth), .def = "16",
	  .min = 1, .max = 1024, .help = "in-flight I/Os per thread (uring workloads)" },
	{ .name = "fault-interval", .type = CFG_DURATION, JOBF(fault_interval_ms),
	  .min = 0, .max = HOUR,
	  .help = "pause between injections (default: each fault's own; 0: none, as fast as "
		  "the fault goes)" },
	{ .name = "mlock", .type = CFG_BOOL, JOBF(mlock),
	  .help = "mlock the region after filling it (a modifier of any backing)" },
};
/* clang-format on */

const unsigned int cfg_noptions = sizeof(cfg_options) / sizeof(cfg_options[0]);

_Static_assert(sizeof(cfg_options) / sizeof(cfg_options[0]) <= CFG_MAX_OPTIONS,
	       "set_mask has 64 bits; cfg_parse_cli() sizes its arrays by CFG_MAX_OPTIONS");

/* Format one error line; control characters from user input become '?'. */
int cfg_errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err || !len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

const struct cfg_option *cfg_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < cfg_noptions; i++)
		if (!strcmp(cfg_options[i].name, name))
			return &cfg_options[i];
	return NULL;
}

int cfg_job_bit(const struct cfg_option *o)
{
	int bit = 0;
	unsigned int i;

	if (o->scope != CFG_JOB)
		return -1;
	for (i = 0; &cfg_options[i] != o; i++)
		if (cfg_options[i].scope == CFG_JOB)
			bit++;
	return bit;
}

/* Leading decimal digits; *end after them.  -ERANGE if they overflow. */
static int parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	int ret = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			ret = -ERANGE;
		v = v * 10 + d;
	}
	*end = s;
	*out = v;
	return ret;
}

int cfg_parse_size(const char *s, uint64_t *bytes)
{
	const char *p;
	unsigned int shift = 0;
	uint64_t v;
	int ret;

	ret = parse_digits(s, &p, &v);
	if (ret == -EINVAL)
		return ret;
	switch (tolower((unsigned char)*p)) {
	case 'k':
		shift = 10;
		break;
	case 'm':
		shift = 20;
		break;
	case 'g':
		shift = 30;
		break;
	case 't':
		shift = 40;
		break;
	}
	if (shift) {
		p++;
		if (tolower((unsigned char)p[0]) == 'i' && tolower((unsigned char)p[1]) == 'b')
			p += 2;
	}
	if (tolower((unsigned char)*p) == 'b')
		p++;
	if (*p)
		return -EINVAL;
	if (ret || v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

int cfg_parse_share(const char *s, unsigned int *hundredths)
{
	uint64_t whole = 0, frac = 0;
	const char *p;
	int digits = 0;

	if (parse_digits(s, &p, &whole))
		return -EINVAL;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p) && digits < 2; p++, digits++)
			frac = frac * 10 + (uint64_t)(*p - '0');
		if (!digits)
			return -EINVAL;
		if (digits == 1)
			frac *= 10;
	}
	if (p[0] != '%' || p[1])
		return -EINVAL;
	if (whole > 100)
		return -ERANGE;
	whole = whole * 100 + frac;
	if (!whole || whole > 10000)
		return -ERANGE;
	*hundredths = (unsigned int)whole;
	return 0;
}

int cfg_share_bytes(unsigned int hundredths, uint64_t *bytes)
{
	uint64_t kb = 0, b;
	int ret = meminfo_kb("MemTotal", &kb);

	if (ret)
		return ret;
	b = kb * 1024 / 10000 * hundredths;
	if (b >= pmd_size())
		b -= b % pmd_size();
	*bytes = b;
	return 0;
}

int cfg_parse_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *unit; uint64_t ms; } units[] = {
		{ "", SEC }, { "ms", 1 }, { "s", SEC }, { "m", 60 * SEC },
		{ "h", HOUR }, { "d", DAY },
	};
	const char *p;
	uint64_t v;
	unsigned int i;
	int ret;

	ret = parse_digits(s, &p, &v);
	if (ret == -EINVAL)
		return ret;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcasecmp(p, units[i].unit))
			continue;
		if (ret || v > UINT64_MAX / units[i].ms)
			return -ERANGE;
		*ms = v * units[i].ms;
		return 0;
	}
	return -EINVAL;
}

int cfg_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*b = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*b = false;
			return 0;
		}
	}
	return -EINVAL;
}

void cfg_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char sfx[] = "KMGT";
	int i;

	for (i = 3; i >= 0 && bytes; i--) {
		unsigned int shift = 10 * (i + 1);

		if (!(bytes & ((1ull << shift) - 1))) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shift), sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

void cfg_format_duration(uint64_t ms, char *buf, size_t len)
{
	static const struct { char unit; uint64_t ms; } units[] = {
		{ 'd', DAY }, { 'h', HOUR }, { 'm', 60 * SEC }, { 's', SEC },
	};
	unsigned int i;

	for (i = 0; i < 4 && ms; i++) {
		if (ms % units[i].ms == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(ms / units[i].ms), units[i].unit);
			return;
		}
	}
	snprintf(buf, len, ms ? "%llums" : "%llu", (unsigned long long)ms);
}

static void format_value(const struct cfg_option *o, uint64_t v, char *buf, size_t len)
{
	if (o->type == CFG_SIZE || o->type == CFG_SIZES)
		cfg_format_size(v, buf, len);
	else if (o->type == CFG_DURATION)
		cfg_format_duration(v, buf, len);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static bool is_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	return n > 0;
}

static int apply_str(const struct cfg_option *o, char *field, const char *val,
		     const char *who, char *err, size_t len)
{
	size_t n = strlen(val);

	if (n >= o->size)
		return cfg_errf(err, len, "%s: value too long (max %zu characters)", who, o->size - 1);
	if ((o->flags & CFG_F_NAME) && !is_name(val, n))
		return cfg_errf(err, len, "%s: invalid name '%s' (use a-z, 0-9 and '-')", who, val);
	if (o->choices && !namelist_has(o->choices, val))
		return cfg_errf(err, len, "%s: '%s' is not one of %s", who, val, o->choices);
	memcpy(field, val, n + 1);
	return 0;
}

/* "fork, pageout,migrate": names separated by commas, blanks around them ignored. */
static int apply_list(const struct cfg_option *o, void *base, const char *val,
		      const char *who, char *err, size_t len)
{
	char names[CFG_MAX_FAULTS][CFG_NAME_LEN], why[200];
	unsigned int n = 0, max = o->size / CFG_NAME_LEN, i;
	const char *p = val;

	if (max > CFG_MAX_FAULTS)
		max = CFG_MAX_FAULTS;
	while (isspace((unsigned char)*p))
		p++;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t k;

		while (isspace((unsigned char)*p))
			p++;
		k = end ? (size_t)(end - p) : strlen(p);
		while (k && isspace((unsigned char)p[k - 1]))
			k--;
		if (!k)
			return cfg_errf(err, len, "%s: empty name in list '%s'", who, val);
		if (!is_name(p, k))
			return cfg_errf(err, len, "%s: invalid name '%.*s' (use a-z, 0-9 and '-')",
				    who, (int)k, p);
		if (k >= CFG_NAME_LEN)
			return cfg_errf(err, len, "%s: name '%.*s' too long (max %d characters)",
				    who, (int)k, p, CFG_NAME_LEN - 1);
		for (i = 0; i < n; i++)
			if (strlen(names[i]) == k && !memcmp(names[i], p, k))
				return cfg_errf(err, len, "%s: '%.*s' given twice", who, (int)k, p);
		if (n == max)
			return cfg_errf(err, len, "%s: too many names (max %u)", who, max);
		memcpy(names[n], p, k);
		names[n][k] = '\0';
		if (o->valid && o->valid(names[n], why, sizeof(why)))
			return cfg_errf(err, len, "%s: %s", who, why);
		n++;
		if (!end)
			break;
		p = end + 1;
		if (!*p)
			return cfg_errf(err, len, "%s: empty name in list '%s'", who, val);
	}
	memset((char *)base + o->off, 0, o->size);
	memcpy((char *)base + o->off, names, n * CFG_NAME_LEN);
	memcpy((char *)base + o->aux_off, &n, sizeof(n));
	return 0;
}

/* "64M,1G": sizes separated by commas, each in min..max. */
static int apply_sizes(const struct cfg_option *o, void *base, const char *val,
		       const char *who, char *err, size_t len)
{
	uint64_t sizes[CFG_MAX_SIZES];
	unsigned int n = 0, max = o->size / sizeof(uint64_t);
	char buf[256], lo[32], hi[32], *save = NULL;

	if (strlen(val) >= sizeof(buf))
		return cfg_errf(err, len, "%s: value too long (max %zu characters)", who,
				sizeof(buf) - 1);
	snprintf(buf, sizeof(buf), "%s", val);
	for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		uint64_t v;

		if (cfg_parse_size(w, &v))
			return cfg_errf(err, len, "%s: invalid size '%s' (use e.g. 64M, 1G)", who, w);
		if (v < o->min || v > o->max) {
			cfg_format_size(o->min, lo, sizeof(lo));
			cfg_format_size(o->max, hi, sizeof(hi));
			return cfg_errf(err, len, "%s: %s out of range (%s..%s)", who, w, lo, hi);
		}
		if (n == max)
			return cfg_errf(err, len, "%s: too many sizes (max %u)", who, max);
		sizes[n++] = v;
	}
	if (!n)
		return cfg_errf(err, len, "%s: no sizes in '%s'", who, val);
	memcpy((char *)base + o->off, sizes, n * sizeof(sizes[0]));
	memcpy((char *)base + o->aux_off, &n, sizeof(n));
	return 0;
}

/* "5%" of MemTotal: the bytes into @v for the range check, the share at aux_off. */
static int apply_share(const struct cfg_option *o, void *base, const char *val, uint64_t *v,
		       const char *who, char *err, size_t len)
{
	unsigned int share = 0;
	int ret = cfg_parse_share(val, &share);

	if (ret == -EINVAL)
		return cfg_errf(err, len, "%s: invalid share '%s' (use e.g. 5%%, 0.5%%: of MemTotal)",
				who, val);
	if (ret)
		return cfg_errf(err, len, "%s: %s out of range (0.01%%..100%%)", who, val);
	ret = cfg_share_bytes(share, v);
	if (ret)
		return cfg_errf(err, len, "%s: %s: cannot read MemTotal: %s", who, val, strerror(-ret));
	memcpy((char *)base + o->aux_off, &share, sizeof(share));
	return 0;
}

/* Plain decimal (u64 also 0x hex); percent allows a trailing '%'. */
static int parse_number(const struct cfg_option *o, const char *val, uint64_t *v)
{
	const char *p;
	int ret;

	if (o->type == CFG_U64 && val[0] == '0' && (val[1] == 'x' || val[1] == 'X')) {
		ret = 0;
		*v = 0;
		for (p = val + 2; isxdigit((unsigned char)*p); p++) {
			if (*v >> 60)
				ret = -ERANGE;
			*v = *v << 4 | (isdigit((unsigned char)*p) ? *p - '0' :
					tolower((unsigned char)*p) - 'a' + 10);
		}
		return (p == val + 2 || *p) ? -EINVAL : ret;
	}
	ret = parse_digits(val, &p, v);
	if (ret == -EINVAL)
		return ret;
	if (o->type == CFG_PERCENT && *p == '%')
		p++;
	return *p ? -EINVAL : ret;
}

int cfg_apply(const struct cfg_option *o, void *base, const char *val,
	      const char *who, char *err, size_t len)
{
	char *field = (char *)base + o->off;
	char lo[32], hi[32];
	uint64_t v = 0;
	int ret = 0;
	bool b;

	switch (o->type) {
	case CFG_STR:
		ret = apply_str(o, field, val, who, err, len);
		break;
	case CFG_LIST:
		ret = apply_list(o, base, val, who, err, len);
		break;
	case CFG_SIZES:
		ret = apply_sizes(o, base, val, who, err, len);
		break;
	case CFG_BOOL:
		if (cfg_parse_bool(val, &b))
			return cfg_errf(err, len, "%s: invalid boolean '%s' (use yes/no, on/off, 1/0)",
				    who, val);
		memcpy(field, &b, sizeof(b));
		break;
	case CFG_SIZE:
		if ((o->flags & CFG_F_SHARE) && strchr(val, '%')) {
			ret = apply_share(o, base, val, &v, who, err, len);
			if (ret)
				return ret;
			break;
		}
		if (o->flags & CFG_F_SHARE)
			memset((char *)base + o->aux_off, 0, sizeof(unsigned int));
		ret = cfg_parse_size(val, &v);
		if (ret == -EINVAL)
			return cfg_errf(err, len, "%s: invalid size '%s' (use e.g. 64M, 1G%s)", who, val,
					o->flags & CFG_F_SHARE ? ", 5%" : "");
		break;
	case CFG_DURATION:
		ret = cfg_parse_duration(val, &v);
		if (ret == -EINVAL)
			return cfg_errf(err, len, "%s: invalid duration '%s' (use e.g. 30s, 10m, 8h)",
				    who, val);
		break;
	case CFG_UINT:
	case CFG_U64:
	case CFG_PERCENT:
		if ((o->flags & CFG_F_AUTO) && !strcasecmp(val, "auto")) {
			unsigned int a = CFG_AUTO;

			memcpy(field, &a, sizeof(a));
			goto out_set;
		}
		ret = parse_number(o, val, &v);
		if (ret == -EINVAL)
			return cfg_errf(err, len, "%s: invalid %s '%s'", who,
				    o->type == CFG_PERCENT ? "percentage" : "number", val);
		break;
	}
	if (ret && ret != -ERANGE)
		return ret;

	if (o->type != CFG_STR && o->type != CFG_LIST && o->type != CFG_SIZES &&
	    o->type != CFG_BOOL) {
		bool ranged = o->min || o->max;

		if (ret == -ERANGE || (ranged && (v < o->min || v > o->max)) ||
		    (o->size < sizeof(uint64_t) && v > UINT32_MAX)) {
			if (!ranged)
				return cfg_errf(err, len, "%s: '%s' is too large", who, val);
			format_value(o, o->min, lo, sizeof(lo));
			format_value(o, o->max, hi, sizeof(hi));
			return cfg_errf(err, len, "%s: %s out of range (%s..%s)", who, val, lo, hi);
		}
		if ((o->flags & CFG_F_POW2) && (v & (v - 1)))
			return cfg_errf(err, len, "%s: %s is not a power of two", who, val);
		if ((o->flags & CFG_F_PMD) && v % pmd_size()) {
			cfg_format_size(pmd_size(), hi, sizeof(hi));
			return cfg_errf(err, len, "%s: %s is not a multiple of the PMD size (%s)",
					who, val, hi);
		}
		if (o->size == sizeof(uint64_t)) {
			memcpy(field, &v, sizeof(v));
		} else {
			unsigned int u = v;

			memcpy(field, &u, sizeof(u));
		}
	}
out_set:
	if (o->flags & CFG_F_MARK)
		*((bool *)((char *)base + o->aux_off)) = true;
	if (o->scope == CFG_JOB)
		((struct job_config *)base)->set_mask |= 1ull << cfg_job_bit(o);
	return 0;
}

void cfg_merge_job(struct job_config *job, const struct job_config *defaults)
{
	unsigned int i;
	int bit = 0;

	for (i = 0; i < cfg_noptions; i++) {
		const struct cfg_option *o = &cfg_options[i];

		if (o->scope != CFG_JOB)
			continue;
		if (!(job->set_mask & (1ull << bit))) {
			memcpy((char *)job + o->off, (const char *)defaults + o->off, o->size);
			job->origin[bit] = defaults->origin[bit];
			if (o->type == CFG_LIST || (o->flags & CFG_F_SHARE))
				memcpy((char *)job + o->aux_off, (const char *)defaults + o->aux_off,
				       sizeof(unsigned int));
		}
		bit++;
	}
}

/* Where job @c's value of @key came from: "FILE:LINE: [sec]: key 'k': ", "--k: ", ... */
int cfg_where_key(const struct job_config *c, const char *key, char *err, size_t len)
{
	const struct cfg_option *o = cfg_find(key);
	struct cfg_origin w = o ? c->origin[cfg_job_bit(o)] : (struct cfg_origin){ 0 };

	switch (w.from) {
	case CFG_FROM_CLI:
		return snprintf(err, len, "--%s: ", key);
	case CFG_FROM_GLOBAL:
		return snprintf(err, len, "%s:%d: [global]: key '%s': ", c->file, w.line, key);
	case CFG_FROM_SECTION:
		return snprintf(err, len, "%s:%d: [%s]: key '%s': ", c->file, w.line, c->name, key);
	case CFG_FROM_DEFAULT:
		break;
	}
	if (c->file[0])
		return snprintf(err, len, "%s:%d: [%s]: key '%s': ", c->file, c->line, c->name, key);
	return snprintf(err, len, "[%s]: key '%s': ", c->name, key);
}

bool cfg_job_given(const struct job_config *c, const char *key)
{
	const struct cfg_option *o = cfg_find(key);

	return o && o->scope == CFG_JOB && c->origin[cfg_job_bit(o)].from != CFG_FROM_DEFAULT;
}

bool cfg_for_cmd(const struct cfg_option *o, enum cfg_cmd cmd)
{
	return (o->cmds ? o->cmds : CFG_CMD_RUN) & cmd;
}

int cfg_init(struct run_config *rc, enum cfg_cmd cmd)
{
	char err[256];
	unsigned int i;

	memset(rc, 0, sizeof(*rc));
	rc->cmd = cmd;
	for (i = 0; i < cfg_noptions; i++) {
		const struct cfg_option *o = &cfg_options[i];
		void *base = o->scope == CFG_RUN ? (void *)rc : (void *)&rc->defaults;

		if (o->def && cfg_apply(o, base, o->def, o->name, err, sizeof(err)))
			return -EINVAL;
	}
	rc->defaults.set_mask = 0;
	return 0;
}

static const char *metavar(const struct cfg_option *o)
{
	if (o->flags & CFG_F_OPT_ARG)
		return "[=N]";
	switch (o->type) {
	case CFG_STR:
		return o->flags & CFG_F_NAME ? " NAME" : " PATH";
	case CFG_SIZE:
		return " SIZE";
	case CFG_DURATION:
		return " TIME";
	case CFG_UINT:
	case CFG_U64:
		return " N";
	case CFG_PERCENT:
		return " PCT";
	case CFG_LIST:
		return " LIST";
	case CFG_SIZES:
		return " SIZES";
	case CFG_BOOL:
		break;
	}
	return "";
}

static void usage_one(FILE *f, const struct cfg_option *o)
{
	char left[64], lo[32], hi[32];

	if (o->short_opt)
		snprintf(left, sizeof(left), "-%c, --%s%s", o->short_opt, o->name, metavar(o));
	else
		snprintf(left, sizeof(left), "    --%s%s", o->name, metavar(o));
	fprintf(f, "  %-26s %s", left, o->help);
	if (o->def)
		fprintf(f, " [default %s", o->def);
	if (o->min || o->max) {
		format_value(o, o->min, lo, sizeof(lo));
		format_value(o, o->max, hi, sizeof(hi));
		fprintf(f, "%s%s..%s", o->def ? ", " : " [", lo, hi);
	}
	if (o->def || o->min || o->max)
		fputc(']', f);
	fputc('\n', f);
}

static void usage_scope(FILE *f, enum cfg_cmd cmd, enum cfg_scope scope)
{
	for (unsigned int i = 0; i < cfg_noptions; i++)
		if (cfg_options[i].scope == scope && cfg_for_cmd(&cfg_options[i], cmd))
			usage_one(f, &cfg_options[i]);
	if (scope == CFG_RUN)
		fprintf(f, "  %-26s %s\n", "-h, --help", "this text");
}

void cfg_usage(FILE *f, enum cfg_cmd cmd)
{
	char names[128];

	if (cmd == CFG_CMD_BENCH) {
		bench_names(names, sizeof(names));
		fprintf(f, "Usage: pinstress bench [-c configs/bench.ini] [options]\n\n"
			"Options (profile [global] or command line):\n");
		usage_scope(f, cmd, CFG_RUN);
		fprintf(f, "\nBenchmarks: %s.\n"
			"SIZE: bytes, optional k/m/g/t suffix, binary (4k = 4096; also 2MiB, 1GB).\n",
			names);
		return;
	}
	fprintf(f, "Usage: pinstress run [-c PROFILE] [options]\n\n"
		"Run options (profile [global] or command line):\n");
	usage_scope(f, cmd, CFG_RUN);
	fprintf(f, "\nJob options (profile [global] or a job section; on the command line\n"
		"they override every job):\n");
	usage_scope(f, cmd, CFG_JOB);
	fprintf(f, "\nSIZE: bytes, optional k/m/g/t suffix, binary (4k = 4096; also 2MiB, 1GB).\n"
		"TIME: 500ms, 30s, 10m, 8h, 1d; a plain number is seconds.\n"
		"LIST: comma-separated names, e.g. fork,pageout.\n"
		"Precedence: built-in defaults < [global] < job section < command line.\n");
}
