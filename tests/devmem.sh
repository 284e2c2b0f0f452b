#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# devmem.sh VM_SH BUILD_DIR REPORT_GET
# A kernel built for pinstress (./run.sh --kernel build: Debian's newest
# linux-source with vm/pinstress.config, taken from the cache when it was
# built before) boots in a guest with 2 NUMA nodes and runs
# configs/devmem.ini for 30 s.  The report must pass with no kernel-log
# error, and show the kernel really did it all: pages migrated to device
# memory and back, device-exclusive entries made and restored, R/O pins
# read back (and device mirror reads), soft-dirty bits cleared and pages
# migrated between the nodes.
set -u
VMSH=$1 BUILD=$2 RG=$3
. "$(dirname "$0")/lib.sh"
need_root
use_tmp
need_qemu

start=$(date +%s)
"$VMSH" "$BUILD" --kernel build --numa 2 --cpus 2 --mem 4G --timeout 1500 \
	"$(dirname "$0")/../configs/devmem.ini" --duration 30s --json "$tmp/out.json" >"$tmp/log" 2>&1
rc=$?
grep -v '^  ' "$tmp/log" | tail -n 40
echo "build (or cache) and guest run took $(($(date +%s) - start))s"
[ "$rc" -eq 0 ] && pass "exit 0" || fail "exit $rc"
REPORT=$tmp/out.json
expect_eq result pass
[ "$(get result)" = pass ] || echo "invalid: $(get invalid)"
expect_eq environment.numa_nodes 2
expect_eq kernel_log.bad_records 0

# The sum of evidence counter $1 over every job.
total() {
	local i=0 n sum=0 v
	while n=$(get "jobs.$i.name") && [ -n "$n" ] && [ "$n" != null ]; do
		v=$(get "jobs.$i.evidence.$1")
		[[ $v =~ ^[0-9]+$ ]] && sum=$((sum + v))
		i=$((i + 1))
	done
	echo "$sum"
}
for ev in pages_to_device pages_from_device_migrated pages_from_device_faulted \
	pages_made_exclusive exclusive_restored_by_workload exclusive_restored_by_read \
	ro_pin_reads device_mirror_reads pages_softdirty_cleared pages_migrated; do
	v=$(total "$ev")
	[ "$v" -gt 0 ] && pass "$ev = $v" || fail "$ev = $v, expected > 0"
done
finish
