// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the test_hmm and gup_test wrappers' error handling, on any
 * kernel: a range the driver cannot take is refused before the ioctl, a
 * bad descriptor comes back as -EBADF (never a crash or a success), the
 * snapshot count reads only this device's private pages, and a kernel
 * without the drivers is named with the option to build.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kernel/hmm.h"

#include "unit.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

int main(void)
{
	uint8_t prot[8] = { 0x20, 0x22, 0x30, 0x02, HMM_PROT_ERROR, 0x21, 0x10, 0x40 };
	uint64_t moved = 99;
	const char *why;

	CHECK(hmm_count_on_device(prot, 8) == 3, "three of this device's private pages counted");
	CHECK(hmm_migrate_to_dev(-1, page, 0, &moved) == -EINVAL, "no pages: -EINVAL");
	CHECK(hmm_migrate_to_sys(-1, page, HMM_MAX_PAGES + 1, &moved) == -EINVAL,
	      "more than one command's worth: -EINVAL");
	CHECK(hmm_migrate_to_dev(-1, page, 1, &moved) == -EBADF, "bad fd: -EBADF");
	CHECK(hmm_snapshot(-1, page, 1, prot) == -EBADF, "snapshot, bad fd: -EBADF");
	CHECK(hmm_make_exclusive(-1, page, 1) == -EBADF, "exclusive, bad fd: -EBADF");
	CHECK(hmm_still_exclusive(-1, page, 1) == -EBADF, "check, bad fd: -EBADF (not 'held')");
	CHECK(hmm_read(-1, page, 1, page) == -EBADF, "read, bad fd: -EBADF");
	CHECK(gup_test_pin(-1, page, sizeof(page), 0, 0) == -EBADF, "pin, bad fd: -EBADF");
	CHECK(gup_test_read(-1, page) == -EBADF, "pin read, bad fd: -EBADF");
	CHECK(gup_test_unpin(-1) == -EBADF, "unpin, bad fd: -EBADF");

	why = hmm_probe();
	if (why)
		CHECK(hmm_open() < 0 && (strstr(why, "CONFIG_TEST_HMM") || strstr(why, "test_hmm")),
		      "no test_hmm here, and the reason says so: %s", why);
	else
		CHECK(1, "test_hmm is here");
	why = gup_test_probe();
	if (why)
		CHECK(strstr(why, "CONFIG_GUP_TEST") || strstr(why, "debugfs"),
		      "no gup_test here, and the reason says so: %s", why);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
