// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the option table, the value parsers, the profile loader and
 * the command line: every error a user can make must come back as -EINVAL
 * with one line naming the file, the line and the key, because that line is
 * all a user sees before an overnight soak does not start.
 * Exit 0 if every check passed, 1 otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/kconst.h"
#include "kernel/pagerange.h"
#include "run/options.h"
#include "run/replay.h"

static int npass, nfail;
static char tmpdir[] = "/tmp/unit_options.XXXXXX";
static char made[96][PATH_MAX];
static int nmade;

static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		npass++;
	else
		nfail++;
}

/* Write @text to @name in the temporary directory; returns the path. */
static const char *profile(const char *name, const char *text)
{
	char *path = made[nmade++];
	FILE *f;

	snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		perror(path);
		exit(1);
	}
	return path;
}

static int cli(struct run_config *rc, char *err, size_t len, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	va_start(ap, len);
	argv[argc++] = "run";
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	err[0] = '\0';
	cfg_init(rc, CFG_CMD_RUN);
	return cfg_parse_cli(rc, argc, argv, err, len);
}

static int one_line(const char *s)
{
	return s[0] && !strchr(s, '\n');
}

static uint64_t bits(const char *const *names)
{
	uint64_t m = 0;

	for (; *names; names++)
		m |= 1ull << cfg_job_bit(cfg_find(*names));
	return m;
}

static const char good[] =
	"# pinstress unit test profile\n"		/* 1 */
	"; semicolon comment\n"
	"\n"
	"[global]\n"
	"duration = 2h\n"				/* 5 */
	"seed = 0x2a\n"
	"json = /tmp/report.json\n"
	"allow-missing = yes\n"
	"backing = thp\n"
	"faults = fork, pageout   ; inline comment\n"	/* 10 */
	"size = 256M\n"
	"cpu-share = 40%\n"
	"\n"
	"[alpha]\n"
	"workload = odirect\n"				/* 15 */
	"size = 2GiB\n"
	"threads = 8\n"
	"block-size = 64k\n"
	"fault-interval = 500ms\n"
	"\n"						/* 20 */
	"[beta]   # the control\n"
	"  workload = cpu      # indented, hash comment\n"
	"faults = migrate,ksm,thp-split\n"
	"iodepth = 128\n"
	"backing = anon\n";				/* 25 */

