// SPDX-License-Identifier: GPL-2.0
/*
 * fork() sometimes leaves a private 1 GiB hugetlb page out of the child's
 * page tables; the child then faults in a fresh zero page where the data
 * from the time of fork was.
 *
 * copy_hugetlb_page_range() (mm/hugetlb.c; dup_mmap -> copy_page_range)
 * skips a destination page table it takes for a shared PMD table, since
 * "mm/hugetlb: fix copy_hugetlb_page_range() to use ->pt_share_count"
 * (as read in 6.19-rc source; the 6.18.44 source was not at hand, and its
 * behaviour matches):
 *
 *	if (ptdesc_pmd_is_shared(virt_to_ptdesc(dst_pte))) {
 *		addr |= last_addr_mask;
 *		continue;
 *	}
 *
 * whatever the hstate's size.  For 1 GiB pages dst_pte is an entry of the
 * child's PUD table, not of a PMD table.  pt_share_count shares its word
 * with page->index; only pagetable_pmd_ctor() sets it (to 0, by
 * ptdesc_pmd_pts_init()), pagetable_pud_ctor() leaves what the page's
 * previous user left there.  When that is not zero the copy skips the
 * entry and the rest of the PUD table (last_addr_mask: up to 512 GiB).
 * The child's first access goes to hugetlb_no_page(): a private mapping
 * has no page cache page, and HPAGE_RESV_UNMAPPED is not set (nobody
 * unmapped anything: unmap_ref_private() is not involved), so it
 * allocates and zeroes a new page if the pool has one, and the child
 * reads zeros; with an empty pool the child gets SIGBUS, without the
 * "killed due to inadequate hugepage pool" line.  A 2 MiB page's entry
 * sits in a PMD table, whose count is initialised: never skipped.
 *
 * Which page becomes the child's PUD table, and what its index word held,
 * is up to the page allocator, so each fork is a draw: from about one in
 * eight to nearly all forks here (6.18.44), depending on what was freed
 * before.
 * The probe puts the page in an otherwise empty 512 GiB slot, so that the
 * PUD table holding its entry is allocated by the copy itself and holds
 * nothing else; at an address mmap() picks the rate is lower, not zero.
 *
 * Steps: raise the 1 GiB pool by 2 (the region's page and, if the kernel
 * finds one, a spare for the child's zero page), map one private 1 GiB
 * page at the start of an empty slot and write a pattern into it; then,
 * up to FORKS times or until 8 children lacked the page: fork; the child
 * looks at its own pagemap entry for the page and reads the pattern; the
 * parent, which never writes after fork (no COW, no unmap_ref_private()),
 * checks that its own mapping is intact.  The same with one 2 MiB page is
 * the control.  The bug is present when a child lacks the 1 GiB entry.
 *
 * usage: hugetlb-1g-fork-zero [FORKS]   (default 200; at most about 30 s,
 *        1-6 s here)
 * Build: cc -O2 -Wall -D_GNU_SOURCE -o hugetlb-1g-fork-zero hugetlb-1g-fork-zero.c
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "probe.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT		26
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

#define FORKS_DEFAULT	200
#define HIT_LIMIT	8		/* enough: each one costs zeroing 1 GiB */
#define FORKS_MAX	1000
#define BOUND_S		60
#define LOOP_LIMIT_S	12		/* per page size */
#define SLOT_SIZE	(1ull << 39)	/* what one PUD table maps (4-level paging) */
#define SLOT_FIRST	32		/* 16 TiB: clear of the binary and the heap */
#define SLOT_LAST	250		/* below 128 TiB, the 4-level user limit */
#define PATTERN		0x5a17c0de5a17c0deull
#define POOL_KILL	"killed due to inadequate hugepage pool"

struct hsize {
	const char *name;	/* "1 GiB" */
	unsigned long kb;
	int shift;
	char dir[64];		/* /sys/kernel/mm/hugepages/hugepages-<kb>kB */
};

struct tally {
	unsigned int forks;
	unsigned int missing;	/* no entry in the child right after fork */
	unsigned int zeros;	/* the child read zeros */
	unsigned int sigbus;	/* the child died of SIGBUS on its read */
	unsigned int other;	/* the child read neither the pattern nor zeros */
};

/* What the child found, before the read that may kill it. */
struct child_view {
	int looked;
	int present;
	uint64_t val;
};

static struct child_view *view;
static void *region;
static size_t region_len;
static pid_t child_pid;

