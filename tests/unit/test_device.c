// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_device.c - device-private memory (migrate/migrate_device.c,
 * device/dmirror.c), re-expressing the migration cases of the kernel's HMM
 * self-tests (tools/testing/selftests/mm/hmm-tests.c) on gpu-1node: contents
 * are the folios' content versions, and the oracle must see nothing stale.
 */
#include <errno.h>

#include "testlib.h"

#include "cpu/access.h"
#include "cpu/tlbflush.h"
#include "device/dmirror.h"
#include "mem/fork.h"

#define DEV 1			/* gpu-1node's device node */
#define NPAGES 1024		/* HMM_BUFFER_SIZE: 4 MiB */

static const char *const small_pages[] = { "transparent_hugepage.enabled=never", NULL };
static const char *const thp[] = { "transparent_hugepage.enabled=always", NULL };
static const char *const thp_fail[] = { "transparent_hugepage.enabled=always",
					"numasim.device_fail_large_alloc=1", NULL };

static uint64_t ev(struct tl_env *e, enum vm_event_item i)
{
	return e->s->vs.event[i];
}

/* gpu-1node, one process mapping @len (region 0, 2 MiB aligned). */
static void setup(struct tl_env *e, uint64_t len, const char *const *sets)
{
	tl_env_init(e, "gpu-1node", sets);
	tl_mmap(e, len);
	tl_start(e, 1);
	assert_true(IS_ALIGNED(tl_addr(e, 0), PMD_SIZE));
	/* the process runs on CPU 0 from here on */
	switch_mm_irqs_off(e->s, tl_cpu(e, 0), tl_mm(e));
}

static struct cpu *cpu0(struct tl_env *e)
{
	return tl_cpu(e, 0);
}

static struct task *task0(struct tl_env *e)
{
	return e->s->tasks[0];
}

/* Write page i of [base, base + n pages) (i % 5) + 1 times: its content. */
static void fill(struct tl_env *e, uint64_t base, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		for (uint64_t k = 0; k <= i % 5; k++)
			assert_true(cpu_access(e->s, cpu0(e), task0(e), base + i * PAGE_SIZE, ACCESS_STORE));
}

/* The entry that maps @addr: a PMD's (as a PTE value) or the PTE. */
static pte_t entry_at(struct tl_env *e, uint64_t addr)
{
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(e)->pgd, addr);
	if (!slot)
		return (pte_t){ 0 };
	if (slot->pmd.val)
		return (pte_t){ slot->pmd.val };
	return slot->pt ? slot->pt->pte[pte_index(addr)] : (pte_t){ 0 };
}

static bool pmd_mapped(struct tl_env *e, uint64_t addr)
{
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(e)->pgd, addr);
	return slot && slot->pmd.val;
}

/* The folio that holds page @addr and that page's frame. */
static struct folio *folio_of(struct tl_env *e, uint64_t addr)
{
	pte_t p = entry_at(e, addr);
	uint64_t pfn = pte_pfn(p) + (pmd_mapped(e, addr) ? pte_index(addr) : 0);
	return page_folio(&e->s->pm, pfn);
}

/* Every page @first.. @first + n - 1 of the region at @base is on the device
 * (or on @nid, system memory), with the content fill() gave it. */
static void check_range(struct tl_env *e, uint64_t base, uint64_t first, uint64_t n, int nid)
{
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t addr = base + i * PAGE_SIZE;
		pte_t p = entry_at(e, addr);
		struct folio *f = folio_of(e, addr);
		if (nid == DEV) {
			assert_true(is_device_private_entry(p));
			assert_true(folio_test(f, PG_device));
		} else {
			assert_true(pte_present(p));
			assert_false(folio_test(f, PG_device));
		}
		assert_int_equal(folio_nid(f), nid);
		assert_int_equal(f->version, i % 5 + 1);
	}
}

static void check_pages(struct tl_env *e, uint64_t base, uint64_t n, int nid)
{
	check_range(e, base, 0, n, nid);
}

