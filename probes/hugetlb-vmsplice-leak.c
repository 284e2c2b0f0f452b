// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb reuses a COW-shared page by mapcount alone, so a vmsplice() page
 * reference sees the other process's later writes.
 *
 * vmsplice() puts references to the user pages themselves into a pipe
 * (FOLL_GET, not FOLL_PIN).  After fork a private page is shared
 * copy-on-write; when the child unmaps it and the parent writes, the
 * parent's write fault decides whether it may reuse the page.  For
 * anonymous memory do_wp_page() reuses it only when no other reference is
 * left (09854ba94c6a, 5.9, the fix for CVE-2020-29374), so the pipe keeps
 * the data from the time of the splice.  hugetlb_wp() (mm/hugetlb.c)
 * reuses by folio_mapcount() == 1 and ignores the pipe's reference: the
 * parent writes into the very page the pipe holds, and the pipe returns
 * the parent's new data.  tools/testing/selftests/mm/cow.c marks its
 * "vmsplice() + unmap in child" hugetlb tests XFAIL for this.
 *
 * The probe runs that case on one 2 MiB hugetlb page and, as the control,
 * on one anonymous 4 KiB page: present when the hugetlb pipe returns the
 * parent's later write and the anonymous one does not.
 *
 * usage: hugetlb-vmsplice-leak   (raises the 2 MiB pool by one page if needed)
 * Build: cc -O2 -o hugetlb-vmsplice-leak hugetlb-vmsplice-leak.c
 */
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "probe.h"

#define BOUND_S		30
#define SPLICE_LEN	(64ul << 10)
#define HUGE_2M		(2ul << 20)
#define POOL_2M		"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
#define FREE_2M		"/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB	(21 << 26)
#endif

enum outcome { KEPT, LEAKED, OTHER };

static void fill(uint8_t *p, size_t len, uint8_t v)
{
	memset(p, v, len);
}

static bool all(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/*
 * The child splices its view of the first @len bytes of @mem (a default
 * pipe holds 64 KiB) into a pipe, unmaps @map_len and exits; the parent
 * then writes new data.  What does the pipe hold?
 */
static enum outcome splice_in_child(uint8_t *mem, size_t map_len, size_t len)
{
	int fds[2], ready[2], status;
	uint8_t *back = malloc(len);
	size_t got = 0;
	char c;
	pid_t pid;

	if (!back || pipe(fds) || pipe(ready))
		probe_exit(PROBE_ERROR, "pipe: %s", strerror(errno));
	fill(mem, map_len, 0xa1);
	pid = fork();
	if (pid < 0)
		probe_exit(PROBE_ERROR, "fork: %s", strerror(errno));
	if (!pid) {
		struct iovec iov = { mem, len };
		ssize_t n = vmsplice(fds[1], &iov, 1, 0);

		munmap(mem, map_len);
		_exit(write(ready[1], n == (ssize_t)len ? "y" : "n", 1) == 1 ? 0 : 1);
	}
	if (read(ready[0], &c, 1) != 1 || waitpid(pid, &status, 0) != pid || c != 'y')
		probe_exit(PROBE_ERROR, "the child could not vmsplice the page");
	/* The child's mapping is gone: the parent's write fault may reuse the page. */
	fill(mem, map_len, 0xb2);
	while (got < len) {
		ssize_t n = read(fds[0], back + got, len - got);

		if (n <= 0)
			probe_exit(PROBE_ERROR, "reading the pipe: %s", n ? strerror(errno) : "EOF");
		got += (size_t)n;
	}
	close(fds[0]);
	close(fds[1]);
	close(ready[0]);
	close(ready[1]);
	enum outcome o = all(back, len, 0xa1) ? KEPT : all(back, len, 0xb2) ? LEAKED : OTHER;

	free(back);
	return o;
}

static const char *outcome_name(enum outcome o)
{
	static const char *const n[] = { "the data at splice time", "the parent's later write",
					 "neither" };

	return n[o];
}

/* One free 2 MiB page, from the pool as it is or by raising it (restored at exit). */
static void need_huge_page(void)
{
	char val[32];
	long pool, free_pages;

	if (probe_read_file(POOL_2M, val, sizeof(val)))
		probe_exit(PROBE_NA, "no 2 MiB hugetlb pages in this kernel (CONFIG_HUGETLBFS)");
	pool = strtol(val, NULL, 10);
	if (probe_read_file(FREE_2M, val, sizeof(val)))
		probe_exit(PROBE_ERROR, "cannot read %s", FREE_2M);
	free_pages = strtol(val, NULL, 10);
	if (free_pages >= 1)
		return;
	snprintf(val, sizeof(val), "%ld", pool + 1);
	if (probe_set(POOL_2M, val))
		probe_exit(PROBE_NA, "cannot raise the 2 MiB hugetlb pool: %s", strerror(errno));
}

int main(void)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	enum outcome huge, anon;
	uint8_t *mem;

	probe_begin("hugetlb-vmsplice-leak", BOUND_S);
	need_huge_page();
	mem = mmap(NULL, HUGE_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);
	if (mem == MAP_FAILED)
		probe_exit(PROBE_NA, "no 2 MiB hugetlb page to be had: %s", strerror(errno));
	huge = splice_in_child(mem, HUGE_2M, SPLICE_LEN);
	munmap(mem, HUGE_2M);

	mem = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		probe_exit(PROBE_ERROR, "mmap: %s", strerror(errno));
	anon = splice_in_child(mem, ps, ps);
	munmap(mem, ps);

	if (anon != KEPT)
		probe_exit(PROBE_ERROR, "control: the pipe of an anonymous page returned %s: not "
			   "this bug's mechanism (CVE-2020-29374 is back?)", outcome_name(anon));
	probe_exit(huge == LEAKED ? PROBE_PRESENT : PROBE_ABSENT,
		   "a vmsplice() reference to a private 2 MiB hugetlb page returned %s after the "
		   "child unmapped it and the parent wrote; control on an anonymous page: %s",
		   outcome_name(huge), outcome_name(anon));
}
