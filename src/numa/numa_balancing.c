// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/numa_balancing.c - automatic NUMA balancing, mainline design.
 * Models:     linux kernel/sched/fair.c init_numa_balancing, task_tick_numa,
 *             task_numa_work (with vma_is_accessed and the numab state),
 *             task_nr_scan_windows, task_scan_min/max/start,
 *             update_task_scan_period, should_numa_migrate_memory,
 *             task_numa_fault, task_numa_group, task_numa_placement,
 *             numa_group_count_active_nodes, numa_migrate_preferred,
 *             task_numa_migrate / task_numa_find_cpu / task_numa_compare,
 *             load_too_imbalanced, adjust_numa_imbalance, update_scan_period.
 * SIMPLIFIED: load is the number of runnable tasks (no PELT: task_h_load is
 *             1 per task); a node "has spare" when it runs fewer tasks than
 *             it has CPUs; direct NUMA topologies only (no
 *             preferred_group_nid scoring for glueless meshes); moves
 *             chosen by task_numa_migrate happen at the task's next safe
 *             point instead of through the stopper thread.
 */
#include <stdlib.h>
#include <string.h>

#include "fault/fault.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"
#include "sim.h"

#define TICK_NS(s) ((s)->tun.v[T_TICK_US] * NSEC_PER_USEC)
#define VMA_PID_RESET_PERIOD_MS(s) (4 * (s)->tun.v[T_NUMA_SCAN_DELAY_MS])
#define LOAD_AVG_MAX 47742

bool numa_balancing_enabled(const struct sim *s)
{
	return s->tun.v[T_NUMA_BALANCING] != 0;
}

bool node_is_toptier(const struct sim *s, uint32_t nid)
{
	return s->tiers.toptier[nid];
}

/* ---- fault statistics accessors ---- */

static int64_t task_faults(const struct task *t, uint32_t nid)
{
	return t->numa.faults[NUMA_MEM][nid][0] + t->numa.faults[NUMA_MEM][nid][1];
}

static int64_t group_faults(const struct task *t, uint32_t nid)
{
	const struct numa_group *ng = t->numa.numa_group;
	return ng ? ng->faults[nid][0] + ng->faults[nid][1] : 0;
}

static int64_t group_faults_cpu(const struct numa_group *ng, uint32_t nid)
{
	return ng->faults_cpu[nid][0] + ng->faults_cpu[nid][1];
}

static bool numa_is_active_node(uint32_t nid, const struct numa_group *ng)
{
	return group_faults_cpu(ng, nid) * ACTIVE_NODE_FRACTION > ng->max_faults_cpu;
}

/* task_weight()/group_weight(): per-mille share of faults on @nid. */
static int64_t task_weight(const struct task *t, uint32_t nid)
{
	if (t->numa.total_numa_faults <= 0)
		return 0;
	return 1000 * task_faults(t, nid) / t->numa.total_numa_faults;
}

static int64_t group_weight(const struct task *t, uint32_t nid)
{
	const struct numa_group *ng = t->numa.numa_group;
	if (!ng || ng->total_faults <= 0)
		return 0;
	return 1000 * group_faults(t, nid) / ng->total_faults;
}

/* ---- scan period (reference §1.3) ---- */

static uint64_t task_nr_scan_windows(const struct sim *s, const struct task *t)
{
	uint64_t nr_scan_pages = s->tun.v[T_NUMA_SCAN_SIZE_MB] << (20 - PAGE_SHIFT);
	uint64_t rss = 0;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		rss += t->mm->rss_node[n];
	if (!rss)
		rss = nr_scan_pages;
	return DIV_ROUND_UP(rss, nr_scan_pages);
}

uint64_t task_scan_min(const struct sim *s, const struct task *t)
{
	uint64_t scan_size = MAX(1u, s->tun.v[T_NUMA_SCAN_SIZE_MB]);
	uint64_t windows = MAX(1u, MAX_SCAN_WINDOW / scan_size);
	uint64_t floor = 1000 / windows;
	uint64_t scan = s->tun.v[T_NUMA_SCAN_PERIOD_MIN_MS] / task_nr_scan_windows(s, t);
	return MAX(floor, scan);
}

/* Shared and private decayed faults of a group (group_faults_shared/priv). */
static void group_fault_types(const struct numa_group *ng, uint32_t nr_nodes, uint64_t *shared,
			      uint64_t *private_)
{
	int64_t sh = 0, pr = 0;
	for (uint32_t n = 0; n < nr_nodes; n++) {
		sh += ng->faults[n][0];
		pr += ng->faults[n][1];
	}
	*shared = (uint64_t)MAX(sh, 0);
	*private_ = (uint64_t)MAX(pr, 0);
}

uint64_t task_scan_max(const struct sim *s, const struct task *t)
{
	uint64_t smin = task_scan_min(s, t);
	uint64_t smax = s->tun.v[T_NUMA_SCAN_PERIOD_MAX_MS] / task_nr_scan_windows(s, t);
	const struct numa_group *ng = t->numa.numa_group;
	if (ng) {
		uint64_t shared, private_;
		group_fault_types(ng, s->m.nr_nodes, &shared, &private_);
		uint64_t period = smax * ng->nr_tasks;
		period = period * (shared + 1) / (private_ + shared + 1);
		smax = MAX(smax, period);
	}
	return MAX(smin, smax);
}

uint64_t task_scan_start(const struct sim *s, const struct task *t)
{
	uint64_t smin = task_scan_min(s, t), period = smin;
	const struct numa_group *ng = t->numa.numa_group;
	if (ng) {
		uint64_t shared, private_;
		group_fault_types(ng, s->m.nr_nodes, &shared, &private_);
		period *= ng->nr_tasks;
		period = period * (shared + 1) / (private_ + shared + 1);
	}
	return MAX(smin, period);
}

