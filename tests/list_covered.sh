#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# list_covered.sh PINSTRESS "WORKLOADS" "BACKINGS" "FAULTS": every workload,
# backing and fault that `pinstress list` shows has its integration test
# (the lists come from tests/CMakeLists.txt), and nothing tested is unlisted.
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
finish
