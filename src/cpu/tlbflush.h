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

/* numasim.debug_skip_flush, a bit mask: which flushes to omit. */
enum {
	/* every flush after a page-table change that leaves an entry with the
	 * wrong frame or too much permission: zap, munmap, mremap, mprotect,
	 * fork, CoW, THP split, the unmap of migration, reclaim and device
	 * migration (flush_tlb_mm_range(), flush_tlb_batch()) */
	DEBUG_SKIP_FLUSH_UNMAP = 1,
	/* the NUMA scanner's flush after making entries protnone
	 * (flush_tlb_prot_numa()): without it CPUs keep their translations
	 * and take no hint faults, so NUMA balancing stops for them */
	DEBUG_SKIP_FLUSH_PROT_NUMA = 2,
};

/* x86 tlb_single_page_flush_ceiling: above this many pages, flush everything. */
#define TLB_SINGLE_PAGE_FLUSH_CEILING 33

/*
 * flush_tlb_mm_range - invalidate [start, end) of @mm (stride 4 KiB, or 2 MiB
 * when @huge) on the initiating @cpu and every other CPU in mm_cpumask(mm).
 * Idle CPUs (lazy TLB mode) are skipped; they flush at their next switch_mm.
 * Once a second per mm the IPIs also go to CPUs now running another mm,
 * which leave mm_cpumask. Costs go to the initiator (IPI send and wait) and
 * to each target.
 * numasim.debug_skip_flush (DEBUG_SKIP_FLUSH_UNMAP) omits the flush and
 * nothing else: the entries it would drop stay, marked `skipped` (tlb.h),
 * and the CPUs holding them are marked stale, so the oracle can show what
 * the missing flush breaks.
 */
void flush_tlb_mm_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge);

/* The flush after change_prot_numa() (change_protection()'s
 * flush_tlb_range()) made [start, end) of @mm protnone: flush_tlb_mm_range(),
 * omitted under DEBUG_SKIP_FLUSH_PROT_NUMA instead. */
void flush_tlb_prot_numa(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			 uint64_t end);

/* @c no longer holds an entry a skipped flush left: it is not stale for
 * that reason any more (its accesses need no check, bulk sweeps resume). */
void tlb_settle_skipped(struct sim *s, struct cpu *c);

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
