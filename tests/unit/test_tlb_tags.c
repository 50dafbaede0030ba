// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_tlb_tags.c - the TLB's host-side shortcuts (cpu/tlb.h):
 * the 8-bit tags a probe compares, the count of 2 MiB entries that lets a
 * lookup skip their probes, tlb_lookup_fast() and tlb_insert_absent().
 * Random operations on two TLBs, one through the general calls and one
 * through the shortcuts, must leave them byte-identical, and every probe
 * must find exactly what a linear scan of the entries finds.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "cpu/tlb.h"

static const struct tlb_geometry geos[] = {
	{ 8, 2, 4, 2, 16, 2 },			/* tiny */
	{ 64, 4, 32, 4, 2048, 16 },		/* Ice Lake-like */
	{ 48, 12, 8, 8, 320, 20 },		/* ways not a multiple of 8, over 16 */
	{ 64, 64, 4, 1, 64, 64 },		/* fully associative; direct-mapped */
};

/* The entry of @key in @a by a linear scan, or NULL. */
static struct tlb_entry *scan(struct tlb_array *a, uint64_t key)
{
	for (uint32_t i = 0; i < a->sets * a->ways; i++)
		if (a->e[i].key == key)
			return &a->e[i];
	return NULL;
}

static uint32_t scan_huge(struct tlb *t)
{
	uint32_t n = 0;
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	for (int i = 0; i < 3; i++)
		for (uint32_t j = 0; j < arrays[i]->sets * arrays[i]->ways; j++)
			n += arrays[i]->e[j].key != TLB_KEY_INVALID &&
			     (arrays[i]->e[j].key & TLB_KEY_HUGE);
	return n;
}

static void same_array(const struct tlb_array *a, const struct tlb_array *b)
{
	size_t n = (size_t)a->sets * a->ways;
	for (size_t i = 0; i < n; i++) {	/* an empty way's other fields are stale */
		assert_int_equal(a->e[i].key, b->e[i].key);
		if (a->e[i].key == TLB_KEY_INVALID)
			continue;
		assert_int_equal(a->e[i].pfn, b->e[i].pfn);
		assert_int_equal(a->e[i].nid, b->e[i].nid);
		assert_int_equal(a->e[i].writable, b->e[i].writable);
		assert_int_equal(a->e[i].skipped, b->e[i].skipped);
	}
	assert_memory_equal(tlb_tags(a), tlb_tags(b), (size_t)a->sets * tlb_tag_stride(a));
	assert_memory_equal(a->victim, b->victim, a->sets * sizeof(*a->victim));
}

static void same_tlb(struct tlb *a, struct tlb *b)
{
	same_array(&a->l1_4k, &b->l1_4k);
	same_array(&a->l1_2m, &b->l1_2m);
	same_array(&a->l2, &b->l2);
	assert_int_equal(a->l2_changes, b->l2_changes);
	assert_int_equal(a->nr_huge, b->nr_huge);
	assert_int_equal(a->nr_huge, scan_huge(a));
}

/* Every probe of @t agrees with a scan, for the keys of the small space used. */
static void probes_agree(struct tlb *t)
{
	struct tlb_array *arrays[] = { &t->l1_4k, &t->l1_2m, &t->l2 };
	for (uint32_t mm = 1; mm <= 2; mm++)
		for (uint64_t v = 0; v < 96; v++)
			for (int i = 0; i < 3; i++) {
				uint64_t k4 = tlb_key(mm, v << 12), k2 = tlb_key_huge(mm, v << 21);
				assert_ptr_equal(tlb_array_find(arrays[i], k4), scan(arrays[i], k4));
				assert_ptr_equal(tlb_array_find(arrays[i], k2), scan(arrays[i], k2));
			}
}

