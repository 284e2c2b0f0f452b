/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every probe shares, header-only so that a probe is its own .c file
 * plus this one (cc -O2 -o p probes/NAME.c -luring -lpthread).
 *
 * A probe is a standalone reproducer of one known kernel bug, in the
 * manner of liburing's tests:
 *   exit 0   the bug does not show on the running kernel   (PROBE_ABSENT)
 *   exit 1   it shows                                       (PROBE_PRESENT)
 *   exit 77  it cannot apply here; the line says why         (PROBE_NA)
 *   exit 99  the probe itself failed; the line says where    (PROBE_ERROR)
 * and exactly one line on stdout: the evidence ("64/64 pages read back
 * zeroed; control with pread: 0/64") or the reason.  Diagnostics go to
 * stderr.  A marker goes into the kernel log first, and BUG/WARNING lines
 * logged after it are printed on stderr at the end.
 *
 * Whatever a probe changes (its own zram swap, a hugetlb pool, a sysfs
 * value) is undone on every way out: normal exit, error, SIGINT, SIGTERM,
 * SIGHUP, SIGQUIT, SIGPIPE, and SIGALRM from the probe's own time bound.
 */
#ifndef PINSTRESS_PROBE_H
#define PINSTRESS_PROBE_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

#define PROBE_ABSENT	0
#define PROBE_PRESENT	1
#define PROBE_NA	77
#define PROBE_ERROR	99

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLD
#define MADV_COLD	20
#endif

/* /proc/self/pagemap (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_PFN_MASK	((1ULL << 55) - 1)
/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_DIRTY	4
#define KPF_LRU		5
#define KPF_ANON	12
#define KPF_SWAPCACHE	13
#define KPF_SWAPBACKED	14

#define PROBE_MAX_UNDO	16
#define PROBE_SWAP_PRIO	32767	/* above any swap the machine has: our pages go here */

struct probe_undo {
	void (*fn)(long arg);
	long arg;
};

static struct {
	const char *name;
	struct probe_undo undo[PROBE_MAX_UNDO];
	int nundo;
	int kmsg;		/* /dev/kmsg, positioned after our marker; -1 if none */
	volatile sig_atomic_t exiting;
} probe_state = { .kmsg = -1 };

/* Undo everything, newest first; safe to call from a signal handler. */
static inline void probe_undo_all(void)
{
	while (probe_state.nundo > 0) {
		struct probe_undo *u = &probe_state.undo[--probe_state.nundo];

		u->fn(u->arg);
	}
}

/* Register @fn(@arg) to run at exit.  Call it before making the change. */
static inline int probe_defer(void (*fn)(long), long arg)
{
	if (probe_state.nundo >= PROBE_MAX_UNDO)
		return -ENOSPC;
	probe_state.undo[probe_state.nundo].fn = fn;
	probe_state.undo[probe_state.nundo].arg = arg;
	probe_state.nundo++;
	return 0;
}

/* Print the kernel's complaints since the marker (BUG, WARNING, ...). */
static inline int probe_kmsg_check(void)
{
	static const char *const bad[] = { "BUG:", "WARNING:", "Oops", "general protection",
					   "Bad page", "rss-counter", "list_add corruption",
					   "list_del corruption", "soft lockup", "hung_task",
					   "page dumped because" };
	char rec[2048];
	int n = 0;

	if (probe_state.kmsg < 0)
		return 0;
	for (;;) {
		ssize_t len = read(probe_state.kmsg, rec, sizeof(rec) - 1);
		char *msg;

		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on with the next */
		if (len <= 0)
			break;
		rec[len] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (strstr(msg, bad[i])) {
				fprintf(stderr, "%s: kernel log: %s", probe_state.name, msg);
				n++;
				break;
			}
		}
	}
	close(probe_state.kmsg);
	probe_state.kmsg = -1;
	return n;
}

/* The one line on stdout, the undo, the kernel log, the exit code. */
static inline void __attribute__((noreturn, format(printf, 2, 3)))
probe_exit(int code, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int bad;

	probe_state.exiting = 1;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	probe_undo_all();
	bad = probe_kmsg_check();
	if (bad)
		printf("%s [kernel log: %d error line%s, see stderr]\n", line, bad, bad > 1 ? "s" : "");
	else
		printf("%s\n", line);
	fflush(stdout);
	exit(code);
}

static inline void probe_on_signal(int sig)
{
	char msg[96];
	int len;

	if (probe_state.exiting)
		_exit(PROBE_ERROR);
	probe_state.exiting = 1;
	probe_undo_all();
	len = snprintf(msg, sizeof(msg), "%s\n",
		       sig == SIGALRM ? "probe timed out (its own bound): no verdict"
				      : "probe interrupted by a signal: no verdict");
	if (write(STDOUT_FILENO, msg, (size_t)len) < 0)
		_exit(PROBE_ERROR);
	_exit(PROBE_ERROR);
}

/*
 * Start: root check, signal handlers, a bound on the whole probe, and a
 * marker in the kernel log so its lines can be told from earlier ones.
 */
static inline void probe_begin(const char *name, unsigned int bound_s)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM };
	struct sigaction sa = { .sa_handler = probe_on_signal };
	char marker[128];
	int fd;

	probe_state.name = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	if (geteuid())
		probe_exit(PROBE_NA, "needs root (swap, hugetlb pools, /proc/kpageflags)");
	alarm(bound_s);
	fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		lseek(fd, 0, SEEK_END);
		snprintf(marker, sizeof(marker), "pinstress-probe: %s start\n", name);
		if (write(fd, marker, strlen(marker)) < 0)
			fprintf(stderr, "%s: could not write the kernel log marker\n", name);
		probe_state.kmsg = fd;
	}
}

