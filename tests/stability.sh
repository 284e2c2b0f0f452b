#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stability.sh PINSTRESS [SECONDS]  (ctest label "long": not in the default run)
# A run of every kind of job at once for SECONDS (default 600) must stay
# flat: every 10 s its RSS, open fds, threads and children are sampled;
# after the first minute (warm-up: rings, pools, pipes) fds and threads
# may not grow at all, RSS by at most 10 %, children beyond what the jobs
# hold at most (2 pvm helpers, 1 fork child, 2 vmsplice children).
# Prints the samples, the numbers for the issue note.
set -u
PS=$1
SECS=${2:-600}
. "$(dirname "$0")/lib.sh"
need_root

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [ -n "${pid:-}" ] && kill -KILL "$pid" 2>/dev/null' EXIT

cat >"$tmp/p.ini" <<INI
[global]
duration = ${SECS}s
size = 32M
threads = 2

[odirect-fork-pageout]
workload = odirect
backing = anon
faults = fork,pageout
[uring-fixed-thp]
workload = uring-fixed
backing = thp
faults = pageout,mremap
[uring-shmem]
workload = uring
backing = shmem
faults = compact
[vmsplice]
workload = vmsplice
backing = anon
faults = swapin-race
[pvm-file]
workload = pvm
backing = file
[procmem-ksm]
workload = procmem
backing = ksm
faults = mprotect
[cpu-mthp]
workload = cpu
backing = mthp
faults = collapse,thp-split
INI
"$PS" run -c "$tmp/p.ini" --json "$tmp/r.json" --scratch "$(scratch_dir)" --no-canary \
	--log "$tmp/log" >"$tmp/out" 2>&1 &
pid=$!

sample() { # t rss_kb fds threads children
	local rss thr fds kids
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || return 1
	thr=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
	fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
	kids=$(pgrep -P "$pid" | wc -l)
	echo "$1 $rss $fds $thr $kids"
}

echo "t_s rss_kb fds threads children"
for ((t = 10; t <= SECS; t += 10)); do
	sleep 10
	kill -0 "$pid" 2>/dev/null || break
	sample "$t" | tee -a "$tmp/samples"
done
wait "$pid"
rc=$?
pid=
tail -n 12 "$tmp/out"
[ "$rc" -eq 0 ] && pass "run exit 0" || fail "run exit $rc"
n=$(wc -l <"$tmp/samples")
[ "$n" -ge $((SECS / 10 - 2)) ] && pass "$n samples" || fail "only $n samples"
# Reference: the sample at 60 s; the rest may not grow (RSS: 10 %).
awk -v forkers=5 '
	$1 == 60 { r = $2; f = $3; th = $4; k = $5 }
	$1 > 60 && r {
		if ($3 > f) { printf "FAIL: fds grew %d -> %d at %ds\n", f, $3, $1; bad = 1 }
		if ($4 > th) { printf "FAIL: threads grew %d -> %d at %ds\n", th, $4, $1; bad = 1 }
		if ($2 > r * 1.10) { printf "FAIL: RSS grew %d -> %d kB at %ds\n", r, $2, $1; bad = 1 }
		if ($5 > forkers) { printf "FAIL: %d children at %ds\n", $5, $1; bad = 1 }
		if ($2 > maxr) maxr = $2
	}
	END {
		if (!r) { print "FAIL: no sample at 60 s"; exit 1 }
		printf "ok: flat after 60 s: rss %d..%d kB, fds %d, threads %d\n", r, maxr, f, th
		exit bad
	}' "$tmp/samples" && pass "resources flat" || fail "resources grew"
[ -s "$tmp/log" ] && pass "--log written ($(wc -l <"$tmp/log") lines)" || fail "--log empty"
finish
