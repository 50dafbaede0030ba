#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Tests of numasim-native (docs/native.md) on this machine: a small real run,
# what its JSON says, that `numasim compare --from-json` reads it beside a
# simulation, every operation (--ops-test), and bad input.
# Usage: tests/scenarios/native.sh build/release/numasim-native build/release/numasim
set -u
NAT=$1
SIM=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

. "$(dirname "$0")/lib.sh"

if ! command -v jq >/dev/null; then
	echo "native: jq is needed (tools/install-deps.sh installs it)" >&2
	exit 1
fi

# expect CODE PATTERN -- ARGS...: exit status CODE and stderr+stdout matching PATTERN
expect() {
	code=$1; pattern=$2; shift 3
	out=$("$NAT" "$@" 2>&1); rc=$?
	if [ "$rc" -ne "$code" ]; then
		ko "numasim-native $*: exit $rc, expected $code; output: $out"
	elif [ -n "$pattern" ] && ! printf '%s' "$out" | grep -q -- "$pattern"; then
		ko "numasim-native $*: output lacks '$pattern': $out"
	else
		ok
	fi
}

# jqt FILE EXPR WHAT: EXPR (a jq filter) is true of FILE
jqt() {
	if [ "$(jq "$2" "$1" 2>&1)" = true ]; then ok; else ko "$3: $(jq -c "$2" "$1" 2>&1)"; fi
}

# bad input
expect 2 "usage" --
expect 2 "unknown option '\-\-bogus'" -- --bogus seq
expect 2 "\-\-interval '0'" -- --interval 0 seq
expect 2 "\-\-scale 'x'" -- --scale x seq
expect 2 "unexpected argument 'two'" -- seq two
expect 2 "unknown key 'bogus'" -- 'seq:bogus=1'
expect 2 "workload" -- no_such_workload
expect 2 "MemAvailable" -- seq:size=4T,threads=1,passes=1
expect 2 "give no WORKLOAD" -- --ops-test seq

# a small sweep: 64 MiB, 2 threads, 2 passes, each thread its own slice
SPEC=seq:size=64M,threads=2,passes=2
PAGES=16384	# 64 MiB / 4 KiB
if "$NAT" --interval 10 --json "$TMP/real.json" --machine-xml "$TMP/host.xml" "$SPEC" \
	>"$TMP/real.txt" 2>"$TMP/real.err"; then ok
else ko "numasim-native $SPEC exited $?: $(cat "$TMP/real.err")"; fi
if grep -q "elapsed (wall)" "$TMP/real.txt" && grep -q "process 0  resident .* 64 MiB" "$TMP/real.txt"; then ok
else ko "summary: no elapsed line or 64 MiB resident: $(cat "$TMP/real.txt")"; fi
jqt "$TMP/real.json" '.elapsed_s > 0 and .failed == false and .error == ""' "elapsed_s > 0, not failed"
jqt "$TMP/real.json" '.config.workload | startswith("seq:size=64M,threads=2,passes=2")' "config.workload"
jqt "$TMP/real.json" '.config.machine == "host" and (.native.kernel | startswith("Linux"))' "machine and kernel recorded"
jqt "$TMP/real.json" '(.processes | length) == 1 and (.processes[0].tasks | length) == 3' "1 process of 3 tasks"
# every page of the region is resident at the end, on the host's nodes
jqt "$TMP/real.json" "(.processes[0].resident_pages | add) as \$p | \$p >= $PAGES and \$p <= $PAGES + 512" \
	"resident pages ~ $PAGES"
jqt "$TMP/real.json" '(.processes[0].resident_pages | length) == (.nodes | length)' "one count per node"
# as many nodes as numactl sees
if command -v numactl >/dev/null; then
	n=$(numactl -H | sed -n 's/^available: \([0-9]*\) nodes.*/\1/p')
	jqt "$TMP/real.json" "(.nodes | length) == $n and (.native.machine.nodes | length) == $n" "$n nodes as numactl -H"
fi
# each page was allocated once at least (the counters are system-wide)
if [ -r /sys/devices/system/node/node0/numastat ]; then
	jqt "$TMP/real.json" "[.nodes[].numastat.numa_hit] | add >= $PAGES" "numastat numa_hit >= $PAGES"
	jqt "$TMP/real.json" ".vmstat.numa_hit >= $PAGES" "vmstat numa_hit >= $PAGES"
