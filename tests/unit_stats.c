// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the benchmark statistics: percentiles, and the verdicts of
 * stats_compare() on synthetic samples with a known shift (20 % worse, 20 %
 * better, in both directions of "better") and with none, the noise drawn
 * like real bench samples (a few percent, the occasional outlier); and
 * samples tagged with their bench pass, whose drift widens the interval.
 * Exit 0 if every check passed, 1 otherwise.
 */
#include <math.h>
#include <stdio.h>

#include "run/rng.h"
#include "bench/stats.h"
#include "unit.h"

#define N	10

/* @n samples around @centre with ~2 % noise and one 15 % outlier. */
static void draw(double *v, size_t n, double centre, struct rng *r)
{
	for (size_t i = 0; i < n; i++) {
		double noise = ((double)rng_below(r, 4001) - 2000) / 100000.0;

		v[i] = centre * (1 + noise);
	}
	v[rng_below(r, n)] = centre * 1.15;
}

static void test_percentile(void)
{
	double v[] = { 5, 1, 4, 2, 3 };

	CHECK(stats_median(v, 5) == 3, "median of 1..5");
	CHECK(stats_percentile(v, 5, 0) == 1 && stats_percentile(v, 5, 100) == 5, "p0, p100");
	CHECK(fabs(stats_percentile(v, 5, 90) - 4.6) < 1e-9, "p90 interpolated: %g",
	      stats_percentile(v, 5, 90));
	CHECK(v[0] == 5 && v[4] == 3, "the samples are left in their order");
	CHECK(stats_median(v, 4) == 3, "median of 5 1 4 2 = 3 (between 2 and 4)");
	CHECK(isnan(stats_median(v, 0)), "no samples: NaN");
}

static void test_verdicts(void)
{
	double a[N], b[N];
	struct stats_change c;
	struct rng r;
	int same = 0, rounds = 20;

	rng_seed(&r, 7);
	/* No shift: twenty pairs from one distribution, never a verdict. */
	for (int i = 0; i < rounds; i++) {
		draw(a, N, 100, &r);
		draw(b, N, 100, &r);
		stats_compare(a, N, b, N, true, 0.03, 42, &c);
		same += c.verdict == VERDICT_SAME;
	}
	CHECK(same == rounds, "no shift: no significant change in %d of %d", same, rounds);

	draw(a, N, 100, &r);
	draw(b, N, 120, &r);
	stats_compare(a, N, b, N, true, 0.03, 42, &c);
	CHECK(c.verdict == VERDICT_BETTER && c.change > 0.15 && c.change < 0.25 && c.lo > 0,
	      "+20 %%, higher is better: better (%.1f%% [%.1f, %.1f])", 100 * c.change,
	      100 * c.lo, 100 * c.hi);
	stats_compare(a, N, b, N, false, 0.03, 42, &c);
	CHECK(c.verdict == VERDICT_WORSE, "+20 %%, lower is better: worse");
	stats_compare(b, N, a, N, true, 0.03, 42, &c);
	CHECK(c.verdict == VERDICT_WORSE && c.hi < 0, "-17 %%, higher is better: worse");

	/*
	 * Three samples, as `bench --repeat 3` gives, and the shift planted in
	 * a copy (B = A x 0.8): called at the default 10 % when the samples
	 * agree within a few percent; not when one is 15 % off (then three
	 * samples cannot show a 20 % change beyond 10 % with confidence).
	 */
	for (int i = 0; i < 3; i++) {
		a[i] = 50 * (1 + 0.01 * i);
		b[i] = a[i] * 0.8;
	}
	stats_compare(a, 3, b, 3, true, 0.10, 42, &c);
	CHECK(c.verdict == VERDICT_WORSE, "3 samples, -20 %% in a copy: worse (%.1f%% [%.1f, %.1f])",
	      100 * c.change, 100 * c.lo, 100 * c.hi);
	draw(a, 3, 50, &r);
	for (int i = 0; i < 3; i++)
		b[i] = a[i] * 1.2;
	stats_compare(a, 3, b, 3, true, 0.10, 42, &c);
	CHECK(c.verdict == VERDICT_SAME, "3 samples, one 15 %% off, +20 %%: no verdict ([%.1f, %.1f])",
	      100 * c.lo, 100 * c.hi);

	/* A real 1 % shift in a very steady metric is below the minimum effect. */
	for (int i = 0; i < N; i++) {
		a[i] = 100 + i * 0.01;
		b[i] = 101 + i * 0.01;
	}
	stats_compare(a, N, b, N, true, 0.03, 42, &c);
	CHECK(c.verdict == VERDICT_SAME && c.lo > 0, "1 %% steady shift: below the minimum effect");
	/* A real 13 % shift whose interval reaches within 10 % of zero: no verdict at 10 %. */
	{
		double x[3] = { 83.4, 84.1, 92.4 }, y[3] = { 95.4, 95.0, 96.7 };

		stats_compare(x, 3, y, 3, false, 0.10, 42, &c);
		CHECK(c.verdict == VERDICT_SAME && c.change > 0.10 && c.lo < 0.10,
		      "13 %% change, interval [%.1f, %.1f]: not a verdict at 10 %%", 100 * c.lo,
		      100 * c.hi);
	}
	stats_compare(a, N, b, N, true, 0.005, 42, &c);
	CHECK(c.verdict == VERDICT_BETTER, "1 %% steady shift, minimum 0.5 %%: better");

	/* The same seed gives the same interval. */
	{
		struct stats_change d;

		stats_compare(a, N, b, N, true, 0.03, 42, &d);
		stats_compare(a, N, b, N, true, 0.03, 42, &c);
		CHECK(c.lo == d.lo && c.hi == d.hi, "seeded: repeats exactly");
	}
	CHECK(stats_compare(a, 0, b, N, true, 0.03, 1, &c) < 0, "no samples: error");
}

/*
 * One of five passes of A ran 25 % slower (its 4 samples); B is 20 % slower
 * throughout.  Untagged, the outlying pass is 4 of 20 samples and the
 * median barely feels it: worse.  Tagged with their passes, the bootstrap
 * draws that pass three times or more in 1 resample of 17: the interval
 * reaches back to no change, and so does the verdict.
 */
static void test_passes(void)
{
	double a[20], b[20];
	int pa[20], pb[20];
	struct stats_change c;

	for (int i = 0; i < 20; i++) {
		pa[i] = pb[i] = i / 4;
		a[i] = pa[i] == 2 ? 1.25 : 1.0 + 0.001 * (i % 3);
		b[i] = 1.2 + 0.001 * (i % 3);
	}
	stats_compare(a, 20, b, 20, false, 0.10, 42, &c);
	CHECK(c.verdict == VERDICT_WORSE, "a slow pass, untagged: worse [%.1f, %.1f]", 100 * c.lo,
	      100 * c.hi);
	stats_compare_passes(a, pa, 20, b, pb, 20, false, 0.10, 42, &c);
	CHECK(c.verdict == VERDICT_SAME && c.lo < 0.10,
	      "a slow pass, tagged: no verdict [%.1f, %.1f]", 100 * c.lo, 100 * c.hi);
	for (int i = 0; i < 20; i++)
		a[i] = 1.0 + 0.001 * (i % 3);
	stats_compare_passes(a, pa, 20, b, pb, 20, false, 0.10, 42, &c);
	CHECK(c.verdict == VERDICT_WORSE, "steady passes, tagged: worse [%.1f, %.1f]", 100 * c.lo,
	      100 * c.hi);
}

int main(void)
{
	test_percentile();
	test_verdicts();
	test_passes();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
