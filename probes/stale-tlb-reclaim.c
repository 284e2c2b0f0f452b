// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel write into a page swapped in during reclaim's batched TLB flush
 * window is invisible to a CPU that still holds the old page's TLB entry.
 *
 * Reclaim unmaps with TTU_BATCH_FLUSH: try_to_unmap_one() clears the PTE
 * and only queues the TLB flush (set_tlb_ubc_flush_pending); the flush
 * happens at the end of shrink_folio_list() (try_to_unmap_flush), or
 * before writing out a folio whose PTE was dirty (try_to_unmap_flush_dirty).
 * A clean swap-cache folio is dropped from the swap cache
 * (__remove_mapping) at once, before that flush.  If a GUP on another CPU
 * now faults the address (do_swap_page reads a new folio from swap; the
 * fault path never calls flush_tlb_batched_pending(), which mprotect,
 * munmap, mremap and madvise do since 3ea277194daa) and the kernel writes
 * into the new folio, a CPU that still caches the old translation keeps
 * loading the old folio until reclaim's flush IPI comes.
 *
 * Each trial: page P, at the start of a 2 MiB range, is made a clean
 * swap-cache page mapped by a clean PTE (write, MADV_PAGEOUT,
 * MADV_WILLNEED, read), the other 511 pages clean PTEs over folios outside
 * the swap cache (reclaim writes them out one by one, which keeps the
 * batch, and the window, open).  A thread on CPU 1 loads P (its TLB holds
 * P) while CPU 0 runs MADV_PAGEOUT over the range; as soon as P has left
 * the swap cache (mincore), the thread writes new data to P through
 * /proc/self/mem (FOLL_FORCE GUP: it swaps a new folio in) and loads P
 * again.  Old data there while /proc/self/mem reads the new data is a hit;
 * the probe then times how long loads keep seeing the old page.
 *
 * Racy by nature: bounded by trials and time, it says how often it hit.
 * usage: stale-tlb-reclaim [TRIALS]   (default 200, at most 20 s)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "probe.h"

#define RANGE_PAGES	512
#define TRIAL_LIMIT_S	20
#define BOUND_S		40
#define HEAL_BOUND_US	200000
#define WRITER_START_NS	1000000000ull

static size_t ps;
static uint8_t *range;
static int memfd = -1;

/* The trial in progress, between the reclaiming thread (CPU 0) and the writer (CPU 1). */
static struct {
	/* 0 idle, 1 trial asked, 4 writer started, 2 reclaim started, 3 writer done */
	_Atomic int phase;
	_Atomic bool quit;
	uint64_t old_val, new_val;
	/* the writer's verdict */
	bool wrote;			/* it wrote P while P was out of the swap cache */
	bool stale;			/* and its next load saw the old data */
	bool pt_new;			/* while the page tables held the new data */
	long heal_us;			/* how long loads stayed stale; -1 past the bound */
	char err[128];
} t;

static uint64_t load(const uint8_t *p)
{
	return *(const volatile uint64_t *)p;
}

/* Resident in the page tables or the swap cache (mincore counts both). */
static bool in_core(const uint8_t *p)
{
	unsigned char v = 0;

	if (mincore((void *)p, ps, &v))
		return true;
	return v & 1;
}

static long time_to_heal(uint64_t want)
{
	uint64_t t0 = probe_now_ns(), dt;

	/* Spin, never sleep: sleeping may move us or flush the TLB on the way back. */
	do {
		dt = probe_now_ns() - t0;
		if (load(range) == want)
			return (long)(dt / 1000);
	} while (dt < HEAL_BOUND_US * 1000ull);
	return -1;
}

/* CPU 1: keep P hot, wait for it to leave the swap cache, write it through the kernel, look. */
static void writer_trial(void)
{
	uint64_t sink = 0, pt = 0, deadline;

	while (atomic_load(&t.phase) != 2 && !atomic_load(&t.quit))
		sink += load(range);
	deadline = probe_now_ns() + 200000000ull;
	/* Until reclaim has unmapped P and dropped it from the swap cache. */
	while (in_core(range)) {
		sink += load(range);
		if (probe_now_ns() > deadline)
			return;
	}
	if (pwrite(memfd, &t.new_val, sizeof(t.new_val), (off_t)(uintptr_t)range) !=
	    (ssize_t)sizeof(t.new_val)) {
		snprintf(t.err, sizeof(t.err), "write through /proc/self/mem: %s", strerror(errno));
		return;
	}
	t.wrote = true;
	if (load(range) != t.old_val)
		return;
	t.stale = true;
	if (pread(memfd, &pt, sizeof(pt), (off_t)(uintptr_t)range) == (ssize_t)sizeof(pt))
		t.pt_new = pt == t.new_val;
	t.heal_us = time_to_heal(t.new_val);
	(void)sink;
}

static void *writer(void *arg)
{
	(void)arg;
	if (probe_pin_cpu(1))
		snprintf(t.err, sizeof(t.err), "cannot run on CPU 1: %s", strerror(errno));
	while (!atomic_load(&t.quit)) {
		while (atomic_load(&t.phase) != 1 && !atomic_load(&t.quit))
			;
		if (atomic_load(&t.quit))
			break;
		atomic_store(&t.phase, 4);
		writer_trial();
		atomic_store(&t.phase, 3);
	}
	return NULL;
}

static void fill_range(uint64_t v)
{
	for (size_t i = 0; i < RANGE_PAGES; i++)
		for (size_t o = 0; o < ps; o += sizeof(uint64_t))
			*(volatile uint64_t *)(range + i * ps + o) = v + o;
}

/*
 * P: a clean PTE over a clean swap-cache folio.  The rest: clean PTEs
 * over folios outside the swap cache (zram swaps them in without it).
 */
