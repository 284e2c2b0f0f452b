/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The option table: every setting of a run, with its type, default, range
 * and help, in one place.  The profile loader (profile.c), the command line
 * parser and the usage text all walk this table, so a key cannot exist in
 * one of them and not in the others.
 *
 * Precedence: built-in defaults < profile [global] < profile job section <
 * command line.  The caller only does:
 *
 *	cfg_init(&rc);
 *	ret = cfg_parse_cli(&rc, argc, argv, err, sizeof(err));
 *
 * and cfg_parse_cli() loads the profile named by -c between collecting the
 * command-line values and applying them.
 */
#ifndef PINSTRESS_OPTIONS_H
#define PINSTRESS_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run/config.h"

/* Upper bound of the table: job_config.set_mask has one bit per JOB option. */
#define CFG_MAX_OPTIONS	64

/* cfg_parse_cli() return value for -h/--help: the caller prints cfg_usage(). */
#define CFG_HELP	1

enum cfg_type {
	CFG_STR,	/* string, copied into a char array */
	CFG_SIZE,	/* bytes: 4096, 4k, 64M, 2MiB, 1GB (binary multiples) */
	CFG_DURATION,	/* 500ms, 30s, 10m, 8h, 1d; plain number = seconds; stored in ms */
	CFG_UINT,	/* decimal unsigned int */
	CFG_U64,	/* decimal or 0x hex uint64_t */
	CFG_BOOL,	/* 1/0 yes/no true/false on/off; no argument on the command line */
	CFG_PERCENT,	/* 0..100, optional '%' */
	CFG_LIST,	/* comma-separated names [a-z0-9-]+ into char[][CFG_NAME_LEN] */
	CFG_SIZES,	/* comma-separated sizes into uint64_t[], each in min..max */
};

enum cfg_scope {
	CFG_RUN,	/* field of struct run_config; [global] or command line */
	CFG_JOB,	/* field of struct job_config; any section or command line */
};

#define CFG_F_CLI_ONLY	(1u << 0)	/* not accepted in a profile */
#define CFG_F_POW2	(1u << 1)	/* number must be a power of two */
#define CFG_F_NAME	(1u << 2)	/* string must be a name [a-z0-9-]+ */
#define CFG_F_MARK	(1u << 3)	/* also set the bool at aux_off (seed_set) */
#define CFG_F_OPT_ARG	(1u << 4)	/* command line: --name alone means --name=implied */
#define CFG_F_PMD	(1u << 5)	/* size must be a multiple of the PMD size (kconst.h) */
#define CFG_F_SHARE	(1u << 6)	/* size may be "N%" of MemTotal; the share at aux_off */
#define CFG_F_AUTO	(1u << 7)	/* number may be "auto": stored as CFG_AUTO */

/* A CFG_F_AUTO number given as "auto": the planner decides (stress/plan.c). */
#define CFG_AUTO	UINT32_MAX

struct cfg_option {
	const char *name;
	int short_opt;			/* 0: long option only */
	enum cfg_type type;
	enum cfg_scope scope;
	size_t off;			/* offset in run_config or job_config */
	size_t size;			/* size of that field */
	size_t aux_off;			/* CFG_LIST: unsigned int count; CFG_F_MARK: bool;
					   CFG_F_SHARE: unsigned int share, 1/100 % */
	const char *def;		/* default as text, NULL: zero/empty */
	const char *implied;		/* CFG_F_OPT_ARG: the value of a bare --name */
	uint64_t min, max;		/* range in stored units; both 0: unchecked */
	unsigned int flags;		/* CFG_F_* */
	const char *choices;		/* CFG_STR: the only values allowed, comma-separated */
	/* CFG_LIST: 0 if @name may be in the list, else -EINVAL with why in @why. */
	int (*valid)(const char *name, char *why, size_t len);
	unsigned int cmds;		/* enum cfg_cmd it belongs to; 0: run only */
	const char *help;
};

extern const struct cfg_option cfg_options[];
extern const unsigned int cfg_noptions;

