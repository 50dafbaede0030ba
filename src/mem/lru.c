// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/lru.c - a node's anonymous LRU lists as rings of pfns (see lru.h).
 * Models:     linux include/linux/mm_inline.h lruvec_add_folio (list_add at
 *             the head), lruvec_del_folio, and the tail-first taking of
 *             mm/vmscan.c isolate_lru_folios (lru_to_folio).
 * APPROX:     nothing but reclaim reorders the lists, and a folio that is
 *             put back goes to the head, as in Linux; only the split of a
 *             large folio differs (mem/huge_split.c).
 */
#include <stdlib.h>

#include "core/array.h"
#include "mem/lru.h"
#include "mem/page_alloc.h"

#define RING_MIN_CAP 1024u
#define STALE_MIN_CAP 256u
#define COMPACT_SLACK 1024u	/* stale entries tolerated beyond half the live ones */

enum lru_list folio_lru_list(const struct folio *f)
{
	return folio_test(f, PG_active) ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
}

/* ---- the stale map ---- */

static uint32_t stale_hash(uint32_t pfn, uint32_t cap)
{
	return (uint32_t)((pfn * 2654435761u) & (cap - 1));	/* Knuth's multiplicative hash */
}

/* The slot of @pfn, or the empty slot where it would go. */
static uint32_t stale_slot(const struct lru_stale *m, uint32_t pfn)
{
	uint32_t i = stale_hash(pfn, m->cap);
	while (m->key[i] != PFN_NIL && m->key[i] != pfn)
		i = (i + 1) & (m->cap - 1);
	return i;
}

/* The host memory of @cap keys and counts (or a ring of @cap pfns). */
static uint64_t map_bytes(uint64_t cap)
{
	return cap ? 2 * host_malloc_bytes(cap * sizeof(uint32_t)) : 0;
}

static uint64_t ring_bytes(uint64_t cap)
{
	return cap ? host_malloc_bytes(cap * sizeof(uint32_t)) : 0;
}

static void stale_grow(struct host_mem *h, struct lru_stale *m)
{
	struct lru_stale old = *m;
	m->cap = old.cap ? old.cap * 2 : STALE_MIN_CAP;
	host_mem_recharge(h, map_bytes(old.cap), map_bytes(m->cap));
	m->key = malloc(m->cap * sizeof(*m->key));
	m->count = malloc(m->cap * sizeof(*m->count));
	if (!m->key || !m->count)
		abort();
	for (uint32_t i = 0; i < m->cap; i++)
		m->key[i] = PFN_NIL;
	for (uint32_t i = 0; i < old.cap; i++)
		if (old.key[i] != PFN_NIL) {
			uint32_t j = stale_slot(m, old.key[i]);
			m->key[j] = old.key[i];
			m->count[j] = old.count[i];
		}
	free(old.key);
	free(old.count);
}

static void stale_inc(struct host_mem *h, struct lru_stale *m, uint32_t pfn)
{
	if (2 * (m->nr + 1) > m->cap)
		stale_grow(h, m);
	uint32_t i = stale_slot(m, pfn);
	if (m->key[i] == PFN_NIL) {
		m->key[i] = pfn;
		m->count[i] = 0;
		m->nr++;
	}
	m->count[i]++;
	m->total++;
}

/* Remove the key in slot @i, shifting later keys of its probe run back. */
static void stale_erase(struct lru_stale *m, uint32_t i)
{
	const uint32_t mask = m->cap - 1;
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (m->key[j] == PFN_NIL)
			break;
		uint32_t home = stale_hash(m->key[j], m->cap);
		/* the key at j may move to i if its home is not in (i, j] */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->key[i] = m->key[j];
			m->count[i] = m->count[j];
			i = j;
		}
	}
	m->key[i] = PFN_NIL;
	m->nr--;
}

/* If @pfn has stale entries, use one up and return true. */
static bool stale_take(struct lru_stale *m, uint32_t pfn)
{
	if (!m->nr)
		return false;
	uint32_t i = stale_slot(m, pfn);
	if (m->key[i] == PFN_NIL)
		return false;
	m->total--;
	if (--m->count[i] == 0)
		stale_erase(m, i);
	return true;
}

/* ---- the ring ---- */

/* Rewrite the ring in order without its stale entries. */
static void ring_compact(struct lru_ring *r)
{
	uint64_t out = r->tail;
	for (uint64_t p = r->tail; p != r->head; p++) {
		uint32_t pfn = r->pfn[p & (r->cap - 1)];
		if (!stale_take(&r->stale, pfn))
			r->pfn[out++ & (r->cap - 1)] = pfn;
	}
	VM_BUG_ON(r->stale.total != 0 || r->stale.nr != 0);
	r->head = out;
}

static void ring_grow(struct host_mem *h, struct lru_ring *r)
{
	uint64_t cap = r->cap ? r->cap * 2 : RING_MIN_CAP;
	host_mem_recharge(h, ring_bytes(r->cap), ring_bytes(cap));
	uint32_t *pfn = xreallocarray(NULL, cap, sizeof(*pfn));
	uint64_t n = r->head - r->tail;
	for (uint64_t i = 0; i < n; i++)
		pfn[i] = r->pfn[(r->tail + i) & (r->cap - 1)];
	free(r->pfn);
	r->pfn = pfn;
	r->cap = cap;
	r->tail = 0;
	r->head = n;
}

