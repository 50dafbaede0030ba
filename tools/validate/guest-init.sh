#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# numasim validate: /init of the guest that tools/validate/guest.sh boots (busybox sh).
#
# The host appends /nv.conf (and the workload file, if any, under /work/) to the
# initramfs as a second cpio archive.  This script mounts the pseudo file systems,
# turns the emulated NVDIMMs into lower-tier memory nodes, records what the kernel
# offers in /out/guest.txt, runs numasim-native (calibrate, then the workload) and
# sends every file of /out to the host over ttyS1, framed as
#   NVFILE-BEGIN <name> <bytes> gzip
#   <base64 lines of the gzipped file>
#   NVFILE-END <name>
# with "NVSTEP <step> <exit status>" lines for each step and a final "NVDONE".
# ttyS1 carries nothing else (console=ttyS0), so printk cannot split a frame.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /tmp /out

NV_PROBE=0
NV_PMEM_NODES=""
NV_KNOBS=""
NV_WORKLOAD=""
NV_SEED=1
NV_SCALE=1
NV_INTERVAL_MS=1000
NV_CALIBRATE=0
[ -f /nv.conf ] && . /nv.conf

DATA=/dev/console
if [ -c /dev/ttyS1 ] && grep -q 'nv.data=ttyS1' /proc/cmdline; then
	DATA=/dev/ttyS1
	stty -F /dev/ttyS1 raw -echo 115200 2>/dev/null
fi
say() { echo "nv: $*"; }
step() {	# step NAME RC: remember a step's exit status, for the host and for guest.txt
	echo "NVSTEP $1 $2" >> /out/steps.txt
	say "step $1 exit $2"
}
NATIVE=/bin/numasim-native

if [ "$NV_PROBE" = 1 ]; then	# accelerator probe: booted far enough to run init
	echo NVDONE > "$DATA"
	poweroff -f
fi
say "init at $(cut -d' ' -f1 /proc/uptime)s uptime, kernel $(uname -r)"

# The kernel's module files, decompressed by the host, in the order to load them
# (dependencies first, per modules.dep); absent when they are built in.
load_modules() {
	local m
	[ -f /lib/modules/load-order ] || return 0
	while read -r m; do
		insmod "/lib/modules/$m" 2>/tmp/insmod.err ||
			say "insmod $m: $(cat /tmp/insmod.err)"
	done < /lib/modules/load-order
}