/* At an early exit: a child zeroing 1 GiB would keep its page a while. */
static void kill_child(long unused)
{
	(void)unused;
	if (child_pid > 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
	}
	child_pid = 0;
}

static void unmap_region(long unused)
{
	(void)unused;
	if (region)
		munmap(region, region_len);
	region = NULL;
}

static unsigned long read_ul(const struct hsize *hs, const char *file)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), "%s/%s", hs->dir, file);
	if (probe_read_file(path, buf, sizeof(buf)))
		return 0;
	return strtoul(buf, NULL, 10);
}

/*
 * Raise the pool of @hs by 2 (restored at exit).  Returns the free pages
 * after that, 0 if there is no such pool or nothing could be had.
 */
static unsigned long grow_pool(const struct hsize *hs, char *why, size_t len)
{
	char path[128], val[32];
	unsigned long cur;
	int ret;

	snprintf(path, sizeof(path), "%s/nr_hugepages", hs->dir);
	if (access(path, W_OK)) {
		snprintf(why, len, "no %s hugetlb pool here", hs->name);
		return 0;
	}
	cur = read_ul(hs, "nr_hugepages");
	snprintf(val, sizeof(val), "%lu", cur + 2);
	ret = probe_set(path, val);
	if (ret && ret != -ENOMEM)
		probe_exit(PROBE_ERROR, "writing %s: %s", path, strerror(-ret));
	snprintf(why, len, "no free %s page (nr_hugepages %lu -> %lu: memory too fragmented?)",
		 hs->name, cur, read_ul(hs, "nr_hugepages"));
	return read_ul(hs, "free_hugepages");
}

/* Is [start, start + len) clear of every mapping in /proc/self/maps? */
static bool range_free(unsigned long long start, unsigned long long len)
{
	unsigned long long lo, hi;
	char line[512];
	bool ok = true;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		probe_exit(PROBE_ERROR, "/proc/self/maps: %s", strerror(errno));
	while (ok && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo < start + len && hi > start)
			ok = false;
	fclose(f);
	return ok;
}

/* One huge page of @hs at the start of a 512 GiB slot nothing else uses. */
static uint64_t *map_in_empty_slot(const struct hsize *hs)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED_NOREPLACE |
		    (hs->shift << MAP_HUGE_SHIFT);
	size_t len = (size_t)hs->kb << 10;

	for (unsigned long long s = SLOT_FIRST; s <= SLOT_LAST; s++) {
		void *want = (void *)(uintptr_t)(s * SLOT_SIZE);
		void *p;

		if (!range_free(s * SLOT_SIZE, SLOT_SIZE))
			continue;
		p = mmap(want, len, PROT_READ | PROT_WRITE, flags, -1, 0);
		if (p == MAP_FAILED && errno == EEXIST)
			continue;
		if (p == MAP_FAILED)
			probe_exit(errno == ENOMEM ? PROBE_NA : PROBE_ERROR,
				   "mmap of a private %s hugetlb page: %s", hs->name,
				   strerror(errno));
		if (p != want) {
			munmap(p, len);
			probe_exit(PROBE_ERROR, "MAP_FIXED_NOREPLACE not honoured (kernel < 4.17?)");
		}
		region = p;
		region_len = len;
		return p;
	}
	probe_exit(PROBE_ERROR, "no empty 512 GiB slot below 128 TiB");
}

static void __attribute__((noreturn)) child(const uint64_t *p)
{
	/* Not the probe: no undo, and a signal ends the child at once. */
	probe_state.nundo = 0;
	probe_state.exiting = 1;
	view->present = !!(probe_pagemap(p) & PM_PRESENT);
	view->looked = 1;
	/* In memory before the read that may kill us. */
	__asm__ __volatile__("" ::: "memory");
	view->val = *(const volatile uint64_t *)p;	/* may fault: zero page or SIGBUS */
	_exit(0);
}

/* @forks forks of a process holding one private huge page of @hs. */
static struct tally run_forks(const struct hsize *hs, unsigned int forks)
{
	uint64_t *p = map_in_empty_slot(hs);
	uint64_t t0 = probe_now_ns();
	struct tally t = { 0 };

