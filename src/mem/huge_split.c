// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/huge_split.c - splitting a large anonymous folio into base pages.
 * Models:     linux mm/huge_memory.c split_huge_page_to_list_to_order() to
 *             order 0 (split_folio()): __split_huge_pmd() on every PMD
 *             mapping first, then __split_huge_page(): each page becomes a
 *             folio of its own with the head's identity and its own map
 *             count; pages no mapping uses any more are freed.
 *             The pages of a folio on an LRU list stay on it
 *             (lru_add_split_folio()), with its PG_active and PG_referenced.
 * SIMPLIFIED: splits to order 0 only (no split to a smaller mTHP order);
 *             the folio is not unmapped into migration entries around the
 *             split, since the split is atomic in simulated time.
 * APPROX:     the pages rejoin the head of the folio's list, in order, where
 *             Linux puts them right after the head page wherever it was.
 */
#include <errno.h>

#include "mem/mm.h"
#include "sim.h"

static bool split_pmd_mapping(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			      struct pmd_slot *pmd, void *arg)
{
	(void)pte;
	if (pmd)
		split_huge_pmd(s, arg, mm, pmd, ALIGN_DOWN(addr, PMD_SIZE));
	return true;
}

/* can_split_folio(): no reference beyond the mappings */
static bool can_split_folio(const struct folio *f)
{
	return !folio_maybe_dma_pinned(f) && !folio_test(f, PG_isolated) &&
	       f->refcount == folio_mapcount(f);
}

int split_folio(struct sim *s, struct cpu *cpu, struct folio *f)
{
	if (!folio_order(f))
		return 0;
	if (!can_split_folio(f))
		return -EAGAIN;
	rmap_walk(s, f, split_pmd_mapping, cpu);
	return split_folio_ptes(s, f);
}

int split_folio_ptes(struct sim *s, struct folio *f)
{
	const uint32_t order = folio_order(f);
	if (!order)
		return 0;
	if (!can_split_folio(f))
		return -EAGAIN;
	VM_BUG_ON(folio_entire_mapcount(f) != 0);
	const uint64_t head = folio_pfn(&s->pm, f), nr = folio_nr_pages(f);
	folio_materialize_tails(&s->pm, head);
	const bool on_lru = folio_isolate_lru(s, f);
	const struct folio h = *f;
	const uint16_t keep = PG_anon | PG_anon_exclusive | PG_device | PG_active | PG_referenced;
	for (uint64_t i = 0; i < nr; i++) {
		struct folio *p = &f[i];
		int32_t mapcount = p->mapcount;
		*p = (struct folio){
			.flags = (uint16_t)(PG_head | (h.flags & keep)),
			.nid = h.nid,
			.mapcount = mapcount,
			.refcount = mapcount,
			.last_cpupid = h.last_cpupid,
			.version = h.version,	/* the same content, page by page */
			.anon_vma = h.anon_vma,
			.index = (uint32_t)(h.index + i),
		};
	}
	count_mthp_stat(&s->vs, order, MTHP_STAT_SPLIT);
	count_vm_event(&s->vs, order == PMD_ORDER ? THP_SPLIT_PAGE : SIM_MTHP_SPLIT_PAGE);
	mod_mthp_stat(&s->vs, order, MTHP_STAT_NR_ANON, -1);
	for (uint64_t i = 0; i < nr; i++) {
		if (f[i].mapcount) {
			mod_mthp_stat(&s->vs, 0, MTHP_STAT_NR_ANON, 1);
			continue;
		}
		/* a page of a partly unmapped folio: nobody uses it now */
		count_vm_event(&s->vs, PGFREE);
		free_folio_pages(&s->pm, head + i);
	}
	for (uint64_t i = 0; on_lru && i < nr; i++)
		if (f[i].mapcount)
			folio_add_lru(s, &f[i]);
	return 0;
}
