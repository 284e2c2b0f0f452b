#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# integration.sh PINSTRESS REPORT_GET WORKLOAD BACKING FAULTS
# A real run of one workload on one backing under the given faults.  It must
# pass with no error AND show that every fault really hit the memory.
set -u
PS=$1 RG=$2 WL=$3 BK=$4 FAULTS=$5
. "$(dirname "$0")/lib.sh"
need_root
need_available workload "$WL"
need_available backing "$BK"
for f in ${FAULTS//,/ }; do need_available fault "$f"; done

use_tmp
REPORT=$tmp/report.json
cat > "$tmp/p.ini" <<INI
[global]
duration = ${PINSTRESS_TEST_DURATION:-8s}

[$WL-$BK]
workload = $WL
backing = $BK
faults = $FAULTS
size = 64M
threads = 2
INI
"$PS" run -c "$tmp/p.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary
rc=$?
[ "$rc" -eq 0 ] && pass "exit 0" || fail "exit $rc"
[ -s "$REPORT" ] || { fail "no report"; finish; }

expect_eq result pass
expect_eq errors_total 0
expect_eq jobs.0.errors 0
expect_eq jobs.0.io_errors 0
expect_gt jobs.0.ops 0
expect_gt jobs.0.kernel_ops 0
expect_gt jobs.0.blocks_verified 0
for f in ${FAULTS//,/ }; do
	expect_gt "jobs.0.fault_counts.$f" 0
	case $f in
	pageout) expect_gt jobs.0.evidence.pages_swapped_out 0 ;;
	fork)
		expect_gt jobs.0.evidence.children_verified 0
		expect_gt jobs.0.evidence.child_blocks_checked 0
		expect_eq jobs.0.evidence.children_failed 0
		;;
	esac
done
[ "$BK" = thp ] && expect_gt jobs.0.evidence.thp_bytes_start 0
[ "$BK" = anon ] && expect_eq jobs.0.evidence.thp_bytes_start 0
finish
