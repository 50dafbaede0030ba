// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_fault.c - the anonymous page-fault path (fault/memory.c,
 * fault/huge_memory.c), its folio allocation by memory policy
 * (mem/mempolicy.c) and the address-space calls around it (mem/mm.c).
 *
 * Semantics are Linux's (reference linux-mm.md §2.2-2.4):
 *   - thp_vma_allowable_orders(): always | madvise+VM_HUGEPAGE | inherit with
 *     the top-level setting; VM_NOHUGEPAGE gives nothing; orders 0 and 1 never;
 *   - alloc_anon_folio(): the largest allowed order below the PMD order whose
 *     aligned block lies in the VMA and is wholly pte_none; each order whose
 *     allocation fails counts anon_fault_fallback; order 0 last;
 *   - PMD THPs at 2 MiB-aligned write faults, the huge zero page on reads;
 *   - alloc_pages_mpol() + zone_statistics() for the node and numastat.
 *
 * Each test builds a simulation whose workload only mmaps (and madvises or
 * mbinds), runs it, then calls handle_mm_fault() itself as the (exited) main
 * task and looks at the page tables, folios and counters.
 */
#include "testlib.h"

#include "cpu/access.h"
#include "cpu/tlbflush.h"

#define PG PAGE_SIZE

static const char *const only_64k[] = {
	"transparent_hugepage.enabled=never",
	"transparent_hugepage.hugepages-2048kB.enabled=never",
	"transparent_hugepage.hugepages-64kB.enabled=always",
	NULL,
};

static const char *const thp_never[] = {
	"transparent_hugepage.enabled=never",
	NULL,
};

/* Snapshot of every counter, to compare deltas. */
struct snap {
	struct vmstat vs;
};

static void take(struct tl_env *e, struct snap *sn)
{
	sn->vs = e->s->vs;
}

static uint64_t dev(struct tl_env *e, const struct snap *sn, enum vm_event_item i)
{
	return e->s->vs.event[i] - sn->vs.event[i];
}

static uint64_t dmthp(struct tl_env *e, const struct snap *sn, uint32_t order,
		      enum mthp_stat_item i)
{
	return e->s->vs.mthp[order][i] - sn->vs.mthp[order][i];
}

static uint64_t dnuma(struct tl_env *e, const struct snap *sn, uint32_t nid,
		      enum numa_stat_item i)
{
	return e->s->vs.numa[nid][i] - sn->vs.numa[nid][i];
}

/*
 * The folio of @order mapped by PTEs over the aligned block around @addr:
 * naturally aligned frames, in order, writable and dirty, one mapping and one
 * reference per page, on node @nid. Return its head.
 */
static struct folio *expect_pte_folio(struct tl_env *e, uint64_t addr, uint32_t order,
				      uint32_t nid)
{
	const uint64_t nr = 1ull << order;
	const uint64_t block = ALIGN_DOWN(addr, PG << order);
	pte_t first = tl_pte(e, block);

	if (!pte_present(first))
		fail_msg("no PTE at 0x%llx (block of order %u around 0x%llx)",
			 (unsigned long long)block, order, (unsigned long long)addr);
	struct folio *f = page_folio(&e->s->pm, pte_pfn(first));
	const uint64_t head = folio_pfn(&e->s->pm, f);

	if (folio_order(f) != order)
		fail_msg("fault at 0x%llx: folio of order %u, expected order %u",
			 (unsigned long long)addr, folio_order(f), order);
	assert_int_equal(pte_pfn(first), head);
	assert_true(IS_ALIGNED(head - e->s->pm.node[folio_nid(f)].node_start_pfn, nr));
	assert_int_equal(folio_nid(f), nid);
	assert_true(folio_test(f, PG_head));
	assert_true(folio_test(f, PG_anon));
	assert_true(folio_test(f, PG_anon_exclusive));
	assert_int_equal(folio_ref_count(f), nr);
	assert_int_equal(folio_mapcount(f), nr);
	assert_int_equal(folio_entire_mapcount(f), 0);
	for (uint64_t i = 0; i < nr; i++) {
		pte_t p = tl_pte(e, block + i * PG);

		assert_true(pte_valid(p));
		assert_true(pte_write(p));
		assert_true(pte_dirty(p));
		assert_false(pte_special(p));
		assert_int_equal(pte_pfn(p), head + i);
		assert_int_equal(f[i].mapcount, 1);
		assert_int_equal(f[i].nid, nid);
	}
	/* rmap index: the linear page index of the block */
	struct vm_area_struct *v = find_vma(tl_mm(e), block);
	assert_non_null(v);
	assert_int_equal(f->index, v->vm_pgoff + ((block - v->vm_start) >> PAGE_SHIFT));
	return f;
}

/* Write fault at @addr from node @nid; return the order of the folio mapped there. */
static uint32_t write_fault_order(struct tl_env *e, uint32_t nid, uint64_t addr)
{
	tl_fault(e, nid, addr, true);
	return folio_order(tl_folio_at(e, addr));
}

static void audit(struct tl_env *e)
{
	sim_audit(e->s);	/* whole-system checks; no-op checks in release builds */
}

/* ---- mTHP order choice (§2.3) ---- */

static void test_mthp_64k_order4(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", only_64k);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	assert_true(IS_ALIGNED(base, PMD_SIZE));	/* large mappings start PMD-aligned */

	take(&e, &sn);
	tl_fault(&e, 0, base + 5 * PG + 100, true);
	struct folio *f = expect_pte_folio(&e, base + 5 * PG, 4, 0);
	assert_int_equal(folio_pfn(&e.s->pm, f) % 16, 0);
	assert_true(pte_none(tl_pte(&e, base + 64 * KiB)));	/* only the 64K block */
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_ALLOC), 1);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 0);
	assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_NR_ANON], 1);
	assert_int_equal(dev(&e, &sn, PGFAULT), 1);
	assert_int_equal(dev(&e, &sn, PGALLOC), 16);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_FALLBACK), 0);
	assert_int_equal(tl_mm(&e)->rss_node[0], 16);
	assert_int_equal(tl_mm(&e)->rss_node[1], 0);

	/* a second block, faulted at its last page, from node 1 */
	tl_fault(&e, 1, base + 3 * 64 * KiB + 15 * PG, true);
	expect_pte_folio(&e, base + 3 * 64 * KiB, 4, 1);
	assert_true(pte_none(tl_pte(&e, base + 2 * 64 * KiB + 15 * PG)));
	assert_true(pte_none(tl_pte(&e, base + 4 * 64 * KiB)));
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_ALLOC), 2);
	assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_NR_ANON], 2);
	assert_int_equal(tl_mm(&e)->rss_node[1], 16);
	/* a fault on a populated page is spurious: nothing new */
	take(&e, &sn);
	tl_fault(&e, 0, base + 7 * PG, true);
	assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_ALLOC), 0);
	audit(&e);
	tl_env_free(&e);
}

/* Blocks that would cross vm_start or vm_end fall back to smaller orders. */
static void test_mthp_vma_edges(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-16kB.enabled=always",
		"transparent_hugepage.hugepages-64kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r0 = tl_mmap(&e, 48 * KiB);
	uint32_t r1 = tl_mmap(&e, 128 * KiB);
	uint32_t r2 = tl_mmap(&e, 48 * KiB);
	tl_start(&e, 1);
	const uint64_t a0 = tl_addr(&e, r0), a1 = tl_addr(&e, r1), a2 = tl_addr(&e, r2);

	/* the layout this test relies on */
	assert_true(IS_ALIGNED(a0, 64 * KiB));
	assert_true(IS_ALIGNED(a1, 16 * KiB) && !IS_ALIGNED(a1, 64 * KiB));
	const uint64_t b1 = ALIGN_DOWN(a1, 64 * KiB);	/* 64K block crossing vm_start */

	/* a 48 KiB VMA: the 64 KiB block crosses vm_end; 16 KiB blocks fit */
	assert_int_equal(write_fault_order(&e, 0, a0), 2);
	expect_pte_folio(&e, a0, 2, 0);
	assert_int_equal(write_fault_order(&e, 0, a0 + 36 * KiB), 2);
	expect_pte_folio(&e, a0 + 32 * KiB, 2, 0);

	/* r1: the first 64K block crosses vm_start, the last one vm_end */
	assert_int_equal(write_fault_order(&e, 0, a1 + 4 * KiB), 2);
	assert_int_equal(write_fault_order(&e, 0, b1 + 64 * KiB + 8 * KiB), 4);
	expect_pte_folio(&e, b1 + 64 * KiB, 4, 0);
	const uint64_t end1 = a1 + 128 * KiB;
	assert_int_equal(write_fault_order(&e, 0, end1 - 4 * KiB), 2);
	expect_pte_folio(&e, end1 - 16 * KiB, 2, 0);

	/* with only 64K enabled, an edge block gets order 0 */
	e.s->tun.v[T_THP_16K] = THP_SIZE_NEVER;
	assert_int_equal(write_fault_order(&e, 0, a2 + 20 * KiB), 0);
	assert_true(pte_none(tl_pte(&e, a2 + 16 * KiB)));
	assert_true(pte_none(tl_pte(&e, a2 + 24 * KiB)));
	assert_int_equal(write_fault_order(&e, 0, a2 + 4 * KiB), 0);	/* crosses vm_start */
	assert_int_equal(e.s->vs.mthp[2][MTHP_STAT_ANON_FAULT_FALLBACK], 0);
	assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_ANON_FAULT_FALLBACK], 0);
	audit(&e);
	tl_env_free(&e);
}

