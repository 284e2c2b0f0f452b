// SPDX-License-Identifier: GPL-2.0
/*
 * bench_verify [SIZE_MIB [BLOCK]]: verify throughput against memcpy on the
 * same buffer (default 1 GiB, 4 KiB blocks), best of 5.  The verify path
 * must run near memory bandwidth; this says how near, on this machine.
 * Not a test: speed targets belong in benchmarks, not in timed tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "stamp.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t size = (argc > 1 ? strtoul(argv[1], NULL, 0) : 1024) << 20;
	size_t bs = argc > 2 ? strtoul(argv[2], NULL, 0) : 4096;
	size_t n = size / bs, bad = 0;
	uint8_t *a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double best_cpy = 1e9, best_ver = 1e9, best_fill = 1e9;

	if (a == MAP_FAILED || b == MAP_FAILED)
		return 1;
	memset(b, 1, size);
	for (int r = 0; r < 5; r++) {
		double t0 = now(), t1, t2, t3;

		for (size_t i = 0; i < n; i++) {
			struct stamp_id id = { 1, SRC_MAKE(SRC_CPU, 0), i, (uint64_t)r + 1 };

			stamp_fill(a + i * bs, bs, 42, &id);
		}
		t1 = now();
		memcpy(b, a, size);
		t2 = now();
		for (size_t i = 0; i < n; i++) {
			struct stamp_id id = { 1, SRC_MAKE(SRC_CPU, 0), i, (uint64_t)r + 1 };

			bad += !stamp_matches(a + i * bs, bs, 42, &id);
		}
		t3 = now();
		best_fill = t1 - t0 < best_fill ? t1 - t0 : best_fill;
		best_cpy = t2 - t1 < best_cpy ? t2 - t1 : best_cpy;
		best_ver = t3 - t2 < best_ver ? t3 - t2 : best_ver;
	}
	printf("buffer %zu MiB, block %zu: memcpy %.2f GB/s, verify %.2f GB/s (%.0f%% of memcpy), stamp fill %.2f GB/s%s\n",
	       size >> 20, bs, size / best_cpy / 1e9, size / best_ver / 1e9,
	       100.0 * best_cpy / best_ver, size / best_fill / 1e9, bad ? " (MISMATCHES!)" : "");
	return bad ? 1 : 0;
}
