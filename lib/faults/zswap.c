// SPDX-License-Identifier: GPL-2.0
/*
 * zswap: MADV_PAGEOUT (the pageout fault's code) with zswap enabled, so
 * swapped pages go through zswap_store() into the compressed pool and come
 * back through zswap_load() on the next fault, including pages whose
 * content changes while kernel writes are in flight.  zswap is switched on
 * with tunable_set() (saved and restored by the driver).  Since 6.18 zswap
 * also keeps pages that do not compress (our stamps are random payload), so
 * every stored page counts.
 *
 * Evidence: zswap has no per-page or per-process interface (memcg v2
 * memory.stat has "zswapped" but v1 does not), only the global
 * /proc/vmstat counters zswpout (pages stored) and pswpout (pages written
 * to the swap device).  Every page of ours that pagemap shows swapped out
 * went either to zswap or to the device (pswpout), so
 *     swapped - delta(pswpout)
 * is a lower bound of our pages that went to zswap, whatever other
 * processes do at the same time (theirs can only lower it), and
 * delta(zswpout) bounds it too.  Target: mm/zswap.c, mm/page_io.c
 * (swap_writeout, swap_read_folio), do_swap_page().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/pageout.h"
#include "kernel/tunable.h"
#include "kernel/vmstat.h"

#define ZSWAP_PARAM	"/sys/module/zswap/parameters/"

struct zswap_priv {
	struct pageout_ctx ctx;
	_Atomic uint64_t *ev_swapped, *ev_zswapped;
};

struct swap_events {
	uint64_t zswpout, pswpout;
};

static int read_swap_events(struct swap_events *ev)
{
	static const char *const names[] = { "zswpout", "pswpout" };
	uint64_t v[2];
	int ret = vmstat_read_set(names, 2, v);

	if (!ret) {
		ev->zswpout = v[0];
		ev->pswpout = v[1];
	}
	return ret;
}

/*
 * Before 6.18 zswap_store() rejects a page that does not compress, and
 * every block pinstress writes is a random payload: nothing would ever
 * reach the pool (seen on 6.12: 0 pages in 60 s).  The version decides,
 * as no interface says how zswap treats incompressible pages.
 */
static bool zswap_keeps_incompressible(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 6 || (major == 6 && minor >= 18);
}

static const char *zswap_probe(void)
{
	struct swap_events ev;
	const char *why = fault_swap_probe();

	if (why)
		return why;
	if (access(ZSWAP_PARAM "enabled", F_OK) || read_swap_events(&ev))
		return "kernel without CONFIG_ZSWAP";
	if (!zswap_keeps_incompressible())
		return "kernel before 6.18: zswap rejects pages that do not compress, and every "
		       "block is random payload";
	if (access(ZSWAP_PARAM "enabled", W_OK))
		return "cannot switch zswap on (not root?)";
	return NULL;
}

static int zswap_setup(struct fault_inst *f)
{
	struct zswap_priv *p;
	char val[16];
	int ret;

	/* Saved the first time, put back by the driver after the round. */
	ret = tunable_set(ZSWAP_PARAM "enabled", "Y");
	if (ret)
		return ret;
	/* The kernel refuses to enable zswap without a usable compressor. */
	ret = tunable_read(ZSWAP_PARAM "enabled", val, sizeof(val));
	if (ret)
		return ret;
	if (strcmp(val, "Y"))
		return -ENOTSUP;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	ret = pageout_init(&p->ctx);
	if (ret) {
		free(p);
		return ret;
	}
	p->ev_swapped = job_ev(f->job, "pages_swapped_out");
	p->ev_zswapped = job_ev(f->job, "pages_zswapped");
	f->priv = p;
	return 0;
}

static int zswap_inject(struct fault_inst *f, struct rng *r)
{
	struct zswap_priv *p = f->priv;
	struct swap_events e0, e1;
	long swapped, zswapped;
	int ret;

	ret = read_swap_events(&e0);
	if (ret)
		return ret;
	swapped = pageout_random(f, &p->ctx, r);
	if (swapped < 0)
		return (int)swapped;
	ret = read_swap_events(&e1);
	if (ret)
		return ret;
	zswapped = swapped - (long)(e1.pswpout - e0.pswpout);
	if (zswapped > (long)(e1.zswpout - e0.zswpout))
		zswapped = (long)(e1.zswpout - e0.zswpout);
	ev_add(p->ev_swapped, (uint64_t)swapped);
	if (zswapped <= 0)
		return FAULT_DONE;
	ev_add(p->ev_zswapped, (uint64_t)zswapped);
	return FAULT_CONFIRMED;
}

static void zswap_teardown(struct fault_inst *f)
{
	struct zswap_priv *p = f->priv;

	if (!p)
		return;
	pageout_fini(&p->ctx);
}

const struct fault_ops fault_zswap = {
	.name = "zswap",
	.desc = "MADV_PAGEOUT with zswap enabled (saved and restored): pages through the compressed pool",
	.interval_ms = 10,
	.needs = MC_SWAPPABLE,
	.refuses = 0,
	.proof = "pages_zswapped",
	.probe = zswap_probe,
	.setup = zswap_setup,
	.inject = zswap_inject,
	.benign = { EAGAIN },
	.teardown = zswap_teardown,
};
