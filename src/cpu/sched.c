// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/sched.c - where tasks run.
 * Models:     linux kernel/sched/fair.c select_task_rq_fair() with WF_FORK for
 *             fork and clone: sched_balance_find_dst_cpu() down the
 *             SD_BALANCE_FORK domains, sched_balance_find_dst_group() with
 *             update_sg_wakeup_stats(), group_classify(), update_pick_idlest()
 *             and the NUMA allowance (numa_preferred_nid, adjust_numa_imbalance
 *             with imb_numa_nr), sched_balance_find_dst_group_cpu(),
 *             select_fallback_rq(); for wakeups, the previous CPU if idle,
 *             else an idle core or CPU of its node; newidle balancing (an idle
 *             CPU pulls a queued task, nearest first) and periodic balancing
 *             at the tick (a queued task pushed to the nearest idle CPU).
 * SIMPLIFIED: see sched.h and docs/scheduler.md.
 */
#include <string.h>

#include "cpu/tlbflush.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"
#include "sim.h"

/* ---- the run heap: CPUs with work, by (clock, id) ---- */

static bool entry_before(const struct cpu_heap_entry *a, const struct cpu_heap_entry *b)
{
	return a->now != b->now ? a->now < b->now : a->id < b->id;
}

static void heap_set(struct sim *s, uint32_t i, struct cpu_heap_entry e)
{
	s->heap.e[i] = e;
	s->cpus[e.id].heap_idx = i;
}

/* Move the entry at @i to its place; the other entries keep heap order. */
static void heap_sift(struct sim *s, uint32_t i)
{
	struct cpu_heap_entry *h = s->heap.e;
	struct cpu_heap_entry x = h[i];
	while (i > 0 && entry_before(&x, &h[(i - 1) / 2])) {
		heap_set(s, i, h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = l;
		if (l >= s->heap.nr)
			break;
		if (r < s->heap.nr && entry_before(&h[r], &h[l]))
			m = r;
		if (!entry_before(&h[m], &x))
			break;
		heap_set(s, i, h[m]);
		i = m;
	}
	heap_set(s, i, x);
}

void cpu_heap_update(struct sim *s, struct cpu *cpu)
{
	bool want = cpu->nr_running > 0;
	struct cpu_heap_entry e = { cpu->now, cpu->id };
	if (cpu->heap_idx == UINT32_MAX) {
		if (!want)
			return;
		uint32_t i = s->heap.nr++;
		heap_set(s, i, e);
		heap_sift(s, i);
		return;
	}
	uint32_t i = cpu->heap_idx;
	if (!want) {
		cpu->heap_idx = UINT32_MAX;
		struct cpu_heap_entry last = s->heap.e[--s->heap.nr];
		if (i < s->heap.nr) {
			heap_set(s, i, last);
			heap_sift(s, i);
		}
		return;
	}
	s->heap.e[i].now = cpu->now;
	heap_sift(s, i);
}

/* ---- runqueues ---- */

static void set_curr(struct sim *s, struct cpu *cpu, struct task *t)
{
	cpu->curr = t;
	t->cpu = cpu->id;
	cpu->slice_end_ns = cpu->now + s->tun.v[T_TIMESLICE_US] * NSEC_PER_USEC;
	switch_mm_irqs_off(s, cpu, t->mm);
}

static void enqueue_task(struct sim *s, struct task *t, struct cpu *cpu, uint64_t now)
{
	if (t->state != TASK_NEW)
		s->policy->task_move(s, t, cpu->id);	/* mainline: update_scan_period() */
	t->state = TASK_RUNNING;
	t->rq_next = NULL;
	t->cpu = cpu->id;
	cpu->nr_running++;
	if (!cpu->curr) {
		if (cpu->now < now)
			cpu->now = now;	/* an idle CPU's clock catches up when work arrives */
		uint64_t tick = s->tun.v[T_TICK_US] * NSEC_PER_USEC;
		if (cpu->next_tick_ns <= cpu->now)
			cpu->next_tick_ns = (cpu->now / tick + 1) * tick;
		set_curr(s, cpu, t);
	} else if (cpu->rq_tail) {
		cpu->rq_tail->rq_next = t;
		cpu->rq_tail = t;
	} else {
		cpu->rq_head = cpu->rq_tail = t;
	}
	cpu_heap_update(s, cpu);
}

static struct task *rq_pop(struct cpu *cpu)
{
	struct task *t = cpu->rq_head;
	if (t) {
		cpu->rq_head = t->rq_next;
		if (!cpu->rq_head)
			cpu->rq_tail = NULL;
		t->rq_next = NULL;
	}
	return t;
}

/* ---- placement ---- */

static bool task_allowed(const struct task *t, uint32_t cpu)
{
	return cpumask_test(&t->cpus_allowed, cpu);
}

static bool cpu_idle(const struct sim *s, uint32_t c)
{
	return s->cpus[c].nr_running == 0;
}

static bool core_idle(const struct sim *s, uint32_t c)
{
	uint32_t sib = s->cpus[c].sibling;
	return cpu_idle(s, c) && (sib == UINT32_MAX || cpu_idle(s, sib));
}

static uint32_t node_load(const struct sim *s, uint32_t nid)
{
	uint32_t load = 0;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (s->cpus[c].node == nid)
			load += s->cpus[c].nr_running;
	return load;
}

static bool node_allowed(const struct sim *s, const struct task *t, uint32_t nid)
{
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (s->cpus[c].node == nid && task_allowed(t, c))
			return true;
	return false;
}

/* The least loaded allowed node relative to its CPU count; ties keep @prefer. */
static uint32_t find_idlest_node(const struct sim *s, const struct task *t, uint32_t prefer)
{
	uint32_t best = UINT32_MAX;
	uint64_t best_load = 0, best_cap = 1;
	if (node_allowed(s, t, prefer)) {
		best = prefer;
		best_load = node_load(s, prefer);
		best_cap = s->m.node[prefer].nr_cpus;
	}
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		uint64_t cap = s->m.node[n].nr_cpus;
		if (!cap || n == prefer || !node_allowed(s, t, n))
			continue;
		uint64_t load = node_load(s, n);
		if (best == UINT32_MAX || load * best_cap < best_load * cap) {
			best = n;
			best_load = load;
			best_cap = cap;
		}
	}
	return best;
}

