// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/page_alloc.c - the folio array and one buddy allocator per node.
 *
 * Models:     linux mm/page_alloc.c __rmqueue_smallest(), expand(),
 *             __free_one_page(), __find_buddy_pfn(), page_is_buddy(),
 *             __zone_watermark_ok(), __setup_per_zone_wmarks(),
 *             calculate_min_free_kbytes(), and mm/khugepaged.c
 *             set_recommended_min_free_kbytes() (the reserve raised for
 *             THP); prep_new_page()/prep_compound_page() for the folio fields.
 * SIMPLIFIED: one zone per node (every node counts as lowmem); no
 *             migratetypes, pcp lists, highatomic/CMA reserves, watermark
 *             boost, lowmem_reserve, shuffling or compaction.
 * Invariants: see the comment at the top of page_alloc.h.
 *
 * Host memory: the folio array is reserved with MAP_NORESERVE and the initial
 * free memory of a node is not threaded onto the free lists. Instead each node
 * keeps a "pristine" tail [pristine_pfn, end) whose slots were never touched;
 * it counts as free max-order blocks, and a block is carved from its low end
 * only when the free lists cannot serve a request. Host memory therefore
 * grows with the simulated memory ever handed out, not with the machine size
 * (32 bytes per 4 KiB page touched). Freed blocks stay on the free lists and
 * never return to pristine, so it follows the peak, not the current use.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/err.h"
#include "mem/page_alloc.h"

#define MAX_ORDER_NR_PAGES (1ull << MAX_PAGE_ORDER)

/* kernel defaults: vm.watermark_scale_factor, min_free_kbytes clamp */
#define WATERMARK_SCALE_FACTOR 10
#define MIN_FREE_KBYTES_FLOOR 128
#define MIN_FREE_KBYTES_CEIL 262144

/* ---- helpers ---- */

static inline uint64_t node_end_pfn(const struct pglist_data *pgdat)
{
	return pgdat->node_start_pfn + pgdat->node_present_pages;
}

static inline struct pglist_data *pm_node(struct phys_mem *pm, uint32_t nid)
{
	VM_BUG_ON(nid >= pm->nr_nodes);
	return &pm->node[nid];
}

/*
 * Linux __find_buddy_pfn(), relative to the node start: nodes are laid out
 * max-order aligned, so this equals the kernel's absolute-pfn XOR, but stays
 * correct should that ever change.
 */
static inline uint64_t find_buddy_pfn(const struct pglist_data *pgdat, uint64_t pfn,
				      uint32_t order)
{
	uint64_t rel = pfn - pgdat->node_start_pfn;

	return pgdat->node_start_pfn + (rel ^ (1ull << order));
}

/* Linux page_is_buddy(): the slot heads a free block of exactly @order. */
static inline bool page_is_buddy(const struct phys_mem *pm, uint64_t pfn, uint32_t order)
{
	const struct folio *f = &pm->folios[pfn];

	return folio_test(f, PG_buddy) && f->order == order;
}

/* ---- host memory: slots written for the first time ---- */

static sim_noinline void slots_charge(struct phys_mem *pm, uint64_t first, uint64_t last)
{
	for (uint64_t g = first; g <= last; g++) {
		uint64_t bit = 1ull << (g % 64);
		if (pm->touched[g / 64] & bit)
			continue;
		pm->touched[g / 64] |= bit;
		host_mem_charge(pm->acct, 1ull << pm->granule_shift);
		pm->acct->slots += 1ull << pm->granule_shift;
	}
}

/* Slots [pfn, pfn + nr) are about to be written. */
static inline void slots_touch(struct phys_mem *pm, uint64_t pfn, uint64_t nr)
{
	if (!pm->touched)
		return;
	uint64_t first = pfn * sizeof(struct folio) >> pm->granule_shift;
	uint64_t last = ((pfn + nr) * sizeof(struct folio) - 1) >> pm->granule_shift;
	if (first == last && (pm->touched[first / 64] >> (first % 64) & 1))
		return;	/* the common case: a page already backed */
	slots_charge(pm, first, last);
}

/* ---- free lists (intrusive, doubly linked through the slots) ---- */

