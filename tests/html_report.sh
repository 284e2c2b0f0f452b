#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# html_report.sh PINSTRESS REPORT_GET PNG_STATS: `pinstress report` pages
# of real runs, opened in a real browser (Debian's chromium, headless).
#  1. A clean 20 s run that swaps, forks, splits and collapses THP, with a
#     sample a second: the page is one file that loads nothing from
#     anywhere, the browser runs it without a script error, draws its five
#     plots (the page counts them in data-plots), and its screenshot is
#     drawn on (many colours, ink), unlike a blank page's (the control).
#  2. A run with a planted corruption: the page says corruption, names the
#     class, gives the replay command of the failure record and the
#     forensics, and still draws its plots.
#  3. Without dygraphs (--js elsewhere) the page still loads, without a
#     script error, and says why there are no plots.
#  4. Something that is not a run report: exit 3, one line naming it.
set -u
PS=$1 RG=$2 PNG=$3
. "$(dirname "$0")/lib.sh"
need_root
command -v chromium >/dev/null || { fail "chromium missing (./run.sh test installs it)"; finish; }
use_tmp

# browse PAGE: its DOM once its scripts ran, into PAGE.dom; a screenshot into PAGE.png.
browse() {
	local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
		     --user-data-dir="$tmp/chromium" --virtual-time-budget=10000)
	timeout 60 chromium "${flags[@]}" --dump-dom "file://$1" >"$1.dom" 2>"$1.err"
	timeout 60 chromium "${flags[@]}" --window-size=1280,2400 --screenshot="$1.png" \
		"file://$1" >/dev/null 2>>"$1.err"
}

body_attr() { grep -o "<body[^>]*>" "$1" | grep -o "$2=\"[^\"]*\"" | cut -d'"' -f2; }

cat >"$tmp/p.ini" <<INI
[global]
duration = 20s
size = 64M
[swap]
workload = uring-fixed
faults = pageout,fork
[thp]
workload = odirect
backing = thp
faults = thp-split,collapse
INI
"$PS" run -c "$tmp/p.ini" --json "$tmp/run.json" --sample-interval 1s --no-canary \
	--scratch "$(scratch_dir)" >"$tmp/run.out" 2>&1
rc=$?
[ $rc -eq 0 ] && pass "clean run: exit 0" || { tail -n 5 "$tmp/run.out"; fail "clean run: exit $rc"; }
REPORT=$tmp/run.json
expect_gt timeline.samples.15.t0 0

"$PS" report "$tmp/run.json" >"$tmp/rep.out" 2>&1 && [ -s "$tmp/run.html" ] &&
	pass "report: $(cat "$tmp/rep.out")" || { cat "$tmp/rep.out"; fail "report failed"; finish; }
page=$tmp/run.html
if grep -qiE '<(script|img|iframe)[^>]* src=|<link |url\(' "$page"; then
	fail "the page loads something: $(grep -oiE '<(script|img|iframe)[^>]* src=[^>]*|<link [^>]*|url\([^)]*' "$page" | head -n 3)"
else
	pass "self-contained: no src=, <link> or url() in $(wc -c <"$page") bytes"
fi
browse "$page"
[ "$(body_attr "$page.dom" data-plots)" = 5 ] && pass "the browser drew 5 plots" ||
	{ tail -n 5 "$page.err"; fail "data-plots '$(body_attr "$page.dom" data-plots)', 5 wanted"; }
errs=$(body_attr "$page.dom" data-js-errors)
[ -z "$errs" ] && pass "no script error" || fail "script errors: $errs"
n=$(grep -o '<canvas' "$page.dom" | wc -l)
[ "$n" -ge 5 ] && pass "$n canvases in the page" || fail "$n canvases, 5 plots wanted"
read -r w h colours ink < <("$PNG" "$page.png")
[ "${colours:-0}" -ge 64 ] && [ "${ink:-0}" -ge 30 ] &&
	pass "screenshot ${w}x$h: $colours colours, $ink/1000 inked" ||
	fail "screenshot ${w:-?}x${h:-?}: ${colours:-?} colours, ${ink:-?}/1000 inked: blank?"

