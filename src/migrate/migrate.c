// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate/migrate.c - move folios between nodes.
 * Models:     linux mm/migrate.c migrate_pages, migrate_pages_batch,
 *             migrate_folio_unmap (try_to_migrate: mappings become migration
 *             entries), try_to_unmap_flush (one batched shootdown),
 *             migrate_folio_move (copy, folio_migrate_flags,
 *             remove_migration_ptes), migrate_misplaced_folio_prepare
 *             (migrate_balanced_pgdat), migrate_misplaced_folio,
 *             alloc_misplaced_dst_folio.
 *             migrate_pages_batch()'s split of a large folio that finds no
 *             destination (try_split_folio), for the system calls and mbind.
 * SIMPLIFIED: see migrate.h; anonymous folios only; no page cache, no
 *             hugetlb, no movable_ops pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "migrate/internal.h"
#include "migrate/migrate.h"
#include "migrate/migrc.h"
#include "sim.h"

struct migrate_batch {
	struct migrate_site *site;
	uint32_t nr_sites, cap_sites;
	struct mm_struct *mms[8];	/* address spaces to flush */
	uint32_t nr_mms;
	bool need_flush;
	/* migrc/LUF: the address spaces of folios whose flush is deferred
	 * (Linux migrc's tlb_ubc_ro), and those folios' sources and copies */
	uint32_t ro_mm_ids[MIGRC_REQ_MMS];
	uint32_t nr_ro_mms;
	struct folio **ro_src, **ro_dst;
	uint32_t nr_ro, cap_ro;
};

static void batch_add_site(struct migrate_batch *b, const struct migrate_site *site)
{
	ARRAY_GROW(b->site, b->cap_sites, b->nr_sites, 64);
	b->site[b->nr_sites++] = *site;
}

static void batch_add_mm(struct sim *s, struct cpu *cpu, struct migrate_batch *b,
			 struct mm_struct *mm)
{
	for (uint32_t i = 0; i < b->nr_mms; i++)
		if (b->mms[i] == mm)
			return;
	if (b->nr_mms == ARRAY_SIZE(b->mms)) {
		/* flush early rather than grow: rare (a folio shared by many mms) */
		flush_tlb_batch(s, cpu, b->mms, b->nr_mms);
		b->nr_mms = 0;
	}
	b->mms[b->nr_mms++] = mm;
}

void migrate_site_unmap(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			struct pmd_slot *pmd, struct migrate_site *site)
{
	*site = (struct migrate_site){ .mm = mm, .addr = addr, .pmd = pmd != NULL };
	if (pmd) {
		site->slot = pmd;
		site->old = pmd->pmd.val;
		pte_t e = pte_mkmigration((pte_t){ pmd->pmd.val });
		set_pmd_at(s, mm, pmd, (pmd_t){ e.val });
	} else {
		site->slot = pmd_slot_lookup(&mm->pgd, addr);
		site->old = pte->val;
		set_pte_at(s, mm, site->slot->pt, pte_index(addr), pte_mkmigration(*pte));
	}
}

/* try_to_migrate_one(): replace one mapping by a migration entry. */
static bool try_to_migrate_one(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			       struct pmd_slot *pmd, void *arg)
{
	struct migrate_site site;
	migrate_site_unmap(s, mm, addr, pte, pmd, &site);
	batch_add_site(arg, &site);
	return true;
}

/* Add @mm to the deferred batch; false if the batch names too many. */
static bool ro_add_mm(struct migrate_batch *b, uint32_t mm_id)
{
	for (uint32_t i = 0; i < b->nr_ro_mms; i++)
		if (b->ro_mm_ids[i] == mm_id)
			return true;
	if (b->nr_ro_mms == MIGRC_REQ_MMS)
		return false;
	b->ro_mm_ids[b->nr_ro_mms++] = mm_id;
	return true;
}

static bool batch_has_mm(const struct migrate_batch *b, const struct mm_struct *mm)
{
	for (uint32_t i = 0; i < b->nr_mms; i++)
		if (b->mms[i] == mm)
			return true;
	return false;
}

