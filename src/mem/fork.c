// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/fork.c - fork: a new process with a copy-on-write copy of the parent's
 * address space.
 * Models:     linux kernel/fork.c dup_mm/dup_mmap (VMAs copied,
 *             flush_tlb_mm(oldmm) at the end; copy_process, the task part,
 *             is do_fork() in sim.c, next to task_create()); mm/memory.c copy_page_range, copy_pte_range,
 *             copy_present_ptes (write-protect both sides of a CoW mapping,
 *             child entry old), copy_present_page (a possibly DMA-pinned
 *             exclusive page is copied for the child at once);
 *             mm/huge_memory.c copy_huge_pmd (a PMD THP is shared whole; a
 *             pinned one is split and copied per page; the huge zero page is
 *             mapped again); mm/rmap.c folio_try_dup_anon_rmap_{pte,pmd}.
 * SIMPLIFIED: every mapping is private anonymous, so every VMA is a CoW
 *             mapping; the child joins its parent's anon_vma sets instead of
 *             getting anon_vmas chained to them (mm.c); PageAnonExclusive is
 *             per folio (memory.c), so a pinned large folio is copied whole or
 *             shared whole; the parent's per-VMA scanner state is not copied
 *             (vma_numab_state_init).
 * APPROX:     the costs (FORK_*_NS); a pinned page's copy is charged as a
 *             read and a write stream, like wp_page_copy.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "cpu/tlbflush.h"
#include "mem/fork.h"
#include "sim.h"

#define FORK_VMA_NS	200	/* APPROX: vm_area_dup and anon_vma_fork, per VMA */
#define FORK_ENTRY_NS	2	/* APPROX: copy_present_ptes, per PTE or PMD entry */

struct fork_ctx {
	struct sim *s;
	struct cpu *cpu;		/* runs the parent; charged with the work */
	struct mm_struct *src, *dst;
	uint64_t nr_entries;		/* entries copied, for the cost */
};

/* ---- VMAs ---- */

/* rmap_walk() of a folio of anon_vma @id must visit the child's mm too. */
static void anon_vma_add_mm(struct sim *s, uint32_t id, uint32_t mm_id)
{
	if (!id)
		return;
	struct anon_vma *av = &s->anon_vmas[id];
	for (uint32_t i = 0; i < av->nr_mms; i++)
		if (av->mms[i] == mm_id)
			return;		/* VMAs split from one mapping share it */
	ARRAY_GROW(av->mms, av->cap, av->nr_mms, 4);
	av->mms[av->nr_mms++] = mm_id;
}

/*
 * dup_mmap's VMA part: every VMA again at the same place, with the same
 * flags, policy and anon_vma; other per-VMA state (the NUMA scanner's)
 * starts afresh, as vm_area_dup() + vma_numab_state_init() leave it.
 */
static void dup_vmas(struct sim *s, struct mm_struct *dst, const struct mm_struct *src)
{
	if (src->nr_vmas) {
		dst->vmas = xreallocarray(NULL, src->nr_vmas, sizeof(*dst->vmas));
		dst->cap_vmas = src->nr_vmas;
	}
	for (uint32_t i = 0; i < src->nr_vmas; i++) {
		const struct vm_area_struct *v = &src->vmas[i];
		dst->vmas[i] = (struct vm_area_struct){
			.vm_start = v->vm_start,
			.vm_end = v->vm_end,
			.vm_pgoff = v->vm_pgoff,
			.vm_flags = v->vm_flags,
			.anon_vma = v->anon_vma,
			.pol = v->pol,
		};
		anon_vma_add_mm(s, v->anon_vma, dst->id);
	}
	dst->nr_vmas = src->nr_vmas;
	dst->mmap_base = src->mmap_base;
	dst->stack_vm_start = src->stack_vm_start;
	memcpy(dst->region_addr, src->region_addr, sizeof(dst->region_addr));
	memcpy(dst->region_len, src->region_len, sizeof(dst->region_len));
	dst->nr_regions = src->nr_regions;
}

/* ---- page tables ---- */

/* A pinned page must not change under its pin: the child gets a copy now,
 * on the page's node if it has room, else the nearest that has. */
static uint64_t alloc_copy_page(struct sim *s, const struct cpu *cpu, uint32_t nid)
{
	const struct alloc_context ac = { .preferred_nid = nid, .local_nid = cpu->node };
	uint64_t pfn = rmqueue(s, &ac, nid, 0, WMARK_MIN);
	for (uint32_t i = 0; pfn == PFN_NONE && i < s->zonelist_len; i++)
		if (s->zonelist[nid][i] != nid)
			pfn = rmqueue(s, &ac, s->zonelist[nid][i], 0, WMARK_MIN);
	return pfn;
}

/*
 * copy_present_page(): page @pfn (of a pinned, exclusive folio) mapped at
 * @addr of @v gets a private copy in the child, writable if the VMA is (the
 * parent's entry stays as it is). Return 0 or -ENOMEM.
 */
