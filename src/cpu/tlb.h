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
 * Each way also has an 8-bit tag, a hash of its key (0: empty), kept in a
 * row of bytes per set: a probe compares the row eight tags at a time and
 * reads full keys only where a tag matches. The tags are a host-side
 * shortcut and change no result: a key is found exactly when it is there.
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

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/compiler.h"
#include "core/debug.h"
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
	struct tlb_entry *e;	/* sets * ways, then the tags (tlb_tags()) */
	uint16_t *victim;	/* per set: next way to replace */
	uint32_t sets, ways;
};

/* Bytes of tags per set: the ways rounded up to a multiple of 8. */
static inline uint32_t tlb_tag_stride(const struct tlb_array *a)
{
	return (a->ways + 7) & ~7u;
}

/* sets * tlb_tag_stride() bytes after the entries: tlb_tag() of each way's
 * key, 0 where the way is empty. */
static inline uint8_t *tlb_tags(const struct tlb_array *a)
{
	return (uint8_t *)(a->e + (size_t)a->sets * a->ways);
}

struct tlb {
	struct tlb_array l1_4k, l1_2m, l2;
	/* bumped whenever a valid L2 entry is replaced or invalidated: while it
	 * stands still, every translation in L2 stays there (sweep warmth) */
	uint64_t l2_changes;
	uint32_t nr_skipped;	/* entries (of all levels) with `skipped` set */
	/* valid 2 MiB entries in l1_2m and l2: while 0, a lookup need not
	 * probe for a 2 MiB translation */
	uint32_t nr_huge;
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

/* The tag of a valid @key: its top byte after a multiplicative hash, never 0. */
static inline uint8_t tlb_tag(uint64_t key)
{
	uint8_t t = (uint8_t)((key * 0x9e3779b97f4a7c15ull) >> 56);
	return (uint8_t)(t + (t == 0));
}

#define TLB_BYTES_7F 0x7f7f7f7f7f7f7f7full

/* The high bit of each byte of @tags equal to the corresponding byte of
 * @pat, and no other bit: (x & 0x7f..) + 0x7f.. sets a byte's high bit
 * iff its low seven bits are not all zero, so a byte is zero exactly where
 * neither that sum nor x itself has the high bit. */
static inline uint64_t tlb_tag_match(uint64_t tags, uint64_t pat)
{
	const uint64_t x = tags ^ pat;
	return ~(((x & TLB_BYTES_7F) + TLB_BYTES_7F) | x | TLB_BYTES_7F);
}

/* @key's tag in every byte, for tlb_array_way_pat(). */
static inline uint64_t tlb_tag_pattern(uint64_t key)
{
	return tlb_tag(key) * 0x0101010101010101ull;
}

/* A bit per way of the @n <= 16 tags at @tags equal to the byte of @pat:
 * one SSE2 compare where there is SSE2 (every x86-64), else eight at a
 * time. May read up to 16 bytes from @tags (tlb_array_init() pads). */
static inline uint32_t tlb_tag_mask16(const uint8_t *tags, uint64_t pat, uint32_t n)
{
	const uint32_t keep = n >= 16 ? 0xffffu : 0xffffu >> (16 - n);
#ifdef __SSE2__
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)tags);
	__m128i p = _mm_set1_epi8((char)(uint8_t)pat);
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, p)) & keep;
#else
	uint64_t lo, hi;
	memcpy(&lo, tags, 8);
	memcpy(&hi, tags + 8, 8);
	uint64_t ml = tlb_tag_match(lo, pat), mh = tlb_tag_match(hi, pat);
	uint32_t m = 0;
	for (uint32_t i = 0; i < 8; i++)
		m |= (uint32_t)((ml >> (8 * i + 7)) & 1) << i | (uint32_t)((mh >> (8 * i + 7)) & 1) << (i + 8);
	return m & keep;
#endif
}

/*
 * The way of set @set holding @key (@pat: its tlb_tag_pattern()), or -1:
 * sixteen tags at a time, full keys read only where a tag matches. The
 * padding after the last way has tag 0, which no key has. The fields are
 * read once: a store through a byte pointer could alias them.
 */
