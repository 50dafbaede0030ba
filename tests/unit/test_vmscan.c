// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_vmscan.c - reclaim by demotion: the anonymous LRU lists,
 * kswapd's priority loop over simulated time, references and the
 * active/inactive balance, direct reclaim (mem/vmscan.c, mem/lru.c).
 *
 * Most tests build a node whose memory a first touch filled, take the rest of
 * its free pages straight from the allocator (they are on no LRU), wake its
 * kswapd and then run kswapd's events one by one, looking at its state
 * between steps.
 */
#include "testlib.h"

#include "mem/lru.h"

#define SETS_BASE "transparent_hugepage.enabled=never", "numa.demotion_enabled=1", \
		  "kernel.numa_balancing=0"

/* Machine tiered-16cpu (1 GiB DRAM node 0 demoting to the CXL node 1); the
 * main thread first-touches @size on node 0. */
static void fill_env(struct tl_env *e, const char *const *sets, uint64_t size)
{
	tl_env_init(e, "tiered-16cpu", sets);
	uint32_t r = tl_mmap(e, size);
	wl_add_sweep(&e->wl, e->prog, r, 0, size, 1, WL_WRITE);
	tl_start(e, 1);
}

static struct lruvec *lv0(struct tl_env *e)
{
	assert_non_null(e->s->reclaim[0].lruvec);
	return e->s->reclaim[0].lruvec;
}

static uint64_t sim_now(const struct sim *s)
{
	uint64_t now = s->end_ns;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		now = MAX(now, s->cpus[c].now);
	return now;
}

/* Take node @nid's free pages until fewer than @target remain (a test's
 * allocations, on no LRU); free them with held_free(). */
static void take_free(struct sim *s, uint32_t nid, uint64_t target, struct tl_held *h)
{
	while (node_free_pages(&s->pm, nid) >= target) {
		uint64_t pfn = alloc_pages_node(&s->pm, nid, 0, WMARK_MIN);
		assert_true(pfn != PFN_NONE);
		tl_hold(h, pfn, 0);
	}
}

static void held_free(struct sim *s, struct tl_held *h)
{
	for (size_t i = 0; i < h->nr; i++)
		tl_put_page(&s->pm, h->pfn[i]);
	tl_held_free(h);
}

/* Fire queued events up to kswapd's next one and that one; false if none.
 * Other events, and kswapd's superseded ones, are dropped: the workload is over. */
static bool kswapd_step(struct sim *s, uint64_t *when)
{
	while (s->evq.nr) {
		struct event ev = evq_pop(&s->evq);
		if (ev.type != EV_KSWAPD ||
		    kswapd_event_gen(ev.arg) != s->reclaim[kswapd_event_nid(ev.arg)].gen)
			continue;
		if (when)
			*when = ev.time_ns;
		kswapd_event(s, ev.arg, ev.time_ns);
		return true;
	}
	return false;
}

/* Run kswapd of node 0 until it is no longer in balance_pgdat(). */
static void kswapd_run_out(struct sim *s)
{
	while (s->reclaim[0].state == KSWAPD_RUNNING)
		assert_true(kswapd_step(s, NULL));
}

/* What the hardware does on an access through a TLB miss: set the accessed
 * bit of each page of [addr, addr + len), or clear it (@young false, as a
 * previous look of reclaim would have). */
static void set_young(struct tl_env *e, uint64_t addr, uint64_t len, bool young)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE_SIZE) {
		struct pte_table *pt;
		pte_t *p = pte_lookup(tl_mm(e), a, &pt);
		assert_non_null(p);
		set_pte_at(e->s, tl_mm(e), pt, pte_index(a), young ? pte_mkyoung(*p) : pte_mkold(*p));
	}
}

static uint64_t ev(const struct tl_env *e, enum vm_event_item i)
{
	return e->s->vs.event[i];
}

/* ---- where folios enter the LRU ---- */

