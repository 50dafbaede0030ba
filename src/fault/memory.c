// SPDX-License-Identifier: GPL-2.0-only
/*
 * fault/memory.c - the page-fault handler for anonymous memory.
 * Models:     linux mm/memory.c handle_mm_fault, __handle_mm_fault,
 *             handle_pte_fault, do_anonymous_page, alloc_anon_folio (mTHP
 *             order choice and fallback), do_wp_page, wp_page_reuse,
 *             wp_page_copy; mm/huge_memory.c thp_vma_allowable_orders.
 *             NUMA hint faults: do_numa_page, numa_migrate_check,
 *             mpol_misplaced, numa_rebuild_single_mapping,
 *             numa_rebuild_large_mapping.
 * SIMPLIFIED: no userfaultfd, no memcg (the *_fallback_charge counters stay
 *             0), no swap; PageAnonExclusive is tracked per folio, not per page;
 *             only the default policy and MPOL_F_NUMA_BALANCING ones are MPOL_F_MOF,
 *             as in Linux; memory under other explicit policies is never NUMA-migrated.
 */
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "fault/internal.h"
#include "migrate/migrate.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"

void charge_stream(struct vm_fault *vmf, uint32_t nid, uint64_t bytes, enum mem_op op)
{
	double ns = mem_stream_op_ns(vmf->s, vmf->cpu, nid, bytes, op);
	vmf->cpu->kernel_ns += (uint64_t)ns;
	cpu_advance(vmf->cpu, ns);
}

/* Clearing a new folio (clear_page(), clear_huge_page(), folio_zero_user()):
 * streaming stores to its node, no faster than the machine's clearing rate
 * where it has one (an emulator's rep stos is far slower than its stores). */
void charge_clear(struct vm_fault *vmf, uint32_t nid, uint64_t bytes)
{
	double ns = mem_stream_op_ns(vmf->s, vmf->cpu, nid, bytes, MEM_WRITE_NT);
	double rate = vmf->s->m.cost.clear_page_gbps;
	if (rate > 0 && (double)bytes / rate > ns)
		ns = (double)bytes / rate;
	vmf->cpu->kernel_ns += (uint64_t)ns;
	cpu_advance(vmf->cpu, ns);
}

uint32_t thp_vma_allowable_orders(const struct sim *s, const struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_NOHUGEPAGE)
		return 0;
	const bool madv = (vma->vm_flags & VM_HUGEPAGE) != 0;
	const uint64_t global = s->tun.v[T_THP_ENABLED];
	const bool inherit_ok = global == THP_ALWAYS || (global == THP_MADVISE && madv);
	uint32_t mask = 0;
	for (uint32_t order = MTHP_MIN_ORDER; order <= PMD_ORDER; order++) {
		enum thp_size_mode m = thp_size_mode(&s->tun, order);
		if (m == THP_SIZE_ALWAYS || (m == THP_SIZE_MADVISE && madv) ||
		    (m == THP_SIZE_INHERIT && inherit_ok))
			mask |= 1u << order;
	}
	return mask;
}

/* thp_vma_suitable_order(): the aligned block of @order lies inside the VMA. */
static bool thp_vma_suitable_order(const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	uint64_t haddr = ALIGN_DOWN(addr, PAGE_SIZE << order);
	return haddr >= vma->vm_start && haddr + (PAGE_SIZE << order) <= vma->vm_end;
}

static bool pte_range_none(const struct pte_table *pt, uint32_t idx, uint32_t nr)
{
	for (uint32_t i = 0; i < nr; i++)
		if (!pte_none(pt->pte[idx + i]))
			return false;
	return true;
}

static uint32_t highest_order(uint32_t orders)
{
	return 31u - (uint32_t)__builtin_clz(orders);
}

/*
 * alloc_anon_folio(): the largest allowed order below the PMD size whose
 * naturally aligned block is inside the VMA (and so inside one PMD) and wholly
 * unpopulated; then try to allocate each remaining order, largest first,
 * counting anon_fault_fallback for every order that fails; order 0 last.
 * Order 1 is never used for anonymous memory.
 */
