# SPDX-License-Identifier: GPL-2.0
# Shared by the integration scripts: liburing-style results (exit 0 pass,
# 1 fail, 77 skip) and assertions on the JSON report.

fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
skip() { echo "skip: $*"; exit 77; }
finish() { [ "$fails" -eq 0 ] && { echo "PASS"; exit 0; }; echo "$fails check(s) failed"; exit 1; }

need_root() { [ "$(id -u)" -eq 0 ] || skip "needs root"; }

# A guest test: qemu must be there (run.sh installs it), never a skip.
need_qemu() {
	command -v qemu-system-x86_64 >/dev/null ||
		{ fail "qemu-system-x86_64 missing (run.sh installs it)"; finish; }
}

# Skip only when this machine truly lacks the feature, with pinstress's reason.
need_available() {
	local line
	line=$("$PS" list | awk -v k="$1" -v n="$2" '$1 == k && $2 == n')
	[ -n "$line" ] || { fail "$1 $2 not listed by pinstress list"; finish; }
	case "$line" in *unavailable*) skip "$1 $2: ${line#*unavailable }";; esac
}

get() { "$RG" "$REPORT" "$1"; }

# stop PID SIGNAL [TIMES]: send SIGNAL (TIMES times, 0.5 s apart), wait up to 10 s, then
# SIGKILL; sets rc (its exit status) and took (seconds since the first signal).
stop() {
	local pid=$1 sig=$2 n=${3:-1} t0 i
	t0=$(date +%s.%N)
	for ((i = 0; i < n; i++)); do
		((i)) && sleep 0.5
		kill -s "$sig" "$pid"
	done
	for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		fail "pid $pid still running 10 s after SIG$sig"
		kill -KILL "$pid"
	fi
	wait "$pid"
	rc=$?
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

# within SECONDS: did the last stop take less?
within() { awk -v t="$took" -v s="$1" 'BEGIN { exit !(t < s) }'; }

# A temporary directory in $tmp, removed on exit after the at_exit commands.
use_tmp() {
	tmp=$(mktemp -d)
	trap 'eval "${exit_hooks:-}"; rm -rf "$tmp"' EXIT
}

# at_exit COMMAND: also run COMMAND on exit (with use_tmp), in the order given.
at_exit() { exit_hooks="${exit_hooks:-}$1;"; }

# expect_eq PATH VALUE / expect_gt PATH NUMBER / expect_lt PATH NUMBER
expect_eq() {
	local v
	v=$(get "$1")
	[ "$v" = "$2" ] && pass "$1 = $v" || fail "$1 = '$v', expected '$2'"
}
expect_cmp() {
	local v
	v=$(get "$1")
	if [ -n "$v" ] && [ "$v" != null ] && awk -v a="$v" -v b="$3" "BEGIN { exit !(a $2 b) }"; then
		pass "$1 = $v $2 $3"
	else
		fail "$1 = '$v', expected $2 $3"
	fi
}
expect_gt() { expect_cmp "$1" '>' "$2"; }
expect_lt() { expect_cmp "$1" '<' "$2"; }

scratch_dir() { echo "${PINSTRESS_SCRATCH:-/var/tmp}"; }

# The kernel values a run changes and must put back (mTHP sizes, zswap, KSM, the hugetlb
# pool, ksmd's nice level) and its cgroups, one line each: compare before and after.
machine_values() {
	local f d
	for f in /sys/kernel/mm/transparent_hugepage/hugepages-*/enabled \
		/sys/module/zswap/parameters/enabled /sys/kernel/mm/ksm/run \
		/sys/kernel/mm/ksm/pages_to_scan /sys/kernel/mm/ksm/sleep_millisecs \
		/sys/kernel/mm/ksm/smart_scan /proc/sys/vm/nr_hugepages; do
		[ -r "$f" ] && echo "$f $(cat "$f")"
	done
	# The pool as set: sysfs nr_hugepages also counts surplus pages that
	# a finished run's last users (io_uring's exit work) have yet to free.
	for d in /sys/kernel/mm/hugepages/hugepages-*; do
		[ -r "$d/nr_hugepages" ] &&
			echo "$d pool $(($(cat "$d/nr_hugepages") - $(cat "$d/surplus_hugepages")))"
	done
	echo "ksmd nice $(ps -o ni= -C ksmd | tr -d ' ')"
	echo "cgroups $(find /sys/fs/cgroup -maxdepth 3 -name 'pinstress*' 2>/dev/null | wc -l)"
}

# changing_profile FILE: four jobs that between them change every value machine_values shows.
changing_profile() {
	cat >"$1" <<INI
[global]
duration = 60s
size = 16M
threads = 2

[mthp-fork]
workload = odirect
backing = mthp
faults = fork

[zswap]
workload = uring-fixed
backing = anon
faults = zswap

[ksm]
workload = cpu
backing = ksm
faults = reclaim

[hugetlb]
workload = odirect
backing = hugetlb
faults = fork
INI
}
