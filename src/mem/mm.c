// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/mm.c - address spaces and the system calls that change them.
 * Models:     linux mm/mmap.c (mmap, vma split), mm/mremap.c (move_vma,
 *             move_page_tables, move_huge_pmd, move_ptes), mm/memory.c
 *             (zap_pte_range, zap_huge_pmd), mm/mprotect.c (change_protection,
 *             can_change_pte_writable), mm/madvise.c (madvise_cold,
 *             madvise_pageout, madvise_cold_or_pageout_pte_range),
 *             mm/mempolicy.c (mbind), thp_get_unmapped_area (aligned mmap),
 *             mm/huge_memory.c (__split_huge_pmd), mm/rmap.c (rmap_walk_anon).
 *             Device-private entries (PTE and PMD) are handled everywhere.
 * SIMPLIFIED: VMAs never merge; anonymous mappings only (MAP_SHARED ones are
 *             anonymous folios every sharer maps writable, no shmem); one
 *             anon_vma per mapping shared by every mm that forks from it; page
 *             tables emptied by munmap are kept until the mm is destroyed;
 *             mremap moves only to a new address above every mapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "sim.h"
#include "workload/workload.h"

_Static_assert(WL_MAX_REGIONS == MM_MAX_REGIONS, "workloads create the regions an mm holds");

#define MMAP_BASE (1ull << 30)
#define MMAP_GAP PMD_SIZE	/* keeps mappings apart, so none ever merge */

/* ---- page-table entries ---- */

static uint32_t pfn_nid(const struct sim *s, uint64_t pfn)
{
	return page_folio(&s->pm, pfn)->nid;
}

static void rss_account(struct mm_struct *mm, uint64_t val, uint32_t nid, int64_t pages)
{
	/* device-private pages count, as in Linux (MM_ANONPAGES) */
	if (val && !(val & _PAGE_SPECIAL) && (val & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_DEVICE)))
		mm->rss_node[nid] = (uint64_t)((int64_t)mm->rss_node[nid] + pages);
}

void set_pte_at(struct sim *s, struct mm_struct *mm, struct pte_table *pt, uint32_t idx, pte_t pte)
{
	pte_t old = pt->pte[idx];
	uint32_t onid = pte_nid(old);
	const bool maps = pte_maps_page(pte);
	uint32_t nnid = maps ? pfn_nid(s, pte_pfn(pte)) : 0;
	if (maps)
		pte = pte_set_nid(pte, nnid);
	pte_table_account(pt, old, onid, -1);
	pte_table_account(pt, pte, nnid, 1);
	rss_account(mm, old.val, onid, -1);
	rss_account(mm, pte.val, nnid, 1);
	pt->pte[idx] = pte;
}

void set_pmd_at(struct sim *s, struct mm_struct *mm, struct pmd_slot *slot, pmd_t pmd)
{
	pmd_t old = slot->pmd;
	if (pmd_maps_page(old))
		rss_account(mm, old.val, pmd_nid(old), -PTRS_PER_PTE);
	if (pmd_maps_page(pmd)) {
		uint32_t nid = pfn_nid(s, pmd_pfn(pmd));
		pmd.val = (pmd.val & ~_PAGE_NID_MASK) | ((uint64_t)nid << _PAGE_NID_SHIFT);
		rss_account(mm, pmd.val, nid, PTRS_PER_PTE);
	}
	slot->pmd = pmd;
}

/* ---- folio references ---- */

void folio_put_refs(struct sim *s, struct folio *f, int32_t refs)
{
	VM_BUG_ON(f->refcount < refs);
	f->refcount -= refs;
	if (f->refcount > 0)
		return;
	VM_BUG_ON(folio_mapcount(f) != 0);
	uint32_t order = folio_order(f);
	folio_release_lru(s, f);	/* __page_cache_release() */
	mod_mthp_stat(&s->vs, order, MTHP_STAT_NR_ANON, -1);
	count_vm_events(&s->vs, PGFREE, 1ull << order);
	free_folio_pages(&s->pm, folio_pfn(&s->pm, f));
}

void folio_add_new_anon_rmap(struct sim *s, struct folio *f, const struct vm_area_struct *vma,
			     uint64_t haddr)
{
	folio_set(f, PG_anon);
	folio_set(f, PG_anon_exclusive);
	f->last_cpupid = CPUPID_UNSET;	/* page_cpupid_reset_last() */
	f->anon_vma = vma->anon_vma;
	f->index = (uint32_t)(vma->vm_pgoff + ((haddr - vma->vm_start) >> PAGE_SHIFT));
	mod_mthp_stat(&s->vs, folio_order(f), MTHP_STAT_NR_ANON, 1);
}

struct folio *folio_remove_pte_map(struct sim *s, uint64_t pfn)
{
	struct folio *page = pfn_folio(&s->pm, pfn);
	struct folio *f = page_folio(&s->pm, pfn);
	page->mapcount--;
	if (folio_test_large(f))
		f[1].large_mapcount--;
	return f;
}

