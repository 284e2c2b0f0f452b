/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-job event ring: the last EVRING_SLOTS things that happened to the
 * region (writes started and finished, fault injections and the ranges
 * they took, forks), each with its byte range in the region, the thread
 * that did it and a monotonic timestamp.  When a block turns out damaged,
 * the events that touched its pages are the story a kernel engineer reads
 * first.  Writers never wait: a slot is claimed with one atomic add and
 * published with a release store of its sequence number, so a reader can
 * tell a complete event from one being overwritten.
 */
#ifndef PINSTRESS_EVRING_H
#define PINSTRESS_EVRING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A power of two; 1.5 MiB a job, about a second of a busy job's events. */
#define EVRING_SLOTS	32768

enum ev_kind {
	EVK_WRITE = 1,	/* a new generation was assigned: the write starts */
	EVK_DONE,	/* the write completed and verified */
	EVK_ABORT,	/* the write was abandoned, block back to its old data */
	EVK_FAULT,	/* a fault injection starts (whole region unless a range follows) */
	EVK_FAULT_END,	/* and ends (arg: 0 or -errno) */
	EVK_RANGE,	/* a fault took these pages for itself */
	EVK_FORK,	/* a fork child was made (arg: pid) */
	EVK_REAP,	/* a fork child was reaped (arg: its status) */
	EVK_DETECT,	/* the mismatch itself (arg: class) */
	EVK_PLANT,	/* --plant damaged the block (arg: class) */
	EVK_NR,
};

/* Who: a worker's id, EV_WHO_FAULT + the fault's index in its job, or one of these. */
#define EV_WHO_FAULT	0x100
#define EV_WHO_SCRUB	0xfffe
#define EV_WHO_OTHER	0xffff

struct event {
	_Atomic uint64_t seq;	/* slot index + 1 once complete, 0 while written */
	uint64_t t_ns;		/* CLOCK_MONOTONIC */
	uint64_t off;		/* byte offset in the region */
	uint64_t arg;		/* gen for writes, pid, status, class, ... */
	uint32_t len;		/* bytes; 0: the whole region */
	uint32_t src;		/* stamp source of a write (SRC_MAKE), else 0 */
	uint16_t kind;		/* enum ev_kind */
	uint16_t who;
};

struct evring {
	struct event *ev;	/* nslots of them */
	size_t nslots;		/* a power of two */
	_Atomic uint64_t head;	/* events ever added */
	size_t block_size;	/* for the block helpers */
};

/*
 * A thread's own last events: a job's ring turns over in about a second,
 * but a thread the watchdog finds stuck stopped adding long before.
 */
#define EV_MINE_SLOTS	8

struct ev_mine {
	struct event ev[EV_MINE_SLOTS];
	struct evring ring;
};

/*
 * The calling thread's identity for the events it adds (thread-local),
 * and where it also keeps its own last events (NULL: nowhere).
 */
void evring_set_self(uint16_t who, struct ev_mine *mine);

/* Events of a thread's own ring, oldest first; how many. */
size_t ev_mine_collect(const struct ev_mine *m, struct event *out, size_t max);

int evring_init(struct evring *r, size_t block_size);
void evring_destroy(struct evring *r);

/* Add one event; a no-op on a ring that was never set up. */
void evring_add(struct evring *r, enum ev_kind kind, uint64_t off, uint32_t len, uint32_t src,
		uint64_t arg);

static inline void evring_block(struct evring *r, enum ev_kind kind, size_t b, uint32_t src,
				uint64_t arg)
{
	if (r && r->ev)
		evring_add(r, kind, (uint64_t)b * r->block_size, (uint32_t)r->block_size, src, arg);
}

/*
 * Copy the complete events that touch [off, off+len), oldest first, at
 * most @max of the newest such, of which at most @max_wide region-wide
 * ones (len 0: a fault's injection, a fork), which would otherwise crowd
 * out the range's own.  Returns how many were copied.
 */
size_t evring_collect(const struct evring *r, uint64_t off, uint64_t len, struct event *out,
		      size_t max, size_t max_wide);

const char *ev_kind_name(unsigned int kind);

#endif
