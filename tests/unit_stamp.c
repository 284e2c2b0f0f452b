// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the stamp, the oracle and classification: every class is
 * planted and the exact class asserted, at several block sizes and from
 * both sides of a fork, plus the oracle's ownership and fork-stability
 * rules that make false positives impossible.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "verify/classify.h"
#include "verify/oracle.h"
#include "verify/plant.h"
#include "verify/second_look.h"

#include "unit.h"

static const uint64_t seed = 0x1234abcd;

static void test_roundtrip(size_t bs)
{
	struct stamp_id id = { 3, SRC_MAKE(SRC_CPU, 1), 42, 7 }, got;
	uint8_t *blk = malloc(bs);

	stamp_fill(blk, bs, seed, &id);
	CHECK(stamp_matches(blk, bs, seed, &id), "bs %zu: stamp matches itself", bs);
	CHECK(stamp_hdr_valid(blk, bs, seed), "bs %zu: header valid", bs);
	stamp_hdr_id(blk, &got);
	CHECK(stamp_id_equal(&got, &id), "bs %zu: decoded id", bs);
	CHECK(!stamp_matches(blk, bs, seed + 1, &id), "bs %zu: another run's seed rejected", bs);
	CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_OK, "bs %zu: ok", bs);
	CHECK(stamp_expected_payload_hash(bs, seed, &id) == stamp_payload_hash(blk, bs, seed),
	      "bs %zu: expected payload hash equals the real one", bs);
	CHECK(classify_first_diff(blk, bs, seed, &id, malloc(bs)) == bs, "bs %zu: no diff", bs);
	free(blk);
}

static void test_planted(size_t bs, enum vclass cls, enum vside side)
{
	struct stamp_id id = { 3, SRC_MAKE(SRC_FILE, 9), 42, 7 };
	uint8_t *blk = malloc(bs);
	struct vfinding f;
	struct rng r;

	rng_seed(&r, bs * 31 + cls);
	stamp_fill(blk, bs, seed, &id);
	CHECK(plant_damage(blk, bs, seed, &id, cls, side, &r) == 0, "plant %s", vclass_name(cls));
	classify_block(blk, bs, seed, &id, side, &f);
	CHECK(f.cls == cls, "bs %zu side %d: planted %s classified %s", bs, side, vclass_name(cls),
	      vclass_name(f.cls));
	free(blk);
}

/* Hand-made damage that plant.c does not produce. */
static void test_special(size_t bs)
{
	struct stamp_id id = { 3, SRC_MAKE(SRC_FILE, 9), 42, 7 }, other = id;
	uint8_t *blk = malloc(bs);

	/* A bit flip in the header only: the payload is intact, so torn, not garbage. */
	stamp_fill(blk, bs, seed, &id);
	blk[20] ^= 1;
	CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_TORN,
	      "bs %zu: header bit flip is torn", bs);
	/* Another region's stamp: misplaced. */
	other.region = 4;
	stamp_fill(blk, bs, seed, &other);
	CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_MISPLACED,
	      "bs %zu: other region is misplaced", bs);
	/* Same generation, another writer: misplaced. */
	other = id;
	other.source = SRC_MAKE(SRC_CPU, 0);
	stamp_fill(blk, bs, seed, &other);
	CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_MISPLACED,
	      "bs %zu: other writer same gen is misplaced", bs);
	/* Lost by several generations is still a lost write. */
	other = id;
	other.gen = 1;
	stamp_fill(blk, bs, seed, &other);
	CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_LOST_WRITE,
	      "bs %zu: 6 generations stale is lost-write", bs);
	/* Half of an older write, half of the expected one: torn. */
	if (bs >= 1024) {
		uint8_t *half = malloc(bs);

		stamp_fill(blk, bs, seed, &id);
		stamp_fill(half, bs, seed, &other);
		memcpy(blk + bs / 2, half + bs / 2, bs / 2);
		CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_TORN,
		      "bs %zu: two writes in one block is torn", bs);
		/* Second stamp landed mid-block over a wrecked header: still torn. */
		memset(blk, 0xee, bs);
		stamp_fill(blk + bs / 2, bs / 2, seed, &other);
		CHECK(classify_block(blk, bs, seed, &id, SIDE_PARENT, NULL) == VC_TORN,
		      "bs %zu: stamp inside a block is torn", bs);
		free(half);
	}
	/* Child: its own stamp lost to the pre-fork content is a lost write ... */
	struct stamp_id child = id;

	child.gen = id.gen + 1;
	child.source = SRC_MAKE(SRC_CHILD, 1);
	stamp_fill(blk, bs, seed, &id);
	CHECK(classify_block(blk, bs, seed, &child, SIDE_CHILD, NULL) == VC_LOST_WRITE,
	      "bs %zu: child sees pre-fork data over its own write: lost-write", bs);
	/* ... and the parent's next write, same generation, is a leak. */
	other = id;
	other.gen = id.gen + 1;
	stamp_fill(blk, bs, seed, &other);
	CHECK(classify_block(blk, bs, seed, &child, SIDE_CHILD, NULL) == VC_LEAK,
	      "bs %zu: child sees parent's later write over its own: leak", bs);
	free(blk);
}

