// SPDX-License-Identifier: GPL-2.0
/*
 * The io_uring engine of the uring and uring-fixed workloads.
 *
 * uring-fixed: the region is registered as io_uring fixed buffers (a
 * long-term FOLL_PIN of every page) and each thread keeps iodepth
 * IORING_OP_READ_FIXED reads in flight into random blocks.  Each read is
 * linked behind the WRITE that stages its file slot, so one submission
 * carries the pair.
 *
 * Registration churns: a quarter of each thread's chunks are unregistered
 * at any time (after their reads drained) and registered again no sooner
 * than UF_UNPINNED_MS later, so pageout, zswap, compaction and reclaim can
 * reach them and re-registration pins pages that were swapped, migrated
 * or COW-shared meanwhile.  Unregistered chunks are read with
 * plain IORING_OP_READ (short-term pins).
 *
 * io_uring never dirties what a READ_FIXED wrote (a bvec, not a user
 * iterator; unpin_user_folio() on unregistration): a page that was clean
 * before the read stays clean, and once unpinned reclaim drops it (see
 * docs/known-bugs/uring-fixed-undirtied.md).  By default each block a
 * READ_FIXED wrote gets a CPU store that keeps its content before its
 * chunk is unregistered, which is what the fix (dirtying on unpin) would
 * do, so any lost write here is a new finding.  With
 * --known-bugs=reproduce there is no such store; instead the state of the
 * page at unregistration (kpageflags: clean and in the swap cache, or
 * lazy-free) is noted per block, the evidence an expected failure needs.
 *
 * One claimed block in WL_READBACK_EVERY of a registered chunk goes the
 * other way: IORING_OP_WRITE_FIXED from the registered buffer to a scratch
 * slot, read back with O_DIRECT into a private buffer, must equal what the
 * region holds.  If not, the long-term pin and the mapping point at
 * different pages (pin-divergence).
 *
 * uring: the same ring code with no registration at all: every read is an
 * IORING_OP_READ, pinned for its duration only (io_import_iovec ->
 * iov_iter_extract_pages), linked behind the WRITE that stages its slot.
 * Target: io_uring/rsrc.c (io_sqe_buffer_register, io_coalesce_buffer),
 * io_uring/rw.c, mm/gup.c (FOLL_LONGTERM), fork of pinned anon memory.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/census.h"
#include "kernel/kconst.h"
#include "run/clock.h"
#include "verify/known_bugs.h"
#include "kernel/pagemap.h"
#include "run/scratch.h"
#include "uring_engine.h"
#include "workload.h"

#define UF_WRITE_BIT	(1ULL << 63)
#define UF_CHURN_EVERY	64		/* completions between registration changes */
/*
 * Least time a chunk stays unregistered.  Re-registering it at the next
 * churn (6 ms later at 10k reads/s) left nothing unpinned long enough:
 * 300 MADV_PAGEOUTs in 3 s swapped out no page of uring-fixed/anon.
 */
#define UF_UNPINNED_MS	200
#define UF_DRAIN_MS	10000

struct uf_entry {
	size_t block;
	size_t slot;
	int chunk;		/* registered chunk it uses, or -1 */
	int pending;		/* CQEs still expected: write + read, or the write-out */
	bool ok;
	bool readback;		/* a WRITE_FIXED write-out of the block, to read back */
	bool fixed;		/* a READ_FIXED: through the registered buffer */
	bool after_free;	/* into a page still clean since MADV_FREE (lazy-free) */
	uint64_t gen;		/* the generation the read brings */
	int res;		/* the write-out's result */
	void *bounce;
};

struct uf_chunk {
	uint8_t *addr;
	size_t len;
	bool registered;
	bool draining;
	unsigned int inflight;
	unsigned int unsettled;	/* blocks a READ_FIXED wrote since registration */
	uint64_t unpinned_ms;	/* clock_ms() when it was last unregistered */
};

