/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/tlbflush.h - TLB invalidation after page-table changes, as x86 does it
 * (Linux arch/x86/mm/tlb.c flush_tlb_mm_range, flush_tlb_func,
 * native_flush_tlb_multi).
 */
#ifndef NUMASIM_CPU_TLBFLUSH_H
#define NUMASIM_CPU_TLBFLUSH_H

#include "core/compiler.h"
#include "mem/mm.h"

struct sim;
struct cpu;
struct mm_struct;
struct tlb_ctx;

/* x86 tlb_single_page_flush_ceiling: above this many pages, flush everything. */
#define TLB_SINGLE_PAGE_FLUSH_CEILING 33

/*
 * flush_tlb_mm_range - invalidate [start, end) of @mm (stride 4 KiB, or 2 MiB
 * when @huge) on the initiating @cpu and every other CPU in mm_cpumask(mm).
 * Idle CPUs (lazy TLB mode) are skipped; they flush at their next switch_mm.
 * Once a second per mm the IPIs also go to CPUs now running another mm,
 * which leave mm_cpumask. Costs go to the initiator (IPI send and wait) and
 * to each target.
 * numasim.debug_skip_flush omits the flush and marks the CPUs stale, so the
 * oracle can show what a missing flush breaks.
 */
void flush_tlb_mm_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge);

/*
 * switch_mm_irqs_off - @cpu starts running a task of @mm: join mm_cpumask,
 * take an ASID for it (evicting the oldest, whose entries go), and flush
 * the mm if flushes happened while this CPU was not reached (lazy, or
 * running another mm).
 */
void switch_mm_irqs_off(struct sim *s, struct cpu *cpu, struct mm_struct *mm);

/* @c's TLB may hold translations the page tables no longer have, for
 * reason @why (TLB_STALE_*): the oracle checks its accesses from now on. */
void tlb_mark_stale(struct sim *s, struct cpu *c, uint8_t why);

/* @c's ASID context for the address space @mm_id, or NULL if it has none. */
struct tlb_ctx *cpu_tlb_ctx(struct cpu *c, uint32_t mm_id);

/* @c holds an ASID for @mm that is behind its tlb_gen (entries may be stale
 * until switch_mm_irqs_off flushes them). */
bool cpu_tlb_ctx_behind(struct cpu *c, const struct mm_struct *mm);

/*
 * flush_tlb_batch - the deferred flush of a batch of unmaps (Linux
 * try_to_unmap_flush → arch_tlbbatch_flush): one round of IPIs to every CPU
 * in the union of the @nr_mms address spaces' masks that is not idle, each
 * doing a full flush of those address spaces, the initiator included.
 */
void flush_tlb_batch(struct sim *s, struct cpu *cpu, struct mm_struct *const *mms, uint32_t nr_mms);

/*
 * flush_tlb_deferred - send a deferred flush (migrc_flush_free_folios(), LUF's
 * luf_flush()): every CPU of @mask empties its TLB, idle ones included (no
 * tlb_gen was bumped for them to catch up with), the initiator @cpu too if
 * it is in @mask; each of their ASID contexts counts as fully flushed.
 */
void flush_tlb_deferred(struct sim *s, struct cpu *cpu, const cpumask_t *mask);

/* A full flush of @mm on @cpu alone, charged as it next runs (LUF at
 * context switch). */
void flush_tlb_local_mm(struct sim *s, struct cpu *cpu, const struct mm_struct *mm);

#endif