/*
 * The vmsplice workload's pipe checks: (a) the child's reference, compared
 * from the child's side, holds the parent's next CPU write; (b) the
 * parent's reference holds the child's write.  Both are leaks; the old
 * content in either pipe is what must be there.
 */
static void test_pipe_leak(size_t bs)
{
	struct stamp_id old = { 3, SRC_MAKE(SRC_CPU, 1), 42, 7 }, newer = old, child = old;
	uint8_t *blk = malloc(bs);

	newer.gen = old.gen + 1;
	child.gen = old.gen + 1;
	child.source = SRC_MAKE(SRC_CHILD, 0x800001);
	stamp_fill(blk, bs, seed, &newer);
	CHECK(classify_block(blk, bs, seed, &old, SIDE_CHILD, NULL) == VC_LEAK,
	      "bs %zu: child's pipe holds the parent's newer cpu write: leak", bs);
	/* Even from the initial fill: any later parent generation is a leak. */
	old.source = SRC_MAKE(SRC_INIT, 0);
	newer.gen = old.gen + 3;
	stamp_fill(blk, bs, seed, &newer);
	CHECK(classify_block(blk, bs, seed, &old, SIDE_CHILD, NULL) == VC_LEAK,
	      "bs %zu: child's pipe holds a later parent generation: leak", bs);
	stamp_fill(blk, bs, seed, &child);
	CHECK(classify_block(blk, bs, seed, &old, SIDE_PARENT, NULL) == VC_LEAK,
	      "bs %zu: parent's pipe holds the child's write: leak", bs);
	stamp_fill(blk, bs, seed, &old);
	CHECK(classify_block(blk, bs, seed, &old, SIDE_CHILD, NULL) == VC_OK &&
	      classify_block(blk, bs, seed, &old, SIDE_PARENT, NULL) == VC_OK,
	      "bs %zu: the spliced view itself is ok from both sides", bs);
	free(blk);
}

/* A copy read back through the pin: equal is ok, anything else is pin-divergence. */
static void test_readback(size_t bs)
{
	struct stamp_id id = { 3, SRC_MAKE(SRC_CPU, 1), 42, 7 }, old = id;
	uint8_t *copy = malloc(bs);
	struct vfinding f;

	stamp_fill(copy, bs, seed, &id);
	CHECK(classify_readback(copy, bs, seed, &id, &f) == VC_OK && f.cls == VC_OK,
	      "bs %zu: equal readback is ok", bs);
	/* The pin still points at the page of an older write. */
	old.gen = 5;
	old.source = SRC_MAKE(SRC_FILE, 2);
	stamp_fill(copy, bs, seed, &old);
	CHECK(classify_readback(copy, bs, seed, &id, &f) == VC_PIN_DIVERGENCE &&
	      f.cls == VC_PIN_DIVERGENCE && f.found_valid && stamp_id_equal(&f.found, &old),
	      "bs %zu: old page through the pin is pin-divergence, found decoded", bs);
	/* A fresh zero page behind the pin: still the pin's, nothing to decode. */
	memset(copy, 0, bs);
	CHECK(classify_readback(copy, bs, seed, &id, &f) == VC_PIN_DIVERGENCE && !f.found_valid,
	      "bs %zu: zero readback is pin-divergence without a stamp", bs);
	/* One flipped payload byte is enough. */
	stamp_fill(copy, bs, seed, &id);
	copy[bs - 1] ^= 0x40;
	CHECK(classify_readback(copy, bs, seed, &id, NULL) == VC_PIN_DIVERGENCE,
	      "bs %zu: one flipped byte is pin-divergence", bs);
	free(copy);
}

/*
 * Second look.  A fake page-table reader stands for the kernel's view: it
 * holds the expected stamp while the block the CPU loads does not, which
 * is what a stale TLB entry looks like from user space.
 */
static const void *pt_fake_src;
static sem_t pt_fake_read;	/* posted once the page tables were read */

static int pt_fake(void *dst, const void *addr, size_t len)
{
	(void)addr;
	memcpy(dst, pt_fake_src, len);
	sem_post(&pt_fake_read);
	return 0;
}

struct heal_arg {
	uint8_t *blk;
	const uint8_t *good;
	size_t bs;
};

