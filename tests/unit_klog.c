// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test for lib/kernel/klog.c: the kernel-log watch must put real /dev/kmsg
 * records in the right class (a soft lockup is a lockup, not a BUG; our own
 * marker is never an error), reject malformed records, decode taint bits,
 * and, when run as root, read the live log without false alarms.
 * Exit 0 when every check passes, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/klog.h"

static int passed, failed;

static void check(int ok, const char *what, const char *detail)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%s: %s%s%s\n", ok ? "ok" : "FAIL", what,
	       detail ? ": " : "", detail ? detail : "");
}

struct rec_case {
	const char *rec;
	int rc;			/* klog_parse_record() result */
	enum klog_class cls;
	int level;
	int facility;
	uint64_t seq;
	uint64_t ts;
	const char *msg;	/* expected message, NULL: the part after ';' */
};

static const struct rec_case rec_cases[] = {
	{ "4,1234,5678901,-;------------[ cut here ]------------\n", 0,
	  KLOG_WARNING, 4, 0, 1234, 5678901, "------------[ cut here ]------------" },
	{ "4,1235,5678902,-;WARNING: CPU: 1 PID: 42 at mm/gup.c:123 try_grab_folio+0x1/0x2\n",
	  0, KLOG_WARNING, 4, 0, 1235, 5678902, NULL },
	/* v6.15+ splat header */
	{ "4,1236,5678903,-;WARNING: mm/gup.c:123 at try_grab_folio+0x1/0x2, CPU#1: pinstress/42\n",
	  0, KLOG_WARNING, 4, 0, 1236, 5678903, NULL },
	{ "1,99,123,-;BUG: Bad page state in process pinstress  pfn:12345\n", 0,
	  KLOG_BAD_PAGE, 1, 0, 99, 123, NULL },
	{ "3,100,124,-;BUG: Bad rss-counter state mm:000000001 type:MM_ANONPAGES val:-1\n",
	  0, KLOG_BAD_PAGE, 3, 0, 100, 124, NULL },
	{ "1,98,122,-;Bad page map in process pinstress  pte:8000000012345867 pmd:1234067\n",
	  0, KLOG_BAD_PAGE, 1, 0, 98, 122, NULL },
	{ "0,101,125,-;Kernel panic - not syncing: Fatal exception\n", 0,
	  KLOG_PANIC, 0, 0, 101, 125, NULL },
	{ "0,97,121,-;Kernel panic - not syncing: softlockup: hung tasks\n", 0,
	  KLOG_PANIC, 0, 0, 97, 121, NULL },
	{ "6,102,126,-;pinstress: start seed=1 profile=smoke\n", 0,
	  KLOG_BENIGN, 6, 0, 102, 126, NULL },
	/* what klog_mark() really produces: facility user */
	{ "13,110,140,-;pinstress: unit test marker\n", 0,
	  KLOG_BENIGN, 5, 1, 110, 140, NULL },
	{ "6,103,127,-;EXT4-fs (vda): mounted filesystem\n", 0,
	  KLOG_BENIGN, 6, 0, 103, 127, NULL },
	{ "3,107,131,-;BUG: Bad page state in process kworker/0:1  pfn:1f00\n SUBSYSTEM=pci\n DEVICE=+pci:0000:00:01.0\n",
	  0, KLOG_BAD_PAGE, 3, 0, 107, 131,
	  "BUG: Bad page state in process kworker/0:1  pfn:1f00" },
	{ "4,104,128,-;watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [pinstress:42]\n",
	  0, KLOG_LOCKUP, 4, 0, 104, 128, NULL },
	{ "3,105,129,-;INFO: task kworker:12 blocked for more than 120 seconds.\n",
	  0, KLOG_LOCKUP, 3, 0, 105, 129, NULL },
	{ "3,106,130,-;\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n",
	  0, KLOG_LOCKUP, 3, 0, 106, 130, NULL },
	{ "3,111,141,-;rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
	  0, KLOG_LOCKUP, 3, 0, 111, 141, NULL },
	{ "3,112,142,-;rcu: INFO: rcu_sched self-detected stall on CPU\n",
	  0, KLOG_LOCKUP, 3, 0, 112, 142, NULL },
	{ "0,113,143,-;Watchdog detected hard LOCKUP on cpu 3\n",
	  0, KLOG_LOCKUP, 0, 0, 113, 143, NULL },
	{ "4,114,144,-;WARNING: possible circular locking dependency detected\n",
	  0, KLOG_LOCKDEP, 4, 0, 114, 144, NULL },
	{ "4,115,145,-;WARNING: inconsistent lock state\n",
	  0, KLOG_LOCKDEP, 4, 0, 115, 145, NULL },
	{ "4,116,146,-;WARNING: possible recursive locking detected\n",
	  0, KLOG_LOCKDEP, 4, 0, 116, 146, NULL },
	{ "3,117,147,-;BUG: KASAN: slab-use-after-free in folio_try_get+0x2a/0x90\n",
	  0, KLOG_KASAN, 3, 0, 117, 147, NULL },
	{ "3,118,148,-;UBSAN: array-index-out-of-bounds in mm/gup.c:2000:10\n",
	  0, KLOG_KASAN, 3, 0, 118, 148, NULL },
	{ "3,119,149,-;BUG: KFENCE: out-of-bounds read in pin_user_pages+0x10/0x20\n",
	  0, KLOG_KASAN, 3, 0, 119, 149, NULL },
	/* "KASAN" without the colon is a config tag, the fault is a GPF */
	{ "4,120,150,-;Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN NOPTI\n",
	  0, KLOG_GPF, 4, 0, 120, 150, NULL },
	{ "4,121,151,-;Oops: 0002 [#1] PREEMPT SMP PTI\n",
	  0, KLOG_OOPS, 4, 0, 121, 151, NULL },
	{ "1,122,152,-;BUG: kernel NULL pointer dereference, address: 0000000000000008\n",
	  0, KLOG_BUG, 1, 0, 122, 152, NULL },
	{ "0,123,153,-;kernel BUG at mm/huge_memory.c:2345!\n",
	  0, KLOG_BUG, 0, 0, 123, 153, NULL },
	{ "0,124,154,-;page dumped because: VM_BUG_ON_FOLIO(!folio_test_locked(folio))\n",
	  0, KLOG_PAGE_DUMP, 0, 0, 124, 154, NULL },
	{ "3,125,155,-;list_add corruption. prev->next should be next (ffff888100000000), but was 0000000000000000. (prev=ffff888100000010).\n",
	  0, KLOG_LIST, 3, 0, 125, 155, NULL },
	{ "3,126,156,-;list_del corruption, ffff888100000000->next is LIST_POISON1 (dead000000000100)\n",
	  0, KLOG_LIST, 3, 0, 126, 156, NULL },
	{ "3,127,157,-;rss-counter mm:00000000deadbeef type:MM_SHMEMPAGES val:-1\n",
	  0, KLOG_RSS, 3, 0, 127, 157, NULL },
	/* the splat's second line carries "Tainted:", not an error word */
	{ "4,128,158,-;CPU: 1 UID: 0 PID: 42 Comm: pinstress Tainted: G        W          6.18.0 #1 PREEMPT(voluntary)\n",
	  0, KLOG_BENIGN, 4, 0, 128, 158, NULL },
	/* a WARN splat in bugs.c is not the boot advice the allowlist skips */
	{ "4,129,159,-;WARNING: CPU: 0 PID: 0 at arch/x86/kernel/cpu/bugs.c:900 spectre_v2_select_mitigation+0x10/0x20\n",
	  0, KLOG_WARNING, 4, 0, 129, 159, NULL },
	/* boot-time advisories, seen on real machines */
	{ "4,5,251593,-;Speculative Return Stack Overflow: WARNING: See https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.\n",
	  0, KLOG_BENIGN, 4, 0, 5, 251593, NULL },
	{ "3,6,251594,-;Spectre V2 : WARNING: Unprivileged eBPF is enabled with eIBRS on, data leaks possible via Spectre v2 BHB attacks!\n",
	  0, KLOG_BENIGN, 3, 0, 6, 251594, NULL },
	{ "3,7,251595,-;RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!\n",
	  0, KLOG_BENIGN, 3, 0, 7, 251595, NULL },
	{ "5,1,108632,-;Kernel command line: console=ttyS0 panic=1 hung_task_panic=1 softlockup_panic=1\n",
	  0, KLOG_BENIGN, 5, 0, 1, 108632, NULL },
	{ "4,0,0,-;[Firmware Bug]: TSC doesn't count with P0 frequency!\n",
	  0, KLOG_BENIGN, 4, 0, 0, 0, NULL },
	{ "6,2,288885,-;PCI: Using host bridge windows from ACPI; if necessary, use \"pci=nocrs\" and report a bug\n",
	  0, KLOG_BENIGN, 6, 0, 2, 288885, NULL },
	/* extra prefix fields (CONFIG_PRINTK_CALLER) and a continuation flag */
	{ "4,130,160,-,caller=T42;WARNING: CPU: 2 PID: 42 at mm/memory.c:1 f+0x0/0x1\n",
	  0, KLOG_WARNING, 4, 0, 130, 160, NULL },
	{ "6,131,161,c;EXT4-fs (vda): re-mounted\n", 0,
	  KLOG_BENIGN, 6, 0, 131, 161, NULL },
	{ "6,132,162,-;\n", 0, KLOG_BENIGN, 6, 0, 132, 162, "" },
	/* malformed */
	{ "", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "no header at all\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "4,abc,1,-;BUG: x\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "4,1,2;BUG: missing flags\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "4,1,2,;BUG: empty flags\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "4,1,2,-BUG: no semicolon\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "-4,1,2,-;BUG: negative\n", -EINVAL, KLOG_BENIGN, 0, 0, 0, 0, NULL },
	{ "4,99999999999999999999999,2,-;BUG: overflow\n", -EINVAL,
	  KLOG_BENIGN, 0, 0, 0, 0, NULL },
};

static void test_records(void)
{
	char what[96], detail[160];
	struct klog_record r;
	const char *want;
	size_t i;

	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		const struct rec_case *c = &rec_cases[i];
		enum klog_class cls;
		int rc, ok;

		memset(&r, 0xa5, sizeof(r));
		rc = klog_parse_record(c->rec, strlen(c->rec), &r);
		snprintf(what, sizeof(what), "record %zu \"%.40s\"", i, c->rec);
		for (char *q = what; *q; q++)
			if (*q == '\n')
				*q = '|';
		if (rc != c->rc || rc) {
			snprintf(detail, sizeof(detail), "parse rc %d want %d",
				 rc, c->rc);
			check(rc == c->rc, what, detail);
			continue;
		}
		want = c->msg ? c->msg : strchr(c->rec, ';') + 1;
		ok = r.level == c->level && r.facility == c->facility &&
		     r.seq == c->seq && r.ts_usec == c->ts &&
		     !strncmp(r.message, want, strlen(r.message)) &&
		     want[strlen(r.message)] == (c->msg ? '\0' : '\n');
		cls = klog_classify(r.message);
		ok = ok && cls == c->cls;
		snprintf(detail, sizeof(detail),
			 "lvl %d fac %d seq %" PRIu64 " ts %" PRIu64 " -> %s (want %s)",
			 r.level, r.facility, r.seq, r.ts_usec,
			 klog_class_name(cls), klog_class_name(c->cls));
		check(ok, what, detail);
	}
}

