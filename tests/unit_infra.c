// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of what the matrix is built on: the shared (KSM) stamp and its
 * classification rules, evidence proofs, the compatibility of workloads,
 * backings and faults, tunable save/restore, the page census and the
 * machine-wide counters the report's timeline samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <unistd.h>

#include "backings/backing.h"
#include "kernel/census.h"
#include "verify/classify.h"
#include "compat.h"
#include "verify/evidence.h"
#include "verify/evring.h"
#include "faults/fault.h"
#include "verify/forensics.h"
#include "kernel/kconst.h"
#include "verify/oracle.h"
#include "kernel/pagemap.h"
#include "kernel/tunable.h"
#include "kernel/vmstat.h"
#include "workload.h"

#include "unit.h"

static const uint64_t seed = 0x5eed;

#define TEST_VMSTAT_MAX	32

/* Shared stamps: the same bytes in every block, yet classified per block. */
static void test_shared(size_t bs)
{
	struct oracle o;
	struct stamp_id e3, e5, old, cur;
	uint8_t *a = malloc(bs), *b = malloc(bs);

	oracle_init(&o, 8, 9);
	oracle_next(&o, 3, SRC_MAKE(SRC_CPU, 0), &old);
	oracle_next_shared(&o, 3, &e3);
	oracle_next_shared(&o, 5, &e5);
	stamp_fill(a, bs, seed, &e3);
	stamp_fill(b, bs, seed, &e5);
	CHECK(!memcmp(a, b, bs), "bs %zu: shared stamps of two blocks are identical bytes", bs);
	CHECK(stamp_matches(a, bs, seed, &e3) && stamp_matches(a, bs, seed, &e5),
	      "bs %zu: a shared stamp matches either block's expectation", bs);
	CHECK(classify_block(a, bs, seed, &e3, SIDE_PARENT, NULL) == VC_OK, "shared ok");

	/* The write of the pattern was lost: the old own stamp is still there. */
	stamp_fill(a, bs, seed, &old);
	CHECK(classify_block(a, bs, seed, &e3, SIDE_PARENT, NULL) == VC_LOST_WRITE,
	      "bs %zu: old own stamp where the pattern was expected: lost-write", bs);
	/* A write after the pattern was lost: the merged page is still mapped. */
	oracle_next(&o, 3, SRC_MAKE(SRC_FILE, 1), &cur);
	stamp_fill(a, bs, seed, &e5);
	CHECK(classify_block(a, bs, seed, &cur, SIDE_PARENT, NULL) == VC_LOST_WRITE,
	      "bs %zu: the shared pattern where a later write was expected: lost-write", bs);
	/* Another region's pattern, another block's stamp. */
	e5.region = 10;
	stamp_fill(a, bs, seed, &e5);
	CHECK(classify_block(a, bs, seed, &cur, SIDE_PARENT, NULL) == VC_MISPLACED,
	      "bs %zu: another region's pattern: misplaced", bs);
	old.block = 4;
	stamp_fill(a, bs, seed, &old);
	CHECK(classify_block(a, bs, seed, &e3, SIDE_PARENT, NULL) == VC_MISPLACED,
	      "bs %zu: another block's stamp where the pattern was expected: misplaced", bs);
	/* Across fork: the parent's later write seen by the child is a leak. */
	stamp_fill(a, bs, seed, &cur);
	CHECK(classify_block(a, bs, seed, &e3, SIDE_CHILD, NULL) == VC_LEAK,
	      "bs %zu: child expects the pattern, sees the parent's later write: leak", bs);
	cur.source = SRC_MAKE(SRC_CHILD, 1);
	stamp_fill(a, bs, seed, &cur);
	CHECK(classify_block(a, bs, seed, &e3, SIDE_PARENT, NULL) == VC_LEAK,
	      "bs %zu: parent expects the pattern, sees a child stamp: leak", bs);
	/* Torn still wins over identity. */
	stamp_fill(a, bs, seed, &e3);
	a[bs - 1] ^= 1;
	CHECK(classify_block(a, bs, seed, &e3, SIDE_PARENT, NULL) == VC_TORN, "shared torn");
	CHECK(!strcmp(vclass_name(VC_PIN_DIVERGENCE), "pin-divergence"), "divergence name");
	oracle_destroy(&o);
	free(a);
	free(b);
}