void folio_note_partially_mapped(struct sim *s, struct folio *f)
{
	if (!folio_test_large(f) || f[1].large_mapcount == 0 || folio_entire_mapcount(f) ||
	    folio_test(f, PG_partially_mapped))
		return;
	folio_set(f, PG_partially_mapped);	/* deferred_split_folio() */
	count_mthp_stat(&s->vs, folio_order(f), MTHP_STAT_SPLIT_DEFERRED);
}

/* ---- VMAs ---- */

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	uint32_t lo = 0, hi = mm->nr_vmas;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (mm->vmas[mid].vm_end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < mm->nr_vmas && mm->vmas[lo].vm_start <= addr)
		return &mm->vmas[lo];
	return NULL;
}

static void vma_insert_at(struct mm_struct *mm, uint32_t pos, const struct vm_area_struct *v)
{
	ARRAY_GROW(mm->vmas, mm->cap_vmas, mm->nr_vmas, 16);
	memmove(&mm->vmas[pos + 1], &mm->vmas[pos], (mm->nr_vmas - pos) * sizeof(*v));
	mm->vmas[pos] = *v;
	mm->nr_vmas++;
}

/*
 * Split the VMA containing @addr so that a VMA starts at @addr (__split_vma).
 * A PMD mapping across the cut is split first (vma_adjust_trans_huge): no
 * PMD may straddle two VMAs.
 */
static void vma_split_at(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(mm, addr);
	if (!v || v->vm_start == addr)
		return;
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
	if (!IS_ALIGNED(addr, PMD_SIZE) && slot && slot->pmd.val)
		split_huge_pmd(s, cpu, mm, slot, ALIGN_DOWN(addr, PMD_SIZE));
	struct vm_area_struct tail = *v;
	tail.vm_start = addr;
	tail.vm_pgoff = v->vm_pgoff + ((addr - v->vm_start) >> PAGE_SHIFT);
	v->vm_end = addr;
	vma_insert_at(mm, (uint32_t)(v - mm->vmas) + 1, &tail);
}

/* Make [start, end) a run of whole VMAs; return -ENOMEM if it has holes. */
static int vma_isolate_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			     uint64_t end)
{
	for (uint64_t a = start; a < end;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start > a)
			return -ENOMEM;
		a = v->vm_end;
	}
	vma_split_at(s, cpu, mm, start);
	vma_split_at(s, cpu, mm, end);
	return 0;
}

static uint32_t anon_vma_create(struct sim *s, struct mm_struct *mm)
{
	ARRAY_GROW(s->anon_vmas, s->cap_anon_vmas, s->nr_anon_vmas, 16);
	struct anon_vma *av = &s->anon_vmas[s->nr_anon_vmas];
	av->cap = 4;
	av->nr_mms = 1;
	av->mms = xreallocarray(NULL, av->cap, sizeof(*av->mms));
	av->mms[0] = mm->id;
	return s->nr_anon_vmas++;
}

