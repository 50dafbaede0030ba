// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/access.c - executing memory accesses: the MMU (TLB lookup, page-table
 * walk setting the accessed and dirty bits, fault on an unusable entry), the
 * oracle's check of every access a possibly stale TLB entry serves, and the
 * sweep, random-access, table-lookup, Zipf and pointer-chase executors.
 *
 * The hot path: a sequential sweep over a 2 MiB region whose PTE table is
 * entirely usable (the table summary says so in O(1)) is charged in bulk: one
 * step per region, bytes per node from the summary, TLB misses counted
 * without walking. This is exact for placement and cost; TLB contents after a
 * bulk step hold only the step's last pages (APPROX), which changes nothing
 * for sweeps larger than the TLB's reach, the only ones taken in bulk.
 * Bulk steps are taken only while the sweeping CPU holds no stale
 * translation (bulk_ok()), so the oracle sees every access that matters.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/access.h"
#include "cpu/cost_inline.h"
#include "cpu/tlbflush.h"
#include "fault/fault.h"
#include "sim.h"

#define BULK_TLB_KEEP 8		/* pages of a bulk step left in the TLB */

struct xlate {
	uint64_t pfn;		/* frame of the 4 KiB page accessed */
	uint32_t nid;
	bool huge;
	bool writable;		/* walk(): the entry is writable and dirty */
};

/* What the page table maps at @addr now (PFN_NONE if nothing), whether that
 * entry allows writing, and whether it is a NUMA hinting (protnone) entry. */
static uint64_t live_pfn(struct mm_struct *mm, uint64_t addr, bool *writable, bool *protnone)
{
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
	*writable = false;
	*protnone = false;
	if (!slot)
		return PFN_NONE;
	if (slot->pmd.val) {
		*writable = pmd_write(slot->pmd);
		*protnone = pmd_protnone(slot->pmd);
		return pmd_present(slot->pmd) ? pmd_pfn(slot->pmd) + pte_index(addr) : PFN_NONE;
	}
	if (!slot->pt)
		return PFN_NONE;
	pte_t p = slot->pt->pte[pte_index(addr)];
	*writable = pte_write(p);
	*protnone = pte_protnone(p);
	return pte_present(p) ? pte_pfn(p) : PFN_NONE;
}

/*
 * Does frame @used hold what the live frame @live holds? Its folio is still
 * in use, at the same version of the same page: an old copy of unchanged
 * data. A frame freed and reused for another page is not, whatever its
 * version. A source migrc/LUF keeps pending a flush keeps its copy (its
 * rmap fields hold the request's list instead).
 */
static bool same_data(struct sim *s, uint64_t used, uint64_t live)
{
	const struct folio *a = page_folio(&s->pm, used), *b = page_folio(&s->pm, live);
	if (!folio_test(a, PG_head) || a->version != b->version)
		return false;
	if (folio_test(a, PG_pending_free))
		return true;
	return a->anon_vma == b->anon_vma &&
	       a->index + (used - folio_pfn(&s->pm, a)) == b->index + (live - folio_pfn(&s->pm, b));
}

/*
 * The oracle (DESIGN §5): an access served by a TLB entry whose frame is no
 * longer the one the page table maps is stale. A stale write is lost; a stale
 * read is wrong when the copy read differs from the live data (or there is no
 * live data any more). A write through an entry that is no longer writable is
 * stale too: it lands in a frame the page table now write-protects (shared
 * after fork, or read-only after mprotect), where no later write should reach.
 * A write through an entry of a page now protnone (the NUMA scanner's flush
 * was omitted: a hint fault missed) is stale but still reaches the live
 * frame, so it is not lost; it is once the page has moved.
 */
static void oracle_check(struct sim *s, struct mm_struct *mm, uint64_t addr, uint64_t used,
			 bool write)
{
	bool live_writable, protnone;
	uint64_t live = live_pfn(mm, addr, &live_writable, &protnone);
	if (live == used && (!write || live_writable))
		return;
	s->oracle.stale_accesses++;
	if (write) {
		s->oracle.lost_writes += !(live == used && protnone);
		return;
	}
	if (live == PFN_NONE || !same_data(s, used, live))
		s->oracle.stale_reads++;
}

/*
 * The load half of a read-modify-write went through @used, a read-only TLB
 * entry, before the store faulted and walked. If the load was stale, the
 * store writes back a value computed from the old copy: every write the load
 * missed is lost.
 */
static void oracle_check_rmw(struct sim *s, struct mm_struct *mm, uint64_t addr, uint64_t used)
{
	uint64_t stale_reads = s->oracle.stale_reads;
	oracle_check(s, mm, addr, used, false);
	if (s->oracle.stale_reads != stale_reads)
		s->oracle.lost_writes++;
}

/* The hardware walker: use the entry if it allows the access, setting A/D
 * (set_pte_at()/set_pmd_at() change nothing else a TLB entry caches). */
