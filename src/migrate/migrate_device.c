// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate/migrate_device.c - the migrate_vma API: ranges to and from
 * device-private memory, whole THPs included.
 * Models:     linux mm/migrate_device.c: migrate_vma_setup() with
 *             migrate_vma_collect_pmd/_huge_pmd/_hole (compound entries under
 *             MIGRATE_VMA_SELECT_COMPOUND, split otherwise),
 *             migrate_vma_unmap() (try_to_migrate, one flush),
 *             migrate_vma_pages() with migrate_vma_split_folio() when a
 *             compound source gets no compound destination,
 *             migrate_vma_insert_page() and migrate_vma_insert_huge_pmd_page()
 *             for empty sources, migrate_vma_finalize().
 * SIMPLIFIED: anonymous private memory only; see migrate_device.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/array.h"
#include "cpu/tlbflush.h"
#include "fault/fault.h"
#include "migrate/internal.h"
#include "migrate/migrate_device.h"
#include "sim.h"

static uint64_t src_index(const struct migrate_vma *a, uint64_t addr)
{
	return (addr - a->start) >> PAGE_SHIFT;
}

/* Does @a select the pages of @f? */
static bool selected(const struct migrate_vma *a, const struct folio *f)
{
	if (folio_test(f, PG_device))
		return (a->flags & MIGRATE_VMA_SELECT_DEVICE_PRIVATE) && folio_nid(f) == a->pgmap_owner;
	return (a->flags & MIGRATE_VMA_SELECT_SYSTEM) && folio_test(f, PG_anon) &&
	       !folio_test(f, PG_zero);
}

/* migrate_vma_collect_hole(): nothing mapped in [start, end); the driver may
 * populate it (one compound entry for a whole PMD range if selected). */
static void collect_hole(struct migrate_vma *a, uint64_t start, uint64_t end, bool compound)
{
	if (!(a->flags & MIGRATE_VMA_SELECT_SYSTEM))
		return;
	if (compound) {
		a->src[src_index(a, start)] = MIGRATE_PFN_MIGRATE | MIGRATE_PFN_COMPOUND;
		a->cpages += PTRS_PER_PTE;
		return;
	}
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		a->src[src_index(a, addr)] = MIGRATE_PFN_MIGRATE;
		a->cpages++;
	}
}

/* migrate_vma_collect_pmd()'s PTE loop; a large folio is split first. */
static void collect_ptes(struct sim *s, struct migrate_vma *a, struct pmd_slot *slot,
			 uint64_t start, uint64_t end)
{
	for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t p = slot->pt->pte[pte_index(addr)];
		uint64_t *src = &a->src[src_index(a, addr)];
		if (pte_none(p) || (pte_present(p) && pte_special(p))) {
			if (a->flags & MIGRATE_VMA_SELECT_SYSTEM) {
				*src = MIGRATE_PFN_MIGRATE;	/* a hole, or the zero page */
				a->cpages++;
			}
			continue;
		}
		if (!pte_maps_page(p))
			continue;
		struct folio *f = page_folio(&s->pm, pte_pfn(p));
		if (!selected(a, f) || folio_maybe_dma_pinned(f))
			continue;
		if (folio_test_large(f) && split_folio(s, a->cpu, f))
			continue;
		*src = migrate_pfn(pte_pfn(p)) | MIGRATE_PFN_MIGRATE | (pte_write(p) ? MIGRATE_PFN_WRITE : 0);
		a->cpages++;
	}
}

/* migrate_vma_collect_huge_pmd(): one compound entry if the range covers the
 * THP and compound is selected, else split and collect the PTEs. */