/* Allowed CPUs of @nid: an idle core, else an idle CPU, else the least loaded. */
static uint32_t find_idlest_cpu(const struct sim *s, const struct task *t, uint32_t nid,
				uint32_t prefer)
{
	uint32_t idle_cpu = UINT32_MAX, least = UINT32_MAX;
	if (prefer != UINT32_MAX && !task_allowed(t, prefer))
		prefer = UINT32_MAX;
	if (prefer != UINT32_MAX && core_idle(s, prefer))
		return prefer;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		if (s->cpus[c].node != nid || !task_allowed(t, c))
			continue;
		if (core_idle(s, c))
			return c;
		if (idle_cpu == UINT32_MAX && cpu_idle(s, c))
			idle_cpu = c;
		if (least == UINT32_MAX || s->cpus[c].nr_running < s->cpus[least].nr_running)
			least = c;
	}
	if (prefer != UINT32_MAX && cpu_idle(s, prefer))
		return prefer;
	return idle_cpu != UINT32_MAX ? idle_cpu : least;
}

/* ---- fork placement: select_task_rq_fair() with WF_FORK ---- */

/*
 * APPROX: no PELT. A CPU's load and runnable sum are NICE_0_LOAD (1024) per
 * runnable task, its utilisation is full capacity (1024) while it has a task
 * and 0 when idle: the values CPU-bound tasks converge to. A new task counts
 * as fully busy at once, where Linux starts it at part of its CPU's spare
 * utilisation (post_init_entity_util_avg).
 */
#define SCHED_CAPACITY_SCALE 1024u
#define NICE_0_LOAD_DOWN 1024u		/* scale_load_down(NICE_0_LOAD) */
#define NUMA_IMBALANCE_MIN 2

/* The group types the fork path can meet (misfit, asym packing, imbalanced,
 * SMT and LLC balance need capacity asymmetry or the load balancer's state). */
enum group_type { group_has_spare, group_fully_busy, group_overloaded };

/* struct sg_lb_stats, as update_sg_wakeup_stats() fills it */
struct sg_wakeup_stats {
	uint64_t avg_load, group_load, group_util, group_runnable, group_capacity;
	uint32_t sum_nr_running, idle_cpus, group_weight;
	enum group_type group_type;
};

