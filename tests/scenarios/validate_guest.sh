#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Input validation of tools/validate/guest.sh (the guest side of `numasim validate`),
# without booting QEMU: every bad config exits 2 and names the key and the file; a
# good one passes --check-config; bad options exit 2; the result channel (--decode of
# a crafted ttyS1 stream) gives back the files sent and refuses garbled frames.
# Runs in seconds.
# Usage: tests/scenarios/validate_guest.sh [tools/validate/guest.sh]
set -u
GUEST=${1:-$(dirname "$0")/../../tools/validate/guest.sh}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# conf NAME LINE...: a config file of the good base with LINEs appended (a later
# line of the same key wins)
conf() {
	f=$TMP/$1.conf
	shift
	cat > "$f" <<-'EOF'
	# a good config: 2 DRAM nodes and a pmem node
	NV_NODE_CPUS='2 2 0'
	NV_NODE_MEM_MB='1024 1024 512'
	NV_NODE_KIND='dram dram pmem'
	NV_DISTANCE='10 21 30,21 10 30,30 30 10'
	NV_KNOBS='kernel.numa_balancing=1 numa_balancing.scan_delay_ms=100'
	NV_WORKLOAD='wrongnode:size=128M'
	NV_SEED=1
	NV_SCALE=0.5
	NV_INTERVAL_MS=1000
	NV_CALIBRATE=1
	NV_CMDLINE='transparent_hugepage=never'
	EOF
	for l in "$@"; do
		printf '%s\n' "$l" >> "$f"
	done
	echo "$f"
}

# expect CODE PATTERN ARGS...: guest.sh ARGS exits CODE with output matching PATTERN
expect() {
	code=$1 pattern=$2
	shift 2
	out=$("$GUEST" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		ko "guest.sh $*: exit $rc, expected $code; output: $out"
	elif ! printf '%s' "$out" | grep -q -- "$pattern"; then
		ko "guest.sh $*: output lacks '$pattern': $out"
	else
		ok
	fi
}

# bad_key NAME PATTERN LINE...: that config is refused with exit 2, naming the
# file and PATTERN, by --check-config and by a real run (before anything boots)
bad_key() {
	bk_name=$1 bk_pat=$2
	shift 2
	bk_f=$(conf "$bk_name" "$@")
	expect 2 "$bk_f.*$bk_pat" --check-config "$bk_f"
	# (were it accepted, the missing --native would stop it with 3 before a boot)
	expect 2 "$bk_f.*$bk_pat" --config "$bk_f" --out "$TMP/out-$bk_name" --accel tcg \
		--native "$TMP/no-native" --cache "$TMP/cache"
	[ ! -e "$TMP/out-$bk_name" ] && ok || ko "$bk_name: the refused run created its --out directory"
}

# the good config, and its variants that must pass
expect 0 ": ok" --check-config "$(conf good)"
expect 0 ": ok" --check-config "$(conf nokinds "NV_NODE_KIND=" "NV_DISTANCE=")"
expect 0 ": ok" --check-config "$(conf cxl "NV_NODE_KIND='dram dram cxl'")"
expect 0 ": ok" --check-config "$(conf uneven "NV_NODE_CPUS='2 1 0'")"
echo 'name: x' > "$TMP/w.yaml"
expect 0 ": ok" --check-config "$(conf wlfile "NV_WORKLOAD=$TMP/w.yaml")"
out=$("$GUEST" --check-config "$(conf defdist "NV_DISTANCE=")" 2>&1)
case "$out" in
*"distance 10 21 30,21 10 30,30 30 10: ok"*) ok ;;
*) ko "default distances: $out" ;;
esac

# one bad key at a time
bad_key unknown "unknown key NV_BOGUS" "NV_BOGUS=1"
bad_key notkv "not a KEY=VALUE line" "just words"
bad_key unquoted "NV_KNOBS: quote a value" "NV_KNOBS=a=1 b=2"
bad_key dollar "NV_CMDLINE: no" "NV_CMDLINE='\$(reboot)'"
bad_key cpus_word "NV_NODE_CPUS: 'x' is not a whole number" "NV_NODE_CPUS='2 x 0'"
bad_key cpus_none "NV_NODE_CPUS: missing" "NV_NODE_CPUS="
bad_key mem_count "NV_NODE_MEM_MB: 2 entries" "NV_NODE_MEM_MB='1024 1024'"
bad_key mem_small "NV_NODE_MEM_MB: node 1: 16 MiB" "NV_NODE_MEM_MB='1024 16 512'"
bad_key kind_word "NV_NODE_KIND: node 2: 'hbm'" "NV_NODE_KIND='dram dram hbm'"
bad_key kind_count "NV_NODE_KIND: 2 entries" "NV_NODE_KIND='dram dram'"
bad_key pmem_cpus "NV_NODE_KIND: node 2 is pmem: it must have 0 CPUs" "NV_NODE_CPUS='2 2 1'"
bad_key pmem_size "NV_NODE_MEM_MB: node 2 (pmem): 300 MiB" "NV_NODE_MEM_MB='1024 1024 300'"
bad_key node0 "NV_NODE_CPUS: node 0 must be a dram node" "NV_NODE_CPUS='0 2 0'"
bad_key dist_rows "NV_DISTANCE: 2 rows" "NV_DISTANCE='10 21 30,21 10 30'"
bad_key dist_cols "NV_DISTANCE: row 1 has 2 entries" "NV_DISTANCE='10 21 30,21 10,30 30 10'"
bad_key dist_local "NV_DISTANCE: row 1: the local distance must be 10" \
	"NV_DISTANCE='10 21 30,21 12 30,30 30 10'"