# The control: a blank page's screenshot is told apart.
echo '<!DOCTYPE html><html><body></body></html>' >"$tmp/blank.html"
browse "$tmp/blank.html"
read -r _ _ colours ink < <("$PNG" "$tmp/blank.html.png")
[ "${colours:-99}" -le 2 ] && [ "${ink:-99}" -eq 0 ] &&
	pass "control: a blank page has $colours colour(s), $ink/1000 inked" ||
	fail "control: a blank page shows ${colours:-?} colours, ${ink:-?}/1000 inked"

# A corruption: the failure, its replay, its forensics.
"$PS" run -c "$tmp/p.ini" --section swap --faults pageout --plant lost-write --duration 10s --json "$tmp/bad.json" \
	--sample-interval 1s --no-canary --scratch "$(scratch_dir)" >"$tmp/bad.out" 2>&1
rc=$?
[ $rc -eq 1 ] && pass "planted run: exit 1" || { tail -n 5 "$tmp/bad.out"; fail "planted run: exit $rc"; }
REPORT=$tmp/bad.json
file=$(get errors.0.failure_file)
"$PS" report "$tmp/bad.json" -o "$tmp/bad.html" >/dev/null 2>&1 || fail "report of the planted run"
page=$tmp/bad.html
grep -q 'class="verdict corruption"' "$page" && pass "the page says corruption" ||
	fail "no corruption verdict"
grep -q "lost-write in job swap" "$page" && pass "it names the class and the job" ||
	fail "no 'lost-write in job swap'"
[ -n "$file" ] && grep -qF "pinstress replay $file" "$page" &&
	pass "it gives the replay: pinstress replay $file" || fail "no replay command for '$file'"
grep -q "<summary>forensics" "$page" && pass "it holds the forensics" || fail "no forensics"
browse "$page"
[ "$(body_attr "$page.dom" data-plots)" -ge 1 ] && [ -z "$(body_attr "$page.dom" data-js-errors)" ] &&
	pass "the browser drew $(body_attr "$page.dom" data-plots) plots, no script error" ||
	fail "planted run's page: plots '$(body_attr "$page.dom" data-plots)', errors '$(body_attr "$page.dom" data-js-errors)'"
rm -f "$file"

# Without dygraphs: the page still works and says why there are no plots.
"$PS" report "$tmp/run.json" -o "$tmp/nojs.html" --js "$tmp/none.js" >"$tmp/nojs.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "no plots" "$tmp/nojs.out" && pass "no dygraphs: exit 0, '$(cat "$tmp/nojs.out" | head -n 1)'" ||
	fail "no dygraphs: exit $rc, '$(cat "$tmp/nojs.out")'"
browse "$tmp/nojs.html"
[ "$(body_attr "$tmp/nojs.html.dom" data-plots)" = 0 ] && [ -z "$(body_attr "$tmp/nojs.html.dom" data-js-errors)" ] &&
	grep -q "Plots need dygraphs" "$tmp/nojs.html.dom" && pass "its page says plots need dygraphs, no script error" ||
	fail "no-dygraphs page: plots '$(body_attr "$tmp/nojs.html.dom" data-plots)', errors '$(body_attr "$tmp/nojs.html.dom" data-js-errors)'"

# Not a run report.
echo '{"schema": "pinstress-bench/1"}' >"$tmp/bench.json"
out=$(timeout 10 "$PS" report "$tmp/bench.json" 2>&1)
rc=$?
[ $rc -eq 3 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && case $out in *bench.json*) true ;; *) false ;; esac &&
	pass "a bench report: exit 3, '$out'" || fail "a bench report: exit $rc, '$out'"
finish
