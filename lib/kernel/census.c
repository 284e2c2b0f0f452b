// SPDX-License-Identifier: GPL-2.0
/* The census walks pagemap in chunks and reads kpageflags for each PFN. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/census.h"
#include "kernel/pagemap.h"

#define CHUNK 1024

#define F(bit) (1ULL << (bit))

/*
 * Is the KSM bit of /proc/kpageflags to be believed?  Debian's 6.12.118
 * sets it on every anonymous page (stable_page_flags() tests
 * "mapping & PAGE_MAPPING_KSM", which the anon bit alone satisfies).  A
 * fresh private page of our own is never a KSM page: if it says KSM, the
 * bit is noise, and a KSM page is told by being mapped more than once
 * (/proc/kpagecount) instead.
 */
static bool ksm_bit_reliable(void)
{
	static int reliable = -1;
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t pm, kf = 0;
	uint8_t *p;
	int fd;

	if (reliable >= 0)
		return reliable;
	p = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return true;
	*(volatile uint8_t *)p = 1;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !pagemap_read(fd, p, 1, &pm) && (pm & PM_PRESENT) &&
	    !kpageflags_read(pm & PM_PFN_MASK, &kf))
		reliable = !(kf & F(KPF_KSM));
	if (fd >= 0)
		close(fd);
	munmap(p, ps);
	return reliable != 0;
}

static void count_flags(struct census *c, uint64_t kf)
{
	c->anon += !!(kf & F(KPF_ANON));
	c->shmem += (kf & F(KPF_SWAPBACKED)) && !(kf & F(KPF_ANON));
	c->file += (kf & F(KPF_MMAP)) && !(kf & (F(KPF_ANON) | F(KPF_SWAPBACKED)));
	c->thp += !!(kf & F(KPF_THP));
	c->hugetlb += !!(kf & F(KPF_HUGE));
	c->ksm += !!(kf & F(KPF_KSM));
	c->mlocked += !!(kf & F(KPF_MLOCKED));
	c->dirty += !!(kf & F(KPF_DIRTY));
	c->zero += !!(kf & F(KPF_ZERO_PAGE));
	/* KSM pages are swap-backed: the KSM bit need not be consulted. */
	c->lazyfree += (kf & F(KPF_ANON)) && !(kf & F(KPF_SWAPBACKED));
}

struct walk {
	int kfd;
	int cfd;		/* /proc/kpagecount when the KSM bit is not reliable, else -1 */
	uint64_t head_pfn, run;		/* the large folio being followed */
};

/* The folio being followed ends: @run pages of it were mapped in a row. */
static void end_run(struct walk *w, struct census *c)
{
	uint64_t n = w->run;

	w->run = 0;
	if (n < 2)
		return;
	c->large[63 - __builtin_clzll(n)] += n;
	if (!(n & (n - 1)))
		c->orders |= 1u << __builtin_ctzll(n);
}

static void walk_page(struct walk *w, struct census *c, uint64_t pm)
{
	uint64_t pfn = pm & PM_PFN_MASK, kf = 0;

	c->soft_dirty += !!(pm & PM_SOFT_DIRTY);
	if (!(pm & PM_PRESENT)) {
		c->swapped += !!(pm & PM_SWAP);
		end_run(w, c);
		return;
	}
	c->present++;
	if (pread(w->kfd, &kf, sizeof(kf), (off_t)(pfn * sizeof(kf))) != sizeof(kf)) {
		end_run(w, c);
		return;
	}
	if (w->cfd >= 0 && (kf & F(KPF_KSM))) {
		uint64_t mapped = 0;

		if (pread(w->cfd, &mapped, sizeof(mapped), (off_t)(pfn * sizeof(mapped))) !=
		    sizeof(mapped) || mapped < 2)
			kf &= ~F(KPF_KSM);
	}
	count_flags(c, kf);
	if (kf & F(KPF_COMPOUND_HEAD)) {
		end_run(w, c);
		w->head_pfn = pfn;
		w->run = 1;
	} else if ((kf & F(KPF_COMPOUND_TAIL)) && w->run && pfn == w->head_pfn + w->run) {
		w->run++;
	} else {
		end_run(w, c);
	}
}

uint64_t census_large_pages(const struct census *c, unsigned int min_order)
{
	uint64_t n = 0;

	for (unsigned int k = min_order ? min_order : 1; k < 32; k++)
		n += c->large[k];
	return n;
}

int census_take(const void *addr, size_t len, struct census *c)
{
	size_t psize = (size_t)sysconf(_SC_PAGESIZE), n = len / psize;
	uint64_t *pm = malloc(CHUNK * sizeof(*pm));
	struct walk w = { .kfd = -1, .cfd = -1 };
	int pfd, ret = 0;

	memset(c, 0, sizeof(*c));
	if (!pm)
		return -ENOMEM;
	pfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	w.kfd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (pfd < 0 || w.kfd < 0) {
		ret = -errno;
		goto out;
	}
	if (!ksm_bit_reliable())
		w.cfd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	c->pages = n;
	for (size_t i = 0; i < n && !ret; i += CHUNK) {
		size_t k = n - i < CHUNK ? n - i : CHUNK;

		ret = pagemap_read(pfd, (const uint8_t *)addr + i * psize, k, pm);
		for (size_t p = 0; p < k && !ret; p++)
			walk_page(&w, c, pm[p]);
	}
	end_run(&w, c);
out:
	if (pfd >= 0)
		close(pfd);
	if (w.kfd >= 0)
		close(w.kfd);
	if (w.cfd >= 0)
		close(w.cfd);
	free(pm);
	return ret;
}

void census_orders_str(uint32_t orders, char *buf, size_t len)
{
	size_t psize_kb = (size_t)sysconf(_SC_PAGESIZE) / 1024, n = 0;

	if (len)
		buf[0] = 0;
	for (int k = 1; k < 32 && n < len; k++)
		if (orders & (1u << k))
			n += (size_t)snprintf(buf + n, len - n, "%s%zuK", n ? "," : "",
					      psize_kb << k);
}

int census_pfns(const void *addr, size_t n, uint64_t *pfn)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = pagemap_read(fd, addr, n, pfn);
	close(fd);
	for (size_t i = 0; !ret && i < n; i++)
		pfn[i] = (pfn[i] & PM_PRESENT) ? (pfn[i] & PM_PFN_MASK) : 0;
	return ret;
}
