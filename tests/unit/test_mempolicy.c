// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_mempolicy.c - the memory policies and memory system calls
 * of issue 11 (docs/mempolicy.md): MPOL_LOCAL, MPOL_PREFERRED_MANY,
 * MPOL_WEIGHTED_INTERLEAVE, the MPOL_F_* flags, move_pages(2),
 * migrate_pages(2), mremap, mmap's MAP_SHARED and alignment, MADV_COLD and
 * MADV_PAGEOUT, and the run's list of syscall results.
 */
#include <errno.h>

#include "testlib.h"

#include "mem/vmscan.h"
#include "migrate/move_pages.h"

static const char *const small_pages[] = { "transparent_hugepage.enabled=never", NULL };
static const char *const thp_always[] = { "transparent_hugepage.enabled=always", NULL };

static uint64_t ev(const struct tl_env *e, enum vm_event_item i)
{
	return e->s->vs.event[i];
}

static struct wl_phase *add_policy(struct tl_env *e, enum wl_op op, uint32_t region,
				   uint64_t len, enum mpol_mode mode, nodemask_t nodes,
				   uint32_t flags)
{
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, op);
	ph->region = region;
	ph->len = len;
	ph->pol = (struct mempolicy){ mode, nodes, flags };
	return ph;
}

static void add_sweep(struct tl_env *e, uint32_t region, uint64_t off, uint64_t len,
		      enum wl_access access)
{
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = region, ph->off = off, ph->len = len, ph->count = 1, ph->access = access;
}

static void touch(struct tl_env *e, uint32_t nid, uint64_t base, uint64_t len)
{
	for (uint64_t a = base; a < base + len; a += PAGE_SIZE)
		tl_fault(e, nid, a, true);
}

/* The node of the folio mapped at @addr. */
static uint32_t node_at(struct tl_env *e, uint64_t addr)
{
	return folio_nid(tl_folio_at(e, addr));
}

/* ---- policies ---- */

/* mpol_new(): flags and masks as set_mempolicy()/mbind() install them. */
static void test_mpol_new_flags(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "gpu-2node", NULL);	/* nodes 0 and 1 DRAM, node 2 a device */
	tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	struct sim *s = e.s;
	assert_int_equal(node_states_memory(s), 0x3);
	struct mempolicy p;
	/* RELATIVE_NODES: node i of the mask is the i-th node with memory,
	 * folded: {1, 2} -> {1, 0} */
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x6, MPOL_F_RELATIVE_NODES }, &p), 0);
	assert_int_equal(p.nodes, 0x3);
	/* {1} relative -> node 1; {0} relative -> node 0 */
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_INTERLEAVE, 0x2, MPOL_F_RELATIVE_NODES }, &p), 0);
	assert_int_equal(p.nodes, 0x2);
	/* STATIC_NODES (and no flag): the mask with the memory-less nodes taken out */
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x6, MPOL_F_STATIC_NODES }, &p), 0);
	assert_int_equal(p.nodes, 0x2);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x4, MPOL_F_STATIC_NODES }, &p), -EINVAL);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x4, 0 }, &p), -EINVAL);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x3,
			 MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES }, &p), -EINVAL);
	/* NUMA_BALANCING: BIND and PREFERRED_MANY only; it sets MOF | MORON */
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_BIND, 0x3, MPOL_F_NUMA_BALANCING }, &p), 0);
	assert_int_equal(p.flags, MPOL_F_NUMA_BALANCING | MPOL_F_MOF | MPOL_F_MORON);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_PREFERRED_MANY, 0x3,
			 MPOL_F_NUMA_BALANCING }, &p), 0);
	assert_true(p.flags & MPOL_F_MOF);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_INTERLEAVE, 0x3,
			 MPOL_F_NUMA_BALANCING }, &p), -EINVAL);
	/* PREFERRED keeps its first node; an empty one is local */
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_PREFERRED, 0x3, 0 }, &p), 0);
	assert_int_equal(p.nodes, 0x1);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_PREFERRED, 0, 0 }, &p), 0);
	assert_int_equal(p.mode, MPOL_LOCAL);
	assert_int_equal(mpol_new(s, &(struct mempolicy){ MPOL_LOCAL, 0x1, 0 }, &p), -EINVAL);
	tl_env_free(&e);
}

/* The validator refuses what sanitize_mpol_flags() and mpol_new() refuse. */
static void test_validate_policies(void **state)
{
	(void)state;
	static const struct { struct mempolicy pol; const char *err; } cases[] = {
		{ { MPOL_PREFERRED_MANY, 0x3, MPOL_F_NUMA_BALANCING }, NULL },
		{ { MPOL_BIND, 0x3, MPOL_F_NUMA_BALANCING | MPOL_F_STATIC_NODES }, NULL },
		{ { MPOL_WEIGHTED_INTERLEAVE, 0x3, MPOL_F_RELATIVE_NODES }, NULL },
		{ { MPOL_INTERLEAVE, 0x3, MPOL_F_NUMA_BALANCING }, "needs MPOL_BIND or" },
		{ { MPOL_LOCAL, 0, MPOL_F_STATIC_NODES }, "MPOL_LOCAL takes no" },
		{ { MPOL_LOCAL, 0x1, 0 }, "takes no nodes" },
		{ { MPOL_PREFERRED_MANY, 0, 0 }, "at least one node" },
	};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct tl_env e;
		tl_env_init(&e, "2node-128cpu", NULL);
		uint32_t r = tl_mmap(&e, 2 * MiB);
		add_policy(&e, c % 2 ? WL_MBIND : WL_SET_MEMPOLICY, r, 2 * MiB, cases[c].pol.mode,
			   cases[c].pol.nodes, cases[c].pol.flags);
		char err[512] = "";
		int rc = workload_validate(&e.wl, err, sizeof(err));
		if (cases[c].err) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, cases[c].err));
		} else {
			assert_int_equal(rc, 0);
		}
		tl_env_free(&e);
	}
}

