// SPDX-License-Identifier: GPL-2.0
/* Which workload x backing x fault combinations make sense, and why not. */
#include <stdio.h>
#include <string.h>

#include "backings/backing.h"
#include "run/caps.h"
#include "compat.h"
#include "faults/fault.h"
#include "run/namelist.h"
#include "workload.h"

static const char *need(const char *who, const char *name, unsigned int needs,
			unsigned int refuses, const char *refuses_why, unsigned int caps,
			const char *bk, char *buf, size_t len)
{
	unsigned int missing = needs & ~caps, bad = refuses & caps;

	if (missing)
		snprintf(buf, len, "%s %s needs %s; %s is not", who, name,
			 caps_name(missing & -missing), bk);
	else if (bad && refuses_why)
		snprintf(buf, len, "%s %s on %s: %s", who, name, bk, refuses_why);
	else if (bad)
		snprintf(buf, len, "%s %s cannot act on %s (%s)", who, name,
			 caps_name(bad & -bad), bk);
	else
		return NULL;
	return buf;
}

const char *compat_check(const struct workload_ops *wl, const struct backing_ops *bk,
			 unsigned int caps, const struct fault_ops *f, char *buf, size_t len)
{
	const char *no;

	/* mm/mlock.c mlock_fixup() skips hugetlb VMAs: nothing would be locked. */
	if ((caps & MC_MLOCKED) && (caps & MC_HUGETLB)) {
		snprintf(buf, len, "mlock does not apply to %s: the kernel never mlocks hugetlb pages (never reclaimed anyway)",
			 bk->name);
		return buf;
	}
	no = need("workload", wl->name, wl->needs, wl->refuses, wl->refuses_why, caps, bk->name,
		  buf, len);
	if (no || !f)
		return no;
	if (f->refuses_wl & wl->flags) {
		snprintf(buf, len, "fault %s under workload %s: %s", f->name, wl->name,
			 f->refuses_wl_why);
		return buf;
	}
	return need("fault", f->name, f->needs, f->refuses, f->refuses_why, caps, bk->name, buf,
		    len);
}

const char *compat_faults(const struct job_config *c, char *buf, size_t len)
{
	for (unsigned int i = 0; i < c->nfaults; i++) {
		const struct fault_ops *f = fault_find(c->faults[i]);

		for (unsigned int k = 0; f && f->conflicts && k < c->nfaults; k++) {
			if (!namelist_has(f->conflicts, c->faults[k]))
				continue;
			snprintf(buf, len, "faults %s and %s cannot share a job (%s)", f->name,
				 c->faults[k], f->conflicts_why);
			return buf;
		}
	}
	return NULL;
}

unsigned int cfg_fork_kinds(const struct job_config *c)
{
	const struct workload_ops *wl = workload_find(c->workload);
	unsigned int kinds = wl && (wl->flags & WL_FORKS);

	for (unsigned int i = 0; i < c->nfaults; i++) {
		const struct fault_ops *f = fault_find(c->faults[i]);

		kinds += f && f->forks;
	}
	return kinds;
}