static void one_op(struct tlb *a, struct tlb *b, struct rng *r)
{
	uint32_t mm = 1 + (uint32_t)rng_below(r, 2);
	bool huge = rng_below(r, 4) == 0;
	uint64_t va = huge ? rng_below(r, 96) << 21 : rng_below(r, 96) << 12;
	uint64_t key = huge ? tlb_key_huge(mm, va) : tlb_key(mm, va);
	uint64_t pfn = rng_below(r, 1u << 20);
	bool writable = rng_below(r, 2);
	switch (rng_below(r, 16)) {
	case 0:
		tlb_flush_one(a, mm, va);
		tlb_flush_one(b, mm, va);
		break;
	case 1:
		if (rng_below(r, 8) == 0) {
			tlb_flush_mm(a, mm);
			tlb_flush_mm(b, mm);
		}
		break;
	case 2:
		if (rng_below(r, 32) == 0) {
			tlb_flush_all(a);
			tlb_flush_all(b);
		}
		break;
	case 3: case 4: case 5: case 6: {	/* a lookup, general and inline */
		bool ha, hb;
		struct tlb_entry *ea = tlb_lookup(a, mm, va, &ha);
		struct tlb_entry *eb = tlb_lookup_fast(b, mm, va, &hb);
		assert_int_equal(ea == NULL, eb == NULL);
		if (ea) {
			assert_int_equal(ha, hb);
			assert_int_equal(ea - (ha ? a->l1_2m.e : a->l1_4k.e),
					 eb - (hb ? b->l1_2m.e : b->l1_4k.e));
		}
		break;
	}
	default: {	/* an insert: the shortcut where the key is in neither array */
		struct tlb_array *l1 = huge ? &b->l1_2m : &b->l1_4k;
		tlb_insert(a, key, pfn, 0, writable, huge);
		if (!scan(l1, key) && !scan(&b->l2, key))
			tlb_insert_absent(b, key, pfn, 0, writable, huge);
		else
			tlb_insert(b, key, pfn, 0, writable, huge);
		break;
	}
	}
}

static void test_tlb_shortcuts_match(void **state)
{
	(void)state;
	for (size_t g = 0; g < ARRAY_SIZE(geos); g++) {
		struct tlb a, b;
		struct rng r;
		assert_int_equal(tlb_init(&a, &geos[g]), 0);
		assert_int_equal(tlb_init(&b, &geos[g]), 0);
		rng_seed(&r, 7, g);
		for (int i = 0; i < 20000; i++) {
			one_op(&a, &b, &r);
			same_tlb(&a, &b);
			if (i % 97 == 0)
				probes_agree(&b);
		}
		tlb_check(&a);
		tlb_destroy(&a);
		tlb_destroy(&b);
	}
}

/* A tag that matches for a key which is not there reads the full key and
 * goes on: keys of equal tag in one set are told apart. */
static void test_tlb_tag_collisions(void **state)
{
	(void)state;
	const struct tlb_geometry g = { 64, 4, 32, 4, 2048, 16 };
	struct tlb t;
	assert_int_equal(tlb_init(&t, &g), 0);
	const uint32_t sets = t.l2.sets;
	/* keys of set 5 whose tag equals that of the first */
	uint64_t first = tlb_key(1, 5ull << 12), same[8];
	int n = 0;
	for (uint64_t v = 5 + sets; n < 8 && v < (1ull << 30); v += sets)
		if (tlb_tag(tlb_key(1, v << 12)) == tlb_tag(first))
			same[n++] = tlb_key(1, v << 12);
	assert_int_equal(n, 8);
	tlb_insert(&t, first, 1, 0, false, false);
	for (int i = 0; i < 7; i++)
		tlb_insert(&t, same[i], 10 + i, 0, false, false);
	for (int i = 0; i < 7; i++) {
		struct tlb_entry *e = tlb_array_find(&t.l2, same[i]);
		assert_non_null(e);
		assert_int_equal(e->pfn, 10 + i);
	}
	assert_null(tlb_array_find(&t.l2, same[7]));	/* same tag, not there */
	assert_int_equal(tlb_array_find(&t.l2, first)->pfn, 1);
	tlb_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlb_shortcuts_match),
		cmocka_unit_test(test_tlb_tag_collisions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
