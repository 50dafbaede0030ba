// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/vmscan.c - reclaim of anonymous memory, which without swap can only
 * demote it to a lower memory tier.
 * Models:     linux mm/vmscan.c as of 6.1 with the multi-gen LRU off (Debian
 *             6.1 builds it but leaves it disabled): the two-list LRU;
 *             kswapd(), kswapd_try_to_sleep() with its HZ/10 premature-sleep
 *             check, prepare_kswapd_sleep(), wakeup_kswapd() with
 *             kswapd_failures and MAX_RECLAIM_RETRIES; balance_pgdat() (sc.priority
 *             from DEF_PRIORITY down, raised only when kswapd_shrink_node()
 *             scanned less than its target or nothing was reclaimed;
 *             pgdat_balanced() against the high watermark, or WMARK_PROMO under
 *             NUMA_BALANCING_MEMORY_TIERING); kswapd_age_node(); shrink_node(),
 *             prepare_scan_count(), get_scan_count() (lru_size >> priority,
 *             SCAN_EQUAL/SCAN_FRACT/SCAN_ANON by swappiness and file_is_tiny,
 *             anon only if can_reclaim_anon_pages(): here, can_demote()),
 *             shrink_lruvec(), shrink_list(), inactive_is_low() (the
 *             int_sqrt(10 * gb) ratio), shrink_active_list(),
 *             isolate_lru_folios(), shrink_inactive_list(), shrink_folio_list()
 *             with folio_check_references() and folio_referenced() (accessed
 *             bits counted once per VMA and cleared through the rmap, without
 *             a flush as on x86), demote_folio_list(), the no-swap fallback of
 *             a folio that failed to demote (activated; a large one split),
 *             try_to_free_pages()/do_try_to_free_pages()/shrink_zones();
 *             reclaim_pages() for MADV_PAGEOUT (6.9+: no demotion, references
 *             ignored) and mm/swap.c folio_deactivate() for MADV_COLD.
 * SIMPLIFIED: anonymous memory and no swap: reclaim can only demote, so it
 *             does nothing without numa.demotion_enabled, and the LRU is kept
 *             only on nodes that can demote (elsewhere reclaim never takes a
 *             folio, so the order is never used; PG_active and PG_referenced
 *             still travel with a folio that migrates). No file pages: the
 *             file lists are empty, so anon_cost and file_cost stay 0 (no
 *             pageout, no refaults) and cache_trim_mode never applies. One zone
 *             per node; no memcg, watermark boost, compaction (kswapd of a
 *             high order drops to order 0 after compact_gap() pages, as
 *             kswapd_shrink_node() does), writeback throttling or
 *             throttle_direct_reclaim(); the per-CPU lru_add batches are not
 *             modelled (folios reach the LRU at once).
 * APPROX:     kswapd runs as a kernel thread in steps of at most one
 *             shrink_lruvec() round (SWAP_CLUSTER_MAX pages per list), each on
 *             the CPU sched_kthread_cpu() gives it at that time, which it
 *             charges; other CPUs run between its steps, as with cond_resched().
 */
#include <stdlib.h>

#include "migrate/migrate.h"
#include "numa/numa_balancing.h"
#include "sim.h"

#define REFERENCED_NS 100	/* APPROX: isolating a folio and one folio_referenced() rmap walk */
#define KSWAPD_STEP_NS 500	/* APPROX: a kswapd step's own cost (LRU lock, drain, watermark checks) */
#define KSWAPD_SHORT_SLEEP_NS (100 * NSEC_PER_MSEC)	/* HZ/10 */
_Static_assert(MAX_NUMNODES <= (1u << KSWAPD_NID_BITS), "EV_KSWAPD's arg holds the node");

bool can_demote(const struct sim *s, uint32_t nid)
{
	return s->tun.v[T_NUMA_DEMOTION_ENABLED] && next_demotion_node(&s->tiers, nid) != NUMA_NO_NODE;
}

uint64_t kswapd_target(const struct sim *s, uint32_t nid)
{
	bool tiering = s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING;
	return s->pm.node[nid].watermark[tiering ? WMARK_PROMO : WMARK_HIGH];
}

/* pgdat_balanced(): the node is above kswapd's target for @order. A node
 * without memory needs no balancing. */
