// SPDX-License-Identifier: GPL-2.0
/* Sizes read from the running kernel (kconst.h). */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "kernel/kconst.h"
#include "kernel/tunable.h"

static size_t pmd_bytes;
static pthread_once_t pmd_once = PTHREAD_ONCE_INIT;

static void pmd_read(void)
{
	uint64_t v = 0;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	if (!tunable_read_u64("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", &v) && v &&
	    !(v & (v - 1)))
		pmd_bytes = (size_t)v;
	else
		pmd_bytes = ps / sizeof(uint64_t) * ps;
}

size_t pmd_size(void)
{
	pthread_once(&pmd_once, pmd_read);
	return pmd_bytes;
}

unsigned int pmd_order(void)
{
	return (unsigned int)__builtin_ctzl(pmd_size() / (size_t)sysconf(_SC_PAGESIZE));
}
