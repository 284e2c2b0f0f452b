// SPDX-License-Identifier: GPL-2.0
/*
 * uffd-move: UFFDIO_MOVE (6.8+) a random range of idle blocks out of the
 * region into a spare area and straight back: the same physical pages
 * change address twice (folio_move_anon_rmap, swap entries moved as they
 * are, PMD-mapped THPs moved whole when the range covers an aligned 2 MiB,
 * split otherwise) while the rest of the region has kernel I/O in flight.
 * The kernel must refuse pages it cannot move (pinned: io_uring fixed
 * buffers; shared with a fork child or KSM: not PageAnonExclusive) with
 * EBUSY; those refusals are counted ("uffd_move_busy"), not errors.
 *
 * Rules (mm/userfaultfd.c move_pages(), validate_move_areas()): both VMAs
 * private anonymous, same protection and mlock state, and the destination
 * VMA registered with this userfaultfd.  Moving back makes the region the
 * destination, so the region itself is registered.  It is registered in
 * WP mode only and nothing is ever write-protected: no userfault can ever
 * be raised on it, so no thread can block on the uffd and no handler
 * thread is needed (MISSING mode would stall any fault on a hole, e.g.
 * after MADV_FREE discards a page, and with UFFD_USER_MODE_ONLY turn a
 * kernel access into EFAULT).  A fresh spare area per injection, aligned
 * like the source within its 2 MiB, keeps PMD moves possible.
 *
 * .exclusive: the maplock is held for writing, so while the pages are
 * away no worker, scrubber or other fault touches region addresses.  The
 * moved blocks are claimed first and verified on release (DET_FAULT).
 * Evidence: pages whose pagemap entry (PFN or swap entry) followed the
 * move out ("pages_uffd_moved") and back ("pages_uffd_returned").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

#include "run/caps.h"
#include "faults/fault.h"
#include "kernel/kconst.h"
#include "kernel/pagemap.h"


#define UM_MAX_PAGES	512
#define UM_TRIES	4	/* ranges tried per injection to find idle blocks */
#define UM_BACK_TRIES	200	/* 1 ms apart: a page under migration (compact) is busy for a moment */

struct um_priv {
	int uffd;
	int pagemap_fd;
	uint64_t before[UM_MAX_PAGES], away[UM_MAX_PAGES], back[UM_MAX_PAGES];
	_Atomic uint64_t *ev_moved, *ev_returned, *ev_busy, *ev_partial;
};

static int uffd_open(uint64_t features, uint64_t *avail)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (avail)
		*avail = api.features;
	return fd;
}

static const char *um_probe(void)
{
	uint64_t feat = 0;
	int fd = uffd_open(0, &feat);

	if (fd == -ENOSYS)
		return "kernel without CONFIG_USERFAULTFD";
	if (fd < 0)
		return "userfaultfd refused (vm.unprivileged_userfaultfd and not root?)";
	close(fd);
	if (!(feat & UFFD_FEATURE_MOVE))
		return "kernel before 6.8: no UFFDIO_MOVE";
	return NULL;
}

