/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own test drivers, as devices of a simulated accelerator:
 *   - test_hmm (lib/test_hmm.c, CONFIG_TEST_HMM): /dev/hmm_dmirrorN mirrors
 *     the calling process's address space in a "device page table", can
 *     migrate pages to device-private memory and back (mm/migrate_device.c)
 *     and make them device-exclusive (make_device_exclusive());
 *   - gup_test (mm/gup_test.c, CONFIG_GUP_TEST): /sys/kernel/debug/gup_test
 *     takes and reads through long-term pins, read-only ones included.
 * Their ioctl ABI is not exported to user space (lib/test_hmm_uapi.h,
 * mm/gup_test.h): it is restated here.  Every wrapper returns 0 or -errno.
 */
#ifndef PINSTRESS_HMM_H
#define PINSTRESS_HMM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* lib/test_hmm_uapi.h */
struct hmm_dmirror_cmd {
	uint64_t addr;		/* in: user address the device reads or migrates */
	uint64_t ptr;		/* in: user buffer the device copies data to or from */
	uint64_t npages;	/* in */
	uint64_t cpages;	/* out: pages copied or migrated */
	uint64_t faults;	/* out: device page faults seen */
};

#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_WRITE		_IOWR('H', 0x01, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT		_IOWR('H', 0x04, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_EXCLUSIVE		_IOWR('H', 0x05, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_CHECK_EXCLUSIVE	_IOWR('H', 0x06, struct hmm_dmirror_cmd)

/* One byte per page from HMM_DMIRROR_SNAPSHOT */
#define HMM_PROT_ERROR			0xff
#define HMM_PROT_DEV_PRIVATE_LOCAL	0x20

/* mm/gup_test.h */
struct pin_longterm_test {
	uint64_t addr;
	uint64_t size;
	uint32_t flags;
};

#define PIN_LONGTERM_TEST_START		_IOW('g', 7, struct pin_longterm_test)
#define PIN_LONGTERM_TEST_STOP		_IO('g', 8)
#define PIN_LONGTERM_TEST_READ		_IOW('g', 9, uint64_t)
#define PIN_LONGTERM_TEST_FLAG_USE_WRITE	1
#define PIN_LONGTERM_TEST_FLAG_USE_FAST		2

#define HMM_DEV_PATH		"/dev/hmm_dmirror0"	/* device private memory */
#define HMM_MAX_PAGES		64	/* what one test_hmm command handles at once */
#define GUP_TEST_PATH		"/sys/kernel/debug/gup_test"

/*
 * NULL if /dev/hmm_dmirror0 is there, else why not ("kernel without
 * CONFIG_TEST_HMM..." when the running kernel's config says so).
 */
const char *hmm_probe(void);
/* A mirror of this process's address space: an fd, or -errno. */
int hmm_open(void);

/* Migrate [addr, addr + npages pages) to device-private memory; *moved: pages that went. */
int hmm_migrate_to_dev(int fd, void *addr, size_t npages, uint64_t *moved);
/* Migrate device pages of the range back to system memory; *moved: pages that came back. */
int hmm_migrate_to_sys(int fd, void *addr, size_t npages, uint64_t *moved);
/* What the device sees for each page of the range: HMM_PROT_* into @prot[npages]. */
int hmm_snapshot(int fd, void *addr, size_t npages, uint8_t *prot);
/* Pages of @prot[npages] that are device-private pages of this device. */
size_t hmm_count_on_device(const uint8_t *prot, size_t npages);
/*
 * Make the range device-exclusive; -EBUSY if some page could not be (an
 * access may take pages back at any time after).
 */
int hmm_make_exclusive(int fd, void *addr, size_t npages);
/* 1 if the device still holds some page of the range exclusively, 0 if none, or -errno. */
int hmm_still_exclusive(int fd, void *addr, size_t npages);
/* Read the range through the device's mirror into @buf (npages pages). */
int hmm_read(int fd, void *addr, size_t npages, void *buf);

struct fault_inst;
/*
 * For the device-* faults: f->priv = a zeroed @size bytes whose first
 * member is the mirror's fd, opened here.  0 or -errno (nothing left).
 */
int hmm_fault_setup(struct fault_inst *f, size_t size);
/* Close the mirror (fault_teardown() frees f->priv). */
void hmm_fault_teardown(struct fault_inst *f);

/* NULL if gup_test is there (debugfs mounted if need be), else why not. */
const char *gup_test_probe(void);
/* The gup_test file, or -errno. */
int gup_test_open(void);
/* Long-term pin [addr, addr+len): read-only unless @write; @fast: pin_user_pages_fast(). */
int gup_test_pin(int fd, void *addr, size_t len, int write, int fast);
/* Copy what the pinned pages hold into @buf (as many pages as pinned). */
int gup_test_read(int fd, void *buf);
int gup_test_unpin(int fd);

#endif
