#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# matrix.sh PINSTRESS REPORT_CHECK PROFILE [pinstress run options...]
# One slice of configs/matrix.ini (a --section, a --workload or a --backing
# across it): every combination in it runs for real, and report_check
# asserts each one passed with no error and with evidence > 0 for its
# workload, its backing and its fault.  Skips (77) only when nothing in the
# slice can run here, which pinstress says with the reasons.  Every value
# the run may change (machine_values) must be back after it.
set -u
PS=$1 RC=$2 PROFILE=$3
shift 3
. "$(dirname "$0")/lib.sh"
need_root

use_tmp
machine_values >"$tmp/before"
"$PS" run -c "$PROFILE" --json "$tmp/report.json" --scratch "$(scratch_dir)" --no-canary "$@" \
	>"$tmp/out" 2>&1
rc=$?
tail -n 60 "$tmp/out"
machine_values >"$tmp/after"
"$RC" "$tmp/report.json"
crc=$?
[ $crc -eq 77 ] && skip "nothing in this slice can run here"
[ $rc -eq 0 ] && pass "exit 0" || fail "exit $rc"
[ $crc -eq 0 ] && pass "every job proven, no errors" || fail "report_check"
diff "$tmp/before" "$tmp/after" && pass "every value the run changed is back" ||
	fail "the run left the machine changed (above: < before, > after)"
finish
