// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_pgtable.c - page-table entries and tables (mem/pgtable.h,
 * mem/pgtable.c).
 *
 * The entry helpers are checked as an algebra over many random pfns and flag
 * sets, in the spirit of Linux mm/debug_vm_pgtable.c (pte_basic_tests,
 * pte_protnone_tests, ...). The PTE-table summary that the sweep fast path
 * trusts is checked against an independent recount after random sequences
 * of updates. The library may be built with SIM_DEBUG_VM=0, where
 * pte_table_check() checks nothing, so the recount here is the real check.
 */
#include "harness.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/rng.h"
#include "mem/pgtable.h"

#define ROUNDS 20000
#define ALL_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_PROTNONE | \
		   _PAGE_SPECIAL)
#define MAX_TEST_PFN (1ull << 40)	/* TLB entries keep 40 bits of pfn */

static uint64_t rand_pfn(struct rng *r)
{
	/* mix small pfns (node 0 region), and ones with high bits set */
	switch (rng_below(r, 4)) {
	case 0:
		return rng_below(r, 1024);
	case 1:
		return MAX_TEST_PFN - 1 - rng_below(r, 1024);
	default:
		return rng_below(r, MAX_TEST_PFN);
	}
}

static uint64_t rand_flags(struct rng *r)
{
	return rng_next(r) & ALL_FLAGS;
}

/* A hardware-valid entry: present, not protnone, random other bits. */
static pte_t rand_valid_pte(struct rng *r)
{
	uint64_t f = (rand_flags(r) & ~_PAGE_PROTNONE) | _PAGE_PRESENT;

	return pfn_pte(rand_pfn(r), f);
}

/* ---- entry algebra ---- */

static void test_pte_encoding_round_trip(void **state)
{
	(void)state;
	struct rng r;

	rng_seed(&r, 1, 1);
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t pfn = rand_pfn(&r), flags = rand_flags(&r);
		pte_t p = pfn_pte(pfn, flags);

		assert_int_equal(pte_pfn(p), pfn);
		assert_int_equal(p.val & _PAGE_FLAGS_MASK, flags);
		assert_int_equal(pte_write(p), !!(flags & _PAGE_RW));
		assert_int_equal(pte_dirty(p), !!(flags & _PAGE_DIRTY));
		assert_int_equal(pte_young(p), !!(flags & _PAGE_ACCESSED));
		assert_int_equal(pte_special(p), !!(flags & _PAGE_SPECIAL));
		assert_int_equal(pte_valid(p), !!(flags & _PAGE_PRESENT));
		assert_int_equal(pte_none(p), pfn == 0 && flags == 0);

		pmd_t m = pfn_pmd(pfn, flags);
		assert_int_equal(pmd_pfn(m), pfn);
		assert_int_equal(m.val, p.val);	/* same encoding at both levels */
		assert_int_equal(pmd_write(m), pte_write(p));
		assert_int_equal(pmd_dirty(m), pte_dirty(p));
		assert_int_equal(pmd_special(m), pte_special(p));
		assert_int_equal(pmd_valid(m), pte_valid(p));
		assert_int_equal(pmd_present(m), pte_present(p));
		assert_int_equal(pmd_protnone(m), pte_protnone(p));
	}
}

/* present / valid / protnone: valid and protnone are disjoint, both present. */
static void test_pte_state_lattice(void **state)
{
	(void)state;
	for (uint64_t flags = 0; flags <= ALL_FLAGS; flags++) {
		if (flags & ~ALL_FLAGS)
			continue;
		pte_t p = pfn_pte(12345, flags);

		assert_false(pte_valid(p) && pte_protnone(p));
		if (pte_valid(p) || pte_protnone(p))
			assert_true(pte_present(p));
		if (pte_present(p))
			assert_true(pte_valid(p) || pte_protnone(p));
		/* exactly one of the three hardware/kernel states for a non-none entry */
		assert_int_equal(pte_protnone(p), (flags & (_PAGE_PRESENT | _PAGE_PROTNONE)) ==
							  _PAGE_PROTNONE);
	}
	assert_true(pte_none((pte_t){ 0 }));
	assert_false(pte_present((pte_t){ 0 }));
	assert_false(pte_present(pfn_pte(7, 0)));	/* a frame without state bits */
	assert_false(pte_none(pfn_pte(7, 0)));
}

