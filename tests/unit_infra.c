// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of what the matrix is built on: the shared (KSM) stamp and its
 * classification rules, evidence proofs, the compatibility of workloads,
 * backings and faults, tunable save/restore and the page census.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <errno.h>
#include <unistd.h>

#include "backing.h"
#include "census.h"
#include "classify.h"
#include "evidence.h"
#include "fault.h"
#include "oracle.h"
#include "tunable.h"
#include "workload.h"

#include "unit.h"

static const uint64_t seed = 0x5eed;

/* The tables link every item; nothing here runs a job, so the driver's side is empty. */
bool run_stopping(const struct run_ctx *run) { (void)run; return true; }
double run_elapsed(const struct run_ctx *run) { (void)run; return 0; }
const struct job *run_job_at(const struct run_ctx *run, unsigned int i) { (void)run; (void)i; return NULL; }
void run_stop(struct run_ctx *run) { (void)run; }
void run_report_mismatch(struct job *j, size_t b, const struct stamp_id *e,
			 const struct vfinding *f, enum detected_by by)
{ (void)j; (void)b; (void)e; (void)f; (void)by; }
void run_report_child(struct job *j, size_t b, const struct stamp_id *e, const struct vfinding *f)
{ (void)j; (void)b; (void)e; (void)f; }
void run_report_divergence(struct job *j, size_t b, const struct stamp_id *e,
			   const struct vfinding *f)
{ (void)j; (void)b; (void)e; (void)f; }
void run_note(struct run_ctx *run, const char *fmt, ...) { (void)run; (void)fmt; }

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
	char path[] = "/tmp/pinstress-unit-tunable.XXXXXX", buf[64];
	int fd = mkstemp(path);

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

int main(void)
{
	static const size_t sizes[] = { 512, 4096, 65536, 2u << 20 };

	for (size_t s = 0; s < 4; s++)
		test_shared(sizes[s]);
	test_evidence();
	test_compat();
	test_tunable();
	test_census();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