struct uf_priv {
	struct io_uring ring;
	bool ring_ok;
	bool fixed;		/* uring-fixed: the region is registered in chunks */
	_Atomic uint64_t *ev_readbacks;
	struct uf_entry *ents;
	unsigned int *free_ents;
	unsigned int nfree;
	struct uf_chunk *chunks;
	unsigned int nchunks;
	size_t chunk_blocks;
	unsigned int unregistered;
	int drain;		/* chunk being drained, or -1 */
	uint8_t *slot_busy;
	unsigned int inflight;
	uint64_t completions;
	uint64_t next_churn;	/* completions at which the next change is due */
	/*
	 * Per block of ours: generation a READ_FIXED left << 1, | 1 if it went
	 * into a lazy-free page; 0: none since the chunk was registered.
	 */
	uint64_t *rf_gen;
	/*
	 * Per block of ours: its page was MADV_FREE'd (the fault left the
	 * block undefined) and nothing has dirtied it since: no CPU store, no
	 * plain read (the block layer dirties those pages).
	 */
	uint8_t *lazy;
	_Atomic uint64_t *ev_dirtied, *ev_noted;
};

const char *uring_probe(void)
{
	struct io_uring ring;
	int ret = io_uring_queue_init(2, &ring, 0);

	if (ret)
		return ret == -EPERM ? "io_uring disabled (kernel.io_uring_disabled)"
				     : "io_uring_setup failed";
	io_uring_queue_exit(&ring);
	return NULL;
}

static int chunk_update(struct uf_priv *p, unsigned int c, bool reg)
{
	struct iovec iov = { reg ? p->chunks[c].addr : NULL, reg ? p->chunks[c].len : 0 };
	__u64 tag = 0;
	int ret = io_uring_register_buffers_update_tag(&p->ring, c, &iov, &tag, 1);

	if (ret < 0)
		return ret;
	p->chunks[c].registered = reg;
	if (reg) {
		p->unregistered--;
	} else {
		p->unregistered++;
		p->chunks[c].unpinned_ms = clock_ms();
	}
	return 0;
}

/*
 * Blocks of chunk @c that someone else (a fault) owns now: busy ones that
 * are not our own reads in flight.
 */
static size_t chunk_held(struct worker *w, struct uf_priv *p, unsigned int c)
{
	const struct oracle *o = &w->job->oracle;
	size_t lo = w->blk_lo + c * p->chunk_blocks, hi = lo + p->chunk_blocks, busy = 0;

	if (hi > w->blk_hi)
		hi = w->blk_hi;
	for (size_t b = lo; b < hi; b++)
		busy += oracle_state(o, b) == BLK_BUSY;
	for (unsigned int i = 0; busy && i < w->job->cfg->iodepth; i++)
		if (p->ents[i].pending && p->ents[i].block >= lo && p->ents[i].block < hi)
			busy--;
	return busy;
}

/*
 * An unregistered chunk to register again, or -1.  Not one unpinned for
 * less than UF_UNPINNED_MS, and not one a fault holds
 * blocks of: registering pins the pages, and a fault waiting for unpinned
 * pages (ksmd merges none with extra references) would never see one.
 */
static int pick_registrable(struct worker *w, struct uf_priv *p)
{
	unsigned int c = (unsigned int)rng_below(&w->rng, p->nchunks);
	uint64_t now = clock_ms();

	for (unsigned int n = 0; n < p->nchunks; n++, c = (c + 1) % p->nchunks)
		if (!p->chunks[c].registered && now - p->chunks[c].unpinned_ms >= UF_UNPINNED_MS &&
		    !chunk_held(w, p, c))
			return (int)c;
	return -1;
}

/*
 * Register chunk @c.  A fault may have claimed part of it and made that
 * read-only between our look and the pin (registration pins for
 * writing: EFAULT): it stays unregistered and is tried again later.
 */
static int chunk_register(struct uf_priv *p, unsigned int c)
{
	int ret = chunk_update(p, c, true);

	return ret == -EFAULT ? 0 : ret;
}