/* Index of the first VMA that starts at or after @addr. */
static uint32_t vma_insert_pos(const struct mm_struct *mm, uint64_t addr)
{
	uint32_t lo = 0, hi = mm->nr_vmas;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (mm->vmas[mid].vm_start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The top of the range mmap hands out: below the main stack if there is one. */
static uint64_t mmap_end(const struct mm_struct *mm)
{
	return mm->stack_vm_start ? mm->stack_vm_start - MMAP_GAP : USER_VA_END;
}

int mmap_region(struct sim *s, struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t vm_flags)
{
	if (!len || !IS_ALIGNED(addr | len, PAGE_SIZE) || addr + len > USER_VA_END || addr + len < addr)
		return -EINVAL;
	uint32_t pos = vma_insert_pos(mm, addr);
	if ((pos > 0 && mm->vmas[pos - 1].vm_end > addr) ||
	    (pos < mm->nr_vmas && mm->vmas[pos].vm_start < addr + len))
		return -EEXIST;		/* MAP_FIXED_NOREPLACE */
	struct vm_area_struct v = {
		.vm_start = addr,
		.vm_end = addr + len,
		.vm_pgoff = addr >> PAGE_SHIFT,
		.vm_flags = vm_flags,
		.anon_vma = (vm_flags & VM_FILE) ? 0 : anon_vma_create(s, mm),
	};
	vma_insert_at(mm, pos, &v);
	return 0;
}

int sys_mmap(struct sim *s, struct mm_struct *mm, uint64_t len, uint32_t flags, uint64_t *addr)
{
	return sys_mmap_align(s, mm, len, flags, 0, addr);
}

int sys_mmap_align(struct sim *s, struct mm_struct *mm, uint64_t len, uint32_t flags,
		   uint64_t align, uint64_t *addr)
{
	if (len == 0 || !IS_ALIGNED(len, PAGE_SIZE) || (flags != MAP_PRIVATE && flags != MAP_SHARED))
		return -EINVAL;
	if (align && (align < PAGE_SIZE || (align & (align - 1))))
		return -EINVAL;
	/* the program's over-map: len + align bytes, by the rule below */
	const uint64_t extra = align > PAGE_SIZE ? align : 0;
	const uint64_t maplen = len + extra;
	if (maplen < len)
		return -ENOMEM;
	/* Anonymous mappings whose length is a multiple of the PMD size start
	 * PMD-aligned, so THPs fit (thp_get_unmapped_area(): 6.7, limited to
	 * such lengths in 6.12). Before 6.7 (numasim.thp_mmap_align=0) a mapping
	 * starts at the free address that earlier mappings and ASLR leave.
	 * SIMPLIFIED: that is PMD-aligned only by chance (1 in 512); numasim
	 * puts it one page past a PMD boundary, the typical case, so a region
	 * of N PMDs holds N - 1 whole aligned ones, as in a Linux 6.1 guest. */
	uint64_t base;
	if (!s->tun.v[T_THP_MMAP_ALIGN])
		base = ALIGN_UP(mm->mmap_base, PMD_SIZE) + PAGE_SIZE;
	else
		base = ALIGN_UP(mm->mmap_base, IS_ALIGNED(maplen, PMD_SIZE) ? PMD_SIZE : PAGE_SIZE);
	/* ... then the munmap of the head and tail around the aligned part */
	uint64_t a = extra ? ALIGN_UP(base, align) : base;
	if (a < base || a + len > mmap_end(mm) || a + len < a || base + maplen < base)
		return -ENOMEM;
	int rc = mmap_region(s, mm, a, len, VM_READ | VM_WRITE | (flags == MAP_SHARED ? VM_SHARED : 0));
	if (rc)
		return rc;
	mm->mmap_base = base + maplen + MMAP_GAP;
	*addr = a;
	return 0;
}

/* ---- zapping (munmap, MADV_DONTNEED) ---- */

/* Folios whose last reference goes after the TLB flush (Linux mmu_gather). */
struct zap_batch {
	struct folio **f;
	int32_t *refs;
	uint32_t nr, cap;
	bool zero_zapped;	/* a zero-page entry was cleared: no folio, but a flush all the same */
};

/* The batch's arrays, charged to the run's host memory while they live. */
static uint64_t zap_batch_bytes(uint32_t cap)
{
	return cap ? host_malloc_bytes(cap * sizeof(struct folio *)) +
			     host_malloc_bytes(cap * sizeof(int32_t)) : 0;
}

static void zap_batch_add(struct sim *s, struct zap_batch *b, struct folio *f, int32_t refs)
{
	if (b->nr == b->cap) {
		uint32_t old = b->cap;
		b->cap = array_next_cap(b->cap, b->nr + 1ull, 64, ARRAY_CAP_MAX(b->cap));
		host_mem_recharge(&s->hostmem, zap_batch_bytes(old), zap_batch_bytes(b->cap));
		b->f = xreallocarray(b->f, b->cap, sizeof(*b->f));
		b->refs = xreallocarray(b->refs, b->cap, sizeof(*b->refs));
	}
	b->f[b->nr] = f;
	b->refs[b->nr++] = refs;
}

static void zap_pte_range(struct sim *s, struct mm_struct *mm, struct pte_table *pt,
			  uint64_t start, uint64_t end, struct zap_batch *b)
{
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		uint32_t i = pte_index(a);
		pte_t p = pt->pte[i];
		if (pte_none(p))
			continue;
		set_pte_at(s, mm, pt, i, (pte_t){ 0 });
		if (pte_special(p)) {
			/* the zero page is not reference counted, but it is in TLBs:
			 * zap_present_ptes() calls tlb_remove_tlb_entry() for it too */
			b->zero_zapped = true;
			continue;
		}
		zap_batch_add(s, b, folio_remove_pte_map(s, pte_pfn(p)), 1);
	}
}

static void zap_huge_pmd(struct sim *s, struct mm_struct *mm, struct pmd_slot *slot,
			 struct zap_batch *b)
{
	pmd_t p = slot->pmd;
	set_pmd_at(s, mm, slot, (pmd_t){ 0 });
	if (pmd_special(p)) {
		b->zero_zapped = true;	/* zap_huge_pmd(): tlb_remove_pmd_tlb_entry() */
		return;
	}
	struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
	f[1].entire_mapcount--;
	f[1].large_mapcount--;
	zap_batch_add(s, b, f, 1);
}

/* Clear every entry of [start, end), collecting the folios to put in @b.
 * @cpu splits PMD mappings cut by the range (NULL at teardown: no flush). */
static void zap_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
		      uint64_t end, struct zap_batch *b)
{
	for (uint64_t a = start; a < end;) {
		uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (slot && slot->pmd.val) {
			if (IS_ALIGNED(a, PMD_SIZE) && next - a == PMD_SIZE)
				zap_huge_pmd(s, mm, slot, b);
			else
				split_huge_pmd(s, cpu, mm, slot, ALIGN_DOWN(a, PMD_SIZE));
		}
		if (slot && slot->pt)
			zap_pte_range(s, mm, slot->pt, a, next, b);
		a = next;
	}
}

