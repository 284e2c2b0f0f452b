#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench_ab.sh PINSTRESS REPORT_GET: two default `pinstress bench` runs on
# this kernel, one after the other, and `compare` between them: nothing
# changed but the machine's weather, so every verdict (better or worse) must
# be one compare itself cannot trust: a control metric moved, it says so in
# one line and marks the verdict (noise).  A trusted verdict here is a false
# one: the default repeats or the controls are not enough for this machine.
# A benchmark of the tool's statistics, ~7 minutes: label long.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

for run in a b; do
	start=$(date +%s)
	"$PS" bench -c "$(dirname "$0")/../configs/bench.ini" --json "$tmp/$run.json" \
		--scratch "$(scratch_dir)" >"$tmp/$run.out" 2>&1
	rc=$?
	[ "$rc" -eq 0 ] && pass "bench $run: exit 0 in $(($(date +%s) - start))s" ||
		{ cat "$tmp/$run.out"; fail "bench $run: exit $rc"; }
done
"$PS" compare "$tmp/a.json" "$tmp/b.json" --json "$tmp/ab.json" >"$tmp/ab.out" 2>"$tmp/ab.err"
rc=$?
cat "$tmp/ab.out" "$tmp/ab.err"
[ "$rc" -eq 0 ] && pass "compare: exit 0" || fail "compare: exit $rc"
REPORT=$tmp/ab.json
i=0 verdicts=0 flagged=0
while name=$(get "metrics.$i.name") && [ -n "$name" ] && [ "$name" != null ]; do
	verdict=$(get "metrics.$i.verdict")
	if [ "$verdict" = better ] || [ "$verdict" = worse ]; then
		verdicts=$((verdicts + 1))
		if [ "$(get "metrics.$i.control")" = true ]; then
			flagged=$((flagged + 1))
			pass "$name (a control) $verdict: the machine moved, and compare says so"
		elif [ "$(get "metrics.$i.trusted")" = false ]; then
			flagged=$((flagged + 1))
			pass "$name $verdict, marked (noise)"
		else
			fail "$name $verdict $(get "metrics.$i.change_pct")% on the same kernel, trusted"
		fi
	fi
	i=$((i + 1))
done
[ "$i" -ge 19 ] && pass "$i metrics compared" || fail "only $i metrics compared"
echo "same kernel: $verdicts verdict(s), $flagged of them flagged by compare"
finish