/*
 * The flush the folio's unmapped sites [first, nr_sites) need. A protnone
 * entry cannot be cached in any TLB: no flush for it. migrc/LUF defer the
 * flush of a folio whose present entries are all read-only and clean (its
 * address spaces go to the deferred batch); the others join the batch's
 * flush (set_tlb_ubc_flush_pending()). Return whether the flush is deferred.
 */
static bool batch_folio_flush(struct sim *s, struct cpu *cpu, struct migrate_batch *b,
			      const struct folio *f, uint32_t first, enum migrate_reason reason)
{
	bool present = false, ro_clean = true;
	for (uint32_t i = first; i < b->nr_sites; i++) {
		uint64_t old = b->site[i].old;
		present |= (old & _PAGE_PRESENT) != 0;
		if (old & _PAGE_PRESENT)
			ro_clean &= !(old & (_PAGE_RW | _PAGE_DIRTY));
	}
	if (!present)
		return false;
	if (ro_clean && tlb_defer_may(s, f, reason)) {
		uint32_t nr_ro_mms = b->nr_ro_mms;
		bool ok = true;
		for (uint32_t i = first; i < b->nr_sites && ok; i++)
			ok = !batch_has_mm(b, b->site[i].mm) && ro_add_mm(b, b->site[i].mm->id);
		if (ok)
			return true;
		b->nr_ro_mms = nr_ro_mms;	/* flushed anyway: no point deferring */
	}
	b->need_flush = true;
	for (uint32_t i = first; i < b->nr_sites; i++)
		batch_add_mm(s, cpu, b, b->site[i].mm);
	return false;
}

static void batch_add_ro(struct migrate_batch *b, struct folio *src, struct folio *dst)
{
	if (b->nr_ro == b->cap_ro) {
		b->cap_ro = array_next_cap(b->cap_ro, b->nr_ro + 1ull, 64, ARRAY_CAP_MAX(b->cap_ro));
		b->ro_src = xreallocarray(b->ro_src, b->cap_ro, sizeof(*b->ro_src));
		b->ro_dst = xreallocarray(b->ro_dst, b->cap_ro, sizeof(*b->ro_dst));
	}
	b->ro_src[b->nr_ro] = src;
	b->ro_dst[b->nr_ro++] = dst;
}

/* The entry that maps @dst_pfn in place of @site's old one (see internal.h). */
static uint64_t new_entry_flags(const struct sim *s, const struct migrate_site *site,
				uint64_t src_pfn, uint64_t dst_pfn)
{
	const uint64_t old = site->old;
	if (folio_test(pfn_folio(&s->pm, dst_pfn), PG_device))
		return _PAGE_DEVICE | (old & _PAGE_RW);	/* device-private entry */
	if (old & _PAGE_DEVICE)		/* back from the device: its writes are in it */
		return _PAGE_PRESENT | ((old & _PAGE_RW) ? _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED : 0);
	uint64_t bits = _PAGE_RW;
	if (s->tun.v[T_MIGRATION_ENTRY_AD] || src_pfn == dst_pfn)
		bits |= _PAGE_DIRTY | _PAGE_ACCESSED;
	return _PAGE_PRESENT | (old & bits);
}

void remove_migration_pte(struct sim *s, const struct migrate_site *site, uint64_t src_pfn,
			  uint64_t dst_pfn)
{
	uint64_t flags = new_entry_flags(s, site, src_pfn, dst_pfn);
	if (site->pmd) {
		set_pmd_at(s, site->mm, site->slot, pfn_pmd(dst_pfn, flags));
		return;
	}
	uint64_t pfn = dst_pfn + (((pte_t){ site->old }).val >> PAGE_SHIFT) - src_pfn;
	set_pte_at(s, site->mm, site->slot->pt, pte_index(site->addr), pfn_pte(pfn, flags));
}