/*
 * update_task_scan_period(): no faults or failed migrations double the
 * period; otherwise a mostly private or mostly local task scans slower and
 * the others faster, by slots of a tenth of the period.
 */
void update_task_scan_period(struct sim *s, struct task *t, uint64_t shared, uint64_t private_)
{
	struct task_numa *nb = &t->numa;
	uint64_t remote = nb->numa_faults_locality[0], local = nb->numa_faults_locality[1];
	if (local + shared == 0 || nb->numa_faults_locality[2]) {
		nb->numa_scan_period = MIN(nb->numa_scan_period_max, nb->numa_scan_period << 1);
		t->mm->numa.numa_next_scan = s->cpus[t->cpu].now + nb->numa_scan_period * NSEC_PER_MSEC;
		return;
	}
	int64_t period_slot = (int64_t)DIV_ROUND_UP(nb->numa_scan_period, NUMA_PERIOD_SLOTS);
	int64_t lr_ratio = (int64_t)((local * NUMA_PERIOD_SLOTS) / (local + remote));
	int64_t ps_ratio = (int64_t)((private_ * NUMA_PERIOD_SLOTS) / (private_ + shared));
	int64_t diff;
	if (ps_ratio >= NUMA_PERIOD_THRESHOLD)
		diff = MAX(1, ps_ratio - NUMA_PERIOD_THRESHOLD) * period_slot;
	else if (lr_ratio >= NUMA_PERIOD_THRESHOLD)
		diff = MAX(1, lr_ratio - NUMA_PERIOD_THRESHOLD) * period_slot;
	else
		diff = -(NUMA_PERIOD_THRESHOLD - MAX(lr_ratio, ps_ratio)) * period_slot;
	int64_t p = (int64_t)nb->numa_scan_period + diff;
	int64_t lo = (int64_t)task_scan_min(s, t), hi = (int64_t)task_scan_max(s, t);
	nb->numa_scan_period = (uint64_t)(p < lo ? lo : p > hi ? hi : p);
	nb->numa_faults_locality[0] = nb->numa_faults_locality[1] = nb->numa_faults_locality[2] = 0;
}

/* ---- task life ---- */

void init_numa_balancing(struct sim *s, struct task *t, const struct task *parent, uint64_t now)
{
	struct task_numa *nb = &t->numa;
	struct mm_numa *mn = &t->mm->numa;
	/* threads of this mm before @t: Linux reads mm_users at sched_fork() */
	const uint32_t mm_users = t->mm->nr_threads - 1;
	/*
	 * A new address space, or one whose only thread now clones its first:
	 * the first scan comes one scan delay from now, from sequence 0.
	 * (Linux tests mm_users == 1 on the mm the new task points at then.)
	 * SIMPLIFIED: a multi-threaded parent's fork copies the parent's
	 * scanner state in dup_mm(); here the child always starts afresh.
	 */
	if (!parent || mm_users == 1) {
		mn->numa_next_scan = now + s->tun.v[T_NUMA_SCAN_DELAY_MS] * NSEC_PER_MSEC;
		mn->numa_scan_seq = 0;
	}
	memset(nb, 0, sizeof(*nb));
	nb->numa_scan_seq = mn->numa_scan_seq;
	nb->numa_scan_period = s->tun.v[T_NUMA_SCAN_DELAY_MS];
	nb->pending_cpu = UINT32_MAX;
	nb->numa_preferred_nid = NUMA_NO_NODE;
	if (!parent)
		return;		/* a new address space: no preferred node */
	nb->numa_preferred_nid = parent->numa.numa_preferred_nid;
	/*
	 * Stagger the first scans of new threads by the number of threads.
	 * As in the kernel, min_t() compares task_scan_max() in ms with a value
	 * in ns, so the ms value nearly always wins: modelled as written.
	 */
	uint64_t delay = MIN(task_scan_max(s, parent),
			     parent->numa.numa_scan_period * mm_users * NSEC_PER_MSEC);
	nb->node_stamp = delay + 2 * TICK_NS(s);
}

static void numa_group_put(struct numa_group *ng)
{
	if (ng && --ng->nr_tasks == 0)
		free(ng);
}

void numa_task_exit(struct sim *s, struct task *t)
{
	(void)s;
	struct numa_group *ng = t->numa.numa_group;
	if (!ng)
		return;
	/* the group keeps the task's decayed faults until they decay; Linux
	 * subtracts them in task_numa_free */
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		for (int p = 0; p < NR_NUMA_HINT_FAULT_TYPES; p++) {
			ng->faults[n][p] -= t->numa.faults[NUMA_MEM][n][p];
			ng->total_faults -= t->numa.faults[NUMA_MEM][n][p];
		}
	t->numa.numa_group = NULL;
	numa_group_put(ng);
}

/* ---- the scanner ---- */

void task_tick_numa(struct sim *s, struct cpu *cpu, struct task *t)
{
	if (!numa_balancing_enabled(s) || !t->mm)
		return;
	struct task_numa *nb = &t->numa;
	uint64_t now = t->sum_exec_runtime;
	uint64_t period = nb->numa_scan_period * NSEC_PER_MSEC;
	if (now <= nb->node_stamp + period)
		return;
	if (!nb->node_stamp)
		nb->numa_scan_period = task_scan_start(s, t);
	nb->node_stamp += period;
	if (cpu->now >= t->mm->numa.numa_next_scan)
		task_numa_work(s, cpu, t);	/* task_work_add(TWA_RESUME): on return to user */
}

static uint32_t hash_32(uint32_t val, uint32_t bits)
{
	return (val * 0x61C88647u) >> (32 - bits);
}

