/* SPDX-License-Identifier: GPL-2.0 */
/* Name and availability checks between parsing and setup. */
#ifndef PINSTRESS_PLAN_H
#define PINSTRESS_PLAN_H

#include "run.h"

/* Every workload, backing, fault and --plant class named exists. */
int plan_check_names(const struct run_config *rc, char *err, size_t len);
/*
 * Replace jobs that say workload/backing "all" or faults "each" by one job
 * per available, applicable combination; record the rest in run->not_run.
 */
int plan_expand(struct run_ctx *run, char *err, size_t len);
/*
 * stress/rounds.c: order the jobs into contiguous rounds
 * (job_config.round), as many at once as 'parallel' says, then give
 * 'threads = auto' its number; 0 or -ENOMEM.
 */
int plan_rounds(struct run_config *rc);
unsigned int plan_nrounds(const struct run_config *rc);
unsigned int plan_most_per_round(const struct run_config *rc);
/* The CPUs this process may run on. */
unsigned int plan_cpus(void);
/* What round @r can touch at once (regions, a copy per kind of fork); its jobs into @list. */
uint64_t plan_round_bytes(const struct run_config *rc, unsigned int r, char *list, size_t len);
bool plan_needs_scratch(const struct run_config *rc);
/*
 * -ENOTSUP with @why when the job cannot run here as asked; PLAN_NOT_RUN
 * when the kernel lacks it and --kernel-lacks=not-run listed it instead.
 */
#define PLAN_NOT_RUN	1

/*
 * The whole plan, before anything on the machine changes: every job can
 * run here (else -ENOTSUP, unless --allow-missing) and every round fits in
 * the memory available now (else -ENOMEM with the numbers).  Without
 * @available only what does not depend on the machine's state (the
 * combinations and conflicts): --prepare checks the rest once it has made
 * swap and set THP.  0, or -errno with @err.
 */
int plan_check(struct run_ctx *run, bool available, char *err, size_t len);

/* The jobs, their rounds and the memory each round may need (run --check). */
void plan_print(const struct run_config *rc, FILE *f);
int plan_job(struct run_ctx *run, struct job *j, struct job_config *c, char *why, size_t len);

#endif
