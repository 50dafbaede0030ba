// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/tlbflush.c - TLB shootdowns.
 * Models:     linux arch/x86/mm/tlb.c (6.14): flush_tlb_mm_range(),
 *             should_flush_tlb() (idle CPUs in lazy TLB mode get no IPI),
 *             should_trim_cpumask() (once a second a flush also reaches
 *             CPUs that loaded another mm since, which leave mm_cpumask),
 *             switch_mm_irqs_off() with per-ASID tlb_gen (a CPU that missed
 *             flushes flushes when it loads the mm again), the single-page
 *             flush ceiling, arch_tlbbatch_flush(), NR_TLB_* counters.
 * SIMPLIFIED: a kernel thread's work does not switch its CPU into lazy mode
 *             (only an idle CPU is lazy); a batch target flushes every mm of
 *             the batch at once instead of its loaded mm now and the others
 *             when it next loads them (the same TLB contents afterwards); no
 *             INVLPGB broadcast flushes or global ASIDs.
 */
#include "core/bitmap.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "sim.h"

void tlb_mark_stale(struct sim *s, struct cpu *c, uint8_t why)
{
	if (!c->tlb_maybe_stale)
		s->nr_stale_cpus++;
	c->tlb_maybe_stale |= why;
}

struct tlb_ctx *cpu_tlb_ctx(struct cpu *c, uint32_t mm_id)
{
	for (uint32_t a = 0; a < TLB_NR_DYN_ASIDS; a++)
		if (c->ctxs[a].mm_id == mm_id)
			return &c->ctxs[a];
	return NULL;
}

bool cpu_tlb_ctx_behind(struct cpu *c, const struct mm_struct *mm)
{
	struct tlb_ctx *ctx = cpu_tlb_ctx(c, mm->id);
	return ctx && ctx->tlb_gen < mm->tlb_gen;
}

/* @c has flushed @mm (all of it if @full): its context is up to date. */
static void ctx_synced(struct sim *s, struct cpu *c, const struct mm_struct *mm, bool full)
{
	struct tlb_ctx *ctx = cpu_tlb_ctx(c, mm->id);
	if (!ctx)
		return;
	ctx->tlb_gen = mm->tlb_gen;
	if (full)
		tlb_defer_ctx_flushed(s, ctx);
}

void switch_mm_irqs_off(struct sim *s, struct cpu *cpu, struct mm_struct *mm)
{
	cpumask_set(&mm->cpumask, cpu->id);
	cpu->loaded_mm = mm->id;
	cpu->tlb_lazy = false;
	struct tlb_ctx *ctx = cpu_tlb_ctx(cpu, mm->id);
	if (!ctx) {	/* choose_new_asid(): reuse the next ASID, dropping its entries */
		ctx = &cpu->ctxs[cpu->next_asid];
		cpu->next_asid = (cpu->next_asid + 1) % TLB_NR_DYN_ASIDS;
		if (ctx->mm_id != UINT32_MAX)
			tlb_flush_mm(&cpu->tlb, ctx->mm_id);
		ctx->mm_id = mm->id;
		ctx->tlb_gen = mm->tlb_gen;
		tlb_defer_ctx_flushed(s, ctx);	/* a fresh ASID holds nothing */
		return;
	}
	if (ctx->tlb_gen != mm->tlb_gen) {
		/* flushes were missed while lazy or running another mm: flush now */
		tlb_flush_mm(&cpu->tlb, mm->id);
		ctx->tlb_gen = mm->tlb_gen;
		tlb_defer_ctx_flushed(s, ctx);
		cpu->pending_kernel_ns += s->m.cost.tlb_flush_all_ns;	/* charged as it runs */
	}
	tlb_defer_switch_mm(s, cpu, mm);
}

void flush_tlb_local_mm(struct sim *s, struct cpu *cpu, const struct mm_struct *mm)
{
	tlb_flush_mm(&cpu->tlb, mm->id);
	ctx_synced(s, cpu, mm, true);
	count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
	cpu->pending_kernel_ns += s->m.cost.tlb_flush_all_ns;
	cpu->shootdown_ns += s->m.cost.tlb_flush_all_ns;
}

static void flush_one_cpu(struct cpu *c, uint32_t mm_id, uint64_t start, uint64_t end,
			  bool huge, bool full)
{
	if (full) {
		tlb_flush_mm(&c->tlb, mm_id);
		return;
	}
	uint64_t stride = huge ? PMD_SIZE : PAGE_SIZE;
	for (uint64_t a = start; a < end; a += stride)
		tlb_flush_one(&c->tlb, mm_id, a);
}

