// SPDX-License-Identifier: GPL-2.0
/*
 * Canaries: known-bad scenarios that must be caught with the right class,
 * so a detector that cannot see is reported instead of trusted.
 *
 * - planted: each class of damage planted through the verify layer, at
 *   several block sizes, on both sides of a fork;
 * - dontneed-fixed: a real kernel case.  A buffer registered with io_uring
 *   stays pinned after MADV_DONTNEED zaps it from the page tables, so a
 *   later READ_FIXED lands in the old page while the process sees a fresh
 *   zero page (-> zeroed) or whatever it wrote there since (-> lost-write).
 *   dontneed-fixed-divergence is the other direction: the process stores
 *   new stamps into the fresh pages, WRITE_FIXED writes the blocks out from
 *   the old pinned pages and the copy read back from the file differs from
 *   the region (-> pin-divergence, the pin readback check of the workloads).
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "verify/plant.h"
#include "run.h"
#include "run/scratch.h"

#define CANARY_BLOCKS	16
#define CANARY_BS	4096

struct planted_case {
	enum vclass cls;
	enum vside side;
};

static const struct planted_case planted[] = {
	{ VC_LOST_WRITE, SIDE_PARENT },
	{ VC_MISPLACED, SIDE_PARENT },
	{ VC_TORN, SIDE_PARENT },
	{ VC_ZEROED, SIDE_PARENT },
	{ VC_LEAK, SIDE_PARENT },
	{ VC_GARBAGE, SIDE_PARENT },
	{ VC_LOST_WRITE, SIDE_CHILD },
	{ VC_LEAK, SIDE_CHILD },
	{ VC_ZEROED, SIDE_CHILD },
};

static const size_t planted_sizes[] = { 512, 4096, 65536, 2u << 20 };

static void tally(struct canary_result *res, bool ok, bool verbose, const char *name,
		  const char *detail)
{
	if (ok)
		res->passed++;
	else
		res->failed++;
	if (verbose || !ok)
		fprintf(stderr, "canary %-28s %s%s%s\n", name, ok ? "detected" : "NOT DETECTED",
			detail[0] ? ": " : "", detail);
}

static void run_planted(uint64_t seed, bool verbose, struct canary_result *res)
{
	struct rng r;

	rng_seed(&r, seed);
	for (size_t s = 0; s < sizeof(planted_sizes) / sizeof(planted_sizes[0]); s++) {
		size_t bs = planted_sizes[s];
		void *blk = malloc(bs);

		for (size_t i = 0; blk && i < sizeof(planted) / sizeof(planted[0]); i++) {
			struct stamp_id id = { 1, SRC_MAKE(SRC_FILE, 3), 7, 5 };
			char name[64], detail[96];
			enum vclass got;

			stamp_fill(blk, bs, seed, &id);
			plant_damage(blk, bs, seed, &id, planted[i].cls, planted[i].side, &r);
			got = classify_block(blk, bs, seed, &id, planted[i].side, NULL);
			snprintf(name, sizeof(name), "planted-%s%s/%zu", vclass_name(planted[i].cls),
				 planted[i].side == SIDE_CHILD ? "-child" : "", bs);
			snprintf(detail, sizeof(detail), "classified %s", vclass_name(got));
			tally(res, got == planted[i].cls, verbose, name, detail);
		}
		free(blk);
	}
}

/* Every block through registered buffer 0: READ_FIXED into it, or WRITE_FIXED from it. */
static int rw_fixed_all(struct io_uring *ring, int fd, uint8_t *buf, bool write)
{
	struct io_uring_cqe *cqe;

	for (int b = 0; b < CANARY_BLOCKS; b++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (write)
			io_uring_prep_write_fixed(sqe, fd, buf + b * CANARY_BS, CANARY_BS,
						  (off_t)b * CANARY_BS, 0);
		else
			io_uring_prep_read_fixed(sqe, fd, buf + b * CANARY_BS, CANARY_BS,
						 (off_t)b * CANARY_BS, 0);
	}
	if (io_uring_submit(ring) != CANARY_BLOCKS)
		return -EIO;
	for (int b = 0; b < CANARY_BLOCKS; b++) {
		struct __kernel_timespec ts = { 10, 0 };
		int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

		if (ret)
			return ret;
		ret = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (ret != CANARY_BS)
			return ret < 0 ? ret : -EIO;
	}
	return 0;
}