static void collect_huge_pmd(struct sim *s, struct migrate_vma *a, struct pmd_slot *slot,
			     uint64_t start, uint64_t end)
{
	const pmd_t p = slot->pmd;
	const bool compound = (a->flags & MIGRATE_VMA_SELECT_COMPOUND) &&
			      IS_ALIGNED(start, PMD_SIZE) && end - start == PMD_SIZE;
	if (pmd_special(p)) {	/* the huge zero page: as a hole */
		if (compound) {
			collect_hole(a, start, end, true);
			return;
		}
	} else {
		struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
		if (!selected(a, f))
			return;
		if (compound && !folio_maybe_dma_pinned(f)) {
			a->src[src_index(a, start)] = migrate_pfn(pmd_pfn(p)) | MIGRATE_PFN_MIGRATE |
						      MIGRATE_PFN_COMPOUND |
						      (pmd_write(p) ? MIGRATE_PFN_WRITE : 0);
			a->cpages += PTRS_PER_PTE;
			return;
		}
	}
	split_huge_pmd(s, a->cpu, a->mm, slot, ALIGN_DOWN(start, PMD_SIZE));
	collect_ptes(s, a, slot, start, end);
}

static void migrate_vma_unmap(struct sim *s, struct migrate_vma *a);

int migrate_vma_setup(struct sim *s, struct migrate_vma *a)
{
	const struct vm_area_struct *v = a->vma;
	if (!v || a->start >= a->end || !IS_ALIGNED(a->start, PAGE_SIZE) ||
	    !IS_ALIGNED(a->end, PAGE_SIZE) || a->start < v->vm_start || a->end > v->vm_end)
		return -EINVAL;
	a->npages = (a->end - a->start) >> PAGE_SHIFT;
	a->cpages = 0;
	a->nr_sites = 0;
	for (uint64_t i = 0; i < a->npages; i++)
		a->src[i] = a->dst[i] = 0;
	for (uint64_t addr = a->start, next; addr < a->end; addr = next) {
		next = MIN(ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE, a->end);
		struct pmd_slot *slot = pmd_slot_lookup(&a->mm->pgd, addr);
		if (slot && slot->pmd.val)
			collect_huge_pmd(s, a, slot, addr, next);
		else if (slot && slot->pt)
			collect_ptes(s, a, slot, addr, next);
		else
			collect_hole(a, addr, next, (a->flags & MIGRATE_VMA_SELECT_COMPOUND) &&
						    IS_ALIGNED(addr, PMD_SIZE) && next - addr == PMD_SIZE);
	}
	migrate_vma_unmap(s, a);
	return 0;
}

/* ---- migrate_vma_unmap ---- */

struct unmap_arg {
	struct migrate_vma *a;
	uint32_t index;			/* the src entry whose folio this is */
	bool need_flush;
	struct mm_struct **mms;
	uint32_t nr_mms;
};

/* A new site slot for src entry @index; the array may move. */
static struct migrate_site *site_add(struct migrate_vma *a, uint32_t index)
{
	if (a->nr_sites == a->cap_sites) {
		a->cap_sites = array_next_cap(a->cap_sites, a->nr_sites + 1ull, 64,
					      ARRAY_CAP_MAX(a->cap_sites));
		a->sites = xreallocarray(a->sites, a->cap_sites, sizeof(*a->sites));
		a->site_src = xreallocarray(a->site_src, a->cap_sites, sizeof(*a->site_src));
	}
	a->site_src[a->nr_sites] = index;
	return &a->sites[a->nr_sites++];
}

static bool unmap_one(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		      struct pmd_slot *pmd, void *arg)
{
	struct unmap_arg *u = arg;
	struct migrate_site *site = site_add(u->a, u->index);
	migrate_site_unmap(s, mm, addr, pte, pmd, site);
	/* a protnone or device-private entry is in no TLB */
	u->need_flush |= (site->old & _PAGE_PRESENT) != 0;
	uint32_t m = 0;
	while (m < u->nr_mms && u->mms[m] != mm)
		m++;
	if (m == u->nr_mms)
		u->mms[u->nr_mms++] = mm;
	return true;
}

/* migrate_vma_unmap(): every selected page's mappings become migration
 * entries (try_to_migrate()), then one shootdown (try_to_unmap_flush()). */
