#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh BUILD_DIR --kernel IMAGE|debian|build[=SRC] [--modules DIR] [--numa N] [--slow-nodes K]
#       [--cpus C] [--mem SIZE]
#       [--accel auto|kvm|tcg] [--timeout SECS] [--out DIR] [--append KERNEL_ARGS]
#       [--strict] [probe | PROFILE] [pinstress options]
# Boot a kernel under test in a throw-away qemu guest with N NUMA nodes,
# run pinstress there, and bring back its report, failure records and the
# guest's kernel log.  --slow-nodes K makes the last K nodes CPU-less memory
# that the ACPI HMAT describes as 4x slower (latency and bandwidth): a
# kernel with CONFIG_ACPI_HMAT puts them in a lower memory tier, the
# demotion target of the others, as CXL or PMEM nodes are on servers.  Called by ./run.sh --kernel; see README.
# What the kernel under test lacks (mTHP before 6.8, a CONFIG_ off) is
# listed as not run (--kernel-lacks=not-run) unless --strict; what the
# guest's own setup fails to provide (swap, cgroup, scratch disk) is not
# excused.  `probe` runs `pinstress probe` there instead of a profile.
# Exit: pinstress's code from the guest, or 4 the guest panicked, 5 the
# guest hung or never reported, 3 this script could not set the guest up.
set -euo pipefail

EXIT_PANIC=4
EXIT_HANG=5
ROOT=$(dirname "$(dirname "$(readlink -f "$0")")")
BUILD=$1
shift
PROG=$BUILD/pinstress
VMDIR=$BUILD/vm
# What a pinstress run needs from a modular kernel (Debian's, say); built-in ones are skipped.
MODULES=(virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk
	 crc32c_generic crc32c_intel libcrc32c crc16 mbcache jbd2 ext4 zsmalloc zram)

say() { echo "vm: $*" >&2; }
die() { local rc=$1; shift; say "$*"; exit "$rc"; }

KERNEL= MODDIR= NUMA=2 SLOW=0 CPUS=2 MEM=4G ACCEL=auto TIMEOUT= OUT= PROFILE=$ROOT/configs/numa.ini APPEND=
ARGS=() CMD=run STRICT=0
while (($#)); do
	case $1 in
	--kernel) KERNEL=${2:?--kernel needs an image}; shift 2 ;;
	--kernel=*) KERNEL=${1#--kernel=}; shift ;;
	--modules) MODDIR=${2:?--modules needs a directory}; shift 2 ;;
	--numa) NUMA=${2:?}; shift 2 ;;
	--slow-nodes) SLOW=${2:?}; shift 2 ;;
	--cpus) CPUS=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--accel) ACCEL=${2:?}; shift 2 ;;
	--timeout) TIMEOUT=${2:?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	--append) APPEND=${2:?--append needs kernel arguments}; shift 2 ;;
	--strict) STRICT=1; shift ;;
	probe) CMD=probe; shift ;;
	*.ini) PROFILE=$1; shift ;;
	*) ARGS+=("$1"); shift ;;
	esac
