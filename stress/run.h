/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver's view of a run: configuration, jobs, the stop flag, every
 * mismatch found, the kernel-log watch and the verdict.  Only stress/
 * decides what a result means; lib/ and workloads/ only report.
 */
#ifndef PINSTRESS_RUN_H
#define PINSTRESS_RUN_H

#include <json-c/json.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdatomic.h>
#include <time.h>

#include "kernel/topology.h"
#include "run/config.h"
#include "env.h"
#include "run/job.h"
#include "verify/kb_probe.h"
#include "kernel/klog.h"
#include "timeline.h"

#define RUN_MAX_ERRS	256
/* Of which expected failures at most: the rest stay free for corruption. */
#define RUN_MAX_XFAIL_KEPT	64

/* Exit codes of DESIGN.md. */
enum run_exit {
	EXIT_CLEAN = 0,
	EXIT_CORRUPTION = 1,
	EXIT_KERNEL_ERROR = 2,
	EXIT_INVALID = 3,
	EXIT_SKIP = 77,
	EXIT_RUNNING = -1,	/* the live report of a run still going */
};

struct failure;
struct run_ctx;

struct err_rec {
	enum vclass cls;
	unsigned int job;
	size_t block;
	uintptr_t vaddr;
	struct stamp_id expect;
	bool found_valid;
	struct stamp_id found;
	enum detected_by by;
	double time_s;
	size_t first_diff;		/* byte offset, block_size if unknown */
	bool xfail;			/* an expected failure of known bug @kb */
	const struct known_bug *kb;
	/*
	 * xfail: the evidence that showed @kb's mechanism; else, if the
	 * finding looked like a known bug, why it is not one (probe absent,
	 * mechanism not shown); else empty.
	 */
	char kb_why[256];
	int cpu;			/* VC_STALE_TLB: the CPU whose loads were stale */
	long stale_us;			/* VC_STALE_TLB: for how long; -1 past the bound */
	unsigned int evidence;		/* VFE_* the finder saw */
	struct failure *fail;		/* the full record, for the first failures */
};

/* The known bugs (lib/verify/tags.h) a finding looks like: up to @max, best first. */
#define ERR_MAX_TAGS	3
struct tag;
size_t err_tags(const struct run_ctx *run, const struct err_rec *e, const struct tag **out,
		size_t max);

/* False when the damaged copy was gone before it could be compared (fork child). */
bool err_first_diff_known(const struct run_ctx *run, const struct err_rec *e);

/* What the second look found for a VC_STALE_TLB finding, one sentence. */
void stale_str(const struct err_rec *e, char *buf, size_t len);

#define RUN_MAX_HUNG	8
#define HUNG_EVENTS	8

/* A thread whose operation outlived its deadline (stress/watchdog.c). */
struct hung_rec {
	unsigned int job;
	char thread[48];		/* "worker 0", "fault pageout", "scrubber" */
	int tid;
	double op_s;			/* how long the operation had run */
	uint64_t at_ns;			/* when that was seen (CLOCK_MONOTONIC) */
	char state;			/* from /proc/self/task/TID/stat: R, S, D, ... */
	char wchan[64];
	char stack[1536];		/* /proc/self/task/TID/stack */
	bool lock_wait;			/* waiting on a pinstress lock (futex): our own bug */
	struct event ev[HUNG_EVENTS];	/* the thread's last events */
	size_t nev;
};

struct canary_result {
	bool ran;
	bool detected;			/* every canary caught with its class */
	unsigned int passed, failed;
	char kernel[160];		/* the real kernel canary, or why it could not run */
};

struct plant_state {
	int cls;			/* -1: no damage planted */
	bool hang;			/* --plant hang: job 0's worker 0 blocks for good */
	bool kwarn;			/* --plant kernel-warning: a sample WARNING record is fed to the log watch */
	_Atomic bool hang_now;
	bool done;
	size_t block;
	double at_s;
	double detected_s;		/* < 0 until the mismatch is reported */
};