fi
jqt "$TMP/real.json" ".vmstat.pgfault >= 1" "pgfault counted"
# the time series: samples from 0 on, placement of process 0 over time
jqt "$TMP/real.json" '(.timeseries | length) >= 2 and .timeseries[0].t_s >= 0 and
	(.timeseries[-1].process_resident_pages[0] | add) >= 16384 and
	(.timeseries | map(.t_s) | . == sort)' "time series"
if [ -r /proc/sys/kernel/numa_balancing ]; then
	jqt "$TMP/real.json" ".config.tunables[\"kernel.numa_balancing\"] == \"$(cat /proc/sys/kernel/numa_balancing)\"" \
		"kernel.numa_balancing recorded"
fi
# and, where it differs from numasim's default (1), as an option to simulate with
if [ -r /proc/sys/kernel/numa_balancing ] && [ "$(cat /proc/sys/kernel/numa_balancing)" != 1 ]; then
	jqt "$TMP/real.json" ".native.set_options | index([\"kernel.numa_balancing=$(cat /proc/sys/kernel/numa_balancing)\"]) != null" \
		"set_options has kernel.numa_balancing"
	if grep -q "simulate with .*--set kernel.numa_balancing=" "$TMP/real.txt"; then ok
	else ko "summary: no 'simulate with' line: $(cat "$TMP/real.txt")"; fi
fi
if [ -r /sys/kernel/mm/transparent_hugepage/enabled ]; then
	jqt "$TMP/real.json" '.config.tunables["transparent_hugepage.enabled"] | test("^(always|madvise|never)$")' \
		"THP mode recorded"
fi

# beside a simulation of the same spec on this host's topology
if "$SIM" run --machine "$TMP/host.xml" --workload "$SPEC" --quiet --json "$TMP/sim.json" 2>"$TMP/sim.err"; then ok
else ko "numasim run --machine host.xml exited $?: $(cat "$TMP/sim.err")"; fi
if "$SIM" compare --from-json "real=$TMP/real.json" --from-json "sim=$TMP/sim.json" >"$TMP/cmp.txt" 2>&1; then ok
else ko "compare --from-json real= sim=: $(cat "$TMP/cmp.txt")"; fi
if grep -q "real run (numasim-native" "$TMP/cmp.txt" &&
   awk '$1 == "process" && $2 == 0 && $4 == 0 && $6 == 64 && $7 == 64 { r = 1 } END { exit !r }' "$TMP/cmp.txt" &&
   grep -q '^oracle stale_reads  *- ' "$TMP/cmp.txt"; then ok
else ko "compare table: $(cat "$TMP/cmp.txt")"; fi

# the same seed draws the simulator's lines: equal access counts (xsbench's
# depend on every key drawn) on the same machine
if "$NAT" --quiet --scale 0.002 --json "$TMP/xs.json" xsbench &&
   "$SIM" run --machine "$TMP/host.xml" --workload xsbench --scale 0.002 --quiet --json "$TMP/xs-sim.json" &&
   [ "$(jq .workload.accesses "$TMP/xs.json")" = "$(jq .vmstat.sim_accesses "$TMP/xs-sim.json")" ] &&
   [ "$(jq .workload.accesses "$TMP/xs.json")" -gt 0 ]; then ok
else ko "xsbench: native accesses $(jq .workload.accesses "$TMP/xs.json"), simulated $(jq .vmstat.sim_accesses "$TMP/xs-sim.json")"; fi

# a workload file runs for real too: zipf and chase phases of two threads,
# as many accesses as the simulator makes of the same file
printf 'version: 1\nprocesses:\n  - phases:\n      - mmap: buf\n        size: 16M\n      - sweep: buf\n        access: write\n    threads:\n      - count: 2\n        phases:\n          - zipf: buf\n            s: 1.1\n            accesses: 20000\n            write_ratio: 0.3\n          - chase: buf\n            accesses: 10000\n' >"$TMP/zc.yaml"
if "$NAT" --quiet --json "$TMP/zc.json" "$TMP/zc.yaml" &&
   "$SIM" run --machine "$TMP/host.xml" --workload "$TMP/zc.yaml" --quiet --json "$TMP/zc-sim.json" &&
   [ "$(jq .workload.accesses "$TMP/zc.json")" = 60000 ] &&
   [ "$(jq .vmstat.sim_accesses "$TMP/zc-sim.json")" = 60000 ]; then ok
