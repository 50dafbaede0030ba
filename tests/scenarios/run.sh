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

. "$(dirname "$0")/lib.sh"

SMALL="--scale 0.005 --quiet"

# usage and commands
expect 2 "usage" -- 
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 0 "numasim 0" -- --version
expect 0 "2node-128cpu" -- list
expect 0 "transparent_hugepage.hugepages-64kB.enabled" -- list
expect 0 "numa_hint_faults" -- list
expect 0 "second-fault  *example for researchers" -- list

# bad options and values
expect 2 "unknown option '--bogus'" -- run --bogus
expect 2 "unexpected argument 'extra'" -- run extra
expect 2 "option '--machine' needs a value" -- run --machine
expect 2 "\-\-scale '0'" -- run --scale 0
expect 2 "\-\-scale 'abc'" -- run --scale abc
expect 2 "\-\-scale 'nan'" -- run --scale nan
expect 2 "\-\-seed '-1'" -- run --seed -1
# one number syntax (src/core/parse.h): decimal only, no blanks, no hex, no inf/nan
expect 2 "\-\-scale '0x10': not a decimal number" -- run --scale 0x10
expect 2 "\-\-scale ' 0.1'" -- run --scale " 0.1"
expect 2 "\-\-scale '0.1 '" -- run --scale "0.1 "
expect 2 "\-\-scale '1e-300': out of range (give a decimal number from 0.000001 to 1000)" -- run --scale 1e-300
expect 2 "\-\-scale 'inf'" -- run --scale inf
expect 2 "\-\-scale '1e400'" -- run --scale 1e400
expect 2 "\-\-scale '1001'" -- run --scale 1001
expect 2 "\-\-seed '0x10'" -- run --seed 0x10
expect 2 "\-\-seed ' 5'" -- run --seed " 5"
expect 2 "\-\-seed '+5'" -- run --seed +5
expect 2 "\-\-seed '18446744073709551616': out of range" -- run --seed 18446744073709551616
expect 2 "\-\-seeds ' 2'" -- compare --seeds " 2" --variant a
expect 2 "\-\-seeds '0x2'" -- compare --seeds 0x2 --variant a
expect 2 "\-\-seed 18446744073709551615 \-\-seeds 2: the last seed would be past" -- compare --seed 18446744073709551615 --seeds 2 --variant a
expect 2 "tunable 'numasim.slice_us': bad value '0x10'" -- run --set numasim.slice_us=0x10
expect 2 "tunable 'numasim.slice_us': bad value ' 100'" -- run --set "numasim.slice_us= 100"
expect 2 "key 'size': expected a size like 3G, got '0x10'" -- run --workload seq:size=0x10
expect 2 "key 'size': expected a size like 3G, got '64 M'" -- run --workload "seq:size=64 M"
expect 0 "elapsed" -- run --workload numa02 --scale .005 --seed 0012
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
# an hwloc XML that crashes libhwloc 2.9's import (a misspelt attribute):
# imported in a child process, so it is a bad file, not a crash
expect 2 "crash-complete-nodeset.xml: not a valid hwloc XML topology" -- run --machine fuzz/corpus/fuzz_hwloc_xml/crash-complete-nodeset.xml
printf 'name = broken\nfrobs = 3\n' >"$TMP/bad2.machine"
expect 2 "bad2.machine:2: key 'frobs'" -- run --machine "$TMP/bad2.machine"
# more memory in total than 32-bit page frame numbers reach: the key named
printf 'base = 2node-128cpu\n[node 0]\nmemory = 8T\n[node 1]\nmemory = 8T\n' >"$TMP/huge.machine"
expect 2 "huge.machine: \[node 1\] key 'memory': the nodes' memory adds up to 16384 GiB" -- run --machine "$TMP/huge.machine"

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
for f in numa01 numa01_THREAD_ALLOC numa02 numa02_SMT pmbench numa01_4proc interleave_move_pages \
	 xsbench forkcow seq random skewed; do
	expect 0 "workloads/$f.yaml on 2node-128cpu" -- run --workload "workloads/$f.yaml" --scale 0.005
done
for f in gpu_pingpong gpu_stream; do
	expect 0 "workloads/$f.yaml on gpu-1node" -- run --machine gpu-1node --workload "workloads/$f.yaml" --scale 0.005
