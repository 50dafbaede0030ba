// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault/huge_memory.c - faults on PMD-size THPs.
 * Models:     linux mm/huge_memory.c do_huge_pmd_anonymous_page,
 *             __do_huge_pmd_anonymous_page, the huge zero page
 *             (get_huge_zero_page, set_huge_zero_page), do_huge_pmd_wp_page,
 *             do_huge_pmd_numa_page.
 * SIMPLIFIED: a write to a shared (copy-on-write) THP splits the PMD and
 *             copies per page, as Linux does since 5.8; no khugepaged.
 */
#include "cpu/tlb_defer.h"
#include "fault/internal.h"
#include "migrate/migrate.h"
#include "numa/numa_balancing.h"

/* The huge zero page is allocated on first use, on the faulting CPU's node. */
static uint64_t get_huge_zero_page(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	if (s->huge_zero_pfn != PFN_NONE)
		return s->huge_zero_pfn;
	const uint32_t nid = vmf->cpu->node;
	const struct alloc_context ac = { .preferred_nid = nid, .local_nid = nid };
	uint64_t pfn = rmqueue(s, &ac, nid, PMD_ORDER, WMARK_MIN);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	folio_set(pfn_folio(&s->pm, pfn), PG_zero);
	count_vm_event(&s->vs, THP_ZERO_PAGE_ALLOC);
	s->huge_zero_pfn = pfn;
	return pfn;
}

int do_huge_pmd_anonymous_page(struct vm_fault *vmf, enum fault_result *res)
{
	struct sim *s = vmf->s;
	uint64_t haddr = ALIGN_DOWN(vmf->address, PMD_SIZE);
	*res = FAULT_OK;

	if (!vmf->write && s->tun.v[T_THP_USE_ZERO_PAGE]) {
		uint64_t zpfn = get_huge_zero_page(vmf);
		if (zpfn != PFN_NONE) {
			set_pmd_at(s, vmf->mm, vmf->pmd,
				   pfn_pmd(zpfn, _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_SPECIAL));
			return HUGE_DONE;
		}
	}
	uint64_t pfn = vma_alloc_folio(s, vmf->cpu, vmf->t, vmf->vma, haddr, PMD_ORDER);
	if (pfn == PFN_NONE) {
		count_vm_event(&s->vs, THP_FAULT_FALLBACK);
		count_mthp_stat(&s->vs, PMD_ORDER, MTHP_STAT_ANON_FAULT_FALLBACK);
		return HUGE_FALLBACK;
	}
	struct folio *f = pfn_folio(&s->pm, pfn);
	charge_clear(vmf, f->nid, PMD_SIZE);	/* clear_huge_page() */
	folio_add_new_anon_rmap(s, f, vmf->vma, haddr);
	f[1].entire_mapcount = 1;
	f[1].large_mapcount = 1;
	uint64_t flags = _PAGE_PRESENT | _PAGE_ACCESSED;
	if (vmf->vma->vm_flags & VM_WRITE)	/* maybe_pmd_mkwrite(pmd_mkdirty()) */
		flags |= _PAGE_RW | _PAGE_DIRTY;
	set_pmd_at(s, vmf->mm, vmf->pmd, pfn_pmd(pfn, flags));
	folio_add_lru(s, f);	/* folio_add_lru_vma(): one LRU entry of 512 pages */
	count_vm_event(&s->vs, THP_FAULT_ALLOC);
	count_mthp_stat(&s->vs, PMD_ORDER, MTHP_STAT_ANON_FAULT_ALLOC);
	return HUGE_DONE;
}

int do_huge_pmd_wp_page(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	pmd_t p = vmf->pmd->pmd;
	uint64_t haddr = ALIGN_DOWN(vmf->address, PMD_SIZE);
	if (!pmd_special(p)) {
		struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
		if (folio_test(f, PG_anon_exclusive) && !folio_maybe_dma_pinned(f)) {
			tlb_defer_make_writable(s, vmf->cpu, vmf->mm, f);
			/* unlike wp_page_reuse(), no pgreuse count and last_cpupid kept */
			set_pmd_at(s, vmf->mm, vmf->pmd,
				   (pmd_t){ p.val | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED });
			return HUGE_DONE;
		}
	}
	/* the huge zero page, or a shared THP: split and handle per PTE */
	split_huge_pmd(s, vmf->cpu, vmf->mm, vmf->pmd, haddr);
	return HUGE_FALLBACK;
}

/* do_huge_pmd_numa_page(): a hint fault on a protnone PMD-mapped THP. */
enum fault_result do_huge_pmd_numa_page(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	pmd_t p = vmf->pmd->pmd;
	struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
	int flags = 0;
	uint32_t last_cpupid = CPUPID_UNSET;
	bool writable = (vmf->vma->vm_flags & VM_WRITE) && folio_test(f, PG_anon_exclusive);
	int nid = (int)folio_nid(f);
	cpu_charge_kernel(vmf->cpu, s->m.cost.hint_fault_ns);
	int target = numa_migrate_check(vmf, f, &flags, writable, &last_cpupid);
	if (target != NUMA_NO_NODE) {
		enum numa_migrate_result r = numa_migrate_folio(vmf, f, target, &flags, last_cpupid);
		if (r == NUMA_MIGRATED)
			return FAULT_OK;
		if (r == NUMA_MIGRATE_FAILED) {
			writable = false;
			p = vmf->pmd->pmd;
		}
	}
	/* restore the PMD: present, young, writable if it may be */
	pte_t e = pte_mkyoung(pte_mkpresent((pte_t){ p.val }));
	if (writable) {
		tlb_defer_make_writable(s, vmf->cpu, vmf->mm, f);
		e = pte_mkwrite(e);
	}
	set_pmd_at(s, vmf->mm, vmf->pmd, (pmd_t){ e.val });
	task_numa_fault(s, vmf->cpu, vmf->t, last_cpupid, nid, PTRS_PER_PTE, flags);
	return FAULT_OK;
}

void numa_restore_pmd_mapping(struct vm_fault *vmf, struct folio *f)
{
	struct sim *s = vmf->s;
	const bool writable = (vmf->vma->vm_flags & VM_WRITE) && folio_test(f, PG_anon_exclusive);
	pte_t e = pte_mkyoung(pte_mkpresent((pte_t){ vmf->pmd->pmd.val }));
	if (writable) {
		tlb_defer_make_writable(s, vmf->cpu, vmf->mm, f);
		e = pte_mkwrite(e);
	}
	set_pmd_at(s, vmf->mm, vmf->pmd, (pmd_t){ e.val });
}
