#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the throw-away guest that vm/vm.sh boots: load the modules the
# run needs, mount the scratch disk (/dev/vda, ext4, O_DIRECT), make zram
# swap, mount cgroup v2 with the memory controller, run pinstress with the
# profile and options vm.sh put into the initramfs (or `pinstress probe`), and write everything back to the results disk (/dev/vdb, a
# tar archive) before powering off.  The last console line vm.sh looks
# for is "PINSTRESS-EXIT: <code>"; without it the guest panicked or hung.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mkdir -p /results /scratch /dev/hugepages /run /sys/fs/cgroup
mount -t tmpfs run /run

say() { echo "guest: $*"; }

# A probe boot (KVM or not) only has to come up.
if grep -q "pinstress.probe" /proc/cmdline; then
	echo "GUEST-UP"
	poweroff -f
fi

if [ -f /modules.order ]; then
	while read -r m; do
		insmod "/lib/modules/$m" 2>/dev/null || say "insmod $m failed (built in?)"
	done </modules.order
fi
nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
say "kernel $(uname -r), $(nproc) cpus, $nodes NUMA nodes, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB, up $(cut -d' ' -f1 /proc/uptime)s"

for i in $(seq 1 50); do [ -b /dev/vda ] && break; sleep 0.1; done
mount -t ext4 /dev/vda /scratch || say "cannot mount the scratch disk /dev/vda"
if [ -e /sys/class/zram-control ] || [ -e /sys/block/zram0 ]; then
	[ -e /sys/block/zram0 ] || cat /sys/class/zram-control/hot_add >/dev/null
	echo "$(($(awk '/MemTotal/ { print $2 }' /proc/meminfo) / 2))K" >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 && say "swap on zram0"
fi
mount -t hugetlbfs none /dev/hugepages 2>/dev/null
# THP as distributions (and run.sh's hosts) have it: 'always' would put PMD THPs into every
# region, the mthp backing's too.
thp=/sys/kernel/mm/transparent_hugepage/enabled
if grep -q '\[always\]' "$thp" 2>/dev/null; then
	echo madvise >"$thp" && say "THP always -> madvise"
fi
# The reclaim fault's memory cgroup: cgroup v2 with the memory controller for children.
if mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; then
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null ||
		say "cannot enable the memory controller in /sys/fs/cgroup"
else
	say "cannot mount cgroup2 on /sys/fs/cgroup"
fi

set --
while IFS= read -r a; do [ -n "$a" ] && set -- "$@" "$a"; done </pinstress/args
if [ "$(cat /pinstress/cmd)" = probe ]; then
	/pinstress/bin/pinstress probe --scratch /scratch --json /results/report.json "$@"
else
	/pinstress/bin/pinstress run -c /pinstress/profile.ini --scratch /scratch \
		--json /results/report.json "$@"
fi
rc=$?
say "pinstress exit $rc, up $(cut -d' ' -f1 /proc/uptime)s"
# Failure records are already in /results, next to the report.
dmesg >/results/dmesg.txt
echo "$rc" >/results/exit_code
tar -cf /dev/vdb -C /results . && sync
echo "PINSTRESS-EXIT: $rc"
poweroff -f
