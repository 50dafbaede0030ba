// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_fork.c - fork with copy-on-write (mem/fork.c, WL_FORK, the
 * forkcow workload).
 *
 * Semantics are Linux's (kernel/fork.c dup_mmap, mm/memory.c copy_page_range,
 * mm/huge_memory.c copy_huge_pmd):
 *   - after fork every anonymous folio is mapped by both processes, read-only
 *     in both, mapcount and refcount one higher, PageAnonExclusive clear;
 *     a PMD THP stays PMD-mapped in both (entire_mapcount 2);
 *   - the zero page and the huge zero page are mapped again, uncounted;
 *   - a write on either side copies (do_wp_page); a write to a shared PMD THP
 *     splits that mapping and copies the one page; once the other side has
 *     its copy, the remaining mapping of a small folio is reused;
 *   - a pinned exclusive folio is copied for the child during fork;
 *   - dup_mmap flushes the parent's TLB: without that flush
 *     (numasim.debug_skip_flush) the parent keeps writing through writable
 *     translations of now-shared pages, and the oracle reports lost writes.
 *
 * Workloads here run to the end before the test looks: a process that does
 * nothing after the fork leaves the post-fork state in place. In the debug
 * build sim_audit() runs at every phase end (SIM_DEBUG_VM=3), and the tests
 * call it again at the end.
 */
#include "testlib.h"

#include "mem/fork.h"

#define REGION (1 * MiB)
#define REGION_PAGES (REGION / PAGE_SIZE)

static const char *const thp_never[] = { "transparent_hugepage.enabled=never", NULL };
static const char *const skip_flush[] = {
	"transparent_hugepage.enabled=never",
	"numasim.debug_skip_flush=1",
	NULL,
};

/* ---- helpers ---- */

static struct mm_struct *mm_of(struct tl_env *e, uint32_t id)
{
	assert_true(id < e->s->nr_mms);
	return e->s->mms[id];
}

static pte_t pte_in(struct mm_struct *mm, uint64_t addr)
{
	struct pte_table *pt;
	pte_t *p = pte_lookup(mm, addr, &pt);

	return p ? *p : (pte_t){ 0 };
}

static struct pmd_slot *pmd_in(struct mm_struct *mm, uint64_t addr)
{
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);

	assert_non_null(slot);
	return slot;
}

static uint64_t rss_of(struct mm_struct *mm)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < MAX_NUMNODES; i++)
		n += mm->rss_node[i];
	return n;
}

/* Append a fork of a new program to the main program; return that program. */
static uint32_t add_fork(struct tl_env *e)
{
	uint32_t child = wl_add_program(&e->wl);

	wl_add_phase(&e->wl, e->prog, WL_FORK)->target = child;
	return child;
}

static void add_compute(struct tl_env *e, uint32_t prog, uint64_t ns)
{
	wl_add_phase(&e->wl, prog, WL_COMPUTE)->ns = ns;
}

/* Which mms an rmap walk reports, as a bit mask, and how many entries. */
struct seen {
	uint64_t mms;
	uint32_t ptes, pmds;
};

static bool note_mapping(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			 struct pmd_slot *pmd, void *arg)
{
	struct seen *w = arg;

	(void)s, (void)addr;
	w->mms |= 1ull << mm->id;
	w->ptes += pte != NULL;
	w->pmds += pmd != NULL;
	return true;
}

static struct seen walk(struct tl_env *e, struct folio *f)
{
	struct seen w = { 0 };

	rmap_walk(e->s, f, note_mapping, &w);
	return w;
}

static void assert_no_damage(struct tl_env *e)
{
	assert_oracle_clean(e->s);
	VM_AUDIT(sim_audit(e->s));
}

/* ---- sharing ---- */

