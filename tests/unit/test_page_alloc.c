// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_page_alloc.c - the per-node buddy allocator (mem/page_alloc.c).
 *
 * The library may be built with SIM_DEBUG_VM=0, where buddy_check_node() is a
 * no-op, so every test also checks the free lists itself: walk_free_lists()
 * re-derives the counts, and the random test compares the exact shape of the
 * free lists with a reference model of which pages are allocated.
 */
#include "harness.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/rng.h"
#include "mem/page_alloc.h"

#define MAX_ORDER_PAGES (1ull << MAX_PAGE_ORDER)

/* ---- helpers ---- */

static void pm_init_ok(struct phys_mem *pm, const uint64_t *node_bytes, uint32_t nr_nodes)
{
	char err[256] = "";

	if (phys_mem_init(pm, node_bytes, nr_nodes, err, sizeof(err)) != 0)
		fail_msg("phys_mem_init: %s", err);
}

static uint64_t node_end(const struct phys_mem *pm, uint32_t nid)
{
	return pm->node[nid].node_start_pfn + pm->node[nid].node_present_pages;
}

/* Let allocations run the node dry: fragmentation tests must not stop at min. */
static void zero_watermarks(struct phys_mem *pm, uint32_t nid)
{
	memset(pm->node[nid].watermark, 0, sizeof(pm->node[nid].watermark));
}

static uint64_t alloc_ok(struct phys_mem *pm, uint32_t nid, uint32_t order,
			 enum zone_watermarks mark)
{
	uint64_t pfn = alloc_pages_node(pm, nid, order, mark);

	if (pfn == PFN_NONE)
		fail_msg("order-%u allocation on node %u failed (free %llu)", order, nid,
			 (unsigned long long)node_free_pages(pm, nid));
	return pfn;
}

/* Drop the allocation's reference, as every caller must before freeing. */
static void put_folio(struct phys_mem *pm, uint64_t pfn)
{
	pfn_folio(pm, pfn)->refcount = 0;
	free_folio_pages(pm, pfn);
}

/*
 * Independent of buddy_check_node(): walk every list (links both ways), check
 * each block's slot, and return the free pages they plus pristine hold.
 */
static uint64_t walk_free_lists(const struct phys_mem *pm, uint32_t nid)
{
	const struct pglist_data *pgdat = &pm->node[nid];
	uint64_t pages = node_end(pm, nid) - pgdat->pristine_pfn;

	assert_true(IS_ALIGNED(pgdat->pristine_pfn - pgdat->node_start_pfn, MAX_ORDER_PAGES));
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		uint64_t prev = PFN_NIL, nr = 0;

		for (uint64_t pfn = pgdat->free_area[o].head; pfn != PFN_NIL;
		     pfn = pm->folios[pfn].buddy_next) {
			const struct folio *f = &pm->folios[pfn];

			assert_true(pfn >= pgdat->node_start_pfn);
			assert_true(pfn + (1ull << o) <= pgdat->pristine_pfn);
			assert_true(IS_ALIGNED(pfn - pgdat->node_start_pfn, 1ull << o));
			assert_int_equal(f->flags, PG_buddy);
			assert_int_equal(f->order, o);
			assert_int_equal(f->buddy_prev, prev);
			assert_true(++nr <= pgdat->node_present_pages);
			prev = pfn;
		}
		assert_int_equal(nr, pgdat->free_area[o].nr_free);
		pages += nr << o;
	}
	return pages;
}

static void check_node(const struct phys_mem *pm, uint32_t nid)
{
	buddy_check_node(pm, nid);
	assert_int_equal(walk_free_lists(pm, nid), node_free_pages(pm, nid));
}

/* ---- layout and folio preparation ---- */

static void test_multi_node_layout(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 1 * GiB, 2 * GiB, 4 * MiB };
	const uint64_t starts[] = { 0, 262144, 786432 };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 3);
	assert_int_equal(pm.nr_nodes, 3);
	assert_int_equal(pm.nr_pfns, 787456);
	for (uint32_t nid = 0; nid < 3; nid++) {
		const struct pglist_data *pgdat = &pm.node[nid];

		assert_int_equal(pgdat->nid, nid);
		assert_int_equal(pgdat->node_start_pfn, starts[nid]);
		assert_int_equal(pgdat->node_present_pages, sizes[nid] >> PAGE_SHIFT);
		assert_int_equal(node_free_pages(&pm, nid), sizes[nid] >> PAGE_SHIFT);
		check_node(&pm, nid);
	}

	/* each node hands out its own lowest pfns, stamped with its nid */
	uint64_t p2 = alloc_ok(&pm, 2, 0, WMARK_MIN);
	assert_int_equal(p2, starts[2]);
	assert_int_equal(folio_nid(pfn_folio(&pm, p2)), 2);

	uint64_t p1 = alloc_ok(&pm, 1, PMD_ORDER, WMARK_HIGH);
	assert_int_equal(p1, starts[1]);
	for (uint64_t i = 0; i < (1ull << PMD_ORDER); i++) {
		assert_int_equal(folio_nid(page_folio(&pm, p1 + i)), 1);
		assert_ptr_equal(page_folio(&pm, p1 + i), pfn_folio(&pm, p1));
	}
	assert_int_equal(folio_pfn(&pm, page_folio(&pm, p1 + 300)), p1);
	assert_int_equal(node_free_pages(&pm, 0), 262144);	/* untouched */
	for (uint32_t nid = 0; nid < 3; nid++)
		check_node(&pm, nid);
	phys_mem_destroy(&pm);
	assert_null(pm.folios);
}