void vma_set_access_pid_bit(struct vm_area_struct *vma, const struct task *t)
{
	if (vma->numab.valid)
		vma->numab.pids_active[1] |= 1ull << hash_32(t->pid, 6);
}

/* vma_is_accessed(): should this task scan this VMA now? */
static bool vma_is_accessed(const struct mm_struct *mm, const struct vm_area_struct *vma,
			    const struct task *t)
{
	const struct vma_numab_state *ns = &vma->numab;
	if ((int32_t)(mm->numa.numa_scan_seq - ns->start_scan_seq) < 2)
		return true;	/* the first two sequences scan every VMA (int, as in Linux) */
	uint64_t pids = ns->pids_active[0] | ns->pids_active[1];
	if ((pids >> hash_32(t->pid, 6)) & 1)
		return true;
	if (mm->numa.numa_scan_offset > vma->vm_start)
		return true;	/* finish a VMA already started */
	return mm->numa.numa_scan_seq > ns->prev_scan_seq + mm->nr_threads;
}

/*
 * vma_policy_mof(): only memory under a policy with MPOL_F_MOF is balanced.
 * Without a task or VMA policy that is the default (preferred_node_policy);
 * an explicit policy has it only from MPOL_F_NUMA_BALANCING (mpol_new()), so
 * an explicit MPOL_LOCAL, unlike the default, is not scanned.
 */
static bool vma_policy_mof(const struct vm_area_struct *vma, const struct task *t)
{
	const struct mempolicy *pol = (vma->vm_flags & VM_HAS_POLICY) ? &vma->pol : &t->pol;
	return pol->mode == MPOL_DEFAULT || (pol->flags & MPOL_F_MOF);
}

/*
 * The per-VMA checks of task_numa_work(), in its order: may this VMA be
 * scanned now? Sets up the VMA's numab state on its first visit.
 */
static bool vma_scan_allowed(struct sim *s, struct mm_struct *mm, struct vm_area_struct *vma,
			     const struct task *t, uint64_t now, bool pids_forced, bool *pids_skipped)
{
	struct vma_numab_state *ns = &vma->numab;
	const uint64_t delay_ns = s->tun.v[T_NUMA_SCAN_DELAY_MS] * NSEC_PER_MSEC;
	const uint64_t reset_ns = VMA_PID_RESET_PERIOD_MS(s) * NSEC_PER_MSEC;
	if (!vma_policy_mof(vma, t))
		return false;				/* NUMAB_SKIP_UNSUITABLE */
	if ((vma->vm_flags & VM_FILE) && (vma->vm_flags & (VM_READ | VM_WRITE)) == VM_READ)
		return false;	/* NUMAB_SKIP_SHARED_RO: text and libraries are cache-replicated */
	if (!vma_is_accessible(vma))
		return false;				/* NUMAB_SKIP_INACCESSIBLE */
	if (!s->tun.v[T_NUMAB])
		return true;	/* Linux before 6.4: no per-VMA state */
	if (!ns->valid) {
		ns->valid = true;
		ns->next_scan = now + delay_ns;
		ns->pids_active_reset = ns->next_scan + reset_ns;
		ns->start_scan_seq = mm->numa.numa_scan_seq;
		ns->prev_scan_seq = mm->numa.numa_scan_seq - 1;
	}
	if (mm->numa.numa_scan_seq && now < ns->next_scan)
		return false;				/* NUMAB_SKIP_SCAN_DELAY */
	if (mm->numa.numa_scan_seq && now > ns->pids_active_reset) {
		ns->pids_active_reset += reset_ns;	/* from the last reset, not from now */
		ns->pids_active[0] = ns->pids_active[1];
		ns->pids_active[1] = 0;
	}
	if (ns->prev_scan_seq == mm->numa.numa_scan_seq) {
		mm->numa.numa_scan_offset = vma->vm_end;
		return false;				/* NUMAB_SKIP_SEQ_COMPLETED */
	}
	if (!pids_forced && !vma_is_accessed(mm, vma, t)) {
		*pids_skipped = true;			/* NUMAB_SKIP_PID_INACTIVE */
		return false;
	}
	return true;
}

/* reset_ptenuma_scan(): a walk of the address space ends; the next starts at 0. */
static void reset_ptenuma_scan(struct mm_struct *mm)
{
	mm->numa.numa_scan_seq++;
	mm->numa.numa_scan_offset = 0;
}

/* The VMA at or after @addr, or NULL. */
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
 * The first VMA to scan: the one at the saved offset; when the offset lies
 * past the last VMA, a new sequence starts at address 0 at once.
 */
static struct vm_area_struct *scan_first_vma(struct mm_struct *mm, uint64_t *start)
{
	*start = mm->numa.numa_scan_offset;
	struct vm_area_struct *vma = vma_from(mm, *start);
	if (!vma) {
		reset_ptenuma_scan(mm);
		*start = 0;
		vma = vma_from(mm, 0);
	}
	return vma;
}

/*
 * task_numa_work(): one thread per address space and period makes up to
 * scan_size_mb of populated memory (and at most 8 times that of address
 * space) protnone, continuing where the last pass stopped. A full walk of
 * the address space is one scan sequence.
 */
