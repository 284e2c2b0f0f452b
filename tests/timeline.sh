#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# timeline.sh PINSTRESS REPORT_GET
# The JSON report's timeline, from real runs of a job that swaps (swap
# from --prepare when the machine has none):
#  1. --sample-interval 1s for 20 s: a sample a second, each starting where
#     the one before ended, the job's ops, verified blocks, injections and
#     pages_swapped_out over the samples add up to its final counters, the
#     machine's pswpout moved and the CPU was busy;
#  2. --samples 4 for 20 s: merged, at most 4 samples still spanning the
#     whole run, and the same totals.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
need_available workload uring-fixed
need_available backing anon

use_tmp
JOB=swapper
cat >"$tmp/p.ini" <<INI
[$JOB]
workload = uring-fixed
backing = anon
faults = pageout
size = 64M
threads = 2
INI

# run NAME OPTIONS...: one run, its report in $REPORT.
run() {
	local name=$1 rc
	shift
	REPORT=$tmp/$name.json
	"$PS" run -c "$tmp/p.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary \
		--prepare "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && pass "$name: exit 0" || { fail "$name: exit $rc"; tail -n 5 "$tmp/$name.out"; }
	[ -s "$REPORT" ] || { fail "$name: no report"; finish; }
	n=0
	while "$RG" "$REPORT" "timeline.samples.$n.t0" >/dev/null 2>&1; do n=$((n + 1)); done
}

# sample_val I PATH: the value in sample I, 0 when left out (evidence that did not change).
sample_val() { "$RG" "$REPORT" "timeline.samples.$1.$2" 2>/dev/null || echo 0; }

# sum PATH: over every sample.
sum() {
	local i s=0
	for ((i = 0; i < n; i++)); do s=$((s + $(sample_val "$i" "$1"))); done
	echo "$s"
}

# totals NAME: the job's deltas over all samples equal its final counters.
totals() {
	local name=$1 path part whole final s
	for path in "ops ops" "verified blocks_verified" \
		"faults.pageout.injections fault_detail.0.injections" \
		"faults.pageout.confirmed fault_detail.0.confirmed" \
		"evidence.pages_swapped_out evidence.pages_swapped_out"; do
		read -r part whole <<<"$path"
		final=$(get "jobs.0.$whole")
		s=$(sum "jobs.$JOB.$part")
		[ "$final" -gt 0 ] && [ "$s" = "$final" ] &&
			pass "$name: $part over the samples = $s = final $whole" ||
			fail "$name: $part over the samples = $s, final $whole = $final"
	done
}

# contiguous NAME: every sample starts where the one before ended.
contiguous() {
	local i gaps=0 t1 t0
	for ((i = 1; i < n; i++)); do
		t1=$(sample_val $((i - 1)) t1)
		t0=$(sample_val "$i" t0)
		[ "$t0" = "$t1" ] || { gaps=$((gaps + 1)); echo "sample $i: t0 $t0, t1 before $t1"; }
	done
	[ "$gaps" -eq 0 ] && pass "$1: each sample starts where the one before ended" ||
		fail "$1: $gaps samples do not start where the one before ended"
}

near() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { exit !(a - b <= d && b - a <= d) }'; }

t_start=$(date +%s)

run every-second --duration 20s --sample-interval 1s
[ "$n" -ge 15 ] && pass "every-second: $n samples" ||
	fail "every-second: $n samples, expected >= 15"
expect_eq timeline.merged 0
contiguous every-second
totals every-second
swp=$(sum vmstat.pswpout)
[ "$swp" -gt 0 ] && pass "every-second: pswpout over the samples $swp" ||
	fail "every-second: pswpout over the samples $swp"
busy=0
for ((i = 0; i < n; i++)); do
	awk -v u="$(sample_val "$i" cpu_user_pct)" -v s="$(sample_val "$i" cpu_sys_pct)" \
		'BEGIN { exit !(u + s > 0 && u + s <= 100.1) }' && busy=$((busy + 1))
done
[ "$busy" -gt 0 ] && pass "every-second: CPU busy in $busy samples" ||
	fail "every-second: CPU user+sys 0 (or above 100%) in every sample"
bytes=$(stat -c %s "$REPORT")

run merged --duration 20s --sample-interval 1s --samples 4
[ "$n" -ge 2 ] && [ "$n" -le 4 ] && pass "merged: $n samples" ||
	fail "merged: $n samples, expected 2..4"
expect_gt timeline.merged 0
expect_gt timeline.interval_s 1
contiguous merged
first=$(sample_val 0 t0)
last=$(sample_val $((n - 1)) t1)
dur=$(get duration_s)
near "$first" 0 0.5 && pass "merged: the first sample starts at $first" ||
	fail "merged: the first sample starts at $first, not near 0"
near "$last" "$dur" 1 && pass "merged: the last sample ends at $last (run $dur s)" ||
	fail "merged: the last sample ends at $last, the run at $dur s"
totals merged

echo "note: every-second report $bytes bytes; test took $(($(date +%s) - t_start)) s"
finish