/* MPOL_LOCAL: the faulting CPU's node, also over a task policy that binds. */
static void test_local_follows_cpu(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	add_policy(&e, WL_SET_MEMPOLICY, 0, 0, MPOL_BIND, 0x1, 0);
	add_policy(&e, WL_MBIND, r, 512 * KiB, MPOL_LOCAL, 0, 0);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 1, base, true);
	tl_fault(&e, 0, base + PAGE_SIZE, true);
	assert_int_equal(node_at(&e, base), 1);
	assert_int_equal(node_at(&e, base + PAGE_SIZE), 0);
	/* outside the mbind range the task's bind to node 0 holds */
	tl_fault(&e, 1, base + 512 * KiB, true);
	assert_int_equal(node_at(&e, base + 512 * KiB), 0);
	tl_env_free(&e);

	/* a task policy of MPOL_LOCAL likewise */
	tl_env_init(&e, "2node-128cpu", small_pages);
	r = tl_mmap(&e, 1 * MiB);
	add_policy(&e, WL_SET_MEMPOLICY, 0, 0, MPOL_LOCAL, 0, 0);
	tl_start(&e, 1);
	base = tl_addr(&e, r);
	tl_fault(&e, 1, base, true);
	tl_fault(&e, 0, base + PAGE_SIZE, true);
	assert_int_equal(node_at(&e, base), 1);
	assert_int_equal(node_at(&e, base + PAGE_SIZE), 0);
	tl_env_free(&e);
}

/* Weighted interleave 3:1 over nodes 0 and 1: by page index, 3 pages on node
 * 0 then 1 on node 1, so 75% and 25%; unset weights are 1 (plain interleave). */
static void test_weighted_interleave(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	e.wl.il_weights[0] = 3;
	e.wl.il_weights[1] = 1;
	uint32_t r = tl_mmap(&e, 4 * MiB);
	add_policy(&e, WL_MBIND, r, 4 * MiB, MPOL_WEIGHTED_INTERLEAVE, 0x3, 0);
	add_sweep(&e, r, 0, 4 * MiB, WL_WRITE);
	tl_start(&e, 1);
	const uint64_t pages = 4 * MiB / PAGE_SIZE;
	assert_int_equal(tl_region_pages(e.s, 0, r, 0), pages * 3 / 4);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), pages / 4);
	uint64_t base = tl_addr(&e, r);	/* PMD-aligned: the index starts at 0 mod 4 */
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(node_at(&e, base + i * PAGE_SIZE), i % 4 == 3 ? 1 : 0);
	assert_int_equal(e.s->vs.numa[0][NUMA_INTERLEAVE_HIT], pages * 3 / 4);
	tl_env_free(&e);

	/* a task policy interleaves by page index too; no weights: 1:1 */
	tl_env_init(&e, "2node-128cpu", small_pages);
	r = tl_mmap(&e, 4 * MiB);
	add_policy(&e, WL_SET_MEMPOLICY, 0, 0, MPOL_WEIGHTED_INTERLEAVE, 0x3, 0);
	add_sweep(&e, r, 0, 4 * MiB, WL_WRITE);
	tl_start(&e, 1);
	assert_int_equal(tl_region_pages(e.s, 0, r, 0), pages / 2);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), pages / 2);
	tl_env_free(&e);
}

/* Without a VMA (Linux: kernel allocations on the task's behalf) the task
 * policy goes round-robin, each node il_weight times in a row
 * (weighted_interleave_nodes()). */
static void test_weighted_interleave_round_robin(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	e.wl.il_weights[0] = 2;
	tl_mmap(&e, 2 * MiB);
	add_policy(&e, WL_SET_MEMPOLICY, 0, 0, MPOL_WEIGHTED_INTERLEAVE, 0x3, 0);
	tl_start(&e, 1);
	struct task *t = e.s->tasks[0];
	assert_int_equal(t->il_prev, MAX_NUMNODES - 1);	/* do_set_mempolicy() */
	const uint32_t want[] = { 0, 0, 1, 0, 0, 1, 0 };
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++) {
		uint64_t pfn = vma_alloc_folio(e.s, tl_cpu(&e, 1), t, NULL, 0, 0);
		assert_true(pfn != PFN_NONE);
		assert_int_equal(pfn_folio(&e.s->pm, pfn)->nid, want[i]);
		tl_put_page(&e.s->pm, pfn);
	}
	assert_int_equal(t->il_weight, 1);	/* one more on node 0 to go */
	tl_env_free(&e);
}

