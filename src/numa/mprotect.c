// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/mprotect.c - making memory protnone for NUMA hinting faults.
 * Models:     linux mm/mempolicy.c change_prot_numa; mm/mprotect.c
 *             change_pte_range and change_huge_pmd under MM_CP_PROT_NUMA,
 *             with the skips of Linux 6.10 (prot_numa_skip), and the older
 *             rule (folio_ref_count != 1) under numasim.mthp_numa=0; in
 *             tiering mode, the scan time of slow-tier folios
 *             (folio_xchg_access_time) and no scan of the top tier unless
 *             NUMA_BALANCING_NORMAL is also set.
 */
#include "cpu/tlbflush.h"
#include "numa/numa_balancing.h"
#include "sim.h"

/*
 * Should this PTE be left alone? (the prot_numa checks of change_pte_range)
 * @target_node is the node a single-threaded process runs on, else
 * NUMA_NO_NODE: its pages already there are not worth a fault.
 */
static bool prot_numa_skip(struct sim *s, struct folio *f, int target_node, uint64_t now_ms)
{
	if (folio_test(f, PG_zero) || folio_test(f, PG_device))
		return true;
	/* shared copy-on-write folios (every anonymous VMA is a CoW mapping) */
	if (s->tun.v[T_MTHP_NUMA]) {
		if (folio_maybe_dma_pinned(f) || folio_likely_mapped_shared(f))
			return true;
	} else if (folio_ref_count(f) != 1) {
		/* before 6.10: this also skips every PTE-mapped large folio,
		 * whose refcount is its number of mapped pages */
		return true;
	}
	if ((int)folio_nid(f) == target_node)
		return true;
	/* pure tiering mode: top-tier memory needs no hint faults */
	if (!(s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_NORMAL) && node_is_toptier(s, folio_nid(f)))
		return true;
	if (folio_use_access_time(s, f))
		f->last_cpupid = (uint32_t)now_ms;	/* folio_xchg_access_time(): the scan time */
	return false;
}

/*
 * The range an mmu_gather flushes: the pages whose entries changed
 * (tlb_flush_pte_range / tlb_flush_pmd_range), not the range walked.
 */
struct flush_range {
	uint64_t start, end;	/* start == end: nothing to flush */
};

static void flush_range_add(struct flush_range *r, uint64_t addr, uint64_t size)
{
	if (r->start == r->end) {
		r->start = addr;
		r->end = addr + size;
		return;
	}
	r->start = MIN(r->start, addr);
	r->end = MAX(r->end, addr + size);
}

static uint64_t change_pte_range(struct sim *s, struct mm_struct *mm, struct pte_table *pt,
				 uint64_t start, uint64_t end, int target_node, uint64_t now_ms,
				 struct flush_range *flush)
{
	uint64_t pages = 0;
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		uint32_t i = pte_index(a);
		pte_t p = pt->pte[i];
		/* avoid a TLB flush if possible: already protnone, or not present */
		if (!pte_present(p) || pte_protnone(p) || pte_special(p))
			continue;
		if (prot_numa_skip(s, page_folio(&s->pm, pte_pfn(p)), target_node, now_ms))
			continue;
		/* PAGE_NONE keeps neither access nor write permission */
		set_pte_at(s, mm, pt, i, pte_wrprotect(pte_mkprotnone(p)));
		flush_range_add(flush, a, PAGE_SIZE);
		pages++;
	}
	return pages;
}

/* change_huge_pmd() with prot_numa: the huge zero page and protnone PMDs
 * are left alone; Linux 6.10 has no shared or pinned skip here. */
static uint64_t change_huge_pmd(struct sim *s, struct mm_struct *mm, struct pmd_slot *slot,
				uint64_t haddr, uint64_t now_ms, struct flush_range *flush)
{
	pmd_t p = slot->pmd;
	if (pmd_special(p) || pmd_protnone(p) || !pmd_present(p))
		return 0;
	struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
	if (!(s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_NORMAL) && node_is_toptier(s, folio_nid(f)))
		return 0;
	if (folio_use_access_time(s, f))
		f->last_cpupid = (uint32_t)now_ms;
	pte_t e = pte_wrprotect(pte_mkprotnone((pte_t){ p.val }));
	set_pmd_at(s, mm, slot, (pmd_t){ e.val });
	flush_range_add(flush, haddr, PMD_SIZE);
	count_vm_event(&s->vs, NUMA_HUGE_PTE_UPDATES);
	return PTRS_PER_PTE;
}

uint64_t change_prot_numa(struct sim *s, struct cpu *cpu, struct task *t,
			  struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct mm_struct *mm = t->mm;
	int target_node = mm->nr_threads == 1 ? (int)cpu->node : NUMA_NO_NODE;
	const uint64_t now_ms = cpu->now / NSEC_PER_MSEC;
	uint64_t pages = 0, examined = 0;
	struct flush_range flush = { 0, 0 };
	(void)vma;
	for (uint64_t a = start; a < end;) {
		uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (slot && slot->pmd.val) {
			if (next - a == PMD_SIZE)
				pages += change_huge_pmd(s, mm, slot, a, now_ms, &flush);
			else	/* a partial PMD is split first (change_pmd_range) */
				split_huge_pmd(s, cpu, mm, slot, ALIGN_DOWN(a, PMD_SIZE));
			examined++;
		}
		if (slot && slot->pt) {
			pages += change_pte_range(s, mm, slot->pt, a, next, target_node, now_ms, &flush);
			examined += (next - a) >> PAGE_SHIFT;
		}
		a = next;
	}
	if (flush.start != flush.end)
		flush_tlb_prot_numa(s, cpu, mm, flush.start, flush.end);
	count_vm_events(&s->vs, NUMA_PTE_UPDATES, pages);
	cpu_charge_kernel(cpu, examined * s->m.cost.pte_update_ns);
	return pages;
}
