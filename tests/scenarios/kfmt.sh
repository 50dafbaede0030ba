#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Command-line tests of the outputs in other tools' formats (docs/kernel-formats.md):
# run --numastat, --numa-maps PID, --sched PID against the layouts of the real
# tools on this host where it has them; compare --format mmtests; the progress
# line on a terminal (util-linux script(1) gives the run a pty), and not when
# piped or with --quiet.
# Usage: tests/scenarios/kfmt.sh build/release/numasim
set -u
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

. "$(dirname "$0")/lib.sh"

SMALL="--workload numa02:threads=4 --scale 0.005 --quiet"

# bad PIDs: refused before the run, naming the option and the PID
expect 2 "\-\-numa-maps 5: no such task: workload 'numa02:.*' has tasks 0 to 4" -- run $SMALL --numa-maps 5
expect 2 "\-\-sched 99: no such task" -- run $SMALL --sched 99
expect 2 "\-\-sched 'x': expected a task id" -- run $SMALL --sched x
expect 2 "\-\-numa-maps '-1': expected a task id" -- run $SMALL --numa-maps -1
expect 2 "option '--numa-maps' needs a value" -- run $SMALL --numa-maps
expect 0 "^# cat /proc/4/sched" -- run $SMALL --sched 4

"$BIN" run $SMALL --numastat --numa-maps 0 --sched 1 >"$TMP/out" 2>"$TMP/err"
check "run --numastat: exit 0, nothing on stderr ($(cat "$TMP/err"))" test ! -s "$TMP/err"
sed -n '/^# numastat -m/,/^# numastat$/p' "$TMP/out" | sed '1d;$d' >"$TMP/m"
sed -n '/^# cat \/proc\/0\/numa_maps/,/^# cat/p' "$TMP/out" | sed '1d;$d' >"$TMP/maps"
sed -n '/^# cat \/proc\/1\/sched/,$p' "$TMP/out" | sed '1d' >"$TMP/sched"

# numastat -m: a 16-column label, then 16 columns per node and Total (2 nodes here)
check "numastat -m rows are 64 columns wide" \
	awk 'NF && !/^Per-node/ && length($0) != 64 { exit 1 }' "$TMP/m"
check "numastat -m has the header of numastat" \
	grep -qx '                          Node 0          Node 1           Total' "$TMP/m"
check "numastat -m: MemUsed = MemTotal - MemFree" awk '
	$1 == "MemTotal" { t = $4 } $1 == "MemFree" { f = $4 } $1 == "MemUsed" { u = $4 }
	END { d = t - f - u; exit !(d < 0.02 && d > -0.02) }' "$TMP/m"
check "numastat -m: AnonPages > 0" awk '$1 == "AnonPages" && $4 > 0 { y = 1 } END { exit !y }' "$TMP/m"
# the real numastat on this host (numactl), where there is one: same widths
if command -v numastat >/dev/null 2>&1 && [ -d /sys/devices/system/node/node0 ]; then
	nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
	numastat -m 2>/dev/null | grep '^MemTotal' >"$TMP/real_m"
	check "real numastat -m: its MemTotal row is 16 + 16 * (nodes + 1) wide" \
		awk -v w=$((16 + 16 * (nodes + 1))) 'length($0) != w { exit 1 }' "$TMP/real_m"
	numastat | sed -n 2p >"$TMP/real_default"
	grep -A1 '^# numastat$' "$TMP/out" | sed -n 3p >"$TMP/sim_default"
	check "numastat: numa_hit row laid out as the real one (16 + 16 per node)" \
		awk -v w=$((16 + 16 * nodes)) 'length($0) != w || $1 != "numa_hit" { exit 1 }' \
		"$TMP/real_default"
	check "numastat (sim): numa_hit row 16 + 16 per node" \
		awk 'length($0) != 48 || $1 != "numa_hit" { exit 1 }' "$TMP/sim_default"
fi

# numa_maps: show_numa_map()'s fields in its order; a line the real kernel
# writes for this shell's own process matches the same pattern
MAPS_RE='^[0-9a-f]{8,} (default|local|(prefer|bind|interleave|weighted interleave|prefer \(many\))(=[a-z|]+)?:[0-9,-]+)( file=[^ ]+| heap| stack)?( anon=[0-9]+)?( dirty=[0-9]+)?( mapped=[0-9]+)?( mapmax=[0-9]+)?( active=[0-9]+)?( N[0-9]+=[0-9]+)*( kernelpagesize_kB=[0-9]+)?$'
check "numa_maps lines: fields as show_numa_map prints them" \
	sh -c "test -s '$TMP/maps' && ! grep -Ev '$MAPS_RE' '$TMP/maps'"
check "numa_maps has the heap, the stack and the text" \
	sh -c "grep -q ' heap ' '$TMP/maps' && grep -q ' stack ' '$TMP/maps' && grep -q ' file=' '$TMP/maps'"
if [ -r /proc/self/numa_maps ]; then
	grep -v 'file=.* .*=' /proc/self/numa_maps | grep -v '\[' | head -20 >"$TMP/real_maps"
	check "the real /proc/self/numa_maps matches the same pattern" \
		sh -c "test -s '$TMP/real_maps' && ! grep -Ev '$MAPS_RE' '$TMP/real_maps'"
