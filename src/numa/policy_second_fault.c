// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/policy_second_fault.c - an example placement policy for researchers,
 * numasim.policy=second-fault: a folio migrates to the faulting CPU's node
 * on its second consecutive remote NUMA hint fault from that node. No NUMA
 * groups, no preferred node, no task placement, no scan-period adaptation.
 * docs/writing-a-policy.md walks through this file.
 *
 * It reuses mainline's scanner: the scheduler tick runs task_tick_numa(),
 * whose task_numa_work() makes each task's address space protnone
 * (change_prot_numa()) a scan window at a time, at the fixed period
 * task_scan_start() gives (mainline adapts the period from the faults
 * task_numa_fault() records; this policy records none).
 *
 * The folio's "last node" is kept in its last_cpupid field, as AutoNUMA's
 * last_nid was (mainline keeps CPU and PID there): CPUPID_UNSET, or the node
 * of the last remote hint fault not yet followed by a migration. A local
 * fault clears it, so only faults in a row count.
 *
 * SIMPLIFIED: with kernel.numa_balancing bit 2 (memory tiering) the scanner
 * stamps slow-tier folios' last_cpupid with a scan time; such a stamp reads
 * here as "no earlier remote fault" (unless it happens to equal the
 * faulting node), and the policy does no promotion of its own. Memory
 * under an explicit memory policy is left alone (as AutoNUMA did; mainline
 * honours MPOL_F_NUMA_BALANCING).
 */
#include <json-c/json.h>
#include <stdlib.h>

#include "migrate/migrate.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"
#include "sim.h"

/* Per address space (mm->policy_priv): what the policy decided, for the report. */
struct second_fault_mm {
	uint64_t first_faults;		/* remote faults that only recorded their node */
	uint64_t migrated_pages;	/* pages moved on a second fault */
	uint64_t failed_pages;		/* pages whose migration was refused or failed */
};

static struct second_fault_mm *sf_mm(const struct mm_struct *mm)
{
	return mm->policy_priv;
}

static void sf_init(struct sim *s)
{
	(void)s;	/* no per-simulation state: s->policy_data stays NULL */
}

static void sf_destroy(struct sim *s)
{
	for (uint32_t i = 0; i < s->nr_mms; i++) {
		free(s->mms[i]->policy_priv);
		s->mms[i]->policy_priv = NULL;
	}
}

/* The mainline task_struct fields every policy initialises (the scanner
 * uses them: numa_next_scan, the scan period), plus this mm's counters. */
static void sf_task_init(struct sim *s, struct task *t, const struct task *parent, uint64_t now)
{
	init_numa_balancing(s, t, parent, now);
	if (!t->mm->policy_priv) {
		t->mm->policy_priv = calloc(1, sizeof(struct second_fault_mm));
		if (!t->mm->policy_priv)
			abort();
	}
}

/* No groups to leave; the counters stay for the report. */
static void sf_task_exit(struct sim *s, struct task *t)
{
	(void)s;
	(void)t;
}

/* No scan-period adaptation when a task moves. */
static void sf_task_move(struct sim *s, struct task *t, uint32_t new_cpu)
{
	(void)s;
	(void)t;
	(void)new_cpu;
}

/* No task placement: nothing ever requests a move. */
static void sf_safe_point(struct sim *s, struct cpu *cpu)
{
	(void)s;
	(void)cpu;
}

/* May the folio move at all? Not under an explicit task or VMA policy, and
 * not to a node without memory. */
static bool sf_may_move(const struct vm_fault *vmf)
{
	return vmf->t->pol.mode == MPOL_DEFAULT && !(vmf->vma->vm_flags & VM_HAS_POLICY) &&
	       vmf->s->m.node[vmf->cpu->node].mem_bytes;
}

/*
 * The decision, for a hint fault on @f from vmf->cpu. Count the fault as
 * every policy does (numa_hint_faults, _local) and mark the VMA accessed by
 * this task (mainline's scanner skips VMAs no task touched lately). Return
 * true if @f migrated: the migration mapped the new copy, so the caller must
 * not touch the old entry.
 */
