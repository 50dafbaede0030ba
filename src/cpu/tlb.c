// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/tlb.c - set-associative per-CPU TLBs (see tlb.h).
 * The geometry follows the machine: split L1 by page size, one unified
 * second level holding both sizes, as Intel cores since Haswell have.
 */
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "cpu/tlb.h"

static int tlb_array_init(struct tlb_array *a, uint32_t entries, uint32_t ways)
{
	if (ways == 0 || ways > UINT16_MAX || entries < ways || entries % ways)
		return -1;
	uint32_t sets = entries / ways;
	if (sets & (sets - 1))
		return -1;	/* sets must be a power of two */
	a->sets = sets;
	a->ways = ways;
	const size_t tag_bytes = (size_t)sets * tlb_tag_stride(a) + 16;	/* a probe's overread */
	a->e = malloc((size_t)entries * sizeof(*a->e) + tag_bytes);
	a->victim = calloc(sets, sizeof(*a->victim));
	if (!a->e || !a->victim)
		return -1;
	memset(tlb_tags(a), 0, tag_bytes);
	for (uint32_t i = 0; i < entries; i++)
		a->e[i].key = TLB_KEY_INVALID;
	return 0;
}

int tlb_init(struct tlb *t, const struct tlb_geometry *g)
{
	memset(t, 0, sizeof(*t));
	if (tlb_array_init(&t->l1_4k, g->l1_4k_entries, g->l1_4k_ways) ||
	    tlb_array_init(&t->l1_2m, g->l1_2m_entries, g->l1_2m_ways) ||
	    tlb_array_init(&t->l2, g->l2_entries, g->l2_ways)) {
		tlb_destroy(t);
		return -1;
	}
	return 0;
}

void tlb_destroy(struct tlb *t)
{
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
		free(arrays[i]->e);
		free(arrays[i]->victim);
		arrays[i]->e = NULL;
		arrays[i]->victim = NULL;
	}
}

/* Entry @i of @a now has @key (TLB_KEY_INVALID: empty): keep its tag and
 * the count of 2 MiB entries. */
static inline void set_key(struct tlb *t, struct tlb_array *a, size_t i, uint64_t key)
{
	tlb_huge_replaced(t, a->e[i].key, key);
	a->e[i].key = key;
	tlb_tags(a)[i / a->ways * tlb_tag_stride(a) + i % a->ways] =
		key == TLB_KEY_INVALID ? 0 : tlb_tag(key);
}

/* Put @src in @a; return whether a valid entry of another key was replaced. */
static bool tlb_array_put(struct tlb *t, struct tlb_array *a, const struct tlb_entry *src)
{
	uint32_t set = (uint32_t)(src->key & (a->sets - 1));
	int w = tlb_array_way(a, set, src->key);
	if (w < 0)
		return tlb_array_put_absent(t, a, src, tlb_tag(src->key));
	struct tlb_entry *e = &a->e[(size_t)set * a->ways + (uint32_t)w];
	bool changed = e->pfn != src->pfn || e->writable != src->writable;
	tlb_skipped_replaced(t, e, src);
	*e = *src;
	return changed;
}

/* The entry of @key (tag pattern @pat) in @a, or NULL. */
static inline struct tlb_entry *find_pat(struct tlb_array *a, uint64_t key, uint64_t pat)
{
	uint32_t set = (uint32_t)(key & (a->sets - 1));
	int w = tlb_array_way_pat(a, set, key, pat);
	return w < 0 ? NULL : &a->e[(size_t)set * a->ways + (uint32_t)w];
}

struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t mm_id, uint64_t vaddr, bool *huge)
{
	const uint64_t k4 = tlb_key(mm_id, vaddr), k2 = tlb_key_huge(mm_id, vaddr);
	const uint64_t p4 = tlb_tag_pattern(k4);
	struct tlb_entry *e = find_pat(&t->l1_4k, k4, p4);
	*huge = false;
	if (e)
		return e;
	const uint64_t p2 = t->nr_huge ? tlb_tag_pattern(k2) : 0;
	if (t->nr_huge && (e = find_pat(&t->l1_2m, k2, p2))) {
		*huge = true;
		return e;
	}
	e = find_pat(&t->l2, k4, p4);
	if (!e && t->nr_huge) {
		e = find_pat(&t->l2, k2, p2);
		*huge = e != NULL;
	}
	return e ? tlb_refill_l1(t, e, *huge) : NULL;
}

struct tlb_entry *tlb_refill_l1(struct tlb *t, struct tlb_entry *e, bool huge)
{
	struct tlb_array *l1 = huge ? &t->l1_2m : &t->l1_4k;
	tlb_array_put(t, l1, e);
	return tlb_array_find(l1, e->key);
}

struct tlb_entry *tlb_lookup_huge(struct tlb *t, uint32_t mm_id, uint64_t vaddr)
{
	uint64_t k2 = tlb_key_huge(mm_id, vaddr);
	struct tlb_entry *e = tlb_array_find(&t->l1_2m, k2);
	if (e)
		return e;
	e = tlb_array_find(&t->l2, k2);
	if (!e)
		return NULL;
	tlb_array_put(t, &t->l1_2m, e);
	return tlb_array_find(&t->l1_2m, k2);
}

void tlb_insert(struct tlb *t, uint64_t key, uint64_t pfn, uint32_t nid, bool writable, bool huge)
{
	struct tlb_entry e = { .key = key, .pfn = pfn, .nid = nid, .writable = writable };
	tlb_array_put(t, huge ? &t->l1_2m : &t->l1_4k, &e);
	t->l2_changes += tlb_array_put(t, &t->l2, &e);
}

