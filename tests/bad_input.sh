#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bad_input.sh PINSTRESS: bad profiles and options give exit 3 and one line
# naming the file, the line and the key, and run nothing.
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
check unknown-workload "unknown-workload.ini:4: [j2]: key 'workload': unknown name 'nope'" \
	'[j]\nworkload = odirect\n\n[j2]\nworkload = nope\n'
check missing-scratch "scratch directory $tmp/nonexistent does not exist" "$good" \
	--scratch "$tmp/nonexistent"
check unknown-fault "unknown-fault.ini:1: [j]: key 'faults': unknown name 'explode'" \
	'[j]\nworkload = odirect\nfaults = fork,explode\n'
check bad-cli-size "--size: invalid size 'big'" "$good" --size big
check bad-plant "--plant: unknown class 'sparkles'" "$good" --plant sparkles
check bad-known-bugs "--known-bugs: 'ignore' is not one of avoid,reproduce" "$good" \
	--known-bugs ignore
check bad-known-bugs-key "bad-known-bugs-key.ini:2: key 'known-bugs': 'hide' is not one of avoid,reproduce" \
	'[global]\nknown-bugs = hide\n[j]\nworkload = odirect\n'
check bad-kernel-lacks "--kernel-lacks: 'skip' is not one of invalid,not-run" "$good" \
	--kernel-lacks skip

out=$("$PS" run -c "$tmp/does-not-exist.ini" 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 3 ] && pass "missing profile: exit 3" || fail "missing profile: exit $rc"
case $out in *"cannot open profile '$tmp/does-not-exist.ini'"*) pass "missing profile: '$out'" ;;
*) fail "missing profile: '$out'" ;; esac
finish
