/* SPDX-License-Identifier: GPL-2.0 */
/* Which workload x backing x fault combinations make sense, and why not. */
#ifndef PINSTRESS_COMPAT_H
#define PINSTRESS_COMPAT_H

#include <stddef.h>

#include "run/config.h"

struct workload_ops;
struct backing_ops;
struct fault_ops;

/*
 * NULL if workload @wl on backing @bk (with the effective @caps) under
 * fault @f (may be NULL) makes sense, else why not, written into @buf.
 */
const char *compat_check(const struct workload_ops *wl, const struct backing_ops *bk,
			 unsigned int caps, const struct fault_ops *f, char *buf, size_t len);

/* NULL if the faults of @c can share a job (no fault_ops.conflicts), else why not. */
const char *compat_faults(const struct job_config *c, char *buf, size_t len);

/* How many kinds of fork a job of @c has: its workload's, its faults'. */
unsigned int cfg_fork_kinds(const struct job_config *c);

#endif
