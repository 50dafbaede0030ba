// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_tiering.c - memory tiers, demotion by reclaim, and
 * promotion by NUMA balancing's tiering mode.
 */
#include "testlib.h"

#include "numa/numa_balancing.h"

/* ---- tiers (establish_demotion_targets) ---- */

static void test_memory_tiers(void **state)
{
	(void)state;
	struct machine m;
	struct memory_tiers mt;
	assert_int_equal(machine_preset(&m, "tiered-16cpu"), 0);
	memory_tiers_init(&mt, &m);
	assert_true(mt.toptier[0]);
	assert_false(mt.toptier[1]);
	assert_int_equal(mt.adistance[0], MEMTIER_ADISTANCE_DRAM);
	assert_true(mt.tier[1] > mt.tier[0]);
	assert_int_equal(next_demotion_node(&mt, 0), 1);
	assert_int_equal(next_demotion_node(&mt, 1), NUMA_NO_NODE);	/* the lowest tier */
	assert_int_equal(mt.lower_tier_mask[0], 1u << 1);

	assert_int_equal(machine_preset(&m, "tiered-2node-cxl"), 0);
	memory_tiers_init(&mt, &m);
	assert_true(mt.toptier[0] && mt.toptier[1]);
	assert_false(mt.toptier[2] || mt.toptier[3]);
	/* each socket demotes to its own CXL node, and may fall back to both */
	assert_int_equal(next_demotion_node(&mt, 0), 2);
	assert_int_equal(next_demotion_node(&mt, 1), 3);
	assert_int_equal(mt.lower_tier_mask[0], (1u << 2) | (1u << 3));

	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	memory_tiers_init(&mt, &m);
	assert_true(mt.toptier[0] && mt.toptier[1]);
	assert_int_equal(next_demotion_node(&mt, 0), NUMA_NO_NODE);
}

/*
 * A QEMU guest's dax/kmem node costs what DRAM costs (TCG), so by latency it
 * is top tier; the kernel puts it at the default DAX distance (memory_tier22)
 * all the same, and a machine file measured there says so with memory_tier.
 */
static void test_memory_tier_key(void **state)
{
	(void)state;
	static const char text[] =
		"[node 0]\nmemory = 512M\ncores = 2\nbw_gbps = 5\n"
		"[node 1]\nkind = pmem\nmemory = 256M\ncores = 0\nbw_gbps = 5\n%s"
		"[latency]\n0 = 300 300\n1 = 300 300\n";
	char buf[512], err[256];
	struct machine m;
	struct memory_tiers mt;

	snprintf(buf, sizeof(buf), text, "");
	assert_int_equal(machine_parse(&m, buf, strlen(buf), "t.machine", err, sizeof(err)), 0);
	memory_tiers_init(&mt, &m);
	assert_true(mt.toptier[1]);	/* by latency alone: as fast as DRAM */

	snprintf(buf, sizeof(buf), text, "memory_tier = 22\n");
	if (machine_parse(&m, buf, strlen(buf), "t.machine", err, sizeof(err)))
		fail_msg("%s", err);
	memory_tiers_init(&mt, &m);
	assert_int_equal(mt.tier[1], 22);
	assert_int_equal(mt.tier[0], 4);
	assert_false(mt.toptier[1]);
	assert_int_equal(next_demotion_node(&mt, 0), 1);

	snprintf(buf, sizeof(buf), text, "memory_tier = 5000\n");
	assert_int_equal(machine_parse(&m, buf, strlen(buf), "t.machine", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "memory_tier"));
}

/* ---- the hot threshold's automatic adjustment ---- */

static void test_threshold_steps(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "tiered-16cpu", NULL);
	tl_mmap(&e, 4 * MiB);
	tl_start(&e, 1);
	struct numa_promo_state ps = { 0 };
	const uint64_t ref_th = 1000, rate = 1000, period = 60000;	/* pages/s, ms */
	const uint64_t ref_cand = rate * period / 1000;
	uint64_t now = 0;
	/* too many candidates: down by 2/16 of the default per period, to 125 ms */
	uint64_t expect = ref_th;
	for (int i = 0; i < 12; i++) {
		now += period + 1;
		ps.nr_cand += ref_cand * 2;
		numa_promotion_adjust_threshold(e.s, &ps, now, rate, ref_th);
		expect = MAX(expect - 125, 125);
		assert_int_equal(ps.nbp_threshold, expect);
	}
	/* within 10 %: unchanged */
	now += period + 1;
	ps.nr_cand += ref_cand;
	numa_promotion_adjust_threshold(e.s, &ps, now, rate, ref_th);
	assert_int_equal(ps.nbp_threshold, 125);
	/* not within the same period */
	ps.nr_cand += ref_cand * 5;
	numa_promotion_adjust_threshold(e.s, &ps, now + 10, rate, ref_th);
	assert_int_equal(ps.nbp_threshold, 125);
	/* too few: up by steps, capped at twice the default */
	for (int i = 0; i < 20; i++) {
		now += period + 1;
		numa_promotion_adjust_threshold(e.s, &ps, now, rate, ref_th);
	}
	assert_int_equal(ps.nbp_threshold, 2000);
	tl_env_free(&e);
}

