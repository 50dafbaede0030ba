/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/tlb.h - per-CPU TLBs: split L1 (4 KiB and 2 MiB) and a unified
 * second-level TLB, set-associative, tagged by address space (PCID-like).
 *
 * An entry caches (address space, virtual page) -> (frame, node, writable).
 * `writable` means writable and dirty, as a hardware TLB caches it: the first
 * write to a clean page walks again to set the dirty bit.
 *
 * APPROX: round-robin replacement per set instead of true LRU.
 *
 * Invariant (audited, SIM_DEBUG_VM >= 3): every valid entry that is not
 * `skipped` matches the current page table of its address space (or belongs
 * to an ASID behind its tlb_gen, or to a migrc/LUF pending source).
 *
 * numasim.debug_skip_flush does not drop the entries a flush would drop: it
 * marks them `skipped` (tlb_mark_skipped()) and leaves them where they are,
 * so the TLB holds exactly what it would without the flush; nr_skipped
 * counts such entries until they are evicted, replaced or flushed.
 */
#ifndef NUMASIM_CPU_TLB_H
#define NUMASIM_CPU_TLB_H

#include "core/compiler.h"
#include "machine/machine.h"

#define TLB_KEY_INVALID UINT64_MAX
#define TLB_KEY_HUGE (1ull << 63)

struct tlb_entry {
	uint64_t key;		/* tlb_key() / tlb_key_huge(), TLB_KEY_INVALID if empty */
	uint64_t pfn : 40;	/* base frame (4 KiB) or PMD frame (2 MiB) */
	uint64_t nid : 8;
	uint64_t writable : 1;
	uint64_t skipped : 1;	/* a flush skipped by numasim.debug_skip_flush left it */
	uint64_t unused : 14;
};

struct tlb_array {
	struct tlb_entry *e;	/* sets * ways */
	uint16_t *victim;	/* per set: next way to replace */
	uint32_t sets, ways;
};

struct tlb {
	struct tlb_array l1_4k, l1_2m, l2;
	/* bumped whenever a valid L2 entry is replaced or invalidated: while it
	 * stands still, every translation in L2 stays there (sweep warmth) */
	uint64_t l2_changes;
	uint32_t nr_skipped;	/* entries (of all levels) with `skipped` set */
};

static inline uint64_t tlb_key(uint32_t mm_id, uint64_t vaddr)
{
	return ((uint64_t)mm_id << 36) | (vaddr >> 12);
}

static inline uint64_t tlb_key_huge(uint32_t mm_id, uint64_t vaddr)
{
	return TLB_KEY_HUGE | ((uint64_t)mm_id << 36) | (vaddr >> 21);
}

int tlb_init(struct tlb *t, const struct tlb_geometry *g);
void tlb_destroy(struct tlb *t);

static inline struct tlb_entry *tlb_array_find(struct tlb_array *a, uint64_t key)
{
	struct tlb_entry *set = &a->e[(key & (a->sets - 1)) * a->ways];
	for (uint32_t w = 0; w < a->ways; w++)
		if (set[w].key == key)
			return &set[w];
	return NULL;
}

/* Look up a 4 KiB and then a 2 MiB translation of @vaddr. On an L2 hit the
 * entry is refilled into L1. Return NULL on a miss. */
struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t mm_id, uint64_t vaddr, bool *huge);
/* Look up only the 2 MiB translation of @vaddr (the caller knows the mapping
 * is a PMD). Return NULL on a miss. */
struct tlb_entry *tlb_lookup_huge(struct tlb *t, uint32_t mm_id, uint64_t vaddr);
void tlb_insert(struct tlb *t, uint64_t key, uint64_t pfn, uint32_t nid, bool writable, bool huge);

/* Invalidate one page's translations (4 KiB, and the 2 MiB one covering it). */
void tlb_flush_one(struct tlb *t, uint32_t mm_id, uint64_t vaddr);
/* Invalidate every translation of one address space. */
void tlb_flush_mm(struct tlb *t, uint32_t mm_id);
void tlb_flush_all(struct tlb *t);

/* Of the entries tlb_flush_one() (per @stride page of [start, end)), or with
 * @full tlb_flush_mm(), would drop, mark `skipped` those for which @stale
 * says so; return how many were marked. */
uint32_t tlb_mark_skipped(struct tlb *t, uint32_t mm_id, uint64_t start, uint64_t end,
			  uint64_t stride, bool full,
			  bool (*stale)(const struct tlb_entry *e, bool huge, void *arg), void *arg);

/* Call @fn for every valid entry (audits and the oracle's tests). */
void tlb_for_each(struct tlb *t, void (*fn)(struct tlb_entry *e, bool huge, void *arg), void *arg);

#endif
