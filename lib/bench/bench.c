// SPDX-License-Identifier: GPL-2.0
/* The benchmark table and the metrics they fill (see bench.h). */
#include <errno.h>
#include <liburing.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench/bench.h"
#include "kernel/hugetlb.h"
#include "kernel/pagemap.h"
#include "run/rng.h"
#include "verify/stamp.h"
#include "bench/stats.h"

/* The table: one line per benchmark, naming its const struct bench_ops (bench_<name>), in run order. */
#define BENCHMARKS(X) \
	X(fork) \
	X(pin) \
	X(pageout) \
	X(migrate) \
	X(read) \
	X(verify)

#define DECLARE(n) extern const struct bench_ops bench_##n;
#define ENTRY(n) &bench_##n,
BENCHMARKS(DECLARE)

const struct bench_ops *const bench_table[] = {
	BENCHMARKS(ENTRY)
	NULL,
};

const struct bench_ops *bench_find(const char *name)
{
	for (unsigned int i = 0; bench_table[i]; i++)
		if (!strcmp(bench_table[i]->name, name))
			return bench_table[i];
	return NULL;
}

void bench_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (unsigned int i = 0; bench_table[i] && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 bench_table[i]->name);
}

int bench_valid_name(const char *name, char *why, size_t len)
{
	char names[128];

	if (bench_find(name))
		return 0;
	bench_names(names, sizeof(names));
	snprintf(why, len, "unknown benchmark '%s' (%s)", name, names);
	return -EINVAL;
}

struct bench_metric *bench_metric(struct bench_ctx *c, const char *name, const char *unit,
				  bool higher_better)
{
	struct bench_metric *m;

	for (unsigned int i = 0; i < c->nmetrics; i++)
		if (!strcmp(c->metrics[i].name, name))
			return &c->metrics[i];
	if (c->nmetrics == BENCH_MAX_METRICS)
		return NULL;
	m = &c->metrics[c->nmetrics++];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->unit = unit;
	m->higher_better = higher_better;
	m->pass_now = &c->pass;
	return m;
}

static void put(double **a, size_t *n, double v)
{
	if (!*a)
		*a = calloc(BENCH_MAX_SAMPLES, sizeof(double));
	if (*a && *n < BENCH_MAX_SAMPLES)
		(*a)[(*n)++] = v;
}

void bench_measure(struct bench_metric *m, double v)
{
	if (m)
		put(&m->raw, &m->nraw, v);
}

void bench_rep_end(struct bench_metric *m)
{
	if (!m || m->nraw == m->rep_from)
		return;
	put(&m->samples, &m->n, stats_median(m->raw + m->rep_from, m->nraw - m->rep_from));
	m->rep_from = m->nraw;
	if (!m->pass_of)
		m->pass_of = calloc(BENCH_MAX_SAMPLES, 1);
	if (m->pass_of && m->n)
		m->pass_of[m->n - 1] = (uint8_t)(m->pass_now ? *m->pass_now : 0);
}

void bench_sample(struct bench_metric *m, double v)
{
	bench_measure(m, v);
	bench_rep_end(m);
}

void bench_unavailable(struct bench_ctx *c, const char *name, const char *unit,
		       bool higher_better, const char *fmt, ...)
{
	struct bench_metric *m = bench_metric(c, name, unit, higher_better);
	va_list ap;

	if (!m)
		return;
	va_start(ap, fmt);
	vsnprintf(m->unavailable, sizeof(m->unavailable), fmt, ap);
	va_end(ap);
}

void bench_free(struct bench_ctx *c)
{
	for (unsigned int i = 0; i < c->nmetrics; i++) {
		free(c->metrics[i].samples);
		free(c->metrics[i].raw);
		free(c->metrics[i].pass_of);
	}
	c->nmetrics = 0;
}

const char *bench_mem_name(enum bench_mem kind)
{
	static const char *const n[] = { "4k", "thp", "hugetlb" };

	return n[kind];
}

static void fill(uint8_t *p, size_t len)
{
	struct rng r;

	rng_seed(&r, 0xbe0c4ULL);
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w = rng_next(&r);

		memcpy(p + i, &w, 8);
	}
}