static void migrate_vma_unmap(struct sim *s, struct migrate_vma *a)
{
	struct unmap_arg u = { .a = a, .mms = calloc(s->nr_mms, sizeof(*u.mms)) };
	if (!u.mms)
		abort();
	for (uint64_t i = 0; i < a->npages; i++) {
		const uint64_t e = a->src[i];
		if ((e & MIGRATE_PFN_MIGRATE) && (e & MIGRATE_PFN_VALID)) {
			struct folio *f = pfn_folio(&s->pm, migrate_pfn_to_pfn(e));
			folio_set(f, PG_isolated);	/* reclaim and NUMA balancing keep off */
			folio_isolate_lru(s, f);
			u.index = (uint32_t)i;
			rmap_walk(s, f, unmap_one, &u);
		}
	}
	for (uint32_t m = 0; u.need_flush && m < u.nr_mms; m += 8)
		flush_tlb_batch(s, a->cpu, u.mms + m, MIN(8u, u.nr_mms - m));
	free(u.mms);
}

/* ---- migrate_vma_pages ---- */

/*
 * One PMD migration entry of a THP being split: it becomes 512 PTE migration
 * entries (the PMD's mapping becomes 512 PTE ones, as __split_huge_pmd()
 * does for a present PMD), and its site 512 sites.
 */
static void split_pmd_site(struct sim *s, struct migrate_vma *a, uint32_t k, uint32_t index)
{
	const struct migrate_site site = a->sites[k];
	struct pmd_slot *slot = site.slot;
	const uint64_t pfn = pmd_pfn(slot->pmd), flags = slot->pmd.val & _PAGE_FLAGS_MASK;
	struct folio *f = pfn_folio(&s->pm, pfn);
	folio_materialize_tails(&s->pm, pfn);
	set_pmd_at(s, site.mm, slot, (pmd_t){ 0 });
	slot->pt = pte_table_alloc(&s->ptpool);
	for (uint32_t j = 0; j < PTRS_PER_PTE; j++) {
		set_pte_at(s, site.mm, slot->pt, j, pfn_pte(pfn + j, flags));
		f[j].mapcount++;
		struct migrate_site *n = site_add(a, index + j);
		*n = (struct migrate_site){ .mm = site.mm, .addr = site.addr + ((uint64_t)j << PAGE_SHIFT),
					    .slot = slot, .old = ((pfn + j) << PAGE_SHIFT) |
								 (site.old & _PAGE_FLAGS_MASK) };
	}
	f[1].entire_mapcount--;
	f[1].large_mapcount += PTRS_PER_PTE - 1;
	f->refcount += PTRS_PER_PTE - 1;
	a->sites[k].mm = NULL;	/* gone: its 512 successors stand for it */
}

/* migrate_vma_split_folio(): the destination of compound entry @i is 512
 * base pages, so the unmapped source THP is split into base pages too. */
static bool split_compound_source(struct sim *s, struct migrate_vma *a, uint64_t i)
{
	const uint64_t e = a->src[i];
	if (e & MIGRATE_PFN_VALID) {
		struct folio *f = pfn_folio(&s->pm, migrate_pfn_to_pfn(e));
		if (f->refcount != folio_mapcount(f) || folio_maybe_dma_pinned(f))
			return false;
		const uint64_t head = migrate_pfn_to_pfn(e);
		const uint32_t n = a->nr_sites;
		folio_clear(f, PG_isolated);	/* we are the isolator: we may split it */
		for (uint32_t k = 0; k < n; k++) {
			if (a->site_src[k] != i || !a->sites[k].mm)
				continue;
			if (a->sites[k].pmd)
				split_pmd_site(s, a, k, (uint32_t)i);
			else	/* a PTE of the THP (another mm's): its own page's entry */
				a->site_src[k] = (uint32_t)(i + (a->sites[k].old >> PAGE_SHIFT) - head);
		}
		int rc = split_folio_ptes(s, f);
		folio_set(f, PG_isolated);
		if (rc)
			return false;
		for (uint64_t j = 1; j < PTRS_PER_PTE; j++)
			folio_set(&f[j], PG_isolated);
		count_vm_event(&s->vs, SIM_DEVICE_THP_SPLIT);
	}
	for (uint64_t j = 0; j < PTRS_PER_PTE; j++) {
		a->src[i + j] = MIGRATE_PFN_MIGRATE;
		if (e & MIGRATE_PFN_VALID)
			a->src[i + j] |= migrate_pfn(migrate_pfn_to_pfn(e) + j) |
					 (e & MIGRATE_PFN_WRITE);
	}
	return true;
}

