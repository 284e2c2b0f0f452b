/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small, fast, reproducible PRNG (splitmix64 seeding + xoshiro256**).
 * Every random choice of a run derives from the run seed through these, so
 * `--seed` replays the same plan.
 */
#ifndef PINSTRESS_RNG_H
#define PINSTRESS_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

static inline uint64_t rng_mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		r->s[i] = rng_mix64(seed);
	}
}

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t res = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return res;
}

/* Uniform in [0, n); n > 0. Lemire's multiply-shift, bias negligible here. */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* True with probability pct/100. */
static inline int rng_percent(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

#endif