static void assert_fresh_head(const struct folio *f, uint32_t order, uint32_t nid)
{
	assert_int_equal(f->flags, PG_head);
	assert_int_equal(folio_order(f), order);
	assert_int_equal(folio_nid(f), nid);
	assert_int_equal(folio_ref_count(f), 1);
	assert_int_equal(f->mapcount, 0);
	assert_int_equal(f->version, 0);
	assert_int_equal(f->last_cpupid, 0);
	assert_int_equal(f->anon_vma, 0);
	assert_int_equal(f->index, 0);
	assert_int_equal(f->pincount, 0);
	assert_int_equal(folio_mapcount(f), 0);
	assert_int_equal(folio_entire_mapcount(f), 0);
}

static void assert_fresh_folio(const struct phys_mem *pm, uint64_t pfn, uint32_t order,
			       uint32_t nid)
{
	const struct folio *head = pfn_folio(pm, pfn);

	assert_fresh_head(head, order, nid);
	assert_int_equal(folio_nr_pages(head), 1ull << order);
	for (uint64_t i = 1; i < (1ull << order); i++) {
		const struct folio *t = pfn_folio(pm, pfn + i);

		assert_ptr_equal(page_folio(pm, pfn + i), head);
		assert_int_equal(t->mapcount, 0);
		if (order >= PMD_ORDER && i >= 2 && t->flags == 0)
			continue;	/* a lazy tail: never written (prep_new_folio) */
		assert_int_equal(t->flags, PG_tail);
		assert_int_equal(t->head_pfn, pfn);
		assert_int_equal(t->order, 0);
		assert_int_equal(t->mapcount, 0);
		assert_int_equal(folio_nid(t), nid);
	}
	if (order >= 1) {
		assert_int_equal(head[1].large_mapcount, 0);
		assert_int_equal(head[1].entire_mapcount, 0);
	}
}

/* Scribble over a folio the way users do, then undo what the free path demands. */
static void dirty_then_unmap(struct phys_mem *pm, uint64_t pfn)
{
	struct folio *head = pfn_folio(pm, pfn);
	const uint64_t nr = folio_nr_pages(head);

	folio_set(head, PG_anon);
	head->version = 77;
	head->anon_vma = 5;
	head->index = 1234;
	head->last_cpupid = 99;
	for (uint64_t i = 0; i < nr; i++)
		pm->folios[pfn + i].mapcount = 1;
	if (nr > 1) {
		head[1].large_mapcount = (int32_t)nr;
		head[1].entire_mapcount = 1;
	}
	/* unmap: callers zero the counts before freeing */
	for (uint64_t i = 0; i < nr; i++)
		pm->folios[pfn + i].mapcount = 0;
	if (nr > 1) {
		head[1].large_mapcount = 0;
		head[1].entire_mapcount = 0;
	}
}

static void test_large_folio_prep(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 8 * MiB, 8 * MiB };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 2);
	const uint32_t orders[] = { 0, 1, 4, PMD_ORDER, MAX_PAGE_ORDER };

	for (size_t k = 0; k < ARRAY_SIZE(orders); k++) {
		uint64_t pfn = alloc_ok(&pm, 1, orders[k], WMARK_MIN);

		assert_true(IS_ALIGNED(pfn - pm.node[1].node_start_pfn, 1ull << orders[k]));
		assert_fresh_folio(&pm, pfn, orders[k], 1);
		/* a reused slot must not leak the previous owner's fields */
		dirty_then_unmap(&pm, pfn);
		put_folio(&pm, pfn);
		check_node(&pm, 1);
		uint64_t again = alloc_ok(&pm, 1, orders[k], WMARK_MIN);
		assert_int_equal(again, pfn);
		assert_fresh_folio(&pm, again, orders[k], 1);
		put_folio(&pm, again);
		check_node(&pm, 1);
	}
	phys_mem_destroy(&pm);
}

/* ---- split and merge ---- */

/* Linux expand(): one order-0 page out of a max-order block leaves exactly one
 * free block of each order 0..9, the upper halves at start + 2^o. */
static void test_split_leaves_one_block_per_order(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 4 * MiB, 8 * MiB };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 2);
	const uint64_t start = pm.node[1].node_start_pfn;
	uint64_t pfn = alloc_ok(&pm, 1, 0, WMARK_MIN);

	assert_int_equal(pfn, start);
	for (uint32_t o = 0; o < MAX_PAGE_ORDER; o++) {
		assert_int_equal(node_free_blocks(&pm, 1, o), 1);
		assert_int_equal(pm.node[1].free_area[o].head, start + (1ull << o));
		const struct folio *f = pfn_folio(&pm, start + (1ull << o));
		assert_true(folio_test(f, PG_buddy));
		assert_int_equal(f->order, o);
	}
	/* the second max-order block is still pristine, the first is gone */
	assert_int_equal(node_free_blocks(&pm, 1, MAX_PAGE_ORDER), 1);
	assert_int_equal(pm.node[1].free_area[MAX_PAGE_ORDER].nr_free, 0);
	assert_int_equal(pm.node[1].pristine_pfn, start + MAX_ORDER_PAGES);
	assert_int_equal(node_free_pages(&pm, 1), 2047);
	check_node(&pm, 1);

	/* freeing it merges all the way back into one max-order block */
	put_folio(&pm, pfn);
	for (uint32_t o = 0; o < MAX_PAGE_ORDER; o++)
		assert_int_equal(node_free_blocks(&pm, 1, o), 0);
	assert_int_equal(pm.node[1].free_area[MAX_PAGE_ORDER].nr_free, 1);
	assert_int_equal(pm.node[1].free_area[MAX_PAGE_ORDER].head, start);
	assert_int_equal(node_free_pages(&pm, 1), 2048);
	check_node(&pm, 1);
	phys_mem_destroy(&pm);
}

