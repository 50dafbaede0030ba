// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_tlb_event.c - the per-CPU TLB (cpu/tlb.c), the timer queue
 * (core/event.c), the tunables parser (core/tunables.c) and the seeded random
 * streams (core/rng.h).
 */
#include "harness.h"

#include <stdlib.h>

#include "core/event.h"
#include "core/rng.h"
#include "core/tunables.h"
#include "cpu/tlb.h"

/* ---- TLB ---- */

/* Small geometry: L1 4K 4 sets x 2 ways, L1 2M 2 x 2, L2 8 sets x 2 ways. */
static const struct tlb_geometry small_geo = {
	.l1_4k_entries = 8, .l1_4k_ways = 2,
	.l1_2m_entries = 4, .l1_2m_ways = 2,
	.l2_entries = 16, .l2_ways = 2,
};

/* Ice Lake-like, as the presets use. */
static const struct tlb_geometry icx_geo = {
	.l1_4k_entries = 64, .l1_4k_ways = 4,
	.l1_2m_entries = 32, .l1_2m_ways = 4,
	.l2_entries = 2048, .l2_ways = 16,
};

#define VA(n) ((1ull << 30) + ((uint64_t)(n) << 12))	/* 4 KiB page n of a region */
#define HVA(n) ((1ull << 30) + ((uint64_t)(n) << 21))	/* 2 MiB page n */

static void tlb_init_ok(struct tlb *t, const struct tlb_geometry *g)
{
	assert_int_equal(tlb_init(t, g), 0);
}

static bool in_array(struct tlb_array *a, uint64_t key)
{
	return tlb_array_find(a, key) != NULL;
}

static void count_cb(struct tlb_entry *e, bool huge, void *arg)
{
	(void)e, (void)huge;
	(*(int *)arg)++;
}

static int tlb_count(struct tlb *t)
{
	int n = 0;

	tlb_for_each(t, count_cb, &n);
	return n;
}

static void test_tlb_insert_lookup(void **state)
{
	(void)state;
	struct tlb t;
	bool huge = true;

	tlb_init_ok(&t, &icx_geo);
	assert_int_equal(tlb_count(&t), 0);
	assert_null(tlb_lookup(&t, 1, VA(5), &huge));

	tlb_insert(&t, tlb_key(1, VA(5)), 0x1234, 1, true, false);
	struct tlb_entry *e = tlb_lookup(&t, 1, VA(5) + 100, &huge);
	assert_non_null(e);
	assert_false(huge);
	assert_int_equal(e->pfn, 0x1234);
	assert_int_equal(e->nid, 1);
	assert_int_equal(e->writable, 1);
	/* the neighbouring page, and the same page in another mm, miss */
	assert_null(tlb_lookup(&t, 1, VA(6), &huge));
	assert_null(tlb_lookup(&t, 2, VA(5), &huge));
	/* a 4K entry sits in L1 4K and in L2 */
	assert_true(in_array(&t.l1_4k, tlb_key(1, VA(5))));
	assert_true(in_array(&t.l2, tlb_key(1, VA(5))));
	assert_false(in_array(&t.l1_2m, tlb_key_huge(1, VA(5))));

	/* a 2M entry covers every 4K page of its range */
	tlb_insert(&t, tlb_key_huge(1, HVA(3)), 0x40000, 0, false, true);
	for (uint64_t off = 0; off < (2ull << 20); off += 4096 * 37) {
		e = tlb_lookup(&t, 1, HVA(3) + off, &huge);
		assert_non_null(e);
		assert_true(huge);
		assert_int_equal(e->pfn, 0x40000);
		assert_int_equal(e->writable, 0);
	}
	assert_null(tlb_lookup(&t, 1, HVA(4), &huge));
	assert_null(tlb_lookup(&t, 1, HVA(3) - 1, &huge));
	assert_true(in_array(&t.l1_2m, tlb_key_huge(1, HVA(3))));
	assert_true(in_array(&t.l2, tlb_key_huge(1, HVA(3))));
	assert_false(in_array(&t.l1_4k, tlb_key_huge(1, HVA(3))));

	/* re-inserting a key updates it in place */
	tlb_insert(&t, tlb_key(1, VA(5)), 0x9999, 0, false, false);
	e = tlb_lookup(&t, 1, VA(5), &huge);
	assert_int_equal(e->pfn, 0x9999);
	assert_int_equal(e->writable, 0);
	assert_int_equal(tlb_count(&t), 4);	/* one 4K and one 2M, each in L1 and L2 */

	/* a 4K entry and a 2M entry for the same address: the 4K one wins */
	tlb_insert(&t, tlb_key(1, HVA(3) + 4096), 0x5555, 0, true, false);
	e = tlb_lookup(&t, 1, HVA(3) + 4096, &huge);
	assert_false(huge);
	assert_int_equal(e->pfn, 0x5555);

	/* the largest pfn the entry holds (40 bits) survives */
	tlb_insert(&t, tlb_key(3, VA(1)), (1ull << 40) - 1, 15, true, false);
	e = tlb_lookup(&t, 3, VA(1), &huge);
	assert_int_equal(e->pfn, (1ull << 40) - 1);
	assert_int_equal(e->nid, 15);
	tlb_destroy(&t);
}