static bool walk(struct sim *s, struct mm_struct *mm, uint64_t addr, bool write, struct xlate *x)
{
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
	if (!slot)
		return false;
	const uint64_t ad = _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
	if (slot->pmd.val) {
		pmd_t p = slot->pmd;
		if (!pmd_valid(p) || (write && !pmd_write(p)))
			return false;
		if ((p.val | ad) != p.val)
			set_pmd_at(s, mm, slot, (pmd_t){ p.val | ad });
		x->pfn = pmd_pfn(p) + pte_index(addr);
		x->nid = pmd_nid(p);
		x->huge = true;
		x->writable = pmd_write(p) && ((p.val | ad) & _PAGE_DIRTY);
	} else {
		if (!slot->pt)
			return false;
		uint32_t i = pte_index(addr);
		pte_t p = slot->pt->pte[i];
		if (!pte_valid(p) || (write && !pte_write(p)))
			return false;
		if ((p.val | ad) != p.val)
			set_pte_at(s, mm, slot->pt, i, (pte_t){ p.val | ad });
		x->pfn = pte_pfn(p);
		x->nid = pte_nid(p);
		x->huge = false;
		x->writable = pte_write(p) && ((p.val | ad) & _PAGE_DIRTY);
	}
	return true;
}

static void fault_failed(struct sim *s, struct task *t, uint64_t addr, bool write,
			 enum fault_result r)
{
	if (r == FAULT_OOM)
		sim_fail(s, "out of memory: task %u (process %u) faulting at 0x%llx: no node can "
			    "supply a page (the workload needs more memory than the machine has)",
			 t->pid, t->proc, (unsigned long long)addr);
	else
		sim_fail(s, "segmentation fault: task %u (process %u) %s 0x%llx outside its "
			    "mappings or against their protection",
			 t->pid, t->proc, write ? "wrote" : "read", (unsigned long long)addr);
}

/* Translate @addr for one access (a read-modify-write if @rmw); return
 * false if the run failed. */
static bool translate(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr, bool write,
		      bool rmw, struct xlate *x)
{
	struct mm_struct *mm = t->mm;
	bool huge;
	count_vm_event(&s->vs, SIM_TRANSLATIONS);
	struct tlb_entry *e = tlb_lookup_fast(&cpu->tlb, mm->id, addr, &huge);
	if (e && (e->writable || !write)) {
		x->pfn = huge ? e->pfn + pte_index(addr) : e->pfn;
		x->nid = e->nid;
		x->huge = huge;
		if (unlikely(cpu->tlb_maybe_stale))
			oracle_check(s, mm, addr, x->pfn, write);
	} else {
		if (unlikely(e && rmw && cpu->tlb_maybe_stale))
			oracle_check_rmw(s, mm, addr, huge ? e->pfn + pte_index(addr) : e->pfn);
		count_vm_event(&s->vs, SIM_TLB_MISSES);
		cpu->now += s->m.walk_ns;
		int tries = 0;
		while (!walk(s, mm, addr, write, x)) {
			enum fault_result r = handle_mm_fault(s, cpu, t, addr, write);
			if (r != FAULT_OK) {
				fault_failed(s, t, addr, write, r);
				return false;
			}
			VM_BUG_ON(++tries > 3);
		}
		uint64_t key = x->huge ? tlb_key_huge(mm->id, addr) : tlb_key(mm->id, addr);
		uint64_t base = x->huge ? x->pfn - pte_index(addr) : x->pfn;
		/* the lookup missed both sizes and, without a fault, nothing
		 * touched the TLB since: the key is in none of its arrays */
		if (!e && !tries)
			tlb_insert_absent(&cpu->tlb, key, base, x->nid, x->writable, x->huge);
		else
			tlb_insert(&cpu->tlb, key, base, x->nid, x->writable, x->huge);
	}
	if (write) {
		/* a PMD mapping's base frame is its folio's head */
		struct folio *f = x->huge ? pfn_folio(&s->pm, x->pfn - pte_index(addr))
					  : page_folio(&s->pm, x->pfn);
		if (folio_test(f, PG_head))
			f->version++;
	}
	return true;
}

bool cpu_access_nid(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr,
		    enum cpu_access_kind kind, uint32_t *nid)
{
	struct xlate x = { 0 };
	bool ok = translate(s, cpu, t, addr, kind != ACCESS_LOAD, kind == ACCESS_RMW, &x);

	*nid = x.nid;
	return ok;
}

bool cpu_access(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr,
		enum cpu_access_kind kind)
{
	uint32_t nid;
	return cpu_access_nid(s, cpu, t, addr, kind, &nid);
}

/*
 * May @cpu take bulk steps, which do not look its TLB up page by page? Not
 * while it may hold a stale translation. With migrc/LUF on, not while any
 * CPU may (their rule since they came). Otherwise only @cpu's own TLB
 * matters: a CPU left with entries of a flush skipped under
 * numasim.debug_skip_flush sweeps page by page until those entries are gone,
 * and every other CPU runs as it would with the flush.
 */
static inline bool bulk_ok(struct sim *s, struct cpu *cpu)
{
	if (likely(s->nr_stale_cpus == 0))
		return true;
	tlb_settle_skipped(s, cpu);
	if (s->tlb_defer)
		return s->nr_stale_cpus == 0;
	return !cpu->tlb_maybe_stale;
}

/* ---- phases with a duration ---- */

/*
 * An access phase with duration_ns runs until the task's clock is that far
 * past the phase's start: true when it is; else clamp @deadline to then, so
 * that a step stops there (the access in progress is finished).
 */
static bool phase_time_up(const struct phase_cursor *c, const struct wl_phase *ph,
			  const struct cpu *cpu, uint64_t *deadline)
{
	if (!ph->duration_ns)
		return false;
	const uint64_t end = c->start_ns + ph->duration_ns;
	if (cpu->now >= end)
		return true;
	*deadline = MIN(*deadline, end);
	return false;
}

/* More accesses (or lookups) to make: a duration leaves it to phase_time_up(). */
static bool phase_more(const struct phase_cursor *c, const struct wl_phase *ph)
{
	return ph->duration_ns || c->done < ph->count;
}