/* __rmqueue_smallest(): a free block on the lists is used before pristine memory,
 * and the smallest sufficient one is split. */
static void test_free_lists_before_pristine(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 16 * MiB };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 1);
	uint64_t a = alloc_ok(&pm, 0, 0, WMARK_MIN);
	put_folio(&pm, a);
	assert_int_equal(pm.node[0].pristine_pfn, MAX_ORDER_PAGES);

	uint64_t b = alloc_ok(&pm, 0, 3, WMARK_MIN);
	assert_int_equal(b, 0);
	assert_int_equal(pm.node[0].pristine_pfn, MAX_ORDER_PAGES);

	/* free blocks now at orders 3..9; an order-2 request splits the order-3 one */
	uint64_t c = alloc_ok(&pm, 0, 2, WMARK_MIN);
	assert_int_equal(c, 8);
	assert_int_equal(node_free_blocks(&pm, 0, 2), 1);
	assert_int_equal(node_free_blocks(&pm, 0, 3), 0);
	assert_int_equal(pm.node[0].free_area[2].head, 12);

	/* order-10 only from pristine now */
	uint64_t d = alloc_ok(&pm, 0, MAX_PAGE_ORDER, WMARK_MIN);
	assert_int_equal(d, MAX_ORDER_PAGES);
	assert_int_equal(pm.node[0].pristine_pfn, 2 * MAX_ORDER_PAGES);
	check_node(&pm, 0);
	phys_mem_destroy(&pm);
}

static void shuffle(struct rng *r, uint64_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		uint64_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void test_free_everything_merges_back(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 4 * MiB, 16 * MiB };
	const uint64_t total = 4096;
	struct phys_mem pm;
	struct rng r;
	uint64_t *live = calloc(total, sizeof(*live));
	size_t nr_live = 0;

	assert_non_null(live);
	rng_seed(&r, 42, 1);
	pm_init_ok(&pm, sizes, 2);
	zero_watermarks(&pm, 1);
	/* fill with mixed orders until even order 0 fails (bounded: a bug must
	 * fail the test, not hang it) */
	for (int tries = 0;; tries++) {
		assert_true(tries < 100000);
		uint32_t order = rng_below(&r, 3) ? 0 : (uint32_t)rng_below(&r, 6);
		uint64_t pfn = alloc_pages_node(&pm, 1, order, WMARK_MIN);

		if (pfn == PFN_NONE) {
			if (node_free_pages(&pm, 1) == 0)
				break;
			continue;
		}
		live[nr_live++] = pfn;
	}
	assert_int_equal(pm.node[1].pristine_pfn, node_end(&pm, 1));
	assert_int_equal(alloc_pages_node(&pm, 1, 0, WMARK_MIN), PFN_NONE);
	check_node(&pm, 1);

	shuffle(&r, live, nr_live);
	for (size_t i = 0; i < nr_live; i++) {
		put_folio(&pm, live[i]);
		if (i % 64 == 0)
			check_node(&pm, 1);
	}
	assert_int_equal(node_free_pages(&pm, 1), total);
	for (uint32_t o = 0; o < MAX_PAGE_ORDER; o++)
		assert_int_equal(node_free_blocks(&pm, 1, o), 0);
	assert_int_equal(node_free_blocks(&pm, 1, MAX_PAGE_ORDER), total / MAX_ORDER_PAGES);
	check_node(&pm, 1);
	/* node 0 was never touched */
	assert_int_equal(pm.node[0].pristine_pfn, 0);
	free(live);
	phys_mem_destroy(&pm);
}

/* ---- random sequences against a reference model ---- */

/*
 * Reference: used[o][b] = allocated pages in the b-th aligned block of order o
 * (node-relative). With eager merging, the buddy's free blocks of order o are
 * exactly the aligned order-o blocks that are wholly free and whose parent is
 * not (order 10 has no parent), pristine blocks included.
 */
struct ref_node {
	uint16_t *used[NR_PAGE_ORDERS];
	uint64_t nr_pages;
	uint64_t nr_free;
};

struct live_folio {
	uint32_t nid;
	uint32_t order;
	uint64_t pfn;
};

static void ref_init(struct ref_node *ref, uint64_t nr_pages)
{
	ref->nr_pages = nr_pages;
	ref->nr_free = nr_pages;
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		ref->used[o] = calloc(nr_pages >> o, sizeof(uint16_t));
		assert_non_null(ref->used[o]);
	}
}

static void ref_destroy(struct ref_node *ref)
{
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++)
		free(ref->used[o]);
}

