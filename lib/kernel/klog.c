// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-log watch.  A pinning bug often shows in the kernel before it shows
 * in the data: a WARN in mm/gup.c, "Bad page state", a bad rss-counter at
 * exit.  This tails /dev/kmsg from the start of the run (kernel/printk's
 * devkmsg interface, Documentation/ABI/testing/dev-kmsg), sorts each kernel
 * record into a class, keeps the bad ones for the report, and compares
 * /proc/sys/kernel/tainted before and after.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/klog.h"

#define KMSG_PATH	"/dev/kmsg"
#define TAINT_PATH	"/proc/sys/kernel/tainted"
#define KMSG_REC_MAX	8192	/* CONSOLE_EXT_LOG_MAX: a smaller read is -EINVAL */

/*
 * Messages that contain a pattern below but are not a kernel error.  Keep
 * entries narrow: a prefix that a real splat line cannot start with.
 */
static const char *const klog_benign[] = {
	/* Our own klog_mark() lines: name the run, never a kernel report. */
	"pinstress:",
	/* x86 bugs.c boot advice on the chosen mitigation ("WARNING: ..."). */
	"Spectre V2 : WARNING:",
	/* x86 bugs.c: "Spectre v2 mitigation leaves CPU vulnerable to RETBleed". */
	"RETBleed: WARNING:",
	/* x86 bugs.c: "See .../srso.html for mitigation options". */
	"Speculative Return Stack Overflow: WARNING:",
	/* Echo of boot options such as hung_task_panic=1. */
	"Kernel command line:",
	/* Same options, not recognised by the kernel. */
	"Unknown kernel command line parameters",
};

struct klog_pattern {
	const char *needle;
	enum klog_class cls;
};

/* First match wins: the more specific report before the generic word. */
static const struct klog_pattern klog_patterns[] = {
	{ "Kernel panic",				KLOG_PANIC },
	{ "Bad page state",				KLOG_BAD_PAGE },
	{ "Bad page map",				KLOG_BAD_PAGE },
	{ "Bad rss-counter",				KLOG_BAD_PAGE },
	{ "list_add corruption",			KLOG_LIST },
	{ "list_del corruption",			KLOG_LIST },
	{ "list corruption",				KLOG_LIST },
	{ "soft lockup",				KLOG_LOCKUP },
	{ "hard LOCKUP",				KLOG_LOCKUP },
	{ "rcu_sched self-detected stall",		KLOG_LOCKUP },
	{ "rcu: INFO: rcu_preempt detected stalls",	KLOG_LOCKUP },
	{ "self-detected stall on CPU",			KLOG_LOCKUP },
	{ "detected stalls on CPUs",			KLOG_LOCKUP },
	{ "hung_task",					KLOG_LOCKUP },
	{ "blocked for more than",			KLOG_LOCKUP },
	{ "possible circular locking dependency",	KLOG_LOCKDEP },
	{ "inconsistent lock state",			KLOG_LOCKDEP },
	{ "possible recursive locking",			KLOG_LOCKDEP },
	{ "KASAN:",					KLOG_KASAN },
	{ "UBSAN:",					KLOG_KASAN },
	{ "KFENCE:",					KLOG_KASAN },
	{ "general protection fault",			KLOG_GPF },
	{ "page dumped because",			KLOG_PAGE_DUMP },
	{ "rss-counter",				KLOG_RSS },
	{ "Oops",					KLOG_OOPS },
	{ "kernel BUG at",				KLOG_BUG },
	{ "BUG:",					KLOG_BUG },
	{ "WARNING:",					KLOG_WARNING },
	{ "------------[ cut here ]",			KLOG_WARNING },
};

static const char *const klog_names[KLOG_NR_CLASSES] = {
	[KLOG_BENIGN]		= "benign",
	[KLOG_PANIC]		= "panic",
	[KLOG_BUG]		= "bug",
	[KLOG_WARNING]		= "warning",
	[KLOG_OOPS]		= "oops",
	[KLOG_GPF]		= "gpf",
	[KLOG_BAD_PAGE]		= "bad-page",
	[KLOG_RSS]		= "rss-counter",
	[KLOG_LIST]		= "list-corruption",
	[KLOG_LOCKUP]		= "lockup",
	[KLOG_PAGE_DUMP]	= "page-dump",
	[KLOG_LOCKDEP]		= "lockdep",
	[KLOG_KASAN]		= "sanitizer",
};