static bool pgdat_balanced(const struct sim *s, uint32_t nid, uint32_t order)
{
	if (!s->pm.node[nid].node_present_pages)
		return true;
	return zone_watermark_ok(&s->pm, nid, order, kswapd_target(s, nid));
}

static struct lruvec *node_lruvec(const struct sim *s, uint32_t nid)
{
	return s->reclaim[nid].lruvec;
}

/* ---- joining and leaving the LRU ---- */

void folio_add_lru(struct sim *s, struct folio *f)
{
	struct lruvec *lv = node_lruvec(s, folio_nid(f));
	if (lv)
		lru_add(&s->pm, lv, f);
}

bool folio_isolate_lru(struct sim *s, struct folio *f)
{
	if (!folio_test(f, PG_lru))
		return false;
	lru_del(&s->pm, node_lruvec(s, folio_nid(f)), f);
	return true;
}

/* ---- the active/inactive balance ---- */

/* floor(sqrt(x)) (Linux int_sqrt()) */
static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0;
	for (uint64_t bit = 1ull << 62; bit; bit >>= 2) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

/*
 * inactive_is_low(): the inactive list should hold 1/(1 + ratio) of the
 * anonymous pages, ratio = int_sqrt(10 * GiB of both lists) (1 below 1 GiB,
 * 3 at 1 GiB, 10 at 10 GiB).
 */
static bool inactive_is_low(const struct lruvec *lv)
{
	uint64_t inactive = lru_size(lv, LRU_INACTIVE_ANON), active = lru_size(lv, LRU_ACTIVE_ANON);
	uint64_t gb = (inactive + active) >> (30 - PAGE_SHIFT);
	uint64_t ratio = gb ? int_sqrt(10 * gb) : 1;
	return inactive * ratio < active;
}

/* ---- references ---- */

struct referenced_arg {
	int referenced;			/* VMAs in which the folio was accessed */
	const struct mm_struct *mm;	/* the VMA being walked: one per mm here */
	bool counted;
};

/* folio_referenced_one(): clear the accessed bit of one mapping (x86: no
 * flush), counting each VMA with an accessed mapping once. */
static bool folio_referenced_one(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
				 struct pmd_slot *pmd, void *arg)
{
	struct referenced_arg *ra = arg;
	bool young = false;
	if (mm != ra->mm) {	/* rmap_walk() visits a folio's mappings VMA by VMA */
		ra->mm = mm;
		ra->counted = false;
	}
	if (pmd) {
		if (pmd->pmd.val & _PAGE_ACCESSED) {
			young = true;
			set_pmd_at(s, mm, pmd, (pmd_t){ pmd->pmd.val & ~_PAGE_ACCESSED });
		}
	} else if (pte_young(*pte)) {
		young = true;
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
		set_pte_at(s, mm, slot->pt, pte_index(addr), pte_mkold(*pte));
	}
	if (young && !ra->counted) {
		ra->counted = true;
		ra->referenced++;
	}
	return true;
}

/* folio_referenced(): in how many VMAs was @f accessed since the last look? */
static int folio_referenced(struct sim *s, struct cpu *cpu, struct folio *f)
{
	struct referenced_arg ra = { 0 };
	cpu_charge_kernel(cpu, REFERENCED_NS);
	rmap_walk(s, f, folio_referenced_one, &ra);
	return ra.referenced;
}

enum folio_references { FOLIOREF_RECLAIM, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };

/*
 * folio_check_references() for an anonymous folio: every mapped folio starts
 * with the accessed bit of its first fault, so one reference only marks it
 * PG_referenced and keeps it on the inactive list; a reference on a second
 * look (or through two VMAs at once) activates it.
 */
static enum folio_references folio_check_references(struct sim *s, struct cpu *cpu, struct folio *f)
{
	int referenced_ptes = folio_referenced(s, cpu, f);
	bool referenced_folio = folio_test(f, PG_referenced);
	folio_clear(f, PG_referenced);
	if (referenced_ptes) {
		folio_set(f, PG_referenced);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;	/* VM_EXEC activates file folios only */
	}
	return FOLIOREF_RECLAIM;	/* FOLIOREF_RECLAIM_CLEAN is for file folios */
}

