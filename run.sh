#!/usr/bin/env bash
# Front door for pinstress: build, prepare the machine, run a profile or the test suite, and
# put every changed sysfs/procfs value back on exit or signal. See DESIGN.md.
set -euo pipefail

# No cd: a profile or --scratch given relative to the caller's directory must keep working.
ROOT=$(dirname "$(readlink -f "$0")")
BUILD=$ROOT/build
PROG=$BUILD/pinstress
DEFAULT_PROFILE=$ROOT/configs/smoke.ini
PACKAGES=(cmake gcc make pkg-config liburing-dev libnuma-dev libhugetlbfs-dev libxxhash-dev
	  libjson-c-dev libinih-dev procps)
# A kernel under test in a guest (--kernel, and its test): qemu, a static busybox, cpio, the
# tools that unpack Debian's kernel modules, and what building a kernel needs (--kernel build).
VM_PACKAGES=(qemu-system-x86 busybox-static cpio e2fsprogs xz-utils zstd kmod
	     flex bison bc libelf-dev libssl-dev)
THP=/sys/kernel/mm/transparent_hugepage/enabled

RESTORE=()	# commands, run last-first by restore()
RESTORED=0
CRITICAL=0	# a signal during a change-then-record step is deferred, or the change would leak
PENDING_SIG=0
CHILD=		# pid of the pinstress, ctest or sleep that run.sh waits for
CHILD_SIG=	# the signal that stops it in order
CHILD_STOP_S=60	# how long it may take to stop before it is killed
CHILD_RC=0
SCRATCH=

