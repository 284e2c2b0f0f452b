/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline of the JSON report: what every job and the machine did in
 * each sample of the run (ops, verified blocks, injections, evidence,
 * /proc/vmstat, CPU), for plots.  The monitor thread takes a mark (the
 * counters at that moment) every interval and at each round's start and
 * end; a sample is what changed between two neighbouring marks.  When the
 * samples fill the buffer, every other mark is dropped: neighbours merge
 * in pairs, the interval doubles, and the marks left still span the run.
 * Only the monitor thread (the run's main thread) writes or reads it.
 */
#ifndef PINSTRESS_TIMELINE_H
#define PINSTRESS_TIMELINE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernel/vmstat.h"
#include "run/config.h"
#include "verify/evidence.h"

#define TL_VMSTAT_MAX	32

/* One job's counters at a mark. */
struct tl_job {
	uint64_t ops, verified;
	uint64_t injections[CFG_MAX_FAULTS], confirmed[CFG_MAX_FAULTS];
	uint64_t ev[EV_MAX];		/* by the job's evidence slot */
};

struct tl_mark {
	double t;			/* seconds since the run's start */
	bool cpu_ok, vm_ok;
	bool round_end;			/* after its round's jobs were joined and torn down */
	struct cpu_times cpu;
	uint64_t vm[TL_VMSTAT_MAX];
	unsigned int j0, j1;		/* the jobs of @jobs: the round that ran then */
	struct tl_job *jobs;
};

struct timeline {
	struct tl_mark *marks;		/* samples + 1 */
	unsigned int nmarks;
	unsigned int samples;		/* --samples */
	unsigned int merged;		/* how often the samples were halved */
	double interval_s;
	double next_s;			/* when the next mark is due */
	char vm_names[TL_VMSTAT_MAX][VMSTAT_NAME_LEN];
	const char *vm_ptr[TL_VMSTAT_MAX];
	unsigned int nvm;
};

struct run_ctx;

/* 0 or -ENOMEM; picks the /proc/vmstat counters this kernel has. */
int timeline_init(struct timeline *tl, const struct run_config *rc);
void timeline_free(struct timeline *tl);

/* The round's jobs are set up and about to start (the first round's start is t = 0). */
void timeline_round_start(struct run_ctx *run);
/* Every monitor tick: a mark when the interval is up. */
void timeline_tick(struct run_ctx *run, double now);
/* The round's jobs are joined and torn down: their counters are final. */
void timeline_round_end(struct run_ctx *run);

/* {"interval_s", "merged", "samples": [...]} */
json_object *timeline_json(const struct run_ctx *run);

#endif