static uint64_t alloc_anon_folio(struct vm_fault *vmf, uint32_t *order_out)
{
	struct sim *s = vmf->s;
	uint32_t orders = thp_vma_allowable_orders(s, vmf->vma) & ((1u << PMD_ORDER) - 1);
	for (uint32_t o = MTHP_MIN_ORDER; o < PMD_ORDER; o++)
		if ((orders & (1u << o)) && !thp_vma_suitable_order(vmf->vma, vmf->address, o))
			orders &= ~(1u << o);
	/* drop orders whose block already has a populated entry */
	while (orders) {
		uint32_t o = highest_order(orders);
		uint64_t haddr = ALIGN_DOWN(vmf->address, PAGE_SIZE << o);
		if (pte_range_none(vmf->pmd->pt, pte_index(haddr), 1u << o))
			break;
		orders &= ~(1u << o);
	}
	while (orders) {
		uint32_t o = highest_order(orders);
		uint64_t haddr = ALIGN_DOWN(vmf->address, PAGE_SIZE << o);
		uint64_t pfn = vma_alloc_folio(s, vmf->cpu, vmf->t, vmf->vma, haddr, o);
		if (pfn != PFN_NONE) {
			count_mthp_stat(&s->vs, o, MTHP_STAT_ANON_FAULT_ALLOC);
			*order_out = o;
			return pfn;
		}
		count_mthp_stat(&s->vs, o, MTHP_STAT_ANON_FAULT_FALLBACK);
		orders &= ~(1u << o);
	}
	*order_out = 0;
	return vma_alloc_folio(s, vmf->cpu, vmf->t, vmf->vma, vmf->address, 0);
}

static enum fault_result do_anonymous_page(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	struct pte_table *pt = vmf->pmd->pt;
	const uint64_t vflags = _PAGE_PRESENT | _PAGE_ACCESSED;

	/* A read of untouched memory maps the shared zero page. */
	if (!vmf->write) {
		set_pte_at(s, vmf->mm, pt, pte_index(vmf->address),
			   pfn_pte(s->zero_pfn, vflags | _PAGE_SPECIAL));
		count_vm_event(&s->vs, SIM_ZERO_PAGE_MAPS);
		return FAULT_OK;
	}
	uint32_t order;
	uint64_t pfn = alloc_anon_folio(vmf, &order);
	if (pfn == PFN_NONE)
		return FAULT_OOM;
	struct folio *f = pfn_folio(&s->pm, pfn);
	uint32_t nr = 1u << order;
	uint64_t haddr = ALIGN_DOWN(vmf->address, PAGE_SIZE << order);
	charge_clear(vmf, f->nid, (uint64_t)nr * PAGE_SIZE); /* folio_zero_user() */
	folio_add_new_anon_rmap(s, f, vmf->vma, haddr);
	f->refcount = (int32_t)nr;		/* one reference per PTE mapping */
	if (folio_test_large(f))
		f[1].large_mapcount = (int32_t)nr;
	uint64_t flags = vflags | ((vmf->vma->vm_flags & VM_WRITE) ? _PAGE_RW | _PAGE_DIRTY : 0);
	for (uint32_t i = 0; i < nr; i++) {
		f[i].mapcount = 1;
		set_pte_at(s, vmf->mm, pt, pte_index(haddr) + i, pfn_pte(pfn + i, flags));
	}
	folio_add_lru(s, f);	/* folio_add_lru_vma(): the inactive list (since 5.9) */
	return FAULT_OK;
}

/* wp_page_copy(): give this mapping its own copy of the page. */
static enum fault_result wp_page_copy(struct vm_fault *vmf, pte_t old)
{
	struct sim *s = vmf->s;
	uint64_t addr = ALIGN_DOWN(vmf->address, PAGE_SIZE);
	uint64_t pfn = vma_alloc_folio(s, vmf->cpu, vmf->t, vmf->vma, addr, 0);
	if (pfn == PFN_NONE)
		return FAULT_OOM;
	struct folio *nf = pfn_folio(&s->pm, pfn);
	if (pte_special(old)) {
		charge_clear(vmf, nf->nid, PAGE_SIZE);	/* clear */
	} else {
		struct folio *of = page_folio(&s->pm, pte_pfn(old));
		charge_stream(vmf, of->nid, PAGE_SIZE, MEM_READ);	/* read the old copy */
		charge_stream(vmf, nf->nid, PAGE_SIZE, MEM_WRITE_NT);	/* write the new one */
		nf->version = of->version;			/* same content */
		count_vm_event(&s->vs, SIM_COW_FAULTS);
	}
	folio_add_new_anon_rmap(s, nf, vmf->vma, addr);
	folio_add_lru(s, nf);	/* folio_add_lru_vma() */
	nf->mapcount = 1;
	set_pte_at(s, vmf->mm, vmf->pmd->pt, pte_index(addr),
		   pfn_pte(pfn, _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_RW | _PAGE_DIRTY));
	/* ptep_clear_flush(): the old read-only translation must go everywhere */
	flush_tlb_mm_range(s, vmf->cpu, vmf->mm, addr, addr + PAGE_SIZE, false);
	if (!pte_special(old)) {
		struct folio *of = folio_remove_pte_map(s, pte_pfn(old));
		folio_note_partially_mapped(s, of);
		folio_put_refs(s, of, 1);
	}
	return FAULT_OK;
}