/*
 * The "flush": 3 ms after the second look read the page tables, the CPU's
 * view becomes the page-table view.  Counted from that read, not from the
 * thread's start: on a loaded machine the look's own setup (a 2 MiB copy)
 * took longer than 3 ms, and it found the block already healed.
 */
static void *heal_later(void *p)
{
	struct heal_arg *a = p;
	struct timespec ts = { 0, 3000000 };

	while (sem_wait(&pt_fake_read) && errno == EINTR)
		;
	nanosleep(&ts, NULL);
	memcpy(a->blk, a->good, a->bs);
	return NULL;
}

static void test_second_look(size_t bs)
{
	struct stamp_id id = { 3, SRC_MAKE(SRC_FILE, 9), 42, 7 }, old = id;
	uint8_t *blk = malloc(bs), *good = malloc(bs);
	struct heal_arg a = { blk, good, bs };
	struct vfinding f;
	pthread_t t;

	old.gen = 6;
	sem_init(&pt_fake_read, 0, 0);
	stamp_fill(good, bs, seed, &id);
	stamp_fill(blk, bs, seed, &old);
	pt_fake_src = good;

	/* The CPU keeps the old page past the bound: stale-tlb, not healed. */
	classify_block(blk, bs, seed, &id, SIDE_PARENT, &f);
	CHECK(f.cls == VC_LOST_WRITE, "bs %zu: the load alone says lost-write", bs);
	CHECK(second_look(blk, bs, seed, &id, &f, pt_fake) && f.cls == VC_STALE_TLB &&
	      f.found_valid && stamp_id_equal(&f.found, &old) && f.stale_us == -1,
	      "bs %zu: page tables right, load wrong past the bound: stale-tlb, unhealed", bs);

	/* The flush arrives 3 ms later: stale-tlb with the time it took. */
	classify_block(blk, bs, seed, &id, SIDE_PARENT, &f);
	while (!sem_trywait(&pt_fake_read))
		;	/* the first look's post */
	pthread_create(&t, NULL, heal_later, &a);
	CHECK(second_look(blk, bs, seed, &id, &f, pt_fake) && f.cls == VC_STALE_TLB &&
	      f.stale_us >= 2000 && f.stale_us < SECOND_LOOK_BOUND_US,
	      "bs %zu: healed after 3 ms: stale-tlb for %ld us", bs, f.stale_us);
	pthread_join(t, NULL);

	/* Real page tables (/proc/self/mem): real damage stays what it is. */
	stamp_fill(blk, bs, seed, &old);
	classify_block(blk, bs, seed, &id, SIDE_PARENT, &f);
	CHECK(!second_look(blk, bs, seed, &id, &f, pt_view_read) && f.cls == VC_LOST_WRITE,
	      "bs %zu: a really old block is lost-write after the second look", bs);
	memset(blk, 0, bs);
	classify_block(blk, bs, seed, &id, SIDE_PARENT, &f);
	CHECK(!second_look(blk, bs, seed, &id, &f, pt_view_read) && f.cls == VC_ZEROED,
	      "bs %zu: a really zeroed block stays zeroed", bs);
	CHECK(pt_view_read(good + 0, blk, bs) == 0 && !memcmp(good, blk, bs),
	      "bs %zu: /proc/self/mem reads what the CPU sees", bs);
	free(blk);
	free(good);
	sem_destroy(&pt_fake_read);
}

static void test_oracle(void)
{
	struct oracle o;
	struct stamp_id id;
	uint64_t snap[8], bm[1];

	CHECK(oracle_init(&o, 8, 5) == 0, "oracle init");
	CHECK(oracle_claim(&o, 1, BLK_BUSY), "claim idle block");
	CHECK(!oracle_claim(&o, 1, BLK_SCRUB), "scrubber cannot claim a busy block");
	oracle_next(&o, 1, SRC_MAKE(SRC_CPU, 0), &id);
	CHECK(id.gen == 1 && id.block == 1 && id.region == 5, "next generation");
	oracle_release(&o, 1, true);
	CHECK(oracle_claim(&o, 1, BLK_SCRUB), "released block claimable");
	oracle_release(&o, 1, false);

	/* Fork stability: idle-and-unchanged only. */
	oracle_claim(&o, 2, BLK_BUSY);			/* in flight across the fork */
	oracle_claim(&o, 3, BLK_SCRUB);			/* being scrubbed: stable */
	oracle_snapshot(&o, snap);
	oracle_claim(&o, 4, BLK_BUSY);			/* written between snapshot and check */
	oracle_release(&o, 4, true);
	oracle_claim(&o, 5, BLK_BUSY);			/* claimed after the snapshot */
	oracle_mark_bad(&o, 6);
	size_t n = oracle_stable(&o, snap, bm);

	CHECK(!bitmap_test(bm, 2), "busy block not stable");
	CHECK(bitmap_test(bm, 3), "scrubbed block stable");
	CHECK(!bitmap_test(bm, 4), "rewritten block not stable");
	CHECK(!bitmap_test(bm, 5), "block busy at the check not stable");
	CHECK(!bitmap_test(bm, 6), "bad block not stable");
	CHECK(bitmap_test(bm, 0) && bitmap_test(bm, 1) && bitmap_test(bm, 7), "idle blocks stable");
	CHECK(n == 4, "4 stable blocks, got %zu", n);
	CHECK(!oracle_claim(&o, 6, BLK_BUSY), "bad block never claimed again");
	oracle_destroy(&o);
}

