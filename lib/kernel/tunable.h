/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel tunables (sysfs, procfs) that a run changes: each is saved the
 * first time it is written and put back by tunable_restore_all(), which the
 * driver calls on every way out (end of run, error, SIGINT/SIGTERM).  LTP's
 * save_restore, in small.
 */
#ifndef PINSTRESS_TUNABLE_H
#define PINSTRESS_TUNABLE_H

#include <stddef.h>
#include <stdint.h>

#define TUNABLE_MAX	64

/* Read the value (trailing newline dropped). */
int tunable_read(const char *path, char *buf, size_t len);
int tunable_read_u64(const char *path, uint64_t *v);

/* Save the original once, then write @val.  -errno if either fails. */
int tunable_set(const char *path, const char *val);
int tunable_set_u64(const char *path, uint64_t v);

/*
 * sysfs THP mode files read "always [madvise] never": the bracketed word.
 * Returns -EINVAL if there is none.
 */
int tunable_read_choice(const char *path, char *buf, size_t len);

/* Write a trigger (compact_memory, drop_caches, memory.reclaim): nothing to save. */
int tunable_poke(const char *path, const char *val);

/*
 * Something else to undo with the tunables (unmount what we mounted, leave
 * a cgroup): @fn(@arg) runs in tunable_restore_all(), newest first, once.
 * Returns -ENOSPC when the table is full (nothing was changed: don't go on).
 */
int tunable_on_restore(int (*fn)(void *arg), void *arg);

/* Put back every saved value, newest first.  Returns how many failed. */
int tunable_restore_all(void);

/* How many values are saved now (for tests). */
unsigned int tunable_saved_count(void);

#endif
