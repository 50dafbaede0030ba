#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Command-line tests of BINARY: exit codes and messages for bad input,
# determinism of the JSON result, and a small run of every built-in workload.
# Usage: tests/scenarios/run.sh build/release/numasim
set -u
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect CODE PATTERN -- ARGS...: exit status CODE and stderr+stdout matching PATTERN
expect() {
	code=$1; pattern=$2; shift 3
	out=$("$BIN" "$@" 2>&1); rc=$?
	if [ "$rc" -ne "$code" ]; then
		ko "numasim $*: exit $rc, expected $code; output: $out"
	elif [ -n "$pattern" ] && ! printf '%s' "$out" | grep -q -- "$pattern"; then
		ko "numasim $*: output lacks '$pattern': $out"
	else
		ok
	fi
}

SMALL="--scale 0.005 --quiet"

# usage and commands
expect 2 "usage" -- 
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 0 "numasim 0" -- --version
expect 0 "2node-128cpu" -- list
expect 0 "transparent_hugepage.hugepages-64kB.enabled" -- list
expect 0 "numa_hint_faults" -- list

# bad options and values
expect 2 "unknown option '--bogus'" -- run --bogus
expect 2 "unexpected argument 'extra'" -- run extra
expect 2 "option '--machine' needs a value" -- run --machine
expect 2 "\-\-scale '0'" -- run --scale 0
expect 2 "\-\-scale 'abc'" -- run --scale abc
expect 2 "\-\-scale 'nan'" -- run --scale nan
expect 2 "\-\-seed '-1'" -- run --seed -1
expect 2 "unknown tunable 'kernel.no_such_thing'" -- run --set kernel.no_such_thing=1
expect 2 "tunable 'transparent_hugepage.enabled': bad value 'sometimes'" -- run --set transparent_hugepage.enabled=sometimes
expect 2 "tunable 'numasim.slice_us': bad value '0'" -- run --set numasim.slice_us=0
expect 2 "expected KEY=VALUE" -- run --set novalue
expect 2 "workload" -- run --workload no_such_workload
expect 2 "size" -- run --workload numa01:size=3X
expect 2 "bogus" -- run --workload numa01:bogus=1

# machine files
expect 2 "no-such-file.machine" -- run --machine no-such-file.machine
printf 'name = broken\n[node 0]\nkind = dram\nmemory = 12Q\ncores = 4\nsocket = 0\nbw_gbps = 10\n' >"$TMP/bad.machine"
expect 2 "bad.machine:4: key 'memory'" -- run --machine "$TMP/bad.machine"
printf 'name = broken\nfrobs = 3\n' >"$TMP/bad2.machine"
expect 2 "bad2.machine:2: key 'frobs'" -- run --machine "$TMP/bad2.machine"

# workload files (docs/workload-file.md)
expect 2 "cannot open workload file 'no-such-file.yaml'" -- run --workload no-such-file.yaml
printf 'version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 8M\n      - mbind: r\n        mode: bind\n        nodes: [0, 5]\n' >"$TMP/badnode.yaml"
expect 2 "badnode.yaml:8: key 'processes\[0\].phases\[1\].nodes': node 5 does not exist" -- run --workload "$TMP/badnode.yaml"
printf 'version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        sise: 8M\n' >"$TMP/typo.yaml"
expect 2 "typo.yaml:5: key 'processes\[0\].phases\[0\].sise': unknown key" -- run --workload "$TMP/typo.yaml"
printf 'version: 2\nprocesses: []\n' >"$TMP/future.yaml"
expect 2 "future.yaml:1: key 'version': version 2 is newer" -- run --workload "$TMP/future.yaml"
printf 'version: 1\nprocesses: [\n' >"$TMP/syntax.yaml"
expect 2 "syntax.yaml:3: YAML syntax error" -- compare --workload "$TMP/syntax.yaml" --variant a
for f in numa01 numa01_THREAD_ALLOC numa02 numa02_SMT pmbench numa01_4proc; do
	expect 0 "workloads/$f.yaml on 2node-128cpu" -- run --workload "workloads/$f.yaml" --scale 0.005
