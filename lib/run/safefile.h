/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files a root process reads and writes at names a user gives.  Inputs
 * must be regular files of a bounded size: a FIFO would block forever,
 * /dev/zero would fill memory, a directory reads as nothing.  Outputs are
 * written to a new file with an unpredictable name in the target's
 * directory (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600: reports hold
 * physical page numbers and kernel log lines) and renamed over the
 * target, so a planted symlink is never followed and a reader never sees
 * half a file.
 */
#ifndef PINSTRESS_SAFEFILE_H
#define PINSTRESS_SAFEFILE_H

#include <stddef.h>

#define SAFEFILE_MAX_INPUT	(64u << 20)

/*
 * Open @path for reading: a regular file of at most @max bytes.  The fd,
 * or -errno with @why ("PATH: a FIFO, not a regular file").
 */
int safefile_open(const char *path, size_t max, char *why, size_t len);

/*
 * Read @path (as safefile_open()) whole into a malloc'd buffer with a NUL
 * after its *@n bytes.  0, or -errno with @why.
 */
int safefile_read(const char *path, size_t max, char **buf, size_t *n, char *why, size_t len);

/* Replace @path by @n bytes of @data, as above.  0, or -errno with @why. */
int safefile_write(const char *path, const void *data, size_t n, char *why, size_t len);

/*
 * Whether @path can be written later (checked before anything changes):
 * its directory exists and is writable, and @path is absent or a regular
 * file (not a directory, FIFO, device or symlink).  0, or -errno with @why.
 */
int safefile_check_output(const char *path, char *why, size_t len);

/* An append-only log at @path: O_APPEND | O_NOFOLLOW, 0600 when made.  fd or -errno. */
int safefile_append(const char *path);

#endif
