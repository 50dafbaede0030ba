/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * numa/autonuma2012.h - Andrea Arcangeli's AutoNUMA (the AutoNUMA19 ..
 * AutoNUMA24 series of 2012, the knuma_migrated era) as an alternative to
 * mainline NUMA balancing: numasim.policy=autonuma2012, the ops table
 * autonuma2012_policy_ops (numa/policy.h). See docs/autonuma2012.md for the
 * design, the tunables and what is simplified.
 *
 * The four gears of the series:
 *   knuma_scand        one global daemon (an EV_POLICY timer) walks every mm in
 *                      turn, makes exclusively mapped memory NUMA-protnone and
 *                      gathers the per-mm statistics (mm_autonuma);
 *   hinting faults     autonuma_numa_page()/autonuma_huge_pmd_numa_page():
 *                      restore the mapping, the last_nid two-fault filter,
 *                      per-task statistics (task_autonuma), and queue the
 *                      page for migration (never migrate in the fault);
 *   knuma_migratedN    one daemon per node (an EV_POLICY timer per node)
 *                      drains that node's queues round-robin over the source
 *                      nodes with migrate_pages();
 *   CPU follows memory sched_autonuma_balance() from the scheduler tick moves
 *                      or swaps the current task towards its memory.
 */
#ifndef NUMASIM_NUMA_AUTONUMA2012_H
#define NUMASIM_NUMA_AUTONUMA2012_H

#include "core/compiler.h"
#include "fault/fault.h"
#include "numa/autonuma_types.h"

struct sim;
struct cpu;
struct task;
struct folio;
struct vm_area_struct;
struct pmd_slot;

/* knuma_scand wakeups (the event's arg): where in its loop the thread is. */
enum knuma_scand_phase {
	KNUMA_SCAND_RUN,	/* scan the next chunk */
	KNUMA_SCAND_MIDPASS,	/* half-way through the pass sleep: wake knuma_migrated */
	KNUMA_SCAND_POSTPASS,	/* the pass sleep is over */
};

struct mm_struct;

/* The policy is autonuma2012 and kernel.numa_balancing is on: the daemons run. */
bool autonuma2012_enabled(const struct sim *s);

/* A task's and an mm's statistics (their policy_priv; NULL before task_init). */
struct task_autonuma *task_autonuma(const struct task *t);
struct mm_autonuma *mm_autonuma(const struct mm_struct *mm);

/* The daemons' timers, from the policy's EV_POLICY event hook. */
void knuma_scand_event(struct sim *s, uint64_t now, uint32_t phase);
void knuma_migrated_event(struct sim *s, uint64_t now, uint32_t nid);

/*
 * Hinting faults under autonuma2012: the policy's pte_hint_fault and
 * pmd_hint_fault hooks, called where mainline runs do_numa_page() and
 * do_huge_pmd_numa_page(). They charge
 * hint_fault_ns, count numa_hint_faults(_local), restore the protnone
 * mapping as mainline does (present, young, writable when the VMA is and
 * the folio is exclusive) and account each page (numa_hinting_fault()).
 * With autonuma.knuma_scand.pmd=1 the whole PMD's NUMA entries are restored
 * by the one fault, as __pmd_numa_fixup() did.
 */
enum fault_result autonuma_numa_page(struct sim *s, struct cpu *cpu, struct task *t,
				     struct vm_area_struct *vma, struct pmd_slot *slot,
				     uint64_t address);
enum fault_result autonuma_huge_pmd_numa_page(struct sim *s, struct cpu *cpu, struct task *t,
					      struct vm_area_struct *vma, struct pmd_slot *slot,
					      uint64_t address);

/* numa_hinting_fault(): the last_nid filter, queueing or cancelling the
 * folio's migration, and @t's statistics, for @pages pages of @f accessed
 * from @cpu. */
void autonuma_hinting_fault(struct sim *s, struct cpu *cpu, struct task *t, struct folio *f,
			    uint64_t pages);

/* From scheduler_tick(): run sched_autonuma_balance() for @t, the current
 * task of @cpu, once per AUTONUMA_BALANCE_INTERVAL_MS of @cpu's time. */
void sched_autonuma_tick(struct sim *s, struct cpu *cpu, struct task *t);
/* CPU follows memory: pick a CPU on a node where @t (or its process) has
 * more of its memory and request a move or swap there; it happens at the
 * next safe point (numa_apply_pending_move()). */
void sched_autonuma_balance(struct sim *s, struct cpu *cpu, struct task *t);

/* The node sched_autonuma_balance() last selected for @t, or -1. */
int task_autonuma_nid(const struct task *t);
/* Pages queued for migration to @nid (autonuma_nr_migrate_pages), and how
 * many of them come from @src (-1: all sources). */
uint64_t autonuma_queued_pages(const struct sim *s, uint32_t nid, int src);
/* The node a folio is queued to, or -1 (page->autonuma_migrate_nid). */
int autonuma_folio_migrate_nid(const struct sim *s, const struct folio *f);

#endif