static void test_new_anon_folios_inactive(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 64 * MiB);
	/* since 5.9 a new anonymous folio starts on the inactive list */
	assert_int_equal(lru_size(lv0(&e), LRU_INACTIVE_ANON), 64 * MiB / PAGE_SIZE);
	assert_int_equal(lru_size(lv0(&e), LRU_ACTIVE_ANON), 0);
	struct folio *f = tl_folio_at(&e, tl_addr(&e, 0));
	assert_true(folio_test(f, PG_lru));
	assert_false(folio_test(f, PG_active));
	/* no LRU is kept where reclaim could not take anything */
	assert_null(e.s->reclaim[1].lruvec);
	vmscan_check(e.s);
	tl_env_free(&e);

	const char *const off[] = { "transparent_hugepage.enabled=never", NULL };
	fill_env(&e, off, 4 * MiB);
	assert_null(e.s->reclaim[0].lruvec);	/* demotion disabled */
	tl_env_free(&e);
}

/* A THP is one LRU entry of 512 pages, and reclaim counts it so. */
static void test_thp_one_entry(void **state)
{
	(void)state;
	const char *const sets[] = { "numa.demotion_enabled=1", "kernel.numa_balancing=0", NULL };
	struct tl_env e;
	fill_env(&e, sets, 64 * MiB);
	struct lruvec *lv = lv0(&e);
	assert_int_equal(lv->lists[LRU_INACTIVE_ANON].nr_folios, 32);
	assert_int_equal(lru_size(lv, LRU_INACTIVE_ANON), 32 * 512);
	struct tl_held h = { 0 };
	take_free(e.s, 0, e.s->pm.node[0].watermark[WMARK_LOW], &h);
	wakeup_kswapd(e.s, 0, 0, sim_now(e.s));
	kswapd_run_out(e.s);
	assert_true(ev(&e, PGSCAN_KSWAPD) > 0);
	assert_int_equal(ev(&e, PGSCAN_KSWAPD) % 512, 0);
	assert_int_equal(ev(&e, PGDEMOTE_KSWAPD) % 512, 0);
	held_free(e.s, &h);
	tl_env_free(&e);
}

/* ---- kswapd's priority loop ---- */

/*
 * Each pass of balance_pgdat() scans lru_size >> priority of the inactive
 * list (all of it: free memory is below the high watermark and the inactive
 * list is not low, so the file LRU counts as tiny); freshly touched pages are
 * only marked referenced, nothing is reclaimed and the priority goes up.
 */