static int copy_pinned_page(struct fork_ctx *c, const struct vm_area_struct *v,
			    struct pte_table *dpt, uint64_t addr, uint64_t pfn)
{
	struct sim *s = c->s;
	const struct folio *of = page_folio(&s->pm, pfn);
	uint64_t npfn = alloc_copy_page(s, c->cpu, of->nid);
	if (npfn == PFN_NONE)
		return -ENOMEM;
	struct folio *nf = pfn_folio(&s->pm, npfn);
	double ns = mem_stream_ns(s, c->cpu, of->nid, PAGE_SIZE) +	/* read the page */
		    mem_stream_op_ns(s, c->cpu, nf->nid, PAGE_SIZE, MEM_WRITE_NT); /* copy_page */
	c->cpu->kernel_ns += (uint64_t)ns;
	cpu_advance(c->cpu, ns);
	nf->version = of->version;		/* same content */
	/* folio_add_new_anon_rmap(RMAP_EXCLUSIVE) */
	folio_set(nf, PG_anon);
	folio_set(nf, PG_anon_exclusive);
	nf->anon_vma = v->anon_vma;
	nf->index = (uint32_t)(v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT));
	mod_mthp_stat(&s->vs, 0, MTHP_STAT_NR_ANON, 1);
	folio_add_lru(s, nf);			/* folio_add_lru_vma() */
	nf->mapcount = 1;			/* refcount 1 from the allocator */
	/* mk_pte(vm_page_prot) + maybe_mkwrite(pte_mkdirty()) */
	uint64_t flags = _PAGE_ACCESSED | _PAGE_DIRTY;
	if (!vma_is_accessible(v))
		flags |= _PAGE_PROTNONE;
	else
		flags |= _PAGE_PRESENT | ((v->vm_flags & VM_WRITE) ? _PAGE_RW : 0);
	set_pte_at(s, c->dst, dpt, pte_index(addr), pfn_pte(npfn, flags));
	return 0;
}

/* folio_try_dup_anon_rmap_pte() succeeded: one more PTE mapping of page @pfn. */
static void folio_dup_pte(struct sim *s, struct folio *f, uint64_t pfn)
{
	folio_clear(f, PG_anon_exclusive);
	pfn_folio(&s->pm, pfn)->mapcount++;
	if (folio_test_large(f))
		f[1].large_mapcount++;
	f->refcount++;
}

static bool folio_needs_early_copy(const struct folio *f)
{
	return folio_test(f, PG_anon_exclusive) && folio_maybe_dma_pinned(f);
}

/*
 * copy_nonpresent_pte() for a device-private entry: the child maps the same
 * device page; a writable entry becomes readable in both (CoW), so either
 * side's write faults the page back to system memory first.
 */
static void copy_device_private_pte(struct fork_ctx *c, struct pte_table *spt,
				    struct pte_table *dpt, uint64_t addr)
{
	struct sim *s = c->s;
	pte_t p = spt->pte[pte_index(addr)];
	c->nr_entries++;
	if (pte_write(p)) {
		p = pte_wrprotect(p);
		set_pte_at(s, c->src, spt, pte_index(addr), p);
	}
	folio_dup_pte(s, page_folio(&s->pm, pte_pfn(p)), pte_pfn(p));
	set_pte_at(s, c->dst, dpt, pte_index(addr), p);
}

/* copy_pte_range() over [start, end) of @v, inside one PMD. Return 0 or -ENOMEM. */
static int copy_pte_range(struct fork_ctx *c, const struct vm_area_struct *v,
			  struct pte_table *spt, uint64_t start, uint64_t end)
{
	struct sim *s = c->s;
	struct pmd_slot *dslot = pmd_slot_alloc(&s->ptpool, &c->dst->pgd, start);
	VM_BUG_ON(dslot->pmd.val);
	if (!dslot->pt)
		dslot->pt = pte_table_alloc(&s->ptpool);
	struct pte_table *dpt = dslot->pt;
	const bool cow = !(v->vm_flags & VM_SHARED);	/* is_cow_mapping() */

	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		uint32_t i = pte_index(a);
		pte_t p = spt->pte[i];
		if (is_device_private_entry(p)) {
			copy_device_private_pte(c, spt, dpt, a);
			continue;
		}
		if (!pte_present(p)) {
			/* no swap entries; migration entries live only inside
			 * migrate_pages(), never across a fork */
			VM_BUG_ON(!pte_none(p));
			continue;
		}
		c->nr_entries++;
		if (pte_special(p)) {
			set_pte_at(s, c->dst, dpt, i, p);	/* the zero page */
			continue;
		}
		struct folio *f = page_folio(&s->pm, pte_pfn(p));
		if (cow && folio_needs_early_copy(f)) {
			if (copy_pinned_page(c, v, dpt, a, pte_pfn(p)))
				return -ENOMEM;
			continue;
		}
		/* a CoW mapping: write-protect it in both processes */
		if (cow && pte_write(p)) {
			p = pte_wrprotect(p);
			set_pte_at(s, c->src, spt, i, p);
		}
		folio_dup_pte(s, f, pte_pfn(p));
		set_pte_at(s, c->dst, dpt, i, pte_mkold(p));
	}
	return 0;
}