	*(volatile uint64_t *)p = PATTERN;
	if (!(probe_pagemap(p) & PM_PRESENT))
		probe_exit(PROBE_ERROR, "the %s page is not mapped after writing it", hs->name);
	while (t.forks < forks && t.missing < HIT_LIMIT &&
	       probe_now_ns() - t0 < LOOP_LIMIT_S * 1000000000ull) {
		int status;
		pid_t pid;

		memset(view, 0, sizeof(*view));
		pid = fork();
		if (pid < 0)
			probe_exit(PROBE_ERROR, "fork: %s", strerror(errno));
		if (!pid)
			child(p);
		child_pid = pid;
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				probe_exit(PROBE_ERROR, "waitpid: %s", strerror(errno));
		child_pid = 0;
		t.forks++;
		if (!view->looked)
			probe_exit(PROBE_ERROR, "fork %u: the child died before looking (status %#x)",
				   t.forks, status);
		t.missing += !view->present;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS)
			t.sigbus++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			probe_exit(PROBE_ERROR, "fork %u: the child ended with status %#x", t.forks,
				   status);
		else if (view->val == 0)
			t.zeros++;
		else if (view->val != PATTERN)
			t.other++;
		/* The parent's own mapping must be untouched: this is about the child. */
		if (!(probe_pagemap(p) & PM_PRESENT) || *(volatile uint64_t *)p != PATTERN)
			probe_exit(PROBE_ERROR, "fork %u: the parent lost its own %s page", t.forks,
				   hs->name);
	}
	unmap_region(0);
	return t;
}

/* Lines with @needle the kernel logged since @fd was opened. */
static unsigned int kmsg_count(int fd, const char *needle)
{
	unsigned int n = 0;
	char rec[2048];

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t len = read(fd, rec, sizeof(rec) - 1);

		if (len < 0 && errno == EPIPE)
			continue;
		if (len <= 0)
			break;
		rec[len] = '\0';
		n += !!strstr(rec, needle);
	}
	return n;
}

static void hsize_init(struct hsize *hs, const char *name, unsigned long kb, int shift)
{
	hs->name = name;
	hs->kb = kb;
	hs->shift = shift;
	snprintf(hs->dir, sizeof(hs->dir), "/sys/kernel/mm/hugepages/hugepages-%lukB", kb);
}

int main(int argc, char **argv)
{
	unsigned int forks = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : FORKS_DEFAULT;
	struct hsize giant, huge;
	struct tally g, c = { 0 };
	char why[160], ctl[200];
	unsigned long free_g;
	unsigned int kills;
	int kmsg;

	if (!forks || forks > FORKS_MAX) {
		fprintf(stderr, "usage: %s [FORKS]   (1..%d, default %d)\n", argv[0], FORKS_MAX,
			FORKS_DEFAULT);
		return PROBE_ERROR;
	}
	probe_begin("hugetlb-1g-fork-zero", BOUND_S);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	view = mmap(NULL, sizeof(*view), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		    0);
	if (view == MAP_FAILED)
		probe_exit(PROBE_ERROR, "mmap: %s", strerror(errno));

	hsize_init(&giant, "1 GiB", 1048576, 30);
	hsize_init(&huge, "2 MiB", 2048, 21);
	free_g = grow_pool(&giant, why, sizeof(why));
	if (!free_g)
		probe_exit(PROBE_NA, "%s", why);
	/* Registered after the pool: run before the pool is put back. */
	if (probe_defer(unmap_region, 0) || probe_defer(kill_child, 0))
		probe_exit(PROBE_ERROR, "too many undo entries");
	g = run_forks(&giant, forks);

	if (grow_pool(&huge, why, sizeof(why))) {
		if (probe_defer(unmap_region, 0) || probe_defer(kill_child, 0))
			probe_exit(PROBE_ERROR, "too many undo entries");
		c = run_forks(&huge, forks);
		snprintf(ctl, sizeof(ctl), "2 MiB control: %u/%u", c.missing, c.forks);
	} else {
		snprintf(ctl, sizeof(ctl), "2 MiB control: not run (%s)", why);
	}
	kills = kmsg_count(kmsg, POOL_KILL);
	if (kmsg >= 0)
		close(kmsg);

	if (!g.missing)
		probe_exit(PROBE_ABSENT,
			   "every child had the private 1 GiB hugetlb page after fork: 0/%u missing; "
			   "%s%s", g.forks, ctl, c.missing ? " (unexpected)" : "");
	probe_exit(PROBE_PRESENT,
		   "fork left a private 1 GiB hugetlb page out of the child in %u/%u forks "
		   "(child read zeros: %u, SIGBUS: %u, other: %u; spare pages: %lu; the parent "
		   "never wrote; '%s' lines: %u; expected: the data); %s",
		   g.missing, g.forks, g.zeros, g.sigbus, g.other, free_g - 1, POOL_KILL, kills,
		   ctl);
}