int bench_map(struct bench_region *r, size_t len, enum bench_mem kind, char *why, size_t wlen)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t extra = kind == BM_THP ? BENCH_PMD : 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->len = len;
	if (kind == BM_HUGETLB) {
		/* Once per benchmark: the pool keeps what the last repetition gave back. */
		ret = hugetlb_free_pages(HUGETLB_2M_KB) >= len / BENCH_PMD ? 0 :
		      hugetlb_reserve(HUGETLB_2M_KB, len / BENCH_PMD, len / BENCH_PMD, why, wlen);
		if (ret)
			return ret;
		flags |= MAP_HUGETLB | (21 << MAP_HUGE_SHIFT);
	}
	r->map_len = len + extra;
	r->map = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (r->map == MAP_FAILED) {
		ret = -errno;
		snprintf(why, wlen, "mmap %zu bytes of %s: %s", len, bench_mem_name(kind),
			 strerror(errno));
		r->map = NULL;
		return ret;
	}
	r->p = r->map;
	if (extra)	/* a PMD-aligned start, so the region can be all THPs */
		r->p = (uint8_t *)(((uintptr_t)r->map + extra - 1) & ~(uintptr_t)(extra - 1));
	if (kind == BM_4K || kind == BM_THP)
		madvise(r->p, len, kind == BM_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	fill(r->p, len);
	return 0;
}

void bench_unmap(struct bench_region *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
}

double bench_thp_share(const struct bench_region *r)
{
	uint64_t thp = 0;

	if (smaps_sum(r->p, r->len, "AnonHugePages", &thp))
		return 0;
	return (double)thp / (double)r->len;
}

int bench_register(struct io_uring *ring, const struct bench_region *r)
{
	struct iovec iov[16];
	unsigned int n = 0;

	/* io_uring takes at most 1 GiB per buffer. */
	for (size_t off = 0; off < r->len && n < 16; off += 1UL << 30, n++) {
		iov[n].iov_base = r->p + off;
		iov[n].iov_len = r->len - off < (1UL << 30) ? r->len - off : 1UL << 30;
	}
	return io_uring_register_buffers(ring, iov, n);
}

int bench_ring_pinned(struct io_uring *ring, unsigned int depth, const struct bench_region *r)
{
	int ret = io_uring_queue_init(depth, ring, 0);

	if (ret)
		return ret;
	ret = bench_register(ring, r);
	if (ret)
		io_uring_queue_exit(ring);
	return ret;
}

int bench_repeat(struct bench_ctx *c, struct bench_metric *m, bench_rep_fn fn, void *arg)
{
	char why[sizeof(m->unavailable)] = "";
	int ret = 0;

	for (unsigned int i = 0; i <= c->repeat && !c->stop(); i++) {
		ret = fn(c, m, arg, i == 0, why, sizeof(why));
		if (ret && ret != -EAGAIN)
			break;
	}
	if (ret == -EIO)
		return ret;
	if ((ret && ret != -EAGAIN) || (!m->n && why[0]))
		snprintf(m->unavailable, sizeof(m->unavailable), "%s",
			 why[0] ? why : strerror(-ret));
	return 0;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define BENCH_SEED	0x5eedULL

static struct stamp_id bench_block(size_t b, uint32_t src)
{
	return (struct stamp_id){ .region = 1, .source = src, .block = b, .gen = 1 };
}

void bench_stamp(struct bench_region *r, uint32_t src)
{
	for (size_t b = 0; b < r->len / 4096; b++) {
		struct stamp_id id = bench_block(b, src);

		stamp_fill(r->p + b * 4096, 4096, BENCH_SEED, &id);
	}
}

size_t bench_stamp_bad(const struct bench_region *r, uint32_t src)
{
	size_t bad = 0;

	for (size_t b = 0; b < r->len / 4096; b++) {
		struct stamp_id id = bench_block(b, src);

		bad += !stamp_matches(r->p + b * 4096, 4096, BENCH_SEED, &id);
	}
	return bad;
}
