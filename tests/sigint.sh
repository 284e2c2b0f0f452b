#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# sigint.sh PINSTRESS REPORT_GET
# SIGINT in the middle of a run that changed kernel tunables (mTHP sizes,
# zswap, KSM, the hugetlb pool, ksmd's nice level) and made cgroups and
# fork children: pinstress stops within 5 s, writes its final report
# ("stopped_by" the signal) and leaves every value as it found it, no
# child and no cgroup behind.  Then again with two SIGINTs in a row: the
# second gives up on waiting, and everything is still restored.  While
# the first run goes, its --json file is read every 0.2 s: it must be a
# whole report each time.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
need_available backing mthp
need_available fault zswap

use_tmp

changing_profile "$tmp/p.ini"

# one_run NAME SIGNALS: start, wait for the jobs, send SIGINT SIGNALS times.
one_run() {
	local name=$1 sigs=$2 pid i valid=0 running=0 started='' changed
	machine_values >"$tmp/before"
	"$PS" run -c "$tmp/p.ini" --json "$tmp/$name.json" --scratch "$(scratch_dir)" --no-canary \
		--allow-missing >"$tmp/$name.out" 2>&1 &
	pid=$!
	# Until every job runs, then 2 s more: read the report all along.
	for i in $(seq 1 160); do
		if [ -z "$started" ] && grep -q "^pinstress: job hugetlb" "$tmp/$name.out"; then
			started=$i
		fi
		[ -n "$started" ] && [ $((i - started)) -ge 10 ] && break
		if [ -f "$tmp/$name.json" ]; then
			if "$RG" "$tmp/$name.json" result >"$tmp/res" 2>/dev/null; then
				valid=$((valid + 1))
				[ "$(cat "$tmp/res")" = running ] && running=$((running + 1))
			else
				fail "$name: --json file not a whole report while running"
			fi
		fi
		sleep 0.2
	done
	[ "$valid" -gt 0 ] && [ "$running" -gt 0 ] &&
		pass "$name: --json read $valid times while running, each a whole report" ||
		fail "$name: --json valid $valid times, 'running' $running times"
	# The run really changed the machine: else "restored" would prove nothing.
	machine_values >"$tmp/during"
	changed=$(diff "$tmp/before" "$tmp/during" | grep -c '^>')
	[ "$changed" -ge 3 ] && pass "$name: $changed values changed by the run" ||
		fail "$name: only $changed values changed by the run"
	stop "$pid" INT "$sigs"
	within 5 && pass "$name: stopped in ${took}s (exit $rc)" || fail "$name: took ${took}s to stop"
	REPORT=$tmp/$name.json
	expect_eq stopped_by Interrupt
	case $(get result) in running | "") fail "$name: no final report" ;; *) pass "$name: final report: $(get result)" ;; esac
	machine_values >"$tmp/after"
	if diff "$tmp/before" "$tmp/after" >"$tmp/diff"; then
		pass "$name: every value as before ($(wc -l <"$tmp/before") checked)"
	else
		fail "$name: values changed:"
		cat "$tmp/diff"
	fi
	# Fork children and pvm helpers are pinstress processes too.
	[ -z "$(pgrep -x pinstress)" ] && pass "$name: no process left" || fail "$name: pinstress processes left: $(pgrep -x pinstress | tr '\n' ' ')"
	grep -q "hugetlb" "$tmp/$name.out" || cat "$tmp/$name.out"
}

one_run once 1
one_run twice 2
grep -q "again: not waiting" "$tmp/twice.out" && pass "second SIGINT seen" ||
	echo "note: the first SIGINT's stop was done before the second came"
finish