/*
 * The fast path at the low watermark, then the slow path's retry at the min
 * watermark. Pages pending a migrc flush count as free in the watermark
 * checks, so the slow path first flushes and frees them
 * (migrc_flush_free_folios() in __alloc_pages_slowpath()).
 */
static uint64_t alloc_on(struct sim *s, struct cpu *cpu, const struct alloc_context *ac, uint32_t nid,
			 uint32_t order, bool wake)
{
	uint64_t pfn = rmqueue(s, ac, nid, order, WMARK_LOW);
	if (pfn != PFN_NONE)
		return pfn;
	if (wake)	/* the slow path's wake_all_kswapds() */
		wakeup_kswapd(s, nid, order, cpu->now);
	if (unlikely(s->pm.node[nid].nr_pending))
		tlb_defer_alloc_pressure(s, cpu);
	else
		return rmqueue(s, ac, nid, order, WMARK_MIN);
	pfn = rmqueue(s, ac, nid, order, WMARK_MIN);
	tlb_defer_alloc_pressure_end(s);
	return pfn;
}

/*
 * The destination folio. alloc_misplaced_dst_folio() and the other callers:
 * on @nid only, no reclaim (__GFP_THISNODE). alloc_demote_folio(): the
 * preferred target first, then any node of a lower tier than the source's.
 * numastat counts every one against @nid, the node asked for, and the
 * migrating CPU's node as the local one.
 */
static uint64_t alloc_dst(struct sim *s, struct cpu *cpu, const struct folio *src, uint32_t nid,
			  enum migrate_reason reason)
{
	const uint32_t order = folio_order(src);
	const struct alloc_context ac = { .preferred_nid = nid, .local_nid = cpu->node };
	/* only demotion's GFP_NOWAIT wakes kswapd (__GFP_KSWAPD_RECLAIM); its
	 * THPs use GFP_TRANSHUGE. SIMPLIFIED: no direct reclaim for those */
	const bool wake = reason == MR_DEMOTION && order == 0;
	uint64_t pfn = alloc_on(s, cpu, &ac, nid, order, wake);
	if (pfn == PFN_NONE && reason == MR_DEMOTION) {
		nodemask_t lower = s->tiers.lower_tier_mask[folio_nid(src)] & ~(1ull << nid);
		for (uint32_t i = 0; i < s->zonelist_len && pfn == PFN_NONE; i++)
			if ((lower >> s->zonelist[nid][i]) & 1)
				pfn = alloc_on(s, cpu, &ac, s->zonelist[nid][i], order, wake);
	}
	return pfn;
}

void folio_migrate_meta(struct sim *s, struct folio *src, struct folio *dst)
{
	const uint64_t nr = folio_nr_pages(src);
	/* folio_migrate_flags(): the LRU state goes with the folio */
	dst->flags = (uint16_t)(dst->flags | (src->flags & (PG_anon | PG_anon_exclusive |
							   PG_partially_mapped | PG_migrc_dst |
							   PG_active | PG_referenced)));
	dst->anon_vma = src->anon_vma;
	dst->index = src->index;
	dst->version = src->version;
	dst->last_cpupid = src->last_cpupid;
	src->last_cpupid = CPUPID_UNSET;
	dst->refcount = src->refcount;
	src->refcount = 0;
	if (nr > 1 && (src[2].flags & PG_tail))
		folio_materialize_tails(&s->pm, folio_pfn(&s->pm, dst));
	for (uint64_t i = 0; i < nr; i++) {
		if (!src[i].mapcount)
			continue;	/* leaves lazy tails of a PMD-mapped THP untouched */
		dst[i].mapcount = src[i].mapcount;
		src[i].mapcount = 0;
	}
	if (nr > 1) {
		dst[1].large_mapcount = src[1].large_mapcount;
		dst[1].entire_mapcount = src[1].entire_mapcount;
		src[1].large_mapcount = 0;
		src[1].entire_mapcount = 0;
	}
	mod_mthp_stat(&s->vs, folio_order(dst), MTHP_STAT_NR_ANON, 1);
	mod_mthp_stat(&s->vs, folio_order(src), MTHP_STAT_NR_ANON, -1);
}