/* kernel/panic.c taint_flags[], bits 0..19. */
static const char klog_taint_letters[] = "PFSRMBUDAWCIOELKXTNJ";

#define KLOG_N(a)	(sizeof(a) / sizeof((a)[0]))

enum klog_class klog_classify(const char *msg)
{
	size_t i;

	for (i = 0; i < KLOG_N(klog_benign); i++)
		if (!strncmp(msg, klog_benign[i], strlen(klog_benign[i])))
			return KLOG_BENIGN;
	for (i = 0; i < KLOG_N(klog_patterns); i++)
		if (strstr(msg, klog_patterns[i].needle))
			return klog_patterns[i].cls;
	return KLOG_BENIGN;
}

const char *klog_class_name(enum klog_class cls)
{
	if ((unsigned int)cls >= KLOG_NR_CLASSES)
		return "unknown";
	return klog_names[cls];
}

/* Decimal field ending at @sep; advances *p past the separator. */
static int parse_field(const char **p, const char *end, char sep,
		       uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (s >= end || *s != sep)
		return -EINVAL;
	*p = s + 1;
	*val = v;
	return 0;
}

int klog_parse_record(const char *rec, size_t len, struct klog_record *out)
{
	const char *p = rec, *end = rec + len, *semi;
	uint64_t prio, seq, ts;
	size_t n;

	if (!rec || parse_field(&p, end, ',', &prio) ||
	    parse_field(&p, end, ',', &seq) ||
	    parse_field(&p, end, ',', &ts) || prio > 0x3ff)
		return -EINVAL;
	/* flags, then optional ",key=value" fields, up to ';' */
	semi = memchr(p, ';', (size_t)(end - p));
	if (!semi || semi == p || *p == ',')
		return -EINVAL;
	out->level = (int)(prio & 7);
	out->facility = (int)(prio >> 3);
	out->seq = seq;
	out->ts_usec = ts;
	out->flags = *p;
	p = semi + 1;
	for (n = 0; p + n < end && p[n] != '\n' && p[n] != '\0'; n++)
		;
	if (n > sizeof(out->message) - 1)
		n = sizeof(out->message) - 1;
	memcpy(out->message, p, n);
	out->message[n] = '\0';
	return 0;
}

/* Caller holds k->lock. */
static int klog_feed_locked(struct klog *k, const char *rec, size_t len)
{
	struct klog_record r;
	struct klog_line *l;
	enum klog_class cls;

	k->nrecords++;
	if (klog_parse_record(rec, len, &r)) {
		k->nmalformed++;
		return -EINVAL;
	}
	l = &k->recent[k->nrecent++ % KLOG_RECENT];
	l->cls = KLOG_BENIGN;
	l->level = r.level;
	l->seq = r.seq;
	l->ts_usec = r.ts_usec;
	memcpy(l->msg, r.message, sizeof(l->msg));
	/*
	 * Userspace writes to /dev/kmsg always carry a non-zero facility
	 * (the kernel forces LOG_USER), so test suites and daemons that log
	 * "WARNING:" cannot pass for a kernel report.
	 */
	if (r.facility != 0)
		return 0;
	cls = klog_classify(r.message);
	l->cls = cls;
	if (cls == KLOG_BENIGN)
		return 0;
	k->nbad++;
	k->count[cls]++;
	if (k->nlines < KLOG_MAX_LINES)
		k->lines[k->nlines++] = *l;
	return 1;
}

int klog_feed(struct klog *k, const char *rec, size_t len)
{
	int ret;

	pthread_mutex_lock(&k->lock);
	ret = klog_feed_locked(k, rec, len);
	pthread_mutex_unlock(&k->lock);
	return ret;
}

