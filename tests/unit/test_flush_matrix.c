// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_flush_matrix.c - every migration path against the oracle
 * (issue 15: "the oracle must catch every missing flush").
 *
 * Each case builds a tiny machine, lets a reader CPU B cache a translation
 * of a page, runs one migration path from another CPU A, has A write the
 * live copy and then B read and write the page. With the flushes the oracle
 * counts nothing; with numasim.debug_skip_flush it must count stale reads
 * and lost writes. Where a path needs no flush because its entries were
 * protnone (the hint-fault migrations: change_prot_numa() flushed when it
 * made them protnone) or device-private, the case proves that no CPU holds
 * an entry for the page before the migration, that the skip then changes
 * nothing, and that omitting the earlier protnone flush itself
 * (debug_skip_flush=2) is caught.
 *
 * The paths: NUMA hint-fault migration of an order-0 page, a PMD THP and a
 * PTE-mapped 64 KiB mTHP; demotion (migrate_pages() for MR_DEMOTION, the
 * call demote_folio_list() makes); promotion (a tiering hint fault); device
 * migration to the device and back by a CPU fault; migrc and LUF (a
 * read-only folio whose flush is deferred, settled by the write fault).
 */
#include "testlib.h"

#include "cpu/access.h"
#include "cpu/tlbflush.h"
#include "device/dmirror.h"
#include "migrate/migrate.h"
#include "numa/numa_balancing.h"

#define MTHP_PAGES 16

struct mx {
	struct tl_env e;
	struct sim *s;
	struct cpu *a, *b;	/* migrator (and writer of the live copy), reader */
	uint64_t base;
};

/* @preset with @sets, one region of @len; A and B run the process's mm on
 * CPUs of nodes @a_node and @b_node (different cores if the same node). */
static void mx_init(struct mx *x, const char *preset, const char *const *sets, uint64_t len,
		    uint32_t a_node, uint32_t b_node)
{
	tl_env_init(&x->e, preset, sets);
	tl_mmap(&x->e, len);
	tl_start(&x->e, 1);
	x->s = x->e.s;
	x->base = tl_addr(&x->e, 0);
	assert_true(IS_ALIGNED(x->base, PMD_SIZE));
	x->a = tl_cpu(&x->e, a_node);
	x->b = NULL;
	for (uint32_t c = 0; c < x->s->m.nr_cpus && !x->b; c++) {
		struct cpu *cpu = &x->s->cpus[c];
		if (cpu->node == b_node && cpu->core != x->a->core)
			x->b = cpu;
	}
	assert_non_null(x->b);
	switch_mm_irqs_off(x->s, x->a, tl_mm(&x->e));
	switch_mm_irqs_off(x->s, x->b, tl_mm(&x->e));
}

static void mx_free(struct mx *x)
{
	tl_env_free(&x->e);
}

static bool access_as(struct mx *x, struct cpu *c, uint64_t addr, enum cpu_access_kind k)
{
	return cpu_access(x->s, c, x->s->tasks[0], addr, k);
}

struct holds {
	uint64_t k4, k2;
	bool found;
};

static void holds_fn(struct tlb_entry *e, bool huge, void *arg)
{
	struct holds *h = arg;
	(void)huge;
	h->found |= e->key == h->k4 || e->key == h->k2;
}

/* Does @c's TLB (any level) hold a translation of @addr? Looks, does not
 * touch: tlb_lookup() would refill the first level. */
static bool cpu_holds(struct mx *x, struct cpu *c, uint64_t addr)
{
	uint32_t id = tl_mm(&x->e)->id;
	struct holds h = { tlb_key(id, addr), tlb_key_huge(id, addr), false };
	tlb_for_each(&c->tlb, holds_fn, &h);
	return h.found;
}

static uint32_t cpus_holding(struct mx *x, uint64_t addr)
{
	uint32_t n = 0;
	for (uint32_t c = 0; c < x->s->m.nr_cpus; c++)
		n += cpu_holds(x, &x->s->cpus[c], addr);
	return n;
}