/* weighted_interleave_nid() against the kernel's walk: weights 2, 1, 3 over
 * nodes 0, 1, 3 (node 2 not in the mask). */
static void test_weighted_interleave_nid(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "4node-48cpu", NULL);
	e.wl.il_weights[0] = 2;
	e.wl.il_weights[2] = 7;
	e.wl.il_weights[3] = 3;
	tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	const struct mempolicy pol = { MPOL_WEIGHTED_INTERLEAVE, 0xb, 0 };
	const uint32_t want[] = { 0, 0, 1, 3, 3, 3, 0, 0, 1, 3 };
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(weighted_interleave_nid(e.s, &pol, i), want[i]);
	assert_int_equal(get_il_weight(e.s, 1), 1);
	tl_env_free(&e);
}

/* MPOL_PREFERRED_MANY: the nearest node of the mask first; when the mask's
 * nodes are full, any node (the local one), without reclaim. */
static void test_preferred_many_fallback(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "4node-48cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	add_policy(&e, WL_MBIND, r, 1 * MiB, MPOL_PREFERRED_MANY, 0xc, 0);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base, true);
	uint32_t first = node_at(&e, base);
	assert_true(first == 2 || first == 3);
	/* the one of {2, 3} nearest to node 0 (ties by id): the zonelist's */
	for (uint32_t i = 0; i < e.s->zonelist_len; i++)
		if (e.s->zonelist[0][i] >= 2) {
			assert_int_equal(first, e.s->zonelist[0][i]);
			break;
		}
	struct tl_held h = { 0 };
	tl_drain_node(&e.s->pm, 2, 0, &h);
	tl_drain_node(&e.s->pm, 3, 0, &h);
	uint64_t steal = ev(&e, PGSTEAL_DIRECT);
	tl_fault(&e, 0, base + PAGE_SIZE, true);
	assert_int_equal(node_at(&e, base + PAGE_SIZE), 0);
	assert_int_equal(ev(&e, PGSTEAL_DIRECT), steal);
	for (size_t i = 0; i < h.nr; i++)
		tl_put_page(&e.s->pm, h.pfn[i]);
	tl_held_free(&h);
	tl_env_free(&e);
}

/* A PMD THP under MPOL_PREFERRED_MANY is not held to the local node: the
 * policy's two passes come before alloc_pages_mpol()'s this-node-only THP
 * try, so with no 2 MiB block left on node 0 the THP comes from node 1
 * (under MPOL_BIND {0, 1} the THP is tried on node 0 only and the fault falls
 * back to small pages). */
static void test_preferred_many_thp(void **state)
{
	(void)state;
	for (int bind = 0; bind < 2; bind++) {
		struct tl_env e;
		tl_env_init(&e, "2node-128cpu", thp_always);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		add_policy(&e, WL_MBIND, r, 4 * MiB, bind ? MPOL_BIND : MPOL_PREFERRED_MANY, 0x3, 0);
		tl_start(&e, 1);
		struct tl_held h = { 0 };
		tl_drain_node(&e.s->pm, 0, PMD_ORDER, &h);
		uint64_t base = tl_addr(&e, r);
		tl_fault(&e, 0, base, true);
		struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
		if (bind) {
			assert_false(pmd_valid(slot->pmd));
			/* (the small page then goes to node 1 too: node 0 is
			 * below its low watermark) */
			assert_int_equal(ev(&e, THP_FAULT_FALLBACK), 1);
		} else {
			assert_true(pmd_valid(slot->pmd));
			assert_int_equal(pmd_nid(slot->pmd), 1);
			/* preferred zone: node 0, first of the mask in its
			 * zonelist; one count per allocation */
			assert_int_equal(e.s->vs.numa[1][NUMA_MISS], 1);
			assert_int_equal(e.s->vs.numa[0][NUMA_FOREIGN], 1);
		}
		for (size_t i = 0; i < h.nr; i++)
			tl_put_page(&e.s->pm, h.pfn[i]);
		tl_held_free(&h);
		tl_env_free(&e);
	}
}

/* A single thread on node 0 whose memory was first-touched on node 1; then
 * policy @pol. NUMA balancing moves it home only if @pol has MPOL_F_MOF. */
static void balancing_run(struct tl_env *e, struct mempolicy pol)
{
	const char *const sets[] = {
		"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
		"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never", NULL,
	};
	tl_env_init(e, "2node-128cpu", sets);
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(e, 16 * MiB);
	add_policy(e, WL_SET_MEMPOLICY, 0, 0, MPOL_BIND, 0x2, 0);
	add_sweep(e, r, 0, 16 * MiB, WL_WRITE);
	ph = add_policy(e, WL_SET_MEMPOLICY, 0, 0, pol.mode, pol.nodes, pol.flags);
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = 16 * MiB, ph->count = 100, ph->access = WL_WRITE;
	tl_start(e, 1);
}

