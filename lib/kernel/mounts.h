/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PINSTRESS_MOUNTS_H
#define PINSTRESS_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Mount point of the first mount of @fstype whose super options hold
 * @opt (NULL: any) into @out: 0, -ENOENT, or -errno.
 */
int mount_find(const char *fstype, const char *opt, char *out, size_t len);

/* Whether @path is the mount point of a @fstype mount (mount paths unescaped: no spaces). */
bool mount_is(const char *path, const char *fstype);

#endif