/*
 * SIMPLIFIED: always at the head. Linux puts a freed block at the tail when
 * buddy_merge_likely() says its higher-order buddy is free; that needs a tail
 * pointer and only changes which free block is handed out next.
 */
static void free_list_add(struct phys_mem *pm, struct pglist_data *pgdat, uint64_t pfn,
			  uint32_t order)
{
	struct free_area *area = &pgdat->free_area[order];
	struct folio *f = &pm->folios[pfn];

	slots_touch(pm, pfn, 1);
	*f = (struct folio){ .flags = PG_buddy, .order = (uint8_t)order,
			     .nid = (uint8_t)pgdat->nid,
			     .buddy_next = area->head, .buddy_prev = PFN_NIL };
	if (area->head != PFN_NIL)
		pm->folios[area->head].buddy_prev = (uint32_t)pfn;
	area->head = (uint32_t)pfn;
	area->nr_free++;
}

/* Unlink in O(1), which is why the list is doubly linked: merging removes a
 * buddy from the middle of its list. The slot is left as a plain interior page. */
static void free_list_del(struct phys_mem *pm, struct pglist_data *pgdat, uint64_t pfn,
			  uint32_t order)
{
	struct free_area *area = &pgdat->free_area[order];
	struct folio *f = &pm->folios[pfn];

	VM_BUG_ON(!page_is_buddy(pm, pfn, order));
	VM_BUG_ON(area->nr_free == 0);
	if (f->buddy_prev != PFN_NIL)
		pm->folios[f->buddy_prev].buddy_next = f->buddy_next;
	else
		area->head = f->buddy_next;
	if (f->buddy_next != PFN_NIL)
		pm->folios[f->buddy_next].buddy_prev = f->buddy_prev;
	area->nr_free--;
	*f = (struct folio){ .nid = (uint8_t)pgdat->nid };
}

/* ---- allocation ---- */

/*
 * Linux expand(): @pfn heads a block of order @high; keep its lowest 2^@low
 * pages for the caller and return each upper half to the free lists.
 */
static void expand(struct phys_mem *pm, struct pglist_data *pgdat, uint64_t pfn,
		   uint32_t low, uint32_t high)
{
	while (high > low) {
		high--;
		free_list_add(pm, pgdat, pfn + (1ull << high), high);
	}
}

/* Take the lowest max-order block of the pristine tail (its slots are untouched). */
static uint64_t carve_pristine(struct pglist_data *pgdat)
{
	uint64_t pfn = pgdat->pristine_pfn;

	if (pfn >= node_end_pfn(pgdat))
		return PFN_NONE;
	pgdat->pristine_pfn = pfn + MAX_ORDER_NR_PAGES;
	return pfn;
}

/*
 * Linux __rmqueue_smallest(): the smallest free block of at least @order,
 * split down to @order. Pristine memory counts as max-order blocks but comes
 * last, so touched slots are reused before new host memory is.
 */
static uint64_t rmqueue_smallest(struct phys_mem *pm, struct pglist_data *pgdat,
				 uint32_t order)
{
	for (uint32_t o = order; o <= MAX_PAGE_ORDER; o++) {
		uint64_t pfn = pgdat->free_area[o].head;

		if (pfn == PFN_NIL)
			continue;
		free_list_del(pm, pgdat, pfn, o);
		expand(pm, pgdat, pfn, order, o);
		return pfn;
	}

	uint64_t pfn = carve_pristine(pgdat);

	if (pfn != PFN_NONE)
		expand(pm, pgdat, pfn, order, MAX_PAGE_ORDER);
	return pfn;
}

/*
 * Linux prep_new_page() + prep_compound_page(): a fresh folio with one
 * reference. The tails' union starts zeroed, so page[1].large_mapcount and
 * page[1].entire_mapcount are 0.
 *
 * Lazy tails: a folio of PMD order or more writes only its head and page[1];
 * its other tail slots stay as they were (zero: a free interior page), so a
 * PMD-mapped THP costs the host one slot's cache line, not 16 KiB.
 * page_folio() finds the head of such a tail by alignment, and
 * folio_materialize_tails() writes them when the folio gets PTE-mapped.
 * SIMPLIFIED: last_cpupid starts at 0, where Linux page_cpupid_reset_last()
 * writes an all-ones "no cpupid"; code that needs such a sentinel sets it.
 */
