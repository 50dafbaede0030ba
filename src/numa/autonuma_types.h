/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * numa/autonuma_types.h - AutoNUMA (2012) state kept in tasks and address
 * spaces (Andrea Arcangeli's include/linux/autonuma_types.h: struct
 * task_autonuma and struct mm_autonuma), used under
 * numasim.policy=autonuma2012 (numa/autonuma2012.c).
 *
 * Both hang off the policy's private pointers (task->policy_priv,
 * mm->policy_priv; numa/policy.h), allocated zeroed by the policy's
 * task_init, which is the series' reset state (AUTONUMA_SCHED_RESET_FLAG,
 * set by default: no statistics are inherited at fork or clone).
 */
#ifndef NUMASIM_NUMA_AUTONUMA_TYPES_H
#define NUMASIM_NUMA_AUTONUMA_TYPES_H

#include "core/compiler.h"
#include "machine/machine.h"

/*
 * Per-task statistics (task_autonuma): the task's NUMA hinting faults by the
 * node the page is on, or will be on once the fault queued it for
 * migration ("access_nid"). Halved when the task takes its first fault in a
 * new knuma_scand pass over its mm (cpu_follow_memory_pass()).
 */
struct task_autonuma {
	uint64_t task_numa_fault[MAX_NUMNODES];
	uint64_t task_numa_fault_tot;
	uint32_t task_numa_fault_pass;	/* the mm pass these counts belong to */
	/* autonuma_nid + 1: the node sched_autonuma_balance() selected last
	 * (0: none yet); read it with task_autonuma_nid() */
	uint32_t autonuma_nid_plus1;
};

/*
 * Per-process statistics (mm_autonuma), gathered by knuma_scand while it
 * walks the mm: the mm's exclusively mapped pages per node (their queued
 * destination if they are queued), in working-set mode only the pages
 * touched since the previous pass (their NUMA entry was cleared by a hint
 * fault). Replaced at the end of each scan of the mm; an mm with no working
 * set keeps its previous figures.
 */
struct mm_autonuma {
	uint64_t mm_numa_fault[MAX_NUMNODES];
	uint64_t mm_numa_fault_tot;
	uint32_t mm_numa_fault_pass;	/* knuma_scand passes that started on this mm */
};

#endif
