/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Monotonic time for deadlines, pacing and timing.  clock_gettime() is
 * async-signal-safe, so a fork child may use this too.
 */
#ifndef PINSTRESS_CLOCK_H
#define PINSTRESS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t clock_ms(void)
{
	return clock_ns() / 1000000;
}

/* Sleep @us microseconds (a signal may end it early: callers loop with a bound). */
static inline void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

#endif
