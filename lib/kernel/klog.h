/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-log watch: the kernel's own symptoms of the bug class (WARN, BUG,
 * "Bad page state", rss-counter, lockups, sanitizers) and new taint bits are
 * a failure of the run even when every block verified.  Reads /dev/kmsg from
 * the point the run started and /proc/sys/kernel/tainted before and after.
 */
#ifndef PINSTRESS_KLOG_H
#define PINSTRESS_KLOG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define KLOG_MAX_LINES	64	/* bad lines kept; all are counted */
#define KLOG_LINE_MAX	512	/* bytes kept per line, NUL included */
#define KLOG_RECENT	32	/* last records of any kind, for a failure record */

enum klog_class {
	KLOG_BENIGN = 0,
	KLOG_PANIC,
	KLOG_BUG,
	KLOG_WARNING,
	KLOG_OOPS,
	KLOG_GPF,
	KLOG_BAD_PAGE,
	KLOG_RSS,
	KLOG_LIST,
	KLOG_LOCKUP,
	KLOG_PAGE_DUMP,
	KLOG_LOCKDEP,
	KLOG_KASAN,
	KLOG_NR_CLASSES,
};

/* One parsed /dev/kmsg record (Documentation/ABI/testing/dev-kmsg). */
struct klog_record {
	int level;			/* prio & 7: 0 emerg .. 7 debug */
	int facility;			/* prio >> 3: 0 kernel, >0 userspace */
	uint64_t seq;
	uint64_t ts_usec;		/* kernel monotonic clock, µs */
	char flags;			/* '-', or 'c' for a continuation */
	char message[KLOG_LINE_MAX];	/* first line, may be truncated */
};

/* A kept bad line. */
struct klog_line {
	enum klog_class cls;
	int level;
	uint64_t seq;
	uint64_t ts_usec;
	char msg[KLOG_LINE_MAX];
};

/*
 * About 50 KiB: embed it in a long-lived object rather than on a small
 * stack.  Counters and lines may be read without the lock once the
 * monitor thread is stopped or after klog_close().
 */
struct klog {
	int fd;				/* /dev/kmsg, read side */
	int wfd;			/* /dev/kmsg, write side, or -1 */
	int wfd_err;			/* -errno from opening wfd */
	pthread_mutex_t lock;
	unsigned long taint_start;
	unsigned long taint_end;
	unsigned long nrecords;		/* records read */
	unsigned long nbad;		/* bad records, all of them */
	unsigned long nmalformed;	/* records that did not parse */
	unsigned long lost;		/* EPIPE: records overwritten unread */
	unsigned long count[KLOG_NR_CLASSES];
	unsigned int nlines;		/* <= KLOG_MAX_LINES */
	struct klog_line lines[KLOG_MAX_LINES];
	unsigned long nrecent;		/* records ever put into recent[] */
	struct klog_line recent[KLOG_RECENT];	/* a ring: every record read, bad or not */
};

/* Open /dev/kmsg at its end and record the starting taint. 0 or -errno. */
int klog_open(struct klog *k);
/* Write "pinstress: <fmt>" into the kernel log. 0 or -errno. */
int klog_mark(struct klog *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Read all available records; number of new bad records, or -errno. */
int klog_poll(struct klog *k);
/* Handle one raw record as klog_poll() would; 1 if bad, 0 if not, -EINVAL. */
int klog_feed(struct klog *k, const char *rec, size_t len);
/* Final poll, taint_end, close; stop the monitor first. 0 or -errno. */
int klog_close(struct klog *k);
/*
 * Read what is new, then copy the last records of the run (kernel and
 * marks, bad or not), oldest first; how many.  For a failure record.
 */
unsigned int klog_recent(struct klog *k, struct klog_line *out, unsigned int max);
/* 1 if a record in the kernel's log buffer now contains @needle, 0 if not, -errno. */
int klog_contains(const char *needle);
/* Taint bits that appeared during the run. */
unsigned long klog_new_taint(const struct klog *k);

int klog_parse_record(const char *rec, size_t len, struct klog_record *out);
enum klog_class klog_classify(const char *msg);
const char *klog_class_name(enum klog_class cls);

int klog_read_taint(unsigned long *out);
/*
 * Letters of the set taint bits in bit order (kernel's taint_flags: "P" for
 * bit 0 .. "J" for bit 19, '?' for bits it does not know), e.g. 0x280 ->
 * "DW"; "" when untainted.  0, or -ENOSPC with the string truncated.
 */
int klog_taint_names(unsigned long bits, char *buf, size_t len);

#endif /* PINSTRESS_KLOG_H */