/*
 * copy_huge_pmd(): share the PMD mapping at @sslot (of @haddr). Return true
 * when done; false when the parent's mapping was split (a pinned THP) and
 * its PTEs remain to be copied.
 */
static bool copy_huge_pmd(struct fork_ctx *c, const struct vm_area_struct *v,
			  struct pmd_slot *sslot, uint64_t haddr)
{
	struct sim *s = c->s;
	pmd_t p = sslot->pmd;
	const bool cow = !(v->vm_flags & VM_SHARED);
	VM_BUG_ON(!pmd_maps_page(p));
	if (!pmd_special(p)) {
		struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
		if (cow && folio_needs_early_copy(f)) {
			split_huge_pmd(s, c->cpu, c->src, sslot, haddr);
			return false;
		}
		if (cow && pmd_write(p)) {
			p.val &= ~_PAGE_RW;	/* pmdp_set_wrprotect() */
			set_pmd_at(s, c->src, sslot, p);
		}
		/* folio_try_dup_anon_rmap_pmd() */
		folio_clear(f, PG_anon_exclusive);
		f[1].entire_mapcount++;
		f[1].large_mapcount++;
		f->refcount++;
		p.val &= ~_PAGE_ACCESSED;	/* pmd_mkold() */
	}
	/* the huge zero page is mapped again as it is, uncounted */
	c->nr_entries++;
	set_pmd_at(s, c->dst, pmd_slot_alloc(&s->ptpool, &c->dst->pgd, haddr), p);
	return true;
}

/* copy_page_range() for VMA @v. Return 0 or -ENOMEM. */
static int copy_page_range(struct fork_ctx *c, const struct vm_area_struct *v)
{
	for (uint64_t a = v->vm_start, next; a < v->vm_end; a = next) {
		struct pmd_slot *slot = pmd_slot_lookup(&c->src->pgd, a);
		if (!slot) {	/* no PMD table: nothing mapped up to the next PUD */
			next = MIN(ALIGN_DOWN(a, PUD_SIZE) + PUD_SIZE, v->vm_end);
			continue;
		}
		next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, v->vm_end);
		if (slot->pmd.val) {
			/* no PMD mapping straddles a VMA boundary (vma_split_at) */
			VM_BUG_ON(!IS_ALIGNED(a, PMD_SIZE) || next - a != PMD_SIZE);
			if (copy_huge_pmd(c, v, slot, a))
				continue;
		}
		if (slot->pt && (slot->pt->nr_mapped || slot->pt->nr_device) &&
		    copy_pte_range(c, v, slot->pt, a, next))
			return -ENOMEM;
	}
	return 0;
}

/* ---- address spaces and processes ---- */

/*
 * The time series keeps one row of resident pages and one of runnable tasks
 * per mm in every sample, and the report reads s->nr_mms rows from each:
 * samples taken before this mm existed get rows of zeros.
 */
static void ts_add_mm(struct sim *s)
{
	const size_t row = MAX_NUMNODES;
	for (uint32_t i = 0; i < s->ts.nr; i++) {
		host_mem_recharge(&s->hostmem, host_est_sample(s->nr_mms - 1), host_est_sample(s->nr_mms));
		struct ts_sample *x = &s->ts.s[i];
		x->proc_node = xreallocarray(x->proc_node, s->nr_mms * row, sizeof(*x->proc_node));
		memset(&x->proc_node[(s->nr_mms - 1) * row], 0, row * sizeof(*x->proc_node));
		x->proc_tasks = xreallocarray(x->proc_tasks, s->nr_mms * row, sizeof(*x->proc_tasks));
		memset(&x->proc_tasks[(s->nr_mms - 1) * row], 0, row * sizeof(*x->proc_tasks));
	}
}

struct mm_struct *dup_mm(struct sim *s, struct cpu *cpu, struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_create(s);
	ts_add_mm(s);
	dup_vmas(s, mm, oldmm);

	struct fork_ctx c = { .s = s, .cpu = cpu, .src = oldmm, .dst = mm };
	int rc = 0;
	for (uint32_t i = 0; i < oldmm->nr_vmas && !rc; i++)
		rc = copy_page_range(&c, &oldmm->vmas[i]);
	cpu_charge_kernel(cpu, oldmm->nr_vmas * (uint64_t)FORK_VMA_NS +
			       c.nr_entries * FORK_ENTRY_NS);
	/*
	 * dup_mmap() ends with flush_tlb_mm(oldmm): the parent's CPUs may still
	 * hold writable translations of pages that are now shared read-only.
	 * Done even when the copy failed part-way: entries were write-protected.
	 */
	flush_tlb_mm_range(s, cpu, oldmm, 0, USER_VA_END, false);
	return rc ? NULL : mm;
}
