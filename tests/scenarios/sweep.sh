#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# numasim sweep and numasim merge (docs/sweep.md): bad specs; a small grid
# (2 machines x 2 variants x 2 seeds) run here with --jobs 2, merged, its CSV
# checked against each cell's own JSON and a direct run; a second sweep that
# runs nothing; a failing cell; the same grid through GNU parallel (the
# printed invocation, run as printed) and through the Slurm array script
# (each task run with SLURM_ARRAY_TASK_ID set, then by a real Slurm: a
# private one-node cluster that tools/slurm-local.sh starts here, which
# checks the script with sbatch --test-only and runs the array with sbatch
# --wait), each merged to the same CSV; shell quoting of odd file names.
# Without Slurm's programs, or when its daemons cannot start here, the real
# Slurm cases are skipped with the reason; NUMASIM_REQUIRE_SLURM=1 makes
# that a failure.
# Usage: tests/scenarios/sweep.sh build/release/numasim
set -u
BIN=$1
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
SD=""	# the private Slurm's folder once started: stopped on any exit
cleanup() {
	[ -z "$SD" ] || "$ROOT/tools/slurm-local.sh" stop "$SD" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
pass=0
fail=0
. "$(dirname "$0")/lib.sh"

spec() { printf '%s\n' "$2" >"$TMP/$1"; }

# ---- bad input: refused before anything runs or is written ----
expect 2 "which spec file" -- sweep
expect 2 "cannot read" -- sweep "$TMP/none.yaml" --out "$TMP/o"
spec syntax.yaml 'machines: [4node-48cpu'
expect 2 "syntax.yaml:2: YAML syntax error" -- sweep "$TMP/syntax.yaml" --out "$TMP/o"
spec key.yaml 'seeds: 2
machnes: [x]'
expect 2 "key.yaml:2: key 'machnes': unknown key" -- sweep "$TMP/key.yaml" --out "$TMP/o"
spec machine.yaml 'machines: [4node-48cpu, no-such-machine]'
expect 2 "machine.yaml:1: key 'machines\[1\]': no-such-machine: cannot read" -- sweep "$TMP/machine.yaml" --out "$TMP/o"
spec workload.yaml 'machines: [tiered-16cpu]
workloads:
  - numa02
  - "numa02:bogus=1"'
expect 2 "workload.yaml:4: key 'workloads\[1\]': on machine 'tiered-16cpu': workload 'numa02': unknown key 'bogus'" -- sweep "$TMP/workload.yaml" --out "$TMP/o"
spec tunable.yaml 'variants:
  good: {kernel.numa_balancing: 0}
  bad: {transparent_hugepage.enabled: sometimes}'
expect 2 "tunable.yaml:3: key 'variants.bad.transparent_hugepage.enabled': tunable 'transparent_hugepage.enabled': bad value 'sometimes'" -- sweep "$TMP/tunable.yaml" --out "$TMP/o"
spec axis.yaml 'tunables:
  kernel.no_such_thing: [0, 1]'
expect 2 "axis.yaml:2: key 'tunables.kernel.no_such_thing\[0\]': unknown tunable" -- sweep "$TMP/axis.yaml" --out "$TMP/o"
spec cap.yaml 'seeds: 60000
tunables:
  kernel.numa_balancing: [0, 1]'
expect 2 "cap.yaml: the grid has more than 100000 cells" -- sweep "$TMP/cap.yaml" --out "$TMP/o"
spec noout.yaml 'seeds: 1'
expect 2 "give --out DIR" -- sweep "$TMP/noout.yaml"
expect 2 "\-\-jobs '0'" -- sweep "$TMP/noout.yaml" --out "$TMP/o" --jobs 0
expect 2 "\-\-emit 'pbs'" -- sweep "$TMP/noout.yaml" --out "$TMP/o" --emit pbs
check "a refused sweep writes nothing" test ! -e "$TMP/o"
expect 2 "which folder" -- merge
expect 2 "no cells.json and no result files" -- merge "$TMP"
mkdir -p "$TMP/badidx"
printf '{"cells": [{"name": 3}]}\n' >"$TMP/badidx/cells.json"
expect 2 "cells.json: key 'cells\[0\].name': expected a string" -- merge "$TMP/badidx"

# the shipped example: 2 machines x 2 workloads x 4 combinations x 3 seeds
check "examples/sweeps/thp.yaml: 48 cells" test "$("$BIN" sweep "$ROOT/examples/sweeps/thp.yaml" --list | wc -l)" -eq 48
expect 0 "^0 2node-128cpu__numa01__enabled-always+numa_balancing-0__s1: .* --json OUT/" -- sweep "$ROOT/examples/sweeps/thp.yaml" --list

# ---- the grid, run here ----
spec grid.yaml 'out: grid
machines: [4node-48cpu, tiered-16cpu]
workloads: numa02
scale: 0.002
seeds: 2
variants:
  base:
  nobal: {kernel.numa_balancing: 0}'
G=$TMP/grid
expect 0 "" -- sweep "$TMP/grid.yaml" --list
check "--list writes nothing" test ! -e "$G"
out=$("$BIN" sweep "$TMP/grid.yaml" --jobs 2 2>&1); rc=$?
check "sweep --jobs 2 exits 0 ($rc): $out" test "$rc" -eq 0
check "sweep says 8 run: $out" sh -c 'printf "%s" "$1" | grep -q "8 cells: 8 run, 0 already done, 0 failed"' - "$out"
check "8 results" test "$(ls "$G"/*__s[12].json | wc -l)" -eq 8
check "the index" test -s "$G/cells.json"
check "a cell's name" test -s "$G/tiered-16cpu__numa02__nobal__s2.json"
"$BIN" merge "$G" --csv "$TMP/local.csv" >"$TMP/table.txt"; rc=$?
check "merge exits 0 ($rc)" test "$rc" -eq 0
check "CSV: a header and 8 rows" test "$(wc -l <"$TMP/local.csv")" -eq 9
check "CSV header" grep -q '^cell,machine,workload,scale,seed,variant,kernel.numa_balancing,status,elapsed_s,truncated,pgfault,' "$TMP/local.csv"
check "merge table title" grep -q "merge: numa02.* on 4node-48cpu (scale 0.002, seeds 1..2: median and range)" "$TMP/table.txt"
check "merge table columns" grep -q "^  nobal  *kernel.numa_balancing=0" "$TMP/table.txt"
check "two tables" test "$(grep -c '^numasim .* merge:' "$TMP/table.txt")" -eq 2
# --html: numasim report's page, each cell's seeds as one variant; the same
# page as numasim report given the same files under the same names
expect 2 "--html '/proc/x.html'" -- merge "$G" --html /proc/x.html
"$BIN" merge "$G" --html "$TMP/merge.html" >/dev/null; rc=$?
check "merge --html exits 0 ($rc)" test "$rc" -eq 0
check "merge --html: charts" grep -q "<svg" "$TMP/merge.html"
check "merge --html: a variant per cell" grep -q "tiered-16cpu__numa02__nobal" "$TMP/merge.html"
set --
for f in "$G"/*__s[12].json; do
	n=$(basename "$f" .json); set -- "$@" "${n%__s[12]}=$f"
done
"$BIN" report "$@" -o "$TMP/report.html"
grep -v '\.json' "$TMP/merge.html" >"$TMP/merge.body"
grep -v '\.json' "$TMP/report.html" >"$TMP/report.body"
check "merge --html is numasim report's page" cmp -s "$TMP/merge.body" "$TMP/report.body"
# each row's figures are its own JSON's, as written
col() { head -1 "$TMP/local.csv" | tr ',' '\n' | grep -n "^$1\$" | cut -d: -f1; }
ce=$(col elapsed_s); cp=$(col pgfault); cs=$(col status)
rows_ok=1
for f in "$G"/*__s[12].json; do
	name=$(basename "$f" .json)
	row=$(grep "^$name," "$TMP/local.csv")
	e=$(grep -o '"elapsed_s": [0-9.e+-]*' "$f" | head -1 | cut -d' ' -f2)
	p=$(grep -o '"pgfault": [0-9]*' "$f" | head -1 | cut -d' ' -f2)
	[ "$(echo "$row" | cut -d, -f"$ce")" = "$e" ] || { rows_ok=0; echo "elapsed of $name: $row vs $e" >&2; }
	[ "$(echo "$row" | cut -d, -f"$cp")" = "$p" ] || { rows_ok=0; echo "pgfault of $name: $row vs $p" >&2; }
	[ "$(echo "$row" | cut -d, -f"$cs")" = ok ] || rows_ok=0
done
check "CSV rows equal the cells' JSON" test "$rows_ok" -eq 1
# a cell's command is `numasim run` itself: the same result as a direct run
"$BIN" run --machine tiered-16cpu --workload numa02 --scale 0.002 --seed 2 \
	--set kernel.numa_balancing=0 --quiet --json "$TMP/direct.json"
d=$(grep -o '"elapsed_s": [0-9.e+-]*' "$TMP/direct.json" | cut -d' ' -f2)
check "a direct run gives the CSV's elapsed ($d)" grep -q "^tiered-16cpu__numa02__nobal__s2,.*,ok,$d," "$TMP/local.csv"

# resumable: nothing left to do, nothing rewritten
sum1=$(cat "$G"/*.json | cksum)
out=$("$BIN" sweep "$TMP/grid.yaml" --jobs 2 2>&1); rc=$?
check "second sweep exits 0 and runs nothing: $out" sh -c '[ "$1" -eq 0 ] && printf "%s" "$2" | grep -q "8 cells: 0 run, 8 already done"' - "$rc" "$out"
check "second sweep rewrote no result" test "$(cat "$G"/*.json | cksum)" = "$sum1"
rm "$G/4node-48cpu__numa02__base__s1.json"
out=$("$BIN" sweep "$TMP/grid.yaml" --jobs 2 2>&1)
check "a missing result is run again, alone: $out" sh -c 'printf "%s" "$1" | grep -q "8 cells: 1 run, 7 already done"' - "$out"
"$BIN" merge "$G" --csv "$TMP/again.csv" >/dev/null
check "the rerun cell gives the same CSV" cmp -s "$TMP/local.csv" "$TMP/again.csv"

# a failing cell: its result cannot be written (a folder is in the way)
cp -r "$G" "$TMP/broken"
rm "$TMP/broken/tiered-16cpu__numa02__base__s2.json"
mkdir "$TMP/broken/tiered-16cpu__numa02__base__s2.json"
out=$("$BIN" sweep "$TMP/grid.yaml" --out "$TMP/broken" --jobs 2 2>&1); rc=$?
check "a failed cell: exit 1 ($rc)" test "$rc" -eq 1
check "the failed cell is named, with its log: $out" sh -c 'printf "%s" "$1" | grep -q "cell 5 tiered-16cpu__numa02__base__s2: failed (exit 2): see .*/log/tiered-16cpu__numa02__base__s2.log"' - "$out"
check "its log says why" grep -q "json" "$TMP/broken/log/tiered-16cpu__numa02__base__s2.log"
expect 2 "merge: .*/broken/tiered-16cpu__numa02__base__s2.json: cannot read: Is a directory" -- merge "$TMP/broken"
rmdir "$TMP/broken/tiered-16cpu__numa02__base__s2.json"
expect 1 "merge: cell 5 tiered-16cpu__numa02__base__s2: missing" -- merge "$TMP/broken" --csv "$TMP/broken.csv"
check "the CSV row of a missing cell" grep -q "^tiered-16cpu__numa02__base__s2,tiered-16cpu,numa02,0.002,2,base,,missing," "$TMP/broken.csv"

# ---- GNU parallel: the printed invocation, run as printed ----
if command -v parallel >/dev/null 2>&1; then
	out=$("$BIN" sweep "$TMP/grid.yaml" --out "$TMP/par" --emit parallel --jobs 2); rc=$?
	check "emit parallel exits 0 ($rc)" test "$rc" -eq 0
	check "8 jobs" test "$(wc -l <"$TMP/par/jobs.txt")" -eq 8
	check "a job is numasim run" grep -q "^$BIN run --machine 4node-48cpu --workload numa02 --scale 0.002 --seed 1 --set kernel.numa_balancing=0 --quiet --json $TMP/par/4node-48cpu__numa02__nobal__s1.json\$" "$TMP/par/jobs.txt"
	inv=$(printf '%s\n' "$out" | grep '^  parallel --joblog ')
	check "the printed invocation: $out" test -n "$inv"
	(cd "$TMP" && eval "$inv") >/dev/null 2>&1
	check "parallel's joblog: 8 jobs, all exit 0" test "$(awk 'NR > 1 && $7 == 0' "$TMP/par/joblog" | wc -l)" -eq 8
	"$BIN" merge "$TMP/par" --csv "$TMP/par.csv" >/dev/null
	check "parallel's CSV is the local one" cmp -s "$TMP/local.csv" "$TMP/par.csv"
	(cd "$TMP" && eval "$inv") >/dev/null 2>&1
	check "parallel --resume runs nothing again" test "$(awk 'NR > 1' "$TMP/par/joblog" | wc -l)" -eq 8
else
	echo "sweep.sh: GNU parallel not installed (tools/install-deps.sh): its case skipped" >&2
fi

# ---- Slurm: the array script, each task as Slurm would start it ----
expect 0 "sbatch" -- sweep "$TMP/grid.yaml" --out "$TMP/slurm" --emit slurm
S=$TMP/slurm/sweep.sbatch
check "the script is bash" bash -n "$S"
check "an array of 8 tasks" grep -q '^#SBATCH --array=0-7$' "$S"
check "per-task output" grep -q "^#SBATCH --output=$TMP/slurm/log/slurm-%a.log\$" "$S"
for i in 0 1 2 3 4 5 6 7; do
	SLURM_ARRAY_TASK_ID=$i bash "$S" >"$TMP/slurm/log/slurm-$i.log" 2>&1 || ko "task $i failed"
done
check "task 8 does not exist" sh -c '! SLURM_ARRAY_TASK_ID=8 bash "$1" 2>/dev/null' - "$S"
check "outside Slurm the script refuses" sh -c '! env -u SLURM_ARRAY_TASK_ID bash "$1" 2>/dev/null' - "$S"
"$BIN" merge "$TMP/slurm" --csv "$TMP/slurm.csv" >/dev/null
check "the Slurm tasks' CSV is the local one" cmp -s "$TMP/local.csv" "$TMP/slurm.csv"
# ---- a real Slurm: a private one-node cluster on this host ----
# Only that cluster is used, never one the environment points at, so the
# jobs cannot queue behind others; and no SBATCH_* or SLURM_* variable of a
# calling job reaches sbatch.
for v in $(env | sed -n 's/^\(S\(BATCH\|LURM\)_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
slurm_skip() {
	echo "sweep.sh: the real Slurm cases skipped (the tasks ran emulated above): $1" >&2
	[ -z "${NUMASIM_REQUIRE_SLURM:-}" ] || ko "NUMASIM_REQUIRE_SLURM is set, but the real Slurm cases were skipped"
}
have_slurm=1
for p in munged slurmctld slurmd sbatch; do
	command -v "$p" >/dev/null 2>&1 || have_slurm=0
done
if [ "$have_slurm" -eq 0 ]; then
	slurm_skip "Slurm is not installed (tools/install-deps.sh installs slurmctld, slurmd, slurm-client, munge)"
elif ! out=$("$ROOT/tools/slurm-local.sh" start "$TMP/cluster" --watch $$ 2>&1); then
	slurm_skip "the private Slurm did not start here: $out"
else
	SD=$TMP/cluster
	export SLURM_CONF="$SD/slurm.conf"
	"$BIN" sweep "$TMP/grid.yaml" --out "$TMP/sbatch" --emit slurm >/dev/null
	SB=$TMP/sbatch/sweep.sbatch
	out=$(timeout 20 sbatch --test-only "$SB" 2>&1); rc=$?
	check "sbatch --test-only takes the script ($rc): $out" sh -c '[ "$1" -eq 0 ] && printf "%s" "$2" | grep -q "to start at"' - "$rc" "$out"
	# the check has teeth: more tasks than Slurm's default MaxArraySize
	# (1001) are refused, and a range of them is taken (docs/sweep.md)
	spec big.yaml 'machines: tiered-16cpu
workloads: numa02
scale: 0.002
seeds: 1002'
	out=$("$BIN" sweep "$TMP/big.yaml" --out "$TMP/big" --emit slurm 2>&1)
	check "1002 tasks: the sweep warns: $out" sh -c 'printf "%s" "$1" | grep -q "MaxArraySize is 1001"' - "$out"
	out=$(timeout 20 sbatch --test-only "$TMP/big/sweep.sbatch" 2>&1); rc=$?
	check "sbatch refuses an array of 1002 ($rc): $out" sh -c '[ "$1" -ne 0 ] && printf "%s" "$2" | grep -q "Invalid job array specification"' - "$rc" "$out"
	check "sbatch takes --array=0-999 of it" timeout 20 sbatch --test-only --array=0-999 "$TMP/big/sweep.sbatch" >/dev/null 2>&1
	# the array run for real: every task by slurmd, merged to the same CSV
	t0=$(date +%s)
	out=$(timeout 60 sbatch --wait --parsable "$SB" 2>&1); rc=$?
	check "sbatch --wait: the array ran, exit 0 ($rc, $(($(date +%s) - t0)) s): $out" test "$rc" -eq 0
	check "Slurm wrote each task's log" test "$(ls "$TMP/sbatch/log/" | grep -c '^slurm-[0-7]\.log$')" -eq 8
	"$BIN" merge "$TMP/sbatch" --csv "$TMP/sbatch.csv" >/dev/null 2>&1
	check "sbatch's CSV is the local one" cmp -s "$TMP/local.csv" "$TMP/sbatch.csv"
	pids=$(cat "$SD/slurmctld.pid" "$SD/slurmd.pid" "$SD/munge/munged.pid" 2>/dev/null)
	check "the daemons' three PIDs: $pids" test "$(echo $pids | wc -w)" -eq 3
	"$ROOT/tools/slurm-local.sh" stop "$SD" >/dev/null 2>&1
	left=""
	for p in $pids; do
		tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$SD/" && left="$left $p"
	done
	check "the private Slurm stopped:$left" test -z "$left"
	SD=""
	unset SLURM_CONF
fi

# ---- odd file names: found next to the spec, quoted for the shell ----
mkdir -p "$TMP/odd dir"
cp "$ROOT/workloads/numa02.yaml" "$TMP/odd dir/it's \$x.yaml" 2>/dev/null ||
	printf 'version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 8M\n      - touch: r\n' >"$TMP/odd dir/it's \$x.yaml"
printf '%s\n' 'machines: tiered-16cpu' 'workloads: ["it'"'"'s $x.yaml"]' 'scale: 0.002' >"$TMP/odd dir/odd.yaml"
"$BIN" sweep "$TMP/odd dir/odd.yaml" --out "$TMP/odd out" --emit parallel >/dev/null
line=$(cat "$TMP/odd out/jobs.txt")
check "the file is made absolute and quoted: $line" sh -c 'printf "%s" "$1" | grep -qF -- "--workload '"'"'$2/odd dir/it'"'"'\\'"'"''"'"'s \$x.yaml'"'"'"' - "$line" "$TMP"
sh -c "$line" >/dev/null 2>&1
check "the quoted job runs" test -s "$TMP/odd out/tiered-16cpu__it_s_x__default__s1.json"

echo "sweep.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
