#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# list_covered.sh PINSTRESS "WORKLOADS" "BACKINGS" "FAULTS": every workload,
# backing and fault that `pinstress list` shows has its integration test
# (the lists come from tests/CMakeLists.txt), and nothing tested is unlisted.
# And everything is available here but what this machine truly lacks:
# migrate and numa-balancing on a single NUMA node, tiering with one memory tier, 1 GiB pages on a CPU without them, and what
# /proc/config.gz shows the running kernel was built without.  Anything else unavailable is a defect.
set -u
PS=$1
. "$(dirname "$0")/lib.sh"
check() { # KIND "NAMES"
	local listed tested
	listed=$("$PS" list | awk -v k="$1" '$1 == k { print $2 }' | sort | tr '\n' ' ')
	tested=$(printf '%s\n' ${2//;/ } | sort | tr '\n' ' ')
	[ "$listed" = "$tested" ] && pass "$1: $listed" ||
		fail "$1: listed '$listed' but tested '$tested'"
}
check workload "$2"
check backing "$3"
check fault "$4"

nodes=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
tiers=$(cat /sys/devices/virtual/memory_tiering/memory_tier*/nodelist 2>/dev/null | grep -c .)
while read -r kind name here why; do
	[ "$here" = unavailable ] || continue
	cfg=$(expr "$why" : '.*kernel without \(CONFIG_[A-Z0-9_]*\)')
	if [[ $name == migrate || $name == numa-balancing ]] && [ "$nodes" -le 1 ] &&
		[[ $why == *"1 NUMA node"* ]]; then
		pass "$kind $name unavailable, as it must be here: $why"
	elif [ "$name" = tiering ] && [ "$tiers" -le 1 ] && [[ $why == *"1 memory tier"* ]]; then
		pass "$kind $name unavailable, as it must be here ($tiers tier): $why"
	elif [ "$name" = hugetlb-1g ] && [[ $why == *"no pdpe1gb"* ]] &&
		grep -q '^flags' /proc/cpuinfo && ! grep -q '^flags.* pdpe1gb' /proc/cpuinfo; then
		pass "$kind $name unavailable, as it must be here: $why"
	elif [ -n "$cfg" ] && [ -r /proc/config.gz ] &&
		! zcat /proc/config.gz | grep -Eq "^$cfg=(y|m)$"; then
		# "# CONFIG_X is not set", or no line at all when a dependency is off.
		pass "$kind $name unavailable: the running kernel has no $cfg (/proc/config.gz)"
	else
		fail "$kind $name unavailable: $why"
	fi
done < <("$PS" list | tail -n +2)
finish
