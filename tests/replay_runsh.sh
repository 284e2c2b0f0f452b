#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# replay_runsh.sh RUN_SH PINSTRESS REPORT_GET
# A failure found through the front door replays: `./run.sh PROFILE` with
# damage planted writes a failure record, and `pinstress replay` of that
# record runs the same seed again and finds the same class (run.sh used
# to bake its temporary scratch directory, gone by then, into the
# recorded command).  A planted symlink at the report's path is refused
# before the run (never followed), and the report and the record are
# mode 0600.
set -u
RUNSH=$1 PS=$2 RG=$3
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

cat >"$tmp/p.ini" <<INI
[global]
duration = 4s

[r]
workload = odirect
backing = anon
size = 2M
INI
echo "keep me" >"$tmp/victim"
ln -s "$tmp/victim" "$tmp/r.json"
out=$("$PS" run -c "$tmp/p.ini" --no-canary --json "$tmp/r.json" 2>&1)
rc=$?
[ "$rc" -eq 3 ] && [ "$(cat "$tmp/victim")" = "keep me" ] &&
	pass "a symlink at the report's path: refused, not followed ($out)" ||
	fail "symlinked --json: exit $rc, victim '$(cat "$tmp/victim")'"
rm -f "$tmp/r.json"
"$RUNSH" "$tmp/p.ini" --plant torn --no-canary --json "$tmp/r.json" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && pass "./run.sh with planted damage: exit 1" ||
	{ fail "./run.sh: exit $rc"; tail -n 20 "$tmp/out"; }
rec=$(ls "$tmp"/pinstress-failure-*.json 2>/dev/null | head -n 1)
[ -n "$rec" ] && pass "failure record $(basename "$rec")" || { fail "no failure record"; finish; }
[ "$(stat -c %a "$tmp/r.json") $(stat -c %a "$rec")" = "600 600" ] &&
	pass "report and failure record are mode 0600" ||
	fail "modes: $(stat -c %a "$tmp/r.json") $(stat -c %a "$rec")"
"$PS" replay "$rec" --json "$tmp/again.json" >"$tmp/replay" 2>&1
rc=$?
[ "$rc" -eq 1 ] && pass "pinstress replay: exit 1 again" ||
	{ fail "pinstress replay: exit $rc"; tail -n 20 "$tmp/replay"; }
REPORT=$tmp/again.json
expect_eq errors.0.class torn
expect_eq seed "$("$RG" "$tmp/r.json" seed)"
finish