static void zap_batch_put(struct sim *s, struct zap_batch *b)
{
	for (uint32_t i = 0; i < b->nr; i++)
		folio_put_refs(s, b->f[i], b->refs[i]);
	free(b->f);
	free(b->refs);
	host_mem_uncharge(&s->hostmem, zap_batch_bytes(b->cap));
	*b = (struct zap_batch){ 0 };
}

/* Unmap [start, end) (page aligned): clear entries, flush, then free. */
static void zap_page_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			   uint64_t end)
{
	struct zap_batch b = { 0 };
	zap_range(s, cpu, mm, start, end, &b);
	/* as zap_present_ptes() removes a folio's PTEs in one batch, a folio
	 * counts as partly mapped only if mappings remain after the whole range */
	for (uint32_t i = 0; i < b.nr; i++)
		folio_note_partially_mapped(s, b.f[i]);
	if (b.nr || b.zero_zapped)
		flush_tlb_mm_range(s, cpu, mm, start, end, false);
	zap_batch_put(s, &b);
}

int sys_munmap(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) || end < addr)
		return -EINVAL;
	zap_page_range(s, cpu, mm, addr, end);
	/* remove the VMAs inside the range (munmap of a hole is not an error) */
	vma_split_at(s, cpu, mm, addr);
	vma_split_at(s, cpu, mm, end);
	uint32_t w = 0;
	for (uint32_t r = 0; r < mm->nr_vmas; r++) {
		struct vm_area_struct *v = &mm->vmas[r];
		if (v->vm_start >= addr && v->vm_end <= end)
			continue;
		mm->vmas[w++] = *v;
	}
	mm->nr_vmas = w;
	tlb_defer_munmap(s, cpu);	/* tlb_end_vma() */
	return 0;
}

/* ---- MADV_COLD and MADV_PAGEOUT ---- */

struct folio_list {
	struct folio **f;
	uint32_t nr, cap;
};

static void folio_list_add(struct folio_list *l, struct folio *f)
{
	ARRAY_GROW(l->f, l->cap, l->nr, 64);
	l->f[l->nr++] = f;
}

/* The end of madvise_cold_or_pageout_pte_range() for one folio: forget its
 * references, then deactivate it (cold) or isolate it for reclaim (pageout). */
static void cold_or_pageout_folio(struct sim *s, struct folio *f, bool pageout,
				  struct folio_list *l)
{
	folio_clear(f, PG_referenced);
	if (!pageout)
		folio_deactivate(s, f);
	else if (folio_isolate_lru(s, f))
		folio_list_add(l, f);
}

/* madvise_folio_pte_batch(): the PTEs from @a on (before @end) that map the
 * consecutive pages of @f from @pfn on. */
static uint64_t folio_pte_batch(struct sim *s, struct pte_table *pt, uint64_t a, uint64_t end,
				struct folio *f, uint64_t pfn)
{
	const uint64_t last = folio_pfn(&s->pm, f) + folio_nr_pages(f);
	uint64_t n = 1;
	while (a + n * PAGE_SIZE < end && pfn + n < last) {
		pte_t p = pt->pte[pte_index(a + n * PAGE_SIZE)];
		if (!pte_present(p) || pte_special(p) || pte_pfn(p) != pfn + n)
			break;
		n++;
	}
	return n;
}

/* The PTE part of madvise_cold_or_pageout_pte_range() over [a, next) (one
 * page table); return whether an accessed bit was cleared (a flush is due). */
static bool cold_or_pageout_ptes(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
				 struct pte_table *pt, uint64_t a, uint64_t next, bool pageout,
				 struct folio_list *l)
{
	bool flush = false;
	for (uint64_t nr; a < next; a += nr * PAGE_SIZE) {
		nr = 1;
		pte_t p = pt->pte[pte_index(a)];
		if (!pte_present(p) || pte_special(p))
			continue;
		struct folio *f = page_folio(&s->pm, pte_pfn(p));
		if (folio_test_large(f)) {
			nr = folio_pte_batch(s, pt, a, next, f, pte_pfn(p));
			if (nr < folio_nr_pages(f)) {
				/* only partly in the range: split it, then go over
				 * its pages again (nr = 0) */
				if (folio_likely_mapped_shared(f))
					continue;
				if (!split_folio(s, cpu, f))
					nr = 0;
				continue;
			}
		}
		/* not another mapping's folio, and on an LRU */
		if (!folio_test(f, PG_lru) || folio_mapcount(f) != (int32_t)folio_nr_pages(f))
			continue;
		if (!pageout)	/* 6.9+: pageout ignores references instead */
			for (uint64_t i = 0; i < nr; i++) {
				uint32_t idx = pte_index(a + i * PAGE_SIZE);
				if (pte_young(pt->pte[idx])) {
					set_pte_at(s, mm, pt, idx, pte_mkold(pt->pte[idx]));
					flush = true;
				}
			}
		cold_or_pageout_folio(s, f, pageout, l);
	}
	return flush;
}