/* An entry evicted from L1 but still in L2 is refilled into L1 on lookup. */
static void test_tlb_l2_refill(void **state)
{
	(void)state;
	struct tlb t;
	bool huge;

	tlb_init_ok(&t, &small_geo);
	const uint64_t k0 = tlb_key(1, VA(0));
	tlb_insert(&t, k0, 100, 0, true, false);
	/* VA(4), VA(8): same L1 set (4 sets) as VA(0), other L2 sets (8 sets)
	 * for VA(4); two ways, so inserting both evicts VA(0) from L1 */
	tlb_insert(&t, tlb_key(1, VA(4)), 104, 0, true, false);
	tlb_insert(&t, tlb_key(1, VA(12)), 112, 0, true, false);
	assert_false(in_array(&t.l1_4k, k0));
	assert_true(in_array(&t.l2, k0));

	struct tlb_entry *e = tlb_lookup(&t, 1, VA(0), &huge);
	assert_non_null(e);
	assert_false(huge);
	assert_int_equal(e->pfn, 100);
	assert_true(in_array(&t.l1_4k, k0));
	/* the returned entry is the L1 copy */
	assert_ptr_equal(e, tlb_array_find(&t.l1_4k, k0));

	/* the same for a 2M entry: refilled into L1 2M, not L1 4K */
	const uint64_t h0 = tlb_key_huge(1, HVA(0));
	tlb_insert(&t, h0, 512, 1, false, true);
	tlb_insert(&t, tlb_key_huge(1, HVA(2)), 1024, 1, false, true);	/* 2 sets x 2 ways */
	tlb_insert(&t, tlb_key_huge(1, HVA(6)), 1536, 1, false, true);
	assert_false(in_array(&t.l1_2m, h0));
	assert_true(in_array(&t.l2, h0));
	e = tlb_lookup(&t, 1, HVA(0) + 8192, &huge);
	assert_non_null(e);
	assert_true(huge);
	assert_int_equal(e->pfn, 512);
	assert_int_equal(e->nid, 1);
	assert_true(in_array(&t.l1_2m, h0));
	assert_false(in_array(&t.l1_4k, h0));
	tlb_destroy(&t);
}

/* tlb_lookup_huge(): only 2 MiB translations, refilled from L2 into L1 2M. */
static void test_tlb_lookup_huge(void **state)
{
	(void)state;
	struct tlb t;

	tlb_init_ok(&t, &small_geo);
	/* a 4K translation is not a 2M one */
	tlb_insert(&t, tlb_key(1, HVA(0)), 7, 0, true, false);
	assert_null(tlb_lookup_huge(&t, 1, HVA(0)));
	tlb_insert(&t, tlb_key_huge(1, HVA(0)), 512, 1, true, true);
	struct tlb_entry *e = tlb_lookup_huge(&t, 1, HVA(0) + 12345);
	assert_non_null(e);
	assert_int_equal(e->pfn, 512);
	assert_ptr_equal(e, tlb_array_find(&t.l1_2m, tlb_key_huge(1, HVA(0))));
	assert_null(tlb_lookup_huge(&t, 2, HVA(0)));	/* other mm */
	assert_null(tlb_lookup_huge(&t, 1, HVA(1)));	/* other 2M page */
	/* evicted from L1 2M (2 sets x 2 ways), still in L2: refilled */
	tlb_insert(&t, tlb_key_huge(1, HVA(2)), 1024, 1, false, true);
	tlb_insert(&t, tlb_key_huge(1, HVA(6)), 1536, 1, false, true);
	assert_false(in_array(&t.l1_2m, tlb_key_huge(1, HVA(0))));
	e = tlb_lookup_huge(&t, 1, HVA(0));
	assert_non_null(e);
	assert_int_equal(e->pfn, 512);
	assert_int_equal(e->nid, 1);
	assert_true(in_array(&t.l1_2m, tlb_key_huge(1, HVA(0))));
	/* it agrees with the general lookup */
	bool huge = false;
	assert_ptr_equal(tlb_lookup(&t, 1, HVA(0) + 8192, &huge), e);
	assert_true(huge);
	tlb_flush_one(&t, 1, HVA(0) + 8192);
	assert_null(tlb_lookup_huge(&t, 1, HVA(0)));
	tlb_destroy(&t);
}