/* Small folios: shared, read-only on both sides, counted twice. */
static void test_fork_shares_pages(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, REGION);
	uint32_t z = tl_mmap(&e, REGION);
	wl_add_sweep(&e.wl, e.prog, r, 0, REGION, 1, WL_WRITE);
	wl_add_sweep(&e.wl, e.prog, z, 0, REGION, 1, WL_READ);	/* the zero page */
	uint32_t child = add_fork(&e);
	add_compute(&e, child, 1000);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	assert_int_equal(e.s->nr_mms, 2);
	assert_int_equal(e.s->nr_tasks, 2);
	struct mm_struct *pm = mm_of(&e, 0), *cm = mm_of(&e, 1);
	struct task *ct = e.s->tasks[1];
	assert_ptr_equal(ct->mm, cm);
	assert_int_equal(ct->proc, 1);
	assert_int_equal(ct->tgid, ct->pid);
	assert_ptr_equal(ct->parent, e.s->tasks[0]);
	/* same layout */
	assert_int_equal(cm->nr_vmas, pm->nr_vmas);
	assert_int_equal(cm->nr_regions, pm->nr_regions);
	assert_int_equal(cm->mmap_base, pm->mmap_base);
	for (uint32_t i = 0; i < pm->nr_vmas; i++) {
		assert_int_equal(cm->vmas[i].vm_start, pm->vmas[i].vm_start);
		assert_int_equal(cm->vmas[i].vm_end, pm->vmas[i].vm_end);
		assert_int_equal(cm->vmas[i].vm_flags, pm->vmas[i].vm_flags);
		assert_int_equal(cm->vmas[i].anon_vma, pm->vmas[i].anon_vma);
	}
	uint64_t base = pm->region_addr[r];
	assert_int_equal(cm->region_addr[r], base);
	for (uint64_t a = base; a < base + REGION; a += PAGE_SIZE) {
		pte_t pp = pte_in(pm, a), cp = pte_in(cm, a);
		assert_true(pte_present(pp) && pte_present(cp));
		assert_int_equal(pte_pfn(pp), pte_pfn(cp));
		assert_false(pte_write(pp));
		assert_false(pte_write(cp));
		struct folio *f = page_folio(&e.s->pm, pte_pfn(pp));
		assert_int_equal(folio_mapcount(f), 2);
		assert_int_equal(folio_ref_count(f), 2);
		assert_false(folio_test(f, PG_anon_exclusive));
		struct seen w = walk(&e, f);
		assert_int_equal(w.mms, 3);	/* mm 0 and mm 1 */
		assert_int_equal(w.ptes, 2);
	}
	/* zero-page entries copied as they are */
	for (uint64_t a = pm->region_addr[z]; a < pm->region_addr[z] + REGION; a += PAGE_SIZE) {
		assert_true(pte_special(pte_in(cm, a)));
		assert_int_equal(pte_pfn(pte_in(cm, a)), e.s->zero_pfn);
	}
	/* both resident in full, only one copy in memory */
	assert_int_equal(rss_of(pm), REGION_PAGES);
	assert_int_equal(rss_of(cm), REGION_PAGES);
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		assert_int_equal(cm->rss_node[n], pm->rss_node[n]);
	/* the parent's TLB was flushed in full; nothing copied */
	assert_true(e.s->vs.event[NR_TLB_LOCAL_FLUSH_ALL] >= 1);
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 0);
	/* the child's anon_vmas know it */
	const struct anon_vma *av = &e.s->anon_vmas[pm->vmas[0].anon_vma];
	assert_int_equal(av->nr_mms, 2);
	assert_no_damage(&e);
	tl_env_free(&e);
}