void task_numa_work(struct sim *s, struct cpu *cpu, struct task *t)
{
	struct mm_struct *mm = t->mm;
	struct task_numa *nb = &t->numa;
	const uint64_t now = cpu->now, cpu_before = cpu->now;
	if (now < mm->numa.numa_next_scan)
		return;
	if (nb->numa_scan_period == 0) {
		nb->numa_scan_period_max = task_scan_max(s, t);
		nb->numa_scan_period = task_scan_start(s, t);
	}
	/* the cmpxchg winner: the other threads find next_scan in the future */
	mm->numa.numa_next_scan = now + nb->numa_scan_period * NSEC_PER_MSEC;
	nb->node_stamp += 2 * TICK_NS(s);

	int64_t pages = (int64_t)(s->tun.v[T_NUMA_SCAN_SIZE_MB] << (20 - PAGE_SHIFT));
	int64_t virtpages = pages * 8;
	if (!pages)
		return;
	bool pids_forced = false, pids_skipped = false;
	uint64_t start;
	struct vm_area_struct *vma;
retry_pids:
	for (vma = scan_first_vma(mm, &start); vma; vma = vma_next(mm, vma)) {
		if (!vma_scan_allowed(s, mm, vma, t, now, pids_forced, &pids_skipped))
			continue;
		uint64_t end;
		do {
			start = MAX(start, vma->vm_start);
			end = ALIGN_UP(start + ((uint64_t)pages << PAGE_SHIFT), PMD_SIZE);
			end = MIN(end, vma->vm_end);
			uint64_t updated = change_prot_numa(s, cpu, t, vma, start, end);
			/* populated memory counts against the budget; empty or
			 * already protnone ranges only against virtpages */
			if (updated)
				pages -= (int64_t)((end - start) >> PAGE_SHIFT);
			virtpages -= (int64_t)((end - start) >> PAGE_SHIFT);
			start = end;
			if (pages <= 0 || virtpages <= 0)
				goto out;
		} while (end != vma->vm_end);
		if (s->tun.v[T_NUMAB])
			vma->numab.prev_scan_seq = mm->numa.numa_scan_seq;	/* VMA done this sequence */
		if (pids_forced)
			break;	/* a forced scan covers one VMA at a time */
	}
	if (!vma && !pids_forced && pids_skipped) {
		/* every VMA left was skipped by the PID filter: force progress */
		pids_forced = true;
		goto retry_pids;
	}
out:
	if (vma)
		mm->numa.numa_scan_offset = start;
	else
		reset_ptenuma_scan(mm);	/* one full walk done */
	/* the scan ran on the task's CPU time; cap it near 1/32 of runtime */
	uint64_t diff = cpu->now - cpu_before;
	t->sum_exec_runtime += diff;
	nb->node_stamp += 32 * diff;
}

/* ---- tiering: promotion of hot slow-tier memory ---- */

bool folio_use_access_time(const struct sim *s, const struct folio *f)
{
	return (s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING) &&
	       !node_is_toptier(s, folio_nid(f));
}

static uint64_t now_ms(const struct sim *s, uint32_t cpu)
{
	return s->cpus[cpu].now / NSEC_PER_MSEC;
}

/* pgdat_free_space_enough(): above the promo watermark by max(1 GiB, 1/16). */
static bool pgdat_free_space_enough(const struct sim *s, uint32_t nid)
{
	const struct pglist_data *pg = &s->pm.node[nid];
	uint64_t enough = MAX(GiB >> PAGE_SHIFT, pg->node_present_pages >> 4);
	return node_free_pages(&s->pm, nid) > pg->watermark[WMARK_PROMO] + enough;
}

/* numa_promotion_rate_limit(): count the candidates (pgpromote_candidate,
 * every one, limited or not); true when this second's window already saw
 * rate_limit pages. */
static bool numa_promotion_rate_limit(struct sim *s, struct numa_promo_state *ps, uint64_t now,
				      uint64_t rate_limit, uint64_t nr)
{
	count_vm_events(&s->vs, PGPROMOTE_CANDIDATE, nr);
	ps->nr_cand += nr;	/* node_page_state(pgdat, PGPROMOTE_CANDIDATE) */
	if (now - ps->nbp_rl_start > 1000) {
		ps->nbp_rl_start = now;
		ps->nbp_rl_nr_cand = ps->nr_cand;
	}
	if (ps->nr_cand - ps->nbp_rl_nr_cand >= rate_limit)
		return true;
	ps->max_window_cand = MAX(ps->max_window_cand, ps->nr_cand - ps->nbp_rl_nr_cand);
	return false;
}

/*
 * numa_promotion_adjust_threshold(): once per scan_period_max, lower the
 * threshold by a step when the last period's candidates exceeded the rate
 * limit by 10 %, raise it when they fell 10 % short; steps of 2/16 of the
 * default, within [step, 2 x default].
 */
void numa_promotion_adjust_threshold(const struct sim *s, struct numa_promo_state *ps, uint64_t now,
				     uint64_t rate_limit, uint64_t ref_th)
{
	uint64_t period = s->tun.v[T_NUMA_SCAN_PERIOD_MAX_MS];
	if (now - ps->nbp_th_start <= period)
		return;
	ps->nbp_th_start = now;
	uint64_t ref_cand = rate_limit * period / 1000;
	uint64_t diff_cand = ps->nr_cand - ps->nbp_th_nr_cand;
	uint64_t unit_th = ref_th * 2 / NUMA_MIGRATION_ADJUST_STEPS;
	uint64_t th = ps->nbp_threshold ? ps->nbp_threshold : ref_th;
	if (diff_cand > ref_cand * 11 / 10)
		th = MAX(th > unit_th ? th - unit_th : 0, unit_th);
	else if (diff_cand < ref_cand * 9 / 10)
		th = MIN(th + unit_th, ref_th * 2);
	ps->nbp_th_nr_cand = ps->nr_cand;
	ps->nbp_threshold = th;
}

/* The tiering branch of should_numa_migrate_memory(): promote a slow-tier
 * folio whose fault came soon enough after its scan, within the rate. */
