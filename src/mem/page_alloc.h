/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/page_alloc.h - physical memory: the folio array and one buddy allocator
 * per node (Linux mm/page_alloc.c: __rmqueue_smallest, expand, __free_one_page,
 * __zone_watermark_ok, setup_per_zone_wmarks).
 *
 * SIMPLIFIED: one zone per node; no migratetypes, pcp lists or compaction.
 * Fragmentation and large-order failure still arise from the buddy itself.
 *
 * Invariants (buddy_check_node()):
 *   nr_free_pages == sum over orders of (nr_free blocks << order)
 *                    + pristine pages (end - pristine_pfn);
 *   pristine_pfn is MAX_PAGE_ORDER-aligned relative to node_start_pfn;
 *   every block on free_area[o] has PG_buddy, order o, lies below pristine_pfn,
 *   and its buddy is not also free at order o (it would have merged).
 */
#ifndef NUMASIM_MEM_PAGE_ALLOC_H
#define NUMASIM_MEM_PAGE_ALLOC_H

#include "core/hostmem.h"
#include "machine/machine.h"
#include "mem/folio.h"
#include "mem/memremap.h"

#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

struct free_area {
	uint32_t head;		/* first free block's pfn, PFN_NIL if empty */
	uint64_t nr_free;	/* blocks on this list */
};

/* One node's memory (Linux pg_data_t with its single zone). */
struct pglist_data {
	uint32_t nid;
	uint64_t node_start_pfn;
	uint64_t node_present_pages;
	uint64_t nr_free_pages;
	/* [pristine_pfn, start + present): never handed out yet; counts as free
	 * max-order blocks but its slots are untouched (host memory not used). */
	uint64_t pristine_pfn;
	uint64_t watermark[NR_WMARK];
	struct free_area free_area[NR_PAGE_ORDERS];
	/* migrc/LUF (migrate/migrc.c): source pages waiting for a deferred TLB
	 * flush. Allocated (not in nr_free_pages), but counted as free by the
	 * watermark checks: a flush frees them at once (migrc_pending_nr). */
	uint64_t nr_pending;
	/* A device node's owner (memremap_pages()), registered by its driver. */
	struct dev_pagemap pgmap;
};

struct phys_mem {
	struct folio *folios;	/* indexed by pfn; reserved, backed on first touch */
	uint64_t nr_pfns;
	size_t map_bytes;
	uint32_t nr_nodes;
	struct pglist_data node[MAX_NUMNODES];
	/* LUF: called before the allocator would hand out pages with a pending
	 * flush (or fail for want of them): flush and free @nid's pending pages.
	 * NULL unless numasim.migrc=luf. */
	void (*flush_pending)(void *arg, uint32_t nid);
	void *flush_pending_arg;
	uint64_t device_nodes;	/* nodes of device-private memory (ZONE_DEVICE) */
	bool thp_enabled;	/* PMD-size THPs enabled: khugepaged raises min_free_kbytes */
	/* host-memory accounting (phys_mem_account): one bit per host page of
	 * the folio array, set when a slot in it is first written */
	struct host_mem *acct;
	uint64_t *touched;
	unsigned int granule_shift;	/* log2 of the host page the bits stand for */
};

/*
 * phys_mem_init - lay out @nr_nodes nodes of @node_bytes each (multiples of
 * 4 MiB) in one pfn space, node 0 first; all memory free; watermarks set.
 * Return 0, or -1 with a message in @err (e.g. more pfns than 2^32, or the host
 * refused the reservation).
 */
int phys_mem_init(struct phys_mem *pm, const uint64_t *node_bytes, uint32_t nr_nodes,
		  char *err, size_t errlen);
void phys_mem_destroy(struct phys_mem *pm);

/*
 * Charge @acct with the host pages of the folio array as slots in them are
 * first written (the host backs the reservation a page at a time: 1 <<
 * @granule_shift bytes, 2 MiB where the host's THP would back it with huge
 * pages), and the LRU rings' arrays. Slots written before the call are not
 * counted.
 */
void phys_mem_account(struct phys_mem *pm, struct host_mem *acct, unsigned int granule_shift);

/* Bytes of the folio array written so far (what phys_mem_account charged). */
uint64_t phys_mem_touched_bytes(const struct phys_mem *pm);