/* The option called @name, or NULL. */
const struct cfg_option *cfg_find(const char *name);

/* Bit of @o in job_config.set_mask (its index among JOB options), -1 for RUN. */
int cfg_job_bit(const struct cfg_option *o);

/* Value parsers: 0, -EINVAL (malformed) or -ERANGE (overflows 64 bits). */
int cfg_parse_size(const char *s, uint64_t *bytes);
/* "5%", "0.5%", "12.25%": hundredths of a percent, 1..10000. */
int cfg_parse_share(const char *s, unsigned int *hundredths);
/* @hundredths of MemTotal in bytes, down to a multiple of the PMD size when above it. */
int cfg_share_bytes(unsigned int hundredths, uint64_t *bytes);
int cfg_parse_duration(const char *s, uint64_t *ms);
int cfg_parse_bool(const char *s, bool *b);

/* Shortest exact text for a value ("64M", "1s", "90m", "512"). */
void cfg_format_size(uint64_t bytes, char *buf, size_t len);
void cfg_format_duration(uint64_t ms, char *buf, size_t len);

/*
 * Parse @val for option @o and store it into @base (a struct run_config for
 * CFG_RUN, a struct job_config for CFG_JOB, whose set_mask bit is then set).
 * On error returns -EINVAL and writes "<who>: <problem>" into @err, e.g.
 * "--size: invalid size 'abc' (use e.g. 64M, 1G)".
 */
int cfg_apply(const struct cfg_option *o, void *base, const char *val,
	      const char *who, char *err, size_t len);

/* Copy into @job every JOB field whose set_mask bit is clear from @defaults. */
void cfg_merge_job(struct job_config *job, const struct job_config *defaults);

/*
 * Built-in defaults for subcommand @cmd: zeroes @rc, fills RUN fields and
 * rc->defaults.  0 or -EINVAL.
 */
int cfg_init(struct run_config *rc, enum cfg_cmd cmd);

/*
 * Where job @c's value of @key came from, as a message prefix into @buf:
 * "FILE:LINE: [job]: key 'size': " (its line in the section or in
 * [global]), or "--size: " from the command line.  Returns its length.
 */
int cfg_where_key(const struct job_config *c, const char *key, char *buf, size_t len);

/* Whether job @c's @key was given (in its section, in [global] or on the command line). */
bool cfg_job_given(const struct job_config *c, const char *key);

/* Whether @o is an option of rc->cmd. */
bool cfg_for_cmd(const struct cfg_option *o, enum cfg_cmd cmd);

/*
 * Command line of the `run` or `bench` subcommand (rc->cmd; argv[0] is its
 * name): collect the options, load the profile named by -c/--config (if
 * any), then apply the command-line values over it (JOB options to
 * rc->defaults and every job) and check the result with cfg_check().  Returns 0, CFG_HELP, -EINVAL or
 * the -errno of a profile that cannot be read, with one line in @err.
 */
int cfg_parse_cli(struct run_config *rc, int argc, char **argv, char *err, size_t len);

/*
 * Load the INI profile @path into @rc: [global] RUN keys into @rc, [global]
 * JOB keys into rc->defaults, one job per other section (replacing any jobs
 * already in @rc), defaults merged into each job.  Does not cfg_check().
 * Returns 0, -EINVAL, -ENOMEM or -errno from opening/reading the file.
 */
int cfg_read_profile(struct run_config *rc, const char *path, char *err, size_t len);

/* cfg_read_profile() followed by cfg_check(): for callers without a command line. */
int cfg_load_profile(struct run_config *rc, const char *path, char *err, size_t len);

/* Final checks: at least one job, every job has a workload, size fits block-size. */
int cfg_check(const struct run_config *rc, char *err, size_t len);

/* One error line into @err (control characters become '?'); returns -EINVAL. */
int cfg_errf(char *err, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Every option of @cmd with its type, default, range and help (the only printing in lib). */
void cfg_usage(FILE *f, enum cfg_cmd cmd);

#endif