wait_for() {	# wait_for PATH: up to 5 s for PATH to appear
	local i=0
	while [ ! -e "$1" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$1" ]
}

# One emulated NVDIMM region -> devdax -> kmem: its memory becomes system RAM of the
# region's target node, which the kernel puts in a memory tier below DRAM
# (dax/kmem memory has an abstract distance above DRAM's).  The label-less
# namespace first binds to nd_pmem (/dev/pmemN); take it away, give the region's dax
# seed a uuid, 2 MiB alignment, mode and the namespace, and bind dax_pmem; then hand
# the dax device from device_dax to kmem.  Plain sysfs, no ndctl or daxctl.
setup_region() {
	local region=$1 ns seed dax before
	ns=$(cd /sys/bus/nd/devices/$region && ls -d namespace* 2>/dev/null | head -n1)
	[ -n "$ns" ] || { say "pmem: $region has no namespace"; return 1; }
	seed=$(cat /sys/bus/nd/devices/$region/dax_seed 2>/dev/null)
	[ -n "$seed" ] || { say "pmem: $region has no dax seed"; return 1; }
	say "pmem: $region $ns size=$(cat /sys/bus/nd/devices/$ns/size)" \
		"target_node=$(cat /sys/bus/nd/devices/$region/target_node 2>/dev/null) seed=$seed"
	[ -e /sys/bus/nd/devices/$ns/driver ] && echo $ns > /sys/bus/nd/devices/$ns/driver/unbind
	cat /proc/sys/kernel/random/uuid > /sys/bus/nd/devices/$seed/uuid
	echo 2097152 > /sys/bus/nd/devices/$seed/align 2>/dev/null
	echo ram > /sys/bus/nd/devices/$seed/mode 2>/dev/null
	echo $ns > /sys/bus/nd/devices/$seed/namespace
	before=$(ls /sys/bus/dax/devices/ 2>/dev/null)
	echo $seed > /sys/bus/nd/drivers/dax_pmem/bind
	for dax in $(ls /sys/bus/dax/devices/ 2>/dev/null); do
		echo " $before " | grep -q " $dax " && continue
		[ -e /sys/bus/dax/devices/$dax/driver ] &&
			echo $dax > /sys/bus/dax/devices/$dax/driver/unbind
		echo $dax > /sys/bus/dax/drivers/kmem/new_id 2>/dev/null
		[ -e /sys/bus/dax/devices/$dax/driver ] ||
			echo $dax > /sys/bus/dax/drivers/kmem/bind 2>/dev/null
		say "pmem: $dax -> $(basename "$(readlink -f /sys/bus/dax/devices/$dax/driver)")" \
			"target_node=$(cat /sys/bus/dax/devices/$dax/target_node 2>/dev/null)"
		return 0
	done
	say "pmem: $region gave no dax device"
	return 1
}

setup_pmem() {
	local r rc=0 n
	load_modules
	echo online_movable > /sys/devices/system/memory/auto_online_blocks
	n=$(echo $NV_PMEM_NODES | wc -w)
	wait_for /sys/bus/nd/devices/region$((n - 1)) || { say "pmem: no nd regions"; return 1; }
	for r in $(cd /sys/bus/nd/devices && ls -d region* 2>/dev/null); do
		setup_region $r || rc=1
	done
	for n in $NV_PMEM_NODES; do
		grep -q 'MemTotal: *[1-9]' /sys/devices/system/node/node$n/meminfo 2>/dev/null ||
			{ say "pmem: node $n has no memory"; rc=1; }
	done
	return $rc
}

if [ -n "$NV_PMEM_NODES" ]; then
	setup_pmem
	step pmem $?
fi

# Knobs: numasim-native --set applies them when it has the option (and tells
# numasim tunable names from Linux files); an older binary does not, so set the
# ones with a Linux file here, with the same name -> file mapping.
knob_path() {
	case "$1" in
	numasim.*|autonuma.*) ;;
	transparent_hugepage.hugepages-*.*)
		local k=${1#transparent_hugepage.}
		echo /sys/kernel/mm/transparent_hugepage/${k%%.*}/${k#*.} ;;
	transparent_hugepage.*) echo /sys/kernel/mm/transparent_hugepage/${1#*.} ;;
	kernel.*) echo /proc/sys/kernel/${1#kernel.} ;;
	vm.*) echo /proc/sys/vm/${1#vm.} ;;
	numa_balancing.*) echo /sys/kernel/debug/sched/numa_balancing/${1#*.} ;;
	numa.demotion_enabled) echo /sys/kernel/mm/numa/demotion_enabled ;;
	esac
}
SETS=""
if "$NATIVE" --help 2>/dev/null | grep -q -- '--set'; then
	for kv in $NV_KNOBS; do
		case "$kv" in	# the simulator's own tunables have no Linux file: --set refuses them
		numasim.*|autonuma.*) echo "$kv simulator-only" >> /out/knobs.txt ;;
		*) SETS="$SETS --set $kv" ;;
		esac
	done
	KNOB_MODE="numasim-native --set"
