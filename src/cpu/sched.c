// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/sched.c - where tasks run.
 * Models:     linux kernel/sched/fair.c select_task_rq_fair for fork and
 *             wakeup (sched_balance_find_dst_group/cpu: idlest node, then an
 *             idle core, then an idle CPU; select_idle_sibling around the
 *             previous CPU), newidle balancing (an idle CPU pulls a queued
 *             task, nearest first) and periodic balancing at the tick.
 * SIMPLIFIED: see sched.h.
 */
#include "cpu/tlbflush.h"
#include "numa/autonuma2012.h"
#include "numa/numa_balancing.h"
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
		update_scan_period(s, t, cpu->id);
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

static uint32_t nr_cpu_nodes(const struct sim *s)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->m.nr_nodes; i++)
		n += s->m.node[i].nr_cpus > 0;
	return n;
}

/*
 * imb_numa_nr (build_sched_domains): how many tasks a node may run before
 * fork balancing spreads to another node. With one LLC per node, the NUMA
 * domain holds nr_llcs = CPU nodes LLCs, and the allowance is nr_llcs; a
 * single-node domain would allow 1/8 of its CPUs.
 */
static uint32_t imb_numa_nr(const struct sim *s)
{
	uint32_t nr_llcs = nr_cpu_nodes(s);
	return nr_llcs > 1 ? nr_llcs : MAX(1u, s->m.nr_cpus >> 3);
}

/*
 * Fork balancing (sched_balance_find_dst_group): stay on the parent's node
 * while it has an idle CPU and, counting the new task, runs no more than
 * imb_numa_nr tasks (allow_numa_imbalance); otherwise go to the idlest node.
 */
static uint32_t fork_target_node(const struct sim *s, const struct task *t, uint32_t parent_node)
{
	uint32_t load = node_load(s, parent_node);
	if (node_allowed(s, t, parent_node) && load < s->m.node[parent_node].nr_cpus &&
	    load + 1 <= imb_numa_nr(s))
		return parent_node;
	return find_idlest_node(s, t, parent_node);
}

void wake_up_new_task(struct sim *s, struct task *t, uint32_t parent_cpu, uint64_t now)
{
	uint32_t nid = fork_target_node(s, t, s->cpus[parent_cpu].node);
	uint32_t c = find_idlest_cpu(s, t, nid, UINT32_MAX);
	enqueue_task(s, t, &s->cpus[c], now);
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
	if (!cpu->curr)
		cpu->tlb_lazy = true;	/* enter_lazy_tlb(): idle keeps the last mm loaded */
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
	if (cpu->curr)
		task_tick_numa(s, cpu, cpu->curr);
	if (cpu->curr && s->autonuma)	/* numasim.policy=autonuma2012: CPU follows memory */
		sched_autonuma_tick(s, cpu, cpu->curr);
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
	update_scan_period(s, a, cb->id);
	update_scan_period(s, b, ca->id);
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