/* ---- shrink_folio_list ---- */

/* demote_folio_list(): move a batch to the next tier; return pages moved. */
static uint64_t demote_folio_list(struct sim *s, struct cpu *cpu, struct folio **f, uint32_t n,
				  uint32_t nid, bool kswapd)
{
	int target = next_demotion_node(&s->tiers, nid);
	if (!n || target == NUMA_NO_NODE)
		return 0;
	struct migrate_pages_stats st;
	/* the preferred target first, then any lower tier (alloc_demote_folio) */
	migrate_pages(s, cpu, f, n, (uint32_t)target, MIGRATE_ASYNC, MR_DEMOTION, &st);
	count_vm_events(&s->vs, kswapd ? PGDEMOTE_KSWAPD : PGDEMOTE_DIRECT, st.nr_succeeded);
	return st.nr_succeeded;
}

/* The folios shrink_folio_list() hands back, in order, and pages activated. */
struct ret_folios {
	struct folio *f[SWAP_CLUSTER_MAX];
	uint32_t n;
	uint64_t nr_activate;
};

static void keep_folio(struct ret_folios *ret, struct folio *f)
{
	VM_BUG_ON(ret->n >= SWAP_CLUSTER_MAX);
	ret->f[ret->n++] = f;
}

static void activate_folio(struct ret_folios *ret, struct folio *f)
{
	folio_set(f, PG_active);
	ret->nr_activate += folio_nr_pages(f);
	keep_folio(ret, f);
}

/*
 * A folio that reclaim wanted but could not demote, on the pass without
 * demotion: with no swap, add_to_swap() fails, so it is activated; a large
 * folio is split first (split_folio_to_list() before add_to_swap(), or its
 * THP_SWPOUT_FALLBACK after) and every page is activated. A pinned one stays.
 */
static void reclaim_without_demotion(struct sim *s, struct cpu *cpu, struct folio *f,
				     struct scan_control *sc, struct ret_folios *ret,
				     bool ignore_references)
{
	sc->nr_scanned += folio_nr_pages(f);
	enum folio_references ref = ignore_references ? FOLIOREF_RECLAIM
						      : folio_check_references(s, cpu, f);
	if (ref == FOLIOREF_KEEP || (ref == FOLIOREF_RECLAIM && folio_maybe_dma_pinned(f))) {
		keep_folio(ret, f);
		return;
	}
	if (ref == FOLIOREF_ACTIVATE || !folio_test_large(f)) {
		activate_folio(ret, f);
		return;
	}
	const uint64_t head = folio_pfn(&s->pm, f), nr = folio_nr_pages(f);
	const bool pmd_mapped = folio_entire_mapcount(f) > 0;
	if (split_folio(s, cpu, f)) {	/* cannot split: activate it whole */
		activate_folio(ret, f);
		return;
	}
	if (pmd_mapped)		/* split only after add_to_swap() failed whole */
		count_vm_event(&s->vs, THP_SWPOUT_FALLBACK);
	/* the pages come back one by one through the loop and fail the same way */
	for (uint64_t i = 0; i < nr; i++) {
		struct folio *p = pfn_folio(&s->pm, head + i);
		if (!folio_test(p, PG_head) || !folio_test(p, PG_anon))
			continue;	/* freed by the split: nothing mapped it */
		folio_clear(p, PG_referenced);
		folio_set(p, PG_active);
		ret->nr_activate++;
		folio_add_lru(s, p);
	}
}

/*
 * shrink_folio_list(): decide on each isolated folio; the ones to reclaim go
 * to demote_folio_list() together, those that fail get a second pass without
 * demotion. Every folio not demoted goes back to the LRU, to the active list
 * if activated (move_folios_to_lru()). Return pages reclaimed.
 */
