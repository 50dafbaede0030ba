// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_migrate.c - the page-migration core (migrate/migrate.c):
 * every mapping follows the folio, content and counts move with it, the
 * source is freed, one shootdown per batch (none for protnone entries), the
 * failure cases; and which CPUs a shootdown reaches (cpu/tlbflush.c).
 */
#include <errno.h>

#include "testlib.h"

#include "cpu/tlbflush.h"
#include "migrate/migrate.h"

/* A process that maps @len and write-touches it from node 0, nothing else. */
static void setup(struct tl_env *e, uint64_t len, const char *const *sets)
{
	tl_env_init(e, "2node-128cpu", sets);
	tl_mmap(e, len);
	tl_start(e, 1);
}

static void touch(struct tl_env *e, uint64_t base, uint64_t len)
{
	for (uint64_t a = base; a < base + len; a += PAGE_SIZE)
		tl_fault(e, 0, a, true);
}

static const char *const small_pages[] = { "transparent_hugepage.enabled=never", NULL };
static const char *const mthp64[] = { "transparent_hugepage.enabled=never",
				      "transparent_hugepage.hugepages-64kB.enabled=always", NULL };

static uint64_t ev(struct tl_env *e, enum vm_event_item i)
{
	return e->s->vs.event[i];
}

/* A PMD-mapped THP moves whole: one PMD now maps a node-1 folio with the
 * same content version; the node-0 folio is free again. */
static void test_migrate_pmd_thp(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 4 * MiB, NULL);
	uint64_t base = tl_addr(&e, 0);
	tl_fault(&e, 0, base, true);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	assert_true(pmd_valid(slot->pmd));
	struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	assert_int_equal(folio_nid(f), 0);
	f->version = 42;
	uint64_t free0 = node_free_pages(&e.s->pm, 0), free1 = node_free_pages(&e.s->pm, 1);
	struct migrate_pages_stats st;
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), &f, 1, 1, MIGRATE_ASYNC, MR_SYSCALL, &st), 0);
	assert_int_equal(st.nr_succeeded, 512);
	assert_int_equal(st.nr_thp_succeeded, 1);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 512);
	assert_int_equal(ev(&e, THP_MIGRATION_SUCCESS), 1);
	assert_true(pmd_valid(slot->pmd));
	struct folio *nf = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	assert_int_equal(folio_nid(nf), 1);
	assert_int_equal(nf->version, 42);
	assert_int_equal(folio_entire_mapcount(nf), 1);
	assert_true(pmd_write(slot->pmd) && pmd_dirty(slot->pmd));
	assert_int_equal(node_free_pages(&e.s->pm, 0), free0 + 512);
	assert_int_equal(node_free_pages(&e.s->pm, 1), free1 - 512);
	assert_int_equal(tl_mm(&e)->rss_node[0], 0);
	assert_int_equal(tl_mm(&e)->rss_node[1], 512);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* A PTE-mapped 64 KiB folio: all 16 PTEs follow, per-page mapcounts move. */
static void test_migrate_pte_mapped_large(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 1 * MiB, mthp64);
	uint64_t base = tl_addr(&e, 0);
	tl_fault(&e, 0, base, true);
	struct folio *f = tl_folio_at(&e, base);
	assert_int_equal(folio_order(f), 4);
	struct migrate_pages_stats st;
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), &f, 1, 1, MIGRATE_ASYNC, MR_SYSCALL, &st), 0);
	assert_int_equal(st.nr_succeeded, 16);
	assert_int_equal(st.nr_thp_succeeded, 0);	/* not PMD-size: no thp_migration_* */
	struct folio *nf = tl_folio_at(&e, base);
	assert_int_equal(folio_nid(nf), 1);
	assert_int_equal(folio_mapcount(nf), 16);
	for (uint32_t i = 0; i < 16; i++) {
		pte_t p = tl_pte(&e, base + i * PAGE_SIZE);
		assert_int_equal(pte_pfn(p), folio_pfn(&e.s->pm, nf) + i);
		assert_int_equal(pte_nid(p), 1);
		assert_true(pte_write(p));
		assert_int_equal(pfn_folio(&e.s->pm, pte_pfn(p))->mapcount, 1);
	}
	sim_audit(e.s);
	tl_env_free(&e);
}