static bool group_has_capacity(uint32_t imbalance_pct, const struct sg_wakeup_stats *sgs)
{
	if (sgs->sum_nr_running < sgs->group_weight)
		return true;
	if (sgs->group_capacity * imbalance_pct < sgs->group_runnable * 100)
		return false;
	return sgs->group_capacity * 100 > sgs->group_util * imbalance_pct;
}

static bool group_is_overloaded(uint32_t imbalance_pct, const struct sg_wakeup_stats *sgs)
{
	if (sgs->sum_nr_running <= sgs->group_weight)
		return false;
	return sgs->group_capacity * 100 < sgs->group_util * imbalance_pct ||
	       sgs->group_capacity * imbalance_pct < sgs->group_runnable * 100;
}

static enum group_type group_classify(uint32_t imbalance_pct, const struct sg_wakeup_stats *sgs)
{
	if (group_is_overloaded(imbalance_pct, sgs))
		return group_overloaded;
	if (!group_has_capacity(imbalance_pct, sgs))
		return group_fully_busy;
	return group_has_spare;
}

/* What one pass over a group's CPUs collects for update_sg_wakeup_stats(). */
struct sg_sums {
	uint32_t rep;		/* the first CPU met in the group: names it */
	uint32_t weight;	/* its CPUs */
	uint32_t allowed;	/* ... that @p may use */
	uint32_t idle;		/* ... of those, idle */
	uint32_t sum_nr_running;	/* runnable tasks on the allowed ones */
};

static void sg_add_cpu(const struct sim *s, const struct task *p, uint32_t i, struct sg_sums *g)
{
	g->weight++;
	if (!task_allowed(p, i))
		return;
	uint32_t nr_running = s->cpus[i].nr_running;
	g->allowed++;
	g->sum_nr_running += nr_running;
	g->idle += !nr_running;
}

/*
 * update_sg_wakeup_stats(): a group's statistics over the CPUs @p may use;
 * weight and capacity are the whole group's, as in Linux. A new task runs
 * nowhere yet (task_running_on_cpu() is 0), and a CPU without tasks is idle
 * (idle_cpu_without()).
 */
static void update_sg_wakeup_stats(const struct sched_domain *sd, const struct sg_sums *g,
				   struct sg_wakeup_stats *sgs)
{
	memset(sgs, 0, sizeof(*sgs));
	sgs->group_load = (uint64_t)NICE_0_LOAD_DOWN * g->sum_nr_running;
	sgs->group_util = (uint64_t)SCHED_CAPACITY_SCALE * (g->allowed - g->idle);
	sgs->group_runnable = (uint64_t)SCHED_CAPACITY_SCALE * g->sum_nr_running;
	sgs->sum_nr_running = g->sum_nr_running;
	sgs->idle_cpus = g->idle;
	sgs->group_weight = g->weight;
	sgs->group_capacity = (uint64_t)SCHED_CAPACITY_SCALE * g->weight;
	sgs->group_type = group_classify(sd->imbalance_pct, sgs);
	if (sgs->group_type != group_has_spare)
		sgs->avg_load = sgs->group_load * SCHED_CAPACITY_SCALE / sgs->group_capacity;
}

/*
 * The groups of @sd as Linux links them for this_cpu (build_sched_groups):
 * from this_cpu's group on, each the group of the next CPU of the span not
 * yet covered, in CPU order with wrap-around. Fill @g in that order; return
 * how many. Groups that partition the span (all but those of upper NUMA
 * levels, which may overlap) take one pass over the span.
 */
