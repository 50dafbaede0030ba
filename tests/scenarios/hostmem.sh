#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Host memory (docs/host-memory.md): the estimate against the peak resident
# memory /usr/bin/time measures over several workloads; a run too large for
# its limit refused up front (exit 2, no result file); a run that outgrows its
# limit stopped (exit 1, a whole JSON marked failed); RLIMIT_AS honoured; and,
# with NUMASIM_TEST_CGROUP=1 and a writable cgroup, a real cgroup limit.
#   tests/scenarios/hostmem.sh NUMASIM
set -u
bin=${1:?usage: tests/scenarios/hostmem.sh NUMASIM}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "skip: $*"; }
unset NUMASIM_HOST_MEM_LIMIT NUMASIM_HOST_MEM_CHECK

# AddressSanitizer's shadow memory and quarantine are not what numasim
# allocates, and it reserves terabytes of address space: no band, no ulimit -v
asan=0
nm "$bin" 2>/dev/null | grep -q __asan_init && asan=1

# A field of the result's "host_memory" object, in bytes.
hm() {
	sed -n "s/.*\"$2\": *\\([0-9]*\\).*/\\1/p" "$1" | head -1
}

# 1. the estimate against the measured peak. Band: the estimate is at least
#    0.9 of what the run added to a tiny run's resident memory, and its parts
#    that grow with the run (all but the time series, the report and the
#    fixed part, which short runs do not reach) at most twice that plus
#    16 MiB; the run never charges more than the estimate.
measure() {	# NAME ARGS...: peak KiB into $tmp/NAME.rss, the result into $tmp/NAME.json
	name=$1
	shift
	/usr/bin/time -f %M -o "$tmp/$name.rss" "$bin" run --quiet --json "$tmp/$name.json" "$@" \
		>/dev/null 2>"$tmp/$name.err" || { ko "$name: exit $?: $(cat "$tmp/$name.err")"; return 1; }
}
band() {	# NAME ARGS...
	name=$1
	measure "$@" || return
	peak=$(($(tail -1 "$tmp/$name.rss") * 1024))
	grown=$((peak - base))
	[ $grown -lt 0 ] && grown=0
	est=$(hm "$tmp/$name.json" estimate_bytes)
	charged=$(hm "$tmp/$name.json" charged_peak_bytes)
	rest=$(($(hm "$tmp/$name.json" timeseries) + $(hm "$tmp/$name.json" report) +
		$(hm "$tmp/$name.json" fixed)))
	echo "  $name: peak $((peak >> 20)) MiB (+$((grown >> 20)) over a tiny run), estimate $((est >> 20)) MiB ($(((est - rest) >> 20)) growing), charged $((charged >> 20)) MiB"
	if [ $((est * 10)) -ge $((grown * 9)) ]; then ok
	else ko "$name: estimate $est below 0.9 x the $grown bytes measured"; fi
	if [ $((est - rest)) -le $((2 * grown + 16 * 1048576)) ]; then ok
	else ko "$name: estimate's growing parts $((est - rest)) above 2 x $grown + 16 MiB"; fi
	if [ "$charged" -le "$est" ]; then ok
	else ko "$name: charged $charged above the estimate $est"; fi
}
if [ ! -x /usr/bin/time ]; then
	skip "the band: no /usr/bin/time (tools/install-deps.sh installs it)"
elif [ $asan = 1 ]; then
	skip "the band: an AddressSanitizer build"
else
	never="--set transparent_hugepage.enabled=never"
	tier="--machine tiered-16cpu --set kernel.numa_balancing=2 --set numa.demotion_enabled=1"
	measure base --workload seq:size=4M,passes=1 $never
	base=$(($(tail -1 "$tmp/base.rss") * 1024))
	band numa01-4k --workload numa01 --scale 0.1 $never
	band numa01-thp --workload numa01 --scale 0.1
	band seq-4k --workload seq:size=1G,passes=1 $never
	band forkcow --workload forkcow:size=256M,children=32,writes=1 $never
	band forkcow-thp --workload forkcow:size=128M,children=8,writes=0.5
	band pmbench-tier --workload pmbench:size=2G,accesses=200000 $tier $never
	band xsbench-tier --workload xsbench:lookups=20000 $tier
	band trace --workload "trace:$here/tests/data/perf-two-threads.txt"
fi

# 2. refused up front: exit 2, the workload and its estimate named, --scale
#    suggested, no result file
rc=0
NUMASIM_HOST_MEM_LIMIT=256M "$bin" run --workload forkcow:size=4G,children=64,writes=1 \
	--json "$tmp/refused.json" >"$tmp/out" 2>"$tmp/err" || rc=$?
if [ $rc = 2 ] && grep -q "workload 'forkcow:size=4G,children=64,writes=1" "$tmp/err" &&
   grep -q "needs about [0-9]* MiB of host memory" "$tmp/err" &&
   grep -q "more than the 256 MiB available: NUMASIM_HOST_MEM_LIMIT" "$tmp/err" &&
   grep -q -- "--scale" "$tmp/err" && [ ! -e "$tmp/refused.json" ]; then ok