say() { echo "run.sh: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
Usage: ./run.sh [PROFILE] [pinstress run options...]   build, prepare, run PROFILE
                                                       (default configs/smoke.ini)
       ./run.sh build                                  install build deps (root), build
       ./run.sh test [ctest args...]                   build, prepare, run ctest (-LE "long|matrix-open")
       ./run.sh --kernel IMAGE|debian|build[=SRC] [--modules DIR] [--numa N] [--cpus C] [--mem SIZE]
                [--accel auto|kvm|tcg] [--timeout S] [--out DIR] [--strict]
                [probe | PROFILE] [options]
                                                       boot IMAGE in a qemu guest with N NUMA
                                                       nodes (default configs/numa.ini, 2 nodes)
                                                       and run PROFILE there (or 'pinstress
                                                       probe'); what that kernel lacks is not
                                                       run unless --strict; exit 4: the guest
                                                       panicked, 5: it hung or never reported
       ./run.sh prepare-check                          prepare, show the result, restore
       ./run.sh -h|--help

Preparing (root only; everything changed is restored on exit, INT or TERM):
  - swap on a new zram device if the machine has no swap (MADV_PAGEOUT needs somewhere to go)
  - THP mode 'never' becomes 'madvise' (other modes are left alone)
  - vm.nr_hugepages=\$PINSTRESS_HUGEPAGES, if set
  - a scratch directory that supports O_DIRECT: --scratch DIR or \$PINSTRESS_SCRATCH (must
    exist, kept), else /var/tmp/pinstress-scratch.PID (created and removed)

Environment: PINSTRESS_SCRATCH, PINSTRESS_HUGEPAGES, PINSTRESS_PREPARE_HOLD (seconds to wait
in prepare-check, to test restore on signals).
Exit codes are pinstress's (0 clean, 1 corruption, 2 kernel error, 3 invalid run, 77 skip);
run.sh itself exits 3 when it cannot prepare.
EOF
}

# ---- restore -----------------------------------------------------------------------------

restore() {
	((RESTORED)) && return 0
	# A second Ctrl-C must not abort half-way and leave a zram swap or a sysctl behind;
	# every step below is bounded, so ignoring signals here cannot hang forever.
	trap '' INT TERM
	RESTORED=1
	set +e
	local i
	for ((i = ${#RESTORE[@]} - 1; i >= 0; i--)); do
		eval "${RESTORE[i]}" || say "restore step failed: ${RESTORE[i]}"
	done
	RESTORE=()
}

# Run a child in the background and wait for it: a signal to run.sh alone (kill, a CI
# timeout) then runs the trap at once, not after the child is done. SIG stops it in order.
run_child() { # SIG CMD...
	local rc
	CHILD_SIG=$1
	shift
	"$@" &
	CHILD=$!
	while true; do
		# A trap that returns (a deferred signal) interrupts the wait: wait again.
		wait "$CHILD" && rc=0 || rc=$?
		kill -0 "$CHILD" 2>/dev/null || break
	done
	CHILD=
	return "$rc"
}

# Stop the child, bounded: its own orderly stop first, then SIGKILL. Its status in CHILD_RC.
stop_child() {
	local i
	kill -s "$CHILD_SIG" "$CHILD" 2>/dev/null
	for ((i = 0; i < CHILD_STOP_S * 10; i++)); do
		kill -0 "$CHILD" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$CHILD" 2>/dev/null; then
		say "pid $CHILD did not stop within ${CHILD_STOP_S}s: killing it"
		kill -KILL "$CHILD" 2>/dev/null
	fi
	wait "$CHILD" 2>/dev/null && CHILD_RC=0 || CHILD_RC=$?
}

on_signal() { # EXIT_CODE
	local rc=$1
	if ((CRITICAL)); then
		PENDING_SIG=$rc
		return
	fi
	if [[ -n $CHILD ]]; then
		say "interrupted: stopping pid $CHILD"
		stop_child
		CHILD=
		# pinstress handles the signal and exits with its verdict: a corruption found before
		# it must not be hidden behind 130. A clean or killed child still means "interrupted".
		if ((CHILD_RC > 0 && CHILD_RC < 128)); then rc=$CHILD_RC; fi
	fi
	say "interrupted, restoring"
	restore
	exit "$rc"
}

critical_begin() { CRITICAL=1; }
critical_end() {
	CRITICAL=0
	if ((PENDING_SIG)); then on_signal "$PENDING_SIG"; fi
}

trap restore EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# Restore helpers: each prints one line, as the change did.
put_back() { # FILE VALUE
	if echo "$2" >"$1"; then say "restored $1 to $2"; else say "could not restore $1 to $2"; fi
}

zram_teardown() { # N
	local n=$1 dev=/dev/zram$1
	if grep -q "^$dev " /proc/swaps; then
		timeout 120 swapoff "$dev" || say "swapoff $dev failed or timed out"
	fi
	echo 1 >"/sys/block/zram$n/reset" 2>/dev/null || say "could not reset zram$n"
	if echo "$n" >/sys/class/zram-control/hot_remove 2>/dev/null; then
		say "swap on $dev removed"
	else
		say "could not remove zram$n (still swapping?)"
	fi
}

lock_remove() { # FILE
	# Still held: a run.sh waiting on this inode sees it was unlinked and gives up.
	rm -f -- "$1"
}

scratch_remove() { # DIR
	rm -rf -- "$1" && say "scratch directory $1 removed"
}

# ---- prepare -----------------------------------------------------------------------------

prepare_swap() {
	if [[ -n "$(swapon --show --noheadings)" ]]; then
		return
	fi
	if [[ ! -e /sys/class/zram-control ]]; then
		if ! command -v modprobe >/dev/null || ! modprobe zram 2>/dev/null ||
		   [[ ! -e /sys/class/zram-control ]]; then
			say "warning: no swap and no zram; pinstress will report pageout unavailable"
			return
		fi
	fi
	local n mem_kb size
	critical_begin
	n=$(cat /sys/class/zram-control/hot_add)
	RESTORE+=("zram_teardown $n")
	critical_end
	mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	size=$((mem_kb * 1024 / 2))
	((size > 8 << 30)) && size=$((8 << 30))
	if ! echo "$size" >"/sys/block/zram$n/disksize" ||
	   ! mkswap "/dev/zram$n" >/dev/null || ! swapon -p 100 "/dev/zram$n"; then
		say "warning: could not set up swap on /dev/zram$n; pinstress will report pageout unavailable"
		return
	fi
	local human
	human=$(numfmt --to=iec "$size")
	say "swap on /dev/zram$n (${human/.0/}), restored on exit"
}

prepare_thp() {
	[[ -w $THP ]] || return 0
	grep -q '\[never\]' "$THP" || return 0
	# Record first: restoring 'never' is harmless even if the write below never happened.
	RESTORE+=("put_back $THP never")
	echo madvise >"$THP" || die 3 "could not set THP mode to madvise"
	say "THP mode never -> madvise, restored on exit"
}

prepare_hugetlb() {
	local want=${PINSTRESS_HUGEPAGES:-} file=/proc/sys/vm/nr_hugepages old got
	[[ -n $want ]] || return 0
	[[ $want =~ ^[0-9]+$ ]] || die 3 "PINSTRESS_HUGEPAGES must be a number, not '$want'"
	old=$(<"$file")
	[[ $old == "$want" ]] && return 0
	RESTORE+=("put_back $file $old")
	echo "$want" >"$file" || die 3 "could not set $file to $want"
	got=$(<"$file")
	# The kernel grants what it can find contiguous; pinstress reports hugetlb as short then.
	say "nr_hugepages $old -> $want (got $got), restored on exit"
}

# pinstress saves and restores every tunable it changes itself; this is the net under it
# for a pinstress that was killed (SIGKILL, OOM) before it could: whatever differs from
# the snapshot taken here is put back, and a debugfs it mounted is unmounted.
TUNABLES=(
	/sys/kernel/mm/transparent_hugepage/hugepages-*kB/enabled
	/sys/kernel/mm/transparent_hugepage/shmem_enabled
	/sys/kernel/mm/hugepages/hugepages-*kB/nr_hugepages
	/sys/kernel/mm/ksm/run /sys/kernel/mm/ksm/pages_to_scan /sys/kernel/mm/ksm/sleep_millisecs
	/sys/kernel/mm/ksm/smart_scan
	/sys/module/zswap/parameters/enabled /sys/module/zswap/parameters/compressor
)

# The selected word of "always [madvise] never", or the whole value.
tunable_value() { local v; v=$(<"$1"); [[ $v =~ \[([^]]*)\] ]] && v=${BASH_REMATCH[1]}; echo "$v"; }

tunables_check() { # FILE=VALUE...
	local kv f v
	for kv in "$@"; do
		f=${kv%%=*} v=${kv#*=}
		[[ -e $f && $(tunable_value "$f") != "$v" ]] && put_back "$f" "$v"
	done
	return 0
}

debugfs_check() {
	mountpoint -q /sys/kernel/debug && umount /sys/kernel/debug && say "unmounted debugfs"
	return 0
}

# libhugetlbfs finds hugetlbfs mounts when a program starts: mount one first if there is none.
prepare_hugetlbfs() {
	grep -q ' hugetlbfs ' /proc/mounts && return 0
	[[ -e /sys/kernel/mm/hugepages/hugepages-2048kB ]] || return 0
	local dir=/dev/hugepages made=0
	[[ -d $dir ]] || { mkdir -p "$dir" && made=1; } || return 0
	if mount -t hugetlbfs -o pagesize=2M none "$dir" 2>/dev/null; then
		# Restore runs newest first: unmount, then remove the directory we made.
		((made)) && RESTORE+=("rmdir $dir")
		RESTORE+=("umount $dir && say 'unmounted hugetlbfs from $dir'")
		say "hugetlbfs on $dir (for libhugetlbfs), removed on exit"
	fi
}

# pinstress gives ksmd nice 0 while it runs; the kernel starts it at nice 5.
ksmd_check() {
	local pid
	pid=$(pgrep -x ksmd) || return 0
	[[ $(ps -o ni= -p "$pid" | tr -d ' ') == "$1" ]] || renice -n "$1" -p "$pid" >/dev/null
	return 0
}

prepare_tunables() {
	local f snap=() pid
	for f in "${TUNABLES[@]}"; do
		[[ -r $f ]] && snap+=("$f=$(tunable_value "$f")")
	done
	RESTORE+=("tunables_check $(printf '%q ' "${snap[@]}")")
	pid=$(pgrep -x ksmd) && RESTORE+=("ksmd_check $(ps -o ni= -p "$pid" | tr -d ' ')")
	mountpoint -q /sys/kernel/debug || RESTORE+=("debugfs_check")
}

# Sets SCRATCH. $1: a directory the user chose, or empty.
prepare_scratch() {
	local dir=${1:-${PINSTRESS_SCRATCH:-}}
	if [[ -n $dir ]]; then
		[[ -d $dir ]] || die 3 "scratch directory $dir does not exist"
	else
		dir=/var/tmp/pinstress-scratch.$$
		critical_begin
		mkdir -m 700 -- "$dir" || { critical_end; die 3 "could not create $dir"; }
		RESTORE+=("scratch_remove $(printf %q "$dir")")
		critical_end
		say "scratch directory $dir, removed on exit"
	fi
	if ! dd if=/dev/zero of="$dir/.odirect-probe" bs=4096 count=1 oflag=direct \
	     status=none 2>/dev/null; then
		rm -f -- "$dir/.odirect-probe"
		die 3 "scratch directory $dir does not support O_DIRECT (tmpfs needs Linux 6.6+);" \
		      "choose another with --scratch DIR"
	fi
	rm -f -- "$dir/.odirect-probe"
	SCRATCH=$dir
	export PINSTRESS_SCRATCH=$dir
}

# The reclaim fault runs in a cgroup pinstress.<pid> (v2: under the cgroup2 root; v1: under the
# memory cgroup it started in) and removes it on exit; a run killed with SIGKILL leaves it.
# Remove those of dead runs: an empty cgroup whose pid is gone (rmdir fails if it is in use).
prepare_stale_cgroups() {
	local d pid
	while IFS= read -r d; do
		pid=${d##*/pinstress.}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		[[ -z $(cat "$d/cgroup.procs" 2>/dev/null) ]] || continue
		rmdir "$d" 2>/dev/null && say "removed stale cgroup $d"
	done < <(find /sys/fs/cgroup -maxdepth 6 -type d -name 'pinstress.*' 2>/dev/null)
}

# One run.sh per machine: a second would record the first one's changes as the machine's
# values and "restore" them at its end (seen here: ksm/run left at 1 after two overlapping
# runs). pinstress itself holds its own lock for the same reason.
prepare_lock() {
	local dir=/run/lock fd holder
	[[ -d $dir ]] || dir=/run
	local lock=$dir/pinstress-run.sh.lock
	# A test of run.sh itself, under ./run.sh test: the outer run.sh holds the lock for it.
	if [[ -n ${PINSTRESS_RUNSH_LOCKED:-} && $(cat "$lock" 2>/dev/null) == "$PINSTRESS_RUNSH_LOCKED" ]] &&
		kill -0 "$PINSTRESS_RUNSH_LOCKED" 2>/dev/null; then
		return 0
	fi
	exec {fd}>>"$lock" || die 3 "cannot open $lock"
	if ! flock -n "$fd" ||
		[[ $(stat -L -c %i "/proc/self/fd/$fd") != $(stat -c %i "$lock" 2>/dev/null) ]]; then
		holder=$(cat "$lock" 2>/dev/null)
		die 3 "another run.sh (pid ${holder:-unknown}) is using this machine; wait for it to end"
	fi
	echo $$ >"$lock"
	RESTORE+=("lock_remove $lock")
}

prepare() { # [USER_SCRATCH]
	prepare_lock
	# Scratch first: a bad --scratch should fail before anything on the machine changes.
	prepare_scratch "${1:-}"
	prepare_stale_cgroups
	prepare_swap
	prepare_thp
	prepare_hugetlb
	prepare_hugetlbfs
	prepare_tunables
}

need_root() {
	[[ $(id -u) == 0 ]] || die 3 "must be root (pinned memory, swap, sysfs)"
}

# ---- build -------------------------------------------------------------------------------

install_deps() { # [EXTRA_PACKAGES...]
	[[ $(id -u) == 0 ]] && command -v apt-get >/dev/null || return 0
	local p missing=()
	for p in "${PACKAGES[@]}" "$@"; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] ||
			missing+=("$p")
	done
	((${#missing[@]})) || return 0
	say "installing ${missing[*]}"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

build() {
	install_deps
	command -v cmake >/dev/null || die 3 "cmake not found (run ./run.sh build as root to install it)"
	# A failed first configure leaves a cache but no build system; configure again then.
	if [[ ! -f $BUILD/CMakeCache.txt || ! ( -f $BUILD/Makefile || -f $BUILD/build.ninja ) ]]; then
		cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo
	fi
	cmake --build "$BUILD" -j"$(nproc)"
}

# ---- commands ----------------------------------------------------------------------------

cmd_test() {
	need_root
	install_deps "${VM_PACKAGES[@]}"
	build
	prepare
	local last=$BUILD/.last-test-duration start rc=0
	[[ -f $last ]] && say "previous test suite took $(<"$last")s"
	start=$SECONDS
	# ctest stops its tests on SIGTERM (a background job ignores SIGINT). Tests of run.sh
	# itself run under our lock.
	export PINSTRESS_RUNSH_LOCKED=$$
	run_child TERM ctest --test-dir "$BUILD" --output-on-failure -LE "long|matrix-open" "$@" || rc=$?
	echo $((SECONDS - start)) >"$last"
	say "test suite took $((SECONDS - start))s (exit $rc)"
	restore
	exit "$rc"
}

# ./run.sh --kernel IMAGE ...: the run happens in a guest; nothing on this machine is prepared.
cmd_vm() {
	need_root
	install_deps "${VM_PACKAGES[@]}"
	build
	run_child TERM "$ROOT/vm/vm.sh" "$BUILD" "$@"
}

cmd_run() {
	local profile=$DEFAULT_PROFILE user_scratch="" a prev="" rc=0
	need_root
	for a in "$@"; do
		if [[ $a == --kernel || $a == --kernel=* ]]; then
			cmd_vm "$@"
			exit $?
		fi
	done
	if (($#)) && [[ $1 == *.ini || -f $1 ]]; then
		profile=$1
		shift
	fi
	for a in "$@"; do
		[[ $prev == --scratch ]] && user_scratch=$a
		[[ $a == --scratch=* ]] && user_scratch=${a#--scratch=}
		prev=$a
	done
	[[ $prev == --scratch ]] && die 3 "--scratch needs a directory"
	[[ -f $profile ]] || die 3 "profile $profile not found"
	build
	prepare "$user_scratch"
	local extra=()
	[[ -n $user_scratch ]] || extra=(--scratch "$SCRATCH")
	# pinstress stops in order on SIGINT and writes its report (it resets the SIG_IGN a
	# background job inherits).
	run_child INT "$PROG" run -c "$profile" "${extra[@]}" "$@" || rc=$?
	restore
	exit "$rc"
}

cmd_prepare_check() {
	need_root
	prepare
	echo "swap:"
	swapon --show
	echo "thp: $(<"$THP")"
	echo "nr_hugepages: $(</proc/sys/vm/nr_hugepages)"
	echo "scratch: $SCRATCH"
	if [[ -n ${PINSTRESS_PREPARE_HOLD:-} ]]; then
		say "holding for ${PINSTRESS_PREPARE_HOLD}s"
		run_child TERM sleep "$PINSTRESS_PREPARE_HOLD"
	fi
	restore
}

case ${1:-} in
-h | --help) usage ;;
build) build ;;
test) shift; cmd_test "$@" ;;
prepare-check) cmd_prepare_check ;;
*) cmd_run "$@" ;;
esac