static inline int tlb_array_way_pat(const struct tlb_array *a, uint32_t set, uint64_t key,
				    uint64_t pat)
{
	const struct tlb_entry *ents = a->e;
	const uint32_t ways = a->ways;
	const uint8_t *tags = (const uint8_t *)(ents + (size_t)a->sets * ways) +
			      (size_t)set * ((ways + 7) & ~7u);
	const struct tlb_entry *row = ents + (size_t)set * ways;
	if (likely(ways <= 16)) {	/* every preset: one compare */
		for (uint32_t m = tlb_tag_mask16(tags, pat, ways); m; m &= m - 1) {
			uint32_t w = (uint32_t)__builtin_ctz(m);
			if (row[w].key == key)
				return (int)w;
		}
		return -1;
	}
	uint32_t w0 = 0;
	do {
		for (uint32_t m = tlb_tag_mask16(tags + w0, pat, ways - w0); m; m &= m - 1) {
			uint32_t w = w0 + (uint32_t)__builtin_ctz(m);
			if (row[w].key == key)
				return (int)w;
		}
		w0 += 16;
	} while (w0 < ways);
	return -1;
}

static inline int tlb_array_way(const struct tlb_array *a, uint32_t set, uint64_t key)
{
	return tlb_array_way_pat(a, set, key, tlb_tag_pattern(key));
}

static inline struct tlb_entry *tlb_array_find(struct tlb_array *a, uint64_t key)
{
	uint32_t set = (uint32_t)(key & (a->sets - 1));
	int w = tlb_array_way(a, set, key);
	return w < 0 ? NULL : &a->e[(size_t)set * a->ways + (uint32_t)w];
}

/* A hint for a lookup of @vaddr soon: fetch the L2 tag rows it probes and
 * the entry a 4 KiB miss would replace into the host cache. */
static sim_always_inline void tlb_prefetch(const struct tlb *t, uint32_t mm_id, uint64_t vaddr)
{
	const struct tlb_array *a = &t->l2;
	uint32_t s4 = (uint32_t)(tlb_key(mm_id, vaddr) & (a->sets - 1));
	uint32_t s2 = (uint32_t)(tlb_key_huge(mm_id, vaddr) & (a->sets - 1));
	__builtin_prefetch(tlb_tags(a) + (size_t)s4 * tlb_tag_stride(a));
	__builtin_prefetch(tlb_tags(a) + (size_t)s2 * tlb_tag_stride(a));
	__builtin_prefetch(&a->e[(size_t)s4 * a->ways + a->victim[s4]], 1);
}

/* Look up a 4 KiB and then a 2 MiB translation of @vaddr. On an L2 hit the
 * entry is refilled into L1. Return NULL on a miss. */
struct tlb_entry *tlb_lookup(struct tlb *t, uint32_t mm_id, uint64_t vaddr, bool *huge);
/* L2 entry @e was hit: refill it into the L1 array of its size; return the copy there. */
struct tlb_entry *tlb_refill_l1(struct tlb *t, struct tlb_entry *e, bool huge);

/* tlb_lookup(), inline for the translation path: the same probes in the
 * same order (L1 4 KiB, L1 2 MiB, L2 4 KiB, L2 2 MiB), the 2 MiB ones only
 * while the TLB holds a 2 MiB entry; each key's tag computed once. */
static inline struct tlb_entry *tlb_lookup_fast(struct tlb *t, uint32_t mm_id, uint64_t vaddr,
						bool *huge)
{
	const uint64_t k4 = tlb_key(mm_id, vaddr), p4 = tlb_tag_pattern(k4);
	struct tlb_array *l1 = &t->l1_4k, *l2 = &t->l2;
	*huge = false;
	uint32_t set = (uint32_t)(k4 & (l1->sets - 1));
	int w = tlb_array_way_pat(l1, set, k4, p4);
	if (w >= 0)
		return &l1->e[(size_t)set * l1->ways + (uint32_t)w];
	const bool any_huge = t->nr_huge != 0;
	const uint64_t k2 = tlb_key_huge(mm_id, vaddr), p2 = any_huge ? tlb_tag_pattern(k2) : 0;
	if (any_huge) {
		struct tlb_array *h1 = &t->l1_2m;
		set = (uint32_t)(k2 & (h1->sets - 1));
		w = tlb_array_way_pat(h1, set, k2, p2);
		if (w >= 0) {
			*huge = true;
			return &h1->e[(size_t)set * h1->ways + (uint32_t)w];
		}
	}
	set = (uint32_t)(k4 & (l2->sets - 1));
	w = tlb_array_way_pat(l2, set, k4, p4);
	if (w >= 0)
		return tlb_refill_l1(t, &l2->e[(size_t)set * l2->ways + (uint32_t)w], false);
	if (!any_huge)
		return NULL;
	set = (uint32_t)(k2 & (l2->sets - 1));
	w = tlb_array_way_pat(l2, set, k2, p2);
	if (w < 0)
		return NULL;
	*huge = true;
	return tlb_refill_l1(t, &l2->e[(size_t)set * l2->ways + (uint32_t)w], true);
}

