// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/autonuma2012.c - AutoNUMA, Andrea Arcangeli's 2012 design, as
 * numasim.policy=autonuma2012.
 * Models:     aa.git autonuma19/autonuma24 mm/autonuma.c: knuma_scand,
 *             knumad_do_scan, knuma_scand_pmd, mm_numa_fault_tmp_flush
 *             (working-set mode), numa_hinting_fault, last_nid_set (with
 *             allow_first_fault), numa_hinting_fault_memory_follow_cpu,
 *             numa_hinting_fault_cpu_follow_memory, cpu_follow_memory_pass,
 *             __pte_numa_fixup/__pmd_numa_fixup/huge_pmd_numa_fixup,
 *             autonuma_migrate_page_add/remove (the per-node
 *             autonuma_migrate_head[] queues), knuma_migrated,
 *             knumad_do_migrate, isolate_migratepages,
 *             autonuma_balance_pgdat, wake_up_knuma_migrated;
 *             kernel/sched/numa.c sched_autonuma_balance (AutoNUMA24
 *             weights, AutoNUMA19's rule for idle CPUs).
 *             Sources: "[PATCH 19/36] autonuma: memory follows CPU algorithm
 *             and task/mm_autonuma stats collection" (AutoNUMA24,
 *             2012-08-22, <1345647560-30387-20-git-send-email-aarcange@redhat.com>)
 *             and the rest of that series; AutoNUMA19 (2012-06-28,
 *             <1340888180-15355-1-git-send-email-aarcange@redhat.com>).
 * SIMPLIFIED: (docs/autonuma2012.md has the full list)
 *             pmd_numa on a page-table PMD is modelled by making each
 *             eligible PTE under it protnone and restoring them all at the
 *             first fault in the PMD; THPs migrate whole (the series split
 *             them first); the kernel threads are timer events whose work
 *             is charged to a CPU (an idle one if any, knuma_migratedN on its
 *             own node); task moves happen at the next safe point and a move
 *             onto a busy CPU is a swap; CFS's autonuma_nid awareness
 *             (sched_autonuma_can_migrate_task) is not modelled.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "migrate/migrate.h"
#include "numa/autonuma2012.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"
#include "sim.h"

/* kernel/sched/numa.c */
#define AUTONUMA_BALANCE_SCALE 1000
/*
 * APPROX: sched_autonuma_balance() ran from run_rebalance_domains(), the
 * SCHED_SOFTIRQ raised when a CPU's next_balance passed; for a busy CPU that
 * is the domain's balance_interval times busy_factor, tens of milliseconds.
 */
#define AUTONUMA_BALANCE_INTERVAL_MS 64

#define NO_MM UINT32_MAX

/* The EV_POLICY timers' arg: which daemon wakes, and its own arg. */
#define AN_EV_SCAND 0u			/* | enum knuma_scand_phase */
#define AN_EV_MIGRATED (1u << 16)	/* | the node */
#define AN_EV_ARG_MASK 0xffffu

/* ---- the migration queues ---- */

/*
 * A queued folio (page->autonuma_migrate_nid and its list link), kept in a
 * hash table by head pfn. The folio's identity (anon_vma, index, order) is
 * kept too: the series took a page off its queue when it was freed; here a
 * freed and reused pfn is recognised by its changed identity instead.
 */
struct an_qent {
	uint64_t key;		/* head pfn + 1; 0: empty slot */
	uint32_t anon_vma;
	uint32_t index;
	uint8_t order;
	uint8_t dst;		/* the node it is queued to */
};

struct an_map {
	struct an_qent *e;
	uint64_t cap;		/* power of two */
	uint64_t nr;
};

/* One autonuma_migrate_head[src] list: a FIFO of head pfns. Entries whose
 * map entry is gone or points elsewhere are stale and skipped. */
struct an_ring {
	uint64_t *pfn;
	uint32_t head, nr, cap;	/* cap: power of two */
};

struct an_node {
	struct an_ring from[MAX_NUMNODES];	/* autonuma_migrate_head[] by source node */
	uint64_t nr_migrate_pages;		/* autonuma_nr_migrate_pages */
	uint64_t nr_entries;			/* folios queued */
	bool timer;				/* a timed wakeup is pending; else it waits for pages */
};

struct autonuma_state {
	/* knuma_scand_data */
	bool in_mm;			/* knuma_scand_data.mm != NULL */
	uint32_t mm_idx;		/* index in sim->mms */
	uint64_t address;
	uint64_t fault_tmp[MAX_NUMNODES];	/* mm_numa_fault_tmp */
	uint64_t progress, total_progress;	/* knuma_scand()'s locals */
	struct an_map map;
	struct an_node node[MAX_NUMNODES];
	struct folio **batch;		/* knumad_do_migrate()'s list */
	uint32_t batch_cap;
	uint64_t next_balance[MAX_CPUS];	/* per CPU: next sched_autonuma_balance() */
};

static uint64_t hash_pfn(uint64_t pfn, uint64_t cap)
{
	return (pfn * 0x9e3779b97f4a7c15ull) >> (64 - __builtin_ctzll(cap));
}

static struct an_qent *map_find(struct an_map *m, uint64_t pfn)
{
	if (!m->cap)
		return NULL;
	for (uint64_t i = hash_pfn(pfn, m->cap);; i = (i + 1) & (m->cap - 1)) {
		struct an_qent *e = &m->e[i];
		if (!e->key)
			return NULL;
		if (e->key == pfn + 1)
			return e;
	}
}

static void map_grow(struct an_map *m);

/* Insert @pfn (not present); return its zeroed entry with the key set. */
static struct an_qent *map_insert(struct an_map *m, uint64_t pfn)
{
	if ((m->nr + 1) * 2 > m->cap)
		map_grow(m);
	uint64_t i = hash_pfn(pfn, m->cap);
	while (m->e[i].key)
		i = (i + 1) & (m->cap - 1);
	m->e[i] = (struct an_qent){ .key = pfn + 1 };
	m->nr++;
	return &m->e[i];
}