int klog_poll(struct klog *k)
{
	char buf[KMSG_REC_MAX + 1];
	int bad = 0, ret = 0;
	ssize_t n;

	pthread_mutex_lock(&k->lock);
	for (;;) {
		n = read(k->fd, buf, sizeof(buf) - 1);
		if (n > 0) {
			if (klog_feed_locked(k, buf, (size_t)n) > 0)
				bad++;
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE) {	/* the ring wrapped past us */
			k->lost++;
			continue;
		}
		ret = -errno;
		break;
	}
	pthread_mutex_unlock(&k->lock);
	return ret ? ret : bad;
}

int klog_contains(const char *needle)
{
	char buf[KMSG_REC_MAX + 1];
	int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC), found = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = 0;
			if (strstr(buf, needle)) {
				found = 1;
				break;
			}
			continue;
		}
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;	/* EPIPE: the ring wrapped past us, read on */
		break;
	}
	close(fd);
	return found;
}

unsigned int klog_recent(struct klog *k, struct klog_line *out, unsigned int max)
{
	unsigned long first;
	unsigned int n = 0;

	klog_poll(k);
	pthread_mutex_lock(&k->lock);
	first = k->nrecent > KLOG_RECENT ? k->nrecent - KLOG_RECENT : 0;
	if (k->nrecent - first > max)
		first = k->nrecent - max;
	for (unsigned long i = first; i < k->nrecent; i++)
		out[n++] = k->recent[i % KLOG_RECENT];
	pthread_mutex_unlock(&k->lock);
	return n;
}

int klog_read_taint(unsigned long *out)
{
	char buf[32], *end;
	ssize_t n;
	int fd, err;

	fd = open(TAINT_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	errno = 0;
	*out = strtoul(buf, &end, 10);
	if (end == buf || errno)
		return -EINVAL;
	return 0;
}

int klog_taint_names(unsigned long bits, char *buf, size_t len)
{
	size_t i, pos = 0;

	if (!len)
		return -ENOSPC;
	for (i = 0; i < sizeof(bits) * 8; i++) {
		if (!(bits & (1UL << i)))
			continue;
		if (pos + 1 >= len) {
			buf[pos] = '\0';
			return -ENOSPC;
		}
		buf[pos++] = i < sizeof(klog_taint_letters) - 1 ?
			     klog_taint_letters[i] : '?';
	}
	buf[pos] = '\0';
	return 0;
}

int klog_open(struct klog *k)
{
	int ret;

	memset(k, 0, sizeof(*k));
	k->wfd = -1;
	ret = -pthread_mutex_init(&k->lock, NULL);
	if (ret)
		goto out;
	k->fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		ret = -errno;
		goto out_destroy;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		ret = -errno;
		goto out_close;
	}
	ret = klog_read_taint(&k->taint_start);
	if (ret)
		goto out_close;
	/* Marks are optional: printk_devkmsg=off refuses writers. */
	k->wfd = open(KMSG_PATH, O_WRONLY | O_CLOEXEC);
	if (k->wfd < 0)
		k->wfd_err = -errno;
	return 0;

out_close:
	close(k->fd);
out_destroy:
	pthread_mutex_destroy(&k->lock);
out:
	k->fd = -1;
	return ret;
}

int klog_mark(struct klog *k, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n, m;

	if (k->wfd < 0)
		return k->wfd_err ? k->wfd_err : -EBADF;
	/* <5>: notice; the kernel files it under LOG_USER. */
	n = snprintf(buf, sizeof(buf), "<5>pinstress: ");
	va_start(ap, fmt);
	m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return -EINVAL;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	/* Over the ratelimit the kernel drops the line and still succeeds. */
	if (write(k->wfd, buf, (size_t)n) < 0)
		return -errno;
	return 0;
}

int klog_close(struct klog *k)
{
	int ret, ret2;

	if (k->fd < 0)
		return -EBADF;
	ret = klog_poll(k);
	ret2 = klog_read_taint(&k->taint_end);
	if (ret >= 0)
		ret = ret2;
	close(k->fd);
	k->fd = -1;
	if (k->wfd >= 0)
		close(k->wfd);
	k->wfd = -1;
	pthread_mutex_destroy(&k->lock);
	return ret;
}

unsigned long klog_new_taint(const struct klog *k)
{
	return k->taint_end & ~k->taint_start;
}