static void test_kswapd_priority_passes(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 512 * MiB);
	struct sim *s = e.s;
	struct node_reclaim *r = &s->reclaim[0];
	const uint64_t inactive = lru_size(lv0(&e), LRU_INACTIVE_ANON);
	struct tl_held h = { 0 };
	take_free(s, 0, s->pm.node[0].watermark[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	assert_int_equal(r->state, KSWAPD_RUNNING);
	assert_int_equal(ev(&e, PAGEOUTRUN), 1);
	for (int prio = DEF_PRIORITY; prio > DEF_PRIORITY - 4; prio--) {
		uint64_t scanned = ev(&e, PGSCAN_KSWAPD);
		assert_int_equal(r->step, BP_PASS);
		assert_true(kswapd_step(s, NULL));	/* the pass's set-up */
		assert_int_equal(r->sc.priority, prio);
		assert_int_equal(r->sc.nr[LRU_INACTIVE_ANON], inactive >> prio);
		assert_int_equal(r->sc.nr_to_reclaim, s->pm.node[0].watermark[WMARK_HIGH]);
		while (r->step != BP_PASS)
			assert_true(kswapd_step(s, NULL));
		assert_int_equal(ev(&e, PGSCAN_KSWAPD) - scanned, inactive >> prio);
		assert_int_equal(ev(&e, PGSTEAL_KSWAPD), 0);
		assert_int_equal(r->sc.priority, prio - 1);	/* short: raised */
	}
	/* the pages looked at went back to the head, marked referenced */
	assert_true(folio_test(tl_folio_at(&e, tl_addr(&e, 0)), PG_referenced));
	assert_false(folio_test(tl_folio_at(&e, tl_addr(&e, 0) + 256 * MiB), PG_referenced));
	assert_int_equal(lru_size(lv0(&e), LRU_INACTIVE_ANON), inactive);
	held_free(s, &h);
	tl_env_free(&e);
}

/*
 * A pass that scans nr_to_reclaim (the high watermark) and reclaims keeps
 * its priority. The oldest 2016 pages are referenced, so passes at priority
 * 12 down to 7 (32 + 64 + ... + 1024 pages) reclaim nothing; at priority 6
 * the scan meets unreferenced pages, reclaims nr_to_reclaim and stops.
 */
static void test_kswapd_priority_kept(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 512 * MiB);
	struct sim *s = e.s;
	struct node_reclaim *r = &s->reclaim[0];
	const uint64_t young = 2016;
	set_young(&e, tl_addr(&e, 0) + young * PAGE_SIZE, 512 * MiB - young * PAGE_SIZE, false);
	struct tl_held h = { 0 };
	take_free(s, 0, s->pm.node[0].watermark[WMARK_MIN] + 1, &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	int passes = 0;
	while (r->state == KSWAPD_RUNNING) {
		if (r->step == BP_PASS)
			passes++;
		assert_true(kswapd_step(s, NULL));
	}
	const uint64_t high = s->pm.node[0].watermark[WMARK_HIGH];
	assert_int_equal(r->sc.priority, 6);
	assert_int_equal(passes, 8);	/* 12..6, then the check that finds it balanced */
	assert_true(ev(&e, PGSTEAL_KSWAPD) >= high);
	assert_true(ev(&e, PGSTEAL_KSWAPD) < high + SWAP_CLUSTER_MAX);
	assert_int_equal(ev(&e, PGSCAN_KSWAPD), young + ev(&e, PGSTEAL_KSWAPD));
	assert_int_equal(r->kswapd_failures, 0);
	held_free(s, &h);
	tl_env_free(&e);
}

/*
 * A node just below its low watermark is brought back above the high one
 * (or WMARK_PROMO in tiering mode) and no further: the demotion is about
 * high - free pages, bounded by the last pass's batch, not the node.
 */
static void bounded_demotion(const char *mode, enum zone_watermarks target)
{
	const char *const sets[] = { "transparent_hugepage.enabled=never", "numa.demotion_enabled=1",
				     mode, NULL };
	struct tl_env e;
	fill_env(&e, sets, 512 * MiB);
	struct sim *s = e.s;
	set_young(&e, tl_addr(&e, 0), 512 * MiB, false);
	struct tl_held h = { 0 };
	const uint64_t *wm = s->pm.node[0].watermark;
	take_free(s, 0, wm[WMARK_LOW], &h);
	const uint64_t free0 = node_free_pages(&s->pm, 0);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	kswapd_run_out(s);
	const uint64_t demoted = ev(&e, PGDEMOTE_KSWAPD);
	assert_true(node_free_pages(&s->pm, 0) > wm[target]);
	assert_true(demoted >= wm[target] - free0);
	/* the last pass takes at most twice what the passes before it took */
	assert_true(demoted <= 2 * (wm[target] - free0) + SWAP_CLUSTER_MAX);
	assert_int_equal(ev(&e, PGSTEAL_KSWAPD), demoted);
	assert_int_equal(ev(&e, PGDEMOTE_DIRECT), 0);
	assert_int_equal(e.s->mms[0]->rss_node[1], demoted);
	held_free(s, &h);
	tl_env_free(&e);
}

static void test_kswapd_bounded_demotion(void **state)
{
	(void)state;
	bounded_demotion("kernel.numa_balancing=0", WMARK_HIGH);
	bounded_demotion("kernel.numa_balancing=2", WMARK_PROMO);
}

/* ---- references ---- */

/*
 * folio_check_references(): referenced now and marked from an earlier look
 * (or referenced in two VMAs) activates; referenced for the first time is
 * kept on the inactive list; unreferenced is reclaimed.
 */
static void test_references(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 64 * MiB);
	struct sim *s = e.s;
	const uint64_t base = tl_addr(&e, 0), third = 2048 * PAGE_SIZE;
	/* [0, third): referenced twice; [third, 2 * third): marked, not
	 * referenced again; the rest: referenced once, freshly touched */
	set_young(&e, base + third, third, false);
	for (uint64_t a = base; a < base + 2 * third; a += PAGE_SIZE)
		folio_set(tl_folio_at(&e, a), PG_referenced);
	struct tl_held h = { 0 };
	take_free(s, 0, s->pm.node[0].watermark[WMARK_MIN] + 1, &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	kswapd_run_out(s);
	uint64_t active = 0, kept = 0;
	for (uint64_t a = base; a < base + third; a += PAGE_SIZE) {
		pte_t p = tl_pte(&e, a);
		assert_int_equal(pte_nid(p), 0);	/* never demoted */
		active += folio_test(tl_folio_at(&e, a), PG_active);
	}
	assert_int_equal(active, 2048);
	assert_int_equal(ev(&e, PGACTIVATE), 2048);
	assert_int_equal(lru_size(lv0(&e), LRU_ACTIVE_ANON), 2048);
	uint64_t demoted = 0;
	for (uint64_t a = base + third; a < base + 2 * third; a += PAGE_SIZE)
		demoted += pte_nid(tl_pte(&e, a)) == 1;
	assert_true(demoted > 0);
	assert_int_equal(demoted, ev(&e, PGDEMOTE_KSWAPD));
	for (uint64_t a = base + 2 * third; a < base + 64 * MiB; a += PAGE_SIZE) {
		struct folio *f = tl_folio_at(&e, a);
		assert_int_equal(folio_nid(f), 0);
		assert_false(folio_test(f, PG_active));
		kept += folio_test(f, PG_referenced);
	}
	assert_int_equal(kept, 0);	/* kswapd was done before it got there */
	vmscan_check(s);
	held_free(s, &h);
	tl_env_free(&e);
}

/* ---- the active/inactive balance ---- */

/* Move every folio of [addr, addr + len) to the active list. */
static void make_active(struct tl_env *e, uint64_t addr, uint64_t len)
{
	for (uint64_t a = addr; a < addr + len; a += PAGE_SIZE) {
		struct folio *f = tl_folio_at(e, a);
		lru_del(&e->s->pm, lv0(e), f);
		folio_set(f, PG_active);
		lru_add(&e->s->pm, lv0(e), f);
	}
}

/*
 * inactive_is_low() (below 1 GiB: inactive < active): kswapd_age_node() and
 * shrink_list() deactivate from the tail of the active list (pgrefill,
 * pgdeactivate), and get_scan_count() uses SCAN_FRACT: swappiness / 200 of
 * lru_size >> priority.
 */
static void test_inactive_is_low_deactivates(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 256 * MiB);
	struct sim *s = e.s;
	const uint64_t base = tl_addr(&e, 0), active = 60000;
	make_active(&e, base, active * PAGE_SIZE);
	const uint64_t inactive = lru_size(lv0(&e), LRU_INACTIVE_ANON);
	assert_true(inactive < active);
	struct tl_held h = { 0 };
	take_free(s, 0, s->pm.node[0].watermark[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	assert_true(kswapd_step(s, NULL));	/* age the lists, set up the pass */
	struct node_reclaim *r = &s->reclaim[0];
	assert_true(r->sc.may_deactivate_anon);
	assert_false(r->sc.file_is_tiny);
	assert_int_equal(ev(&e, PGREFILL), SWAP_CLUSTER_MAX);
	assert_int_equal(ev(&e, PGDEACTIVATE), SWAP_CLUSTER_MAX);
	assert_int_equal(r->sc.nr[LRU_INACTIVE_ANON],
			 ((inactive + SWAP_CLUSTER_MAX) >> DEF_PRIORITY) * 60 / 200);
	assert_int_equal(r->sc.nr[LRU_ACTIVE_ANON],
			 ((active - SWAP_CLUSTER_MAX) >> DEF_PRIORITY) * 60 / 200);
	/* the oldest active folio went to the inactive list, its bit cleared */
	struct folio *f = tl_folio_at(&e, base);
	assert_false(folio_test(f, PG_active));
	assert_false(pte_young(tl_pte(&e, base)));
	kswapd_run_out(s);
	assert_true(ev(&e, PGDEACTIVATE) > SWAP_CLUSTER_MAX);
	assert_true(ev(&e, PGREFILL) >= ev(&e, PGDEACTIVATE));
	assert_int_equal(lru_size(lv0(&e), LRU_ACTIVE_ANON), active - ev(&e, PGDEACTIVATE));
	vmscan_check(s);
	held_free(s, &h);
	tl_env_free(&e);
}

/* ---- sleeping and waking ---- */

/*
 * kswapd runs in steps over simulated time on a CPU of its node, which it
 * charges; balanced, it sleeps HZ/10 and then for good; woken within the
 * HZ/10 it counts kswapd_low_wmark_hit_quickly.
 */
static void test_kswapd_time_and_sleep(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 512 * MiB);
	struct sim *s = e.s;
	struct node_reclaim *r = &s->reclaim[0];
	set_young(&e, tl_addr(&e, 0), 512 * MiB, false);
	struct tl_held h = { 0 };
	const uint64_t *wm = s->pm.node[0].watermark;
	take_free(s, 0, wm[WMARK_LOW], &h);
	uint64_t kernel0 = 0, kernel1 = 0;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		kernel0 += s->cpus[c].kernel_ns;
	const uint64_t t0 = sim_now(s);
	wakeup_kswapd(s, 0, 0, t0);
	uint64_t t = 0, steps = 0;
	assert_true(kswapd_step(s, &t));
	assert_int_equal(t, t0);
	assert_true(node_free_pages(&s->pm, 0) <= wm[WMARK_HIGH]);	/* not all at once */
	while (r->state == KSWAPD_RUNNING) {
		uint64_t prev = t;
		assert_true(kswapd_step(s, &t));
		assert_true(t > prev);
		steps++;
	}
	assert_true(steps > 2);
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		kernel1 += s->cpus[c].kernel_ns;
	assert_true(kernel1 > kernel0);	/* charged to the CPUs it ran on */
	assert_int_equal(r->state, KSWAPD_SHORT_SLEEP);
	/* woken again within the HZ/10 */
	take_free(s, 0, wm[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, t);
	assert_int_equal(r->state, KSWAPD_RUNNING);
	assert_int_equal(ev(&e, KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
	assert_int_equal(ev(&e, PAGEOUTRUN), 2);
	kswapd_run_out(s);
	/* the HZ/10 runs out: asleep for good; a wakeup of a balanced node
	 * does nothing, one below the low watermark starts it again */
	uint64_t slept;
	assert_true(kswapd_step(s, &slept));
	assert_true(slept >= t + 100 * NSEC_PER_MSEC);
	assert_int_equal(r->state, KSWAPD_SLEEPING);
	wakeup_kswapd(s, 0, 0, slept);
	assert_int_equal(r->state, KSWAPD_SLEEPING);
	take_free(s, 0, wm[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, slept);
	assert_int_equal(r->state, KSWAPD_RUNNING);
	assert_int_equal(ev(&e, PAGEOUTRUN), 3);
	assert_int_equal(ev(&e, KSWAPD_LOW_WMARK_HIT_QUICKLY), 1);
	kswapd_run_out(s);
	held_free(s, &h);
	tl_env_free(&e);
}

/*
 * Nothing to demote to (the lower tier is full): each balance_pgdat() fails,
 * kswapd retries at once (kswapd_high_wmark_hit_quickly) until
 * MAX_RECLAIM_RETRIES failures, then is not woken again; the folios it
 * wanted are activated (no swap). A successful direct reclaim revives it.
 */
static void test_kswapd_failures(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	fill_env(&e, sets, 256 * MiB);
	struct sim *s = e.s;
	struct node_reclaim *r = &s->reclaim[0];
	set_young(&e, tl_addr(&e, 0), 256 * MiB, false);
	struct tl_held full = { 0 }, h = { 0 };
	tl_drain_node(&s->pm, 1, 0, &full);
	take_free(s, 0, s->pm.node[0].watermark[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	while (r->state != KSWAPD_SHORT_SLEEP)
		assert_true(kswapd_step(s, NULL));
	assert_int_equal(r->kswapd_failures, MAX_RECLAIM_RETRIES);
	/* node 1's kswapd as well: the failed demotions' GFP_NOWAIT woke it,
	 * and it has nothing to reclaim from (no lower tier) */
	while (s->reclaim[1].state == KSWAPD_RUNNING)
		assert_true(kswapd_step(s, NULL));
	assert_int_equal(s->reclaim[1].kswapd_failures, MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(&e, PAGEOUTRUN), 2 * MAX_RECLAIM_RETRIES);
	assert_int_equal(ev(&e, KSWAPD_HIGH_WMARK_HIT_QUICKLY), 2 * (MAX_RECLAIM_RETRIES - 1));
	assert_int_equal(ev(&e, PGDEMOTE_KSWAPD), 0);
	assert_true(ev(&e, PGACTIVATE) > 0);
	assert_int_equal(lru_size(lv0(&e), LRU_ACTIVE_ANON), ev(&e, PGACTIVATE) - ev(&e, PGDEACTIVATE));
	assert_true(folio_test(tl_folio_at(&e, tl_addr(&e, 0)), PG_active));
	wakeup_kswapd(s, 0, 0, sim_now(s));	/* hopeless: left to direct reclaim */
	assert_int_equal(ev(&e, PAGEOUTRUN), 2 * MAX_RECLAIM_RETRIES);
	/* room again below; direct reclaim demotes and revives kswapd */
	for (size_t i = 0; i < full.nr; i++)
		tl_put_page(&s->pm, full.pfn[i]);
	tl_held_free(&full);
	uint64_t got = try_to_free_pages(s, tl_cpu(&e, 0), 0, ~0ull);
	assert_true(got >= SWAP_CLUSTER_MAX);
	assert_int_equal(ev(&e, ALLOCSTALL), 1);
	assert_int_equal(ev(&e, PGDEMOTE_DIRECT), got);
	assert_int_equal(ev(&e, PGSTEAL_DIRECT), got);
	assert_true(ev(&e, PGSCAN_DIRECT) >= got);
	assert_int_equal(r->kswapd_failures, 0);
	take_free(s, 0, s->pm.node[0].watermark[WMARK_LOW], &h);
	wakeup_kswapd(s, 0, 0, sim_now(s));
	assert_int_equal(r->state, KSWAPD_RUNNING);
	kswapd_run_out(s);
	assert_true(ev(&e, PGDEMOTE_KSWAPD) > 0);
	vmscan_check(s);
	held_free(s, &h);
	tl_env_free(&e);
}

/* ---- the LRU representation ---- */

/* Folios freed in the middle of a list leave entries that are skipped; a
 * pfn reused by a new folio is found once, in its new place. */
static void test_lru_stale_entries(void **state)
{
	(void)state;
	const char *const sets[] = { SETS_BASE, NULL };
	struct tl_env e;
	tl_env_init(&e, "tiered-16cpu", sets);
	uint32_t r = tl_mmap(&e, 16 * MiB);
	wl_add_sweep(&e.wl, e.prog, r, 0, 16 * MiB, 1, WL_WRITE);
	struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_MADVISE);
	ph->region = r, ph->off = 0, ph->len = 8 * MiB, ph->arg = MM_MADV_DONTNEED;
	wl_add_sweep(&e.wl, e.prog, r, 0, 8 * MiB, 1, WL_WRITE);	/* refault */
	tl_start(&e, 1);
	struct lruvec *lv = lv0(&e);
	const uint64_t n = 16 * MiB / PAGE_SIZE;
	assert_int_equal(lv->lists[LRU_INACTIVE_ANON].nr_folios, n);
	vmscan_check(e.s);
	/* the oldest folios now are the second half's, then the refaulted ones */
	struct folio *f = lru_pop_tail(&e.s->pm, lv, LRU_INACTIVE_ANON);
	assert_ptr_equal(f, tl_folio_at(&e, tl_addr(&e, 0) + 8 * MiB));
	lru_add(&e.s->pm, lv, f);
	uint64_t seen = 0;
	while ((f = lru_pop_tail(&e.s->pm, lv, LRU_INACTIVE_ANON)))
		seen++;
	assert_int_equal(seen, n);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_anon_folios_inactive),
		cmocka_unit_test(test_thp_one_entry),
		cmocka_unit_test(test_kswapd_priority_passes),
		cmocka_unit_test(test_kswapd_priority_kept),
		cmocka_unit_test(test_kswapd_bounded_demotion),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_inactive_is_low_deactivates),
		cmocka_unit_test(test_kswapd_time_and_sleep),
		cmocka_unit_test(test_kswapd_failures),
		cmocka_unit_test(test_lru_stale_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