/* One batch, one shootdown: many folios unmapped, then a single flush. */
static void test_batched_flush(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 1 * MiB, small_pages);
	uint64_t base = tl_addr(&e, 0);
	touch(&e, base, 64 * PAGE_SIZE);
	/* another CPU runs the mm, so may cache its translations */
	switch_mm_irqs_off(e.s, tl_cpu(&e, 1), tl_mm(&e));
	struct folio *f[64];
	for (uint32_t i = 0; i < 64; i++)
		f[i] = tl_folio_at(&e, base + i * PAGE_SIZE);
	uint64_t before = ev(&e, NR_TLB_REMOTE_FLUSH);
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), f, 64, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH) - before, 1);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 64);
	for (uint32_t i = 0; i < 64; i++)
		assert_int_equal(pte_nid(tl_pte(&e, base + i * PAGE_SIZE)), 1);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* numastat and pgalloc_normal over all nodes. */
static uint64_t numa_sum(const struct sim *s, enum numa_stat_item i)
{
	uint64_t n = 0;
	for (uint32_t nid = 0; nid < s->m.nr_nodes; nid++)
		n += s->vs.numa[nid][i];
	return n;
}

/*
 * zone_statistics() runs for every buddy allocation (rmqueue), migration
 * targets included: each destination is a numa_hit on the node asked for,
 * numa_other there when another node's CPU migrates, and pgalloc_normal
 * counts its pages. One count per allocation, so a THP is one numa_hit.
 */
static void test_numastat_counts_migration(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 4 * MiB, small_pages);
	struct sim *s = e.s;
	uint64_t base = tl_addr(&e, 0);
	touch(&e, base, 64 * PAGE_SIZE);
	assert_int_equal(s->vs.numa[0][NUMA_HIT], 64);
	struct folio *f[64];
	for (uint32_t i = 0; i < 64; i++)
		f[i] = tl_folio_at(&e, base + i * PAGE_SIZE);
	uint64_t hit1 = s->vs.numa[1][NUMA_HIT], other1 = s->vs.numa[1][NUMA_OTHER];
	uint64_t alloc = ev(&e, PGALLOC);
	assert_int_equal(migrate_pages(s, tl_cpu(&e, 0), f, 64, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
	if (s->vs.numa[1][NUMA_HIT] != hit1 + 64)
		fail_msg("64 pages migrated to node 1: numa_hit[1] %llu -> %llu; Linux counts every "
			 "migration target in zone_statistics()", (unsigned long long)hit1,
			 (unsigned long long)s->vs.numa[1][NUMA_HIT]);
	assert_int_equal(s->vs.numa[1][NUMA_OTHER], other1 + 64);	/* a node-0 CPU moved them */
	assert_int_equal(ev(&e, PGALLOC), alloc + 64);
	assert_int_equal(numa_sum(s, NUMA_HIT) + numa_sum(s, NUMA_MISS), ev(&e, PGALLOC));
	assert_int_equal(numa_sum(s, NUMA_LOCAL) + numa_sum(s, NUMA_OTHER), ev(&e, PGALLOC));
	tl_env_free(&e);

	/* a PMD THP: one allocation, 512 pages */
	setup(&e, 4 * MiB, NULL);
	s = e.s;
	base = tl_addr(&e, 0);
	tl_fault(&e, 0, base, true);
	struct folio *thp = pfn_folio(&s->pm, pmd_pfn(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd));
	hit1 = s->vs.numa[1][NUMA_HIT];
	alloc = ev(&e, PGALLOC);
	assert_int_equal(migrate_pages(s, tl_cpu(&e, 1), &thp, 1, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
	assert_int_equal(s->vs.numa[1][NUMA_HIT], hit1 + 1);
	assert_int_equal(s->vs.numa[1][NUMA_LOCAL], 1);		/* a node-1 CPU moved it */
	assert_int_equal(ev(&e, PGALLOC), alloc + 512);
	tl_env_free(&e);
}

/* A whole run with 4 KiB pages only: every allocation, at fault or as a
 * migration target, is a hit or a miss somewhere. */
static void test_numastat_sums_over_a_run(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "transparent_hugepage.enabled=never",
				     "numa_balancing.scan_delay_ms=10",
				     "numa_balancing.scan_period_min_ms=10", NULL };
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa02:size=64M,loops=200", sets, 1);
	assert_true(s->vs.event[NUMA_PAGE_MIGRATE] > 0);
	assert_int_equal(numa_sum(s, NUMA_HIT) + numa_sum(s, NUMA_MISS), s->vs.event[PGALLOC]);
	assert_int_equal(numa_sum(s, NUMA_MISS), numa_sum(s, NUMA_FOREIGN));
	tl_env_free(&e);
}

/* Entries that are protnone cannot be in any TLB: migrating such folios
 * needs no shootdown at all. */
static void test_no_flush_for_protnone(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 1 * MiB, small_pages);
	uint64_t base = tl_addr(&e, 0);
	touch(&e, base, 8 * PAGE_SIZE);
	switch_mm_irqs_off(e.s, tl_cpu(&e, 1), tl_mm(&e));	/* another CPU runs the mm */
	struct folio *f[8];
	for (uint32_t i = 0; i < 8; i++) {
		struct pte_table *pt = NULL;
		pte_t *p = pte_lookup(tl_mm(&e), base + i * PAGE_SIZE, &pt);
		f[i] = tl_folio_at(&e, base + i * PAGE_SIZE);
		set_pte_at(e.s, tl_mm(&e), pt, pte_index(base + i * PAGE_SIZE),
			   pte_wrprotect(pte_mkprotnone(*p)));
	}
	uint64_t remote = ev(&e, NR_TLB_REMOTE_FLUSH), local = ev(&e, NR_TLB_LOCAL_FLUSH_ALL);
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), f, 8, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH), remote);
	assert_int_equal(ev(&e, NR_TLB_LOCAL_FLUSH_ALL), local);
	/* the copies are mapped, present again, without write permission */
	for (uint32_t i = 0; i < 8; i++) {
		pte_t p = tl_pte(&e, base + i * PAGE_SIZE);
		assert_true(pte_valid(p) && !pte_write(p));
		assert_int_equal(pte_nid(p), 1);
	}
	tl_env_free(&e);
}