static uint64_t shrink_folio_list(struct sim *s, struct cpu *cpu, uint32_t nid,
				  struct folio **folios, uint32_t n, struct scan_control *sc)
{
	struct folio *demote[SWAP_CLUSTER_MAX];
	struct ret_folios ret = { .n = 0 };
	uint32_t nr_demote = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct folio *f = folios[i];
		sc->nr_scanned += folio_nr_pages(f);
		if (!folio_mapped(f)) {	/* SIMPLIFIED: kept alive by a pin alone: leave it */
			keep_folio(&ret, f);
			continue;
		}
		switch (folio_check_references(s, cpu, f)) {
		case FOLIOREF_ACTIVATE:
			activate_folio(&ret, f);
			break;
		case FOLIOREF_KEEP:
			keep_folio(&ret, f);
			break;
		case FOLIOREF_RECLAIM:	/* x86 migrates THPs: large folios demote whole */
			demote[nr_demote++] = f;
			break;
		}
	}
	uint64_t nr_reclaimed = demote_folio_list(s, cpu, demote, nr_demote, nid, sc->kswapd);
	for (uint32_t i = 0; i < nr_demote; i++)	/* still here: it failed to demote */
		if (folio_test(demote[i], PG_anon))	/* a migrated source was freed */
			reclaim_without_demotion(s, cpu, demote[i], sc, &ret, false);
	for (uint32_t i = 0; i < ret.n; i++)
		folio_add_lru(s, ret.f[i]);
	count_vm_events(&s->vs, PGACTIVATE, ret.nr_activate);
	return nr_reclaimed;
}

/*
 * reclaim_pages() for MADV_PAGEOUT (Linux 6.9+: reclaim_folio_list() with
 * sc.no_demotion = 1 and ignore_references): shrink_folio_list() may not
 * demote, and without swap add_to_swap() fails, so each isolated folio is
 * activated, a large one split first (THP_SWPOUT_FALLBACK), and put back.
 * Return pages reclaimed: always 0 here.
 */
uint64_t reclaim_pages(struct sim *s, struct cpu *cpu, struct folio **folios, uint32_t n)
{
	struct scan_control sc = { .nr_to_reclaim = 0 };
	for (uint32_t i = 0; i < n;) {
		struct ret_folios ret = { .n = 0 };
		for (uint32_t k = 0; k < SWAP_CLUSTER_MAX && i < n; k++, i++) {
			cpu_charge_kernel(cpu, REFERENCED_NS);	/* the folio's unmap attempt */
			reclaim_without_demotion(s, cpu, folios[i], &sc, &ret, true);
		}
		for (uint32_t k = 0; k < ret.n; k++)
			folio_add_lru(s, ret.f[k]);
		count_vm_events(&s->vs, PGACTIVATE, ret.nr_activate);
	}
	return 0;
}

/* folio_deactivate() and lru_deactivate() (mm/swap.c): an active folio on an
 * LRU goes to the head of the inactive list, unreferenced. */
void folio_deactivate(struct sim *s, struct folio *f)
{
	if (!folio_test(f, PG_lru) || !folio_test(f, PG_active))
		return;
	(void)folio_isolate_lru(s, f);
	folio_clear(f, PG_active);
	folio_clear(f, PG_referenced);
	folio_add_lru(s, f);
	count_vm_events(&s->vs, PGDEACTIVATE, folio_nr_pages(f));
}

/* ---- the lists ---- */

/* isolate_lru_folios(): take folios from the tail of @lru until @nr_to_scan
 * pages (a large folio counts its pages and may overshoot); *scanned pages. */
static uint32_t isolate_lru_folios(struct sim *s, uint32_t nid, uint64_t nr_to_scan,
				   enum lru_list lru, struct folio **dst, uint64_t *scanned)
{
	uint32_t n = 0;
	*scanned = 0;
	while (*scanned < nr_to_scan && n < SWAP_CLUSTER_MAX) {
		struct folio *f = lru_pop_tail(&s->pm, node_lruvec(s, nid), lru);
		if (!f)
			break;
		*scanned += folio_nr_pages(f);
		dst[n++] = f;
	}
	return n;
}

/* shrink_inactive_list(): isolate up to @nr_to_scan pages and reclaim them. */
static uint64_t shrink_inactive_list(struct sim *s, struct cpu *cpu, uint32_t nid,
				     uint64_t nr_to_scan, struct scan_control *sc)
{
	struct folio *list[SWAP_CLUSTER_MAX];
	uint64_t scanned;
	uint32_t n = isolate_lru_folios(s, nid, nr_to_scan, LRU_INACTIVE_ANON, list, &scanned);
	count_vm_events(&s->vs, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, scanned);
	count_vm_events(&s->vs, PGSCAN_ANON, scanned);
	if (!n)
		return 0;
	uint64_t nr_reclaimed = shrink_folio_list(s, cpu, nid, list, n, sc);
	count_vm_events(&s->vs, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, nr_reclaimed);
	count_vm_events(&s->vs, PGSTEAL_ANON, nr_reclaimed);
	return nr_reclaimed;
}