static uint32_t collect_groups(const struct sim *s, const struct sched_domain *sd,
			       const struct task *p, uint32_t this_cpu, struct sg_sums *g)
{
	const uint32_t n = s->m.nr_cpus;
	uint32_t nr = 0;

	if (sd_span_key(s, sd->groups, this_cpu) >= 0) {
		uint16_t slot[MAX_CPUS];
		memset(slot, 0xff, sizeof(slot));
		for (uint32_t k = 0; k < n; k++) {
			uint32_t i = (this_cpu + k) % n;
			if (!sd_span_test(s, sd->span, this_cpu, i))
				continue;
			uint32_t key = (uint32_t)sd_span_key(s, sd->groups, i);
			if (slot[key] == UINT16_MAX) {
				slot[key] = (uint16_t)nr;
				g[nr++] = (struct sg_sums){ .rep = i };
			}
			sg_add_cpu(s, p, i, &g[slot[key]]);
		}
		return nr;
	}
	cpumask_t covered = { { 0 } };
	for (uint32_t k = 0; k < n; k++) {
		uint32_t rep = (this_cpu + k) % n;
		if (cpumask_test(&covered, rep) || !sd_span_test(s, sd->span, this_cpu, rep))
			continue;
		g[nr] = (struct sg_sums){ .rep = rep };
		for (uint32_t i = 0; i < n; i++)
			if (sd_span_test(s, sd->groups, rep, i)) {
				cpumask_set(&covered, i);
				sg_add_cpu(s, p, i, &g[nr]);
			}
		nr++;
	}
	return nr;
}

/* update_pick_idlest(): is @sgs a better target than the idlest so far? */
static bool update_pick_idlest(const struct sg_wakeup_stats *idlest, const struct sg_wakeup_stats *sgs)
{
	if (sgs->group_type != idlest->group_type)
		return sgs->group_type < idlest->group_type;
	if (sgs->group_type != group_has_spare)	/* lowest avg_load */
		return idlest->avg_load > sgs->avg_load;
	/* most idle CPUs, then lowest utilisation */
	if (idlest->idle_cpus != sgs->idle_cpus)
		return sgs->idle_cpus > idlest->idle_cpus;
	return idlest->group_util > sgs->group_util;
}

/* adjust_numa_imbalance(): a lightly loaded destination may stay a little
 * imbalanced (a pair of communicating tasks keeps its locality). */
static uint32_t adjust_numa_imbalance(uint32_t imbalance, uint32_t dst_running, uint32_t imb_numa_nr)
{
	if (dst_running > imb_numa_nr)
		return imbalance;
	return imbalance <= NUMA_IMBALANCE_MIN ? 0 : imbalance;
}

static uint32_t first_in_span(const struct sim *s, struct sd_span sp, uint32_t rep)
{
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		if (sd_span_test(s, sp, rep, i))
			return i;
	return rep;
}

/*
 * The group_has_spare case of sched_balance_find_dst_group() between NUMA
 * groups: the task's preferred node first, then stay local while the
 * imbalance in idle CPUs is within what imb_numa_nr allows. Return true to
 * stay in the local group.
 */
static bool numa_spare_stay_local(const struct sim *s, const struct sched_domain *sd,
				  const struct task *p, uint32_t this_cpu, uint32_t idlest,
				  const struct sg_wakeup_stats *local, const struct sg_wakeup_stats *idl,
				  bool *to_idlest)
{
	int pref = p->numa.numa_preferred_nid;
	if (pref != NUMA_NO_NODE && (int)s->cpus[this_cpu].node == pref)
		return true;
	if (pref != NUMA_NO_NODE && (int)s->cpus[first_in_span(s, sd->groups, idlest)].node == pref) {
		*to_idlest = true;
		return false;
	}
	/* the allowance shrinks to the CPUs @p may use locally; Linux tests
	 * nr_cpus_allowed != NR_CPUS, which holds below the build's CPU limit */
	uint32_t w = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		w += sd_span_test(s, sd->groups, this_cpu, i) && task_allowed(p, i);
	uint32_t imb_numa_nr = MIN(w, (uint32_t)sd->imb_numa_nr);
	uint32_t imbalance = local->idle_cpus > idl->idle_cpus ? local->idle_cpus - idl->idle_cpus
							       : idl->idle_cpus - local->idle_cpus;
	return adjust_numa_imbalance(imbalance, local->sum_nr_running + 1, imb_numa_nr) == 0;
}

