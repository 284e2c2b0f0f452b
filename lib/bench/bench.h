/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `pinstress bench`: fixed work that kernel patches to fork, GUP, swap,
 * THP and migration make faster or slower.  A benchmark is one const
 * struct bench_ops in bench_table (like a workload or a fault); it adds
 * its samples to named metrics, each with a unit and a direction.  Every
 * metric is measured after a warm-up, `repeat` times, raw samples kept,
 * so `pinstress compare` can tell a real change from noise.
 */
#ifndef PINSTRESS_BENCH_H
#define PINSTRESS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_METRICS	32
#define BENCH_MAX_SAMPLES	4096
#define BENCH_NAME_LEN		48
#define BENCH_MAX_SIZES		4
#define BENCH_PMD		(2u << 20)

/*
 * A sample is one repetition, set up afresh (new memory, new pins): what
 * differs between two runs on one kernel (where pages landed, how much
 * became THP) then also differs between samples, and `compare` sees that
 * noise instead of calling it a change.  A repetition may measure several
 * times (5 forks): those raw values give the percentiles, their median is
 * the repetition's sample.
 */
struct bench_metric {
	char name[BENCH_NAME_LEN];	/* e.g. "fork_ms_64M_thp_pinned" */
	const char *unit;		/* "ms", "MiB/s", "pins/s", "GB/s", "ratio" */
	bool higher_better;
	/*
	 * A control: no kernel patch to mm should move it (memcpy bandwidth,
	 * our own verify speed); compare takes a move for machine noise.
	 */
	bool control;
	double *samples;		/* one per repetition */
	size_t n;
	double *raw;			/* every measurement, for p50/p90/p99 */
	size_t nraw;
	size_t rep_from;		/* raw[rep_from..] belong to the open repetition */
	uint8_t *pass_of;		/* the pass each sample was taken in */
	const unsigned int *pass_now;	/* the context's current pass */
	char unavailable[160];		/* why it could not be measured here, or "" */
	char note[160];			/* what it really measured (THP share, ...) */
};

/*
 * The repetitions are spread over passes: each pass runs every benchmark
 * with its share of them, so a metric's samples come from minutes apart
 * and the machine's drift during a run shows between its passes (compare
 * will not call a change that small between two runs).
 */
struct bench_ctx {
	unsigned int repeat;		/* measured repetitions after one warm-up, this pass */
	unsigned int pass;		/* the current pass, from 0 */
	uint64_t region;		/* bytes per region, pin/pageout/read benchmarks */
	uint64_t fork_sizes[BENCH_MAX_SIZES];
	unsigned int nfork_sizes;
	char scratch[4096];		/* O_DIRECT scratch directory */
	bool (*stop)(void);		/* a signal asked to stop: end early, still clean up */
	struct bench_metric metrics[BENCH_MAX_METRICS];
	unsigned int nmetrics;
};

struct bench_ops {
	const char *name;		/* "fork", "pin", "pageout", "migrate", "read", "verify" */
	const char *desc;
	/* Measure: add samples (and unavailable metrics with the reason); 0 or -errno. */
	int (*run)(struct bench_ctx *c);
};

extern const struct bench_ops *const bench_table[];
const struct bench_ops *bench_find(const char *name);
/* "fork, pin, ...": the table's names, for messages. */
void bench_names(char *buf, size_t len);
/* 0 if @name is a benchmark, else -EINVAL with the names in @why (the option table's check). */
int bench_valid_name(const char *name, char *why, size_t len);

/* The metric called @name, made on first use; NULL if the table is full. */
struct bench_metric *bench_metric(struct bench_ctx *c, const char *name, const char *unit,
				  bool higher_better);
/* A repetition that measured once. */
void bench_sample(struct bench_metric *m, double v);
/* One of several measurements of a repetition; bench_rep_end() makes its sample. */
void bench_measure(struct bench_metric *m, double v);
void bench_rep_end(struct bench_metric *m);
/* A metric that cannot be measured here, with the reason. */
void bench_unavailable(struct bench_ctx *c, const char *name, const char *unit,
		       bool higher_better, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void bench_free(struct bench_ctx *c);

/*
 * One repetition of a measurement, on fresh memory: add its sample to @m
 * unless @warmup.  0, -EAGAIN (this one does not count, say why), -EIO
 * (data did not verify: the benchmark fails), or another -errno with @why.
 */
typedef int (*bench_rep_fn)(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
			    char *why, size_t wlen);

/*
 * A warm-up and c->repeat repetitions of @fn, until a signal.  A machine
 * that cannot do it (an error, or no repetition counted) makes @m
 * unavailable with the reason, and 0; only -EIO is returned.
 */
int bench_repeat(struct bench_ctx *c, struct bench_metric *m, bench_rep_fn fn, void *arg);

/* Seconds, monotonic. */
double bench_now(void);

/* The memory a benchmark works on: base pages, PMD THPs, or 2 MiB hugetlb pages. */
enum bench_mem { BM_4K, BM_THP, BM_HUGETLB };

struct bench_region {
	void *map;		/* what mmap returned */
	size_t map_len;
	uint8_t *p;		/* @len bytes, 2 MiB aligned for THP */
	size_t len;
	enum bench_mem kind;
};

/*
 * Map and fill @len bytes of @kind (pseudo-random words: zram must
 * compress what a real program would have).  0 or -errno with @why.
 */
int bench_map(struct bench_region *r, size_t len, enum bench_mem kind, char *why, size_t wlen);
void bench_unmap(struct bench_region *r);
/* Share of the region in THPs now (smaps AnonHugePages / length). */
double bench_thp_share(const struct bench_region *r);
/*
 * Stamp every 4 KiB block of @r (region 1, generation 1, stamp source
 * @src, one seed for every benchmark); how many blocks do not match.
 */
void bench_stamp(struct bench_region *r, uint32_t src);
size_t bench_stamp_bad(const struct bench_region *r, uint32_t src);
const char *bench_mem_name(enum bench_mem kind);

struct io_uring;
/* Register the region as io_uring fixed buffers (pins every page), 1 GiB a buffer. */
int bench_register(struct io_uring *ring, const struct bench_region *r);
/* A ring of @depth with the region registered; nothing left set up on failure. */
int bench_ring_pinned(struct io_uring *ring, unsigned int depth, const struct bench_region *r);

#endif