/*
 * shrink_active_list(): move up to @nr_to_scan pages from the tail of the
 * active list to the inactive list. A referenced anonymous folio is not
 * spared (only executable file folios are), but the look clears its bits.
 */
static void shrink_active_list(struct sim *s, struct cpu *cpu, uint32_t nid, uint64_t nr_to_scan)
{
	struct folio *hold[SWAP_CLUSTER_MAX];
	uint64_t scanned, nr_deactivate = 0;
	uint32_t n = isolate_lru_folios(s, nid, nr_to_scan, LRU_ACTIVE_ANON, hold, &scanned);
	count_vm_events(&s->vs, PGREFILL, scanned);
	for (uint32_t i = 0; i < n; i++) {
		(void)folio_referenced(s, cpu, hold[i]);
		folio_clear(hold[i], PG_active);	/* we are de-activating */
		nr_deactivate += folio_nr_pages(hold[i]);
		folio_add_lru(s, hold[i]);
	}
	count_vm_events(&s->vs, PGDEACTIVATE, nr_deactivate);
}

/* shrink_list(): the active list only gives to the inactive one, when that
 * is low (DEACTIVATE_ANON); return pages reclaimed. */
static uint64_t shrink_list(struct sim *s, struct cpu *cpu, uint32_t nid, enum lru_list lru,
			    uint64_t nr_to_scan, struct scan_control *sc)
{
	if (lru == LRU_ACTIVE_ANON) {
		if (sc->may_deactivate_anon)
			shrink_active_list(s, cpu, nid, nr_to_scan);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(s, cpu, nid, nr_to_scan, sc);
}

/* ---- how much to scan ---- */

/*
 * prepare_scan_count(): deactivate when the inactive list is low; the file
 * LRU being empty, file_is_tiny holds whenever free memory is at or below
 * the high watermark, the active list need not feed the inactive one and
 * the inactive list has pages at this priority.
 */
static void prepare_scan_count(const struct sim *s, uint32_t nid, struct scan_control *sc)
{
	const struct lruvec *lv = node_lruvec(s, nid);
	sc->may_deactivate_anon = sc->force_deactivate || inactive_is_low(lv);
	sc->file_is_tiny = node_free_pages(&s->pm, nid) <= s->pm.node[nid].watermark[WMARK_HIGH] &&
			   !sc->may_deactivate_anon &&
			   (lru_size(lv, LRU_INACTIVE_ANON) >> sc->priority) != 0;
}

/*
 * get_scan_count(): scan lru_size >> priority of each anonymous list, all
 * of it at priority 0 (SCAN_EQUAL) or when the file LRU is tiny
 * (SCAN_ANON), else the anonymous share of SCAN_FRACT: with anon_cost and
 * file_cost 0, swappiness / 200.
 */
static void get_scan_count(const struct sim *s, uint32_t nid, struct scan_control *sc)
{
	const struct lruvec *lv = node_lruvec(s, nid);
	const uint64_t swappiness = s->tun.v[T_VM_SWAPPINESS];
	uint64_t ap = 1, fp = 0;	/* SCAN_EQUAL and SCAN_ANON: all of the anon share */
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		sc->nr[lru] = 0;
	if (!can_demote(s, nid))	/* !can_reclaim_anon_pages(): SCAN_FILE, nothing */
		return;
	if (!(!sc->priority && swappiness) && !sc->file_is_tiny) {
		const uint64_t anon_cost = 0, file_cost = 0;	/* no pageout or refault */
		uint64_t total = anon_cost + file_cost;
		uint64_t a = total + anon_cost, f = total + file_cost;
		total = a + f;
		ap = swappiness * (total + 1) / (a + 1);
		fp = (200 - swappiness) * (total + 1) / (f + 1);
	}
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		sc->nr[lru] = ap + fp ? (lru_size(lv, (enum lru_list)lru) >> sc->priority) * ap / (ap + fp) : 0;
}

/* ---- shrink_lruvec, one round at a time ---- */

static void lruvec_scan_begin(const struct sim *s, uint32_t nid, struct scan_control *sc)
{
	get_scan_count(s, nid, sc);
	sc->lruvec_reclaimed = 0;
	/* direct reclaim at DEF_PRIORITY does its whole batch */
	sc->proportional_reclaim = !sc->kswapd && sc->priority == DEF_PRIORITY;
}

/*
 * One round of shrink_lruvec()'s loop: SWAP_CLUSTER_MAX pages of each list
 * with some left. The loop runs while the inactive list has pages to scan,
 * and ends early once nr_to_reclaim is reached (no file LRU to keep in
 * proportion). Return whether another round follows.
 */
static bool lruvec_scan_step(struct sim *s, struct cpu *cpu, uint32_t nid, struct scan_control *sc)
{
	if (!sc->nr[LRU_INACTIVE_ANON])
		return false;
	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		if (!sc->nr[lru])
			continue;
		uint64_t n = MIN(sc->nr[lru], (uint64_t)SWAP_CLUSTER_MAX);
		sc->nr[lru] -= n;
		sc->lruvec_reclaimed += shrink_list(s, cpu, nid, (enum lru_list)lru, n, sc);
	}
	return sc->lruvec_reclaimed < sc->nr_to_reclaim || sc->proportional_reclaim;
}