static void test_numa_balancing_flag(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t pages = 16 * MiB / PAGE_SIZE;
	balancing_run(&e, (struct mempolicy){ MPOL_BIND, 0x3, MPOL_F_NUMA_BALANCING });
	assert_int_equal(tl_mm(&e)->rss_node[0], pages);
	assert_int_equal(ev(&e, NUMA_PAGE_MIGRATE), pages);
	tl_env_free(&e);
	/* the same with MPOL_PREFERRED_MANY (Linux 6.x allows it) */
	balancing_run(&e, (struct mempolicy){ MPOL_PREFERRED_MANY, 0x3, MPOL_F_NUMA_BALANCING });
	assert_int_equal(ev(&e, NUMA_PAGE_MIGRATE), pages);
	tl_env_free(&e);
	/* without the flag an explicit policy is not balanced (not even scanned) */
	balancing_run(&e, (struct mempolicy){ MPOL_BIND, 0x3, 0 });
	assert_int_equal(tl_mm(&e)->rss_node[1], pages);
	assert_int_equal(ev(&e, NUMA_PTE_UPDATES), 0);
	tl_env_free(&e);
	/* nor is MPOL_LOCAL, unlike the default policy */
	balancing_run(&e, (struct mempolicy){ MPOL_LOCAL, 0, 0 });
	assert_int_equal(ev(&e, NUMA_PAGE_MIGRATE), 0);
	tl_env_free(&e);
	/* with the flag, but the CPU's node outside the mask: hint faults, no move */
	balancing_run(&e, (struct mempolicy){ MPOL_BIND, 0x2, MPOL_F_NUMA_BALANCING });
	assert_true(ev(&e, NUMA_HINT_FAULTS) > 0);
	assert_int_equal(ev(&e, NUMA_PAGE_MIGRATE), 0);
	tl_env_free(&e);
}

/*
 * The tiering promotion path is mpol_misplaced() too: a region first touched
 * on the CXL node of tiered-16cpu, then under mbind(BIND {0, 1}) read hot by
 * a thread on node 0, is promoted in NUMA balancing's tiering mode only with
 * MPOL_F_NUMA_BALANCING.
 */
static uint64_t tiering_promoted(uint32_t flags)
{
	const char *const sets[] = {
		"kernel.numa_balancing=2", "numa.demotion_enabled=1",
		"numa_balancing.scan_delay_ms=100", "numa_balancing.scan_period_min_ms=100",
		"numa_balancing.scan_size_mb=64", "transparent_hugepage.enabled=never", NULL,
	};
	struct tl_env e;
	tl_env_init(&e, "tiered-16cpu", sets);
	struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(&e, 64 * MiB);
	add_policy(&e, WL_MBIND, r, 64 * MiB, MPOL_BIND, 0x2, 0);
	add_sweep(&e, r, 0, 64 * MiB, WL_WRITE);
	add_policy(&e, WL_MBIND, r, 64 * MiB, MPOL_BIND, 0x3, flags);
	ph = wl_add_phase(&e.wl, e.prog, WL_SKEWED);
	ph->region = r, ph->len = 64 * MiB, ph->count = 3000000, ph->access = WL_READ;
	ph->hot_frac = 1.0 / 16, ph->hot_prob = 0.999;
	tl_start(&e, 1);
	uint64_t promoted = ev(&e, PGPROMOTE_SUCCESS);
	if (flags)
		assert_int_equal(tl_region_pages(e.s, 0, r, 0), promoted);
	tl_env_free(&e);
	return promoted;
}

static void test_numa_balancing_flag_tiering(void **state)
{
	(void)state;
	assert_true(tiering_promoted(MPOL_F_NUMA_BALANCING) > 0);
	assert_int_equal(tiering_promoted(0), 0);
}

/* ---- move_pages(2) ---- */

static int64_t status_of(const struct syscall_record *r, int32_t val)
{
	for (uint32_t i = 0; i < r->nr_status; i++)
		if (r->status_val[i] == val)
			return (int64_t)r->status_cnt[i];
	return 0;
}

/* Touched pages move, never-touched ones are -ENOENT, the zero page -EFAULT,
 * pages already there report their node; round-robin over the nodes. */
static void test_move_pages_status(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	touch(&e, 0, base, 128 * PAGE_SIZE);
	tl_fault(&e, 0, base + 200 * PAGE_SIZE, false);	/* the zero page */
	struct syscall_record rec = { 0 };
	int64_t ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 256, 0x2, &rec);
	assert_int_equal(ret, 0);
	assert_int_equal(status_of(&rec, 1), 128);
	assert_int_equal(status_of(&rec, -EFAULT), 1);
	assert_int_equal(status_of(&rec, -ENOENT), 256 - 128 - 1);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 128);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 128);
	/* again, round-robin over {0, 1}: odd pages stay (status 1), even move */
	memset(&rec, 0, sizeof(rec));
	ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 128, 0x3, &rec);
	assert_int_equal(ret, 0);
	assert_int_equal(status_of(&rec, 0), 64);
	assert_int_equal(status_of(&rec, 1), 64);
	for (uint32_t i = 0; i < 8; i++)
		assert_int_equal(node_at(&e, base + i * PAGE_SIZE), i % 2);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 128 + 64);
	/* a node without memory: -ENODEV for the call, nothing written */
	memset(&rec, 0, sizeof(rec));
	ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 4, 1u << 5, &rec);
	assert_int_equal(ret, -ENODEV);
	assert_int_equal(rec.nr_status, 0);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* Pages that cannot move: the return value counts them and the ones not
 * tried; their status entries are never written. */
