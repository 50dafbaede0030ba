/* SPDX-License-Identifier: GPL-2.0-only */
/* fault/internal.h - shared between memory.c and huge_memory.c only. */
#ifndef NUMASIM_FAULT_INTERNAL_H
#define NUMASIM_FAULT_INTERNAL_H

#include "fault/fault.h"
#include "sim.h"

/* PMD-level outcomes: handled, or fall back to the PTE level. */
enum { HUGE_DONE = 0, HUGE_FALLBACK = 1 };

/* in huge_memory.c: */
int do_huge_pmd_anonymous_page(struct vm_fault *vmf, enum fault_result *res);
int do_huge_pmd_wp_page(struct vm_fault *vmf);
enum fault_result do_huge_pmd_numa_page(struct vm_fault *vmf);

/* in memory.c: */
/* numa_migrate_check(): count the hint fault and ask the policy where the
 * folio belongs (NUMA_NO_NODE: stay). */
int numa_migrate_check(struct vm_fault *vmf, struct folio *f, int *flags, bool writable,
		       uint32_t *last_cpupid);
enum numa_migrate_result { NUMA_MIGRATED, NUMA_MIGRATE_NOT_TRIED, NUMA_MIGRATE_FAILED };
/* The misplaced-folio step of both hint-fault handlers: prepare, migrate,
 * and on success account the fault (task_numa_fault with TNF_MIGRATED). */
enum numa_migrate_result numa_migrate_folio(struct vm_fault *vmf, struct folio *f, int target,
					    int *flags, uint32_t last_cpupid);
/* Cost of clearing or copying @bytes on node @nid (streaming through the cost model). */
/* Stream @bytes of node @nid with @op, charged to the faulting CPU as kernel
 * time. The kernel clears and copies pages with rep stos/movs (clear_page_erms,
 * clear_page_rep, copy_page), whose stores do not read the lines: MEM_WRITE_NT. */
void charge_stream(struct vm_fault *vmf, uint32_t nid, uint64_t bytes, enum mem_op op);
/* The same for the clearing of a new folio, at most cost.clear_page_gbps. */
void charge_clear(struct vm_fault *vmf, uint32_t nid, uint64_t bytes);

#endif
