// SPDX-License-Identifier: GPL-2.0
/*
 * migrate: move a random range of the region to another NUMA node while
 * kernel writes are in flight, so pages bounce between nodes over a run;
 * every other injection with move_pages(2), page by page, the rest with
 * mbind(2) MPOL_BIND + MPOL_MF_MOVE_ALL, as a server's NUMA policy moves
 * them (the range's VMA is split for the policy and merged again when it
 * is put back).  _ALL: pages still shared with a fork child move too (the
 * rmap walk across both processes); with MPOL_MF_MOVE alone they refuse,
 * and in a guest where the fork children live most of the time a job moved
 * nothing in 40 s.  Pages with an O_DIRECT read in flight or pinned
 * long-term refuse to move (status -EBUSY/-EAGAIN): that refusal is part
 * of the test.
 * Evidence: pages whose node really changed, from move_pages: the status
 * of the move, or of a look (no target) before and after mbind.
 * Needs two NUMA nodes with memory.
 * Target: mm/migrate.c (migrate_pages, folio_migrate_mapping and the
 * refcount check that keeps pinned pages), GUP against migration entries.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdlib.h>

#include "faults/fault.h"
#include "kernel/topology.h"

#define MIGRATE_MAX_PAGES 256

struct migrate_priv {
	int nnodes;
	int nodes[64];		/* nodes with memory */
	void *pages[MIGRATE_MAX_PAGES];
	int target[MIGRATE_MAX_PAGES];
	int where[MIGRATE_MAX_PAGES];
	int status[MIGRATE_MAX_PAGES];
	_Atomic uint64_t *ev_migrated, *ev_refused, *ev_mbind;
	unsigned long n;	/* injections so far */
};

static const char *migrate_probe(void)
{
	int nodes[64];

	if (numa_available() < 0)
		return "unavailable: no NUMA support (get_mempolicy fails)";
	if (topology_memory_nodes(nodes, 64) < 2)
		return "unavailable: 1 NUMA node";
	return NULL;
}

static int migrate_setup(struct fault_inst *f)
{
	struct migrate_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->nnodes = numa_available() < 0 ? 0 : topology_memory_nodes(p->nodes, 64);
	p->ev_migrated = job_ev(f->job, "pages_migrated");
	p->ev_refused = job_ev(f->job, "migrate_pages_refused");
	p->ev_mbind = job_ev(f->job, "pages_migrated_by_mbind");
	f->priv = p;
	return p->nnodes < 2 ? -ENOTSUP : 0;
}

/* The node other than @cur to send a page to: the next one, round robin. */
static int other_node(const struct migrate_priv *p, int cur, unsigned int skew)
{
	for (int i = 0; i < p->nnodes; i++)
		if (p->nodes[i] == cur)
			return p->nodes[(i + 1 + skew % (p->nnodes - 1)) % p->nnodes];
	return p->nodes[skew % p->nnodes];
}

/*
 * Move @n pages at @addr each to a node other than its own.  Returns the
 * number of pages that really changed node, or -errno.  Exposed through
 * the ops only; kept apart so that its rules read in one place:
 * status[i] >= 0 is the node the page is on now, < 0 why it did not move
 * (-ENOENT not present, -EBUSY/-EAGAIN pinned or busy, -EFAULT no page).
 */
static long migrate_range(struct migrate_priv *p, uint8_t *addr, size_t n, unsigned int skew)
{
	size_t ps = job_page_size();
	long moved = 0;

	for (size_t i = 0; i < n; i++)
		p->pages[i] = addr + i * ps;
	/* nodes == NULL: only ask where each page is. */
	if (move_pages(0, n, p->pages, NULL, p->where, 0))
		return -errno;
	for (size_t i = 0; i < n; i++)
		p->target[i] = other_node(p, p->where[i], skew);
	if (move_pages(0, n, p->pages, p->target, p->status, MPOL_MF_MOVE_ALL) < 0)
		return -errno;
	for (size_t i = 0; i < n; i++) {
		if (p->where[i] >= 0 && p->status[i] >= 0 && p->status[i] != p->where[i])
			moved++;
		else if (p->where[i] >= 0 && p->status[i] < 0)
			ev_add(p->ev_refused, 1);
	}
	return moved;
}

/*
 * mbind @n pages at @addr to one node other than the first page's, moving
 * what is there (MPOL_MF_MOVE_ALL), then give the range back its policy: the
 * job's preferred node (affinity = spread) or none.  Pages moved, or -errno.
 */
static long mbind_range(struct migrate_priv *p, const struct job *j, uint8_t *addr, size_t n,
			unsigned int skew)
{
	unsigned long mask[TOPO_MAX_NODES / (8 * sizeof(unsigned long)) + 1] = { 0 };
	size_t ps = job_page_size(), bits = 8 * sizeof(unsigned long);
	long moved = 0;
	int node, ret;

	for (size_t i = 0; i < n; i++)
		p->pages[i] = addr + i * ps;
	if (move_pages(0, n, p->pages, NULL, p->where, 0))
		return -errno;
	node = other_node(p, p->where[0], skew);
	mask[node / bits] |= 1UL << (node % bits);
	ret = mbind(addr, n * ps, MPOL_BIND, mask, TOPO_MAX_NODES + 1, MPOL_MF_MOVE_ALL) ?
	      -errno : 0;
	if (j->cfg->mem_node >= 0)
		topology_prefer_node(addr, n * ps, j->cfg->mem_node);
	else
		mbind(addr, n * ps, MPOL_DEFAULT, NULL, 0, 0);
	/* EIO: some page could not be moved (pinned, busy): the rest may have. */
	if (ret && ret != -EIO)
		return ret;
	if (move_pages(0, n, p->pages, NULL, p->status, 0))
		return -errno;
	for (size_t i = 0; i < n; i++) {
		if (p->where[i] >= 0 && p->status[i] >= 0 && p->status[i] != p->where[i])
			moved++;
		else if (p->where[i] >= 0 && p->where[i] != node)
			ev_add(p->ev_refused, 1);
	}
	ev_add(p->ev_mbind, (uint64_t)moved);
	return moved;
}

static int migrate_inject(struct fault_inst *f, struct rng *r)
{
	struct migrate_priv *p = f->priv;
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	size_t n = 1 + rng_below(r, pages < MIGRATE_MAX_PAGES ? pages : MIGRATE_MAX_PAGES);
	size_t first = rng_below(r, pages - n + 1);
	uint8_t *addr = reg->base + first * job_page_size();
	unsigned int skew = (unsigned int)rng_next(r);
	long moved = p->n++ % 2 ? mbind_range(p, f->job, addr, n, skew) :
				  migrate_range(p, addr, n, skew);

	/* move_pages returns > 0 for pages it could not move: not an error. */
	if (moved <= 0)
		return moved < 0 ? (int)moved : FAULT_DONE;
	ev_add(p->ev_migrated, (uint64_t)moved);
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_migrate = {
	.name = "migrate",
	.desc = "move random ranges to another NUMA node and back, by move_pages(2) and by "
		"mbind(2) MPOL_MF_MOVE_ALL in turn",
	.interval_ms = 10,
	.needs = 0,
	.refuses = MC_HUGETLB,
	.proof = "pages_migrated",
	.probe = migrate_probe,
	.setup = migrate_setup,
	.inject = migrate_inject,
	.benign = { ENOMEM, EBUSY },
};