else ko "refusal: exit $rc, $(cat "$tmp/err")"; fi
# a bad value of the variable is bad input too
rc=0
NUMASIM_HOST_MEM_LIMIT=lots "$bin" run --workload seq:size=4M >/dev/null 2>"$tmp/err" || rc=$?
if [ $rc = 2 ] && grep -q "NUMASIM_HOST_MEM_LIMIT 'lots'" "$tmp/err"; then ok
else ko "NUMASIM_HOST_MEM_LIMIT=lots: exit $rc, $(cat "$tmp/err")"; fi

# 3. RLIMIT_AS: the folio array of 2node-128cpu reserves 4 GiB of address
#    space; 200 MiB more is not enough for 64 forks of 4 GiB
if [ $asan = 1 ]; then
	skip "ulimit -v: an AddressSanitizer build"
else
	rc=0
	(ulimit -v 4400000 && exec "$bin" run --workload forkcow:size=4G,children=64,writes=1) \
		>/dev/null 2>"$tmp/err" || rc=$?
	if [ $rc = 2 ] && grep -q "RLIMIT_AS (ulimit -v)" "$tmp/err" &&
	   grep -q "of address space" "$tmp/err"; then ok
	else ko "ulimit -v: exit $rc, $(cat "$tmp/err")"; fi
	# ... while a small run fits
	rc=0
	(ulimit -v 4400000 && exec "$bin" run --quiet --workload seq:size=64M,passes=1) \
		>/dev/null 2>"$tmp/err" || rc=$?
	if [ $rc = 0 ]; then ok; else ko "ulimit -v, a small run: exit $rc, $(cat "$tmp/err")"; fi
fi

# 4. stopped at run time: past the check (NUMASIM_HOST_MEM_CHECK=0), the
#    copies outgrow the limit; exit 1, a message, a whole result marked failed
rc=0
NUMASIM_HOST_MEM_LIMIT=64M NUMASIM_HOST_MEM_CHECK=0 "$bin" run --quiet \
	--workload forkcow:size=256M,children=16 --set transparent_hugepage.enabled=never \
	--json "$tmp/stopped.json" >/dev/null 2>"$tmp/err" || rc=$?
if [ $rc = 1 ] && grep -q "failed: out of host memory: the simulation took" "$tmp/err" &&
   grep -q "use --scale" "$tmp/err" && [ -s "$tmp/stopped.json" ] &&
   grep -q '"failed": true' "$tmp/stopped.json" &&
   grep -q '"error": "out of host memory' "$tmp/stopped.json" &&
   { ! command -v python3 >/dev/null || python3 -m json.tool "$tmp/stopped.json" >/dev/null; }; then ok
else ko "stop at run time: exit $rc, $(cat "$tmp/err")"; fi
if ls "$tmp"/stopped.json.tmp.* >/dev/null 2>&1; then ko "a temporary result left behind"; else ok; fi

# 5. a real cgroup: only when asked (it creates a cgroup under this
#    process's own) and possible
cg=""
if [ "${NUMASIM_TEST_CGROUP:-0}" = 1 ]; then
	v2=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ -n "$v2" ] && [ -f "/sys/fs/cgroup$v2/memory.max" ] 2>/dev/null; then
		cg="/sys/fs/cgroup$v2/numasim-test-$$"
		limit=memory.max
	else
		v1=$(sed -n 's/^[0-9]*:[^:]*memory[^:]*://p' /proc/self/cgroup)
		[ -n "$v1" ] && [ -d "/sys/fs/cgroup/memory$v1" ] &&
			cg="/sys/fs/cgroup/memory$v1/numasim-test-$$" && limit=memory.limit_in_bytes
	fi
	if [ -n "$cg" ] && mkdir "$cg" 2>/dev/null && echo 268435456 >"$cg/$limit" 2>/dev/null; then
		rc=0
		sh -c "echo \$\$ >'$cg/cgroup.procs' && exec '$bin' run --workload forkcow:size=4G,children=64" \
			>/dev/null 2>"$tmp/err" || rc=$?
		if [ $rc = 2 ] && grep -q "the cgroup limit ($limit of" "$tmp/err"; then ok
		else ko "cgroup $cg: exit $rc, $(cat "$tmp/err")"; fi
		rmdir "$cg" 2>/dev/null
	else
		[ -n "$cg" ] && rmdir "$cg" 2>/dev/null
		skip "NUMASIM_TEST_CGROUP=1: no writable memory cgroup here"
	fi
else
	skip "a real cgroup (NUMASIM_TEST_CGROUP=1 creates one under this process's own)"
fi

echo "hostmem: $pass passed, $fail failed, $skipped skipped"
[ $fail = 0 ]