/* The end of sched_balance_find_dst_group(): push to @idlest or stay local? */
static bool dst_group_beats_local(const struct sim *s, const struct sched_domain *sd,
				  const struct task *p, uint32_t this_cpu, uint32_t idlest,
				  const struct sg_wakeup_stats *local, const struct sg_wakeup_stats *idl)
{
	if (local->group_type != idl->group_type)
		return local->group_type > idl->group_type;
	if (local->group_type != group_has_spare) {
		/* allowed imbalance in load; across nodes it favours staying local */
		uint64_t imbalance = NICE_0_LOAD_DOWN * (sd->imbalance_pct - 100u) / 100u;
		if ((sd->flags & SD_NUMA) && idl->avg_load + imbalance >= local->avg_load)
			return false;
		if (idl->avg_load >= local->avg_load + imbalance)
			return false;
		return 100 * local->avg_load > sd->imbalance_pct * idl->avg_load;
	}
	if (sd->flags & SD_NUMA) {
		bool to_idlest = false;
		if (numa_spare_stay_local(s, sd, p, this_cpu, idlest, local, idl, &to_idlest))
			return false;
		if (to_idlest)
			return true;
	}
	/* the group with the most idle CPUs */
	return local->idle_cpus < idl->idle_cpus;
}

/*
 * sched_balance_find_dst_group() (formerly find_idlest_group): the least busy
 * group of @sd for @p, or UINT32_MAX to stay in this_cpu's group. Groups are
 * visited from this_cpu's on, in CPU order with wrap-around, as Linux links
 * them; a group is named by the first CPU met in it.
 */
static uint32_t sched_balance_find_dst_group(const struct sim *s, const struct sched_domain *sd,
					     const struct task *p, uint32_t this_cpu)
{
	struct sg_wakeup_stats local = { 0 }, tmp, idl = { .avg_load = UINT32_MAX,
							  .group_type = group_overloaded };
	struct sg_sums groups[MAX_CPUS];
	uint32_t idlest = UINT32_MAX, nr = collect_groups(s, sd, p, this_cpu, groups);
	bool have_local = false;

	for (uint32_t k = 0; k < nr; k++) {
		if (!groups[k].allowed)
			continue;	/* no CPU of this group is allowed */
		bool local_group = sd_span_test(s, sd->groups, groups[k].rep, this_cpu);
		update_sg_wakeup_stats(sd, &groups[k], local_group ? &local : &tmp);
		have_local |= local_group;
		if (!local_group && update_pick_idlest(&idl, &tmp)) {
			idlest = groups[k].rep;
			idl = tmp;
		}
	}
	if (idlest == UINT32_MAX || !have_local)
		return idlest;	/* nowhere to push, or the local group is not allowed */
	return dst_group_beats_local(s, sd, p, this_cpu, idlest, &local, &idl) ? idlest : UINT32_MAX;
}

/*
 * sched_balance_find_dst_group_cpu() (formerly find_idlest_group_cpu): an idle
 * CPU of the group, else the least loaded (ties: the first, in CPU order).
 * APPROX: no cpuidle states; among idle CPUs the most recently idled wins, as
 * the shallowest state (smallest exit latency) or the latest idle_stamp does.
 */
static uint32_t sched_balance_find_dst_group_cpu(const struct sim *s, struct sd_span groups,
						 uint32_t rep, const struct task *p, uint32_t this_cpu)
{
	uint32_t least_loaded = this_cpu, shallowest = UINT32_MAX, weight = 0, first = UINT32_MAX;
	uint64_t min_load = UINT64_MAX;

	for (uint32_t i = 0; i < s->m.nr_cpus; i++) {
		if (!sd_span_test(s, groups, rep, i))
			continue;
		weight++;
		first = MIN(first, i);
		if (!task_allowed(p, i))
			continue;
		const struct cpu *c = &s->cpus[i];
		if (!c->nr_running) {
			if (shallowest == UINT32_MAX || c->idle_stamp > s->cpus[shallowest].idle_stamp)
				shallowest = i;
		} else if (shallowest == UINT32_MAX &&
			   (uint64_t)NICE_0_LOAD_DOWN * c->nr_running < min_load) {
			min_load = (uint64_t)NICE_0_LOAD_DOWN * c->nr_running;
			least_loaded = i;
		}
	}
	if (weight == 1)
		return first;	/* no choice */
	return shallowest != UINT32_MAX ? shallowest : least_loaded;
}

/* Does @sd's span hold a CPU @p may use? */
static bool span_allowed(const struct sim *s, const struct sched_domain *sd, uint32_t cpu,
			 const struct task *p)
{
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		if (task_allowed(p, i) && sd_span_test(s, sd->span, cpu, i))
			return true;
	return false;
}