static int stage_file(int fd, uint64_t seed, uint64_t gen)
{
	void *bounce;
	int ret = 0;

	if (posix_memalign(&bounce, 4096, CANARY_BS))
		return -ENOMEM;
	for (int b = 0; b < CANARY_BLOCKS && !ret; b++) {
		struct stamp_id id = { 1, SRC_MAKE(SRC_FILE, (uint32_t)b), (uint64_t)b, gen };

		stamp_fill(bounce, CANARY_BS, seed, &id);
		if (pwrite(fd, bounce, CANARY_BS, (off_t)b * CANARY_BS) != CANARY_BS)
			ret = -EIO;
	}
	free(bounce);
	return ret;
}

static void stamp_all(uint8_t *buf, uint64_t seed, uint32_t kind, uint64_t gen)
{
	for (int b = 0; b < CANARY_BLOCKS; b++) {
		struct stamp_id id = { 1, SRC_MAKE(kind, 0), (uint64_t)b, gen };

		stamp_fill(buf + b * CANARY_BS, CANARY_BS, seed, &id);
	}
}

/*
 * Read every block of the file back into a private buffer and count those
 * the readback check calls @want, against the region's CPU-written stamps.
 */
static int readback_all(int fd, const uint8_t *buf, uint64_t seed, enum vclass want)
{
	void *copy;
	int hits = 0;

	if (posix_memalign(&copy, 4096, CANARY_BS))
		return -ENOMEM;
	for (int b = 0; b < CANARY_BLOCKS; b++) {
		struct stamp_id id = { 1, SRC_MAKE(SRC_CPU, 0), (uint64_t)b, 2 };
		struct stamp_id old = { 1, SRC_MAKE(SRC_INIT, 0), (uint64_t)b, 1 };
		struct vfinding f;

		if (pread(fd, copy, CANARY_BS, (off_t)b * CANARY_BS) != CANARY_BS) {
			free(copy);
			return -EIO;
		}
		/* As in the workloads: the region must hold the expectation itself. */
		if (!stamp_matches(buf + b * CANARY_BS, CANARY_BS, seed, &id))
			continue;
		/* ...and the copy must be the old page the pin still points at. */
		if (classify_readback(copy, CANARY_BS, seed, &id, &f) == want &&
		    f.found_valid && stamp_id_equal(&f.found, &old))
			hits++;
	}
	free(copy);
	return hits;
}

enum dn_mode {
	DN_ZERO,	/* READ_FIXED after DONTNEED: the process sees zeros */
	DN_STALE,	/* the same after the process wrote its own data there */
	DN_WRITEOUT,	/* WRITE_FIXED after the process wrote: the copy is the old page */
};

