#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# pressure.sh PINSTRESS REPORT_GET PROFILE [SECONDS]: pages swapped out per
# second by configs/pressure.ini beside stress-ng --pageswap 2, on the same
# swap, each for SECONDS (default 20), from /proc/vmstat pswpout and with
# the CPU's user and system share from /proc/stat.  A benchmark (ctest
# label long): it passes when pinstress drives at least half of
# stress-ng's rate, its run passes, and it verified blocks all along.
set -u
PS=$1 RG=$2 PROFILE=$3 SECS=${4:-20}
. "$(dirname "$0")/lib.sh"
need_root
command -v stress-ng >/dev/null || skip "no stress-ng here (apt-get install stress-ng)"
swapon --noheadings --show | grep -q . || skip "no swap (./run.sh test prepares it)"
use_tmp

vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# measure NAME CMD...: pages out per second and CPU shares while CMD runs.
measure() {
	local name=$1 o0 o1 t0 t1
	shift
	read -r _ u0 n0 s0 i0 w0 q0 sq0 _ </proc/stat
	o0=$(vm pswpout) t0=$(date +%s.%N)
	"$@" >"$tmp/$name.out" 2>&1
	o1=$(vm pswpout) t1=$(date +%s.%N)
	read -r _ u1 n1 s1 i1 w1 q1 sq1 _ </proc/stat
	awk -v o="$((o1 - o0))" -v a="$t0" -v b="$t1" -v u="$((u1 + n1 - u0 - n0))" \
		-v s="$((s1 + q1 + sq1 - s0 - q0 - sq0))" -v i="$((i1 + w1 - i0 - w0))" -v n="$name" \
		'BEGIN { t = u + s + i; printf "%s %.0f %.0f %.0f\n", n, o / (b - a), 100 * u / t, 100 * s / t }'
}

measure pinstress "$PS" run -c "$PROFILE" --duration "${SECS}s" --no-canary \
	--json "$tmp/r.json" --scratch "$(scratch_dir)" >"$tmp/p"
measure stress-ng stress-ng --pageswap 2 --timeout "${SECS}s" >"$tmp/s"
read -r _ p_rate p_user p_sys <"$tmp/p"
read -r _ s_rate s_user s_sys <"$tmp/s"
echo "pages swapped out per second, ${SECS} s each, same swap:"
echo "  pinstress $PROFILE: $p_rate/s (CPU user $p_user%, sys $p_sys%)"
echo "  stress-ng --pageswap 2: $s_rate/s (CPU user $s_user%, sys $s_sys%)"
REPORT=$tmp/r.json
expect_eq result pass
expect_gt jobs.0.blocks_verified 0
expect_gt jobs.0.evidence.pages_swapped_out 0
[ $((2 * p_rate)) -ge "$s_rate" ] &&
	pass "pinstress drives $((100 * p_rate / (s_rate ? s_rate : 1)))% of stress-ng's rate" ||
	fail "pinstress drives $p_rate/s, under half of stress-ng's $s_rate/s"
finish