static void map_grow(struct an_map *m)
{
	struct an_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->e = calloc(m->cap, sizeof(*m->e));
	if (!m->e)
		abort();
	m->nr = 0;
	for (uint64_t i = 0; i < old.cap; i++)
		if (old.e[i].key) {
			struct an_qent *e = map_insert(m, old.e[i].key - 1);
			*e = old.e[i];
		}
	free(old.e);
}

/* Delete @e (linear probing: shift the following cluster back). */
static void map_delete(struct an_map *m, struct an_qent *e)
{
	uint64_t i = (uint64_t)(e - m->e), mask = m->cap - 1;
	for (uint64_t j = (i + 1) & mask; m->e[j].key; j = (j + 1) & mask) {
		uint64_t home = hash_pfn(m->e[j].key - 1, m->cap);
		/* move j into the hole at i unless its home lies cyclically in (i, j] */
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (!stays) {
			m->e[i] = m->e[j];
			i = j;
		}
	}
	m->e[i].key = 0;
	m->nr--;
}

static void ring_push(struct an_ring *r, uint64_t pfn)
{
	if (r->nr == r->cap) {
		/* a power of two (the ring masks), at most 2^31 */
		uint32_t cap = (uint32_t)array_next_cap(r->cap, r->nr + 1ull, 64, 1u << 31);
		uint64_t *p = xreallocarray(NULL, cap, sizeof(*p));
		for (uint32_t i = 0; i < r->nr; i++)
			p[i] = r->pfn[(r->head + i) & (r->cap - 1)];
		free(r->pfn);
		r->pfn = p;
		r->head = 0;
		r->cap = cap;
	}
	r->pfn[(r->head + r->nr++) & (r->cap - 1)] = pfn;
}

static uint64_t ring_pop(struct an_ring *r)
{
	uint64_t pfn = r->pfn[r->head];
	r->head = (r->head + 1) & (r->cap - 1);
	r->nr--;
	return pfn;
}

static bool qent_matches(const struct an_qent *e, const struct folio *f)
{
	return folio_test(f, PG_head) && folio_test(f, PG_anon) && f->anon_vma == e->anon_vma &&
	       f->index == e->index && f->order == e->order;
}

/* Take @e off its node's queue (its ring entry becomes stale). */
static void qent_remove(struct autonuma_state *st, struct an_qent *e)
{
	struct an_node *n = &st->node[e->dst];
	n->nr_migrate_pages -= 1ull << e->order;
	n->nr_entries--;
	map_delete(&st->map, e);
}

/* Drop the stale entries of @r (those whose folio is no longer queued to @dst). */
static void ring_compact(struct autonuma_state *st, struct an_ring *r, uint32_t dst)
{
	uint32_t nr = r->nr, kept = 0;
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t pfn = r->pfn[(r->head + i) & (r->cap - 1)];
		const struct an_qent *e = map_find(&st->map, pfn);
		if (e && e->dst == dst)
			r->pfn[(r->head + kept++) & (r->cap - 1)] = pfn;
	}
	r->nr = kept;
}

static bool autonuma2012_policy(const struct sim *s)
{
	return s->policy == &autonuma2012_policy_ops;
}

/* The policy's state (s->policy_data), NULL under another policy. */
static struct autonuma_state *an_state(const struct sim *s)
{
	return autonuma2012_policy(s) ? s->policy_data : NULL;
}

struct task_autonuma *task_autonuma(const struct task *t)
{
	return t->policy_priv;
}

/* An mm created after the others (fork) gets its statistics with its first
 * task; until then it reads as zeroes. */
static const struct mm_autonuma mm_autonuma_none;

struct mm_autonuma *mm_autonuma(const struct mm_struct *mm)
{
	return mm->policy_priv;
}

static const struct mm_autonuma *mm_autonuma_ro(const struct mm_struct *mm)
{
	return mm->policy_priv ? mm->policy_priv : &mm_autonuma_none;
}

bool autonuma2012_enabled(const struct sim *s)
{
	return autonuma2012_policy(s) && numa_balancing_enabled(s);
}

int task_autonuma_nid(const struct task *t)
{
	const struct task_autonuma *ta = task_autonuma(t);
	return ta ? (int)ta->autonuma_nid_plus1 - 1 : -1;
}

int autonuma_folio_migrate_nid(const struct sim *s, const struct folio *f)
{
	struct autonuma_state *st = an_state(s);
	if (!st)
		return -1;
	const struct an_qent *e = map_find(&st->map, folio_pfn(&s->pm, f));
	return e && qent_matches(e, f) ? e->dst : -1;
}

uint64_t autonuma_queued_pages(const struct sim *s, uint32_t nid, int src)
{
	struct autonuma_state *st = an_state(s);
	if (!st)
		return 0;
	if (src < 0)
		return st->node[nid].nr_migrate_pages;
	const struct an_ring *r = &st->node[nid].from[src];
	uint64_t pages = 0;
	for (uint32_t i = 0; i < r->nr; i++) {
		const struct an_qent *e = map_find(&st->map, r->pfn[(r->head + i) & (r->cap - 1)]);
		if (e && e->dst == nid)
			pages += 1ull << e->order;
	}
	return pages;
}

/* page_migrate_nid(): where the folio is, or is queued to go. */
static uint32_t page_migrate_nid(struct sim *s, const struct folio *f)
{
	int nid = autonuma_folio_migrate_nid(s, f);
	return nid >= 0 ? (uint32_t)nid : folio_nid(f);
}

/* ---- knuma_migratedN ---- */

static void wake_knuma_migrated(struct sim *s, uint32_t nid, uint64_t now)
{
	struct an_node *n = &an_state(s)->node[nid];
	if (n->timer)
		return;		/* in a timed sleep, which nothing interrupts */
	n->timer = true;
	evq_push(&s->evq, now, EV_POLICY, AN_EV_MIGRATED | nid);
}

