#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# hang.sh PINSTRESS REPORT_GET
# The watchdog: with --plant hang, job 0's worker 0 blocks in poll() for
# good one second in.  With --hang-timeout 2s the run must report it hung
# (thread, state, wchan, kernel stack), end on its own within seconds with
# exit 2 (a thread stuck outside pinstress's locks is the kernel's error),
# leave the job untorn and still write the report and restore.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root

use_tmp
REPORT=$tmp/r.json
start=$(date +%s)
cat >"$tmp/p.ini" <<INI
[hang]
workload = odirect
backing = anon
size = 8M
INI
timeout 60 "$PS" run -c "$tmp/p.ini" --duration 30s \
	--scratch "$(scratch_dir)" --no-canary --plant hang --hang-timeout 2s --json "$REPORT" \
	>"$tmp/out" 2>&1
rc=$?
took=$(($(date +%s) - start))
cat "$tmp/out"
[ "$rc" -eq 2 ] && pass "exit 2" || fail "exit $rc"
[ "$took" -lt 15 ] && pass "ended by itself after ${took}s of a 30s run" || fail "took ${took}s"
expect_eq result kernel-error
expect_eq plant.class hang
expect_eq hung.0.thread "worker 0"
expect_eq hung.0.state S
expect_eq hung.0.pinstress_lock false
expect_gt hung.0.operation_s 2
case $(get hung.0.kernel_stack) in *poll*) pass "kernel stack shows the poll" ;;
*) fail "kernel stack: '$(get hung.0.kernel_stack)'" ;; esac
[ -n "$(get hung.0.wchan)" ] && pass "wchan $(get hung.0.wchan)" || fail "no wchan"
case $(get hung.0.events.0) in *" before: "*) pass "the thread's last events: $(get hung.0.events.0)" ;;
*) fail "no events of the hung thread" ;; esac
expect_eq stuck_jobs 1
grep -q "^pinstress: HUNG in job " "$tmp/out" && pass "HUNG on stderr" || fail "no HUNG line"
finish