static void test_good(struct run_config *rc, const char *path)
{
	static const char *const aset[] = { "workload", "size", "threads", "block-size",
					    "fault-interval", NULL };
	static const char *const bset[] = { "workload", "faults", "iodepth", "backing", NULL };
	const struct job_config *a = &rc->jobs[0], *b = &rc->jobs[1];
	char err[512] = "";
	int ret;

	cfg_init(rc, CFG_CMD_RUN);
	ret = cfg_load_profile(rc, path, err, sizeof(err));
	check(ret == 0, "good profile loads (ret %d, '%s')", ret, err);
	check(rc->njobs == 2, "good: 2 jobs (%u)", rc->njobs);
	check(rc->duration_ms == 7200000, "good: duration 2h = %llu ms",
	      (unsigned long long)rc->duration_ms);
	check(rc->seed == 42 && rc->seed_set, "good: seed 0x2a = 42, seed_set");
	check(!strcmp(rc->json, "/tmp/report.json"), "good: json '%s'", rc->json);
	check(rc->allow_missing && !rc->no_canary, "good: allow-missing yes, canary on");
	check(!strcmp(a->name, "alpha") && !strcmp(a->file, path) && a->line == 14,
	      "good: [alpha] at %s:%d", a->file, a->line);
	check(!strcmp(a->workload, "odirect"), "good: alpha workload '%s'", a->workload);
	check(!strcmp(a->backing, "thp"), "good: alpha backing from [global] '%s'", a->backing);
	check(a->nfaults == 2 && !strcmp(a->faults[0], "fork") && !strcmp(a->faults[1], "pageout"),
	      "good: alpha faults from [global] fork,pageout (%u)", a->nfaults);
	check(a->size == 2ull << 30, "good: alpha size 2GiB (%llu)", (unsigned long long)a->size);
	check(a->threads == 8, "good: alpha threads 8 (%u)", a->threads);
	check(a->block_size == 65536, "good: alpha block-size 64k (%u)", a->block_size);
	check(a->cpu_share == 40, "good: alpha cpu-share 40%% from [global] (%u)", a->cpu_share);
	check(a->iodepth == 16, "good: alpha iodepth default 16 (%u)", a->iodepth);
	check(a->fault_interval_ms == 500, "good: alpha fault-interval 500ms (%u)",
	      a->fault_interval_ms);
	check(a->set_mask == bits(aset), "good: alpha set_mask %#llx",
	      (unsigned long long)a->set_mask);
	check(!strcmp(b->name, "beta") && b->line == 21, "good: [beta] at line %d", b->line);
	check(!strcmp(b->workload, "cpu"), "good: beta workload '%s' (indented key)", b->workload);
	check(!strcmp(b->backing, "anon"), "good: beta backing '%s'", b->backing);
	check(b->nfaults == 3 && !strcmp(b->faults[0], "migrate") &&
	      !strcmp(b->faults[1], "ksm") && !strcmp(b->faults[2], "thp-split"),
	      "good: beta faults migrate,ksm,thp-split (%u)", b->nfaults);
	check(b->size == 256ull << 20, "good: beta size 256M from [global] (%llu)",
	      (unsigned long long)b->size);
	check(b->threads == 2 && b->block_size == 4096 && b->fault_interval_ms == 0,
	      "good: beta threads/block-size/fault-interval defaults");
	check(b->iodepth == 128, "good: beta iodepth 128 (%u)", b->iodepth);
	check(b->set_mask == bits(bset), "good: beta set_mask %#llx",
	      (unsigned long long)b->set_mask);
}

static void test_defaults(struct run_config *rc)
{
	const char *path = profile("defaults.ini", "[only]\nworkload = cpu\n");
	const struct job_config *j = &rc->jobs[0];
	char err[512] = "";
	int ret;

	cfg_init(rc, CFG_CMD_RUN);
	ret = cfg_load_profile(rc, path, err, sizeof(err));
	check(ret == 0 && rc->njobs == 1, "defaults: loads (ret %d, '%s')", ret, err);
	check(rc->duration_ms == 60000 && !rc->seed_set && !rc->no_canary && !rc->allow_missing &&
	      !rc->json[0] && !rc->scratch[0] && !rc->plant[0], "defaults: run options");
	check(!strcmp(j->backing, "anon") && j->nfaults == 0, "defaults: backing anon, no faults");
	check(j->size == 64ull << 20 && j->threads == 2 && j->block_size == 4096 &&
	      j->cpu_share == 25 && j->iodepth == 16 && j->fault_interval_ms == 0,
	      "defaults: size 64M threads 2 block 4k cpu 25%% iodepth 16 interval 0");
}

