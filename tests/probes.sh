#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# probes.sh PINSTRESS REPORT_GET
# Every known-bug probe, run here twice: by itself (as a kernel developer
# would) and through `pinstress probe --json`.  Each must give a verdict
# (present, absent, or not applicable with the reason; never an error),
# both runs must agree, its exit code and its evidence line must say the
# same thing, and it must leave the machine as it found it.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
use_tmp
PROBES=$(dirname "$PS")/probes
SCRATCH=$(scratch_dir)

# What a probe's evidence line says when the bug shows, and when it does not.
present_re() {
	case $1 in
	uring-fixed-*) echo '^[1-9][0-9]*/64 pages read back .* control with pread: 0/64' ;;
	stale-tlb-reclaim) echo '^stale TLB in [1-9][0-9]* of [0-9]+ trials' ;;
	hugetlb-vmsplice-leak) echo "returned the parent's later write" ;;
	hugetlb-1g-fork-zero) echo '^fork left a private 1 GiB hugetlb page out of the child in [1-9]' ;;
	esac
}
absent_re() {
	case $1 in
	uring-fixed-*) echo '^0/64 pages read back' ;;
	stale-tlb-reclaim) echo '^no stale TLB in [0-9]+ trials' ;;
	hugetlb-vmsplice-leak) echo 'returned the data at splice time' ;;
	hugetlb-1g-fork-zero) echo '^every child had the private 1 GiB hugetlb page after fork: 0/' ;;
	esac
}

# Everything a probe may change: swap devices, zram devices, hugetlb pools, mounts.
machine_state() {
	cat /proc/swaps
	ls /sys/block | grep zram
	cat /sys/kernel/mm/hugepages/hugepages-*/nr_hugepages
	grep -E 'hugetlbfs|tracefs|debugfs' /proc/mounts
}

REPORT=$tmp/probes.json
"$PS" probe --json "$REPORT" --scratch "$SCRATCH" >"$tmp/table" 2>&1
rc=$?
cat "$tmp/table"
case $rc in 0 | 1) pass "pinstress probe: exit $rc" ;; *) fail "pinstress probe: exit $rc" ;; esac

i=0
while name=$(get "probes.$i.name") && [ -n "$name" ] && [ "$name" != null ]; do
	prog=$(get "probes.$i.program")
	arg=$(get "probes.$i.arg")
	result=$(get "probes.$i.result")
	args=()
	[ "$arg" != null ] && args=("$arg" "$SCRATCH")
	machine_state >"$tmp/before"
	start=$(date +%s.%N)
	line=$("$PROBES/$prog" "${args[@]}" 2>"$tmp/stderr")
	code=$?
	took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	machine_state >"$tmp/after"
	echo "$name (alone, ${took}s, exit $code): $line"
	case $code in
	1) want=present re=$(present_re "$name") ;;
	0) want=absent re=$(absent_re "$name") ;;
	77) want="not applicable" re=. ;;
	*) want=error re=; fail "$name: exit $code, no verdict: $line"; cat "$tmp/stderr" ;;
	esac
	[ "$result" = "$want" ] && pass "$name: pinstress probe and the probe alone agree ($want)" ||
		fail "$name: pinstress probe said '$result', the probe alone exit $code"
	if [ -n "$re" ]; then
		echo "$line" | grep -Eq "$re" && pass "$name: evidence says $want" ||
			fail "$name: exit $code but the evidence does not say $want: $line"
	fi
	[ "$(wc -l <<<"$line")" -eq 1 ] && [ -n "$line" ] && pass "$name: one line of evidence" ||
		fail "$name: not exactly one line on stdout"
	diff "$tmp/before" "$tmp/after" >/dev/null && pass "$name: the machine is as it was" ||
		{ fail "$name: left the machine changed"; diff "$tmp/before" "$tmp/after"; }
	i=$((i + 1))
done
[ "$i" -ge 5 ] && pass "$i probes ran" || fail "only $i probes in the report"
finish
