#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# readme_examples.sh PINSTRESS README: what the README shows is accepted.
# Every ```ini block is a profile `pinstress run --check` accepts, and
# every `build/pinstress run ...` command it gives (inline or in a block)
# passes `--check`: options, values, sizes and durations as written.
# Nothing runs and nothing changes (--check stops after the plan).
set -u
PS=$1 README=$2
. "$(dirname "$0")/lib.sh"
use_tmp
cd "$(dirname "$README")" || exit 1

n=0
awk -v dir="$tmp" '
	/^```ini$/ { f = sprintf("%s/example%d.ini", dir, ++k); on = 1; next }
	/^```/ { on = 0 }
	on { print > f }' "$README"
for ini in "$tmp"/example*.ini; do
	[ -e "$ini" ] || continue
	n=$((n + 1))
	out=$("$PS" run -c "$ini" --check --allow-missing 2>&1) &&
		pass "README profile $(basename "$ini") is accepted" ||
		{ fail "README profile $(basename "$ini"): $(printf '%s\n' "$out" | tail -n 1)"; cat "$ini"; }
done

# The commands: "build/pinstress run ..." up to the closing backtick or the end of the line.
grep -o 'build/pinstress run [^`]*' "$README" | sed 's/[[:space:]]*#.*$//' | sort -u >"$tmp/cmds"
while read -r cmd; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	out=$("$PS" ${cmd#build/pinstress } --check --allow-missing 2>&1) &&
		pass "README command accepted: $cmd" ||
		fail "README command '$cmd': $(printf '%s\n' "$out" | tail -n 1)"
done <"$tmp/cmds"
[ "$n" -ge 2 ] && pass "$n examples checked" || fail "only $n examples found in $README"
finish
