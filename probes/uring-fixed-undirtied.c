// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring never dirties a registered buffer it wrote into.
 *
 * IORING_OP_READ_FIXED writes through a bvec built at registration
 * (io_sqe_buffer_register), and the block layer dirties only pages of
 * user-backed iterators (bio_set_pages_dirty is for ITER_UBUF/IOVEC).
 * Unregistration drops the long-term pins with unpin_user_folio(), not the
 * dirtying variant (unpin_user_pages_dirty_lock).  Registration itself
 * does not dirty either: gup_fast pins a writable PTE as it finds it.
 * So a page that was clean before the READ_FIXED is still clean after it,
 * and reclaim treats it as such once the pin is gone:
 *
 *   lazyfree   write the buffer, MADV_FREE it (clean, lazy-free), register,
 *              READ_FIXED a file into it, unregister, MADV_PAGEOUT:
 *              reclaim discards the "clean" lazy-free pages and the
 *              process reads zeros where the file's data was.
 *   swapcache  write the buffer, MADV_PAGEOUT, MADV_WILLNEED (back into
 *              the swap cache; zram alone would skip it on a fault), read
 *              every page (clean, writable PTEs), register, READ_FIXED,
 *              unregister, MADV_PAGEOUT: reclaim drops the clean
 *              swap-cache folios, and the next fault reads the old data
 *              back from swap.
 *
 * Each case runs twice: with READ_FIXED, and as the control with a plain
 * O_DIRECT pread into the same kind of page (the block layer dirties it).
 * The bug is present when READ_FIXED loses pages and the control loses
 * none.
 *
 * usage: uring-fixed-undirtied lazyfree|swapcache [SCRATCH_DIR]
 * (SCRATCH_DIR: a filesystem with O_DIRECT, default /var/tmp)
 * Build: cc -O2 -o uring-fixed-undirtied uring-fixed-undirtied.c -luring
 */
#include <liburing.h>
#include <sys/mman.h>

#include "probe.h"

#define NPAGES		64
#define BOUND_S		60

enum probe_case { CASE_LAZYFREE, CASE_SWAPCACHE };

struct outcome {
	unsigned int lost;	/* pages holding zeros (lazyfree) or the old data (swapcache) */
	unsigned int right;	/* pages holding the file's data */
	unsigned int prepared;	/* pages in the state the case needs before the read */
};

static size_t ps;

/* Every page of [p, p+len) gets the same pattern of @v: a page is checked alone. */
static void fill(uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i += sizeof(uint64_t))
		*(volatile uint64_t *)(p + i) = 0x0101010101010101ull * v + i % ps;
}

static bool holds(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i += sizeof(uint64_t))
		if (*(const volatile uint64_t *)(p + i) != 0x0101010101010101ull * v + i % ps)
			return false;
	return true;
}

static bool zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static unsigned int count_flags(uint8_t *buf, uint64_t want, uint64_t unwanted)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NPAGES; i++) {
		uint64_t f = probe_kpageflags(buf + i * ps);

		n += (f & want) == want && !(f & unwanted);
	}
	return n;
}

static unsigned int count_swapped(uint8_t *buf)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NPAGES; i++)
		n += !!(probe_pagemap(buf + i * ps) & PM_SWAP);
	return n;
}

/* Bring the buffer to the state the case needs; returns pages in that state. */
static unsigned int prepare(uint8_t *buf, enum probe_case c)
{
	size_t len = NPAGES * ps;
	volatile uint8_t sink = 0;

	fill(buf, len, 0xa1);
	if (c == CASE_LAZYFREE) {
		if (madvise(buf, len, MADV_FREE))
			probe_exit(PROBE_NA, "MADV_FREE: %s", strerror(errno));
		/* Lazy-free: anon, no longer swap-backed, clean. */
		return count_flags(buf, 1ull << KPF_ANON, (1ull << KPF_SWAPBACKED) | (1ull << KPF_DIRTY));
	}
	if (madvise(buf, len, MADV_PAGEOUT))
		probe_exit(PROBE_NA, "MADV_PAGEOUT: %s", strerror(errno));
	if (count_swapped(buf) != NPAGES)
		probe_exit(PROBE_ERROR, "MADV_PAGEOUT swapped %u of %u pages", count_swapped(buf),
			   NPAGES);
	if (madvise(buf, len, MADV_WILLNEED))
		probe_exit(PROBE_ERROR, "MADV_WILLNEED: %s", strerror(errno));
	/* Swap-in readahead is asynchronous: wait (bounded) until the folios are in. */
	for (int tries = 0; tries < 1000 && count_flags(buf, 1ull << KPF_SWAPCACHE, 0) < NPAGES; tries++) {
		for (unsigned int i = 0; i < NPAGES; i++)
			sink += buf[i * ps];
		usleep(1000);
	}
	for (unsigned int i = 0; i < NPAGES; i++)
		sink += buf[i * ps];
	(void)sink;
	return count_flags(buf, 1ull << KPF_SWAPCACHE, 1ull << KPF_DIRTY);
}