/* A PMD THP stays PMD-mapped in both; the huge zero page is mapped again. */
static void test_fork_shares_thp(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	uint32_t z = tl_mmap(&e, 2 * MiB);
	wl_add_sweep(&e.wl, e.prog, r, 0, 4 * MiB, 1, WL_WRITE);
	wl_add_sweep(&e.wl, e.prog, z, 0, 2 * MiB, 1, WL_READ);
	add_compute(&e, add_fork(&e), 1000);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	struct mm_struct *pm = mm_of(&e, 0), *cm = mm_of(&e, 1);
	assert_int_equal(e.s->vs.event[THP_FAULT_ALLOC], 2);
	for (uint64_t off = 0; off < 4 * MiB; off += PMD_SIZE) {
		struct pmd_slot *ps = pmd_in(pm, pm->region_addr[r] + off);
		struct pmd_slot *cs = pmd_in(cm, cm->region_addr[r] + off);
		assert_true(pmd_present(ps->pmd) && pmd_present(cs->pmd));
		assert_null(cs->pt);
		assert_int_equal(pmd_pfn(ps->pmd), pmd_pfn(cs->pmd));
		assert_false(pmd_write(ps->pmd));
		assert_false(pmd_write(cs->pmd));
		struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(ps->pmd));
		assert_int_equal(folio_entire_mapcount(f), 2);
		assert_int_equal(folio_mapcount(f), 2);
		assert_int_equal(folio_ref_count(f), 2);
		assert_false(folio_test(f, PG_anon_exclusive));
		struct seen w = walk(&e, f);
		assert_int_equal(w.mms, 3);
		assert_int_equal(w.pmds, 2);
	}
	struct pmd_slot *zs = pmd_in(cm, cm->region_addr[z]);
	assert_true(pmd_special(zs->pmd));
	assert_int_equal(pmd_pfn(zs->pmd), e.s->huge_zero_pfn);
	assert_int_equal(rss_of(cm), 4 * MiB / PAGE_SIZE);
	assert_int_equal(e.s->vs.event[THP_SPLIT_PMD], 0);
	assert_no_damage(&e);
	tl_env_free(&e);
}

/* A PTE-mapped large folio (64 KiB mTHP): every page mapped twice. */
static void test_fork_shares_mthp(void **state)
{
	(void)state;
	struct tl_env e;
	static const char *const only_64k[] = {
		"transparent_hugepage.enabled=never",
		"transparent_hugepage.hugepages-2048kB.enabled=never",
		"transparent_hugepage.hugepages-64kB.enabled=always",
		NULL,
	};

	tl_env_init(&e, "2node-128cpu", only_64k);
	uint32_t r = tl_mmap(&e, REGION);
	wl_add_sweep(&e.wl, e.prog, r, 0, REGION, 1, WL_WRITE);
	add_compute(&e, add_fork(&e), 1000);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	struct mm_struct *pm = mm_of(&e, 0), *cm = mm_of(&e, 1);
	for (uint64_t off = 0; off < REGION; off += 64 * KiB) {
		uint64_t a = pm->region_addr[r] + off;
		struct folio *f = page_folio(&e.s->pm, pte_pfn(pte_in(pm, a)));
		assert_int_equal(folio_order(f), 4);
		assert_int_equal(folio_mapcount(f), 2 * 16);
		assert_int_equal(folio_ref_count(f), 2 * 16);
		assert_false(folio_test(f, PG_anon_exclusive));
		for (uint32_t i = 0; i < 16; i++) {
			assert_int_equal(f[i].mapcount, 2);
			assert_int_equal(pte_pfn(pte_in(cm, a + i * PAGE_SIZE)),
					 folio_pfn(&e.s->pm, f) + i);
			assert_false(pte_write(pte_in(cm, a + i * PAGE_SIZE)));
			assert_false(pte_write(pte_in(pm, a + i * PAGE_SIZE)));
		}
		struct seen w = walk(&e, f);
		assert_int_equal(w.mms, 3);
		assert_int_equal(w.ptes, 2 * 16);
	}
	assert_no_damage(&e);
	tl_env_free(&e);
}

/* ---- copy on write ---- */

