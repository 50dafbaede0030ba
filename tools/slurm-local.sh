#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A private one-node Slurm cluster on this host, to try `numasim sweep --emit
# slurm` for real (docs/sweep.md): munged, slurmctld and slurmd with their
# own configuration, munge key, sockets, state and logs under DIR, on two
# free TCP ports picked at random, nothing in /etc. Two of them can run at
# once (say, two checkouts testing together) when their DIRs differ.
# Needs Debian's slurmctld, slurmd, slurm-client and munge.
#
#   tools/slurm-local.sh start [DIR] [--watch PID]
#       then: export SLURM_CONF=DIR/slurm.conf
#       --watch PID: stop the cluster as soon as process PID has gone, so a
#       killed test cannot leave daemons behind
#   tools/slurm-local.sh stop [DIR]     cancels its jobs, stops its daemons
#
# start exits 0 with the node idle, 3 when a program is not installed, 1 when
# a daemon did not start or the node did not come up in time (the daemons'
# log lines are printed, and whatever did start is stopped). Every wait is
# bounded: start gives up within about a minute (it takes a second or two),
# and so does stop.
# tests/scenarios/sweep.sh uses it to submit the sweep with sbatch.
set -eu
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cmd=${1:-}
DIR=/tmp/numasim-slurm
case ${2:-} in '' | --*) ;; *) DIR=$2 ;; esac
watch=""
[ "${3:-}" = --watch ] && watch=${4:?--watch needs a PID}
[ "${2:-}" = --watch ] && watch=${3:?--watch needs a PID}
case $DIR in /*) ;; *) DIR=$(pwd)/$DIR ;; esac
CONF=$DIR/slurm.conf

# is_ours PIDFILE: the process it names is still running with DIR on its
# command line, so a recycled PID is never signalled
is_ours() {
	pid=$(cat "$1" 2>/dev/null) || return 1
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	pid_ours "$pid"
}

# pid_ours PID: running with DIR on its command line (a zombie has none)
pid_ours() {
	tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "$DIR"
}

# alive PID: running and not a zombie (which kill -0 would still find)
alive() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	case $st in '' | Z* | X*) return 1 ;; esac
}

# stop_pidfile PIDFILE: TERM, up to 10 s to exit, then KILL
stop_pidfile() {
	if is_ours "$1"; then
		kill "$pid" 2>/dev/null || true
		n=0
		# pid_ours, not kill -0: an exited daemon may stay a zombie a while
		while [ $n -lt 50 ] && pid_ours "$pid"; do
			sleep 0.2; n=$((n + 1))
		done
		pid_ours "$pid" && { kill -9 "$pid" 2>/dev/null || true; }
	fi
	rm -f "$1"
}

stop_all() {
	is_ours "$DIR/watch.pid" && { kill "$pid" 2>/dev/null || true; }
	rm -f "$DIR/watch.pid"
	# cancel this cluster's jobs first: a running job's slurmstepd would
	# otherwise outlive slurmd
	if is_ours "$DIR/slurmctld.pid" && [ -s "$CONF" ]; then
		SLURM_CONF=$CONF timeout 5 scancel --user="$(id -un)" 2>/dev/null || true
		n=0
		while [ $n -lt 10 ] && [ -n "$(SLURM_CONF=$CONF timeout 2 squeue -h -o %i 2>/dev/null)" ]; do
			sleep 0.5; n=$((n + 1))
		done
	fi
	stop_pidfile "$DIR/slurmd.pid"
	stop_pidfile "$DIR/slurmctld.pid"
	stop_pidfile "$DIR/munge/munged.pid"
}

# port_free PORT: no TCP socket here uses it (/proc/net/tcp lists them in hex)
port_free() {
	hex=$(printf '%04X' "$1")
	! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q "^ *[0-9]*: [0-9A-F]*:$hex "
}

# pick_ports: two free neighbouring ports in 20000..31999, below Linux's
# ephemeral range, chosen at random so that two clusters do not collide
pick_ports() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		port=$((20000 + 2 * (r % 6000)))
		port_free "$port" && port_free $((port + 1)) && return 0
	done
	echo "slurm-local.sh: no free pair of TCP ports found" >&2
	return 1
}

# fail WHY: say why, show the daemons' last log lines, stop what started
fail() {
	echo "slurm-local.sh: $1" >&2
	for f in "$DIR/munge/munged.log" "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log"; do
		[ -s "$f" ] && { echo "--- $f:" >&2; tail -n 5 "$f" >&2; }
	done
	stop_all
	exit 1
}

write_conf() {
	user=$(id -un)
	host=$(hostname -s)
	cpus=$(nproc)
	[ "$cpus" -ge 8 ] || cpus=8
	cat >"$CONF" <<EOF
# written by tools/slurm-local.sh: a private one-node cluster
ClusterName=numasim
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$DIR/munge/munge.socket
CredType=cred/munge
SlurmUser=$user
SlurmdUser=$user
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# quick turnaround for a test's tiny jobs: tasks start as soon as others
# end, and sbatch --wait polls every 2 s only while MinJobAge is under 8 s
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
# at least 8 CPUs, however many this host has, so that a small array runs
# at once (its tasks share the real CPUs)
SlurmdParameters=config_overrides
MessageTimeout=5
KillWait=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	# slurmd 22.05 loads a cgroup plugin even when no plugin above uses
	# cgroups; naming one skips its autodetection, which fails where
	# /sys/fs/cgroup is not mounted (a chroot, a container)
	echo "CgroupPlugin=cgroup/v1" >"$DIR/cgroup.conf"
}

start() {
	for p in munged slurmctld slurmd sbatch sinfo scancel squeue; do
		command -v "$p" >/dev/null || {
			echo "slurm-local.sh: $p is not installed (tools/install-deps.sh installs Slurm)" >&2
			exit 3
		}
	done
	is_ours "$DIR/slurmctld.pid" && { echo "slurm-local.sh: already running in $DIR" >&2; exit 1; }
	# a Unix socket's path is at most 107 bytes
	[ ${#DIR} -le 80 ] || { echo "slurm-local.sh: $DIR: too long a path for munge's socket" >&2; exit 1; }
	mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/munge"
	chmod 700 "$DIR" "$DIR/munge"
	# a key of our own: munged wants it private to the user that runs it
	if [ ! -s "$DIR/munge/munge.key" ]; then
		(umask 077 && dd if=/dev/urandom of="$DIR/munge/munge.key" bs=1024 count=1 2>/dev/null)
	fi
	pick_ports
	write_conf
	timeout 10 munged --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
		--pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
		--seed-file="$DIR/munge/seed" --force >/dev/null 2>"$DIR/log/munged.err" ||
		fail "munged did not start: $(cat "$DIR/log/munged.err")"
	timeout 10 slurmctld -f "$CONF" >/dev/null 2>"$DIR/log/slurmctld.err" ||
		fail "slurmctld did not start: $(cat "$DIR/log/slurmctld.err")"
	timeout 10 slurmd -f "$CONF" >/dev/null 2>"$DIR/log/slurmd.err" ||
		fail "slurmd did not start: $(cat "$DIR/log/slurmd.err")"
	end=$(($(date +%s) + 20))
	until SLURM_CONF=$CONF timeout 3 sinfo -h -o %t 2>/dev/null | grep -q '^idle'; do
		[ "$(date +%s)" -lt "$end" ] ||
			fail "the node is not idle after 20 s: $(SLURM_CONF=$CONF timeout 3 sinfo -h -o '%t %E' 2>&1)"
		sleep 0.5
	done
	if [ -n "$watch" ]; then
		# detached from the caller's output, so $(...) does not wait for it;
		# stop removes watch.pid, which ends the loop
		: >"$DIR/watch.pid"
		(
			while alive "$watch" && [ -e "$DIR/watch.pid" ]; do sleep 1; done
			[ -e "$DIR/watch.pid" ] && rm -f "$DIR/watch.pid" && "$SELF" stop "$DIR"
		) </dev/null >/dev/null 2>&1 &
		echo $! >"$DIR/watch.pid"
	fi
	echo "slurm-local.sh: one-node Slurm up in $DIR (ports $port, $((port + 1)))"
	echo "export SLURM_CONF=$CONF"
}

case $cmd in
start) start ;;
stop) stop_all ;;
*)
	echo "usage: tools/slurm-local.sh start [DIR] [--watch PID] | stop [DIR]" >&2
	exit 2
	;;
esac
