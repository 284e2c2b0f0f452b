#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# new_fault.sh SOURCE_DIR REPORT_GET: "one file plus one line" is true.  In a
# scratch copy of the tree, a trivial fault is added as exactly one new file
# (lib/faults/noop.c) and one line in its table (lib/faults/fault.c), and
# nothing else: the copy builds, `pinstress list` shows it, the matrix and
# the ctest lists pick it up, and a run plans it and really injects it
# (its injections and its proof counted in the report).
set -u
SRC=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
use_tmp

copy=$tmp/src
mkdir -p "$copy"
# The tree as committed or being edited, without builds.
tar -C "$SRC" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . | tar -C "$copy" -xf -

cat >"$copy/lib/faults/noop.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
/* noop: looks at one random page of the region; the kernel confirms it is mapped. */
#include "faults/fault.h"
#include "kernel/census.h"

static int noop_inject(struct fault_inst *f, struct rng *r)
{
	const struct region *reg = &f->job->reg;
	size_t pages = reg->size / job_page_size();
	uint8_t *addr = reg->base + rng_below(r, pages) * job_page_size();
	uint64_t pfn = 0;

	fault_range(f, addr, job_page_size());
	if (census_pfns(addr, 1, &pfn) || !pfn)
		return FAULT_DONE;
	ev_add(job_ev(f->job, "pages_looked_at"), 1);
	return FAULT_CONFIRMED;
}

const struct fault_ops fault_noop = {
	.name = "noop",
	.desc = "look at a random page (a fault added by tests/new_fault.sh)",
	.interval_ms = 10,
	.proof = "pages_looked_at",
	.inject = noop_inject,
};
EOF
# The one line: after the table's first entry.
sed -i '0,/^\tX(collapse) \\$/s//\tX(collapse) \\\n\tX(noop) \\/' "$copy/lib/faults/fault.c"

changed=$(diff -r "$SRC" "$copy" -x build -x 'build-*' -x .git | grep -c '^[<>]')
only=$(diff -rq "$SRC" "$copy" -x build -x 'build-*' -x .git | grep -c '^Only in')
[ "$changed" -eq 1 ] && [ "$only" -eq 1 ] && pass "the copy differs by one file and one line" ||
	fail "the copy differs by $only new files and $changed changed lines"

bld=$tmp/build
if ! { cmake -S "$copy" -B "$bld" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$tmp/cmake.log" 2>&1 &&
       nice cmake --build "$bld" -j"$(nproc)" --target pinstress >>"$tmp/cmake.log" 2>&1; }; then
	tail -n 30 "$tmp/cmake.log"
	fail "the copy does not build"
	finish
fi
pass "the copy builds"
PS=$bld/pinstress

"$PS" list | grep -q '^fault  *noop  *available' && pass "pinstress list shows it, available" ||
	fail "pinstress list: $("$PS" list | grep noop)"
"$PS" list --markdown | grep -q '^| `noop` |' && pass "its README row is generated" ||
	fail "pinstress list --markdown has no row for it"
ctest --test-dir "$bld" -N | grep -q 'fault-noop$' && pass "ctest has its matrix slice fault-noop" ||
	fail "no fault-noop test in the copy's ctest list"

# The matrix's 'faults = each' on one workload x backing: the new fault is planned beside
# every other one applicable here (their own evidence is the fault-* tests' business).
REPORT=$tmp/report.json
"$PS" run -c "$copy/configs/matrix.ini" --section m-faults --workload cpu --backing anon \
	--duration 3s --allow-no-evidence --no-canary --scratch "$(scratch_dir)" --json "$REPORT" \
	>"$tmp/run.log" 2>&1
rc=$?
tail -n 5 "$tmp/run.log"
[ "$rc" -eq 0 ] && pass "a matrix run with it exits 0" || fail "a matrix run with it exits $rc"
i=0
while n=$(get "jobs.$i.name") && [ -n "$n" ] && [ "$n" != null ] && [ "$n" != cpu/anon/noop ]; do
	i=$((i + 1))
done
[ "$n" = cpu/anon/noop ] && pass "planned as job $i of the matrix: $n" ||
	{ fail "no job cpu/anon/noop in the matrix run"; finish; }
inj=$(get "jobs.$i.fault_detail.0.injections")
conf=$(get "jobs.$i.fault_detail.0.confirmed")
seen=$(get "jobs.$i.evidence.pages_looked_at")
[[ $inj =~ ^[0-9]+$ ]] && [ "$inj" -gt 0 ] && pass "injected $inj times (counted by the loop)" ||
	fail "injections: $inj"
[[ $conf =~ ^[0-9]+$ ]] && [ "$conf" -gt 0 ] && [ "$conf" -le "$inj" ] &&
	pass "confirmed $conf of them" || fail "confirmed: $conf of $inj"
[ "$seen" = "$conf" ] && pass "its proof pages_looked_at = $seen" || fail "pages_looked_at: $seen"
expect_eq "jobs.$i.unproven" null
finish