void migrate_charge_copy(struct sim *s, struct cpu *cpu, uint32_t src_nid, uint32_t dst_nid,
			 uint64_t bytes)
{
	const struct machine_node *dev = s->m.node[src_nid].kind == MEM_DEVICE ? &s->m.node[src_nid]
				       : s->m.node[dst_nid].kind == MEM_DEVICE ? &s->m.node[dst_nid]
									       : NULL;
	double ns = s->m.cost.migrate_folio_ns + (double)bytes / s->m.cost.migrate_copy_gbps;
	if (dev)	/* a DMA over the device's link (its latency is per batch: the caller's) */
		ns = s->m.cost.migrate_folio_ns + (double)bytes / dev->link_gbps;
	/* copy_page / folio_copy: the source is read, the destination written
	 * by rep movs, which does not read it first */
	mem_account_rw(s, cpu, src_nid, bytes, 0, ns);
	mem_account_rw(s, cpu, dst_nid, 0, bytes, ns);
	cpu->kernel_ns += (uint64_t)ns;
	cpu_advance(cpu, ns);
}

static void count_result(struct migrate_pages_stats *st, const struct folio *f, bool ok)
{
	uint64_t nr = folio_nr_pages(f);
	bool thp = folio_order(f) == PMD_ORDER;
	if (ok) {
		st->nr_succeeded += nr;
		st->nr_thp_succeeded += thp;
	} else {
		st->nr_failed_pages += nr;
		st->nr_thp_failed += thp;
	}
}

/* Large folios split for lack of a destination (their pages go later). */
struct migrate_split {
	struct folio **f;
	uint32_t *nr_pages;	/* the folio's size before the split */
	uint32_t nr, cap;
};

struct pending {
	struct folio *src;
	uint64_t dst_pfn;
	uint32_t first_site, nr_sites;
	bool deferred;		/* migrc/LUF: its flush is deferred */
};

/* The folio goes back where it was: migration entries become the old
 * entries again (remove_migration_ptes with the source). */
static void restore_mappings(struct sim *s, struct migrate_batch *b, const struct pending *p)
{
	uint64_t src_pfn = folio_pfn(&s->pm, p->src);
	for (uint32_t j = 0; j < p->nr_sites; j++)
		remove_migration_pte(s, &b->site[p->first_site + j], src_pfn, src_pfn);
}

void migrate_free_unused_dst(struct sim *s, struct folio *dst)
{
	dst->refcount = 0;
	free_folio_pages(&s->pm, folio_pfn(&s->pm, dst));
}

/*
 * One pass of migrate_pages_batch() over @folios[0..nr): unmap all, flush
 * once, move all. The rules are:
 *   moved:    the folio was replaced by its copy and freed; done.
 *   -EAGAIN:  pinned: unmapped and flushed like the others, the reference
 *             count check of the move fails, the mappings are restored;
 *             it stays in @folios for the next pass.
 *   -ENOMEM:  no destination folio: this and every later folio of the call
 *             fail at once (*nomem); nothing of them was unmapped.
 * Return how many folios stay for a retry (compacted to the front).
 */
/*
 * migrate_pages_batch()'s -ENOMEM case: a large folio is split and its pages
 * tried afterwards (counted as one failed folio), unless the caller is NUMA
 * balancing ("nosplit"). SIMPLIFIED: demotion does not split either (Linux's
 * does); only the system calls' and mbind's migrations split here.
 */
static bool may_split_on_nomem(enum migrate_reason reason)
{
	return reason == MR_SYSCALL || reason == MR_MEMPOLICY_MBIND;
}

static void split_list_add(struct migrate_split *sp, struct folio *f, uint64_t nr_pages)
{
	if (sp->nr == sp->cap) {
		sp->cap = array_next_cap(sp->cap, sp->nr + 1ull, 4, ARRAY_CAP_MAX(sp->cap));
		sp->f = xreallocarray(sp->f, sp->cap, sizeof(*sp->f));
		sp->nr_pages = xreallocarray(sp->nr_pages, sp->cap, sizeof(*sp->nr_pages));
	}
	sp->nr_pages[sp->nr] = (uint32_t)nr_pages;
	sp->f[sp->nr++] = f;
}