/* A shootdown IPI arrives at @c: charged when it next runs, so the run heap
 * stays ordered; an idle CPU absorbs the interrupt for free. */
static void ipi_received(struct sim *s, struct cpu *c)
{
	count_vm_event(&s->vs, NR_TLB_REMOTE_FLUSH_RECEIVED);
	if (c->nr_running) {
		c->pending_kernel_ns += s->m.cost.shootdown_target_ns;
		c->shootdown_ns += s->m.cost.shootdown_target_ns;
	}
}

/* The initiator sends the IPIs to @targets CPUs and waits for them. */
static void ipi_sent(struct sim *s, struct cpu *cpu, uint32_t targets)
{
	const struct kernel_costs *k = &s->m.cost;
	uint64_t ns = k->shootdown_initiator_ns + targets * (uint64_t)k->shootdown_per_target_ns;
	count_vm_event(&s->vs, NR_TLB_REMOTE_FLUSH);
	cpu_charge_kernel(cpu, ns);
	cpu->shootdown_ns += ns;
}

/* should_trim_cpumask(): at most once a second per mm. */
static bool should_trim_cpumask(struct mm_struct *mm, uint64_t now)
{
	if (!mm->next_trim_cpumask_ns) {	/* x86 sets it when the mm is created */
		mm->next_trim_cpumask_ns = now + NSEC_PER_SEC;
		return false;
	}
	if (now <= mm->next_trim_cpumask_ns)
		return false;
	mm->next_trim_cpumask_ns = now + NSEC_PER_SEC;
	return true;
}

static bool mask_has_other(const cpumask_t *m, uint32_t self)
{
	for (uint32_t w = 0; w < MAX_CPUS / 64; w++) {
		uint64_t bits = m->bits[w];
		if (w == self / 64)
			bits &= ~(1ull << (self % 64));
		if (bits)
			return true;
	}
	return false;
}

/*
 * numasim.debug_skip_flush: the flush of [start, end) of @mm (all of it if
 * @full) is omitted, and nothing else: mm->tlb_gen is not bumped (no CPU
 * catches up later), no IPI is sent or charged, and every entry the flush
 * would have dropped stays, marked `skipped`, on every CPU holding an ASID
 * for @mm if it no longer agrees with the page table. Those CPUs are marked
 * stale, so the oracle checks their accesses; a CPU that held no such entry
 * is not, and runs exactly as it would have.
 */
/* Does @e disagree with @mm's page table now: another frame, no valid
 * mapping (none, a migration entry, protnone), or write permission that is
 * gone? An entry that agrees is harmless even though its flush was skipped. */
static bool entry_stale(const struct tlb_entry *e, bool huge, void *arg)
{
	struct mm_struct *mm = arg;
	uint64_t va = (e->key & ((1ull << 36) - 1)) << (huge ? PMD_SHIFT : PAGE_SHIFT);
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, va);
	if (!slot)
		return true;
	uint64_t pfn, flags;
	if (slot->pmd.val) {
		pfn = pmd_pfn(slot->pmd) + (huge ? 0 : pte_index(va));
		flags = slot->pmd.val;
	} else {
		if (huge || !slot->pt)
			return true;
		pte_t p = slot->pt->pte[pte_index(va)];
		pfn = pte_pfn(p);
		flags = p.val;
	}
	if (!(flags & _PAGE_PRESENT) || pfn != e->pfn)
		return true;
	return e->writable && (flags & (_PAGE_RW | _PAGE_DIRTY)) != (_PAGE_RW | _PAGE_DIRTY);
}

static void skip_flush(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end,
		       bool huge, bool full)
{
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		struct cpu *c = &s->cpus[i];
		if (cpu_tlb_ctx(c, mm->id) &&
		    tlb_mark_skipped(&c->tlb, mm->id, start, end, huge ? PMD_SIZE : PAGE_SIZE, full,
				     entry_stale, mm))
			tlb_mark_stale(s, c, TLB_STALE_SKIPPED);
	}
}

void tlb_settle_skipped(struct sim *s, struct cpu *c)
{
	if (!(c->tlb_maybe_stale & TLB_STALE_SKIPPED) || c->tlb.nr_skipped)
		return;
	c->tlb_maybe_stale &= (uint8_t)~TLB_STALE_SKIPPED;
	if (!c->tlb_maybe_stale)
		s->nr_stale_cpus--;
}