static bool should_promote(struct sim *s, struct folio *f, uint32_t dst_nid, uint32_t dst_cpu)
{
	struct numa_promo_state *ps = &s->promo[dst_nid];
	uint64_t nr = folio_nr_pages(f);
	if (pgdat_free_space_enough(s, dst_nid)) {
		ps->nbp_threshold = 0;
		count_vm_events(&s->vs, PGPROMOTE_CANDIDATE_NRL, nr);
		return true;
	}
	const uint64_t def_th = s->tun.v[T_NUMA_HOT_THRESHOLD_MS];
	const uint64_t rate_limit = s->tun.v[T_NUMA_PROMOTE_RATE_LIMIT_MBPS] << (20 - PAGE_SHIFT);
	uint64_t now = now_ms(s, dst_cpu);
	numa_promotion_adjust_threshold(s, ps, now, rate_limit, def_th);
	uint64_t th = ps->nbp_threshold ? ps->nbp_threshold : def_th;
	/* numa_hint_fault_latency(): time since the scan stamped the folio */
	uint64_t latency = (uint32_t)((uint32_t)now - f->last_cpupid);
	f->last_cpupid = (uint32_t)now;
	if (latency >= th)
		return false;
	return !numa_promotion_rate_limit(s, ps, now, rate_limit, nr);
}

uint64_t numa_hot_threshold_ms(const struct sim *s, uint32_t nid)
{
	return s->promo[nid].nbp_threshold ? s->promo[nid].nbp_threshold
					   : s->tun.v[T_NUMA_HOT_THRESHOLD_MS];
}

/* ---- hint-fault filter ---- */

bool should_numa_migrate_memory(struct sim *s, struct task *p, struct folio *f, uint32_t src_nid,
				uint32_t dst_cpu)
{
	const uint32_t dst_nid = s->cpus[dst_cpu].node;
	if (!s->m.node[dst_nid].mem_bytes)
		return false;		/* a CPU-only node cannot take memory */
	if (folio_use_access_time(s, f))
		return should_promote(s, f, dst_nid, dst_cpu);
	uint32_t this_cpupid = cpu_pid_to_cpupid(dst_cpu, p->pid);
	uint32_t last_cpupid = f->last_cpupid;
	f->last_cpupid = this_cpupid;	/* folio_xchg_last_cpupid() */
	if (!(s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING) &&
	    !node_is_toptier(s, src_nid) && !cpupid_valid(last_cpupid))
		return false;
	const bool pid_unset = cpupid_pid_unset(last_cpupid);
	const bool same_pid = cpupid_to_pid(last_cpupid) == (p->pid & LAST__PID_MASK);
	/* early life, or a private fault: migrate at once */
	if ((p->numa.numa_preferred_nid == NUMA_NO_NODE || p->numa.numa_scan_seq <= 4) &&
	    (pid_unset || same_pid))
		return true;
	/* two-stage filter: the same node must fault twice in a row */
	if (!pid_unset && s->cpus[cpupid_to_cpu(last_cpupid) % s->m.nr_cpus].node != dst_nid)
		return false;
	if (same_pid)
		return true;
	const struct numa_group *ng = p->numa.numa_group;
	if (!ng)
		return true;
	/* shared: go where the group's CPUs are busier, with hysteresis */
	if (group_faults_cpu(ng, dst_nid) > group_faults_cpu(ng, src_nid) * ACTIVE_NODE_FRACTION)
		return true;
	return group_faults_cpu(ng, dst_nid) * group_faults(p, src_nid) * 3 >
	       group_faults_cpu(ng, src_nid) * group_faults(p, dst_nid) * 4;
}

/* ---- NUMA groups ---- */

static struct numa_group *numa_group_create(struct task *t)
{
	struct numa_group *ng = calloc(1, sizeof(*ng));
	if (!ng)
		abort();
	ng->gid = t->pid;
	ng->nr_tasks = 1;
	ng->active_nodes = 1;
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		for (int p = 0; p < NR_NUMA_HINT_FAULT_TYPES; p++) {
			ng->faults[n][p] = t->numa.faults[NUMA_MEM][n][p];
			ng->total_faults += t->numa.faults[NUMA_MEM][n][p];
		}
	return ng;
}

/*
 * task_numa_group(): @t faulted on memory that the task @cpupid names
 * touched last. Join its group if it is larger (ties by group id) when both
 * share an address space or the fault was on shared memory. A join means
 * the sharing is real, so the fault counts as shared (*priv = false).
 */
static void task_numa_group(struct sim *s, struct task *t, uint32_t cpupid, int flags, int *priv)
{
	if (!t->numa.numa_group)
		t->numa.numa_group = numa_group_create(t);
	const struct task *tsk = s->cpus[cpupid_to_cpu(cpupid) % s->m.nr_cpus].curr;
	if (!tsk || cpupid_to_pid(cpupid) != (tsk->pid & LAST__PID_MASK))
		return;
	struct numa_group *grp = tsk->numa.numa_group, *my = t->numa.numa_group;
	if (!grp || grp == my)
		return;
	if (my->nr_tasks > grp->nr_tasks || (my->nr_tasks == grp->nr_tasks && my->gid > grp->gid))
		return;
	bool join = tsk->mm == t->mm || (flags & TNF_SHARED);
	*priv = !join;
	if (!join)
		return;
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		for (int p = 0; p < NR_NUMA_HINT_FAULT_TYPES; p++) {
			int64_t f = t->numa.faults[NUMA_MEM][n][p];
			my->faults[n][p] -= f;
			grp->faults[n][p] += f;
			my->total_faults -= f;
			grp->total_faults += f;
		}
	grp->nr_tasks++;
	t->numa.numa_group = grp;
	numa_group_put(my);
}