/* shrink_lruvec()'s end: even without evicting, rebalance the anon lists. */
static void lruvec_scan_end(struct sim *s, struct cpu *cpu, uint32_t nid, struct scan_control *sc)
{
	sc->nr_reclaimed += sc->lruvec_reclaimed;
	if (can_demote(s, nid) && inactive_is_low(node_lruvec(s, nid)))	/* can_age_anon_pages() */
		shrink_active_list(s, cpu, nid, SWAP_CLUSTER_MAX);
}

/* shrink_node() at once, for direct reclaim. */
static void shrink_node(struct sim *s, struct cpu *cpu, uint32_t nid, struct scan_control *sc)
{
	if (!node_lruvec(s, nid))
		return;		/* nothing it could reclaim */
	uint64_t before = sc->nr_reclaimed;
	prepare_scan_count(s, nid, sc);
	lruvec_scan_begin(s, nid, sc);
	while (lruvec_scan_step(s, cpu, nid, sc))
		;
	lruvec_scan_end(s, cpu, nid, sc);
	if (sc->nr_reclaimed > before)	/* a successful reclaim revives a dormant kswapd */
		s->reclaim[nid].kswapd_failures = 0;
}

/* ---- direct reclaim ---- */

uint64_t try_to_free_pages(struct sim *s, struct cpu *cpu, uint32_t nid, nodemask_t allowed)
{
	struct scan_control sc = { .nr_to_reclaim = SWAP_CLUSTER_MAX, .priority = DEF_PRIORITY };
	for (;;) {	/* do_try_to_free_pages() */
		count_vm_event(&s->vs, ALLOCSTALL);
		do {
			sc.nr_scanned = 0;
			/* shrink_zones(): each allowed node of the zonelist once */
			for (uint32_t i = 0; i < s->zonelist_len; i++) {
				uint32_t n = s->zonelist[nid][i];
				if ((allowed >> n) & 1)
					shrink_node(s, cpu, n, &sc);
			}
			if (sc.nr_reclaimed >= sc.nr_to_reclaim)
				break;
		} while (--sc.priority >= 0);
		if (sc.nr_reclaimed || !sc.skipped_deactivate)
			return sc.nr_reclaimed;
		/* the inactive:active estimate was wrong: retry deactivating */
		sc.priority = DEF_PRIORITY;
		sc.force_deactivate = true;
		sc.skipped_deactivate = false;
	}
}

/* ---- kswapd ---- */

/* Queue kswapd's next event; any earlier one of this node is void. */
static void kswapd_schedule(struct sim *s, uint32_t nid, uint64_t when)
{
	struct node_reclaim *r = &s->reclaim[nid];
	r->gen = (r->gen + 1) & KSWAPD_GEN_MASK;
	evq_push(&s->evq, when, EV_KSWAPD, nid | (r->gen << KSWAPD_NID_BITS));
}