static void test_tlb_flush_one(void **state)
{
	(void)state;
	struct tlb t;
	bool huge;

	tlb_init_ok(&t, &icx_geo);
	const uint64_t va = HVA(1) + 5 * 4096;
	tlb_insert(&t, tlb_key(7, va), 1, 0, true, false);
	tlb_insert(&t, tlb_key_huge(7, va), 512, 0, true, true);
	tlb_insert(&t, tlb_key(7, va + 4096), 2, 0, true, false);	/* neighbour */
	tlb_insert(&t, tlb_key(8, va), 3, 0, true, false);		/* other mm */
	tlb_insert(&t, tlb_key_huge(8, va), 1024, 0, true, true);

	tlb_flush_one(&t, 7, va);
	/* both sizes gone from every level */
	assert_false(in_array(&t.l1_4k, tlb_key(7, va)));
	assert_false(in_array(&t.l2, tlb_key(7, va)));
	assert_false(in_array(&t.l1_2m, tlb_key_huge(7, va)));
	assert_false(in_array(&t.l2, tlb_key_huge(7, va)));
	assert_null(tlb_lookup(&t, 7, va, &huge));
	/* the other pages of the 2M range lose their 2M translation too */
	assert_null(tlb_lookup(&t, 7, HVA(1), &huge));
	/* the 4K neighbour and the other mm keep theirs */
	struct tlb_entry *e = tlb_lookup(&t, 7, va + 4096, &huge);
	assert_non_null(e);
	assert_int_equal(e->pfn, 2);
	e = tlb_lookup(&t, 8, va, &huge);
	assert_non_null(e);
	assert_int_equal(e->pfn, 3);
	e = tlb_lookup(&t, 8, HVA(1), &huge);
	assert_non_null(e);
	assert_true(huge);
	/* flushing an address with nothing cached is harmless */
	tlb_flush_one(&t, 9, va);
	assert_int_equal(tlb_count(&t), 6);
	tlb_destroy(&t);
}

static void test_tlb_flush_mm(void **state)
{
	(void)state;
	struct tlb t;
	bool huge;

	tlb_init_ok(&t, &icx_geo);
	for (uint32_t i = 0; i < 40; i++) {
		tlb_insert(&t, tlb_key(1, VA(i)), i, 0, true, false);
		tlb_insert(&t, tlb_key(2, VA(i)), 1000 + i, 1, true, false);
	}
	tlb_insert(&t, tlb_key_huge(1, HVA(9)), 4096, 0, true, true);
	tlb_insert(&t, tlb_key_huge(2, HVA(9)), 8192, 0, true, true);
	/* an mm id with high bits: flush_mm must compare the whole id */
	tlb_insert(&t, tlb_key(1 + (1u << 20), VA(0)), 77, 0, true, false);

	tlb_flush_mm(&t, 1);
	for (uint32_t i = 0; i < 40; i++) {
		assert_null(tlb_lookup(&t, 1, VA(i), &huge));
		struct tlb_entry *e = tlb_lookup(&t, 2, VA(i), &huge);
		assert_non_null(e);
		assert_int_equal(e->pfn, 1000 + i);
	}
	assert_null(tlb_lookup(&t, 1, HVA(9), &huge));
	assert_non_null(tlb_lookup(&t, 2, HVA(9), &huge));
	assert_non_null(tlb_lookup(&t, 1 + (1u << 20), VA(0), &huge));

	tlb_flush_all(&t);
	assert_int_equal(tlb_count(&t), 0);
	assert_null(tlb_lookup(&t, 2, VA(3), &huge));
	tlb_destroy(&t);
}

