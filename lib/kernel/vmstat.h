/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Machine-wide counters: /proc/vmstat (mm/vmstat.c vmstat_text[]) and the
 * CPU time of /proc/stat.  A set of vmstat counters is read in one pass
 * over the file, so its values are of (nearly) one moment and a sampler
 * does not reopen the file once per counter.
 */
#ifndef PINSTRESS_VMSTAT_H
#define PINSTRESS_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

#define VMSTAT_NAME_LEN	48

/* A /proc/vmstat counter, e.g. "pgmigrate_success". */
int vmstat_read(const char *name, uint64_t *v);

/* The counters @names[0..n) (distinct) in one pass: 0, or -ENOENT if one is missing. */
int vmstat_read_set(const char *const *names, size_t n, uint64_t *v);

/*
 * The names of this kernel's counters that match @want[0..nwant) (a name,
 * or a prefix ending in '*': "compact_*"), in /proc/vmstat order: how many
 * (at most @max), or -errno.  Which counters exist depends on the kernel's
 * config (THP, NUMA, compaction), so a sampler asks once and reads those.
 */
int vmstat_names(const char *const *want, size_t nwant, char (*names)[VMSTAT_NAME_LEN],
		 size_t max);

/* The "cpu" line of /proc/stat (every CPU), in USER_HZ ticks. */
struct cpu_times {
	uint64_t user;		/* user + nice (guest time is in user already) */
	uint64_t sys;		/* system + irq + softirq */
	uint64_t total;		/* user..steal: every tick of every CPU */
};

int cpu_times_read(struct cpu_times *c);

#endif