done
expect 0 "workloads/gpu_pingpong.yaml on gpu-1node" -- run --machine gpu-1node --workload workloads/gpu_pingpong.yaml --scale 0.005
expect 2 "gpu_pingpong.yaml:18: key 'processes\[0\].phases\[2\].phases\[0\]': the machine '2node-128cpu' has no device node" -- run --workload workloads/gpu_pingpong.yaml
# a file and its generator are one workload: the same run, byte for byte
"$BIN" run --workload workloads/numa02.yaml --scale 0.005 --seed 4 --quiet --json "$TMP/f.json"
"$BIN" run --workload numa02 --scale 0.005 --seed 4 --quiet --json "$TMP/g.json"
if grep -v '"host_s"\|"workload":' "$TMP/f.json" >"$TMP/f2" &&
   grep -v '"host_s"\|"workload":' "$TMP/g.json" >"$TMP/g2" && cmp -s "$TMP/f2" "$TMP/g2"; then ok
else ko "workloads/numa02.yaml and numa02 gave different results"; fi
expect 0 "workloads/numa01.yaml" -- compare --workload workloads/numa01.yaml --scale 0.005 --variant a --variant b:transparent_hugepage.enabled=never

# a size that cannot fit in this host's memory
expect 2 "host memory" -- run --workload seq:size=4T,threads=1,passes=1

# a workload that needs more memory than the machine has fails cleanly
expect 1 "out of memory" -- run --machine tiered-16cpu --workload seq:size=16G,threads=1,passes=1,init=main --quiet

# every built-in workload runs, small
for w in numa01 numa01_THREAD_ALLOC numa02 numa02_SMT seq random skewed forkcow pmbench xsbench; do
	expect 0 "" -- run --workload "$w" $SMALL --json "$TMP/$w.json"
done
# the tiering workloads report accesses per second, in the JSON and the summary
for w in pmbench xsbench; do
	if grep -q '"accesses_per_s": [1-9]' "$TMP/$w.json"; then ok
	else ko "$w: no accesses_per_s above 0 in the JSON"; fi
done
expect 0 "accesses (64 B) .* /s" -- run --machine tiered-16cpu --workload pmbench:pattern=hotcold,init=thread --scale 0.005
for p in mainline autonuma2012; do
	expect 0 "elapsed" -- run --workload numa01 --scale 0.005 --set numasim.policy=$p
done
for m in 2node-128cpu 4node-48cpu tiered-16cpu; do
	expect 0 "elapsed" -- run --machine "$m" --workload numa02 --scale 0.005