/* A block with any populated entry is not used; the next smaller one may be. */
static void test_mthp_partly_populated(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	const char *const sets[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-16kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	take(&e, &sn);
	assert_int_equal(write_fault_order(&e, 0, base + 16 * KiB), 2);
	/* now enable 64K: the block [0, 64K) holds a 16K folio already */
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	assert_int_equal(write_fault_order(&e, 0, base + 4 * KiB), 2);
	expect_pte_folio(&e, base, 2, 0);
	assert_int_equal(write_fault_order(&e, 0, base + 40 * KiB), 2);
	/* an untouched block gets 64K */
	assert_int_equal(write_fault_order(&e, 0, base + 64 * KiB), 4);
	/* a zero-page PTE also counts as populated, for both sizes */
	tl_fault(&e, 0, base + 128 * KiB, false);
	assert_true(pte_special(tl_pte(&e, base + 128 * KiB)));
	assert_int_equal(write_fault_order(&e, 0, base + 132 * KiB), 0);
	/* a 16K block next to it, inside the same 64K block, is still empty */
	assert_int_equal(write_fault_order(&e, 0, base + 144 * KiB), 2);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_ALLOC), 1);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_ALLOC), 4);
	/* skipping a populated block is not an allocation failure */
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 0);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_FALLBACK), 0);
	audit(&e);
	tl_env_free(&e);
}

static void test_mthp_largest_fitting(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-16kB.enabled=always",
		"transparent_hugepage.hugepages-32kB.enabled=always",
		"transparent_hugepage.hugepages-64kB.enabled=always",
		"transparent_hugepage.hugepages-128kB.enabled=always",
		"transparent_hugepage.hugepages-256kB.enabled=always",
		"transparent_hugepage.hugepages-512kB.enabled=always",
		"transparent_hugepage.hugepages-1024kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r0 = tl_mmap(&e, 1536 * KiB);
	uint32_t r1 = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t a0 = tl_addr(&e, r0), a1 = tl_addr(&e, r1);

	assert_true(IS_ALIGNED(a0, MiB));
	assert_int_equal(write_fault_order(&e, 0, a0 + 4 * KiB), 8);
	expect_pte_folio(&e, a0, 8, 0);
	/* [1M, 1.5M): the 1M block crosses vm_end, 512K fits */
	assert_int_equal(write_fault_order(&e, 0, a0 + MiB + 100 * KiB), 7);
	expect_pte_folio(&e, a0 + MiB, 7, 0);
	/* never the PMD order from here (it is never), and never above it */
	assert_int_equal(write_fault_order(&e, 0, a1 + 2 * MiB + 4 * KiB), 8);
	assert_int_equal(write_fault_order(&e, 0, a1 + 3 * MiB + 4 * KiB), 8);
	/* the 1M block [2M,3M) and [3M,4M) are full; [0,1M) is empty */
	assert_int_equal(write_fault_order(&e, 0, a1 + 512 * KiB), 8);
	audit(&e);
	tl_env_free(&e);
}

/* `madvise` per-size mode: only in MADV_HUGEPAGE ranges. */
static void test_mthp_madvise_mode(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-64kB.enabled=madvise",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r0 = tl_mmap(&e, 4 * MiB);
	uint32_t r1 = tl_mmap(&e, 4 * MiB);
	uint32_t r2 = tl_mmap(&e, 4 * MiB);
	tl_madvise(&e, e.prog, r1, 0, 4 * MiB, MM_MADV_HUGEPAGE);
	tl_madvise(&e, e.prog, r2, MiB, MiB, MM_MADV_HUGEPAGE);	/* part of r2 */
	tl_start(&e, 1);
	const uint64_t a0 = tl_addr(&e, r0), a1 = tl_addr(&e, r1), a2 = tl_addr(&e, r2);

	assert_true(find_vma(tl_mm(&e), a1)->vm_flags & VM_HUGEPAGE);
	assert_false(find_vma(tl_mm(&e), a0)->vm_flags & VM_HUGEPAGE);
	assert_int_equal(write_fault_order(&e, 0, a0), 0);
	assert_int_equal(write_fault_order(&e, 0, a1), 4);
	assert_int_equal(write_fault_order(&e, 0, a2), 0);
	assert_int_equal(write_fault_order(&e, 0, a2 + MiB + 64 * KiB), 4);
	assert_int_equal(write_fault_order(&e, 0, a2 + 2 * MiB), 0);
	/* the madvised part is its own VMA now */
	struct vm_area_struct *v = find_vma(tl_mm(&e), a2 + MiB);
	assert_int_equal(v->vm_start, a2 + MiB);
	assert_int_equal(v->vm_end, a2 + 2 * MiB);
	audit(&e);
	tl_env_free(&e);
}

/* `inherit` follows transparent_hugepage.enabled. */
static void test_mthp_inherit(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = {
		"transparent_hugepage.enabled=always",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-64kB.enabled=inherit",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r0 = tl_mmap(&e, 4 * MiB);
	uint32_t r1 = tl_mmap(&e, 4 * MiB);
	tl_madvise(&e, e.prog, r1, 0, 4 * MiB, MM_MADV_HUGEPAGE);
	tl_start(&e, 1);
	const uint64_t a0 = tl_addr(&e, r0), a1 = tl_addr(&e, r1);

	/* always: both */
	assert_int_equal(write_fault_order(&e, 0, a0), 4);
	assert_int_equal(write_fault_order(&e, 0, a1), 4);
	/* madvise: only the madvised VMA */
	e.s->tun.v[T_THP_ENABLED] = THP_MADVISE;
	assert_int_equal(write_fault_order(&e, 0, a0 + 64 * KiB), 0);
	assert_int_equal(write_fault_order(&e, 0, a1 + 64 * KiB), 4);
	/* never: neither */
	e.s->tun.v[T_THP_ENABLED] = THP_NEVER;
	assert_int_equal(write_fault_order(&e, 0, a0 + 128 * KiB), 0);
	assert_int_equal(write_fault_order(&e, 0, a1 + 128 * KiB), 0);
	/* an explicit per-size setting does not depend on the top level */
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	assert_int_equal(write_fault_order(&e, 0, a0 + 192 * KiB), 4);
	audit(&e);
	tl_env_free(&e);
}

/* Every setting combination against the rule in reference §2.2. */
static void test_allowable_orders_table(void **state)
{
	(void)state;
	struct sim *s = calloc(1, sizeof(*s));
	const uint32_t vflags[] = { VM_READ | VM_WRITE, VM_READ | VM_WRITE | VM_HUGEPAGE,
				    VM_READ | VM_WRITE | VM_NOHUGEPAGE };
	struct rng r;

	assert_non_null(s);
	tunables_init(&s->tun);
	rng_seed(&r, 77, 0);
	for (int round = 0; round < 3000; round++) {
		uint32_t global = (uint32_t)rng_below(&r, 3);
		s->tun.v[T_THP_ENABLED] = global;
		for (uint32_t o = 2; o <= 9; o++)
			s->tun.v[T_THP_16K + (o - 2)] = rng_below(&r, 4);
		for (size_t k = 0; k < ARRAY_SIZE(vflags); k++) {
			struct vm_area_struct v = { .vm_start = 1ull << 30,
						    .vm_end = (1ull << 30) + 64 * MiB,
						    .vm_flags = vflags[k] };
			bool madv = v.vm_flags & VM_HUGEPAGE;
			uint32_t want = 0;

			for (uint32_t o = 2; o <= 9 && !(v.vm_flags & VM_NOHUGEPAGE); o++) {
				enum thp_size_mode m = thp_size_mode(&s->tun, o);
				bool inherit_ok = global == THP_ALWAYS ||
						  (global == THP_MADVISE && madv);

				if (m == THP_SIZE_ALWAYS || (m == THP_SIZE_MADVISE && madv) ||
				    (m == THP_SIZE_INHERIT && inherit_ok))
					want |= 1u << o;
			}
			uint32_t got = thp_vma_allowable_orders(s, &v);
			assert_int_equal(got, want);
			assert_int_equal(got & 3u, 0);	/* never orders 0 and 1 */
		}
	}
	/* everything on: exactly orders 2..9 */
	s->tun.v[T_THP_ENABLED] = THP_ALWAYS;
	for (uint32_t o = 2; o <= 9; o++)
		s->tun.v[T_THP_16K + (o - 2)] = THP_SIZE_ALWAYS;
	struct vm_area_struct v = { .vm_start = 0, .vm_end = PMD_SIZE, .vm_flags = VM_READ | VM_WRITE };
	assert_int_equal(thp_vma_allowable_orders(s, &v), 0x3fc);
	free(s);
}

static void test_thp_never_and_nohugepage(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	const char *const sets[] = {
		"transparent_hugepage.enabled=always",
		"transparent_hugepage.hugepages-16kB.enabled=always",
		"transparent_hugepage.hugepages-64kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r0 = tl_mmap(&e, 4 * MiB);
	uint32_t r1 = tl_mmap(&e, 8 * KiB);
	uint32_t r2 = tl_mmap(&e, 4 * MiB);
	tl_madvise(&e, e.prog, r0, 0, 4 * MiB, MM_MADV_NOHUGEPAGE);
	tl_madvise(&e, e.prog, r2, 0, 4 * MiB, MM_MADV_HUGEPAGE);
	tl_start(&e, 1);
	const uint64_t a0 = tl_addr(&e, r0), a1 = tl_addr(&e, r1), a2 = tl_addr(&e, r2);
	assert_true(find_vma(tl_mm(&e), a0)->vm_flags & VM_NOHUGEPAGE);

	take(&e, &sn);
	/* MADV_NOHUGEPAGE: order 0 even 2M-aligned with every size enabled */
	assert_int_equal(write_fault_order(&e, 0, a0), 0);
	assert_int_equal(write_fault_order(&e, 0, a0 + 2 * MiB + 4 * KiB), 0);
	assert_int_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, a0)->pmd.val, 0);
	/* an 8 KiB VMA: 16K does not fit, and order 1 is never used */
	assert_int_equal(write_fault_order(&e, 0, a1), 0);
	assert_int_equal(write_fault_order(&e, 0, a1 + 4 * KiB), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_FALLBACK), 0);	/* never attempted */
	for (uint32_t o = 2; o <= PMD_ORDER; o++) {
		assert_int_equal(dmthp(&e, &sn, o, MTHP_STAT_ANON_FAULT_ALLOC), 0);
		assert_int_equal(dmthp(&e, &sn, o, MTHP_STAT_ANON_FAULT_FALLBACK), 0);
	}
	assert_int_equal(dev(&e, &sn, PGFAULT), 4);
	assert_int_equal(dev(&e, &sn, PGALLOC), 4);

	/* `never` for every size (PMD inherit + top-level never): order 0 */
	e.s->tun.v[T_THP_ENABLED] = THP_NEVER;
	e.s->tun.v[T_THP_16K] = THP_SIZE_NEVER;
	e.s->tun.v[T_THP_64K] = THP_SIZE_NEVER;
	/* MADV_HUGEPAGE with 2048kB=inherit and top-level never: no THP either */
	assert_int_equal(write_fault_order(&e, 0, a2), 0);
	assert_int_equal(write_fault_order(&e, 0, a2 + 2 * MiB + 64 * KiB), 0);
	assert_int_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, a2)->pmd.val, 0);
	/* MADV_HUGEPAGE clears VM_NOHUGEPAGE */
	int rc = sys_madvise(e.s, tl_cpu(&e, 0), tl_mm(&e), a0, 4 * MiB, MM_MADV_HUGEPAGE);
	assert_int_equal(rc, 0);
	assert_int_equal(find_vma(tl_mm(&e), a0)->vm_flags & (VM_HUGEPAGE | VM_NOHUGEPAGE),
			 VM_HUGEPAGE);
	e.s->tun.v[T_THP_64K] = THP_SIZE_MADVISE;
	assert_int_equal(write_fault_order(&e, 0, a0 + 1024 * KiB), 4);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	audit(&e);
	tl_env_free(&e);
}