else ko "zipf/chase file: native $(jq -c .workload.accesses "$TMP/zc.json"), simulated $(jq -c .vmstat.sim_accesses "$TMP/zc-sim.json")"; fi

# fork: forkcow's two processes, the child's copy of the region resident too
if "$NAT" --quiet --json "$TMP/fork.json" forkcow:size=8M; then ok; else ko "forkcow exited $?"; fi
jqt "$TMP/fork.json" '(.processes | length) == 2 and ([.processes[].resident_pages | add] | min) >= 2048' \
	"forkcow: 2 processes with 8 MiB each"

# every operation: the NUMA calls' outcomes in "syscalls"
if "$NAT" --ops-test --quiet --json "$TMP/ops.json" 2>"$TMP/ops.err"; then ok
else ko "--ops-test exited $?: $(cat "$TMP/ops.err")"; fi
jqt "$TMP/ops.json" '[.syscalls[] | select(.op == "move_pages")][0] | .ret == 0 and .pages == 256 and .status["0"] == 256' \
	"ops-test: move_pages of 256 pages to node 0"
jqt "$TMP/ops.json" '[.syscalls[] | select(.op == "migrate_pages")][0].ret >= 0' "ops-test: migrate_pages"
jqt "$TMP/ops.json" '(.processes | length) == 2 and .workload.accesses >= 50400 and
	(.processes[0].resident_pages | add) as $p | $p >= 512 and $p <= 768' \
	"ops-test: processes, accesses, at most 3 MiB left after DONTNEED and munmap (PAGEOUT may swap)"

# --set: unknown keys, simulator-only keys and bad values exit 2 naming the key
expect 2 "unknown tunable 'bogus.knob'" -- --set bogus.knob=1 seq
expect 2 "'numasim.slice_us' is the simulator's own" -- --set numasim.slice_us=100 seq
expect 2 "tunable 'transparent_hugepage.enabled': bad value 'sometimes'" -- \
	--set transparent_hugepage.enabled=sometimes seq
expect 2 "expected KEY=VALUE" -- --set novalue seq
expect 2 "give no WORKLOAD" -- --calibrate "$TMP/x.machine" seq
expect 2 "\-\-calibrate '$TMP/x.xml': numasim reads a file named \*.xml as hwloc XML" -- --calibrate "$TMP/x.xml"