static void read_all(struct tl_env *e, uint64_t base, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		assert_true(cpu_access(e->s, cpu0(e), task0(e), base + i * PAGE_SIZE, ACCESS_LOAD));
}

static void to_device(struct tl_env *e, uint64_t base, uint64_t n, uint64_t want_moved)
{
	struct dmirror_result r;
	assert_int_equal(dmirror_migrate_to_device(e->s, cpu0(e), task0(e), base,
						   base + n * PAGE_SIZE, DEV, &r), 0);
	assert_int_equal(r.moved, want_moved);
}

static void to_system(struct tl_env *e, uint64_t base, uint64_t n, uint64_t want_moved)
{
	struct dmirror_result r;
	assert_int_equal(dmirror_migrate_to_system(e->s, cpu0(e), task0(e), base,
						   base + n * PAGE_SIZE, DEV, &r), 0);
	assert_int_equal(r.moved, want_moved);
}

static void assert_safe(struct tl_env *e)
{
	assert_oracle_clean(e->s);
	sim_audit(e->s);
}

/* setup(), then fill() the first @n pages; return the region's address. */
static uint64_t setup_filled(struct tl_env *e, uint64_t len, const char *const *sets, uint64_t n)
{
	setup(e, len, sets);
	uint64_t base = tl_addr(e, 0);
	fill(e, base, n);
	return base;
}

/* The oracle saw nothing stale, the audit passes; free the run. */
static void finish(struct tl_env *e)
{
	assert_safe(e);
	tl_env_free(e);
}

static uint64_t dev_free(struct tl_env *e)
{
	return e->s->pm.node[DEV].nr_free_pages;
}

/* hmm-tests "migrate": the pages move to the device with their contents;
 * the process's resident memory follows them. */
static void test_migrate(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, NPAGES * PAGE_SIZE, small_pages, NPAGES);
	to_device(&e, base, NPAGES, NPAGES);
	check_pages(&e, base, NPAGES, DEV);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_PAGES), NPAGES);
	assert_int_equal(tl_mm(&e)->rss_node[DEV], NPAGES);
	assert_int_equal(tl_mm(&e)->rss_node[0], 0);
	assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages - NPAGES);
	finish(&e);
}

/* "migrate_fault": CPU reads fault every page back, contents intact. */
static void test_migrate_fault(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, NPAGES * PAGE_SIZE, small_pages, NPAGES);
	to_device(&e, base, NPAGES, NPAGES);
	read_all(&e, base, NPAGES);
	check_pages(&e, base, NPAGES, 0);
	assert_int_equal(ev(&e, SIM_DEVICE_FAULTS), NPAGES);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_RAM_PAGES), NPAGES);
	assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
	finish(&e);
}

/* "migrate_release": unmapping pages on the device frees device memory. */
static void test_migrate_release(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, NPAGES * PAGE_SIZE, small_pages, NPAGES);
	to_device(&e, base, NPAGES, NPAGES);
	assert_int_equal(sys_munmap(e.s, cpu0(&e), tl_mm(&e), base, NPAGES * PAGE_SIZE), 0);
	assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
	assert_int_equal(tl_mm(&e)->rss_node[DEV], 0);
	finish(&e);
}

/* "migrate_multiple": to the device and back ten times; nothing leaks. */
static void test_migrate_multiple(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, NPAGES * PAGE_SIZE, small_pages, NPAGES);
	uint64_t free0 = e.s->pm.node[0].nr_free_pages;
	for (int i = 0; i < 10; i++) {
		to_device(&e, base, NPAGES, NPAGES);
		check_pages(&e, base, NPAGES, DEV);
		to_system(&e, base, NPAGES, NPAGES);
		check_pages(&e, base, NPAGES, 0);
	}
	assert_int_equal(e.s->pm.node[0].nr_free_pages, free0);
	assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_PAGES), 10 * NPAGES);
	finish(&e);
}

/* "mixedmap": holes and zero pages are populated on the device directly;
 * written pages move; a pinned page stays. */