/* ---- allocation failure and node fallback (tiered-16cpu: 1 GiB node 0) ---- */

/*
 * Allocate every order-0 page of @nid the min watermark allows, then free the
 * odd pfns: no free block above order 0 remains. The even pfns stay in @h.
 */
static void fragment_node(struct tl_env *e, uint32_t nid, struct tl_held *h)
{
	struct phys_mem *pm = &e->s->pm;
	struct tl_held all = { 0 };
	uint64_t pfn, wmark[NR_WMARK];

	/* every page, below the watermarks too: no large block may survive */
	memcpy(wmark, pm->node[nid].watermark, sizeof(wmark));
	memset(pm->node[nid].watermark, 0, sizeof(wmark));
	while ((pfn = alloc_pages_node(pm, nid, 0, WMARK_MIN)) != PFN_NONE)
		tl_hold(&all, pfn, 0);
	memcpy(pm->node[nid].watermark, wmark, sizeof(wmark));
	assert_int_equal(node_free_pages(pm, nid), 0);
	assert_true(all.nr > 1000);
	for (size_t i = 0; i < all.nr; i++) {
		if (all.pfn[i] & 1)
			tl_put_page(pm, all.pfn[i]);
		else
			tl_hold(h, all.pfn[i], 0);
	}
	tl_held_free(&all);
	for (uint32_t o = 1; o <= MAX_PAGE_ORDER; o++)
		assert_int_equal(node_free_blocks(pm, nid, o), 0);
	assert_true(node_free_pages(pm, nid) > 1000);
}

static void release_held(struct tl_env *e, struct tl_held *h)
{
	for (size_t i = 0; i < h->nr; i++)
		if (h->pfn[i] != PFN_NONE)
			tl_put_page(&e->s->pm, h->pfn[i]);
	tl_held_free(h);
}

static bool held_contains(const struct tl_held *h, uint64_t pfn)
{
	for (size_t i = 0; i < h->nr; i++)
		if (h->pfn[i] == pfn)
			return true;
	return false;
}

static void drop_held(struct tl_env *e, struct tl_held *h, uint64_t pfn)
{
	for (size_t i = 0; i < h->nr; i++)
		if (h->pfn[i] == pfn) {
			tl_put_page(&e->s->pm, pfn);
			h->pfn[i] = PFN_NONE;
			return;
		}
	fail_msg("pfn %llu not held", (unsigned long long)pfn);
}

static void test_mthp_alloc_failure_fallback(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };
	const char *const sets[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-16kB.enabled=always",
		"transparent_hugepage.hugepages-64kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "tiered-16cpu", sets);
	wl_add_policy(&e.wl, e.prog, MPOL_BIND, 1ull << 0);	/* node 0 only */
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	assert_int_equal(e.s->tasks[0]->pol.mode, MPOL_BIND);

	fragment_node(&e, 0, &h);
	take(&e, &sn);
	/* 64K fails, 16K fails, a base page is found */
	assert_int_equal(write_fault_order(&e, 0, base), 0);
	assert_int_equal(folio_nid(tl_folio_at(&e, base)), 0);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_ALLOC), 0);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_ALLOC), 0);
	assert_int_equal(dmthp(&e, &sn, 3, MTHP_STAT_ANON_FAULT_FALLBACK), 0);	/* not enabled */
	assert_int_equal(dev(&e, &sn, PGFAULT), 1);
	assert_int_equal(dev(&e, &sn, PGALLOC), 1);
	assert_int_equal(dev(&e, &sn, THP_FAULT_FALLBACK), 0);	/* PMD-size only */

	/* make one order-2 block: free the two held pages of an aligned quad */
	uint64_t quad = PFN_NONE;
	for (size_t i = 0; i < h.nr && quad == PFN_NONE; i++) {
		uint64_t p = h.pfn[i];
		if (p % 4 == 0 && held_contains(&h, p + 2) &&
		    folio_test(pfn_folio(&e.s->pm, p + 1), PG_buddy) &&
		    folio_test(pfn_folio(&e.s->pm, p + 3), PG_buddy))
			quad = p;
	}
	assert_true(quad != PFN_NONE);
	drop_held(&e, &h, quad);
	drop_held(&e, &h, quad + 2);
	assert_int_equal(node_free_blocks(&e.s->pm, 0, 2), 1);

	take(&e, &sn);
	assert_int_equal(write_fault_order(&e, 0, base + 64 * KiB + 20 * KiB), 2);
	struct folio *f = expect_pte_folio(&e, base + 64 * KiB + 16 * KiB, 2, 0);
	assert_int_equal(folio_pfn(&e.s->pm, f), quad);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_ALLOC), 1);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_FALLBACK), 0);

	/* nothing left at all on the only allowed node: the fault fails (OOM) */
	struct tl_held rest = { 0 };
	tl_drain_node(&e.s->pm, 0, 0, &rest);
	/* below the min watermark nothing more is handed out */
	assert_int_equal(alloc_pages_node(&e.s->pm, 0, 0, WMARK_MIN), PFN_NONE);
	take(&e, &sn);
	enum fault_result res = handle_mm_fault(e.s, tl_cpu(&e, 0), e.s->tasks[0],
						base + MiB, true);
	assert_int_equal(res, FAULT_OOM);
	assert_true(pte_none(tl_pte(&e, base + MiB)));
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(dmthp(&e, &sn, 2, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(e.s->vs.numa[1][NUMA_HIT] + e.s->vs.numa[1][NUMA_MISS], 0);
	release_held(&e, &rest);
	release_held(&e, &h);
	audit(&e);
	tl_env_free(&e);
}

/*
 * Default policy, local node fragmented: an mTHP comes from the next node of
 * the zonelist (no __GFP_THISNODE below the PMD order), a PMD THP does not
 * (alloc_pages_mpol() tries only the local node) and falls back.
 */
static void test_default_policy_fallback_nodes(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };

	tl_env_init(&e, "tiered-16cpu", NULL);
	uint32_t r = tl_mmap(&e, 8 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	fragment_node(&e, 0, &h);
	take(&e, &sn);
	/* PMD THP: only node 0 is tried; it fails; order 0 locally */
	tl_fault(&e, 0, base + 4 * KiB, true);
	assert_int_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd.val, 0);
	assert_int_equal(folio_order(tl_folio_at(&e, base + 4 * KiB)), 0);
	assert_int_equal(folio_nid(tl_folio_at(&e, base + 4 * KiB)), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_FALLBACK), 1);
	assert_int_equal(dmthp(&e, &sn, PMD_ORDER, MTHP_STAT_ANON_FAULT_FALLBACK), 1);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(tl_mm(&e)->rss_node[1], 0);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 1);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_LOCAL), 1);

	/* a 64K mTHP goes to node 1: numa_miss there, numa_foreign on node 0 */
	e.s->tun.v[T_THP_ENABLED] = THP_NEVER;
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	take(&e, &sn);
	assert_int_equal(write_fault_order(&e, 0, base + 2 * MiB), 4);
	expect_pte_folio(&e, base + 2 * MiB, 4, 1);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_ANON_FAULT_FALLBACK), 0);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_MISS), 1);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_FOREIGN), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_OTHER), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 0);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 0);
	assert_int_equal(tl_mm(&e)->rss_node[1], 16);
	release_held(&e, &h);
	audit(&e);
	tl_env_free(&e);
}

/*
 * alloc_pages_mpol(): a PMD THP under MPOL_BIND whose mask holds the local
 * node is tried on the local node only (__GFP_THISNODE), and with the default
 * defrag=madvise a VMA without MADV_HUGEPAGE has no direct reclaim, so it
 * falls back to small pages instead of taking remote memory.
 */