/* wake_up_knuma_migrated(): from knuma_scand half-way through its pass sleep. */
static void wake_up_knuma_migrated(struct sim *s, uint64_t now)
{
	for (uint32_t nid = 0; nid < s->m.nr_nodes; nid++)
		if (an_state(s)->node[nid].nr_migrate_pages)
			wake_knuma_migrated(s, nid, now);
}

/* autonuma_balance_pgdat(): can @nid take @nr more pages and stay above its
 * high watermark? */
static bool autonuma_balance_pgdat(struct sim *s, uint32_t nid, uint64_t nr)
{
	return zone_watermark_ok(&s->pm, nid, 0, s->pm.node[nid].watermark[WMARK_HIGH] + nr);
}

static void batch_add(struct autonuma_state *st, uint32_t *n, struct folio *f)
{
	ARRAY_GROW(st->batch, st->batch_cap, *n, 256);
	st->batch[(*n)++] = f;
}

/*
 * isolate_migratepages(): take one folio from each source node's queue of
 * @dst, round-robin; return the pages taken. Stale, freed, already moved and
 * isolated entries are skipped.
 */
static uint64_t isolate_migratepages(struct sim *s, uint32_t dst, uint32_t *n)
{
	struct autonuma_state *st = an_state(s);
	uint64_t nr = 0;
	for (uint32_t src = 0; src < s->m.nr_nodes; src++) {
		struct an_ring *r = &st->node[dst].from[src];
		while (r->nr) {
			uint64_t pfn = ring_pop(r);
			struct an_qent *e = map_find(&st->map, pfn);
			if (!e || e->dst != dst)
				continue;	/* cancelled or queued elsewhere since */
			struct folio *f = pfn_folio(&s->pm, pfn);
			bool ok = qent_matches(e, f) && folio_nid(f) == src && folio_mapped(f) &&
				  !folio_test(f, PG_isolated);
			uint64_t pages = 1ull << e->order;
			qent_remove(st, e);
			if (!ok) {
				count_vm_events(&s->vs, SIM_AUTONUMA_SKIPPED, pages);
				continue;
			}
			batch_add(st, n, f);
			nr += pages;
			break;
		}
	}
	return nr;
}

/* knumad_do_migrate(): up to pages_to_migrate pages, checking before each
 * round that @dst has room for them, then one migrate_pages() call. */
static void knumad_do_migrate(struct sim *s, struct cpu *cpu, uint32_t dst)
{
	const uint64_t pages_to_migrate = s->tun.v[T_AUTONUMA_PAGES_TO_MIGRATE];
	uint64_t nr = 0;
	uint32_t n = 0;
	do {
		uint64_t isolated = 0;
		if (autonuma_balance_pgdat(s, dst, nr))
			isolated = isolate_migratepages(s, dst, &n);
		else if (!nr)
			count_vm_event(&s->vs, SIM_AUTONUMA_NO_MEMORY);
		if (!isolated)
			break;
		nr += isolated;
	} while (nr < pages_to_migrate);
	if (!n)
		return;
	struct migrate_pages_stats st;
	/* failed folios stay where they are, off the queue (putback_lru_pages) */
	migrate_pages(s, cpu, an_state(s)->batch, n, dst, MIGRATE_SYNC, MR_NUMA_MISPLACED, &st);
	count_vm_events(&s->vs, AUTONUMA_PAGES_MIGRATED, st.nr_succeeded);
	count_vm_events(&s->vs, NUMA_PAGE_MIGRATE, st.nr_succeeded);
}

void knuma_migrated_event(struct sim *s, uint64_t now, uint32_t nid)
{
	struct autonuma_state *st = an_state(s);
	struct an_node *n = &st->node[nid];
	n->timer = false;
	if (!autonuma2012_enabled(s))
		return;
	struct cpu *cpu = sched_kthread_cpu(s, now, (int)nid);
	knumad_do_migrate(s, cpu, nid);
	if (n->nr_migrate_pages) {	/* more to do: a timed sleep */
		n->timer = true;
		evq_push(&s->evq, cpu->now + s->tun.v[T_AUTONUMA_MIGRATE_SLEEP_MS] * NSEC_PER_MSEC,
			 EV_POLICY, AN_EV_MIGRATED | nid);
	}				/* else sleep until pages are queued */
	cpu_heap_update(s, cpu);
}

/* ---- queueing (memory follows CPU) ---- */

/* autonuma_migrate_page_remove(): take @f off its queue, if queued. */
static void autonuma_migrate_page_remove(struct sim *s, struct folio *f)
{
	struct autonuma_state *st = an_state(s);
	struct an_qent *e = map_find(&st->map, folio_pfn(&s->pm, f));
	if (!e)
		return;
	if (qent_matches(e, f))
		count_vm_events(&s->vs, SIM_AUTONUMA_CANCELLED, 1ull << e->order);
	qent_remove(st, e);	/* else a freed folio's leftover */
}

/* autonuma_migrate_page_add(): queue @f, on @page_nid, for @dst_nid; false
 * if the queue is full (the page then stays where it is). */
static bool autonuma_migrate_page_add(struct sim *s, struct folio *f, uint32_t dst_nid,
				      uint32_t page_nid, uint64_t now)
{
	struct autonuma_state *st = an_state(s);
	const uint64_t pfn = folio_pfn(&s->pm, f), pages = folio_nr_pages(f);
	struct an_qent *e = map_find(&st->map, pfn);
	if (e) {
		if (e->dst == dst_nid && qent_matches(e, f))
			return true;	/* already queued there */
		qent_remove(st, e);	/* queued elsewhere (or a leftover): move it */
	}
	struct an_node *n = &st->node[dst_nid];
	if (n->nr_migrate_pages + pages > s->tun.v[T_AUTONUMA_QUEUE_MAX_PAGES]) {
		count_vm_events(&s->vs, SIM_AUTONUMA_QUEUE_FULL, pages);
		return false;
	}
	e = map_insert(&st->map, pfn);
	e->anon_vma = f->anon_vma;
	e->index = f->index;
	e->order = (uint8_t)folio_order(f);
	e->dst = (uint8_t)dst_nid;
	n->nr_migrate_pages += pages;
	n->nr_entries++;
	struct an_ring *r = &n->from[page_nid];
	if (r->nr >= 2 * n->nr_entries + 64)
		ring_compact(st, r, dst_nid);
	ring_push(r, pfn);
	count_vm_events(&s->vs, SIM_AUTONUMA_QUEUED, pages);
	/* the daemon wakes when its queue reaches pages_to_migrate */
	const uint64_t to_migrate = s->tun.v[T_AUTONUMA_PAGES_TO_MIGRATE];
	if (n->nr_migrate_pages >= to_migrate && n->nr_migrate_pages - pages < to_migrate)
		wake_knuma_migrated(s, dst_nid, now);
	return true;
}