/*
 * sched_balance_find_dst_cpu() (formerly find_idlest_cpu): from the highest
 * SD_BALANCE_FORK domain @level of @cpu down, pick the idlest group and its
 * idlest CPU; moving to a CPU restarts from that CPU's highest balancing
 * domain below the span just searched.
 */
static uint32_t sched_balance_find_dst_cpu(const struct sim *s, const struct task *p,
					   uint32_t cpu, uint32_t prev_cpu, int level)
{
	uint32_t new_cpu = cpu;

	if (!span_allowed(s, &s->cpus[cpu].sd[level], cpu, p))
		return prev_cpu;
	while (level >= 0) {
		const struct sched_domain *sd = &s->cpus[cpu].sd[level];
		if (!(sd->flags & SD_BALANCE_FORK)) {
			level--;
			continue;
		}
		uint32_t group = sched_balance_find_dst_group(s, sd, p, cpu);
		if (group == UINT32_MAX) {
			level--;
			continue;
		}
		new_cpu = sched_balance_find_dst_group_cpu(s, sd->groups, group, p, cpu);
		if (new_cpu == cpu) {
			level--;	/* try a lower domain of the same CPU */
			continue;
		}
		uint32_t weight = sd->span_weight;
		cpu = new_cpu;
		level = -1;
		for (uint32_t l = 0; l < s->cpus[cpu].nr_sd; l++) {
			if (weight <= s->cpus[cpu].sd[l].span_weight)
				break;
			if (s->cpus[cpu].sd[l].flags & SD_BALANCE_FORK)
				level = (int)l;
		}
	}
	return new_cpu;
}

static uint32_t nr_cpus_allowed(const struct sim *s, const struct task *p)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		n += task_allowed(p, i);
	return n;
}

/* select_fallback_rq(): an allowed CPU on @cpu's node, else any allowed CPU. */
static uint32_t select_fallback_rq(const struct sim *s, const struct task *p, uint32_t cpu)
{
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		if (s->cpus[i].node == s->cpus[cpu].node && task_allowed(p, i))
			return i;
	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		if (task_allowed(p, i))
			return i;
	return cpu;
}

/*
 * select_task_rq() for wake_up_new_task(): both fork() and a thread's clone()
 * come here with WF_FORK, from the parent's CPU, which is also the new task's
 * task_cpu() (sched_fork). The domains searched are the lowest run of
 * SD_BALANCE_FORK ones: want_affine is 0 for a fork, so the walk up stops at
 * the first domain without the flag.
 */
uint32_t select_task_rq_fork(const struct sim *s, const struct task *p, uint32_t this_cpu)
{
	const struct cpu *c = &s->cpus[this_cpu];
	uint32_t new_cpu = this_cpu;
	int sd = -1;

	if (nr_cpus_allowed(s, p) <= 1) {
		new_cpu = select_fallback_rq(s, p, this_cpu);	/* cpumask_any() */
	} else {
		for (uint32_t l = 0; l < c->nr_sd && (c->sd[l].flags & SD_BALANCE_FORK); l++)
			sd = (int)l;
		if (sd >= 0)
			new_cpu = sched_balance_find_dst_cpu(s, p, this_cpu, this_cpu, sd);
	}
	if (!task_allowed(p, new_cpu))
		new_cpu = select_fallback_rq(s, p, this_cpu);
	return new_cpu;
}

void wake_up_new_task(struct sim *s, struct task *t, uint32_t parent_cpu, uint64_t now)
{
	enqueue_task(s, t, &s->cpus[select_task_rq_fork(s, t, parent_cpu)], now);
}

/* select_task_rq_fair for a wakeup: the previous CPU if idle, else
 * select_idle_sibling around it, else anywhere allowed. */
static uint32_t select_wake_cpu(const struct sim *s, const struct task *t)
{
	uint32_t prev = t->cpu;
	if (task_allowed(t, prev) && cpu_idle(s, prev))
		return prev;
	uint32_t nid = s->cpus[prev].node;
	if (!node_allowed(s, t, nid))
		nid = find_idlest_node(s, t, nid);
	return find_idlest_cpu(s, t, nid, prev);
}

void try_to_wake_up(struct sim *s, struct task *t, uint64_t now)
{
	enqueue_task(s, t, &s->cpus[select_wake_cpu(s, t)], now);
}