static bool tlb_array_drop(struct tlb *t, struct tlb_array *a, uint64_t key)
{
	struct tlb_entry *e = tlb_array_find(a, key);
	if (e) {
		t->nr_skipped -= e->skipped;
		set_key(t, a, (size_t)(e - a->e), TLB_KEY_INVALID);
	}
	return e != NULL;
}

void tlb_flush_one(struct tlb *t, uint32_t mm_id, uint64_t vaddr)
{
	uint64_t k4 = tlb_key(mm_id, vaddr), k2 = tlb_key_huge(mm_id, vaddr);
	tlb_array_drop(t, &t->l1_4k, k4);
	tlb_array_drop(t, &t->l1_2m, k2);
	t->l2_changes += tlb_array_drop(t, &t->l2, k4) + tlb_array_drop(t, &t->l2, k2);
}

static uint32_t key_mm(uint64_t key)
{
	return (uint32_t)((key & ~TLB_KEY_HUGE) >> 36);
}

static uint64_t tlb_array_flush_mm(struct tlb *t, struct tlb_array *a, uint32_t mm_id)
{
	uint32_t n = a->sets * a->ways;
	uint64_t dropped = 0;
	for (uint32_t i = 0; i < n; i++)
		if (a->e[i].key != TLB_KEY_INVALID && key_mm(a->e[i].key) == mm_id) {
			t->nr_skipped -= a->e[i].skipped;
			set_key(t, a, i, TLB_KEY_INVALID);
			dropped++;
		}
	return dropped;
}

void tlb_flush_mm(struct tlb *t, uint32_t mm_id)
{
	tlb_array_flush_mm(t, &t->l1_4k, mm_id);
	tlb_array_flush_mm(t, &t->l1_2m, mm_id);
	t->l2_changes += tlb_array_flush_mm(t, &t->l2, mm_id);
}

void tlb_flush_all(struct tlb *t)
{
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
		for (uint32_t j = 0; j < arrays[i]->sets * arrays[i]->ways; j++)
			arrays[i]->e[j].key = TLB_KEY_INVALID;
		memset(tlb_tags(arrays[i]), 0, (size_t)arrays[i]->sets * tlb_tag_stride(arrays[i]));
	}
	t->nr_skipped = 0;
	t->nr_huge = 0;
	t->l2_changes++;
}

typedef bool (*stale_fn)(const struct tlb_entry *e, bool huge, void *arg);

static uint32_t mark_entry(struct tlb *t, struct tlb_entry *e, stale_fn stale, void *arg)
{
	if (e->skipped || !stale(e, (e->key & TLB_KEY_HUGE) != 0, arg))
		return 0;
	e->skipped = 1;
	t->nr_skipped++;
	return 1;
}

static uint32_t mark_key(struct tlb *t, struct tlb_array *a, uint64_t key, stale_fn stale,
			 void *arg)
{
	struct tlb_entry *e = tlb_array_find(a, key);
	return e ? mark_entry(t, e, stale, arg) : 0;
}

uint32_t tlb_mark_skipped(struct tlb *t, uint32_t mm_id, uint64_t start, uint64_t end,
			  uint64_t stride, bool full, stale_fn stale, void *arg)
{
	uint32_t n = 0;
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	if (full) {
		for (size_t i = 0; i < ARRAY_SIZE(arrays); i++)
			for (uint32_t j = 0; j < arrays[i]->sets * arrays[i]->ways; j++) {
				struct tlb_entry *e = &arrays[i]->e[j];
				if (e->key != TLB_KEY_INVALID && key_mm(e->key) == mm_id)
					n += mark_entry(t, e, stale, arg);
			}
		return n;
	}
	for (uint64_t a = start; a < end; a += stride) {
		uint64_t k4 = tlb_key(mm_id, a), k2 = tlb_key_huge(mm_id, a);
		n += mark_key(t, &t->l1_4k, k4, stale, arg) + mark_key(t, &t->l1_2m, k2, stale, arg) +
		     mark_key(t, &t->l2, k4, stale, arg) + mark_key(t, &t->l2, k2, stale, arg);
	}
	return n;
}

void tlb_for_each(struct tlb *t, void (*fn)(struct tlb_entry *e, bool huge, void *arg), void *arg)
{
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++)
		for (uint32_t j = 0; j < arrays[i]->sets * arrays[i]->ways; j++) {
			struct tlb_entry *e = &arrays[i]->e[j];
			if (e->key != TLB_KEY_INVALID)
				fn(e, (e->key & TLB_KEY_HUGE) != 0, arg);
		}
}

/* Validator: each way's tag is its key's (0 if empty), the padding's 0, and
 * nr_huge counts the valid 2 MiB entries. */
void tlb_check(const struct tlb *t)
{
	const struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	uint32_t huge = 0;
	for (size_t i = 0; i < ARRAY_SIZE(arrays); i++) {
		const struct tlb_array *a = arrays[i];
		for (uint32_t set = 0; set < a->sets; set++)
			for (uint32_t w = 0; w < tlb_tag_stride(a); w++) {
				uint8_t tag = tlb_tags(a)[(size_t)set * tlb_tag_stride(a) + w];
				if (w >= a->ways) {
					VM_BUG_ON(tag != 0);
					continue;
				}
				uint64_t key = a->e[(size_t)set * a->ways + w].key;
				VM_BUG_ON(tag != (key == TLB_KEY_INVALID ? 0 : tlb_tag(key)));
				huge += tlb_key_is_huge(key);
			}
	}
	VM_BUG_ON(huge != t->nr_huge);
	(void)huge;
}