/* Account pages [rel, rel + 2^order) as allocated (delta +1) or freed (-1). */
static void ref_update(struct ref_node *ref, uint64_t rel, uint32_t order, int delta)
{
	const uint64_t nr = 1ull << order;

	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		/* an order-`order` block lies inside one block of each order >= order,
		 * and covers whole blocks of lower orders */
		uint64_t first = rel >> o;
		uint64_t last = (rel + nr - 1) >> o;

		for (uint64_t b = first; b <= last; b++) {
			uint64_t covered = MIN(nr, 1ull << o);
			int64_t v = (int64_t)ref->used[o][b] + delta * (int64_t)covered;

			assert_true(v >= 0 && v <= (int64_t)(1ull << o));
			ref->used[o][b] = (uint16_t)v;
		}
	}
	ref->nr_free = (uint64_t)((int64_t)ref->nr_free - delta * (int64_t)nr);
}

static bool ref_block_free(const struct ref_node *ref, uint32_t o, uint64_t b)
{
	return ref->used[o][b] == 0;
}

static bool ref_is_maximal_free(const struct ref_node *ref, uint32_t o, uint64_t b)
{
	return ref_block_free(ref, o, b) &&
	       (o == MAX_PAGE_ORDER || !ref_block_free(ref, o + 1, b >> 1));
}

static bool ref_has_free_run(const struct ref_node *ref, uint32_t order)
{
	for (uint64_t b = 0; b < ref->nr_pages >> order; b++)
		if (ref_block_free(ref, order, b))
			return true;
	return false;
}

/* The allocator's free lists are exactly the reference's maximal free blocks. */
static void ref_compare(const struct phys_mem *pm, uint32_t nid, const struct ref_node *ref)
{
	const struct pglist_data *pgdat = &pm->node[nid];

	check_node(pm, nid);
	assert_int_equal(node_free_pages(pm, nid), ref->nr_free);
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		uint64_t expect = 0;

		for (uint64_t b = 0; b < ref->nr_pages >> o; b++)
			expect += ref_is_maximal_free(ref, o, b);
		assert_int_equal(node_free_blocks(pm, nid, o), expect);
		for (uint64_t pfn = pgdat->free_area[o].head; pfn != PFN_NIL;
		     pfn = pm->folios[pfn].buddy_next) {
			uint64_t b = (pfn - pgdat->node_start_pfn) >> o;

			assert_true(ref_is_maximal_free(ref, o, b));
		}
	}
	for (uint64_t pfn = pgdat->pristine_pfn; pfn < node_end(pm, nid); pfn += MAX_ORDER_PAGES)
		assert_true(ref_block_free(ref, MAX_PAGE_ORDER,
					   (pfn - pgdat->node_start_pfn) >> MAX_PAGE_ORDER));
}

/* Expected outcome per Linux __zone_watermark_ok(), from the reference alone. */
static bool ref_alloc_should_succeed(const struct ref_node *ref, uint32_t order, uint64_t mark)
{
	if ((int64_t)ref->nr_free - (int64_t)((1ull << order) - 1) <= (int64_t)mark)
		return false;
	return ref_has_free_run(ref, order);
}

static void random_alloc(struct phys_mem *pm, struct ref_node *ref, struct rng *r,
			 struct live_folio *live, size_t *nr_live)
{
	const uint32_t nid = (uint32_t)rng_below(r, pm->nr_nodes);
	const uint32_t order = rng_below(r, 2) ? 0 : (uint32_t)rng_below(r, NR_PAGE_ORDERS);
	const enum zone_watermarks mark = (enum zone_watermarks)rng_below(r, NR_WMARK);
	const uint64_t start = pm->node[nid].node_start_pfn;
	uint64_t before[NR_PAGE_ORDERS];

	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++)
		before[o] = node_free_blocks(pm, nid, o);
	bool expect = ref_alloc_should_succeed(&ref[nid], order, pm->node[nid].watermark[mark]);
	uint64_t pfn = alloc_pages_node(pm, nid, order, mark);

	assert_int_equal(pfn != PFN_NONE, expect);
	if (pfn == PFN_NONE)
		return;
	assert_true(pfn >= start && pfn + (1ull << order) <= node_end(pm, nid));
	assert_true(IS_ALIGNED(pfn - start, 1ull << order));
	assert_true(ref_block_free(&ref[nid], order, (pfn - start) >> order));
	/* __rmqueue_smallest: the smallest sufficient block was split, one upper
	 * half left at each order in between */
	uint32_t s = order;
	while (before[s] == 0)
		s++;
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		uint64_t want = before[o] - (o == s) + (o >= order && o < s);
		assert_int_equal(node_free_blocks(pm, nid, o), want);
	}
	assert_fresh_folio(pm, pfn, order, nid);
	ref_update(&ref[nid], pfn - start, order, +1);
	live[(*nr_live)++] = (struct live_folio){ .nid = nid, .order = order, .pfn = pfn };
}

static void random_free(struct phys_mem *pm, struct ref_node *ref, struct rng *r,
			struct live_folio *live, size_t *nr_live)
{
	size_t i = (size_t)rng_below(r, *nr_live);
	struct live_folio lf = live[i];

	live[i] = live[--(*nr_live)];
	put_folio(pm, lf.pfn);
	ref_update(&ref[lf.nid], lf.pfn - pm->node[lf.nid].node_start_pfn, lf.order, -1);
}