/* ---- sweeps ---- */

struct sweep {
	struct sim *s;
	struct cpu *cpu;
	struct task *t;
	uint64_t addr, end;	/* this step: inside one PMD */
	bool write;
	enum mem_op op;		/* what a byte swept moves on the bus */
	bool big;		/* the pass is larger than the TLB's reach */
	uint64_t deadline;
};

/* Bytes of [addr, end) affordable before the deadline at @ns_per_byte. */
static uint64_t affordable(const struct sweep *sw, uint64_t bytes, double ns_per_byte)
{
	uint64_t now = sw->cpu->now;
	if (now >= sw->deadline)
		return PAGE_SIZE;
	double fit = (double)(sw->deadline - now) / ns_per_byte;
	if (fit >= (double)bytes)
		return bytes;
	return MAX(PAGE_SIZE, ALIGN_DOWN((uint64_t)fit, PAGE_SIZE));
}

static void charge_bytes(struct sweep *sw, uint32_t nid, uint64_t bytes)
{
	cpu_advance(sw->cpu, mem_stream_op_ns(sw->s, sw->cpu, nid, bytes, sw->op));
}

/* A usable PMD mapping: one translation, bytes to one node. */
static uint64_t sweep_huge(struct sweep *sw, struct pmd_slot *slot)
{
	struct sim *s = sw->s;
	struct cpu *cpu = sw->cpu;
	uint32_t mm_id = sw->t->mm->id;
	uint64_t pfn = pmd_pfn(slot->pmd);
	uint32_t nid = pmd_nid(slot->pmd);
	count_vm_event(&s->vs, SIM_TRANSLATIONS);
	if (!tlb_lookup_huge(&cpu->tlb, mm_id, sw->addr)) {
		count_vm_event(&s->vs, SIM_TLB_MISSES);
		cpu->now += s->m.walk_ns;
		tlb_insert(&cpu->tlb, tlb_key_huge(mm_id, sw->addr), pfn, nid,
			   pmd_write(slot->pmd) && pmd_dirty(slot->pmd), true);
	}
	double ns_per_byte = 1.0 / mem_stream_rate_op(s, cpu, nid, sw->op);
	uint64_t bytes = affordable(sw, sw->end - sw->addr, ns_per_byte);
	charge_bytes(sw, nid, bytes);
	return sw->addr + bytes;
}

/* Node of the first mapped page of @pt if all its pages are there, else -1. */
static int table_single_node(const struct sim *s, const struct pte_table *pt, uint32_t idx)
{
	(void)s;
	uint32_t nid = pte_nid(pt->pte[idx]);
	return pt->nr_node[nid] == PTRS_PER_PTE ? (int)nid : -1;
}

static void bulk_tlb(struct sweep *sw, struct pte_table *pt, uint32_t first, uint32_t n)
{
	struct sim *s = sw->s;
	struct cpu *cpu = sw->cpu;
	uint32_t mm_id = sw->t->mm->id;
	uint64_t base = ALIGN_DOWN(sw->addr, PMD_SIZE);
	struct phase_cursor *c = &sw->t->cur;
	if (!sw->big && c->warm && c->pass_cpu == cpu->id && cpu->tlb.l2_changes == c->warm_changes)
		return;	/* every page of this pass is still in L2: all hits */
	uint32_t from = sw->big ? first + n - MIN(n, BULK_TLB_KEEP) : first;
	uint64_t misses = sw->big ? n : 0;
	for (uint32_t i = from; i < first + n; i++) {
		bool huge;
		uint64_t va = base + ((uint64_t)i << PAGE_SHIFT);
		if (!sw->big && tlb_lookup(&cpu->tlb, mm_id, va, &huge))
			continue;
		misses += !sw->big;
		pte_t p = pt->pte[i];
		tlb_insert(&cpu->tlb, tlb_key(mm_id, va), pte_pfn(p), pte_nid(p),
			   pte_write(p) && pte_dirty(p), false);
	}
	count_vm_events(&s->vs, SIM_TLB_MISSES, misses);
	cpu->now += misses * s->m.walk_ns;
	c->pass_missed |= misses > 0;
}

/* A PTE table whose every entry allows the access: charge pages in bulk. */
static uint64_t sweep_bulk(struct sweep *sw, struct pte_table *pt)
{
	struct sim *s = sw->s;
	uint32_t first = pte_index(sw->addr);
	int single = table_single_node(s, pt, first);
	double ns_per_byte = 0;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (pt->nr_node[n])
			ns_per_byte += (double)pt->nr_node[n] / PTRS_PER_PTE /
				       mem_stream_rate_op(s, sw->cpu, n, sw->op);
	uint64_t bytes = affordable(sw, sw->end - sw->addr, ns_per_byte);
	uint32_t pages = (uint32_t)(bytes >> PAGE_SHIFT);
	bulk_tlb(sw, pt, first, pages);
	if (single >= 0) {
		charge_bytes(sw, (uint32_t)single, bytes);
	} else {
		/* APPROX: a step over part of a mixed table is charged by the
		 * table's node shares, not page by page */
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			if (pt->nr_node[n])
				charge_bytes(sw, n, bytes * pt->nr_node[n] / PTRS_PER_PTE);
	}
	count_vm_events(&s->vs, SIM_TRANSLATIONS, pages);
	count_vm_events(&s->vs, SIM_BULK_PAGES, pages);
	return sw->addr + bytes;
}