static void test_pmd_thp_bind_local_only(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };

	tl_env_init(&e, "tiered-16cpu", NULL);
	wl_add_policy(&e.wl, e.prog, MPOL_BIND, (1ull << 0) | (1ull << 1));
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	fragment_node(&e, 0, &h);
	take(&e, &sn);
	tl_fault(&e, 0, base, true);
	bool pmd_mapped = pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd.val != 0;
	uint64_t remote = tl_mm(&e)->rss_node[1];
	uint64_t fallback = dev(&e, &sn, THP_FAULT_FALLBACK);
	release_held(&e, &h);
	tl_env_free(&e);
	if (pmd_mapped || remote || fallback != 1)
		fail_msg("MPOL_BIND{0,1} from node 0 with node 0 fragmented: PMD THP %s, %llu "
			 "pages on node 1, thp_fault_fallback %llu; Linux tries node 0 only "
			 "and falls back to base pages (alloc_pages_mpol)",
			 pmd_mapped ? "mapped" : "not mapped", (unsigned long long)remote,
			 (unsigned long long)fallback);
}

/*
 * A PMD THP's __GFP_THISNODE | __GFP_NORETRY attempt is a whole allocation:
 * the fast path at the low watermark, then the slow path's retry at the min
 * watermark (no kswapd, no reclaim). A local node between its min and low
 * watermarks with a free 2 MiB block still gives a local THP; order 0 would
 * have gone remote at the low watermark.
 */
static void test_pmd_thp_local_down_to_min(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };

	tl_env_init(&e, "2node-128cpu", NULL);
	for (uint32_t n = 0; n < e.m.nr_nodes; n++)
		e.m.node[n].mem_bytes = 16 * GiB;
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct phys_mem *pm = &e.s->pm;
	const struct pglist_data *pg = &pm->node[0];

	tl_drain_node(pm, 0, 0, &h);
	/* give back one block of order 9 or more: node 0 is then above min + 512 */
	for (size_t i = 0; i < h.nr && node_free_pages(pm, 0) < pg->watermark[WMARK_MIN] + 512; i++)
		if (h.order[i] >= PMD_ORDER) {
			tl_put_page(pm, h.pfn[i]);
			h.pfn[i] = PFN_NONE;
		}
	assert_true(node_free_pages(pm, 0) >= pg->watermark[WMARK_MIN] + 512);
	assert_true(node_free_pages(pm, 0) < pg->watermark[WMARK_LOW]);

	take(&e, &sn);
	tl_fault(&e, 0, base, true);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	bool thp = pmd_valid(slot->pmd) && !pmd_special(slot->pmd);
	uint32_t nid = thp ? folio_nid(pfn_folio(pm, pmd_pfn(slot->pmd))) : UINT32_MAX;
	uint64_t fallback = dev(&e, &sn, THP_FAULT_FALLBACK);
	release_held(&e, &h);
	if (!thp || nid != 0 || fallback)
		fail_msg("node 0 between its min and low watermarks with a free 2 MiB block: PMD "
			 "THP %s (node %u), thp_fault_fallback %llu; Linux's __GFP_THISNODE attempt "
			 "retries at the min watermark in the slow path",
			 thp ? "mapped" : "not mapped", nid, (unsigned long long)fallback);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 1);
	assert_int_equal(tl_mm(&e)->rss_node[1], 0);
	audit(&e);
	tl_env_free(&e);
}

/*
 * Before 6.7 an anonymous mmap is not PMD-aligned (numasim.thp_mmap_align=0):
 * a 4 MiB region then starts one page past a PMD boundary, its first fault
 * cannot be a PMD THP, and only the one whole aligned PMD inside it can.
 */
static void test_thp_mmap_align_off(void **state)
{
	(void)state;
	static const char *const old[] = { "numasim.thp_mmap_align=0", NULL };
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	assert_int_equal(tl_addr(&e, r) % PMD_SIZE, 0);	/* 6.7+: aligned */
	tl_env_free(&e);

	tl_env_init(&e, "2node-128cpu", old);
	r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	assert_int_equal(base % PMD_SIZE, PAGE_SIZE);
	tl_fault(&e, 0, base, true);
	assert_int_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd.val, 0);
	const uint64_t huge = ALIGN_UP(base, PMD_SIZE);
	tl_fault(&e, 0, huge, true);
	assert_true(pmd_slot_lookup(&tl_mm(&e)->pgd, huge)->pmd.val != 0);
	tl_env_free(&e);
}

/* Kernel time of the first write fault of a fresh 4 MiB region (a PMD THP). */
static uint64_t thp_fault_kernel_ns(double clear_page_gbps)
{
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", NULL);
	e.m.cost.clear_page_gbps = clear_page_gbps;
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	struct cpu *cpu = tl_cpu(&e, 0);
	uint64_t k0 = cpu->kernel_ns;
	tl_fault(&e, 0, tl_addr(&e, r), true);
	assert_true(pmd_slot_lookup(&tl_mm(&e)->pgd, tl_addr(&e, r))->pmd.val != 0);
	uint64_t k = cpu->kernel_ns - k0;
	tl_env_free(&e);
	return k;
}

/* clear_page_gbps bounds the clearing of a new folio: 2 MiB at 0.1 GB/s is
 * 21 ms (a TCG guest's clear_huge_page); 0 streams at the node's bandwidth. */
static void test_clear_page_rate(void **state)
{
	(void)state;
	uint64_t fast = thp_fault_kernel_ns(0), slow = thp_fault_kernel_ns(0.1);
	if (fast > 200000 || slow < 2097152 / 0.1 || slow > 2097152 / 0.1 + 200000)
		fail_msg("THP fault: %llu ns streaming, %llu ns at 0.1 GB/s (want about 20971520)",
			 (unsigned long long)fast, (unsigned long long)slow);
}

/* ---- PMD THPs and the zero pages ---- */

static void test_pmd_thp_write_fault(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	uint32_t r3 = tl_mmap(&e, 3 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r), a3 = tl_addr(&e, r3);

	take(&e, &sn);
	tl_fault(&e, 0, base + 2 * MiB + 0x1234, true);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base + 2 * MiB);
	assert_non_null(slot);
	assert_null(slot->pt);
	assert_true(pmd_valid(slot->pmd));
	assert_true(pmd_write(slot->pmd));
	assert_true(pmd_dirty(slot->pmd));
	assert_false(pmd_special(slot->pmd));
	struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	assert_int_equal(folio_order(f), PMD_ORDER);
	assert_int_equal(folio_nid(f), 0);
	assert_int_equal(folio_entire_mapcount(f), 1);
	assert_int_equal(folio_mapcount(f), 1);
	assert_int_equal(folio_ref_count(f), 1);
	assert_true(folio_test(f, PG_anon_exclusive));
	assert_int_equal(f->index, (base + 2 * MiB) >> PAGE_SHIFT);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 1);
	assert_int_equal(dmthp(&e, &sn, PMD_ORDER, MTHP_STAT_ANON_FAULT_ALLOC), 1);
	assert_int_equal(e.s->vs.mthp[PMD_ORDER][MTHP_STAT_NR_ANON], 1);
	assert_int_equal(dev(&e, &sn, PGFAULT), 1);
	assert_int_equal(dev(&e, &sn, PGALLOC), 512);
	assert_int_equal(tl_mm(&e)->rss_node[0], 512);
	/* the first 2M is untouched */
	assert_int_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd.val, 0);

	/* from node 1, on node 1 */
	tl_fault(&e, 1, base, true);
	f = pfn_folio(&e.s->pm, pmd_pfn(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd));
	assert_int_equal(folio_nid(f), 1);
	assert_int_equal(tl_mm(&e)->rss_node[1], 512);

	/* a 3 MiB VMA: the second 2M block crosses vm_end, no THP is attempted */
	take(&e, &sn);
	tl_fault(&e, 0, a3 + 2 * MiB + 4 * KiB, true);
	assert_int_equal(folio_order(tl_folio_at(&e, a3 + 2 * MiB + 4 * KiB)), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_FALLBACK), 0);
	/* but the first block fits */
	tl_fault(&e, 0, a3 + 4 * KiB, true);
	assert_int_not_equal(pmd_slot_lookup(&tl_mm(&e)->pgd, a3)->pmd.val, 0);
	audit(&e);
	tl_env_free(&e);
}

static void test_huge_zero_page(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	uint32_t r2 = tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r), a2 = tl_addr(&e, r2);

	take(&e, &sn);
	tl_fault(&e, 0, base + 100, false);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	assert_true(pmd_special(slot->pmd));
	assert_true(pmd_valid(slot->pmd));
	assert_false(pmd_write(slot->pmd));
	assert_true(e.s->huge_zero_pfn != PFN_NONE);
	assert_int_equal(pmd_pfn(slot->pmd), e.s->huge_zero_pfn);
	assert_true(folio_test(pfn_folio(&e.s->pm, e.s->huge_zero_pfn), PG_zero));
	assert_int_equal(dev(&e, &sn, THP_ZERO_PAGE_ALLOC), 1);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(tl_rss(&e), 0);
	/* shared by every read fault, allocated once */
	tl_fault(&e, 1, base + 2 * MiB, false);
	tl_fault(&e, 0, a2 + 5 * PG, false);
	assert_int_equal(pmd_pfn(pmd_slot_lookup(&tl_mm(&e)->pgd, a2)->pmd), e.s->huge_zero_pfn);
	assert_int_equal(pmd_pfn(pmd_slot_lookup(&tl_mm(&e)->pgd, base + 2 * MiB)->pmd),
			 e.s->huge_zero_pfn);
	assert_int_equal(dev(&e, &sn, THP_ZERO_PAGE_ALLOC), 1);
	assert_int_equal(tl_rss(&e), 0);

	/* a write splits the PMD and copies one base page (no THP on CoW) */
	take(&e, &sn);
	tl_fault(&e, 0, base + 8 * PG + 8, true);
	assert_int_equal(dev(&e, &sn, THP_SPLIT_PMD), 1);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 0);
	assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);	/* the zero page is not CoW-copied */
	assert_int_equal(dev(&e, &sn, PGALLOC), 1);
	assert_int_equal(dev(&e, &sn, PGFAULT), 1);
	assert_int_equal(slot->pmd.val, 0);
	assert_non_null(slot->pt);
	pte_t p = tl_pte(&e, base + 8 * PG);
	assert_true(pte_valid(p) && pte_write(p) && pte_dirty(p));
	assert_false(pte_special(p));
	struct folio *f = page_folio(&e.s->pm, pte_pfn(p));
	assert_int_equal(folio_order(f), 0);
	assert_false(folio_test(f, PG_zero));
	for (uint32_t i = 0; i < PTRS_PER_PTE; i++) {
		if (i == 8)
			continue;
		pte_t z = tl_pte(&e, base + i * PG);
		assert_true(pte_valid(z));
		assert_true(pte_special(z));
		assert_false(pte_write(z));
		assert_int_equal(pte_pfn(z), e.s->zero_pfn);
	}
	assert_int_equal(slot->pt->nr_mapped, PTRS_PER_PTE);
	assert_int_equal(slot->pt->nr_wd, 1);
	assert_int_equal(tl_rss(&e), 1);
	/* the other huge zero mappings are untouched */
	assert_true(pmd_special(pmd_slot_lookup(&tl_mm(&e)->pgd, base + 2 * MiB)->pmd));
	audit(&e);
	tl_env_free(&e);
}