static void test_parse_edges(void)
{
	static const char rec[] = "4,1,2,-;BUG: cut short";
	char big[KLOG_LINE_MAX + 200];
	struct klog_record r;
	int rc;

	/* len is honoured: the record need not be NUL-terminated */
	rc = klog_parse_record(rec, 6, &r);
	check(rc == -EINVAL, "parse stops at len (inside header)", NULL);
	rc = klog_parse_record(rec, 12, &r);
	check(rc == 0 && !strcmp(r.message, "BUG:"),
	      "parse stops at len (inside message)", r.message);

	/* long messages are truncated to KLOG_LINE_MAX - 1 */
	memset(big, 'x', sizeof(big));
	memcpy(big, "4,1,2,-;", 8);
	rc = klog_parse_record(big, sizeof(big), &r);
	check(rc == 0 && strlen(r.message) == KLOG_LINE_MAX - 1,
	      "long message truncated to 511", NULL);
}

static void test_names(void)
{
	static const char *const want[KLOG_NR_CLASSES] = {
		"benign", "panic", "bug", "warning", "oops", "gpf", "bad-page",
		"rss-counter", "list-corruption", "lockup", "page-dump",
		"lockdep", "sanitizer",
	};
	int i, ok = 1;

	for (i = 0; i < KLOG_NR_CLASSES; i++)
		ok = ok && !strcmp(klog_class_name((enum klog_class)i), want[i]);
	check(ok, "class names", NULL);
	check(!strcmp(klog_class_name(KLOG_NR_CLASSES), "unknown"),
	      "class name out of range", NULL);
	check(klog_classify("pinstress: BUG: our own words") == KLOG_BENIGN,
	      "own marker is benign whatever it says", NULL);
	check(klog_classify("BUG: pinstress: not a marker") == KLOG_BUG,
	      "marker allowlist is a prefix match", NULL);
}

