#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Whole runs against the oracle with and without numasim.debug_skip_flush
# and numasim.debug_migrc_skip_write_flush (docs/validation.md, "The
# oracle"): without the skip nothing is counted;
# with it the runs whose migrations need a flush report damage and exit 1,
# with migrations comparable to the run with the flushes.
# Usage: tests/scenarios/flush.sh build/release/numasim
set -u
BIN=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
. "$(dirname "$0")/lib.sh"

# run NAME CODE ARGS...: numasim run --quiet --json $TMP/NAME.json, exit CODE
run() {
	name=$1 code=$2; shift 2
	"$BIN" run --quiet --json "$TMP/$name.json" "$@" 2>"$TMP/$name.err"; rc=$?
	if [ "$rc" -ne "$code" ]; then
		ko "$name: exit $rc, expected $code: $(cat "$TMP/$name.err")"
		return 1
	fi
	return 0
}

# clean NAME: no stale access at all
clean() {
	if jq -e '.oracle | .stale_accesses == 0 and .stale_reads == 0 and .lost_writes == 0' \
		"$TMP/$1.json" >/dev/null; then ok; else ko "$1: oracle $(jq -c .oracle "$TMP/$1.json")"; fi
}

# caught NAME: damage counted, said on stderr
caught() {
	if jq -e '.oracle | .stale_reads + .lost_writes > 0' "$TMP/$1.json" >/dev/null &&
	   grep -q "oracle failed: .* stale reads and .* lost writes" "$TMP/$1.err"; then ok
	else ko "$1: oracle $(jq -c .oracle "$TMP/$1.json"): $(cat "$TMP/$1.err")"; fi
}

# comparable A B KEY: vmstat KEY of B within a factor of 2 of A's, A's > 0
comparable() {
	a=$(jq ".vmstat.$3" "$TMP/$1.json") b=$(jq ".vmstat.$3" "$TMP/$2.json")
	if [ "$a" -gt 0 ] && [ $((2 * b)) -ge "$a" ] && [ "$b" -le $((2 * a)) ]; then ok
	else ko "$3: $1 $a, $2 $b"; fi
}

# same A B: the two results agree in everything but the tunables given
same() {
	if [ "$(jq -S 'del(.config, .host_s)' "$TMP/$1.json")" = \
	     "$(jq -S 'del(.config, .host_s)' "$TMP/$2.json")" ]; then ok
	else ko "$1 and $2 differ"; fi
}

# numa01 with 64 KiB mTHP: its hint-fault migrations move protnone entries,
# which no TLB holds, so skipping the migration flushes (1) changes nothing
# at all; skipping the NUMA scanner's protnone flush too (3) leaves
# translations that the migrations then make stale.
M64="--workload numa01 --scale 0.02 --set transparent_hugepage.enabled=never
	--set transparent_hugepage.hugepages-64kB.enabled=always"
run m64 0 $M64 && clean m64
run m64-skip1 0 $M64 --set numasim.debug_skip_flush=1 && clean m64-skip1 && same m64 m64-skip1
run m64-skip3 1 $M64 --set numasim.debug_skip_flush=3 && caught m64-skip3 &&
	comparable m64 m64-skip3 numa_pages_migrated

# tiering (promotion and demotion, kref-pmem's machine) with a 1M-entry TLB
# that keeps every stale translation: demotion unmaps present entries
{ cat examples/machines/kref-pmem.machine
  printf '\n[tlb]\nl2_entries = 1048576\nl2_ways = 16\n'; } >"$TMP/bigtlb.machine"
TIER="--machine $TMP/bigtlb.machine --workload wrongnode:size=1200M,touch=mem,passes=4,bind=0
	--set kernel.numa_balancing=2 --set numa.demotion_enabled=1
	--set numa_balancing.scan_delay_ms=100 --set numa_balancing.scan_period_min_ms=100"
run tier 0 $TIER && clean tier
run tier-skip 1 $TIER --set numasim.debug_skip_flush=1 && caught tier-skip &&
	comparable tier tier-skip pgdemote_kswapd && comparable tier tier-skip pgpromote_success

# gpu-stream: the CPU never touches the buffer after filling it, so its
# stale translations are never used and nothing can be counted; with a CPU
# read of the buffer at the end, the translations the skipped flushes of
# the migrations to the device left read frames reused for other data
sed 's/size: 16G/size: 64M/' workloads/gpu_stream.yaml >"$TMP/gs.yaml"
printf '      - sweep: data\n        access: read\n' >>"$TMP/gs.yaml"
run gs 0 --machine gpu-1node --workload "$TMP/gs.yaml" && clean gs
run gs-skip 1 --machine gpu-1node --workload "$TMP/gs.yaml" --set numasim.debug_skip_flush=1 &&
	caught gs-skip && comparable gs gs-skip sim_device_migrate_to_device_pages &&
	comparable gs gs-skip sim_device_migrate_to_ram_pages
run gs-plain-skip 0 --machine gpu-1node --workload gpu-stream:size=64M,chunk=1M \
	--set numasim.debug_skip_flush=1 && clean gs-plain-skip

# gpu-pingpong faulting pages back: the CPU keeps writing the old frames
# instead of faulting, so nothing comes back, and the oracle counts it
run pp 0 --machine gpu-1node --workload gpu-pingpong:size=16M,rounds=3 && clean pp
run pp-skip 1 --machine gpu-1node --workload gpu-pingpong:size=16M,rounds=3 \
	--set numasim.debug_skip_flush=1 && caught pp-skip

# migrc and LUF (workloads/migrc_write.yaml on tiered-small): kswapd demotes
# a promoted, read-only table with its flush deferred, then a writer writes
# it while readers keep their translations. The write fault's forced flush
# keeps the readers right; without it (debug_migrc_skip_write_flush) their
# read-modify-writes lose the writer's writes, with as many promotions,
# demotions and deferred pages; the same with LUF.
MW="--machine examples/machines/tiered-small.machine --workload workloads/migrc_write.yaml
	--set kernel.numa_balancing=2 --set numa.demotion_enabled=1 --set numasim.migration_entry_ad=0"
# deferred NAME: pages were pending, and a write fault forced their flush
deferred() {
	if jq -e '.migrc.peak_pending_pages > 0 and .vmstat.sim_migrc_deferred_pages > 0 and
		  .vmstat.sim_migrc_forced_flush_write_fault > 0' "$TMP/$1.json" >/dev/null; then ok
	else ko "$1: migrc $(jq -c '[.migrc, .vmstat.sim_migrc_deferred_pages,
		.vmstat.sim_migrc_forced_flush_write_fault]' "$TMP/$1.json")"; fi
}
for m in 1 luf; do
	run mw-$m 0 $MW --set numasim.migrc=$m && clean mw-$m && deferred mw-$m
	run mw-$m-skip 1 $MW --set numasim.migrc=$m --set numasim.debug_migrc_skip_write_flush=1 &&
		caught mw-$m-skip && comparable mw-$m mw-$m-skip sim_migrc_deferred_pages &&
		comparable mw-$m mw-$m-skip pgdemote_kswapd && comparable mw-$m mw-$m-skip pgpromote_success
	if jq -e '.oracle.lost_writes > 0 and .vmstat.sim_migrc_forced_flush_write_fault == 0 and
		  .migrc.peak_pending_pages > 0' "$TMP/mw-$m-skip.json" >/dev/null 2>&1; then ok
	else ko "mw-$m-skip: $(jq -c '[.oracle, .migrc, .vmstat.sim_migrc_forced_flush_write_fault]' \
		"$TMP/mw-$m-skip.json")"; fi
done

echo "flush scenarios: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
