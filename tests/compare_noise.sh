#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# compare_noise.sh PINSTRESS REPORT_GET: compare names machine noise.  A
# control metric (memcpy bandwidth: no kernel change to mm moves it) that
# moved beyond its own interval between A and B makes compare say so in
# one line and mark every other verdict (noise), untrusted in its JSON;
# with the controls steady, a real change keeps its plain verdict.  A
# change no larger than the metric drifted between the passes of one run
# gets no verdict (the bootstrap draws passes); the same change in a metric
# that held still does.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
use_tmp

# report FILE MEMCPY_SAMPLES FORK_SAMPLES
report() {
	cat >"$1" <<JSON
{"schema": "pinstress-bench/1", "environment": {"kernel": "k"}, "metrics": [
 {"name": "fork_ms", "unit": "ms", "direction": "lower", "control": false, "samples": [$3]},
 {"name": "memcpy_gbps", "unit": "GB/s", "direction": "higher", "control": true, "samples": [$2]}]}
JSON
}
steady="15.0, 15.1, 14.9, 15.0, 15.2, 15.1, 14.9, 15.0, 15.1, 15.0"
slow="11.0, 11.1, 10.9, 11.0, 11.2, 11.1, 10.9, 11.0, 11.1, 11.0"
report "$tmp/a.json" "$steady" "1.0, 1.01, 0.99, 1.0, 1.02, 1.0, 0.98, 1.0, 1.01, 1.0"
report "$tmp/b.json" "$steady" "2.0, 2.02, 1.98, 2.0, 2.01, 2.0, 1.99, 2.0, 2.02, 2.0"
report "$tmp/c.json" "$slow" "2.0, 2.02, 1.98, 2.0, 2.01, 2.0, 1.99, 2.0, 2.02, 2.0"

"$PS" compare "$tmp/a.json" "$tmp/b.json" --json "$tmp/ab.json" >"$tmp/ab.out" 2>"$tmp/ab.err"
grep -q "noise" "$tmp/ab.out" "$tmp/ab.err" && fail "steady controls: noise named: $(cat "$tmp/ab.err")" ||
	pass "steady controls: no noise named"
grep -q "^fork_ms .* worse$" "$tmp/ab.out" && pass "a real change keeps its verdict: worse" ||
	fail "fork_ms: $(grep fork_ms "$tmp/ab.out")"
REPORT=$tmp/ab.json
expect_eq metrics.0.trusted true

"$PS" compare "$tmp/a.json" "$tmp/c.json" --json "$tmp/ac.json" >"$tmp/ac.out" 2>"$tmp/ac.err"
[ "$(grep -c "noise: controls moved" "$tmp/ac.err")" -eq 1 ] &&
	pass "moved control named in one line: $(cat "$tmp/ac.err")" || fail "no noise line: $(cat "$tmp/ac.err")"
grep -q "^fork_ms .* worse (noise)$" "$tmp/ac.out" && pass "the verdict is marked (noise)" ||
	fail "fork_ms: $(grep fork_ms "$tmp/ac.out")"
grep -q "^memcpy_gbps .*(control)$" "$tmp/ac.out" && pass "the control is shown as one" ||
	fail "memcpy_gbps: $(grep memcpy "$tmp/ac.out")"
REPORT=$tmp/ac.json
expect_eq metrics.0.trusted false
expect_eq metrics.1.control true

# fork_ms drifted 25 % in one of A's five passes; B is 20 % slower throughout.
passes() { # FILE FORK_SAMPLES FORK_PASSES
	cat >"$1" <<JSON
{"schema": "pinstress-bench/1", "environment": {"kernel": "k"}, "metrics": [
 {"name": "fork_ms", "unit": "ms", "direction": "lower", "control": false, "samples": [$2],
  "sample_pass": [$3]},
 {"name": "memcpy_gbps", "unit": "GB/s", "direction": "higher", "control": true, "samples": [$steady],
  "sample_pass": [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]}]}
JSON
}
pass5="0, 0, 1, 1, 2, 2, 3, 3, 4, 4"
passes "$tmp/d.json" "1.0, 1.0, 1.0, 1.0, 1.25, 1.25, 1.0, 1.0, 1.0, 1.0" "$pass5"
passes "$tmp/e.json" "1.2, 1.2, 1.21, 1.19, 1.2, 1.2, 1.2, 1.21, 1.19, 1.2" "$pass5"
passes "$tmp/f.json" "1.0, 1.0, 1.01, 0.99, 1.0, 1.0, 1.0, 1.01, 0.99, 1.0" "$pass5"
"$PS" compare "$tmp/d.json" "$tmp/e.json" --json "$tmp/de.json" >"$tmp/de.out" 2>&1
grep -q "^fork_ms .* no significant change$" "$tmp/de.out" &&
	pass "+20 % within a 25 % drift: no verdict" || fail "drift: $(grep fork_ms "$tmp/de.out")"
"$PS" compare "$tmp/f.json" "$tmp/e.json" >"$tmp/fe.out" 2>&1
grep -q "^fork_ms .* worse$" "$tmp/fe.out" && pass "+20 % where A held still: worse" ||
	fail "steady: $(grep fork_ms "$tmp/fe.out")"
finish
