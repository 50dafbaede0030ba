#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tools/validate/guest.sh - the guest side of `numasim validate` (issue 12): boot a
# real Linux kernel in QEMU with the simulated machine's NUMA topology and run the
# same workload in it with numasim-native, beside the simulation.
#
# usage: tools/validate/guest.sh --config FILE --out DIR
#            [--kernel BZIMAGE [--modules DIR] | --kernel-version V]
#            [--accel auto|kvm|tcg] [--timeout SEC] [--native PATH] [--cache DIR] [--quiet]
#        tools/validate/guest.sh --check-config FILE    validate FILE only, boot nothing
#        tools/validate/guest.sh --decode DIR   decode DIR/ttyS1.raw again into DIR (exit 4
#                                               if a frame is garbled or NVDONE is missing)
#
#   --config FILE        KEY=VALUE lines (below), as `numasim validate` writes them
#   --out DIR            result directory (created; earlier results there are replaced)
#   --kernel BZIMAGE     a kernel you built; --modules DIR: its /lib/modules/<release>
#                        tree (only the pmem/cxl tier needs modules, unless built in)
#   --kernel-version V   Debian's linux-image-V (6.1.0-57-amd64, 6.12.57+deb12-amd64 from
#                        bookworm-backports, ...); "6.1" (the default): the version
#                        linux-image-amd64 depends on; "newest": the newest
#                        linux-image-*-amd64 apt can see, bookworm-backports included
#                        (6.8+ has mTHP).  Fetched with apt-get download, unpacked with
#                        dpkg -x into the cache; nothing goes to /boot.
#   --accel MODE         auto (default): KVM if a probe boot works (cached), else TCG
#   --timeout SEC        hard limit on qemu (default 900)
#   --native PATH        numasim-native to run (default build/numasim-native of this repo)
#   --cache DIR          kernels, initramfs images, the KVM probe (default $NUMASIM_CACHE,
#                        else $HOME/.cache/numasim)
#   --quiet              do not echo the guest's "nv:" progress lines on stderr
#
# Config keys (shell-style; values with spaces in single quotes; '#' comments):
#   NV_NODE_CPUS='2 2 0'         vCPUs per NUMA node, one entry per node (required)
#   NV_NODE_MEM_MB='1024 1024 512'  MiB per node (required)
#   NV_NODE_KIND='dram dram pmem'   dram, or pmem|cxl: a CPU-less lower-tier node, an
#                                emulated NVDIMM made system RAM by dax/kmem (default dram)
#   NV_DISTANCE='10 21 30,21 10 30,30 30 10'  SLIT rows, comma separated (default 10
#                                local, 21 between DRAM nodes, 30 to and from pmem/cxl)
#   NV_KNOBS='kernel.numa_balancing=1 ...'  numasim tunables, each passed as --set (numasim.*
#                                and autonuma.* are left out: no Linux file); a numasim-native
#                                without --set gets them written by the guest init instead.
#                                A file the kernel lacks or a value it refuses is a warning.
#   NV_WORKLOAD='wrongnode:size=256M'  a workload spec, or a .yaml workload file on the host
#   NV_SEED=1  NV_SCALE=1  NV_INTERVAL_MS=1000
#   NV_CALIBRATE=0|1             run numasim-native --calibrate first (its failure, e.g.
#                                an older binary's "unknown option", is recorded, not fatal)
#   NV_CMDLINE=''                extra kernel command line
#
# Output in DIR: console.log (serial console, qemu's messages), ttyS1.raw (the data
# channel), linux.json (numasim-native --json of the workload), workload.stdout,
# workload.stderr, calibration.machine, calibration.json, calibrate.stdout,
# calibrate.stderr (when NV_CALIBRATE=1), knobs.txt ("KEY=VALUE applied|absent|refused
# FILE" or "KEY=VALUE simulator-only"; numasim-native with --set records them in its JSON,
# native.knobs_set, instead), guest.txt (kernel, cmdline, topology, memory tiers, knob
# files), steps.txt, dmesg.txt, meta.json (kernel, accelerator, qemu argv, wall seconds,
# step exit statuses, topology the guest saw).
#
# meta.json: {"tool", "format": 1, "config": path, "kernel": {"version", "path", "source",
# "modules": [files loaded for pmem/cxl]}, "guest_kernel_release", "accel": {"requested",
# "used": "kvm"|"tcg", "args"}, "qemu": {"version", "argv": [...], "exit", "timeout_s",
# "timed_out", "wall_s"}, "poweroff": the guest sent everything and powered off,
# "steps": {"pmem"|"knobs"|"calibrate"|"workload": exit status}, "config_topology":
# {"node_cpus", "node_mem_mb", "node_kind", "distance"}, "guest_topology": {"nodes":
# [{"node", "cpus": cpulist, "mem_kb", "distance": [...]}], "memory_tiers": [{"tier",
# "nodes": nodelist}]}, "topology_problem": "" or how they differ, "bad_frames", "host":
# {"cpus", "mem_available_mb", "kernel"}, "total_wall_s", "exit": this script's status}.
# guest.txt: "uname R", "version ...", "cmdline ...", "knob_mode ...", "available: N nodes",
# "node N cpus=L mem_kb=K free_kb=F distance=a,b,...", "tier memory_tierT nodes=L",
# "knob PATH = VALUE" or "knob PATH absent" (the tunables' files, every
# transparent_hugepage/hugepages-*kB/enabled), then "NVSTEP step status" lines.
#
# Exit status: 0 the workload step succeeded; 2 bad option or config (the key named),
# or a config too big for this host; 3 a package, the kernel, qemu or numasim-native
# could not be had; 4 the guest failed (timeout, no poweroff, the pmem/cxl setup or the
# workload failed, no linux.json, a topology other than the config's).  A failed
# calibration is only a warning (steps.calibrate in meta.json).
#
# First use installs what is missing (qemu-system-x86 busybox-static cpio xz-utils, and
# kmod for depmod when a pmem/cxl node needs modules) with apt-get: root only.  An alias
# or version apt cannot find adds bookworm-backports in
# /etc/apt/sources.list.d/numasim-backports.sources (said on stderr).  Caches: kernels in
# CACHE/kernels/<release>, initramfs images in CACHE/initramfs/base-<hash of inputs>, the
# KVM probe result in CACHE/accel-probe-<host kernel>-<qemu version> (delete to re-probe).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
PROG=validate-guest
INIT_SRC=$HERE/guest-init.sh
FORMAT=1	# bump when the initramfs layout changes (part of its cache key)