/*
 * last_nid_set(): the two-stage filter. The folio's last_cpupid field holds
 * autonuma_last_nid (CPUPID_UNSET: no fault yet). A fault from another node
 * than the previous one fails, updates last_nid and cancels a queued
 * migration; with allow_first_fault the very first fault passes.
 */
static bool last_nid_set(struct sim *s, struct folio *f, uint32_t this_nid)
{
	const int last_nid = f->last_cpupid == CPUPID_UNSET ? -1 : (int)f->last_cpupid;
	bool ret = true;
	if (last_nid != (int)this_nid) {
		if (!s->tun.v[T_AUTONUMA_ALLOW_FIRST_FAULT] || last_nid >= 0) {
			autonuma_migrate_page_remove(s, f);
			ret = false;
		}
		f->last_cpupid = this_nid;
	}
	return ret;
}

/* numa_hinting_fault_memory_follow_cpu(): return the node the access counts for. */
static uint32_t memory_follow_cpu(struct sim *s, struct folio *f, uint32_t this_nid,
				  uint32_t page_nid, uint64_t now)
{
	if (!last_nid_set(s, f, this_nid))
		return page_nid;
	if (folio_test(f, PG_isolated) || !s->m.node[this_nid].mem_bytes)
		return page_nid;	/* !PageLRU; a CPU-only node takes no memory */
	if (this_nid == page_nid)
		autonuma_migrate_page_remove(s, f);
	else if (!autonuma_migrate_page_add(s, f, this_nid, page_nid, now))
		return page_nid;	/* numasim's queue bound: the page stays */
	return this_nid;
}

void autonuma_hinting_fault(struct sim *s, struct cpu *cpu, struct task *t, struct folio *f,
			    uint64_t pages)
{
	/* tasks with a memory policy of their own are left alone (!current->mempolicy) */
	if (!t->mm || t->pol.mode != MPOL_DEFAULT || !an_state(s))
		return;
	struct task_autonuma *ta = task_autonuma(t);
	const struct mm_autonuma *mma = mm_autonuma_ro(t->mm);
	/* the first fault of this task in a new knuma_scand pass over its mm */
	const bool new_pass = ta->task_numa_fault_pass != mma->mm_numa_fault_pass;
	uint32_t access_nid = memory_follow_cpu(s, f, cpu->node, folio_nid(f), cpu->now);
	if (new_pass) {		/* cpu_follow_memory_pass(): age the statistics */
		for (uint32_t nid = 0; nid < MAX_NUMNODES; nid++)
			ta->task_numa_fault[nid] >>= 1;
		ta->task_numa_fault_tot >>= 1;
		ta->task_numa_fault_pass = mma->mm_numa_fault_pass;
	}
	ta->task_numa_fault[access_nid] += pages;
	ta->task_numa_fault_tot += pages;
}

/* ---- hinting faults ---- */

/* page_mapcount() of the page at @pfn of @f: its PTE mappings plus PMD ones. */
static int32_t page_mapcount(const struct sim *s, const struct folio *f, uint64_t pfn)
{
	return pfn_folio(&s->pm, pfn)->mapcount + folio_entire_mapcount(f);
}

/* May a hinting fault on this page be accounted (numa_hinting_fault() is
 * only called for exclusively mapped pages outside a VMA policy)? */
static bool fault_eligible(const struct sim *s, const struct vm_area_struct *vma,
			   const struct folio *f, uint64_t pfn)
{
	return !(vma->vm_flags & VM_HAS_POLICY) && page_mapcount(s, f, pfn) == 1;
}

static void count_hint_fault(struct sim *s, const struct cpu *cpu, const struct folio *f)
{
	count_vm_event(&s->vs, NUMA_HINT_FAULTS);
	if (folio_nid(f) == cpu->node)
		count_vm_event(&s->vs, NUMA_HINT_FAULTS_LOCAL);
}