static int setup_chunks(struct worker *w, struct uf_priv *p)
{
	const struct region *r = &w->job->reg;
	size_t nblk = w->blk_hi - w->blk_lo;
	/* At most a PMD's worth of blocks per registration, at least four chunks a thread. */
	size_t cb = pmd_size() / r->block_size;

	if (cb > nblk / 4)
		cb = nblk / 4;
	if (!cb)
		cb = 1;
	p->chunk_blocks = cb;
	p->nchunks = (unsigned int)((nblk + cb - 1) / cb);
	p->chunks = calloc(p->nchunks, sizeof(*p->chunks));
	p->rf_gen = calloc(nblk, sizeof(*p->rf_gen));
	p->lazy = calloc(nblk, 1);
	if (!p->chunks || !p->rf_gen || !p->lazy)
		return -ENOMEM;
	p->ev_dirtied = job_ev(w->job, "pages_dirtied_before_unpin");
	p->ev_noted = job_ev(w->job, "unpins_of_clean_pages");
	for (unsigned int c = 0; c < p->nchunks; c++) {
		size_t lo = w->blk_lo + c * cb, hi = lo + cb;

		if (hi > w->blk_hi)
			hi = w->blk_hi;
		p->chunks[c].addr = region_block(r, lo);
		p->chunks[c].len = (hi - lo) * r->block_size;
	}
	p->unregistered = p->nchunks;
	int ret = io_uring_register_buffers_sparse(&p->ring, p->nchunks);

	for (unsigned int c = 0; !ret && c < p->nchunks; c++)
		if (!chunk_held(w, p, c))
			ret = chunk_register(p, c);
	return ret;
}

static int setup_entries(struct worker *w, struct uf_priv *p)
{
	unsigned int qd = w->job->cfg->iodepth;

	p->ents = calloc(qd, sizeof(*p->ents));
	p->free_ents = calloc(qd, sizeof(*p->free_ents));
	p->slot_busy = calloc(w->slot_hi - w->slot_lo, 1);
	if (!p->ents || !p->free_ents || !p->slot_busy)
		return -ENOMEM;
	for (unsigned int i = 0; i < qd; i++) {
		if (posix_memalign(&p->ents[i].bounce, 4096, w->job->reg.block_size))
			return -ENOMEM;
		p->free_ents[p->nfree++] = i;
	}
	return 0;
}

int uring_ring_init(struct worker *w, bool fixed)
{
	struct uf_priv *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	w->priv = p;
	p->drain = -1;
	p->fixed = fixed;
	if (fixed)
		p->ev_readbacks = job_ev(w->job, "pin_readbacks");
	ret = io_uring_queue_init(2 * w->job->cfg->iodepth + 2, &p->ring, 0);
	if (ret)
		return ret;
	p->ring_ok = true;
	ret = setup_entries(w, p);
	if (ret || !fixed)
		return ret;
	return setup_chunks(w, p);
}

static size_t pick_slot(struct worker *w, struct uf_priv *p)
{
	size_t n = w->slot_hi - w->slot_lo;
	size_t s = rng_below(&w->rng, n);

	/* More slots than entries: a free one is always found. */
	while (p->slot_busy[s])
		s = (s + 1) % n;
	p->slot_busy[s] = 1;
	return w->slot_lo + s;
}

/* Take a free entry for block @b in chunk @c (-1: none) with a free slot. */
static unsigned int take_entry(struct worker *w, struct uf_priv *p, size_t b, int c,
			       int pending)
{
	unsigned int e = p->free_ents[--p->nfree];
	struct uf_entry *ent = &p->ents[e];

	ent->block = b;
	ent->chunk = c;
	ent->slot = pick_slot(w, p);
	ent->pending = pending;
	ent->ok = true;
	ent->readback = false;
	ent->fixed = false;
	if (c >= 0)
		p->chunks[c].inflight++;
	p->inflight++;
	return e;
}