# --set of a knob this host has: written, read back in native.knobs_set and in
# config.tunables; the host's value is restored afterwards
THP=/sys/kernel/mm/transparent_hugepage/enabled
thp_now() { sed 's/.*\[\(.*\)\].*/\1/' "$THP"; }
if [ -w "$THP" ]; then
	THP0=$(thp_now)
	trap 'echo "$THP0" >"$THP"; rm -rf "$TMP"' EXIT
	if [ "$THP0" = never ]; then WANT=madvise; else WANT=never; fi
	if "$NAT" --quiet --json "$TMP/set.json" --set "transparent_hugepage.enabled=$WANT" \
		seq:size=8M,threads=1,passes=1 2>"$TMP/set.err"; then ok
	else ko "--set transparent_hugepage.enabled=$WANT exited $?: $(cat "$TMP/set.err")"; fi
	if [ "$(thp_now)" = "$WANT" ]; then ok; else ko "--set: $THP is '$(thp_now)', not $WANT"; fi
	echo "$THP0" >"$THP"
	jqt "$TMP/set.json" "(.native.knobs_set | length) == 1 and .native.knobs_set[0] ==
		{key: \"transparent_hugepage.enabled\", value: \"$WANT\", file: \"$THP\", applied: true,
		 error: null, readback: \"$WANT\"}" "--set: native.knobs_set records the knob applied"
	jqt "$TMP/set.json" ".config.tunables[\"transparent_hugepage.enabled\"] == \"$WANT\"" \
		"--set: config.tunables reads the value set back"
	if [ "$WANT" = never ]; then
		jqt "$TMP/set.json" '.native.set_options | index("transparent_hugepage.enabled=never") != null' \
			"--set: set_options reflects the value set"
	fi
	# a knob this kernel does not take (no such mTHP size file, or one the
	# kernel refuses): a warning, not fatal, recorded as not applied
	MTHP=/sys/kernel/mm/transparent_hugepage/hugepages-16kB/enabled
	if [ ! -e "$MTHP" ]; then
		expect 0 "warning: --set transparent_hugepage.hugepages-16kB.enabled=never not applied" -- \
			--quiet --json "$TMP/set2.json" --set transparent_hugepage.hugepages-16kB.enabled=never \
			seq:size=4M,threads=1,passes=1
		jqt "$TMP/set2.json" '.native.knobs_set[0] | .applied == false and (.error | test("no such file")) and .readback == null' \
			"--set of a missing knob: not applied, the error recorded"
	fi
fi

# a boolean in the kernel's spelling, written as 1 and read back as the kernel says it
DEM=/sys/kernel/mm/numa/demotion_enabled
if [ -w "$DEM" ]; then
	DEM0=$(cat "$DEM")
	if "$NAT" --quiet --json "$TMP/dem.json" --set numa.demotion_enabled=true \
		seq:size=4M,threads=1,passes=1 2>"$TMP/dem.err"; then ok
	else ko "--set numa.demotion_enabled=true exited $?: $(cat "$TMP/dem.err")"; fi
	DEM1=$(cat "$DEM")
	echo "$DEM0" >"$DEM"
	if [ "$DEM1" = true ] || [ "$DEM1" = 1 ]; then ok; else ko "--set numa.demotion_enabled=true: $DEM reads '$DEM1'"; fi
	jqt "$TMP/dem.json" '.native.knobs_set[0] | .applied and .value == "true" and (.readback == "true" or .readback == "1")' \
		"--set numa.demotion_enabled=true: applied, read back"
	jqt "$TMP/dem.json" '.config.tunables["numa.demotion_enabled"] == "1"' "--set: demotion in config.tunables as 1"
fi

# a debugfs knob: applied and read back where the kernel takes it, else a
# warning and the error recorded (this host refuses debugfs writes); the
# value written is the one there already (or the default)
HOT=/sys/kernel/debug/sched/numa_balancing/hot_threshold_ms
HOTV=$(cat "$HOT" 2>/dev/null || echo 1000)
if "$NAT" --quiet --json "$TMP/hot.json" --set "numa_balancing.hot_threshold_ms=$HOTV" \
	seq:size=4M,threads=1,passes=1 2>"$TMP/hot.err"; then ok
else ko "--set numa_balancing.hot_threshold_ms exited $?: $(cat "$TMP/hot.err")"; fi
jqt "$TMP/hot.json" ".native.knobs_set[0] | .file == \"$HOT\" and
	((.applied and .error == null and .readback == \"$HOTV\") or (.applied == false and (.error | length) > 0))" \
	"--set of a debugfs knob: applied and read back, or the error recorded"
if jq -e '.native.knobs_set[0].applied' "$TMP/hot.json" >/dev/null || grep -q "warning: --set numa_balancing.hot_threshold_ms=$HOTV not applied" "$TMP/hot.err"
then ok; else ko "--set of a debugfs knob not applied without a warning: $(cat "$TMP/hot.err")"; fi

# --calibrate: a machine file numasim loads and runs, with the measured keys
# in the parser's ranges, and the raw figures in the JSON
NB=/proc/sys/kernel/numa_balancing
NB0=$(cat "$NB" 2>/dev/null)
NODES=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
if "$NAT" --calibrate "$TMP/cal.machine" --json "$TMP/cal.json" --set "transparent_hugepage.enabled=$(thp_now)" \
	>"$TMP/cal.out" 2>"$TMP/cal.err"; then ok
else ko "--calibrate exited $?: $(cat "$TMP/cal.err")"; fi
if [ "$(cat "$NB" 2>/dev/null)" = "$NB0" ]; then ok; else ko "--calibrate changed $NB"; fi
if "$SIM" run --machine "$TMP/cal.machine" --workload seq:size=16M,threads=1,passes=1 \
	--json "$TMP/calrun.json" >"$TMP/calrun.out" 2>&1; then ok
else ko "numasim run --machine of the calibrated file: $(cat "$TMP/calrun.out")"; fi
jqt "$TMP/calrun.json" '.failed == false and .config.machine == "cal"' "calibrated machine: run, named by the file"
# key = a positive decimal in (0, max]
key_ok() {
	v=$(sed -n "s/^$1 = \([0-9.]*\)$/\1/p" "$TMP/cal.machine" | head -1)
	if [ -n "$v" ] && awk -v v="$v" -v m="$2" 'BEGIN { exit !(v > 0 && v <= m) }'; then ok
	else ko "calibrated file: $1 = '$v', not in (0, $2]"; fi
}
key_ok thread_bw_gbps 1e6
key_ok bw_gbps 1e6
key_ok write_bw_gbps 1e6
key_ok minor_fault_ns 1e9
if [ "$(grep -c '^[0-9]* = [0-9 ]*$' "$TMP/cal.machine")" -ge $((NODES + 1)) ]; then ok
else ko "calibrated file: no [latency] and [distance] rows: $(cat "$TMP/cal.machine")"; fi
if grep -q "^# minor_fault_ns: first write to [0-9]* 4 KiB pages" "$TMP/cal.machine"; then ok
else ko "calibrated file: minor_fault_ns without its method"; fi
jqt "$TMP/cal.json" "(.topology.nodes | length) == $NODES and .topology.memory_source == \"MemTotal\"" \
	"calibrate JSON: topology of every node"
jqt "$TMP/cal.json" '.measurements | (.latency_ns | .measured and .unit == "ns" and .value[0][0] > 0 and
	.value[0][0] < 1000000 and (.samples[0] | .loads > 0 and .buffer_bytes >= 4194304))
	and (.thread_bw_gbps | .measured and .value > 0 and .key == "thread_bw_gbps")
	and (.bw_gbps.value[0] > 0) and (.write_bw_gbps.value[0] > 0)
	and (.minor_fault_ns | .measured and .value > 0 and .samples[0].pages > 0 and (.method | length) > 0)
	and (.hint_fault_ns | has("measured") and has("method") and has("samples"))' \
	"calibrate JSON: the measured figures with unit, method and samples"
# applied, or (a read-only /sys, as in a container) the error recorded
jqt "$TMP/cal.json" '.native.knobs_set[0] | .key == "transparent_hugepage.enabled" and
	(.applied or (.applied == false and (.error | length) > 0))' "calibrate JSON: the --set knobs"
if [ "$NODES" -lt 2 ]; then
	jqt "$TMP/cal.json" '.measurements | (.migrate_folio_ns.measured | not) and (.hint_fault_ns.measured | not)
		and (.hint_fault_ns.method | test("one node"))' "calibrate, one node: no migration or hint faults, and why"
	if grep -q "^# migrate_folio_ns: not measured: one memory node" "$TMP/cal.machine" &&
		! grep -q "^migrate_folio_ns" "$TMP/cal.machine"; then ok
	else ko "calibrated file: migrate_folio_ns written on one node"; fi
else
	key_ok migrate_folio_ns 1e9
fi
jqt "$TMP/calrun.json" '.failed == false' "calibrated machine: the run did not fail"

# a workload that fails while running (its mmap cannot be had): exit 1, the
# message in the JSON. Not under ASan, which reserves terabytes of addresses.
case "$NAT" in
*/debug/*) ;;
*)
	out=$( (ulimit -v 400000; "$NAT" --quiet --json "$TMP/fail.json" seq:size=512M,threads=2,passes=1) 2>&1); rc=$?
	if [ "$rc" -eq 1 ] && printf '%s' "$out" | grep -q "mmap of 536870912 bytes"; then ok
	else ko "failing mmap: exit $rc: $out"; fi
	jqt "$TMP/fail.json" '.failed and (.error | test("mmap"))' "failed run: failed and error in the JSON"
	;;
esac

echo "native: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