enum fault_result autonuma_numa_page(struct sim *s, struct cpu *cpu, struct task *t,
				     struct vm_area_struct *vma, struct pmd_slot *slot,
				     uint64_t address)
{
	struct mm_struct *mm = t->mm;
	struct pte_table *pt = slot->pt;
	const pte_t p = pt->pte[pte_index(address)];
	struct folio *f = page_folio(&s->pm, pte_pfn(p));
	cpu_charge_kernel(cpu, s->m.cost.hint_fault_ns);
	count_hint_fault(s, cpu, f);

	/* the range this fault restores */
	uint64_t start = ALIGN_DOWN(address, PAGE_SIZE), end = start + PAGE_SIZE;
	bool same_folio = false;
	if (s->tun.v[T_AUTONUMA_SCAN_PMD]) {		/* __pmd_numa_fixup() */
		start = ALIGN_DOWN(address, PMD_SIZE);
		end = start + PMD_SIZE;
	} else if (folio_test_large(f) && s->tun.v[T_MTHP_NUMA]) {
		/* as numa_rebuild_large_mapping(): the folio's PTEs in this table and VMA */
		uint64_t head = folio_pfn(&s->pm, f), pmd_start = ALIGN_DOWN(address, PMD_SIZE);
		uint64_t first = start - ((pte_pfn(p) - head) << PAGE_SHIFT);
		start = MAX(MAX(first, pmd_start), vma->vm_start);
		end = MIN(MIN(first + (folio_nr_pages(f) << PAGE_SHIFT), pmd_start + PMD_SIZE),
			  vma->vm_end);
		same_folio = true;
	}
	const struct vm_area_struct *v = vma;
	uint64_t restored = 0;
	for (uint64_t a = start; a < end; a += PAGE_SIZE) {
		pte_t e = pt->pte[pte_index(a)];
		if (!pte_protnone(e))
			continue;
		if (a < v->vm_start || a >= v->vm_end) {
			v = find_vma(mm, a);
			if (!v || a < v->vm_start) {
				v = vma;
				continue;
			}
		}
		if (!vma_is_accessible(v))
			continue;	/* a real PROT_NONE mapping, not a NUMA entry */
		struct folio *pf = page_folio(&s->pm, pte_pfn(e));
		if (same_folio && pf != f)
			continue;
		bool writable = (v->vm_flags & VM_WRITE) && folio_test(pf, PG_anon_exclusive);
		pte_t n = pte_mkyoung(pte_mkpresent(e));
		if (writable)
			tlb_defer_make_writable(s, cpu, mm, pf);
		set_pte_at(s, mm, pt, pte_index(a), writable ? pte_mkwrite(n) : n);
		restored++;
		if (fault_eligible(s, v, pf, pte_pfn(e)))
			autonuma_hinting_fault(s, cpu, t, pf, 1);
	}
	/* APPROX: restoring each further entry costs what making it protnone did */
	if (restored > 1)
		cpu_charge_kernel(cpu, (restored - 1) * s->m.cost.pte_update_ns);
	return FAULT_OK;
}

enum fault_result autonuma_huge_pmd_numa_page(struct sim *s, struct cpu *cpu, struct task *t,
					      struct vm_area_struct *vma, struct pmd_slot *slot,
					      uint64_t address)
{
	(void)address;
	const pmd_t p = slot->pmd;
	struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
	const bool writable = (vma->vm_flags & VM_WRITE) && folio_test(f, PG_anon_exclusive);
	cpu_charge_kernel(cpu, s->m.cost.hint_fault_ns);
	count_hint_fault(s, cpu, f);
	/* huge_pmd_numa_fixup(): present, young, writable if it may be */
	pte_t e = pte_mkyoung(pte_mkpresent((pte_t){ p.val }));
	if (writable) {
		tlb_defer_make_writable(s, cpu, t->mm, f);
		e = pte_mkwrite(e);
	}
	set_pmd_at(s, t->mm, slot, (pmd_t){ e.val });
	if (fault_eligible(s, vma, f, pmd_pfn(p)))
		autonuma_hinting_fault(s, cpu, t, f, PTRS_PER_PTE);
	return FAULT_OK;
}

/* ---- knuma_scand ---- */

/* The first mm at or after index @i with live tasks, or NO_MM. */
static uint32_t next_live_mm(const struct sim *s, uint32_t i)
{
	for (; i < s->nr_mms; i++)
		if (s->mms[i]->nr_threads && s->mms[i]->nr_vmas)
			return i;
	return NO_MM;
}

static void scand_start_mm(struct sim *s, uint32_t idx)
{
	struct autonuma_state *st = an_state(s);
	st->in_mm = true;
	st->mm_idx = idx;
	st->address = 0;
	memset(st->fault_tmp, 0, sizeof(st->fault_tmp));
	mm_autonuma(s->mms[idx])->mm_numa_fault_pass++;
}

/* mm_numa_fault_tmp_flush(): the mm's statistics for the pass just done. */
static void mm_numa_fault_tmp_flush(struct sim *s, struct mm_struct *mm)
{
	struct autonuma_state *st = an_state(s);
	struct mm_autonuma *mma = mm_autonuma(mm);
	uint64_t tot = 0;
	for (uint32_t nid = 0; nid < MAX_NUMNODES; nid++)
		tot += st->fault_tmp[nid];
	if (!tot && s->tun.v[T_AUTONUMA_MM_WORKING_SET])
		return;		/* the process was idle: keep the old data */
	memcpy(mma->mm_numa_fault, st->fault_tmp, sizeof(mma->mm_numa_fault));
	mma->mm_numa_fault_tot = tot;
	memset(st->fault_tmp, 0, sizeof(st->fault_tmp));
}

/* The VMA containing or following @addr, or NULL. */
static struct vm_area_struct *vma_from(struct mm_struct *mm, uint64_t addr)
{
	for (uint32_t i = 0; i < mm->nr_vmas; i++)
		if (mm->vmas[i].vm_end > addr)
			return &mm->vmas[i];
	return NULL;
}

static struct vm_area_struct *vma_next(struct mm_struct *mm, struct vm_area_struct *vma)
{
	return vma + 1 < mm->vmas + mm->nr_vmas ? vma + 1 : NULL;
}

/*
 * knuma_scand_pmd(): one PMD of @vma from @address. Count the exclusively
 * mapped pages for mm_autonuma (at the node they are queued to, if queued;
 * in working-set mode only those touched since the last pass) and make the
 * not yet NUMA ones protnone. Return the progress: pages for a THP, else
 * the eligible pages (pmd mode) or those newly marked (pte mode).
 */
