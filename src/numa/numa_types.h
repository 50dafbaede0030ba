/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * numa/numa_types.h - NUMA balancing state kept in tasks, address spaces,
 * VMAs and folios (Linux: task_struct numa_* fields, mm_struct numa_*,
 * vma_numab_state, folio last_cpupid), and the last_cpupid encoding.
 */
#ifndef NUMASIM_NUMA_NUMA_TYPES_H
#define NUMASIM_NUMA_NUMA_TYPES_H

#include "core/compiler.h"
#include "machine/machine.h"

#define NUMA_NO_NODE (-1)

/* kernel.numa_balancing bits */
#define NUMA_BALANCING_NORMAL 0x1
#define NUMA_BALANCING_MEMORY_TIERING 0x2

/*
 * last_cpupid: the CPU and the low 8 bits of the pid of the last task that
 * took a hint fault on the folio (Linux LAST__PID_SHIFT = 8). All ones means
 * nobody yet (page_cpupid_reset_last).
 */
#define LAST__PID_SHIFT 8
#define LAST__PID_MASK ((1u << LAST__PID_SHIFT) - 1)
#define CPUPID_UNSET 0xffffffffu

static inline uint32_t cpu_pid_to_cpupid(uint32_t cpu, uint32_t pid)
{
	return (cpu << LAST__PID_SHIFT) | (pid & LAST__PID_MASK);
}
static inline uint32_t cpupid_to_pid(uint32_t cpupid) { return cpupid & LAST__PID_MASK; }
static inline uint32_t cpupid_to_cpu(uint32_t cpupid) { return cpupid >> LAST__PID_SHIFT; }
static inline bool cpupid_pid_unset(uint32_t cpupid) { return cpupid_to_pid(cpupid) == LAST__PID_MASK; }
static inline bool cpupid_cpu_unset(uint32_t cpupid)
{
	return cpupid_to_cpu(cpupid) == (CPUPID_UNSET >> LAST__PID_SHIFT);
}
static inline bool cpupid_valid(uint32_t cpupid)
{
	return !cpupid_pid_unset(cpupid) && !cpupid_cpu_unset(cpupid);
}

/* task_numa_fault() flags */
#define TNF_MIGRATED	 0x01
#define TNF_NO_GROUP	 0x02
#define TNF_SHARED	 0x04
#define TNF_FAULT_LOCAL	 0x08
#define TNF_MIGRATE_FAIL 0x10

/* numa_faults[] statistics (Linux enum numa_faults_stats) */
enum numa_faults_stats { NUMA_MEM, NUMA_CPU, NUMA_MEMBUF, NUMA_CPUBUF, NR_NUMA_HINT_FAULT_STATS };
#define NR_NUMA_HINT_FAULT_TYPES 2	/* 0 shared, 1 private */

/*
 * A NUMA group: tasks that share memory (Linux struct numa_group).
 * faults[MEM|CPU] are the decayed sums of its members'.
 */
struct numa_group {
	uint32_t gid;			/* pid of the task that created it */
	uint32_t nr_tasks;		/* members (the kernel's refcount) */
	uint32_t active_nodes;
	int64_t total_faults;
	int64_t max_faults_cpu;
	int64_t faults[MAX_NUMNODES][NR_NUMA_HINT_FAULT_TYPES];
	int64_t faults_cpu[MAX_NUMNODES][NR_NUMA_HINT_FAULT_TYPES];
};

struct task;

/* Per-task NUMA balancing state (Linux task_struct numa_* fields). */
struct task_numa {
	uint32_t numa_scan_seq;
	uint64_t numa_scan_period;		/* ms */
	uint64_t numa_scan_period_max;		/* ms */
	uint64_t node_stamp;			/* ns of CPU time */
	uint64_t numa_migrate_retry;		/* ns, wall clock */
	int numa_preferred_nid;
	uint64_t last_task_numa_placement;	/* ns, wall clock */
	uint64_t last_sum_exec_runtime;		/* ns */
	bool has_faults;			/* numa_faults allocated */
	int64_t faults[NR_NUMA_HINT_FAULT_STATS][MAX_NUMNODES][NR_NUMA_HINT_FAULT_TYPES];
	int64_t total_numa_faults;
	uint64_t numa_faults_locality[3];	/* remote, local, failed */
	uint64_t numa_pages_migrated;
	struct numa_group *numa_group;
	uint64_t nr_numa_migrations;		/* task moves toward its preferred node */
	uint64_t nr_numa_swaps;
	/* a move chosen by task_numa_migrate(), done at the next safe point */
	uint32_t pending_cpu;			/* UINT32_MAX: none */
	struct task *pending_swap;		/* the task to swap with, or NULL */
};

/*
 * Promotion state of a target node in tiering mode (Linux pglist_data
 * nbp_*): the rate-limit window, the hot threshold and its adjustment
 * window, and the PGPROMOTE_CANDIDATE node counter they measure.
 */
struct numa_promo_state {
	uint64_t nr_cand;		/* pgpromote_candidate of this node */
	uint64_t nbp_rl_start;		/* ms */
	uint64_t nbp_rl_nr_cand;
	uint64_t nbp_threshold;		/* ms; 0: the default */
	uint64_t nbp_th_start;		/* ms */
	uint64_t nbp_th_nr_cand;
	uint64_t max_window_cand;	/* most candidates accepted in one rate window (reported) */
};

#define NUMA_MIGRATION_ADJUST_STEPS 16

/* Per-mm scanner state (Linux mm_struct numa_next_scan, numa_scan_offset, numa_scan_seq). */
struct mm_numa {
	uint64_t numa_next_scan;	/* ns; set when the mm is created (init_numa_balancing) */
	uint64_t numa_scan_offset;
	uint32_t numa_scan_seq;
};

/* Per-VMA scan state (Linux struct vma_numab_state), set up on first visit. */
struct vma_numab_state {
	bool valid;
	uint64_t next_scan;		/* ns */
	uint64_t pids_active_reset;	/* ns */
	uint64_t pids_active[2];
	uint32_t start_scan_seq;
	uint32_t prev_scan_seq;
};

#endif
