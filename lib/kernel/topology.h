/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a job's threads and memory go when they are spread over the
 * machine: the CPUs this process may use, the NUMA node of each, and the
 * nodes that have memory.  With several nodes a job's memory prefers one
 * node and its writers run on the others first, so the kernel's writes and
 * the CPU's stores cross the interconnect and TLB shootdowns cross sockets.
 */
#ifndef PINSTRESS_TOPOLOGY_H
#define PINSTRESS_TOPOLOGY_H

#include <stddef.h>

#define TOPO_MAX_CPUS	1024
#define TOPO_MAX_NODES	64

struct topology {
	unsigned int ncpus;
	int cpu[TOPO_MAX_CPUS];		/* allowed CPUs, ascending */
	int cpu_node[TOPO_MAX_CPUS];	/* the node of cpu[i] (0 without NUMA) */
	unsigned int nnodes;
	int node[TOPO_MAX_NODES];	/* nodes with memory */
};

/* 0 or -errno.  Without NUMA support: one node, 0. */
int topology_read(struct topology *t);

/* Nodes with memory into @nodes (at most @max); how many, 0 without NUMA support. */
int topology_memory_nodes(int *nodes, int max);

/*
 * The @k-th CPU (wrapping) for a thread of a job whose memory prefers
 * @mem_node: CPUs of other nodes first, then the node's own; any order
 * when @mem_node is negative.
 */
int topology_cpu(const struct topology *t, int mem_node, unsigned int k);

/*
 * Memory tiers (mm/memory-tiers.c, /sys/devices/virtual/memory_tiering):
 * @rank[node] = 0 for the top tier, 1 for the next, ...; -1 for a node in
 * none.  Returns how many tiers hold nodes (0: no tiering sysfs, a kernel
 * before 6.1 or without NUMA), or -errno.
 */
int topology_memory_tiers(int rank[TOPO_MAX_NODES]);

/* Pin the calling thread to @cpu.  0 or -errno. */
int topology_pin_self(int cpu);

/* New pages of [@addr, @addr+@len) prefer @node (MPOL_PREFERRED).  0 or -errno. */
int topology_prefer_node(void *addr, size_t len, int node);

#endif