/* Count the blocks classified @want after the scenario; -errno if it could not run. */
static int dontneed_fixed(const char *dir, uint64_t seed, enum dn_mode mode, enum vclass want)
{
	bool stale = mode != DN_ZERO;
	size_t len = CANARY_BLOCKS * CANARY_BS;
	struct scratch sc = { .fd = -1 };
	struct io_uring ring;
	struct iovec iov;
	uint8_t *buf;
	int ret, hits = 0;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return -errno;
	madvise(buf, len, MADV_NOHUGEPAGE);
	stamp_all(buf, seed, SRC_INIT, 1);
	ret = io_uring_queue_init(CANARY_BLOCKS, &ring, 0);
	if (ret)
		goto out_unmap;
	iov = (struct iovec){ buf, len };
	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (ret)
		goto out_ring;
	ret = scratch_open(&sc, dir, CANARY_BS, CANARY_BLOCKS);
	if (ret)
		goto out_ring;
	/* The bug under simulation: the pinned pages leave the page tables. */
	madvise(buf, len, MADV_DONTNEED);
	if (stale)
		stamp_all(buf, seed, SRC_CPU, 2);
	if (mode == DN_WRITEOUT) {
		ret = rw_fixed_all(&ring, sc.fd, buf, true);
		if (!ret)
			hits = readback_all(sc.fd, buf, seed, want);
		if (hits < 0) {
			ret = hits;
			hits = 0;
		}
		goto out_scratch;
	}
	ret = stage_file(sc.fd, seed, stale ? 3 : 2);
	if (!ret)
		ret = rw_fixed_all(&ring, sc.fd, buf, false);
	for (int b = 0; !ret && b < CANARY_BLOCKS; b++) {
		struct stamp_id id = { 1, SRC_MAKE(SRC_FILE, (uint32_t)b), (uint64_t)b,
				       stale ? 3 : 2 };

		hits += classify_block(buf + b * CANARY_BS, CANARY_BS, seed, &id, SIDE_PARENT,
				       NULL) == want;
	}
out_scratch:
	scratch_close(&sc);
out_ring:
	io_uring_queue_exit(&ring);
out_unmap:
	munmap(buf, len);
	return ret ? ret : hits;
}

static void run_kernel(const char *dir, uint64_t seed, bool verbose, struct canary_result *res)
{
	static const struct {
		const char *name;
		enum dn_mode mode;
		enum vclass want;
	} cases[] = {
		{ "dontneed-fixed-zero", DN_ZERO, VC_ZEROED },
		{ "dontneed-fixed-stale", DN_STALE, VC_LOST_WRITE },
		{ "dontneed-fixed-divergence", DN_WRITEOUT, VC_PIN_DIVERGENCE },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int hits = dontneed_fixed(dir, seed, cases[i].mode, cases[i].want);
		char detail[128];

		if (hits < 0)
			snprintf(detail, sizeof(detail), "could not run: %s", strerror(-hits));
		else
			snprintf(detail, sizeof(detail), "%d/%d blocks classified %s", hits,
				 CANARY_BLOCKS, vclass_name(cases[i].want));
		tally(res, hits == CANARY_BLOCKS, verbose, cases[i].name, detail);
		n += (size_t)snprintf(res->kernel + n, sizeof(res->kernel) - n, "%s%s %s",
				      i ? "; " : "", cases[i].name,
				      hits == CANARY_BLOCKS ? "detected" : detail);
		if (n >= sizeof(res->kernel))
			n = sizeof(res->kernel) - 1;
	}
}

void canary_run_all(const char *scratch_dir, uint64_t seed, bool verbose,
		    struct canary_result *res)
{
	memset(res, 0, sizeof(*res));
	res->ran = true;
	run_planted(seed, verbose, res);
	run_kernel(scratch_dir, seed, verbose, res);
	res->detected = res->failed == 0;
}

int cmd_canary(int argc, char **argv)
{
	const char *dir = getenv("PINSTRESS_SCRATCH");
	struct canary_result res;
	char why[256];

	if (argc > 2 && !strcmp(argv[1], "--scratch"))
		dir = argv[2];
	else if (argc > 1) {
		fprintf(stderr, "usage: pinstress canary [--scratch DIR]\n");
		return EXIT_INVALID;
	}
	if (!dir)
		dir = SCRATCH_DEFAULT_DIR;
	if (scratch_check_dir(dir, why, sizeof(why))) {
		fprintf(stderr, "pinstress: %s\n", why);
		return EXIT_INVALID;
	}
	canary_run_all(dir, 0x5eed, true, &res);
	printf("%u passed, %u failed\n", res.passed, res.failed);
	return res.detected ? EXIT_CLEAN : EXIT_INVALID;
}
