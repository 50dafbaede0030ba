#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# numasim validate without QEMU: bad input, and every reference run under
# validation/ checked against its recorded bounds (the simulation is rerun
# from the run's validate.conf and its calibrated machine file; Linux's side
# is the recorded linux.json). The guest script's own input checks are in
# tests/scenarios/validate_guest.sh.
# Usage: tests/scenarios/validate.sh build/release/numasim
set -u
BIN=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
. "$(dirname "$0")/lib.sh"

# bad input: refused before anything boots
expect 0 "counter | Linux | numasim | ratio" -- validate --help
expect 2 "device memory" -- validate --machine gpu-1node --out "$TMP/x"
expect 2 "\-\-guest-mem: '3'" -- validate --guest-mem 3
expect 2 "\-\-guest-mem: ' 2G' is not a size" -- validate --guest-mem " 2G"
expect 2 "\-\-guest-mem: '0x10' is not a size" -- validate --guest-mem 0x10
expect 2 "\-\-guest-mem: '1537K' is not a whole number of MiB" -- validate --guest-mem 1537K
expect 2 "\-\-guest-mem: '16T' must be" -- validate --guest-mem 16T
expect 2 "\-\-guest-cpus: '0x2'" -- validate --guest-cpus 0x2
expect 2 "\-\-guest-cpus: '0'" -- validate --guest-cpus 0
expect 2 "\-\-accel: 'fast'" -- validate --accel fast
expect 2 "\-\-kernel and \-\-kernel-version" -- validate --kernel /x --kernel-version 6.1
expect 2 "\-\-no-calibrate: give \-\-sim-machine" -- validate --no-calibrate
expect 2 "a trace cannot run in the guest" -- validate --workload trace:/tmp/none.nstrace
expect 2 "numasim.policy=autonuma2012: a mainline kernel has no such policy" -- validate --machine examples/machines/kref-2x2.machine \
	--workload wrongnode:size=64M --set numasim.policy=autonuma2012 --out "$TMP/x"
expect 2 "workload on the guest machine" -- validate --machine examples/machines/kref-2x2.machine \
	--workload wrongnode:bind=7 --out "$TMP/x"
expect 2 "name at least one validation directory" -- validate --check
expect 2 "validate.conf" -- validate --check "$TMP/none"

# --dry-run: the guest plan, checked by guest.sh, nothing booted
expect 0 "node 0: dram, 2 vCPUs, 1024 MiB (machine: 64 CPUs, 262144 MiB)" -- validate \
	--machine 2node-128cpu --guest-mem 2G --dry-run --out "$TMP/plan" \
	--set numa_balancing.scan_delay_ms=100 --set numasim.slice_us=250
if grep -q "^NV_NODE_MEM_MB='1024 1024'$" "$TMP/plan/guest.conf" &&
   grep -q "^NV_NODE_CPUS='2 2'$" "$TMP/plan/guest.conf" &&
   grep -q "^NV_DISTANCE='10 21,21 10'$" "$TMP/plan/guest.conf" &&
   grep -q "numa_balancing.scan_delay_ms=100 " "$TMP/plan/guest.conf" &&
   ! grep -q "numasim\.\|autonuma\." "$TMP/plan/guest.conf"; then ok
else ko "dry run on 2node-128cpu: $(cat "$TMP/plan/guest.conf")"; fi
expect 0 "node 2: cxl, 0 vCPUs, 1536 MiB" -- validate --machine tiered-2node-cxl \
	--guest-mem 4G --guest-cpus 1 --dry-run --out "$TMP/plan2" --workload seq:size=64M
if grep -q "^NV_NODE_KIND='dram dram cxl cxl'$" "$TMP/plan2/guest.conf" &&
   grep -q "^NV_NODE_CPUS='1 1 0 0'$" "$TMP/plan2/guest.conf" &&
   grep -q "^NV_NODE_MEM_MB='384 384 1536 1536'$" "$TMP/plan2/guest.conf"; then ok
else ko "dry run on tiered-2node-cxl: $(cat "$TMP/plan2/guest.conf")"; fi

# the reference runs: each still lands within its bounds
refs=0
for d in "$ROOT"/validation/*/*/; do
	[ -f "$d/bounds.txt" ] || continue
	refs=$((refs + 1))
	out=$("$BIN" validate --check "$d" 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q " 0 out"; then ok
	else ko "validate --check $d: exit $rc: $(printf '%s' "$out" | grep -A3 'OUT OF\|numasim validate')"; fi
done
if [ "$refs" -ge 1 ]; then ok; else ko "no reference runs under validation/"; fi

# a bound the simulation does not meet fails the check, naming the row
one=$(ls -d "$ROOT"/validation/*/*/ 2>/dev/null | head -1)
if [ -n "$one" ]; then
	cp -r "$one" "$TMP/ref"
	echo "vmstat.pgfault ratio 1000 2000" >>"$TMP/ref/bounds.txt"
	expect 1 "OUT OF BOUNDS vmstat.pgfault" -- validate --check "$TMP/ref"
	# --check reads a reference run; it writes nothing into it
	if cmp -s "$TMP/ref/numasim.json" "$one/numasim.json" && cmp -s "$TMP/ref/table.txt" "$one/table.txt"; then ok
	else ko "validate --check changed the files of $one"; fi
	printf 'vmstat.pgfault between 1\n' >"$TMP/ref/bounds.txt"
	expect 2 "bounds.txt:1: expected" -- validate --check "$TMP/ref"
	printf 'vmstat.pgfault ratio 0x1 2\n' >"$TMP/ref/bounds.txt"
	expect 2 "bounds.txt:1: expected" -- validate --check "$TMP/ref"
	printf 'vmstat.pgfault ratio nan 2\n' >"$TMP/ref/bounds.txt"
	expect 2 "bounds.txt:1: expected" -- validate --check "$TMP/ref"
	# the numbers of a case file: decimal only
	cp -r "$one" "$TMP/ref3"
	sed -i 's/^scale = .*/scale = 0x1/' "$TMP/ref3/validate.conf"
	expect 2 "validate.conf:[0-9]*: key 'scale': bad or unknown" -- validate --check "$TMP/ref3"
	sed -i 's/^scale = .*/scale = 1/; s/^seed = .*/seed =  1/' "$TMP/ref3/validate.conf"
	expect 2 "validate.conf:[0-9]*: key 'seed': bad or unknown" -- validate --check "$TMP/ref3"
	# --table prints what the run recorded, the same table as table.txt
	cp -r "$one" "$TMP/ref2"
	if "$BIN" validate --table "$TMP/ref2" --json "$TMP/t.json" >"$TMP/table.out" &&
	   cmp -s "$TMP/table.out" "$one/table.txt"; then ok
	else ko "validate --table $one differs from its table.txt"; fi
	if jq -e '.table | length > 5' "$TMP/t.json" >/dev/null && jq -e '.linux.timeseries | length > 2' "$TMP/t.json" >/dev/null; then ok
	else ko "validate --json: table and both runs expected"; fi
fi

# the guest script's input checks (no QEMU)
if [ -x "$ROOT/tests/scenarios/validate_guest.sh" ]; then
	if "$ROOT/tests/scenarios/validate_guest.sh" >"$TMP/guest.out" 2>&1; then ok
	else ko "validate_guest.sh: $(tail -5 "$TMP/guest.out")"; fi
fi

echo "validate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