static void test_evidence(void)
{
	struct evidence e;
	char miss[EV_NAME_LEN] = "";
	_Atomic uint64_t *a, *b;

	evidence_init(&e);
	a = evidence_get(&e, "a");
	b = evidence_get(&e, "b");
	CHECK(a && b && a != b && evidence_get(&e, "a") == a, "counters are stable and distinct");
	ev_add(a, 3);
	CHECK(evidence_proven(&e, "a", miss, sizeof(miss)), "a > 0 proves 'a'");
	CHECK(!evidence_proven(&e, "a,b", miss, sizeof(miss)) && !strcmp(miss, "b"),
	      "b = 0: 'a,b' unproven, names b (got '%s')", miss);
	CHECK(!evidence_proven(&e, "c", miss, sizeof(miss)), "an unregistered counter is 0");
	CHECK(evidence_proven(&e, NULL, miss, sizeof(miss)), "no proof needed: proven");
	ev_max(b, 5);
	ev_max(b, 2);
	CHECK(evidence_value(&e, "b") == 5, "ev_max keeps the maximum");
	for (int i = 0; i < EV_MAX + 4; i++) {
		char n[16];

		snprintf(n, sizeof(n), "x%d", i);
		evidence_get(&e, n);
	}
	CHECK(e.n == EV_MAX, "the table stops at EV_MAX");
}

static const struct backing_ops *bk(const char *n)
{
	const struct backing_ops *b = backing_find(n);

	CHECK(b != NULL, "backing %s exists", n);
	return b;
}

/* The combinations that must be refused, and why; and some that must not. */
static void test_compat(void)
{
	const struct workload_ops *od = workload_find("odirect");
	const struct workload_ops *uf = workload_find("uring-fixed");
	const struct fault_ops *po = fault_find("pageout"), *fk = fault_find("fork");
	const struct backing_ops *anon = bk("anon"), *htlb = bk("hugetlb"), *shm = bk("shmem");
	const struct backing_ops *file = bk("file");
	char buf[256];

	if (!od || !uf || !po || !fk || !anon || !htlb || !shm || !file)
		return;
	CHECK(!compat_check(od, anon, anon->caps, po, buf, sizeof(buf)), "pageout on anon");
	CHECK(compat_check(od, htlb, htlb->caps, po, buf, sizeof(buf)) &&
	      strstr(buf, "swappable"), "pageout on hugetlb: needs swappable memory (%s)", buf);
	CHECK(compat_check(od, shm, shm->caps, fk, buf, sizeof(buf)) && strstr(buf, "private"),
	      "fork on shmem: needs private memory (%s)", buf);
	CHECK(compat_check(uf, file, file->caps, NULL, buf, sizeof(buf)) &&
	      strstr(buf, "long-term"), "uring-fixed on file: refused with the reason (%s)", buf);
	CHECK(compat_check(od, anon, caps_effective(anon->caps, 1), po, buf, sizeof(buf)),
	      "pageout on mlocked anon: not applicable");
	CHECK(!compat_check(od, anon, caps_effective(anon->caps, 1), fk, buf, sizeof(buf)),
	      "fork on mlocked anon is fine");
}