static int prepare_trial(unsigned int n)
{
	uint64_t sink = 0;
	int tries;

	t.old_val = 0xa1a1a1a100000000ull | n;
	t.new_val = 0xb2b2b2b200000000ull | n;
	/*
	 * Fresh pages each trial: the last trial's P was faulted in on CPU 1
	 * and may still sit in that CPU's LRU batch, where reclaim from
	 * CPU 0 cannot isolate it.
	 */
	if (mmap(range, RANGE_PAGES * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	madvise(range, RANGE_PAGES * ps, MADV_NOHUGEPAGE);
	fill_range(t.old_val);
	if (madvise(range, RANGE_PAGES * ps, MADV_PAGEOUT))
		return -errno;
	if (!(probe_pagemap(range) & PM_SWAP))
		return -EAGAIN;
	if (madvise(range, ps, MADV_WILLNEED))
		return -errno;
	for (tries = 0; tries < 2000 && !in_core(range); tries++)
		usleep(50);
	if (!in_core(range))
		return -EAGAIN;
	for (size_t i = 0; i < RANGE_PAGES; i++)
		sink += load(range + i * ps);
	(void)sink;
	return 0;
}

struct tally {
	unsigned int trials, wrote, hits, hits_pt;
	long longest_us;
	unsigned int unbounded;		/* hits still stale at the bound */
};

static void one_trial(unsigned int n, struct tally *s)
{
	int ret = prepare_trial(n);
	uint64_t deadline;

	if (ret == -EAGAIN)
		return;
	if (ret)
		probe_exit(PROBE_ERROR, "preparing trial %u: %s", n, strerror(-ret));
	t.wrote = t.stale = t.pt_new = false;
	t.heal_us = 0;
	atomic_store(&t.phase, 1);
	/*
	 * Wait for the writer to take the trial: on a busy CPU 1 it missed a
	 * 200 us window, and both threads then waited for each other until the
	 * probe's bound.
	 */
	deadline = probe_now_ns() + WRITER_START_NS;
	while (atomic_load(&t.phase) != 4)
		if (probe_now_ns() > deadline)
			probe_exit(PROBE_ERROR, "the writer thread did not start on CPU 1 within 1 s");
	/* Let the writer load P on CPU 1 before reclaim starts. */
	usleep(200);
	atomic_store(&t.phase, 2);
	if (madvise(range, RANGE_PAGES * ps, MADV_PAGEOUT))
		probe_exit(PROBE_ERROR, "MADV_PAGEOUT: %s", strerror(errno));
	while (atomic_load(&t.phase) != 3)
		;
	atomic_store(&t.phase, 0);
	if (t.err[0])
		probe_exit(PROBE_ERROR, "%s", t.err);
	s->trials++;
	s->wrote += t.wrote;
	if (!t.stale)
		return;
	s->hits++;
	if (!t.pt_new)
		return;
	s->hits_pt++;
	if (t.heal_us < 0)
		s->unbounded++;
	else if (t.heal_us > s->longest_us)
		s->longest_us = t.heal_us;
}

int main(int argc, char **argv)
{
	unsigned int trials = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 200;
	struct tally s = { 0 };
	pthread_t th;
	uint64_t t0;

	probe_begin("stale-tlb-reclaim", BOUND_S);
	ps = (size_t)sysconf(_SC_PAGESIZE);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		probe_exit(PROBE_NA, "needs 2 CPUs (one reclaims, one holds the TLB entry)");
	probe_need_swap(64ull << 20);
	range = mmap(NULL, (RANGE_PAGES + 512) * ps, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (range == MAP_FAILED)
		probe_exit(PROBE_ERROR, "mmap: %s", strerror(errno));
	/* One PMD's worth, aligned: MADV_PAGEOUT reclaims it as one batch. */
	range = (uint8_t *)(((uintptr_t)range + 512 * ps - 1) & ~(512 * ps - 1));
	memfd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (memfd < 0)
		probe_exit(PROBE_ERROR, "/proc/self/mem: %s", strerror(errno));
	if (probe_pin_cpu(0))
		probe_exit(PROBE_ERROR, "cannot run on CPU 0: %s", strerror(errno));
	if (pthread_create(&th, NULL, writer, NULL))
		probe_exit(PROBE_ERROR, "pthread_create failed");

	t0 = probe_now_ns();
	for (unsigned int n = 1; n <= trials; n++) {
		if (probe_now_ns() - t0 > TRIAL_LIMIT_S * 1000000000ull)
			break;
		one_trial(n, &s);
		if (s.hits_pt >= 10)
			break;		/* enough to call it: no need to use the whole bound */
	}
	atomic_store(&t.quit, true);
	pthread_join(th, NULL);
	if (!s.trials)
		probe_exit(PROBE_ERROR, "no trial could be set up (MADV_PAGEOUT/WILLNEED had no effect)");
	if (!s.hits_pt)
		probe_exit(PROBE_ABSENT,
			   "no stale TLB in %u trials (%u writes landed while the old page was out of "
			   "the swap cache; %u loads saw old data, %u with the page tables right) in %.1f s",
			   s.trials, s.wrote, s.hits, s.hits_pt, (probe_now_ns() - t0) / 1e9);
	probe_exit(PROBE_PRESENT,
		   "stale TLB in %u of %u trials: after a write through /proc/self/mem into the "
		   "swapped-in page, CPU 1 loaded the old page for up to %ld us%s (page tables right), "
		   "in %.1f s", s.hits_pt, s.trials, s.longest_us,
		   s.unbounded ? ", some past the 200 ms bound" : "", (probe_now_ns() - t0) / 1e9);
}