static uint32_t migrate_pages_pass(struct sim *s, struct cpu *cpu, struct folio **folios,
				   uint32_t nr, uint32_t nid, enum migrate_reason reason,
				   struct migrate_pages_stats *st, struct migrate_batch *b,
				   struct pending *p, bool *nomem, uint32_t *moved,
				   struct migrate_split *sp)
{
	uint32_t nr_pending = 0, nr_retry = 0;
	b->nr_sites = 0;
	b->nr_mms = 0;
	b->need_flush = false;
	b->nr_ro_mms = 0;
	b->nr_ro = 0;
	s->migrc_alloc_cpu = cpu;
	for (uint32_t i = 0; i < nr && !*nomem; i++) {
		struct folio *f = folios[i];
		uint64_t dst = alloc_dst(s, cpu, f, nid, reason);
		const uint32_t order = folio_order(f);
		if (dst == PFN_NONE && order && may_split_on_nomem(reason) && !split_folio(s, cpu, f)) {
			/* try_split_folio(): one failure, its pages go later */
			st->nr_thp_failed += order == PMD_ORDER;
			st->nr_thp_split += order == PMD_ORDER;
			split_list_add(sp, f, 1ull << order);
			continue;
		}
		if (dst == PFN_NONE) {
			*nomem = true;
			for (uint32_t j = i; j < nr; j++)
				count_result(st, folios[j], false);
			break;
		}
		folio_set(f, PG_isolated);
		uint32_t first = b->nr_sites;
		rmap_walk(s, f, try_to_migrate_one, b);
		bool deferred = batch_folio_flush(s, cpu, b, f, first, reason);
		p[nr_pending++] = (struct pending){ f, dst, first, b->nr_sites - first, deferred };
	}
	if (b->need_flush)	/* try_to_unmap_flush() */
		flush_tlb_batch(s, cpu, b->mms, b->nr_mms);
	for (uint32_t i = 0; i < nr_pending; i++) {
		struct folio *src = p[i].src;
		folio_clear(src, PG_isolated);
		if (folio_maybe_dma_pinned(src)) {	/* folio_migrate_mapping(): -EAGAIN */
			restore_mappings(s, b, &p[i]);
			migrate_free_unused_dst(s, pfn_folio(&s->pm, p[i].dst_pfn));
			folios[nr_retry++] = src;
			continue;
		}
		struct folio *dst = pfn_folio(&s->pm, p[i].dst_pfn);
		uint64_t src_pfn = folio_pfn(&s->pm, src);
		migrate_charge_copy(s, cpu, src->nid, dst->nid, folio_nr_pages(src) * PAGE_SIZE);
		for (uint32_t j = 0; j < p[i].nr_sites; j++)
			remove_migration_pte(s, &b->site[p[i].first_site + j], src_pfn, p[i].dst_pfn);
		folio_migrate_meta(s, src, dst);
		folio_add_lru(s, dst);	/* putback of the new folio onto its node's LRU */
		count_result(st, src, true);
		(*moved)++;
		if (p[i].deferred) {	/* migrc: the source waits for the flush */
			batch_add_ro(b, src, dst);
			continue;
		}
		count_vm_events(&s->vs, PGFREE, folio_nr_pages(src));
		free_folio_pages(&s->pm, src_pfn);
	}
	if (b->nr_ro)
		tlb_defer_batch(s, cpu, b->ro_mm_ids, b->nr_ro_mms, b->ro_src, b->ro_dst, b->nr_ro);
	return nr_retry;
}

/* Scratch space kept across calls, so migration allocates only when a
 * larger list than ever before arrives. */