static void test_mixed(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 64 * PAGE_SIZE, small_pages);
	uint64_t base = tl_addr(&e, 0);
	fill(&e, base, 16);					/* pages 0..15 */
	read_all(&e, base + 16 * PAGE_SIZE, 16);		/* 16..31: the zero page */
	folio_of(&e, base)->pincount = 1;			/* page 0 pinned */
	struct dmirror_result r;
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), base,
						   base + 64 * PAGE_SIZE, DEV, &r), 0);
	assert_int_equal(r.collected, 63);
	assert_int_equal(r.moved, 63);
	assert_int_equal(ev(&e, SIM_DEVICE_POPULATED_PAGES), 48);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_PAGES), 15);
	assert_true(pte_present(entry_at(&e, base)));
	check_range(&e, base, 1, 15, DEV);
	for (uint64_t i = 16; i < 64; i++)
		assert_true(is_device_private_entry(entry_at(&e, base + i * PAGE_SIZE)));
	folio_of(&e, base)->pincount = 0;
	/* the zero page's translation is gone: a read faults the new page back */
	read_all(&e, base + 16 * PAGE_SIZE, 1);
	assert_int_equal(folio_of(&e, base + 16 * PAGE_SIZE)->version, 0);
	finish(&e);

	/* "hmm2.migrate_mixed": a range over two VMAs, one read-only, moves whole */
	setup(&e, 64 * PAGE_SIZE, small_pages);
	base = tl_addr(&e, 0);
	fill(&e, base, 64);
	assert_int_equal(sys_mprotect(e.s, cpu0(&e), tl_mm(&e), base + 32 * PAGE_SIZE,
				      32 * PAGE_SIZE, VM_READ), 0);
	assert_int_not_equal(find_vma(tl_mm(&e), base), find_vma(tl_mm(&e), base + 32 * PAGE_SIZE));
	to_device(&e, base, 64, 64);
	check_pages(&e, base, 64, DEV);
	assert_true(pte_write(entry_at(&e, base)));
	assert_false(pte_write(entry_at(&e, base + 40 * PAGE_SIZE)));
	to_system(&e, base, 64, 64);
	check_pages(&e, base, 64, 0);
	finish(&e);
}

/* "migrate_anon_huge_empty" and "_zero": an unpopulated THP range, or one
 * the huge zero page maps, becomes one device THP mapped by a PMD. */
static void test_huge_empty_and_zero(void **state)
{
	(void)state;
	for (int zero = 0; zero <= 1; zero++) {
		struct tl_env e;
		setup(&e, 2 * MiB, thp);
		uint64_t base = tl_addr(&e, 0);
		if (zero) {
			read_all(&e, base, 1);
			assert_true(pmd_special((pmd_t){ entry_at(&e, base).val }));
		}
		to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
		assert_true(pmd_mapped(&e, base));
		assert_true(is_pmd_device_private_entry((pmd_t){ entry_at(&e, base).val }));
		assert_int_equal(folio_order(folio_of(&e, base)), PMD_ORDER);
		assert_int_equal(ev(&e, SIM_DEVICE_POPULATED_PAGES), PTRS_PER_PTE);
		assert_int_equal(tl_mm(&e)->rss_node[DEV], PTRS_PER_PTE);
		finish(&e);
	}
}

/* "migrate_anon_huge_free" and "_fault": a THP moves whole; freed on the
 * device it returns its memory; faulted, it comes back whole. */
