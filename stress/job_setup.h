/* SPDX-License-Identifier: GPL-2.0 */
/* Job lifecycle: setup, start, join, teardown (in that order, always). */
#ifndef PINSTRESS_JOB_SETUP_H
#define PINSTRESS_JOB_SETUP_H

#include "run.h"

/* 0, or -errno with a one-line @why (-ENOTSUP: the kernel did not deliver). */
int job_setup(struct run_ctx *run, struct job *j, unsigned int index,
	      const struct job_config *cfg, char *why, size_t len);
int job_start(struct job *j);
/* Join @t, or give up on it (false). */
typedef bool (*job_joiner)(pthread_t t, void *ctx);
bool job_join(struct job *j, job_joiner join, void *ctx);
void job_teardown(struct job *j);
/* Record the backing's evidence now (start: after setup; end: after join). */
void job_measure(struct job *j, bool end);

#endif