/* prepare_kswapd_sleep(): hopeless, or balanced at the order to sleep for. */
static bool prepare_kswapd_sleep(const struct sim *s, uint32_t nid)
{
	const struct node_reclaim *r = &s->reclaim[nid];
	return r->kswapd_failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(s, nid, r->sleep_order);
}

/* kswapd() calls balance_pgdat() with the order its wakers asked for. */
static void balance_pgdat_start(struct sim *s, uint32_t nid)
{
	struct node_reclaim *r = &s->reclaim[nid];
	count_vm_event(&s->vs, PAGEOUTRUN);
	r->state = KSWAPD_RUNNING;
	r->alloc_order = r->kswapd_order;
	r->sc = (struct scan_control){ .kswapd = true, .order = r->alloc_order,
				       .priority = DEF_PRIORITY };
	r->kswapd_order = 0;
	r->step = BP_PASS;
}

/* kswapd_age_node(): age the anon lists a little before each pass. */
static void kswapd_age_node(struct sim *s, struct cpu *cpu, uint32_t nid)
{
	const struct lruvec *lv = node_lruvec(s, nid);
	if (lv && can_demote(s, nid) && inactive_is_low(lv))
		shrink_active_list(s, cpu, nid, SWAP_CLUSTER_MAX);
}

/*
 * One step of balance_pgdat(): the start of a priority pass (balanced: done;
 * else kswapd_age_node() and kswapd_shrink_node()'s set-up with
 * nr_to_reclaim = the high watermark), a round of shrink_lruvec(), or the end
 * of the pass (priority raised only if the pass scanned less than
 * nr_to_reclaim or reclaimed nothing). Return true when balance_pgdat() is over.
 */
static bool balance_pgdat_step(struct sim *s, struct cpu *cpu, uint32_t nid)
{
	struct node_reclaim *r = &s->reclaim[nid];
	struct scan_control *sc = &r->sc;
	switch (r->step) {
	case BP_PASS:
		if (pgdat_balanced(s, nid, sc->order))
			return true;	/* goto out: no failure counted */
		kswapd_age_node(s, cpu, nid);
		sc->nr_scanned = 0;
		r->pass_reclaimed = sc->nr_reclaimed;
		sc->nr_to_reclaim = MAX(s->pm.node[nid].watermark[WMARK_HIGH], (uint64_t)SWAP_CLUSTER_MAX);
		if (node_lruvec(s, nid)) {
			prepare_scan_count(s, nid, sc);
			lruvec_scan_begin(s, nid, sc);
		} else {
			sc->nr[LRU_INACTIVE_ANON] = sc->nr[LRU_ACTIVE_ANON] = 0;
			sc->lruvec_reclaimed = 0;
		}
		r->step = BP_LRUVEC;
		return false;
	case BP_LRUVEC:
		if (lruvec_scan_step(s, cpu, nid, sc))
			return false;
		r->step = BP_LRUVEC_END;
		/* fall through */
	case BP_LRUVEC_END:
		if (node_lruvec(s, nid))
			lruvec_scan_end(s, cpu, nid, sc);
		if (sc->nr_reclaimed > r->pass_reclaimed)	/* shrink_node() made progress */
			r->kswapd_failures = 0;
		/* kswapd_shrink_node(): after 2 << order pages, balance for order 0 */
		if (sc->order && sc->nr_reclaimed >= (2ull << sc->order))
			sc->order = 0;
		if (sc->nr_scanned < sc->nr_to_reclaim || sc->nr_reclaimed == r->pass_reclaimed)
			sc->priority--;
		r->step = BP_PASS;
		if (sc->priority >= 1)
			return false;
		if (!sc->nr_reclaimed)
			r->kswapd_failures++;
		return true;
	}
	return true;
}

/*
 * kswapd_try_to_sleep(): balanced (or hopeless), kswapd first sleeps HZ/10;
 * not balanced, it goes straight back to balance_pgdat()
 * (kswapd_high_wmark_hit_quickly).
 */
