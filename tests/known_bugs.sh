#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# known_bugs.sh PINSTRESS REPORT_GET
# The expected-failure rule, against the real kernel:
# 1. a stale generation planted into a uring-fixed/anon block under pageout
#    (the kind of job the io_uring dirtying bug shows in) is corruption,
#    exit 1, lost-write, in the default mode and with --known-bugs=reproduce,
#    where the report says why it is not that bug;
# 2. by default uring-fixed avoids the bug (each page a READ_FIXED wrote is
#    dirtied before unregistration) while madv-free still discards pages:
#    no expected failure, a pass;
# 3. with --known-bugs=reproduce the same job walks into it: on a kernel
#    whose probe says present, its losses are expected failures that name
#    the probe and the evidence that matched, and the run passes.
set -u
PS=$1 RG=$2
. "$(dirname "$0")/lib.sh"
need_root
need_available workload uring-fixed
need_available fault pageout
need_available fault madv-free
use_tmp

# What the run's probe of known bug $1 said (empty if it did not run it).
probe_result() {
	local i=0 n
	while n=$(get "known_bugs.probes.$i.name") && [ -n "$n" ] && [ "$n" != null ]; do
		[ "$n" = "$1" ] && { get "known_bugs.probes.$i.result"; return; }
		i=$((i + 1))
	done
}

# The known bugs the report's expected failures name, one per line.
xfail_bugs() {
	local i=0 n
	while n=$(get "expected_failures.$i.known_bug.name") && [ -n "$n" ] && [ "$n" != null ]; do
		echo "$n"
		i=$((i + 1))
	done
}

cat > "$tmp/plant.ini" <<INI
[global]
duration = 4s

[uf-pageout]
workload = uring-fixed
backing = anon
faults = pageout
size = 32M
INI
for mode in avoid reproduce; do
	REPORT=$tmp/plant-$mode.json
	"$PS" run -c "$tmp/plant.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary \
		--known-bugs=$mode --plant lost-write 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 1 ] && pass "$mode: planted lost write: exit 1" ||
		{ fail "$mode: planted lost write: exit $rc"; cat "$tmp/err"; }
	expect_eq known_bugs.mode "$mode"
	expect_eq errors.0.class lost-write
	expect_eq errors.0.block "$(get plant.block)"
	expect_eq errors.0.expected_failure false
	if [ "$mode" = reproduce ]; then
		why=$(get errors.0.not_known_bug)
		case $why in
		*uring-fixed-swapcache*) pass "reproduce: says why it is not the known bug: $why" ;;
		*) fail "reproduce: no reason why the plant is not the known bug: '$why'" ;;
		esac
	fi
done

cat > "$tmp/free.ini" <<INI
[global]
duration = 8s

[uf-madvfree]
workload = uring-fixed
backing = anon
faults = madv-free,pageout
size = 32M
INI
REPORT=$tmp/avoid.json
"$PS" run -c "$tmp/free.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary \
	--keep-going 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && pass "avoid: exit 0" || { fail "avoid: exit $rc"; tail -n 20 "$tmp/err"; }
# A stale TLB entry (another known bug, under pageout) may show; the io_uring one may not.
xfail_bugs | grep -q '^uring-fixed' && fail "avoid: an io_uring known bug was expected: $(xfail_bugs | sort | uniq -c)" ||
	pass "avoid: no io_uring expected failure"
expect_gt jobs.0.evidence.pages_dirtied_before_unpin 0
expect_gt jobs.0.evidence.pages_lazyfree_discarded 0

REPORT=$tmp/reproduce.json
"$PS" run -c "$tmp/free.ini" --json "$REPORT" --scratch "$(scratch_dir)" --no-canary \
	--keep-going --known-bugs=reproduce 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && pass "reproduce: exit 0" || { fail "reproduce: exit $rc"; tail -n 20 "$tmp/err"; }
expect_eq known_bugs.mode reproduce
expect_eq errors_total 0
state=$(probe_result uring-fixed-lazyfree)
[ -n "$state" ] && pass "the run probed uring-fixed-lazyfree: $state" ||
	fail "the run did not probe uring-fixed-lazyfree"
if [ "$state" = present ]; then
	expect_gt expected_failures_total 0
	xfail_bugs | grep -q '^uring-fixed-lazyfree$' && pass "reproduce: uring-fixed-lazyfree expected" ||
		fail "reproduce: no expected failure of uring-fixed-lazyfree: $(xfail_bugs | sort | uniq -c)"
	expect_eq expected_failures.0.known_bug.probe_result present
	ev=$(get expected_failures.0.known_bug.evidence)
	case $ev in
	*READ_FIXED*unregistered*clean* | *"page tables map the right data"*)
		pass "the failure's own evidence: $ev" ;;
	*) fail "no evidence of the mechanism: '$ev'" ;;
	esac
else
	xfail_bugs | grep -q '^uring-fixed' && fail "probe says $state, yet an io_uring bug was expected"
fi
finish