static void test_huge_free_and_fault(void **state)
{
	(void)state;
	for (int fault = 0; fault <= 1; fault++) {
		struct tl_env e;
		uint64_t base = setup_filled(&e, 2 * MiB, thp, 1);
		assert_true(pmd_mapped(&e, base));
		to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
		assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_THP), 1);
		assert_true(is_pmd_device_private_entry((pmd_t){ entry_at(&e, base).val }));
		assert_int_equal(folio_of(&e, base)->version, 1);
		if (!fault) {
			assert_int_equal(sys_munmap(e.s, cpu0(&e), tl_mm(&e), base, 2 * MiB), 0);
			assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
		} else {
			read_all(&e, base + 5 * PAGE_SIZE, 1);
			assert_int_equal(ev(&e, SIM_DEVICE_TO_RAM_THP), 1);
			assert_true(pmd_mapped(&e, base) && pmd_present((pmd_t){ entry_at(&e, base).val }));
			assert_int_equal(folio_nid(folio_of(&e, base)), 0);
			assert_int_equal(folio_of(&e, base)->version, 1);
		}
		finish(&e);
	}
}

/* "migrate_anon_huge_err": with large device allocations failing, the THP
 * goes as 512 base pages (its source split), and comes back as base pages. */
static void test_huge_alloc_failure(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, 2 * MiB, thp_fail, 1);
	assert_true(pmd_mapped(&e, base));
	to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
	assert_int_equal(ev(&e, SIM_DEVICE_THP_SPLIT), 1);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_THP), 0);
	assert_false(pmd_mapped(&e, base));
	for (uint64_t i = 0; i < PTRS_PER_PTE; i++) {
		struct folio *f = folio_of(&e, base + i * PAGE_SIZE);
		assert_int_equal(folio_order(f), 0);
		assert_true(folio_test(f, PG_device));
		assert_int_equal(f->version, 1);	/* every page of the THP had its content */
	}
	to_system(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
	assert_int_equal(ev(&e, SIM_DEVICE_TO_RAM_THP), 0);
	assert_int_equal(folio_order(folio_of(&e, base)), 0);
	assert_int_equal(folio_of(&e, base + 100 * PAGE_SIZE)->version, 1);
	finish(&e);
}

/* A THP that one process maps by its PMD and a forked child by PTEs, moved
 * with large device allocations failing: the split mid-migration sends each
 * of the child's PTEs to its own page's copy. */
static void test_split_shared_thp(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, 2 * MiB, thp_fail, 1);
	const uint32_t version = folio_of(&e, base)->version;
	struct mm_struct *child = dup_mm(e.s, cpu0(&e), tl_mm(&e));
	assert_int_equal(sys_mprotect(e.s, cpu0(&e), child, base + PAGE_SIZE, PAGE_SIZE, VM_READ), 0);
	assert_true(pmd_mapped(&e, base));
	/* scatter the device's free pages, so the 512 copies are not contiguous */
	uint64_t held[1024];
	for (int i = 0; i < 1024; i++)
		held[i] = alloc_pages_node(&e.s->pm, DEV, 0, WMARK_MIN);
	for (int i = 0; i < 1024; i += 2)
		tl_put_page(&e.s->pm, held[i]);
	to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
	assert_int_equal(ev(&e, SIM_DEVICE_THP_SPLIT), 1);
	static const uint64_t pages[] = { 0, 1, 2, 100, 511 };
	for (size_t k = 0; k < ARRAY_SIZE(pages); k++) {
		uint64_t a = base + pages[k] * PAGE_SIZE;
		pte_t p = entry_at(&e, a);
		pte_t c = pmd_slot_lookup(&child->pgd, a)->pt->pte[pte_index(a)];
		assert_true(is_device_private_entry(p) && is_device_private_entry(c));
		assert_int_equal(pte_pfn(p), pte_pfn(c));
		struct folio *f = folio_of(&e, a);
		assert_int_equal(f->version, version);
		assert_int_equal(f->mapcount, 2);
	}
	assert_safe(&e);
	for (int i = 1; i < 1024; i += 2)
		tl_put_page(&e.s->pm, held[i]);
	tl_env_free(&e);
}

/* "migrate_partial_unmap_fault": a THP on the device, 1 MiB of it unmapped
 * at offset 0, 512 KiB or 1 MiB; the rest faults back page by page (the
 * device THP no longer lies whole in the mapping) with its contents. */