/* What job_verify_owned() lets pass: undefined content, or the expected stamp. */
static bool owner_check(const struct oracle *o, size_t b, const uint8_t *blk, size_t bs)
{
	struct stamp_id want;

	if (!oracle_defined(o, b))
		return true;
	oracle_expect(o, b, &want);
	return stamp_matches(blk, bs, seed, &want);
}

/*
 * MADV_FREE rules: a block declared undefined passes the owner's check
 * whatever it holds (reclaim may have discarded it to zeros) until it is
 * rewritten; after that the new stamp is required again.  A fork child
 * never checks it while it is undefined, even idle and unchanged.
 */
static void test_oracle_undef(void)
{
	const size_t bs = 4096;
	uint8_t *blk = calloc(1, bs);
	struct stamp_id id;
	struct oracle o;
	uint64_t snap[4], bm[1];

	CHECK(oracle_init(&o, 4, 9) == 0, "oracle init");
	oracle_claim(&o, 1, BLK_BUSY);
	oracle_next(&o, 1, SRC_MAKE(SRC_CPU, 0), &id);
	stamp_fill(blk, bs, seed, &id);
	oracle_release(&o, 1, true);
	CHECK(oracle_defined(&o, 1), "written block defined");

	/* The madv-free fault: claim, MADV_FREE, undefined, release as written. */
	CHECK(oracle_claim(&o, 1, BLK_BUSY), "fault claims the idle block");
	oracle_set_undef(&o, 1);
	oracle_release(&o, 1, true);
	CHECK(!oracle_defined(&o, 1), "undefined after MADV_FREE");
	CHECK(owner_check(&o, 1, blk, bs), "undefined block passes with its old content");
	memset(blk, 0, bs);	/* reclaim discarded the clean lazy-free page */
	CHECK(owner_check(&o, 1, blk, bs), "undefined block passes as zeros");

	oracle_snapshot(&o, snap);
	size_t n = oracle_stable(&o, snap, bm);

	CHECK(!bitmap_test(bm, 1), "undefined block excluded from fork stability");
	CHECK(bitmap_test(bm, 0) && n == 3, "other idle blocks stable, got %zu", n);

	/* A worker rewrites it: defined again, and zeros are now a mismatch. */
	CHECK(oracle_claim(&o, 1, BLK_BUSY), "worker claims the undefined block");
	oracle_next(&o, 1, SRC_MAKE(SRC_FILE, 3), &id);
	CHECK(oracle_defined(&o, 1), "rewrite makes it defined");
	CHECK(!owner_check(&o, 1, blk, bs), "zeros fail once the write is expected");
	stamp_fill(blk, bs, seed, &id);
	CHECK(owner_check(&o, 1, blk, bs), "the rewrite passes");
	oracle_release(&o, 1, true);
	oracle_snapshot(&o, snap);
	CHECK(oracle_stable(&o, snap, bm) == 4 && bitmap_test(bm, 1), "rewritten block stable again");
	oracle_destroy(&o);
	free(blk);
}

int main(void)
{
	static const size_t sizes[] = { 512, 4096, 16384, 2u << 20 };
	static const enum vclass parent[] = { VC_ZEROED, VC_LOST_WRITE, VC_MISPLACED,
					      VC_LEAK, VC_TORN, VC_GARBAGE };

	for (size_t s = 0; s < 4; s++) {
		test_roundtrip(sizes[s]);
		for (size_t c = 0; c < sizeof(parent) / sizeof(parent[0]); c++)
			test_planted(sizes[s], parent[c], SIDE_PARENT);
		test_planted(sizes[s], VC_LEAK, SIDE_CHILD);
		test_planted(sizes[s], VC_ZEROED, SIDE_CHILD);
		test_planted(sizes[s], VC_LOST_WRITE, SIDE_CHILD);
		test_special(sizes[s]);
		test_pipe_leak(sizes[s]);
		test_readback(sizes[s]);
		test_second_look(sizes[s]);
	}
	test_oracle();
	test_oracle_undef();
	CHECK(vclass_from_name("lost-write") == VC_LOST_WRITE, "class names round trip");
	CHECK(vclass_from_name("nonsense") == -1, "unknown class name");
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