static void test_move_pages_not_migrated(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	touch(&e, 0, base, 16 * PAGE_SIZE);
	struct tl_held h = { 0 };
	tl_drain_node(&e.s->pm, 1, 0, &h);
	struct syscall_record rec = { 0 };
	int64_t ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 16, 0x2, &rec);
	assert_int_equal(ret, 16);
	assert_int_equal(rec.nr_status, 0);
	assert_int_equal(ev(&e, PGMIGRATE_FAIL), 16);
	assert_int_equal(tl_region_pages(e.s, 0, r, 0), 16);
	/* an untouched page 8: its -ENOENT flushes the batch before it, whose 8
	 * pages fail, and the call ends: 8 + the 7 after page 8 */
	memset(&rec, 0, sizeof(rec));
	ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base + 16 * PAGE_SIZE - 8 * PAGE_SIZE,
				0, 0x2, &rec);
	assert_int_equal(ret, 0);	/* nothing asked, nothing done */
	touch(&e, 0, base + 17 * PAGE_SIZE, 7 * PAGE_SIZE);	/* pages 17..23; 16 untouched */
	ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base + 8 * PAGE_SIZE, 16, 0x2, &rec);
	assert_int_equal(ret, 15);
	assert_int_equal(status_of(&rec, -ENOENT), 1);
	assert_int_equal(rec.nr_status, 1);
	for (size_t i = 0; i < h.nr; i++)
		tl_put_page(&e.s->pm, h.pfn[i]);
	tl_held_free(&h);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* A PMD-mapped THP moves whole when its first page is named; its next page,
 * asked for while the THP is queued, is -EBUSY; the rest find it there. */
static void test_move_pages_thp(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", thp_always);
	uint32_t r = tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base, true);
	assert_true(pmd_valid(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd));
	struct syscall_record rec = { 0 };
	int64_t ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 512, 0x2, &rec);
	assert_int_equal(ret, 0);
	assert_int_equal(ev(&e, THP_MIGRATION_SUCCESS), 1);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 512);
	assert_int_equal(status_of(&rec, 1), 511);
	assert_int_equal(status_of(&rec, -EBUSY), 1);
	struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, base);
	assert_true(pmd_valid(slot->pmd));
	assert_int_equal(pmd_nid(slot->pmd), 1);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* A THP whose target node has no 2 MiB block left is split and its pages
 * moved one by one (migrate_pages_batch()'s -ENOMEM case): the call still
 * returns 0; an unmapped half is freed by the split, not moved. */
static void test_move_pages_thp_split(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "tiered-16cpu", thp_always);	/* to the 8 GiB CXL node 1 */
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base, true);
	tl_fault(&e, 0, base + 2 * MiB, true);
	/* node 1: half free, but in 1 MiB blocks whose buddies are taken */
	struct tl_held h = { 0 };
	for (uint64_t pfn; (pfn = alloc_pages_node(&e.s->pm, 1, 8, WMARK_MIN)) != PFN_NONE;)
		tl_hold(&h, pfn, 8);
	size_t kept = 0;
	for (size_t i = 0; i < h.nr; i++)
		if ((h.pfn[i] >> 8) & 1)
			h.pfn[kept++] = h.pfn[i];
		else
			tl_put_page(&e.s->pm, h.pfn[i]);
	h.nr = kept;
	tl_drain_node(&e.s->pm, 1, PMD_ORDER, &h);	/* the min reserve's blocks too */
	assert_true(node_free_pages(&e.s->pm, 1) > e.s->pm.node[1].watermark[WMARK_HIGH]);
	struct syscall_record rec = { 0 };
	int64_t ret = kernel_move_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 512, 0x2, &rec);
	assert_int_equal(ret, 0);
	assert_int_equal(ev(&e, THP_MIGRATION_SPLIT), 1);
	assert_int_equal(ev(&e, THP_MIGRATION_FAIL), 1);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 512);
	assert_int_equal(status_of(&rec, 1), 511);
	assert_int_equal(status_of(&rec, -EBUSY), 1);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 512);
	assert_false(folio_test_large(tl_folio_at(&e, base)));
	/* migrate_pages(2) likewise: the second THP, split, moves, returns 0 */
	assert_int_equal(kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x1, 0x2), 0);
	assert_int_equal(ev(&e, THP_MIGRATION_SPLIT), 2);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 1024);
	sim_audit(e.s);
	for (size_t i = 0; i < h.nr; i++)
		tl_put_page(&e.s->pm, h.pfn[i]);
	tl_held_free(&h);
	tl_env_free(&e);
}

/* A page shared with a forked child is -EACCES (no MPOL_MF_MOVE_ALL), and
 * migrate_pages(2) leaves it alone without counting it. The workload runs
 * both calls; the run goes on and the results are in the report. */