bad_key dist_small "NV_DISTANCE: row 2 column 0: 5" "NV_DISTANCE='10 21 30,21 10 30,5 30 10'"
bad_key dist_word "NV_DISTANCE: row 0: 'far'" "NV_DISTANCE='10 far 30,21 10 30,30 30 10'"
bad_key knob "NV_KNOBS: 'scan_delay_ms'" "NV_KNOBS='kernel.numa_balancing=1 scan_delay_ms'"
bad_key wl_none "NV_WORKLOAD: missing" "NV_WORKLOAD="
bad_key wl_file "NV_WORKLOAD: no such workload file" "NV_WORKLOAD=$TMP/none.yaml"
bad_key seed "NV_SEED: '-1'" "NV_SEED=-1"
bad_key scale "NV_SCALE: '0'" "NV_SCALE=0"
bad_key interval "NV_INTERVAL_MS: '0'" "NV_INTERVAL_MS=0"
bad_key calibrate "NV_CALIBRATE: 'yes'" "NV_CALIBRATE=yes"
# more than this host can give
bad_key bigmem "NV_NODE_MEM_MB: .* MiB in all is more than half of this host's MemAvailable" \
	"NV_NODE_MEM_MB='9000000 1024 512'"
bad_key bigcpu "NV_NODE_CPUS: .* vCPUs is more than 4 x this host's" \
	"NV_NODE_CPUS='9000 2 0'"

# options
good=$(conf good2)
expect 2 "unknown option '--bogus'" --bogus
expect 2 "--config FILE is required" --out "$TMP/o"
expect 2 "--out DIR is required" --config "$good"
expect 2 "no such readable file" --check-config "$TMP/missing.conf"
expect 2 "--accel 'xen'" --config "$good" --out "$TMP/o" --accel xen
expect 2 "--timeout '0'" --config "$good" --out "$TMP/o" --timeout 0
expect 2 "not both" --config "$good" --out "$TMP/o" --kernel /x --kernel-version 6.1
expect 2 "--kernel-version 'a b'" --config "$good" --out "$TMP/o" --kernel-version 'a b'
expect 2 "--modules goes with --kernel" --config "$good" --out "$TMP/o" --modules /x
expect 2 "option --timeout needs a value" --config "$good" --out "$TMP/o" --timeout

# the result channel: frames decoded from a crafted ttyS1 stream (no guest needed)
D=$TMP/decode
mkdir -p "$D"
printf 'binary\000\001\377 data\n' > "$TMP/bin"
printf '{"a": 1}\n' > "$TMP/json"
frame() {	# frame NAME FILE [SIZE]: a gzip frame as the guest init sends it
	echo "NVFILE-BEGIN $1 ${3:-$(wc -c < "$2")} gzip"
	gzip -c "$2" | base64
	echo "NVFILE-END $1"
}
{
	echo "NVSTEP pmem 0"
	printf 'noise before \r\n'
	frame bin.dat "$TMP/bin"
	echo "NVFILE-BEGIN plain.txt 6"
	printf 'hello\n' | base64
	echo "NVFILE-END plain.txt"
	frame linux.json "$TMP/json"
	echo "NVSTEP workload 3"
	echo NVDONE
} > "$D/ttyS1.raw"
out=$("$GUEST" --decode "$D" 2>&1); rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q "step workload 3" && printf '%s' "$out" | grep -q "step pmem 0" &&
	ok || ko "--decode of a good stream: exit $rc: $out"
cmp -s "$D/bin.dat" "$TMP/bin" && cmp -s "$D/linux.json" "$TMP/json" &&
	[ "$(cat "$D/plain.txt")" = hello ] && ok || ko "--decode: the files differ from what was sent"
# a wrong size, an unterminated frame, a path as a name, no NVDONE: exit 4, each named
{
	frame short.json "$TMP/json" 99
	frame ../evil "$TMP/json"
	echo "NVFILE-BEGIN cut.json 9 gzip"
	gzip -c "$TMP/json" | base64
} > "$D/ttyS1.raw"
rm -f "$D/short.json"
out=$("$GUEST" --decode "$D" 2>&1); rc=$?
[ $rc = 4 ] && printf '%s' "$out" | grep -q "done 0" &&
	printf '%s' "$out" | grep -q "bad .*short.json.*\.\./evil.*cut.json(unterminated)" &&
	ok || ko "--decode of a bad stream: exit $rc: $out"
[ ! -e "$D/short.json" ] && [ ! -e "$TMP/evil" ] && ok || ko "--decode wrote a bad frame's file"

echo "validate_guest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