void set_cpus_allowed(struct sim *s, struct cpu *cpu, struct task *t, const cpumask_t *mask)
{
	VM_BUG_ON(cpu->curr != t);
	t->cpus_allowed = *mask;
	if (task_allowed(t, cpu->id))
		return;
	uint64_t now = cpu->now;
	cpu->curr = NULL;
	cpu->nr_running--;
	t->nr_migrations++;
	enqueue_task(s, t, &s->cpus[select_wake_cpu(s, t)], now);
	sched_pick_next(s, cpu);
	cpu_heap_update(s, cpu);
}

void sched_move_task(struct sim *s, struct task *t, struct cpu *dst)
{
	struct cpu *src = &s->cpus[t->cpu];
	struct task **pp = &src->rq_head, *prev = NULL;
	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->rq_next;
	}
	VM_BUG_ON(!*pp);
	*pp = t->rq_next;
	if (src->rq_tail == t)
		src->rq_tail = prev;
	src->nr_running--;
	cpu_heap_update(s, src);
	t->nr_migrations++;	/* counted here: wakeups onto another CPU are not moves of a queued task */
	enqueue_task(s, t, dst, dst->curr ? dst->now : MAX(dst->now, src->now));
}

/* The first task queued on @src that may run on @dst (can_migrate_task). */
static struct task *first_movable(struct cpu *src, uint32_t dst)
{
	for (struct task *t = src->rq_head; t; t = t->rq_next)
		if (task_allowed(t, dst))
			return t;
	return NULL;
}

/* Nearest CPU (sibling, same node, other nodes) with a task that may move here. */
static struct cpu *find_busiest_queue(struct sim *s, struct cpu *cpu)
{
	struct cpu *best = NULL;
	uint32_t best_dist = UINT32_MAX;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		struct cpu *o = &s->cpus[c];
		if (!o->rq_head || o == cpu || !first_movable(o, cpu->id))
			continue;
		uint32_t dist = o->core == cpu->core ? 0 : o->node == cpu->node ? 1 : 2;
		if (dist < best_dist || (dist == best_dist && o->nr_running > best->nr_running)) {
			best = o;
			best_dist = dist;
		}
	}
	return best;
}

void sched_pick_next(struct sim *s, struct cpu *cpu)
{
	VM_BUG_ON(cpu->curr);
	struct task *t = rq_pop(cpu);
	if (t) {
		set_curr(s, cpu, t);
		return;
	}
	/* newidle balance: pull one queued task from the nearest busy CPU */
	struct cpu *src = find_busiest_queue(s, cpu);
	if (src)
		sched_move_task(s, first_movable(src, cpu->id), cpu);
	if (!cpu->curr) {
		cpu->tlb_lazy = true;	/* enter_lazy_tlb(): idle keeps the last mm loaded */
		cpu->idle_stamp = cpu->now;	/* sched_balance_newidle() found nothing */
	}
}

void sched_dequeue_curr(struct sim *s, struct cpu *cpu)
{
	VM_BUG_ON(!cpu->curr);
	cpu->curr = NULL;
	cpu->nr_running--;
	sched_pick_next(s, cpu);
	cpu_heap_update(s, cpu);
}

/* Push a queued task to an idle CPU, nearest first (periodic balancing). */
static void push_to_idle(struct sim *s, struct cpu *cpu)
{
	uint32_t best = UINT32_MAX, best_dist = UINT32_MAX;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		if (!cpu_idle(s, c) || !first_movable(cpu, c))
			continue;
		const struct cpu *o = &s->cpus[c];
		uint32_t dist = o->core == cpu->core ? 0 : o->node == cpu->node ? 1 : 2;
		if (dist < best_dist) {
			best = c;
			best_dist = dist;
		}
	}
	if (best != UINT32_MAX)
		sched_move_task(s, first_movable(cpu, best), &s->cpus[best]);
}

void scheduler_tick(struct sim *s, struct cpu *cpu)
{
	if (cpu->curr)	/* mainline: task_tick_numa() */
		s->policy->tick(s, cpu, cpu->curr);
	if (!cpu->rq_head)
		return;
	push_to_idle(s, cpu);
	if (!cpu->rq_head || cpu->now < cpu->slice_end_ns)
		return;
	/* timeslice over: round robin */
	struct task *t = cpu->curr;
	cpu->rq_tail->rq_next = t;
	cpu->rq_tail = t;
	t->rq_next = NULL;
	set_curr(s, cpu, rq_pop(cpu));
}