done
expect 2 "gpu_pingpong.yaml:18: key 'processes\[0\].phases\[2\].phases\[0\]': the machine '2node-128cpu' has no device node" -- run --workload workloads/gpu_pingpong.yaml
# a file and its generator are one workload: the same run, byte for byte
"$BIN" run --workload workloads/numa02.yaml --scale 0.005 --seed 4 --quiet --json "$TMP/f.json"
"$BIN" run --workload numa02 --scale 0.005 --seed 4 --quiet --json "$TMP/g.json"
if grep -v '"host_s"\|"workload":' "$TMP/f.json" >"$TMP/f2" &&
   grep -v '"host_s"\|"workload":' "$TMP/g.json" >"$TMP/g2" && cmp -s "$TMP/f2" "$TMP/g2"; then ok
else ko "workloads/numa02.yaml and numa02 gave different results"; fi
expect 0 "workloads/numa01.yaml" -- compare --workload workloads/numa01.yaml --scale 0.005 --variant a --variant b:transparent_hugepage.enabled=never

# a file's syscalls run in the simulated kernel: weighted interleave 3:1 over
# 4 KiB pages puts 3 of 4 pages on node 0; move_pages then moves node 1's
# quarter of the first half to node 0 and reports every page's status
printf 'version: 1\nweighted_interleave: {0: 3, 1: 1}\nprocesses:\n  - phases:\n      - mmap: buf\n        size: 64M\n      - mbind: buf\n        mode: weighted_interleave\n        nodes: [0, 1]\n      - sweep: buf\n        access: write\n      - move_pages: buf\n        len: 32M\n        nodes: [0]\n' >"$TMP/wi.yaml"
if "$BIN" run --workload "$TMP/wi.yaml" --set transparent_hugepage.enabled=never --quiet \
	--json "$TMP/wi.json" && command -v jq >/dev/null; then
	# 16384 pages: 12288 on node 0, then 2048 more from the first 8192 (the
	# process image, text and stack, adds a few pages on node 0)
	if jq -e '.processes[0].resident_pages as $r | $r[1] == 2048 and
		  $r[0] >= 14336 and $r[0] < 14336 + 64 and
		  (.syscalls | length) == 1 and .syscalls[0].op == "move_pages" and
		  .syscalls[0].ret == 0 and .syscalls[0].pages == 8192 and
		  .syscalls[0].status["0"] == 8192' "$TMP/wi.json" >/dev/null; then ok
	else ko "weighted interleave + move_pages: $(jq -c '[.processes[0].resident_pages, .syscalls]' "$TMP/wi.json")"; fi
else ko "weighted interleave + move_pages file did not run (or no jq)"; fi
# mremap grows a region: the region is the new 16 MiB mapping, all of it written
printf 'version: 1\nprocesses:\n  - phases:\n      - mmap: buf\n        size: 8M\n      - sweep: buf\n        access: write\n      - mremap: buf\n        new_len: 16M\n      - sweep: buf\n        access: write\n' >"$TMP/mr.yaml"
if "$BIN" run --workload "$TMP/mr.yaml" --set transparent_hugepage.enabled=never --quiet \
	--json "$TMP/mr.json" && jq -e '.processes[0].resident_pages[0] as $r |
	$r >= 4096 and $r < 4096 + 64' "$TMP/mr.json" >/dev/null; then ok
else ko "mremap growth in a workload file"; fi

# a size that cannot fit in this host's memory (a 4 GiB host, whatever this
# one has: docs/host-memory.md)
export NUMASIM_HOST_MEM_LIMIT=4G
expect 2 "of host memory to simulate" -- run --workload seq:size=4T,threads=1,passes=1
unset NUMASIM_HOST_MEM_LIMIT

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
for p in mainline autonuma2012 second-fault; do
	expect 0 "elapsed" -- run --workload numa01 --scale 0.005 --set numasim.policy=$p
done
for m in 2node-128cpu 4node-48cpu tiered-16cpu; do
	expect 0 "elapsed" -- run --machine "$m" --workload numa02 --scale 0.005