static void prep_new_folio(struct phys_mem *pm, uint64_t pfn, uint32_t order, uint32_t nid)
{
	const uint64_t nr = order >= PMD_ORDER ? 2 : 1ull << order;

	slots_touch(pm, pfn, nr);
	pm->folios[pfn] = (struct folio){ .flags = PG_head, .order = (uint8_t)order,
					  .nid = (uint8_t)nid, .refcount = 1 };
	for (uint64_t i = 1; i < nr; i++)
		pm->folios[pfn + i] = (struct folio){ .flags = PG_tail, .nid = (uint8_t)nid,
						      .head_pfn = (uint32_t)pfn };
}

void folio_materialize_tails(struct phys_mem *pm, uint64_t head_pfn)
{
	const struct folio *head = &pm->folios[head_pfn];
	const uint64_t nr = folio_nr_pages(head);

	if (nr > 2)
		slots_touch(pm, head_pfn + 2, nr - 2);
	for (uint64_t i = 2; i < nr; i++) {
		struct folio *t = &pm->folios[head_pfn + i];

		if (folio_test(t, PG_tail))
			continue;
		VM_BUG_ON(t->flags != 0);
		*t = (struct folio){ .flags = PG_tail, .nid = head->nid, .head_pfn = (uint32_t)head_pfn };
	}
}

struct folio *page_folio_lazy(const struct phys_mem *pm, uint64_t pfn)
{
	for (uint32_t o = PMD_ORDER; o <= MAX_PAGE_ORDER; o++) {
		uint64_t h = ALIGN_DOWN(pfn, 1ull << o);
		struct folio *f = &pm->folios[h];

		if (folio_test(f, PG_head) && f->order >= o)
			return f;
	}
	return &pm->folios[pfn];	/* not part of a folio */
}

static bool buddy_has_block(const struct phys_mem *pm, uint32_t nid, uint32_t order);

uint64_t alloc_pages_node(struct phys_mem *pm, uint32_t nid, uint32_t order,
			  enum zone_watermarks mark)
{
	VM_BUG_ON(order > MAX_PAGE_ORDER);
	VM_BUG_ON((unsigned int)mark >= NR_WMARK);
	struct pglist_data *pgdat = pm_node(pm, nid);

	if (!zone_watermark_ok(pm, nid, order, pgdat->watermark[mark]))
		return PFN_NONE;
	/*
	 * LUF: pages with a pending flush are used last. Keep WMARK_MIN of
	 * flushed free pages; below that, or when no block is large enough,
	 * flush the node's pending pages into the buddy first.
	 */
	if (pgdat->nr_pending && pm->flush_pending &&
	    (pgdat->nr_free_pages < (1ull << order) + pgdat->watermark[WMARK_MIN] ||
	     !buddy_has_block(pm, nid, order)))
		pm->flush_pending(pm->flush_pending_arg, nid);

	/* The watermark check found a block of at least @order, so this succeeds,
	 * unless pages pending a migrc flush carried an order-0 check. */
	uint64_t pfn = rmqueue_smallest(pm, pgdat, order);

	if (unlikely(pfn == PFN_NONE))
		return PFN_NONE;
	VM_BUG_ON(!IS_ALIGNED(pfn - pgdat->node_start_pfn, 1ull << order));
	pgdat->nr_free_pages -= 1ull << order;
	prep_new_folio(pm, pfn, order, nid);
	return pfn;
}

/* ---- freeing ---- */

/*
 * Undo prep_new_folio() (Linux free_pages_prepare()): check that nobody still
 * uses the folio and turn every tail back into a plain interior page.
 */
