#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# runsh_signal.sh RUN_SH
# run.sh waits for its child in the background, so a SIGTERM to run.sh
# alone (a CI timeout, kill) stops the child and restores at once, not
# after the child is done: prepare-check holding for 10 minutes must be
# gone within 5 s of SIGTERM, and the hugetlb pool it raised for its run
# (PINSTRESS_HUGEPAGES) back where it was.
set -u
RUNSH=$1
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

pool=/proc/sys/vm/nr_hugepages
old=$(cat "$pool")
PINSTRESS_HUGEPAGES=$((old + 2)) PINSTRESS_PREPARE_HOLD=600 "$RUNSH" prepare-check >"$tmp/out" 2>&1 &
pid=$!
for i in $(seq 1 600); do grep -q "holding for" "$tmp/out" && break; sleep 0.1; done
[ "$(cat "$pool")" -gt "$old" ] && pass "prepared: nr_hugepages $old -> $(cat "$pool")" ||
	{ fail "not prepared"; cat "$tmp/out"; }
stop "$pid" TERM
within 5 && pass "stopped in ${took}s (exit $rc)" || fail "took ${took}s"
[ "$rc" -eq 143 ] && pass "exit 143" || fail "exit $rc"
grep -q "interrupted, restoring" "$tmp/out" && pass "restored" || fail "no restore"
[ "$(cat "$pool")" -eq "$old" ] && pass "nr_hugepages back to $old" ||
	fail "nr_hugepages $(cat "$pool"), was $old"
pgrep -f "sleep 600" >/dev/null && fail "its child is left" || pass "no child left"
finish
