/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known unfixed kernel bugs, each with its standalone reproducer in probes/
 * and its report in docs/known-bugs/.  A mismatch is an expected failure of
 * one of them only when both hold:
 *   - the bug's probe says it is present on the running kernel, and
 *   - the failure's own evidence shows the bug's mechanism (the block was
 *     unpinned while its page was clean; the page tables held the right
 *     data and the stale window was short; ...).
 * Matching on a job's configuration alone would hide a new bug that
 * happens to leave the same class in the same kind of job.
 *
 * A bug a workload can step around at no cost to coverage (io_uring never
 * dirtying registered buffers: the workload dirties each page with a CPU
 * store that keeps its content before unregistering) is avoided by
 * default; --known-bugs=reproduce walks into it.
 */
#ifndef PINSTRESS_KNOWN_BUGS_H
#define PINSTRESS_KNOWN_BUGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/stamp.h"

/* What a probe said about the running kernel (its exit code 0, 1, 77, other). */
enum kb_state {
	KB_UNKNOWN = 0,		/* not run (not needed by this run) */
	KB_ABSENT,
	KB_PRESENT,
	KB_NA,			/* cannot apply here */
	KB_ERROR,		/* the probe failed or was not found */
	KB_NR
};

/*
 * How a long-term pin let go of a block's page, noted by the workload
 * (reproduce mode) for the generation its kernel write left there: the
 * folio was clean when it was unpinned, and in the swap cache, or
 * lazy-free (the read went into a page MADV_FREE had made clean).
 */
enum unpin_how {
	UNPIN_NONE = 0,
	UNPIN_CLEAN_SWAPCACHE = 1,
	UNPIN_CLEAN_LAZYFREE = 2,
};
#define UNPIN_NOTE(gen, how)	((uint64_t)(gen) << 2 | (how))
#define UNPIN_NOTE_GEN(n)	((n) >> 2)
#define UNPIN_NOTE_HOW(n)	((unsigned int)((n) & 3))

/* What the matcher knows of one failure and the job it happened in. */
struct kb_finding {
	const char *workload;
	const char *backing;
	unsigned int caps;		/* MC_* of the job's memory */
	const char *const *faults;
	unsigned int nfaults;
	bool reproduce;			/* --known-bugs=reproduce */
	int cls;			/* enum vclass */
	int by;				/* enum detected_by */
	struct stamp_id expect;
	bool found_valid;
	struct stamp_id found;
	long stale_us;			/* VC_STALE_TLB: loads stale this long; -1 past the bound */
	unsigned int evidence;		/* VFE_* of classify.h */
	uint64_t unpin;			/* the block's unpin note (UNPIN_NOTE), 0 if none */
};

struct known_bug {
	const char *name;		/* the probe's name in `pinstress probe` */
	const char *program;		/* its executable, built from probes/<program>.c */
	const char *arg;		/* its first argument, or NULL */
	bool needs_scratch;		/* then a directory with O_DIRECT */
	const char *doc;		/* docs/known-bugs/<doc>.md */
	const char *title;		/* what goes wrong, one line */
	/* Where it can show: every non-NULL/non-zero field must match the job. */
	const char *workloads;		/* comma-separated */
	const char *backings;
	unsigned int caps;		/* all of these */
	const char *faults;		/* any of these */
	int cls;			/* the class it leaves; -1: several, see mechanism */
	bool avoidable;			/* avoided unless --known-bugs=reproduce */
	/*
	 * Does @f's own evidence show this bug's mechanism?  Either way @buf
	 * says why: the evidence that matched, or what is missing.
	 */
	bool (*mechanism)(const struct kb_finding *f, char *buf, size_t len);
};

#define KB_MAX	16	/* rows in known_bugs[], at most */

extern const struct known_bug known_bugs[];
extern const unsigned int known_bugs_nr;

const struct known_bug *kb_find(const char *name);
const char *kb_state_name(enum kb_state s);

/*
 * Could a job show @kb at all?  Workload, backing, caps and faults match,
 * and an avoidable bug only when @reproduce.
 */
bool kb_in_scope(const struct known_bug *kb, const char *workload, const char *backing,
		 unsigned int caps, const char *const *faults, unsigned int nfaults,
		 bool reproduce);

/*
 * The known bug @f is an expected failure of, given each probe's result
 * (@state[i] for known_bugs[i]), or NULL.  @why says the evidence that
 * matched; or, when NULL and some bug was in scope for this class, why it
 * does not count ("its probe says absent on this kernel", "the page was
 * not clean when unpinned"); else it is empty.
 */
const struct known_bug *kb_match(const struct kb_finding *f, const enum kb_state *state,
				 char *why, size_t len);

#endif
