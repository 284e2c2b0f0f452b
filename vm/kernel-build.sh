#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kernel-build.sh [SRC]
# Configure and build a kernel for pinstress's guests and print the path of
# its bzImage on the last line of stdout (progress goes to stderr).
#   SRC unset: the newest Debian linux-source-* package (installed if it is
#              missing), unpacked into the cache.
#   SRC given: that kernel tree, built out of tree (O=); never modified.
# Configuration: x86_64 defconfig + kernel/configs/kvm_guest.config +
# vm/pinstress.config; after olddefconfig every line of vm/pinstress.config
# must hold, or the build stops naming the ones that did not stick.
# Builds are cached by (source version, config hash) in
# $PINSTRESS_KERNEL_CACHE (default /var/cache/pinstress/kernel), outside
# build/, so the next run and the next CI run on this machine boot at once.
set -euo pipefail

ROOT=$(dirname "$(dirname "$(readlink -f "$0")")")
FRAGMENT=$ROOT/vm/pinstress.config
CACHE=${PINSTRESS_KERNEL_CACHE:-/var/cache/pinstress/kernel}
SRC=${1:-}

say() { echo "kernel-build: $*" >&2; }
die() { say "$*"; exit 3; }

# The newest linux-source-X.Y package's tarball, installed if needed.
debian_source() {
	local tar pkg
	tar=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1 || true)
	if [[ -z $tar ]]; then
		command -v apt-get >/dev/null || die "no linux-source package and no apt-get: give a kernel tree (--kernel build=SRC)"
		pkg=$(apt-cache pkgnames linux-source- | grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V | tail -n 1)
		[[ -n $pkg ]] || die "no linux-source-X.Y package in the apt sources"
		say "installing $pkg"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$pkg" >&2 ||
			die "could not install $pkg"
		tar=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
	fi
	local name
	name=$(basename "$tar" .tar.xz)
	if [[ ! -f $CACHE/src/$name/Makefile ]]; then
		say "unpacking $tar into $CACHE/src"
		mkdir -p "$CACHE/src"
		rm -rf "$CACHE/src/$name.tmp"
		mkdir "$CACHE/src/$name.tmp"
		tar -xf "$tar" -C "$CACHE/src/$name.tmp"
		mv "$CACHE/src/$name.tmp/$name" "$CACHE/src/$name"
		rm -rf "$CACHE/src/$name.tmp"
	fi
	SRC=$CACHE/src/$name
	SRC_ID="debian-$name-$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || stat -c %Y "$tar")"
}

# What identifies the source: its version, and for a git tree its commit and local changes.
tree_id() {
	local v id
	v=$(make -s -C "$SRC" kernelversion 2>/dev/null) || die "$SRC is not a kernel tree"
	id=$v
	if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
		id+="-$(git -C "$SRC" rev-parse --short=12 HEAD)"
		[[ -z $(git -C "$SRC" status --porcelain --untracked-files=no) ]] ||
			id+="-dirty$(git -C "$SRC" diff HEAD | md5sum | cut -c1-8)"
	else
		# No git: the newest file decides (a changed file makes a new build).
		id+="-$(find "$SRC" -name '*.[chS]' -newer "$SRC/Makefile" -printf '%T@ %p\n' 2>/dev/null |
			sort -n | tail -n 1 | md5sum | cut -c1-8)"
	fi
	SRC_ID=$(basename "$SRC")-$id
}

# Every CONFIG line of the fragment as it must end up: name=value, or name=n.
check_config() { # CONFIG_FILE
	local line name want got bad=()
	while IFS= read -r line; do
		if [[ $line =~ ^(CONFIG_[A-Z0-9_]+)=(.*)$ ]]; then
			name=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
			name=${BASH_REMATCH[1]} want=n
		else
			continue
		fi
		got=$(sed -n "s/^$name=//p" "$1")
		[[ -n $got ]] || got=n
		[[ $got == "$want" ]] || bad+=("$name (wanted $want, got $got)")
	done <"$FRAGMENT"
	((${#bad[@]} == 0)) && return 0
	say "these options of vm/pinstress.config did not stick after olddefconfig:"
	printf '  %s\n' "${bad[@]}" >&2
	return 1
}

if [[ -z $SRC ]]; then
	debian_source
else
	SRC=$(readlink -f "$SRC")
	[[ -f $SRC/Makefile && -d $SRC/mm ]] || die "$SRC is not a kernel tree"
	tree_id
	# O= refuses a tree configured in place; say so rather than fail deep in make.
	[[ ! -f $SRC/.config ]] ||
		die "$SRC has a .config (built in place): pinstress builds out of tree and never changes the tree; use a clean tree or 'make mrproper' there yourself"
fi
CFG_ID=$(cat "$FRAGMENT" "$SRC/arch/x86/configs/x86_64_defconfig" \
	"$SRC/kernel/configs/kvm_guest.config" | md5sum | cut -c1-12)
OUT=$CACHE/build/$SRC_ID-$CFG_ID
IMAGE=$OUT/arch/x86/boot/bzImage
if [[ -f $OUT/.pinstress-built ]]; then
	say "cached: $SRC_ID, config $CFG_ID ($OUT)"
	echo "$IMAGE"
	exit 0
fi
mkdir -p "$OUT"
say "configuring $SRC_ID (defconfig + kvm_guest + vm/pinstress.config) in $OUT"
make -s -C "$SRC" O="$OUT" x86_64_defconfig >&2
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" \
	"$SRC/kernel/configs/kvm_guest.config" "$FRAGMENT" >"$OUT/merge.log" 2>&1 ||
	{ tail -n 20 "$OUT/merge.log" >&2; die "merge_config.sh failed"; }
make -s -C "$SRC" O="$OUT" olddefconfig >&2
check_config "$OUT/.config" || die "the kernel at $SRC cannot be configured as pinstress needs"

jobs=$(nproc)
say "building bzImage with $jobs jobs (a few minutes to half an hour; log in $OUT/build.log)"
start=$SECONDS
set +e
make -C "$SRC" O="$OUT" -j"$jobs" bzImage >"$OUT/build.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; exit 130' INT TERM
# Progress: objects compiled so far, every 30 s.
while kill -0 $pid 2>/dev/null; do
	sleep 30
	kill -0 $pid 2>/dev/null || break
	say "$((SECONDS - start))s: $(grep -c '^  CC' "$OUT/build.log") objects compiled"
done
wait $pid
rc=$?
set -e
trap - INT TERM
if ((rc)) || [[ ! -f $IMAGE ]]; then
	grep -E 'error|Error' "$OUT/build.log" | head -n 20 >&2
	die "build failed after $((SECONDS - start))s (exit $rc; log in $OUT/build.log)"
fi
touch "$OUT/.pinstress-built"
say "built $SRC_ID in $((SECONDS - start))s: $IMAGE"
echo "$IMAGE"
