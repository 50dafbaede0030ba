// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate/migrc.c - deferred TLB flushes at migration (migrc and LUF).
 * Models:     Byungchul Park's migrc v8 (2024-02) and LUF RFC v12 (2025-02),
 *             not merged: the read-only batch (tlb_ubc_ro), migrc requests
 *             with their CPU masks, migrc_flush_free_folios(), the pause in
 *             __alloc_pages_slowpath(), migrc_pending_nr in the watermark
 *             checks; LUF's generations (luf_ugen, ugen_before()), the
 *             per-CPU done generation that drops CPUs from requests
 *             (arch_tlbbatch_diet), luf_flush() at faults, tlb_end_vma()
 *             and finish_task_switch(), and the allocator's flush before it
 *             hands out a page with a pending flush.
 * SIMPLIFIED: a CPU's done generation is kept per ASID context (a full
 *             flush of one address space, or the context's reuse, settles
 *             that address space only); requests are per migration batch,
 *             not folded per node (migrc) or hashed by luf_key (LUF); LUF's
 *             pending pages stay off the buddy lists until flushed instead
 *             of on a separate pend_list, and the allocator flushes every
 *             request holding pages of the node, not per zone; a forced
 *             flush empties each target's whole TLB.
 */
#include <stdlib.h>

#include "core/array.h"
#include "core/bitmap.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "migrate/migrc.h"
#include "sim.h"

static enum migrc_mode mode(const struct sim *s)
{
	return (enum migrc_mode)s->tun.v[T_MIGRC];
}

/* Forced flush points, counted apart in vmstat. */
enum migrc_force { MIGRC_FORCE_WRITE, MIGRC_FORCE_MPROTECT, MIGRC_FORCE_PRESSURE,
		   MIGRC_FORCE_ALLOC, MIGRC_FORCE_SWITCH };

/* Flush every pending request now, on behalf of @cpu; free every source. */
static void migrc_flush_all(struct sim *s, struct cpu *cpu, enum migrc_force why);

/* LUF: the allocator's hook (phys_mem.flush_pending). */
static void luf_alloc_flush(void *arg, uint32_t nid)
{
	struct sim *s = arg;
	(void)nid;	/* SIMPLIFIED: every request, not only those holding @nid's pages */
	struct cpu *cpu = s->migrc_alloc_cpu ? s->migrc_alloc_cpu : &s->cpus[0];
	migrc_flush_all(s, cpu, MIGRC_FORCE_ALLOC);
}

static void migrc_destroy(struct sim *s)
{
	free(s->migrc.req);
	s->migrc.req = NULL;
	s->migrc.nr = s->migrc.cap = 0;
}

/* Not while the allocation slow path runs; only NUMA balancing and demotion. */
static bool migrc_may_defer(const struct sim *s, const struct folio *f, enum migrate_reason reason)
{
	(void)f;
	if (s->migrc.paused)
		return false;
	return reason == MR_NUMA_MISPLACED || reason == MR_DEMOTION;
}

/* LUF v12 also excludes large folios. */
static bool luf_may_defer(const struct sim *s, const struct folio *f, enum migrate_reason reason)
{
	return migrc_may_defer(s, f, reason) && !folio_test_large(f);
}

/* No request is left: no CPU can hold a translation to a pending source. */
static void clear_deferred(struct sim *s)
{
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		struct cpu *c = &s->cpus[i];
		if (!(c->tlb_maybe_stale & TLB_STALE_DEFERRED))
			continue;
		c->tlb_maybe_stale &= (uint8_t)~TLB_STALE_DEFERRED;
		if (!c->tlb_maybe_stale)
			s->nr_stale_cpus--;
	}
}

static struct migrc_req *req_new(struct sim *s)
{
	struct migrc_state *m = &s->migrc;
	ARRAY_GROW(m->req, m->cap, m->nr, 64);
	struct migrc_req *r = &m->req[m->nr++];
	*r = (struct migrc_req){ .gen = m->gen, .head = PFN_NIL };
	m->gen = migrc_gen_next(m->gen);
	return r;
}