/*
 * madvise_cold() / madvise_pageout() (Linux 6.9+ mm/madvise.c,
 * madvise_cold_or_pageout_pte_range): every folio of the range mapped by this
 * mm only is made old and deactivated (cold) or isolated and handed to
 * reclaim_pages() (pageout). A PMD-mapped THP the range covers whole is
 * handled whole; one the range covers in part, or a PTE-mapped large folio not
 * wholly in the range, is split first. Cleared accessed bits are flushed
 * (tlb_remove_tlb_entry).
 * SIMPLIFIED: numasim keeps an LRU only on nodes that can demote, so folios
 * elsewhere are not on one and are skipped, as Linux skips non-LRU folios.
 */
static void madvise_cold_or_pageout(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
				    uint64_t start, uint64_t end, bool pageout)
{
	struct folio_list l = { 0 };
	bool flush = false;
	for (uint64_t a = start, next; a < end; a = next) {
		next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (!slot)
			continue;
		if (slot->pmd.val) {
			pmd_t p = slot->pmd;
			/* the huge zero page, a device-private entry: not here */
			if (pmd_special(p) || !pmd_maps_page(p) || is_pmd_device_private_entry(p))
				continue;
			struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
			if (folio_likely_mapped_shared(f))
				continue;
			if (next - a != PMD_SIZE) {
				if (split_folio(s, cpu, f))
					continue;
				/* regular_folio: the PTEs below */
			} else {
				if (!pageout && (p.val & _PAGE_ACCESSED)) {
					set_pmd_at(s, mm, slot, (pmd_t){ p.val & ~_PAGE_ACCESSED });
					flush = true;
				}
				cold_or_pageout_folio(s, f, pageout, &l);
				continue;
			}
		}
		if (slot->pt)
			flush |= cold_or_pageout_ptes(s, cpu, mm, slot->pt, a, next, pageout, &l);
	}
	if (flush)
		flush_tlb_mm_range(s, cpu, mm, start, end, false);
	if (l.nr)
		reclaim_pages(s, cpu, l.f, l.nr);
	free(l.f);
}

/* madvise's walk over VMAs: -ENOMEM if part of the range is not mapped. */
static int range_mapped(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	for (uint64_t a = start; a < end;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v || v->vm_start > a)
			return -ENOMEM;
		a = v->vm_end;
	}
	return 0;
}

int sys_madvise(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
		enum mm_madv advice)
{
	uint64_t end = addr + len;
	if (advice == MM_MADV_COLD || advice == MM_MADV_PAGEOUT) {
		/* no VMA changes: the range is walked as it is */
		int rc = range_mapped(mm, addr, end);
		if (!rc)
			madvise_cold_or_pageout(s, cpu, mm, addr, end, advice == MM_MADV_PAGEOUT);
		return rc;
	}
	int rc = vma_isolate_range(s, cpu, mm, addr, end);
	if (rc)
		return rc;
	if (advice == MM_MADV_DONTNEED) {
		zap_page_range(s, cpu, mm, addr, end);
		return 0;
	}
	for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < end; v++) {
		if (advice == MM_MADV_HUGEPAGE)
			v->vm_flags = (v->vm_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		else
			v->vm_flags = (v->vm_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		if (v == &mm->vmas[mm->nr_vmas - 1])
			break;
	}
	return 0;
}

int sys_mbind(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
	      const struct mempolicy *pol)
{
	uint64_t end = addr + len;
	struct mempolicy new;
	int rc = mpol_new(s, pol, &new);	/* do_mbind(): the policy first */
	if (rc)
		return rc;
	rc = vma_isolate_range(s, cpu, mm, addr, end);
	if (rc)
		return rc;
	for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < end; v++) {
		/* MPOL_DEFAULT removes the VMA's policy: the task's applies again */
		v->pol = new;
		if (new.mode == MPOL_DEFAULT)
			v->vm_flags &= ~VM_HAS_POLICY;
		else
			v->vm_flags |= VM_HAS_POLICY;
		if (v == &mm->vmas[mm->nr_vmas - 1])
			break;
	}
	return 0;
}

/* ---- mprotect ---- */

/*
 * can_change_pte_writable(): in a private mapping, making the mapping
 * writable sets the write bit at once only on an exclusively owned anonymous
 * page; otherwise (the zero page, a CoW-shared page) the first write faults
 * and do_wp_page decides.
 */
static bool can_change_pte_writable(struct sim *s, pte_t p)
{
	if (pte_special(p))
		return false;
	return folio_test(page_folio(&s->pm, pte_pfn(p)), PG_anon_exclusive);
}

