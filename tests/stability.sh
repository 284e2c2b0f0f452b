#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# stability.sh PINSTRESS [SECONDS]  (ctest label "long": not in the default run)
# A run of every kind of job at once for SECONDS (default 600) must stay
# flat: every 10 s its RSS, open fds, threads and children are sampled.
# After the first minute (warm-up: rings, pools, pipes), the least value
# of the last two minutes may not exceed the greatest of the two minutes
# before them (RSS: by 10 %): a leak grows steadily, while an fd held for
# a moment (a pidfd, a pagemap look) comes and goes.  Children never more
# than the jobs hold at once (2 pvm helpers, 1 fork child, 2 vmsplice
# children).  Prints the samples, the numbers for the issue note.
set -u
PS=$1
SECS=${2:-600}
. "$(dirname "$0")/lib.sh"
need_root

use_tmp
at_exit '[ -n "${pid:-}" ] && kill -KILL "$pid" 2>/dev/null'

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
awk -v end="$SECS" -v forkers=5 '
	# window 1: [60, 180) s, window 2: the last 120 s
	$1 >= 60 && $1 < 180 { for (i = 2; i <= 4; i++) if (!(i in mx) || $i + 0 > mx[i]) mx[i] = $i + 0 }
	$1 > end - 120 { for (i = 2; i <= 4; i++) if (!(i in mn) || $i + 0 < mn[i]) mn[i] = $i + 0 }
	$5 > forkers { printf "FAIL: %d children at %ds\n", $5, $1; bad = 1 }
	END {
		if (!(2 in mx) || !(2 in mn)) { print "FAIL: too few samples"; exit 1 }
		if (mn[2] > mx[2] * 1.10) { printf "FAIL: RSS grew: %d -> at least %d kB\n", mx[2], mn[2]; bad = 1 }
		if (mn[3] > mx[3]) { printf "FAIL: fds grew: %d -> at least %d\n", mx[3], mn[3]; bad = 1 }
		if (mn[4] > mx[4]) { printf "FAIL: threads grew: %d -> at least %d\n", mx[4], mn[4]; bad = 1 }
		printf "early max: rss %d kB, fds %d, threads %d; late min: rss %d kB, fds %d, threads %d\n",
			mx[2], mx[3], mx[4], mn[2], mn[3], mn[4]
		exit bad
	}' "$tmp/samples" && pass "resources flat" || fail "resources grew"
[ -s "$tmp/log" ] && pass "--log written ($(wc -l <"$tmp/log") lines)" || fail "--log empty"
finish