/* ---- scenarios ---- */

/*
 * A process whose region was first touched on the slow node (bound there),
 * then read by @threads threads with a hot head of @hot_frac getting
 * @hot_prob of the accesses.
 */
static void tier_run_on(struct tl_env *e, const char *machine, const struct machine *mach,
			const char *const *sets, uint64_t size, uint32_t slow_node, uint32_t threads,
			double hot_frac, double hot_prob, uint64_t accesses)
{
	tl_env_init(e, machine, sets);
	if (mach)
		e->m = *mach;
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(e, size);
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_BIND, 1ull << slow_node };
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = size, ph->count = 1, ph->access = WL_WRITE;
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_DEFAULT, 0 };
	uint32_t tp = wl_add_program(&e->wl);
	ph = wl_add_phase(&e->wl, tp, WL_SKEWED);
	ph->region = r, ph->len = size, ph->count = accesses, ph->access = WL_READ;
	ph->hot_frac = hot_frac, ph->hot_prob = hot_prob;
	for (uint32_t i = 0; i < threads; i++)
		wl_add_phase(&e->wl, e->prog, WL_SPAWN)->target = tp;
	wl_add_phase(&e->wl, e->prog, WL_JOIN);
	tl_start(e, 1);
}

static void tier_run(struct tl_env *e, const char *machine, const char *const *sets, uint64_t size,
		     uint32_t slow_node, uint32_t threads, double hot_frac, double hot_prob,
		     uint64_t accesses)
{
	tier_run_on(e, machine, NULL, sets, size, slow_node, threads, hot_frac, hot_prob, accesses);
}

/* Pages of [start, start + len) whose frame is on node @nid. */
static uint64_t pages_on(struct tl_env *e, uint64_t start, uint64_t len, uint32_t nid)
{
	uint64_t n = 0;
	for (uint64_t a = start; a < start + len; a += PAGE_SIZE) {
		pte_t p = tl_pte(e, a);
		n += pte_present(p) && pte_nid(p) == nid;
	}
	return n;
}

#define TIERING_SETS(nb, demote)                                                             \
	"kernel.numa_balancing=" nb, "numa.demotion_enabled=" demote,                        \
		"numa_balancing.scan_delay_ms=100", "numa_balancing.scan_period_min_ms=100",  \
		"numa_balancing.scan_size_mb=64", "transparent_hugepage.enabled=never"

static void test_hot_set_promoted_cold_stays(void **state)
{
	(void)state;
	const uint64_t size = 512 * MiB, hot = size / 16, pages = size / PAGE_SIZE;
	const char *const sets[] = { TIERING_SETS("2", "1"), "numasim.sample_ms=100", NULL };
	struct tl_env e;
	tier_run(&e, "tiered-16cpu", sets, size, 1, 4, 1.0 / 16, 0.999, 6000000);
	uint64_t base = tl_addr(&e, 0);
	const uint64_t *ev = e.s->vs.event;
	assert_true(ev[PGPROMOTE_SUCCESS] > 0);
	assert_true(ev[PGPROMOTE_CANDIDATE] > 0);
	/* the hot head moved to DRAM; the cold half stayed on the CXL node */
	assert_true(pages_on(&e, base, hot, 0) >= (hot / PAGE_SIZE) * 8 / 10);
	assert_true(pages_on(&e, base + size / 2, size / 2, 1) >= (pages / 2) * 9 / 10);
	/* pure tiering mode never scans the top tier: no hint fault is local */
	assert_int_equal(ev[NUMA_HINT_FAULTS_LOCAL], 0);
	/* promotion never takes DRAM below its high watermark */
	const uint64_t present = e.s->pm.node[0].node_present_pages;
	for (uint32_t i = 0; i < e.s->ts.nr; i++)
		assert_true(present - e.s->ts.s[i].node_used[0] >= e.s->pm.node[0].watermark[WMARK_MIN]);
	assert_oracle_clean(e.s);
	tl_env_free(&e);

	/* control: without tiering nothing moves up */
	const char *const off[] = { TIERING_SETS("0", "1"), NULL };
	tier_run(&e, "tiered-16cpu", off, size, 1, 4, 1.0 / 16, 0.999, 2000000);
	assert_int_equal(e.s->vs.event[PGPROMOTE_SUCCESS], 0);
	assert_int_equal(pages_on(&e, tl_addr(&e, 0), size, 1), pages);
	tl_env_free(&e);
}

