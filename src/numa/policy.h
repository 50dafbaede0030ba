/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * numa/policy.h - a NUMA placement policy as a table of hooks.
 *
 * The simulator's mechanism (faults, migration, the scheduler, the TLBs)
 * calls the placement policy only through s->policy, chosen by
 * numasim.policy at sim_create (numa/policies.def lists them). Mainline
 * NUMA balancing (numa/numa_balancing.c), AutoNUMA 2012
 * (numa/autonuma2012.c) and the example for researchers
 * (numa/policy_second_fault.c) are the implementations; docs/writing-a-policy.md
 * walks through one.
 *
 * Mainline's memory-tiering mode (kernel.numa_balancing bit 2, promotion of
 * slow-tier folios) is part of the mainline table, not a table of its own:
 * Linux decides per folio, by the tier of its node, inside the one hint-fault
 * path (should_numa_migrate_memory(), task_numa_fault(), change_prot_numa()),
 * and kernel.numa_balancing=3 runs both modes at once in one system.
 *
 * State: a policy keeps its per-simulation state behind s->policy_data, and
 * per-task and per-address-space state behind task->policy_priv and
 * mm->policy_priv, which it allocates and frees itself (all start NULL).
 * Mainline's own fields are Linux's task_struct/mm_struct fields
 * (task->numa, mm->numa) and stay there; every policy's task_init must
 * initialise them (init_numa_balancing()), because the report prints them
 * and the scheduler's safe-point helper reads them.
 *
 * Every hook is required (non-NULL) unless marked optional; the sim calls a
 * required hook without checking it (tests/unit/test_policy.c checks every
 * registered table).
 */
#ifndef NUMASIM_NUMA_POLICY_H
#define NUMASIM_NUMA_POLICY_H

#include "core/compiler.h"
#include "fault/fault.h"

struct sim;
struct cpu;
struct task;
struct mm_struct;
struct vm_fault;
struct json_object;

struct numa_policy_ops {
	const char *name;	/* the numasim.policy value (policies.def) */
	const char *help;	/* one line for `numasim list` */
	bool in_mainline;	/* runs on a mainline Linux kernel (validate's guests) */

	/* At the end of sim_create, after the workload's first tasks exist (their
	 * task_init ran): set up s->policy_data, push the first EV_POLICY timers. */
	void (*init)(struct sim *s);
	/* From sim_destroy, after task_exit for every task and before the
	 * address spaces and tasks are freed: free s->policy_data and every
	 * task's and mm's policy_priv. */
	void (*destroy)(struct sim *s);

	/* task_create (Linux sched_fork -> init_numa_balancing): @t is new, in
	 * @t->mm, at @now; @parent is NULL for a process's first thread. */
	void (*task_init)(struct sim *s, struct task *t, const struct task *parent, uint64_t now);
	/* A task exits (do_exit -> task_numa_free), and from sim_destroy for
	 * every task (exited or cut short; must be idempotent). The report still
	 * reads the task afterwards: keep its policy_priv until destroy. */
	void (*task_exit)(struct sim *s, struct task *t);

	/* scheduler_tick() on @cpu, whose current task is @curr (never NULL):
	 * mainline task_tick_numa(). */
	void (*tick)(struct sim *s, struct cpu *cpu, struct task *curr);
	/* @t, not a new task, is about to be queued on @new_cpu (a wakeup, a
	 * balancing or NUMA move, either side of a swap): mainline
	 * update_scan_period(), from migrate_task_rq_fair(). */
	void (*task_move)(struct sim *s, struct task *t, uint32_t new_cpu);
	/* After each step of @cpu's current task, where it may be moved
	 * (Linux's stopper thread): mainline numa_apply_pending_move(). */
	void (*safe_point)(struct sim *s, struct cpu *cpu);

	/* A hint fault on a protnone PTE of an accessible VMA (handle_pte_fault
	 * -> do_numa_page) and on a protnone PMD (__handle_mm_fault ->
	 * do_huge_pmd_numa_page). The hook must leave the address mapped
	 * (restored or migrated) and charge its cost to vmf->cpu. */
	enum fault_result (*pte_hint_fault)(struct vm_fault *vmf);
	enum fault_result (*pmd_hint_fault)(struct vm_fault *vmf);

	/* Optional: an EV_POLICY timer the policy pushed fired at @now; @arg is
	 * the policy's own. A policy that pushes none may leave it NULL. */
	void (*event)(struct sim *s, uint64_t now, uint32_t arg);

	/* Optional: add the policy's keys to a task's object of the JSON report
	 * (after its mainline numa_* keys) and to a process's object (after
	 * mm_numa_scan_seq, before its tasks). */
	void (*task_json)(const struct sim *s, const struct task *t, struct json_object *o);
	void (*mm_json)(const struct sim *s, const struct mm_struct *mm, struct json_object *o);
};

/* The tables, one per row of numa/policies.def. */
#define NUMA_POLICY(id, name, ops) extern const struct numa_policy_ops ops;
#include "numa/policies.def"
#undef NUMA_POLICY

struct tunables;

/* The table of numasim.policy value @id (enum numasim_policy); NULL if none. */
const struct numa_policy_ops *numa_policy_get(uint32_t id);
/* The table numasim.policy selects in @tun (sim_create, validate). */
const struct numa_policy_ops *numa_policy_select(const struct tunables *tun);

#endif
