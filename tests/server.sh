#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# server.sh PINSTRESS REPORT_GET PROFILE: configs/server.ini fills this
# machine as it says.  Its sizes are its shares of MemTotal (from
# /proc/meminfo, in PMD steps), its threads the CPUs (nproc) shared among
# its eight jobs, every workload thread really runs pinned to one CPU (the
# kernel's Cpus_allowed_list of each thread, read during the run), the
# jobs cover every CPU, the CPUs stay busy (the report's timeline: user +
# sys from /proc/stat), and the run passes with every job proven.  Then admission: a plan that does not fit in MemAvailable is
# refused with the numbers, and parallel = auto splits it into rounds that do.
set -u
PS=$1 RG=$2 PROFILE=$3
REPORT=
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

JOBS=8
cpus=$(nproc)
mem_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
pmd=$(cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size)
# @1 hundredths of a percent of MemTotal, down to a PMD multiple (cfg_share_bytes()).
share() { local b=$((mem_kb * 1024 / 10000 * $1)); echo $((b - b % pmd)); }
want_threads=$((cpus / JOBS))
((want_threads < 1)) && want_threads=1

# The plan, before anything runs.
"$PS" run -c "$PROFILE" --check >"$tmp/plan" 2>&1 || { cat "$tmp/plan"; fail "--check refused it"; finish; }
rounds=$(grep -c '^round ' "$tmp/plan")
[ "$rounds" -eq 1 ] && pass "one round: all $JOBS jobs at once" || fail "$rounds rounds"

# The run; every 2 s, the CPUs the kernel lets each of its threads run on.
"$PS" run -c "$PROFILE" --duration 40s --no-canary --json "$tmp/r.json" --sample-interval 5s \
	--scratch "$(scratch_dir)" >"$tmp/out" 2>&1 &
