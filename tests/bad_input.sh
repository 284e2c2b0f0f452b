#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bad_input.sh PINSTRESS: bad profiles and options give exit 3 and one line
# naming the file, the line and the key, and run nothing.  Inputs that are
# no regular file (a FIFO, /dev/zero, a directory) are refused at once, a
# NUL byte in a profile names its line, an output nobody can write is
# refused before the run, and compare and replay name the JSON member that
# is null or of the wrong type instead of crashing.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"

use_tmp

# case NAME EXPECTED-SUBSTRING PROFILE-BODY [extra args]
check() {
	local name=$1 want=$2 body=$3 out rc
	shift 3
	printf '%b' "$body" > "$tmp/$name.ini"
	out=$("$PS" run -c "$tmp/$name.ini" --no-canary "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 3 ] && pass "$name: exit 3" || fail "$name: exit $rc"
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && pass "$name: one line" ||
		fail "$name: $(printf '%s\n' "$out" | wc -l) lines: $out"
	case $out in *"$want"*) pass "$name: '$out'" ;; *) fail "$name: '$out' lacks '$want'" ;; esac
}

good='[global]\nduration = 2s\n[j]\nworkload = odirect\n'
check unknown-key "unknown-key.ini:4: unknown key 'sise' in [j]" \
	'[global]\nduration = 2s\n[j]\nsise = 64M\nworkload = odirect\n'
check bad-size "bad-size.ini:5: key 'size': invalid size 'lots'" \
	'[global]\nduration = 2s\n[j]\nworkload = odirect\nsize = lots\n'
check bad-duration "bad-duration.ini:2: key 'duration': invalid duration '5x'" \
	'[global]\nduration = 5x\n[j]\nworkload = odirect\n'
check no-workload "no-workload.ini:3: [j]: no workload" '[global]\nduration = 2s\n[j]\nsize = 8M\n'
check unknown-workload "unknown-workload.ini:5: [j2]: key 'workload': unknown name 'nope'" \
	'[j]\nworkload = odirect\n\n[j2]\nworkload = nope\n'
check global-backing "global-backing.ini:2: [global]: key 'backing': unknown name 'nop'" \
	'[global]\nbacking = nop\n[j]\nworkload = odirect\n'
check cli-workload "--workload: unknown name 'nope'" "$good" --workload nope
check size-multiple "size-multiple.ini:5: [j]: key 'size': 1000000000 is not a multiple" \
	'[global]\nduration = 2s\n[j]\nworkload = odirect\nsize = 1000000000\n'
check missing-scratch "scratch directory $tmp/nonexistent does not exist" "$good" \
	--scratch "$tmp/nonexistent"
check unknown-fault "unknown-fault.ini:3: [j]: key 'faults': unknown name 'explode'" \
	'[j]\nworkload = odirect\nfaults = fork,explode\n'
check bad-cli-size "--size: invalid size 'big'" "$good" --size big
check share-too-big "share-too-big.ini:5: key 'size': 150% out of range (0.01%..100%)" \
	'[global]\nduration = 2s\n[j]\nworkload = odirect\nsize = 150%\n'
check bad-share "--size: invalid share '5.123%'" "$good" --size 5.123%
check bad-auto "bad-auto.ini:2: key 'threads': invalid number 'many'" \
	'[global]\nthreads = many\n[j]\nworkload = odirect\n'
check bad-affinity "--affinity: 'all' is not one of none,spread" "$good" --affinity all
check bad-plant "--plant: unknown class 'sparkles'" "$good" --plant sparkles
check bad-known-bugs "--known-bugs: 'ignore' is not one of avoid,reproduce" "$good" \
	--known-bugs ignore
check bad-known-bugs-key "bad-known-bugs-key.ini:2: key 'known-bugs': 'hide' is not one of avoid,reproduce" \
	'[global]\nknown-bugs = hide\n[j]\nworkload = odirect\n'
check bad-kernel-lacks "--kernel-lacks: 'skip' is not one of invalid,not-run" "$good" \
	--kernel-lacks skip