log() { echo "$PROG: $*" >&2; }
die() { local rc=$1; shift; log "$*"; exit "$rc"; }

usage() {
	sed -n '/^# usage:/,/^#   --quiet/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# ---------------------------------------------------------------- options
CONFIG="" OUT="" KERNEL="" MODULES="" KVERSION="" ACCEL=auto TIMEOUT=900 QUIET=0
NATIVE=$REPO/build/numasim-native
CACHE=${NUMASIM_CACHE:-${HOME:-/root}/.cache/numasim}
CHECK_ONLY=0 DECODE=""
need_arg() { [ $# -ge 2 ] || die 2 "option $1 needs a value"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--config) need_arg "$@"; CONFIG=$2; shift 2 ;;
	--check-config) need_arg "$@"; CONFIG=$2; CHECK_ONLY=1; shift 2 ;;
	--decode) need_arg "$@"; DECODE=$2; shift 2 ;;
	--out) need_arg "$@"; OUT=$2; shift 2 ;;
	--kernel) need_arg "$@"; KERNEL=$2; shift 2 ;;
	--modules) need_arg "$@"; MODULES=$2; shift 2 ;;
	--kernel-version) need_arg "$@"; KVERSION=$2; shift 2 ;;
	--accel) need_arg "$@"; ACCEL=$2; shift 2 ;;
	--timeout) need_arg "$@"; TIMEOUT=$2; shift 2 ;;
	--native) need_arg "$@"; NATIVE=$2; shift 2 ;;
	--cache) need_arg "$@"; CACHE=$2; shift 2 ;;
	--quiet|-q) QUIET=1; shift ;;
	-h|--help) usage ;;
	*) die 2 "unknown option '$1' (see $0 --help)" ;;
	esac
done
[ -n "$DECODE" ] || [ -n "$CONFIG" ] || die 2 "--config FILE is required (see $0 --help)"
[ "$CHECK_ONLY" = 1 ] || [ -n "$DECODE" ] || [ -n "$OUT" ] || die 2 "--out DIR is required"
[ -z "$KERNEL" ] || [ -z "$KVERSION" ] || die 2 "give --kernel or --kernel-version, not both"
[ -z "$MODULES" ] || [ -n "$KERNEL" ] || die 2 "--modules goes with --kernel"
case "$ACCEL" in auto|kvm|tcg) ;; *) die 2 "--accel '$ACCEL': give auto, kvm or tcg" ;; esac
[[ "$TIMEOUT" =~ ^[1-9][0-9]{0,5}$ ]] || die 2 "--timeout '$TIMEOUT': give seconds (1..999999)"
[ -z "$KVERSION" ] || [[ "$KVERSION" =~ ^[A-Za-z0-9][A-Za-z0-9.+~-]*$ ]] ||
	die 2 "--kernel-version '$KVERSION': not a kernel package version"

# ---------------------------------------------------------------- config
# Read KEY=VALUE lines without running the file: a value is a bare word or one
# single-quoted string.
NV_NODE_CPUS="" NV_NODE_MEM_MB="" NV_NODE_KIND="" NV_DISTANCE="" NV_KNOBS=""
NV_WORKLOAD="" NV_SEED=1 NV_SCALE=1 NV_INTERVAL_MS=1000 NV_CALIBRATE=0 NV_CMDLINE=""
KEYS=" NV_NODE_CPUS NV_NODE_MEM_MB NV_NODE_KIND NV_DISTANCE NV_KNOBS NV_WORKLOAD NV_SEED"
KEYS+=" NV_SCALE NV_INTERVAL_MS NV_CALIBRATE NV_CMDLINE "
bad() { die 2 "$CONFIG: $1: $2"; }

