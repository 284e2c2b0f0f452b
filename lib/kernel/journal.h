/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The restore journal: every change pinstress makes to the machine (a
 * sysfs or procfs value, a swap device, a mount, a directory, a cgroup,
 * ksmd's priority) is written to /run/pinstress/journal before it is made,
 * as the line that undoes it, and marked undone once it is.  A run killed
 * by SIGKILL, the OOM killer or a lost terminal leaves its lines behind;
 * the next pinstress start (and `pinstress restore`) undoes them, newest
 * first, and says so.  /run is tmpfs: a reboot undoes everything anyway.
 *
 * A line is "+ OWNER SEQ KIND ARG..." when made and "- OWNER SEQ" when
 * undone; OWNER is "pid:starttime", so a pid reused after a crash is not
 * taken for the owner.  Lines are appended with O_APPEND, each one write
 * below PIPE_BUF, so two writers never interleave.  KINDs:
 *   write PATH VALUE	put VALUE back into PATH
 *   zram N		swapoff /dev/zramN, reset and remove the device
 *   umount PATH FSTYPE	unmount PATH if it is still a FSTYPE mount
 *   rmdir PATH		remove the (empty) directory we made
 *   scratch PATH	remove the files in our scratch directory, then it
 *   cgroup PATH	move what is left in it to its parent, remove it
 *   nice PID NICE	give ksmd (if PID still is ksmd) its priority back
 */
#ifndef PINSTRESS_JOURNAL_H
#define PINSTRESS_JOURNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define JOURNAL_DEFAULT_DIR	"/run/pinstress"
#define JOURNAL_LINE_MAX	1024

/* The directory ($PINSTRESS_RUN_DIR for tests, else JOURNAL_DEFAULT_DIR). */
const char *journal_dir(void);

/*
 * Entries made from now on belong to @pid (0: this process), e.g. the
 * run.sh that prepared the machine for a test suite: they are undone
 * when it is gone, not when this process is.
 */
int journal_set_owner(pid_t pid);

/*
 * Write the undo line "KIND ARG..." (@argv, @argc words) before making a
 * change.  Returns its sequence number (> 0) or -errno: then do not make
 * the change, nothing could undo it after a crash.
 */
long journal_add(const char *kind, int argc, const char *const *argv);

/* The change of @seq (by this process's owner) is undone. */
int journal_done(long seq);

/* Undo one line's change now ("write /sys/... never"); 0 or -errno. */
int journal_undo(const char *kind, int argc, char *const *argv);

/*
 * Undo what owners no longer alive left, and whatever @also (0: none)
 * owns (`pinstress restore --owner PID`), newest first, telling @out one
 * line each.  Returns how many changes it undid, or -errno; *@failed
 * counts those it could not undo (they stay in the journal).
 */
int journal_recover(pid_t also, FILE *out, unsigned int *failed);

#endif