static void flush_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge, uint32_t skip_bit)
{
	const struct kernel_costs *k = &s->m.cost;
	uint64_t nr = (end - start) >> (huge ? PMD_SHIFT : PAGE_SHIFT);
	bool full = nr > TLB_SINGLE_PAGE_FLUSH_CEILING;

	if (unlikely(s->tun.v[T_DEBUG_SKIP_FLUSH] & skip_bit)) {
		skip_flush(s, mm, start, end, huge, full);
		return;
	}
	mm->tlb_gen++;	/* inc_mm_tlb_gen(): CPUs not reached now catch up at switch_mm */

	/* the local flush, if this CPU runs @mm */
	if (!cpu->tlb_lazy && cpu->loaded_mm == mm->id) {
		flush_one_cpu(cpu, mm->id, start, end, huge, full);
		ctx_synced(s, cpu, mm, full);
		if (full) {
			count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
			cpu_charge_kernel(cpu, k->tlb_flush_all_ns);
		} else {
			count_vm_events(&s->vs, NR_TLB_LOCAL_FLUSH_ONE, nr);
			cpu_charge_kernel(cpu, nr * k->tlb_flush_one_ns);
		}
	}

	/* native_flush_tlb_multi() to the rest of mm_cpumask */
	bool trim = mask_has_other(&mm->cpumask, cpu->id) && should_trim_cpumask(mm, cpu->now);
	uint32_t targets = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		if (i == cpu->id || !cpumask_test(&mm->cpumask, i))
			continue;
		struct cpu *c = &s->cpus[i];
		if (c->tlb_lazy)
			continue;
		if (c->loaded_mm == mm->id) {
			flush_one_cpu(c, mm->id, start, end, huge, full);
			ctx_synced(s, c, mm, full);
		} else if (trim) {
			/* flush_tlb_func() on a CPU running another mm: leave the mask */
			cpumask_clear(&mm->cpumask, i);
		} else {
			continue;
		}
		targets++;
		ipi_received(s, c);
	}
	if (targets)
		ipi_sent(s, cpu, targets);
}

void flush_tlb_mm_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge)
{
	flush_range(s, cpu, mm, start, end, huge, DEBUG_SKIP_FLUSH_UNMAP);
}

void flush_tlb_prot_numa(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			 uint64_t end)
{
	flush_range(s, cpu, mm, start, end, false, DEBUG_SKIP_FLUSH_PROT_NUMA);
}

void flush_tlb_batch(struct sim *s, struct cpu *cpu, struct mm_struct *const *mms, uint32_t nr_mms)
{
	const struct kernel_costs *k = &s->m.cost;
	cpumask_t mask = { { 0 } };
	for (uint32_t m = 0; m < nr_mms; m++)
		cpumask_or(&mask, &mask, &mms[m]->cpumask);
	if (unlikely(s->tun.v[T_DEBUG_SKIP_FLUSH] & DEBUG_SKIP_FLUSH_UNMAP)) {
		for (uint32_t m = 0; m < nr_mms; m++)
			skip_flush(s, mms[m], 0, 0, false, true);
		return;
	}
	for (uint32_t m = 0; m < nr_mms; m++)	/* arch_tlbbatch_add_pending() */
		mms[m]->tlb_gen++;

	uint32_t targets = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		struct cpu *c = &s->cpus[i];
		if ((!cpumask_test(&mask, i) && c != cpu) || c->tlb_lazy)
			continue;
		for (uint32_t m = 0; m < nr_mms; m++) {
			tlb_flush_mm(&c->tlb, mms[m]->id);
			ctx_synced(s, c, mms[m], true);
		}
		if (c == cpu) {
			count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
			cpu_charge_kernel(cpu, k->tlb_flush_all_ns);
			continue;
		}
		targets++;
		ipi_received(s, c);
	}
	if (targets)
		ipi_sent(s, cpu, targets);
}

void flush_tlb_deferred(struct sim *s, struct cpu *cpu, const cpumask_t *mask)
{
	const struct kernel_costs *k = &s->m.cost;
	uint32_t targets = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		if (!cpumask_test(mask, i))
			continue;
		struct cpu *c = &s->cpus[i];
		tlb_flush_all(&c->tlb);
		for (uint32_t a = 0; a < TLB_NR_DYN_ASIDS; a++)
			if (c->ctxs[a].mm_id != UINT32_MAX)
				tlb_defer_ctx_flushed(s, &c->ctxs[a]);
		if (c == cpu) {
			count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
			cpu_charge_kernel(cpu, k->tlb_flush_all_ns);
			cpu->shootdown_ns += k->tlb_flush_all_ns;
			continue;
		}
		targets++;
		ipi_received(s, c);
	}
	if (targets)
		ipi_sent(s, cpu, targets);
}