struct migrate_scratch {
	struct migrate_batch b;
	struct pending *p;
	struct folio **batch;
	bool *was_lru;		/* the caller left it on the LRU: migrate_pages isolates it */
	uint32_t cap;
	struct migrate_split split;
};

static struct migrate_scratch *scratch_get(struct sim *s, uint32_t nr)
{
	if (!s->migrate_scratch) {
		s->migrate_scratch = calloc(1, sizeof(struct migrate_scratch));
		if (!s->migrate_scratch)
			abort();
	}
	struct migrate_scratch *m = s->migrate_scratch;
	if (nr > m->cap) {
		m->cap = array_next_cap(m->cap, nr, nr, ARRAY_CAP_MAX(m->cap));
		m->p = xreallocarray(m->p, m->cap, sizeof(*m->p));
		m->batch = xreallocarray(m->batch, m->cap, sizeof(*m->batch));
		m->was_lru = xreallocarray(m->was_lru, m->cap, sizeof(*m->was_lru));
	}
	return m;
}

void migrate_scratch_free(struct sim *s)
{
	struct migrate_scratch *m = s->migrate_scratch;
	if (!m)
		return;
	free(m->b.site);
	free(m->b.ro_src);
	free(m->b.ro_dst);
	free(m->p);
	free(m->batch);
	free(m->was_lru);
	free(m->split.f);
	free(m->split.nr_pages);
	free(m);
	s->migrate_scratch = NULL;
}

/*
 * migrate_pages()'s second round: the pages of the folios split for want of
 * a large destination (their PTEs already map them one by one; pages no
 * mapping used were freed by the split). Their counts add to the vmstat
 * events themselves; *@st gets them too. Return @rc, or 0 if nothing at all
 * stayed behind (@failed_whole folios failed unsplit): Linux returns 0 when
 * every split page migrated.
 */
static int migrate_split_pages(struct sim *s, struct cpu *cpu, uint32_t nid, enum migrate_mode mode,
			       enum migrate_reason reason, struct migrate_pages_stats *st,
			       int failed_whole, int rc)
{
	struct migrate_scratch *m = s->migrate_scratch;
	uint32_t n = 0, cap = 0;
	struct folio **pieces = NULL;
	for (uint32_t i = 0; i < m->split.nr; i++) {
		struct folio *head = m->split.f[i];
		/* the split folio's pages: order-0 folios now; the split freed
		 * those no mapping used, and nothing has reused them */
		for (uint32_t j = 0; j < m->split.nr_pages[i]; j++) {
			struct folio *f = head + j;
			if (!folio_test(f, PG_head) || !folio_test(f, PG_anon) || !folio_mapped(f))
				continue;
			ARRAY_GROW(pieces, cap, n, 512);
			pieces[n++] = f;
		}
	}
	m->split.nr = 0;	/* the recursion below uses the scratch space */
	struct migrate_pages_stats st2;
	int rc2 = n ? migrate_pages(s, cpu, pieces, n, nid, mode, reason, &st2) : 0;
	if (n) {
		st->nr_succeeded += st2.nr_succeeded;
		st->nr_failed_pages += st2.nr_failed_pages;
	}
	for (uint32_t i = 0; i < n; i++)	/* putback of the pages that stayed */
		if (folio_test(pieces[i], PG_anon) && !folio_test(pieces[i], PG_lru))
			folio_add_lru(s, pieces[i]);
	free(pieces);
	return failed_whole == 0 && rc2 == 0 ? 0 : rc;
}

