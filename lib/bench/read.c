// SPDX-License-Identifier: GPL-2.0
/*
 * Verified read throughput: a scratch file of stamped blocks read into a
 * region with O_DIRECT pread() (short-term pins per request) and with
 * io_uring READ_FIXED into registered buffers (long-term pins), every
 * block checked against its stamp after the read, as a run does (MiB/s).
 * A block that does not verify fails the benchmark: a number measured
 * over corrupt data means nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "verify/stamp.h"

#define CHUNK		(1u << 20)
#define QD		16
#define FILE_SRC	SRC_MAKE(SRC_FILE, 0)

static int make_file(struct bench_ctx *c, char *path, size_t len)
{
	struct bench_region r;
	char why[160];
	int fd, ret = bench_map(&r, c->region, BM_4K, why, sizeof(why));

	if (ret)
		return ret;
	snprintf(path, len, "%s/pinstress-bench.XXXXXX", c->scratch);
	fd = mkostemp(path, O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	bench_stamp(&r, FILE_SRC);
	if (pwrite(fd, r.p, r.len, 0) != (ssize_t)r.len || fsync(fd)) {
		ret = errno ? -errno : -EIO;
		close(fd);
		unlink(path);
		goto out;
	}
	ret = fd;
out:
	bench_unmap(&r);
	return ret;
}

static int read_pread(int fd, struct bench_region *r, struct io_uring *ring)
{
	(void)ring;
	for (size_t off = 0; off < r->len; off += CHUNK)
		if (pread(fd, r->p + off, CHUNK, (off_t)off) != CHUNK)
			return -EIO;
	return 0;
}

static int read_fixed(int fd, struct bench_region *r, struct io_uring *ring)
{
	size_t next = 0, done = 0, n = r->len / CHUNK;

	while (done < n) {
		struct io_uring_cqe *cqe;
		int ret;

		while (next < n && next - done < QD) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

			if (!sqe)
				break;
			io_uring_prep_read_fixed(sqe, fd, r->p + next * CHUNK, CHUNK,
						 (off_t)(next * CHUNK), 0);
			next++;
		}
		ret = io_uring_submit_and_wait(ring, 1);
		if (ret < 0)
			return ret;
		while (io_uring_peek_cqe(ring, &cqe) == 0) {
			ret = cqe->res;
			io_uring_cqe_seen(ring, cqe);
			if (ret != CHUNK)
				return ret < 0 ? ret : -EIO;
			done++;
		}
	}
	return 0;
}

/* One repetition: fresh memory (and pins), read the whole file into it, verify every block. */
struct read_case {
	int fd;
	bool fixed;
};

static int repetition(struct bench_ctx *c, struct bench_metric *m, void *arg, bool warmup,
		      char *why, size_t wlen)
{
	const struct read_case *rc = arg;
	int fd = rc->fd;
	bool fixed = rc->fixed;
	struct bench_region r;
	struct io_uring ring;
	double t0;
	size_t bad;
	int ret = bench_map(&r, c->region, BM_4K, why, wlen);

	if (ret)
		return ret;
	if (fixed && (ret = bench_ring_pinned(&ring, QD, &r))) {
		snprintf(why, wlen, "io_uring: %s", strerror(-ret));
		bench_unmap(&r);
		return ret;
	}
	t0 = bench_now();
	ret = fixed ? read_fixed(fd, &r, &ring) : read_pread(fd, &r, NULL);
	if (!ret && (bad = bench_stamp_bad(&r, FILE_SRC))) {
		fprintf(stderr, "pinstress: bench %s: %zu blocks did not verify\n", m->name, bad);
		ret = -EIO;
	}
	if (!ret && !warmup)
		bench_sample(m, (double)(r.len >> 20) / (bench_now() - t0));
	if (fixed) {
		io_uring_unregister_buffers(&ring);
		io_uring_queue_exit(&ring);
	}
	bench_unmap(&r);
	return ret;
}

static int one(struct bench_ctx *c, const char *name, bool fixed, int fd, const char *err)
{
	struct bench_metric *m = bench_metric(c, name, "MiB/s", true);
	struct read_case rc = { .fixed = fixed, .fd = fd };

	if (fd < 0) {
		snprintf(m->unavailable, sizeof(m->unavailable), "%s", err);
		return 0;
	}
	snprintf(m->note, sizeof(m->note), "%llu MiB in 1 MiB reads%s, each 4 KiB block verified, "
		 "fresh memory each", (unsigned long long)(c->region >> 20),
		 fixed ? ", 16 in flight" : "");
	return bench_repeat(c, m, repetition, &rc);
}

/* One scratch file serves both: its content is the same stamps. */
static int read_run(struct bench_ctx *c)
{
	char path[4200], err[sizeof(((struct bench_metric *)0)->unavailable)] = "";
	int fd = make_file(c, path, sizeof(path)), ret;

	if (fd < 0)
		snprintf(err, sizeof(err), "O_DIRECT scratch file in %.100s: %s", c->scratch,
			 strerror(-fd));
	ret = one(c, "odirect_read_verify", false, fd, err);
	if (!ret)
		ret = one(c, "read_fixed_verify", true, fd, err);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	return ret;
}

const struct bench_ops bench_read = {
	.name = "read",
	.desc = "O_DIRECT pread and io_uring READ_FIXED throughput with every block verified",
	.run = read_run,
};