/*
 * wp_page_reuse(): make the PTE writable in place. The folio's last_cpupid
 * is reset: it may name a task of a now unrelated process (the other side
 * of a fork), whose faults must not make this one look shared.
 */
static void wp_page_reuse(struct vm_fault *vmf, struct folio *f, pte_t p)
{
	struct sim *s = vmf->s;
	f->last_cpupid = CPUPID_UNSET;	/* folio_xchg_last_cpupid(folio, all ones) */
	tlb_defer_make_writable(s, vmf->cpu, vmf->mm, f);
	set_pte_at(s, vmf->mm, vmf->pmd->pt, pte_index(vmf->address),
		   pte_mkyoung(pte_mkdirty(pte_mkwrite(p))));
	count_vm_event(&s->vs, PGREUSE);
}

/* do_wp_page(): a write to a present read-only PTE in a writable VMA. */
static enum fault_result do_wp_page(struct vm_fault *vmf, pte_t p)
{
	struct sim *s = vmf->s;
	if (!pte_special(p)) {
		struct folio *f = page_folio(&s->pm, pte_pfn(p));
		bool reuse = folio_test(f, PG_anon_exclusive) ||
			     (!folio_test_large(f) && f->refcount == 1 && f->mapcount == 1);
		if (reuse && !folio_maybe_dma_pinned(f)) {
			folio_set(f, PG_anon_exclusive);
			wp_page_reuse(vmf, f, p);
			return FAULT_OK;
		}
	}
	return wp_page_copy(vmf, p);
}

/* ---- NUMA hint faults ---- */

/*
 * mpol_misplaced(): the node the folio should be on, or NUMA_NO_NODE. Only a
 * policy with MPOL_F_MOF asks for migration. Without a task or VMA policy,
 * get_task_policy() returns preferred_node_policy[thisnid]: MPOL_PREFERRED
 * on the faulting CPU's node with MPOL_F_MOF | MPOL_F_MORON. A folio already
 * on that node is in the policy's nodemask, so the function returns before
 * should_numa_migrate_memory(): a local fault never records its CPU and PID
 * in last_cpupid. Otherwise MPOL_F_MORON moves the folio towards the faulting
 * CPU if the filter agrees. An explicit policy has MPOL_F_MOF only from
 * MPOL_F_NUMA_BALANCING, on MPOL_BIND or MPOL_PREFERRED_MANY (mpol_new()):
 * then the folio may move towards the faulting CPU's node only if that node
 * is in the mask, and the filter runs even for a local folio (Linux 6.x; the
 * tiering promotion path is the same call).
 */
static int mpol_misplaced(struct vm_fault *vmf, struct folio *f)
{
	const struct mempolicy *pol = (vmf->vma->vm_flags & VM_HAS_POLICY) ? &vmf->vma->pol
									 : &vmf->t->pol;
	uint32_t curnid = folio_nid(f), thisnid = vmf->cpu->node;
	if (pol->mode == MPOL_DEFAULT) {
		if (curnid == thisnid)
			return NUMA_NO_NODE;	/* node_isset(curnid, pol->nodes) */
	} else if (!(pol->flags & MPOL_F_MOF)) {
		return NUMA_NO_NODE;
	} else {
		/* MPOL_BIND / MPOL_PREFERRED_MANY with MPOL_F_MORON: no move
		 * to a node outside the mask */
		if (!((pol->nodes >> thisnid) & 1))
			return NUMA_NO_NODE;
	}
	if (!should_numa_migrate_memory(vmf->s, vmf->t, f, curnid, vmf->cpu->id))
		return NUMA_NO_NODE;
	return curnid != thisnid ? (int)thisnid : NUMA_NO_NODE;
}

int numa_migrate_check(struct vm_fault *vmf, struct folio *f, int *flags, bool writable,
		       uint32_t *last_cpupid)
{
	struct sim *s = vmf->s;
	if (!writable)
		*flags |= TNF_NO_GROUP;		/* read-only data does not drive grouping */
	/* the field holds the scan time of a slow-tier folio in tiering mode */
	*last_cpupid = folio_use_access_time(s, f) ? CPUPID_UNSET : f->last_cpupid;
	vma_set_access_pid_bit(vmf->vma, vmf->t);
	count_vm_event(&s->vs, NUMA_HINT_FAULTS);
	if (folio_nid(f) == vmf->cpu->node) {
		count_vm_event(&s->vs, NUMA_HINT_FAULTS_LOCAL);
		*flags |= TNF_FAULT_LOCAL;
	}
	return mpol_misplaced(vmf, f);
}

