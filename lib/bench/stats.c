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

/* Samples grouped by the pass they were taken in (one group without passes). */
struct groups {
	const double *v;
	size_t n, ng;
	size_t *idx;		/* sample indices, group by group */
	size_t *start;		/* group g is idx[start[g]..start[g + 1]) */
	double *tmp;		/* room for a resample: ng times the largest group */
};

static void groups_free(struct groups *g)
{
	free(g->idx);
	free(g->start);
	free(g->tmp);
}

static int groups_init(struct groups *g, const double *v, const int *pass, size_t n)
{
	size_t m = 0, big = 0;
	int top = 0;

	memset(g, 0, sizeof(*g));
	g->v = v;
	g->n = n;
	for (size_t i = 0; pass && i < n; i++)
		top = pass[i] > top ? pass[i] : top;
	g->idx = malloc(n * sizeof(*g->idx));
	g->start = malloc(((size_t)top + 2) * sizeof(*g->start));
	if (!g->idx || !g->start)
		return -ENOMEM;
	for (int p = 0; p <= top; p++) {
		size_t from = m;

		for (size_t i = 0; i < n; i++)
			if (!pass || pass[i] == p)
				g->idx[m++] = i;
		if (m == from)
			continue;	/* no sample of this metric in that pass */
		g->start[g->ng++] = from;
		big = m - from > big ? m - from : big;
	}
	g->start[g->ng] = m;
	g->tmp = malloc((g->ng * big + 1) * sizeof(*g->tmp));
	return g->tmp ? 0 : -ENOMEM;
}

/*
 * The median of a resample: without passes, the samples drawn with
 * replacement; with them, as many passes drawn with replacement and the
 * samples of each drawn again within it (a two-stage bootstrap), so that
 * how far the passes of a run differ widens the interval as the scatter
 * of the samples does.
 */
static double resampled_median(const struct groups *g, struct rng *r)
{
	size_t m = 0;

	for (size_t k = 0; k < g->ng; k++) {
		size_t gi = g->ng > 1 ? rng_below(r, g->ng) : 0;
		size_t from = g->start[gi], sz = g->start[gi + 1] - from;

		for (size_t j = 0; j < sz; j++)
			g->tmp[m++] = g->v[g->idx[from + rng_below(r, sz)]];
	}
	qsort(g->tmp, m, sizeof(*g->tmp), cmp_double);
	return pct_sorted(g->tmp, m, 50);
}

int stats_compare(const double *a, size_t na, const double *b, size_t nb, bool higher_better,
		  double min_effect, uint64_t seed, struct stats_change *out)
{
	return stats_compare_passes(a, NULL, na, b, NULL, nb, higher_better, min_effect, seed, out);
}

int stats_compare_passes(const double *a, const int *pa, size_t na, const double *b,
			 const int *pb, size_t nb, bool higher_better, double min_effect,
			 uint64_t seed, struct stats_change *out)
{
	struct groups ga = { 0 }, gb = { 0 };
	double *ch;
	struct rng r;
	size_t k = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!na || !nb)
		return -EINVAL;
	out->median_a = stats_median(a, na);
	out->median_b = stats_median(b, nb);
	if (out->median_a == 0 || isnan(out->median_a))
		return -EINVAL;
	out->change = (out->median_b - out->median_a) / out->median_a;
	ch = malloc(BOOT_ROUNDS * sizeof(*ch));
	ret = groups_init(&ga, a, pa, na);
	if (!ret)
		ret = groups_init(&gb, b, pb, nb);
	if (ret || !ch)
		goto out_free;
	rng_seed(&r, seed);
	for (int i = 0; i < BOOT_ROUNDS; i++) {
		double ma = resampled_median(&ga, &r), mb = resampled_median(&gb, &r);

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
out_free:
	groups_free(&ga);
	groups_free(&gb);
	free(ch);
	return ret ? ret : ch ? 0 : -ENOMEM;
}
const char *stats_verdict_name(enum stats_verdict v)
{
	static const char *const n[] = { "no significant change", "better", "worse" };

	return v <= VERDICT_WORSE ? n[v] : "?";
}