static void read_fixed(struct io_uring *ring, int fd, uint8_t *buf)
{
	struct iovec iov = { buf, NPAGES * ps };
	struct io_uring_cqe *cqe;
	int ret = io_uring_register_buffers(ring, &iov, 1);

	if (ret)
		probe_exit(ret == -ENOMEM ? PROBE_NA : PROBE_ERROR,
			   "io_uring_register_buffers: %s", strerror(-ret));
	for (unsigned int i = 0; i < NPAGES; i++)
		io_uring_prep_read_fixed(io_uring_get_sqe(ring), fd, buf + i * ps, (unsigned int)ps,
					 (off_t)(i * ps), 0);
	if (io_uring_submit(ring) != NPAGES)
		probe_exit(PROBE_ERROR, "io_uring_submit failed");
	for (unsigned int i = 0; i < NPAGES; i++) {
		struct __kernel_timespec ts = { 10, 0 };

		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret)
			probe_exit(PROBE_ERROR, "READ_FIXED completion: %s", strerror(-ret));
		ret = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (ret != (int)ps)
			probe_exit(PROBE_ERROR, "READ_FIXED returned %d", ret);
	}
	ret = io_uring_unregister_buffers(ring);
	if (ret)
		probe_exit(PROBE_ERROR, "io_uring_unregister_buffers: %s", strerror(-ret));
}

static void read_plain(int fd, uint8_t *buf)
{
	for (unsigned int i = 0; i < NPAGES; i++)
		if (pread(fd, buf + i * ps, ps, (off_t)(i * ps)) != (ssize_t)ps)
			probe_exit(PROBE_ERROR, "O_DIRECT pread: %s", strerror(errno));
}

/* One pass: prepare, read the file in (fixed or plain), page out, look. */
static struct outcome one_pass(struct io_uring *ring, int fd, enum probe_case c, bool fixed)
{
	size_t len = NPAGES * ps;
	struct outcome o = { 0 };
	uint8_t *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		probe_exit(PROBE_ERROR, "mmap: %s", strerror(errno));
	madvise(buf, len, MADV_NOHUGEPAGE);
	o.prepared = prepare(buf, c);
	if (fixed)
		read_fixed(ring, fd, buf);
	else
		read_plain(fd, buf);
	if (madvise(buf, len, MADV_PAGEOUT))
		probe_exit(PROBE_ERROR, "MADV_PAGEOUT: %s", strerror(errno));
	for (unsigned int i = 0; i < NPAGES; i++) {
		uint8_t *p = buf + i * ps;

		if (holds(p, ps, 0xb2))
			o.right++;
		else if (c == CASE_LAZYFREE ? zero(p, ps) : holds(p, ps, 0xa1))
			o.lost++;
	}
	munmap(buf, len);
	return o;
}

static int stage_file(const char *dir)
{
	size_t len = NPAGES * ps;
	int fd = probe_direct_file(dir, len);
	void *src;

	if (fd < 0)
		probe_exit(PROBE_NA, "no O_DIRECT file in %s: %s (give a directory on ext4/xfs/btrfs)",
			   dir, strerror(-fd));
	if (posix_memalign(&src, ps, len))
		probe_exit(PROBE_ERROR, "out of memory");
	fill(src, len, 0xb2);
	if (pwrite(fd, src, len, 0) != (ssize_t)len)
		probe_exit(PROBE_ERROR, "O_DIRECT pwrite: %s", strerror(errno));
	free(src);
	return fd;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 2 ? argv[2] : "/var/tmp";
	struct outcome fixed, plain;
	struct io_uring ring;
	enum probe_case c;
	const char *what;
	int fd, ret;

	if (argc < 2 || (strcmp(argv[1], "lazyfree") && strcmp(argv[1], "swapcache"))) {
		fprintf(stderr, "usage: %s lazyfree|swapcache [SCRATCH_DIR]\n", argv[0]);
		return PROBE_ERROR;
	}
	c = !strcmp(argv[1], "lazyfree") ? CASE_LAZYFREE : CASE_SWAPCACHE;
	what = c == CASE_LAZYFREE ? "zeroed" : "the old data";
	probe_begin(c == CASE_LAZYFREE ? "uring-fixed-lazyfree" : "uring-fixed-swapcache", BOUND_S);
	ps = (size_t)sysconf(_SC_PAGESIZE);
	ret = io_uring_queue_init(NPAGES, &ring, 0);
	if (ret)
		probe_exit(PROBE_NA, "io_uring_setup: %s%s", strerror(-ret),
			   ret == -EPERM ? " (kernel.io_uring_disabled)" : "");
	probe_need_swap(64ull << 20);
	fd = stage_file(dir);

	fixed = one_pass(&ring, fd, c, true);
	plain = one_pass(&ring, fd, c, false);
	close(fd);
	io_uring_queue_exit(&ring);
	if (fixed.prepared < NPAGES / 2)
		probe_exit(PROBE_ERROR, "only %u/%u pages were %s before the read", fixed.prepared,
			   NPAGES, c == CASE_LAZYFREE ? "clean lazy-free" : "clean in the swap cache");
	if (plain.lost)
		probe_exit(PROBE_ERROR,
			   "READ_FIXED: %u/%u pages read back %s, but the control with pread lost "
			   "%u/%u too: not this bug's mechanism", fixed.lost, NPAGES, what, plain.lost,
			   NPAGES);
	probe_exit(fixed.lost ? PROBE_PRESENT : PROBE_ABSENT,
		   "%u/%u pages read back %s after READ_FIXED into %u %s pages and unregistration; "
		   "control with pread: %u/%u", fixed.lost, NPAGES, what, fixed.prepared,
		   c == CASE_LAZYFREE ? "clean lazy-free" : "clean swap-cache", plain.lost, NPAGES);
}