static int um_register(int uffd, void *addr, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};

	return ioctl(uffd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

static int um_setup(struct fault_inst *f)
{
	struct um_priv *p = calloc(1, sizeof(*p));
	const struct region *reg = &f->job->reg;
	int ret;

	if (!p)
		return -ENOMEM;
	p->pagemap_fd = -1;
	p->uffd = uffd_open(UFFD_FEATURE_MOVE, NULL);
	f->priv = p;
	if (p->uffd < 0)
		return p->uffd;
	ret = um_register(p->uffd, reg->base, reg->size);
	if (ret)
		return ret;
	p->pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (p->pagemap_fd < 0)
		return -errno;
	p->ev_moved = job_ev(f->job, "pages_uffd_moved");
	p->ev_returned = job_ev(f->job, "pages_uffd_returned");
	p->ev_busy = job_ev(f->job, "uffd_move_busy");
	p->ev_partial = job_ev(f->job, "uffd_move_partial");
	return 0;
}

/* One UFFDIO_MOVE; bytes moved (maybe short, with *err set), never < 0. */
static size_t um_move(int uffd, void *dst, const void *src, size_t len, int *err)
{
	struct uffdio_move mv = {
		.dst = (uintptr_t)dst, .src = (uintptr_t)src, .len = len,
		.mode = UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES,
	};

	*err = ioctl(uffd, UFFDIO_MOVE, &mv) ? -errno : 0;
	if (!*err)
		return len;
	return mv.move > 0 ? (size_t)mv.move : 0;
}

/* Entries that point at the same page (or swap slot) before and after. */
static long same_entries(const uint64_t *a, const uint64_t *b, size_t n)
{
	long same = 0;

	for (size_t i = 0; i < n; i++) {
		bool pa = a[i] & PM_PRESENT, sa = (a[i] & PM_SWAP) && !pa;

		if (pa && (b[i] & PM_PRESENT))
			same += (a[i] & PM_PFN_MASK) == (b[i] & PM_PFN_MASK);
		else if (sa && (b[i] & PM_SWAP) && !(b[i] & PM_PRESENT))
			same += (a[i] & PM_PFN_MASK) == (b[i] & PM_PFN_MASK);
	}
	return same;
}

/* A spare area whose address has the same offset within 2 MiB as @src. */
static uint8_t *spare_map(const struct job *j, const uint8_t *src, size_t len, void **map,
			  size_t *map_len)
{
	uint8_t *base;

	*map_len = len + 2 * pmd_size();
	*map = mmap(NULL, *map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*map == MAP_FAILED)
		return NULL;
	/*
	 * Not inherited: a fork elsewhere in the process (another job's fork
	 * fault, a pvm helper starting) while the pages are away would share
	 * them with a child, and the move back is refused (EBUSY: not
	 * PageAnonExclusive) for as long as the child lives.
	 */
	if (madvise(*map, *map_len, MADV_DONTFORK)) {
		munmap(*map, *map_len);
		return NULL;
	}
	base = (uint8_t *)(((uintptr_t)*map + pmd_size() - 1) & ~(pmd_size() - 1));
	base += (uintptr_t)src & (pmd_size() - 1);
	/* validate_move_areas(): both mlocked or neither; ONFAULT populates nothing. */
	if (j->cfg->mlock && syscall(SYS_mlock2, base, len, MLOCK_ONFAULT)) {
		munmap(*map, *map_len);
		return NULL;
	}
	return base;
}

/*
 * Bring [spare, spare+len) back to @dst.  Once the pages are away they
 * must come back: the region may have lost its registration (mremap
 * without UFFD_FEATURE_EVENT_REMAP drops it), so re-register and retry.
 */
static int move_back(struct um_priv *p, const struct region *reg, uint8_t *dst, uint8_t *spare,
		     size_t len)
{
	size_t done = 0;
	int err = 0;

	for (int t = 0; done < len && t < UM_BACK_TRIES; t++) {
		done += um_move(p->uffd, dst + done, spare + done, len - done, &err);
		if (err == -EINVAL)
			um_register(p->uffd, reg->base, reg->size);
		else if (err == -EBUSY || err == -EAGAIN)
			usleep(1000);
	}
	if (done == len)
		return 0;
	/* Keep the data where the verifier looks; the run still fails with err. */
	memcpy(dst + done, spare + done, len - done);
	return err ? err : -EIO;
}

/* For the report: the first page that would not come back, as the kernel sees it. */
static void describe_stuck(struct fault_inst *f, struct um_priv *p, uint8_t *spare, size_t n)
{
	uint64_t flags = 0;

	if (pagemap_read(p->pagemap_fd, spare, n, p->away))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!(p->away[i] & (PM_PRESENT | PM_SWAP)))
			continue;
		if (p->away[i] & PM_PRESENT)
			kpageflags_read(p->away[i] & PM_PFN_MASK, &flags);
		snprintf(f->errmsg, sizeof(f->errmsg),
			 "move back refused, page %zu of %zu: pagemap %#llx kpageflags %#llx", i, n,
			 (unsigned long long)p->away[i], (unsigned long long)flags);
		return;
	}
}

