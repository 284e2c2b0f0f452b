/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The io_uring engine that two workloads share: uring (plain O_DIRECT reads,
 * short-term pins) and uring-fixed (READ_FIXED into registered buffers,
 * long-term pins).  They differ only in how the ring is set up.
 */
#ifndef PINSTRESS_URING_ENGINE_H
#define PINSTRESS_URING_ENGINE_H

#include <stdbool.h>

#include "workload.h"

/* NULL if io_uring is usable here, else why not. */
const char *uring_probe(void);
/* @fixed: register the region as fixed buffers and churn the registrations. */
int uring_ring_init(struct worker *w, bool fixed);
int uring_iter(struct worker *w);
void uring_exit(struct worker *w);

#endif
