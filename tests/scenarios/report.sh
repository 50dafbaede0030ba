#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The HTML report (docs/report.md): pages from a run, a tiering run and a
# compare with --seeds 2; their structure (sections, SVG charts with data);
# the same page from compare --html and from `numasim report` of its
# --json-dir files; byte-identical pages for the same inputs; bad input.
# Where chromium runs, each page is rendered headless: the screenshot must be
# written and not blank, and the page's script must have run. Screenshots
# are kept under the build folder (report-test/ beside BINARY).
# Usage: tests/scenarios/report.sh build/release/numasim
set -u
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ART=$(dirname "$BIN")/report-test
mkdir -p "$ART"
pass=0
fail=0

. "$(dirname "$0")/lib.sh"

# has FILE PATTERN [MIN]: at least MIN (default 1) lines of FILE match PATTERN
has() {
	n=$(grep -c -- "$2" "$1")
	if [ "$n" -ge "${3:-1}" ]; then ok; else ko "$1: $n lines match '$2', expected ${3:-1}+"; fi
}
hasnt() {
	if grep -q -- "$2" "$1"; then ko "$1: has '$2'"; else ok; fi
}

# the sections and charts every page has
check_page() {
	f=$1
	has "$f" '^<!DOCTYPE html>'
	has "$f" '</html>$'
	for s in summary placement vmstat config oracle; do has "$f" "<section id=\"$s\">"; done
	has "$f" '<svg class="plot"' 4
	# charts with data: stacked areas of resident memory, rate curves, thread rows
	has "$f" '<path class="series area" fill="#[0-9a-f]*" [^>]* d="M[0-9.]* [0-9.]*L[0-9.]* [0-9.]*L'
	has "$f" '<path class="series" fill="none" [^>]* d="M[0-9.]* [0-9.]*L[0-9.]* [0-9.]*L'
	has "$f" '<path class="series strip" fill="#[0-9a-f]*" d="M[0-9.]* [0-9.]*h'
	# axes with labels and units, and a legend
	has "$f" 'class="xlabel"[^>]*>simulated time (s)<'
	has "$f" 'class="ylabel"[^>]*>resident memory (MiB)<'
	has "$f" 'class="ylabel"[^>]*>events per simulated second<'
	has "$f" '<g class="legend"'
	# nothing fetched at view time
	hasnt "$f" '<script src\|<link \|https\?://[a-z]'
	hasnt "$f" 'nan\|inf"'
}

SMALL="--workload numa01:threads=8 --scale 0.02 --set numasim.sample_ms=20
       --set numa_balancing.scan_delay_ms=100 --set numa_balancing.scan_period_min_ms=100"

# ---- a run ----
expect 0 "" -- run $SMALL --quiet --json "$TMP/run.json" --html "$TMP/run.html"
check_page "$TMP/run.html"
has "$TMP/run.html" '<h1>numasim report</h1>'
has "$TMP/run.html" 'Node of each thread&#39;s CPU over time'
has "$TMP/run.html" '<td class="k">numa_balancing.scan_delay_ms</td><td class="dflt">1000</td><td>100</td>'
has "$TMP/run.html" '<td class="k">numasim.sample_ms</td><td class="dflt">1000</td><td>20</td>'
has "$TMP/run.html" 'class="k ok">pass'
hasnt "$TMP/run.html" '<section id="tiering">'
# the same page from the JSON file, but for the line naming the source
expect 0 "" -- report "$TMP/run.json" -o "$TMP/run2.html"
if grep -v 'class="note src"' "$TMP/run.html" >"$TMP/a" &&
   grep -v 'class="note src"' "$TMP/run2.html" >"$TMP/b" &&
   cmp -s "$TMP/a" "$TMP/b"; then ok; else ko "run --html and report of its --json differ"; fi
# byte-identical for the same inputs
expect 0 "" -- report "$TMP/run.json" -o "$TMP/run3.html"
if cmp -s "$TMP/run2.html" "$TMP/run3.html"; then ok; else ko "two reports of one file differ"; fi
expect 0 "" -- run $SMALL --quiet --html "$TMP/run4.html"
if cmp -s "$TMP/run.html" "$TMP/run4.html"; then ok; else ko "two runs gave different pages"; fi