static void free_pages_prepare(struct phys_mem *pm, uint64_t pfn, uint32_t order)
{
	const struct folio *head = &pm->folios[pfn];
	const uint64_t nr = 1ull << order;

	VM_BUG_ON(folio_ref_count(head) != 0);
	VM_BUG_ON(folio_mapcount(head) != 0);
	VM_BUG_ON(head->mapcount != 0);
	VM_BUG_ON(head->pincount != 0);
	/* Linux PAGE_FLAGS_CHECK_AT_FREE: still on an LRU or isolated means in use. */
	VM_BUG_ON(head->flags & (PG_lru | PG_isolated | PG_zero));
	for (uint64_t i = 1; i < nr; i++) {
		struct folio *t = &pm->folios[pfn + i];

		if (t->flags == 0 && i >= 2 && order >= PMD_ORDER)
			continue;	/* a lazy tail, never written: leave it untouched */
		VM_BUG_ON(!folio_test(t, PG_tail) || t->head_pfn != pfn);
		VM_BUG_ON(t->mapcount != 0);
		*t = (struct folio){ .nid = head->nid };
	}
}

/*
 * Linux __free_one_page(): merge with the buddy while it is free at the same
 * order, up to max order. A block below pristine_pfn has its buddy below
 * pristine_pfn too (pristine_pfn is max-order aligned), so freed memory never
 * merges back into the pristine tail: a free max-order block stays on the list.
 */
static void free_one_page(struct phys_mem *pm, struct pglist_data *pgdat, uint64_t pfn,
			  uint32_t order)
{
	pgdat->nr_free_pages += 1ull << order;
	pm->folios[pfn] = (struct folio){ .nid = (uint8_t)pgdat->nid };
	while (order < MAX_PAGE_ORDER) {
		uint64_t buddy = find_buddy_pfn(pgdat, pfn, order);

		VM_BUG_ON(buddy >= pgdat->pristine_pfn);
		if (!page_is_buddy(pm, buddy, order))
			break;
		free_list_del(pm, pgdat, buddy, order);
		pfn = MIN(pfn, buddy);	/* the merged block starts at the lower half */
		order++;
	}
	free_list_add(pm, pgdat, pfn, order);
}

void free_folio_pages(struct phys_mem *pm, uint64_t head_pfn)
{
	const struct folio *head = pfn_folio(pm, head_pfn);
	const uint32_t order = folio_order(head);

	VM_BUG_ON(!folio_test(head, PG_head));
	VM_BUG_ON(folio_test(head, PG_tail | PG_buddy));
	VM_BUG_ON(order > MAX_PAGE_ORDER);
	struct pglist_data *pgdat = pm_node(pm, folio_nid(head));

	VM_BUG_ON(head_pfn < pgdat->node_start_pfn || head_pfn >= pgdat->pristine_pfn);
	VM_BUG_ON(!IS_ALIGNED(head_pfn - pgdat->node_start_pfn, 1ull << order));
	free_pages_prepare(pm, head_pfn, order);
	free_one_page(pm, pgdat, head_pfn, order);
}

/* ---- watermarks ---- */

/* floor(sqrt(x)), digit by digit in base 4 (Linux int_sqrt()'s result). */
static uint64_t int_sqrt64(uint64_t x)
{
	uint64_t root = 0;
	uint64_t bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= root + bit) {
			x -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return root;
}

/* Linux mult_frac(): x * n / d without overflowing x * n. */
static uint64_t mult_frac(uint64_t x, uint64_t n, uint64_t d)
{
	return (x / d) * n + (x % d) * n / d;
}

/*
 * Linux calculate_min_free_kbytes(): 4 * sqrt(lowmem_kbytes), clamped.
 * SIMPLIFIED: lowmem is all memory, as nr_free_buffer_pages() reports at boot
 * when every node has only a normal zone (no ZONE_MOVABLE/HIGHMEM).
 */
static uint64_t calculate_min_free_kbytes(uint64_t total_pages)
{
	uint64_t kbytes = total_pages * (PAGE_SIZE / KiB);
	uint64_t min_free = int_sqrt64(kbytes * 16);

	return MIN(MAX(min_free, MIN_FREE_KBYTES_FLOOR), MIN_FREE_KBYTES_CEIL);
}