static bool um_pick(struct fault_inst *f, struct rng *r, size_t *first, size_t *n, size_t *b0,
		    size_t *b1)
{
	struct job *j = f->job;
	size_t ps = job_page_size(), npages = j->reg.size / ps, pmd_pages = pmd_size() / ps;

	for (int t = 0; t < UM_TRIES; t++) {
		*n = 1 + rng_below(r, npages < UM_MAX_PAGES ? npages : UM_MAX_PAGES);
		*first = rng_below(r, npages - *n + 1);
		/* Sometimes a whole aligned 2 MiB: a PMD-mapped THP then moves unsplit. */
		if ((j->caps & MC_LARGE) && npages >= pmd_pages && pmd_pages <= UM_MAX_PAGES &&
		    !rng_below(r, 4)) {
			uintptr_t a = (uintptr_t)j->reg.base + *first * ps;
			uintptr_t al = (a + pmd_size() - 1) & ~(pmd_size() - 1);

			*n = pmd_pages;
			*first = (al - (uintptr_t)j->reg.base) / ps;
			if (*first + *n > npages)
				continue;
		}
		if (job_claim_pages(j, *first, *n, b0, b1))
			return true;
	}
	return false;
}

static int um_inject(struct fault_inst *f, struct rng *r)
{
	struct um_priv *p = f->priv;
	struct job *j = f->job;
	size_t ps = job_page_size(), first, n, b0, b1, len, moved, map_len;
	uint8_t *src, *spare;
	void *map;
	long same;
	int err, ret;

	if (!um_pick(f, r, &first, &n, &b0, &b1))
		return FAULT_SKIPPED;
	src = j->reg.base + first * ps;
	len = n * ps;
	ret = pagemap_read(p->pagemap_fd, src, n, p->before);
	if (ret)
		goto out_release;
	spare = spare_map(j, src, len, &map, &map_len);
	if (!spare) {
		ret = -errno;
		goto out_release;
	}
	ret = um_register(p->uffd, spare, len);
	if (ret)
		goto out_unmap;
	ret = FAULT_DONE;
	moved = um_move(p->uffd, spare, src, len, &err);
	if (err == -EINVAL && !moved) {
		/* The region lost its registration (mremap): register again. */
		um_register(p->uffd, j->reg.base, j->reg.size);
		moved = um_move(p->uffd, spare, src, len, &err);
	}
	if (err == -EBUSY)
		ev_add(p->ev_busy, 1);	/* pinned or shared: the kernel is right to refuse */
	else if (err && err != -EAGAIN)
		ret = err;
	if (moved && moved < len)
		ev_add(p->ev_partial, 1);
	if (!moved)
		goto out_unmap;
	ret = pagemap_read(p->pagemap_fd, spare, moved / ps, p->away);
	if (!ret) {
		same = same_entries(p->before, p->away, moved / ps);
		ev_add(p->ev_moved, (uint64_t)same);
	}
	err = move_back(p, &j->reg, src, spare, moved);
	if (err) {
		describe_stuck(f, p, spare, moved / ps);
		ret = err;
		goto out_unmap;
	}
	if (!ret)
		ret = pagemap_read(p->pagemap_fd, src, moved / ps, p->back);
	if (!ret) {
		same = same_entries(p->before, p->back, moved / ps);
		ev_add(p->ev_returned, (uint64_t)same);
		ret = same > 0 ? FAULT_CONFIRMED : FAULT_DONE;
	}
out_unmap:
	munmap(map, map_len);
out_release:
	job_release_blocks(j, b0, b1, true);
	return ret;
}

static void um_teardown(struct fault_inst *f)
{
	struct um_priv *p = f->priv;

	if (!p)
		return;
	/* Closing the uffd unregisters the region. */
	if (p->uffd >= 0)
		close(p->uffd);
	if (p->pagemap_fd >= 0)
		close(p->pagemap_fd);
}

const struct fault_ops fault_uffd_move = {
	.name = "uffd-move",
	.desc = "UFFDIO_MOVE idle blocks into a spare area and back (pinned or shared pages: EBUSY)",
	.interval_ms = 20,
	.needs = MC_ANON,
	.refuses = 0,
	/*
	 * mm/userfaultfd.c move_present_pte() refuses (-EBUSY) any folio that
	 * is not PageAnonExclusive: a workload that keeps forking keeps its
	 * pages COW-shared, and nothing ever moves.
	 */
	.refuses_wl = WL_FORKS,
	.refuses_wl_why = "UFFDIO_MOVE refuses pages shared with a fork child (EBUSY unless "
			  "PageAnonExclusive), and this workload keeps forking",
	.proof = "pages_uffd_moved,pages_uffd_returned",
	.exclusive = true,
	.probe = um_probe,
	.setup = um_setup,
	.inject = um_inject,
	.teardown = um_teardown,
};