/* Pinned folios cannot move (-EAGAIN); an empty destination (-ENOMEM). */
static void test_failures(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 1 * MiB, small_pages);
	uint64_t base = tl_addr(&e, 0);
	touch(&e, base, 2 * PAGE_SIZE);
	struct folio *pinned = tl_folio_at(&e, base);
	pinned->pincount = 1;
	uint64_t pfn = folio_pfn(&e.s->pm, pinned);
	switch_mm_irqs_off(e.s, tl_cpu(&e, 1), tl_mm(&e));	/* another CPU runs the mm */
	uint64_t flushes = ev(&e, NR_TLB_REMOTE_FLUSH), free1 = node_free_pages(&e.s->pm, 1);
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), &pinned, 1, 1, MIGRATE_ASYNC, MR_SYSCALL,
				       NULL), 1);
	assert_int_equal(ev(&e, PGMIGRATE_FAIL), 1);
	/* unmapped, flushed and restored once per pass: the price of a pin */
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH) - flushes, NR_MAX_MIGRATE_PAGES_RETRY);
	assert_int_equal(pte_pfn(tl_pte(&e, base)), pfn);
	assert_true(pte_write(tl_pte(&e, base)));
	assert_int_equal(node_free_pages(&e.s->pm, 1), free1);	/* no copy left behind */
	pinned->pincount = 0;

	struct tl_held held = { 0 };
	tl_drain_node(&e.s->pm, 1, 0, &held);
	struct folio *f = tl_folio_at(&e, base + PAGE_SIZE);
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), &f, 1, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 1);
	assert_int_equal(ev(&e, PGMIGRATE_FAIL), 2);
	assert_int_equal(pte_nid(tl_pte(&e, base + PAGE_SIZE)), 0);
	/* -ENOMEM stops the whole list: with room for one page on node 1, the
	 * first folio moves and the others stay untouched */
	touch(&e, base + 2 * PAGE_SIZE, 2 * PAGE_SIZE);
	/* marks one page below what is free: exactly one allocation fits */
	uint64_t room = node_free_pages(&e.s->pm, 1) - 1;
	e.s->pm.node[1].watermark[WMARK_MIN] = e.s->pm.node[1].watermark[WMARK_LOW] = room;
	struct folio *three[3] = { f, tl_folio_at(&e, base + 2 * PAGE_SIZE),
				   tl_folio_at(&e, base + 3 * PAGE_SIZE) };
	assert_int_equal(migrate_pages(e.s, tl_cpu(&e, 0), three, 3, 1, MIGRATE_ASYNC, MR_SYSCALL,
				       NULL), 2);
	assert_int_equal(pte_nid(tl_pte(&e, base + PAGE_SIZE)), 1);
	assert_int_equal(pte_nid(tl_pte(&e, base + 2 * PAGE_SIZE)), 0);
	assert_int_equal(pte_nid(tl_pte(&e, base + 3 * PAGE_SIZE)), 0);
	/* and NUMA balancing's own check refuses a node short of memory */
	f = tl_folio_at(&e, base + 2 * PAGE_SIZE);
	assert_int_not_equal(migrate_misplaced_folio_prepare(e.s, tl_cpu(&e, 0), f, 1), 0);
	assert_int_equal(migrate_misplaced_folio_prepare(e.s, tl_cpu(&e, 0), f, 0), 0);
	tl_held_free(&held);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* The oracle: after a migration, a CPU whose flush was skipped reads the
 * old copy (stale); with the flush, nothing is stale. */
