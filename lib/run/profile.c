// SPDX-License-Identifier: GPL-2.0
/*
 * Where option values come from, in order of precedence: the profile and
 * the command line (the table and the value parsers are in options.c).
 *
 * Profiles are INI files like fio job files, parsed with inih.  [global]
 * holds run keys and job defaults, every other section is one job.  Every
 * message names the file and line, so the reader wraps getline() to count
 * lines (Debian's libinih is built without INI_HANDLER_LINENO) and tracks
 * section headers itself, which also catches empty and duplicate sections
 * that inih never reports.
 *
 * The command line is read before the profile (-c names it) but applied
 * after it, so it overrides [global] and every job section.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "run/options.h"
#include "run/safefile.h"

enum sec_kind { SEC_NONE, SEC_GLOBAL, SEC_JOB };

struct profile_ctx {
	struct run_config *rc;
	const char *path;
	FILE *f;
	char *buf;		/* getline() buffer */
	size_t cap;
	int lineno;
	int ioerr;		/* errno of a failed read */
	enum sec_kind sec;
	struct job_config *job;	/* current section if SEC_JOB */
	int global_line;	/* 0: no [global] yet */
	int err;		/* first error (-errno), its line, its message */
	int err_line;
	char *msg;
	size_t msglen;
};

/* Record the first error of the file, at the current line. */
#define ctx_fail(ctx, fmt, ...) ({						\
	(ctx)->err = cfg_errf((ctx)->msg, (ctx)->msglen, "%s:%d: " fmt,		\
			  (ctx)->path, (ctx)->lineno, ##__VA_ARGS__);		\
	(ctx)->err_line = (ctx)->lineno;					\
	0;									\
})

static bool is_section_name(const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return n > 0 && n < CFG_NAME_LEN;
}

