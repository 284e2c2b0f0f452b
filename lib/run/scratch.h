/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scratch file the kernel reads from.  It is an O_TMPFILE opened with
 * O_DIRECT, so it never lingers on disk, even after SIGKILL, and every read
 * is a real DMA/copy into the pinned user page rather than a page-cache hit.
 */
#ifndef PINSTRESS_SCRATCH_H
#define PINSTRESS_SCRATCH_H

#include <stddef.h>

#include "run/job.h"

#define SCRATCH_DEFAULT_DIR "/var/tmp"

/* 0 if @dir exists and supports O_DIRECT; else -errno and a one-line @why. */
int scratch_check_dir(const char *dir, char *why, size_t len);
int scratch_open(struct scratch *s, const char *dir, size_t slot_size, size_t nslots);
void scratch_close(struct scratch *s);

static inline off_t scratch_off(const struct scratch *s, size_t slot)
{
	return (off_t)(slot * s->slot_size);
}

#endif