static void test_partial_unmap_fault(void **state)
{
	(void)state;
	static const uint64_t offsets[] = { 0, 512 * KiB, 1 * MiB };
	for (size_t k = 0; k < ARRAY_SIZE(offsets); k++) {
		struct tl_env e;
		uint64_t base = setup_filled(&e, 2 * MiB, thp, PTRS_PER_PTE);
		/* one folio: every store went to its one content version */
		const uint32_t version = folio_of(&e, base)->version;
		to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
		assert_int_equal(ev(&e, SIM_DEVICE_TO_DEVICE_THP), 1);
		uint64_t hole = base + offsets[k];
		assert_int_equal(sys_munmap(e.s, cpu0(&e), tl_mm(&e), hole, 1 * MiB), 0);
		for (uint64_t i = 0; i < PTRS_PER_PTE; i++) {
			uint64_t addr = base + i * PAGE_SIZE;
			if (addr >= hole && addr < hole + 1 * MiB)
				continue;
			assert_true(cpu_access(e.s, cpu0(&e), task0(&e), addr, ACCESS_LOAD));
			struct folio *f = folio_of(&e, addr);
			assert_int_equal(folio_nid(f), 0);
			assert_int_equal(folio_order(f), 0);
			assert_int_equal(f->version, version);
		}
		assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
		finish(&e);
	}
}

/* "anon_write_child" with pages on the device: after fork both processes
 * map the device pages read-only; each one's write brings the page back and
 * gives it its own copy; the other's content is untouched. */
static void test_fork_device_pages(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, 16 * PAGE_SIZE, small_pages, 16);
	to_device(&e, base, 16, 16);
	struct mm_struct *child = dup_mm(e.s, cpu0(&e), tl_mm(&e));
	for (uint64_t i = 0; i < 16; i++) {
		pte_t p = entry_at(&e, base + i * PAGE_SIZE);
		assert_true(is_device_private_entry(p) && !pte_write(p));
		assert_int_equal(folio_of(&e, base + i * PAGE_SIZE)->mapcount, 2);
	}
	assert_int_equal(child->rss_node[DEV], 16);
	/* the parent writes page 3: back to system memory, then its own copy */
	assert_true(cpu_access(e.s, cpu0(&e), task0(&e), base + 3 * PAGE_SIZE, ACCESS_STORE));
	struct folio *mine = folio_of(&e, base + 3 * PAGE_SIZE);
	assert_int_equal(mine->version, 3 % 5 + 2);
	struct pmd_slot *cs = pmd_slot_lookup(&child->pgd, base + 3 * PAGE_SIZE);
	pte_t cp = cs->pt->pte[pte_index(base + 3 * PAGE_SIZE)];
	assert_true(pte_present(cp));
	struct folio *theirs = page_folio(&e.s->pm, pte_pfn(cp));
	assert_ptr_not_equal(theirs, mine);
	assert_int_equal(theirs->version, 3 % 5 + 1);
	finish(&e);
}

/*
 * "migrate_remap_fault": mremap moves a THP's PMD, on the device or not,
 * before or after the migration (and with MREMAP_DONTUNMAP, which leaves the
 * old range empty); a fault at the new address brings the THP back whole
 * with its content.
 */