/* Filling one set evicts its entries in insertion order (round robin). */
static void test_tlb_round_robin(void **state)
{
	(void)state;
	struct tlb t;
	bool huge;

	tlb_init_ok(&t, &icx_geo);	/* L1 4K: 16 sets x 4 ways */
	const uint32_t sets = 16, ways = 4;
	struct tlb_array *l1 = &t.l1_4k;
	/* pages 0, 16, 32, ... share L1 set 0 */
	for (uint32_t i = 0; i < ways; i++)
		tlb_insert(&t, tlb_key(1, VA(i * sets)), i, 0, true, false);
	for (uint32_t i = 0; i < ways; i++)
		assert_true(in_array(l1, tlb_key(1, VA(i * sets))));
	/* a lookup hit does not change the victim (not LRU) */
	assert_non_null(tlb_lookup(&t, 1, VA(0), &huge));
	for (uint32_t n = ways; n < 3 * ways; n++) {
		tlb_insert(&t, tlb_key(1, VA(n * sets)), n, 0, true, false);
		/* the oldest one went, the last `ways` stay */
		assert_false(in_array(l1, tlb_key(1, VA((n - ways) * sets))));
		for (uint32_t k = n + 1 - ways; k <= n; k++)
			assert_true(in_array(l1, tlb_key(1, VA(k * sets))));
		/* other sets are untouched */
		assert_int_equal(tlb_array_find(l1, tlb_key(1, VA(n * sets))) - l1->e < (long)ways,
				 true);
	}
	/* updating a present key does not advance the victim */
	const uint32_t last = 3 * ways - 1;
	tlb_insert(&t, tlb_key(1, VA(last * sets)), 12345, 0, true, false);
	tlb_insert(&t, tlb_key(1, VA(100 * sets)), 1, 0, true, false);
	assert_false(in_array(l1, tlb_key(1, VA((last + 1 - ways) * sets))));
	assert_true(in_array(l1, tlb_key(1, VA(last * sets))));
	tlb_destroy(&t);
}

/*
 * A fully associative array (one set): round robin must cycle through every
 * way. A machine file may describe one (machine_validate() accepts any ways
 * that divide the entries into a power-of-two number of sets).
 */
static void test_tlb_fully_associative(void **state)
{
	(void)state;
	for (uint32_t ways = 32; ways <= 512; ways *= 4) {
		const struct tlb_geometry g = {
			.l1_4k_entries = ways, .l1_4k_ways = ways,
			.l1_2m_entries = 4, .l1_2m_ways = 4,
			.l2_entries = ways, .l2_ways = ways,
		};
		struct tlb t;

		if (tlb_init(&t, &g) != 0)
			continue;	/* rejecting the geometry is also acceptable */
		const uint32_t n = ways + ways / 2;
		for (uint32_t i = 0; i < n; i++)
			tlb_insert(&t, tlb_key(1, VA(i)), i, 0, true, false);
		uint32_t present = 0, recent = 0;
		for (uint32_t i = 0; i < n; i++)
			present += in_array(&t.l1_4k, tlb_key(1, VA(i)));
		for (uint32_t i = n - ways; i < n; i++)	/* exactly the most recent ones */
			recent += in_array(&t.l1_4k, tlb_key(1, VA(i)));
		tlb_destroy(&t);
		if (present != ways || recent != ways)
			fail_msg("%u-way set holds %u entries, %u of the %u most recent", ways,
				 present, recent, ways);
	}
}

