/* SPDX-License-Identifier: GPL-2.0 */
/* What every unit test shares: CHECK() counts, prints failures with their line. */
#ifndef PINSTRESS_TESTS_UNIT_H
#define PINSTRESS_TESTS_UNIT_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)                                                \
	do {                                                            \
		if (cond) {                                             \
			passed++;                                       \
		} else {                                                \
			failed++;                                       \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);     \
			printf(__VA_ARGS__);                            \
			printf("\n");                                   \
		}                                                       \
	} while (0)

#endif