static bool pte_usable(pte_t p, bool write)
{
	return pte_valid(p) && pte_young(p) && (!write || (pte_write(p) && pte_dirty(p)));
}

#define RUN_MAX_PAGES 64

/*
 * A run of usable PTEs starting at @addr, charged as the bulk path charges a
 * whole table: a table that is only partly usable (protnone entries waiting
 * for their hint faults) costs per run, not per page. Return the address
 * after the run (@addr itself if its PTE is not usable).
 */
static uint64_t sweep_run(struct sweep *sw, struct pte_table *pt, uint64_t addr)
{
	uint32_t first = pte_index(addr), n = 0;
	uint32_t limit = MIN((uint32_t)((sw->end - addr) >> PAGE_SHIFT), RUN_MAX_PAGES);
	uint32_t per_node[MAX_NUMNODES] = { 0 };
	while (n < limit && pte_usable(pt->pte[first + n], sw->write))
		per_node[pte_nid(pt->pte[first + n++])]++;
	if (!n)
		return addr;
	bulk_tlb(sw, pt, first, n);
	for (uint32_t nid = 0; nid < sw->s->m.nr_nodes; nid++)
		if (per_node[nid])
			charge_bytes(sw, nid, (uint64_t)per_node[nid] << PAGE_SHIFT);
	count_vm_events(&sw->s->vs, SIM_TRANSLATIONS, n);
	count_vm_events(&sw->s->vs, SIM_BULK_PAGES, n);
	return addr + ((uint64_t)n << PAGE_SHIFT);
}

/* Page by page, faulting where needed; usable runs in bulk. */
static uint64_t sweep_pages(struct sweep *sw)
{
	uint64_t addr = sw->addr;
	while (addr < sw->end && sw->cpu->now < sw->deadline) {
		/* not a pure shortcut: a run may end past the deadline by up to
		 * RUN_MAX_PAGES pages, which shifts how CPUs interleave */
		if (bulk_ok(sw->s, sw->cpu) && IS_ALIGNED(addr, PAGE_SIZE)) {
			struct pmd_slot *slot = pmd_slot_lookup(&sw->t->mm->pgd, addr);
			uint64_t next = slot && slot->pt ? sweep_run(sw, slot->pt, addr) : addr;
			if (next != addr) {
				addr = next;
				continue;
			}
		}
		struct xlate x;
		if (!translate(sw->s, sw->cpu, sw->t, addr, sw->write, sw->op == MEM_RMW, &x))
			return sw->end;
		uint64_t next = x.huge ? sw->end : MIN(sw->end, ALIGN_DOWN(addr, PAGE_SIZE) + PAGE_SIZE);
		charge_bytes(sw, x.nid, next - addr);
		addr = next;
	}
	return addr;
}

static bool pmd_usable(pmd_t p, bool write)
{
	return pmd_valid(p) && (p.val & _PAGE_ACCESSED) && (!write || (pmd_write(p) && pmd_dirty(p)));
}

static bool table_usable(const struct pte_table *pt, bool write)
{
	return (write ? pt->nr_wd : pt->nr_valid) == PTRS_PER_PTE && pt->nr_young == PTRS_PER_PTE;
}

/*
 * A pass ended: it left the TLB warm if it ran on one CPU without a single
 * miss and that CPU's L2 did not change meanwhile; then the next pass will
 * hit everywhere until the L2 changes (bulk_tlb skips its lookups).
 */
static void sweep_pass_done(struct phase_cursor *c, const struct cpu *cpu)
{
	c->warm = !c->pass_missed && c->pass_cpu == cpu->id &&
		  cpu->tlb.l2_changes == c->pass_changes;
	c->warm_changes = c->pass_changes;
	c->pass_missed = false;
	c->pass_cpu = cpu->id;
	c->pass_changes = cpu->tlb.l2_changes;
}

/* Loads read each line; stores read it for ownership unless they stream. */
static enum mem_op sweep_op(const struct wl_phase *ph)
{
	if (ph->access == WL_READ)
		return MEM_READ;
	if (ph->access == WL_RW)
		return MEM_RMW;
	return ph->store == WL_STORE_NT ? MEM_WRITE_NT : MEM_WRITE_RFO;
}

/*
 * A sweep with a stride (wl_phase.stride > 64): one line every @stride bytes
 * from the start of the range. Each page is translated once for the lines it
 * holds, and the lines are charged as streamed bytes (the addresses are
 * known ahead, so the misses overlap as a sweep's do); pages between the
 * lines are never touched, so with a stride above 4 KiB they stay unmapped.
 * Return the address of the next line, which may lie past the step's end.
 */
static uint64_t sweep_strided(struct sweep *sw, uint64_t stride)
{
	uint64_t addr = sw->addr;
	while (addr < sw->end && sw->cpu->now < sw->deadline) {
		struct xlate x;
		if (!translate(sw->s, sw->cpu, sw->t, addr, sw->write, sw->op == MEM_RMW, &x))
			return sw->end;
		uint64_t page_end = MIN(sw->end, ALIGN_DOWN(addr, PAGE_SIZE) + PAGE_SIZE);
		uint64_t lines = (page_end - addr + stride - 1) / stride;
		charge_bytes(sw, x.nid, lines * 64);
		addr += lines * stride;
	}
	return addr;
}