enum numa_migrate_result numa_migrate_folio(struct vm_fault *vmf, struct folio *f, int target,
					    int *flags, uint32_t last_cpupid)
{
	struct sim *s = vmf->s;
	const uint64_t nr_pages = folio_nr_pages(f);	/* the folio is gone if it moves */
	if (migrate_misplaced_folio_prepare(s, vmf->cpu, f, (uint32_t)target)) {
		*flags |= TNF_MIGRATE_FAIL;
		return NUMA_MIGRATE_NOT_TRIED;
	}
	if (!migrate_misplaced_folio(s, vmf->cpu, f, (uint32_t)target)) {
		task_numa_fault(s, vmf->cpu, vmf->t, last_cpupid, target, nr_pages,
				*flags | TNF_MIGRATED);
		return NUMA_MIGRATED;
	}
	*flags |= TNF_MIGRATE_FAIL;
	return NUMA_MIGRATE_FAILED;
}

/* can_change_pte_writable() for a hint fault: a writable VMA and an
 * exclusively owned anonymous folio. */
static bool numa_pte_writable(const struct vm_fault *vmf, const struct folio *f)
{
	return (vmf->vma->vm_flags & VM_WRITE) && folio_test(f, PG_anon_exclusive);
}

static void numa_rebuild_single_mapping(struct vm_fault *vmf, uint64_t addr, bool writable)
{
	struct pte_table *pt = vmf->pmd->pt;
	pte_t p = pte_mkyoung(pte_mkpresent(pt->pte[pte_index(addr)]));
	if (writable)
		tlb_defer_make_writable(vmf->s, vmf->cpu, vmf->mm, page_folio(&vmf->s->pm, pte_pfn(p)));
	set_pte_at(vmf->s, vmf->mm, pt, pte_index(addr), writable ? pte_mkwrite(p) : p);
}

/*
 * numa_rebuild_large_mapping(): restore every protnone PTE of the large
 * folio in this page table and VMA at once, so a large folio takes one hint
 * fault, not one per page.
 */
static void numa_rebuild_large_mapping(struct vm_fault *vmf, struct folio *f, uint64_t fault_pfn,
				       bool ignore_writable)
{
	uint64_t head = folio_pfn(&vmf->s->pm, f);
	uint64_t addr_start = ALIGN_DOWN(vmf->address, PAGE_SIZE) - ((fault_pfn - head) << PAGE_SHIFT);
	uint64_t pt_start = ALIGN_DOWN(vmf->address, PMD_SIZE);
	uint64_t start = MAX(MAX(addr_start, pt_start), vmf->vma->vm_start);
	uint64_t end = MIN(MIN(addr_start + (folio_nr_pages(f) << PAGE_SHIFT), pt_start + PMD_SIZE),
			   vmf->vma->vm_end);
	const bool writable = !ignore_writable && numa_pte_writable(vmf, f);
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		pte_t p = vmf->pmd->pt->pte[pte_index(a)];
		if (!pte_protnone(p) || page_folio(&vmf->s->pm, pte_pfn(p)) != f)
			continue;
		numa_rebuild_single_mapping(vmf, a, writable);
	}
}

/*
 * do_numa_page(): a hint fault on a protnone PTE. Decide whether the folio
 * is misplaced and migrate it (the migration maps the copy); otherwise make
 * the mapping usable again. Either way the fault feeds task_numa_fault().
 */
enum fault_result do_numa_page(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	const pte_t p = vmf->pmd->pt->pte[pte_index(vmf->address)];
	struct folio *f = page_folio(&s->pm, pte_pfn(p));
	int flags = 0;
	uint32_t last_cpupid = CPUPID_UNSET;
	bool writable = numa_pte_writable(vmf, f), ignore_writable = false;
	int nid = NUMA_NO_NODE, target = NUMA_NO_NODE;
	const bool large = folio_test_large(f);
	cpu_charge_kernel(vmf->cpu, s->m.cost.hint_fault_ns);
	if (large && !s->tun.v[T_MTHP_NUMA])
		goto out_map;	/* before 6.10: "TODO: handle PTE-mapped THP" */
	nid = (int)folio_nid(f);
	target = numa_migrate_check(vmf, f, &flags, writable, &last_cpupid);
	if (target != NUMA_NO_NODE) {
		enum numa_migrate_result r = numa_migrate_folio(vmf, f, target, &flags, last_cpupid);
		if (r == NUMA_MIGRATED)
			return FAULT_OK;
		if (r == NUMA_MIGRATE_FAILED) {
			/* tried and failed: as the kernel, which dropped the
			 * page-table lock, restore without write permission */
			writable = false;
			ignore_writable = true;
		}
	}
out_map:
	if (large && s->tun.v[T_MTHP_NUMA])
		numa_rebuild_large_mapping(vmf, f, pte_pfn(p), ignore_writable);
	else
		numa_rebuild_single_mapping(vmf, vmf->address, writable);
	if (nid != NUMA_NO_NODE)
		task_numa_fault(s, vmf->cpu, vmf->t, last_cpupid, nid, folio_nr_pages(f), flags);
	return FAULT_OK;
}