/* Write @b out from its registered buffer (a read through the long-term pin). */
static void submit_readback(struct worker *w, struct uf_priv *p, size_t b, int c)
{
	struct job *j = w->job;
	unsigned int e = take_entry(w, p, b, c, 1);
	struct uf_entry *ent = &p->ents[e];
	struct io_uring_sqe *sqe = io_uring_get_sqe(&p->ring);

	ent->readback = true;
	io_uring_prep_write_fixed(sqe, j->scratch.fd, region_block(&j->reg, b),
				  (unsigned int)j->reg.block_size,
				  scratch_off(&j->scratch, ent->slot), c);
	io_uring_sqe_set_data64(sqe, e);
}

static void submit_pair(struct worker *w, struct uf_priv *p, size_t b, int c)
{
	struct job *j = w->job;
	size_t bs = j->reg.block_size;
	unsigned int e = take_entry(w, p, b, c, 2);
	struct uf_entry *ent = &p->ents[e];
	struct io_uring_sqe *sqe;
	struct stamp_id id;
	off_t off;

	off = scratch_off(&j->scratch, ent->slot);
	ent->fixed = c >= 0 && p->chunks[c].registered;
	if (p->lazy) {
		uint8_t *lazy = &p->lazy[b - w->blk_lo];

		if (!oracle_defined(&j->oracle, b))
			*lazy = 1;
		else if (!ent->fixed)
			*lazy = 0;
		ent->after_free = *lazy;
	}
	oracle_next(&j->oracle, b, SRC_MAKE(SRC_FILE, ent->slot), &id);
	stamp_fill(ent->bounce, bs, j->seed, &id);
	ent->gen = id.gen;

	sqe = io_uring_get_sqe(&p->ring);
	io_uring_prep_write(sqe, j->scratch.fd, ent->bounce, (unsigned int)bs, off);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_sqe_set_data64(sqe, e | UF_WRITE_BIT);
	sqe = io_uring_get_sqe(&p->ring);
	if (ent->fixed)
		io_uring_prep_read_fixed(sqe, j->scratch.fd, region_block(&j->reg, b),
					 (unsigned int)bs, off, c);
	else
		io_uring_prep_read(sqe, j->scratch.fd, region_block(&j->reg, b),
				   (unsigned int)bs, off);
	io_uring_sqe_set_data64(sqe, e);
}

/* A readback needs a registered chunk and a block whose content is defined. */
static bool want_readback(struct worker *w, struct uf_priv *p, size_t b, int c)
{
	return c >= 0 && p->chunks[c].registered && oracle_defined(&w->job->oracle, b) &&
	       !rng_below(&w->rng, WL_READBACK_EVERY);
}

/* A CPU store dirties the page: whatever MADV_FREE made lazy is not any more. */
static void cpu_write(struct worker *w, struct uf_priv *p, size_t b)
{
	if (p->lazy)
		p->lazy[b - w->blk_lo] = 0;
	job_cpu_write(w, b);
}

/* A failed read: the block gets a CPU write (job_abort_write), which dirties the page. */
static void abort_write(struct worker *w, struct uf_priv *p, size_t b)
{
	if (p->lazy)
		p->lazy[b - w->blk_lo] = 0;
	job_abort_write(w, b);
}

static void fill_queue(struct worker *w, struct uf_priv *p)
{
	struct job *j = w->job;
	int misses = 0;

	while (p->nfree && misses < 8 && !run_stopping(j->run)) {
		size_t b;
		int c = -1;

		if (!job_claim_random(w, &b)) {
			misses++;
			continue;
		}
		if (p->fixed)
			c = (int)((b - w->blk_lo) / p->chunk_blocks);
		if (c >= 0 && p->chunks[c].draining) {
			oracle_release(&j->oracle, b, false);
			misses++;
			continue;
		}
		if (want_readback(w, p, b, c))
			submit_readback(w, p, b, c);
		else if (rng_percent(&w->rng, j->cfg->cpu_share))
			cpu_write(w, p, b);
		else
			submit_pair(w, p, b, c);
	}
}