bool sweep_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	const struct wl_phase *ph = &t->prog->phases[t->pc];
	struct phase_cursor *c = &t->cur;
	if (phase_time_up(c, ph, cpu, &deadline))
		return true;	/* a timed sweep may stop inside a pass */
	if (c->addr >= c->end) {
		if (++c->done >= ph->count && !ph->duration_ns)
			return true;
		c->addr = c->start;
		sweep_pass_done(c, cpu);
	}
	struct sweep sw = {
		.s = s, .cpu = cpu, .t = t, .addr = c->addr,
		.end = MIN(c->end, ALIGN_DOWN(c->addr, PMD_SIZE) + PMD_SIZE),
		.write = ph->access != WL_READ,
		.op = sweep_op(ph),
		.big = (c->end - c->start) >> PAGE_SHIFT > s->m.tlb.l2_entries,
		.deadline = deadline,
	};
	if (ph->stride > 64) {
		c->addr = sweep_strided(&sw, ph->stride);
		return false;
	}
	struct pmd_slot *slot = pmd_slot_lookup(&t->mm->pgd, c->addr);
	if (likely(slot && bulk_ok(s, cpu))) {
		if (slot->pmd.val && pmd_usable(slot->pmd, sw.write)) {
			c->addr = sweep_huge(&sw, slot);
			return false;
		}
		if (slot->pt && table_usable(slot->pt, sw.write)) {
			c->addr = sweep_bulk(&sw, slot->pt);
			return false;
		}
	}
	c->addr = sweep_pages(&sw);
	return false;
}

/* ---- random, skewed and gauss accesses: random_step() below ---- */

/* ---- table lookups ---- */

/*
 * A lookup (struct wl_lookup) is a sequence of steps kept in the cursor, so a
 * deadline may fall between any two accesses and the lookup resumes where it
 * stopped, drawing the same numbers. XSBench's calculate_macro_xs() with the
 * unionized grid: grid_search() over the energies, then per nuclide of the
 * material index_grid[idx][nuc] and nuclide_grid[nuc][that index]; the
 * accumulation into macro_xs_vector is the access to the private work range.
 * SIMPLIFIED: the nuclide grid points are uniform random records (XSBench
 * reads two adjacent points of each nuclide's grid near the same energy); the
 * row entries read are spread evenly over the row (XSBench: the material's
 * nuclides); every lookup reads the same number of them (XSBench: 4 to 321 by
 * material). APPROX: no CPU cache; a line read again right after itself within
 * the search or the row is a cache hit and not charged, but the top levels of
 * the search, which stay cached in a real run, are charged as memory reads.
 */
enum { LK_NEW, LK_SEARCH, LK_GATHER, LK_WORK };

bool lookup_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	const struct wl_phase *ph = &t->prog->phases[t->pc];
	const struct wl_lookup *lk = &ph->lk;
	struct phase_cursor *c = &t->cur;
	const uint64_t nr_keys = lk->keys_len / 8;
	const uint64_t rows_off = lk->data_len + lk->keys_len;
	const uint64_t row_bytes = (ph->len - rows_off) / nr_keys;
	if (phase_time_up(c, ph, cpu, &deadline))
		return true;	/* may end inside a lookup: done counts whole ones */
	while (phase_more(c, ph)) {
		if (cpu->now >= deadline || s->failed)
			return false;
		uint64_t addr;
		bool write = false;
		switch (c->lk.stage) {
		case LK_NEW:
			c->lk.key = rng_below(&t->rng, nr_keys);
			c->lk.lo = 0;
			c->lk.hi = nr_keys;
			c->lk.line = UINT64_MAX;
			c->lk.step = 0;
			c->lk.stage = LK_SEARCH;
			continue;
		case LK_SEARCH: {
			if (c->lk.hi - c->lk.lo <= 1) {
				c->lk.line = UINT64_MAX;
				c->lk.stage = LK_GATHER;
				continue;
			}
			uint64_t mid = c->lk.lo + (c->lk.hi - c->lk.lo) / 2;
			if (mid <= c->lk.key)
				c->lk.lo = mid;
			else
				c->lk.hi = mid;
			uint64_t line = (lk->data_len + mid * 8) / 64;
			if (line == c->lk.line)
				continue;
			c->lk.line = line;
			addr = c->start + line * 64;
			break;
		}
		case LK_GATHER: {
			uint32_t step = c->lk.step;
			if (step == 2 * lk->gathers) {
				c->lk.stage = LK_WORK;
				continue;
			}
			c->lk.step++;
			if (step & 1) {
				addr = c->start + rng_below(&t->rng, lk->data_len / 64) * 64;
				break;
			}
			/* j * row_bytes < 2^12 * 2^46: no overflow under the builder limits */
			uint64_t line = (rows_off + c->lk.key * row_bytes +
					 (step / 2) * row_bytes / lk->gathers) / 64;
			if (line == c->lk.line)
				continue;
			c->lk.line = line;
			addr = c->start + line * 64;
			break;
		}
		default:	/* LK_WORK */
			addr = c->start - ph->off + lk->work_off +
			       rng_below(&t->rng, lk->work_len / 64) * 64;
			write = ph->access == WL_WRITE ||
				(ph->access == WL_RW && rng_double(&t->rng) < ph->write_ratio);
			c->lk.stage = LK_NEW;
			c->done++;
			break;
		}
		struct xlate x;
		if (!translate(s, cpu, t, addr, write, false, &x))
			return true;
		cpu_advance(cpu, mem_random_ns(s, cpu, x.nid, 1, write));
		count_vm_event(&s->vs, SIM_ACCESSES);
	}
	return true;
}

/* ---- Zipf and pointer chase (WL_ZIPF, WL_CHASE) ---- */