static void test_taint(void)
{
	static const struct {
		unsigned long bits;
		const char *want;
	} cases[] = {
		{ 0, "" },
		{ (1UL << 9) | (1UL << 13), "WE" },	/* W warn, E unsigned module */
		{ (1UL << 7) | (1UL << 9), "DW" },	/* D die, W warn */
		{ 1UL << 5, "B" },			/* bad page */
		{ (1UL << 20) - 1, "PFSRMBUDAWCIOELKXTNJ" },
		{ (1UL << 25) | 1, "P?" },
	};
	char buf[64], what[64];
	unsigned long t = 0;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = klog_taint_names(cases[i].bits, buf, sizeof(buf));
		snprintf(what, sizeof(what), "taint 0x%lx -> \"%s\"",
			 cases[i].bits, cases[i].want);
		check(rc == 0 && !strcmp(buf, cases[i].want), what, buf);
	}
	rc = klog_taint_names(0x280, buf, 2);
	check(rc == -ENOSPC && !strcmp(buf, "D"), "taint buffer too small", buf);
	rc = klog_read_taint(&t);
	snprintf(what, sizeof(what), "read taint (%lu)", t);
	check(rc == 0, what, NULL);
}

#define FEED(k, s)	klog_feed(k, s, sizeof(s) - 1)