done
for f in examples/machines/*.machine; do
	expect 0 "elapsed" -- run --machine "$f" --workload numa02 --scale 0.005
done

# --json: a bad path fails before the run (exit 2); a write that fails part
# way (here a file-size limit) leaves the old file and no temporary behind
expect 2 "\-\-json '/proc/x.json': cannot create a file there" -- run $SMALL --json /proc/x.json
expect 2 "\-\-json '$TMP': is a folder" -- run $SMALL --json "$TMP"
expect 2 "\-\-json '': an empty file name" -- run $SMALL --json ""
echo old >"$TMP/keep.json"
if (ulimit -f 4; "$BIN" run --workload numa02 $SMALL --json "$TMP/keep.json" 2>"$TMP/keep.err"); then
	ko "--json past a file-size limit: exit 0"
elif [ "$(cat "$TMP/keep.json")" = old ] && ! ls "$TMP"/keep.json.tmp.* >/dev/null 2>&1 &&
	grep -q "cannot write: File too large" "$TMP/keep.err"; then ok
else ko "--json past a file-size limit: old file replaced or a temporary left: $(ls "$TMP"; cat "$TMP/keep.err")"; fi

# strict command lines: ambiguous abbreviations, repeated single-valued
# options and stray arguments are refused, naming what is wrong
expect 2 "ambiguous option '--s' (could be --scale, --seed, --set, --sched)" -- run --s 3
expect 0 "" -- run --sca 0.005 --workload numa02 --quiet
expect 2 "\-\-machine given twice" -- run --machine 2node-128cpu --machine 4node-48cpu
expect 2 "\-\-seed given twice" -- run --seed 1 --seed 2
expect 2 "\-\-json given twice" -- run --json "$TMP/x1.json" --json "$TMP/x2.json"
expect 2 "\-\-seeds given twice" -- compare --seeds 2 --seeds 3 --variant a
expect 2 "ambiguous option '--s'" -- compare --s 3 --variant a
expect 2 "list takes no arguments ('extra')" -- list extra
# a letter of a cluster is named, not the word before it (fuzz_cmdline)
expect 2 "unknown option '-x'" -- run --quiet -xy
expect 2 "unknown option '-x'" -- compare --variant a -xy
expect 2 "unknown option '\-\-quiet=1'" -- run --quiet=1
expect 0 "usage: numasim compare" -- compare --help

# SIGINT/SIGTERM: the run stops at its next slice and writes what it has,
# marked interrupted; exit 128 + the signal
timeout --preserve-status -s INT 1 "$BIN" run --workload numa01 --quiet --json "$TMP/int.json" 2>"$TMP/int.err"
rc=$?
if [ "$rc" -eq 130 ] && jq -e '.interrupted == true and .truncated == true and .elapsed_s > 0' "$TMP/int.json" >/dev/null &&
	grep -q "interrupted at" "$TMP/int.err"; then ok
else ko "SIGINT: exit $rc, expected 130 and a result marked interrupted: $(cat "$TMP/int.err")"; fi
timeout --preserve-status -s TERM 1 "$BIN" compare --workload numa01 --variant a --variant b --json-dir "$TMP/intc" >"$TMP/intc.out" 2>&1
rc=$?
if [ "$rc" -eq 143 ] && grep -q "compare interrupted: no table" "$TMP/intc.out" &&
	jq -e '.interrupted == true' "$TMP/intc/a.json" >/dev/null && [ ! -e "$TMP/intc/b.json" ]; then ok
else ko "SIGTERM in compare: exit $rc, expected 143, no table, a.json interrupted: $(cat "$TMP/intc.out")"; fi
if jq -e 'has("interrupted") | not' "$TMP/g.json" >/dev/null; then ok
else ko "a whole run's JSON has an interrupted key"; fi

# the time series stays bounded: sample_ms=1 over 30 simulated s keeps at
# most 2048 periodic samples, evenly spaced (plus the final one)
"$BIN" run --workload numa01 --scale 0.2 --set numasim.sample_ms=1 --quiet --json "$TMP/ts.json"
if jq -e '(.timeseries | length) <= 2049 and (.timeseries | length) > 1024 and
	(.timeseries[1].t_s - .timeseries[0].t_s) as $d |
	((.timeseries[2].t_s - .timeseries[1].t_s - $d) | fabs) < 1e-9 and
	((.timeseries[-2].t_s - .timeseries[-3].t_s - $d) | fabs) < 1e-9' "$TMP/ts.json" >/dev/null; then ok
else ko "sample_ms=1: time series not bounded or not evenly spaced"; fi

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
# --json-dir never overwrites a --from-json input, however it is spelt
mkdir -p "$TMP/in"
"$BIN" run --workload numa02 $SMALL --json "$TMP/in/a.json"
cp "$TMP/in/a.json" "$TMP/in/a.orig"
expect 2 "would overwrite the --from-json input" -- compare --workload numa02 --scale 0.005 \
	--from-json "old=$TMP/in/a.json" --variant a --json-dir "$TMP/./in/"
if cmp -s "$TMP/in/a.json" "$TMP/in/a.orig"; then ok; else ko "--json-dir overwrote its --from-json input"; fi

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
# --from-json: numbers that are not finite, or counts that are not counts, are refused by key
for v in NaN Infinity -Infinity 1e400 '"1.5"' -0.5 1e300; do
	printf '{"elapsed_s": %s, "vmstat": {}, "processes": [], "oracle": {"stale_reads": 0, "lost_writes": 0}}\n' "$v" >"$TMP/badnum.json"
	expect 2 "badnum.json': key 'elapsed_s': expected a finite non-negative number" -- compare --variant a --from-json "$TMP/badnum.json"
done
for v in '"7"' -1 1e300 1.5 9223372036854775808 99999999999999999999; do
	printf '{"elapsed_s": 1, "vmstat": {}, "processes": [], "migrc": {"peak_pending_pages": %s}}\n' "$v" >"$TMP/badnum.json"
	expect 2 "badnum.json': key 'migrc.peak_pending_pages': expected a non-negative integer" -- compare --variant a --from-json "$TMP/badnum.json"
done
printf '{"elapsed_s": 1, "host_s": NaN, "vmstat": {}, "processes": []}\n' >"$TMP/badnum.json"
expect 2 "key 'host_s': expected a finite non-negative number" -- compare --variant a --from-json "$TMP/badnum.json"
printf '{"elapsed_s": 1, "config": {"scale": Infinity}, "vmstat": {}, "processes": []}\n' >"$TMP/badnum.json"
expect 2 "key 'config.scale': expected a finite number" -- compare --variant a --from-json "$TMP/badnum.json"

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
# device memory smaller than the working set: the failures are shown
expect 0 "4194304 pages failed to move" -- run --machine gpu-1node --workload gpu-stream:size=96G,chunk=96G
expect 0 "sim_device_migrate_fail  *4194304" -- compare --machine gpu-1node --workload gpu-stream:size=96G,chunk=96G --variant a
# numa01's node is never a device's memory: drawn from the seed among the
# nodes a policy can bind, and refused by name when given
for sd in 1 2 3 4 5 6; do
	expect 0 "" -- run --machine gpu-1node --workload numa01 --seed $sd $SMALL
done
expect 0 "" -- run --machine gpu-1node --workload numa01_THREAD_ALLOC --seed 5 $SMALL
expect 2 "key 'node': node 1 is a device's memory" -- run --machine gpu-1node --workload numa01:node=1 $SMALL
expect 0 "gpu-pingpong" -- list
expect 2 "workload 'gpu-pingpong': the machine '2node-128cpu' has no device node" -- run --workload gpu-pingpong
expect 2 "key 'device': node 0 of 'gpu-2node' is not a device node" -- run --machine gpu-2node --workload gpu-stream:device=0
expect 0 "stale reads 0, lost writes 0" -- run --machine gpu-2node --workload gpu-pingpong:size=64M,rounds=2
expect 0 "stale reads 0, lost writes 0" -- run --machine gpu-1node --workload gpu-stream:size=256M,chunk=64M --set numasim.device_fail_large_alloc=1
if "$BIN" run --machine gpu-1node --workload gpu-stream:size=64M,chunk=16M --quiet --json "$TMP/gpu.json" &&
   grep -q '"sim_device_migrate_to_device_thp": 32' "$TMP/gpu.json" &&
   grep -q '"sim_device_migrate_to_ram_pages": 16384' "$TMP/gpu.json"; then ok
else ko "gpu-stream JSON: device migration counters"; fi

# memory-access traces (docs/traces.md)
DATA=$(dirname "$0")/../data
expect 2 "usage: numasim trace" -- trace
expect 2 "unknown subcommand 'frob'" -- trace frob
expect 2 "expected IN and OUT files" -- trace convert "$DATA/perf-two-threads.txt"
expect 2 "none.txt: cannot open" -- trace info "$TMP/none.txt"
expect 2 "none.txt: cannot open" -- run --workload "trace:$TMP/none.txt"
expect 2 "expected trace:FILE" -- run --workload trace
printf ' L 1000,8\n Q 1,2\n' >"$TMP/bad.lackey"
expect 2 "bad.lackey:2: expected a lackey record" -- trace convert "$TMP/bad.lackey" "$TMP/bad.nstrace"
expect 2 "bad.lackey:2: expected a lackey record" -- run --workload "trace:$TMP/bad.lackey"
printf '  7/7  1.5: 100 7f0000001000\n  7/8  1.5: 1oo 7f0000001000\n' >"$TMP/bad.perf"
expect 2 "bad.perf:2: expected a sample period" -- trace info "$TMP/bad.perf"
expect 0 "2 streams" -- trace info "$DATA/perf-two-threads.txt"
expect 2 "\-\-gap '0x10': expected a size like 1M" -- trace convert "$DATA/perf-two-threads.txt" "$TMP/g.nstrace" --gap 0x10
expect 2 "\-\-gap ' 1M'" -- trace convert "$DATA/perf-two-threads.txt" "$TMP/g.nstrace" --gap " 1M"
expect 2 "\-\-gap '65T': expected a size like 1M (at most 64T)" -- trace convert "$DATA/perf-two-threads.txt" "$TMP/g.nstrace" --gap 65T
expect 0 "stale reads 0, lost writes 0" -- run --workload "trace:$DATA/perf-two-threads.txt"
expect 0 "" -- trace convert "$DATA/perf-two-threads.txt" "$TMP/p.nstrace"
expect 0 "(nstrace): 1 processes, 2 streams, 3 regions, 8 records for 1100 accesses" -- trace info "$TMP/p.nstrace"
expect 2 "already a binary trace" -- trace convert "$TMP/p.nstrace" "$TMP/p2.nstrace"
head -c 200 "$TMP/p.nstrace" >"$TMP/trunc.nstrace"
expect 2 "trunc.nstrace: truncated" -- trace info "$TMP/trunc.nstrace"
expect 2 "trunc.nstrace: truncated" -- run --workload "trace:$TMP/trunc.nstrace"
printf 'NSTRACE\0\011\0\0\0' >"$TMP/v9.nstrace"
expect 2 "version 9" -- trace info "$TMP/v9.nstrace"

# a real program recorded afresh with valgrind lackey (tests/data/trace_buf.c:
# 8 MiB written, read twice), replayed from text and from its conversion
if command -v valgrind >/dev/null && command -v cc >/dev/null &&
   cc -O1 -o "$TMP/trace_buf" "$DATA/trace_buf.c" &&
   valgrind --tool=lackey --trace-mem=yes --log-file="$TMP/buf.lackey" "$TMP/trace_buf" >"$TMP/buf.out"; then
	addr=$(awk '{ print $2 }' "$TMP/buf.out")
	"$BIN" trace info "$TMP/buf.lackey" >"$TMP/buf.info"
	found=0
	# region inference: one region holds the whole buffer, and not much more
	while read -r w n range rest; do
		[ "$w" = region ] || continue
		lo=$((${range%-*})); hi=$((${range#*-}))
		if [ "$lo" -le $((addr)) ] && [ "$hi" -ge $((addr + 8388608 - 64)) ] &&
		   [ $((hi - lo)) -le $((9 * 1048576)) ]; then found=1; fi
	done <"$TMP/buf.info"
	if [ "$found" = 1 ]; then ok; else ko "lackey trace: no region holds the buffer at $addr: $(cat "$TMP/buf.info")"; fi
	NOTHP="--set transparent_hugepage.enabled=never --set numasim.process_image=0"
	"$BIN" trace convert "$TMP/buf.lackey" "$TMP/buf.nstrace" || ko "trace convert of the lackey trace"
	"$BIN" run --workload "trace:$TMP/buf.lackey" $NOTHP --json "$TMP/buf-text.json" >"$TMP/buf-text.txt"
	"$BIN" run --workload "trace:$TMP/buf.nstrace" $NOTHP --json "$TMP/buf-bin.json" >"$TMP/buf-bin.txt"
	# each buffer page faults once (2048), plus the program's other pages
	faults=$(grep -o '"pgfault": [0-9]*' "$TMP/buf-text.json" | head -1 | awk '{ print $2 }')
	if [ "${faults:-0}" -ge 2048 ] && [ "$faults" -le 2600 ]; then ok
	else ko "lackey replay: pgfault $faults, expected 2048 and a few hundred more"; fi
	if grep -q "node0 *8 MiB" "$TMP/buf-text.txt" && grep -q "stale reads 0, lost writes 0" "$TMP/buf-text.txt"; then ok
	else ko "lackey replay: 8 MiB resident and a clean oracle expected: $(cat "$TMP/buf-text.txt")"; fi
	if tail -n +2 "$TMP/buf-text.txt" | sed 's/(host.*//' >"$TMP/a" &&
	   tail -n +2 "$TMP/buf-bin.txt" | sed 's/(host.*//' >"$TMP/b" && cmp -s "$TMP/a" "$TMP/b"; then ok
	else ko "lackey replay: text and binary differ: $(diff "$TMP/a" "$TMP/b")"; fi
else
	echo "skipped: the lackey recording (needs valgrind and cc)" >&2
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
