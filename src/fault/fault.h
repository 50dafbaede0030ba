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

/* The fault context (Linux struct vm_fault): also what a
 * device driver's migrate_to_ram() gets (mem/memremap.h). */
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

#endif