# ---- a tiering run: hot threshold, free memory against the watermarks ----
TIER="--machine tiered-16cpu --workload pmbench:size=1536M,threads=4,accesses=1000000
      --set kernel.numa_balancing=2 --set numa.demotion_enabled=1 --set numasim.sample_ms=20
      --set numa_balancing.scan_delay_ms=100 --set numa_balancing.scan_period_min_ms=100"
# shellcheck disable=SC2086
expect 0 "" -- run $TIER --quiet --json "$TMP/tier.json" --html "$TMP/tier.html"
check_page "$TMP/tier.html"
has "$TMP/tier.html" '<section id="tiering">'
has "$TMP/tier.html" 'Hot threshold'
has "$TMP/tier.html" 'Free memory of node 0 (dram) and its watermarks'
has "$TMP/tier.html" 'Free memory of node 1 (cxl) and its watermarks'
has "$TMP/tier.html" '<line class="hline" [^>]*><title>low watermark</title>' 2
has "$TMP/tier.html" '<title>pgpromote_success</title>'
has "$TMP/tier.html" '<title>pgdemote_kswapd</title>'

# ---- a compare with --seeds 2: overlays, the table, error bars ----
expect 0 "" -- compare $SMALL --seeds 2 --variant base --variant nb0:kernel.numa_balancing=0 \
	--json-dir "$TMP/jd" --html "$TMP/cmp.html"
check_page "$TMP/cmp.html"
has "$TMP/cmp.html" '<h1>numasim comparison</h1>'
has "$TMP/cmp.html" '<rect class="bar" ' 2
has "$TMP/cmp.html" '<path class="errorbar" [^>]*d="M[0-9.]* [0-9.]*L' 2
has "$TMP/cmp.html" 'Elapsed time: median, min..max over seeds'
has "$TMP/cmp.html" '<td class="k">runs (seeds)</td><td>2 (1..2)</td><td>2 (1..2)</td>'
has "$TMP/cmp.html" '<td class="k">elapsed (simulated s)</td><td>[0-9.]* \[[0-9.]*&ndash;[0-9.]*\]</td><td>[0-9.]* \[[0-9.]*&ndash;[0-9.]*\] ([-+][0-9.]*%)</td>'
has "$TMP/cmp.html" 'variant base (seed [12]: the median of 2 runs)'
has "$TMP/cmp.html" '<td class="k">kernel.numa_balancing</td><td class="dflt">1</td><td class="dflt">1</td><td>0</td>'
has "$TMP/cmp.html" '<title>base</title></path>' 2
has "$TMP/cmp.html" '<title>nb0</title></path>' 2
# report of the NAME.seedS.json files, in compare's order: the same page
expect 0 "" -- report "$TMP/jd/base.seed1.json" "$TMP/jd/base.seed2.json" \
	"$TMP/jd/nb0.seed1.json" "$TMP/jd/nb0.seed2.json" -o "$TMP/rep.html"
if grep -v 'class="note src"' "$TMP/cmp.html" >"$TMP/a" &&
   grep -v 'class="note src"' "$TMP/rep.html" >"$TMP/b" && cmp -s "$TMP/a" "$TMP/b"; then ok
else ko "compare --html and report of its --json-dir differ"; fi
has "$TMP/rep.html" "<p class=\"note src\">From $TMP/jd/base.seed1.json, "

# ---- bad input: exit 2 naming the file and key; -o probed first ----
expect 2 "report: give the page to write: -o FILE.html" -- report "$TMP/run.json"
expect 2 "give one or more results" -- report -o "$TMP/x.html"
expect 2 "report: '$TMP/none.json': cannot read: No such file or directory" -- \
	report "$TMP/none.json" -o "$TMP/x.html"
printf '{"elapsed_s": 1, ' >"$TMP/cut.json"
expect 2 "report: '$TMP/cut.json': not JSON" -- report "$TMP/cut.json" -o "$TMP/x.html"
sed '0,/"t_s": [0-9.e-]*/s//"t_s": "soon"/' "$TMP/run.json" >"$TMP/badt.json"
expect 2 "'$TMP/badt.json': key 'timeseries\[0\].t_s': expected a finite non-negative number" -- \
	report "$TMP/badt.json" -o "$TMP/x.html"
