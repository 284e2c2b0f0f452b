#!/usr/bin/env bash
# Front door for pinstress: install what it needs, build it, and run a profile or the test
# suite.  Preparing the machine (swap, THP, hugetlbfs) and putting it back is pinstress's own
# (run --prepare, pinstress prepare/restore), journaled so that the next start undoes what a
# killed run left.  See DESIGN.md.
set -euo pipefail

# No cd: a profile or --scratch given relative to the caller's directory must keep working.
ROOT=$(dirname "$(readlink -f "$0")")
BUILD=$ROOT/build
PROG=$BUILD/pinstress
DEFAULT_PROFILE=$ROOT/configs/smoke.ini
# libjs-dygraphs: the plots `pinstress report` inlines; libpng-dev: its test's screenshot check.
PACKAGES=(cmake gcc make pkg-config liburing-dev libnuma-dev libhugetlbfs-dev libxxhash-dev
	  libjson-c-dev libinih-dev procps libjs-dygraphs libpng-dev)
# A kernel under test in a guest (--kernel, and its test): qemu, a static busybox, cpio, the
# tools that unpack Debian's kernel modules, and what building a kernel needs (--kernel build).
VM_PACKAGES=(qemu-system-x86 busybox-static cpio e2fsprogs xz-utils zstd kmod
	     flex bison bc libelf-dev libssl-dev)
# The report page's test opens it in a real browser, headless.
TEST_PACKAGES=(chromium)
CHILD=		# pid of the pinstress, ctest or sleep that run.sh waits for
CHILD_SIG=	# the signal that stops it in order
CHILD_STOP_S=60	# how long it may take to stop before it is killed
CHILD_RC=0
OWNED=0		# pinstress prepare --owner $$ made changes that are ours to restore

say() { echo "run.sh: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

usage() {
	cat <<EOF
Usage: ./run.sh [PROFILE] [pinstress run options...]   build, run PROFILE with --prepare
                                                       (default configs/smoke.ini)
       ./run.sh build                                  install build deps (root), build
       ./run.sh test [ctest args...]                   build, prepare, run ctest (-LE "long|matrix-open")
       ./run.sh --kernel IMAGE|debian|build[=SRC] [--modules DIR] [--numa N] [--slow-nodes K]
                [--cpus C] [--mem SIZE]
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

Preparing is pinstress's (root only): swap on a new zram device if the machine has none,
THP mode 'never' -> 'madvise', vm.nr_hugepages=\$PINSTRESS_HUGEPAGES if set, hugetlbfs
on /dev/hugepages if none is mounted.  Every change is written to /run/pinstress/journal
before it is made and undone on exit or signal; after a SIGKILL or a crash, by the next
pinstress start or by build/pinstress restore.

Environment: PINSTRESS_SCRATCH (an O_DIRECT directory, default /var/tmp),
PINSTRESS_HUGEPAGES, PINSTRESS_PREPARE_HOLD (seconds prepare-check waits, to test signals).
Exit codes are pinstress's (0 clean, 1 corruption, 2 kernel error, 3 invalid run, 77 skip).
EOF
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

# What pinstress prepare did for us (./run.sh test, prepare-check).
restore() {
	((OWNED)) || return 0
	OWNED=0
	"$PROG" restore --owner $$ || say "pinstress restore failed: run build/pinstress restore"
}

on_signal() { # EXIT_CODE
	local rc=$1
	trap "" INT TERM HUP
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

trap restore EXIT
trap "on_signal 130" INT
trap "on_signal 143" TERM
trap "on_signal 129" HUP

# pinstress prepare, owned by this run.sh: undone by restore(), or after a SIGKILL of
# run.sh by the next pinstress start.
prepare() {
	OWNED=1
	"$PROG" prepare --owner $$ || die 3 "pinstress prepare failed"
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
	install_deps "${VM_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
	build
	prepare
	local last=$BUILD/.last-test-duration start rc=0
	[[ -f $last ]] && say "previous test suite took $(<"$last")s"
	start=$SECONDS
	# ctest stops its tests on SIGTERM (a background job ignores SIGINT).
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
	local profile=$DEFAULT_PROFILE a rc=0
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
	[[ -f $profile ]] || die 3 "profile $profile not found"
	build
	# pinstress prepares and restores the machine itself, and stops in order on SIGINT
	# (it resets the SIG_IGN a background job inherits).
	run_child INT "$PROG" run --prepare -c "$profile" "$@" || rc=$?
	exit "$rc"
}

cmd_prepare_check() {
	need_root
	build
	prepare
	echo "swap:"
	swapon --show
	echo "thp: $(</sys/kernel/mm/transparent_hugepage/enabled)"
	echo "nr_hugepages: $(</proc/sys/vm/nr_hugepages)"
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
