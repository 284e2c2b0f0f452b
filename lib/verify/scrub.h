/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scrubber re-verifies idle blocks continuously, so a write that landed,
 * was verified, and later vanished (a page replaced behind the process's
 * back) is still caught.
 */
#ifndef PINSTRESS_SCRUB_H
#define PINSTRESS_SCRUB_H

#include "run/job.h"

/* Start period: one full pass at least this often when the region allows it. */
#define SCRUB_PASS_MS	200

void *scrub_thread(void *arg);
/* One pass over the region; returns blocks checked. */
size_t scrub_pass(struct job *j);

#endif