static uint64_t flushes(const struct sim *s)
{
	return s->vs.event[NR_TLB_REMOTE_FLUSH] + s->vs.event[NR_TLB_LOCAL_FLUSH_ALL] +
	       s->vs.event[NR_TLB_LOCAL_FLUSH_ONE];
}

/* After the migration: A writes the live copy (so it differs from the old
 * one), then B reads and writes @addr. */
static void after(struct mx *x, uint64_t addr)
{
	assert_true(access_as(x, x->a, addr, ACCESS_STORE));
	assert_true(access_as(x, x->b, addr, ACCESS_LOAD));
	assert_true(access_as(x, x->b, addr, ACCESS_STORE));
}

static void assert_caught(const struct sim *s)
{
	assert_true(s->oracle.stale_reads > 0);
	assert_true(s->oracle.lost_writes > 0);
	assert_true(s->oracle.stale_accesses >= s->oracle.stale_reads + s->oracle.lost_writes);
}

static const char *skip_set(int skip)
{
	static const char *const v[] = { "numasim.debug_skip_flush=0", "numasim.debug_skip_flush=1",
					 "numasim.debug_skip_flush=2", "numasim.debug_skip_flush=3" };
	return v[skip];
}

static void prot_numa(struct mx *x, uint64_t start, uint64_t end)
{
	struct vm_area_struct *vma = find_vma(tl_mm(&x->e), start);
	change_prot_numa(x->s, x->a, x->s->tasks[0], vma, start, end);
}

static struct folio *folio_mapped_at(struct mx *x, uint64_t addr)
{
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&x->e)->pgd, addr);
	assert_non_null(slot);
	if (slot->pmd.val)
		return pfn_folio(&x->s->pm, pmd_pfn(slot->pmd));
	return tl_folio_at(&x->e, addr);
}

/* ---- NUMA hint-fault migrations: protnone, no flush to omit ---- */

/*
 * One hint-fault case: B (node 1) writes the range, which lands on node 1
 * and is cached in B's TLB; the scanner makes [0, @prot_len) of it protnone;
 * A (node 0) takes the hint fault and migrates the folio to node 0
 * (migrate_misplaced_folio(), as do_numa_page() does once it has decided).
 * @skip is numasim.debug_skip_flush.
 */
static void hint_case(struct mx *x, const char *thp, uint64_t len, uint64_t prot_len, int skip)
{
	const char *const sets[] = { "transparent_hugepage.enabled=never", thp, skip_set(skip),
				     NULL };
	mx_init(x, "2node-128cpu", sets, len, 0, 1);
	for (uint64_t a = x->base; a < x->base + len; a += PAGE_SIZE)
		assert_true(access_as(x, x->b, a, ACCESS_STORE));
	assert_int_equal(folio_nid(folio_mapped_at(x, x->base)), 1);
	assert_true(cpu_holds(x, x->b, x->base));
	prot_numa(x, x->base, x->base + prot_len);
}

static void hint_migrate(struct mx *x)
{
	struct folio *f = folio_mapped_at(x, x->base);
	const uint64_t nr = folio_nr_pages(f);
	assert_int_equal(migrate_misplaced_folio(x->s, x->a, f, 0), 0);
	assert_int_equal(x->s->vs.event[NUMA_PAGE_MIGRATE], nr);
	assert_int_equal(folio_nid(folio_mapped_at(x, x->base)), 0);
}

/*
 * The flush-free proof shared by the order-0, PMD and (for its protnone
 * part) promotion cases: after the protnone change no CPU holds an entry,
 * so the migration sends no flush and leaves no CPU stale, whether or not
 * flushes are skipped; and with the protnone flush itself omitted the
 * oracle catches B's stale entry.
 */