static void kswapd_try_to_sleep(struct sim *s, uint32_t nid, uint64_t now)
{
	struct node_reclaim *r = &s->reclaim[nid];
	/* kswapd(): the order reclaim fell back to, else what wakers ask now */
	r->sleep_order = r->sc.order < r->alloc_order ? r->sc.order : r->kswapd_order;
	if (prepare_kswapd_sleep(s, nid)) {
		r->state = KSWAPD_SHORT_SLEEP;
		kswapd_schedule(s, nid, now + KSWAPD_SHORT_SLEEP_NS);
		return;
	}
	count_vm_event(&s->vs, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
	balance_pgdat_start(s, nid);
	kswapd_schedule(s, nid, now);
}

void wakeup_kswapd(struct sim *s, uint32_t nid, uint32_t order, uint64_t now)
{
	struct node_reclaim *r = &s->reclaim[nid];
	if (!s->pm.node[nid].node_present_pages)
		return;
	r->kswapd_order = MAX(r->kswapd_order, order);
	if (r->state == KSWAPD_RUNNING)		/* !waitqueue_active() */
		return;
	/* hopeless: leave it to direct reclaim; balanced: nothing to do */
	if (r->kswapd_failures >= MAX_RECLAIM_RETRIES || pgdat_balanced(s, nid, order))
		return;
	if (r->state == KSWAPD_SHORT_SLEEP)	/* woken before HZ/10 was over */
		count_vm_event(&s->vs, KSWAPD_LOW_WMARK_HIT_QUICKLY);
	balance_pgdat_start(s, nid);
	kswapd_schedule(s, nid, now);
}

void kswapd_event(struct sim *s, uint32_t arg, uint64_t now)
{
	const uint32_t nid = kswapd_event_nid(arg);
	struct node_reclaim *r = &s->reclaim[nid];
	if (kswapd_event_gen(arg) != r->gen)
		return;		/* superseded by a wakeup */
	if (r->state == KSWAPD_SHORT_SLEEP) {	/* the HZ/10 ran out undisturbed */
		if (prepare_kswapd_sleep(s, nid)) {
			r->state = KSWAPD_SLEEPING;
			return;
		}
		count_vm_event(&s->vs, KSWAPD_HIGH_WMARK_HIT_QUICKLY);
		balance_pgdat_start(s, nid);
	}
	VM_BUG_ON(r->state != KSWAPD_RUNNING);
	struct cpu *cpu = sched_kthread_cpu(s, now, (int)nid);
	cpu_charge_kernel(cpu, KSWAPD_STEP_NS);
	if (balance_pgdat_step(s, cpu, nid))
		kswapd_try_to_sleep(s, nid, cpu->now);
	else
		kswapd_schedule(s, nid, cpu->now);
	cpu_heap_update(s, cpu);
}

/* ---- set-up ---- */

void vmscan_init(struct sim *s)
{
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		struct node_reclaim *r = &s->reclaim[n];
		*r = (struct node_reclaim){ .state = KSWAPD_SLEEPING };
		if (can_demote(s, n) && s->m.node[n].kind != MEM_DEVICE && s->pm.node[n].node_present_pages) {
			r->lruvec = calloc(1, sizeof(*r->lruvec));
			if (!r->lruvec)
				abort();
		}
	}
}

void vmscan_destroy(struct sim *s)
{
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		if (s->reclaim[n].lruvec)
			lruvec_free(s->reclaim[n].lruvec);
		free(s->reclaim[n].lruvec);
		s->reclaim[n].lruvec = NULL;
	}
}

void vmscan_check(struct sim *s)
{
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		const struct lruvec *lv = node_lruvec(s, n);
		if (!lv)
			continue;
		lru_check(&s->pm, lv, n);
		/* every anonymous folio of the node is on its LRU unless isolated */
		const struct pglist_data *pg = &s->pm.node[n];
		for (uint64_t pfn = pg->node_start_pfn; pfn < pg->pristine_pfn; pfn++) {
			const struct folio *f = pfn_folio(&s->pm, pfn);
			if (folio_test(f, PG_head) && folio_test(f, PG_anon) &&
			    !folio_test(f, PG_isolated) && !folio_test(f, PG_pending_free))
				VM_BUG_ON_OBJ(!folio_test(f, PG_lru), NULL, f);
		}
	}
}