/*
 * MADV_DONTNEED of a range the zero pages alone map (the huge one, then the
 * small one) flushes the TLB: a later read faults again instead of going
 * through the translation just zapped. (Found by fuzz/fuzz_model.c: the zap
 * flushed only when it freed a folio, and the zero pages are none.)
 */
static void test_dontneed_zero_page_flushes(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	for (int small = 0; small < 2; small++) {
		tl_env_init(&e, "2node-128cpu", small ? thp_never : NULL);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		tl_start(&e, 1);
		const uint64_t base = tl_addr(&e, r);
		struct cpu *cpu = tl_cpu(&e, 0);

		switch_mm_irqs_off(e.s, cpu, tl_mm(&e));	/* the CPU runs the mm */
		assert_true(cpu_access(e.s, cpu, e.s->tasks[0], base + PG, ACCESS_LOAD));
		take(&e, &sn);
		assert_true(cpu_access(e.s, cpu, e.s->tasks[0], base + PG, ACCESS_LOAD));
		assert_int_equal(dev(&e, &sn, PGFAULT), 0);	/* a TLB hit */
		assert_int_equal(sys_madvise(e.s, cpu, tl_mm(&e), base, 2 * MiB, MM_MADV_DONTNEED), 0);
		take(&e, &sn);
		assert_true(cpu_access(e.s, cpu, e.s->tasks[0], base + PG, ACCESS_LOAD));
		assert_int_equal(dev(&e, &sn, PGFAULT), 1);
		assert_oracle_clean(e.s);
		audit(&e);
		tl_env_free(&e);
	}
}

static void test_no_huge_zero_page(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	const char *const sets[] = { "transparent_hugepage.use_zero_page=0", NULL };

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	take(&e, &sn);
	tl_fault(&e, 0, base, false);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	assert_true(pmd_valid(slot->pmd));
	assert_false(pmd_special(slot->pmd));
	assert_int_equal(e.s->huge_zero_pfn, PFN_NONE);
	assert_int_equal(dev(&e, &sn, THP_ZERO_PAGE_ALLOC), 0);
	assert_int_equal(dev(&e, &sn, THP_FAULT_ALLOC), 1);
	assert_int_equal(tl_mm(&e)->rss_node[0], 512);
	audit(&e);
	tl_env_free(&e);
}

static void test_small_zero_page_then_write(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	take(&e, &sn);
	tl_fault(&e, 0, base + PG, false);
	pte_t p = tl_pte(&e, base + PG);
	assert_true(pte_valid(p));
	assert_true(pte_special(p));
	assert_false(pte_write(p));
	assert_int_equal(pte_pfn(p), e.s->zero_pfn);
	assert_int_equal(dev(&e, &sn, SIM_ZERO_PAGE_MAPS), 1);
	assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	assert_int_equal(dev(&e, &sn, THP_ZERO_PAGE_ALLOC), 0);
	assert_int_equal(tl_rss(&e), 0);
	/* neighbours are not mapped */
	assert_true(pte_none(tl_pte(&e, base)));
	assert_true(pte_none(tl_pte(&e, base + 2 * PG)));

	take(&e, &sn);
	tl_fault(&e, 0, base + PG, true);
	p = tl_pte(&e, base + PG);
	assert_true(pte_valid(p) && pte_write(p) && pte_dirty(p));
	assert_false(pte_special(p));
	assert_true(pte_pfn(p) != e.s->zero_pfn);
	struct folio *f = page_folio(&e.s->pm, pte_pfn(p));
	assert_int_equal(folio_order(f), 0);
	assert_int_equal(f->mapcount, 1);
	assert_int_equal(folio_ref_count(f), 1);
	assert_true(folio_test(f, PG_anon_exclusive));
	assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);
	assert_int_equal(dev(&e, &sn, PGREUSE), 0);
	assert_int_equal(dev(&e, &sn, PGALLOC), 1);
	assert_int_equal(tl_rss(&e), 1);
	audit(&e);
	tl_env_free(&e);
}

/* ---- write protection ---- */

static void test_mprotect_ro_rw_reuses_page(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, 64 * KiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct cpu *cpu = tl_cpu(&e, 0);
	struct mm_struct *mm = tl_mm(&e);

	tl_fault(&e, 0, base, true);
	const uint64_t pfn = pte_pfn(tl_pte(&e, base));
	assert_int_equal(sys_mprotect(e.s, cpu, mm, base, 64 * KiB, VM_READ), 0);
	assert_false(pte_write(tl_pte(&e, base)));
	assert_true(pte_valid(tl_pte(&e, base)));
	assert_int_equal(pte_pfn(tl_pte(&e, base)), pfn);
	assert_int_equal(handle_mm_fault(e.s, cpu, e.s->tasks[0], base, true), FAULT_SIGSEGV);
	assert_int_equal(handle_mm_fault(e.s, cpu, e.s->tasks[0], base, false), FAULT_OK);

	take(&e, &sn);
	assert_int_equal(sys_mprotect(e.s, cpu, mm, base, 64 * KiB, VM_READ | VM_WRITE), 0);
	/* Linux may restore the write bit at once (can_change_pte_writable on an
	 * exclusive anonymous page); otherwise the write fault must reuse it */
	if (!pte_write(tl_pte(&e, base))) {
		tl_fault(&e, 0, base, true);
		assert_int_equal(dev(&e, &sn, PGREUSE), 1);
	}
	pte_t p = tl_pte(&e, base);
	assert_true(pte_write(p) && pte_dirty(p));
	assert_int_equal(pte_pfn(p), pfn);
	assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);
	assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	assert_int_equal(tl_rss(&e), 1);
	audit(&e);
	tl_env_free(&e);
}

/* do_wp_page on an exclusive anonymous page: wp_page_reuse, no copy. */
static void test_wp_fault_reuses_exclusive(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", only_64k);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct mm_struct *mm = tl_mm(&e);

	/* a base page and a page of a 64K folio, write-protected by hand
	 * (as a clean-PTE mprotect would leave them) */
	e.s->tun.v[T_THP_64K] = THP_SIZE_NEVER;
	tl_fault(&e, 0, base + 3 * MiB, true);
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	tl_fault(&e, 0, base, true);
	struct pte_table *pt;
	const uint64_t addrs[] = { base + 3 * MiB, base + 5 * PG };
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		pte_t *pp = pte_lookup(mm, addrs[i], &pt);
		set_pte_at(e.s, mm, pt, pte_index(addrs[i]), pte_mkclean(pte_wrprotect(*pp)));
	}
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
		const uint64_t pfn = pte_pfn(tl_pte(&e, addrs[i]));
		struct folio *f = page_folio(&e.s->pm, pfn);
		f->last_cpupid = cpu_pid_to_cpupid(3, 1234);	/* a fault of another process */
		take(&e, &sn);
		tl_fault(&e, 0, addrs[i], true);
		/* wp_page_reuse() resets last_cpupid */
		assert_int_equal(f->last_cpupid, CPUPID_UNSET);
		pte_t p = tl_pte(&e, addrs[i]);
		assert_true(pte_write(p) && pte_dirty(p) && pte_young(p));
		assert_int_equal(pte_pfn(p), pfn);
		assert_int_equal(dev(&e, &sn, PGREUSE), 1);
		assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);
		assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	}
	/* the large folio is still whole and mapped 16 times */
	expect_pte_folio(&e, base, 4, 0);
	audit(&e);
	tl_env_free(&e);
}

/* A clean read-only THP made writable again: split by mprotect, then reused. */
/*
 * do_huge_pmd_wp_page() on an exclusive PMD THP reuses it in place, but
 * unlike wp_page_reuse() counts no pgreuse and keeps last_cpupid.
 */
static void test_pmd_wp_reuse(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct mm_struct *mm = tl_mm(&e);
	tl_fault(&e, 0, base, true);
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, base);
	assert_true(pmd_valid(slot->pmd) && pmd_write(slot->pmd));
	struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	set_pmd_at(e.s, mm, slot, (pmd_t){ slot->pmd.val & ~(uint64_t)(_PAGE_RW | _PAGE_DIRTY) });
	const uint32_t cpupid = cpu_pid_to_cpupid(3, 1234);
	f->last_cpupid = cpupid;
	take(&e, &sn);
	tl_fault(&e, 0, base + PG, true);
	assert_true(pmd_valid(slot->pmd) && pmd_write(slot->pmd));
	assert_ptr_equal(pfn_folio(&e.s->pm, pmd_pfn(slot->pmd)), f);
	assert_int_equal(dev(&e, &sn, PGREUSE), 0);
	assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);
	assert_int_equal(f->last_cpupid, cpupid);
	audit(&e);
	tl_env_free(&e);
}

