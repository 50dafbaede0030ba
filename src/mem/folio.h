/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/folio.h - per-page-frame metadata, indexed by pfn (Linux: struct page /
 * struct folio, include/linux/mm_types.h).
 *
 * One 32-byte slot per page frame. As in Linux, a folio of order > 0 keeps its
 * own fields in the head slot and its folio-wide mapcounts in the slot of its
 * second page (page[1]); every tail slot points back to the head.
 *
 * Invariants (folio_check() verifies them at SIM_DEBUG_VM >= 2):
 *   exactly one of PG_head, PG_tail, PG_buddy is set on a slot that is in use,
 *   none on a slot never handed out;
 *   head: refcount >= 1 while allocated; refcount >= folio_mapcount() for anon
 *   folios with no other holder (isolation and pins add references);
 *   large head: page[1].large_mapcount == sum of per-page mapcounts + entire_mapcount;
 *   tail i of head h: head_pfn == h, flags & PG_tail, order == 0;
 *   PG_buddy blocks are naturally aligned to their order and linked in
 *   exactly one free list of their node.
 *
 * Memory: slots are reserved for the whole machine but backed by the host only
 * where touched (see phys_mem_init), so host memory grows with simulated
 * memory used, not with the machine's size.
 */
#ifndef NUMASIM_MEM_FOLIO_H
#define NUMASIM_MEM_FOLIO_H

#include "core/compiler.h"
#include "core/debug.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PMD_SHIFT 21
#define PMD_SIZE (1ull << PMD_SHIFT)
#define PMD_ORDER (PMD_SHIFT - PAGE_SHIFT)	/* 9: a 2 MiB THP */
#define PTRS_PER_PTE 512
#define PFN_NONE UINT64_MAX
#define PFN_NIL UINT32_MAX		/* end of an intrusive list */

/* Page flags: FOLIO_FLAG(NAME, bit, "meaning"), declared once. */
#define FOLIO_FLAGS(X)                                                            \
	X(PG_head,	   0, "head of an allocated folio (order 0 included)")    \
	X(PG_tail,	   1, "tail page of an allocated large folio")            \
	X(PG_buddy,	   2, "head of a free block in the buddy allocator")      \
	X(PG_anon,	   3, "anonymous memory")                                 \
	X(PG_lru,	   4, "on an LRU list of its node (mem/lru.h)")           \
	X(PG_zero,	   5, "the shared zero page or huge zero page")           \
	X(PG_pinned,	   6, "DMA-pinned (folio_maybe_dma_pinned)")              \
	X(PG_device,	   7, "device-private memory (issue 6)")                  \
	X(PG_pending_free, 8, "source copy kept until a deferred flush (migrc)")  \
	X(PG_isolated,	   9, "isolated for migration")                           \
	X(PG_anon_exclusive, 10, "mapped by one mm only; may be reused on write (PageAnonExclusive)") \
	X(PG_partially_mapped, 11, "large folio partly unmapped (deferred split)") \
	X(PG_migrc_dst,	   12, "migrated while its source's TLB flush was deferred: making it writable forces the flush (migrc)") \
	X(PG_active,	   13, "on the active LRU list, or was when isolated (PageActive)") \
	X(PG_referenced,   14, "reclaim saw it referenced once already (PageReferenced)")

enum folio_flag_bits {
#define X(name, bit, help) name##_BIT = bit,
	FOLIO_FLAGS(X)
#undef X
};
#define X(name, bit, help) static const uint16_t name = (uint16_t)(1u << (bit));
FOLIO_FLAGS(X)
#undef X

struct folio {
	uint16_t flags;
	uint8_t order;		/* head or free block: its order; tail: 0 */
	uint8_t nid;		/* node of the frame; valid once the slot was used */
	int32_t mapcount;	/* this page: PTE mappings of it (0 = unmapped) */
	union {
		struct {	/* PG_head: the folio's own fields */
			int32_t refcount;
			uint32_t last_cpupid;	/* or access time in tiering mode */
			uint32_t version;	/* content version, for the oracle */
			uint32_t anon_vma;	/* rmap: anon_vma id (0 = none) */
			uint32_t index;		/* rmap: linear page index of the head */
			uint32_t pincount;	/* DMA pins (folio_maybe_dma_pinned) */
		};
		struct {	/* PG_tail; page[1] of a large folio also uses the counts */
			uint32_t head_pfn;
			int32_t large_mapcount;	/* page[1] only: all mappings of the folio */
			int32_t entire_mapcount; /* page[1] only: PMD mappings */
		};
		struct {	/* PG_buddy: free-list links (pfns) */
			uint32_t buddy_next;
			uint32_t buddy_prev;
		};
	};
};
_Static_assert(sizeof(struct folio) == 32, "struct folio must stay 32 bytes");

static inline bool folio_test(const struct folio *f, uint16_t flag)
{
	return (f->flags & flag) != 0;
}

static inline void folio_set(struct folio *f, uint16_t flag)
{
	f->flags = (uint16_t)(f->flags | flag);
}

static inline void folio_clear(struct folio *f, uint16_t flag)
{
	f->flags = (uint16_t)(f->flags & ~flag);
}

static inline uint32_t folio_order(const struct folio *f)
{
	return f->order;
}

static inline uint64_t folio_nr_pages(const struct folio *f)
{
	return 1ull << f->order;
}

static inline bool folio_test_large(const struct folio *f)
{
	return f->order > 0;
}

static inline uint32_t folio_nid(const struct folio *f)
{
	return f->nid;
}

/* Linux folio_mapcount(): all PTE and PMD mappings of the folio. */
static inline int32_t folio_mapcount(const struct folio *f)
{
	return folio_test_large(f) ? f[1].large_mapcount : f->mapcount;
}

static inline int32_t folio_entire_mapcount(const struct folio *f)
{
	return folio_test_large(f) ? f[1].entire_mapcount : 0;
}

static inline bool folio_mapped(const struct folio *f)
{
	return folio_mapcount(f) > 0;
}

/* Linux folio_maybe_dma_pinned() */
static inline bool folio_maybe_dma_pinned(const struct folio *f)
{
	return f->pincount > 0;
}

/*
 * Linux folio_likely_mapped_shared() (6.10): a small folio is shared when
 * mapped more than once; a large one when PMD-mapped more than once or when its
 * first page is mapped more than once. A guess, as in the kernel.
 */
static inline bool folio_likely_mapped_shared(const struct folio *f)
{
	if (!folio_test_large(f))
		return f->mapcount > 1;
	if (folio_entire_mapcount(f) > 0)
		return folio_entire_mapcount(f) > 1 || f[1].large_mapcount > f[1].entire_mapcount;
	return f->mapcount > 1;
}

static inline int32_t folio_ref_count(const struct folio *f)
{
	return f->refcount;
}

static inline void folio_get(struct folio *f)
{
	VM_BUG_ON(f->refcount <= 0);
	f->refcount++;
}

#endif
