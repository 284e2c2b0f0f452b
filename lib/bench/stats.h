/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics for benchmark samples: percentiles, and whether two sets of
 * samples differ by more than chance.  The confidence interval of the
 * relative change of the medians comes from a bootstrap (resampling each
 * set with replacement), seeded, so a comparison repeats exactly.
 */
#ifndef PINSTRESS_STATS_H
#define PINSTRESS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The p-th percentile (0..100) of @n values, linear between ranks; @v is not changed. */
double stats_percentile(const double *v, size_t n, double p);

static inline double stats_median(const double *v, size_t n)
{
	return stats_percentile(v, n, 50);
}

enum stats_verdict {
	VERDICT_SAME,		/* no significant change */
	VERDICT_BETTER,
	VERDICT_WORSE,
};

struct stats_change {
	double median_a, median_b;
	double change;		/* (median_b - median_a) / median_a, e.g. 0.2 for +20 % */
	double lo, hi;		/* its 95 % confidence interval */
	enum stats_verdict verdict;
};

/*
 * Compare B with A.  Significant when the whole interval lies beyond
 * +-@min_effect (relative, e.g. 0.1): the change is at least that large
 * with 95 % confidence.  Two runs on one kernel differ by more than their
 * own samples say (where memory landed, what else the machine did), so a
 * change merely different from zero is not worth a verdict.
 * -EINVAL if either set is empty or A's median is 0.
 */
int stats_compare(const double *a, size_t na, const double *b, size_t nb, bool higher_better,
		  double min_effect, uint64_t seed, struct stats_change *out);

/*
 * stats_compare() of samples tagged with the pass each was taken in
 * (@pa, @pb; NULL: untagged): the bootstrap draws passes, then samples
 * within them, so the drift between the passes of a run is in the
 * interval.
 */
int stats_compare_passes(const double *a, const int *pa, size_t na, const double *b,
			 const int *pb, size_t nb, bool higher_better, double min_effect,
			 uint64_t seed, struct stats_change *out);

const char *stats_verdict_name(enum stats_verdict v);

#endif