static void test_move_pages_shared_in_run(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t r = tl_mmap(&e, 64 * KiB);
	uint32_t child = wl_add_program(&e.wl);
	add_sweep(&e, r, 0, 64 * KiB, WL_WRITE);
	wl_add_phase(&e.wl, e.prog, WL_FORK)->target = child;
	wl_add_phase(&e.wl, child, WL_SLEEP)->ns = 10 * NSEC_PER_MSEC;
	struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_MOVE_PAGES);
	ph->region = r, ph->len = 64 * KiB, ph->pol.nodes = 0x2;
	ph = wl_add_phase(&e.wl, e.prog, WL_MIGRATE_PAGES);
	ph->pol.nodes = 0x1, ph->to_nodes = 0x2;
	ph = wl_add_phase(&e.wl, e.prog, WL_MOVE_PAGES);	/* a bad node: -ENODEV, recorded */
	ph->region = r, ph->len = 64 * KiB, ph->pol.nodes = 1u << 7;
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);
	assert_false(e.s->failed);
	assert_int_equal(e.s->nr_sysrec, 3);
	const struct syscall_record *rec = &e.s->sysrec[0];
	assert_int_equal(rec->op, WL_MOVE_PAGES);
	assert_int_equal(rec->ret, 0);
	assert_int_equal(status_of(rec, -EACCES), 16);
	assert_int_equal(e.s->sysrec[1].op, WL_MIGRATE_PAGES);
	assert_int_equal(e.s->sysrec[1].ret, 0);
	assert_int_equal(e.s->sysrec[2].ret, -ENODEV);
	assert_int_equal(tl_region_pages(e.s, 0, r, 0), 16);
	/* the JSON lists them */
	struct run_info ri = { .machine_arg = "2node-128cpu", .scale = 1 };
	json_object *j = report_json(e.s, &ri), *a, *o, *st, *v;
	assert_true(json_object_object_get_ex(j, "syscalls", &a));
	assert_int_equal(json_object_array_length(a), 3);
	o = json_object_array_get_idx(a, 0);
	assert_true(json_object_object_get_ex(o, "op", &v));
	assert_string_equal(json_object_get_string(v), "move_pages");
	assert_true(json_object_object_get_ex(o, "status", &st));
	assert_true(json_object_object_get_ex(st, "-EACCES", &v));
	assert_int_equal(json_object_get_int64(v), 16);
	o = json_object_array_get_idx(a, 2);
	assert_true(json_object_object_get_ex(o, "ret_str", &v));
	assert_string_equal(json_object_get_string(v), "-ENODEV");
	assert_true(json_object_object_get_ex(o, "status", &st));
	assert_true(json_object_object_get_ex(st, "unset", &v));
	assert_int_equal(json_object_get_int64(v), 16);
	json_object_put(j);
	/* and the text summary has a line for each */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	report_text(e.s, &ri, f);
	fclose(f);
	assert_non_null(strstr(buf, "move_pages = 0  status -EACCES:16"));
	assert_non_null(strstr(buf, "migrate_pages = 0"));
	free(buf);
	tl_env_free(&e);
}

/* mbind(MPOL_MF_MOVE): the range's pages not on the mask's nodes go where the
 * new policy puts them (interleave: by index); pages on a mask node stay. */
static void test_mbind_move(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "4node-48cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	add_sweep(&e, r, 0, 1 * MiB, WL_WRITE);	/* on node 0, the main thread's */
	add_policy(&e, WL_MBIND, r, 256 * KiB, MPOL_INTERLEAVE, 0x6, 0)->arg = WL_MBIND_MOVE;
	struct wl_phase *ph = add_policy(&e, WL_MBIND, r, 256 * KiB, MPOL_INTERLEAVE, 0x3, 0);
	ph->off = 256 * KiB;
	ph->arg = WL_MBIND_MOVE;
	ph = add_policy(&e, WL_MBIND, r, 256 * KiB, MPOL_BIND, 0x8, 0);	/* no MOVE */
	ph->off = 512 * KiB;
	ph = add_policy(&e, WL_MBIND, r, 256 * KiB, MPOL_BIND, 0x8, 0);
	ph->off = 768 * KiB;
	ph->arg = WL_MBIND_MOVE;
	tl_start(&e, 1);
	assert_int_equal(tl_cpu(&e, 0)->node, e.s->cpus[e.s->tasks[0]->cpu].node);
	uint64_t base = tl_addr(&e, r);
	/* [0, 256K): interleave {1, 2} by index (the region is PMD-aligned) */
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(node_at(&e, base + i * PAGE_SIZE), 1 + i % 2);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 32);
	assert_int_equal(tl_region_pages(e.s, 0, r, 2), 32);
	/* [256K, 512K): on node 0, in {0, 1}: stays; [512K, 768K): bound to 3
	 * without MOVE: stays; [768K, 1M): moved to 3 */
	assert_int_equal(node_at(&e, base + 300 * KiB), 0);
	assert_int_equal(node_at(&e, base + 600 * KiB), 0);
	assert_int_equal(tl_region_pages(e.s, 0, r, 3), 64);
	assert_int_equal(tl_region_pages(e.s, 0, r, 0), 256 - 64 - 64);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 128);
	tl_env_free(&e);
}

/* ---- migrate_pages(2) ---- */