/*
 * Linux set_recommended_min_free_kbytes(), which khugepaged applies while
 * PMD-size THPs are enabled: two free pageblocks per zone, plus
 * MIGRATE_PCPTYPES^2 per zone so fallbacks find a mostly free block, at most
 * 5% of lowmem. SIMPLIFIED: a node is one zone, and every node with memory
 * counts (Linux skips ZONE_MOVABLE but counts DMA and DMA32 apart; on the
 * kref guest, 2 DRAM nodes and a movable pmem node, both make 3).
 */
static uint64_t recommended_min_free_kbytes(const struct phys_mem *pm, uint64_t total_pages)
{
	const uint64_t pageblock_nr_pages = 1ull << PMD_ORDER, migrate_pcptypes = 3;
	uint64_t nr_zones = 0;
	for (uint32_t nid = 0; nid < pm->nr_nodes; nid++)
		nr_zones += !((pm->device_nodes >> nid) & 1) && pm->node[nid].node_present_pages;
	uint64_t min = pageblock_nr_pages * nr_zones * 2 +
		       pageblock_nr_pages * nr_zones * migrate_pcptypes * migrate_pcptypes;
	return MIN(min, total_pages / 20) << (PAGE_SHIFT - 10);
}

/*
 * Linux __setup_per_zone_wmarks() (mainline since 6.1 with WMARK_PROMO):
 *   min  = pages_min * managed / lowmem_pages   (the node's share)
 *   tmp  = max(min / 4, managed * watermark_scale_factor / 10000)
 *   low  = min + tmp, high = low + tmp, promo = high + tmp
 * with watermark_boost 0.
 */
static void setup_per_zone_wmarks(struct phys_mem *pm)
{
	uint64_t total_pages = 0;
	for (uint32_t nid = 0; nid < pm->nr_nodes; nid++)
		if (!((pm->device_nodes >> nid) & 1))
			total_pages += pm->node[nid].node_present_pages;
	uint64_t min_free_kbytes = calculate_min_free_kbytes(total_pages);
	if (pm->thp_enabled)
		min_free_kbytes = MAX(min_free_kbytes, recommended_min_free_kbytes(pm, total_pages));
	const uint64_t pages_min = min_free_kbytes >> (PAGE_SHIFT - 10);

	for (uint32_t nid = 0; nid < pm->nr_nodes; nid++) {
		struct pglist_data *pgdat = &pm->node[nid];
		if ((pm->device_nodes >> nid) & 1) {
			memset(pgdat->watermark, 0, sizeof(pgdat->watermark));
			continue;
		}
		const uint64_t managed = pgdat->node_present_pages;
		const uint64_t min = pages_min * managed / total_pages;
		const uint64_t tmp = MAX(min >> 2,
					 mult_frac(managed, WATERMARK_SCALE_FACTOR, 10000));

		pgdat->watermark[WMARK_MIN] = min;
		pgdat->watermark[WMARK_LOW] = min + tmp;
		pgdat->watermark[WMARK_HIGH] = min + 2 * tmp;
		pgdat->watermark[WMARK_PROMO] = min + 3 * tmp;
	}
}

uint64_t node_free_blocks(const struct phys_mem *pm, uint32_t nid, uint32_t order)
{
	VM_BUG_ON(nid >= pm->nr_nodes);
	VM_BUG_ON(order > MAX_PAGE_ORDER);
	const struct pglist_data *pgdat = &pm->node[nid];
	uint64_t nr = pgdat->free_area[order].nr_free;

	if (order == MAX_PAGE_ORDER)
		nr += (node_end_pfn(pgdat) - pgdat->pristine_pfn) >> MAX_PAGE_ORDER;
	return nr;
}

/* A free block of at least @order on @nid. */
static bool buddy_has_block(const struct phys_mem *pm, uint32_t nid, uint32_t order)
{
	for (uint32_t o = order; o <= MAX_PAGE_ORDER; o++)
		if (node_free_blocks(pm, nid, o))
			return true;
	return false;
}

/*
 * Linux __zone_watermark_ok() without reserves: the free pages left once the
 * request's 2^order - 1 extra pages are discounted must stay above @mark, and
 * an order > 0 request also needs one free block of at least @order.
 */
