// SPDX-License-Identifier: GPL-2.0
/* The per-job event ring (see evring.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>

#include "run/clock.h"
#include "verify/evring.h"

static __thread uint16_t ev_self = EV_WHO_OTHER;
static __thread struct ev_mine *ev_mine;

void evring_set_self(uint16_t who, struct ev_mine *mine)
{
	ev_self = who;
	ev_mine = mine;
	if (mine) {
		memset(mine, 0, sizeof(*mine));
		mine->ring.ev = mine->ev;
		mine->ring.nslots = EV_MINE_SLOTS;
	}
}

int evring_init(struct evring *r, size_t block_size)
{
	/* Its own mapping: no fault on the region (fork COW, pageout) reaches it. */
	void *p = mmap(NULL, EVRING_SLOTS * sizeof(struct event), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	r->ev = p;
	r->nslots = EVRING_SLOTS;
	atomic_store(&r->head, 0);
	r->block_size = block_size;
	return 0;
}

void evring_destroy(struct evring *r)
{
	if (r->ev)
		munmap(r->ev, EVRING_SLOTS * sizeof(struct event));
	r->ev = NULL;
}

/* Every field but seq: a slot's seq is its seqlock, written and read apart. */
static void ev_copy(struct event *dst, const struct event *src)
{
	dst->t_ns = src->t_ns;
	dst->off = src->off;
	dst->len = src->len;
	dst->src = src->src;
	dst->arg = src->arg;
	dst->kind = src->kind;
	dst->who = src->who;
}

/* @e's fields but seq, into the next slot of @r. */
static void ring_put(struct evring *r, const struct event *e)
{
	uint64_t i = atomic_fetch_add_explicit(&r->head, 1, memory_order_relaxed);
	struct event *s = &r->ev[i & (r->nslots - 1)];

	atomic_store_explicit(&s->seq, 0, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	ev_copy(s, e);
	atomic_store_explicit(&s->seq, i + 1, memory_order_release);
}

void evring_add(struct evring *r, enum ev_kind kind, uint64_t off, uint32_t len, uint32_t src,
		uint64_t arg)
{
	struct event e;

	if (!r || !r->ev)
		return;
	/* One clock read for both rings: every block write adds two events. */
	e = (struct event){ .t_ns = clock_ns(), .off = off, .arg = arg, .len = len,
			    .src = src, .kind = (uint16_t)kind, .who = ev_self };
	ring_put(r, &e);
	if (ev_mine)
		ring_put(&ev_mine->ring, &e);
}

static bool touches(const struct event *e, uint64_t off, uint64_t len)
{
	return !e->len || (e->off < off + len && off < e->off + e->len);
}

/* Slot i as it was when complete, or false if it is being rewritten. */
static bool read_slot(const struct evring *r, uint64_t i, struct event *out)
{
	const struct event *e = &r->ev[i & (r->nslots - 1)];
	uint64_t seq = atomic_load_explicit(&e->seq, memory_order_acquire);

	if (seq != i + 1)
		return false;
	ev_copy(out, e);
	atomic_thread_fence(memory_order_acquire);
	/* Unchanged after the copy: nobody started rewriting it meanwhile. */
	if (atomic_load_explicit(&e->seq, memory_order_relaxed) != seq)
		return false;
	atomic_store_explicit(&out->seq, seq, memory_order_relaxed);
	return true;
}

size_t evring_collect(const struct evring *r, uint64_t off, uint64_t len, struct event *out,
		      size_t max, size_t max_wide)
{
	uint64_t head, lo, i;
	size_t n = 0, wide = 0;

	if (!r || !r->ev || !max)
		return 0;
	head = atomic_load_explicit(&r->head, memory_order_acquire);
	lo = head > r->nslots ? head - r->nslots : 0;
	/* Newest first into the tail of @out, then moved to the front: oldest first. */
	for (i = head; i-- > lo && n < max;) {
		struct event e;

		if (!read_slot(r, i, &e) || !touches(&e, off, len))
			continue;
		if (!e.len && wide++ >= max_wide)
			continue;
		out[max - 1 - n++] = e;
	}
	if (n < max)
		memmove(out, out + (max - n), n * sizeof(*out));
	return n;
}

size_t ev_mine_collect(const struct ev_mine *m, struct event *out, size_t max)
{
	return evring_collect(&m->ring, 0, UINT64_MAX / 2, out, max, max);
}

const char *ev_kind_name(unsigned int kind)
{
	static const char *const n[EVK_NR] = {
		[EVK_WRITE] = "write",	   [EVK_DONE] = "done",	  [EVK_ABORT] = "abort",
		[EVK_FAULT] = "inject",	   [EVK_FAULT_END] = "injected", [EVK_RANGE] = "range",
		[EVK_FORK] = "fork",	   [EVK_REAP] = "reap",	  [EVK_DETECT] = "detect",
		[EVK_PLANT] = "plant",
	};

	return kind < EVK_NR && n[kind] ? n[kind] : "?";
}