/*
 * Deterministic exp and log for the Zipf table: range reduction by powers of
 * two and series in IEEE double arithmetic, so that every machine builds the
 * same table (libm's exp/log may differ in the last bit between CPUs).
 * Accurate to a few ulp over the range used (x >= 1 for the log).
 */
#define DET_LN2_HI 0x1.62e42feep-1		/* ln 2 in two parts (fdlibm's split) */
#define DET_LN2_LO 0x1.a39ef35793c76p-33

static double det_pow2(int64_t k)	/* 2^k for -1022 <= k <= 1023 */
{
	uint64_t bits = (uint64_t)(k + 1023) << 52;
	double d;
	memcpy(&d, &bits, sizeof(d));
	return d;
}

double access_det_exp(double x)
{
	if (x < -745.0)
		return 0.0;
	if (x > 709.0)
		x = 709.0;	/* no caller gets near: clamp rather than overflow */
	int64_t k = (int64_t)(x * 0x1.71547652b82fep0 + (x >= 0 ? 0.5 : -0.5));
	double r = (x - (double)k * DET_LN2_HI) - (double)k * DET_LN2_LO;	/* |r| <= 0.35 */
	double p = 1.0;
	for (int i = 24; i >= 1; i--)	/* Taylor to r^24 / 24!: 1e-33 */
		p = 1.0 + p * r / i;
	int64_t k1 = k / 2;
	return p * det_pow2(k1) * det_pow2(k - k1);
}

double access_det_log(double x)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof(bits));
	int64_t e = (int64_t)((bits >> 52) & 0x7ff) - 1023;
	bits = (bits & ((1ull << 52) - 1)) | (1023ull << 52);
	double m;
	memcpy(&m, &bits, sizeof(m));	/* x = m 2^e, m in [1, 2) */
	if (m > 0x1.6a09e667f3bcdp0) {	/* sqrt 2: m in [sqrt 1/2, sqrt 2) */
		m *= 0.5;
		e++;
	}
	/* ln m = 2 atanh z = 2 (z + z^3/3 + z^5/5 + ...), |z| <= 0.172 */
	double z = (m - 1.0) / (m + 1.0), z2 = z * z, p = 1.0 / 27;
	for (int i = 25; i >= 1; i -= 2)
		p = p * z2 + 1.0 / i;
	return (double)e * DET_LN2_HI + ((double)e * DET_LN2_LO + 2.0 * z * p);
}

/* (e^t - 1) / t, without cancellation for small t. */
static double det_expm1_over(double t)
{
	if (t > -0.5 && t < 0.5) {
		double p = 1.0;
		for (int i = 20; i >= 2; i--)	/* sum t^k / (k + 1)! */
			p = 1.0 + p * t / i;
		return p;
	}
	return (access_det_exp(t) - 1.0) / t;
}

/* x^-s for x >= 1. */
static double det_rpow(double x, double s)
{
	return access_det_exp(-s * access_det_log(x));
}

/* sum of r^-s over the 1-based ranks [a, b). */
static double zipf_mass(uint64_t a, uint64_t b, double s)
{
	if (b - a <= 8) {
		double m = 0;
		for (uint64_t r = a; r < b; r++)
			m += det_rpow((double)r, s);
		return m;
	}
	/* Euler-Maclaurin: the integral, then the f and f' corrections; a >= 144
	 * here, so the next term is below 1e-12 of the sum */
	const double fa = det_rpow((double)a, s), fb = det_rpow((double)b, s);
	const double l = access_det_log((double)b / (double)a);
	const double integral = (double)a * fa * l * det_expm1_over((1.0 - s) * l);
	return integral + (fa - fb) / 2 + s * (fa / (double)a - fb / (double)b) / 12;
}

void zipf_table_init(struct zipf_table *z, uint64_t n, double s)
{
	double total = 0;
	uint32_t nr = 0;
	z->n = n;
	z->s = s;
	for (uint64_t a = 1; a <= n; nr++) {
		VM_BUG_ON(nr >= ZIPF_MAX_BUCKETS);
		uint64_t b = MIN(a + MAX(1, a >> 4), n + 1);
		z->lo[nr] = a - 1;
		total += zipf_mass(a, b, s);
		z->cdf[nr] = total;
		a = b;
	}
	z->lo[nr] = n;
	z->nr = nr;
	for (uint32_t i = 0; i < nr; i++)
		z->cdf[i] /= total;
	z->cdf[nr - 1] = 1.0;
	uint32_t b = 0;
	for (uint32_t g = 0; g < ZIPF_GUIDE; g++) {
		const double x = (double)g / ZIPF_GUIDE;	/* exact: a power of two */
		while (z->cdf[b] <= x)
			b++;
		z->guide[g] = (uint16_t)b;
	}
}

void access_phase_begin(struct sim *s, struct task *t, const struct wl_phase *ph)
{
	struct phase_cursor *c = &t->cur;
	const uint64_t lines = ph->len / 64;
	access_perm_init(&c->perm, lines, access_perm_key(s->seed, ph));
	if (ph->op == WL_CHASE) {
		c->pos = rng_below(&t->rng, lines);	/* where this thread joins the cycle */
		return;
	}
	if (!t->zipf) {
		t->zipf = malloc(sizeof(*t->zipf));
		if (!t->zipf)
			abort();
		t->zipf->n = 0;
	}
	if (t->zipf->n != lines || t->zipf->s != ph->zipf_s)
		zipf_table_init(t->zipf, lines, ph->zipf_s);
}

/* ---- random-like phases, drawn ahead ---- */