bool zone_watermark_ok(const struct phys_mem *pm, uint32_t nid, uint32_t order, uint64_t mark)
{
	VM_BUG_ON(nid >= pm->nr_nodes);
	VM_BUG_ON(order > MAX_PAGE_ORDER);
	/* signed, as in the kernel: free_pages may go negative */
	int64_t free_pages = (int64_t)node_free_pages(pm, nid) - (int64_t)((1ull << order) - 1);

	if (free_pages <= (int64_t)mark)
		return false;
	return order == 0 || buddy_has_block(pm, nid, order);
}

/* ---- setup and teardown ---- */

static int check_layout(const uint64_t *node_bytes, uint32_t nr_nodes, uint64_t *nr_pfns,
			char *err, size_t errlen)
{
	const uint64_t max_block_bytes = MAX_ORDER_NR_PAGES * PAGE_SIZE;
	uint64_t total = 0;

	if (nr_nodes == 0 || nr_nodes > MAX_NUMNODES)
		return errorf(err, errlen, "phys_mem: %u nodes (must be 1..%u)", nr_nodes,
				  MAX_NUMNODES);
	for (uint32_t nid = 0; nid < nr_nodes; nid++) {
		if (!IS_ALIGNED(node_bytes[nid], max_block_bytes))
			return errorf(err, errlen,
					  "phys_mem: node %u: size %llu bytes is not a multiple of 4 MiB",
					  nid, (unsigned long long)node_bytes[nid]);
		/* PFN_NIL (2^32 - 1) must never be a valid pfn */
		total += node_bytes[nid] >> PAGE_SHIFT;
		if (total > PFN_NIL)
			return errorf(err, errlen,
					  "phys_mem: more than %u page frames (16 TiB) in total",
					  PFN_NIL);
	}
	if (total == 0)
		return errorf(err, errlen, "phys_mem: no memory on any node");
	*nr_pfns = total;
	return 0;
}

static void node_init(struct pglist_data *pgdat, uint32_t nid, uint64_t start_pfn,
		      uint64_t nr_pages)
{
	pgdat->nid = nid;
	pgdat->node_start_pfn = start_pfn;
	pgdat->node_present_pages = nr_pages;
	pgdat->nr_free_pages = nr_pages;
	pgdat->pristine_pfn = start_pfn;	/* all of it untouched */
	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++)
		pgdat->free_area[o] = (struct free_area){ .head = PFN_NIL, .nr_free = 0 };
}

int phys_mem_init(struct phys_mem *pm, const uint64_t *node_bytes, uint32_t nr_nodes,
		  char *err, size_t errlen)
{
	uint64_t nr_pfns = 0;

	memset(pm, 0, sizeof(*pm));
	if (check_layout(node_bytes, nr_nodes, &nr_pfns, err, errlen))
		return -1;

	/* Reserve only: the host backs a slot's page when it is first written. */
	size_t bytes = (size_t)nr_pfns * sizeof(struct folio);
	void *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (map == MAP_FAILED)
		return errorf(err, errlen,
				  "phys_mem: cannot reserve %zu bytes of folio slots: %s",
				  bytes, strerror(errno));
	pm->folios = map;
	pm->map_bytes = bytes;
	pm->nr_pfns = nr_pfns;
	pm->nr_nodes = nr_nodes;

	uint64_t start_pfn = 0;

	for (uint32_t nid = 0; nid < nr_nodes; nid++) {
		uint64_t nr_pages = node_bytes[nid] >> PAGE_SHIFT;

		node_init(&pm->node[nid], nid, start_pfn, nr_pages);
		start_pfn += nr_pages;
	}
	setup_per_zone_wmarks(pm);
	return 0;
}

void phys_mem_set_device_nodes(struct phys_mem *pm, uint64_t mask)
{
	pm->device_nodes = mask;
	setup_per_zone_wmarks(pm);
}

void phys_mem_set_thp(struct phys_mem *pm, bool enabled)
{
	pm->thp_enabled = enabled;
	setup_per_zone_wmarks(pm);
}

void phys_mem_account(struct phys_mem *pm, struct host_mem *acct, unsigned int granule_shift)
{
	uint64_t granules = DIV_ROUND_UP(pm->map_bytes, 1ull << granule_shift);
	pm->touched = calloc(DIV_ROUND_UP(granules, 64), sizeof(*pm->touched));
	if (!pm->touched)
		abort();
	pm->acct = acct;
	pm->granule_shift = granule_shift;
}

