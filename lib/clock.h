/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Monotonic milliseconds for deadlines and pacing.  clock_gettime() is
 * async-signal-safe, so a fork child may use this too.
 */
#ifndef PINSTRESS_CLOCK_H
#define PINSTRESS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