static void test_random_against_reference(void **state)
{
	(void)state;
	/* node 1 starts at a nonzero pfn; sizes small enough to run dry often */
	const uint64_t sizes[] = { 8 * MiB, 12 * MiB };
	enum { NR_NODES = 2, NR_STEPS = 20000 };
	struct phys_mem pm;
	struct ref_node ref[NR_NODES];
	struct live_folio *live = calloc(5120, sizeof(*live));
	size_t nr_live = 0;
	struct rng r;

	assert_non_null(live);
	rng_seed(&r, 0x5eed, 7);
	pm_init_ok(&pm, sizes, NR_NODES);
	for (uint32_t nid = 0; nid < NR_NODES; nid++)
		ref_init(&ref[nid], pm.node[nid].node_present_pages);
	/* run dry sometimes: node 0 keeps no reserve */
	zero_watermarks(&pm, 0);

	for (int step = 0; step < NR_STEPS; step++) {
		/* drift between filling up and draining so both regimes are covered */
		bool filling = (step / 2500) % 2 == 0;
		bool do_alloc = nr_live == 0 || rng_below(&r, 100) < (filling ? 70u : 35u);

		if (do_alloc)
			random_alloc(&pm, ref, &r, live, &nr_live);
		else
			random_free(&pm, ref, &r, live, &nr_live);
		for (uint32_t nid = 0; nid < NR_NODES; nid++)
			ref_compare(&pm, nid, &ref[nid]);
	}
	while (nr_live)
		random_free(&pm, ref, &r, live, &nr_live);
	for (uint32_t nid = 0; nid < NR_NODES; nid++) {
		ref_compare(&pm, nid, &ref[nid]);
		assert_int_equal(node_free_pages(&pm, nid), pm.node[nid].node_present_pages);
		ref_destroy(&ref[nid]);
	}
	free(live);
	phys_mem_destroy(&pm);
}

/* ---- fragmentation ---- */

static void test_fragmentation_blocks_large_orders(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 8 * MiB };
	const uint64_t total = 2048;
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 1);
	zero_watermarks(&pm, 0);
	for (uint64_t i = 0; i < total; i++)
		assert_int_equal(alloc_ok(&pm, 0, 0, WMARK_MIN), i);	/* ascending */
	assert_int_equal(alloc_pages_node(&pm, 0, 0, WMARK_MIN), PFN_NONE);
	assert_int_equal(node_free_pages(&pm, 0), 0);

	for (uint64_t pfn = 0; pfn < total; pfn += 2)
		put_folio(&pm, pfn);
	check_node(&pm, 0);
	/* half the node is free, yet no two free pages are buddies */
	assert_int_equal(node_free_pages(&pm, 0), total / 2);
	assert_int_equal(node_free_blocks(&pm, 0, 0), total / 2);
	assert_false(zone_watermark_ok(&pm, 0, 1, 0));
	assert_true(zone_watermark_ok(&pm, 0, 0, 0));
	assert_int_equal(alloc_pages_node(&pm, 0, 1, WMARK_MIN), PFN_NONE);
	assert_int_equal(alloc_pages_node(&pm, 0, PMD_ORDER, WMARK_MIN), PFN_NONE);
	assert_int_equal(node_free_pages(&pm, 0), total / 2);	/* failures change nothing */

	/* freeing one odd page makes exactly one order-1 block */
	put_folio(&pm, 7);
	assert_int_equal(node_free_blocks(&pm, 0, 1), 1);
	assert_int_equal(alloc_ok(&pm, 0, 1, WMARK_MIN), 6);
	check_node(&pm, 0);
	phys_mem_destroy(&pm);
}

/* ---- watermarks ---- */

static void assert_wmarks(const struct phys_mem *pm, uint32_t nid, uint64_t min, uint64_t low,
			  uint64_t high, uint64_t promo)
{
	const uint64_t *w = pm->node[nid].watermark;

	assert_int_equal(w[WMARK_MIN], min);
	assert_int_equal(w[WMARK_LOW], low);
	assert_int_equal(w[WMARK_HIGH], high);
	assert_int_equal(w[WMARK_PROMO], promo);
}

/*
 * Hand-computed from Linux calculate_min_free_kbytes() and
 * __setup_per_zone_wmarks():
 *   min_free_kbytes = clamp(int_sqrt(kbytes * 16), 128, 262144), pages_min = / 4
 *   min = pages_min * node / total; tmp = max(min / 4, node * 10 / 10000)
 *   low = min + tmp, high = low + tmp, promo = high + tmp
 */
