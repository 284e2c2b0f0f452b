#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# failure_record.sh PINSTRESS REPORT_GET
# Damage planted into a running region produces, within a second, a
# failure file next to the report with the class, the decoded stamps, the
# page's PFN and flags, the bytes, and the events of that very block (the
# plant among them); `pinstress replay` accepts the file and runs the same
# seed again.  With --ftrace-mark --ftrace-stop the kernel trace holds the
# failure's marker and tracing is stopped (put back by this test).
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
need_available fault pageout

use_tmp
tracefs=/sys/kernel/tracing
mounted_trace=0
trace_on=
restore_trace() {
	if [ -n "$trace_on" ]; then echo "$trace_on" >"$tracefs/tracing_on"; fi
	if [ "$mounted_trace" = 1 ]; then umount "$tracefs"; fi
}
at_exit restore_trace
if ! grep -q " $tracefs tracefs " /proc/mounts; then
	mount -t tracefs nodev "$tracefs" && mounted_trace=1
fi
trace_on=$(cat "$tracefs/tracing_on")

cat >"$tmp/p.ini" <<INI
[global]
duration = 4s

[record]
workload = odirect
backing = anon
faults = pageout
; small enough that every block is written many times before the plant at ~1 s,
; so the planted block's own writes are among its events
size = 2M
threads = 2
INI
"$PS" run -c "$tmp/p.ini" --json "$tmp/run.json" --scratch "$(scratch_dir)" --no-canary \
	--plant torn --ftrace-mark --ftrace-stop 2>"$tmp/err"
rc=$?
cat "$tmp/err"
[ "$rc" -eq 1 ] && pass "exit 1" || fail "exit $rc"
REPORT=$tmp/run.json
block=$(get plant.block)
seed=$(get seed)
by=$(get errors.0.detected_by)
expect_lt plant.detected_after_s 1.0
file=$(get errors.0.failure_file)
[ -f "$file" ] && pass "failure file $file" || { fail "no failure file ('$file')"; finish; }
case $file in "$tmp"/pinstress-failure-*.json) pass "named and placed next to the report" ;;
*) fail "failure file '$file' is not $tmp/pinstress-failure-*.json" ;; esac
grep -q "failure record: $file" "$tmp/err" && pass "named on stderr" || fail "not named on stderr"
grep -q "last events on these pages" "$tmp/err" && pass "events on stderr" || fail "no events on stderr"

REPORT=$file
expect_eq schema pinstress-failure/1
expect_eq seed "$seed"
expect_eq error.class torn
expect_eq error.block "$block"
expect_eq error.detected_by "$by"
expect_eq error.expected.block "$block"
expect_gt error.expected.gen 0
kind=$(get error.expected.source_kind)
case $kind in init|cpu|file) pass "expected stamp decoded: source $kind" ;; *) fail "source_kind '$kind'" ;; esac
expect_gt error.forensics.pages.0.pfn 0
flags=$(get error.forensics.pages.0.flags)
case ",$flags," in *,anon,*) pass "page flags decoded: $flags" ;; *) fail "page flags '$flags' lack anon" ;; esac
case $(get error.forensics.pages.0.pagemap_decoded) in "present pfn "*) pass "pagemap decoded" ;;
*) fail "pagemap_decoded '$(get error.forensics.pages.0.pagemap_decoded)'" ;; esac
[ -n "$(get error.forensics.bytes.expected)" ] && [ "$(get error.forensics.bytes.expected)" != "$(get error.forensics.bytes.found)" ] &&
	pass "bytes: expected and found differ" || fail "bytes missing or equal"
case $(get error.forensics.smaps.0) in *-*" rw-p "*) pass "smaps of the VMA" ;; *) fail "smaps '$(get error.forensics.smaps.0)'" ;; esac
planted=0 others=0 i=0
while ev=$(get "error.forensics.events.$i.event" 2>/dev/null); do
	what=$(get "error.forensics.events.$i.what")
	[ "$ev" = plant ] && [ "$what" = "block $block torn" ] && planted=1
	case $ev in write | done)
		[[ $what == "block $block" || $what == "block $block "* ]] && others=$((others + 1)) ;;
	esac
	i=$((i + 1))
done
[ "$planted" = 1 ] && pass "the plant is among the block's $i events" || fail "no plant event in $i events"
[ "$others" -gt 0 ] && pass "$others writes of that block" || fail "no write of block $block in the events"
expect_eq replay.argv.0 -c
argv=$(for k in $(seq 0 20); do get "replay.argv.$k" 2>/dev/null; done | tr '\n' ' ')
case " $argv " in *" --seed $seed "*) pass "replay carries the seed" ;; *) fail "replay argv '$argv' lacks --seed $seed" ;; esac

# The kernel trace: the marker of this failure, and tracing stopped.
[ "$(cat "$tracefs/tracing_on")" = 0 ] && pass "tracing stopped at the failure" || fail "tracing_on is not 0"
grep -q "pinstress: FAILURE torn job record block $block " "$tracefs/trace" &&
	pass "trace_marker line of the failure" || fail "no FAILURE marker in $tracefs/trace"
grep -q "pinstress: job record fault pageout inject" "$tracefs/trace" &&
	pass "trace_marker lines of the injections" || fail "no injection marker in the trace"

# Replay: the same seed and profile again, with an override.
"$PS" replay "$file" --duration 3s --json "$tmp/replay.json" 2>"$tmp/rerr"
rc=$?
[ "$rc" -eq 1 ] && pass "replay: exit 1 (the plant is part of the run)" || { fail "replay exit $rc"; cat "$tmp/rerr"; }
REPORT=$tmp/replay.json
expect_eq seed "$seed"
expect_eq errors.0.class torn

# --keep-going: the run goes on to its end after the corruption; --log and --tap say so.
"$PS" run -c "$tmp/p.ini" --duration 3s --json "$tmp/kg.json" --scratch "$(scratch_dir)" \
	--no-canary --plant torn --keep-going=5 --log "$tmp/log" --tap >"$tmp/tap" 2>"$tmp/kerr"
rc=$?
[ "$rc" -eq 1 ] && pass "keep-going: exit 1" || { fail "keep-going: exit $rc"; cat "$tmp/kerr"; }
REPORT=$tmp/kg.json
expect_eq stopped_by duration
expect_eq errors_total 1
expect_gt jobs.0.active_s 2.9
grep -q "CORRUPTION torn in job record block" "$tmp/log" && grep -q "result corruption" "$tmp/log" &&
	grep -q "start: cd " "$tmp/log" && pass "--log: start, corruption, result" || fail "--log lacks lines"
grep -q "^not ok 2 - job record (odirect on anon)$" "$tmp/tap" && grep -q "^  message: \"torn\"$" "$tmp/tap" &&
	grep -q "^    failure_file: " "$tmp/tap" && pass "--tap: not ok with the failure as YAML" ||
	{ fail "--tap output"; cat "$tmp/tap"; }
finish