int migrate_pages(struct sim *s, struct cpu *cpu, struct folio **folios, uint32_t nr, uint32_t nid,
		  enum migrate_mode mode, enum migrate_reason reason,
		  struct migrate_pages_stats *stats)
{
	(void)mode;
	struct migrate_pages_stats st = { 0 };
	struct migrate_scratch *m = scratch_get(s, MAX(nr, 1u));
	struct migrate_batch *b = &m->b;
	struct pending *p = m->p;
	struct folio **batch = m->batch;
	uint32_t moved = 0;
	bool nomem = false;
	/* folio_isolate_lru(), which reclaim's own folios have been through */
	for (uint32_t i = 0; i < nr; i++)
		m->was_lru[i] = folio_isolate_lru(s, folios[i]);
	for (uint32_t i = 0; i < nr && !nomem;) {
		/* a batch: up to NR_MAX_BATCHED_MIGRATION base pages */
		uint32_t n = 0;
		uint64_t pages = 0;
		while (i + n < nr && (n == 0 || pages + folio_nr_pages(folios[i + n]) <=
							  NR_MAX_BATCHED_MIGRATION))
			pages += folio_nr_pages(folios[i + n++]);
		memcpy(batch, folios + i, n * sizeof(*batch));
		i += n;
		/* retry -EAGAIN folios, NR_MAX_MIGRATE_PAGES_RETRY passes at most */
		for (uint32_t pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && n && !nomem; pass++)
			n = migrate_pages_pass(s, cpu, batch, n, nid, reason, &st, b, p, &nomem, &moved,
					       &m->split);
		for (uint32_t j = 0; j < n; j++)	/* still -EAGAIN after the last pass */
			count_result(&st, batch[j], false);
		if (nomem)	/* the rest of the list is not tried */
			for (uint32_t j = i; j < nr; j++)
				count_result(&st, folios[j], false);
	}
	/* putback_movable_pages(): what stayed goes back to the head of its list
	 * (a source that moved was freed, or waits for a flush: not anon now) */
	for (uint32_t i = 0; i < nr; i++)
		if (m->was_lru[i] && folio_test(folios[i], PG_anon) && !folio_test(folios[i], PG_lru))
			folio_add_lru(s, folios[i]);
	count_vm_events(&s->vs, PGMIGRATE_SUCCESS, st.nr_succeeded);
	count_vm_events(&s->vs, PGMIGRATE_FAIL, st.nr_failed_pages);
	count_vm_events(&s->vs, THP_MIGRATION_SUCCESS, st.nr_thp_succeeded);
	count_vm_events(&s->vs, THP_MIGRATION_FAIL, st.nr_thp_failed);
	count_vm_events(&s->vs, THP_MIGRATION_SPLIT, st.nr_thp_split);
	const uint32_t nr_split = m->split.nr;
	int rc = (int)(nr - moved);	/* a split folio counts as one failure */
	if (nr_split)
		rc = migrate_split_pages(s, cpu, nid, mode, reason, &st, rc - (int)nr_split, rc);
	if (stats)
		*stats = st;
	return rc;
}

int migrate_misplaced_folio_prepare(struct sim *s, struct cpu *cpu, struct folio *f, uint32_t nid)
{
	/* migrate_balanced_pgdat(): room for the folio above the high watermark */
	uint64_t nr = folio_nr_pages(f);
	if (!zone_watermark_ok(&s->pm, nid, 0, s->pm.node[nid].watermark[WMARK_HIGH] + nr)) {
		/* tiering: make room by demoting the target's cold memory */
		if (s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING)
			wakeup_kswapd(s, nid, folio_order(f), cpu->now);
		return -EAGAIN;
	}
	if (folio_test(f, PG_isolated))		/* folio_isolate_lru() fails */
		return -EAGAIN;
	return 0;
}

int migrate_misplaced_folio(struct sim *s, struct cpu *cpu, struct folio *f, uint32_t nid)
{
	struct migrate_pages_stats st;
	uint32_t src_nid = folio_nid(f);
	migrate_pages(s, cpu, &f, 1, nid, MIGRATE_ASYNC, MR_NUMA_MISPLACED, &st);
	if (!st.nr_succeeded)
		return -EAGAIN;
	count_vm_events(&s->vs, NUMA_PAGE_MIGRATE, st.nr_succeeded);
	if ((s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING) &&
	    !s->tiers.toptier[src_nid] && s->tiers.toptier[nid])
		count_vm_events(&s->vs, PGPROMOTE_SUCCESS, st.nr_succeeded);
	return 0;
}