/*
 * The accesses drawn ahead, one set per CPU for the task it runs: only what
 * the draws decide is kept, never a translation, and each entry keeps the
 * task's RNG state (and chase position) after its draws, which become the
 * task's own when the access is made; so the task's stream is always where
 * it would be without the lookahead, and entries left unused (the slice or
 * the phase ended, the task moved) are dropped without a trace. They stay
 * valid while the CPU runs the same phase of the same task from the state
 * they were drawn from (ahead_get()). Not in struct cpu or struct task,
 * whose sizes the host-memory estimate counts: a lookahead adds nothing
 * there.
 */
#define ACCESS_AHEAD 64		/* a power of two */
#define AHEAD_REFILL 32		/* draw again when this few are left */

struct access_ahead {
	uint32_t pid, pc;	/* the task and phase drawn for */
	uint32_t mm_id;
	uint64_t start_ns;	/* the phase's start, which tells its instances apart */
	struct rng base;	/* the task's state before the first entry */
	uint64_t base_pos;
	uint32_t head, nr;	/* the next entry to use; entries not used */
	struct rng rng;		/* the state after the last entry drawn */
	uint64_t pos;
	struct access_next {
		uint64_t addr;
		/* its PMD slot when drawn, or NULL: a hint for the prefetches
		 * (PMD tables live as long as their mm), never for the walk */
		const struct pmd_slot *slot;
		uint64_t pos;	/* the chase position after this draw */
		struct rng rng;	/* the task's RNG after this access's draws */
		bool write;
	} e[ACCESS_AHEAD];
};

void access_ahead_destroy(struct sim *s)
{
	if (!s->ahead)
		return;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		free(s->ahead[i]);
	free(s->ahead);
	s->ahead = NULL;
}

/* @cpu's lookahead for the current phase of @t, emptied unless it was
 * drawn for it from exactly where @t's stream is now. */
static struct access_ahead *ahead_get(struct sim *s, struct cpu *cpu, struct task *t)
{
	if (unlikely(!s->ahead)) {
		s->ahead = calloc(s->m.nr_cpus, sizeof(*s->ahead));
		if (!s->ahead)
			abort();
	}
	struct access_ahead *a = s->ahead[cpu->id];
	if (unlikely(!a)) {
		a = s->ahead[cpu->id] = calloc(1, sizeof(*a));
		if (!a)
			abort();
	}
	const struct phase_cursor *c = &t->cur;
	if (a->nr && (a->pid != t->pid || a->pc != t->pc || a->mm_id != t->mm->id ||
		      a->start_ns != c->start_ns || a->base_pos != c->pos ||
		      memcmp(&a->base, &t->rng, sizeof(a->base))))
		a->nr = 0;
	if (!a->nr) {	/* the draws continue from the task's own state */
		a->pid = t->pid;
		a->pc = t->pc;
		a->mm_id = t->mm->id;
		a->start_ns = c->start_ns;
		a->base = a->rng = t->rng;
		a->base_pos = a->pos = c->pos;
	}
	return a;
}

/*
 * Software pipelining, as GUPS and hash-join codes do: an access is drawn
 * ACCESS_AHEAD accesses before it is made, and on the way the host is asked
 * to fetch what its translation will read, a level at a time, each far
 * enough ahead for the previous level to have arrived: the PMD slot when
 * it is drawn, the PTE AHEAD_PTE accesses before, then (reading that PTE)
 * the folio slot a write bumps and the TLB sets the lookup probes
 * AHEAD_REST accesses before. These are hints only: they read the page
 * table as it is at that moment, and a fault, migration or flush before
 * the access only makes one useless. Nothing they read is kept.
 */
#define AHEAD_PTE 24
#define AHEAD_REST 10
_Static_assert(AHEAD_REST < AHEAD_PTE && AHEAD_PTE < AHEAD_REFILL, "prefetch stages in order");

/* The PMD slot of @addr if its PMD table exists, asked for. */
static sim_always_inline const struct pmd_slot *prefetch_slot(const struct pgd *pgd,
							      uint64_t addr)
{
	const struct pud_table *pud = pgd->pud[pgd_index(addr)];
	const struct pmd_table *pmdt = pud ? pud->pmd[pud_index(addr)] : NULL;
	if (!pmdt)
		return NULL;
	__builtin_prefetch(&pmdt->slot[pmd_index(addr)]);
	return &pmdt->slot[pmd_index(addr)];
}

static sim_always_inline void prefetch_pte(const struct access_next *n)
{
	const struct pte_table *pt = n->slot ? n->slot->pt : NULL;
	if (pt)
		__builtin_prefetch(&pt->pte[pte_index(n->addr)]);
}

/* The TLB sets of the lookup; the folio slot of a write (its version) or
 * of an old PTE (the walk sets the accessed bit, which reads the node). */
static sim_always_inline void prefetch_rest(struct sim *s, struct cpu *cpu, uint32_t mm_id,
					    const struct access_next *n)
{
	tlb_prefetch(&cpu->tlb, mm_id, n->addr);
	if (!n->slot)
		return;
	const pmd_t pmd = n->slot->pmd;
	if (pmd.val) {	/* a write bumps the THP's head */
		if (n->write && pmd_valid(pmd) && pmd_pfn(pmd) < s->pm.nr_pfns)
			__builtin_prefetch(&s->pm.folios[pmd_pfn(pmd)], 1);
		return;
	}
	const struct pte_table *pt = n->slot->pt;
	if (!pt)
		return;
	pte_t p = pt->pte[pte_index(n->addr)];
	if (pte_valid(p) && (n->write || !pte_young(p)) && pte_pfn(p) < s->pm.nr_pfns)
		__builtin_prefetch(&s->pm.folios[pte_pfn(p)], 1);
}