static void test_mremap(void **state)
{
	(void)state;
	for (int after = 0; after <= 1; after++)
		for (int dontunmap = 0; dontunmap <= 1; dontunmap++) {
			struct tl_env e;
			setup(&e, 2 * MiB, thp);
			uint64_t base = tl_addr(&e, 0), to;
			fill(&e, base, 1);
			const uint32_t version = folio_of(&e, base)->version;
			const uint32_t flags = MREMAP_MAYMOVE | (dontunmap ? MREMAP_DONTUNMAP : 0);
			if (after)
				to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
			assert_int_equal(sys_mremap(e.s, cpu0(&e), tl_mm(&e), base, 2 * MiB, 2 * MiB,
						    flags, &to), 0);
			assert_int_not_equal(to, base);
			assert_true(pmd_mapped(&e, to));
			assert_false(pmd_mapped(&e, base));
			assert_int_equal(find_vma(tl_mm(&e), base) != NULL, dontunmap);
			if (!after)
				to_device(&e, to, PTRS_PER_PTE, PTRS_PER_PTE);
			assert_true(is_pmd_device_private_entry((pmd_t){ entry_at(&e, to).val }));
			read_all(&e, to + 7 * PAGE_SIZE, 1);
			assert_true(pmd_present((pmd_t){ entry_at(&e, to).val }));
			assert_int_equal(folio_of(&e, to)->version, version);
			assert_int_equal(ev(&e, SIM_DEVICE_TO_RAM_THP), 1);
			if (dontunmap) {	/* the old range reads zeros now */
				read_all(&e, base, 1);
				assert_true(pmd_special((pmd_t){ entry_at(&e, base).val }));
			}
			assert_int_equal(dev_free(&e), e.s->pm.node[DEV].node_present_pages);
			finish(&e);
		}
}

/* mremap's other cases: shrinking in place, growing needs MREMAP_MAYMOVE,
 * bad flags and ranges. */
static void test_mremap_cases(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 16 * PAGE_SIZE, small_pages);
	struct mm_struct *mm = tl_mm(&e);
	uint64_t base = tl_addr(&e, 0), to;
	fill(&e, base, 16);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 16 * PAGE_SIZE, 8 * PAGE_SIZE, 0, &to), 0);
	assert_int_equal(to, base);
	assert_int_equal(find_vma(mm, base)->vm_end, base + 8 * PAGE_SIZE);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 8 * PAGE_SIZE, 16 * PAGE_SIZE, 0, &to),
			 -ENOMEM);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 8 * PAGE_SIZE, 16 * PAGE_SIZE,
				    MREMAP_DONTUNMAP, &to), -EINVAL);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 8 * PAGE_SIZE, 16 * PAGE_SIZE,
				    MREMAP_MAYMOVE | MREMAP_DONTUNMAP, &to), -EINVAL);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 16 * PAGE_SIZE, 16 * PAGE_SIZE,
				    MREMAP_MAYMOVE, &to), -EFAULT);
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base + 1, PAGE_SIZE, PAGE_SIZE,
				    MREMAP_MAYMOVE, &to), -EINVAL);
	/* growing moves the pages and leaves the new tail empty */
	assert_int_equal(sys_mremap(e.s, cpu0(&e), mm, base, 8 * PAGE_SIZE, 32 * PAGE_SIZE,
				    MREMAP_MAYMOVE, &to), 0);
	const struct vm_area_struct *gone = find_vma(mm, base);
	assert_true(!gone || gone->vm_start > base);	/* nothing maps the old range */
	check_pages(&e, to, 8, 0);
	assert_true(pte_none(entry_at(&e, to + 8 * PAGE_SIZE)));
	assert_int_equal(find_vma(mm, to)->vm_end, to + 32 * PAGE_SIZE);
	finish(&e);
}

/* mprotect over device pages: read-only device entries fault back read-only;
 * write permission again, and the write faults as usual. */
static void test_mprotect(void **state)
{
	(void)state;
	struct tl_env e;
	uint64_t base = setup_filled(&e, 16 * PAGE_SIZE, small_pages, 16);
	to_device(&e, base, 16, 16);
	assert_true(pte_write(entry_at(&e, base)));
	assert_int_equal(sys_mprotect(e.s, cpu0(&e), tl_mm(&e), base, 16 * PAGE_SIZE, VM_READ), 0);
	assert_false(pte_write(entry_at(&e, base)));
	assert_true(is_device_private_entry(entry_at(&e, base)));
	read_all(&e, base, 16);
	assert_false(pte_write(entry_at(&e, base)));
	check_pages(&e, base, 16, 0);
	assert_int_equal(sys_mprotect(e.s, cpu0(&e), tl_mm(&e), base, 16 * PAGE_SIZE,
				      VM_READ | VM_WRITE), 0);
	assert_true(cpu_access(e.s, cpu0(&e), task0(&e), base, ACCESS_STORE));
	assert_int_equal(folio_of(&e, base)->version, 2);
	finish(&e);
}