pid=$!
for t in $(seq 1 17); do
	sleep 2
	for st in /proc/$pid/task/*/status; do
		awk '$1 == "Cpus_allowed_list:" { print $2 }' "$st" 2>/dev/null
	done >"$tmp/cpus.$t"
done
wait "$pid"
rc=$?
tail -n 25 "$tmp/out"
[ $rc -eq 0 ] && pass "exit 0" || { fail "exit $rc"; finish; }
REPORT=$tmp/r.json
expect_eq result pass

# Pinned threads: the most seen at once hold one CPU each, and together all CPUs.
most=0
for f in "$tmp"/cpus.*; do
	n=$(grep -cE '^[0-9]+$' "$f")
	((n > most)) && most=$n && best=$f
done
[ "$most" -ge $((JOBS * want_threads)) ] &&
	pass "$most threads pinned to one CPU each (Cpus_allowed_list), $((JOBS * want_threads)) wanted" ||
	fail "at most $most threads pinned to one CPU, $((JOBS * want_threads)) wanted"
covered=$(grep -hE '^[0-9]+$' "$tmp"/cpus.* | sort -un | wc -l)
[ "$covered" -eq "$cpus" ] && pass "the pinned threads cover all $cpus CPUs" ||
	fail "the pinned threads cover $covered of $cpus CPUs"
# How busy the CPUs were while the jobs ran: the timeline's samples, by their span.
for ((k = 0; k < 1024; k++)); do
	t0=$(get "timeline.samples.$k.t0" 2>/dev/null) && [ "$t0" != null ] || break
	echo "$t0 $(get "timeline.samples.$k.t1") $(get "timeline.samples.$k.cpu_user_pct")" \
		"$(get "timeline.samples.$k.cpu_sys_pct")"
done >"$tmp/cpu"
pct=$(awk '{ d = $2 - $1; s += d * ($3 + $4); t += d } END { printf "%d", t ? s / t : 0 }' "$tmp/cpu")
[ "$(wc -l <"$tmp/cpu")" -ge 4 ] && [ "$pct" -ge 90 ] &&
	pass "CPUs $pct% busy while the jobs ran ($(wc -l <"$tmp/cpu") timeline samples)" ||
	{ cat "$tmp/cpu"; fail "CPUs $pct% busy while the jobs ran, 90% wanted"; }

# Each job: its share of MemTotal, its share of the CPUs, every worker pinned.
total=0
used=""
for ((i = 0; i < JOBS; i++)); do
	name=$(get "jobs.$i.name")
	pct100=$(get "jobs.$i.size_share_pct" | awk '{ printf "%d", $1 * 100 + 0.5 }')
	want=$(share "$pct100")
	size=$(get "jobs.$i.size_bytes")
	pct=$(awk -v p="$pct100" 'BEGIN { printf "%.2f%%", p / 100 }')
	[ "$size" = "$want" ] && pass "$name: $size bytes = $pct of MemTotal" ||
		fail "$name: size $size, $pct of MemTotal (${mem_kb} kB) is $want"
	total=$((total + size))
	expect_eq "jobs.$i.threads" "$want_threads"
	expect_eq "jobs.$i.evidence.workers_pinned" "$want_threads"
	expect_eq "jobs.$i.errors" 0
	expect_eq "jobs.$i.unproven" null
	# report_get prints null past the end of an array.
	for ((k = 0; k < 1024; k++)); do
		c=$(get "jobs.$i.worker_cpus.$k") && [ "$c" != null ] || break
		used="$used $c"
	done
done
n=$(printf '%s\n' $used | sort -un | wc -l)
[ "$n" -eq "$cpus" ] && pass "the jobs' workers are on all $cpus CPUs" ||
	fail "the jobs' workers are on $n of $cpus CPUs"
share_total=$((100 * total / (mem_kb * 1024)))
[ "$share_total" -ge 21 ] && [ "$share_total" -le 22 ] &&
	pass "regions: $share_total% of MemTotal at once (the profile says 22%)" ||
	fail "regions: $share_total% of MemTotal, the profile says 22%"

# Admission: all jobs at 40% do not fit, with the numbers; auto rounds do.
out=$("$PS" run -c "$PROFILE" --size 40% --parallel 0 --check 2>&1)
rc=$?
echo "$out" | tail -n 1
[ $rc -eq 3 ] && pass "a plan beyond MemAvailable: exit 3" || fail "exit $rc"
need=$(echo "$out" | sed -n 's/.*would need \([0-9.]*\) GiB.*/\1/p')
avail=$(echo "$out" | sed -n 's/.*more than the \([0-9.]*\) GiB available.*/\1/p')
# A region per job, and a copy per kind of fork (vmsplice has its own children).
copies=$(echo "$out" | grep -o ' x[0-9]*' | tr -d ' x' | awk '{ n += $1 } END { print n }')
calc=$(awk -v b="$(share 4000)" -v n="$copies" 'BEGIN { printf "%.1f", n * b / 1073741824 }')
[ "$copies" -eq 12 ] && pass "12 copies of the region: 8 jobs, 4 kinds of fork among them" ||
	fail "$copies copies counted, 12 expected (8 jobs, 4 kinds of fork)"
[ "$need" = "$calc" ] && pass "it says $need GiB needed ($copies x 40% of MemTotal)" ||
	fail "it says '$need' GiB needed, $copies x 40% of MemTotal is $calc"
now=$(awk '$1 == "MemAvailable:" { printf "%.1f", $2 / 1048576 }' /proc/meminfo)
awk -v a="$avail" -v b="$now" 'BEGIN { exit !(a > 0 && a - b < 1 && b - a < 1) }' &&
	pass "and $avail GiB available (MemAvailable now: $now)" ||
	fail "it says '$avail' GiB available, MemAvailable is $now"

"$PS" run -c "$PROFILE" --size 10% --check >"$tmp/plan10" 2>&1
rc=$?
budget=$(awk '$1 == "MemAvailable:" { printf "%.1f", $2 / 1048576 * 0.8 }' /proc/meminfo)
rounds=$(grep -c '^round ' "$tmp/plan10")
over=$(awk -v b="$budget" '$1 == "round" && $5 + 0 > b + 0.2' "$tmp/plan10" | wc -l)
[ $rc -eq 0 ] && [ "$rounds" -gt 1 ] && [ "$over" -eq 0 ] &&
	pass "parallel = auto at 10%: $rounds rounds, each within 4/5 of MemAvailable ($budget GiB)" ||
	{ cat "$tmp/plan10"; fail "parallel = auto at 10%: exit $rc, $rounds rounds, $over over $budget GiB"; }
finish