static void test_tlb_bad_geometry(void **state)
{
	(void)state;
	const struct tlb_geometry bad[] = {
		{ 8, 0, 4, 2, 16, 2 },		/* zero ways */
		{ 8, 3, 4, 2, 16, 2 },		/* ways do not divide entries */
		{ 24, 2, 4, 2, 16, 2 },		/* 12 sets: not a power of two */
		{ 8, 2, 2, 4, 16, 2 },		/* fewer entries than ways */
		{ 8, 2, 4, 2, 48, 4 },		/* L2: 12 sets */
		{ 8, 2, 4, 2, 0, 2 },		/* L2: no entries */
		{ 0, 1, 4, 2, 16, 2 },		/* L1: no entries */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct tlb t;

		if (tlb_init(&t, &bad[i]) == 0) {
			tlb_destroy(&t);
			fail_msg("bad geometry %zu accepted", i);
		}
		/* a failed init leaves nothing to free */
		assert_null(t.l1_4k.e);
		assert_null(t.l2.e);
		tlb_destroy(&t);	/* and destroying it again is safe */
	}
	/* the boundary cases that are fine */
	const struct tlb_geometry ok[] = {
		{ 1, 1, 1, 1, 1, 1 },		/* one entry each */
		{ 64, 64, 32, 32, 2048, 16 },	/* fully associative L1 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct tlb t;

		assert_int_equal(tlb_init(&t, &ok[i]), 0);
		tlb_destroy(&t);
	}
}

/* ---- event queue ---- */

static void test_evq_order_and_ties(void **state)
{
	(void)state;
	struct event_queue q;

	evq_init(&q);
	assert_int_equal(evq_next_time(&q), UINT64_MAX);
	evq_push(&q, 50, 1, 0);
	evq_push(&q, 10, 2, 0);
	evq_push(&q, 50, 3, 0);
	evq_push(&q, 10, 4, 0);
	evq_push(&q, 0, 5, 0);
	evq_push(&q, 50, 6, 0);
	assert_int_equal(evq_next_time(&q), 0);
	/* by time; equal times in insertion order */
	const uint32_t want[] = { 5, 2, 4, 1, 3, 6 };
	const uint64_t want_t[] = { 0, 10, 10, 50, 50, 50 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		struct event ev = evq_pop(&q);

		assert_int_equal(ev.type, want[i]);
		assert_int_equal(ev.time_ns, want_t[i]);
	}
	assert_int_equal(q.nr, 0);
	assert_int_equal(evq_next_time(&q), UINT64_MAX);

	/* many ties at one time come out first in, first out */
	for (uint32_t i = 0; i < 1000; i++)
		evq_push(&q, 7, 0, i);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(evq_pop(&q).arg, i);
	/* seq keeps counting across pops: a later push never overtakes at a tie */
	evq_push(&q, 3, 0, 1);
	evq_push(&q, 3, 0, 2);
	assert_int_equal(evq_pop(&q).arg, 1);
	evq_push(&q, 3, 0, 3);
	assert_int_equal(evq_pop(&q).arg, 2);
	assert_int_equal(evq_pop(&q).arg, 3);
	evq_destroy(&q);
}

static int ev_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Random pushes and pops against a sorted reference (a stable sort by time). */
static void test_evq_random_against_reference(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct event *ref = calloc(N, sizeof(*ref));
	struct event_queue q;
	struct rng r;
	size_t nref = 0;
	uint32_t id = 0;

	assert_non_null(ref);
	evq_init(&q);
	rng_seed(&r, 11, 0);
	for (int step = 0; step < 3 * N; step++) {
		bool push = nref == 0 || (nref < N && rng_below(&r, 3) != 0);

		if (push) {
			/* few distinct times, so ties are common; UINT64_MAX - 1 too */
			uint64_t t = rng_below(&r, 8) == 0 ? UINT64_MAX - 1 : rng_below(&r, 50);
			evq_push(&q, t, (uint32_t)rng_below(&r, 3), id);
			ref[nref++] = (struct event){ t, q.next_seq - 1, 0, id };
			id++;
		} else {
			/* the reference minimum */
			size_t m = 0;
			for (size_t i = 1; i < nref; i++)
				if (ev_cmp(&ref[i], &ref[m]) < 0)
					m = i;
			assert_int_equal(evq_next_time(&q), ref[m].time_ns);
			struct event ev = evq_pop(&q);
			assert_int_equal(ev.time_ns, ref[m].time_ns);
			assert_int_equal(ev.arg, ref[m].arg);
			assert_int_equal(ev.seq, ref[m].seq);
			ref[m] = ref[--nref];
		}
		assert_int_equal(q.nr, nref);
	}
	/* drain: sorted order */
	qsort(ref, nref, sizeof(*ref), ev_cmp);
	for (size_t i = 0; i < nref; i++) {
		struct event ev = evq_pop(&q);

		assert_int_equal(ev.arg, ref[i].arg);
		assert_int_equal(ev.time_ns, ref[i].time_ns);
	}
	assert_int_equal(q.nr, 0);
	evq_destroy(&q);
	free(ref);
}

/* ---- tunables ---- */

static int tunable_id(const char *name)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (!strcmp(tunable_desc[i].name, name))
			return i;
	fail_msg("no tunable '%s'", name);
	return -1;
}

static void set_ok(struct tunables *t, const char *kv)
{
	char err[256] = "";

	if (tunable_set(t, kv, err, sizeof(err)))
		fail_msg("tunable_set(\"%s\") failed: %s", kv, err);
}

/* Rejected, the value unchanged, and the message contains @needle. */
static void set_bad(struct tunables *t, const char *kv, const char *needle)
{
	char err[256] = "";
	struct tunables before = *t;

	if (!tunable_set(t, kv, err, sizeof(err)))
		fail_msg("tunable_set(\"%s\") was accepted", kv);
	if (!strstr(err, needle))
		fail_msg("tunable_set(\"%s\"): message \"%s\" lacks \"%s\"", kv, err, needle);
	assert_memory_equal(&before, t, sizeof(before));
}

static void test_tunables_defaults(void **state)
{
	(void)state;
	struct tunables t;
	char buf[64];

	memset(&t, 0xa5, sizeof(t));
	tunables_init(&t);
	for (int i = 0; i < NR_TUNABLES; i++) {
		const struct tunable_desc *d = &tunable_desc[i];

		assert_non_null(d->name);
		assert_non_null(d->help);
		assert_int_equal(t.v[i], d->def);
		assert_true(d->def >= d->min && d->def <= d->max);
		if (d->kind == TK_ENUM) {
			assert_non_null(d->values);
			uint64_t n = 0;
			while (d->values[n])
				n++;
			assert_int_equal(d->max, n - 1);	/* every value is reachable */
		}
		for (int j = 0; j < i; j++)
			assert_string_not_equal(d->name, tunable_desc[j].name);
	}
	/* Linux defaults (reference §2.2) */
	assert_int_equal(t.v[T_THP_ENABLED], THP_ALWAYS);
	assert_int_equal(t.v[T_THP_2048K], THP_SIZE_INHERIT);
	for (uint32_t o = 2; o < 9; o++)
		assert_int_equal(thp_size_mode(&t, o), THP_SIZE_NEVER);
	assert_int_equal(thp_size_mode(&t, 9), THP_SIZE_INHERIT);
	assert_int_equal(t.v[T_THP_USE_ZERO_PAGE], 1);
	assert_int_equal(t.v[T_DEBUG_SKIP_FLUSH], 0);
	assert_string_equal(tunable_value_str(&t, T_THP_ENABLED, buf, sizeof(buf)), "always");
	assert_string_equal(tunable_value_str(&t, T_THP_64K, buf, sizeof(buf)), "never");
	assert_string_equal(tunable_value_str(&t, T_TICK_US, buf, sizeof(buf)), "4000");
	/* the per-size names map to their orders */
	assert_int_equal(tunable_id("transparent_hugepage.hugepages-16kB.enabled"), T_THP_16K);
	assert_int_equal(tunable_id("transparent_hugepage.hugepages-64kB.enabled"), T_THP_16K + 2);
	assert_int_equal(tunable_id("transparent_hugepage.hugepages-2048kB.enabled"), T_THP_16K + 7);
}

static void test_tunables_every_enum_value(void **state)
{
	(void)state;
	struct tunables t;
	char kv[256], buf[64];

	tunables_init(&t);
	for (int i = 0; i < NR_TUNABLES; i++) {
		const struct tunable_desc *d = &tunable_desc[i];

		if (d->kind != TK_ENUM)
			continue;
		for (uint64_t v = 0; d->values[v]; v++) {
			snprintf(kv, sizeof(kv), "%s=%s", d->name, d->values[v]);
			set_ok(&t, kv);
			assert_int_equal(t.v[i], v);
			assert_string_equal(tunable_value_str(&t, (enum tunable_id)i, buf, sizeof(buf)),
					    d->values[v]);
		}
		/* an unknown value names the key and lists the choices */
		snprintf(kv, sizeof(kv), "%s=sometimes", d->name);
		set_bad(&t, kv, d->name);
		set_bad(&t, kv, d->values[0]);
		set_bad(&t, kv, "sometimes");
		/* case matters, as in sysfs */
		snprintf(kv, sizeof(kv), "%s=ALWAYS", d->name);
		set_bad(&t, kv, d->name);
		snprintf(kv, sizeof(kv), "%s=", d->name);
		set_bad(&t, kv, d->name);
		snprintf(kv, sizeof(kv), "%s=7", d->name);	/* numbers are not indexes */
		set_bad(&t, kv, d->name);
	}
	/* the enum order the model relies on */
	set_ok(&t, "transparent_hugepage.enabled=madvise");
	assert_int_equal(t.v[T_THP_ENABLED], THP_MADVISE);
	set_ok(&t, "transparent_hugepage.hugepages-64kB.enabled=inherit");
	assert_int_equal(thp_size_mode(&t, 4), THP_SIZE_INHERIT);
	set_ok(&t, "transparent_hugepage.hugepages-64kB.enabled=madvise");
	assert_int_equal(thp_size_mode(&t, 4), THP_SIZE_MADVISE);
	set_ok(&t, "transparent_hugepage.hugepages-64kB.enabled=always");
	assert_int_equal(thp_size_mode(&t, 4), THP_SIZE_ALWAYS);
}

static void test_tunables_bad_keys(void **state)
{
	(void)state;
	struct tunables t;

	tunables_init(&t);
	set_bad(&t, "numasim.no_such_thing=1", "numasim.no_such_thing");
	set_bad(&t, "numasim.no_such_thing=1", "unknown");
	/* a prefix or an extension of a real key is not that key */
	set_bad(&t, "transparent_hugepage=always", "'transparent_hugepage'");
	set_bad(&t, "transparent_hugepage.enabledx=always", "transparent_hugepage.enabledx");
	set_bad(&t, "numasim.tick_us =4000", "numasim.tick_us ");
	set_bad(&t, "noequals", "noequals");
	set_bad(&t, "=5", "=5");
	set_bad(&t, "", "KEY=VALUE");
}

static void test_tunables_ints_and_ranges(void **state)
{
	(void)state;
	struct tunables t;

	tunables_init(&t);
	set_ok(&t, "numasim.slice_us=1");
	assert_int_equal(t.v[T_SLICE_US], 1);
	set_ok(&t, "numasim.slice_us=100000");
	assert_int_equal(t.v[T_SLICE_US], 100000);
	set_bad(&t, "numasim.slice_us=0", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=100001", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=100001", "1 to 100000");
	set_bad(&t, "numasim.slice_us=-1", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=+5", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us= 5", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=5us", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=0x10", "numasim.slice_us");
	set_bad(&t, "numasim.slice_us=99999999999999999999999", "numasim.slice_us");
	/* 2^64 + small wraps nowhere */
	set_bad(&t, "numasim.max_sim_seconds=18446744073709551617", "numasim.max_sim_seconds");
	set_ok(&t, "numasim.max_sim_seconds=0");
	set_ok(&t, "numasim.max_sim_seconds=1000000000");
	set_bad(&t, "numasim.max_sim_seconds=1000000001", "numasim.max_sim_seconds");
	set_ok(&t, "numasim.tick_us=000250");	/* leading zeros are decimal */
	assert_int_equal(t.v[T_TICK_US], 250);
	/* a later assignment wins */
	set_ok(&t, "numasim.tick_us=1000");
	assert_int_equal(t.v[T_TICK_US], 1000);
}

static void test_tunables_bools(void **state)
{
	(void)state;
	struct tunables t;
	const char *const bools[] = { "transparent_hugepage.use_zero_page",
				      "numasim.debug_migrc_skip_write_flush" };

	tunables_init(&t);
	for (size_t i = 0; i < ARRAY_SIZE(bools); i++) {
		int id = tunable_id(bools[i]);
		char kv[128];

		assert_string_equal(tunable_desc[id].unit, "bool");
		const char *const yes[] = { "1", "true" }, *const no[] = { "0", "false" };
		for (int k = 0; k < 2; k++) {
			snprintf(kv, sizeof(kv), "%s=%s", bools[i], yes[k]);
			set_ok(&t, kv);
			assert_int_equal(t.v[id], 1);
			snprintf(kv, sizeof(kv), "%s=%s", bools[i], no[k]);
			set_ok(&t, kv);
			assert_int_equal(t.v[id], 0);
		}
		const char *const bad[] = { "2", "yes", "TRUE", "", "01", "-1", "1 " };
		for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
			snprintf(kv, sizeof(kv), "%s=%s", bools[i], bad[k]);
			set_bad(&t, kv, bools[i]);
			set_bad(&t, kv, "0 or 1");
		}
	}
}