static void test_oracle_sees_skipped_migration_flush(void **state)
{
	(void)state;
	for (int skip = 0; skip <= 1; skip++) {
		const char *const sets[] = { "transparent_hugepage.enabled=never",
					     skip ? "numasim.debug_skip_flush=1" : "numasim.debug_skip_flush=0",
					     NULL };
		struct tl_env e;
		tl_env_init(&e, "2node-128cpu", sets);
		uint32_t r = tl_mmap(&e, 64 * PAGE_SIZE);
		struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_SWEEP);
		ph->region = r;
		ph->len = 64 * PAGE_SIZE;
		ph->count = 1;
		ph->access = WL_WRITE;
		tl_start(&e, 1);
		/* the main task's CPU has the translations in its TLB; it runs
		 * the mm again (not idle, so not in lazy TLB mode) */
		struct cpu *c = &e.s->cpus[e.s->tasks[0]->cpu];
		switch_mm_irqs_off(e.s, c, tl_mm(&e));
		uint64_t base = tl_addr(&e, 0);
		struct folio *f = tl_folio_at(&e, base);
		assert_int_equal(migrate_pages(e.s, c, &f, 1, 1 - c->node, MIGRATE_ASYNC, MR_SYSCALL,
					       NULL), 0);
		/* write the live copy, then let the CPU write through its TLB */
		tl_folio_at(&e, base)->version++;
		bool huge;
		struct tlb_entry *te = tlb_lookup(&c->tlb, tl_mm(&e)->id, base, &huge);
		if (skip) {
			assert_non_null(te);	/* still cached: the shootdown never came */
			assert_true(c->tlb_maybe_stale);
		} else {
			assert_null(te);
		}
		tl_env_free(&e);
	}
}

/*
 * split_folio: a PMD-mapped THP becomes 512 PTE-mapped base folios with the
 * THP's content and consecutive indexes; the unmapped pages of a partly
 * unmapped mTHP are freed; a pinned folio does not split.
 */
static void test_split_folio(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 4 * MiB, NULL);
	uint64_t base = tl_addr(&e, 0);
	tl_fault(&e, 0, base, true);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	struct folio *f = pfn_folio(&e.s->pm, pmd_pfn(slot->pmd));
	f->version = 7;
	uint32_t index = f->index;
	f->pincount = 1;
	assert_int_equal(split_folio(e.s, tl_cpu(&e, 0), f), -EAGAIN);
	f->pincount = 0;
	assert_int_equal(split_folio(e.s, tl_cpu(&e, 0), f), 0);
	assert_int_equal(slot->pmd.val, 0);
	for (uint32_t i = 0; i < PTRS_PER_PTE; i++) {
		struct folio *p = tl_folio_at(&e, base + i * PAGE_SIZE);
		assert_int_equal(folio_order(p), 0);
		assert_int_equal(p->version, 7);
		assert_int_equal(p->index, index + i);
		assert_int_equal(p->mapcount, 1);
		assert_int_equal(p->refcount, 1);
		assert_true(folio_test(p, PG_anon) && folio_test(p, PG_anon_exclusive));
	}
	assert_int_equal(ev(&e, THP_SPLIT_PAGE), 1);
	assert_int_equal(e.s->vs.mthp[PMD_ORDER][MTHP_STAT_NR_ANON], 0);
	sim_audit(e.s);
	tl_env_free(&e);

	setup(&e, 1 * MiB, mthp64);
	base = tl_addr(&e, 0);
	tl_fault(&e, 0, base, true);
	f = tl_folio_at(&e, base);
	assert_int_equal(folio_order(f), 4);
	assert_int_equal(sys_munmap(e.s, tl_cpu(&e, 0), tl_mm(&e), base + 4 * PAGE_SIZE,
				    4 * PAGE_SIZE), 0);
	uint64_t free0 = e.s->pm.node[0].nr_free_pages;
	assert_int_equal(split_folio(e.s, tl_cpu(&e, 0), f), 0);
	assert_int_equal(e.s->pm.node[0].nr_free_pages, free0 + 4);
	assert_int_equal(ev(&e, SIM_MTHP_SPLIT_PAGE), 1);
	assert_int_equal(tl_folio_at(&e, base + 8 * PAGE_SIZE)->index, f->index + 8);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* Plant the translation a CPU would cache after touching @addr. */