/* The nodes in @mask hold device-private memory (a driver's ZONE_DEVICE
 * pages): no watermarks, and the other nodes' reserves are computed
 * without them. */
void phys_mem_set_device_nodes(struct phys_mem *pm, uint64_t mask);

/* memremap_pages(): @ops serve the device-private pages of device node @nid. */
static inline void memremap_pages(struct phys_mem *pm, uint32_t nid,
				  const struct dev_pagemap_ops *ops)
{
	pm->node[nid].pgmap.ops = ops;
}

/* PMD-size THPs are enabled (always or madvise): the watermarks use the
 * larger min_free_kbytes khugepaged recommends (set_recommended_min_free_kbytes). */
void phys_mem_set_thp(struct phys_mem *pm, bool enabled);

static inline struct folio *pfn_folio(const struct phys_mem *pm, uint64_t pfn)
{
	VM_BUG_ON(pfn >= pm->nr_pfns);
	return &pm->folios[pfn];
}

static inline uint64_t folio_pfn(const struct phys_mem *pm, const struct folio *f)
{
	return (uint64_t)(f - pm->folios);
}

struct folio *page_folio_lazy(const struct phys_mem *pm, uint64_t pfn);

/*
 * The folio a page belongs to (Linux page_folio()). Tails of PMD-order folios
 * may be unwritten (see prep_new_folio in page_alloc.c): those are found by
 * alignment, out of line.
 */
static inline struct folio *page_folio(const struct phys_mem *pm, uint64_t pfn)
{
	struct folio *f = pfn_folio(pm, pfn);
	if (likely(folio_test(f, PG_head)))
		return f;
	if (folio_test(f, PG_tail))
		return pfn_folio(pm, f->head_pfn);
	return page_folio_lazy(pm, pfn);
}

/* The dev_pagemap of device-private page @pfn (Linux page_pgmap()). */
static inline const struct dev_pagemap *page_pgmap(const struct phys_mem *pm, uint64_t pfn)
{
	return &pm->node[folio_nid(page_folio(pm, pfn))].pgmap;
}

/* Write every tail slot of a large folio (before it is PTE-mapped). */
void folio_materialize_tails(struct phys_mem *pm, uint64_t head_pfn);

/*
 * alloc_pages_node - take a block of 2^order pages from node @nid if the node
 * stays at or above watermark @mark afterwards (Linux __zone_watermark_ok,
 * including its check that a free block of at least @order exists above the
 * reserve). The block is prepared as a folio: head with PG_head, order,
 * refcount 1, version 0; tails with PG_tail and head_pfn (for PMD order and
 * above, only page[1]: the other tails are lazy); page[1] counts 0.
 * Return the head pfn or PFN_NONE.
 */
uint64_t alloc_pages_node(struct phys_mem *pm, uint32_t nid, uint32_t order,
			  enum zone_watermarks mark);

struct sim;

/*
 * Who asks for a block (part of Linux's struct alloc_context): the node the
 * policy prefers, which numastat counts hits and misses against, and the node
 * of the allocating CPU (numa_local / numa_other).
 */
struct alloc_context {
	uint32_t preferred_nid;
	uint32_t local_nid;
	bool interleave;	/* an interleave policy chose preferred_nid */
};

/* Return a folio's pages to its node's buddy, merging with free buddies. The
 * folio must be unmapped with refcount 0 (callers drop it first). */
void free_folio_pages(struct phys_mem *pm, uint64_t head_pfn);

/* Linux __zone_watermark_ok() for order @order against @mark pages; pages
 * pending a deferred flush count as free. */
bool zone_watermark_ok(const struct phys_mem *pm, uint32_t nid, uint32_t order, uint64_t mark);

/* Free blocks of exactly @order on @nid, pristine max-order blocks included. */
uint64_t node_free_blocks(const struct phys_mem *pm, uint32_t nid, uint32_t order);

/* Free pages as the watermark checks see them: pages pending a deferred
 * flush (migrc/LUF) included. */
static inline uint64_t node_free_pages(const struct phys_mem *pm, uint32_t nid)
{
	return pm->node[nid].nr_free_pages + pm->node[nid].nr_pending;
}

/* Validator: VM_BUG_ON on any broken invariant above. O(free blocks). */
void buddy_check_node(const struct phys_mem *pm, uint32_t nid);

#endif
