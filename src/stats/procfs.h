/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/procfs.h - the end of a run in the layouts of the kernel's own
 * files and tools, to be read (and diffed) like the real ones:
 * numastat (-p, -m and its default table), /proc/PID/numa_maps and the
 * NUMA part of /proc/PID/sched. docs/kernel-formats.md lists what each
 * line holds and what the model cannot know.
 *
 * A PID is a simulated task id, the "pid" of processes[].tasks[] in the
 * JSON result (0 is the first process's main thread); a process is named
 * by the pid of its first task.
 */
#ifndef NUMASIM_STATS_PROCFS_H
#define NUMASIM_STATS_PROCFS_H

#include <stdio.h>

#include "core/compiler.h"

struct sim;
struct workload;

/* numastat -p for every process (numastat's own layout for one or several
 * PIDs), then numastat -m, then numastat with no options. */
void procfs_numastat(const struct sim *s, FILE *out);
/* /proc/@pid/numa_maps (show_numa_map, fs/proc/task_mmu.c): 0, or -1 if the
 * run has no task @pid. */
int procfs_numa_maps(const struct sim *s, uint32_t pid, FILE *out);
/* /proc/@pid/sched (proc_sched_show_task, kernel/sched/debug.c): its
 * header, se.sum_exec_runtime, se.nr_migrations and the NUMA lines
 * (sched_show_numa, show_numa_stats). 0, or -1 if there is no task @pid. */
int procfs_sched(const struct sim *s, uint32_t pid, FILE *out);

/*
 * The tasks @wl creates if every clone succeeds: each process's main
 * thread, every thread a program spawns and every process a program forks,
 * recursively (workload_validate() rules out cycles). Saturates at
 * UINT32_MAX. Pids run from 0 to this minus one.
 */
uint32_t procfs_planned_tasks(const struct workload *wl);

#endif
