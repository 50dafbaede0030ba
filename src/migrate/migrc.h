/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/migrc.h - deferred TLB flushes at migration: migrc ("Migration
 * Read Copy") and its successor LUF ("Lazy Unmap Flush"), Byungchul Park's
 * series (2023-2025, not merged; reference §3, docs/migrc.md).
 *
 * Migrating a folio whose every present mapping is read-only and clean needs
 * no shootdown as long as the source frame is not reused: a stale
 * translation reads the same data. So migrate_pages() records the flush the
 * batch needed (the CPUs that may cache the address spaces, and a
 * generation) instead of sending it, and keeps the sources, marked
 * PG_pending_free. A request is settled when each of its CPUs has fully
 * flushed those address spaces since its generation (an ordinary flush,
 * a switch_mm flush, an ASID reuse), or by a forced flush:
 *   migrc (numasim.migrc=1): a write fault or hint fault that makes a
 *     folio whose source is pending writable; an mprotect that makes a
 *     mapping writable; the allocation slow path (memory pressure), which
 *     also stops new deferrals while it runs;
 *   LUF (numasim.migrc=luf): any fault in a writable VMA or any write fault;
 *     the end of every mprotect and munmap; a context switch into an address
 *     space with a pending flush (a local flush); the allocator, before it
 *     would hand out pending pages; memory pressure as above.
 * Settled sources go back to the buddy allocator. Until then they count as
 * free in the watermark checks (migrc_pending_nr).
 *
 * Generations are 32-bit, skip 0 and compare by signed difference, so they
 * survive wraparound (LUF's ugen_before()).
 *
 * Invariants (migrc_check()):
 *   every pending source has PG_head and PG_pending_free, refcount 0, no
 *   mapping, and is on exactly one request's list;
 *   pm.node[n].nr_pending == pages of pending sources on node n;
 *   a CPU has TLB_STALE_DEFERRED only while requests are pending, and every
 *   CPU of a pending request's mask has it.
 */
#ifndef NUMASIM_MIGRATE_MIGRC_H
#define NUMASIM_MIGRATE_MIGRC_H

#include "core/compiler.h"
#include "mem/mm.h"
#include "migrate/migrate.h"

struct sim;
struct cpu;
struct folio;
struct tlb_ctx;
struct vm_area_struct;

#define MIGRC_REQ_MMS 8		/* address spaces one request can name */

/* One deferred flush: what a migration batch would have sent. */
struct migrc_req {
	cpumask_t mask;		/* CPUs that may still cache stale translations */
	uint32_t gen;		/* generation taken when it was deferred */
	uint32_t mm_ids[MIGRC_REQ_MMS];
	uint32_t nr_mms;
	uint32_t head;		/* first pending source pfn, linked by folio->index */
	uint64_t nr_pages;
	bool settled;		/* flushed: its sources are about to be freed */
};

struct migrc_state {
	struct migrc_req *req;	/* oldest first */
	uint32_t nr, cap;
	uint32_t gen;		/* the next request's generation; never 0 */
	uint32_t paused;	/* migrc_pause_cnt: the allocation slow path runs */
	bool flushed;		/* a CPU fully flushed since the last migrc_retire() */
	uint64_t pending_pages, peak_pending_pages;
};

/* The first generation (LUF_UGEN_INIT). */
#define MIGRC_GEN_INIT 2u

/* Is generation @a later than @b? Correct across wraparound while the two are
 * less than 2^31 apart. */
static inline bool migrc_gen_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline uint32_t migrc_gen_next(uint32_t g)
{
	return g + 1 ? g + 1 : 1;	/* 0 is never a generation */
}

void migrc_init(struct sim *s);
void migrc_destroy(struct sim *s);

/*
 * migrc_may_defer - may migrate_pages() defer the flush for @f, migrated for
 * @reason? migrc or LUF is on, not paused, the reason is NUMA balancing or
 * demotion, and for LUF the folio is small (LUF v12 excludes large folios).
 * The caller also checks that every present mapping is read-only and clean.
 */
bool migrc_may_defer(const struct sim *s, const struct folio *f, enum migrate_reason reason);

/*
 * migrc_defer - record a deferred flush for the sources @srcs[0..nr), moved
 * by @cpu out of the address spaces @mm_ids[0..nr_mms): they stay allocated,
 * PG_pending_free, until the flush happened. Each destination gets
 * PG_migrc_dst.
 */
void migrc_defer(struct sim *s, struct cpu *cpu, const uint32_t *mm_ids, uint32_t nr_mms,
		 struct folio *const *srcs, struct folio *const *dsts, uint32_t nr);

/* A full flush of @ctx's address space happened on its CPU (tlbflush.c). */
void migrc_ctx_flushed(struct sim *s, struct tlb_ctx *ctx);

/* Settle the requests whose CPUs have all flushed since; free their sources. */
void migrc_retire(struct sim *s);

/* Forced flush points. Each does nothing when nothing is pending. */
enum migrc_force { MIGRC_FORCE_WRITE, MIGRC_FORCE_MPROTECT, MIGRC_FORCE_PRESSURE,
		   MIGRC_FORCE_ALLOC, MIGRC_FORCE_SWITCH };

/* Flush every pending request now, on behalf of @cpu; free every source. */
void migrc_flush_all(struct sim *s, struct cpu *cpu, enum migrc_force why);

/* Before @f's mapping in @mm becomes writable (wp_page_reuse, a writable
 * hint-fault restore): migrc flushes if @f's source is pending. */
void migrc_make_writable(struct sim *s, struct cpu *cpu, const struct mm_struct *mm,
			 struct folio *f);
/* handle_mm_fault(): LUF flushes at any fault in a writable VMA or any write. */
void luf_fault(struct sim *s, struct cpu *cpu, const struct vm_area_struct *vma, bool write);
/* sys_mprotect(): migrc flushes when @mm gains write permission; LUF at the
 * end of every mprotect (tlb_end_vma). */
void migrc_mprotect(struct sim *s, struct cpu *cpu, const struct mm_struct *mm, bool writable);
/* sys_munmap(): LUF flushes at its end (tlb_end_vma). */
void luf_munmap(struct sim *s, struct cpu *cpu);
/* switch_mm_irqs_off(): LUF flushes @mm on @cpu if a pending request names both. */
void luf_switch_mm(struct sim *s, struct cpu *cpu, const struct mm_struct *mm);
/* __alloc_pages_slowpath(): stop deferring and flush everything pending
 * (migrc_pause() and migrc_flush_free_folios()); migrc_resume() at its end. */
void migrc_pause(struct sim *s, struct cpu *cpu);
void migrc_resume(struct sim *s);

/* Validator (SIM_DEBUG_VM >= 2): the invariants above. */
void migrc_check(struct sim *s);

#endif