/* A "[name]" line: start a job, or [global]. */
static void begin_section(struct profile_ctx *ctx, char *p)
{
	struct run_config *rc = ctx->rc;
	char *end = strchr(p, ']'), *name = p + 1;
	struct job_config *job;
	unsigned int i;

	if (!end) {
		ctx_fail(ctx, "missing ']' in section header");
		return;
	}
	if (end[1]) {
		ctx_fail(ctx, "text after section header '%s'", p);
		return;
	}
	*end = '\0';
	while (isspace((unsigned char)*name))
		name++;
	while (end > name && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (!is_section_name(name)) {
		ctx_fail(ctx, "invalid section name '%s' (use letters, digits, '_', '.', '-')",
			 name);
		return;
	}
	if (!strcmp(name, "global")) {
		if (ctx->global_line) {
			ctx_fail(ctx, "duplicate section [global] (first at line %d)",
				 ctx->global_line);
			return;
		}
		ctx->global_line = ctx->lineno;
		ctx->sec = SEC_GLOBAL;
		return;
	}
	if (rc->cmd == CFG_CMD_BENCH) {
		ctx_fail(ctx, "section [%s]: a bench profile has only [global]", name);
		return;
	}
	for (i = 0; i < rc->njobs; i++) {
		if (!strcmp(rc->jobs[i].name, name)) {
			ctx_fail(ctx, "duplicate section [%s] (first at line %d)",
				 name, rc->jobs[i].line);
			return;
		}
	}
	if (rc->njobs == CFG_MAX_JOBS) {
		ctx_fail(ctx, "[%s]: too many jobs (max %d)", name, CFG_MAX_JOBS);
		return;
	}
	job = &rc->jobs[rc->njobs++];
	memset(job, 0, sizeof(*job));
	snprintf(job->name, sizeof(job->name), "%s", name);
	snprintf(job->file, sizeof(job->file), "%s", ctx->path);
	job->line = ctx->lineno;
	ctx->job = job;
	ctx->sec = SEC_JOB;
}

/*
 * fgets-style reader for ini_parse_stream(): one call per physical line, so
 * ctx->lineno is the line inih is looking at when it calls the handler.
 * Lines are handed over left-trimmed (no multi-line continuations: an
 * indented key is just a key) and without '#' or ';' comments; section
 * headers are consumed here and passed on as blank lines.
 */
static char *reader(char *str, int num, void *stream)
{
	struct profile_ctx *ctx = stream;
	char *p, *q;
	ssize_t n;

	if (ctx->err)
		return NULL;	/* stop at the first error */
	errno = 0;
	n = getline(&ctx->buf, &ctx->cap, ctx->f);
	if (n < 0) {
		if (!feof(ctx->f))
			ctx->ioerr = errno ? errno : EIO;
		return NULL;
	}
	ctx->lineno++;
	p = ctx->buf;
	if ((ssize_t)strlen(p) < n) {
		ctx_fail(ctx, "a NUL byte in the line (a binary file?)");
		return NULL;
	}
	if (ctx->lineno == 1 && !strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	for (q = p; *q; q++) {
		if ((*q == ';' || *q == '#') && (q == p || isspace((unsigned char)q[-1]))) {
			*q = '\0';
			break;
		}
	}
	while (q > p && isspace((unsigned char)q[-1]))
		*--q = '\0';
	if (*p == '[') {
		begin_section(ctx, p);
		*p = '\0';
	}
	if ((ssize_t)strlen(p) + 2 > num) {
		ctx_fail(ctx, "line too long (max %d characters)", num - 2);
		return NULL;
	}
	snprintf(str, num, "%s\n", p);
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct profile_ctx *ctx = user;
	struct run_config *rc = ctx->rc;
	const struct cfg_option *o = cfg_find(name);
	const char *sec = ctx->sec == SEC_JOB ? ctx->job->name : "global";
	char who[PATH_MAX + 96];
	void *base;
	int ret;

	(void)section;	/* tracked by reader(), without inih's 50-byte limit */
	if (ctx->err)
		return 0;
	if (ctx->sec == SEC_NONE)
		return ctx_fail(ctx, "key '%s' before any section (start with [global] or a job)",
				name);
	if (!o)
		return ctx_fail(ctx, "unknown key '%s' in [%s]", name, sec);
	if (o->flags & CFG_F_CLI_ONLY)
		return ctx_fail(ctx, "key '%s' is only valid on the command line", name);
	if (!cfg_for_cmd(o, rc->cmd))
		return ctx_fail(ctx, "key '%s' is not a %s setting (it is pinstress %s's)", name,
				rc->cmd == CFG_CMD_BENCH ? "bench" : "run",
				rc->cmd == CFG_CMD_BENCH ? "run" : "bench");
	if (o->scope == CFG_RUN && ctx->sec == SEC_JOB)
		return ctx_fail(ctx, "key '%s' belongs in [global], not [%s]", name, sec);

	if (o->scope == CFG_RUN)
		base = rc;
	else
		base = ctx->sec == SEC_GLOBAL ? &rc->defaults : ctx->job;
	snprintf(who, sizeof(who), "%s:%d: key '%s'", ctx->path, ctx->lineno, name);
	ret = cfg_apply(o, base, value, who, ctx->msg, ctx->msglen);
	if (ret) {
		ctx->err = ret;
		ctx->err_line = ctx->lineno;
		return 0;
	}
	if (o->scope == CFG_JOB)
		((struct job_config *)base)->origin[cfg_job_bit(o)] = (struct cfg_origin){
			ctx->lineno, ctx->sec == SEC_GLOBAL ? CFG_FROM_GLOBAL : CFG_FROM_SECTION };
	return 1;
}

int cfg_read_profile(struct run_config *rc, const char *path, char *err, size_t len)
{
	struct profile_ctx ctx = {
		.rc = rc, .path = path, .msg = err, .msglen = len,
	};
	char why[PATH_MAX + 128] = "";
	unsigned int i;
	int ret;

	/* A regular file of bounded size: a FIFO or /dev/zero would never end. */
	ret = safefile_open(path, SAFEFILE_MAX_INPUT, why, sizeof(why));
	ctx.f = ret >= 0 ? fdopen(ret, "r") : NULL;
	if (!ctx.f) {
		if (ret >= 0) {
			close(ret);
			ret = -ENOMEM;
		}
		if (ret == -EINVAL || ret == -EFBIG)
			cfg_errf(err, len, "profile %s", why);
		else
			cfg_errf(err, len, "cannot open profile '%s': %s", path, strerror(-ret));
		return ret;
	}
	rc->njobs = 0;
	ret = ini_parse_stream(reader, &ctx, handler, &ctx);
	fclose(ctx.f);
	free(ctx.buf);

	if (ctx.ioerr) {
		cfg_errf(err, len, "cannot read profile '%s': %s", path, strerror(ctx.ioerr));
		return -ctx.ioerr;
	}
	if (ret == -2) {
		cfg_errf(err, len, "out of memory reading profile '%s'", path);
		return -ENOMEM;
	}
	if (ret > 0 && (!ctx.err || ret < ctx.err_line))
		return cfg_errf(err, len, "%s:%d: syntax error (expected 'key = value' or '[section]')",
			    path, ret);
	if (ctx.err)
		return ctx.err;
	if (ret)
		return cfg_errf(err, len, "%s: cannot parse profile (inih error %d)", path, ret);
	if (!rc->njobs && rc->cmd == CFG_CMD_RUN)
		return cfg_errf(err, len, "%s: no jobs", path);
	for (i = 0; i < rc->njobs; i++)
		cfg_merge_job(&rc->jobs[i], &rc->defaults);
	return 0;
}

int cfg_check(const struct run_config *rc, char *err, size_t len)
{
	char where[PATH_MAX + 16] = "", a[32], b[32];
	unsigned int i;

	if (!rc->njobs)
		return cfg_errf(err, len, "%s%sno jobs", rc->profile, rc->profile[0] ? ": " : "");
	for (i = 0; i < rc->njobs; i++) {
		const struct job_config *job = &rc->jobs[i];

		if (job->file[0])
			snprintf(where, sizeof(where), "%s:%d: ", job->file, job->line);
		if (!job->workload[0])
			return cfg_errf(err, len, "%s[%s]: no workload", where, job->name);
		if (job->block_size && job->size % job->block_size) {
			cfg_format_size(job->size, a, sizeof(a));
			cfg_format_size(job->block_size, b, sizeof(b));
			cfg_where_key(job, "size", where, sizeof(where));
			return cfg_errf(err, len, "%s%s is not a multiple of block-size %s", where, a,
					b);
		}
	}
	return 0;
}

int cfg_load_profile(struct run_config *rc, const char *path, char *err, size_t len)
{
	int ret = cfg_read_profile(rc, path, err, len);

	return ret ? ret : cfg_check(rc, err, len);
}

/* Command line.  The message for getopt_long's '?' and ':' returns. */
static int cli_error(const struct run_config *rc, int c, char **argv, char *err, size_t len)
{
	const char *arg = argv[optind - 1];
	const struct cfg_option *o;
	unsigned int i, n = 0;
	size_t k;

	if (optopt >= 256 && c == ':')
		return cfg_errf(err, len, "--%s: missing value", cfg_options[optopt - 256].name);
	if (optopt >= 256)
		return cfg_errf(err, len, "--%s takes no value", cfg_options[optopt - 256].name);
	for (i = 0; optopt && i < cfg_noptions; i++)
		if (cfg_options[i].short_opt == optopt)
			return cfg_errf(err, len, "--%s: missing value", cfg_options[i].name);
	if (optopt)
		return cfg_errf(err, len, "unknown option '-%c'", optopt);
	k = strcspn(arg, "=");
	if (k > 2 && arg[1] == '-') {
		char name[CFG_NAME_LEN];

		snprintf(name, sizeof(name), "%.*s", (int)(k - 2), arg + 2);
		o = cfg_find(name);
		if (o && !cfg_for_cmd(o, rc->cmd))
			return cfg_errf(err, len, "--%s is an option of pinstress %s, not %s",
					o->name, rc->cmd == CFG_CMD_BENCH ? "run" : "bench",
					rc->cmd == CFG_CMD_BENCH ? "bench" : "run");
	}
	for (i = 0; k > 2 && i < cfg_noptions; i++)
		if (cfg_for_cmd(&cfg_options[i], rc->cmd) &&
		    !strncmp(cfg_options[i].name, arg + 2, k - 2))
			n++;
	return cfg_errf(err, len, "%s option '%.*s'", n > 1 ? "ambiguous" : "unknown", (int)k, arg);
}

struct cli_value {
	const struct cfg_option *o;
	const char *val;
};

int cfg_parse_cli(struct run_config *rc, int argc, char **argv, char *err, size_t len)
{
	struct option lopts[CFG_MAX_OPTIONS + 2] = { 0 };
	char sopts[4 + 2 * CFG_MAX_OPTIONS + 2], *s = sopts;
	struct job_config scratch;
	struct cli_value *cv;
	unsigned int i, j, ncv = 0;
	int c, ret = 0;

	for (i = 0, j = 0; i < cfg_noptions; i++) {
		const struct cfg_option *o = &cfg_options[i];
		bool arg = o->type != CFG_BOOL;

		if (!cfg_for_cmd(o, rc->cmd))
			continue;
		lopts[j].name = o->name;
		lopts[j].has_arg = (o->flags & CFG_F_OPT_ARG) ? optional_argument :
				   arg ? required_argument : no_argument;
		lopts[j++].val = 256 + i;
	}
	lopts[j].name = "help";
	lopts[j].val = 'h';
	*s++ = '+';	/* stop at the first non-option: it is an error */
	*s++ = ':';	/* report a missing value as ':' */
	*s++ = 'h';
	for (i = 0; i < cfg_noptions; i++) {
		if (!cfg_options[i].short_opt || !cfg_for_cmd(&cfg_options[i], rc->cmd))
			continue;
		*s++ = cfg_options[i].short_opt;
		if (cfg_options[i].type != CFG_BOOL)
			*s++ = ':';
	}
	*s = '\0';

	cv = calloc(argc > 0 ? argc : 1, sizeof(*cv));
	if (!cv) {
		cfg_errf(err, len, "out of memory");
		return -ENOMEM;
	}

	/* Pass 1: check every value; RUN values go straight into rc (-c is needed now). */
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		const struct cfg_option *o = NULL;
		char who[CFG_NAME_LEN + 2];

		if (c == 'h') {
			ret = CFG_HELP;
			goto out;
		}
		if (c == '?' || c == ':') {
			ret = cli_error(rc, c, argv, err, len);
			goto out;
		}
		if (c >= 256) {
			o = &cfg_options[c - 256];
		} else {
			for (i = 0; i < cfg_noptions && !o; i++)
				if (cfg_options[i].short_opt == c &&
				    cfg_for_cmd(&cfg_options[i], rc->cmd))
					o = &cfg_options[i];
		}
		if (!o) {
			ret = cfg_errf(err, len, "unknown option '-%c'", c);
			goto out;
		}
		snprintf(who, sizeof(who), "--%s", o->name);
		cv[ncv].o = o;
		cv[ncv].val = o->type == CFG_BOOL ? "1" : optarg ? optarg : o->implied;
		ret = cfg_apply(o, o->scope == CFG_RUN ? (void *)rc : (void *)&scratch,
				cv[ncv].val, who, err, len);
		if (ret)
			goto out;
		ncv++;
	}
	if (optind < argc) {
		ret = cfg_errf(err, len, "unexpected argument '%s'", argv[optind]);
		goto out;
	}

	if (rc->profile[0]) {
		ret = cfg_read_profile(rc, rc->profile, err, len);
		if (ret)
			goto out;
	} else if (!rc->njobs && rc->cmd == CFG_CMD_RUN) {
		ret = cfg_errf(err, len, "no profile given (-c PROFILE)");
		goto out;
	}

	/* Pass 2: the command line wins over [global] and every job section. */
	for (i = 0; i < ncv && !ret; i++) {
		const struct cfg_option *o = cv[i].o;

		if (o->scope == CFG_RUN) {
			ret = cfg_apply(o, rc, cv[i].val, o->name, err, len);
			continue;
		}
		ret = cfg_apply(o, &rc->defaults, cv[i].val, o->name, err, len);
		rc->defaults.origin[cfg_job_bit(o)].from = CFG_FROM_CLI;
		for (j = 0; j < rc->njobs && !ret; j++) {
			ret = cfg_apply(o, &rc->jobs[j], cv[i].val, o->name, err, len);
			rc->jobs[j].origin[cfg_job_bit(o)].from = CFG_FROM_CLI;
		}
	}
	if (!ret && rc->cmd == CFG_CMD_RUN)
		ret = cfg_check(rc, err, len);
out:
	free(cv);
	return ret;
}