/* ---- random streams ---- */

static void test_rng_determinism(void **state)
{
	(void)state;
	struct rng a, b, c, d;

	rng_seed(&a, 42, 7);
	rng_seed(&b, 42, 7);
	rng_seed(&c, 42, 8);
	rng_seed(&d, 43, 7);
	int same_c = 0, same_d = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a), y = rng_next(&b);

		assert_int_equal(x, y);
		same_c += x == rng_next(&c);
		same_d += x == rng_next(&d);
	}
	assert_true(same_c < 2);
	assert_true(same_d < 2);

	/* the stream does not depend on how far another stream has advanced */
	struct rng e;
	rng_seed(&a, 1, 1000);
	for (int i = 0; i < 100; i++)
		rng_next(&b);
	rng_seed(&e, 1, 1000);
	for (int i = 0; i < 100; i++)
		assert_int_equal(rng_next(&a), rng_next(&e));

	/* seed 0, stream 0 does not produce the all-zero (stuck) state */
	rng_seed(&a, 0, 0);
	assert_false(a.s[0] == 0 && a.s[1] == 0 && a.s[2] == 0 && a.s[3] == 0);
	uint64_t or = 0;
	for (int i = 0; i < 16; i++)
		or |= rng_next(&a);
	assert_true(or != 0);

	/* fixed values: results must stay byte-identical across builds and hosts */
	rng_seed(&a, 1, 0);
	rng_seed(&b, 1, 0);
	uint64_t first = rng_next(&a);
	assert_int_equal(first, rng_next(&b));
	uint64_t x = 0;
	assert_int_equal(splitmix64(&x), 0xe220a8397b1dcdafull);	/* splitmix64 reference value */
}