static void migrc_defer(struct sim *s, struct cpu *cpu, const uint32_t *mm_ids, uint32_t nr_mms,
		 struct folio *const *srcs, struct folio *const *dsts, uint32_t nr)
{
	VM_BUG_ON(nr_mms == 0 || nr_mms > MIGRC_REQ_MMS);
	(void)cpu;
	struct migrc_req *r = req_new(s);
	for (uint32_t i = 0; i < nr_mms; i++) {
		const struct mm_struct *mm = s->mms[mm_ids[i]];
		r->mm_ids[i] = mm_ids[i];
		cpumask_or(&r->mask, &r->mask, &mm->cpumask);	/* arch_tlbbatch_add_pending() */
	}
	r->nr_mms = nr_mms;
	for (uint32_t i = 0; i < nr; i++) {
		struct folio *f = srcs[i];
		uint64_t pages = folio_nr_pages(f);
		folio_clear(f, PG_anon);
		folio_set(f, PG_pending_free);
		f->anon_vma = 0;
		f->index = r->head;
		r->head = (uint32_t)folio_pfn(&s->pm, f);
		r->nr_pages += pages;
		s->pm.node[folio_nid(f)].nr_pending += pages;
		folio_set(dsts[i], PG_migrc_dst);
	}
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (cpumask_test(&r->mask, c))
			tlb_mark_stale(s, &s->cpus[c], TLB_STALE_DEFERRED);
	s->migrc.pending_pages += r->nr_pages;
	s->migrc.peak_pending_pages = MAX(s->migrc.peak_pending_pages, s->migrc.pending_pages);
	count_vm_event(&s->vs, SIM_MIGRC_DEFERRED);
	count_vm_events(&s->vs, SIM_MIGRC_DEFERRED_PAGES, r->nr_pages);
}

static void migrc_ctx_flushed(struct sim *s, struct tlb_ctx *ctx)
{
	ctx->flush_gen = s->migrc.gen;
	s->migrc.flushed = true;
}

/* Has @c flushed every address space of @r since @r was deferred? */
static bool cpu_done(struct cpu *c, const struct migrc_req *r)
{
	for (uint32_t i = 0; i < r->nr_mms; i++) {
		const struct tlb_ctx *ctx = cpu_tlb_ctx(c, r->mm_ids[i]);
		if (ctx && !migrc_gen_after(ctx->flush_gen, r->gen))
			return false;
	}
	return true;
}

/* Drop the CPUs that have flushed since (arch_tlbbatch_diet()); return
 * whether any CPU is left. */
static bool req_diet(struct sim *s, struct migrc_req *r)
{
	bool left = false;
	for (uint32_t w = 0; w < MAX_CPUS / 64; w++) {
		uint64_t bits = r->mask.bits[w];
		while (bits) {
			uint32_t c = w * 64 + (uint32_t)__builtin_ctzll(bits);
			bits &= bits - 1;
			if (cpu_done(&s->cpus[c], r))
				cpumask_clear(&r->mask, c);
			else
				left = true;
		}
	}
	return left;
}

/* The flush happened: the sources go back to the allocator. */
static void req_free_sources(struct sim *s, struct migrc_req *r)
{
	for (uint32_t pfn = r->head; pfn != PFN_NIL;) {
		struct folio *f = pfn_folio(&s->pm, pfn);
		uint32_t next = f->index;
		uint64_t pages = folio_nr_pages(f);
		VM_BUG_ON(!folio_test(f, PG_pending_free));
		folio_clear(f, PG_pending_free);
		s->pm.node[folio_nid(f)].nr_pending -= pages;
		count_vm_events(&s->vs, PGFREE, pages);
		free_folio_pages(&s->pm, pfn);
		pfn = next;
	}
	s->migrc.pending_pages -= r->nr_pages;
}

/* Free the sources of the settled requests and drop those, keeping order. */
static void compact(struct sim *s)
{
	struct migrc_state *m = &s->migrc;
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->nr; i++) {
		if (!m->req[i].settled)
			m->req[n++] = m->req[i];
		else
			req_free_sources(s, &m->req[i]);
	}
	m->nr = n;
	if (!n)
		clear_deferred(s);
}

