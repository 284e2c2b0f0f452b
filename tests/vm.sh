#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh VM_SH BUILD_DIR REPORT_GET
# A kernel under test in a throw-away guest: Debian's kernel boots under
# qemu with 2 NUMA nodes and runs configs/numa.ini for a short while; the
# report that comes back must pass, see 2 nodes, and every job must have
# really moved pages between them (pages_migrated > 0).  Then a guest
# whose init cannot run must be reported as a panic (exit 4), with its
# console.
set -u
VMSH=$1 BUILD=$2 RG=$3
. "$(dirname "$0")/lib.sh"
need_root
use_tmp
command -v qemu-system-x86_64 >/dev/null || { fail "qemu-system-x86_64 missing (run.sh installs it)"; finish; }

start=$(date +%s)
"$VMSH" "$BUILD" --kernel debian --numa 2 --cpus 2 --mem 2G --timeout 900 \
	"$(dirname "$0")/../configs/numa.ini" --duration 15s --no-canary --json "$tmp/out.json" \
	>"$tmp/log" 2>&1
rc=$?
cat "$tmp/log"
echo "guest run took $(($(date +%s) - start))s"
[ "$rc" -eq 0 ] && pass "exit 0" || fail "exit $rc"
REPORT=$tmp/out.json
expect_eq result pass
[ "$(get result)" = pass ] || { echo "invalid: $(get invalid)"; grep -a -A8 "^job  " "$tmp/guest-console.log"; }
expect_eq environment.numa_nodes 2
for i in 0 1 2 3; do
	expect_gt "jobs.$i.evidence.pages_migrated" 0
done
[ -s "$tmp/guest-dmesg.txt" ] && pass "guest kernel log brought back" || fail "no guest kernel log"
[ -s "$tmp/guest-console.log" ] && pass "guest console brought back" || fail "no guest console"

"$VMSH" "$BUILD" --kernel debian --numa 2 --mem 1G --timeout 300 --out "$tmp/panic" \
	--append "rdinit=/nonexistent init=/nonexistent" >"$tmp/plog" 2>&1
rc=$?
cat "$tmp/plog"
[ "$rc" -eq 4 ] && pass "a guest whose init fails: exit 4 (panic)" || fail "panic: exit $rc"
grep -q "Kernel panic" "$tmp/panic/guest-console.log" && pass "its console has the panic" ||
	fail "no panic in the console"
finish