static void test_watermark_values(void **state)
{
	(void)state;
	struct phys_mem pm;

	/* 1 GiB: min_free_kbytes 4096 (the kernel's own table), tmp = 262144 * 10 / 10000 */
	const uint64_t one[] = { 1 * GiB };
	pm_init_ok(&pm, one, 1);
	assert_wmarks(&pm, 0, 1024, 1286, 1548, 1810);
	phys_mem_destroy(&pm);

	/* 16 GiB: 16384k per the kernel table */
	const uint64_t big[] = { 16 * GiB };
	pm_init_ok(&pm, big, 1);
	assert_wmarks(&pm, 0, 4096, 8290, 12484, 16678);
	phys_mem_destroy(&pm);

	/* 1 + 3 GiB: 8192k shared 1:3; node 0's tmp is the scale factor, not min / 4 */
	const uint64_t two[] = { 1 * GiB, 3 * GiB };
	pm_init_ok(&pm, two, 2);
	assert_wmarks(&pm, 0, 512, 774, 1036, 1298);
	assert_wmarks(&pm, 1, 1536, 2322, 3108, 3894);
	phys_mem_destroy(&pm);

	/* 12 MiB: int_sqrt(196608) = 443 (443^2 = 196249 < 196608 < 444^2), so an
	 * int_sqrt that rounds up would give 111 pages instead of 110 */
	const uint64_t twelve[] = { 12 * MiB };
	pm_init_ok(&pm, twelve, 1);
	assert_wmarks(&pm, 0, 110, 137, 164, 191);
	phys_mem_destroy(&pm);

	/* 4 MiB: min_free_kbytes 256; tmp = min / 4 beats the scale factor (1 page) */
	const uint64_t tiny[] = { 4 * MiB };
	pm_init_ok(&pm, tiny, 1);
	assert_wmarks(&pm, 0, 64, 80, 96, 112);
	phys_mem_destroy(&pm);
}

/*
 * With PMD-size THPs, khugepaged's set_recommended_min_free_kbytes() raises
 * min_free_kbytes to 11 pageblocks per zone (one zone per node here), at most
 * 5% of memory. The kref guest with a pmem node: 3 * 11 * 512 = 16896 pages
 * (Linux on it: 7325 + 110 min pages for node 0's DMA32 and DMA zones).
 */
static void test_watermark_thp(void **state)
{
	(void)state;
	struct phys_mem pm;
	const uint64_t kref[] = { 976 * MiB, 852 * MiB, 384 * MiB };
	pm_init_ok(&pm, kref, 3);
	phys_mem_set_thp(&pm, true);
	assert_wmarks(&pm, 0, 7455, 9318, 11181, 13044);
	assert_wmarks(&pm, 1, 6507, 8133, 9759, 11385);
	assert_wmarks(&pm, 2, 2933, 3666, 4399, 5132);
	phys_mem_set_thp(&pm, false);	/* back to calculate_min_free_kbytes() */
	assert_int_equal(pm.node[0].watermark[WMARK_MIN], 664);	/* 6020 kB / 4, node 0's share */
	phys_mem_destroy(&pm);

	/* 64 MiB: 5632 pages would be more than 5%: 819 pages */
	const uint64_t small[] = { 64 * MiB };
	pm_init_ok(&pm, small, 1);
	phys_mem_set_thp(&pm, true);
	assert_wmarks(&pm, 0, 819, 1023, 1227, 1431);
	phys_mem_destroy(&pm);
}

/* 8 TiB: int_sqrt(2^37) = 370727 kB is clamped to 262144 kB (65536 pages). */
static void test_watermark_clamp_high(void **state)
{
	(void)state;
	const uint64_t huge[] = { 8192 * GiB };
	struct phys_mem pm;
	char err[256] = "";

	if (phys_mem_init(&pm, huge, 1, err, sizeof(err)) != 0) {
		print_message("skipped: host refused the 64 GiB reservation: %s\n", err);
		skip();
	}
	assert_wmarks(&pm, 0, 65536, 2213019, 4360502, 6507985);
	phys_mem_destroy(&pm);
}

static void test_watermark_min_enforced(void **state)
{
	(void)state;
	/* 8 MiB: min_free_kbytes int_sqrt(131072) = 362 -> 90 pages; tmp 22 */
	const uint64_t sizes[] = { 8 * MiB };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 1);
	assert_wmarks(&pm, 0, 90, 112, 134, 156);

	/* order 0 succeeds while free > mark, so it stops with exactly mark free */
	uint64_t n = 0;
	while (n <= 2048 && alloc_pages_node(&pm, 0, 0, WMARK_HIGH) != PFN_NONE)
		n++;
	assert_int_equal(n, 2048 - 134);
	assert_int_equal(node_free_pages(&pm, 0), 134);
	assert_int_equal(alloc_pages_node(&pm, 0, 0, WMARK_PROMO), PFN_NONE);
	assert_int_equal(alloc_pages_node(&pm, 0, 0, WMARK_LOW), 2048 - 134);	/* lower mark */

	/* now 133 free: an order-5 request would leave 133 - 31 = 102 <= 112 (low) */
	assert_false(zone_watermark_ok(&pm, 0, 5, pm.node[0].watermark[WMARK_LOW]));
	assert_int_equal(alloc_pages_node(&pm, 0, 5, WMARK_LOW), PFN_NONE);
	assert_true(zone_watermark_ok(&pm, 0, 5, pm.node[0].watermark[WMARK_MIN]));
	assert_int_not_equal(alloc_pages_node(&pm, 0, 5, WMARK_MIN), PFN_NONE);

	/* 101 free: boundary of __zone_watermark_ok, free - (2^o - 1) > mark */
	assert_int_equal(node_free_pages(&pm, 0), 101);
	assert_true(zone_watermark_ok(&pm, 0, 0, 100));
	assert_false(zone_watermark_ok(&pm, 0, 0, 101));
	assert_true(zone_watermark_ok(&pm, 0, 1, 99));
	assert_false(zone_watermark_ok(&pm, 0, 1, 100));

	/* fill to min, then WMARK_MIN refuses everything */
	for (n = 0; n <= 2048 && alloc_pages_node(&pm, 0, 0, WMARK_MIN) != PFN_NONE; n++)
		;
	assert_int_equal(node_free_pages(&pm, 0), 90);
	assert_int_equal(alloc_pages_node(&pm, 0, 0, WMARK_MIN), PFN_NONE);
	assert_true(zone_watermark_ok(&pm, 0, 0, 89));
	check_node(&pm, 0);
	phys_mem_destroy(&pm);
}

