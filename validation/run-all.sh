#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The reference runs of docs/validation.md: each is one `numasim validate`
# on a QEMU guest of 2 nodes x 2 vCPUs (with a pmem tier for the tiering
# runs), with Linux 6.1 and with the newest kernel Debian serves (6.12,
# which has mTHP). Each run leaves its directory under validation/linux-V/
# with every raw sample (linux.json), the calibrated machine, the table,
# and bounds.txt (its bounds.proposed), which `make check` holds numasim to.
#
# Usage: validation/run-all.sh [NAME-PATTERN]   (from the repository root;
#        takes about 25 minutes under TCG)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/build/numasim
ONLY=${1:-}
SCAN="--set numa_balancing.scan_delay_ms=100 --set numa_balancing.scan_period_min_ms=100"
K2=examples/machines/kref-2x2.machine
TIER=validation/machines/tier-small.machine
WRONG=wrongnode:size=128M,passes=20
cd "$ROOT" || exit 2

# run KVER NAME ARGS...
run() {
	kver=$1; name=$2; shift 2
	case "$name" in *"$ONLY"*) ;; *) return 0 ;; esac
	dir=validation/linux-$kver/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	kv=$kver
	[ "$kver" = 6.12 ] && kv=newest
	echo "numasim validate --kernel-version $kv --out $dir $*" >"$dir/command.txt"
	echo "== $dir"
	if "$BIN" validate --kernel-version "$kv" --out "$dir" "$@" >"$dir/stdout.txt" 2>"$dir/stderr.txt"; then
		cp "$dir/bounds.proposed" "$dir/bounds.txt"
		rm -f "$dir/ttyS1.raw"	# the encoded copy of the files beside it
		tail -n +2 "$dir/table.txt"
	else
		echo "FAILED (exit $?): $(tail -3 "$dir/stderr.txt")"
	fi
}

for kver in 6.1 6.12; do
	for nb in 0 1 2; do
		run $kver wrongnode-thp-nb$nb --machine $K2 --workload $WRONG $SCAN \
			--set kernel.numa_balancing=$nb
		run $kver wrongnode-4k-nb$nb --machine $K2 --workload $WRONG $SCAN \
			--set kernel.numa_balancing=$nb --set transparent_hugepage.enabled=never
	done
	run $kver numa02 --machine $K2 --workload numa02:size=256M,threads=4,loops=10 $SCAN
	run $kver numa01 --machine $K2 --workload numa01:size=128M,threads=2,loops=10,node=0 $SCAN
	for dem in 0 1; do
		run $kver tier-promote-demotion$dem --machine $TIER \
			--workload validation/workloads/tier-pressure.yaml $SCAN \
			--set kernel.numa_balancing=2 --set numa.demotion_enabled=$dem
	done
done
for nb in 0 1; do
	run 6.12 wrongnode-64k-nb$nb --machine $K2 --workload $WRONG $SCAN \
		--set kernel.numa_balancing=$nb --set transparent_hugepage.enabled=never \
		--set transparent_hugepage.hugepages-64kB.enabled=always
done