done
[[ $NUMA =~ ^[1-8]$ ]] || die 3 "--numa: '$NUMA' is not 1..8"
[[ $SLOW =~ ^[0-7]$ ]] && ((SLOW < NUMA)) || die 3 "--slow-nodes: '$SLOW' is not 0..$((NUMA - 1)) (--numa $NUMA)"
[[ $CPUS =~ ^[1-9][0-9]?$ ]] || die 3 "--cpus: '$CPUS' is not 1..99"
[[ $MEM =~ ^[1-9][0-9]*[MG]$ ]] || die 3 "--mem: '$MEM' is not like 4G or 2048M"
[[ $ACCEL =~ ^(auto|kvm|tcg)$ ]] || die 3 "--accel: '$ACCEL' is not auto, kvm or tcg"
[[ -z $TIMEOUT || $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die 3 "--timeout: '$TIMEOUT' is not seconds"
[[ -f $PROFILE ]] || die 3 "profile $PROFILE not found"
[[ -n $KERNEL ]] || die 3 "--kernel IMAGE (or debian) is required"
mem_mb=${MEM%[MG]}
[[ $MEM == *G ]] && mem_mb=$((mem_mb * 1024))
((mem_mb >= 512 * NUMA)) || die 3 "--mem: $MEM is less than 512M per node"

# The JSON report and failure records come back to --json's directory, or --out, or here.
JSON=
for ((i = 0; i < ${#ARGS[@]}; i++)); do
	case ${ARGS[i]} in
	--json) JSON=${ARGS[i + 1]:-}; unset 'ARGS[i]' 'ARGS[i+1]'; i=$((i + 1)) ;;
	--json=*) JSON=${ARGS[i]#--json=}; unset 'ARGS[i]' ;;
	--scratch | --scratch=*) die 3 "--scratch: the guest has its own scratch disk" ;;
	esac
done
ARGS=("${ARGS[@]+"${ARGS[@]}"}")
[[ -n $OUT ]] || OUT=$(dirname "${JSON:-./x}")

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/pinstress-vm.XXXXXX")
QEMU_PID=
cleanup() {
	[[ -n $QEMU_PID ]] && kill -KILL "$QEMU_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# ---- the kernel ---------------------------------------------------------------------------

# Debian's current kernel, unpacked (cached in the build directory).
debian_kernel() {
	local dir=$VMDIR/debian meta dep
	if ! compgen -G "$dir/root/boot/vmlinuz-*" >/dev/null; then
		command -v apt-get >/dev/null || die 3 "--kernel debian needs apt-get"
		mkdir -p "$dir/deb"
		(cd "$dir/deb" && apt-get download linux-image-amd64 2>/dev/null) ||
			die 3 "cannot download linux-image-amd64 (network? apt sources?)"
		meta=$(ls "$dir"/deb/linux-image-amd64_*.deb)
		dep=$(dpkg-deb -f "$meta" Depends | grep -o 'linux-image-[^ ,]*-amd64' | head -n 1)
		(cd "$dir/deb" && apt-get download "$dep" 2>/dev/null) || die 3 "cannot download $dep"
		dpkg-deb -x "$(ls "$dir"/deb/"$dep"_*.deb)" "$dir/root"
	fi
	KERNEL=$(ls "$dir"/root/boot/vmlinuz-* | head -n 1)
	[[ -n $MODDIR ]] || MODDIR=$(ls -d "$dir"/root/lib/modules/* | head -n 1)
}

# A kernel built for pinstress (vm/pinstress.config), cached; everything it needs is built in.
built_kernel() {
	local src=${KERNEL#build} image
	src=${src#=}
	image=$("$ROOT/vm/kernel-build.sh" ${src:+"$src"} | tail -n 1) || die 3 "--kernel build failed"
	KERNEL=$image
	MODDIR=
	NO_MODULES=1
}

NO_MODULES=0
[[ $KERNEL == debian ]] && debian_kernel
[[ $KERNEL == build || $KERNEL == build=* ]] && built_kernel
[[ -f $KERNEL ]] || die 3 "kernel image $KERNEL not found"
if [[ -z $MODDIR ]] && ((!NO_MODULES)); then
	# An unpacked package or a kernel tree: modules beside the image, if any.
	for d in "$(dirname "$KERNEL")"/../lib/modules/*; do [[ -d $d ]] && MODDIR=$d && break; done
fi

# ---- the initramfs ------------------------------------------------------------------------

IR=$WORK/initramfs
mkdir -p "$IR"/{bin,lib,lib64,pinstress/bin,proc,sys,dev,tmp}
BUSYBOX=$(command -v busybox) || die 3 "busybox not found (package busybox-static)"
# The guest has no libc: busybox must be static (ldd fails on a static binary).
ldd "$BUSYBOX" >/dev/null 2>&1 && die 3 "$BUSYBOX is not static (package busybox-static)"
cp "$BUSYBOX" "$IR/bin/busybox"
install -m 755 "$ROOT/vm/init.sh" "$IR/init"
cp "$PROG" "$IR/pinstress/bin/pinstress"
# The known-bug probes, beside pinstress as in the build directory.
cp -r "$BUILD/probes" "$IR/pinstress/bin/probes"
# pinstress, the probes and the shared libraries they link, at their own paths.
for exe in "$PROG" "$BUILD"/probes/*; do ldd "$exe" 2>/dev/null; done | grep -o '/[^ ]*' | sort -u |
	while read -r lib; do
		mkdir -p "$IR$(dirname "$lib")"
		cp -L "$lib" "$IR$lib"
	done
cp "$PROFILE" "$IR/pinstress/profile.ini"
echo "$CMD" >"$IR/pinstress/cmd"
((STRICT)) || [[ $CMD == probe ]] || ARGS=(--kernel-lacks=not-run "${ARGS[@]+"${ARGS[@]}"}")
printf '%s\n' "${ARGS[@]+"${ARGS[@]}"}" >"$IR/pinstress/args"

# modules.dep lines: "kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz ..."; deps first.
module_order() {
	local dep=$MODDIR/modules.dep m path seen=" "
	add() { # PATH
		local p=$1 d
		[[ $seen == *" $p "* ]] && return
		seen+="$p "
		for d in $(sed -n "s|^$p: *||p" "$dep"); do add "$d"; done
		echo "$p"
	}
	for m in "${MODULES[@]}"; do
		path=$(grep -E "/$m\.ko(\.xz|\.zst|\.gz)?:" "$dep" | head -n 1 | cut -d: -f1) || true
		[[ -n $path ]] && add "$path"
	done
}
# A package unpacked with dpkg -x has no modules.dep (depmod makes it at install): make it.
if [[ -n $MODDIR && ! -f $MODDIR/modules.dep ]]; then
	moddir_abs=$(readlink -f "$MODDIR")
	depmod -b "${moddir_abs%/lib/modules/*}" "$(basename "$moddir_abs")" ||
		say "depmod failed for $MODDIR: loading no modules"
fi
if [[ -n $MODDIR && -f $MODDIR/modules.dep ]]; then
	mkdir -p "$IR/lib/modules"
	: >"$IR/modules.order"
	for p in $(module_order); do
		name=$(basename "$p")
		case $name in
		*.xz) xz -dc "$MODDIR/$p" >"$IR/lib/modules/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$MODDIR/$p" >"$IR/lib/modules/${name%.zst}"; name=${name%.zst} ;;
		*.gz) gzip -dc "$MODDIR/$p" >"$IR/lib/modules/${name%.gz}"; name=${name%.gz} ;;
		*) cp "$MODDIR/$p" "$IR/lib/modules/$name" ;;
		esac
		echo "$name" >>"$IR/modules.order"
	done
	say "modules: $(tr '\n' ' ' <"$IR/modules.order")"
fi
(cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.gz"

# ---- disks --------------------------------------------------------------------------------

truncate -s 2G "$WORK/scratch.img"
mkfs.ext4 -q -F "$WORK/scratch.img"
truncate -s 256M "$WORK/results.img"

# ---- qemu ---------------------------------------------------------------------------------

QEMU=$(command -v qemu-system-x86_64) || die 3 "qemu-system-x86_64 not found (package qemu-system-x86)"
numa_args=()
per=$((mem_mb / NUMA)) fast=$((NUMA - SLOW))
((SLOW)) && numa_args+=(-machine hmat=on)
for ((n = 0; n < NUMA; n++)); do
	lo=$((n * CPUS / fast)) hi=$(((n + 1) * CPUS / fast - 1))
	node="node,nodeid=$n,memdev=m$n"
	numa_args+=(-object "memory-backend-ram,id=m$n,size=$((n == NUMA - 1 ? mem_mb - per * n : per))M")
	if ((n < fast && hi >= lo)); then
		node+=",cpus=$lo-$hi"
		((SLOW)) && node+=",initiator=$n"
	elif ((SLOW)); then
		node+=",initiator=0"
	fi
	numa_args+=(-numa "$node")
done
# The HMAT: each CPU node reaches its own memory at 10 ns, 10 GB/s, and the slow nodes at
# 40 ns, 2500 MB/s (the kernel compares nodes by their best initiator's figures).
hmat() { numa_args+=(-numa "hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=$3"); }
for ((n = 0; SLOW && n < NUMA; n++)); do
	i=$((n < fast ? n : 0)) slow=$((n >= fast))
	hmat "$i" "$n" "access-latency,latency=$((slow ? 40 : 10))"
	hmat "$i" "$n" "access-bandwidth,bandwidth=$((slow ? 2500 : 10000))M"
done

# qemu_run ACCEL TIMEOUT LOG APPEND...: boot, bounded; qemu's exit status or 124.
qemu_run() {
	local accel=$1 tmo=$2 log=$3 cpu=() rc=0
	shift 3
	[[ $accel == kvm ]] && cpu=(-cpu host,-arch-capabilities)
	timeout -k 5 "$tmo" "$QEMU" -accel "$accel" "${cpu[@]}" -m "${mem_mb}M" -smp "$CPUS" \
		"${numa_args[@]}" -kernel "$KERNEL" -initrd "$WORK/initramfs.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4 $APPEND $*" -no-reboot \
		-drive "file=$WORK/scratch.img,if=virtio,format=raw" \
		-drive "file=$WORK/results.img,if=virtio,format=raw" \
		-serial "file:$log" -monitor none -display none </dev/null >/dev/null 2>"$log.err" || rc=$?
	return "$rc"
}

# KVM only if this kernel really boots under it here (nested KVM hangs in early boot on some
# hosts); the answer is cached per kernel image and qemu.
choose_accel() {
	local key cache
	[[ $ACCEL != auto ]] && { echo "$ACCEL"; return; }
	if [[ ! -w /dev/kvm ]]; then
		say "accel: tcg (no usable /dev/kvm)"
		echo tcg
		return
	fi
	key=$( (md5sum <"$KERNEL"; "$QEMU" --version) | md5sum | cut -c1-12)
	cache=$VMDIR/kvm-probe-$key
	mkdir -p "$VMDIR"
	if [[ ! -f $cache ]]; then
		if qemu_run kvm 40 "$WORK/probe.log" pinstress.probe && grep -aq GUEST-UP "$WORK/probe.log"; then
			echo kvm >"$cache"
		else
			echo "tcg (under KVM this kernel did not come up within 40 s here)" >"$cache"
		fi
	fi
	say "accel: $(cat "$cache")"
	cut -d' ' -f1 "$cache"
}

accel=$(choose_accel)
# Long enough for the profile's rounds under emulation; --timeout says otherwise.
if [[ -z $TIMEOUT ]]; then
	TIMEOUT=1800
	[[ $accel == tcg ]] && TIMEOUT=3600
fi
slow=
((SLOW)) && slow=" ($SLOW slow, in a lower tier)"
say "booting $(basename "$KERNEL") with $NUMA NUMA nodes$slow, $CPUS cpus, $MEM ($accel), bound ${TIMEOUT}s"
start=$SECONDS
qrc=0
qemu_run "$accel" "$TIMEOUT" "$WORK/console.log" & QEMU_PID=$!
wait "$QEMU_PID" || qrc=$?
QEMU_PID=
took=$((SECONDS - start))

mkdir -p "$OUT"
tar -xf "$WORK/results.img" -C "$WORK" ./report.json ./dmesg.txt ./exit_code 2>/dev/null || true
tar -tf "$WORK/results.img" 2>/dev/null | grep -o 'pinstress-failure-.*\.json' |
	while read -r f; do tar -xf "$WORK/results.img" -C "$OUT" "./$f"; done || true
cp "$WORK/console.log" "$OUT/guest-console.log"
[[ -f $WORK/dmesg.txt ]] && cp "$WORK/dmesg.txt" "$OUT/guest-dmesg.txt"
if [[ -f $WORK/report.json ]]; then
	cp "$WORK/report.json" "${JSON:-$OUT/guest-report.json}"
fi
grep -a "^guest: " "$WORK/console.log" >&2 || true

code=$(sed -n 's/^PINSTRESS-EXIT: \([0-9]*\).*/\1/p' "$WORK/console.log" | tail -n 1)
if [[ -n $code ]]; then
	say "guest ran ${took}s, pinstress exit $code; console, kernel log and report in $OUT"
	exit "$code"
fi
if grep -aq "Kernel panic" "$WORK/console.log"; then
	# The oops that led to it (RIP, call trace) is above the panic line: a CI log that
	# keeps only this output must still say where the kernel died.
	grep -a -B60 -A30 -m1 "Kernel panic" "$WORK/console.log" |
		grep -a -A200 -m1 -E "BUG:|Oops|WARNING:|general protection|Kernel panic" >&2
	say "the guest kernel panicked after ${took}s (console in $OUT/guest-console.log)"
	exit "$EXIT_PANIC"
fi
say "the guest hung or never reported (qemu status $qrc after ${took}s; console in $OUT/guest-console.log)"
tail -n 20 "$WORK/console.log" >&2
exit "$EXIT_HANG"