/* ---- pristine memory ---- */

/* A 512 GiB machine: free memory is counted but not threaded onto lists, and the
 * first allocation of each node comes from its lowest pfns. */
static void test_pristine_large_machine(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 256 * GiB, 256 * GiB };
	const uint64_t node_pages = 256 * GiB >> PAGE_SHIFT;
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 2);
	for (uint32_t nid = 0; nid < 2; nid++) {
		const struct pglist_data *pgdat = &pm.node[nid];

		assert_int_equal(node_free_pages(&pm, nid), node_pages);
		assert_int_equal(pgdat->pristine_pfn, pgdat->node_start_pfn);
		assert_int_equal(node_free_blocks(&pm, nid, MAX_PAGE_ORDER),
				 node_pages >> MAX_PAGE_ORDER);
		for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++)
			assert_int_equal(pgdat->free_area[o].nr_free, 0);
		assert_true(zone_watermark_ok(&pm, nid, MAX_PAGE_ORDER,
					      pgdat->watermark[WMARK_PROMO]));
		check_node(&pm, nid);
	}
	assert_int_equal(pm.node[1].node_start_pfn, node_pages);

	uint64_t pfn = alloc_ok(&pm, 1, 0, WMARK_HIGH);
	assert_int_equal(pfn, node_pages);
	assert_int_equal(pm.node[1].pristine_pfn, node_pages + MAX_ORDER_PAGES);
	assert_int_equal(node_free_pages(&pm, 1), node_pages - 1);
	assert_int_equal(node_free_blocks(&pm, 1, MAX_PAGE_ORDER),
			 (node_pages >> MAX_PAGE_ORDER) - 1);
	uint64_t thp = alloc_ok(&pm, 1, PMD_ORDER, WMARK_HIGH);
	assert_int_equal(thp, node_pages + 512);	/* the order-9 upper half */
	check_node(&pm, 1);
	phys_mem_destroy(&pm);
}

/* ---- errors ---- */