/* "migrate_shared": a shared mapping is refused (-ENOENT) and stays; after a
 * fork, parent and child map its pages writable, the same pages. */
static void test_shared(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 2 * MiB, small_pages);
	uint64_t shared;
	assert_int_equal(sys_mmap(e.s, tl_mm(&e), 16 * PAGE_SIZE, MAP_SHARED, &shared), 0);
	fill(&e, shared, 16);
	struct dmirror_result r;
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), shared,
						   shared + 16 * PAGE_SIZE, DEV, &r), -ENOENT);
	check_pages(&e, shared, 16, 0);
	struct mm_struct *child = dup_mm(e.s, cpu0(&e), tl_mm(&e));
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t a = shared + i * PAGE_SIZE;
		pte_t p = entry_at(&e, a);
		struct pmd_slot *cs = pmd_slot_lookup(&child->pgd, a);
		pte_t c = cs->pt->pte[pte_index(a)];
		assert_true(pte_write(p) && pte_write(c));
		assert_int_equal(pte_pfn(p), pte_pfn(c));
	}
	assert_int_equal(sys_mmap(e.s, tl_mm(&e), PAGE_SIZE, MAP_SHARED | MAP_PRIVATE, &shared),
			 -EINVAL);
	finish(&e);
}

/* Bad ranges are refused. */
static void test_bad_ranges(void **state)
{
	(void)state;
	struct tl_env e;
	setup(&e, 16 * PAGE_SIZE, small_pages);
	uint64_t base = tl_addr(&e, 0);
	struct dmirror_result r;
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), base + 1, base + PAGE_SIZE,
						   DEV, &r), -EINVAL);
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), base,
						   base + 32 * PAGE_SIZE, DEV, &r), -EINVAL);
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), base, base + PAGE_SIZE,
						   0, &r), -EINVAL);
	assert_int_equal(dmirror_migrate_to_device(e.s, cpu0(&e), task0(&e), base, base, DEV, &r),
			 -EINVAL);
	tl_env_free(&e);
}

/* The workloads end to end: every round trip moves the whole set each way,
 * THPs whole; back=fault brings it back by CPU faults; nothing is stale. */
static void test_workloads(void **state)
{
	(void)state;
	for (int back = 0; back <= 1; back++) {
		struct tl_env e;
		const char *spec = back ? "gpu-pingpong:size=64M,rounds=3,back=migrate"
					: "gpu-pingpong:size=64M,rounds=3,back=fault";
		struct sim *s = tl_run_spec(&e, "gpu-2node", spec, NULL, 1);
		const uint64_t pages = 64 * MiB / PAGE_SIZE;
		assert_int_equal(s->vs.event[SIM_DEVICE_TO_DEVICE_PAGES], 3 * pages);
		assert_int_equal(s->vs.event[SIM_DEVICE_TO_DEVICE_THP], 3 * pages / PTRS_PER_PTE);
		assert_int_equal(s->vs.event[SIM_DEVICE_TO_RAM_PAGES], 3 * pages);
		assert_int_equal(s->vs.event[SIM_DEVICE_FAULTS], back ? 0 : 3 * pages / PTRS_PER_PTE);
		assert_int_equal(s->vs.event[SIM_DEVICE_KERNELS], 3);
		assert_int_equal(s->vs.event[SIM_DEVICE_KERNEL_LOCAL_BYTES], 3 * 4 * 2 * 64 * MiB);
		assert_int_equal(s->mms[0]->rss_node[2], 0);
		assert_oracle_clean(s);
		tl_env_free(&e);
	}
	/* gpu-stream with base pages: chunks go through one at a time */
	struct tl_env e;
	const char *const small[] = { "transparent_hugepage.enabled=never", NULL };
	struct sim *s = tl_run_spec(&e, "gpu-1node", "gpu-stream:size=32M,chunk=8M,access=read",
				    small, 1);
	assert_int_equal(s->vs.event[SIM_DEVICE_TO_DEVICE_PAGES], 32 * MiB / PAGE_SIZE);
	assert_int_equal(s->vs.event[SIM_DEVICE_TO_DEVICE_THP], 0);
	assert_int_equal(s->vs.event[SIM_DEVICE_TO_RAM_PAGES], 32 * MiB / PAGE_SIZE);
	assert_int_equal(s->vs.event[SIM_DEVICE_KERNELS], 4);
	assert_int_equal(s->pm.node[DEV].nr_free_pages, s->pm.node[DEV].node_present_pages);
	assert_oracle_clean(s);
	tl_env_free(&e);
}