static pte_t pte_modify_prot(struct sim *s, pte_t p, uint32_t prot)
{
	if (!(prot & (VM_READ | VM_WRITE)))
		return pte_wrprotect(pte_mkprotnone(p));
	p = pte_mkpresent(p);
	if (!(prot & VM_WRITE))
		return pte_wrprotect(p);
	return can_change_pte_writable(s, p) ? pte_mkwrite(p) : p;
}

/* change_protection(): return whether any entry lost a permission. */
static bool change_pte_range(struct sim *s, struct mm_struct *mm, struct pte_table *pt,
			     uint64_t start, uint64_t end, uint32_t prot)
{
	bool need_flush = false;
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		uint32_t i = pte_index(a);
		pte_t old = pt->pte[i];
		if (is_device_private_entry(old)) {
			/* a writable device-private entry becomes readable when
			 * write permission goes; it is not in any TLB */
			if (pte_write(old) && !(prot & VM_WRITE))
				set_pte_at(s, mm, pt, i, pte_wrprotect(old));
			continue;
		}
		if (!pte_present(old))
			continue;
		pte_t p = pte_modify_prot(s, old, prot);
		if (p.val == old.val)
			continue;
		if ((pte_valid(old) && !pte_valid(p)) || (pte_write(old) && !pte_write(p)))
			need_flush = true;
		set_pte_at(s, mm, pt, i, p);
	}
	return need_flush;
}

int sys_mprotect(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
		 uint32_t prot)
{
	uint64_t end = addr + len;
	int rc = vma_isolate_range(s, cpu, mm, addr, end);
	if (rc)
		return rc;
	for (struct vm_area_struct *v = find_vma(mm, addr); v && v->vm_start < end; v++) {
		v->vm_flags = (v->vm_flags & ~(VM_READ | VM_WRITE)) | prot;
		if (v == &mm->vmas[mm->nr_vmas - 1])
			break;
	}
	bool need_flush = false;
	for (uint64_t a = addr; a < end;) {
		uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		/* SIMPLIFIED: a PMD mapping is split rather than changed in place
		 * (change_huge_pmd); the folio stays whole and PTE-mapped. */
		if (slot && slot->pmd.val)
			split_huge_pmd(s, cpu, mm, slot, ALIGN_DOWN(a, PMD_SIZE));
		if (slot && slot->pt)
			need_flush |= change_pte_range(s, mm, slot->pt, a, next, prot);
		a = next;
	}
	if (need_flush)
		flush_tlb_mm_range(s, cpu, mm, addr, end, false);
	tlb_defer_mprotect(s, cpu, mm, prot & VM_WRITE);
	return 0;
}

/* ---- mremap ---- */

/* move_ptes(): the entries of [old, old + len) (inside one PMD) go to @new;
 * return whether a present one moved (its translations must go). */
static bool move_ptes(struct sim *s, struct mm_struct *mm, struct pte_table *opt, uint64_t old,
		      uint64_t new, uint64_t len)
{
	bool present = false;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
		pte_t p = opt->pte[pte_index(old + off)];
		if (pte_none(p))
			continue;
		struct pmd_slot *ns = pmd_slot_alloc(&s->ptpool, &mm->pgd, new + off);
		if (!ns->pt)
			ns->pt = pte_table_alloc(&s->ptpool);
		present |= pte_present(p);
		set_pte_at(s, mm, opt, pte_index(old + off), (pte_t){ 0 });
		set_pte_at(s, mm, ns->pt, pte_index(new + off), p);
	}
	return present;
}

/* move_page_tables(): whole PMD entries (move_huge_pmd(), device-private ones
 * too) where both ends are PMD-aligned, else PTE by PTE. */
static bool move_page_tables(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t old,
			     uint64_t new, uint64_t len)
{
	bool present = false;
	for (uint64_t off = 0, next; off < len; off = next) {
		uint64_t a = old + off;
		next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE - old, len);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (!slot)
			continue;
		if (slot->pmd.val) {
			if (IS_ALIGNED(a, PMD_SIZE) && IS_ALIGNED(new + off, PMD_SIZE) &&
			    next - off == PMD_SIZE) {
				pmd_t p = slot->pmd;
				present |= pmd_present(p);
				set_pmd_at(s, mm, slot, (pmd_t){ 0 });
				set_pmd_at(s, mm, pmd_slot_alloc(&s->ptpool, &mm->pgd, new + off), p);
				continue;
			}
			split_huge_pmd(s, cpu, mm, slot, ALIGN_DOWN(a, PMD_SIZE));
		}
		if (slot->pt)
			present |= move_ptes(s, mm, slot->pt, a, new + off, next - off);
	}
	return present;
}

/* A free range of @len at the same offset in a PMD as @like (so whole PMD
 * entries can move), above every mapping. */