static void test_mprotect_thp_then_write(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	const char *const sets[] = { "transparent_hugepage.use_zero_page=0", NULL };

	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct cpu *cpu = tl_cpu(&e, 0);
	struct mm_struct *mm = tl_mm(&e);

	assert_int_equal(sys_mprotect(e.s, cpu, mm, base, 2 * MiB, VM_READ), 0);
	tl_fault(&e, 0, base, false);	/* a THP, mapped read-only and clean */
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, base);
	assert_true(pmd_valid(slot->pmd) && !pmd_write(slot->pmd) && !pmd_special(slot->pmd));
	const uint64_t head = pmd_pfn(slot->pmd);

	take(&e, &sn);
	assert_int_equal(sys_mprotect(e.s, cpu, mm, base, 2 * MiB, VM_READ | VM_WRITE), 0);
	if (!pte_write(tl_pte(&e, base + PG)) || slot->pmd.val)
		tl_fault(&e, 0, base + PG, true);
	assert_int_equal(dev(&e, &sn, SIM_COW_FAULTS), 0);
	assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	/* whichever way it is mapped now, the same frames back the range */
	if (slot->pmd.val) {
		assert_int_equal(pmd_pfn(slot->pmd), head);
		assert_true(pmd_write(slot->pmd));
		/* do_huge_pmd_wp_page() reuses without counting pgreuse */
		assert_int_equal(dev(&e, &sn, PGREUSE), 0);
	} else {
		for (uint32_t i = 0; i < PTRS_PER_PTE; i++)
			assert_int_equal(pte_pfn(tl_pte(&e, base + i * PG)), head + i);
		assert_true(pte_write(tl_pte(&e, base + PG)));
	}
	assert_int_equal(tl_rss(&e), 512);
	audit(&e);
	tl_env_free(&e);
}

/* ---- munmap ---- */

static void test_munmap_frees(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct cpu *cpu = tl_cpu(&e, 0);
	const uint64_t free0 = node_free_pages(&e.s->pm, 0);

	tl_fault(&e, 0, base, true);	/* PMD THP */
	e.s->tun.v[T_THP_ENABLED] = THP_NEVER;
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	tl_fault(&e, 0, base + 2 * MiB, true);			/* 64K */
	tl_fault(&e, 0, base + 2 * MiB + 64 * KiB, true);	/* 64K */
	tl_fault(&e, 0, base + 3 * MiB, false);			/* zero page */
	assert_int_equal(node_free_pages(&e.s->pm, 0), free0 - 512 - 32);
	assert_int_equal(tl_rss(&e), 544);

	take(&e, &sn);
	assert_int_equal(sys_munmap(e.s, cpu, tl_mm(&e), base, 4 * MiB), 0);
	assert_int_equal(node_free_pages(&e.s->pm, 0), free0);
	assert_int_equal(dev(&e, &sn, PGFREE), 544);
	assert_int_equal(tl_rss(&e), 0);
	assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_NR_ANON], 0);
	assert_int_equal(e.s->vs.mthp[PMD_ORDER][MTHP_STAT_NR_ANON], 0);
	assert_null(find_vma(tl_mm(&e), base));
	assert_null(find_vma(tl_mm(&e), base + 4 * MiB - 1));
	assert_int_equal(handle_mm_fault(e.s, cpu, e.s->tasks[0], base, true), FAULT_SIGSEGV);
	/* the zero page is not freed */
	assert_true(folio_test(pfn_folio(&e.s->pm, e.s->zero_pfn), PG_zero));
	audit(&e);
	/*
	 * Unmapping a whole PTE-mapped large folio does not make it partially
	 * mapped: zap_present_ptes() removes a folio's PTEs as one batch
	 * (folio_remove_rmap_ptes), so __folio_remove_rmap() finds nothing left
	 * mapped and does not call deferred_split_folio().
	 */
	uint64_t deferred = dmthp(&e, &sn, 4, MTHP_STAT_SPLIT_DEFERRED);
	tl_env_free(&e);
	if (deferred)
		fail_msg("munmap of two whole 64K folios counted split_deferred %llu times "
			 "(expected 0)", (unsigned long long)deferred);
}

static void test_partial_munmap_split_deferred(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", only_64k);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct cpu *cpu = tl_cpu(&e, 0);
	struct mm_struct *mm = tl_mm(&e);
	const uint64_t free0 = node_free_pages(&e.s->pm, 0);

	tl_fault(&e, 0, base, true);
	struct folio *f = expect_pte_folio(&e, base, 4, 0);
	take(&e, &sn);
	assert_int_equal(sys_munmap(e.s, cpu, mm, base + 8 * KiB, 4 * KiB), 0);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_SPLIT_DEFERRED), 1);
	assert_true(folio_test(f, PG_partially_mapped));
	assert_int_equal(folio_mapcount(f), 15);
	assert_int_equal(folio_ref_count(f), 15);
	assert_int_equal(f[2].mapcount, 0);
	assert_true(pte_none(tl_pte(&e, base + 8 * KiB)));
	assert_int_equal(tl_rss(&e), 15);
	assert_int_equal(node_free_pages(&e.s->pm, 0), free0 - 16);	/* not freed yet */
	assert_null(find_vma(mm, base + 8 * KiB));
	/* another page of the same folio: queued once only */
	assert_int_equal(sys_munmap(e.s, cpu, mm, base + 12 * KiB, 4 * KiB), 0);
	assert_int_equal(dmthp(&e, &sn, 4, MTHP_STAT_SPLIT_DEFERRED), 1);
	assert_int_equal(folio_mapcount(f), 14);
	audit(&e);
	/* the rest: the folio goes */
	assert_int_equal(sys_munmap(e.s, cpu, mm, base, 64 * KiB), 0);
	assert_int_equal(node_free_pages(&e.s->pm, 0), free0);
	assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_NR_ANON], 0);
	assert_int_equal(tl_rss(&e), 0);

	/* a PMD-mapped THP partly unmapped: PMD split, then deferred split */
	e.s->tun.v[T_THP_ENABLED] = THP_ALWAYS;
	e.s->tun.v[T_THP_2048K] = THP_SIZE_INHERIT;
	tl_fault(&e, 0, base + 2 * MiB, true);
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, base + 2 * MiB);
	assert_true(pmd_valid(slot->pmd));
	struct folio *thp = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	take(&e, &sn);
	assert_int_equal(sys_munmap(e.s, cpu, mm, base + 3 * MiB, 4 * KiB), 0);
	assert_int_equal(dev(&e, &sn, THP_SPLIT_PMD), 1);
	assert_int_equal(dmthp(&e, &sn, PMD_ORDER, MTHP_STAT_SPLIT_DEFERRED), 1);
	assert_int_equal(slot->pmd.val, 0);
	assert_int_equal(folio_mapcount(thp), 511);
	assert_int_equal(folio_entire_mapcount(thp), 0);
	assert_int_equal(tl_rss(&e), 511);
	audit(&e);
	tl_env_free(&e);
}

/*
 * Splitting a VMA inside a PMD-mapped THP splits the PMD first (Linux
 * __split_vma -> vma_adjust_trans_huge -> split_huge_pmd_if_needed): a PMD
 * mapping never straddles two VMAs. madvise(MADV_NOHUGEPAGE) and mbind() on
 * part of a 2 MiB range are the usual ways to get there.
 */
static void test_vma_split_inside_pmd_thp(void **state)
{
	(void)state;
	const char *const what[] = { "madvise(MADV_NOHUGEPAGE)", "mbind(MPOL_BIND)" };
	char msg[512] = "";

	for (int how = 0; how < 2; how++) {
		struct tl_env e;
		struct snap sn;

		tl_env_init(&e, "2node-128cpu", NULL);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		tl_start(&e, 1);
		const uint64_t base = tl_addr(&e, r);
		struct mm_struct *mm = tl_mm(&e);

		tl_fault(&e, 0, base, true);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, base);
		assert_true(pmd_valid(slot->pmd));
		const uint64_t head = pmd_pfn(slot->pmd);
		take(&e, &sn);
		const struct mempolicy pol = { MPOL_BIND, 1ull << 0 };
		int rc = how == 0 ? sys_madvise(e.s, tl_cpu(&e, 0), mm, base + MiB, MiB,
						MM_MADV_NOHUGEPAGE) :
				    sys_mbind(e.s, tl_cpu(&e, 0), mm, base + MiB, MiB, &pol);
		assert_int_equal(rc, 0);
		assert_int_equal(find_vma(mm, base + MiB)->vm_start, base + MiB);
		if (slot->pmd.val) {
			/* a PMD left across two VMAs (the bug this test guards
			 * against) must not reach the audit: mm_check() counts the
			 * PMD once per VMA and aborts (rss mismatch) in debug builds */
			size_t n = strlen(msg);
			snprintf(msg + n, sizeof(msg) - n, "%s%s on [1M, 2M) of a PMD-mapped THP "
				 "left the PMD mapping across two VMAs (thp_split_pmd %llu)",
				 n ? "; " : "", what[how],
				 (unsigned long long)dev(&e, &sn, THP_SPLIT_PMD));
			tl_env_free(&e);
			continue;
		}
		assert_int_equal(dev(&e, &sn, THP_SPLIT_PMD), 1);
		for (uint32_t i = 0; i < PTRS_PER_PTE; i += 37)
			assert_int_equal(pte_pfn(tl_pte(&e, base + i * PG)), head + i);
		assert_int_equal(tl_rss(&e), 512);
		audit(&e);
		tl_env_free(&e);
	}
	if (msg[0])
		fail_msg("%s", msg);
}

