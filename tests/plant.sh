#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# plant.sh PINSTRESS REPORT_GET
# Damage planted into an idle block of a running region must be found by
# the scrubber (or the next writer's pre-write check) within 1 s, with the
# exact class, in the planted block.  No fork here: a fork child's snapshot
# would also see the damage, from the other side of the fork.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
need_available fault pageout

use_tmp
for cls in zeroed lost-write misplaced leak torn garbage; do
	REPORT=$tmp/$cls.json
	cat > "$tmp/p.ini" <<INI
[global]
duration = 4s

[plant-$cls]
workload = odirect
backing = anon
faults = pageout
size = 64M
threads = 2
INI
	"$PS" run -c "$tmp/p.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary \
		--plant "$cls" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] && pass "$cls: exit 1" || { fail "$cls: exit $rc"; cat "$tmp/err"; }
	expect_eq result corruption
	expect_eq errors.0.class "$cls"
	expect_eq errors.0.block "$(get plant.block)"
	expect_lt plant.detected_after_s 1.0
	by=$(get errors.0.detected_by)
	case $by in scrub|prewrite) pass "$cls: detected by $by" ;; *) fail "$cls: detected by '$by'" ;; esac
done
finish