sed '0,/"task_node": "[^"]*"/s//"task_node": "0z"/' "$TMP/run.json" >"$TMP/badn.json"
expect 2 "key 'timeseries\[0\].task_node': expected a node number" -- \
	report "$TMP/badn.json" -o "$TMP/x.html"
sed '0,/"watermark_low_pages": [0-9]*/s//"watermark_low_pages": -3/' "$TMP/run.json" >"$TMP/badw.json"
expect 2 "key 'nodes\[0\].watermark_low_pages': expected a non-negative integer" -- \
	report "$TMP/badw.json" -o "$TMP/x.html"
expect 2 "variant 'run': '$TMP/run.json' and '$TMP/run.json' both have seed 1" -- \
	report "$TMP/run.json" "$TMP/run.json" -o "$TMP/x.html"
expect 0 "" -- report a="$TMP/run.json" b="$TMP/run.json" -o "$TMP/named.html"
has "$TMP/named.html" '<h1>numasim comparison</h1>'
# the output path fails before any input is read, and is written whole
expect 2 "\-o '$TMP': " -- report "$TMP/none.json" -o "$TMP"
expect 2 "\-o '$TMP/no/such/x.html'" -- report "$TMP/run.json" -o "$TMP/no/such/x.html"
expect 2 "\-\-html '$TMP/no/such/x.html'" -- run $SMALL --quiet --html "$TMP/no/such/x.html"
expect 2 "\-\-html '$TMP/no/such/x.html'" -- compare $SMALL --variant a --html "$TMP/no/such/x.html"
expect 2 "\-\-html given twice" -- run --html "$TMP/a.html" --html "$TMP/b.html"
expect 2 "\-\-from-json '$TMP/badt.json': key 'timeseries\[0\].t_s'" -- \
	compare --from-json "$TMP/badt.json" --from-json "$TMP/run.json" --html "$TMP/x.html"
if ls "$TMP" | grep -q '^x\.html'; then ko "a failed report left a file"; else ok; fi

# ---- in a browser: rendered, not blank, the script ran ----
CHROMIUM=/usr/bin/chromium
render() {	# render HTML PNG: screenshot of the page at 1400x3000
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--screenshot="$2" --window-size=1400,3000 "file://$1" >"$TMP/chromium.log" 2>&1
}
size() { wc -c <"$1" | tr -d ' '; }
if [ ! -x "$CHROMIUM" ]; then
	echo "report.sh: SKIP browser checks: $CHROMIUM not installed (tools/install-deps.sh installs it)" >&2
elif ! printf '<html><body></body></html>' >"$TMP/blank.html" ||
     ! render "$TMP/blank.html" "$TMP/blank.png" || [ ! -s "$TMP/blank.png" ]; then
	echo "report.sh: SKIP browser checks: chromium cannot run here: $(tail -3 "$TMP/chromium.log")" >&2
else
	blank=$(size "$TMP/blank.png")
	for p in run tier cmp; do
		rm -f "$ART/$p.png"
		if render "$TMP/$p.html" "$ART/$p.png" && [ -s "$ART/$p.png" ]; then ok
		else ko "chromium wrote no screenshot of $p.html: $(tail -3 "$TMP/chromium.log")"; continue; fi
		# a PNG, and with charts drawn far more than a blank page of the same size
		if [ "$(od -An -c -j1 -N3 "$ART/$p.png" | tr -d ' ')" = "PNG" ]; then ok
		else ko "$ART/$p.png is not a PNG"; fi
		if [ "$(size "$ART/$p.png")" -gt $((blank * 5)) ]; then ok
		else ko "$ART/$p.png looks blank: $(size "$ART/$p.png") bytes, a blank page $blank"; fi
	done
	# the DOM after the page's script ran: its tooltip element is there, all charts too
	if timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom \
		"file://$TMP/cmp.html" >"$TMP/dom.html" 2>"$TMP/chromium.log"; then ok
	else ko "chromium --dump-dom failed: $(tail -3 "$TMP/chromium.log")"; fi
	has "$TMP/dom.html" '<div id="tip"'
	if [ "$(grep -c '<svg class="plot"' "$TMP/dom.html")" -eq "$(grep -c '<svg class="plot"' "$TMP/cmp.html")" ]
	then ok; else ko "the rendered DOM lost charts"; fi
fi

echo "report.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
