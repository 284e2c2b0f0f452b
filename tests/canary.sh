#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# canary.sh PINSTRESS: every canary, planted and real-kernel, is detected
# with its expected class, and the command says so with exit 0.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
need_root
out=$("$PS" canary --scratch "$(scratch_dir)" 2>&1)
rc=$?
echo "$out"
[ "$rc" -eq 0 ] && pass "exit 0" || fail "exit $rc"
echo "$out" | grep -q '^canary dontneed-fixed-zero .*detected: 16/16 blocks classified zeroed' &&
	pass "kernel canary: zeroed" || fail "kernel canary zeroed not detected"
echo "$out" | grep -q '^canary dontneed-fixed-stale .*detected: 16/16 blocks classified lost-write' &&
	pass "kernel canary: lost-write" || fail "kernel canary lost-write not detected"
echo "$out" | grep -q '^canary dontneed-fixed-divergence .*detected: 16/16 blocks classified pin-divergence' &&
	pass "kernel canary: pin-divergence" || fail "kernel canary pin-divergence not detected"
echo "$out" | grep -qE '^[0-9]+ passed, 0 failed$' && pass "no canary failed" || fail "a canary failed"
finish