/* ---- files ---------------------------------------------------------------------------- */

static inline int probe_write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -(n < 0 ? errno : EIO);
}

static inline int probe_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A file in @dir that nobody else can name (O_TMPFILE), opened for O_DIRECT. */
static inline int probe_direct_file(const char *dir, size_t size)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_DIRECT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* ---- sysfs values, put back at exit --------------------------------------------------- */

#define PROBE_MAX_SAVED	8
static struct {
	char path[128];
	char old[64];
} probe_saved[PROBE_MAX_SAVED];

static inline void probe_put_back(long i)
{
	probe_write_file(probe_saved[i].path, probe_saved[i].old);
}

/* Write @val to @path, saving what was there for the exit. */
static inline int probe_set(const char *path, const char *val)
{
	static int nsaved;
	int ret;

	if (nsaved >= PROBE_MAX_SAVED)
		return -ENOSPC;
	snprintf(probe_saved[nsaved].path, sizeof(probe_saved[nsaved].path), "%s", path);
	ret = probe_read_file(path, probe_saved[nsaved].old, sizeof(probe_saved[nsaved].old));
	if (ret)
		return ret;
	ret = probe_defer(probe_put_back, nsaved);
	if (ret)
		return ret;
	nsaved++;
	return probe_write_file(path, val);
}

/* ---- a zram swap of the probe's own ----------------------------------------------------- */

/* The v1 swap header mkswap writes (include/linux/swap.h, union swap_header). */
struct probe_swap_header {
	char bootbits[1024];
	uint32_t version;
	uint32_t last_page;
	uint32_t nr_badpages;
	unsigned char uuid[16];
	char volume_name[16];
};

static inline void probe_zram_remove(long dev)
{
	char path[64], num[16];

	snprintf(path, sizeof(path), "/dev/zram%ld", dev);
	swapoff(path);
	snprintf(path, sizeof(path), "/sys/block/zram%ld/reset", dev);
	probe_write_file(path, "1");
	snprintf(num, sizeof(num), "%ld", dev);
	probe_write_file("/sys/class/zram-control/hot_remove", num);
}

static inline int probe_swap_header(const char *dev, uint64_t bytes)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *page = calloc(1, (size_t)ps);
	struct probe_swap_header *h = (struct probe_swap_header *)page;
	int fd, ret = 0;

	if (!page)
		return -ENOMEM;
	h->version = 1;
	h->last_page = (uint32_t)(bytes / (uint64_t)ps - 1);
	memcpy(page + ps - 10, "SWAPSPACE2", 10);
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, page, (size_t)ps, 0) != ps || fsync(fd))
		ret = -errno;
	if (fd >= 0)
		close(fd);
	free(page);
	return ret;
}

/*
 * A zram swap device of @bytes at the highest priority, so that the pages
 * the probe pages out go to it whatever swap the machine has; removed at
 * exit.  -ENOENT: no zram here.
 */
static inline int probe_zram_swap(uint64_t bytes)
{
	char num[32], path[64], val[32];
	long dev;
	int ret;

	if (access("/sys/class/zram-control/hot_add", R_OK))
		return -ENOENT;
	ret = probe_read_file("/sys/class/zram-control/hot_add", num, sizeof(num));
	if (ret)
		return ret;
	dev = strtol(num, NULL, 10);
	ret = probe_defer(probe_zram_remove, dev);
	if (ret) {
		probe_zram_remove(dev);
		return ret;
	}
	snprintf(path, sizeof(path), "/sys/block/zram%ld/disksize", dev);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)bytes);
	ret = probe_write_file(path, val);
	snprintf(path, sizeof(path), "/dev/zram%ld", dev);
	if (!ret)
		ret = probe_swap_header(path, bytes);
	if (!ret && swapon(path, SWAP_FLAG_PREFER | (PROBE_SWAP_PRIO & SWAP_FLAG_PRIO_MASK)))
		ret = -errno;
	return ret;
}

/* Swap to page out to: our own zram, else the machine's, else PROBE_NA. */
static inline void probe_need_swap(uint64_t bytes)
{
	char swaps[256];
	int ret = probe_zram_swap(bytes);
	FILE *f;

	if (!ret)
		return;
	f = fopen("/proc/swaps", "re");
	if (f && fgets(swaps, sizeof(swaps), f) && fgets(swaps, sizeof(swaps), f)) {
		fclose(f);
		fprintf(stderr, "%s: no zram swap of our own (%s): using the machine's swap\n",
			probe_state.name, strerror(-ret));
		return;
	}
	if (f)
		fclose(f);
	probe_exit(PROBE_NA, "no swap: needs zram (CONFIG_ZRAM) or an active swap device (%s)",
		   strerror(-ret));
}

/* ---- page facts ---------------------------------------------------------------------------- */

static inline uint64_t probe_pagemap(const void *addr)
{
	long ps = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / (uintptr_t)ps * sizeof(e))) !=
	    (ssize_t)sizeof(e))
		e = 0;
	close(fd);
	return e;
}

/* /proc/kpageflags of the page at @addr; 0 if it is not present or hidden. */
static inline uint64_t probe_kpageflags(const void *addr)
{
	uint64_t e = probe_pagemap(addr), flags = 0;
	int fd;

	if (!(e & PM_PRESENT) || !(e & PM_PFN_MASK))
		return 0;
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (pread(fd, &flags, sizeof(flags), (off_t)((e & PM_PFN_MASK) * sizeof(flags))) !=
	    (ssize_t)sizeof(flags))
		flags = 0;
	close(fd);
	return flags;
}

/* ---- threads and time ------------------------------------------------------------------- */

static inline int probe_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static inline uint64_t probe_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
