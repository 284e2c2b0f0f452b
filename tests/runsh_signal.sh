#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# runsh_signal.sh RUN_SH
# run.sh waits for its child in the background, so a SIGTERM to run.sh
# alone (a CI timeout, kill) stops the child and restores at once, not
# after the child is done: prepare-check holding for 10 minutes must be
# gone within 5 s of SIGTERM, its scratch directory removed.
set -u
RUNSH=$1
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

# Its own scratch directory (not the outer run.sh's), so there is something to remove.
env -u PINSTRESS_SCRATCH PINSTRESS_PREPARE_HOLD=600 "$RUNSH" prepare-check >"$tmp/out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q "holding for" "$tmp/out" && break; sleep 0.1; done
scratch=$(sed -n 's/^scratch: //p' "$tmp/out")
[ -d "$scratch" ] && pass "prepared: scratch $scratch" || { fail "not prepared"; cat "$tmp/out"; }
stop "$pid" TERM
within 5 && pass "stopped in ${took}s (exit $rc)" || fail "took ${took}s"
[ "$rc" -eq 143 ] && pass "exit 143" || fail "exit $rc"
grep -q "interrupted, restoring" "$tmp/out" && pass "restored" || fail "no restore"
[ ! -e "$scratch" ] && pass "scratch directory removed" || fail "$scratch left behind"
pgrep -f "sleep 600" >/dev/null && fail "its child is left" || pass "no child left"
finish