static uint64_t knuma_scand_pmd(struct sim *s, struct mm_struct *mm, struct vm_area_struct *vma,
				uint64_t address, bool *changed, uint64_t *examined)
{
	struct autonuma_state *st = an_state(s);
	const bool working_set = s->tun.v[T_AUTONUMA_MM_WORKING_SET] != 0;
	const bool pmd_mode = s->tun.v[T_AUTONUMA_SCAN_PMD] != 0;
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, address);
	if (!slot)
		return 0;
	if (slot->pmd.val) {
		pmd_t p = slot->pmd;
		if (!pmd_present(p))
			return 0;
		(*examined)++;
		if (pmd_special(p))
			return PTRS_PER_PTE;	/* the huge zero page: never NUMA */
		struct folio *f = pfn_folio(&s->pm, pmd_pfn(p));
		if (page_mapcount(s, f, pmd_pfn(p)) != 1)
			return PTRS_PER_PTE;	/* only check non-shared pages */
		if (working_set && pmd_protnone(p))
			return PTRS_PER_PTE;
		st->fault_tmp[page_migrate_nid(s, f)] += PTRS_PER_PTE;
		if (pmd_protnone(p))
			return PTRS_PER_PTE;
		pte_t e = pte_wrprotect(pte_mkprotnone((pte_t){ p.val }));
		set_pmd_at(s, mm, slot, (pmd_t){ e.val });
		count_vm_event(&s->vs, NUMA_HUGE_PTE_UPDATES);
		*changed = true;
		return PTRS_PER_PTE;
	}
	if (!slot->pt)
		return 0;
	uint64_t end = MIN(vma->vm_end, ALIGN_DOWN(address, PMD_SIZE) + PMD_SIZE), ret = 0;
	struct pte_table *pt = slot->pt;
	for (uint64_t a = address; a < end; a += PAGE_SIZE) {
		uint32_t i = pte_index(a);
		pte_t p = pt->pte[i];
		if (!pte_present(p))
			continue;
		(*examined)++;
		if (pte_special(p))
			continue;	/* the zero page: vm_normal_page() is NULL */
		struct folio *f = page_folio(&s->pm, pte_pfn(p));
		if (folio_test(f, PG_device) || page_mapcount(s, f, pte_pfn(p)) != 1)
			continue;
		/* still NUMA since the last pass: not touched meanwhile */
		const bool numa = pte_protnone(p);
		if (pmd_mode || !numa)
			ret++;	/* with pmd_numa the PTEs themselves are never NUMA */
		if (!(working_set && numa))
			st->fault_tmp[page_migrate_nid(s, f)]++;
		if (numa)
			continue;
		set_pte_at(s, mm, pt, i, pte_wrprotect(pte_mkprotnone(p)));
		count_vm_event(&s->vs, NUMA_PTE_UPDATES);
		*changed = true;
	}
	return ret;
}

/*
 * knumad_do_scan(): scan the next part of the current mm, starting a new
 * pass at the first mm when none is current; move to the next mm when this
 * one is done. Return the progress made (at least 1).
 */
static uint64_t knumad_do_scan(struct sim *s, struct cpu *cpu)
{
	struct autonuma_state *st = an_state(s);
	const uint64_t pages_to_scan = s->tun.v[T_AUTONUMA_PAGES_TO_SCAN];
	if (!st->in_mm) {
		uint32_t idx = next_live_mm(s, 0);
		if (idx == NO_MM)
			return pages_to_scan;	/* no mm at all: the pass is over */
		scand_start_mm(s, idx);
	}
	struct mm_struct *mm = s->mms[st->mm_idx];
	const bool exiting = mm->nr_threads == 0;
	uint64_t address = st->address, progress = 1, examined = 0;
	struct vm_area_struct *vma = exiting ? NULL : vma_from(mm, address);
	while (vma && progress < pages_to_scan) {
		if (!vma_is_accessible(vma) || (vma->vm_flags & VM_HAS_POLICY)) {
			progress++;	/* no NUMA entries in PROT_NONE or mbind()ed VMAs */
			vma = vma_next(mm, vma);
			continue;
		}
		address = MAX(address, vma->vm_start);
		const uint64_t start_addr = address;
		bool changed = false;
		while (address < vma->vm_end) {
			progress += knuma_scand_pmd(s, mm, vma, address, &changed, &examined);
			address = ALIGN_DOWN(address, PMD_SIZE) + PMD_SIZE;
			if (progress >= pages_to_scan)
				break;
		}
		const uint64_t end_addr = MIN(address, vma->vm_end);
		/* flush so the hinting faults start (the series flushed each part) */
		if (changed)
			flush_tlb_prot_numa(s, cpu, mm, start_addr, end_addr);
		if (address < vma->vm_end)
			break;		/* resume inside this VMA next time */
		vma = vma_next(mm, vma);
	}
	cpu_charge_kernel(cpu, examined * s->m.cost.pte_update_ns);
	st->address = address;
	if (exiting || !vma) {
		if (exiting)
			memset(st->fault_tmp, 0, sizeof(st->fault_tmp));
		else
			mm_numa_fault_tmp_flush(s, mm);
		uint32_t next = next_live_mm(s, st->mm_idx + 1);
		if (next != NO_MM)
			scand_start_mm(s, next);
		else
			st->in_mm = false;	/* the pass is complete */
	}
	return progress;
}

void knuma_scand_event(struct sim *s, uint64_t now, uint32_t phase)
{
	struct autonuma_state *st = an_state(s);
	if (!autonuma2012_enabled(s))
		return;
	const uint64_t pages_to_scan = s->tun.v[T_AUTONUMA_PAGES_TO_SCAN];
	const uint64_t half_pass = s->tun.v[T_AUTONUMA_SCAN_SLEEP_PASS_MS] * NSEC_PER_MSEC / 2;
	const uint64_t chunk_sleep = s->tun.v[T_AUTONUMA_SCAN_SLEEP_MS] * NSEC_PER_MSEC;
	struct cpu *cpu = sched_kthread_cpu(s, now, -1);
	switch (phase) {
	case KNUMA_SCAND_MIDPASS:
		/* flush the last pending pages < pages_to_migrate */
		wake_up_knuma_migrated(s, cpu->now);
		evq_push(&s->evq, cpu->now + half_pass, EV_POLICY, AN_EV_SCAND | KNUMA_SCAND_POSTPASS);
		return;
	case KNUMA_SCAND_POSTPASS:
		if (st->progress > pages_to_scan) {
			st->progress = 0;
			evq_push(&s->evq, cpu->now + chunk_sleep, EV_POLICY, AN_EV_SCAND | KNUMA_SCAND_RUN);
			return;
		}
		break;
	default:
		break;
	}
	for (;;) {
		uint64_t progress = knumad_do_scan(s, cpu);
		st->progress += progress;
		st->total_progress += progress;
		if (!st->in_mm) {	/* one full scan pass completed */
			count_vm_events(&s->vs, AUTONUMA_PAGES_SCANNED, st->total_progress);
			st->total_progress = 0;
			count_vm_event(&s->vs, AUTONUMA_FULL_SCANS);
			evq_push(&s->evq, cpu->now + half_pass, EV_POLICY, AN_EV_SCAND | KNUMA_SCAND_MIDPASS);
			break;
		}
		if (st->progress > pages_to_scan) {
			st->progress = 0;
			evq_push(&s->evq, cpu->now + chunk_sleep, EV_POLICY, AN_EV_SCAND | KNUMA_SCAND_RUN);
			break;
		}
	}
	cpu_heap_update(s, cpu);
}