static uint64_t mremap_target(struct mm_struct *mm, uint64_t len, uint64_t like)
{
	uint64_t a = ALIGN_UP(mm->mmap_base, PMD_SIZE) + (like & (PMD_SIZE - 1));
	if (a + len > mmap_end(mm) || a + len < a)
		return 0;
	mm->mmap_base = a + len + MMAP_GAP;
	return a;
}

int sys_mremap(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t old_addr,
	       uint64_t old_len, uint64_t new_len, uint32_t flags, uint64_t *new_addr)
{
	const bool dontunmap = flags & MREMAP_DONTUNMAP;
	if ((flags & ~(uint32_t)(MREMAP_MAYMOVE | MREMAP_DONTUNMAP)) ||
	    (dontunmap && (!(flags & MREMAP_MAYMOVE) || old_len != new_len)) ||
	    !IS_ALIGNED(old_addr, PAGE_SIZE) || !IS_ALIGNED(old_len, PAGE_SIZE) ||
	    !IS_ALIGNED(new_len, PAGE_SIZE) || !old_len || !new_len)
		return -EINVAL;
	struct vm_area_struct *v = find_vma(mm, old_addr);
	if (!v || v->vm_start > old_addr || old_addr + old_len > v->vm_end)
		return -EFAULT;
	*new_addr = old_addr;
	if (new_len < old_len)
		return sys_munmap(s, cpu, mm, old_addr + new_len, old_len - new_len);
	if (new_len == old_len && !(flags & MREMAP_MAYMOVE))
		return 0;
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = mremap_target(mm, new_len, old_addr);
	if (!to)
		return -ENOMEM;
	vma_isolate_range(s, cpu, mm, old_addr, old_addr + old_len);
	v = find_vma(mm, old_addr);
	struct vm_area_struct moved = *v;	/* copy_vma(): same anon_vma and page offset */
	moved.vm_start = to;
	moved.vm_end = to + new_len;
	moved.numab = (struct vma_numab_state){ 0 };
	if (move_page_tables(s, cpu, mm, old_addr, to, old_len))
		flush_tlb_mm_range(s, cpu, mm, old_addr, old_addr + old_len, false);
	if (!dontunmap) {	/* the old VMA goes; it maps nothing now */
		uint32_t i = (uint32_t)(v - mm->vmas);
		memmove(v, v + 1, (mm->nr_vmas - i - 1) * sizeof(*v));
		mm->nr_vmas--;
	}
	vma_insert_at(mm, vma_insert_pos(mm, to), &moved);	/* above every mmap, below the stack */
	*new_addr = to;
	return 0;
}

/* ---- THP split of a PMD mapping ---- */

/* pmdp_invalidate(): the 2 MiB translation goes before the PTEs are used.
 * @cpu is NULL only at teardown, when nothing runs the mm. */
static void split_flush(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t haddr)
{
	if (cpu)
		flush_tlb_mm_range(s, cpu, mm, haddr, haddr + PMD_SIZE, true);
}

void split_huge_pmd(struct sim *s, struct cpu *cpu, struct mm_struct *mm, struct pmd_slot *slot,
		    uint64_t haddr)
{
	pmd_t p = slot->pmd;
	VM_BUG_ON(!p.val || slot->pt);
	count_vm_event(&s->vs, THP_SPLIT_PMD);
	set_pmd_at(s, mm, slot, (pmd_t){ 0 });
	struct pte_table *pt = pte_table_alloc(&s->ptpool);
	slot->pt = pt;
	uint64_t flags = p.val & _PAGE_FLAGS_MASK;
	if (pmd_special(p)) {
		/* __split_huge_zero_page_pmd: every PTE maps the small zero page */
		for (uint32_t i = 0; i < PTRS_PER_PTE; i++)
			set_pte_at(s, mm, pt, i, pfn_pte(s->zero_pfn, flags));
		split_flush(s, cpu, mm, haddr);
		return;
	}
	uint64_t pfn = pmd_pfn(p);
	struct folio *f = pfn_folio(&s->pm, pfn);
	folio_materialize_tails(&s->pm, pfn);
	/* a device-private PMD becomes 512 device-private PTEs alike */
	for (uint32_t i = 0; i < PTRS_PER_PTE; i++) {
		set_pte_at(s, mm, pt, i, pfn_pte(pfn + i, flags));
		f[i].mapcount++;
	}
	/* the PMD's one mapping and reference become 512 PTE ones */
	f[1].entire_mapcount--;
	f[1].large_mapcount += PTRS_PER_PTE - 1;
	f->refcount += PTRS_PER_PTE - 1;
	if (!is_pmd_device_private_entry(p))	/* no TLB holds a device entry */
		split_flush(s, cpu, mm, haddr);
}

/* ---- rmap ---- */

