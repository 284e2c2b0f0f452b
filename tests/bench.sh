#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh PINSTRESS REPORT_GET REPORT_SCALE
# `pinstress bench --repeat 2` writes a valid report with every metric this
# machine can measure (samples, unit, direction; only migration between
# NUMA nodes may be unavailable on one node, and says so); `compare` of a
# report with itself finds no change, and a 20 % shift planted in a copy is
# called worse or better as its direction says, in the steadiest metric of
# each direction (two samples a few percent apart cannot show a 20 % change
# beyond compare's 10 % minimum; on this machine several metrics are that
# steady in every run).
set -u
PS=$1 RG=$2 SCALE=$3
. "$(dirname "$0")/lib.sh"
need_root

use_tmp
REPORT=$tmp/a.json
"$PS" bench -c "$(dirname "$0")/../configs/bench.ini" --repeat 2 --json "$REPORT" \
	--scratch "$(scratch_dir)" >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ "$rc" -eq 0 ] && pass "bench exit 0" || fail "bench exit $rc"
expect_eq schema pinstress-bench/1
expect_eq repeat 2
[ -n "$(get environment.cpu_model)" ] && pass "environment: $(get environment.cpu_model)" || fail "no cpu_model"
nodes=$(get environment.numa_nodes)
declare -A want_unit=( [fork_ms]=ms [pin_unpin]=pins/s [pageout_refault]=MiB/s
	[odirect_read_verify]=MiB/s [read_fixed_verify]=MiB/s [memcpy_gbps]=GB/s
	[verify_gbps]=GB/s [verify_vs_memcpy]=ratio [migrate_pages_per_s]=pages/s
	[compact_migrated_per_s]=pages/s )
i=0 seen=0
while name=$(get "metrics.$i.name" 2>/dev/null); do
	unit=$(get "metrics.$i.unit") dir=$(get "metrics.$i.direction") n=$(get "metrics.$i.n")
	why=$(get "metrics.$i.unavailable")
	key=$name
	for k in fork_ms pin_unpin pageout_refault; do case $name in $k*) key=$k ;; esac; done
	if [ "${want_unit[$key]:-}" != "$unit" ]; then fail "$name: unit '$unit'"; fi
	case $unit in ms) [ "$dir" = lower ] ;; *) [ "$dir" = higher ] ;; esac ||
		fail "$name: direction '$dir' for $unit"
	if [ "$why" != null ]; then
		if [ "$name" = migrate_pages_per_s ] && [ "$nodes" = 1 ]; then
			[ "$why" = "unavailable: 1 node" ] && pass "$name: $why" || fail "$name: '$why'"
		else
			fail "$name unavailable: $why"
		fi
	elif [ "$n" -ge 2 ]; then
		seen=$((seen + 1))
		# Relative range of the two samples, for choosing where to plant a shift.
		echo "$name $dir $(awk -v a="$(get "metrics.$i.samples.0")" -v b="$(get "metrics.$i.samples.1")" \
			'BEGIN { d = a - b; if (d < 0) d = -d; print d / ((a + b) / 2) }')" >>"$tmp/spread"
	else
		fail "$name: $n samples"
	fi
	i=$((i + 1))
done
want=20
[ "$nodes" = 1 ] && want=19
[ "$seen" -eq "$want" ] && pass "$seen metrics measured, units and directions right" || fail "$seen metrics measured, want $want"

"$PS" compare "$tmp/a.json" "$tmp/a.json" --json "$tmp/same.json" >"$tmp/cmp" 2>&1 || fail "compare exit $?"
cat "$tmp/cmp"
grep -Eq " (better|worse)$" "$tmp/cmp" && fail "a report against itself: a verdict" ||
	pass "a report against itself: no significant change anywhere"
hi=$(awk '$2 == "higher"' "$tmp/spread" | sort -k3 -g | head -n 1)
lo=$(awk '$2 == "lower"' "$tmp/spread" | sort -k3 -g | head -n 1)
hi=${hi%% *} lo=${lo%% *}
"$SCALE" "$tmp/a.json" "$tmp/b.json" "$hi" 0.8 && "$SCALE" "$tmp/b.json" "$tmp/b.json" "$lo" 0.8 ||
	fail "report_scale"
"$PS" compare "$tmp/a.json" "$tmp/b.json" --json "$tmp/cmp.json" >"$tmp/cmp" 2>&1
cat "$tmp/cmp"
grep -Eq "^$hi .* worse$" "$tmp/cmp" && pass "$hi 20 % lower (higher is better): worse" ||
	fail "$hi shift not called worse"
grep -Eq "^$lo .* better$" "$tmp/cmp" && pass "$lo 20 % lower (lower is better): better" ||
	fail "$lo shift not called better"
[ "$(grep -cE ' (better|worse)$' "$tmp/cmp")" -eq 2 ] && pass "no other verdict" || fail "other verdicts"
REPORT=$tmp/cmp.json
expect_eq schema pinstress-compare/1
finish
