#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Byte-identity of results across a change: runs the bench's workloads (scaled
# down to seconds) with every policy and mechanism switched on somewhere, and
# writes each run's JSON with the host-time field removed.
#
#   bench/identical.sh BIN OUTDIR          write OUTDIR/*.json
#   bench/identical.sh --diff DIR1 DIR2    compare two such folders (exit 1 if they differ)
#
# A refactor that must not change behaviour is checked by running it on the
# binary before and after the change and diffing the two folders.
set -u

if [ "${1:-}" = "--diff" ]; then
	[ $# -eq 3 ] || { echo "usage: $0 --diff DIR1 DIR2" >&2; exit 2; }
	n=0 bad=0
	for f in "$2"/*.json; do
		b=$(basename "$f")
		n=$((n + 1))
		if ! cmp -s "$f" "$3/$b"; then
			echo "differs: $b"
			bad=$((bad + 1))
		fi
	done
	echo "$n runs compared, $bad differ"
	[ "$bad" -eq 0 ]
	exit
fi

[ $# -eq 2 ] || { echo "usage: $0 BIN OUTDIR | --diff DIR1 DIR2" >&2; exit 2; }
bin=$1 out=$2
mkdir -p "$out" || exit 2

# name | machine | workload | scale | --set KEY=VALUE ...
cases='
numa01-off|2node-128cpu|numa01|0.02|kernel.numa_balancing=0
numa01|2node-128cpu|numa01|0.02|
numa01ta|2node-128cpu|numa01_THREAD_ALLOC|0.02|
numa02|2node-128cpu|numa02|0.3|
numa02smt|2node-128cpu|numa02_SMT|0.3|
numa01-m16-0|2node-128cpu|numa01|0.02|transparent_hugepage.enabled=never transparent_hugepage.hugepages-16kB.enabled=always numasim.mthp_numa=0
numa01-m64-1|2node-128cpu|numa01|0.02|transparent_hugepage.enabled=never transparent_hugepage.hugepages-64kB.enabled=always
numa02-m128-1|2node-128cpu|numa02|0.3|transparent_hugepage.enabled=never transparent_hugepage.hugepages-128kB.enabled=always
numa01-an12|2node-128cpu|numa01|0.05|numasim.policy=autonuma2012
numa02-an12|4node-48cpu|numa02|0.05|numasim.policy=autonuma2012
numa01-sf|2node-128cpu|numa01|0.05|numasim.policy=second-fault
numa01-4n|4node-48cpu|numa01|0.01|
numa02-4n-m16|4node-48cpu|numa02|0.05|transparent_hugepage.enabled=never transparent_hugepage.hugepages-16kB.enabled=always
numa02-4k|2node-128cpu|numa02|0.1|transparent_hugepage.enabled=never
numa02-migrc|2node-128cpu|numa02|0.3|numasim.migrc=1 numasim.migration_entry_ad=0
numa02-luf|2node-128cpu|numa02_SMT|0.3|numasim.migrc=luf
pmbench-t2|tiered-16cpu|pmbench:accesses=300000|1|kernel.numa_balancing=2 numa.demotion_enabled=1
pmbench-t3|tiered-16cpu|pmbench:accesses=300000|1|kernel.numa_balancing=3 numa.demotion_enabled=1
xsbench-t2|tiered-16cpu|xsbench:lookups=20000|1|kernel.numa_balancing=2 numa.demotion_enabled=1
xsbench-t2-migrc|tiered-16cpu|xsbench:lookups=20000|1|kernel.numa_balancing=2 numa.demotion_enabled=1 numasim.migration_entry_ad=0 numasim.migrc=1
xsbench-t2-luf|tiered-16cpu|xsbench:lookups=20000|1|kernel.numa_balancing=2 numa.demotion_enabled=1 numasim.migration_entry_ad=0 numasim.migrc=luf
pmbench-cxl|tiered-2node-cxl|pmbench:size=72G,threads=32,accesses=200000,init=thread|1|kernel.numa_balancing=3 numa.demotion_enabled=1
gpu-pingpong|gpu-2node|gpu-pingpong:size=64M,rounds=3|1|
gpu-pingpong-mig|gpu-1node|gpu-pingpong:size=64M,rounds=2,back=migrate|1|
gpu-stream|gpu-2node|gpu-stream:size=512M,chunk=64M|1|
gpu-stream-split|gpu-2node|gpu-stream:size=256M,chunk=64M|1|numasim.device_fail_large_alloc=1
forkcow|2node-128cpu|forkcow:size=64M,children=3|1|
random|2node-128cpu|random:size=256M,threads=4,accesses=100000|1|transparent_hugepage.enabled=never
zipf|2node-128cpu|skewed:size=256M,threads=4,accesses=100000,write_ratio=0.3|1|
wrongnode|2node-128cpu|wrongnode:size=64M,passes=4|1|transparent_hugepage.enabled=never
numa02-numab0|2node-128cpu|numa02|0.1|numasim.numab=0 transparent_hugepage.enabled=never
lookahead|2node-128cpu|@DIR@/lookahead.yaml|1|numa_balancing.scan_delay_ms=1 numa_balancing.scan_period_min_ms=1 numa_balancing.scan_size_mb=64
lookahead-4k-migrc|2node-128cpu|@DIR@/lookahead.yaml|1|numa_balancing.scan_delay_ms=1 numa_balancing.scan_period_min_ms=1 numa_balancing.scan_size_mb=64 transparent_hugepage.enabled=never numasim.migrc=1
'
rc=0
dir=$(dirname "$0")
while IFS='|' read -r name machine workload scale sets; do
	[ -n "$name" ] || continue
	workload=${workload//@DIR@/$dir}	# workload files beside this script
	args=()
	for kv in $sets; do args+=(--set "$kv"); done
	if ! "$bin" run --machine "$machine" --workload "$workload" --scale "$scale" --seed 3 \
		"${args[@]}" --quiet --json "$out/$name.json.tmp" >"$out/$name.log" 2>&1; then
		echo "run failed: $name (see $out/$name.log)" >&2
		rc=1
	fi
	# host_s is the only field that depends on the host
	sed -E 's/"host_s": ?[0-9.e+-]+/"host_s": 0/' "$out/$name.json.tmp" >"$out/$name.json"
	rm -f "$out/$name.json.tmp"
done <<<"$cases"
exit $rc
