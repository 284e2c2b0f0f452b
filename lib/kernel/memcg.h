/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's memory cgroup (pinstress.<pid>): the process enters it before
 * the regions are mapped, so their pages are charged there, and faults
 * make the memcg reclaim them (shrink_lruvec, shrink_folio_list), which
 * swaps pages out or, with demotion on, moves them to a lower memory tier.
 * One cgroup per run, shared by every job that holds a reference; the last
 * reference, or the driver's restore (a restore-journal line), moves the
 * process back where it was and removes the cgroup.
 *
 * cgroup v2 (memory in the v2 root's subtree_control): made under the v2
 * root; memcg_reclaim() writes memory.reclaim (5.19+).
 * cgroup v1 (memory bound to a v1 hierarchy): a child of our memory
 * cgroup; memcg_reclaim() lowers memory.limit_in_bytes to usage minus the
 * bytes and lifts it at once.  The kernel (memcg1 mem_cgroup_resize_max())
 * reclaims in the writer's context until usage fits and only then sets the
 * limit, or fails with EBUSY when reclaim makes no progress (pinned pages):
 * the lowered limit holds only between the two writes.  A thread charging
 * in that window reclaims for itself; the OOM killer is off in the cgroup
 * (memory.oom_control) so it waits instead of killing pinstress.
 */
#ifndef PINSTRESS_MEMCG_H
#define PINSTRESS_MEMCG_H

#include <stdint.h>

/* NULL if a run cgroup can be made here, else why not. */
const char *memcg_probe(void);

/* Make the cgroup and enter it, or take another reference; *@ref for memcg_put(). */
int memcg_get(unsigned int *ref);
/* Drop a reference; the last one leaves and removes the cgroup. */
void memcg_put(unsigned int ref);

/* 1 or 2 while the cgroup exists, else 0. */
int memcg_version(void);

/*
 * Make the cgroup reclaim @bytes: 0, 1 if too little is charged to
 * squeeze (v1), -EAGAIN/-EBUSY if it could not reclaim that much, -errno.
 */
int memcg_reclaim(uint64_t bytes);

#endif