static void mark_unsettled(struct worker *w, struct uf_priv *p, const struct uf_entry *ent)
{
	uint64_t *g = &p->rf_gen[ent->block - w->blk_lo];

	if (!*g)
		p->chunks[ent->chunk].unsettled++;
	*g = ent->gen << 1 | ent->after_free;
}

/* A CPU store of what is there: the PTE (or PMD) becomes dirty, the content stays. */
static void dirty_block(struct job *j, size_t b)
{
	size_t ps = job_page_size(), bs = j->reg.block_size;
	volatile uint8_t *q = region_block(&j->reg, b);

	for (size_t off = 0; off < bs; off += ps)
		q[off] = q[off];
}

/*
 * How the page of @b is held as its pin goes: clean in the swap cache, or
 * clean and lazy-free (!swapbacked, or MADV_FREE'd before the read went
 * in: the per-CPU batch that clears swapbacked may not have drained yet,
 * and neither MADV_FREE's clean PTE nor the folio was dirtied since).
 */
static unsigned int clean_page_how(struct job *j, size_t b, bool after_free)
{
	uint64_t f;

	if (page_kpageflags(region_block(&j->reg, b), &f) || (f & (1ull << KPF_DIRTY)))
		return UNPIN_NONE;
	if (f & (1ull << KPF_SWAPCACHE))
		return UNPIN_CLEAN_SWAPCACHE;
	if ((f & (1ull << KPF_ANON)) && (after_free || !(f & (1ull << KPF_SWAPBACKED))))
		return UNPIN_CLEAN_LAZYFREE;
	return UNPIN_NONE;
}

/*
 * Before chunk @c is unregistered, each block a READ_FIXED wrote is
 * dirtied (the fix, emulated) or, with --known-bugs=reproduce, its page
 * state noted.  A block someone else holds now (the scrubber, a fault) is
 * done at a later call.  True once none is left.
 */
static bool settle_chunk(struct worker *w, struct uf_priv *p, unsigned int c)
{
	struct job *j = w->job;
	size_t lo = w->blk_lo + c * p->chunk_blocks, hi = lo + p->chunk_blocks;

	if (hi > w->blk_hi)
		hi = w->blk_hi;
	for (size_t b = lo; b < hi && p->chunks[c].unsettled; b++) {
		uint64_t *g = &p->rf_gen[b - w->blk_lo];
		struct stamp_id want;

		if (!*g || !oracle_claim(&j->oracle, b, BLK_BUSY))
			continue;
		oracle_expect(&j->oracle, b, &want);
		if (!j->reproduce_known_bugs) {
			/* Undefined (MADV_FREE'd since): nothing to keep, and dirtying would undo it. */
			if (oracle_defined(&j->oracle, b)) {
				dirty_block(j, b);
				p->lazy[b - w->blk_lo] = 0;
				ev_add(p->ev_dirtied, 1);
			}
		} else if (j->unpin_note) {
			uint64_t gen = *g >> 1;
			unsigned int how = want.gen == gen ? clean_page_how(j, b, *g & 1) : UNPIN_NONE;

			atomic_store(&j->unpin_note[b], how ? UNPIN_NOTE(gen, how) : 0);
			if (how)
				ev_add(p->ev_noted, 1);
		}
		oracle_release(&j->oracle, b, false);
		*g = 0;
		p->chunks[c].unsettled--;
	}
	return !p->chunks[c].unsettled;
}

static void complete(struct worker *w, struct uf_priv *p, struct io_uring_cqe *cqe)
{
	uint64_t ud = io_uring_cqe_get_data64(cqe);
	struct uf_entry *ent = &p->ents[ud & ~UF_WRITE_BIT];

	ent->res = cqe->res;
	if (cqe->res != (int)w->job->reg.block_size)
		ent->ok = false;
	if (--ent->pending)
		return;
	if (ent->chunk >= 0)
		p->chunks[ent->chunk].inflight--;
	p->inflight--;
	p->completions++;
	if (ent->readback)
		workload_pin_readback(w, ent->block, ent->slot, ent->bounce, ent->res,
				      p->ev_readbacks);
	else if (!ent->ok)
		abort_write(w, p, ent->block);
	else if (job_finish_write(w->job, ent->block, true) && ent->fixed)
		mark_unsettled(w, p, ent);
	p->slot_busy[ent->slot - w->slot_lo] = 0;
	p->free_ents[p->nfree++] = (unsigned int)(ent - p->ents);
}