static void assert_init_fails(const uint64_t *sizes, uint32_t nr, const char *needle)
{
	struct phys_mem pm;
	char err[256] = "";

	assert_int_equal(phys_mem_init(&pm, sizes, nr, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_null(pm.folios);
}

static void test_init_errors(void **state)
{
	(void)state;
	const uint64_t odd[] = { 4 * MiB, 6 * MiB };
	const uint64_t unaligned[] = { 4 * MiB + PAGE_SIZE };
	const uint64_t too_many_pfns[] = { 8192 * GiB, 8192 * GiB };	/* 2^32 pfns */
	const uint64_t empty[] = { 0, 0 };
	uint64_t seventeen[MAX_NUMNODES + 1];

	for (size_t i = 0; i < ARRAY_SIZE(seventeen); i++)
		seventeen[i] = 4 * MiB;
	assert_init_fails(odd, 2, "node 1");
	assert_init_fails(odd, 2, "4 MiB");
	assert_init_fails(unaligned, 1, "node 0");
	assert_init_fails(too_many_pfns, 2, "page frames");
	assert_init_fails(empty, 2, "no memory");
	assert_init_fails(seventeen, MAX_NUMNODES + 1, "nodes");
	assert_init_fails(seventeen, 0, "nodes");

	/* a NULL error buffer is allowed */
	struct phys_mem pm;
	assert_int_equal(phys_mem_init(&pm, odd, 2, NULL, 0), -1);
}

/* A memoryless node (CPUs only) is valid: it refuses every allocation. */
static void test_memoryless_node(void **state)
{
	(void)state;
	const uint64_t sizes[] = { 4 * MiB, 0 };
	struct phys_mem pm;

	pm_init_ok(&pm, sizes, 2);
	assert_int_equal(node_free_pages(&pm, 1), 0);
	assert_false(zone_watermark_ok(&pm, 1, 0, 0));
	assert_int_equal(alloc_pages_node(&pm, 1, 0, WMARK_MIN), PFN_NONE);
	check_node(&pm, 1);
	phys_mem_destroy(&pm);
}

/* ---- the validator and free-path checks really fire (debug builds) ---- */

#if SIM_DEBUG_VM >= 1
typedef void (*corrupt_fn)(struct phys_mem *pm);

/* Run @fn on a node with one order-0 page allocated (pfn 0) in a child;
 * true if the child aborted. */
static bool aborts(corrupt_fn fn)
{
	fflush(NULL);
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		const uint64_t sizes[] = { 8 * MiB };
		struct phys_mem pm;

		if (!freopen("/dev/null", "w", stderr) ||
		    phys_mem_init(&pm, sizes, 1, NULL, 0) ||
		    alloc_pages_node(&pm, 0, 0, WMARK_MIN) != 0)
			_exit(2);
		fn(&pm);
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void nothing_wrong(struct phys_mem *pm)
{
	buddy_check_node(pm, 0);
	pfn_folio(pm, 0)->refcount = 0;
	free_folio_pages(pm, 0);
	buddy_check_node(pm, 0);
}

static void corrupt_free_count(struct phys_mem *pm)
{
	pm->node[0].nr_free_pages++;
	buddy_check_node(pm, 0);
}

static void corrupt_list_count(struct phys_mem *pm)
{
	pm->node[0].free_area[3].nr_free++;
	buddy_check_node(pm, 0);
}

static void corrupt_back_link(struct phys_mem *pm)
{
	pfn_folio(pm, 1)->buddy_prev = 5;	/* list head must have no prev */
	buddy_check_node(pm, 0);
}

static void corrupt_block_order(struct phys_mem *pm)
{
	pfn_folio(pm, 8)->order = 2;		/* sits on the order-3 list */
	buddy_check_node(pm, 0);
}

/* pfn 0 put on the order-0 list without merging with its free buddy pfn 1 */
static void corrupt_unmerged_buddies(struct phys_mem *pm)
{
	struct pglist_data *pgdat = &pm->node[0];

	pm->folios[0] = (struct folio){ .flags = PG_buddy, .buddy_next = pgdat->free_area[0].head,
				       .buddy_prev = PFN_NIL };
	pm->folios[pgdat->free_area[0].head].buddy_prev = 0;
	pgdat->free_area[0].head = 0;
	pgdat->free_area[0].nr_free++;
	pgdat->nr_free_pages++;
	buddy_check_node(pm, 0);
}

static void free_with_reference(struct phys_mem *pm)
{
	free_folio_pages(pm, 0);		/* refcount still 1 */
}

static void free_while_mapped(struct phys_mem *pm)
{
	pfn_folio(pm, 0)->refcount = 0;
	pfn_folio(pm, 0)->mapcount = 1;
	free_folio_pages(pm, 0);
}

static void free_twice(struct phys_mem *pm)
{
	pfn_folio(pm, 0)->refcount = 0;
	free_folio_pages(pm, 0);
	free_folio_pages(pm, 0);
}

static void test_checks_fire(void **state)
{
	(void)state;
	assert_false(aborts(nothing_wrong));
	assert_true(aborts(corrupt_free_count));
	assert_true(aborts(corrupt_list_count));
	assert_true(aborts(corrupt_back_link));
	assert_true(aborts(corrupt_block_order));
	assert_true(aborts(corrupt_unmerged_buddies));
	assert_true(aborts(free_with_reference));
	assert_true(aborts(free_while_mapped));
	assert_true(aborts(free_twice));
}
#endif

/* PMD-order folios write only head and page[1]; materializing writes the rest,
 * and freeing a materialized or lazy folio leaves no tail behind. */
static void test_lazy_tails(void **state)
{
	(void)state;
	struct phys_mem pm;
	const uint64_t sizes[] = { 64 * MiB };
	char err[256];
	assert_int_equal(phys_mem_init(&pm, sizes, 1, err, sizeof(err)), 0);
	uint64_t a = alloc_pages_node(&pm, 0, PMD_ORDER, WMARK_MIN);
	assert_true(a != PFN_NONE);
	assert_int_equal(pfn_folio(&pm, a + 2)->flags, 0);
	assert_int_equal(pfn_folio(&pm, a + 511)->flags, 0);
	assert_ptr_equal(page_folio(&pm, a + 511), pfn_folio(&pm, a));
	folio_materialize_tails(&pm, a);
	for (uint64_t i = 1; i < 512; i++) {
		assert_int_equal(pfn_folio(&pm, a + i)->flags, PG_tail);
		assert_int_equal(pfn_folio(&pm, a + i)->head_pfn, a);
	}
	uint64_t b = alloc_pages_node(&pm, 0, PMD_ORDER, WMARK_MIN);
	pfn_folio(&pm, a)->refcount = 0;
	pfn_folio(&pm, b)->refcount = 0;
	free_folio_pages(&pm, a);
	free_folio_pages(&pm, b);
	for (uint64_t i = 0; i < 512; i++) {
		assert_int_equal(pfn_folio(&pm, a + i)->flags & (PG_tail | PG_head), 0);
		assert_int_equal(pfn_folio(&pm, b + i)->flags & (PG_tail | PG_head), 0);
	}
	/* a freed block's interior is not mistaken for a folio */
	assert_ptr_equal(page_folio(&pm, a + 7), pfn_folio(&pm, a + 7));
	buddy_check_node(&pm, 0);
	phys_mem_destroy(&pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multi_node_layout),
		cmocka_unit_test(test_large_folio_prep),
		cmocka_unit_test(test_lazy_tails),
		cmocka_unit_test(test_split_leaves_one_block_per_order),
		cmocka_unit_test(test_free_lists_before_pristine),
		cmocka_unit_test(test_free_everything_merges_back),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_fragmentation_blocks_large_orders),
		cmocka_unit_test(test_watermark_values),
		cmocka_unit_test(test_watermark_clamp_high),
		cmocka_unit_test(test_watermark_thp),
		cmocka_unit_test(test_watermark_min_enforced),
		cmocka_unit_test(test_pristine_large_machine),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_memoryless_node),
#if SIM_DEBUG_VM >= 1
		cmocka_unit_test(test_checks_fire),
#endif
	};

	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