void sched_migrate_curr(struct sim *s, struct cpu *src, struct cpu *dst)
{
	struct task *t = src->curr;
	VM_BUG_ON(!t);
	uint64_t now = src->now;
	src->curr = NULL;
	src->nr_running--;
	t->nr_migrations++;
	enqueue_task(s, t, dst, now);
	sched_pick_next(s, src);
	cpu_heap_update(s, src);
}

/* Put @t where @slot_of points (as curr or in a queue) on @cpu. */
static void replace_task(struct sim *s, struct cpu *cpu, struct task *old, struct task *t)
{
	if (cpu->curr == old) {
		set_curr(s, cpu, t);
	} else {
		struct task *prev = NULL;
		for (struct task *q = cpu->rq_head; q; prev = q, q = q->rq_next)
			if (q == old)
				break;
		t->rq_next = old->rq_next;
		if (prev)
			prev->rq_next = t;
		else
			cpu->rq_head = t;
		if (cpu->rq_tail == old)
			cpu->rq_tail = t;
	}
	t->cpu = cpu->id;
	t->nr_migrations++;
}

bool sched_swap_tasks(struct sim *s, struct task *a, struct task *b)
{
	struct cpu *ca = &s->cpus[a->cpu], *cb = &s->cpus[b->cpu];
	if (a == b || ca == cb || b->state != TASK_RUNNING || !task_allowed(a, cb->id) ||
	    !task_allowed(b, ca->id))
		return false;
	s->policy->task_move(s, a, cb->id);
	s->policy->task_move(s, b, ca->id);
	replace_task(s, ca, a, b);
	replace_task(s, cb, b, a);
	return true;
}

/*
 * The CPU a kernel thread woken at @now runs on: an idle CPU (of node @nid
 * if @nid >= 0: knuma_migratedN is bound to its node), the one free
 * soonest; with none idle, the one with the fewest runnable tasks, whose
 * current task then waits for the thread's work. An idle CPU's clock is
 * brought forward to @now.
 */
struct cpu *sched_kthread_cpu(struct sim *s, uint64_t now, int nid)
{
	struct cpu *best = NULL;
	uint64_t best_start = 0;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		struct cpu *cpu = &s->cpus[c];
		if (nid >= 0 && cpu->node != (uint32_t)nid)
			continue;
		uint64_t start = MAX(cpu->now, now);
		if (!best) {
			best = cpu, best_start = start;
			continue;
		}
		bool idle = !cpu->nr_running, best_idle = !best->nr_running;
		if (idle != best_idle) {
			if (idle)
				best = cpu, best_start = start;
			continue;
		}
		if (idle ? start < best_start
			 : (cpu->nr_running < best->nr_running ||
			    (cpu->nr_running == best->nr_running && cpu->now < best->now)))
			best = cpu, best_start = start;
	}
	if (!best)	/* a CPU-less node: the thread runs wherever it can */
		return sched_kthread_cpu(s, now, -1);
	if (!best->nr_running && best->now < now)
		best->now = now;
	return best;
}

void sched_check(struct sim *s)
{
	uint32_t in_heap = 0;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		struct cpu *cpu = &s->cpus[c];
		uint32_t n = cpu->curr ? 1 : 0;
		for (struct task *t = cpu->rq_head; t; t = t->rq_next) {
			VM_BUG_ON(t->state != TASK_RUNNING || t->cpu != c);
			n++;
		}
		VM_BUG_ON(n != cpu->nr_running);
		VM_BUG_ON((cpu->heap_idx != UINT32_MAX) != (cpu->nr_running > 0));
		in_heap += cpu->heap_idx != UINT32_MAX;
	}
	VM_BUG_ON(in_heap != s->heap.nr);
	for (uint32_t i = 0; i < s->heap.nr; i++) {
		VM_BUG_ON(s->cpus[s->heap.e[i].id].heap_idx != i);
		/* the running CPU's key may lag its clock until its slice ends */
		VM_BUG_ON(i > 0 && entry_before(&s->heap.e[i], &s->heap.e[(i - 1) / 2]));
	}
}