static void cache_translation(struct tl_env *e, struct cpu *c, uint64_t addr)
{
	pte_t p = tl_pte(e, addr);
	tlb_insert(&c->tlb, tlb_key(tl_mm(e)->id, addr), pte_pfn(p), pte_nid(p), false, false);
}

static bool cached(struct tl_env *e, struct cpu *c, uint64_t addr)
{
	bool huge;
	return tlb_lookup(&c->tlb, tl_mm(e)->id, addr, &huge) != NULL;
}

/*
 * Who receives a shootdown (x86 should_flush_tlb, should_trim_cpumask,
 * switch_mm_irqs_off): an idle CPU in lazy TLB mode gets no IPI and flushes
 * when it loads the mm again; a CPU running another mm gets one only when
 * the once-a-second trim is due, and then leaves mm_cpumask; a CPU that
 * runs more address spaces than it has ASIDs drops the oldest one's entries.
 */
static void test_shootdown_targets(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 1 * MiB, small_pages);
	uint64_t base = tl_addr(&e, 0);
	touch(&e, base, 2 * PAGE_SIZE);
	struct mm_struct *mm = tl_mm(&e), *other = mm_create(e.s);
	struct cpu *a = tl_cpu(&e, 0), *b = tl_cpu(&e, 1);
	switch_mm_irqs_off(e.s, a, mm);
	switch_mm_irqs_off(e.s, b, mm);
	cache_translation(&e, b, base);

	/* b goes idle (sched_pick_next found nothing): lazy, skipped */
	b->tlb_lazy = true;
	uint64_t recv = ev(&e, NR_TLB_REMOTE_FLUSH_RECEIVED), sent = ev(&e, NR_TLB_REMOTE_FLUSH);
	flush_tlb_mm_range(e.s, a, mm, base, base + PAGE_SIZE, false);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH_RECEIVED), recv);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH), sent);
	assert_true(cached(&e, b, base));
	assert_true(cpu_tlb_ctx_behind(b, mm));
	sim_audit(e.s);		/* a stale entry behind its tlb_gen is allowed */
	switch_mm_irqs_off(e.s, b, mm);	/* a task of the mm runs on b again */
	assert_false(cached(&e, b, base));
	assert_false(cpu_tlb_ctx_behind(b, mm));
	assert_false(b->tlb_lazy);

	/* b runs another mm: no IPI until the trim is due, then one, and b
	 * leaves mm_cpumask */
	cache_translation(&e, b, base);
	switch_mm_irqs_off(e.s, b, other);
	flush_tlb_mm_range(e.s, a, mm, base, base + PAGE_SIZE, false);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH_RECEIVED), recv);
	assert_true(cpumask_test(&mm->cpumask, b->id));
	assert_true(cpu_tlb_ctx_behind(b, mm));
	a->now += 2 * NSEC_PER_SEC;
	flush_tlb_mm_range(e.s, a, mm, base, base + PAGE_SIZE, false);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH_RECEIVED), recv + 1);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH), sent + 1);
	assert_false(cpumask_test(&mm->cpumask, b->id));
	a->now += 2 * NSEC_PER_SEC;	/* due again, but b is no longer a target */
	flush_tlb_mm_range(e.s, a, mm, base, base + PAGE_SIZE, false);
	assert_int_equal(ev(&e, NR_TLB_REMOTE_FLUSH_RECEIVED), recv + 1);
	/* back on mm: in the mask again, the missed flushes done at the switch */
	switch_mm_irqs_off(e.s, b, mm);
	assert_true(cpumask_test(&mm->cpumask, b->id));
	assert_false(cached(&e, b, base));
	sim_audit(e.s);

	/* TLB_NR_DYN_ASIDS more address spaces evict mm's ASID and its entries */
	cache_translation(&e, b, base);
	for (uint32_t i = 0; i < TLB_NR_DYN_ASIDS; i++)
		switch_mm_irqs_off(e.s, b, i ? mm_create(e.s) : other);
	assert_false(cached(&e, b, base));
	for (uint32_t i = 0; i < TLB_NR_DYN_ASIDS; i++)
		assert_int_not_equal(b->ctxs[i].mm_id, mm->id);
	sim_audit(e.s);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_pmd_thp),
		cmocka_unit_test(test_migrate_pte_mapped_large),
		cmocka_unit_test(test_batched_flush),
		cmocka_unit_test(test_numastat_counts_migration),
		cmocka_unit_test(test_numastat_sums_over_a_run),
		cmocka_unit_test(test_no_flush_for_protnone),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_oracle_sees_skipped_migration_flush),
		cmocka_unit_test(test_shootdown_targets),
		cmocka_unit_test(test_split_folio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
