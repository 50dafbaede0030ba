/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fault/fault.h - the page-fault handler and the folio allocation it uses
 * (Linux mm/memory.c handle_mm_fault and friends, mm/huge_memory.c).
 */
#ifndef NUMASIM_FAULT_FAULT_H
#define NUMASIM_FAULT_FAULT_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct task;
struct mm_struct;
struct pmd_slot;
struct vm_area_struct;
struct folio;

enum fault_result {
	FAULT_OK = 0,
	FAULT_SIGSEGV,		/* no VMA, or the VMA forbids the access */
	FAULT_OOM,		/* no node could supply a page */
};

/* The fault context (Linux struct vm_fault): also what a placement policy's
 * hint-fault hooks (numa/policy.h) and a device driver's migrate_to_ram()
 * (mem/memremap.h) get. */
struct vm_fault {
	struct sim *s;
	struct cpu *cpu;
	struct task *t;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	uint64_t address;
	bool write;
	struct pmd_slot *pmd;
};

/*
 * handle_mm_fault - resolve a fault at @addr for task @t running on @cpu.
 * Charges the fault's cost (entry, zeroing, copying) to @cpu and counts it.
 */
enum fault_result handle_mm_fault(struct sim *s, struct cpu *cpu, struct task *t,
				  uint64_t addr, bool write);

/* Orders (bit mask) an anonymous fault may use in @vma (thp_vma_allowable_orders). */
uint32_t thp_vma_allowable_orders(const struct sim *s, const struct vm_area_struct *vma);

/*
 * Mainline's NUMA hint-fault handlers, the mainline policy's
 * pte_hint_fault/pmd_hint_fault hooks: do_numa_page() for a protnone PTE at
 * vmf->address, do_huge_pmd_numa_page() for a protnone PMD.
 */
enum fault_result do_numa_page(struct vm_fault *vmf);
enum fault_result do_huge_pmd_numa_page(struct vm_fault *vmf);

/*
 * For other policies' hint faults that decide not to migrate: make the
 * protnone entry at vmf->address usable again as mainline does (present,
 * young; writable if the VMA is and the folio @f is exclusively owned,
 * through the deferred-flush bookkeeping). numa_restore_pte_mapping()
 * restores the whole large folio's PTEs in this table when numasim.mthp_numa
 * is on (numa_rebuild_large_mapping), else the one PTE
 * (numa_rebuild_single_mapping); numa_restore_pmd_mapping() the PMD.
 */
void numa_restore_pte_mapping(struct vm_fault *vmf, struct folio *f);
void numa_restore_pmd_mapping(struct vm_fault *vmf, struct folio *f);

#endif