/* Look up only the 2 MiB translation of @vaddr (the caller knows the mapping
 * is a PMD). Return NULL on a miss. */
struct tlb_entry *tlb_lookup_huge(struct tlb *t, uint32_t mm_id, uint64_t vaddr);
void tlb_insert(struct tlb *t, uint64_t key, uint64_t pfn, uint32_t nid, bool writable, bool huge);

/* ---- insertion, inline for the translation's miss path ---- */

static inline bool tlb_key_is_huge(uint64_t key)
{
	return key != TLB_KEY_INVALID && (key & TLB_KEY_HUGE);
}

/* An entry of key @old becomes one of key @new: keep the count of 2 MiB ones. */
static inline void tlb_huge_replaced(struct tlb *t, uint64_t old, uint64_t new)
{
	t->nr_huge = t->nr_huge - tlb_key_is_huge(old) + tlb_key_is_huge(new);
}

/* @old in @t is overwritten by @new (either may be empty): keep the count
 * of skipped entries, which are only there under numasim.debug_skip_flush. */
static inline void tlb_skipped_replaced(struct tlb *t, const struct tlb_entry *old,
					const struct tlb_entry *new)
{
	if (unlikely(t->nr_skipped))
		t->nr_skipped = t->nr_skipped - (old->key != TLB_KEY_INVALID && old->skipped) +
				new->skipped;
}

/* Put @src (tag @tag), whose key @a does not hold, in the set's next victim
 * way; return whether a valid entry was evicted. */
static inline bool tlb_array_put_absent(struct tlb *t, struct tlb_array *a,
					const struct tlb_entry *src, uint8_t tag)
{
	struct tlb_entry *ents = a->e;
	const uint32_t sets = a->sets, ways = a->ways;
	const uint32_t set = (uint32_t)(src->key & (sets - 1));
	uint16_t *victim = &a->victim[set];
	const uint32_t w = *victim;
	*victim = (uint16_t)(w + 1 == ways ? 0 : w + 1);
	struct tlb_entry *e = &ents[(size_t)set * ways + w];
	const uint64_t old = e->key;
	tlb_skipped_replaced(t, e, src);
	tlb_huge_replaced(t, old, src->key);
	*e = *src;
	((uint8_t *)(ents + (size_t)sets * ways))[(size_t)set * ((ways + 7) & ~7u) + w] = tag;
	return old != TLB_KEY_INVALID;
}

/* tlb_insert() of a key neither the L1 array of its size nor the L2 holds
 * (a lookup just missed it and nothing changed the TLB since): the same
 * result, without searching the sets for it. */
static inline void tlb_insert_absent(struct tlb *t, uint64_t key, uint64_t pfn, uint32_t nid,
				     bool writable, bool huge)
{
	const struct tlb_entry e = { .key = key, .pfn = pfn, .nid = nid, .writable = writable };
	const uint8_t tag = tlb_tag(key);
	VM_BUG_ON(tlb_array_find(huge ? &t->l1_2m : &t->l1_4k, key) || tlb_array_find(&t->l2, key));
	tlb_array_put_absent(t, huge ? &t->l1_2m : &t->l1_4k, &e, tag);
	t->l2_changes += tlb_array_put_absent(t, &t->l2, &e, tag);
}

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

/* Validator: the tags and the count of 2 MiB entries (sim_audit). */
void tlb_check(const struct tlb *t);

/* Call @fn for every valid entry (audits and the oracle's tests). */
void tlb_for_each(struct tlb *t, void (*fn)(struct tlb_entry *e, bool huge, void *arg), void *arg);

#endif
