// SPDX-License-Identifier: GPL-2.0
/*
 * numa-balancing: the kernel moves the region's pages by itself, as it does
 * all day on servers.  NUMA balancing is switched on (kernel.numa_balancing
 * = 1) with a fast scanner (debugfs sched/numa_balancing: no start delay,
 * short periods, all of it saved and put back): it turns ranges into
 * PROT_NONE hinting entries, and the next access from a CPU of another node
 * faults and migrates the page there (mm/memory.c do_numa_page(),
 * migrate_misplaced_folio()), while kernel writes into those pages are in
 * flight and pins refuse the move.
 * inject() looks where a sample of the region's pages are (move_pages
 * with no target) and counts those whose node changed since it last
 * looked without pinstress moving them.  When nothing moved for a while it
 * gathers the sample on one node (move_pages), so that the writers, spread
 * over the nodes (affinity = spread, or the scheduler), have misplaced
 * pages to fault on; a page it placed counts only once the kernel moves it
 * again.  Faults that move pages themselves (migrate) or bring them back
 * on any node (pageout, swap-in, KSM) cannot share its job: their moves
 * would count as the kernel's.  Another job's memcg reclaim (reclaim,
 * tiering) still swaps or demotes this region's pages, so the count of an
 * interval is held to what NUMA balancing itself migrated in it
 * (/proc/vmstat numa_pages_migrated).
 * Evidence: pages_moved_by_kernel (per page, from move_pages' status).
 * Needs two NUMA nodes with memory and CONFIG_NUMA_BALANCING.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "faults/fault.h"
#include "kernel/numab.h"
#include "kernel/topology.h"
#include "kernel/vmstat.h"

#define NB_SAMPLE	512	/* pages looked at */
#define NB_REGATHER	20	/* injections without a move before gathering again */

struct nb_priv {
	int nnodes;
	int nodes[TOPO_MAX_NODES];
	size_t n;
	void *pages[NB_SAMPLE];
	int last[NB_SAMPLE];	/* node at the last look, < 0: unknown */
	int now[NB_SAMPLE];
	int target[NB_SAMPLE];
	unsigned int idle;	/* injections since a page last moved */
	unsigned int gathers;
	uint64_t kernel_moved;	/* numa_pages_migrated at the last look */
	_Atomic uint64_t *ev_moved, *ev_gathered;
};

static const char *nb_probe(void)
{
	const char *why = numab_probe();
	int nodes[TOPO_MAX_NODES];

	if (reason_kernel_lacks(why))
		return why;
	if (topology_memory_nodes(nodes, TOPO_MAX_NODES) < 2)
		return "unavailable: 1 NUMA node";
	return why;
}

static int nb_setup(struct fault_inst *f)
{
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	struct nb_priv *p;
	int ret = numab_enable(NUMAB_NORMAL);

	if (ret)
		return ret;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->nnodes = topology_memory_nodes(p->nodes, TOPO_MAX_NODES);
	p->n = pages < NB_SAMPLE ? pages : NB_SAMPLE;
	/* Spread over the whole region: page i * pages / n. */
	for (size_t i = 0; i < p->n; i++) {
		p->pages[i] = reg->base + i * (pages / p->n) * job_page_size();
		p->last[i] = -1;
	}
	ret = vmstat_read("numa_pages_migrated", &p->kernel_moved);
	if (ret) {
		free(p);
		return ret;
	}
	p->ev_moved = job_ev(f->job, "pages_moved_by_kernel");
	p->ev_gathered = job_ev(f->job, "pages_gathered_on_one_node");
	f->priv = p;
	return p->nnodes < 2 ? -ENOTSUP : 0;
}

/* Put the sample on one node, the next in turn; where each landed is the new baseline. */
static int gather(struct nb_priv *p)
{
	int node = p->nodes[p->gathers++ % (unsigned int)p->nnodes];
	long placed = 0;

	for (size_t i = 0; i < p->n; i++)
		p->target[i] = node;
	if (move_pages(0, p->n, p->pages, p->target, p->now, MPOL_MF_MOVE_ALL) < 0)
		return -errno;
	for (size_t i = 0; i < p->n; i++) {
		placed += p->now[i] == node;
		p->last[i] = p->now[i];
	}
	ev_add(p->ev_gathered, (uint64_t)placed);
	p->idle = 0;
	return FAULT_DONE;
}

static int nb_inject(struct fault_inst *f, struct rng *r)
{
	struct nb_priv *p = f->priv;
	uint64_t kernel_moved;
	long moved = 0;
	int ret;

	(void)r;
	if (move_pages(0, p->n, p->pages, NULL, p->now, 0))
		return -errno;
	ret = vmstat_read("numa_pages_migrated", &kernel_moved);
	if (ret)
		return ret;
	for (size_t i = 0; i < p->n; i++) {
		/* A page not present (-ENOENT) at either look says nothing. */
		if (p->last[i] >= 0 && p->now[i] >= 0 && p->now[i] != p->last[i])
			moved++;
		p->last[i] = p->now[i];
	}
	if ((uint64_t)moved > kernel_moved - p->kernel_moved)
		moved = (long)(kernel_moved - p->kernel_moved);
	p->kernel_moved = kernel_moved;
	if (moved) {
		ev_add(p->ev_moved, (uint64_t)moved);
		p->idle = 0;
		return FAULT_CONFIRMED;
	}
	if (++p->idle >= NB_REGATHER)
		return gather(p);
	return FAULT_SKIPPED;
}

const struct fault_ops fault_numa_balancing = {
	.name = "numa-balancing",
	.desc = "the kernel's NUMA balancing with a fast scanner moves the region's pages by "
		"hinting faults; pages whose node changed by themselves are counted",
	.interval_ms = 100,
	.refuses = MC_HUGETLB,
	.refuses_why = "NUMA balancing does not migrate hugetlb pages",
	/* task_numa_work() skips a VMA with a policy of its own (vma_policy_mof()). */
	.default_policy = true,
	.proof = "pages_moved_by_kernel",
	.conflicts = "migrate,pageout,swapin-race,zswap,reclaim,ksm",
	.conflicts_why = "pages it moves or brings back on any node would count as moved by "
			 "NUMA balancing",
	.probe = nb_probe,
	.setup = nb_setup,
	.inject = nb_inject,
	.benign = { ENOMEM, EBUSY },
};