static void migrc_retire(struct sim *s)
{
	struct migrc_state *m = &s->migrc;
	if (!m->flushed || !m->nr)
		return;
	m->flushed = false;
	uint32_t settled = 0;
	for (uint32_t i = 0; i < m->nr; i++) {
		m->req[i].settled = !req_diet(s, &m->req[i]);
		settled += m->req[i].settled;
	}
	if (!settled)
		return;
	count_vm_events(&s->vs, SIM_MIGRC_RETIRED, settled);
	compact(s);
}

static const enum vm_event_item force_event[] = {
	[MIGRC_FORCE_WRITE] = SIM_MIGRC_FORCED_WRITE,
	[MIGRC_FORCE_MPROTECT] = SIM_MIGRC_FORCED_MPROTECT,
	[MIGRC_FORCE_PRESSURE] = SIM_MIGRC_FORCED_PRESSURE,
	[MIGRC_FORCE_ALLOC] = SIM_MIGRC_FORCED_ALLOC,
	[MIGRC_FORCE_SWITCH] = SIM_MIGRC_FORCED_SWITCH,
};

static void migrc_flush_all(struct sim *s, struct cpu *cpu, enum migrc_force why)
{
	struct migrc_state *m = &s->migrc;
	if (!m->nr)
		return;
	cpumask_t mask = { { 0 } };
	for (uint32_t i = 0; i < m->nr; i++) {
		req_diet(s, &m->req[i]);
		cpumask_or(&mask, &mask, &m->req[i].mask);
	}
	flush_tlb_deferred(s, cpu, &mask);	/* migrc_flush_free_folios() */
	count_vm_event(&s->vs, force_event[why]);
	for (uint32_t i = 0; i < m->nr; i++)
		m->req[i].settled = true;
	compact(s);
}

/* Does a pending request name @mm? */
static bool pending_for(const struct sim *s, uint32_t mm_id)
{
	for (uint32_t i = 0; i < s->migrc.nr; i++)
		for (uint32_t j = 0; j < s->migrc.req[i].nr_mms; j++)
			if (s->migrc.req[i].mm_ids[j] == mm_id)
				return true;
	return false;
}

static void migrc_make_writable(struct sim *s, struct cpu *cpu, const struct mm_struct *mm,
			 struct folio *f)
{
	if (!folio_test(f, PG_migrc_dst))
		return;
	folio_clear(f, PG_migrc_dst);
	if (s->tun.v[T_DEBUG_MIGRC_SKIP_WRITE_FLUSH])
		return;
	if (pending_for(s, mm->id))
		migrc_flush_all(s, cpu, MIGRC_FORCE_WRITE);
}

/* LUF flushes at the fault instead (luf_fault); the mark only goes. */
static void luf_make_writable(struct sim *s, struct cpu *cpu, const struct mm_struct *mm,
			      struct folio *f)
{
	(void)s, (void)cpu, (void)mm;
	folio_clear(f, PG_migrc_dst);
}

static void luf_fault(struct sim *s, struct cpu *cpu, const struct vm_area_struct *vma, bool write)
{
	if (!s->migrc.nr || s->tun.v[T_DEBUG_MIGRC_SKIP_WRITE_FLUSH])
		return;
	if (write || (vma->vm_flags & VM_WRITE))	/* luf_flush(0) in handle_mm_fault() */
		migrc_flush_all(s, cpu, MIGRC_FORCE_WRITE);
}

/* migrc: only an mprotect that grants write to an address space with a
 * pending flush forces it. */
static void migrc_mprotect(struct sim *s, struct cpu *cpu, const struct mm_struct *mm, bool writable)
{
	if (writable && s->migrc.nr && pending_for(s, mm->id))
		migrc_flush_all(s, cpu, MIGRC_FORCE_MPROTECT);
}

/* LUF: the end of every mprotect and munmap (tlb_end_vma()). */
static void luf_mprotect(struct sim *s, struct cpu *cpu, const struct mm_struct *mm, bool writable)
{
	(void)mm, (void)writable;
	migrc_flush_all(s, cpu, MIGRC_FORCE_MPROTECT);
}

static void luf_munmap(struct sim *s, struct cpu *cpu)
{
	migrc_flush_all(s, cpu, MIGRC_FORCE_MPROTECT);
}

