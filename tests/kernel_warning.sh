#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kernel_warning.sh PINSTRESS REPORT_GET
# A kernel WARNING during a run makes it a kernel error (exit 2) even
# though every block verified: --plant kernel-warning feeds a sample
# /dev/kmsg record to the running log watch one second in.  The report
# keeps the line, its class and the jobs running when it came; --tap has
# a failing "kernel log" test point for it.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root

use_tmp
REPORT=$tmp/r.json
cat >"$tmp/p.ini" <<INI
[gup-a]
workload = odirect
backing = anon
size = 8M
[gup-b]
workload = uring-fixed
backing = anon
size = 8M
INI
"$PS" run -c "$tmp/p.ini" --duration 3s --scratch "$(scratch_dir)" --no-canary \
	--plant kernel-warning --json "$REPORT" --tap >"$tmp/tap" 2>"$tmp/err"
rc=$?
cat "$tmp/err" "$tmp/tap"
[ "$rc" -eq 2 ] && pass "exit 2" || fail "exit $rc"
expect_eq result kernel-error
expect_eq errors_total 0
expect_eq kernel_log.bad_records 1
expect_eq kernel_log.lines.0.class warning
case $(get kernel_log.lines.0.message) in "WARNING: CPU: 0 PID: 1 at mm/gup.c:1 "*) pass "the line kept" ;;
*) fail "line '$(get kernel_log.lines.0.message)'" ;; esac
expect_eq kernel_log.lines.0.jobs_running gup-a,gup-b
head -n 1 "$tmp/tap" | grep -qx "TAP version 13" && pass "TAP version line" || fail "no TAP version line"
grep -qx "1\.\.4" "$tmp/tap" && pass "TAP plan 1..4" || fail "TAP plan"
grep -q "^ok 2 - job gup-a (odirect on anon)$" "$tmp/tap" && pass "job test point ok" || fail "job test point"
grep -q "^not ok 4 - kernel log$" "$tmp/tap" && pass "kernel log test point not ok" || fail "kernel log point"
grep -q "^  severity: fail$" "$tmp/tap" && pass "YAML diagnostics" || fail "no YAML diagnostics"
finish
