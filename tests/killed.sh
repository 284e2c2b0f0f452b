#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# killed.sh PINSTRESS REPORT_GET RUN_SH
# A hard kill leaves nothing behind for good: every change is in the
# restore journal (/run/pinstress/journal) before it is made.
#  1. pinstress run, changing mTHP sizes, zswap, KSM, the hugetlb pool,
#     ksmd's nice level and a cgroup, is killed with SIGKILL: the values
#     stay changed, and the next start (`pinstress restore`) puts every one
#     back and says what it undid.
#  2. ./run.sh prepare-check, having raised the hugetlb pool for its run, is
#     killed with SIGKILL: the next pinstress start undoes it, and not
#     before (a live owner's changes are left alone).
#  3. SIGHUP, SIGQUIT and SIGPIPE (| head) stop a run in order, like SIGINT:
#     a final report and every value as before.
set -u
PS=$1 RG=$2 RUNSH=$3
. "$(dirname "$0")/lib.sh"
need_root
need_available backing mthp
need_available fault zswap
use_tmp


# Wait up to 20 s for every pinstress process (fork children, helpers) to be gone.
no_pinstress() {
	local i
	for i in $(seq 1 200); do
		pgrep -x pinstress >/dev/null || return 0
		sleep 0.1
	done
	return 1
}

changing_profile "$tmp/p.ini"

# start NAME: a run of p.ini in the background, until every job runs (pid in $pid).
start() {
	local i
	"$PS" run -c "$tmp/p.ini" --json "$tmp/$1.json" --scratch "$(scratch_dir)" --no-canary \
		--allow-missing >"$tmp/$1.out" 2>&1 &
	pid=$!
	for i in $(seq 1 300); do
		grep -q "^pinstress: job hugetlb" "$tmp/$1.out" && break
		sleep 0.1
	done
	sleep 2
}

# 1. SIGKILL of a run.
machine_values >"$tmp/before"
start killed
machine_values >"$tmp/during"
changed=$(diff "$tmp/before" "$tmp/during" | grep -c '^>')
[ "$changed" -ge 3 ] && pass "the run changed $changed values" ||
	fail "the run changed only $changed values: nothing to leave behind"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
no_pinstress && pass "killed, no process left" || fail "pinstress processes left"
machine_values >"$tmp/left"
left=$(diff "$tmp/before" "$tmp/left" | grep -c '^>')
[ "$left" -ge 3 ] && pass "SIGKILL left $left values changed" || fail "only $left values left changed"
"$PS" restore >"$tmp/restore.out" 2>&1
rc=$?
cat "$tmp/restore.out"
[ "$rc" -eq 0 ] && pass "pinstress restore: exit 0" || fail "pinstress restore: exit $rc"
undid=$(grep -c "undid what pid $pid left" "$tmp/restore.out")
[ "$undid" -ge "$left" ] && pass "it said what it undid: $undid lines" ||
	fail "$undid undo lines for $left changed values"
machine_values >"$tmp/after"
diff "$tmp/before" "$tmp/after" >"$tmp/diff" && pass "every value as before the run" ||
	{ fail "values still changed:"; cat "$tmp/diff"; }
"$PS" restore >"$tmp/again" 2>&1
grep -q "0 changes undone" "$tmp/again" && pass "nothing left to undo" || cat "$tmp/again"

# 2. SIGKILL of run.sh while its preparation holds.
pool=/proc/sys/vm/nr_hugepages
old=$(cat "$pool")
want=$((old + 2))
PINSTRESS_HUGEPAGES=$want PINSTRESS_PREPARE_HOLD=600 "$RUNSH" prepare-check >"$tmp/runsh" 2>&1 &
runsh=$!
for i in $(seq 1 600); do grep -q "holding for" "$tmp/runsh" && break; sleep 0.1; done
[ "$(cat "$pool")" -gt "$old" ] && pass "run.sh raised nr_hugepages $old -> $(cat "$pool")" ||
	{ fail "run.sh did not raise the pool"; cat "$tmp/runsh"; }
"$PS" restore >"$tmp/live" 2>&1
[ "$(cat "$pool")" -gt "$old" ] && pass "a live run.sh's preparation is left alone" ||
	fail "pinstress restore undid a live owner's change"
kill -KILL "$runsh"
wait "$runsh" 2>/dev/null
pkill -KILL -f "sleep 600" 2>/dev/null
"$PS" restore >"$tmp/after-runsh" 2>&1
cat "$tmp/after-runsh"
[ "$(cat "$pool")" -eq "$old" ] && pass "after run.sh's SIGKILL the next start put the pool back to $old" ||
	fail "nr_hugepages $(cat "$pool"), was $old"
grep -q "undid what pid $runsh left: write $pool $old" "$tmp/after-runsh" &&
	pass "and said so" || fail "no line saying it undid run.sh's change"

# 3. The other stop signals.
for sig in HUP:Hangup QUIT:Quit; do
	name=${sig#*:}
	sig=${sig%%:*}
	machine_values >"$tmp/before"
	start "$sig"
	stop "$pid" "$sig"
	within 10 && pass "SIG$sig: stopped in ${took}s (exit $rc)" || fail "SIG$sig: took ${took}s"
	REPORT=$tmp/$sig.json
	expect_eq stopped_by "$name"
	no_pinstress || fail "SIG$sig: processes left"
	machine_values >"$tmp/after"
	diff "$tmp/before" "$tmp/after" >/dev/null && pass "SIG$sig: every value as before" ||
		fail "SIG$sig: values changed"
done
machine_values >"$tmp/before"
# Its messages into a pipe that closes after two lines: the next write raises SIGPIPE.
"$PS" run -c "$tmp/p.ini" --section zswap --duration 60s --json "$tmp/pipe.json" \
	--scratch "$(scratch_dir)" --no-canary --allow-missing 2>&1 | head -n 2 >"$tmp/pipe.err"
REPORT=$tmp/pipe.json
no_pinstress || fail "SIGPIPE: processes left"
expect_eq stopped_by "Broken pipe"
expect_lt duration_s 50
machine_values >"$tmp/after"
diff "$tmp/before" "$tmp/after" >/dev/null && pass "SIGPIPE: every value as before" ||
	fail "SIGPIPE: values changed"
finish