static void numa_group_count_active_nodes(struct sim *s, struct numa_group *ng)
{
	int64_t max_faults = 0;
	uint32_t active = 0;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		max_faults = MAX(max_faults, group_faults_cpu(ng, n));
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		active += group_faults_cpu(ng, n) * ACTIVE_NODE_FRACTION > max_faults;
	ng->max_faults_cpu = max_faults;
	ng->active_nodes = active;
}

/* ---- placement ---- */

/* numa_get_avg_runtime(): CPU time since the last placement, and wall time. */
static uint64_t numa_get_avg_runtime(struct sim *s, struct task *t, uint64_t *period)
{
	struct task_numa *nb = &t->numa;
	uint64_t now = s->cpus[t->cpu].now, runtime = t->sum_exec_runtime, delta;
	if (nb->last_task_numa_placement) {
		delta = runtime - nb->last_sum_exec_runtime;
		*period = now > nb->last_task_numa_placement ? now - nb->last_task_numa_placement : 0;
	} else {
		delta = LOAD_AVG_MAX;	/* APPROX: p->se.avg.load_sum of an always-busy task */
		*period = LOAD_AVG_MAX;
	}
	nb->last_sum_exec_runtime = runtime;
	nb->last_task_numa_placement = now;
	return delta;
}

/* The node with CPUs nearest to @nid (numa_nearest_node(nid, N_CPU)). */
static uint32_t nearest_cpu_node(const struct sim *s, uint32_t nid)
{
	for (uint32_t i = 0; i < s->zonelist_len; i++)
		if (s->m.node[s->zonelist[nid][i]].nr_cpus)
			return s->zonelist[nid][i];
	return nid;
}

void task_numa_placement(struct sim *s, struct cpu *cpu, struct task *t)
{
	(void)cpu;
	struct task_numa *nb = &t->numa;
	uint32_t seq = t->mm->numa.numa_scan_seq;
	if (nb->numa_scan_seq == seq)
		return;
	nb->numa_scan_seq = seq;
	nb->numa_scan_period_max = task_scan_max(s, t);
	uint64_t total_faults = nb->numa_faults_locality[0] + nb->numa_faults_locality[1];
	uint64_t period, runtime = numa_get_avg_runtime(s, t, &period);
	struct numa_group *ng = nb->numa_group;
	uint64_t fault_types[2] = { 0, 0 };
	int64_t max_faults = 0;
	int max_nid = NUMA_NO_NODE;
	for (uint32_t nid = 0; nid < s->m.nr_nodes; nid++) {
		int64_t faults = 0, gfaults = 0;
		for (int priv = 0; priv < NR_NUMA_HINT_FAULT_TYPES; priv++) {
			int64_t *mem = &nb->faults[NUMA_MEM][nid][priv];
			int64_t *membuf = &nb->faults[NUMA_MEMBUF][nid][priv];
			int64_t *cpuf = &nb->faults[NUMA_CPU][nid][priv];
			int64_t *cpubuf = &nb->faults[NUMA_CPUBUF][nid][priv];
			/* decay the window by half, add the faults since the last scan */
			int64_t diff = *membuf - *mem / 2;
			fault_types[priv] += (uint64_t)*membuf;
			*membuf = 0;
			/* weigh CPU-side faults by the share of time the task ran */
			int64_t f_weight = (int64_t)((runtime << 16) / (period + 1));
			f_weight = f_weight * *cpubuf / (int64_t)(total_faults + 1);
			int64_t f_diff = f_weight - *cpuf / 2;
			*cpubuf = 0;
			*mem += diff;
			*cpuf += f_diff;
			faults += *mem;
			nb->total_numa_faults += diff;
			if (ng) {
				ng->faults[nid][priv] += diff;
				ng->faults_cpu[nid][priv] += f_diff;
				ng->total_faults += diff;
				gfaults += ng->faults[nid][priv];
			}
		}
		int64_t score = ng ? gfaults : faults;
		if (score > max_faults) {
			max_faults = score;
			max_nid = (int)nid;
		}
	}
	if (ng)
		numa_group_count_active_nodes(s, ng);
	if (max_faults) {
		max_nid = (int)nearest_cpu_node(s, (uint32_t)max_nid);
		nb->numa_preferred_nid = max_nid;	/* sched_setnuma() */
	}
	update_task_scan_period(s, t, fault_types[0], fault_types[1]);
}

/* ---- moving tasks: task_numa_migrate ---- */

struct numa_stats {
	int64_t load;		/* runnable tasks (task_h_load = 1 each) */
	uint32_t nr_running;
	uint32_t capacity;	/* CPUs */
	int32_t idle_cpu;	/* an allowed idle CPU, or -1 */
	bool has_spare;
};

struct task_numa_env {
	struct task *p;
	uint32_t src_cpu, src_nid, dst_nid;
	struct numa_stats src_stats, dst_stats;
	int64_t best_imp;
	struct task *best_task;
	int32_t best_cpu;
	uint32_t imb_numa_nr;
};

static void update_numa_stats(struct sim *s, const struct task *p, struct numa_stats *ns,
			      uint32_t nid, bool find_idle)
{
	memset(ns, 0, sizeof(*ns));
	ns->idle_cpu = -1;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		const struct cpu *cpu = &s->cpus[c];
		if (cpu->node != nid)
			continue;
		ns->capacity++;
		ns->nr_running += cpu->nr_running;
		if (find_idle && ns->idle_cpu < 0 && !cpu->nr_running && !cpu->numa_migrate_on &&
		    cpumask_test(&p->cpus_allowed, c))
			ns->idle_cpu = (int32_t)c;
	}
	ns->load = ns->nr_running;
	ns->has_spare = ns->nr_running < ns->capacity;
}

