/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel tunables (sysfs, procfs) that a run changes: each is saved the
 * first time it is written (in the restore journal, lib/kernel/journal.h,
 * before the write) and put back by tunable_restore_all(), which the
 * driver calls on every way out (end of run, error, a signal).  LTP's
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
 * tunable_set() that saves @original, not what @path reads, when @path is
 * not saved yet: for files whose reading is not the setting (sysfs
 * nr_hugepages counts surplus pages still on their way back to the kernel).
 */
int tunable_set_from(const char *path, const char *original, const char *val);

/*
 * sysfs THP mode files read "always [madvise] never": the bracketed word.
 * Returns -EINVAL if there is none.
 */
int tunable_read_choice(const char *path, char *buf, size_t len);

/* Write a trigger (compact_memory, drop_caches, memory.reclaim): nothing to save. */
int tunable_poke(const char *path, const char *val);

/*
 * Something else to undo with the tunables: the journal line @kind @argv
 * (at most two words, see journal.h) is written first, so a later start
 * can undo it after a crash; tunable_restore_all() runs @fn(@arg), or the
 * journal line's own undo when @fn is NULL, newest first, once.  -errno
 * when it could not be recorded: then make no change.
 */
int tunable_on_restore(const char *kind, int argc, const char *const *argv,
		       int (*fn)(void *arg), void *arg);

/* Put back every saved value, newest first.  Returns how many failed. */
int tunable_restore_all(void);

/*
 * How many undos are held now; tunable_restore_to(count) undoes only
 * those made since (a run's rounds keep what --prepare did).
 */
unsigned int tunable_saved_count(void);
int tunable_restore_to(unsigned int count);

/*
 * Forget the undos without undoing: they stay in the journal, for their
 * owner's `pinstress restore` or the next start after it is gone.
 */
void tunable_forget_all(void);

#endif