uint64_t phys_mem_touched_bytes(const struct phys_mem *pm)
{
	uint64_t n = 0;
	uint64_t words = pm->touched ? DIV_ROUND_UP(DIV_ROUND_UP(pm->map_bytes,
							1ull << pm->granule_shift), 64) : 0;
	for (uint64_t i = 0; i < words; i++)
		n += (uint64_t)__builtin_popcountll(pm->touched[i]);
	return n << pm->granule_shift;
}

void phys_mem_destroy(struct phys_mem *pm)
{
	free(pm->touched);
	pm->touched = NULL;
	if (pm->folios)
		munmap(pm->folios, pm->map_bytes);
	pm->folios = NULL;
	pm->map_bytes = 0;
	pm->nr_pfns = 0;
	pm->nr_nodes = 0;
}

/* ---- validator ---- */

/* One block on free_area[order]: PG_buddy head of the right order, aligned,
 * in the touched part of the node, and not mergeable with its buddy. */
static void check_free_block(const struct phys_mem *pm, const struct pglist_data *pgdat,
			     uint64_t pfn, uint32_t order)
{
	const struct folio *f = &pm->folios[pfn];

	VM_BUG_ON(pfn < pgdat->node_start_pfn);
	VM_BUG_ON(pfn + (1ull << order) > pgdat->pristine_pfn);
	VM_BUG_ON(!IS_ALIGNED(pfn - pgdat->node_start_pfn, 1ull << order));
	VM_BUG_ON(f->flags != PG_buddy);
	VM_BUG_ON(f->order != order);
	VM_BUG_ON(f->nid != pgdat->nid);
	if (order < MAX_PAGE_ORDER)
		VM_BUG_ON(page_is_buddy(pm, find_buddy_pfn(pgdat, pfn, order), order));
}

/* Walk one list, checking links both ways; return the blocks counted. */
static uint64_t check_free_list(const struct phys_mem *pm, const struct pglist_data *pgdat,
				uint32_t order)
{
	/* more blocks than fit in the node means a cycle */
	const uint64_t max_blocks = pgdat->node_present_pages >> order;
	uint64_t prev = PFN_NIL;
	uint64_t nr = 0;

	for (uint64_t pfn = pgdat->free_area[order].head; pfn != PFN_NIL;
	     pfn = pm->folios[pfn].buddy_next) {
		VM_BUG_ON(pfn >= pm->nr_pfns);
		VM_BUG_ON(pm->folios[pfn].buddy_prev != prev);
		check_free_block(pm, pgdat, pfn, order);
		VM_BUG_ON(++nr > max_blocks);
		prev = pfn;
	}
	return nr;
}

void buddy_check_node(const struct phys_mem *pm, uint32_t nid)
{
	/* Release builds compile the checks away: do not walk the lists for nothing. */
	if (!SIM_DEBUG_VM)
		return;
	VM_BUG_ON(nid >= pm->nr_nodes);
	const struct pglist_data *pgdat = &pm->node[nid];
	const uint64_t end = node_end_pfn(pgdat);

	VM_BUG_ON(pgdat->nid != nid);
	VM_BUG_ON(end > pm->nr_pfns);
	VM_BUG_ON(pgdat->pristine_pfn < pgdat->node_start_pfn || pgdat->pristine_pfn > end);
	VM_BUG_ON(!IS_ALIGNED(pgdat->pristine_pfn - pgdat->node_start_pfn, MAX_ORDER_NR_PAGES));

	uint64_t free_pages = end - pgdat->pristine_pfn;

	for (uint32_t o = 0; o <= MAX_PAGE_ORDER; o++) {
		uint64_t nr = check_free_list(pm, pgdat, o);

		VM_BUG_ON(nr != pgdat->free_area[o].nr_free);
		free_pages += nr << o;
	}
	VM_BUG_ON(free_pages != pgdat->nr_free_pages);
	VM_BUG_ON(pgdat->nr_free_pages > pgdat->node_present_pages);
}