read_config() {
	local line n=0 key val
	[ -f "$CONFIG" ] && [ -r "$CONFIG" ] || die 2 "--config '$CONFIG': no such readable file"
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		line=${line%$'\r'}
		[[ "$line" =~ ^[[:space:]]*(#.*)?$ ]] && continue
		[[ "$line" =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]] ||
			die 2 "$CONFIG:$n: not a KEY=VALUE line: $line"
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		[[ "$KEYS" == *" $key "* ]] || die 2 "$CONFIG:$n: unknown key $key"
		if [[ "$val" =~ ^\'([^\']*)\'$ ]]; then
			val=${BASH_REMATCH[1]}
		elif [[ "$val" =~ [[:space:]\'\"\`\$\\\;\&\|\<\>\(\)] ]]; then
			die 2 "$CONFIG:$n: $key: quote a value with spaces in '...' (no quotes, \$ or \\ inside)"
		fi
		[[ "$val" == *[\"\`\$\\]* ]] && die 2 "$CONFIG:$n: $key: no \", \`, \$ or \\ in values"
		printf -v "$key" '%s' "$val"
	done < "$CONFIG"
}

uint_list() {	# uint_list KEY VALUE: every word a whole number
	local w
	[ -n "$2" ] || bad "$1" "missing (one entry per NUMA node)"
	for w in $2; do
		[[ "$w" =~ ^(0|[1-9][0-9]{0,6})$ ]] || bad "$1" "'$w' is not a whole number"
	done
}

validate_config() {
	local i j w row n
	uint_list NV_NODE_CPUS "$NV_NODE_CPUS"
	uint_list NV_NODE_MEM_MB "$NV_NODE_MEM_MB"
	read -ra CPUS <<< "$NV_NODE_CPUS"
	read -ra MEMS <<< "$NV_NODE_MEM_MB"
	NR=${#CPUS[@]}
	[ "$NR" -le 64 ] || bad NV_NODE_CPUS "$NR nodes: at most 64"
	[ "${#MEMS[@]}" = "$NR" ] ||
		bad NV_NODE_MEM_MB "${#MEMS[@]} entries, but NV_NODE_CPUS has $NR nodes"
	[ -n "$NV_NODE_KIND" ] || NV_NODE_KIND=$(for ((i = 0; i < NR; i++)); do echo -n "dram "; done)
	read -ra KINDS <<< "$NV_NODE_KIND"
	[ "${#KINDS[@]}" = "$NR" ] ||
		bad NV_NODE_KIND "${#KINDS[@]} entries, but NV_NODE_CPUS has $NR nodes"
	TOTAL_CPUS=0 TOTAL_MEM=0 DRAM_MEM=0 PMEM_NODES=() CPU_NODES=0
	for ((i = 0; i < NR; i++)); do
		case "${KINDS[i]}" in
		dram)
			[ "${MEMS[i]}" -ge 64 ] || bad NV_NODE_MEM_MB "node $i: ${MEMS[i]} MiB, give at least 64"
			DRAM_MEM=$((DRAM_MEM + MEMS[i])) ;;
		pmem|cxl)
			[ "${CPUS[i]}" = 0 ] || bad NV_NODE_KIND "node $i is ${KINDS[i]}: it must have 0 CPUs in NV_NODE_CPUS"
			# kmem onlines whole 128 MiB memory blocks; the device needs some for its metadata
			[ "${MEMS[i]}" -ge 256 ] && [ $((MEMS[i] % 128)) = 0 ] ||
				bad NV_NODE_MEM_MB "node $i (${KINDS[i]}): ${MEMS[i]} MiB, give a multiple of 128 from 256"
			PMEM_NODES+=("$i") ;;
		*) bad NV_NODE_KIND "node $i: '${KINDS[i]}', give dram, pmem or cxl" ;;
		esac
		TOTAL_CPUS=$((TOTAL_CPUS + CPUS[i]))
		TOTAL_MEM=$((TOTAL_MEM + MEMS[i]))
		[ "${CPUS[i]}" -gt 0 ] && CPU_NODES=$((CPU_NODES + 1))
	done
	[ "$TOTAL_CPUS" -ge 1 ] || bad NV_NODE_CPUS "no node has a CPU"
	[ "${CPUS[0]}" -gt 0 ] && [ "${KINDS[0]}" = dram ] ||
		bad NV_NODE_CPUS "node 0 must be a dram node with CPUs (the kernel boots there)"
	[ "${MEMS[0]}" -ge 256 ] || bad NV_NODE_MEM_MB "node 0: ${MEMS[0]} MiB, give at least 256 (the kernel and the initramfs live there)"

	if [ -z "$NV_DISTANCE" ]; then
		for ((i = 0; i < NR; i++)); do
			row=""
			for ((j = 0; j < NR; j++)); do
				if [ $i = $j ]; then w=10
				elif [ "${KINDS[i]}" != dram ] || [ "${KINDS[j]}" != dram ]; then w=30
				else w=21; fi
				row+="$w "
			done
			NV_DISTANCE+="${row% },"
		done
		NV_DISTANCE=${NV_DISTANCE%,}
	fi
	IFS=, read -ra ROWS <<< "$NV_DISTANCE"
	[ "${#ROWS[@]}" = "$NR" ] ||
		bad NV_DISTANCE "${#ROWS[@]} rows (separated by commas), but there are $NR nodes"
	DIST=()
	for ((i = 0; i < NR; i++)); do
		read -ra w <<< "${ROWS[i]}"
		[ "${#w[@]}" = "$NR" ] || bad NV_DISTANCE "row $i has ${#w[@]} entries, give $NR"
		for ((j = 0; j < NR; j++)); do
			[[ "${w[j]}" =~ ^[0-9]{1,3}$ ]] || bad NV_DISTANCE "row $i: '${w[j]}' is not a number"
			if [ $i = $j ]; then
				[ "${w[j]}" = 10 ] || bad NV_DISTANCE "row $i: the local distance must be 10, not ${w[j]}"
			else
				[ "${w[j]}" -gt 10 ] && [ "${w[j]}" -le 254 ] ||
					bad NV_DISTANCE "row $i column $j: ${w[j]}, give 11..254 between nodes"
			fi
			DIST[i * NR + j]=${w[j]}
		done
	done

	for w in $NV_KNOBS; do
		[[ "$w" =~ ^[A-Za-z][A-Za-z0-9_.-]*=[A-Za-z0-9_.,:+/-]+$ ]] ||
			bad NV_KNOBS "'$w': give TUNABLE=VALUE words (numasim list shows the tunables)"
	done
	[ -n "$NV_WORKLOAD" ] || bad NV_WORKLOAD "missing (a workload spec or a .yaml file)"
	[[ "$NV_WORKLOAD" =~ ^[A-Za-z0-9_./:,=+-]+$ ]] ||
		bad NV_WORKLOAD "'$NV_WORKLOAD': only letters, digits and _ . / : , = + - (no spaces)"
	WL_FILE=""
	if [[ "$NV_WORKLOAD" == */* || "$NV_WORKLOAD" =~ \.ya?ml$ ]]; then
		[ -f "$NV_WORKLOAD" ] && [ -r "$NV_WORKLOAD" ] ||
			bad NV_WORKLOAD "no such workload file '$NV_WORKLOAD'"
		WL_FILE=$NV_WORKLOAD
	fi
	[[ "$NV_SEED" =~ ^(0|[1-9][0-9]{0,18})$ ]] || bad NV_SEED "'$NV_SEED': give a whole number"
	[[ "$NV_SCALE" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$ ]] &&
		awk -v s="$NV_SCALE" 'BEGIN { exit !(s + 0 > 0) }' ||
		bad NV_SCALE "'$NV_SCALE': give a positive number"
	[[ "$NV_INTERVAL_MS" =~ ^[1-9][0-9]{0,4}$ ]] && [ "$NV_INTERVAL_MS" -le 60000 ] ||
		bad NV_INTERVAL_MS "'$NV_INTERVAL_MS': give milliseconds from 1 to 60000"
	[[ "$NV_CALIBRATE" =~ ^[01]$ ]] || bad NV_CALIBRATE "'$NV_CALIBRATE': give 0 or 1"
	[[ "$NV_CMDLINE" =~ ^[[:print:]]*$ ]] || bad NV_CMDLINE "printable characters only"
}

# The guest's memory is real memory of this host, and TCG vCPUs are host threads.
check_host_fits() {
	local avail ncpu
	avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
	ncpu=$(nproc)
	[ $((TOTAL_MEM * 2)) -le "$avail" ] ||
		die 2 "$CONFIG: NV_NODE_MEM_MB: $TOTAL_MEM MiB in all is more than half of this host's MemAvailable ($avail MiB): scale the machine down"
	[ "$TOTAL_CPUS" -le $((ncpu * 4)) ] ||
		die 2 "$CONFIG: NV_NODE_CPUS: $TOTAL_CPUS vCPUs is more than 4 x this host's $ncpu CPUs: scale the machine down"
}

# ---------------------------------------------------------------- packages
ensure_packages() {	# ensure_packages [PACKAGES]: default the ones every run needs
	local need=() p out
	for p in ${*:-qemu-system-x86 busybox-static cpio xz-utils}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			need+=("$p")
	done
	[ ${#need[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] ||
		die 3 "missing packages: ${need[*]}; run as root, or install them: apt-get install --no-install-recommends ${need[*]}"
	log "first use: installing ${need[*]}"
	out=$( { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${need[@]}"; } 2>&1) ||
		die 3 "apt-get install ${need[*]} failed: $(echo "$out" | tail -n 5)"
}

# ---------------------------------------------------------------- kernel
has_backports() {
	grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/
}
add_backports() {
	[ "$(id -u)" = 0 ] || die 3 "bookworm-backports is not in the apt sources and only root can add it"
	log "adding bookworm-backports to apt: /etc/apt/sources.list.d/numasim-backports.sources, then apt-get update"
	cat > /etc/apt/sources.list.d/numasim-backports.sources <<-EOF
	Types: deb
	URIs: http://deb.debian.org/debian
	Suites: bookworm-backports
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	apt-get update -qq >&2 || die 3 "apt-get update failed after adding bookworm-backports"
}

# the version linux-image-amd64 depends on (Debian's default kernel)
default_kversion() {
	local v
	v=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n1)
	if [ -z "$v" ]; then
		apt-get update -qq >&2
		v=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | head -n1)
	fi
	[ -n "$v" ] || die 3 "cannot tell which kernel linux-image-amd64 depends on (apt-cache depends linux-image-amd64)"
	echo "$v"
}

newest_kversion() {
	local v
	has_backports || add_backports
	# the generic flavour only: 6.1.0-57-amd64, 6.12.118+deb12-amd64 (not -rt-, -cloud-,
	# -dbg or -unsigned)
	v=$(apt-cache pkgnames linux-image- 2>/dev/null |
		sed -En 's/^linux-image-([0-9][0-9.]*(-[0-9]+|\+[a-z0-9.]+)-amd64)$/\1/p' |
		sort -V | tail -n1)
	[ -n "$v" ] || die 3 "apt sees no linux-image-*-amd64 package"
	echo "$v"
}

fetch_kernel_package() {	# sets KVER KDIR VMLINUZ KSOURCE
	case "$KVERSION" in
	""|6.1) KVER=$(default_kversion) ;;
	newest) KVER=$(newest_kversion) ;;
	*) KVER=$KVERSION ;;
	esac
	KDIR=$CACHE/kernels/$KVER
	VMLINUZ=$KDIR/boot/vmlinuz-$KVER
	KSOURCE="Debian package linux-image-$KVER"
	MODDIR=$KDIR/lib/modules/$KVER
	if [ -f "$VMLINUZ" ]; then
		log "kernel $KVER (cached in $KDIR)"
		return
	fi
	local tmp deb out
	mkdir -p "$CACHE/kernels" || die 3 "cannot create $CACHE/kernels"
	tmp=$(mktemp -d "$CACHE/kernels/.dl.XXXXXX")
	log "downloading linux-image-$KVER"
	if ! out=$(cd "$tmp" && apt-get download "linux-image-$KVER" 2>&1); then
		if ! has_backports; then
			log "linux-image-$KVER not found; looking in bookworm-backports too"
			add_backports
		else
			apt-get update -qq >&2
		fi
		out=$(cd "$tmp" && apt-get download "linux-image-$KVER" 2>&1) || {
			rm -rf "$tmp"
			die 3 "cannot download package linux-image-$KVER: $(echo "$out" | grep -v unsandboxed | tail -n 3)"
		}
	fi
	deb=$(ls "$tmp"/linux-image-*.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] || { rm -rf "$tmp"; die 3 "apt-get download linux-image-$KVER gave no .deb"; }
	dpkg -x "$deb" "$tmp/root" || { rm -rf "$tmp"; die 3 "dpkg -x $deb failed"; }
	[ -f "$tmp/root/boot/vmlinuz-$KVER" ] ||
		{ rm -rf "$tmp"; die 3 "package linux-image-$KVER has no boot/vmlinuz-$KVER"; }
	rm -rf "$KDIR"
	mv "$tmp/root" "$KDIR" && rm -rf "$tmp"
	log "kernel $KVER unpacked into $KDIR"
}

# the release string a bzImage carries (setup header field kernel_version)
bzimage_release() {
	local off
	[ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 0
	off=$(od -An -tu2 -j 526 -N2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 512)) count=256 2>/dev/null | tr '\0' '\n' | head -n1 |
		cut -d' ' -f1 | grep -E '^[A-Za-z0-9][A-Za-z0-9._+~-]*$'
}

use_kernel_file() {
	[ -f "$KERNEL" ] && [ -r "$KERNEL" ] || die 3 "--kernel '$KERNEL': no such readable file"
	VMLINUZ=$(readlink -f "$KERNEL")
	KVER=$(bzimage_release "$VMLINUZ")
	[ -n "$KVER" ] || die 3 "--kernel '$KERNEL': not an x86 bzImage (no HdrS setup header with a release string)"
	KSOURCE="file $VMLINUZ"
	MODDIR=""
	if [ -n "$MODULES" ]; then
		if [ -f "$MODULES/modules.dep" ]; then MODDIR=$MODULES
		elif [ -f "$MODULES/lib/modules/$KVER/modules.dep" ]; then MODDIR=$MODULES/lib/modules/$KVER
		else die 3 "--modules '$MODULES': no modules.dep there (give the /lib/modules/<release> tree)"
		fi
		MODDIR=$(readlink -f "$MODDIR")
	elif [ ${#PMEM_NODES[@]} -gt 0 ]; then
		log "warning: no --modules: the pmem tier needs libnvdimm, nfit, dax_pmem and kmem built in"
	fi
}

# ---------------------------------------------------------------- initramfs
PMEM_MODS="libnvdimm nfit nd_btt nd_pmem device_dax dax_pmem kmem"

# MODLIST: the module files (paths relative to MODDIR) to load, dependencies first
resolve_modules() {
	MODLIST=()
	[ ${#PMEM_NODES[@]} -gt 0 ] && [ -n "$MODDIR" ] && [ -d "$MODDIR" ] || return 0
	if [ ! -f "$MODDIR/modules.dep" ]; then
		# Debian's packages leave modules.dep to depmod at install time: make it in the cache
		ensure_packages kmod
		depmod -b "$KDIR" "$KVER" || die 3 "depmod -b $KDIR $KVER failed"
	fi
	local m line path deps d k seen=" "
	for m in $PMEM_MODS; do
		line=$(grep -E "(^|/)${m}\.ko(\.xz|\.zst|\.gz)?:" "$MODDIR/modules.dep" | head -n1)
		if [ -z "$line" ]; then
			grep -qE "(^|/)${m}\.ko$" "$MODDIR/modules.builtin" 2>/dev/null ||
				log "warning: module $m is neither in modules.dep nor built in"
			continue
		fi
		path=${line%%:*}
		read -ra deps <<< "${line#*:}"
		# modules.dep lists every dependency, each before what needs it when read backwards
		for ((k = ${#deps[@]} - 1; k >= 0; k--)); do
			d=${deps[k]}
			[[ "$seen" == *" $d "* ]] || { MODLIST+=("$d"); seen+="$d "; }
		done
		[[ "$seen" == *" $path "* ]] || { MODLIST+=("$path"); seen+="$path "; }
	done
}

# copy_with_libs BINARY ROOT: the binary and every library ldd lists, the loader too
copy_with_libs() {
	local bin=$1 root=$2 lib
	install -D -m 755 "$bin" "$root/bin/$(basename "$bin")"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

build_base_initramfs() {	# sets BASE_IMG
	local key f inputs=() root a m dst
	resolve_modules
	inputs=(/bin/busybox "$NATIVE" "$INIT_SRC" $(ldd "$NATIVE" | grep -o '/[^ ]*'))
	for m in "${MODLIST[@]}"; do inputs+=("$MODDIR/$m"); done
	key=$( { echo "format $FORMAT kernel $KVER"; printf '%s\n' "${MODLIST[@]}";
		sha256sum "${inputs[@]}" | cut -d' ' -f1; } | sha256sum | cut -c1-16)
	BASE_IMG=$CACHE/initramfs/base-$key.cpio.gz
	if [ -f "$BASE_IMG" ]; then
		log "initramfs $BASE_IMG (cached)"
		return
	fi
	mkdir -p "$CACHE/initramfs" || die 3 "cannot create $CACHE/initramfs"
	root=$(mktemp -d "$CACHE/initramfs/.root.XXXXXX")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,work,out,lib/modules}
	cp /bin/busybox "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list-full); do
		[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done
	copy_with_libs "$NATIVE" "$root"
	[ "$(basename "$NATIVE")" = numasim-native ] || mv "$root/bin/$(basename "$NATIVE")" "$root/bin/numasim-native"
	install -m 755 "$INIT_SRC" "$root/init"
	for m in "${MODLIST[@]}"; do
		dst=$root/lib/modules/${m%.xz}
		dst=${dst%.zst}
		dst=${dst%.gz}
		mkdir -p "$(dirname "$dst")"
		case "$m" in	# busybox insmod may not read compressed modules
		*.xz) xz -dc "$MODDIR/$m" > "$dst" ;;
		*.zst) zstd -qdc "$MODDIR/$m" > "$dst" ;;
		*.gz) gzip -dc "$MODDIR/$m" > "$dst" ;;
		*) cp "$MODDIR/$m" "$dst" ;;
		esac || die 3 "cannot decompress module $MODDIR/$m"
		echo "${dst#"$root"/lib/modules/}" >> "$root/lib/modules/load-order"
	done
	[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1
	( cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1 ) > "$root.img" ||
		die 3 "building the initramfs failed"
	mv "$root.img" "$BASE_IMG"	# atomic: a concurrent run sees all of it or nothing
	rm -rf "$root"
	# every new numasim-native makes a new image: keep the 8 newest (4 MiB each)
	ls -t "$CACHE"/initramfs/base-*.cpio.gz | tail -n +9 | xargs -r rm -f
	log "initramfs $BASE_IMG ($(du -h "$BASE_IMG" | cut -f1), ${#MODLIST[@]} modules)"
}

# make_initrd CONF DST [FILE]: the base archive, then an uncompressed one with /nv.conf
# and FILE as /work/<basename>.  The kernel reads concatenated archives; one that
# follows a compressed one must start 4-byte aligned, the zero padding is skipped.
make_initrd() {
	local conf=$1 dst=$2 file=${3:-} d sz
	d=$(mktemp -d)
	cp "$conf" "$d/nv.conf"
	mkdir -p "$d/work"
	[ -n "$file" ] && cp "$file" "$d/work/"
	cp "$BASE_IMG" "$dst"
	sz=$(stat -c %s "$dst")
	head -c $(( (512 - sz % 512) % 512 )) /dev/zero >> "$dst"
	( cd "$d" && find nv.conf work | cpio -o -H newc --quiet ) >> "$dst"
	rm -rf "$d"
}

# ---------------------------------------------------------------- qemu
qemu_topology() {	# QARGS: the machine
	local i j c=0 k=0 same=1 cpn=0 pmem_mb=0
	for ((i = 0; i < NR; i++)); do
		[ "${CPUS[i]}" -gt 0 ] || continue
		[ "$cpn" = 0 ] && cpn=${CPUS[i]}
		[ "${CPUS[i]}" = "$cpn" ] || same=0
	done
	# a socket per CPU node when they are alike; else a socket per vCPU, so that
	# no socket spans two nodes
	if [ $same = 1 ]; then
		QARGS=(-smp "$TOTAL_CPUS,sockets=$CPU_NODES,cores=$cpn,threads=1")
	else
		QARGS=(-smp "$TOTAL_CPUS,sockets=$TOTAL_CPUS,cores=1,threads=1")
	fi
	for i in "${PMEM_NODES[@]}"; do pmem_mb=$((pmem_mb + MEMS[i])); done
	if [ ${#PMEM_NODES[@]} -gt 0 ]; then
		QARGS+=(-machine pc,nvdimm=on
			-m "${DRAM_MEM}M,slots=$(( ${#PMEM_NODES[@]} + 1 )),maxmem=$((DRAM_MEM + pmem_mb + 1024))M")
	else
		QARGS+=(-m "${DRAM_MEM}M")
	fi
	for ((i = 0; i < NR; i++)); do
		local cpus=""
		if [ "${CPUS[i]}" -gt 0 ]; then
			cpus=",cpus=$c-$((c + CPUS[i] - 1))"
			c=$((c + CPUS[i]))
		fi
		if [ "${KINDS[i]}" = dram ]; then
			QARGS+=(-object "memory-backend-ram,id=m$i,size=${MEMS[i]}M"
				-numa "node,nodeid=$i$cpus,memdev=m$i")
		else	# memory-less at boot; its memory is the NVDIMM, hot-added by kmem
			QARGS+=(-numa "node,nodeid=$i"
				-object "memory-backend-ram,id=nv$k,size=${MEMS[i]}M"
				-device "nvdimm,id=nvdimm$k,memdev=nv$k,node=$i")
			k=$((k + 1))
		fi
	done
	for ((i = 0; i < NR; i++)); do
		for ((j = 0; j < NR; j++)); do
			[ $i = $j ] || QARGS+=(-numa "dist,src=$i,dst=$j,val=${DIST[i * NR + j]}")
		done
	done
	QARGS+=(-nic none -nographic -no-reboot)
}

# boot DIR TIMEOUT ECHO ACCEL_ARGS...: sets BOOT_RC, BOOT_WALL, QEMU_ARGV
boot() {
	local dir=$1 limit=$2 echo=$3 t0 t1
	shift 3
	QEMU_ARGV=(qemu-system-x86_64 "$@" "${QARGS[@]}" -serial mon:stdio
		-serial "file:$dir/ttyS1.raw" -kernel "$VMLINUZ" -initrd "$dir/initrd.img"
		-append "$APPEND")
	rm -f "$dir/ttyS1.raw"
	t0=$(date +%s.%N)
	if [ "$echo" = 1 ]; then
		timeout -k 10 "$limit" "${QEMU_ARGV[@]}" < /dev/null 2>&1 | tee "$dir/console.log" |
			grep --line-buffered -a '^nv:' | sed -u "s/^/$PROG: guest: /" >&2
		BOOT_RC=${PIPESTATUS[0]}
	else
		timeout -k 10 "$limit" "${QEMU_ARGV[@]}" < /dev/null > "$dir/console.log" 2>&1
		BOOT_RC=$?
	fi
	t1=$(date +%s.%N)
	BOOT_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

# ACCEL_ARGS, ACCEL_USED.  auto: a probe boot with KVM, cached per host kernel and
# qemu version (a PVM or nested KVM may refuse stock kernels), else TCG.
choose_accel() {
	ACCEL_ARGS=(-accel tcg,thread=multi -cpu max)
	ACCEL_USED=tcg
	[ "$ACCEL" = tcg ] && return
	local key cachef c pd
	key="$(uname -r)-$(qemu-system-x86_64 --version | head -n1 | tr -c 'A-Za-z0-9.\n' _)"
	cachef=$CACHE/accel-probe-$key
	if [ ! -w /dev/kvm ]; then
		[ "$ACCEL" = kvm ] && die 3 "--accel kvm: /dev/kvm is missing or not writable"
		log "accelerator: tcg (/dev/kvm is not usable)"
		return
	fi
	if [ -f "$cachef" ]; then
		c=$(cat "$cachef")
	else
		c=tcg
		pd=$(mktemp -d)
		echo NV_PROBE=1 > "$pd/nv.conf"
		make_initrd "$pd/nv.conf" "$pd/initrd.img"
		for cpu in host host,-arch-capabilities; do
			log "probing KVM with -cpu $cpu (30 s at most, once per host kernel and qemu)"
			# (qemu may abort: no "Aborted" from bash on our stderr)
			boot "$pd" 30 0 -accel kvm -cpu "$cpu" 2>/dev/null
			if grep -aq NVDONE "$pd/ttyS1.raw" 2>/dev/null; then
				c=$cpu
				break
			fi
		done
		rm -rf "$pd"
		echo "$c" > "$cachef"
	fi
	if [ "$c" = tcg ]; then
		[ "$ACCEL" = kvm ] && die 3 "--accel kvm: KVM does not boot this kernel (probe cached in $cachef)"
		log "accelerator: tcg (KVM probe failed, cached in $cachef)"
		return
	fi
	ACCEL_ARGS=(-accel kvm -cpu "$c")
	ACCEL_USED=kvm
	log "accelerator: kvm -cpu $c"
}

# ---------------------------------------------------------------- results
# decode DIR: the NVFILE frames of ttyS1.raw into files of DIR; NVSTEP lines into STEP_RC.
# awk splits the stream (fast for megabytes of JSON); a frame whose name is not a plain
# file name, that does not end, or whose decoded size differs goes to BAD_FRAMES.
decode_results() {
	local dir=$1 tmp kind name size
	declare -gA STEP_RC=()
	GOT_DONE=0 BAD_FRAMES=""
	[ -f "$dir/ttyS1.raw" ] || return 0
	tmp=$(mktemp -d)
	tr -d '\000\r' < "$dir/ttyS1.raw" | awk -v tmp="$tmp" '
		cur != "" && $0 == "NVFILE-END " cur {
			close(tmp "/" cur ".b64"); print "file", cur, size, enc; cur = ""; next }
		cur != "" { print > (tmp "/" cur ".b64"); next }
		$1 == "NVFILE-BEGIN" && $2 ~ /^[A-Za-z0-9][A-Za-z0-9._-]*$/ && $3 ~ /^[0-9]+$/ {
			cur = $2; size = $3; enc = ($4 == "gzip" ? "gzip" : "plain")
			printf "" > (tmp "/" cur ".b64"); next }
		$1 == "NVFILE-BEGIN" { print "bad", ($2 == "" ? "?" : $2), 0; next }
		$1 == "NVSTEP" && $3 ~ /^[0-9]+$/ { print "step", $2, $3; next }
		$0 == "NVDONE" { print "done - 0" }
		END { if (cur != "") print "bad", cur "(unterminated)", 0 }' > "$tmp/index"
	while read -r kind name size enc; do
		case "$kind" in
		step) STEP_RC[$name]=$size ;;
		done) GOT_DONE=1 ;;
		bad) BAD_FRAMES+=" $name" ;;
		file)
			if [[ " console.log ttyS1.raw meta.json initrd.img index " == *" $name "* ]]; then
				BAD_FRAMES+=" $name(reserved)"
			elif base64 -d "$tmp/$name.b64" | if [ "$enc" = gzip ]; then gzip -dc; else cat; fi \
				> "$tmp/$name.out" 2>/dev/null &&
				[ "$(stat -c %s "$tmp/$name.out")" = "$size" ]; then
				mv "$tmp/$name.out" "$dir/$name"
			else
				BAD_FRAMES+=" $name"
			fi ;;
		esac
	done < "$tmp/index"
	rm -rf "$tmp"
}

json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/ }
	s=${s//$'\r'/}
	s=${s//$'\n'/\\n}
	s=$(printf '%s' "$s" | tr -d '\000-\037')
	printf '"%s"' "$s"
}
json_arr() {	# json_arr WORDS...: an array of strings
	local first=1 w
	printf '['
	for w in "$@"; do
		[ $first = 1 ] || printf ', '
		json_str "$w"
		first=0
	done
	printf ']'
}
json_num_arr() { local IFS=,; printf '[%s]' "$*"; }

# the nodes and memory tiers the guest reported in guest.txt
guest_topology_json() {
	local f=$1 line first=1 n cpus mem free dist
	printf '{"nodes": ['
	while read -r _ n cpus mem free dist; do
		[ $first = 1 ] || printf ', '
		first=0
		printf '{"node": %s, "cpus": %s, "mem_kb": %s, "distance": [%s]}' "$n" \
			"$(json_str "${cpus#cpus=}")" "${mem#mem_kb=}" "${dist#distance=}"
	done < <(grep '^node [0-9]' "$f" 2>/dev/null)
	printf '], "memory_tiers": ['
	first=1
	while read -r _ n line; do
		[ $first = 1 ] || printf ', '
		first=0
		printf '{"tier": %s, "nodes": %s}' "$(json_str "$n")" "$(json_str "${line#nodes=}")"
	done < <(grep '^tier ' "$f" 2>/dev/null)
	printf ']}'
}

# number of CPUs in a cpulist such as 0-1,4
cpulist_count() {
	local n=0 r
	for r in ${1//,/ }; do
		if [[ "$r" == *-* ]]; then n=$((n + ${r#*-} - ${r%-*} + 1)); else n=$((n + 1)); fi
	done
	echo $n
}

# TOPO_PROBLEM: how the guest's nodes differ from the config (node count, CPUs, memory)
check_guest_topology() {
	local f=$1 n cpus mem seen=0
	TOPO_PROBLEM=""
	[ -f "$f" ] || { TOPO_PROBLEM="no guest.txt"; return; }
	while read -r _ n cpus mem _; do
		seen=$((seen + 1))
		[ "$n" -lt "$NR" ] || { TOPO_PROBLEM+=" node $n is not in the config;"; continue; }
		cpus=${cpus#cpus=} mem=${mem#mem_kb=}
		[ "$(cpulist_count "$cpus")" = "${CPUS[n]}" ] ||
			TOPO_PROBLEM+=" node $n has cpus '$cpus', the config ${CPUS[n]};"
		[ "${mem:-0}" -gt 0 ] || TOPO_PROBLEM+=" node $n has no memory;"
	done < <(grep '^node [0-9]' "$f")
	[ "$seen" = "$NR" ] || TOPO_PROBLEM+=" the guest has $seen nodes, the config $NR;"
}

write_meta() {
	local dir=$1 exit_code=$2 k first=1
	{
		printf '{\n "tool": "tools/validate/guest.sh", "format": %s,\n' "$FORMAT"
		printf ' "config": %s,\n' "$(json_str "$(readlink -f "$CONFIG")")"
		printf ' "kernel": {"version": %s, "path": %s, "source": %s, "modules": %s},\n' \
			"$(json_str "$KVER")" "$(json_str "$VMLINUZ")" "$(json_str "$KSOURCE")" \
			"$(json_arr "${MODLIST[@]}")"
		printf ' "guest_kernel_release": %s,\n' \
			"$(json_str "$(sed -n 's/^uname //p' "$dir/guest.txt" 2>/dev/null)")"
		printf ' "accel": {"requested": %s, "used": %s, "args": %s},\n' "$(json_str "$ACCEL")" \
			"$(json_str "$ACCEL_USED")" "$(json_arr "${ACCEL_ARGS[@]}")"
		printf ' "qemu": {"version": %s, "argv": %s, "exit": %s, "timeout_s": %s, "timed_out": %s, "wall_s": %s},\n' \
			"$(json_str "$(qemu-system-x86_64 --version | head -n1)")" \
			"$(json_arr "${QEMU_ARGV[@]}")" "$BOOT_RC" "$TIMEOUT" \
			"$([ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ] && echo true || echo false)" "$BOOT_WALL"
		printf ' "poweroff": %s,\n' "$([ "$GOT_DONE" = 1 ] && echo true || echo false)"
		printf ' "steps": {'
		for k in "${!STEP_RC[@]}"; do
			[ $first = 1 ] || printf ', '
			first=0
			printf '%s: %s' "$(json_str "$k")" "${STEP_RC[$k]}"
		done
		printf '},\n'
		printf ' "config_topology": {"node_cpus": %s, "node_mem_mb": %s, "node_kind": %s, "distance": %s},\n' \
			"$(json_num_arr "${CPUS[@]}")" "$(json_num_arr "${MEMS[@]}")" \
			"$(json_arr "${KINDS[@]}")" "$(json_str "$NV_DISTANCE")"
		printf ' "guest_topology": %s,\n' "$(guest_topology_json "$dir/guest.txt")"
		printf ' "topology_problem": %s,\n' "$(json_str "${TOPO_PROBLEM# }")"
		printf ' "bad_frames": %s,\n' "$(json_str "${BAD_FRAMES# }")"
		printf ' "host": {"cpus": %s, "mem_available_mb": %s, "kernel": %s},\n' "$(nproc)" \
			"$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)" \
			"$(json_str "$(uname -r)")"
		printf ' "total_wall_s": %s,\n' "$(( $(date +%s) - T_START ))"
		printf ' "exit": %s\n}\n' "$exit_code"
	} > "$dir/meta.json"
}

fail_guest() {	# fail_guest MESSAGE [STDERR_FILE]
	log "guest failed: $1"
	log "--- last lines of $OUT/console.log:"
	tail -n 25 "$OUT/console.log" 2>/dev/null | tr -d '\033' | sed 's/^/  /' >&2
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		log "--- last lines of $2:"
		tail -n 25 "$2" | sed 's/^/  /' >&2
	fi
	write_meta "$OUT" 4
	exit 4
}

# ---------------------------------------------------------------- main
if [ -n "$DECODE" ]; then
	[ -f "$DECODE/ttyS1.raw" ] || die 2 "--decode '$DECODE': no ttyS1.raw there"
	decode_results "$DECODE"
	for k in "${!STEP_RC[@]}"; do echo "step $k ${STEP_RC[$k]}"; done | sort
	echo "done $GOT_DONE"
	echo "bad${BAD_FRAMES:- -}"
	[ "$GOT_DONE" = 1 ] && [ -z "$BAD_FRAMES" ] && exit 0
	exit 4
fi
read_config
validate_config
check_host_fits
if [ "$CHECK_ONLY" = 1 ]; then
	echo "$CONFIG: $NR nodes, $TOTAL_CPUS vCPUs, $TOTAL_MEM MiB, distance $NV_DISTANCE: ok"
	exit 0
fi

T_START=$(date +%s)
[ -x "$NATIVE" ] || die 3 "numasim-native '$NATIVE' is missing or not executable: build it with make, or give --native PATH"
ensure_packages
command -v qemu-system-x86_64 >/dev/null || die 3 "qemu-system-x86_64 not found (package qemu-system-x86)"
[ -x /bin/busybox ] || die 3 "/bin/busybox not found (package busybox-static)"
if [ -n "$KERNEL" ]; then use_kernel_file; else fetch_kernel_package; fi
build_base_initramfs

mkdir -p "$OUT" || die 2 "--out '$OUT': cannot create the directory"
OUT=$(readlink -f "$OUT")
rm -f "$OUT"/{console.log,ttyS1.raw,meta.json,linux.json,guest.txt,steps.txt,dmesg.txt} \
	"$OUT"/{calibration.machine,calibration.json,nv.conf,knobs.txt} "$OUT"/*.stderr "$OUT"/*.stdout

# the guest's configuration: the validated values, the workload file under /work
GUEST_WL=$NV_WORKLOAD
[ -n "$WL_FILE" ] && GUEST_WL=/work/$(basename "$WL_FILE")
{
	echo "NV_PMEM_NODES='${PMEM_NODES[*]}'"
	echo "NV_KNOBS='$NV_KNOBS'"
	echo "NV_WORKLOAD='$GUEST_WL'"
	echo "NV_SEED=$NV_SEED"
	echo "NV_SCALE=$NV_SCALE"
	echo "NV_INTERVAL_MS=$NV_INTERVAL_MS"
	echo "NV_CALIBRATE=$NV_CALIBRATE"
} > "$OUT/nv.conf"
make_initrd "$OUT/nv.conf" "$OUT/initrd.img" "$WL_FILE"

qemu_topology
APPEND="console=ttyS0 panic=-1 loglevel=4 nv.data=ttyS1${NV_CMDLINE:+ $NV_CMDLINE}"
choose_accel

log "booting Linux $KVER: $NR nodes (cpus ${CPUS[*]}, MiB ${MEMS[*]}, ${KINDS[*]}), $ACCEL_USED, workload $NV_WORKLOAD"
boot "$OUT" "$TIMEOUT" $((1 - QUIET)) "${ACCEL_ARGS[@]}"
rm -f "$OUT/initrd.img"
decode_results "$OUT"
check_guest_topology "$OUT/guest.txt"
log "qemu exit $BOOT_RC after ${BOOT_WALL}s (total $(( $(date +%s) - T_START ))s); results in $OUT"

if [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
	fail_guest "qemu hit the --timeout of $TIMEOUT s" "$OUT/workload.stderr"
fi
# qemu refusing its arguments or the kernel file fails before the firmware boots
if [ "$BOOT_RC" != 0 ] && ! grep -aq -e 'Booting from ROM' -e '^nv: ' "$OUT/console.log"; then
	log "qemu could not run kernel $VMLINUZ (exit $BOOT_RC):"
	tail -n 10 "$OUT/console.log" | sed 's/^/  /' >&2
	write_meta "$OUT" 3
	exit 3
fi
[ "$GOT_DONE" = 1 ] || fail_guest "the guest did not finish (no NVDONE on ttyS1, qemu exit $BOOT_RC)"
[ -z "$BAD_FRAMES" ] || fail_guest "garbled result files from the guest:$BAD_FRAMES"
if [ -n "${STEP_RC[pmem]:-}" ] && [ "${STEP_RC[pmem]}" != 0 ]; then
	fail_guest "the pmem/cxl tier could not be set up (nv: pmem lines of console.log)"
fi
# as numasim-native --set: knobs this kernel lacks or refuses are warnings
if [ -n "${STEP_RC[knobs]:-}" ] && [ "${STEP_RC[knobs]}" != 0 ]; then
	log "warning: not every knob was set, this kernel lacks or refused:"
	grep -v -e ' applied ' -e ' simulator-only$' "$OUT/knobs.txt" 2>/dev/null | sed 's/^/  /' >&2
fi
[ -n "${STEP_RC[calibrate]:-}" ] && [ "${STEP_RC[calibrate]}" != 0 ] &&
	log "warning: calibrate step exit ${STEP_RC[calibrate]}: $(tail -n 1 "$OUT/calibrate.stderr" 2>/dev/null)"
[ -n "${STEP_RC[workload]:-}" ] || fail_guest "the workload step did not run"
[ "${STEP_RC[workload]}" = 0 ] ||
	fail_guest "numasim-native exited ${STEP_RC[workload]} on the workload" "$OUT/workload.stderr"
[ -s "$OUT/linux.json" ] || fail_guest "the workload wrote no linux.json" "$OUT/workload.stderr"
[ -z "$TOPO_PROBLEM" ] || fail_guest "the guest's topology is not the config's:$TOPO_PROBLEM"
write_meta "$OUT" 0
log "ok: $OUT/linux.json"
exit 0