static void test_tunable(void)
{
	char path[64] = "/tmp/pinstress-unit-tunable.XXXXXX", buf[64];
	char run_dir[] = "/tmp/pinstress-unit-run.XXXXXX";
	int fd = mkstemp(path);

	/* The restore journal of this test is its own (unit_journal tests the journal). */
	CHECK(mkdtemp(run_dir) && !setenv("PINSTRESS_RUN_DIR", run_dir, 1), "journal dir");

	CHECK(fd >= 0, "temp file");
	if (fd < 0)
		return;
	CHECK(write(fd, "always [madvise] never\n", 23) == 23, "write");
	close(fd);
	CHECK(!tunable_read_choice(path, buf, sizeof(buf)) && !strcmp(buf, "madvise"),
	      "bracketed choice read (%s)", buf);
	CHECK(!tunable_set(path, "never"), "set");
	CHECK(!tunable_set(path, "always"), "set again: the first original stays saved");
	CHECK(tunable_saved_count() == 1, "one saved value");
	CHECK(!tunable_restore_all(), "restore");
	CHECK(!tunable_read(path, buf, sizeof(buf)) && !strcmp(buf, "madvise"),
	      "restored to the original choice (%s)", buf);
	CHECK(tunable_saved_count() == 0, "nothing left saved");
	unlink(path);
	snprintf(path, sizeof(path), "%s/journal", run_dir);
	unlink(path);
	rmdir(run_dir);
}

static void test_census(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE), n = 16;
	uint8_t *p = mmap(NULL, n * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct census c;
	int ret;

	CHECK(p != MAP_FAILED, "mmap");
	madvise(p, n * ps, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < n / 2; i++)
		p[i * ps] = 1;
	ret = census_take(p, n * ps, &c);
	if (ret == -EPERM || ret == -EACCES) {
		printf("census: no /proc/kpageflags access (not root): skipped\n");
		munmap(p, n * ps);
		return;
	}
	CHECK(!ret, "census: %d", ret);
	CHECK(c.pages == n && c.present == n / 2 && c.anon == n / 2,
	      "census: %llu pages, %llu present, %llu anon", (unsigned long long)c.pages,
	      (unsigned long long)c.present, (unsigned long long)c.anon);
	CHECK(c.thp == 0 && c.hugetlb == 0 && c.shmem == 0, "census: no THP, hugetlb or shmem");
	munmap(p, n * ps);
}

/*
 * The event ring: a failure record shows the events on the damaged
 * block's pages, oldest first, even after the ring wrapped; region-wide
 * events (a fault injection) touch every block.
 */
static void test_evring(void)
{
	static struct event out[EVRING_SLOTS];
	struct evring r;
	size_t n, want = 0, newest = 0;

	CHECK(evring_init(&r, 4096) == 0, "evring_init");
	evring_set_self(3, NULL);
	for (size_t i = 0; i < EVRING_SLOTS + 100; i++)
		evring_block(&r, EVK_WRITE, i % 64, SRC_MAKE(SRC_CPU, 3), i);
	evring_set_self(EV_WHO_FAULT + 1, NULL);
	evring_add(&r, EVK_FAULT, 0, 0, 0, 0);
	evring_add(&r, EVK_RANGE, 8 * 4096, 2 * 4096, 0, 0);
	n = evring_collect(&r, 9 * 4096, 4096, out, EVRING_SLOTS, EVRING_SLOTS);
	/* Kept: the last EVRING_SLOTS events, i.e. writes from EVRING_SLOTS + 102 - EVRING_SLOTS on. */
	for (size_t i = 102; i < EVRING_SLOTS + 100; i++)
		want += i % 64 == 9;
	for (size_t i = EVRING_SLOTS + 99; i % 64 != 9; i--)
		newest = i - 1;
	CHECK(n == want + 2, "evring: events on block 9: %zu, want %zu", n, want + 2);
	CHECK(out[n - 1].kind == EVK_RANGE && out[n - 2].kind == EVK_FAULT &&
	      out[n - 1].who == EV_WHO_FAULT + 1, "evring: newest last, with who");
	CHECK(out[0].kind == EVK_WRITE && out[0].off == 9 * 4096 && out[0].who == 3 &&
	      out[0].arg < out[1].arg && out[n - 3].arg == newest,
	      "evring: writes oldest first, newest write of block 9 kept (%llu, want %zu)",
	      (unsigned long long)out[n - 3].arg, newest);
	n = evring_collect(&r, 9 * 4096, 4096, out, 2, 2);
	CHECK(n == 2 && out[0].kind == EVK_FAULT && out[1].kind == EVK_RANGE,
	      "evring: the newest 2, oldest first");
	/* Injections every millisecond must not crowd out the block's own events. */
	for (int i = 0; i < 100; i++)
		evring_add(&r, EVK_FAULT, 0, 0, 0, 0);
	n = evring_collect(&r, 9 * 4096, 4096, out, 8, 3);
	CHECK(n == 8 && out[0].kind == EVK_WRITE && out[4].kind == EVK_RANGE &&
	      out[5].kind == EVK_FAULT && out[7].kind == EVK_FAULT,
	      "evring: at most 3 region-wide events, the block's own before them");
	evring_destroy(&r);
	evring_add(&r, EVK_DONE, 0, 4096, 0, 0);	/* a destroyed ring ignores events */
	CHECK(evring_collect(&r, 0, 4096, out, 4, 4) == 0, "evring: destroyed ring is empty");
}