/* debug_vm_pgtable.c pte_basic_tests(): each modifier sets or clears one bit. */
static void test_pte_modifiers(void **state)
{
	(void)state;
	struct rng r;

	rng_seed(&r, 2, 1);
	for (int i = 0; i < ROUNDS; i++) {
		pte_t p = pfn_pte(rand_pfn(&r), rand_flags(&r));
		const uint64_t pfn = pte_pfn(p);

		assert_true(pte_young(pte_mkyoung(pte_mkold(p))));
		assert_false(pte_young(pte_mkold(pte_mkyoung(p))));
		assert_true(pte_dirty(pte_mkdirty(pte_mkclean(p))));
		assert_false(pte_dirty(pte_mkclean(pte_mkdirty(p))));
		assert_true(pte_write(pte_mkwrite(pte_wrprotect(p))));
		assert_false(pte_write(pte_wrprotect(pte_mkwrite(p))));

		/* only the named bit moves */
		assert_int_equal(pte_mkyoung(p).val ^ p.val, _PAGE_ACCESSED & ~p.val);
		assert_int_equal(pte_mkold(p).val ^ p.val, _PAGE_ACCESSED & p.val);
		assert_int_equal(pte_mkdirty(p).val ^ p.val, _PAGE_DIRTY & ~p.val);
		assert_int_equal(pte_mkclean(p).val ^ p.val, _PAGE_DIRTY & p.val);
		assert_int_equal(pte_mkwrite(p).val ^ p.val, _PAGE_RW & ~p.val);
		assert_int_equal(pte_wrprotect(p).val ^ p.val, _PAGE_RW & p.val);

		/* idempotent, and the modifiers of different bits commute */
		assert_int_equal(pte_mkyoung(pte_mkyoung(p)).val, pte_mkyoung(p).val);
		assert_int_equal(pte_mkold(pte_mkold(p)).val, pte_mkold(p).val);
		assert_int_equal(pte_mkdirty(pte_mkwrite(p)).val, pte_mkwrite(pte_mkdirty(p)).val);
		assert_int_equal(pte_mkold(pte_wrprotect(p)).val, pte_wrprotect(pte_mkold(p)).val);
		assert_int_equal(pte_mkclean(pte_mkyoung(p)).val, pte_mkyoung(pte_mkclean(p)).val);

		/* the frame never changes */
		assert_int_equal(pte_pfn(pte_mkyoung(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkold(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkdirty(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkclean(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkwrite(p)), pfn);
		assert_int_equal(pte_pfn(pte_wrprotect(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkprotnone(p)), pfn);
		assert_int_equal(pte_pfn(pte_mkpresent(p)), pfn);

		/* none of them touches the present/protnone/special state */
		const uint64_t state_bits = _PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_SPECIAL;
		assert_int_equal(pte_mkyoung(p).val & state_bits, p.val & state_bits);
		assert_int_equal(pte_mkclean(p).val & state_bits, p.val & state_bits);
		assert_int_equal(pte_mkwrite(p).val & state_bits, p.val & state_bits);
		assert_int_equal(pte_wrprotect(p).val & state_bits, p.val & state_bits);
	}
}

/* debug_vm_pgtable.c pte_protnone_tests() and the NUMA hinting round trip. */
static void test_pte_protnone_round_trip(void **state)
{
	(void)state;
	struct rng r;

	rng_seed(&r, 3, 1);
	for (int i = 0; i < ROUNDS; i++) {
		pte_t p = rand_valid_pte(&r);
		pte_t q = pte_mkprotnone(p);

		assert_true(pte_valid(p));
		assert_true(pte_protnone(q));
		assert_true(pte_present(q));	/* the kernel still sees a mapping */
		assert_false(pte_valid(q));	/* the hardware does not */
		assert_false(pte_none(q));
		assert_int_equal(pte_pfn(q), pte_pfn(p));
		/* the other bits survive: what do_numa_page restores */
		const uint64_t keep = _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL;
		assert_int_equal(q.val & keep, p.val & keep);
		assert_int_equal(pte_mkpresent(q).val, p.val);
		/* twice is the same as once, both ways */
		assert_int_equal(pte_mkprotnone(q).val, q.val);
		assert_int_equal(pte_mkpresent(pte_mkpresent(q)).val, p.val);
		/* modifiers keep a protnone entry protnone */
		assert_true(pte_protnone(pte_mkold(q)));
		assert_true(pte_protnone(pte_mkwrite(q)));
		assert_true(pte_protnone(pte_wrprotect(pte_mkclean(q))));
		/* the PMD level encodes the same way */
		pmd_t pm = pfn_pmd(pte_pfn(p), p.val & _PAGE_FLAGS_MASK);
		pmd_t qm = pfn_pmd(pte_pfn(q), q.val & _PAGE_FLAGS_MASK);
		assert_true(pmd_valid(pm) && !pmd_protnone(pm));
		assert_true(pmd_protnone(qm) && pmd_present(qm) && !pmd_valid(qm));
	}
}

/* ---- the PTE-table summary ---- */

static uint32_t nid_of_pfn(const void *ctx, uint64_t pfn)
{
	(void)ctx;
	return (uint32_t)(pfn % MAX_NUMNODES);
}

/* The summary recomputed from the invariants in pgtable.h, not from
 * pte_table_account(). */
static void recount(const struct pte_table *pt, struct pte_table *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t v = pt->pte[i].val;
		bool present = v & (_PAGE_PRESENT | _PAGE_PROTNONE);
		bool valid = v & _PAGE_PRESENT;

		if (!present)
			continue;
		sum->nr_mapped++;
		sum->nr_node[(v >> PAGE_SHIFT) % MAX_NUMNODES]++;
		if (!valid) {
			sum->nr_protnone++;
			continue;
		}
		sum->nr_valid++;
		if ((v & _PAGE_RW) && (v & _PAGE_DIRTY))
			sum->nr_wd++;
		if (v & _PAGE_ACCESSED)
			sum->nr_young++;
	}
}

static void assert_summary(const struct pte_table *pt)
{
	struct pte_table sum;

	recount(pt, &sum);
	assert_int_equal(pt->nr_mapped, sum.nr_mapped);
	assert_int_equal(pt->nr_protnone, sum.nr_protnone);
	assert_int_equal(pt->nr_valid, sum.nr_valid);
	assert_int_equal(pt->nr_wd, sum.nr_wd);
	assert_int_equal(pt->nr_young, sum.nr_young);
	for (int n = 0; n < MAX_NUMNODES; n++)
		assert_int_equal(pt->nr_node[n], sum.nr_node[n]);
	pte_table_check(pt, NULL, nid_of_pfn);	/* aborts on a mismatch in debug builds */
}

/* What set_pte_at() does to the summary. */
static void set_pte(struct pte_table *pt, uint32_t idx, pte_t p)
{
	pte_t old = pt->pte[idx];

	pte_table_account(pt, old, pte_present(old) ? nid_of_pfn(NULL, pte_pfn(old)) : 0, -1);
	pte_table_account(pt, p, pte_present(p) ? nid_of_pfn(NULL, pte_pfn(p)) : 0, 1);
	pt->pte[idx] = p;
}

static pte_t rand_entry(struct rng *r)
{
	switch (rng_below(r, 6)) {
	case 0:
		return (pte_t){ 0 };
	case 1:
		return pte_mkprotnone(rand_valid_pte(r));
	case 2:	/* a frame with no state bits: not present, must count nowhere */
		return pfn_pte(1 + rng_below(r, 1000), rand_flags(r) & ~(_PAGE_PRESENT | _PAGE_PROTNONE));
	default:
		return rand_valid_pte(r);
	}
}

static void test_summary_random_sequences(void **state)
{
	(void)state;
	struct pgtable_pool pool = { 0 };
	struct rng r;

	rng_seed(&r, 4, 1);
	for (int round = 0; round < 20; round++) {
		struct pte_table *pt = pte_table_alloc(&pool);

		assert_summary(pt);
		for (int step = 0; step < 3000; step++) {
			uint32_t idx = (uint32_t)rng_below(&r, PTRS_PER_TABLE);
			pte_t p;

			/* besides random entries, the transitions the model makes */
			switch (rng_below(&r, 8)) {
			case 0:
				p = pte_mkyoung(pt->pte[idx]);
				break;
			case 1:
				p = pte_mkold(pt->pte[idx]);
				break;
			case 2:
				p = pte_present(pt->pte[idx]) ? pte_mkprotnone(pt->pte[idx]) :
								pt->pte[idx];
				break;
			case 3:
				p = pte_protnone(pt->pte[idx]) ? pte_mkpresent(pt->pte[idx]) :
								 pt->pte[idx];
				break;
			case 4:
				p = pte_wrprotect(pt->pte[idx]);
				break;
			default:
				p = rand_entry(&r);
				break;
			}
			set_pte(pt, idx, p);
			if (step % 97 == 0)
				assert_summary(pt);
		}
		assert_summary(pt);
		/* empty it again: every count returns to zero */
		for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
			set_pte(pt, i, (pte_t){ 0 });
		assert_summary(pt);
		assert_int_equal(pt->nr_mapped, 0);
		pte_table_free(&pool, pt);
	}
	pgtable_pool_destroy(&pool);
}

/* A full table of usable entries: the counts reach 512 (the sweep fast path's test). */
static void test_summary_full_table(void **state)
{
	(void)state;
	struct pgtable_pool pool = { 0 };
	struct pte_table *pt = pte_table_alloc(&pool);
	const uint64_t f = _PAGE_PRESENT | _PAGE_RW | _PAGE_DIRTY | _PAGE_ACCESSED;

	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
		set_pte(pt, i, pfn_pte(16 * (1000 + i) + 3, f));	/* all on node 3 */
	assert_summary(pt);
	assert_int_equal(pt->nr_mapped, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_valid, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_wd, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_young, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_node[3], PTRS_PER_TABLE);
	assert_int_equal(pt->nr_protnone, 0);

	/* the scanner makes all of them protnone: nothing is usable any more */
	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
		set_pte(pt, i, pte_mkprotnone(pt->pte[i]));
	assert_summary(pt);
	assert_int_equal(pt->nr_mapped, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_protnone, PTRS_PER_TABLE);
	assert_int_equal(pt->nr_valid, 0);
	assert_int_equal(pt->nr_wd, 0);
	assert_int_equal(pt->nr_young, 0);	/* young counts valid entries only */
	assert_int_equal(pt->nr_node[3], PTRS_PER_TABLE);

	for (uint32_t i = 0; i < PTRS_PER_TABLE; i++)
		set_pte(pt, i, (pte_t){ 0 });
	pte_table_free(&pool, pt);
	pgtable_pool_destroy(&pool);
}

/* ---- upper levels ---- */

static void test_pmd_slot_alloc_lookup(void **state)
{
	(void)state;
	struct pgtable_pool pool = { 0 };
	struct pgd *pgd = calloc(1, sizeof(*pgd));
	const uint64_t a = 1ull << 30;	/* MMAP_BASE-like */

	assert_non_null(pgd);
	assert_null(pmd_slot_lookup(pgd, a));
	struct pmd_slot *s = pmd_slot_alloc(&pool, pgd, a);
	assert_non_null(s);
	assert_int_equal(pool.nr_pud_tables, 1);
	assert_int_equal(pool.nr_pmd_tables, 1);
	assert_int_equal(s->pmd.val, 0);
	assert_null(s->pt);
	/* every address of the 2 MiB range shares the slot */
	assert_ptr_equal(pmd_slot_lookup(pgd, a), s);
	assert_ptr_equal(pmd_slot_lookup(pgd, a + PMD_SIZE - 1), s);
	assert_ptr_equal(pmd_slot_alloc(&pool, pgd, a + 12345), s);
	/* the next 2 MiB is the next slot of the same PMD table */
	assert_ptr_equal(pmd_slot_lookup(pgd, a + PMD_SIZE), s + 1);
	assert_ptr_equal(pmd_slot_lookup(pgd, a - PMD_SIZE), NULL);	/* other PUD entry */
	assert_int_equal(pool.nr_pmd_tables, 1);
	/* another PUD entry: a new PMD table in the same PUD table */
	assert_null(pmd_slot_lookup(pgd, a + PUD_SIZE));
	struct pmd_slot *s2 = pmd_slot_alloc(&pool, pgd, a + PUD_SIZE);
	assert_non_null(s2);
	assert_true(s2 != s);
	assert_int_equal(pool.nr_pud_tables, 1);
	assert_int_equal(pool.nr_pmd_tables, 2);
	assert_int_equal(pgd->pud[pgd_index(a)]->nr_used, 2);
	/* another PGD entry: a new PUD table */
	struct pmd_slot *s3 = pmd_slot_alloc(&pool, pgd, a + (1ull << PGDIR_SHIFT));
	assert_int_equal(pool.nr_pud_tables, 2);
	assert_int_equal(pool.nr_pmd_tables, 3);
	assert_ptr_equal(pmd_slot_lookup(pgd, a + (1ull << PGDIR_SHIFT)), s3);
	/* the last address user space may use */
	struct pmd_slot *s4 = pmd_slot_alloc(&pool, pgd, USER_VA_END - 1);
	assert_ptr_equal(pmd_slot_lookup(pgd, USER_VA_END - PMD_SIZE), s4);
	assert_true(pool.host_bytes > 0);

	s->pt = pte_table_alloc(&pool);
	s4->pt = pte_table_alloc(&pool);
	assert_int_equal(pool.nr_pte_tables, 2);
	pgd_free_tables(&pool, pgd);
	assert_int_equal(pool.nr_pud_tables, 0);
	assert_int_equal(pool.nr_pmd_tables, 0);
	assert_int_equal(pool.nr_pte_tables, 0);
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		assert_null(pgd->pud[i]);
	assert_null(pmd_slot_lookup(pgd, a));
	pgtable_pool_destroy(&pool);
	free(pgd);
}

/* Random addresses: slots are equal exactly when the 2 MiB ranges are. */
static void test_pmd_slot_random(void **state)
{
	(void)state;
	enum { N = 4000 };
	struct pgtable_pool pool = { 0 };
	struct pgd *pgd = calloc(1, sizeof(*pgd));
	uint64_t *addr = calloc(N, sizeof(*addr));
	struct pmd_slot **slot = calloc(N, sizeof(*slot));
	struct rng r;

	assert_non_null(pgd);
	assert_non_null(addr);
	assert_non_null(slot);
	rng_seed(&r, 5, 1);
	for (int i = 0; i < N; i++) {
		/* cluster the addresses so that many share PUD and PMD tables */
		uint64_t base = rng_below(&r, 8) << PGDIR_SHIFT;
		addr[i] = (base + rng_below(&r, 4ull << PUD_SHIFT)) % USER_VA_END;
		slot[i] = pmd_slot_alloc(&pool, pgd, addr[i]);
		slot[i]->pmd.val = addr[i] >> PMD_SHIFT;	/* a tag, cleared below */
	}
	for (int i = 0; i < N; i++) {
		assert_ptr_equal(pmd_slot_lookup(pgd, addr[i]), slot[i]);
		assert_int_equal(slot[i]->pmd.val, addr[i] >> PMD_SHIFT);
		int j = (int)rng_below(&r, N);
		assert_int_equal(slot[i] == slot[j], addr[i] >> PMD_SHIFT == addr[j] >> PMD_SHIFT);
	}
	for (int i = 0; i < N; i++)
		slot[i]->pmd.val = 0;
	pgd_free_tables(&pool, pgd);
	assert_int_equal(pool.nr_pmd_tables, 0);
	assert_int_equal(pool.nr_pud_tables, 0);
	pgtable_pool_destroy(&pool);
	free(slot);
	free(addr);
	free(pgd);
}

static void test_pte_pool_reuse(void **state)
{
	(void)state;
	struct pgtable_pool pool = { 0 };
	struct pte_table *a = pte_table_alloc(&pool);
	struct pte_table *b = pte_table_alloc(&pool);
	const uint64_t bytes = pool.host_bytes;

	assert_non_null(a);
	assert_non_null(b);
	assert_true(a != b);
	assert_int_equal(pool.nr_pte_tables, 2);
	assert_int_equal(bytes, 2 * sizeof(struct pte_table));

	/* dirty a table (entries and summary), free it: it comes back zeroed */
	set_pte(a, 7, pfn_pte(99, _PAGE_PRESENT | _PAGE_ACCESSED));
	set_pte(a, 7, (pte_t){ 0 });
	a->pte[8] = pfn_pte(5, _PAGE_RW | _PAGE_DIRTY);	/* not present: may be freed */
	pte_table_free(&pool, a);
	assert_int_equal(pool.nr_pte_tables, 1);
	pte_table_free(&pool, b);
	assert_int_equal(pool.nr_pte_tables, 0);

	/* last freed, first reused; no host allocation */
	struct pte_table *c = pte_table_alloc(&pool);
	struct pte_table *d = pte_table_alloc(&pool);
	assert_ptr_equal(c, b);
	assert_ptr_equal(d, a);
	assert_int_equal(pool.host_bytes, bytes);
	assert_int_equal(pool.nr_pte_tables, 2);
	static const struct pte_table zero;
	assert_memory_equal(d, &zero, sizeof(zero));
	assert_memory_equal(c, &zero, sizeof(zero));
	/* a third one is new host memory */
	struct pte_table *e = pte_table_alloc(&pool);
	assert_int_equal(pool.host_bytes, bytes + sizeof(struct pte_table));
	pte_table_free(&pool, c);
	pte_table_free(&pool, d);
	pte_table_free(&pool, e);
	pgtable_pool_destroy(&pool);
	assert_null(pool.free_pte);
}

#if SIM_DEBUG_VM >= 1
/* Run @fn in a child; true if it died of SIGABRT (a VM_BUG_ON). */
static bool aborts(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* silence the expected report */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		fn();
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void corrupt_young(void)
{
	struct pgtable_pool pool = { 0 };
	struct pte_table *pt = pte_table_alloc(&pool);

	set_pte(pt, 1, pfn_pte(5, _PAGE_PRESENT | _PAGE_ACCESSED));
	pt->nr_young++;
	pte_table_check(pt, NULL, nid_of_pfn);
}

static void corrupt_node(void)
{
	struct pgtable_pool pool = { 0 };
	struct pte_table *pt = pte_table_alloc(&pool);

	set_pte(pt, 1, pfn_pte(5, _PAGE_PRESENT));
	pt->nr_node[5]--;
	pt->nr_node[6]++;
	pte_table_check(pt, NULL, nid_of_pfn);
}

static void free_mapped_table(void)
{
	struct pgtable_pool pool = { 0 };
	struct pte_table *pt = pte_table_alloc(&pool);

	set_pte(pt, 1, pfn_pte(5, _PAGE_PRESENT));
	pte_table_free(&pool, pt);
}

static void test_checks_fire(void **state)
{
	(void)state;
	assert_true(aborts(corrupt_young));
	assert_true(aborts(corrupt_node));
	assert_true(aborts(free_mapped_table));
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pte_encoding_round_trip),
		cmocka_unit_test(test_pte_state_lattice),
		cmocka_unit_test(test_pte_modifiers),
		cmocka_unit_test(test_pte_protnone_round_trip),
		cmocka_unit_test(test_summary_random_sequences),
		cmocka_unit_test(test_summary_full_table),
		cmocka_unit_test(test_pmd_slot_alloc_lookup),
		cmocka_unit_test(test_pmd_slot_random),
		cmocka_unit_test(test_pte_pool_reuse),
#if SIM_DEBUG_VM >= 1
		cmocka_unit_test(test_checks_fire),
#endif
	};

	return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
