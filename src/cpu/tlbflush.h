/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/tlbflush.h - TLB invalidation after page-table changes, as x86 does it
 * (Linux arch/x86/mm/tlb.c flush_tlb_mm_range, flush_tlb_func,
 * native_flush_tlb_multi).
 */
#ifndef NUMASIM_CPU_TLBFLUSH_H
#define NUMASIM_CPU_TLBFLUSH_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct mm_struct;

/* x86 tlb_single_page_flush_ceiling: above this many pages, flush everything. */
#define TLB_SINGLE_PAGE_FLUSH_CEILING 33

/*
 * flush_tlb_mm_range - invalidate [start, end) of @mm (stride 4 KiB, or 2 MiB
 * when @huge) on the initiating @cpu and every other CPU in mm_cpumask(mm).
 * Costs go to the initiator (IPI send and wait) and to each target.
 * numasim.debug_skip_flush omits the flush and marks the CPUs stale, so the
 * oracle can show what a missing flush breaks.
 */
void flush_tlb_mm_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge);

/*
 * flush_tlb_batch - the deferred flush of a batch of unmaps (Linux
 * try_to_unmap_flush → arch_tlbbatch_flush): one round of IPIs to every CPU
 * in the union of the @nr_mms address spaces' masks, each doing a full flush
 * of those address spaces, the initiator included.
 */
void flush_tlb_batch(struct sim *s, struct cpu *cpu, struct mm_struct *const *mms, uint32_t nr_mms);

#endif