/* The decoders of the failure record: names a kernel engineer reads. */
static void test_forensics_words(void)
{
	char buf[256];
	uint8_t bytes[3] = { 0x00, 0xab, 0x7f };

	kpf_names((1ULL << 5) | (1ULL << 12) | (1ULL << 14) | (1ULL << 22) | (1ULL << 33) |
		  (1ULL << 50), buf, sizeof(buf));
	CHECK(!strcmp(buf, "lru,anon,swapbacked,thp,mlocked,bit50"), "kpf_names: %s", buf);
	kpf_names(0, buf, sizeof(buf));
	CHECK(!buf[0], "kpf_names of 0 is empty");
	pagemap_describe(PM_PRESENT | PM_EXCLUSIVE | 0x1234, buf, sizeof(buf));
	CHECK(!strcmp(buf, "present pfn 0x1234 exclusive"), "pagemap present: %s", buf);
	pagemap_describe(PM_SWAP | (0x56ULL << 5) | 1, buf, sizeof(buf));
	CHECK(!strcmp(buf, "swapped type 1 offset 0x56"), "pagemap swapped: %s", buf);
	pagemap_describe(0, buf, sizeof(buf));
	CHECK(!strcmp(buf, "not present"), "pagemap none: %s", buf);
	hex_line(bytes, 3, buf, sizeof(buf));
	CHECK(!strcmp(buf, "00 ab 7f"), "hex_line: %s", buf);
}

/*
 * forensics_take on a real block of our own memory: the bytes from the
 * first difference, the page present with its PFN and flags (root), and
 * the VMA's smaps block.
 */
static void test_forensics_take(void)
{
	static struct forensics fx;
	struct stamp_id id = { .region = 1, .source = SRC_MAKE(SRC_CPU, 0), .block = 5, .gen = 2 };
	uint8_t *blk = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(blk != MAP_FAILED, "mmap");
	if (blk == MAP_FAILED)
		return;
	stamp_fill(blk, 4096, seed, &id);
	blk[100] ^= 0x40;
	forensics_take(blk, 4096, seed, &id, 100, &fx);
	CHECK(fx.have_diff && fx.diff_off == 96 && fx.diff_len == FX_DIFF_BYTES &&
	      (fx.want[4] ^ fx.found[4]) == 0x40 && fx.want[5] == fx.found[5],
	      "forensics: bytes from +96, the flipped bit at +100");
	CHECK(fx.npages == 1 && fx.pages[0].vaddr == (uintptr_t)blk &&
	      (fx.pages[0].pagemap & PM_PRESENT), "forensics: the page, present");
	if (geteuid() == 0)
		CHECK((fx.pages[0].pagemap & PM_PFN_MASK) && fx.pages[0].have_kflags &&
		      (fx.pages[0].kflags & (1ULL << 12)), "forensics: PFN and flags (anon)");
	CHECK(!strncmp(fx.smaps, "", 0) && strstr(fx.smaps, "Rss:") &&
	      strtoull(fx.smaps, NULL, 16) == (uintptr_t)blk, "forensics: smaps of its VMA");
	munmap(blk, 8192);
}