/* The child writes one page: it gets a copy; the parent's page is left alone. */
static void test_fork_child_write_copies(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, REGION);
	wl_add_sweep(&e.wl, e.prog, r, 0, REGION, 1, WL_WRITE);
	uint32_t child = add_fork(&e);
	wl_add_sweep(&e.wl, child, r, 0, PAGE_SIZE, 1, WL_WRITE);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	struct mm_struct *pm = mm_of(&e, 0), *cm = mm_of(&e, 1);
	uint64_t a = pm->region_addr[r];
	pte_t pp = pte_in(pm, a), cp = pte_in(cm, a);
	assert_int_not_equal(pte_pfn(pp), pte_pfn(cp));
	assert_true(pte_write(cp));
	assert_false(pte_write(pp));
	struct folio *pf = page_folio(&e.s->pm, pte_pfn(pp));
	struct folio *cf = page_folio(&e.s->pm, pte_pfn(cp));
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 1);
	/* the child's copy: its own, one write newer */
	assert_int_equal(folio_mapcount(cf), 1);
	assert_true(folio_test(cf, PG_anon_exclusive));
	assert_int_equal(cf->version, pf->version + 1);
	/* the parent's: mapped once now, but still not marked exclusive */
	assert_int_equal(folio_mapcount(pf), 1);
	assert_int_equal(folio_ref_count(pf), 1);
	assert_false(folio_test(pf, PG_anon_exclusive));
	struct seen w = walk(&e, pf);
	assert_int_equal(w.mms, 1);
	/* the other pages are still shared */
	assert_int_equal(folio_mapcount(page_folio(&e.s->pm, pte_pfn(pte_in(pm, a + PAGE_SIZE)))), 2);
	/* the copy replaced a page: the child's footprint is the same */
	assert_int_equal(rss_of(cm), REGION_PAGES);
	assert_int_equal(rss_of(pm), REGION_PAGES);
	assert_no_damage(&e);

	/* the parent writing it now reuses its page (do_wp_page: sole user) */
	uint64_t reuse = e.s->vs.event[PGREUSE];
	tl_fault(&e, 0, a, true);
	assert_int_equal(e.s->vs.event[PGREUSE], reuse + 1);
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 1);
	assert_int_equal(pte_pfn(pte_in(pm, a)), folio_pfn(&e.s->pm, pf));
	assert_true(pte_write(pte_in(pm, a)));
	assert_true(folio_test(pf, PG_anon_exclusive));
	/* a still-shared page is copied instead */
	tl_fault(&e, 0, a + PAGE_SIZE, true);
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 2);
	VM_AUDIT(sim_audit(e.s));
	tl_env_free(&e);
}

/* The child writes into a shared PMD THP: that mapping is split, one page copied. */
static void test_fork_child_write_splits_thp(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 2 * MiB);
	wl_add_sweep(&e.wl, e.prog, r, 0, 2 * MiB, 1, WL_WRITE);
	uint32_t child = add_fork(&e);
	wl_add_sweep(&e.wl, child, r, 0, PAGE_SIZE, 1, WL_WRITE);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	struct mm_struct *pm = mm_of(&e, 0), *cm = mm_of(&e, 1);
	uint64_t a = pm->region_addr[r];
	assert_int_equal(e.s->vs.event[THP_SPLIT_PMD], 1);
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 1);
	struct pmd_slot *ps = pmd_in(pm, a), *cs = pmd_in(cm, a);
	assert_true(pmd_present(ps->pmd));	/* the parent's mapping is untouched */
	assert_false(pmd_write(ps->pmd));
	assert_int_equal(cs->pmd.val, 0);
	assert_non_null(cs->pt);
	struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(ps->pmd));
	pte_t first = pte_in(cm, a), second = pte_in(cm, a + PAGE_SIZE);
	assert_true(pte_write(first));
	assert_int_not_equal(pte_pfn(first), folio_pfn(&e.s->pm, f));
	assert_false(pte_write(second));
	assert_int_equal(pte_pfn(second), folio_pfn(&e.s->pm, f) + 1);
	/* the parent's PMD, plus the child's 511 remaining PTEs */
	assert_int_equal(folio_entire_mapcount(f), 1);
	assert_int_equal(folio_mapcount(f), 1 + PTRS_PER_PTE - 1);
	assert_int_equal(folio_ref_count(f), PTRS_PER_PTE);
	assert_int_equal(f[0].mapcount, 0);
	assert_int_equal(f[1].mapcount, 1);
	struct seen w = walk(&e, f);
	assert_int_equal(w.mms, 3);
	assert_int_equal(w.pmds, 1);
	assert_int_equal(w.ptes, PTRS_PER_PTE - 1);
	assert_int_equal(rss_of(cm), PTRS_PER_PTE);
	assert_no_damage(&e);
	tl_env_free(&e);
}

/* ---- the flush ---- */