void migrate_vma_pages(struct sim *s, struct migrate_vma *a)
{
	for (uint64_t i = 0; i < a->npages; i++) {
		const uint64_t e = a->src[i];
		if (!(e & MIGRATE_PFN_MIGRATE))
			continue;
		if (!(a->dst[i] & MIGRATE_PFN_VALID)) {	/* the driver skipped it */
			a->src[i] &= ~MIGRATE_PFN_MIGRATE;
			continue;
		}
		if ((e & MIGRATE_PFN_COMPOUND) && !(a->dst[i] & MIGRATE_PFN_COMPOUND) &&
		    !split_compound_source(s, a, i))
			a->src[i] &= ~MIGRATE_PFN_MIGRATE;
	}
}

/* ---- migrate_vma_finalize ---- */

static uint64_t new_entry(const struct vm_area_struct *v, const struct folio *dst)
{
	bool writable = (v->vm_flags & VM_WRITE) != 0;
	if (folio_test(dst, PG_device))
		return _PAGE_DEVICE | (writable ? _PAGE_RW : 0);
	return _PAGE_PRESENT | _PAGE_ACCESSED | (writable ? _PAGE_RW | _PAGE_DIRTY : 0);
}

/* migrate_vma_insert_huge_pmd_page(): map THP @dst at PMD-aligned @addr if
 * nothing but the huge zero page maps the range. */
static bool insert_huge_pmd(struct sim *s, struct migrate_vma *a, uint64_t addr, struct folio *dst)
{
	struct pmd_slot *slot = pmd_slot_alloc(&s->ptpool, &a->mm->pgd, addr);
	if (slot->pt || (slot->pmd.val && !pmd_special(slot->pmd)))
		return false;
	bool zero = slot->pmd.val != 0;
	folio_add_new_anon_rmap(s, dst, a->vma, addr);
	folio_add_lru(s, dst);
	dst[1].entire_mapcount = 1;
	dst[1].large_mapcount = 1;
	set_pmd_at(s, a->mm, slot, pfn_pmd(folio_pfn(&s->pm, dst), new_entry(a->vma, dst)));
	if (zero)
		flush_tlb_mm_range(s, a->cpu, a->mm, addr, addr + PMD_SIZE, true);
	return true;
}

/* migrate_vma_insert_page(): map page @dst at @addr if nothing but the zero
 * page maps it. */
static bool insert_page(struct sim *s, struct migrate_vma *a, uint64_t addr, struct folio *dst)
{
	struct pmd_slot *slot = pmd_slot_alloc(&s->ptpool, &a->mm->pgd, addr);
	if (slot->pmd.val)
		return false;
	if (!slot->pt)
		slot->pt = pte_table_alloc(&s->ptpool);
	pte_t p = slot->pt->pte[pte_index(addr)];
	if (!pte_none(p) && !(pte_present(p) && pte_special(p)))
		return false;
	folio_add_new_anon_rmap(s, dst, a->vma, addr);
	folio_add_lru(s, dst);
	dst->mapcount = 1;
	set_pte_at(s, a->mm, slot->pt, pte_index(addr),
		   pfn_pte(folio_pfn(&s->pm, dst), new_entry(a->vma, dst)));
	if (!pte_none(p))	/* the zero page's translation goes */
		flush_tlb_mm_range(s, a->cpu, a->mm, addr, addr + PAGE_SIZE, false);
	return true;
}