/* load_too_imbalanced(): would this change make the two nodes' load,
 * corrected for capacity, more unequal? */
static bool load_too_imbalanced(int64_t src_load, int64_t dst_load, const struct task_numa_env *env)
{
	int64_t src_cap = env->src_stats.capacity, dst_cap = env->dst_stats.capacity;
	int64_t imb = dst_load * src_cap - src_load * dst_cap;
	int64_t old = env->dst_stats.load * src_cap - env->src_stats.load * dst_cap;
	return (imb < 0 ? -imb : imb) > (old < 0 ? -old : old);
}

static void task_numa_assign(struct task_numa_env *env, struct task *t, int64_t imp, uint32_t cpu)
{
	env->best_task = t;
	env->best_imp = imp;
	env->best_cpu = (int32_t)cpu;
}

/* task_numa_compare(): is moving to @dst_cpu, or swapping with its task, better? */
static void task_numa_compare(struct sim *s, struct task_numa_env *env, uint32_t dst_cpu,
			      int64_t taskimp, int64_t groupimp, bool maymove)
{
	struct task *p = env->p, *cur = s->cpus[dst_cpu].curr;
	const struct numa_group *p_ng = p->numa.numa_group;
	int64_t imp = p_ng ? groupimp : taskimp, moveimp = imp;
	if (s->cpus[dst_cpu].numa_migrate_on)
		return;
	if (cur && (cur == p || !cpumask_test(&cur->cpus_allowed, env->src_cpu) ||
		    cur->numa.pending_cpu != UINT32_MAX))
		return;
	if (!cur) {
		if (maymove && moveimp >= env->best_imp)
			task_numa_assign(env, NULL, moveimp, dst_cpu);
		return;
	}
	if (env->best_task && env->best_task->numa.numa_preferred_nid == (int)env->src_nid &&
	    cur->numa.numa_preferred_nid != (int)env->src_nid)
		return;
	const struct numa_group *cur_ng = cur->numa.numa_group;
	if (cur_ng == p_ng) {
		imp = taskimp + task_weight(cur, env->src_nid) - task_weight(cur, env->dst_nid);
		if (cur_ng)
			imp -= imp / 16;	/* hysteresis inside a group */
	} else if (cur_ng && p_ng) {
		imp += group_weight(cur, env->src_nid) - group_weight(cur, env->dst_nid);
	} else {
		imp += task_weight(cur, env->src_nid) - task_weight(cur, env->dst_nid);
	}
	if (cur->numa.numa_preferred_nid == (int)env->dst_nid)
		imp -= imp / 16;	/* discourage moving a task off its preferred node */
	if (cur->numa.numa_preferred_nid == (int)env->src_nid)
		imp += imp / 8;		/* encourage a swap that helps both */
	if (maymove && moveimp > imp && moveimp > env->best_imp) {
		task_numa_assign(env, NULL, moveimp, dst_cpu);
		return;
	}
	if (env->best_task && cur->numa.numa_preferred_nid == (int)env->src_nid &&
	    env->best_task->numa.numa_preferred_nid != (int)env->src_nid) {
		task_numa_assign(env, cur, imp, dst_cpu);
		return;
	}
	if (imp < SMALLIMP || imp <= env->best_imp + SMALLIMP / 2)
		return;
	task_numa_assign(env, cur, imp, dst_cpu);	/* a swap keeps both loads */
}

static void task_numa_find_cpu(struct sim *s, struct task_numa_env *env, int64_t taskimp,
			       int64_t groupimp)
{
	bool maymove = false;
	if (env->dst_stats.has_spare) {
		int64_t src_running = (int64_t)env->src_stats.nr_running - 1;
		int64_t dst_running = (int64_t)env->dst_stats.nr_running + 1;
		int64_t imbalance = MAX(0, dst_running - src_running);
		/* adjust_numa_imbalance(): a lightly loaded node may take a pair */
		if (dst_running <= (int64_t)env->imb_numa_nr && imbalance <= NUMA_IMBALANCE_MIN)
			imbalance = 0;
		if (!imbalance) {
			maymove = true;
			if (env->dst_stats.idle_cpu >= 0) {
				task_numa_assign(env, NULL, 0, (uint32_t)env->dst_stats.idle_cpu);
				return;
			}
		}
	} else {
		maymove = !load_too_imbalanced(env->src_stats.load - 1, env->dst_stats.load + 1, env);
	}
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (s->cpus[c].node == env->dst_nid && cpumask_test(&env->p->cpus_allowed, c))
			task_numa_compare(s, env, c, taskimp, groupimp, maymove);
}

