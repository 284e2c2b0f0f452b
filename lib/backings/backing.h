/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backings: what kind of memory a region is.  Each one maps it, then checks
 * through the kernel's own accounting that it really got what it asked for;
 * a backing never silently degrades to something else.
 */
#ifndef PINSTRESS_BACKING_H
#define PINSTRESS_BACKING_H

#include "run/caps.h"
#include "run/job.h"

struct backing_ops {
	const char *name;
	const char *desc;
	unsigned int caps;		/* MC_* */
	const char *proof;		/* evidence counters that must be > 0 */
	/* Optional: a fault the planner adds to every job on this backing. */
	const char *implies;
	/* NULL if this machine can provide it, else why not. */
	const char *(*probe)(void);
	/*
	 * Optional, before map(): take from the kernel what the mapping
	 * needs (hugetlb pool pages).  0, or -ENOTSUP with @why filled.
	 */
	int (*reserve)(struct job *j, size_t size, char *why, size_t len);
	/* Map j->reg (base, size, map_addr, map_len); may keep state in j->bk_priv. */
	int (*map)(struct job *j, size_t size);
	void (*unmap)(struct job *j);
	/* Optional: the initial content (default: job_init_region()). */
	int (*fill)(struct job *j);
	/*
	 * After the region is filled: confirm the kind of memory.  Returns
	 * 0, or -ENOTSUP with @why filled when the kernel did not deliver.
	 */
	int (*check)(struct job *j, char *why, size_t len);
	/* Optional: record what the backing looks like now (default: census). */
	void (*measure)(struct job *j, bool end);
};

const struct backing_ops *backing_find(const char *name);
/* NULL-terminated table, sorted by name. */
extern const struct backing_ops *const backing_table[];

/* Bytes of the region backed by PMD-mapped THP, from smaps AnonHugePages. */
int backing_thp_bytes(const struct region *r, uint64_t *bytes);

/* thp.c, shared with thp-pte: 2 MiB aligned MADV_HUGEPAGE anonymous memory. */
const char *backing_thp_probe(void);
int backing_thp_map(struct job *j, size_t size);

/* file.c: the descriptor of a file backing's file, -EBADF for other backings. */
int backing_file_fd(const struct job *j);

/* Shared helper: anonymous private mapping aligned to @align. */
int backing_map_aligned(struct region *r, size_t size, size_t align);
/*
 * memfd.c, shared with shmem, memfd-hugetlb and file: MAP_SHARED of @fd
 * (-1: MAP_ANONYMOUS) at an @align boundary, PROT_READ|PROT_WRITE.
 */
int backing_map_shared(struct region *r, int fd, size_t size, size_t align);
/* check() of shmem-backed memory: every present page is shmem per kpageflags. */
int backing_check_shmem(struct job *j, char *why, size_t len);
/* anon.c, shared with ksm: page-aligned private memory kept in base pages. */
int backing_anon_map(struct job *j, size_t size);
/* Reserve @len bytes of address space aligned to @align (PROT_NONE); NULL on failure. */
void *backing_reserve(size_t len, size_t align);
void backing_unmap_common(struct job *j);

/*
 * The default measure(): a census of the region recorded as evidence
 * (<kind>_bytes_start/_end for anon, shmem, file, thp (PMD-mapped, from
 * smaps), large_folio, hugetlb, ksm, mlocked, and folio_orders).
 */
void backing_census_evidence(struct job *j, bool end);

#endif