static void test_migrate_pages_pairs(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "4node-48cpu", small_pages);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	touch(&e, 0, base, 32 * PAGE_SIZE);
	touch(&e, 1, base + 32 * PAGE_SIZE, 32 * PAGE_SIZE);
	tl_fault(&e, 1, base + 100 * PAGE_SIZE, false);	/* the zero page stays */
	/* {0, 1} -> {1, 2}: node 1 empties to 2 first, then node 0 goes to 1 */
	int64_t ret = kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x3, 0x6);
	assert_int_equal(ret, 0);
	assert_int_equal(node_at(&e, base), 1);
	assert_int_equal(node_at(&e, base + 32 * PAGE_SIZE), 2);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 32);
	assert_int_equal(tl_region_pages(e.s, 0, r, 2), 32);
	assert_int_equal(ev(&e, PGMIGRATE_SUCCESS), 64);
	/* unequal weights: a source in the destination stays:
	 * {1, 2, 3} -> {1}: node 2 goes to 1 (node 1 is in the destination) */
	ret = kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0xe, 0x2);
	assert_int_equal(ret, 0);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 64);
	/* the destination full: the pages not migrated */
	struct tl_held h = { 0 };
	tl_drain_node(&e.s->pm, 3, 0, &h);
	ret = kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x2, 0x8);
	assert_int_equal(ret, 64);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 64);
	/* a node without memory: -EPERM (not the caller's to use) */
	assert_int_equal(kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x2, 1u << 9), -EPERM);
	sim_audit(e.s);
	for (size_t i = 0; i < h.nr; i++)
		tl_put_page(&e.s->pm, h.pfn[i]);
	tl_held_free(&h);
	tl_env_free(&e);
}

/* A THP counts as one page not migrated, as a folio: split for want of a
 * 2 MiB block, its pages find no room either. */
static void test_migrate_pages_thp_count(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", thp_always);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base, true);
	tl_fault(&e, 0, base + 2 * MiB, true);
	struct tl_held h = { 0 };
	tl_drain_node(&e.s->pm, 1, 0, &h);
	assert_int_equal(kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x1, 0x2), 2);
	assert_int_equal(ev(&e, THP_MIGRATION_FAIL), 2);
	for (size_t i = 0; i < h.nr; i++)
		tl_put_page(&e.s->pm, h.pfn[i]);
	tl_held_free(&h);
	assert_int_equal(kernel_migrate_pages(e.s, tl_cpu(&e, 0), tl_mm(&e), 0x1, 0x2), 0);
	assert_int_equal(tl_region_pages(e.s, 0, r, 1), 1024);
	tl_env_free(&e);
}

/* ---- mremap, mmap ---- */

/* The region becomes the moved mapping: accesses after it use the new
 * address and length; the old contents come along. */
