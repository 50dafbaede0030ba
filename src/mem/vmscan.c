// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/vmscan.c - reclaim by demotion.
 * Models:     linux mm/vmscan.c wakeup_kswapd, kswapd and balance_pgdat (to
 *             the high watermark, or to WMARK_PROMO under
 *             NUMA_BALANCING_MEMORY_TIERING), shrink_folio_list's demotion
 *             path (demote_folio_list with next_demotion_node and the
 *             lower-tier fallback of alloc_demote_folio), folio_referenced
 *             (the accessed bits, cleared through the rmap: on x86 without
 *             a TLB flush), try_to_free_pages, can_demote.
 * SIMPLIFIED: anonymous memory and no swap: reclaim can only demote, so it
 *             does nothing without numa.demotion_enabled.
 * APPROX:     the age order is a CLOCK over each node's frames with a
 *             second chance for referenced folios, not active and inactive
 *             LRU lists; kswapd runs to completion at its wakeup.
 */
#include "migrate/migrate.h"
#include "numa/numa_balancing.h"
#include "sim.h"

#define SWAP_CLUSTER_MAX 32
#define REFERENCED_NS 100	/* APPROX: one folio_referenced() rmap walk */

bool can_demote(const struct sim *s, uint32_t nid)
{
	return s->tun.v[T_NUMA_DEMOTION_ENABLED] && next_demotion_node(&s->tiers, nid) != NUMA_NO_NODE;
}

uint64_t kswapd_target(const struct sim *s, uint32_t nid)
{
	bool tiering = s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING;
	return s->pm.node[nid].watermark[tiering ? WMARK_PROMO : WMARK_HIGH];
}

static bool pgdat_balanced(const struct sim *s, uint32_t nid)
{
	return node_free_pages(&s->pm, nid) > kswapd_target(s, nid);
}

void wakeup_kswapd(struct sim *s, uint32_t nid, uint64_t now)
{
	struct node_reclaim *r = &s->reclaim[nid];
	if (r->kswapd_queued || pgdat_balanced(s, nid) || !can_demote(s, nid))
		return;
	r->kswapd_queued = true;
	evq_push(&s->evq, now, EV_KSWAPD, nid);
}

/* folio_referenced(): were any of its mappings accessed? Clears the bits. */
static bool clear_young(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			struct pmd_slot *pmd, void *arg)
{
	bool *referenced = arg;
	if (pmd) {
		if (pmd->pmd.val & _PAGE_ACCESSED) {
			*referenced = true;
			set_pmd_at(s, mm, pmd, (pmd_t){ pmd->pmd.val & ~_PAGE_ACCESSED });
		}
		return true;
	}
	if (pte_young(*pte)) {
		*referenced = true;
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
		set_pte_at(s, mm, slot->pt, pte_index(addr), pte_mkold(*pte));
	}
	return true;
}

static bool folio_referenced(struct sim *s, struct folio *f)
{
	bool referenced = false;
	rmap_walk(s, f, clear_young, &referenced);
	return referenced;
}

/* A folio reclaim may take: mapped anonymous memory nobody holds. */
static bool folio_reclaimable(const struct folio *f)
{
	return folio_test(f, PG_head) && folio_test(f, PG_anon) && !folio_test(f, PG_device) &&
	       folio_mapped(f) &&
	       !folio_test(f, PG_isolated) && !folio_test(f, PG_zero) && !folio_maybe_dma_pinned(f);
}

/* demote_folio_list(): move a batch to the next tier; return pages moved. */
static uint64_t demote_folio_list(struct sim *s, struct cpu *cpu, struct folio **f, uint32_t n,
				  uint32_t nid, bool kswapd)
{
	struct migrate_pages_stats st;
	int target = next_demotion_node(&s->tiers, nid);
	migrate_pages(s, cpu, f, n, (uint32_t)target, MIGRATE_ASYNC, MR_DEMOTION, &st);
	count_vm_events(&s->vs, kswapd ? PGDEMOTE_KSWAPD : PGDEMOTE_DIRECT, st.nr_succeeded);
	count_vm_events(&s->vs, kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, st.nr_succeeded);
	return st.nr_succeeded;
}