/* ---- CPU follows memory ---- */

void sched_autonuma_tick(struct sim *s, struct cpu *cpu, struct task *t)
{
	struct autonuma_state *st = an_state(s);
	if (!st || !autonuma2012_enabled(s) || !t->mm)
		return;
	if (cpu->now < st->next_balance[cpu->id])
		return;
	st->next_balance[cpu->id] = cpu->now + AUTONUMA_BALANCE_INTERVAL_MS * NSEC_PER_MSEC;
	sched_autonuma_balance(s, cpu, t);
}

/* A task's weight on @nid: its (or its mm's) share of faults, per mille. */
static int64_t weight_of(uint64_t w, uint64_t tot)
{
	if (w > tot)
		tot = w;
	return tot ? (int64_t)(w * AUTONUMA_BALANCE_SCALE / tot) : 0;
}

/*
 * sched_autonuma_balance(): compare the current task on this CPU with the
 * current task of every allowed CPU of the other nodes:
 *	if (w_nid > w_other && w_nid > w_this_nid)
 *		weight = w_nid - w_other + w_nid - w_this_nid;
 * using thread statistics against a thread of the same process and process
 * statistics against anything else; an idle CPU counts as w_other = -1 when
 * both the thread and the process prefer its node (AutoNUMA19). The CPU of
 * largest weight wins; the task moves there (swapping with its task if it
 * is busy).
 */
void sched_autonuma_balance(struct sim *s, struct cpu *cpu, struct task *p)
{
	struct task_autonuma *ta = task_autonuma(p);
	const struct mm_autonuma *mma = mm_autonuma_ro(p->mm);
	const uint32_t this_nid = cpu->node, nr_nodes = s->m.nr_nodes;
	if (p->numa.pending_cpu != UINT32_MAX)
		return;		/* a move is already under way */
	/* nothing to go on until the task faulted and the mm was scanned */
	if (!ta->task_numa_fault_tot || !mma->mm_numa_fault_tot)
		return;
	int64_t task_w[MAX_NUMNODES], mm_w[MAX_NUMNODES], w_t_max = 0, w_m_max = 0;
	int selected_nid = -1, selected_nid_mm = -1;
	for (uint32_t nid = 0; nid < nr_nodes; nid++) {
		mm_w[nid] = weight_of(mma->mm_numa_fault[nid], mma->mm_numa_fault_tot);
		task_w[nid] = weight_of(ta->task_numa_fault[nid], ta->task_numa_fault_tot);
		if (mm_w[nid] > w_m_max) {
			w_m_max = mm_w[nid];
			selected_nid_mm = (int)nid;
		}
		if (task_w[nid] > w_t_max) {
			w_t_max = task_w[nid];
			selected_nid = (int)nid;
		}
	}
	/* converged: both statistics already prefer this node */
	if (selected_nid == (int)this_nid && selected_nid_mm == selected_nid) {
		ta->autonuma_nid_plus1 = this_nid + 1;
		return;
	}
	uint32_t selected_cpu = cpu->id;
	struct task *selected_task = NULL;
	int64_t weight_max = 0;
	selected_nid = (int)this_nid;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		struct cpu *oc = &s->cpus[c];
		const uint32_t nid = oc->node;
		if (nid == this_nid || !cpumask_test(&p->cpus_allowed, c) || oc->numa_migrate_on)
			continue;
		int64_t w_nid, w_this_nid, w_other;
		struct task *other = NULL;
		if (!oc->nr_running) {
			if (task_w[nid] <= task_w[this_nid] || mm_w[nid] <= mm_w[this_nid])
				continue;
			w_other = -1;
			w_nid = mm_w[nid];
			w_this_nid = mm_w[this_nid];
		} else {
			other = oc->curr;
			if (!other || !other->mm || other->numa.pending_cpu != UINT32_MAX ||
			    !cpumask_test(&other->cpus_allowed, cpu->id))
				continue;
			const struct task_autonuma *oa = task_autonuma(other);
			const struct mm_autonuma *om = mm_autonuma_ro(other->mm);
			if (!om->mm_numa_fault_tot || !oa->task_numa_fault_tot)
				continue;
			if (other->mm == p->mm) {
				w_other = weight_of(oa->task_numa_fault[nid], oa->task_numa_fault_tot);
				w_nid = task_w[nid];
				w_this_nid = task_w[this_nid];
			} else {
				w_other = weight_of(om->mm_numa_fault[nid], om->mm_numa_fault_tot);
				w_nid = mm_w[nid];
				w_this_nid = mm_w[this_nid];
			}
		}
		if (w_nid > w_other && w_nid > w_this_nid) {
			int64_t weight = w_nid - w_other + w_nid - w_this_nid;
			if (weight > weight_max) {
				weight_max = weight;
				selected_cpu = c;
				selected_nid = (int)nid;
				selected_task = other;
			}
		}
	}
	ta->autonuma_nid_plus1 = (uint32_t)selected_nid + 1;
	if (selected_cpu == cpu->id)
		return;
	/* stop_one_cpu_nowait(autonuma_balance_cpu_stop): at the next safe point */
	p->numa.pending_cpu = selected_cpu;
	p->numa.pending_swap = selected_task;
	s->cpus[selected_cpu].numa_migrate_on = true;
}

