#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One markdown table of the reference runs (for docs/validation.md): per run,
# Linux / numasim for the rows that say most. Needs jq.
# Usage: validation/summarize.sh [build/numasim]
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/numasim}
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
ROWS="elapsed_s vmstat.numa_pte_updates vmstat.numa_hint_faults vmstat.numa_hint_faults_local vmstat.numa_pages_migrated vmstat.thp_migration_success vmstat.pgpromote_success vmstat.pgdemote_kswapd p0.scan_seq p0.local90_s"
printf '| run | elapsed s | pte updates | hint faults | local hint faults | pages migrated | THPs migrated | promoted | demoted (kswapd) | scan seqs | 90%% local from s |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for d in "$ROOT"/validation/linux-*/*/; do
	[ -f "$d/table.txt" ] || continue
	cp -r "$d" "$TMP.d" 2>/dev/null || continue
	"$BIN" validate --table "$TMP.d" --json "$TMP" >/dev/null 2>&1 || { rm -rf "$TMP.d"; continue; }
	rm -rf "$TMP.d"
	name=$(basename "$(dirname "$d")")/$(basename "$d")
	line="| $name"
	for k in $ROWS; do
		cell=$(jq -r --arg k "$k" '
			def f: if . == null then "-" elif . < 0 then "never"
				elif (. | floor) == . then tostring else (. * 100 | round / 100 | tostring) end;
			[.table[] | select(.key == $k)] | if length == 0 then "0 / 0"
			else .[0] | "\(.linux | f) / \(.numasim | f)" end' "$TMP")
		line="$line | $cell"
	done
	echo "$line |"
done