static void test_cli(struct run_config *rc, const char *good_path)
{
	char err[512], want[PATH_MAX + 128];
	const char *path;
	int ret;

	ret = cli(rc, err, sizeof(err), "-c", good_path, "--duration", "5s", "--size", "8M",
		  "-s", "42", NULL);
	check(ret == 0, "cli: -c good --duration 5s --size 8M -s 42 (ret %d, '%s')", ret, err);
	check(rc->duration_ms == 5000, "cli: duration overrides [global] (%llu)",
	      (unsigned long long)rc->duration_ms);
	check(rc->seed == 42 && rc->seed_set, "cli: seed 42");
	check(rc->njobs == 2 && rc->jobs[0].size == 8 << 20 && rc->jobs[1].size == 8 << 20 &&
	      rc->defaults.size == 8 << 20, "cli: --size 8M overrides every job");
	check(rc->jobs[0].threads == 8 && rc->jobs[1].iodepth == 128 &&
	      !strcmp(rc->jobs[1].workload, "cpu"), "cli: other job keys kept");
	check(!strcmp(rc->profile, good_path), "cli: profile path recorded");

	ret = cli(rc, err, sizeof(err), "--size=16M", "--no-canary", "--faults=ksm", "-c",
		  good_path, "--threads", "3", "--cpu-share", "0", NULL);
	check(ret == 0 && rc->jobs[0].size == 16 << 20 && rc->no_canary &&
	      rc->jobs[1].nfaults == 1 && !strcmp(rc->jobs[1].faults[0], "ksm") &&
	      rc->jobs[0].threads == 3 && rc->jobs[1].cpu_share == 0 && rc->duration_ms == 7200000,
	      "cli: --name=value, bool flag, list, profile duration kept (ret %d, '%s')", ret, err);

	ret = cli(rc, err, sizeof(err), "-c", good_path, "--size", "abc", NULL);
	check(ret == -EINVAL && !strcmp(err, "--size: invalid size 'abc' (use e.g. 64M, 1G, 5%)"),
	      "cli: bad size: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--threads", "300", NULL);
	check(ret == -EINVAL && !strcmp(err, "--threads: 300 out of range (1..256)"),
	      "cli: threads out of range: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "-d", "5x", NULL);
	check(ret == -EINVAL && strstr(err, "--duration: invalid duration '5x'"),
	      "cli: -d 5x: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--bogus", "1", NULL);
	check(ret == -EINVAL && strstr(err, "--bogus") && one_line(err), "cli: unknown option: '%s'",
	      err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "-x", NULL);
	check(ret == -EINVAL && strstr(err, "-x"), "cli: unknown short option: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "-d", NULL);
	check(ret == -EINVAL && strstr(err, "--duration") && strstr(err, "missing"),
	      "cli: missing value: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--no-canary=1", NULL);
	check(ret == -EINVAL && strstr(err, "--no-canary"), "cli: bool takes no value: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "extra", NULL);
	check(ret == -EINVAL && strstr(err, "'extra'"), "cli: non-option argument: '%s'", err);
	ret = cli(rc, err, sizeof(err), "--size", "8M", NULL);
	check(ret == -EINVAL && !strcmp(err, "no profile given (-c PROFILE)"),
	      "cli: no profile: '%s'", err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "-h", NULL);
	check(ret == CFG_HELP, "cli: -h returns CFG_HELP (%d)", ret);
	ret = cli(rc, err, sizeof(err), "--help", NULL);
	check(ret == CFG_HELP, "cli: --help returns CFG_HELP (%d)", ret);

	path = profile("noworkload.ini", "[global]\nsize = 8M\n[j]\nthreads = 1\n");
	ret = cli(rc, err, sizeof(err), "-c", path, "--workload", "cpu", NULL);
	check(ret == 0 && !strcmp(rc->jobs[0].workload, "cpu") && rc->jobs[0].threads == 1,
	      "cli: --workload completes a job without one (ret %d, '%s')", ret, err);
	ret = cli(rc, err, sizeof(err), "-c", path, NULL);
	snprintf(want, sizeof(want), "%s:3: [j]: no workload", path);
	check(ret == -EINVAL && !strcmp(err, want), "cli: same profile alone: '%s'", err);

	ret = cli(rc, err, sizeof(err), "-c", "/nonexistent/x.ini", NULL);
	check(ret == -ENOENT && !strcmp(err, "cannot open profile '/nonexistent/x.ini': "
					     "No such file or directory"),
	      "cli: missing profile: '%s'", err);
}

/* A bad profile: -EINVAL, one line, the file name, ":line:", the key; and @want if given. */
static void bad(const char *name, const char *text, int line, const char *key, const char *want)
{
	struct run_config *rc = malloc(sizeof(*rc));
	char err[512] = "", lstr[32], kstr[80], exact[PATH_MAX + 200];
	const char *path = profile(name, text);
	int ret;

	cfg_init(rc, CFG_CMD_RUN);
	ret = cfg_load_profile(rc, path, err, sizeof(err));
	snprintf(lstr, sizeof(lstr), ":%d: ", line);
	snprintf(kstr, sizeof(kstr), "'%s'", key);
	if (want)
		snprintf(exact, sizeof(exact), "%s:%d: %s", path, line, want);
	check(ret == -EINVAL && one_line(err) && strstr(err, name) && strstr(err, lstr) &&
	      (!key || strstr(err, kstr)) && (!want || !strcmp(err, exact)),
	      "bad %s: '%s'", name, err);
	free(rc);
}

static void test_bad(void)
{
	static char many[(CFG_MAX_JOBS + 1) * 32];
	char *p = many;
	int i;

	bad("unknown.ini", "[global]\nduration = 10s\n\n[job1]\nworkload = cpu\nfoo = 1\n",
	    6, "foo", "unknown key 'foo' in [job1]");
	bad("badsize.ini", "[job1]\nworkload = cpu\n; comment\nsize = abc\n",
	    4, "size", "key 'size': invalid size 'abc' (use e.g. 64M, 1G, 5%)");
	bad("range.ini", "[global]\nsize = 1K\n[job1]\nworkload = cpu\n",
	    2, "size", "key 'size': 1K out of range (1M..1T)");
	bad("duration.ini", "# x\n[global]\nduration = 5x\n[job1]\nworkload = cpu\n",
	    3, "duration", "key 'duration': invalid duration '5x' (use e.g. 30s, 10m, 8h)");
	bad("runkey.ini", "[global]\n[job1]\nworkload = cpu\nduration = 10s\n",
	    4, "duration", "key 'duration' belongs in [global], not [job1]");
	bad("noworkload.ini", "[global]\nbacking = thp\n\n[job0]\nworkload = cpu\n[job1]\n",
	    6, NULL, "[job1]: no workload");
	bad("pow2.ini", "[j]\nworkload = cpu\nblock-size = 3000\n", 3, "block-size", NULL);
	bad("bigblock.ini", "[j]\nworkload = cpu\nblock-size = 4M\n", 3, "block-size",
	    "key 'block-size': 4M out of range (512..2M)");
	bad("interval.ini", "[j]\nworkload = cpu\nfault-interval = 2h\n", 3, "fault-interval",
	    "key 'fault-interval': 2h out of range (0..1h)");
	bad("pct.ini", "[j]\nworkload = cpu\ncpu-share = 101%\n", 3, "cpu-share", NULL);
	bad("bool.ini", "[global]\nno-canary = maybe\n[j]\nworkload = cpu\n", 2, "no-canary", NULL);
	bad("list.ini", "[j]\nworkload = cpu\nfaults = fork,,pageout\n", 3, "faults", NULL);
	bad("listdup.ini", "[j]\nworkload = cpu\nfaults = fork,fork\n", 3, "faults", NULL);
	bad("listname.ini", "[j]\nworkload = cpu\nfaults = Fork\n", 3, "faults", NULL);
	bad("listmany.ini", "[j]\nworkload = cpu\nfaults = a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n",
	    3, "faults", NULL);
	bad("config.ini", "[global]\nconfig = other.ini\n[j]\nworkload = cpu\n", 2, "config", NULL);
	bad("dup.ini", "[j]\nworkload = cpu\n[k]\nworkload = cpu\n[j]\n", 5, NULL,
	    "duplicate section [j] (first at line 1)");
	bad("syntax.ini", "[j]\nworkload = cpu\nthis is not a key\n", 3, NULL, NULL);
	bad("nosection.ini", "workload = cpu\n[j]\n", 1, "workload", NULL);
	bad("multiple.ini", "[j]\nworkload = cpu\nsize = 1000000000\n", 3, "size",
	    "[j]: key 'size': 1000000000 is not a multiple of block-size 4K");
	bad("secname.ini", "[j]\nworkload = cpu\n[a b]\n", 3, NULL, NULL);
	for (i = 0; i <= CFG_MAX_JOBS; i++)
		p += sprintf(p, "[job%d]\nworkload = cpu\n", i);
	bad("many.ini", many, 2 * CFG_MAX_JOBS + 1, NULL, NULL);
}

static void test_nojobs_missing(struct run_config *rc)
{
	char err[512], want[PATH_MAX + 64];
	const char *path = profile("empty.ini", "; nothing\n[global]\n");
	int ret;

	cfg_init(rc, CFG_CMD_RUN);
	ret = cfg_load_profile(rc, path, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: no jobs", path);
	check(ret == -EINVAL && !strcmp(err, want), "no jobs: '%s'", err);
	cfg_init(rc, CFG_CMD_RUN);
	ret = cfg_load_profile(rc, "x-missing.ini", err, sizeof(err));
	check(ret == -ENOENT &&
	      !strcmp(err, "cannot open profile 'x-missing.ini': No such file or directory"),
	      "missing file: '%s'", err);
}

static void size_is(const char *s, int ret, uint64_t v)
{
	uint64_t got = 0;
	int r = cfg_parse_size(s, &got);

	check(r == ret && (ret || got == v), "size '%s' -> %d %llu", s, r, (unsigned long long)got);
}

static void duration_is(const char *s, int ret, uint64_t v)
{
	uint64_t got = 0;
	int r = cfg_parse_duration(s, &got);

	check(r == ret && (ret || got == v), "duration '%s' -> %d %llu ms", s, r,
	      (unsigned long long)got);
}

static void test_parsers(void)
{
	char buf[32];
	bool b = false;

	size_is("4096", 0, 4096);
	size_is("4k", 0, 4096);
	size_is("4K", 0, 4096);
	size_is("2MiB", 0, 2 << 20);
	size_is("2mib", 0, 2 << 20);
	size_is("64M", 0, 64 << 20);
	size_is("1G", 0, 1ull << 30);
	size_is("1GB", 0, 1ull << 30);
	size_is("1T", 0, 1ull << 40);
	size_is("0", 0, 0);
	size_is("18446744073709551615", 0, UINT64_MAX);
	size_is("18446744073709551616", -ERANGE, 0);
	size_is("99999999T", -ERANGE, 0);
	size_is("", -EINVAL, 0);
	size_is("abc", -EINVAL, 0);
	size_is("-1", -EINVAL, 0);
	size_is("1.5G", -EINVAL, 0);
	size_is("4kk", -EINVAL, 0);
	size_is("4 k", -EINVAL, 0);
	size_is("1P", -EINVAL, 0);
	duration_is("500ms", 0, 500);
	duration_is("1d", 0, 86400000);
	duration_is("8h", 0, 28800000);
	duration_is("10m", 0, 600000);
	duration_is("30s", 0, 30000);
	duration_is("30", 0, 30000);
	duration_is("0", 0, 0);
	duration_is("5x", -EINVAL, 0);
	duration_is("", -EINVAL, 0);
	duration_is("s", -EINVAL, 0);
	duration_is("1h30m", -EINVAL, 0);
	duration_is("99999999999999999d", -ERANGE, 0);
	check(!cfg_parse_bool("ON", &b) && b && !cfg_parse_bool("no", &b) && !b &&
	      !cfg_parse_bool("true", &b) && b && !cfg_parse_bool("0", &b) && !b &&
	      cfg_parse_bool("maybe", &b) == -EINVAL, "bool: ON/no/true/0, 'maybe' rejected");
	cfg_format_size(1 << 20, buf, sizeof(buf));
	check(!strcmp(buf, "1M"), "format size 1M: '%s'", buf);
	cfg_format_size(1536, buf, sizeof(buf));
	check(!strcmp(buf, "1536"), "format size 1536: '%s'", buf);
	cfg_format_duration(90 * 60000, buf, sizeof(buf));
	check(!strcmp(buf, "90m"), "format duration 90m: '%s'", buf);
	cfg_format_duration(1500, buf, sizeof(buf));
	check(!strcmp(buf, "1500ms"), "format duration 1500ms: '%s'", buf);
}

/* Shares of the machine: size = N% of MemTotal, threads and parallel = auto. */
static void test_relative(struct run_config *rc, const char *good_path)
{
	unsigned int h = 0;
	uint64_t mem_kb = 0, want;
	char err[256];
	int ret;

	check(!cfg_parse_share("5%", &h) && h == 500, "share 5%%: %u", h);
	check(!cfg_parse_share("0.5%", &h) && h == 50, "share 0.5%%: %u", h);
	check(!cfg_parse_share("12.25%", &h) && h == 1225, "share 12.25%%: %u", h);
	check(!cfg_parse_share("100%", &h) && h == 10000, "share 100%%");
	check(cfg_parse_share("0%", &h) == -ERANGE && cfg_parse_share("101%", &h) == -ERANGE,
	      "share 0%% and 101%% out of range");
	check(cfg_parse_share("5", &h) == -EINVAL && cfg_parse_share("5.%", &h) == -EINVAL &&
	      cfg_parse_share("1.234%", &h) == -EINVAL && cfg_parse_share("%", &h) == -EINVAL &&
	      cfg_parse_share("5%%", &h) == -EINVAL, "share: malformed refused");

	ret = meminfo_kb("MemTotal", &mem_kb);
	want = mem_kb * 1024 / 10000 * 250;
	want -= want % pmd_size();
	ret = ret ? ret : cli(rc, err, sizeof(err), "-c", good_path, "--size", "2.5%", "--threads",
			      "auto", "--parallel", "auto", NULL);
	check(!ret && rc->jobs[0].size == want && rc->jobs[1].size == want &&
	      rc->jobs[0].size_share == 250 && rc->jobs[1].size_share == 250,
	      "cli: --size 2.5%% is %llu bytes of MemTotal %llu kB (got %llu, '%s')",
	      (unsigned long long)want, (unsigned long long)mem_kb,
	      (unsigned long long)rc->jobs[0].size, err);
	check(!ret && rc->jobs[0].threads == CFG_AUTO && rc->parallel == CFG_AUTO,
	      "cli: threads and parallel auto");
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--size", "64M", NULL);
	check(!ret && rc->jobs[0].size == 64 << 20 && !rc->jobs[0].size_share,
	      "cli: a size in bytes has no share");
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--parallel", "autos", NULL);
	check(ret == -EINVAL && !strcmp(err, "--parallel: invalid number 'autos'"),
	      "cli: --parallel autos: '%s'", err);
}

static void test_table(void)
{
	char *text = NULL;
	size_t n = 0, i;
	FILE *f = open_memstream(&text, &n);
	int all = 1;

	cfg_usage(f, CFG_CMD_RUN);
	fflush(f);
	check(!strstr(text, "--repeat") && strstr(text, "--json"), "run usage: run options only");
	cfg_usage(f, CFG_CMD_BENCH);
	fclose(f);
	check(strstr(text, "--repeat N") && strstr(text, "[default 64M,1G, 1M..1T]"),
	      "bench usage: its options, from the same table");
	for (i = 0; i < cfg_noptions; i++) {
		char want[80];

		snprintf(want, sizeof(want), "--%s", cfg_options[i].name);
		if (!strstr(text, want))
			all = 0;
	}
	check(all && strstr(text, "-d, --duration TIME") && strstr(text, "[default 64M, 1M..1T]"),
	      "usage lists every option with defaults and ranges");
	free(text);
	check(cfg_job_bit(cfg_find("workload")) == 0 && cfg_job_bit(cfg_find("duration")) == -1 &&
	      cfg_find("nope") == NULL, "table: job bits and lookup");
}

/* --fault-interval 0 is "no pause", told apart from not given (each fault's own). */
static void test_given(void)
{
	static struct run_config rc;
	char err[512];
	const char *path = profile("given.ini", "[global]\nfault-interval = 0\n[a]\nworkload = cpu\n"
				   "[b]\nworkload = cpu\nfault-interval = 5ms\n");

	cfg_init(&rc, CFG_CMD_RUN);
	check(!cfg_load_profile(&rc, path, err, sizeof(err)) &&
	      cfg_job_given(&rc.jobs[0], "fault-interval") && rc.jobs[0].fault_interval_ms == 0 &&
	      rc.jobs[1].fault_interval_ms == 5 && !cfg_job_given(&rc.jobs[0], "iodepth"),
	      "fault-interval 0 from [global] is given, iodepth is not ('%s')", err);
	cfg_init(&rc, CFG_CMD_RUN);
	path = profile("notgiven.ini", "[a]\nworkload = cpu\n");
	check(!cfg_load_profile(&rc, path, err, sizeof(err)) &&
	      !cfg_job_given(&rc.jobs[0], "fault-interval"), "fault-interval not given");
}

/* pinstress bench: the same table, its own keys, [global] only. */
static void test_bench(void)
{
	static struct run_config rc;
	char err[512], path[] = "/tmp/unit_options_benchXXXXXX";
	FILE *f;
	int fd, ret;

	cfg_init(&rc, CFG_CMD_BENCH);
	ret = cfg_parse_cli(&rc, 5, (char *[]){ "bench", "--repeat", "3", "--fork-sizes",
						"4M, 2G", NULL }, err, sizeof(err));
	check(!ret && rc.bench.repeat == 3 && rc.bench.nfork_sizes == 2 &&
	      rc.bench.fork_sizes[1] == 2ull << 30 && rc.bench.region_size == 64ull << 20,
	      "bench: options over the defaults, no profile needed (%d '%s')", ret, err);
	cfg_init(&rc, CFG_CMD_BENCH);
	ret = cfg_parse_cli(&rc, 3, (char *[]){ "bench", "--benchmarks", "fork,nope", NULL },
			    err, sizeof(err));
	check(ret == -EINVAL && strstr(err, "--benchmarks: unknown benchmark 'nope'"),
	      "bench: unknown benchmark named: '%s'", err);
	cfg_init(&rc, CFG_CMD_BENCH);
	ret = cfg_parse_cli(&rc, 3, (char *[]){ "bench", "--size", "1M", NULL }, err, sizeof(err));
	check(ret == -EINVAL && strstr(err, "--size is an option of pinstress run"),
	      "bench: a run option refused: '%s'", err);
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		check(0, "bench: temporary profile");
		return;
	}
	fputs("[global]\nrepeat = 2\n[job]\nworkload = cpu\n", f);
	fclose(f);
	cfg_init(&rc, CFG_CMD_BENCH);
	ret = cfg_parse_cli(&rc, 3, (char *[]){ "bench", "-c", path, NULL }, err, sizeof(err));
	check(ret == -EINVAL && strstr(err, ":3: section [job]: a bench profile has only [global]"),
	      "bench: a job section refused with its line: '%s'", err);
	cfg_init(&rc, CFG_CMD_RUN);
	ret = cfg_read_profile(&rc, path, err, sizeof(err));
	check(ret == -EINVAL && strstr(err, ":2: key 'repeat' is not a run setting"),
	      "run: a bench key refused with its line: '%s'", err);
	unlink(path);
}

/*
 * --keep-going[=N]: alone it means no limit (0), =N stops at the N-th
 * failure; both mark the option as given.
 */
static void test_keep_going(struct run_config *rc, const char *good_path)
{
	char err[512];
	int ret;

	ret = cli(rc, err, sizeof(err), "-c", good_path, NULL);
	check(ret == 0 && !rc->keep_going_set, "keep-going: not given");
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--keep-going", NULL);
	check(ret == 0 && rc->keep_going_set && rc->keep_going == 0,
	      "keep-going alone: no limit (ret %d '%s')", ret, err);
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--keep-going=7", NULL);
	check(ret == 0 && rc->keep_going_set && rc->keep_going == 7, "keep-going=7");
	ret = cli(rc, err, sizeof(err), "-c", good_path, "--keep-going=x", NULL);
	check(ret == -EINVAL && strstr(err, "--keep-going"), "keep-going=x: '%s'", err);
}

/*
 * The replay command: the run's own arguments plus the seed the clock
 * chose, parsed again, give the same run; quoted for a shell, they come
 * back word for word.
 */
static void test_replay(struct run_config *rc, const char *good_path)
{
	char *argv[] = { "run", "-c", (char *)good_path, "--size", "8M", "--plant", "torn",
			 "--json", "it's here.json", NULL };
	const char *out[16];
	char seed[32], cmd[2048], line[256], err[512];
	struct run_config *again = malloc(sizeof(*again));
	int n, ret, k = 0;
	FILE *sh;

	n = replay_args(9, argv, false, 123456789, out, 16, seed, sizeof(seed));
	check(n == 10 && !strcmp(out[0], "-c") && !strcmp(out[8], "--seed") &&
	      !strcmp(out[9], "123456789"), "replay: own arguments, then --seed (n %d)", n);
	check(replay_args(9, argv, true, 1, out, 16, seed, sizeof(seed)) == 8,
	      "replay: a given seed is already among them");
	cfg_init(again, CFG_CMD_RUN);
	ret = cfg_parse_cli(again, n + 1, (char *[]){ "run", (char *)out[0], (char *)out[1],
			    (char *)out[2], (char *)out[3], (char *)out[4], (char *)out[5],
			    (char *)out[6], (char *)out[7], (char *)out[8], (char *)out[9], NULL },
			    err, sizeof(err));
	cli(rc, err, sizeof(err), "-c", good_path, "--size", "8M", "--plant", "torn", NULL);
	check(ret == 0 && again->seed == 123456789 && again->seed_set &&
	      again->jobs[0].size == rc->jobs[0].size && !strcmp(again->plant, "torn") &&
	      !strcmp(again->json, "it's here.json") && again->njobs == rc->njobs,
	      "replay: the arguments parse into the same run (ret %d '%s')", ret, err);
	replay_command_str("/tmp/a b", out, n, cmd, sizeof(cmd));
	check(strstr(cmd, "cd '/tmp/a b' && pinstress run -c ") == cmd &&
	      strstr(cmd, " --json 'it'\\''s here.json' --seed 123456789"),
	      "replay: command quoted: %s", cmd);
	/* The shell gives back every word as it was. */
	snprintf(line, sizeof(line), "printf '%%s\\n' ");
	shell_quote("it's here.json", line + strlen(line), sizeof(line) - strlen(line));
	strcat(line, " ");
	shell_quote("a\"b$c", line + strlen(line), sizeof(line) - strlen(line));
	sh = popen(line, "r");
	while (sh && fgets(cmd, sizeof(cmd), sh))
		k += !strcmp(cmd, k ? "a\"b$c\n" : "it's here.json\n");
	if (sh)
		pclose(sh);
	check(k == 2, "replay: quoted words survive sh (%s)", line);
	free(again);
}

int main(void)
{
	struct run_config *rc = malloc(sizeof(*rc));
	const char *good_path;
	int i;

	if (!rc || !mkdtemp(tmpdir)) {
		perror("setup");
		return 1;
	}
	good_path = profile("good.ini", good);
	test_parsers();
	test_table();
	test_bench();
	test_given();
	test_good(rc, good_path);
	test_defaults(rc);
	test_cli(rc, good_path);
	test_relative(rc, good_path);
	test_bad();
	test_nojobs_missing(rc);
	test_keep_going(rc, good_path);
	test_replay(rc, good_path);

	for (i = 0; i < nmade; i++)
		unlink(made[i]);
	rmdir(tmpdir);
	free(rc);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