fi
# without the process image: no heap, no stack
"$BIN" run --workload numa01:threads=2 --scale 0.005 --quiet --set numasim.process_image=0 \
	--numa-maps 0 >"$TMP/maps2"
check "numa_maps without the process image has no heap or stack" \
	sh -c "! grep -q ' heap\| stack' '$TMP/maps2'"

# /proc/PID/sched: "%-45s:%21Ld" and "%-45s:%14Ld.%06ld" lines, 67 columns
check "sched: the header and the fields" sh -c "
	head -1 '$TMP/sched' | grep -Eq '^numa02 \(1, #threads: 5\)$' &&
	grep -Eq '^se\.sum_exec_runtime +: +[0-9]+\.[0-9]{6}$' '$TMP/sched' &&
	grep -Eq '^numa_preferred_nid +: +-?[0-9]+$' '$TMP/sched' &&
	grep -Eq '^current_node=[0-9]+, numa_group_id=[0-9]+$' '$TMP/sched' &&
	grep -Eq '^numa_faults node=1 task_private=[0-9]+ task_shared=[0-9]+ group_private=[0-9]+ group_shared=[0-9]+$' '$TMP/sched'"
check "sched: value lines are 67 wide" \
	awk '/ : / || /:  / { if (length($0) != 67) exit 1 }' "$TMP/sched"
if [ -r /proc/self/sched ]; then
	grep '^se.sum_exec_runtime\|^se.nr_migrations' /proc/self/sched >"$TMP/real_sched"
	check "the real /proc/self/sched lines are 67 wide too" \
		awk 'length($0) != 67 { exit 1 }' "$TMP/real_sched"
fi

# compare --format mmtests
expect 2 "\-\-format 'html5': expected text or mmtests" -- compare --variant a --format html5
"$BIN" compare --workload numa02:threads=4 --scale 0.005 --seeds 3 --variant base \
	--variant thp-never:transparent_hugepage.enabled=never --format mmtests >"$TMP/mmt" 2>&1
check "mmtests: the stat rows in mmtests' order" sh -c "
	grep -E '^(Min|Amean|Stddev|CoeffVar|Max|BAmean.95) +elapsed ' '$TMP/mmt' | cut -c1-9 |
	tr -d ' ' | tr '\n' ,  | grep -qx 'Min,Amean,Stddev,CoeffVar,Max,BAmean.95,'"
check "mmtests: baseline gains are 0.00%, columns 12.P and ( 7.2f%) or *7.2f%*" \
	grep -Eq '^Amean +elapsed +[0-9]+\.[0-9]{4} \(   0\.00%\) +[0-9]+\.[0-9]{4} [(*] *-?[0-9]+\.[0-9]{2}%[)*]$' "$TMP/mmt"
check "mmtests: the header splits 'thp-never' at its '-'" \
	sh -c "grep -Eq '^ +thp$' '$TMP/mmt' && grep -Eq '^ +base +never$' '$TMP/mmt'"
# identical columns: no gain, nothing marked
"$BIN" compare --workload numa02:threads=4 --scale 0.005 --seeds 3 --variant a --variant b \
	--format mmtests >"$TMP/mmt2" 2>&1
check "mmtests: identical variants: every gain 0.00%, none marked" sh -c "
	! grep -q '\*' '$TMP/mmt2' && ! grep -E '^(Min|Amean)' '$TMP/mmt2' | grep -qv '(   0.00%) .*(   0.00%)$'"

# the progress line: on a terminal, for runs over a host second
LONG="run --workload random:accesses=20000000 --scale 0.1"
if command -v script >/dev/null 2>&1; then
	script -qec "$BIN $LONG --json $TMP/a.json >/dev/null" /dev/null >"$TMP/tty" 2>&1
	check "progress: shown on a terminal" grep -q '\[numasim\] .*% of the work, simulated .* s, host .* s' "$TMP/tty"
	check "progress: ends at 100%" grep -q '100.0% of the work' "$TMP/tty"
	script -qec "$BIN $LONG --quiet" /dev/null >"$TMP/tty_quiet" 2>&1
	check "progress: --quiet silences it" sh -c "! grep -q 'of the work' '$TMP/tty_quiet'"
	script -qec "$BIN compare --workload random:accesses=20000000 --scale 0.1 --variant only >/dev/null" \
		/dev/null >"$TMP/tty_cmp" 2>&1
	check "progress: compare shows it per variant" \
		grep -q "\[numasim compare\] variant 1/1 'only': .*% of the work" "$TMP/tty_cmp"
fi
"$BIN" $LONG --json "$TMP/b.json" >/dev/null 2>"$TMP/piped"
check "progress: not when stderr is not a terminal" test ! -s "$TMP/piped"
if [ -f "$TMP/a.json" ]; then
	grep -v '"host_s"' "$TMP/a.json" >"$TMP/a.cmp"
	grep -v '"host_s"' "$TMP/b.json" >"$TMP/b.cmp"
	check "progress: the result is the same with the line and without" cmp -s "$TMP/a.cmp" "$TMP/b.cmp"
fi

echo "kfmt.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
