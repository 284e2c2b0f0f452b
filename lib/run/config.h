/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run was asked to do, as parsed from a profile and the command line.
 * One option table (options.c) fills both structures, so every profile key
 * is also a command-line option and vice versa.
 */
#ifndef PINSTRESS_CONFIG_H
#define PINSTRESS_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#define CFG_MAX_JOBS	1024
#define CFG_MAX_FAULTS	16
#define CFG_NAME_LEN	64
#define CFG_MAX_SIZES	8

/* Which subcommand a table option belongs to (struct cfg_option.cmds). */
enum cfg_cmd {
	CFG_CMD_RUN = 1 << 0,
	CFG_CMD_BENCH = 1 << 1,
};

/*
 * A job section may name "all" as workload or backing and "each" as its
 * faults: it then stands for every available, applicable combination (one
 * fault per job), expanded by the planner.  That is how matrix.ini is written.
 */
#define CFG_ALL		"all"
#define CFG_EACH	"each"

/* Where a job key's value came from, for messages that point at it. */
enum cfg_from {
	CFG_FROM_DEFAULT,
	CFG_FROM_SECTION,	/* its line in the job's own section */
	CFG_FROM_GLOBAL,	/* its line in [global] */
	CFG_FROM_CLI,		/* the command line */
};

struct cfg_origin {
	int line;
	enum cfg_from from;
};

struct job_config {
	char name[CFG_NAME_LEN];		/* the profile section */
	char workload[CFG_NAME_LEN];
	char backing[CFG_NAME_LEN];
	char faults[CFG_MAX_FAULTS][CFG_NAME_LEN];
	unsigned int nfaults;
	uint64_t size;				/* bytes of memory under test */
	unsigned int size_share;		/* size was this share of MemTotal, 1/100 %; 0: bytes */
	unsigned int threads;			/* workload threads; CFG_AUTO until planned */
	unsigned int block_size;		/* stamp block size, power of 2 */
	unsigned int cpu_share;			/* percent of writes done by CPU stores */
	unsigned int iodepth;			/* in-flight I/Os per thread (uring) */
	unsigned int fault_interval_ms;		/* 0: each fault's own default */
	bool mlock;				/* mlock the region (any backing) */
	unsigned int round;			/* which round runs it (plan_rounds()) */
	/* affinity = spread (plan_rounds()): first CPU number, node its memory prefers. */
	unsigned int cpu_first;
	int mem_node;				/* -1: none */
	/* Where the section began and which keys it set, for messages and merging. */
	char file[PATH_MAX];
	int line;
	uint64_t set_mask;			/* bit i: job option i set explicitly */
	struct cfg_origin origin[64];		/* per set_mask bit */
};

/* What `pinstress bench` was asked to measure (its keys are in the same table). */
struct bench_config {
	unsigned int repeat;			/* measured repetitions after a warm-up */
	unsigned int passes;			/* rounds over every benchmark they are spread over */
	uint64_t region_size;			/* pin, pageout and read regions */
	uint64_t fork_sizes[CFG_MAX_SIZES];	/* mapped while fork() is timed */
	unsigned int nfork_sizes;
	char benchmarks[CFG_MAX_FAULTS][CFG_NAME_LEN];	/* none: all */
	unsigned int nbenchmarks;
};

struct run_config {
	enum cfg_cmd cmd;			/* whose options: run's or bench's */
	char profile[PATH_MAX];
	uint64_t duration_ms;
	uint64_t seed;
	bool seed_set;
	char json[PATH_MAX];
	uint64_t sample_interval_ms;		/* the JSON timeline's sample interval */
	unsigned int samples;			/* timeline samples kept (merged beyond) */
	char scratch[PATH_MAX];
	bool no_canary;
	bool allow_missing;
	char plant[CFG_NAME_LEN];		/* test hook: plant one damaged block */
	unsigned int parallel;			/* jobs per round, 0: all, CFG_AUTO: what fits */
	char sections[CFG_MAX_FAULTS][CFG_NAME_LEN];	/* --section: jobs to keep */
	unsigned int nsections;
	bool allow_no_evidence;
	unsigned int keep_going;		/* failures that end the run; 0: none do */
	bool keep_going_set;			/* else the first one does */
	bool ftrace_stop;			/* tracing_on = 0 at the first failure */
	bool ftrace_mark;			/* trace_marker lines for faults and failures */
	uint64_t hang_timeout_ms;		/* watchdog: an operation's deadline */
	char log[PATH_MAX];			/* --log FILE, appended */
	bool tap;				/* TAP 13 on stdout */
	char known_bugs[16];			/* "avoid" or "reproduce" */
	char kernel_lacks[16];			/* "invalid" or "not-run" */
	char affinity[16];			/* "none" or "spread" */
	bool prepare;				/* prepare the machine first (kernel/prepare.h) */
	bool check;				/* check and print the plan, change nothing */
	struct bench_config bench;		/* pinstress bench */
	struct job_config defaults;		/* [global] job keys */
	struct job_config jobs[CFG_MAX_JOBS];
	unsigned int njobs;
};

/* --known-bugs=reproduce: workloads walk into known bugs instead of emulating their fix. */
static inline bool cfg_reproduce_known_bugs(const struct run_config *rc)
{
	return rc->known_bugs[0] == 'r';
}

#endif