/* The PMD size comes from the kernel, and its order agrees with it. */
static void test_kconst(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t v = 0;

	if (!tunable_read_u64("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &v))
		CHECK(pmd_size() == v, "pmd_size() %zu is hpage_pmd_size %llu", pmd_size(),
		      (unsigned long long)v);
	CHECK(pmd_size() >= ps && !(pmd_size() & (pmd_size() - 1)), "pmd_size() %zu: a power of "
	      "two, at least a page", pmd_size());
	CHECK(((size_t)1 << pmd_order()) * ps == pmd_size(), "pmd_order() %u", pmd_order());
}

/* /proc/vmstat in one pass: names picked by prefix, values that move with the faults we take. */
static void test_vmstat(void)
{
	static const char *const want[] = { "pgfault", "compact_*", "no_such_counter" };
	const char *ptr[TEST_VMSTAT_MAX], *missing[] = { "pgfault", "no_such_counter" };
	char names[TEST_VMSTAT_MAX][VMSTAT_NAME_LEN];
	uint64_t v0[TEST_VMSTAT_MAX], v1[TEST_VMSTAT_MAX], one;
	struct cpu_times c0, c1;
	size_t len = 64 * (size_t)sysconf(_SC_PAGESIZE);
	int n = vmstat_names(want, 3, names, TEST_VMSTAT_MAX), pgfault = -1, bad = 0;
	char *p;

	CHECK(n >= 1, "vmstat_names: %d names", n);
	for (int i = 0; i < n; i++) {
		ptr[i] = names[i];
		if (!strcmp(names[i], "pgfault"))
			pgfault = i;
		else if (strncmp(names[i], "compact_", 8))
			bad++;
	}
	CHECK(pgfault >= 0 && !bad, "vmstat_names: pgfault found, %d names that match nothing", bad);
	if (n < 1 || pgfault < 0)
		return;
	CHECK(!vmstat_read_set(ptr, (size_t)n, v0), "vmstat_read_set of %d names", n);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		memset(p, 1, len);
		munmap(p, len);
	}
	CHECK(!vmstat_read_set(ptr, (size_t)n, v1) && v1[pgfault] >= v0[pgfault] + 64,
	      "pgfault %llu -> %llu after faulting 64 pages", (unsigned long long)v0[pgfault],
	      (unsigned long long)v1[pgfault]);
	CHECK(vmstat_read_set(missing, 2, v0) == -ENOENT, "a counter the kernel lacks: -ENOENT");
	CHECK(!vmstat_read("pgfault", &one) && one >= v1[pgfault], "vmstat_read(pgfault) %llu",
	      (unsigned long long)one);

	CHECK(!cpu_times_read(&c0) && c0.total > c0.user + c0.sys, "/proc/stat cpu: %llu ticks",
	      (unsigned long long)c0.total);
	/* A tick is 10 ms of some CPU: bounded to about a second of reads. */
	c1 = c0;
	for (int i = 0; i < 50000 && c1.total == c0.total; i++)
		if (cpu_times_read(&c1))
			break;
	CHECK(c1.total > c0.total && c1.user + c1.sys >= c0.user + c0.sys,
	      "CPU time goes on: %llu -> %llu ticks", (unsigned long long)c0.total,
	      (unsigned long long)c1.total);
}

int main(void)
{
	static const size_t sizes[] = { 512, 4096, 65536, 2u << 20 };

	for (size_t s = 0; s < 4; s++)
		test_shared(sizes[s]);
	test_evidence();
	test_compat();
	test_tunable();
	test_census();
	test_evring();
	test_forensics_words();
	test_forensics_take();
	test_kconst();
	test_vmstat();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