/* Through the access path: a sweep populates with the configured folio sizes. */
static void test_sweep_populates(void **state)
{
	(void)state;
	struct {
		const char *const *sets;
		enum wl_access access;
		uint64_t faults, thp, mthp4, rss;
	} cases[] = {
		{ NULL, WL_WRITE, 2, 2, 0, 1024 },		/* two PMD THPs */
		{ only_64k, WL_WRITE, 64, 0, 64, 1024 },	/* 64 x 64K */
		{ thp_never, WL_WRITE, 1024, 0, 0, 1024 },	/* base pages */
		{ NULL, WL_READ, 2, 0, 0, 0 },			/* the huge zero page */
		{ thp_never, WL_READ, 1024, 0, 0, 0 },		/* the zero page */
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct tl_env e;

		tl_env_init(&e, "2node-128cpu", cases[i].sets);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		wl_add_sweep(&e.wl, e.prog, r, 0, 4 * MiB, 2, cases[i].access);
		tl_start(&e, 1);
		const struct vmstat *vs = &e.s->vs;
		uint32_t nid = e.s->cpus[e.s->tasks[0]->cpu].node;

		assert_int_equal(vs->event[PGFAULT], cases[i].faults);
		assert_int_equal(vs->event[THP_FAULT_ALLOC], cases[i].thp);
		assert_int_equal(vs->mthp[4][MTHP_STAT_ANON_FAULT_ALLOC], cases[i].mthp4);
		assert_int_equal(tl_mm(&e)->rss_node[nid], cases[i].rss);
		assert_int_equal(tl_rss(&e), cases[i].rss);
		assert_int_equal(e.s->oracle.stale_accesses, 0);
		if (cases[i].access == WL_READ && !cases[i].sets)
			assert_int_equal(vs->event[THP_ZERO_PAGE_ALLOC], 1);
		if (cases[i].mthp4)
			for (uint64_t a = 0; a < 4 * MiB; a += 64 * KiB)
				expect_pte_folio(&e, tl_addr(&e, r) + a, 4, nid);
		audit(&e);
		tl_env_free(&e);
	}
}

/* ---- memory policies and numastat ---- */

static void test_policy_default_local(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	take(&e, &sn);
	tl_fault(&e, 1, base, true);
	tl_fault(&e, 0, base + PG, true);
	tl_fault(&e, 1, base + 2 * PG, true);
	assert_int_equal(folio_nid(tl_folio_at(&e, base)), 1);
	assert_int_equal(folio_nid(tl_folio_at(&e, base + PG)), 0);
	assert_int_equal(folio_nid(tl_folio_at(&e, base + 2 * PG)), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 2);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_LOCAL), 2);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 1);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_LOCAL), 1);
	for (uint32_t n = 0; n < 2; n++) {
		assert_int_equal(dnuma(&e, &sn, n, NUMA_MISS), 0);
		assert_int_equal(dnuma(&e, &sn, n, NUMA_FOREIGN), 0);
		assert_int_equal(dnuma(&e, &sn, n, NUMA_OTHER), 0);
		assert_int_equal(dnuma(&e, &sn, n, NUMA_INTERLEAVE_HIT), 0);
	}
	assert_int_equal(tl_mm(&e)->rss_node[0], 1);
	assert_int_equal(tl_mm(&e)->rss_node[1], 2);
	tl_env_free(&e);
}

static void test_policy_preferred_and_bind(void **state)
{
	(void)state;
	const enum mpol_mode modes[] = { MPOL_PREFERRED, MPOL_BIND };

	for (size_t k = 0; k < ARRAY_SIZE(modes); k++) {
		struct tl_env e;
		struct snap sn;

		tl_env_init(&e, "2node-128cpu", NULL);
		wl_add_policy(&e.wl, e.prog, modes[k], 1ull << 1);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		tl_start(&e, 1);
		const uint64_t base = tl_addr(&e, r);

		take(&e, &sn);
		/* a PMD THP and, with THP off, base pages: all on node 1 */
		tl_fault(&e, 0, base, true);
		struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
		assert_true(pmd_valid(slot->pmd));
		assert_int_equal(folio_nid(pfn_folio(&e.s->pm, pmd_pfn(slot->pmd))), 1);
		e.s->tun.v[T_THP_ENABLED] = THP_NEVER;
		for (uint32_t i = 0; i < 4; i++)
			tl_fault(&e, 0, base + 2 * MiB + i * PG, true);
		for (uint32_t i = 0; i < 4; i++)
			assert_int_equal(folio_nid(tl_folio_at(&e, base + 2 * MiB + i * PG)), 1);
		assert_int_equal(tl_mm(&e)->rss_node[1], 516);
		assert_int_equal(tl_mm(&e)->rss_node[0], 0);
		/* the policy's node is the intended one: hits there, from a remote CPU */
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 5);
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_OTHER), 5);
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_MISS), 0);
		assert_int_equal(dnuma(&e, &sn, 0, NUMA_FOREIGN), 0);
		assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 0);
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_LOCAL), 0);
		/* from node 1 the same allocations are local */
		take(&e, &sn);
		tl_fault(&e, 1, base + 3 * MiB, true);
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 1);
		assert_int_equal(dnuma(&e, &sn, 1, NUMA_LOCAL), 1);
		tl_env_free(&e);
	}
}

/* Expected interleave node of page @idx of VMA @v at @order (interleave_nid). */
static uint32_t il_node(const struct vm_area_struct *v, uint64_t addr, uint32_t order,
			uint32_t nnodes)
{
	uint64_t ilx = (v->vm_pgoff >> order) + ((addr - v->vm_start) >> (PAGE_SHIFT + order));

	return (uint32_t)(ilx % nnodes);
}

/* Pages faulted out of order, so that round robin and by-index differ. */
static const uint32_t scrambled[] = { 3, 0, 2, 1, 7, 4, 6, 5, 8, 10, 9, 11 };

static void test_policy_interleave_vma(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_mbind(&e, e.prog, r, 0, 4 * MiB, MPOL_INTERLEAVE, 3);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	const struct vm_area_struct *v = find_vma(tl_mm(&e), base);
	assert_true(v->vm_flags & VM_HAS_POLICY);

	take(&e, &sn);
	for (size_t i = 0; i < ARRAY_SIZE(scrambled); i++)
		tl_fault(&e, 0, base + scrambled[i] * PG, true);
	uint32_t on[2] = { 0, 0 };
	for (uint32_t i = 0; i < ARRAY_SIZE(scrambled); i++) {
		uint32_t nid = folio_nid(tl_folio_at(&e, base + i * PG));
		assert_int_equal(nid, il_node(v, base + i * PG, 0, 2));
		on[nid]++;
		if (i)	/* neighbours alternate */
			assert_int_not_equal(nid, folio_nid(tl_folio_at(&e, base + (i - 1) * PG)));
	}
	assert_int_equal(on[0], 6);
	assert_int_equal(on[1], 6);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_INTERLEAVE_HIT), 6);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_INTERLEAVE_HIT), 6);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_HIT), 6);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 6);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_LOCAL), 6);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_OTHER), 6);

	/* 64K folios interleave by folio index */
	e.s->tun.v[T_THP_64K] = THP_SIZE_ALWAYS;
	for (uint32_t i = 0; i < 4; i++) {
		const uint64_t a = base + MiB + (3 - i) * 64 * KiB;
		tl_fault(&e, 0, a, true);
		expect_pte_folio(&e, a, 4, il_node(v, a, 4, 2));
	}
	audit(&e);
	tl_env_free(&e);
}

/*
 * A task interleave policy at a fault also interleaves by page index
 * (get_vma_policy() adds the VMA offset for the task policy too; Linux >= 6.7
 * and, through interleave_nid(pol, vma, ...), every earlier version); the
 * il_prev round robin is only for allocations without a VMA.
 */
static void test_policy_interleave_task(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", thp_never);
	wl_add_policy(&e.wl, e.prog, MPOL_INTERLEAVE, 3);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	const struct vm_area_struct *v = find_vma(tl_mm(&e), base);

	for (size_t i = 0; i < ARRAY_SIZE(scrambled); i++)
		tl_fault(&e, 0, base + scrambled[i] * PG, true);
	char got[64] = "", want[64] = "";
	for (uint32_t i = 0; i < ARRAY_SIZE(scrambled); i++) {
		got[i] = (char)('0' + folio_nid(tl_folio_at(&e, base + i * PG)));
		want[i] = (char)('0' + il_node(v, base + i * PG, 0, 2));
	}
	uint64_t ilhit = e.s->vs.numa[0][NUMA_INTERLEAVE_HIT] + e.s->vs.numa[1][NUMA_INTERLEAVE_HIT];
	tl_env_free(&e);
	assert_int_equal(ilhit, ARRAY_SIZE(scrambled));
	if (strcmp(got, want))
		fail_msg("task MPOL_INTERLEAVE: nodes of pages 0..11 are %s, expected %s "
			 "(by page index, as Linux interleave_nid)", got, want);
}

/* zone_statistics(): the preferred zone of MPOL_BIND is the first zone of the
 * local zonelist inside the mask; getting a later one is a miss. */
