/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/tlb_defer.h - the seam for deferred TLB flushes at migration.
 *
 * A scheme that lets migrate_pages() skip the shootdown for read-only clean
 * folios (migrc and LUF, Byungchul Park's unmerged series; migrate/migrc.c,
 * docs/migrc.md) must learn of every event that can settle or force its
 * pending flushes: faults, a mapping made writable, mprotect, munmap,
 * context switches, full flushes, allocation pressure. It registers one
 * table of hooks at sim_create (s->tlb_defer); the TLB code, the fault
 * handlers, the page-table calls and the allocator call the inline wrappers
 * below and never name the scheme.
 *
 * With numasim.migrc=0 no table is registered (s->tlb_defer == NULL) and
 * every wrapper is a single predicted-not-taken branch. A hook a scheme
 * does not need is NULL.
 *
 * The kernel has no such table: the series adds direct calls at each of
 * these places; the comments name them.
 */
#ifndef NUMASIM_CPU_TLB_DEFER_H
#define NUMASIM_CPU_TLB_DEFER_H

#include "core/compiler.h"
#include "migrate/migrate.h"
#include "sim.h"

struct cpu;
struct folio;
struct mm_struct;
struct tlb_ctx;
struct vm_area_struct;

struct tlb_defer_ops {
	const char *name;
	/* migrate_pages(): may the flush for @f, migrated for @reason, be
	 * deferred? The caller has checked that every present mapping is
	 * read-only and clean (migrc's tlb_ubc_ro batch). */
	bool (*may_defer)(const struct sim *s, const struct folio *f, enum migrate_reason reason);
	/* migrate_pages_batch() end: record the flush the batch needed for the
	 * sources @srcs[0..nr) (moved to @dsts) out of @mm_ids[0..nr_mms)
	 * instead of sending it (migrc's request with its CPU mask from
	 * arch_tlbbatch_add_pending(), LUF's luf_ugen generation). */
	void (*defer)(struct sim *s, struct cpu *cpu, const uint32_t *mm_ids, uint32_t nr_mms,
		      struct folio *const *srcs, struct folio *const *dsts, uint32_t nr);
	/* A full flush of @ctx's address space happened on its CPU
	 * (flush_tlb_func(), a new ASID, arch_tlbbatch_flush()). */
	void (*ctx_flushed)(struct sim *s, struct tlb_ctx *ctx);
	/* Settle what the flushes since have covered and free those sources
	 * (LUF's arch_tlbbatch_diet()). */
	void (*retire)(struct sim *s);
	/* handle_mm_fault() (LUF's luf_flush(0) there). */
	void (*fault)(struct sim *s, struct cpu *cpu, const struct vm_area_struct *vma, bool write);
	/* Before @f's mapping in @mm becomes writable: wp_page_reuse(),
	 * do_huge_pmd_wp_page(), a writable hint-fault restore: migrc
	 * flushes if the folio's source is pending (its PG_migrc mark). */
	void (*make_writable)(struct sim *s, struct cpu *cpu, const struct mm_struct *mm,
			      struct folio *f);
	/* The end of sys_mprotect() on @mm; @writable: it grants write. */
	void (*mprotect)(struct sim *s, struct cpu *cpu, const struct mm_struct *mm, bool writable);
	/* The end of sys_munmap() (LUF's flush in tlb_end_vma()). */
	void (*munmap)(struct sim *s, struct cpu *cpu);
	/* switch_mm_irqs_off() loaded @mm on @cpu (LUF in finish_task_switch()). */
	void (*switch_mm)(struct sim *s, struct cpu *cpu, const struct mm_struct *mm);
	/* __alloc_pages_slowpath() begins: flush everything pending and defer
	 * nothing new until alloc_pressure_end (migrc_pause() and
	 * migrc_flush_free_folios(); migrc_resume()). Calls nest. */
	void (*alloc_pressure)(struct sim *s, struct cpu *cpu);
	void (*alloc_pressure_end)(struct sim *s);
	/* Validator (SIM_DEBUG_VM >= 2): the scheme's invariants. */
	void (*check)(struct sim *s);
	/* sim_destroy(): free the scheme's state. */
	void (*destroy)(struct sim *s);
};

/* The registered table, or NULL when no scheme runs. */
static inline const struct tlb_defer_ops *tlb_defer(const struct sim *s)
{
	return s->tlb_defer;
}

static inline bool tlb_defer_may(const struct sim *s, const struct folio *f,
				 enum migrate_reason reason)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	return unlikely(o != NULL) && o->may_defer(s, f, reason);
}

static inline void tlb_defer_batch(struct sim *s, struct cpu *cpu, const uint32_t *mm_ids,
				   uint32_t nr_mms, struct folio *const *srcs,
				   struct folio *const *dsts, uint32_t nr)
{
	/* only reached after tlb_defer_may() said yes, so a table exists */
	s->tlb_defer->defer(s, cpu, mm_ids, nr_mms, srcs, dsts, nr);
}

static inline void tlb_defer_ctx_flushed(struct sim *s, struct tlb_ctx *ctx)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL))
		o->ctx_flushed(s, ctx);
}

static inline void tlb_defer_retire(struct sim *s)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL))
		o->retire(s);
}

static inline void tlb_defer_fault(struct sim *s, struct cpu *cpu,
				   const struct vm_area_struct *vma, bool write)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL) && o->fault)
		o->fault(s, cpu, vma, write);
}

static inline void tlb_defer_make_writable(struct sim *s, struct cpu *cpu,
					   const struct mm_struct *mm, struct folio *f)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL) && o->make_writable)
		o->make_writable(s, cpu, mm, f);
}

static inline void tlb_defer_mprotect(struct sim *s, struct cpu *cpu, const struct mm_struct *mm,
				      bool writable)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL) && o->mprotect)
		o->mprotect(s, cpu, mm, writable);
}

static inline void tlb_defer_munmap(struct sim *s, struct cpu *cpu)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL) && o->munmap)
		o->munmap(s, cpu);
}

static inline void tlb_defer_switch_mm(struct sim *s, struct cpu *cpu, const struct mm_struct *mm)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL) && o->switch_mm)
		o->switch_mm(s, cpu, mm);
}

static inline void tlb_defer_alloc_pressure(struct sim *s, struct cpu *cpu)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL))
		o->alloc_pressure(s, cpu);
}

static inline void tlb_defer_alloc_pressure_end(struct sim *s)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (unlikely(o != NULL))
		o->alloc_pressure_end(s);
}

static inline void tlb_defer_check(struct sim *s)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (o != NULL)
		o->check(s);
}

/* sim_destroy(): free the scheme's state; the table stays registered so
 * that a report written afterwards still sees which scheme ran. */
static inline void tlb_defer_destroy(struct sim *s)
{
	const struct tlb_defer_ops *o = s->tlb_defer;
	if (o != NULL)
		o->destroy(s);
}

#endif