done
for f in examples/machines/*.machine; do
	expect 0 "elapsed" -- run --machine "$f" --workload numa02 --scale 0.005
done

# determinism: the same inputs and seed give the same bytes, host_s aside
"$BIN" run --workload numa01 --scale 0.005 --seed 9 --quiet --json "$TMP/a.json"
"$BIN" run --workload numa01 --scale 0.005 --seed 9 --quiet --json "$TMP/b.json"
if grep -v '"host_s"' "$TMP/a.json" >"$TMP/a2" && grep -v '"host_s"' "$TMP/b.json" >"$TMP/b2" &&
   cmp -s "$TMP/a2" "$TMP/b2"; then ok; else ko "same seed gave different JSON"; fi
for key in '"elapsed_s"' '"host_s"' '"config"' '"vmstat"' '"mthp"' '"hugepages-16kB"' \
	'"hugepages-2048kB"' '"nodes"' '"processes"' '"timeseries"' '"oracle"' '"stale_reads"' \
	'"lost_writes"' '"numa_pages_migrated"' '"transparent_hugepage.enabled"' '"workload"' \
	'"accesses_per_s"' '"sim_accesses"' '"cpus"' '"shootdown_s"'; do
	if grep -q "$key" "$TMP/a.json"; then ok; else ko "JSON lacks $key"; fi
done
# one "cpus" entry per CPU of the default machine (128), and some CPU was busy
n=$(grep -c '"shootdown_s"' "$TMP/a.json")
if [ "$n" = 128 ] && grep -q '"busy_s": [0-9.]*[1-9]' "$TMP/a.json"; then ok
else ko "JSON cpus: $n entries, want 128 with some busy time"; fi

# compare: a table of variants side by side
NEVER=transparent_hugepage.enabled=never
CMP="--workload numa01 --scale 0.005 --seed 5"
expect 0 "numasim compare" -- compare --help
expect 0 "numasim compare" -- --help
if "$BIN" compare $CMP --variant base --variant "never:$NEVER" --json-dir "$TMP/cmp" \
	>"$TMP/cmp.txt" 2>"$TMP/cmp.err"; then ok; else ko "compare exited $?: $(cat "$TMP/cmp.err")"; fi
# the header row names both variants; the elapsed row has the relative change
if awk 'NF == 2 && $1 == "base" && $2 == "never" { h = 1 } END { exit !h }' "$TMP/cmp.txt"; then ok
else ko "compare: no header row 'base never': $(cat "$TMP/cmp.txt")"; fi
if grep -q '^elapsed (simulated s) .*(.[0-9.]*%)$' "$TMP/cmp.txt"; then ok
else ko "compare: no elapsed row with a change in percent: $(cat "$TMP/cmp.txt")"; fi
for row in 'host (s)' 'pgfault' 'oracle stale_reads' 'oracle lost_writes' 'process 0 node 0 (MiB)'; do
	if grep -q "^$row " "$TMP/cmp.txt"; then ok; else ko "compare: no '$row' row"; fi
done
# THP off: no PMD THP at fault; the default (always) gets some
if awk '$1 == "thp_fault_alloc" { r = ($2 > 0 && $3 == 0) } END { exit !r }' "$TMP/cmp.txt"; then ok
else ko "compare: thp_fault_alloc row not '>0 0': $(grep thp_fault_alloc "$TMP/cmp.txt")"; fi
# --json-dir: the same bytes as numasim run with the same settings, host_s aside
"$BIN" run $CMP --quiet --json "$TMP/run-base.json"
"$BIN" run $CMP --quiet --set "$NEVER" --json "$TMP/run-never.json"
for v in base never; do
	if [ -f "$TMP/cmp/$v.json" ] && grep -v '"host_s"' "$TMP/cmp/$v.json" >"$TMP/c2" &&
	   grep -v '"host_s"' "$TMP/run-$v.json" >"$TMP/r2" && cmp -s "$TMP/c2" "$TMP/r2"; then ok
	else ko "compare --json-dir: $v.json differs from numasim run's"; fi
done
# --from-json: a file gives the same column as a live run (host row, legend and widths aside)
table() { sed -n '/^elapsed/,$p' "$1" | grep -v '^host' | tr -s ' '; }
if "$BIN" compare $CMP --from-json "base=$TMP/run-base.json" --variant "never:$NEVER" >"$TMP/mix.txt" &&
   table "$TMP/cmp.txt" >"$TMP/t1" && table "$TMP/mix.txt" >"$TMP/t2" && cmp -s "$TMP/t1" "$TMP/t2"; then ok
else ko "compare --from-json mixed with a variant: $(diff "$TMP/t1" "$TMP/t2")"; fi
if "$BIN" compare --from-json "$TMP/run-base.json" --from-json "$TMP/run-never.json" >"$TMP/files.txt" &&
   awk 'NF == 2 && $1 == "run-base" && $2 == "run-never" { h = 1 } END { exit !h }' "$TMP/files.txt" &&
   table "$TMP/files.txt" >"$TMP/t3" && cmp -s "$TMP/t1" "$TMP/t3"; then ok
else ko "compare of two --from-json files: $(cat "$TMP/files.txt")"; fi
expect 0 "run-never" -- compare --from-json "$TMP/run-never.json" --from-json "$TMP/run-base.json"
# a variant that fails shows "failed" and exits 1
expect 1 "failed" -- compare --machine tiered-16cpu --workload seq:size=16G,threads=1,passes=1,init=main --variant oom
# bad input
expect 2 "nothing to compare" -- compare
expect 2 "nothing to compare" -- compare --from-json "$TMP/run-base.json"
expect 2 "\-\-variant 'a': duplicate name 'a'" -- compare --variant a --variant a
expect 2 "duplicate name 'run-base'" -- compare --variant run-base --from-json "$TMP/run-base.json"
expect 2 "\-\-variant ':$NEVER': empty name" -- compare --variant ":$NEVER"
expect 2 "bad name 'a/b'" -- compare --variant a/b
expect 2 "variant 'thp': unknown tunable 'kernel.no_such_thing'" -- compare --variant base --variant thp:kernel.no_such_thing=1
expect 2 "variant 'thp': tunable 'transparent_hugepage.enabled': bad value 'sometimes'" -- compare --variant thp:transparent_hugepage.enabled=sometimes
expect 2 "variant 'thp': empty setting" -- compare --variant "thp:$NEVER,"
expect 2 "use \-\-json-dir" -- compare --variant a --json x.json
expect 2 "unknown option '\-\-bogus'" -- compare --variant a --bogus
expect 2 "\-\-from-json '$TMP/no-such.json': cannot read" -- compare --variant a --from-json "$TMP/no-such.json"
printf '{"elapsed_s": 1.5, "processes": [], "oracle": {"stale_reads": 0, "lost_writes": 0}}\n' >"$TMP/novmstat.json"
expect 2 "novmstat.json': missing key 'vmstat'" -- compare --variant a --from-json "$TMP/novmstat.json"
printf '{"elapsed_s": 1.5, "vmstat": {}, "processes": [{}], "oracle": {"stale_reads": 0, "lost_writes": 0}}\n' >"$TMP/noproc.json"
expect 2 "missing key 'processes\[0\].resident_pages'" -- compare --variant a --from-json "$TMP/noproc.json"
printf '{"elapsed_s": 1.5, "vmstat": {' >"$TMP/cut.json"
expect 2 "cut.json': not JSON" -- compare --variant a --from-json "$TMP/cut.json"

# compare --seeds: median and range per column
expect 0 "seeds 1..3: median and range" -- compare --workload numa02 --scale 0.02 --seeds 3 --variant a --variant b:numasim.slice_us=400
expect 0 "elapsed (simulated s) .*\[" -- compare --workload numa02 --scale 0.02 --seeds 3 --variant a
expect 2 "\-\-seeds '0': give a whole number of runs from 1 to 1000" -- compare --seeds 0 --variant a
expect 2 "\-\-seeds '1001'" -- compare --seeds 1001 --variant a
if "$BIN" compare --workload numa02 --scale 0.02 --seeds 2 --seed 7 --variant a --json-dir "$TMP/seeds" >/dev/null &&
   [ -f "$TMP/seeds/a.seed7.json" ] && [ -f "$TMP/seeds/a.seed8.json" ]; then ok
else ko "compare --seeds --json-dir: one file per seed"; fi

# migrc and LUF (docs/migrc.md): deferred flushes, fewer shootdowns with migrc
# (LUF's flush at every fault in a writable VMA settles its deferrals early in
# this run), nothing stale
expect 2 "tunable 'numasim.migrc': bad value '2'" -- run --set numasim.migrc=2
expect 0 "numasim.migrc" -- list
XS="--machine tiered-16cpu --workload xsbench:lookups=20000 --set kernel.numa_balancing=2 --set numa.demotion_enabled=1 --set numasim.migration_entry_ad=0"
for m in 1 luf; do
	expect 0 "migrc deferred .* flushes" -- run $XS --set numasim.migrc=$m
	expect 0 "stale reads 0, lost writes 0" -- run $XS --set numasim.migrc=$m
done
if "$BIN" compare $XS --variant off --variant migrc:numasim.migrc=1 --variant luf:numasim.migrc=luf >"$TMP/migrc.txt" &&
   awk '$1 == "nr_tlb_remote_flush" && $3 < $2 { a = 1 }
	$1 == "sim_migrc_peak_pending_pages" && $2 == 0 && $3 > 0 && $4 > 0 { b = 1 }
	END { exit !(a && b) }' "$TMP/migrc.txt"; then ok
else ko "compare migrc: fewer remote flushes (migrc) and a peak pending row expected: $(cat "$TMP/migrc.txt")"; fi

# device-private memory (docs/device.md)
expect 0 "gpu-1node" -- list
expect 0 "gpu-pingpong" -- list
expect 2 "workload 'gpu-pingpong': the machine '2node-128cpu' has no device node" -- run --workload gpu-pingpong
expect 2 "key 'device': node 0 of 'gpu-2node' is not a device node" -- run --machine gpu-2node --workload gpu-stream:device=0
expect 0 "stale reads 0, lost writes 0" -- run --machine gpu-2node --workload gpu-pingpong:size=64M,rounds=2
expect 0 "stale reads 0, lost writes 0" -- run --machine gpu-1node --workload gpu-stream:size=256M,chunk=64M --set numasim.device_fail_large_alloc=1
if "$BIN" run --machine gpu-1node --workload gpu-stream:size=64M,chunk=16M --quiet --json "$TMP/gpu.json" &&
   grep -q '"sim_device_migrate_to_device_thp": 32' "$TMP/gpu.json" &&
   grep -q '"sim_device_migrate_to_ram_pages": 16384' "$TMP/gpu.json"; then ok
else ko "gpu-stream JSON: device migration counters"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
