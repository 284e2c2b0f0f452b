#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# readme_tables.sh PINSTRESS README: the README's tables of workloads,
# backings and faults are what `pinstress list --markdown` prints from the
# tables themselves, so a new item reaches the README without a hand edit
# (regenerate: tests/readme_tables.sh PINSTRESS README --write).
set -u
PS=$1 README=$2
. "$(dirname "$0")/lib.sh"
begin='<!-- pinstress list --markdown (the readme-tables test checks this block) -->'
end='<!-- end of pinstress list --markdown -->'
want=$("$PS" list --markdown) || { fail "pinstress list --markdown failed"; finish; }
[ -n "$want" ] || { fail "pinstress list --markdown printed nothing"; finish; }
if [ "${3:-}" = --write ]; then
	tmp=$(mktemp "$README.XXXXXX")
	awk -v b="$begin" -v e="$end" -v f=<(printf '%s\n' "$want") '
		$0 == e { skip = 0 }
		!skip { print }
		$0 == b { while ((getline l < f) > 0) print l; skip = 1 }' "$README" >"$tmp" &&
		mv "$tmp" "$README"
	exit 0
fi
grep -qxF "$begin" "$README" && grep -qxF "$end" "$README" ||
	{ fail "$README has no block between '$begin' and '$end'"; finish; }
have=$(awk -v b="$begin" -v e="$end" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$README")
if [ "$have" = "$want" ]; then
	pass "README tables = pinstress list --markdown ($(printf '%s\n' "$want" | grep -c '^| `') rows)"
else
	fail "README tables differ from pinstress list --markdown (regenerate with --write):"
	diff <(printf '%s\n' "$have") <(printf '%s\n' "$want") | head -n 20
fi
finish