void numa_restore_pte_mapping(struct vm_fault *vmf, struct folio *f)
{
	const pte_t p = vmf->pmd->pt->pte[pte_index(vmf->address)];
	if (folio_test_large(f) && vmf->s->tun.v[T_MTHP_NUMA])
		numa_rebuild_large_mapping(vmf, f, pte_pfn(p), false);
	else
		numa_rebuild_single_mapping(vmf, vmf->address, numa_pte_writable(vmf, f));
}

/*
 * do_swap_page()'s device-private branch, and do_huge_pmd_device_private():
 * the page's owner brings it back (pgmap->ops->migrate_to_ram()).
 */
static enum fault_result do_device_private(struct vm_fault *vmf, uint64_t pfn)
{
	const struct dev_pagemap *pgmap = page_pgmap(&vmf->s->pm, pfn);
	return pgmap->ops->migrate_to_ram(vmf);
}

static enum fault_result handle_pte_fault(struct vm_fault *vmf)
{
	struct pte_table *pt = vmf->pmd->pt;
	uint32_t idx = pte_index(vmf->address);
	pte_t p = pt->pte[idx];
	if (pte_none(p))
		return do_anonymous_page(vmf);
	if (is_device_private_entry(p))
		return do_device_private(vmf, pte_pfn(p));
	if (pte_protnone(p) && vma_is_accessible(vmf->vma))
		return vmf->s->policy->pte_hint_fault(vmf);	/* mainline: do_numa_page() */
	if (vmf->write && !pte_write(p))
		return do_wp_page(vmf, p);
	/* spurious fault: the entry allows the access; the walker sets A/D */
	return FAULT_OK;
}

static bool vma_permits(const struct vm_area_struct *vma, bool write)
{
	return write ? (vma->vm_flags & VM_WRITE) != 0 : (vma->vm_flags & VM_READ) != 0;
}

enum fault_result handle_mm_fault(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr,
				  bool write)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *vma = find_vma(mm, addr);
	if (!vma || !vma_permits(vma, write))
		return FAULT_SIGSEGV;
	count_vm_event(&s->vs, PGFAULT);
	cpu_charge_kernel(cpu, s->m.cost.minor_fault_ns);
	tlb_defer_fault(s, cpu, vma, write);

	struct vm_fault vmf = {
		.s = s, .cpu = cpu, .t = t, .mm = mm, .vma = vma, .address = addr, .write = write,
		.pmd = pmd_slot_alloc(&s->ptpool, &mm->pgd, addr),
	};
	if (!vmf.pmd->pmd.val && !vmf.pmd->pt &&
	    (thp_vma_allowable_orders(s, vma) & (1u << PMD_ORDER)) &&
	    thp_vma_suitable_order(vma, addr, PMD_ORDER)) {
		enum fault_result res;
		if (do_huge_pmd_anonymous_page(&vmf, &res) == HUGE_DONE)
			return res;
	} else if (vmf.pmd->pmd.val) {
		if (is_pmd_device_private_entry(vmf.pmd->pmd))	/* do_huge_pmd_device_private() */
			return do_device_private(&vmf, pmd_pfn(vmf.pmd->pmd));
		if (pmd_protnone(vmf.pmd->pmd))	/* mainline: do_huge_pmd_numa_page() */
			return s->policy->pmd_hint_fault(&vmf);
		if (!write || pmd_write(vmf.pmd->pmd))
			return FAULT_OK;	/* spurious: the walker sets A/D */
		if (do_huge_pmd_wp_page(&vmf) == HUGE_DONE)
			return FAULT_OK;
	}
	if (!vmf.pmd->pt)
		vmf.pmd->pt = pte_table_alloc(&s->ptpool);
	return handle_pte_fault(&vmf);
}