static int reap(struct worker *w, struct uf_priv *p, long wait_ms)
{
	struct __kernel_timespec ts = { wait_ms / 1000, (wait_ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	int ret;

	ret = io_uring_wait_cqe_timeout(&p->ring, &cqe, &ts);
	if (ret && ret != -ETIME && ret != -EINTR)
		return ret;
	io_uring_for_each_cqe(&p->ring, head, cqe) {
		complete(w, p, cqe);
		n++;
	}
	io_uring_cq_advance(&p->ring, n);
	return 0;
}

/* Finish a drained chunk's unregistration, or start the next change. */
static int churn(struct worker *w, struct uf_priv *p)
{
	unsigned int target = p->nchunks / 4, c;

	if (!p->fixed || p->nchunks < 2)
		return 0;
	if (!target)
		target = 1;
	if (p->drain >= 0) {
		if (p->chunks[p->drain].inflight || !settle_chunk(w, p, (unsigned int)p->drain))
			return 0;
		p->chunks[p->drain].draining = false;
		c = (unsigned int)p->drain;
		p->drain = -1;
		return chunk_update(p, c, false);
	}
	/* Reaping takes several at once: a "completions % N" test can miss for seconds. */
	if (p->completions < p->next_churn)
		return 0;
	p->next_churn = p->completions + UF_CHURN_EVERY;
	if (p->unregistered >= target) {
		int r = pick_registrable(w, p);

		if (r < 0)
			return 0;	/* faults hold them all: ask again later */
		int ret = chunk_register(p, (unsigned int)r);

		if (ret || !p->chunks[r].registered)
			return ret;
	}
	c = (unsigned int)rng_below(&w->rng, p->nchunks);
	while (!p->chunks[c].registered)
		c = (c + 1) % p->nchunks;
	p->chunks[c].draining = true;
	p->drain = (int)c;
	return 0;
}

int uring_iter(struct worker *w)
{
	struct uf_priv *p = w->priv;
	int ret;

	fill_queue(w, p);
	ret = io_uring_submit(&p->ring);
	if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
		return ret;
	ret = reap(w, p, p->inflight ? 1000 : 0);
	if (ret)
		return ret;
	return churn(w, p);
}

void uring_exit(struct worker *w)
{
	struct uf_priv *p = w->priv;
	long waited = 0;

	if (!p)
		return;
	io_uring_submit(&p->ring);
	while (p->ring_ok && p->inflight && waited < UF_DRAIN_MS) {
		reap(w, p, 100);
		waited += 100;
	}
	/* Closing the ring unregisters every chunk: settle them first, as churn() does. */
	for (unsigned int c = 0; p->fixed && !p->inflight && c < p->nchunks; c++)
		if (p->chunks[c].registered)
			settle_chunk(w, p, c);
	if (p->inflight) {
		/* The kernel may still write the bounce buffers: leave them be. */
		snprintf(w->errmsg, sizeof(w->errmsg),
			 "%u io_uring reads still in flight after %d ms", p->inflight, UF_DRAIN_MS);
		w->err = -ETIMEDOUT;
		p->ents = NULL;
	}
	if (p->ring_ok)
		io_uring_queue_exit(&p->ring);
	for (unsigned int i = 0; p->ents && i < w->job->cfg->iodepth; i++)
		free(p->ents[i].bounce);
	free(p->ents);
	free(p->free_ents);
	free(p->chunks);
	free(p->rf_gen);
	free(p->lazy);
	free(p->slot_busy);
	free(p);
	w->priv = NULL;
}
