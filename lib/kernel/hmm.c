// SPDX-License-Identifier: GPL-2.0
/* Wrappers of the test_hmm and gup_test ioctls (see hmm.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "kernel/debugfs.h"
#include "faults/fault.h"
#include "kernel/hmm.h"

#define TRY_BUILD	": try ./run.sh --kernel build"

/* Is @name a module of the running kernel (built as =m, just not loaded)? */
static int have_module(const char *name)
{
	char pat[256];
	struct utsname u;
	glob_t g;
	int found;

	if (uname(&u))
		return 0;
	snprintf(pat, sizeof(pat), "/lib/modules/%s/kernel/*/%s.ko*", u.release, name);
	if (glob(pat, 0, NULL, &g))
		return 0;
	found = g.gl_pathc > 0;
	globfree(&g);
	return found;
}

const char *hmm_probe(void)
{
	if (!access(HMM_DEV_PATH, R_OK | W_OK))
		return NULL;
	if (!access("/sys/module/test_hmm", F_OK))
		return "test_hmm is loaded but " HMM_DEV_PATH " is missing (no devtmpfs on /dev?)";
	if (have_module("test_hmm"))
		return "test_hmm is a module of this kernel, not loaded: modprobe test_hmm";
	return "kernel without CONFIG_TEST_HMM (no " HMM_DEV_PATH ")" TRY_BUILD;
}

int hmm_open(void)
{
	int fd = open(HMM_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int hmm_fault_setup(struct fault_inst *f, size_t size)
{
	int *fd = calloc(1, size);

	if (!fd)
		return -ENOMEM;
	*fd = hmm_open();
	if (*fd < 0) {
		int ret = *fd;

		free(fd);
		return ret;
	}
	f->priv = fd;
	return 0;
}

void hmm_fault_teardown(struct fault_inst *f)
{
	int *fd = f->priv;

	if (!fd)
		return;
	close(*fd);
}

static int hmm_cmd(int fd, unsigned long req, void *addr, size_t npages, void *buf,
		   struct hmm_dmirror_cmd *cmd)
{
	*cmd = (struct hmm_dmirror_cmd){
		.addr = (uintptr_t)addr,
		.ptr = (uintptr_t)buf,
		.npages = npages,
	};
	if (!npages || npages > HMM_MAX_PAGES)
		return -EINVAL;
	return ioctl(fd, req, cmd) ? -errno : 0;
}

/*
 * MIGRATE_TO_DEV and EXCLUSIVE copy what the device got into a bounce
 * buffer: a page each.  It is not looked at here.
 */
static uint8_t bounce_sink[HMM_MAX_PAGES * 4096] __attribute__((aligned(4096)));

static void *bounce_for(size_t npages)
{
	return npages * (size_t)sysconf(_SC_PAGESIZE) <= sizeof(bounce_sink) ? bounce_sink : NULL;
}

int hmm_migrate_to_dev(int fd, void *addr, size_t npages, uint64_t *moved)
{
	struct hmm_dmirror_cmd cmd;
	void *buf = bounce_for(npages);
	int ret;

	if (!buf)
		return -EINVAL;
	ret = hmm_cmd(fd, HMM_DMIRROR_MIGRATE_TO_DEV, addr, npages, buf, &cmd);
	/* -ENOENT: some page did not go (pinned, not present): the others did. */
	if (ret == -ENOENT)
		ret = 0;
	*moved = cmd.cpages;
	return ret;
}

int hmm_migrate_to_sys(int fd, void *addr, size_t npages, uint64_t *moved)
{
	struct hmm_dmirror_cmd cmd;
	int ret = hmm_cmd(fd, HMM_DMIRROR_MIGRATE_TO_SYS, addr, npages, NULL, &cmd);

	*moved = cmd.cpages;
	return ret;
}

int hmm_snapshot(int fd, void *addr, size_t npages, uint8_t *prot)
{
	struct hmm_dmirror_cmd cmd;

	return hmm_cmd(fd, HMM_DMIRROR_SNAPSHOT, addr, npages, prot, &cmd);
}

size_t hmm_count_on_device(const uint8_t *prot, size_t npages)
{
	size_t n = 0;

	for (size_t i = 0; i < npages; i++)
		n += (prot[i] & 0xf0) == HMM_PROT_DEV_PRIVATE_LOCAL;
	return n;
}

int hmm_make_exclusive(int fd, void *addr, size_t npages)
{
	struct hmm_dmirror_cmd cmd;
	void *buf = bounce_for(npages);
	int ret;

	if (!buf)
		return -EINVAL;
	ret = hmm_cmd(fd, HMM_DMIRROR_EXCLUSIVE, addr, npages, buf, &cmd);
	/*
	 * -ENOENT: every page was made exclusive, but an access took one back
	 * before the driver read the range through its page table.
	 */
	return ret == -ENOENT ? 0 : ret;
}

int hmm_still_exclusive(int fd, void *addr, size_t npages)
{
	struct hmm_dmirror_cmd cmd;
	int ret = hmm_cmd(fd, HMM_DMIRROR_CHECK_EXCLUSIVE, addr, npages, NULL, &cmd);

	/* The driver says -EPERM while one of the device's exclusive entries is left. */
	if (ret == -EPERM)
		return 1;
	return ret;
}

int hmm_read(int fd, void *addr, size_t npages, void *buf)
{
	struct hmm_dmirror_cmd cmd;
	int ret = hmm_cmd(fd, HMM_DMIRROR_READ, addr, npages, buf, &cmd);

	if (!ret && cmd.cpages != npages)
		ret = -EIO;
	return ret;
}

/*
 * Without mounting anything (a probe changes nothing): the file if debugfs
 * is mounted, else the driver's ioctl handler among the kernel's symbols.
 */
static int gup_test_built_in(void)
{
	static int known = -1;
	char line[256];
	FILE *f;

	if (known >= 0)
		return known;
	known = 0;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return known;
	while (!known && fgets(line, sizeof(line), f))
		known = strstr(line, " gup_test_ioctl") != NULL;
	fclose(f);
	return known;
}

const char *gup_test_probe(void)
{
	const char *why = debugfs_probe();
	struct statfs s;

	if (why)
		return why;
	if (!statfs(DEBUGFS_DIR, &s) && !access(GUP_TEST_PATH, R_OK | W_OK))
		return NULL;
	if (access(GUP_TEST_PATH, F_OK) && gup_test_built_in())
		return NULL;	/* debugfs is not mounted yet: setup mounts it */
	return "kernel without CONFIG_GUP_TEST (no " GUP_TEST_PATH ")" TRY_BUILD;
}

int gup_test_open(void)
{
	int ret = debugfs_ensure(), fd;

	if (ret)
		return ret;
	fd = open(GUP_TEST_PATH, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int gup_test_pin(int fd, void *addr, size_t len, int write, int fast)
{
	struct pin_longterm_test t = {
		.addr = (uintptr_t)addr,
		.size = len,
		.flags = (write ? PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0) |
			 (fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0),
	};

	return ioctl(fd, PIN_LONGTERM_TEST_START, &t) ? -errno : 0;
}

int gup_test_read(int fd, void *buf)
{
	uint64_t to = (uintptr_t)buf;

	return ioctl(fd, PIN_LONGTERM_TEST_READ, &to) ? -errno : 0;
}

int gup_test_unpin(int fd)
{
	return ioctl(fd, PIN_LONGTERM_TEST_STOP) ? -errno : 0;
}