static void ring_push(struct host_mem *h, struct lru_ring *r, uint32_t pfn)
{
	if (r->head - r->tail == r->cap) {
		if (r->stale.total > r->cap / 4)
			ring_compact(r);
		else
			ring_grow(h, r);
	}
	r->pfn[r->head++ & (r->cap - 1)] = pfn;
}

void lruvec_free(struct lruvec *lv)
{
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		free(lv->lists[l].pfn);
		free(lv->lists[l].stale.key);
		free(lv->lists[l].stale.count);
	}
}

void lru_add(struct phys_mem *pm, struct lruvec *lv, struct folio *f)
{
	VM_BUG_ON(!folio_test(f, PG_head) || folio_test(f, PG_lru));
	struct lru_ring *r = &lv->lists[folio_lru_list(f)];
	ring_push(pm->acct, r, (uint32_t)folio_pfn(pm, f));
	folio_set(f, PG_lru);
	r->nr_folios++;
	r->nr_pages += folio_nr_pages(f);
}

void lru_del(struct phys_mem *pm, struct lruvec *lv, struct folio *f)
{
	VM_BUG_ON(!folio_test(f, PG_lru));
	struct lru_ring *r = &lv->lists[folio_lru_list(f)];
	folio_clear(f, PG_lru);
	r->nr_folios--;
	r->nr_pages -= folio_nr_pages(f);
	stale_inc(pm->acct, &r->stale, (uint32_t)folio_pfn(pm, f));
	/* amortised O(1): the live folios shrink by a third between two */
	if (r->stale.total > r->nr_folios / 2 + COMPACT_SLACK)
		ring_compact(r);
}

struct folio *lru_pop_tail(struct phys_mem *pm, struct lruvec *lv, enum lru_list lru)
{
	struct lru_ring *r = &lv->lists[lru];
	while (r->tail != r->head) {
		uint32_t pfn = r->pfn[r->tail++ & (r->cap - 1)];
		if (stale_take(&r->stale, pfn))
			continue;
		struct folio *f = pfn_folio(pm, pfn);
		VM_BUG_ON(!folio_test(f, PG_head) || !folio_test(f, PG_lru) ||
			  folio_lru_list(f) != lru);
		folio_clear(f, PG_lru);
		r->nr_folios--;
		r->nr_pages -= folio_nr_pages(f);
		return f;
	}
	return NULL;
}

void lru_check(const struct phys_mem *pm, const struct lruvec *lv, uint32_t nid)
{
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		const struct lru_ring *r = &lv->lists[l];
		uint64_t folios = 0, pages = 0, stale = 0;
		for (uint32_t i = 0; i < r->stale.cap; i++)
			if (r->stale.key[i] != PFN_NIL)
				stale += r->stale.count[i];
		VM_BUG_ON(stale != r->stale.total);
		VM_BUG_ON(r->head - r->tail != r->nr_folios + stale);
		/* walking the ring as lru_pop_tail would, with a copy of the counts */
		struct lru_stale left = { .cap = r->stale.cap };
		if (left.cap) {
			left.key = malloc(left.cap * sizeof(*left.key));
			left.count = malloc(left.cap * sizeof(*left.count));
			if (!left.key || !left.count)
				abort();
			for (uint32_t i = 0; i < left.cap; i++) {
				left.key[i] = r->stale.key[i];
				left.count[i] = r->stale.count[i];
			}
			left.nr = r->stale.nr;
			left.total = r->stale.total;
		}
		for (uint64_t p = r->tail; p != r->head; p++) {
			uint32_t pfn = r->pfn[p & (r->cap - 1)];
			if (stale_take(&left, pfn))
				continue;
			const struct folio *f = pfn_folio(pm, pfn);
			VM_BUG_ON(!folio_test(f, PG_head) || !folio_test(f, PG_lru));
			VM_BUG_ON((int)folio_lru_list(f) != l || folio_nid(f) != nid);
			folios++;
			pages += folio_nr_pages(f);
		}
		VM_BUG_ON(left.total != 0);
		free(left.key);
		free(left.count);
		VM_BUG_ON(folios != r->nr_folios || pages != r->nr_pages);
	}
	/* and no folio of the node claims PG_lru without a live entry */
	uint64_t on[NR_LRU_LISTS] = { 0 };
	const struct pglist_data *pg = &pm->node[nid];
	for (uint64_t pfn = pg->node_start_pfn; pfn < pg->pristine_pfn; pfn++) {
		const struct folio *f = pfn_folio(pm, pfn);
		if (folio_test(f, PG_head) && folio_test(f, PG_lru))
			on[folio_lru_list(f)]++;
	}
	for (int l = 0; l < NR_LRU_LISTS; l++)
		VM_BUG_ON(on[l] != lv->lists[l].nr_folios);
}
