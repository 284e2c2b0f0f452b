// SPDX-License-Identifier: GPL-2.0
/* The state of a damaged block's pages, for the failure record (see forensics.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "verify/forensics.h"
#include "run/job.h"
#include "kernel/pagemap.h"

/* include/uapi/linux/kernel-page-flags.h and the kernel-internal bits of fs/proc/page.c. */
static const char *const kpf_name[64] = {
	[0] = "locked",		[1] = "error",		[2] = "referenced",
	[3] = "uptodate",	[4] = "dirty",		[5] = "lru",
	[6] = "active",		[7] = "slab",		[8] = "writeback",
	[9] = "reclaim",	[10] = "buddy",		[11] = "mmap",
	[12] = "anon",		[13] = "swapcache",	[14] = "swapbacked",
	[15] = "compound_head",	[16] = "compound_tail",	[17] = "huge",
	[18] = "unevictable",	[19] = "hwpoison",	[20] = "nopage",
	[21] = "ksm",		[22] = "thp",		[23] = "offline",
	[24] = "zero_page",	[25] = "idle",		[26] = "pgtable",
	[32] = "reserved",	[33] = "mlocked",	[34] = "owner_2",
	[35] = "private",	[36] = "private_2",	[37] = "owner_private",
	[38] = "arch",		[39] = "uncached",	[40] = "softdirty",
	[41] = "arch_2",
};

void kpf_names(uint64_t flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int b = 0; b < 64 && n < len; b++) {
		char unknown[8];
		const char *name = kpf_name[b];

		if (!(flags & (1ULL << b)))
			continue;
		if (!name) {
			snprintf(unknown, sizeof(unknown), "bit%u", b);
			name = unknown;
		}
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", name);
	}
}

void pagemap_describe(uint64_t pm, char *buf, size_t len)
{
	size_t n;

	if (pm & PM_PRESENT)
		n = (size_t)snprintf(buf, len, "present pfn %#" PRIx64, (uint64_t)(pm & PM_PFN_MASK));
	else if (pm & PM_SWAP)
		/* Swap entry: type in bits 0-4, offset in bits 5-54. */
		n = (size_t)snprintf(buf, len, "swapped type %" PRIu64 " offset %#" PRIx64,
				     (uint64_t)(pm & 0x1f), (uint64_t)((pm & PM_PFN_MASK) >> 5));
	else
		n = (size_t)snprintf(buf, len, "not present");
	if (n < len && (pm & PM_EXCLUSIVE))
		n += (size_t)snprintf(buf + n, len - n, " exclusive");
	if (n < len && (pm & PM_FILE))
		n += (size_t)snprintf(buf + n, len - n, " file-or-shared");
	if (n < len && (pm & PM_SOFT_DIRTY))
		n += (size_t)snprintf(buf + n, len - n, " soft-dirty");
	if (n < len && (pm & PM_UFFD_WP))
		snprintf(buf + n, len - n, " uffd-wp");
}

void hex_line(const uint8_t *p, unsigned int n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < n && o + 4 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x", i ? " " : "", p[i]);
}

static void take_pages(const uint8_t *from, size_t npages, struct forensics *fx)
{
	size_t ps = job_page_size();
	uint64_t pm[FX_MAX_PAGES];
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (npages > FX_MAX_PAGES)
		npages = FX_MAX_PAGES;
	if (!pagemap_read(fd, from, npages, pm)) {
		for (size_t i = 0; i < npages; i++) {
			struct fx_page *p = &fx->pages[i];

			p->vaddr = (uintptr_t)from + i * ps;
			p->pagemap = pm[i];
			p->have_kflags = (pm[i] & PM_PRESENT) && (pm[i] & PM_PFN_MASK) &&
					 !kpageflags_read(pm[i] & PM_PFN_MASK, &p->kflags);
		}
		fx->npages = (unsigned int)npages;
	}
	close(fd);
}

/* The smaps block of the VMA holding @addr; its start in *start. */
static void take_smaps(uintptr_t addr, struct forensics *fx, uintptr_t *start)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	size_t n = 0;
	bool in = false;

	*start = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t lo, hi;
		bool header = sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2 &&
			      strchr(line, '-') < strchr(line, ' ');

		if (header) {
			if (in)
				break;
			in = addr >= lo && addr < hi;
			if (in)
				*start = lo;
		}
		if (in && n + strlen(line) < sizeof(fx->smaps))
			n += (size_t)snprintf(fx->smaps + n, sizeof(fx->smaps) - n, "%s", line);
	}
	fclose(f);
	if (n && fx->smaps[n - 1] == '\n')
		fx->smaps[n - 1] = 0;
}

static void take_numa_maps(uintptr_t start, struct forensics *fx)
{
	FILE *f = fopen("/proc/self/numa_maps", "re");
	char line[sizeof(fx->numa_maps)];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uintptr_t lo;

		if (sscanf(line, "%" SCNxPTR " ", &lo) != 1 || lo != start)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(fx->numa_maps, sizeof(fx->numa_maps), "%s", line);
		break;
	}
	fclose(f);
}

static void take_diff(const uint8_t *blk, size_t bs, uint64_t seed, const struct stamp_id *expect,
		      size_t first_diff, struct forensics *fx)
{
	uint8_t *want = malloc(bs);
	size_t off = first_diff & ~(size_t)15;

	if (!want)
		return;
	stamp_fill(want, bs, seed, expect);
	fx->diff_off = off;
	fx->diff_len = (unsigned int)(bs - off < FX_DIFF_BYTES ? bs - off : FX_DIFF_BYTES);
	memcpy(fx->want, want + off, fx->diff_len);
	memcpy(fx->found, blk + off, fx->diff_len);
	fx->have_diff = true;
	free(want);
}

void forensics_take(const void *blk, size_t bs, uint64_t seed, const struct stamp_id *expect,
		    size_t first_diff, struct forensics *fx)
{
	size_t ps = job_page_size(), from = first_diff < bs ? first_diff : 0;
	uintptr_t at = ((uintptr_t)blk + from) & ~(uintptr_t)(ps - 1);
	uintptr_t end = (uintptr_t)blk + bs, start;

	memset(fx, 0, sizeof(*fx));
	/* Bytes first: they are what the kernel left, and they can still change. */
	if (first_diff < bs)
		take_diff(blk, bs, seed, expect, first_diff, fx);
	take_pages((const uint8_t *)at, (end - at + ps - 1) / ps, fx);
	take_smaps((uintptr_t)blk, fx, &start);
	if (start)
		take_numa_maps(start, fx);
}