/*
 * After test_store's feed (2 good records, 1 malformed, 70 warnings with
 * seq 10..79): the failure record's "kernel log lines" are the last
 * KLOG_RECENT records of any kind, oldest first, benign ones included.
 */
static void test_recent(struct klog *k)
{
	static struct klog_line out[KLOG_RECENT];
	unsigned int n;

	k->fd = -1;	/* nothing more to read */
	n = klog_recent(k, out, KLOG_RECENT);
	check(n == KLOG_RECENT && k->nrecent == KLOG_MAX_LINES + 8, "recent: last 32 of 72", NULL);
	check(out[0].seq == 10 + KLOG_MAX_LINES + 6 - KLOG_RECENT &&
	      out[KLOG_RECENT - 1].seq == 10 + KLOG_MAX_LINES + 5 && out[0].cls == KLOG_WARNING,
	      "recent: oldest first, classified", out[0].msg);
	n = klog_recent(k, out, 3);
	check(n == 3 && out[2].seq == 10 + KLOG_MAX_LINES + 5, "recent: the newest 3", NULL);
	memset(k->recent, 0, sizeof(k->recent));
	k->nrecent = 0;
	check(FEED(k, "6,500,5,-;EXT4-fs (vda): mounted\n") == 0 && klog_recent(k, out, 8) == 1 &&
	      out[0].cls == KLOG_BENIGN && !strcmp(out[0].msg, "EXT4-fs (vda): mounted"),
	      "recent keeps benign records", out[0].msg);
}