static void task_numa_migrate(struct sim *s, struct task *p)
{
	struct task_numa_env env = {
		.p = p, .src_cpu = p->cpu, .src_nid = s->cpus[p->cpu].node,
		.dst_nid = (uint32_t)p->numa.numa_preferred_nid, .best_imp = 0, .best_cpu = -1,
		.imb_numa_nr = sched_numa_imb_nr(s, p->cpu),	/* sd_numa->imb_numa_nr */
	};
	int64_t taskweight = task_weight(p, env.src_nid), groupweight = group_weight(p, env.src_nid);
	update_numa_stats(s, p, &env.src_stats, env.src_nid, false);
	int64_t taskimp = task_weight(p, env.dst_nid) - taskweight;
	int64_t groupimp = group_weight(p, env.dst_nid) - groupweight;
	update_numa_stats(s, p, &env.dst_stats, env.dst_nid, true);
	task_numa_find_cpu(s, &env, taskimp, groupimp);

	/* no room on the preferred node, or a group spread over nodes: look wider */
	struct numa_group *ng = p->numa.numa_group;
	if (env.best_cpu < 0 || (ng && ng->active_nodes > 1)) {
		for (uint32_t nid = 0; nid < s->m.nr_nodes; nid++) {
			if (nid == env.src_nid || (int)nid == p->numa.numa_preferred_nid ||
			    !s->m.node[nid].nr_cpus)
				continue;
			taskimp = task_weight(p, nid) - taskweight;
			groupimp = group_weight(p, nid) - groupweight;
			if (taskimp < 0 && groupimp < 0)
				continue;
			env.dst_nid = nid;
			update_numa_stats(s, p, &env.dst_stats, nid, true);
			task_numa_find_cpu(s, &env, taskimp, groupimp);
		}
	}
	if (ng) {	/* let a spread group settle where it is going */
		uint32_t nid = env.best_cpu < 0 ? env.src_nid : s->cpus[env.best_cpu].node;
		p->numa.numa_preferred_nid = (int)nid;
	}
	if (env.best_cpu < 0)
		return;		/* sched_stick_numa */
	p->numa.pending_cpu = (uint32_t)env.best_cpu;
	p->numa.pending_swap = env.best_task;
	s->cpus[env.best_cpu].numa_migrate_on = true;
}

static void numa_migrate_preferred(struct sim *s, struct task *t)
{
	struct task_numa *nb = &t->numa;
	if (nb->numa_preferred_nid == NUMA_NO_NODE || !nb->has_faults)
		return;
	uint64_t interval = MIN(NSEC_PER_SEC, nb->numa_scan_period * NSEC_PER_MSEC / 16);
	nb->numa_migrate_retry = s->cpus[t->cpu].now + interval;
	if ((int)s->cpus[t->cpu].node == nb->numa_preferred_nid || nb->pending_cpu != UINT32_MAX)
		return;
	task_numa_migrate(s, t);
}

void numa_apply_pending_move(struct sim *s, struct cpu *cpu)
{
	struct task *t = cpu->curr;
	if (!t || t->numa.pending_cpu == UINT32_MAX)
		return;
	struct cpu *dst = &s->cpus[t->numa.pending_cpu];
	struct task *other = t->numa.pending_swap;
	t->numa.pending_cpu = UINT32_MAX;
	t->numa.pending_swap = NULL;
	dst->numa_migrate_on = false;
	if (other) {
		if (dst->curr != other || !sched_swap_tasks(s, t, other))
			return;		/* the other task moved meanwhile: give up */
		t->numa.nr_numa_swaps++;
		other->numa.nr_numa_swaps++;
		return;
	}
	if (dst->nr_running || !cpumask_test(&t->cpus_allowed, dst->id))
		return;		/* no longer idle */
	sched_migrate_curr(s, cpu, dst);
	t->numa.nr_numa_migrations++;
}

/*
 * update_scan_period(): a task moving to another node restarts its scan
 * period, unless it has scanned before and moves onto its preferred node or
 * was already away from it.
 */
void update_scan_period(struct sim *s, struct task *t, uint32_t new_cpu)
{
	struct task_numa *nb = &t->numa;
	uint32_t src_nid = s->cpus[t->cpu].node, dst_nid = s->cpus[new_cpu].node;
	if (!numa_balancing_enabled(s) || !nb->has_faults || src_nid == dst_nid)
		return;
	if (nb->numa_scan_seq && (nb->numa_preferred_nid == (int)dst_nid ||
				  (nb->numa_preferred_nid != NUMA_NO_NODE &&
				   nb->numa_preferred_nid != (int)src_nid)))
		return;
	nb->numa_scan_period = task_scan_start(s, t);
}

/* ---- fault accounting ---- */

void task_numa_fault(struct sim *s, struct cpu *cpu, struct task *t, uint32_t last_cpupid,
		     int mem_node, uint64_t pages, int flags)
{
	if (!numa_balancing_enabled(s) || mem_node == NUMA_NO_NODE)
		return;
	struct task_numa *nb = &t->numa;
	const uint32_t cpu_node = cpu->node;
	int local = (flags & TNF_FAULT_LOCAL) != 0;
	/* slow-tier faults feed no statistics in tiering mode */
	if (!node_is_toptier(s, (uint32_t)mem_node) &&
	    ((s->tun.v[T_NUMA_BALANCING] & NUMA_BALANCING_MEMORY_TIERING) || !cpupid_valid(last_cpupid)))
		return;
	nb->has_faults = true;
	int priv;
	if (last_cpupid == CPUPID_UNSET) {
		priv = 1;	/* first accesses are private */
	} else {
		priv = cpupid_to_pid(last_cpupid) == (t->pid & LAST__PID_MASK);
		if (!priv && !(flags & TNF_NO_GROUP))
			task_numa_group(s, t, last_cpupid, flags, &priv);
	}
	/* a shared fault inside a spread group's active nodes counts as local */
	const struct numa_group *ng = nb->numa_group;
	if (!priv && !local && ng && ng->active_nodes > 1 && numa_is_active_node(cpu_node, ng) &&
	    numa_is_active_node((uint32_t)mem_node, ng))
		local = 1;
	if (cpu->now > nb->numa_migrate_retry) {
		task_numa_placement(s, cpu, t);
		numa_migrate_preferred(s, t);
	}
	if (flags & TNF_MIGRATED)
		nb->numa_pages_migrated += pages;
	if (flags & TNF_MIGRATE_FAIL)
		nb->numa_faults_locality[2] += pages;
	nb->faults[NUMA_MEMBUF][mem_node][priv] += (int64_t)pages;
	nb->faults[NUMA_CPUBUF][cpu_node][priv] += (int64_t)pages;
	nb->numa_faults_locality[local] += pages;
}

/* ---- the mainline placement policy (numa/policy.h) ---- */