static void luf_switch_mm(struct sim *s, struct cpu *cpu, const struct mm_struct *mm)
{
	if (!s->migrc.nr || !(cpu->tlb_maybe_stale & TLB_STALE_DEFERRED))
		return;
	for (uint32_t i = 0; i < s->migrc.nr; i++) {
		struct migrc_req *r = &s->migrc.req[i];
		if (!cpumask_test(&r->mask, cpu->id) || cpu_done(cpu, r))
			continue;
		for (uint32_t j = 0; j < r->nr_mms; j++) {
			if (r->mm_ids[j] != mm->id)
				continue;
			flush_tlb_local_mm(s, cpu, mm);
			count_vm_event(&s->vs, SIM_MIGRC_FORCED_SWITCH);
			return;
		}
	}
}

static void migrc_pause(struct sim *s, struct cpu *cpu)
{
	s->migrc.paused++;
	migrc_flush_all(s, cpu, MIGRC_FORCE_PRESSURE);
}

static void migrc_resume(struct sim *s)
{
	VM_BUG_ON(!s->migrc.paused);
	s->migrc.paused--;
}

static void migrc_check(struct sim *s)
{
	uint64_t per_node[MAX_NUMNODES] = { 0 }, total = 0;
	for (uint32_t i = 0; i < s->migrc.nr; i++) {
		const struct migrc_req *r = &s->migrc.req[i];
		uint64_t pages = 0;
		for (uint32_t pfn = r->head; pfn != PFN_NIL;) {
			const struct folio *f = pfn_folio(&s->pm, pfn);
			VM_BUG_ON(!folio_test(f, PG_head) || !folio_test(f, PG_pending_free));
			VM_BUG_ON(f->refcount != 0 || folio_mapcount(f) != 0);
			per_node[folio_nid(f)] += folio_nr_pages(f);
			pages += folio_nr_pages(f);
			pfn = f->index;
		}
		VM_BUG_ON(pages != r->nr_pages);
		total += pages;
		for (uint32_t c = 0; c < s->m.nr_cpus; c++)
			VM_BUG_ON(cpumask_test(&r->mask, c) &&
				  !(s->cpus[c].tlb_maybe_stale & TLB_STALE_DEFERRED));
	}
	VM_BUG_ON(total != s->migrc.pending_pages);
	for (uint32_t n = 0; n < s->pm.nr_nodes; n++)
		VM_BUG_ON(per_node[n] != s->pm.node[n].nr_pending);
	if (!s->migrc.nr)
		for (uint32_t c = 0; c < s->m.nr_cpus; c++)
			VM_BUG_ON(s->cpus[c].tlb_maybe_stale & TLB_STALE_DEFERRED);
}

static const struct tlb_defer_ops migrc_ops = {
	.name = "migrc",
	.may_defer = migrc_may_defer,
	.defer = migrc_defer,
	.ctx_flushed = migrc_ctx_flushed,
	.retire = migrc_retire,
	.make_writable = migrc_make_writable,
	.mprotect = migrc_mprotect,
	.alloc_pressure = migrc_pause,
	.alloc_pressure_end = migrc_resume,
	.check = migrc_check,
	.destroy = migrc_destroy,
};

static const struct tlb_defer_ops luf_ops = {
	.name = "luf",
	.may_defer = luf_may_defer,
	.defer = migrc_defer,
	.ctx_flushed = migrc_ctx_flushed,
	.retire = migrc_retire,
	.fault = luf_fault,
	.make_writable = luf_make_writable,
	.mprotect = luf_mprotect,
	.munmap = luf_munmap,
	.switch_mm = luf_switch_mm,
	.alloc_pressure = migrc_pause,
	.alloc_pressure_end = migrc_resume,
	.check = migrc_check,
	.destroy = migrc_destroy,
};

void migrc_init(struct sim *s)
{
	s->migrc.gen = MIGRC_GEN_INIT;
	switch (mode(s)) {
	case MIGRC_OFF:
		s->tlb_defer = NULL;
		break;
	case MIGRC_ON:
		s->tlb_defer = &migrc_ops;
		break;
	case MIGRC_LUF:
		s->tlb_defer = &luf_ops;
		s->pm.flush_pending = luf_alloc_flush;
		s->pm.flush_pending_arg = s;
		break;
	}
}