static void hint_protnone_matrix(const char *thp, uint64_t len)
{
	for (int skip = 0; skip <= 2; skip++) {
		struct mx x;
		hint_case(&x, thp, len, len, skip);
		if (skip == 2) {
			/* the scanner's flush omitted: B keeps its translation */
			assert_true(cpu_holds(&x, x.b, x.base));
			hint_migrate(&x);
			after(&x, x.base);
			assert_caught(x.s);
			mx_free(&x);
			continue;
		}
		/* change_prot_numa() flushed: no CPU can hold an entry */
		assert_int_equal(cpus_holding(&x, x.base), 0);
		assert_int_equal(x.s->nr_stale_cpus, 0);
		uint64_t before = flushes(x.s);
		hint_migrate(&x);
		/* protnone entries are in no TLB: no flush, none skipped */
		assert_int_equal(flushes(x.s), before);
		assert_int_equal(x.s->nr_stale_cpus, 0);
		after(&x, x.base);
		assert_oracle_clean(x.s);
		sim_audit(x.s);
		mx_free(&x);
	}
}

static void test_numa_pte(void **state)
{
	(void)state;
	hint_protnone_matrix("transparent_hugepage.enabled=never", PAGE_SIZE);
}

static void test_numa_pmd(void **state)
{
	(void)state;
	hint_protnone_matrix("transparent_hugepage.enabled=always", PMD_SIZE);
	/* and it was a PMD mapping that moved whole */
	struct mx x;
	hint_case(&x, "transparent_hugepage.enabled=always", PMD_SIZE, PMD_SIZE, 0);
	assert_true(folio_order(folio_mapped_at(&x, x.base)) == PMD_ORDER);
	hint_migrate(&x);
	assert_int_equal(x.s->vs.event[THP_MIGRATION_SUCCESS], 1);
	mx_free(&x);
}

/*
 * A PTE-mapped 64 KiB folio whose scan covered only its first half: the
 * hint fault migrates the whole folio, and its second half is still
 * present and cached by B. That half needs the migration's own flush.
 */
static void test_numa_mthp(void **state)
{
	(void)state;
	const uint64_t len = MTHP_PAGES * PAGE_SIZE, half = len / 2;
	const char *const mthp = "transparent_hugepage.hugepages-64kB.enabled=always";
	for (int skip = 0; skip <= 2; skip++) {
		struct mx x;
		hint_case(&x, mthp, len, half, skip);
		struct folio *f = folio_mapped_at(&x, x.base);
		assert_int_equal(folio_order(f), 4);
		assert_true(folio_mapped_at(&x, x.base + half) == f);
		/* protnone half: flushed unless the scanner's flush is skipped */
		assert_int_equal(cpus_holding(&x, x.base) != 0, skip == 2);
		assert_true(cpu_holds(&x, x.b, x.base + half));
		uint64_t before = x.s->vs.event[NR_TLB_REMOTE_FLUSH];
		hint_migrate(&x);
		if (skip == 1) {
			/* the present half's flush omitted: B still holds it */
			assert_int_equal(x.s->vs.event[NR_TLB_REMOTE_FLUSH], before);
			assert_true(cpu_holds(&x, x.b, x.base + half));
			after(&x, x.base + half);
			assert_caught(x.s);
			/* the protnone half was never cached: B walks, nothing stale */
			uint64_t stale = x.s->oracle.stale_accesses;
			after(&x, x.base);
			assert_int_equal(x.s->oracle.stale_accesses, stale);
		} else if (skip == 2) {
			/* the migration flushed the present half, and its batch
			 * flush is a full flush of the mm (arch_tlbbatch_flush()):
			 * it also drops what the scanner's omitted flush left */
			assert_int_equal(x.s->vs.event[NR_TLB_REMOTE_FLUSH], before + 1);
			assert_int_equal(cpus_holding(&x, x.base), 0);
			assert_int_equal(x.b->tlb.nr_skipped, 0);
			for (uint64_t a = x.base; a < x.base + len; a += PAGE_SIZE)
				after(&x, a);
			assert_oracle_clean(x.s);
		} else {
			assert_int_equal(x.s->vs.event[NR_TLB_REMOTE_FLUSH], before + 1);
			assert_int_equal(cpus_holding(&x, x.base + half), 0);
			for (uint64_t a = x.base; a < x.base + len; a += PAGE_SIZE)
				after(&x, a);
			assert_oracle_clean(x.s);
			sim_audit(x.s);
		}
		mx_free(&x);
	}
}

/* ---- tiering: demotion (present entries) and promotion (protnone) ---- */

#define TIER_SETS "kernel.numa_balancing=2", "numa.demotion_enabled=1", \
		  "transparent_hugepage.enabled=never"