/* The rate limit: candidates per one-second window never exceed it. */
static void test_promotion_rate_limit(void **state)
{
	(void)state;
	const uint64_t size = 512 * MiB, limit_pages = 8 * MiB / PAGE_SIZE;
	const char *const sets[] = { TIERING_SETS("2", "1"),
				     "kernel.numa_balancing_promote_rate_limit_MBps=8",
				     "numasim.sample_ms=1000", NULL };
	struct tl_env e;
	/* DRAM kept short of room: tiered-16cpu's 1 GiB is mostly full first */
	tier_run(&e, "tiered-16cpu", sets, size, 1, 4, 0.5, 0.9, 6000000);
	const struct sim *s = e.s;
	uint64_t promoted = s->vs.event[PGPROMOTE_SUCCESS];
	uint64_t nrl = s->vs.event[PGPROMOTE_CANDIDATE_NRL];
	assert_true(promoted > 0);
	/* pages promoted while the target had plenty of room bypass the limit */
	double secs = (double)s->end_ns / 1e9;
	assert_true((double)(promoted - MIN(promoted, nrl)) <= (double)limit_pages * (secs + 1));
	/* per rate window (1 s from the first candidate after the last one
	 * closed, as Linux counts), at most the limit: the last folio accepted
	 * may be the one that reaches it */
	assert_true(s->promo[0].max_window_cand > 0);
	assert_true(s->promo[0].max_window_cand < limit_pages);
	/* pgpromote_candidate counts every hot candidate, the limited ones too */
	assert_true(s->vs.event[PGPROMOTE_CANDIDATE] >= promoted - MIN(promoted, nrl));
	assert_int_equal(s->vs.event[PGPROMOTE_CANDIDATE], s->promo[0].nr_cand);
	tl_env_free(&e);

	/* a limit of 0 promotes nothing through the limit, but candidates still
	 * count (numa_promotion_rate_limit adds them before it checks) */
	const char *const zero[] = { TIERING_SETS("2", "1"),
				     "kernel.numa_balancing_promote_rate_limit_MBps=0",
				     "numasim.sample_ms=1000", NULL };
	tier_run(&e, "tiered-16cpu", zero, size, 1, 4, 0.5, 0.9, 6000000);
	s = e.s;
	uint64_t cand = s->vs.event[PGPROMOTE_CANDIDATE];
	promoted = s->vs.event[PGPROMOTE_SUCCESS];
	nrl = s->vs.event[PGPROMOTE_CANDIDATE_NRL];
	tl_env_free(&e);
	if (cand == 0 || promoted > nrl)
		fail_msg("rate limit 0: pgpromote_candidate %llu, pgpromote_success %llu, "
			 "pgpromote_candidate_nrl %llu; Linux counts every hot candidate before "
			 "the limit and promotes only those the free-space bypass lets through",
			 (unsigned long long)cand, (unsigned long long)promoted,
			 (unsigned long long)nrl);
}

/*
 * Demotion only when enabled, and only towards the configured target: on a
 * small two-socket box with a CXL node per socket, socket 0 promotes into its
 * DRAM; kswapd makes room by demoting to socket 0's CXL node, never node 3.
 */
static const char small_cxl[] =
	"base = tiered-2node-cxl\n"
	"[node 0]\nmemory = 256M\n"
	"[node 1]\nmemory = 256M\n"
	"[node 2]\nmemory = 1G\n"
	"[node 3]\nmemory = 1G\n";

static void test_demotion_target(void **state)
{
	(void)state;
	char err[256];
	struct machine m;
	assert_int_equal(machine_parse(&m, small_cxl, sizeof(small_cxl) - 1, "small-cxl", err,
				       sizeof(err)), 0);
	for (int enabled = 0; enabled <= 1; enabled++) {
		const char *const sets[] = { TIERING_SETS("2", "0"),
					     enabled ? "numa.demotion_enabled=1" : "numa.demotion_enabled=0",
					     NULL };
		struct tl_env e;
		tier_run_on(&e, "tiered-2node-cxl", &m, sets, 512 * MiB, 2, 4, 0.9, 0.95, 3000000);
		const struct sim *s = e.s;
		const uint64_t *ev = s->vs.event;
		assert_true(ev[PGPROMOTE_SUCCESS] > 0);
		if (enabled) {
			assert_true(ev[PGDEMOTE_KSWAPD] > 0);
			assert_true(ev[PAGEOUTRUN] > 0);
		} else {
			assert_int_equal(ev[PGDEMOTE_KSWAPD] + ev[PGDEMOTE_DIRECT], 0);
			/* promotion stops at DRAM's high watermark */
			assert_true(ev[PGPROMOTE_SUCCESS] <= s->pm.node[0].node_present_pages);
		}
		/* never towards the other socket's CXL node, nor its DRAM */
		assert_int_equal(s->mms[0]->rss_node[3], 0);
		assert_int_equal(s->mms[0]->rss_node[1], 0);
		assert_oracle_clean(s);
		tl_env_free(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory_tiers),
		cmocka_unit_test(test_memory_tier_key),
		cmocka_unit_test(test_threshold_steps),
		cmocka_unit_test(test_hot_set_promoted_cold_stays),
		cmocka_unit_test(test_promotion_rate_limit),
		cmocka_unit_test(test_demotion_target),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
