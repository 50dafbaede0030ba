// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/tlbflush.c - TLB shootdowns.
 * Models:     linux arch/x86/mm/tlb.c flush_tlb_mm_range(), flush_tlb_func(),
 *             the single-page flush ceiling, NR_TLB_* counters.
 * SIMPLIFIED: mm_cpumask is never trimmed (x86 trims it lazily), so a CPU
 *             that once ran the mm keeps receiving its shootdowns; no lazy-TLB
 *             mode, no PCID generation tracking (issue 5 refines these).
 */
#include "cpu/tlbflush.h"
#include "sim.h"

static void mark_stale(struct sim *s, struct cpu *c)
{
	if (!c->tlb_maybe_stale) {
		c->tlb_maybe_stale = true;
		s->nr_stale_cpus++;
	}
}

static void flush_one_cpu(struct sim *s, struct cpu *c, uint32_t mm_id, uint64_t start,
			  uint64_t end, bool huge, bool full)
{
	if (full) {
		tlb_flush_mm(&c->tlb, mm_id);
		return;
	}
	uint64_t stride = huge ? PMD_SIZE : PAGE_SIZE;
	for (uint64_t a = start; a < end; a += stride)
		tlb_flush_one(&c->tlb, mm_id, a);
	(void)s;
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

void flush_tlb_mm_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			uint64_t end, bool huge)
{
	const struct kernel_costs *k = &s->m.cost;
	uint64_t nr = (end - start) >> (huge ? PMD_SHIFT : PAGE_SHIFT);
	bool full = nr > TLB_SINGLE_PAGE_FLUSH_CEILING;
	bool skip = s->tun.v[T_DEBUG_SKIP_FLUSH] != 0;

	/* local flush (flush_tlb_func with the initiator's own CPU) */
	if (skip) {
		mark_stale(s, cpu);
	} else {
		flush_one_cpu(s, cpu, mm->id, start, end, huge, full);
		if (full) {
			count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
			cpu_charge_kernel(cpu, k->tlb_flush_all_ns);
		} else {
			count_vm_events(&s->vs, NR_TLB_LOCAL_FLUSH_ONE, nr);
			cpu_charge_kernel(cpu, nr * k->tlb_flush_one_ns);
		}
	}

	/* remote shootdown to the other CPUs of mm_cpumask */
	uint32_t targets = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		if (i == cpu->id || !cpumask_test(&mm->cpumask, i))
			continue;
		struct cpu *c = &s->cpus[i];
		targets++;
		if (skip) {
			mark_stale(s, c);
			continue;
		}
		flush_one_cpu(s, c, mm->id, start, end, huge, full);
		ipi_received(s, c);
	}
	if (targets && !skip)
		ipi_sent(s, cpu, targets);
}

void flush_tlb_batch(struct sim *s, struct cpu *cpu, struct mm_struct *const *mms, uint32_t nr_mms)
{
	const struct kernel_costs *k = &s->m.cost;
	bool skip = s->tun.v[T_DEBUG_SKIP_FLUSH] != 0;
	uint32_t targets = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		bool in_mask = false;
		for (uint32_t m = 0; m < nr_mms && !in_mask; m++)
			in_mask = cpumask_test(&mms[m]->cpumask, i);
		if (!in_mask && i != cpu->id)
			continue;
		struct cpu *c = &s->cpus[i];
		if (skip) {
			mark_stale(s, c);
			continue;
		}
		for (uint32_t m = 0; m < nr_mms; m++)
			tlb_flush_mm(&c->tlb, mms[m]->id);
		if (c == cpu) {
			count_vm_event(&s->vs, NR_TLB_LOCAL_FLUSH_ALL);
			cpu_charge_kernel(cpu, k->tlb_flush_all_ns);
			continue;
		}
		targets++;
		ipi_received(s, c);
	}
	if (targets && !skip)
		ipi_sent(s, cpu, targets);
}