/* Demotion: B (DRAM node) caches the page; reclaim demotes it to the CXL
 * node with migrate_pages(MR_DEMOTION). The mapping is present: the batch
 * flush is needed. */
static void test_demotion(void **state)
{
	(void)state;
	for (int skip = 0; skip <= 1; skip++) {
		const char *const sets[] = { TIER_SETS, skip_set(skip), NULL };
		struct mx x;
		mx_init(&x, "tiered-16cpu", sets, PAGE_SIZE, 0, 0);
		assert_true(access_as(&x, x.b, x.base, ACCESS_STORE));
		assert_true(cpu_holds(&x, x.b, x.base));
		struct folio *f = tl_folio_at(&x.e, x.base);
		assert_int_equal(folio_nid(f), 0);
		assert_int_equal(migrate_pages(x.s, x.a, &f, 1, 1, MIGRATE_ASYNC, MR_DEMOTION, NULL), 0);
		assert_int_equal(pte_nid(tl_pte(&x.e, x.base)), 1);
		assert_int_equal(cpu_holds(&x, x.b, x.base), skip);
		after(&x, x.base);
		if (skip) {
			assert_caught(x.s);
		} else {
			assert_oracle_clean(x.s);
			sim_audit(x.s);
		}
		mx_free(&x);
	}
}

/* Promotion: the page sits on the CXL node, cached by B; the tiering scan
 * makes it protnone (it is a slow-tier folio) and A's hint fault promotes
 * it. Protnone: no flush to omit, except the scanner's own. */