static void test_store(void)
{
	static struct klog k;
	char rec[KLOG_LINE_MAX + 64];
	int i, n, rc, ok = 1;

	memset(&k, 0, sizeof(k));
	pthread_mutex_init(&k.lock, NULL);
	check(FEED(&k, "6,1,1,-;EXT4-fs (vda): mounted\n") == 0,
	      "feed benign", NULL);
	/* a userspace writer cannot fake a kernel report */
	check(FEED(&k, "12,2,2,-;BUG: from userspace\n") == 0,
	      "feed user-facility BUG is ignored", NULL);
	check(FEED(&k, "garbage") == -EINVAL && k.nmalformed == 1,
	      "feed malformed counted", NULL);
	for (i = 0; i < KLOG_MAX_LINES + 6; i++) {
		n = snprintf(rec, sizeof(rec), "4,%d,%d,-;WARNING: CPU: 0 PID: %d at mm/gup.c:1 x\n",
			     10 + i, 1000 + i, i);
		rc = klog_feed(&k, rec, (size_t)n);
		ok = ok && rc == 1;
	}
	check(ok, "feed 70 warnings", NULL);
	check(k.nbad == KLOG_MAX_LINES + 6 && k.nlines == KLOG_MAX_LINES &&
	      k.count[KLOG_WARNING] == KLOG_MAX_LINES + 6,
	      "all counted, 64 kept", NULL);
	check(k.lines[0].cls == KLOG_WARNING && k.lines[0].seq == 10 &&
	      k.lines[0].ts_usec == 1000 && k.lines[0].level == 4 &&
	      !strcmp(k.lines[0].msg, "WARNING: CPU: 0 PID: 0 at mm/gup.c:1 x"),
	      "first kept line", k.lines[0].msg);
	check(k.lines[KLOG_MAX_LINES - 1].seq == 10 + KLOG_MAX_LINES - 1,
	      "last kept line is the 64th", NULL);
	check(k.nrecords == KLOG_MAX_LINES + 9, "records counted", NULL);
	test_recent(&k);
	pthread_mutex_destroy(&k.lock);
}

static void test_live(void)
{
	static struct klog k;
	char buf[64];
	int rc, marked;

	if (geteuid() != 0) {
		printf("skip: not root\n");
		return;
	}
	rc = klog_open(&k);
	if (rc) {
		snprintf(buf, sizeof(buf), "%s", strerror(-rc));
		check(0, "klog_open", buf);
		return;
	}
	check(1, "klog_open", NULL);
	rc = klog_mark(&k, "unit test marker");
	marked = rc == 0;
	if (rc == -EPERM)
		printf("skip: /dev/kmsg not writable (printk_devkmsg=off)\n");
	else
		check(rc == 0, "klog_mark", rc ? strerror(-rc) : NULL);
	rc = klog_poll(&k);
	snprintf(buf, sizeof(buf), "rc %d, %lu records read", rc, k.nrecords);
	check(rc == 0 && k.nbad == 0, "klog_poll: no bad records", buf);
	if (marked)
		check(k.nrecords >= 1, "klog_poll read our marker", buf);
	rc = klog_close(&k);
	check(rc == 0, "klog_close", rc ? strerror(-rc) : NULL);
	check(klog_new_taint(&k) == 0, "no new taint", NULL);
	check(klog_close(&k) == -EBADF, "second close refused", NULL);
}

/*
 * klog_contains() finds a record written now (how a hugetlb fork child's
 * "killed due to inadequate hugepage pool" is confirmed) and not one that
 * was never written.
 */
static void test_contains(void)
{
	char mark[96], other[96], line[100];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0) {
		check(1, "contains: skipped (cannot write /dev/kmsg)", NULL);
		return;
	}
	snprintf(mark, sizeof(mark), "pinstress unit_klog contains %d.%ld", (int)getpid(),
		 (long)time(NULL));
	snprintf(other, sizeof(other), "pinstress unit_klog never %d.%ld", (int)getpid(),
		 (long)time(NULL));
	/* With its newline: an unterminated record stays open, unseen by readers, until the next. */
	snprintf(line, sizeof(line), "%s\n", mark);
	check(write(fd, line, strlen(line)) == (ssize_t)strlen(line), "contains: marker written", NULL);
	close(fd);
	check(klog_contains(mark) == 1, "contains: finds the marker", mark);
	check(klog_contains(other) == 0, "contains: not what was never written", other);
}

int main(void)
{
	test_records();
	test_parse_edges();
	test_names();
	test_taint();
	test_store();
	test_contains();
	test_live();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
