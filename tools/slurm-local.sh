#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A private one-node Slurm cluster on this host, to try `numasim sweep --emit
# slurm` for real (docs/sweep.md): munged, slurmctld and slurmd with their
# own configuration, sockets, state and logs under DIR, nothing in /etc.
# Needs Debian's slurmctld, slurmd, slurm-client and munge (an existing
# /etc/munge/munge.key is copied).
#
#   tools/slurm-local.sh start [DIR]   then: export SLURM_CONF=DIR/slurm.conf
#   tools/slurm-local.sh stop [DIR]    stops the three daemons it started
#
# With SLURM_CONF exported, tests/scenarios/sweep.sh also submits the sweep
# with sbatch (--test-only, then --wait).
set -eu
cmd=${1:-}
DIR=${2:-/tmp/numasim-slurm}

stop_pidfile() {
	[ -s "$1" ] && kill "$(cat "$1")" 2>/dev/null || true
	rm -f "$1"
}

case $cmd in
start)
	for p in munged slurmctld slurmd sbatch; do
		command -v "$p" >/dev/null || { echo "slurm-local.sh: $p is not installed" >&2; exit 1; }
	done
	mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/munge"
	chmod 700 "$DIR/munge"
	[ -s "$DIR/munge/munge.key" ] || cp /etc/munge/munge.key "$DIR/munge/munge.key"
	user=$(id -un)
	host=$(hostname -s)
	cat >"$DIR/slurm.conf" <<EOF
ClusterName=numasim
SlurmctldHost=$host
SlurmctldPort=16817
SlurmdPort=16818
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
NodeName=$host CPUs=$(nproc) RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	munged --socket="$DIR/munge/munge.socket" --key-file="$DIR/munge/munge.key" \
		--pid-file="$DIR/munge/munged.pid" --log-file="$DIR/munge/munged.log" \
		--seed-file="$DIR/munge/seed" -f
	slurmctld -f "$DIR/slurm.conf"
	slurmd -f "$DIR/slurm.conf"
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		SLURM_CONF=$DIR/slurm.conf sinfo -h -o %t 2>/dev/null | grep -q idle && break
		sleep 1
	done
	SLURM_CONF=$DIR/slurm.conf sinfo
	echo "export SLURM_CONF=$DIR/slurm.conf"
	;;
stop)
	stop_pidfile "$DIR/slurmd.pid"
	stop_pidfile "$DIR/slurmctld.pid"
	stop_pidfile "$DIR/munge/munged.pid"
	;;
*)
	echo "usage: tools/slurm-local.sh start|stop [DIR]" >&2
	exit 2
	;;
esac