static void test_promotion(void **state)
{
	(void)state;
	for (int skip = 0; skip <= 2; skip++) {
		const char *const sets[] = { TIER_SETS, skip_set(skip), NULL };
		struct mx x;
		mx_init(&x, "tiered-16cpu", sets, PAGE_SIZE, 0, 0);
		assert_true(access_as(&x, x.b, x.base, ACCESS_STORE));
		struct folio *f = tl_folio_at(&x.e, x.base);
		/* put it on the slow tier (move_pages), then let B cache it */
		assert_int_equal(migrate_pages(x.s, x.a, &f, 1, 1, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
		if (skip == 1)	/* that move's own flush was skipped: start clean */
			tlb_flush_all(&x.b->tlb), tlb_settle_skipped(x.s, x.b);
		assert_true(access_as(&x, x.b, x.base, ACCESS_STORE));
		assert_true(cpu_holds(&x, x.b, x.base));
		assert_int_equal(x.s->nr_stale_cpus, 0);
		prot_numa(&x, x.base, x.base + PAGE_SIZE);
		assert_true(pte_protnone(tl_pte(&x.e, x.base)));
		assert_int_equal(cpus_holding(&x, x.base) != 0, skip == 2);
		uint64_t before = flushes(x.s);
		f = tl_folio_at(&x.e, x.base);
		assert_int_equal(migrate_misplaced_folio(x.s, x.a, f, 0), 0);
		assert_int_equal(x.s->vs.event[PGPROMOTE_SUCCESS], 1);
		assert_int_equal(flushes(x.s), before);
		after(&x, x.base);
		if (skip == 2) {
			assert_caught(x.s);
		} else {
			assert_int_equal(x.s->nr_stale_cpus, 0);
			assert_oracle_clean(x.s);
			sim_audit(x.s);
		}
		mx_free(&x);
	}
}

/* ---- device-private memory ---- */

#define DEV 1	/* gpu-1node's device node */

/*
 * To the device: the mapping is present, so migrate_vma_unmap() flushes.
 * Back: B's CPU fault on the device-private entry migrates the page to
 * system memory (dmirror_devmem_fault()); a device-private entry is in no
 * TLB, so that direction has no flush to omit.
 */
static void test_device(void **state)
{
	(void)state;
	for (int skip = 0; skip <= 1; skip++) {
		const char *const sets[] = { "transparent_hugepage.enabled=never", skip_set(skip),
					     NULL };
		struct mx x;
		mx_init(&x, "gpu-1node", sets, PAGE_SIZE, 0, 0);
		assert_true(access_as(&x, x.b, x.base, ACCESS_STORE));
		assert_true(cpu_holds(&x, x.b, x.base));
		struct dmirror_result r;
		assert_int_equal(dmirror_migrate_to_device(x.s, x.a, x.s->tasks[0], x.base,
							   x.base + PAGE_SIZE, DEV, &r), 0);
		assert_int_equal(r.moved, 1);
		assert_true(tl_pte(&x.e, x.base).val & _PAGE_DEVICE);
		if (skip) {
			/* B never faults: it writes the old system frame */
			assert_true(cpu_holds(&x, x.b, x.base));
			assert_true(access_as(&x, x.b, x.base, ACCESS_LOAD));
			assert_true(access_as(&x, x.b, x.base, ACCESS_STORE));
			assert_true(tl_pte(&x.e, x.base).val & _PAGE_DEVICE);	/* still there */
			assert_true(x.s->oracle.lost_writes > 0);
			assert_true(x.s->oracle.stale_accesses > x.s->oracle.lost_writes);
			mx_free(&x);
			continue;
		}
		assert_int_equal(cpus_holding(&x, x.base), 0);
		uint64_t before = flushes(x.s);
		/* back by B's CPU fault */
		assert_true(access_as(&x, x.b, x.base, ACCESS_LOAD));
		assert_int_equal(x.s->vs.event[SIM_DEVICE_TO_RAM_PAGES], 1);
		assert_true(pte_valid(tl_pte(&x.e, x.base)));
		assert_int_equal(flushes(x.s), before);
		after(&x, x.base);
		assert_oracle_clean(x.s);
		sim_audit(x.s);
		mx_free(&x);
	}
}

/* The way back with the flush skipped: no entry to omit, so B (which never
 * cached the device page) sees nothing stale even with debug_skip_flush=1,
 * once the way there was flushed. */
static void test_device_back_needs_no_flush(void **state)
{
	(void)state;
	const char *const sets[] = { "transparent_hugepage.enabled=never", skip_set(1), NULL };
	struct mx x;
	mx_init(&x, "gpu-1node", sets, PAGE_SIZE, 0, 0);
	assert_true(access_as(&x, x.a, x.base, ACCESS_STORE));	/* only A caches it */
	struct dmirror_result r;
	/* A gives up its entry as a flush would (skipped here), then migrates */
	tlb_flush_all(&x.a->tlb);
	assert_int_equal(dmirror_migrate_to_device(x.s, x.a, x.s->tasks[0], x.base,
						   x.base + PAGE_SIZE, DEV, &r), 0);
	tlb_settle_skipped(x.s, x.a);
	assert_int_equal(cpus_holding(&x, x.base), 0);
	assert_int_equal(x.s->nr_stale_cpus, 0);
	assert_true(access_as(&x, x.b, x.base, ACCESS_LOAD));	/* faults it back */
	assert_int_equal(x.s->vs.event[SIM_DEVICE_TO_RAM_PAGES], 1);
	assert_int_equal(x.s->nr_stale_cpus, 0);
	after(&x, x.base);
	assert_oracle_clean(x.s);
	mx_free(&x);
}

/* ---- migrc and LUF: the deferred flush settled by the write fault ---- */

/*
 * As test_migrc's setup: the page is mapped read-only and clean (after a
 * protnone migration whose entry kept no dirty bit), B caches that
 * read-only translation, and a NUMA migration defers its flush. A's write
 * to the new copy must flush B before it lands; B's read-modify-write then
 * sees it. debug_migrc_skip_write_flush omits that flush.
 */
static void deferred_case(const char *mode)
{
	for (int skip = 0; skip <= 1; skip++) {
		char m[64];
		snprintf(m, sizeof(m), "numasim.migrc=%s", mode);
		const char *const sets[] = { "transparent_hugepage.enabled=never",
					     "numasim.migration_entry_ad=0", m,
					     skip ? "numasim.debug_migrc_skip_write_flush=1" : NULL,
					     NULL };
		struct mx x;
		mx_init(&x, "2node-128cpu", sets, PAGE_SIZE, 0, 1);
		assert_true(access_as(&x, x.a, x.base, ACCESS_STORE));
		prot_numa(&x, x.base, x.base + PAGE_SIZE);
		struct folio *f = tl_folio_at(&x.e, x.base);
		assert_int_equal(migrate_pages(x.s, x.a, &f, 1, 1, MIGRATE_ASYNC, MR_NUMA_MISPLACED,
					       NULL), 0);
		pte_t p = tl_pte(&x.e, x.base);
		assert_true(pte_valid(p) && !pte_write(p) && !pte_dirty(p));
		assert_true(access_as(&x, x.b, x.base, ACCESS_LOAD));
		assert_true(cpu_holds(&x, x.b, x.base));
		f = tl_folio_at(&x.e, x.base);
		assert_int_equal(migrate_pages(x.s, x.a, &f, 1, 0, MIGRATE_ASYNC, MR_NUMA_MISPLACED,
					       NULL), 0);
		assert_int_equal(x.s->vs.event[SIM_MIGRC_DEFERRED], 1);
		assert_true(cpu_holds(&x, x.b, x.base));	/* deferred: B still has it */
		assert_true(access_as(&x, x.a, x.base, ACCESS_STORE));	/* the write fault */
		assert_true(access_as(&x, x.b, x.base, ACCESS_RMW));
		if (skip) {
			assert_true(x.s->oracle.stale_reads > 0);
			assert_true(x.s->oracle.lost_writes > 0);
		} else {
			assert_true(x.s->vs.event[SIM_MIGRC_FORCED_WRITE] > 0);
			assert_oracle_clean(x.s);
		}
		mx_free(&x);
	}
}

static void test_migrc(void **state)
{
	(void)state;
	deferred_case("1");
}

static void test_luf(void **state)
{
	(void)state;
	deferred_case("luf");
}

/* ---- the skip itself ---- */

/*
 * debug_skip_flush leaves exactly what the flush would have dropped: an
 * entry that still agrees with the page table is not marked, a CPU that
 * holds no such entry is not stale, and a CPU whose marked entries are all
 * gone (here flushed by its own switch to a fresh ASID) stops being stale.
 */
static void test_skip_marks_only_stale_entries(void **state)
{
	(void)state;
	const char *const sets[] = { "transparent_hugepage.enabled=never", skip_set(1), NULL };
	struct mx x;
	mx_init(&x, "2node-128cpu", sets, 4 * PAGE_SIZE, 0, 1);
	for (uint32_t i = 0; i < 4; i++)
		assert_true(access_as(&x, x.b, x.base + i * PAGE_SIZE, ACCESS_STORE));
	struct folio *f = tl_folio_at(&x.e, x.base);
	assert_int_equal(migrate_pages(x.s, x.a, &f, 1, 0, MIGRATE_ASYNC, MR_SYSCALL, NULL), 0);
	/* the batch flush would have dropped every entry of the mm from B;
	 * only page 0's disagrees with the page table now */
	assert_int_equal(x.b->tlb.nr_skipped, 2);	/* its first and second level */
	assert_true(x.b->tlb_maybe_stale & TLB_STALE_SKIPPED);
	assert_false(x.a->tlb_maybe_stale);	/* A held nothing of it */
	assert_int_equal(x.s->nr_stale_cpus, 1);
	sim_audit(x.s);
	tlb_flush_all(&x.b->tlb);
	assert_int_equal(x.b->tlb.nr_skipped, 0);
	tlb_settle_skipped(x.s, x.b);
	assert_int_equal(x.s->nr_stale_cpus, 0);
	after(&x, x.base);
	assert_oracle_clean(x.s);
	mx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numa_pte),
		cmocka_unit_test(test_numa_pmd),
		cmocka_unit_test(test_numa_mthp),
		cmocka_unit_test(test_demotion),
		cmocka_unit_test(test_promotion),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_device_back_needs_no_flush),
		cmocka_unit_test(test_migrc),
		cmocka_unit_test(test_luf),
		cmocka_unit_test(test_skip_marks_only_stale_entries),
	};
	return cmocka_run_group_tests_name("flush_matrix", tests, NULL, NULL);
}