static bool rmap_walk_vma(struct sim *s, struct mm_struct *mm, struct vm_area_struct *v,
			  struct folio *f, rmap_fn fn, void *arg)
{
	uint64_t head_pfn = folio_pfn(&s->pm, f);
	uint64_t nr = folio_nr_pages(f);
	if (f->index + nr <= v->vm_pgoff ||
	    f->index >= v->vm_pgoff + ((v->vm_end - v->vm_start) >> PAGE_SHIFT))
		return true;
	for (uint64_t i = 0; i < nr; i++) {
		if (f->index + i < v->vm_pgoff)
			continue;
		uint64_t a = v->vm_start + ((f->index + i - v->vm_pgoff) << PAGE_SHIFT);
		if (a >= v->vm_end)
			break;
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (!slot)
			continue;
		if (slot->pmd.val) {
			if (pmd_maps_page(slot->pmd) && pmd_pfn(slot->pmd) == head_pfn && i == 0 &&
			    !fn(s, mm, a, NULL, slot, arg))
				return false;
			continue;
		}
		if (!slot->pt)
			continue;
		pte_t *pte = &slot->pt->pte[pte_index(a)];
		if (pte_maps_page(*pte) && pte_pfn(*pte) == head_pfn + i &&
		    !fn(s, mm, a, pte, NULL, arg))
			return false;
	}
	return true;
}

void rmap_walk(struct sim *s, struct folio *f, rmap_fn fn, void *arg)
{
	if (!f->anon_vma)
		return;
	const struct anon_vma *av = &s->anon_vmas[f->anon_vma];
	for (uint32_t m = 0; m < av->nr_mms; m++) {
		struct mm_struct *mm = s->mms[av->mms[m]];
		for (uint32_t i = 0; i < mm->nr_vmas; i++) {
			struct vm_area_struct *v = &mm->vmas[i];
			if (v->anon_vma == f->anon_vma && !rmap_walk_vma(s, mm, v, f, fn, arg))
				return;
		}
	}
}

/* ---- mm lifetime ---- */

struct mm_struct *mm_create(struct sim *s)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));
	if (!mm)
		abort();
	host_mem_charge(&s->hostmem, host_malloc_bytes(sizeof(*mm)) + sizeof(*s->mms));
	s->mms = xreallocarray(s->mms, (s->nr_mms + 1), sizeof(*s->mms));
	mm->id = s->nr_mms;
	s->mms[s->nr_mms++] = mm;
	mm->mmap_base = MMAP_BASE;
	return mm;
}

/* Tear down at the end of the simulation: unmap everything, free tables.
 * Nothing is flushed, so the folios go a PMD's worth at a time: the batch
 * stays small whatever the mm's size. */
void mm_destroy(struct sim *s, struct mm_struct *mm)
{
	struct zap_batch b = { 0 };
	for (uint32_t i = 0; i < mm->nr_vmas; i++)
		for (uint64_t a = mm->vmas[i].vm_start; a < mm->vmas[i].vm_end;) {
			uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, mm->vmas[i].vm_end);
			zap_range(s, NULL, mm, a, next, &b);
			zap_batch_put(s, &b);
			a = next;
		}
	pgd_free_tables(&s->ptpool, &mm->pgd);
	free(mm->vmas);
	free(mm);
}

static sim_unused uint32_t nid_of_pfn(const void *ctx, uint64_t pfn)
{
	return pfn_nid(ctx, pfn);
}

void mm_check(struct sim *s, struct mm_struct *mm)
{
	uint64_t rss[MAX_NUMNODES] = { 0 };
	for (uint32_t i = 0; i < mm->nr_vmas; i++) {
		const struct vm_area_struct *v = &mm->vmas[i];
		VM_BUG_ON(v->vm_start >= v->vm_end);
		VM_BUG_ON(!IS_ALIGNED(v->vm_start, PAGE_SIZE) || !IS_ALIGNED(v->vm_end, PAGE_SIZE));
		VM_BUG_ON(i > 0 && mm->vmas[i - 1].vm_end > v->vm_start);
		for (uint64_t a = v->vm_start; a < v->vm_end;) {
			uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, v->vm_end);
			struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
			if (slot && slot->pmd.val && !pmd_special(slot->pmd)) {
				VM_BUG_ON(pmd_nid(slot->pmd) != pfn_nid(s, pmd_pfn(slot->pmd)));
				rss[pfn_nid(s, pmd_pfn(slot->pmd))] += PTRS_PER_PTE;
			}
			if (slot && slot->pt) {
				VM_CHECK(pte_table_check(slot->pt, s, nid_of_pfn));
				for (uint64_t x = a; x < next; x += PAGE_SIZE) {
					pte_t p = slot->pt->pte[pte_index(x)];
					if (!pte_maps_page(p) || pte_special(p))
						continue;
					VM_BUG_ON(!folio_test(page_folio(&s->pm, pte_pfn(p)), PG_head));
					VM_BUG_ON(pte_nid(p) != pfn_nid(s, pte_pfn(p)));
					rss[pfn_nid(s, pte_pfn(p))]++;
				}
			}
			a = next;
		}
	}
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		VM_BUG_ON(rss[n] != mm->rss_node[n]);
}