static void test_mremap_then_access(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t r = tl_mmap(&e, 2 * MiB);
	add_sweep(&e, r, 0, 2 * MiB, WL_WRITE);
	struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_MREMAP);
	ph->region = r, ph->len = 2 * MiB, ph->new_len = 6 * MiB;
	add_sweep(&e, r, 0, 6 * MiB, WL_WRITE);
	tl_start(&e, 1);
	assert_false(e.s->failed);
	assert_int_equal(tl_mm(&e)->region_len[r], 6 * MiB);
	assert_int_equal(tl_region_pages(e.s, 0, r, -1), 6 * MiB / PAGE_SIZE);
	/* 512 faults before, 1024 after: the first 2 MiB moved, not refaulted */
	assert_int_equal(ev(&e, PGFAULT), 6 * MiB / PAGE_SIZE - 512 + 512);
	sim_audit(e.s);
	tl_env_free(&e);

	/* the validator tracks the new size: past it is an error */
	tl_env_init(&e, "2node-128cpu", small_pages);
	r = tl_mmap(&e, 2 * MiB);
	ph = wl_add_phase(&e.wl, e.prog, WL_MREMAP);
	ph->region = r, ph->len = 2 * MiB, ph->new_len = 1 * MiB;
	add_sweep(&e, r, 0, 2 * MiB, WL_WRITE);
	char err[512];
	assert_int_equal(workload_validate(&e.wl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside region"));
	tl_env_free(&e);
}

static void test_mmap_shared_aligned(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", small_pages);
	uint32_t a = tl_mmap(&e, 4 * MiB);
	uint32_t b = tl_mmap(&e, 12 * KiB);
	struct wl_phase *ph = &e.wl.programs[e.prog].phases[e.wl.programs[e.prog].nr_phases - 1];
	ph->align = 1 * GiB;
	ph->arg = WL_MAP_SHARED;
	uint32_t c = tl_mmap(&e, 12 * KiB);	/* no alignment asked: a page */
	tl_start(&e, 1);
	(void)a;
	uint64_t addr = tl_addr(&e, b);
	assert_true(IS_ALIGNED(addr, GiB));
	struct vm_area_struct *v = find_vma(tl_mm(&e), addr);
	assert_true(v->vm_flags & VM_SHARED);
	assert_false(find_vma(tl_mm(&e), tl_addr(&e, c))->vm_flags & VM_SHARED);
	assert_true(tl_addr(&e, c) > addr);
	tl_env_free(&e);
	/* a bad alignment is the validator's */
	tl_env_init(&e, "2node-128cpu", small_pages);
	tl_mmap(&e, 4 * MiB);
	e.wl.programs[e.prog].phases[0].align = 3 * PAGE_SIZE;
	char err[512];
	assert_int_equal(workload_validate(&e.wl, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "power of two"));
	tl_env_free(&e);
}

/* ---- MADV_COLD, MADV_PAGEOUT (tiered-16cpu: node 0 keeps an LRU) ---- */

static const char *const tiered[] = { "numa.demotion_enabled=1", "transparent_hugepage.enabled=never",
				      NULL };

static void make_active(struct tl_env *e, uint64_t base, uint64_t len)
{
	for (uint64_t a = base; a < base + len; a += PAGE_SIZE) {
		struct folio *f = tl_folio_at(e, a);
		assert_true(folio_isolate_lru(e->s, f));
		folio_set(f, PG_active);
		folio_add_lru(e->s, f);
	}
}

static void test_madv_cold(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "tiered-16cpu", tiered);
	uint32_t r = tl_mmap(&e, 1 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	touch(&e, 0, base, 64 * PAGE_SIZE);
	make_active(&e, base, 64 * PAGE_SIZE);
	struct lruvec *lv = e.s->reclaim[0].lruvec;
	assert_non_null(lv);
	uint64_t active = lru_size(lv, LRU_ACTIVE_ANON), inactive = lru_size(lv, LRU_INACTIVE_ANON);
	assert_int_equal(sys_madvise(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 32 * PAGE_SIZE,
				     MM_MADV_COLD), 0);
	assert_int_equal(lru_size(lv, LRU_ACTIVE_ANON), active - 32);
	assert_int_equal(lru_size(lv, LRU_INACTIVE_ANON), inactive + 32);
	assert_int_equal(ev(&e, PGDEACTIVATE), 32);
	assert_false(folio_test(tl_folio_at(&e, base), PG_active));
	assert_false(pte_young(tl_pte(&e, base)));
	assert_true(folio_test(tl_folio_at(&e, base + 32 * PAGE_SIZE), PG_active));
	assert_true(pte_young(tl_pte(&e, base + 32 * PAGE_SIZE)));
	/* the unmapped part of a region: -ENOMEM, as madvise says */
	assert_int_equal(sys_madvise(e.s, tl_cpu(&e, 0), tl_mm(&e), base + 1 * MiB, PAGE_SIZE,
				     MM_MADV_COLD), -ENOMEM);
	sim_audit(e.s);
	tl_env_free(&e);
}

/* MADV_PAGEOUT: reclaim_pages() may not demote (sc.no_demotion), and with no
 * swap the folios are activated in place; a THP is split first. */
static void test_madv_pageout_no_demotion(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "numa.demotion_enabled=1", "transparent_hugepage.enabled=always",
				     NULL };
	tl_env_init(&e, "tiered-16cpu", sets);
	uint32_t r = tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base, true);		/* two THPs */
	tl_fault(&e, 0, base + 2 * MiB, true);
	assert_true(pmd_valid(pmd_slot_lookup(&tl_mm(&e)->pgd, base)->pmd));
	uint64_t rss0 = tl_mm(&e)->rss_node[0];
	/* the first whole, 16 pages of the second: that one is split by
	 * madvise itself, not by reclaim */
	assert_int_equal(sys_madvise(e.s, tl_cpu(&e, 0), tl_mm(&e), base, 2 * MiB + 16 * PAGE_SIZE,
				     MM_MADV_PAGEOUT), 0);
	assert_int_equal(tl_mm(&e)->rss_node[0], rss0);	/* nothing demoted */
	assert_int_equal(ev(&e, PGDEMOTE_DIRECT) + ev(&e, PGDEMOTE_KSWAPD), 0);
	assert_int_equal(ev(&e, PGACTIVATE), 512 + 16);
	assert_int_equal(ev(&e, THP_SWPOUT_FALLBACK), 1);
	assert_true(folio_test(tl_folio_at(&e, base + 2 * MiB), PG_active));
	assert_false(folio_test(tl_folio_at(&e, base + 2 * MiB + 16 * PAGE_SIZE), PG_active));
	assert_true(folio_test(tl_folio_at(&e, base + 5 * PAGE_SIZE), PG_active));
	assert_false(folio_test_large(tl_folio_at(&e, base)));
	assert_false(folio_test_large(tl_folio_at(&e, base + 2 * MiB)));
	sim_audit(e.s);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mpol_new_flags),
		cmocka_unit_test(test_validate_policies),
		cmocka_unit_test(test_local_follows_cpu),
		cmocka_unit_test(test_weighted_interleave),
		cmocka_unit_test(test_weighted_interleave_round_robin),
		cmocka_unit_test(test_weighted_interleave_nid),
		cmocka_unit_test(test_preferred_many_fallback),
		cmocka_unit_test(test_preferred_many_thp),
		cmocka_unit_test(test_numa_balancing_flag),
		cmocka_unit_test(test_numa_balancing_flag_tiering),
		cmocka_unit_test(test_move_pages_status),
		cmocka_unit_test(test_move_pages_not_migrated),
		cmocka_unit_test(test_move_pages_thp),
		cmocka_unit_test(test_move_pages_thp_split),
		cmocka_unit_test(test_move_pages_shared_in_run),
		cmocka_unit_test(test_mbind_move),
		cmocka_unit_test(test_migrate_pages_pairs),
		cmocka_unit_test(test_migrate_pages_thp_count),
		cmocka_unit_test(test_mremap_then_access),
		cmocka_unit_test(test_mmap_shared_aligned),
		cmocka_unit_test(test_madv_cold),
		cmocka_unit_test(test_madv_pageout_no_demotion),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