struct run_ctx {
	struct run_state st;		/* lib/'s view: stop flags, clock, hooks */
	struct run_config *rc;
	struct env_info env;		/* the machine as the run found it, read once */
	struct topology topo;		/* CPUs and nodes, for affinity = spread */
	struct job *jobs;
	unsigned int njobs;
	unsigned int prepared;		/* undos --prepare made (kept across rounds) */
	double round_t0;		/* run_elapsed() when this round started */
	double duration_s;
	pthread_mutex_t lock;
	struct err_rec errs[RUN_MAX_ERRS];
	unsigned int nerrs;
	uint64_t nerrs_total;		/* corruption found (expected failures apart) */
	uint64_t nxfail_total;		/* expected failures: known unfixed kernel issues */
	unsigned int nxfail_kept;	/* of which in errs[] */
	struct klog klog;
	bool klog_ok;
	struct canary_result canary;
	struct plant_state plant;
	char invalid[512];		/* why the run is invalid, if it is */
	char warnings[1024];
	char notes[1024];		/* expected failures, refusals worth knowing */
	char **not_run;			/* "wl/bk/fault: why" for combos left out */
	unsigned int nnot_run, not_run_total;
	unsigned int jobs_skipped;
	int signal;			/* the signal that stopped the run, or 0 */
	bool stopped_on_error;		/* a corruption ended it (--keep-going: the last allowed) */
	uint64_t signal_ns;		/* when that signal came (CLOCK_MONOTONIC) */
	int argc;			/* cmd_run's arguments, for the replay command */
	char **argv;
	char cwd[PATH_MAX];
	unsigned int nfail_records;	/* failures with a full record */
	struct hung_rec hung[RUN_MAX_HUNG];
	unsigned int nhung;
	unsigned int nstuck;		/* jobs with a thread that would not join */
	unsigned int round_j0;		/* first job of the round that runs */
	FILE *logf;			/* --log, line-buffered */
	char klog_jobs[KLOG_MAX_LINES][160];	/* the jobs running when each bad line came */
	unsigned int klog_seen;		/* bad lines already attributed */
	double next_json_s;		/* when the live --json report is due */
	/* What each known bug's probe said (known_bugs[i]); KB_UNKNOWN if not needed. */
	struct kb_result kb[KB_MAX];
	enum kb_state kb_state[KB_MAX];
	uint64_t kb_xfails[KB_MAX];	/* expected failures of each (under run->lock) */
	struct timeline tl;		/* the report's samples (main thread only) */
};

/* The driver's context around lib/'s run state. */
static inline struct run_ctx *run_of(const struct run_state *st)
{
	return (struct run_ctx *)((char *)st - offsetof(struct run_ctx, st));
}

/* stress/findings.c: the hooks lib/ reports its findings through. */
extern const struct run_hooks run_hooks_driver;

/* stress/expected.c: record @e as an expected failure if it is one (known bug, probe, evidence). */
bool expected_failure(struct run_ctx *run, struct err_rec *e);

/* stress/log.c: what the run says besides its findings (under run->lock). */
void run_invalid(struct run_ctx *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void run_warn(struct run_ctx *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void run_note_add(struct run_ctx *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* stress/watchdog.c: deadlines of operations, bounded joins. */
void watchdog_check(struct run_ctx *run, unsigned int j0, unsigned int j1);
void join_round(struct run_ctx *run, const sigset_t *sigs, unsigned int j0, unsigned int j1);
void hung_print(const struct run_ctx *run, const struct hung_rec *h);

/*
 * stress/machine.c: the run lock, then undo what a killed run left (the
 * restore journal); 0 or -EBUSY, said on stderr.
 */
int machine_take(int *lock_fd);
/* The signals that stop a command in order, set back to their default action. */
void machine_stop_signals(sigset_t *set);
/* $PINSTRESS_HUGEPAGES for prepare (0: unset); -EINVAL, said on stderr. */
int machine_hugepages(uint64_t *n);
int cmd_prepare(int argc, char **argv);
int cmd_restore(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_canary(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/* probe.c: the probes of the known bugs this run's jobs could meet, from the cache or run now. */
void run_probe_known_bugs(struct run_ctx *run);
/*
 * {mode, probes: [...]} of the results in @r (KB_UNKNOWN left out), with
 * each bug's count of expected failures from @xfails (may be NULL); @mode
 * may be NULL.
 */
json_object *known_bugs_json(const struct kb_result *r, const uint64_t *xfails, const char *mode);

/* canary.c: planted classes through the verify layer, then the real kernel canary. */
void canary_run_all(const char *scratch_dir, uint64_t seed, bool verbose,
		    struct canary_result *res);

/* report.c */
int report_write_json(const struct run_ctx *run, const char *path, int exit_code);
json_object *report_err_json(const struct run_ctx *run, const struct err_rec *e);
json_object *report_env_json(const struct env_info *e);
void report_summary(const struct run_ctx *run, FILE *f);
void report_tap(const struct run_ctx *run, FILE *f);
/* A timestamped line in the --log file, if there is one. */
void run_log(struct run_ctx *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void report_progress(const struct run_ctx *run, FILE *f, bool tty);
const char *result_name(int exit_code);

#endif