enum draw_kind { DRAW_SKEWED, DRAW_GAUSS, DRAW_ZIPF, DRAW_CHASE };

/* What a phase's draws depend on, the same for all of them. */
struct draw {
	uint64_t start, lines, hot;
	double hot_prob, unit;
	const struct wl_phase *ph;
	const struct zipf_table *zipf;
	const struct access_perm *perm;
};

/* The next line of the phase, from the stream @r (and chase position @pos). */
static inline uint64_t draw_line(const struct draw *d, enum draw_kind kind, struct rng *r,
				 uint64_t *pos)
{
	switch (kind) {
	case DRAW_GAUSS:
		return access_gauss_line(r, d->lines, d->unit);
	case DRAW_ZIPF:	/* a rank, through the scattering permutation */
		return access_perm(d->perm, access_zipf_rank(d->zipf, r));
	case DRAW_CHASE: {	/* the next place on the cycle */
		uint64_t line = access_perm(d->perm, *pos);
		if (++*pos == d->perm->n)
			*pos = 0;
		return line;
	}
	default:
		return access_skewed_line(r, d->lines, d->hot, d->hot_prob);
	}
}

/* Draw until ACCESS_AHEAD accesses wait, or all the phase has left; in
 * batches, once no more than AHEAD_REFILL wait. */
static inline void ahead_fill(struct access_ahead *a, struct task *t, const struct draw *d,
			      enum draw_kind kind)
{
	if (a->nr > AHEAD_REFILL)
		return;
	const struct wl_phase *ph = d->ph;
	const struct phase_cursor *c = &t->cur;
	uint64_t want = ph->duration_ns ? ACCESS_AHEAD : MIN(ACCESS_AHEAD, ph->count - c->done);
	if (a->nr >= want)
		return;
	struct rng r = a->rng;
	uint64_t pos = a->pos;
	for (; a->nr < want; a->nr++) {
		struct access_next *e = &a->e[(a->head + a->nr) & (ACCESS_AHEAD - 1)];
		uint64_t line = draw_line(d, kind, &r, &pos);
		e->write = ph->access == WL_WRITE ||
			   (ph->access == WL_RW && rng_double(&r) < ph->write_ratio);
		e->addr = d->start + line * 64;
		e->rng = r;
		e->pos = pos;
		e->slot = prefetch_slot(&t->mm->pgd, e->addr);
	}
	a->rng = r;
	a->pos = pos;
}

/*
 * The random-like executors. Zipf accesses are independent
 * (mem_independent_ns()), as random ones are; a chase's loads each read the
 * address of the next one: a load cannot issue before the previous one
 * returns, so the thread has one miss in flight and pays every load's
 * whole latency, walk included (mem_dependent_ns()). The host, which knows
 * the cycle, still draws a chase ahead.
 */
static inline bool ahead_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline,
			      enum draw_kind kind)
{
	const struct wl_phase *ph = &t->prog->phases[t->pc];
	struct phase_cursor *c = &t->cur;
	const uint64_t lines = (c->end - c->start) / 64;
	const struct draw d = {
		.start = c->start, .lines = lines,
		.hot = ph->op == WL_SKEWED ? access_hot_lines(lines, ph->hot_frac) : lines,
		.hot_prob = ph->hot_prob,
		.unit = kind == DRAW_GAUSS ? access_gauss_unit(lines, ph->stddev) : 0.0,
		.ph = ph, .zipf = t->zipf, .perm = &c->perm,
	};
	if (phase_time_up(c, ph, cpu, &deadline))
		return true;
	struct access_ahead *a = ahead_get(s, cpu, t);
	const uint32_t m = ACCESS_AHEAD - 1;
	while (phase_more(c, ph)) {
		if (cpu->now >= deadline || s->failed) {
			a->base = t->rng;	/* where the entries left continue */
			a->base_pos = c->pos;
			return false;
		}
		ahead_fill(a, t, &d, kind);
		if (a->nr > AHEAD_PTE)
			prefetch_pte(&a->e[(a->head + AHEAD_PTE) & m]);
		if (a->nr > AHEAD_REST)
			prefetch_rest(s, cpu, t->mm->id, &a->e[(a->head + AHEAD_REST) & m]);
		const struct access_next *e = &a->e[a->head];
		const uint64_t addr = e->addr;
		const bool write = e->write;
		t->rng = e->rng;	/* the access's draws are made */
		c->pos = e->pos;
		a->head = (a->head + 1) & m;
		a->nr--;
		struct xlate x;
		if (!translate(s, cpu, t, addr, write, false, &x))
			return true;
		cpu_advance(cpu, kind == DRAW_CHASE ? mem_latency_ns(s, cpu, x.nid, 1, write, 1.0)
						    : mem_independent_ns_inline(s, cpu, x.nid, 1, write));
		count_vm_event(&s->vs, SIM_ACCESSES);
		c->done++;
	}
	return true;
}

bool random_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	if (t->prog->phases[t->pc].op == WL_GAUSS)
		return ahead_step(s, cpu, t, deadline, DRAW_GAUSS);
	return ahead_step(s, cpu, t, deadline, DRAW_SKEWED);
}

bool zipf_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	return ahead_step(s, cpu, t, deadline, DRAW_ZIPF);
}

bool chase_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	return ahead_step(s, cpu, t, deadline, DRAW_CHASE);
}