static bool sf_hint_fault(struct vm_fault *vmf, struct folio *f)
{
	struct sim *s = vmf->s;
	struct second_fault_mm *st = sf_mm(vmf->mm);
	const uint32_t this_nid = vmf->cpu->node, page_nid = folio_nid(f);
	const uint64_t nr = folio_nr_pages(f);
	count_vm_event(&s->vs, NUMA_HINT_FAULTS);
	vma_set_access_pid_bit(vmf->vma, vmf->t);
	if (page_nid == this_nid) {
		count_vm_event(&s->vs, NUMA_HINT_FAULTS_LOCAL);
		f->last_cpupid = CPUPID_UNSET;	/* a local fault breaks the run */
		return false;
	}
	if (!sf_may_move(vmf))
		return false;
	if (f->last_cpupid != this_nid) {	/* the first remote fault from this node */
		f->last_cpupid = this_nid;
		st->first_faults++;
		return false;
	}
	f->last_cpupid = CPUPID_UNSET;
	/* the kernel's misplaced-folio path: the node must have room, then
	 * migrate_pages() with MR_NUMA_MISPLACED (it unmaps, flushes the TLBs
	 * that held the old entries, copies and maps the new folio) */
	if (migrate_misplaced_folio_prepare(s, vmf->cpu, f, this_nid) ||
	    migrate_misplaced_folio(s, vmf->cpu, f, this_nid)) {
		st->failed_pages += nr;
		return false;
	}
	st->migrated_pages += nr;
	return true;
}

static enum fault_result sf_pte_hint_fault(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	const pte_t p = vmf->pmd->pt->pte[pte_index(vmf->address)];
	struct folio *f = page_folio(&s->pm, pte_pfn(p));
	cpu_charge_kernel(vmf->cpu, s->m.cost.hint_fault_ns);
	/* as mainline before 6.10: a PTE-mapped large folio only gets its
	 * mapping back unless numasim.mthp_numa is on */
	const bool decide = !folio_test_large(f) || s->tun.v[T_MTHP_NUMA];
	if (decide && sf_hint_fault(vmf, f))
		return FAULT_OK;
	numa_restore_pte_mapping(vmf, f);
	return FAULT_OK;
}

static enum fault_result sf_pmd_hint_fault(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	struct folio *f = pfn_folio(&s->pm, pmd_pfn(vmf->pmd->pmd));
	cpu_charge_kernel(vmf->cpu, s->m.cost.hint_fault_ns);
	if (sf_hint_fault(vmf, f))
		return FAULT_OK;
	numa_restore_pmd_mapping(vmf, f);
	return FAULT_OK;
}

/* The report: a process's "second_fault" object. */
static void sf_mm_json(const struct sim *s, const struct mm_struct *mm, json_object *o)
{
	(void)s;
	static const struct second_fault_mm none;
	const struct second_fault_mm *st = sf_mm(mm) ? sf_mm(mm) : &none;
	json_object *j = json_object_new_object();
	json_object_object_add(j, "first_faults", json_object_new_uint64(st->first_faults));
	json_object_object_add(j, "migrated_pages", json_object_new_uint64(st->migrated_pages));
	json_object_object_add(j, "failed_pages", json_object_new_uint64(st->failed_pages));
	json_object_object_add(o, "second_fault", j);
}

const struct numa_policy_ops second_fault_policy_ops = {
	.name = "second-fault",
	.help = "example for researchers: migrate a folio on its second remote hint fault in a "
		"row from one node; mainline's scanner, no groups, no task placement",
	.in_mainline = false,
	.init = sf_init,
	.destroy = sf_destroy,
	.task_init = sf_task_init,
	.task_exit = sf_task_exit,
	.tick = task_tick_numa,		/* mainline's scanner: task_numa_work() */
	.task_move = sf_task_move,
	.safe_point = sf_safe_point,
	.pte_hint_fault = sf_pte_hint_fault,
	.pmd_hint_fault = sf_pmd_hint_fault,
	.event = NULL,			/* no timers of its own */
	.task_json = NULL,
	.mm_json = sf_mm_json,
};
