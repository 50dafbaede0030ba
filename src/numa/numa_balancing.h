/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * numa/numa_balancing.h - automatic NUMA balancing as mainline Linux does it
 * (kernel/sched/fair.c NUMA parts; mm/mprotect.c change_prot_numa).
 */
#ifndef NUMASIM_NUMA_NUMA_BALANCING_H
#define NUMASIM_NUMA_NUMA_BALANCING_H

#include "core/compiler.h"
#include "numa/numa_types.h"

struct sim;
struct cpu;
struct task;
struct folio;
struct vm_area_struct;
struct mm_struct;

/* Constants of kernel/sched/fair.c */
#define MAX_SCAN_WINDOW 2560		/* MB/s */
#define NUMA_PERIOD_SLOTS 10
#define NUMA_PERIOD_THRESHOLD 7
#define ACTIVE_NODE_FRACTION 3
#define SMALLIMP 30
#define NUMA_IMBALANCE_MIN 2

bool numa_balancing_enabled(const struct sim *s);

/* init_numa_balancing(): a new task created at @now; @parent is NULL for a
 * process's first (a new address space, whose first scan is one scan delay
 * away). */
void init_numa_balancing(struct sim *s, struct task *t, const struct task *parent, uint64_t now);
/* A task exits: leave its NUMA group. */
void numa_task_exit(struct sim *s, struct task *t);

/* task_tick_numa(): from the scheduler tick of @cpu running @t; runs
 * task_numa_work() when the task's scan is due. */
void task_tick_numa(struct sim *s, struct cpu *cpu, struct task *t);
void task_numa_work(struct sim *s, struct cpu *cpu, struct task *t);

/* Scan-period formulas (task_nr_scan_windows, task_scan_min/max/start), ms. */
uint64_t task_scan_min(const struct sim *s, const struct task *t);
uint64_t task_scan_max(const struct sim *s, const struct task *t);
uint64_t task_scan_start(const struct sim *s, const struct task *t);
void update_task_scan_period(struct sim *s, struct task *t, uint64_t shared, uint64_t private_);

/* should_numa_migrate_memory(): the two-stage last_cpupid filter and the
 * group rules; updates the folio's last_cpupid. */
bool should_numa_migrate_memory(struct sim *s, struct task *p, struct folio *f, uint32_t src_nid,
				uint32_t dst_cpu);
/* task_numa_fault(): account a hint fault of @pages pages on @mem_node. */
void task_numa_fault(struct sim *s, struct cpu *cpu, struct task *t, uint32_t last_cpupid,
		     int mem_node, uint64_t pages, int flags);
/* task_numa_placement(): decay, preferred node; once per scan sequence. */
void task_numa_placement(struct sim *s, struct cpu *cpu, struct task *t);

/* vma_set_access_pid_bit() */
void vma_set_access_pid_bit(struct vm_area_struct *vma, const struct task *t);

/* change_prot_numa(): make [start, end) of @vma protnone; return the pages
 * updated (512 per PMD). In numa/mprotect.c. */
uint64_t change_prot_numa(struct sim *s, struct cpu *cpu, struct task *t,
			  struct vm_area_struct *vma, uint64_t start, uint64_t end);

/* Move a task that task_numa_migrate() chose to move, at a safe point
 * (run_cpu, after the task's step): Linux does it from the stopper thread. */
void numa_apply_pending_move(struct sim *s, struct cpu *cpu);

/* folio_use_access_time(): tiering mode keeps a slow-tier folio's scan time
 * (ms) in its last_cpupid field. */
bool folio_use_access_time(const struct sim *s, const struct folio *f);
/* numa_promotion_adjust_threshold(): at most once per scan_period_max,
 * move @ps's threshold one step (2/16 of @ref_th) towards the rate limit. */
void numa_promotion_adjust_threshold(const struct sim *s, struct numa_promo_state *ps, uint64_t now,
				     uint64_t rate_limit, uint64_t ref_th);
/* The promotion threshold of target node @nid now (ms). */
uint64_t numa_hot_threshold_ms(const struct sim *s, uint32_t nid);

/* update_scan_period(): @t is about to move to @new_cpu. */
void update_scan_period(struct sim *s, struct task *t, uint32_t new_cpu);

/* node_is_toptier(): the node's memory is in the top tier (memory_tiers.c). */
bool node_is_toptier(const struct sim *s, uint32_t nid);

#endif