# Checked for the whole plan before the first round: a later job's conflict stops the run
# before the first one starts (one line: no job ran), as does a plan bigger than the machine.
check conflict-later "conflict-later.ini:8: [j2]: key 'faults': faults mremap and uffd-move cannot share a job" \
	'[global]\nduration = 2s\nparallel = 1\n[j]\nworkload = cpu\n[j2]\nworkload = cpu\nfaults = mremap,uffd-move\n'
check too-big "round 1 would need 512.0 GiB of memory" "$good" --size 512G
printf '%b' "$good" >"$tmp/check.ini"
out=$("$PS" run -c "$tmp/check.ini" --check 2>&1)
rc=$?
[ "$rc" -eq 0 ] && case $out in *"check: the run can start; nothing was changed"*) true ;; *) false ;; esac &&
	pass "--check: the plan, exit 0" || fail "--check: exit $rc: $out"
check nul-byte "nul-byte.ini:2: a NUL byte in the line" \
	'[global]\nsize = 8M\0garbage\n[j]\nworkload = odirect\n'
check unwritable-json "$tmp/none/r.json: directory $tmp/none does not exist" "$good" \
	--json "$tmp/none/r.json"
check json-is-dir "$tmp: a directory, not a regular file" "$good" --json "$tmp"

# one_line NAME EXPECTED CMD...: exit 3, one line, the words expected, within 10 s.
one_line() {
	local name=$1 want=$2 out rc
	shift 2
	out=$(timeout 10 "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 3 ] && pass "$name: exit 3" || fail "$name: exit $rc (124: it hung)"
	case $out in *"$want"*) pass "$name: '$out'" ;; *) fail "$name: '$out' lacks '$want'" ;; esac
}
mkfifo "$tmp/fifo"
one_line fifo-profile "profile $tmp/fifo: a FIFO, not a regular file" "$PS" run -c "$tmp/fifo"
one_line zero-profile "profile /dev/zero: a device, not a regular file" "$PS" run -c /dev/zero
one_line fifo-compare "$tmp/fifo: a FIFO, not a regular file" "$PS" compare "$tmp/fifo" "$tmp/fifo"
one_line fifo-replay "$tmp/fifo: a FIFO, not a regular file" "$PS" replay "$tmp/fifo"
bench='{"schema": "pinstress-bench/1", "environment": {"kernel": "x"}, "metrics": [
  {"name": "m", "unit": "ms", "direction": "lower", "samples": [1, 2, 3]},
  {"name": "n", "unit": "ms", "direction": "lower", "samples": [1, null, 3]}]}'
printf '%s\n' "$bench" >"$tmp/a.json"
printf '%s\n' "${bench/\"samples\": \[1, 2, 3\]/\"samples\": null}" >"$tmp/b.json"
one_line compare-null "$tmp/a.json: metrics[1].samples[1]: a number, not null" \
	"$PS" compare "$tmp/a.json" "$tmp/a.json"
one_line compare-null-array "$tmp/b.json: metrics[0].samples: an array, not null" \
	"$PS" compare "$tmp/b.json" "$tmp/b.json"
printf '{"schema": "pinstress-bench/1", ' >"$tmp/cut.json"
one_line compare-cut "$tmp/cut.json: not JSON: it ends inside a value" \
	"$PS" compare "$tmp/cut.json" "$tmp/cut.json"
printf '{"replay": {"argv": ["-c", null]}}' >"$tmp/r.json"
one_line replay-null "$tmp/r.json: replay.argv[1]: a string, not null" "$PS" replay "$tmp/r.json"
printf '{"replay": {"argv": "run"}}' >"$tmp/r2.json"
one_line replay-type "$tmp/r2.json: replay.argv: an array, not a string" "$PS" replay "$tmp/r2.json"

out=$("$PS" run -c "$tmp/does-not-exist.ini" 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 3 ] && pass "missing profile: exit 3" || fail "missing profile: exit $rc"
case $out in *"cannot open profile '$tmp/does-not-exist.ini'"*) pass "missing profile: '$out'" ;;
*) fail "missing profile: '$out'" ;; esac
finish