static void test_rng_ranges(void **state)
{
	(void)state;
	struct rng r;
	uint64_t hist[10] = { 0 };

	rng_seed(&r, 9, 3);
	for (int i = 0; i < 100000; i++) {
		uint64_t x = rng_below(&r, 10);
		double f = rng_double(&r);

		assert_true(x < 10);
		assert_true(f >= 0.0 && f < 1.0);
		hist[x]++;
		assert_int_equal(rng_below(&r, 1), 0);
		assert_true(rng_below(&r, UINT64_MAX) < UINT64_MAX);
	}
	for (int i = 0; i < 10; i++)	/* roughly uniform: 10000 +- 5% */
		assert_true(hist[i] > 9500 && hist[i] < 10500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlb_insert_lookup),
		cmocka_unit_test(test_tlb_l2_refill),
		cmocka_unit_test(test_tlb_lookup_huge),
		cmocka_unit_test(test_tlb_flush_one),
		cmocka_unit_test(test_tlb_flush_mm),
		cmocka_unit_test(test_tlb_round_robin),
		cmocka_unit_test(test_tlb_fully_associative),
		cmocka_unit_test(test_tlb_bad_geometry),
		cmocka_unit_test(test_evq_order_and_ties),
		cmocka_unit_test(test_evq_random_against_reference),
		cmocka_unit_test(test_tunables_defaults),
		cmocka_unit_test(test_tunables_every_enum_value),
		cmocka_unit_test(test_tunables_bad_keys),
		cmocka_unit_test(test_tunables_ints_and_ranges),
		cmocka_unit_test(test_tunables_bools),
		cmocka_unit_test(test_rng_determinism),
		cmocka_unit_test(test_rng_ranges),
	};

	return cmocka_run_group_tests_name("tlb_event", tests, NULL, NULL);
}