/* ---- set-up ---- */

static void autonuma_init(struct sim *s)
{
	struct autonuma_state *st = calloc(1, sizeof(*st));
	if (!st)
		abort();
	s->policy_data = st;
	if (!numa_balancing_enabled(s))
		return;		/* /sys/kernel/mm/autonuma/enabled = 0: the daemons sleep */
	/*
	 * The workload starts while knuma_scand is between two chunks of a
	 * pass over the rest of the system: its mms are scanned at the next
	 * wakeup. Every knuma_migratedN waits for pages.
	 */
	evq_push(&s->evq, s->tun.v[T_AUTONUMA_SCAN_SLEEP_MS] * NSEC_PER_MSEC, EV_POLICY,
		 AN_EV_SCAND | KNUMA_SCAND_RUN);
}

static void autonuma_destroy(struct sim *s)
{
	for (uint32_t i = 0; i < s->nr_tasks; i++) {
		free(s->tasks[i]->policy_priv);
		s->tasks[i]->policy_priv = NULL;
	}
	for (uint32_t i = 0; i < s->nr_mms; i++) {
		free(s->mms[i]->policy_priv);
		s->mms[i]->policy_priv = NULL;
	}
	struct autonuma_state *st = s->policy_data;
	if (!st)
		return;
	for (uint32_t d = 0; d < MAX_NUMNODES; d++)
		for (uint32_t n = 0; n < MAX_NUMNODES; n++)
			free(st->node[d].from[n].pfn);
	free(st->map.e);
	free(st->batch);
	free(st);
	s->policy_data = NULL;
}

/*
 * sched_fork(): the mainline task_struct fields as every kernel sets them
 * (init_numa_balancing(); the safe-point move reads numa.pending_cpu), and
 * fresh task_autonuma statistics (the series' reset flag: nothing inherited);
 * a new mm gets its mm_autonuma with its first task.
 */
static void autonuma_task_init(struct sim *s, struct task *t, const struct task *parent,
			       uint64_t now)
{
	init_numa_balancing(s, t, parent, now);
	t->policy_priv = calloc(1, sizeof(struct task_autonuma));
	if (!t->policy_priv)
		abort();
	if (!t->mm->policy_priv) {
		t->mm->policy_priv = calloc(1, sizeof(struct mm_autonuma));
		if (!t->mm->policy_priv)
			abort();
	}
}

/* Nothing to drop: no NUMA groups, and the statistics stay for the report. */
static void autonuma_task_exit(struct sim *s, struct task *t)
{
	(void)s;
	(void)t;
}

/* The series left the scan period alone when a task moved: knuma_scand is
 * one global daemon. */
static void autonuma_task_move(struct sim *s, struct task *t, uint32_t new_cpu)
{
	(void)s;
	(void)t;
	(void)new_cpu;
}

static enum fault_result autonuma_pte_hint_fault(struct vm_fault *vmf)
{
	return autonuma_numa_page(vmf->s, vmf->cpu, vmf->t, vmf->vma, vmf->pmd, vmf->address);
}

static enum fault_result autonuma_pmd_hint_fault(struct vm_fault *vmf)
{
	return autonuma_huge_pmd_numa_page(vmf->s, vmf->cpu, vmf->t, vmf->vma, vmf->pmd,
					   vmf->address);
}

static void autonuma_event(struct sim *s, uint64_t now, uint32_t arg)
{
	if (arg & AN_EV_MIGRATED)
		knuma_migrated_event(s, now, arg & AN_EV_ARG_MASK);
	else
		knuma_scand_event(s, now, arg & AN_EV_ARG_MASK);
}

static json_object *an_node_array(const uint64_t *v, uint32_t nr)
{
	json_object *a = json_object_new_array();
	for (uint32_t n = 0; n < nr; n++)
		json_object_array_add(a, json_object_new_uint64(v[n]));
	return a;
}

/* The report's "autonuma" object of a task: task_autonuma. */
static void autonuma_task_json(const struct sim *s, const struct task *t, json_object *o)
{
	static const struct task_autonuma none;
	const struct task_autonuma *ta = task_autonuma(t) ? task_autonuma(t) : &none;
	json_object *a = json_object_new_object();
	json_object_object_add(a, "autonuma_nid", json_object_new_int(task_autonuma_nid(t)));
	json_object_object_add(a, "task_numa_fault",
			       an_node_array(ta->task_numa_fault, s->m.nr_nodes));
	json_object_object_add(o, "autonuma", a);
}

/* A process's "autonuma_mm_numa_fault": mm_autonuma. */
static void autonuma_mm_json(const struct sim *s, const struct mm_struct *mm, json_object *o)
{
	json_object_object_add(o, "autonuma_mm_numa_fault",
			       an_node_array(mm_autonuma_ro(mm)->mm_numa_fault, s->m.nr_nodes));
}

const struct numa_policy_ops autonuma2012_policy_ops = {
	.name = "autonuma2012",
	.help = "Arcangeli's AutoNUMA 2012: knuma_scand, knuma_migratedN queues, CPU follows "
		"memory (docs/autonuma2012.md)",
	.in_mainline = false,
	.init = autonuma_init,
	.destroy = autonuma_destroy,
	.task_init = autonuma_task_init,
	.task_exit = autonuma_task_exit,
	.tick = sched_autonuma_tick,
	.task_move = autonuma_task_move,
	.safe_point = numa_apply_pending_move,	/* autonuma_balance_cpu_stop() */
	.pte_hint_fault = autonuma_pte_hint_fault,
	.pmd_hint_fault = autonuma_pmd_hint_fault,
	.event = autonuma_event,
	.task_json = autonuma_task_json,
	.mm_json = autonuma_mm_json,
};