/* mmap, write, fork (the child idles), write again. */
static void run_write_after_fork(const char *const *sets, struct tl_env *e)
{
	tl_env_init(e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(e, REGION);
	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
	add_compute(e, add_fork(e), 1000);
	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
	wl_add_phase(&e->wl, e->prog, WL_JOIN);
	tl_start(e, 1);
}

static void test_fork_flushes_parent_tlb(void **state)
{
	(void)state;
	struct tl_env e;

	/* with the flush: every write after the fork faults and copies */
	run_write_after_fork(thp_never, &e);
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], REGION_PAGES);
	assert_int_equal(e.s->vs.event[PGFAULT], 2 * REGION_PAGES);
	assert_no_damage(&e);
	tl_env_free(&e);

	/* without it (what a missing flush_tlb_mm in dup_mmap would do): the
	 * parent writes through its cached writable translations into pages the
	 * child shares; nothing faults, and the oracle sees the damage */
	run_write_after_fork(skip_flush, &e);
	assert_true(e.s->oracle.lost_writes > 0);
	assert_true(e.s->oracle.stale_accesses >= e.s->oracle.lost_writes);
	assert_true(e.s->vs.event[SIM_COW_FAULTS] < REGION_PAGES);
	tl_env_free(&e);
}

/* ---- pinned pages ---- */

/* A pinned exclusive page is copied for the child during fork. */
static void test_fork_copies_pinned(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", NULL);
	uint32_t r = tl_mmap(&e, 2 * MiB);	/* one PMD THP */
	uint32_t sm = tl_mmap(&e, 64 * KiB);	/* small folios (not PMD-sized) */
	wl_add_sweep(&e.wl, e.prog, r, 0, 2 * MiB, 1, WL_WRITE);
	wl_add_sweep(&e.wl, e.prog, sm, 0, 64 * KiB, 1, WL_WRITE);
	tl_start(&e, 1);

	struct mm_struct *pm = mm_of(&e, 0);
	uint64_t ha = pm->region_addr[r], sa = pm->region_addr[sm];
	struct folio *thp = pfn_folio(&e.s->pm, pmd_pfn(pmd_in(pm, ha)->pmd));
	struct folio *small = tl_folio_at(&e, sa);
	assert_int_equal(folio_order(thp), PMD_ORDER);
	/* pin_user_pages(): a pin and a reference */
	thp->pincount = 1;
	thp->refcount++;
	small->pincount = 1;
	small->refcount++;
	uint64_t splits = e.s->vs.event[THP_SPLIT_PMD];
	struct mm_struct *cm = dup_mm(e.s, tl_cpu(&e, 0), pm);
	assert_non_null(cm);

	/* the pinned THP: the parent's PMD was split, the child has 512 copies */
	assert_int_equal(e.s->vs.event[THP_SPLIT_PMD], splits + 1);
	assert_true(folio_test(thp, PG_anon_exclusive));
	assert_int_equal(folio_mapcount(thp), PTRS_PER_PTE);
	for (uint64_t i = 0; i < PTRS_PER_PTE; i++) {
		pte_t pp = pte_in(pm, ha + i * PAGE_SIZE), cp = pte_in(cm, ha + i * PAGE_SIZE);
		assert_true(pte_write(pp));		/* the parent keeps writing to it */
		assert_int_equal(pte_pfn(pp), folio_pfn(&e.s->pm, thp) + i);
		assert_true(pte_write(cp));
		struct folio *cf = page_folio(&e.s->pm, pte_pfn(cp));
		assert_ptr_not_equal(cf, thp);
		assert_int_equal(folio_mapcount(cf), 1);
		assert_true(folio_test(cf, PG_anon_exclusive));
		assert_int_equal(cf->version, thp->version);
	}
	/* the pinned small page: copied; the rest of its neighbours shared */
	pte_t cp = pte_in(cm, sa);
	assert_int_not_equal(pte_pfn(cp), folio_pfn(&e.s->pm, small));
	assert_true(pte_write(pte_in(pm, sa)));
	assert_int_equal(folio_mapcount(small), folio_nr_pages(small));
	if (folio_nr_pages(small) == 1) {
		struct folio *other = tl_folio_at(&e, sa + PAGE_SIZE);
		assert_int_equal(folio_mapcount(other), 2);
		assert_false(pte_write(pte_in(pm, sa + PAGE_SIZE)));
	}
	assert_int_equal(rss_of(cm), rss_of(pm));
	assert_int_equal(e.s->vs.event[SIM_COW_FAULTS], 0);
	VM_AUDIT(sim_audit(e.s));

	thp->pincount = 0;	/* unpin_user_pages() */
	thp->refcount--;
	small->pincount = 0;
	small->refcount--;
	tl_env_free(&e);
}

