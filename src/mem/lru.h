/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/lru.h - the anonymous LRU lists of a node (Linux struct lruvec with
 * LRU_INACTIVE_ANON and LRU_ACTIVE_ANON; include/linux/mm_inline.h
 * lruvec_add_folio/lruvec_del_folio, mm/swap.c folio_add_lru).
 *
 * Representation: each list is a ring of head pfns in LRU order, oldest at
 * the tail (where reclaim takes from) and newest at the head (where folios
 * are added), as Linux's list_head order. The cost is 4 bytes per folio,
 * whatever its size (a THP is one entry, counted by nr_pages as Linux does),
 * in a side structure that exists only for nodes reclaim can act on; the
 * per-page folio slot is unchanged (PG_lru, PG_active and PG_referenced are
 * flag bits it already had room for).
 *
 * A ring cannot unlink from its middle, so a folio that leaves a list other
 * than by lru_pop_tail() (freed, isolated for migration) leaves its entry
 * behind: lru_del() counts that entry as stale in the list's stale map (pfn ->
 * number of such entries). The stale entries of a pfn are always older than
 * a live entry of the same pfn on that list (the folio had to leave before a
 * folio at that pfn could be added again), so lru_pop_tail() drops an entry
 * exactly when its pfn has a stale count, and otherwise the entry is the live
 * one. When stale entries pass half the live ones the ring is compacted in
 * order, so the stale map stays below half the folios.
 *
 * Invariants (lru_check()):
 *   every live entry's folio is a head with PG_lru, on this list by PG_active,
 *   of the list's node, and has exactly one live entry;
 *   nr_folios and nr_pages count the live entries and their pages;
 *   head - tail == nr_folios + the sum of the stale counts.
 */
#ifndef NUMASIM_MEM_LRU_H
#define NUMASIM_MEM_LRU_H

#include "core/compiler.h"

struct phys_mem;
struct folio;

enum lru_list { LRU_INACTIVE_ANON, LRU_ACTIVE_ANON, NR_LRU_LISTS };

/* pfn -> stale entries of that pfn in a ring (open addressing, linear probing) */
struct lru_stale {
	uint32_t *key;		/* PFN_NIL: empty slot */
	uint32_t *count;
	uint32_t cap;		/* power of two, or 0 */
	uint32_t nr;		/* keys in use */
	uint64_t total;		/* sum of the counts: stale entries in the ring */
};

struct lru_ring {
	uint32_t *pfn;
	uint64_t head, tail;	/* logical positions: entries [tail, head) */
	uint64_t cap;		/* power of two, or 0 */
	uint64_t nr_folios, nr_pages;	/* live entries and their pages */
	struct lru_stale stale;
};

struct lruvec {
	struct lru_ring lists[NR_LRU_LISTS];
};

void lruvec_free(struct lruvec *lv);

/* The list @f belongs on by its PG_active flag. */
enum lru_list folio_lru_list(const struct folio *f);

/* lruvec_add_folio(): put @f (a head, not on a list) at the head of its list. */
void lru_add(struct phys_mem *pm, struct lruvec *lv, struct folio *f);
/* lruvec_del_folio() from anywhere but the tail: @f (on a list) leaves it. */
void lru_del(struct phys_mem *pm, struct lruvec *lv, struct folio *f);
/* Take the oldest folio of list @lru off it; NULL if the list is empty. */
struct folio *lru_pop_tail(struct phys_mem *pm, struct lruvec *lv, enum lru_list lru);

/* lruvec_lru_size(): pages on list @lru. */
static inline uint64_t lru_size(const struct lruvec *lv, enum lru_list lru)
{
	return lv->lists[lru].nr_pages;
}

/* Validator: VM_BUG_ON on any broken invariant above. O(entries). */
void lru_check(const struct phys_mem *pm, const struct lruvec *lv, uint32_t nid);

#endif
