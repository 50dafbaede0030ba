#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian 12 packages numasim needs to build and test, if missing.
# valgrind: the trace scenario records a program with valgrind's lackey tool.
# time: /usr/bin/time measures peak memory in tests/scenarios/hostmem.sh.
set -e
# libnuma-dev: numasim-native; numactl and jq: its tests (tests/scenarios/native.sh)
# chromium and a font: the HTML report rendered headless (tests/scenarios/report.sh)
# parallel: GNU parallel runs numasim sweep's job list (tests/scenarios/sweep.sh)
# slurmctld slurmd slurm-client munge: sweep.sh submits the Slurm array to a
# private one-node cluster (tools/slurm-local.sh; the system's own Slurm
# services stay unconfigured)
PKGS="build-essential pkg-config libcmocka-dev libjson-c-dev libhwloc-dev libnuma-dev numactl jq valgrind libyaml-dev chromium fonts-dejavu-core time parallel slurmctld slurmd slurm-client munge"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "numasim: installing$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