static void test_numastat_bind_miss(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };

	tl_env_init(&e, "4node-48cpu", thp_never);
	wl_add_policy(&e.wl, e.prog, MPOL_BIND, (1ull << 1) | (1ull << 2));
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	/* the layout this relies on: from node 0, node 1 comes before node 2 */
	uint32_t pos1 = 99, pos2 = 99;
	for (uint32_t i = 0; i < e.s->zonelist_len; i++) {
		pos1 = e.s->zonelist[0][i] == 1 ? i : pos1;
		pos2 = e.s->zonelist[0][i] == 2 ? i : pos2;
	}
	assert_true(pos1 < pos2);

	/* node 1 has room: a hit there */
	take(&e, &sn);
	tl_fault(&e, 0, base, true);
	assert_int_equal(folio_nid(tl_folio_at(&e, base)), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_OTHER), 1);

	/* node 1 full: the page comes from node 2, a miss against node 1 */
	tl_drain_node(&e.s->pm, 1, 0, &h);
	take(&e, &sn);
	tl_fault(&e, 0, base + PG, true);
	uint32_t nid = folio_nid(tl_folio_at(&e, base + PG));
	uint64_t miss2 = dnuma(&e, &sn, 2, NUMA_MISS), hit2 = dnuma(&e, &sn, 2, NUMA_HIT);
	uint64_t foreign1 = dnuma(&e, &sn, 1, NUMA_FOREIGN), other2 = dnuma(&e, &sn, 2, NUMA_OTHER);
	release_held(&e, &h);
	tl_env_free(&e);
	assert_int_equal(nid, 2);
	assert_int_equal(other2, 1);
	if (miss2 != 1 || hit2 != 0 || foreign1 != 1)
		fail_msg("MPOL_BIND{1,2} from node 0, node 1 full, page on node 2: numa_miss[2] %llu "
			 "numa_hit[2] %llu numa_foreign[1] %llu; zone_statistics() counts a miss "
			 "against the preferred zone (node 1)", (unsigned long long)miss2,
			 (unsigned long long)hit2, (unsigned long long)foreign1);
}

/* Default policy with the local node exhausted: a miss, foreign on the local node. */
static void test_numastat_default_miss(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;
	struct tl_held h = { 0 };

	tl_env_init(&e, "tiered-16cpu", thp_never);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);

	tl_drain_node(&e.s->pm, 0, 0, &h);
	take(&e, &sn);
	tl_fault(&e, 0, base, true);
	assert_int_equal(folio_nid(tl_folio_at(&e, base)), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_MISS), 1);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_FOREIGN), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_OTHER), 1);
	assert_int_equal(dnuma(&e, &sn, 1, NUMA_HIT), 0);
	assert_int_equal(dnuma(&e, &sn, 0, NUMA_MISS), 0);
	assert_int_equal(tl_mm(&e)->rss_node[1], 1);
	release_held(&e, &h);
	audit(&e);
	tl_env_free(&e);
}

/* ---- rmap ---- */

struct rmap_seen {
	uint32_t nr, nr_pmd;
	uint64_t addr[600];
	pte_t *pte[600];
	uint32_t stop_after;
};

static bool rmap_cb(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
		    struct pmd_slot *pmd, void *arg)
{
	struct rmap_seen *seen = arg;

	(void)s;
	assert_int_equal(mm->id, 0);
	assert_true((pte == NULL) != (pmd == NULL));
	if (seen->nr < ARRAY_SIZE(seen->addr)) {
		seen->addr[seen->nr] = addr;
		seen->pte[seen->nr] = pte;
	}
	seen->nr++;
	seen->nr_pmd += pmd != NULL;
	return !seen->stop_after || seen->nr < seen->stop_after;
}

static void test_rmap_walk(void **state)
{
	(void)state;
	struct tl_env e;
	struct rmap_seen seen;

	tl_env_init(&e, "2node-128cpu", only_64k);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct mm_struct *mm = tl_mm(&e);
	struct cpu *cpu = tl_cpu(&e, 0);

	/* a PTE-mapped 64K folio: 16 entries, in address order */
	tl_fault(&e, 0, base + 64 * KiB, true);
	struct folio *f = expect_pte_folio(&e, base + 64 * KiB, 4, 0);
	memset(&seen, 0, sizeof(seen));
	rmap_walk(e.s, f, rmap_cb, &seen);
	assert_int_equal(seen.nr, 16);
	assert_int_equal(seen.nr_pmd, 0);
	struct pte_table *pt;
	for (uint32_t i = 0; i < 16; i++) {
		assert_int_equal(seen.addr[i], base + 64 * KiB + i * PG);
		assert_ptr_equal(seen.pte[i], pte_lookup(mm, base + 64 * KiB + i * PG, &pt));
	}
	/* the callback can stop the walk */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 3;
	rmap_walk(e.s, f, rmap_cb, &seen);
	assert_int_equal(seen.nr, 3);

	/* split VMAs (mprotect in the middle): still every mapping */
	assert_int_equal(sys_mprotect(e.s, cpu, mm, base + 64 * KiB + 4 * PG, 2 * PG, VM_READ), 0);
	assert_true(mm->nr_vmas >= 3);
	memset(&seen, 0, sizeof(seen));
	rmap_walk(e.s, f, rmap_cb, &seen);
	assert_int_equal(seen.nr, 16);
	/* after a partial unmap, the rest */
	assert_int_equal(sys_munmap(e.s, cpu, mm, base + 64 * KiB, PG), 0);
	memset(&seen, 0, sizeof(seen));
	rmap_walk(e.s, f, rmap_cb, &seen);
	assert_int_equal(seen.nr, 15);
	assert_int_equal(seen.nr, (uint32_t)folio_mapcount(f));

	/* a PMD-mapped THP: one entry, the PMD */
	e.s->tun.v[T_THP_ENABLED] = THP_ALWAYS;
	e.s->tun.v[T_THP_2048K] = THP_SIZE_INHERIT;
	tl_fault(&e, 0, base + 2 * MiB + 77, true);
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, base + 2 * MiB);
	struct folio *thp = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	memset(&seen, 0, sizeof(seen));
	rmap_walk(e.s, thp, rmap_cb, &seen);
	assert_int_equal(seen.nr, 1);
	assert_int_equal(seen.nr_pmd, 1);
	assert_int_equal(seen.addr[0], base + 2 * MiB);
	/* split to PTEs by mprotect: 512 entries */
	assert_int_equal(sys_mprotect(e.s, cpu, mm, base + 2 * MiB, PG, VM_READ), 0);
	memset(&seen, 0, sizeof(seen));
	rmap_walk(e.s, thp, rmap_cb, &seen);
	assert_int_equal(seen.nr, PTRS_PER_PTE);
	assert_int_equal(seen.nr_pmd, 0);
	assert_int_equal(seen.addr[511], base + 2 * MiB + 511 * PG);
	audit(&e);
	tl_env_free(&e);
}

/* ---- errors ---- */

static void test_fault_errors(void **state)
{
	(void)state;
	struct tl_env e;
	struct snap sn;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 64 * KiB);
	tl_start(&e, 1);
	const uint64_t base = tl_addr(&e, r);
	struct cpu *cpu = tl_cpu(&e, 0);
	struct task *t = e.s->tasks[0];

	take(&e, &sn);
	assert_int_equal(handle_mm_fault(e.s, cpu, t, base - PG, true), FAULT_SIGSEGV);
	assert_int_equal(handle_mm_fault(e.s, cpu, t, base + 64 * KiB, false), FAULT_SIGSEGV);
	assert_int_equal(handle_mm_fault(e.s, cpu, t, 0, false), FAULT_SIGSEGV);
	/* PROT_NONE refuses both */
	assert_int_equal(sys_mprotect(e.s, cpu, tl_mm(&e), base, 64 * KiB, 0), 0);
	assert_int_equal(handle_mm_fault(e.s, cpu, t, base, false), FAULT_SIGSEGV);
	assert_int_equal(handle_mm_fault(e.s, cpu, t, base, true), FAULT_SIGSEGV);
	/* a bad access is no page fault (Linux counts PGFAULT in handle_mm_fault) */
	assert_int_equal(dev(&e, &sn, PGFAULT), 0);
	assert_int_equal(dev(&e, &sn, PGALLOC), 0);
	assert_int_equal(tl_rss(&e), 0);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mthp_64k_order4),
		cmocka_unit_test(test_mthp_vma_edges),
		cmocka_unit_test(test_mthp_partly_populated),
		cmocka_unit_test(test_mthp_largest_fitting),
		cmocka_unit_test(test_mthp_madvise_mode),
		cmocka_unit_test(test_mthp_inherit),
		cmocka_unit_test(test_allowable_orders_table),
		cmocka_unit_test(test_thp_never_and_nohugepage),
		cmocka_unit_test(test_mthp_alloc_failure_fallback),
		cmocka_unit_test(test_default_policy_fallback_nodes),
		cmocka_unit_test(test_pmd_thp_bind_local_only),
		cmocka_unit_test(test_pmd_thp_local_down_to_min),
		cmocka_unit_test(test_thp_mmap_align_off),
		cmocka_unit_test(test_clear_page_rate),
		cmocka_unit_test(test_pmd_thp_write_fault),
		cmocka_unit_test(test_huge_zero_page),
		cmocka_unit_test(test_dontneed_zero_page_flushes),
		cmocka_unit_test(test_no_huge_zero_page),
		cmocka_unit_test(test_small_zero_page_then_write),
		cmocka_unit_test(test_mprotect_ro_rw_reuses_page),
		cmocka_unit_test(test_wp_fault_reuses_exclusive),
		cmocka_unit_test(test_pmd_wp_reuse),
		cmocka_unit_test(test_mprotect_thp_then_write),
		cmocka_unit_test(test_munmap_frees),
		cmocka_unit_test(test_partial_munmap_split_deferred),
		cmocka_unit_test(test_vma_split_inside_pmd_thp),
		cmocka_unit_test(test_sweep_populates),
		cmocka_unit_test(test_policy_default_local),
		cmocka_unit_test(test_policy_preferred_and_bind),
		cmocka_unit_test(test_policy_interleave_vma),
		cmocka_unit_test(test_policy_interleave_task),
		cmocka_unit_test(test_numastat_bind_miss),
		cmocka_unit_test(test_numastat_default_miss),
		cmocka_unit_test(test_rmap_walk),
		cmocka_unit_test(test_fault_errors),
	};

	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