else
	# as numasim-native --set does: a file the kernel lacks or a value it refuses is
	# recorded (knobs.txt, guest.txt) and the run goes on
	KNOB_MODE="guest init (numasim-native has no --set)"
	rc=0
	for kv in $NV_KNOBS; do
		p=$(knob_path "${kv%%=*}")
		if [ -z "$p" ]; then
			r="simulator-only"
		elif [ ! -e "$p" ]; then
			r="absent $p"
			rc=1
		elif v=${kv#*=}; case "$v" in true) v=1 ;; false) v=0 ;; esac
			(echo "$v" > "$p") 2>/tmp/knob.err; then
			r="applied $p"
		else
			r="refused $p: $(tr '\n' ' ' < /tmp/knob.err)"
			rc=1
		fi
		echo "$kv $r" >> /out/knobs.txt
		say "knob $kv: $r"
	done
	[ -n "$NV_KNOBS" ] && step knobs $rc
fi

# guest.txt: what this kernel is and offers.  The "node", "tier" and "knob" lines
# have a fixed form the host reads for meta.json.
show_file() {	# show_file PATH: "knob PATH = VALUE" or "knob PATH absent"
	if [ -f "$1" ]; then
		echo "knob $1 = $(cat "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ *$//')"
	else
		echo "knob $1 absent"
	fi
}
write_guest_txt() {
	local n t f
	echo "uname $(uname -r)"
	echo "version $(cat /proc/version)"
	echo "cmdline $(cat /proc/cmdline)"
	echo "knob_mode $KNOB_MODE"
	[ -f /out/knobs.txt ] && sed 's/^/knob_set /' /out/knobs.txt
	echo "# numactl --hardware, from sysfs"
	echo "available: $(ls -d /sys/devices/system/node/node* | wc -l) nodes" \
		"($(cat /sys/devices/system/node/online))"
	for n in $(cd /sys/devices/system/node && ls -d node* | sed 's/node//' | sort -n); do
		f=/sys/devices/system/node/node$n
		echo "node $n cpus=$(cat $f/cpulist)" \
			"mem_kb=$(sed -n 's/.*MemTotal: *\([0-9]*\) kB/\1/p' $f/meminfo)" \
			"free_kb=$(sed -n 's/.*MemFree: *\([0-9]*\) kB/\1/p' $f/meminfo)" \
			"distance=$(cat $f/distance | tr ' ' ',')"
	done
	echo "# memory tiers (/sys/devices/virtual/memory_tiering)"
	for t in /sys/devices/virtual/memory_tiering/memory_tier*; do
		[ -d "$t" ] && echo "tier $(basename $t) nodes=$(cat $t/nodelist)"
	done
	echo "# knob files"
	for f in /proc/sys/kernel/numa_balancing /proc/sys/kernel/numa_balancing_promote_rate_limit_MBps \
		/proc/sys/vm/swappiness /proc/sys/vm/zone_reclaim_mode \
		/sys/kernel/mm/numa/demotion_enabled /sys/kernel/mm/transparent_hugepage/enabled \
		/sys/kernel/mm/transparent_hugepage/defrag \
		/sys/kernel/mm/transparent_hugepage/use_zero_page \
		/sys/kernel/mm/transparent_hugepage/shmem_enabled; do
		show_file $f
	done
	for f in /sys/kernel/debug/sched/numa_balancing/*; do
		[ -f "$f" ] && show_file "$f"
	done
	for f in /sys/kernel/mm/transparent_hugepage/hugepages-*kB; do
		[ -d "$f" ] && show_file "$f/enabled"
	done
	[ -d /sys/kernel/mm/damon ] && echo "knob /sys/kernel/mm/damon present"
}
write_guest_txt > /out/guest.txt
sed -n 's/^\(available\|node\|tier\) /nv: &/p' /out/guest.txt

if [ "$NV_CALIBRATE" = 1 ]; then
	say "running: numasim-native$SETS --calibrate /out/calibration.machine --json /out/calibration.json"
	"$NATIVE" $SETS --calibrate /out/calibration.machine --json /out/calibration.json \
		> /out/calibrate.stdout 2> /out/calibrate.stderr
	step calibrate $?
fi

say "running: numasim-native$SETS --interval $NV_INTERVAL_MS --seed $NV_SEED --scale $NV_SCALE" \
	"--json /out/linux.json $NV_WORKLOAD"
T0=$(cut -d' ' -f1 /proc/uptime)
"$NATIVE" $SETS --interval "$NV_INTERVAL_MS" --seed "$NV_SEED" --scale "$NV_SCALE" \
	--json /out/linux.json "$NV_WORKLOAD" > /out/workload.stdout 2> /out/workload.stderr
step workload $?
say "workload ran from uptime $T0 to $(cut -d' ' -f1 /proc/uptime)"

dmesg 2>/dev/null > /out/dmesg.txt
echo "# steps" >> /out/guest.txt
cat /out/steps.txt >> /out/guest.txt

# send the results; the steps first, so a broken transfer still tells them
cat /out/steps.txt > "$DATA"
for f in /out/*; do
	[ -f "$f" ] || continue
	n=$(basename "$f")
	echo "NVFILE-BEGIN $n $(wc -c < "$f") gzip" > "$DATA"
	gzip -c "$f" | base64 > "$DATA"	# ttyS1 moves ~300 KB/s under TCG: JSON shrinks ~10x
	echo "NVFILE-END $n" > "$DATA"
done
echo NVDONE > "$DATA"
say "done, powering off"
sync
poweroff -f
