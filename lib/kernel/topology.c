// SPDX-License-Identifier: GPL-2.0
/*
 * CPUs and NUMA nodes for spreading jobs (affinity = spread).  libnuma
 * answers the node questions; the CPU list is the process's affinity mask,
 * so a cpuset or taskset around pinstress is honoured.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>

#include "kernel/topology.h"
#include "kernel/tunable.h"

#define TIERS_DIR	"/sys/devices/virtual/memory_tiering"

int topology_memory_nodes(int *nodes, int max)
{
	int n = 0;

	if (numa_available() < 0)
		return 0;
	for (int i = 0; i <= numa_max_node() && n < max; i++) {
		long long free_b = 0;

		if (numa_node_size64(i, &free_b) > 0)
			nodes[n++] = i;
	}
	return n;
}

int topology_read(struct topology *t)
{
	bool numa = numa_available() >= 0;
	cpu_set_t set;
	int n;

	memset(t, 0, sizeof(*t));
	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (int c = 0; c < CPU_SETSIZE && t->ncpus < TOPO_MAX_CPUS; c++) {
		if (!CPU_ISSET(c, &set))
			continue;
		n = numa ? numa_node_of_cpu(c) : 0;
		t->cpu[t->ncpus] = c;
		t->cpu_node[t->ncpus++] = n < 0 ? 0 : n;
	}
	n = topology_memory_nodes(t->node, TOPO_MAX_NODES);
	t->nnodes = n > 0 ? (unsigned int)n : 1;
	return t->ncpus ? 0 : -ENODEV;
}

int topology_cpu(const struct topology *t, int mem_node, unsigned int k)
{
	unsigned int others = 0, idx;
	bool want_other;

	for (unsigned int i = 0; i < t->ncpus; i++)
		others += t->cpu_node[i] != mem_node;
	if (mem_node < 0 || !others || others == t->ncpus)
		return t->cpu[k % t->ncpus];
	/* Numbers 0..others-1 are other nodes' CPUs, the rest the node's own. */
	k %= t->ncpus;
	want_other = k < others;
	idx = want_other ? k : k - others;
	for (unsigned int i = 0; i < t->ncpus; i++)
		if ((t->cpu_node[i] != mem_node) == want_other && !idx--)
			return t->cpu[i];
	return t->cpu[0];
}

int topology_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int topology_prefer_node(void *addr, size_t len, int node)
{
	unsigned long mask[TOPO_MAX_NODES / (8 * sizeof(unsigned long)) + 1] = { 0 };

	if (node < 0 || node >= TOPO_MAX_NODES)
		return -EINVAL;
	mask[node / (8 * sizeof(unsigned long))] |= 1UL << (node % (8 * sizeof(unsigned long)));
	if (mbind(addr, len, MPOL_PREFERRED, mask, TOPO_MAX_NODES + 1, 0))
		return -errno;
	return 0;
}

/* Set @rank[n] = @r for each node of a list like "0-1,3"; -EINVAL if it is not one. */
static int mark_nodes(const char *list, int rank[TOPO_MAX_NODES], int r)
{
	const char *p = list;
	char *end;
	long lo, hi;

	while (*p) {
		lo = hi = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		if (*end == '-') {
			p = end + 1;
			hi = strtol(p, &end, 10);
			if (end == p)
				return -EINVAL;
		}
		if (lo < 0 || hi < lo || hi >= TOPO_MAX_NODES)
			return -EINVAL;
		for (long n = lo; n <= hi; n++)
			rank[n] = r;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -EINVAL;
	}
	return 0;
}

static int by_number(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int topology_memory_tiers(int rank[TOPO_MAX_NODES])
{
	int ids[TOPO_MAX_NODES], n = 0, tiers = 0, ret = 0;
	char path[128], list[256];
	struct dirent *d;
	DIR *dir;

	for (int i = 0; i < TOPO_MAX_NODES; i++)
		rank[i] = -1;
	dir = opendir(TIERS_DIR);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	/* memory_tierN: a lower N is a faster tier (N is the abstract distance's chunk). */
	while ((d = readdir(dir)) && n < TOPO_MAX_NODES)
		if (sscanf(d->d_name, "memory_tier%d", &ids[n]) == 1)
			n++;
	closedir(dir);
	qsort(ids, n, sizeof(ids[0]), by_number);
	for (int i = 0; i < n && !ret; i++) {
		snprintf(path, sizeof(path), TIERS_DIR "/memory_tier%d/nodelist", ids[i]);
		if (tunable_read(path, list, sizeof(list)) || !list[0])
			continue;
		ret = mark_nodes(list, rank, tiers++);
	}
	return ret ? ret : tiers;
}