/* ---- processes ---- */

/* The child inherits policy and affinity; the parent's JOIN waits for it. */
static void test_fork_inherits_and_joins(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", thp_never);
	uint32_t r = tl_mmap(&e, REGION);
	wl_add_phase(&e.wl, e.prog, WL_SET_AFFINITY)->pol.nodes = 1u << 1;
	wl_add_policy(&e.wl, e.prog, MPOL_BIND, 1u << 1);
	wl_add_sweep(&e.wl, e.prog, r, 0, REGION, 1, WL_WRITE);
	uint32_t child = add_fork(&e);
	uint32_t r2 = wl_add_mmap(&e.wl, e.proc, REGION);	/* after the fork */
	wl_add_sweep(&e.wl, e.prog, r2, 0, REGION, 1, WL_WRITE);
	wl_add_sweep(&e.wl, child, r, 0, REGION, 1, WL_WRITE);
	add_compute(&e, child, 5 * NSEC_PER_MSEC);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);

	struct task *pt = e.s->tasks[0], *ct = e.s->tasks[1];
	assert_int_equal(ct->pol.mode, MPOL_BIND);
	assert_int_equal(ct->pol.nodes, 1u << 1);
	assert_int_equal(e.s->cpus[ct->cpu].node, 1);
	assert_true(ct->exit_ns <= pt->exit_ns);	/* the JOIN waited */
	assert_true(ct->exit_ns >= ct->start_ns + 5 * NSEC_PER_MSEC);
	struct mm_struct *cm = mm_of(&e, 1);
	/* the child's copies follow its (inherited) policy */
	assert_int_equal(cm->rss_node[1], REGION_PAGES);
	assert_int_equal(cm->rss_node[0], 0);
	/* the region the parent created after the fork is not the child's */
	assert_int_equal(cm->nr_vmas, 1);
	assert_int_equal(mm_of(&e, 0)->nr_vmas, 2);
	(void)r2;
	assert_no_damage(&e);
	tl_env_free(&e);
}

/* The forkcow workload end to end. */
static void test_forkcow_workload(void **state)
{
	(void)state;
	struct tl_env e;

	tl_run_spec(&e, "2node-128cpu", "forkcow:size=4M,children=2,passes=2", NULL, 1);
	assert_int_equal(e.s->nr_mms, 3);
	assert_int_equal(e.s->nr_tasks, 3);
	for (uint32_t i = 0; i < 3; i++) {
		assert_int_equal(e.s->tasks[i]->state, TASK_DEAD);
		assert_int_equal(e.s->tasks[i]->proc, i);
		assert_int_equal(tl_region_pages(e.s, i, 0, NUMA_NO_NODE), 4 * MiB / PAGE_SIZE);
		assert_true(e.s->tasks[i]->exit_ns <= e.s->tasks[0]->exit_ns);
	}
	assert_true(e.s->vs.event[SIM_COW_FAULTS] > 0);
	assert_true(e.s->vs.event[THP_SPLIT_PMD] > 0);
	assert_no_damage(&e);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_shares_pages),
		cmocka_unit_test(test_fork_shares_thp),
		cmocka_unit_test(test_fork_shares_mthp),
		cmocka_unit_test(test_fork_child_write_copies),
		cmocka_unit_test(test_fork_child_write_splits_thp),
		cmocka_unit_test(test_fork_flushes_parent_tlb),
		cmocka_unit_test(test_fork_copies_pinned),
		cmocka_unit_test(test_fork_inherits_and_joins),
		cmocka_unit_test(test_forkcow_workload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