static void count_moved(struct sim *s, const struct folio *dst, bool populated)
{
	const uint64_t nr = folio_nr_pages(dst);
	const bool thp = folio_order(dst) == PMD_ORDER;
	if (populated)
		count_vm_events(&s->vs, SIM_DEVICE_POPULATED_PAGES, nr);
	else if (folio_test(dst, PG_device)) {
		count_vm_events(&s->vs, SIM_DEVICE_TO_DEVICE_PAGES, nr);
		count_vm_events(&s->vs, SIM_DEVICE_TO_DEVICE_THP, thp);
	} else {
		count_vm_events(&s->vs, SIM_DEVICE_TO_RAM_PAGES, nr);
		count_vm_events(&s->vs, SIM_DEVICE_TO_RAM_THP, thp);
	}
}

static bool moved(const struct migrate_vma *a, uint64_t i)
{
	return (a->src[i] & (MIGRATE_PFN_MIGRATE | MIGRATE_PFN_VALID)) ==
		       (MIGRATE_PFN_MIGRATE | MIGRATE_PFN_VALID) &&
	       (a->dst[i] & MIGRATE_PFN_VALID);
}

void migrate_vma_finalize(struct sim *s, struct migrate_vma *a)
{
	/* remove_migration_ptes(): each entry maps the copy, or the source again */
	for (uint32_t k = 0; k < a->nr_sites; k++) {
		const uint32_t i = a->site_src[k];
		if (!a->sites[k].mm)
			continue;
		const uint64_t spfn = migrate_pfn_to_pfn(a->src[i]);
		remove_migration_pte(s, &a->sites[k], spfn,
				     moved(a, i) ? migrate_pfn_to_pfn(a->dst[i]) : spfn);
	}
	for (uint64_t i = 0; i < a->npages; i++) {
		const uint64_t e = a->src[i], d = a->dst[i];
		struct folio *dst = (d & MIGRATE_PFN_VALID) ? pfn_folio(&s->pm, migrate_pfn_to_pfn(d))
							    : NULL;
		bool used = false;
		if (e & MIGRATE_PFN_VALID)	/* putback: isolation ends */
			folio_clear(pfn_folio(&s->pm, migrate_pfn_to_pfn(e)), PG_isolated);
		if (moved(a, i)) {	/* the copy takes over; the source is freed */
			struct folio *src = pfn_folio(&s->pm, migrate_pfn_to_pfn(e));
			folio_migrate_meta(s, src, dst);
			folio_add_lru(s, dst);	/* system memory only: no device LRU */
			if (!folio_test(src, PG_device))
				count_vm_events(&s->vs, PGFREE, folio_nr_pages(src));
			free_folio_pages(&s->pm, migrate_pfn_to_pfn(e));
			count_moved(s, dst, false);
			used = true;
		} else if (e & MIGRATE_PFN_VALID) {	/* restored above */
			struct folio *src = pfn_folio(&s->pm, migrate_pfn_to_pfn(e));
			count_vm_events(&s->vs, SIM_DEVICE_MIGRATE_FAIL, folio_nr_pages(src));
			if (!folio_test(src, PG_lru))	/* folio_putback_lru() */
				folio_add_lru(s, src);
		} else if ((e & MIGRATE_PFN_MIGRATE) && dst) {
			uint64_t addr = a->start + (i << PAGE_SHIFT);
			used = folio_test_large(dst) ? insert_huge_pmd(s, a, addr, dst)
						     : insert_page(s, a, addr, dst);
			if (used)
				count_moved(s, dst, true);
			else
				count_vm_events(&s->vs, SIM_DEVICE_MIGRATE_FAIL, folio_nr_pages(dst));
		}
		if (dst && !used)
			migrate_free_unused_dst(s, dst);
	}
	free(a->sites);
	free(a->site_src);
	a->sites = NULL;
	a->site_src = NULL;
	a->nr_sites = a->cap_sites = 0;
}