/* The frame after the folio or free block at @pfn. */
static uint64_t next_frame(const struct sim *s, uint64_t pfn)
{
	const struct folio *f = pfn_folio(&s->pm, pfn);
	if (folio_test(f, PG_head) || folio_test(f, PG_buddy))
		return pfn + (1ull << f->order);
	return pfn + 1;
}

/*
 * shrink_node(): turn the CLOCK hand over @nid's frames, giving referenced
 * folios a second chance and demoting the others in batches, until
 * @nr_to_reclaim pages went or the hand went round twice.
 */
static uint64_t shrink_node(struct sim *s, struct cpu *cpu, uint32_t nid, uint64_t nr_to_reclaim,
			    bool kswapd)
{
	struct pglist_data *pg = &s->pm.node[nid];
	struct node_reclaim *r = &s->reclaim[nid];
	const uint64_t start = pg->node_start_pfn, end = pg->pristine_pfn;
	if (end == start || !can_demote(s, nid))
		return 0;
	struct folio *batch[SWAP_CLUSTER_MAX];
	uint32_t n = 0;
	uint64_t batch_pages = 0, reclaimed = 0, scanned = 0, budget = 2 * (end - start);
	for (uint64_t walked = 0; walked < budget && reclaimed < nr_to_reclaim;) {
		if (r->clock_pfn < start || r->clock_pfn >= end)
			r->clock_pfn = start;
		uint64_t pfn = r->clock_pfn, next = MIN(next_frame(s, pfn), end);
		walked += next - pfn;
		r->clock_pfn = next;
		struct folio *f = pfn_folio(&s->pm, pfn);
		if (!folio_reclaimable(f))
			continue;
		scanned += folio_nr_pages(f);
		cpu_charge_kernel(cpu, REFERENCED_NS);
		if (folio_referenced(s, f))
			continue;	/* second chance */
		batch[n++] = f;
		batch_pages += folio_nr_pages(f);
		if (n == SWAP_CLUSTER_MAX || batch_pages >= SWAP_CLUSTER_MAX) {
			reclaimed += demote_folio_list(s, cpu, batch, n, nid, kswapd);
			n = 0;
			batch_pages = 0;
		}
	}
	if (n)
		reclaimed += demote_folio_list(s, cpu, batch, n, nid, kswapd);
	count_vm_events(&s->vs, kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, scanned);
	return reclaimed;
}

void kswapd_run(struct sim *s, uint32_t nid, uint64_t now)
{
	s->reclaim[nid].kswapd_queued = false;
	struct cpu *cpu = sched_kthread_cpu(s, now, (int)nid);
	count_vm_event(&s->vs, PAGEOUTRUN);
	/* balance_pgdat(): reclaim until the node is above its target */
	while (!pgdat_balanced(s, nid)) {
		uint64_t want = kswapd_target(s, nid) + 1 - node_free_pages(&s->pm, nid);
		if (!shrink_node(s, cpu, nid, MAX(want, (uint64_t)SWAP_CLUSTER_MAX), true))
			break;		/* nothing more to take */
	}
	cpu_heap_update(s, cpu);
}

uint64_t try_to_free_pages(struct sim *s, struct cpu *cpu, uint32_t nid, nodemask_t allowed)
{
	count_vm_event(&s->vs, ALLOCSTALL);
	uint64_t reclaimed = 0;
	for (uint32_t i = 0; i < s->zonelist_len && reclaimed < SWAP_CLUSTER_MAX; i++) {
		uint32_t n = s->zonelist[nid][i];
		if ((allowed >> n) & 1)
			reclaimed += shrink_node(s, cpu, n, SWAP_CLUSTER_MAX - reclaimed, false);
	}
	return reclaimed;
}
