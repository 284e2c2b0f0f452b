/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PINSTRESS_RUNLOCK_H
#define PINSTRESS_RUNLOCK_H

#include <sys/types.h>

/*
 * One pinstress run per machine: two runs would each save the other's
 * sysfs changes as the machine's values and "restore" them at the end.
 * The lock is an abstract unix socket, so the kernel drops it when the
 * holder dies and nothing is left on the machine.
 * 0 and the lock fd in *fd, -EBUSY with the holder's pid in *holder
 * (0 if unknown), or -errno.
 */
int runlock_take(int *fd, pid_t *holder);
void runlock_drop(int fd);

#endif