/*
 * The fault code reaches the driver only through the device node's
 * dev_pagemap (mem/memremap.h): dmirror registered ops for the device node
 * only, and an ops table put in their place is what a CPU fault on a
 * device-private PTE, and on a device-private PMD, calls, once per fault.
 */
static const struct dev_pagemap_ops *spy_real;
static unsigned spy_calls;
static uint64_t spy_addr;

static enum fault_result spy_migrate_to_ram(struct vm_fault *vmf)
{
	spy_calls++;
	spy_addr = vmf->address;
	return spy_real->migrate_to_ram(vmf);
}

static const struct dev_pagemap_ops spy_ops = { .migrate_to_ram = spy_migrate_to_ram };

static void test_pagemap_ops(void **state)
{
	(void)state;
	for (int huge = 0; huge <= 1; huge++) {
		struct tl_env e;
		uint64_t base = setup_filled(&e, 2 * MiB, huge ? thp : small_pages, 4);
		assert_null(e.s->pm.node[0].pgmap.ops);
		assert_non_null(e.s->pm.node[DEV].pgmap.ops);
		to_device(&e, base, PTRS_PER_PTE, PTRS_PER_PTE);
		assert_true(is_device_private_entry(entry_at(&e, base + 2 * PAGE_SIZE)));
		assert_int_equal(pmd_mapped(&e, base), huge);	/* a device PMD, or PTEs */
		spy_real = e.s->pm.node[DEV].pgmap.ops;
		spy_calls = 0;
		memremap_pages(&e.s->pm, DEV, &spy_ops);
		read_all(&e, base + 2 * PAGE_SIZE, 1);
		assert_int_equal(spy_calls, 1);
		assert_int_equal(spy_addr, base + 2 * PAGE_SIZE);
		assert_int_equal(ev(&e, SIM_DEVICE_FAULTS), 1);
		assert_true(pte_present(entry_at(&e, base + 2 * PAGE_SIZE)));
		assert_int_equal(folio_nid(folio_of(&e, base + 2 * PAGE_SIZE)), 0);
		/* a page already back faults no more; with a THP all came back */
		read_all(&e, base, 4);
		assert_int_equal(spy_calls, huge ? 1 : 4);
		for (uint64_t i = 0; i < 4; i++)
			assert_int_equal(folio_nid(folio_of(&e, base + i * PAGE_SIZE)), 0);
		memremap_pages(&e.s->pm, DEV, spy_real);
		finish(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate),
		cmocka_unit_test(test_migrate_fault),
		cmocka_unit_test(test_pagemap_ops),
		cmocka_unit_test(test_migrate_release),
		cmocka_unit_test(test_migrate_multiple),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_huge_empty_and_zero),
		cmocka_unit_test(test_huge_free_and_fault),
		cmocka_unit_test(test_huge_alloc_failure),
		cmocka_unit_test(test_split_shared_thp),
		cmocka_unit_test(test_partial_unmap_fault),
		cmocka_unit_test(test_fork_device_pages),
		cmocka_unit_test(test_mremap),
		cmocka_unit_test(test_mremap_cases),
		cmocka_unit_test(test_mprotect),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_workloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
