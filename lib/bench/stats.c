// SPDX-License-Identifier: GPL-2.0
/* Percentiles and the bootstrap comparison of benchmark samples (see stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run/rng.h"
#include "bench/stats.h"

#define BOOT_ROUNDS	4000

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* On values already sorted. */
static double pct_sorted(const double *s, size_t n, double p)
{
	double rank = p / 100.0 * (double)(n - 1);
	size_t i = (size_t)rank;

	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (rank - (double)i) * (s[i + 1] - s[i]);
}

double stats_percentile(const double *v, size_t n, double p)
{
	double *s, r;

	if (!n)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r = pct_sorted(s, n, p);
	free(s);
	return r;
}

/* The median of a resample of @v (n values) drawn with replacement, into @tmp. */
static double resampled_median(const double *v, size_t n, double *tmp, struct rng *r)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[rng_below(r, n)];
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return pct_sorted(tmp, n, 50);
}

int stats_compare(const double *a, size_t na, const double *b, size_t nb, bool higher_better,
		  double min_effect, uint64_t seed, struct stats_change *out)
{
	double *ta, *tb, *ch;
	struct rng r;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (!na || !nb)
		return -EINVAL;
	out->median_a = stats_median(a, na);
	out->median_b = stats_median(b, nb);
	if (out->median_a == 0 || isnan(out->median_a))
		return -EINVAL;
	out->change = (out->median_b - out->median_a) / out->median_a;
	ta = malloc(na * sizeof(*ta));
	tb = malloc(nb * sizeof(*tb));
	ch = malloc(BOOT_ROUNDS * sizeof(*ch));
	if (!ta || !tb || !ch) {
		free(ta);
		free(tb);
		free(ch);
		return -ENOMEM;
	}
	rng_seed(&r, seed);
	for (int i = 0; i < BOOT_ROUNDS; i++) {
		double ma = resampled_median(a, na, ta, &r), mb = resampled_median(b, nb, tb, &r);

		if (ma != 0)
			ch[k++] = (mb - ma) / ma;
	}
	qsort(ch, k, sizeof(*ch), cmp_double);
	out->lo = k ? pct_sorted(ch, k, 2.5) : NAN;
	out->hi = k ? pct_sorted(ch, k, 97.5) : NAN;
	out->verdict = VERDICT_SAME;
	/* The whole interval beyond +-min_effect: at least that large, with 95 % confidence. */
	if (k && (out->lo >= min_effect || out->hi <= -min_effect))
		out->verdict = (out->change > 0) == higher_better ? VERDICT_BETTER : VERDICT_WORSE;
	free(ta);
	free(tb);
	free(ch);
	return 0;
}

const char *stats_verdict_name(enum stats_verdict v)
{
	static const char *const n[] = { "no significant change", "better", "worse" };

	return v <= VERDICT_WORSE ? n[v] : "?";
}
