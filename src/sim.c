// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim.c - one simulation: set-up, the engine loop, the workload's phases,
 * timers, and the whole-system audit.
 *
 * The engine (DESIGN §3): every CPU has its own clock. The loop always runs
 * the CPU furthest behind, for at most numasim.slice_us of simulated time and
 * never past the next timer, so CPUs stay within one slice of each other and
 * cross-CPU effects happen in a sensible order. Timers fire when the furthest
 * behind CPU reaches them, in (time, sequence) order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "cpu/access.h"
#include "cpu/tlb_defer.h"
#include "cpu/tlbflush.h"
#include "cpu/trace_replay.h"
#include "device/devkernel.h"
#include "device/dmirror.h"
#include "fault/fault.h"
#include "mem/exec.h"
#include "mem/fork.h"
#include "migrate/migrate.h"
#include "migrate/move_pages.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"
#include "sim.h"

#define SYSCALL_NS 500		/* APPROX: entry and exit of a cheap system call */
#define CLONE_NS 20000		/* APPROX: creating a thread */
#define FORK_NS	20000		/* APPROX: copy_process and mm_alloc (as CLONE_NS) */

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		abort();
	return p;
}

/* ---- set-up ---- */

/* build_zonelists(): nodes with normal memory, nearest first, ties by id. */
static void build_zonelists(struct sim *s)
{
	const struct machine *m = &s->m;
	uint32_t n = 0;
	uint32_t list[MAX_NUMNODES];
	for (uint32_t i = 0; i < m->nr_nodes; i++)
		if (m->node[i].kind != MEM_DEVICE)
			list[n++] = i;
	s->zonelist_len = n;
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		uint32_t *z = s->zonelist[a];
		memcpy(z, list, n * sizeof(*z));
		for (uint32_t i = 1; i < n; i++)	/* insertion sort by distance: stable */
			for (uint32_t j = i; j > 0 && m->distance[a][z[j]] < m->distance[a][z[j - 1]]; j--) {
				uint32_t t = z[j];
				z[j] = z[j - 1];
				z[j - 1] = t;
			}
	}
}

/* ---- host memory (docs/host-memory.md) ---- */

static uint64_t mib(uint64_t bytes)
{
	return DIV_ROUND_UP(bytes, MiB);
}

/*
 * Refuse a run whose estimate does not fit in what the host can give
 * (core/hostmem.h), and set the limit at which a run that grows past it
 * anyway stops itself: what is available, less room for the report written
 * after it stops, and at most twice the estimate (a run that outgrows its
 * estimate that much is one the estimate got wrong).
 */
static int check_host_memory(struct sim *s, char *err, size_t errlen)
{
	struct host_avail a;
	if (host_mem_available(&a, err, errlen))
		return -1;
	const unsigned int shift = host_page_shift();
	struct host_estimate *e = &s->host_est;
	host_estimate(&s->m, &s->tun, s->wl, shift, e);
	/* the folio array is reserved already (phys_mem_init): the address
	 * space still needed is what grows outside it */
	const uint64_t va_need = e->total - MIN(e->total, e->slots);
	if (a.check && (e->total > a.rss || va_need > a.va)) {
		const bool va = e->total <= a.rss;
		return errorf(err, errlen,
			      "workload '%s' needs about %llu MiB of %s to simulate "
			      "(folio slots %llu MiB, page tables %llu MiB, time series and report "
			      "%llu MiB, tasks %llu MiB, other %llu MiB%s), more than the %llu MiB "
			      "available: %s; use --scale to shrink it",
			      s->wl->desc, (unsigned long long)mib(va ? va_need : e->total),
			      va ? "address space" : "host memory",
			      (unsigned long long)mib(e->slots), (unsigned long long)mib(e->pgtables),
			      (unsigned long long)mib(e->timeseries + e->report),
			      (unsigned long long)mib(e->tasks),
			      (unsigned long long)mib(e->lru + e->transient + e->fixed),
			      va ? ", outside the folio array's reservation" : "",
			      (unsigned long long)((va ? a.va : a.rss) >> 20),
			      va ? a.va_what : a.rss_what);
	}
	struct host_mem *h = &s->hostmem;
	const uint64_t own = e->total - MIN(e->total, e->report);
	const uint64_t grown = own > (UINT64_MAX - 256 * MiB) / 2 ? UINT64_MAX : 2 * own + 256 * MiB;
	h->limit = MIN(a.rss - MIN(a.rss, e->report), grown);
	h->limit_va = a.va == UINT64_MAX ? UINT64_MAX : a.va - MIN(a.va, e->report);
	if (h->limit == grown)
		snprintf(h->what, sizeof(h->what), "twice its estimate of %llu MiB and 256 MiB",
			 (unsigned long long)mib(own));
	else
		snprintf(h->what, sizeof(h->what), "%.200s, less %llu MiB for the report",
			 a.rss_what, (unsigned long long)mib(e->report));
	if (h->limit_va < h->limit - MIN(h->limit, e->slots))
		snprintf(h->what, sizeof(h->what), "%.100s, less %llu MiB for the report",
			 a.va_what, (unsigned long long)mib(e->report));
	phys_mem_account(&s->pm, h, shift);
	s->ptpool.acct = h;
	return 0;
}

/* The run took more host memory than it may: stop it (as sim_fail does). */
static sim_cold void host_mem_stop(struct sim *s, uint64_t now)
{
	const struct host_mem *h = &s->hostmem;
	sim_fail(s, "out of host memory: the simulation took %llu MiB at %.3f simulated s, past "
		    "its limit of %llu MiB (%s; its estimate was %llu MiB); use --scale to shrink it",
		 (unsigned long long)mib(h->used), (double)now / 1e9,
		 (unsigned long long)(MIN(h->limit, h->limit_va) >> 20), h->what,
		 (unsigned long long)mib(s->host_est.total));
}

static int setup_cpus(struct sim *s, char *err, size_t errlen)
{
	const struct machine *m = &s->m;
	s->cpus = xcalloc(m->nr_cpus, sizeof(*s->cpus));
	s->heap.e = xcalloc(m->nr_cpus, sizeof(*s->heap.e));
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct cpu *cpu = &s->cpus[c];
		cpu->id = c;
		cpu->node = m->cpu[c].node;
		cpu->core = m->cpu[c].core;
		cpu->socket = m->cpu[c].socket;
		cpu->sibling = UINT32_MAX;
		cpu->heap_idx = UINT32_MAX;
		cpu->loaded_mm = UINT32_MAX;
		cpu->tlb_lazy = true;
		for (uint32_t a = 0; a < TLB_NR_DYN_ASIDS; a++)
			cpu->ctxs[a].mm_id = UINT32_MAX;
		for (uint32_t o = 0; o < m->nr_cpus; o++)
			if (o != c && m->cpu[o].core == cpu->core)
				cpu->sibling = o;
		if (tlb_init(&cpu->tlb, &m->tlb)) {
			snprintf(err, errlen, "machine '%s': TLB geometry must have power-of-two sets",
				 m->name);
			return -1;
		}
	}
	build_sched_domains(s);
	return 0;
}

struct task *task_create(struct sim *s, struct mm_struct *mm, uint32_t proc, uint32_t program,
			 struct task *parent, uint64_t now)
{
	struct task *t = xcalloc(1, sizeof(*t));
	host_mem_charge(&s->hostmem, host_malloc_bytes(sizeof(*t)));
	ARRAY_GROW_CHARGED(&s->hostmem, s->tasks, s->cap_tasks, s->nr_tasks, 64);
	t->pid = s->nr_tasks;
	s->tasks[s->nr_tasks++] = t;
	t->tgid = parent ? parent->tgid : t->pid;
	t->proc = proc;
	t->mm = mm;
	t->prog = &s->wl->programs[program];
	t->state = TASK_NEW;
	t->parent = parent;
	t->pol = parent ? parent->pol : (struct mempolicy){ MPOL_DEFAULT, 0 };
	if (parent) {
		t->il_prev = parent->il_prev;	/* dup_task_struct() copies them */
		t->il_weight = parent->il_weight;
		t->cpus_allowed = parent->cpus_allowed;
	} else {
		for (uint32_t c = 0; c < s->m.nr_cpus; c++)
			cpumask_set(&t->cpus_allowed, c);
	}
	rng_seed(&t->rng, s->seed, 1000 + t->pid);
	mm->nr_threads++;
	s->policy->task_init(s, t, parent, now);	/* mainline: init_numa_balancing() */
	s->nr_live_tasks++;
	return t;
}

int sim_create(struct sim *s, const struct machine *m, const struct tunables *tun,
	       const struct workload *wl, uint64_t seed, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->policy = numa_policy_select(tun);
	VM_BUG_ON(!s->policy);	/* the tunable's range is the table's */
	s->m = *m;
	s->tun = *tun;
	s->wl = wl;
	s->seed = seed;
	s->huge_zero_pfn = PFN_NONE;
	s->access_start_ns = UINT64_MAX;
	s->max_ns = tun->v[T_MAX_SIM_S] ? tun->v[T_MAX_SIM_S] * NSEC_PER_SEC : UINT64_MAX;
	evq_init(&s->evq);
	uint64_t sizes[MAX_NUMNODES];
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		sizes[n] = m->node[n].mem_bytes;
	if (phys_mem_init(&s->pm, sizes, m->nr_nodes, err, errlen))
		return -1;
	if (check_host_memory(s, err, errlen)) {
		phys_mem_destroy(&s->pm);
		return -1;
	}
	uint64_t devices = 0;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		if (m->node[n].kind == MEM_DEVICE)
			devices |= 1ull << n;
	phys_mem_set_device_nodes(&s->pm, devices);
	dmirror_init(s);
	/* hugepage_pmd_enabled(): khugepaged's larger reserve applies */
	enum thp_size_mode pmd = thp_size_mode(tun, PMD_ORDER);
	phys_mem_set_thp(&s->pm, pmd == THP_SIZE_ALWAYS || pmd == THP_SIZE_MADVISE ||
				 (pmd == THP_SIZE_INHERIT && tun->v[T_THP_ENABLED] != THP_NEVER));
	if (setup_cpus(s, err, errlen))
		return -1;
	build_zonelists(s);
	memory_tiers_init(&s->tiers, &s->m);
	migrc_init(s);
	vmscan_init(s);	/* after the tiers: the LRU is kept where demotion can act */
	rng_seed(&s->clone_rng, seed, 1);
	bw_model_init(s);
	/* the shared zero page: a kernel page on the first node */
	s->zero_pfn = alloc_pages_node(&s->pm, s->zonelist[0][0], 0, WMARK_MIN);
	folio_set(pfn_folio(&s->pm, s->zero_pfn), PG_zero);
	s->anon_vmas = xcalloc(16, sizeof(*s->anon_vmas));
	s->cap_anon_vmas = 16;
	s->nr_anon_vmas = 1;	/* id 0 means "none" */
	s->barriers = xcalloc(wl->nr_barriers, sizeof(*s->barriers));
	for (uint32_t b = 0; b < wl->nr_barriers; b++)
		s->barriers[b].waiters = xcalloc(wl->barrier_parties[b], sizeof(struct task *));
	/* every process starts at time 0 with its main thread, placed as a fork
	 * from CPU 0: numa01's second process is forked by the first, there;
	 * no workload execs, so there is no sched_exec() balancing */
	for (uint32_t p = 0; p < wl->nr_procs; p++) {
		struct mm_struct *mm = mm_create(s);
		struct task *t = task_create(s, mm, p, wl->procs[p].main_program, NULL, 0);
		exec_mmap_image(s, mm, t);
		wake_up_new_task(s, t, 0, 0);
	}
	evq_push(&s->evq, tun->v[T_BW_WINDOW_US] * NSEC_PER_USEC, EV_BW_WINDOW, 0);
	s->ts.stride = 1;
	evq_push(&s->evq, 0, EV_SAMPLE, 0);
	s->policy->init(s);	/* e.g. autonuma2012's daemons' first timers */
	return 0;
}

/* ---- time series ---- */

/* Each task's node now, one character per task (struct ts_sample). */
static char *ts_task_nodes(const struct sim *s)
{
	uint32_t nr = MIN(s->nr_tasks, (uint32_t)TS_MAX_TASKS);
	char *v = xcalloc((size_t)nr + 1, 1);
	_Static_assert(MAX_NUMNODES <= 16, "a node is one hex digit");
	for (uint32_t i = 0; i < nr; i++) {
		const struct task *t = s->tasks[i];
		v[i] = t->state == TASK_NEW || t->state == TASK_DEAD ? '-'
		       : "0123456789abcdef"[s->cpus[t->cpu].node];
	}
	return v;
}

static void ts_sample(struct sim *s, uint64_t now)
{
	struct timeseries *ts = &s->ts;
	ARRAY_GROW_CHARGED(&s->hostmem, ts->s, ts->cap, ts->nr, 64);
	host_mem_charge(&s->hostmem, host_est_sample(s->nr_mms));
	struct ts_sample *x = &ts->s[ts->nr++];
	memset(x, 0, sizeof(*x));
	x->t_ns = now;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		x->node_used[n] = s->pm.node[n].node_present_pages - s->pm.node[n].nr_free_pages;
		x->hot_threshold_ms[n] = numa_hot_threshold_ms(s, n);
		x->migrc_pending[n] = s->pm.node[n].nr_pending;
	}
	x->proc_node = xcalloc((size_t)s->nr_mms * MAX_NUMNODES, sizeof(uint64_t));
	for (uint32_t p = 0; p < s->nr_mms; p++)
		memcpy(&x->proc_node[p * MAX_NUMNODES], s->mms[p]->rss_node,
		       sizeof(s->mms[p]->rss_node));
	/* where each process's runnable threads are: its placement over time */
	x->proc_tasks = xcalloc((size_t)s->nr_mms * MAX_NUMNODES, sizeof(uint64_t));
	for (uint32_t i = 0; i < s->nr_tasks; i++) {
		const struct task *t = s->tasks[i];
		if (t->state == TASK_RUNNING)
			x->proc_tasks[t->mm->id * MAX_NUMNODES + s->cpus[t->cpu].node]++;
	}
	x->task_node = ts_task_nodes(s);
	memcpy(x->vm, s->vs.event, sizeof(x->vm));
}

/* Keep every other periodic sample (those at even multiples of the stride). */
static void ts_thin(struct sim *s, struct timeseries *ts)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < ts->nr; i++) {
		if (i % 2) {
			host_mem_uncharge(&s->hostmem, host_est_sample(s->nr_mms));
			free(ts->s[i].proc_node);
			free(ts->s[i].proc_tasks);
			free(ts->s[i].task_node);
		} else {
			ts->s[kept++] = ts->s[i];
		}
	}
	ts->nr = kept;
	ts->stride *= 2;
}

/* EV_SAMPLE: a periodic sample, thinning first if the series is full. */
static void ts_periodic_sample(struct sim *s, uint64_t now)
{
	if (s->ts.nr >= TS_MAX_SAMPLES)
		ts_thin(s, &s->ts);
	ts_sample(s, now);
	evq_push(&s->evq, now + s->tun.v[T_SAMPLE_MS] * NSEC_PER_MSEC * s->ts.stride, EV_SAMPLE, 0);
}

/* ---- phases ---- */

static uint64_t region_addr(struct task *t, uint32_t region)
{
	return t->mm->region_addr[region];
}

static void phase_begin(struct sim *s, struct task *t, const struct wl_phase *ph, uint64_t now)
{
	struct phase_cursor *c = &t->cur;
	memset(c, 0, sizeof(*c));
	c->started = true;
	c->pass_cpu = UINT32_MAX;
	c->start_ns = now;
	const bool timed = ph->op == WL_RANDOM || ph->op == WL_SKEWED || ph->op == WL_GAUSS ||
			   ph->op == WL_LOOKUP || ph->op == WL_ZIPF || ph->op == WL_CHASE;
	if (timed || ph->op == WL_TRACE)
		s->access_start_ns = MIN(s->access_start_ns, now);	/* the timed phase begins */
	if (timed || ph->op == WL_SWEEP) {
		c->start = region_addr(t, ph->region) + ph->off;
		c->end = c->start + ph->len;
		c->addr = c->start;
	}
	if (ph->op == WL_ZIPF || ph->op == WL_CHASE)
		access_phase_begin(s, t, ph);
	if (ph->op == WL_SLEEP || ph->op == WL_COMPUTE)
		c->until_ns = now + ph->ns;
}

static void task_block(struct sim *s, struct cpu *cpu, struct task *t)
{
	t->state = TASK_SLEEPING;
	sched_dequeue_curr(s, cpu);
}

static void task_exit(struct sim *s, struct cpu *cpu, struct task *t)
{
	t->state = TASK_DEAD;
	t->exit_ns = cpu->now;
	t->mm->nr_threads--;
	s->policy->task_exit(s, t);
	s->nr_live_tasks--;
	s->end_ns = MAX(s->end_ns, cpu->now);
	struct task *p = t->parent;
	if (p && --p->nr_live_children == 0 && p->waiting_children) {
		p->waiting_children = false;
		try_to_wake_up(s, p, cpu->now);
	}
	sched_dequeue_curr(s, cpu);
}

/* The seeded random part of a thread creation (numasim.clone_jitter_ns). */
static uint64_t clone_jitter(struct sim *s)
{
	uint64_t max = (uint64_t)s->tun.v[T_CLONE_JITTER_NS];
	return max ? rng_below(&s->clone_rng, max) : 0;
}

/*
 * pthread_create(): clone() pays for copy_process, then wake_up_new_task()
 * places the child, reading every CPU's runqueue. Between the two this CPU
 * ends its run, so the CPUs behind it catch up first: a thread created just
 * before, which went to sleep at once, is asleep when the next one is placed,
 * and clones on two CPUs are placed in the order of their times, as on a
 * real machine.
 */
static bool do_spawn(struct sim *s, struct cpu *cpu, struct task *t, const struct wl_phase *ph)
{
	if (!t->cur.spawn_charged) {
		cpu_charge_kernel(cpu, CLONE_NS + clone_jitter(s));
		t->cur.spawn_charged = true;
		cpu->end_slice = true;
		return false;
	}
	struct task *nt = task_create(s, t->mm, t->proc, ph->target, t, cpu->now);
	int rc = thread_stack_alloc(s, cpu, t, nt);
	if (rc) {
		sim_fail(s, "task %u (process %u): pthread_create: stack: %s", t->pid, t->proc,
			 strerror(-rc));
		return false;
	}
	t->nr_live_children++;
	nt->start_ns = cpu->now;
	wake_up_new_task(s, nt, cpu->id, cpu->now);
	return true;
}

/*
 * fork(): copy_process() (kernel/fork.c) around the mm part, dup_mm()
 * (mem/fork.c): @parent (running on @cpu) gets a child process whose main
 * thread runs workload program @program, inheriting the parent's memory
 * policy and CPU affinity, counted as a child of @parent for WL_JOIN. Its
 * process index is its mm id. Return 0 or -ENOMEM.
 */
static int do_fork(struct sim *s, struct cpu *cpu, struct task *parent, uint32_t program)
{
	cpu_charge_kernel(cpu, FORK_NS);
	struct mm_struct *mm = dup_mm(s, cpu, parent->mm);
	if (!mm)
		return -ENOMEM;
	/* a process of its own, numbered by its mm (the reports list mms) */
	struct task *t = task_create(s, mm, mm->id, program, NULL, cpu->now);
	t->pol = parent->pol;			/* copy_process: policy ... */
	t->il_prev = parent->il_prev;
	t->il_weight = parent->il_weight;
	t->cpus_allowed = parent->cpus_allowed;	/* ... and affinity are inherited */
	t->parent = parent;			/* WL_JOIN waits for it (wait()) */
	t->stack_top = parent->stack_top;	/* it runs on its copy of the parent's stack */
	t->start_ns = cpu->now;
	parent->nr_live_children++;
	wake_up_new_task(s, t, cpu->id, cpu->now);
	return 0;
}

/* Return true when the phase completed; false when it must continue or blocked. */
static bool do_barrier(struct sim *s, struct cpu *cpu, struct task *t, const struct wl_phase *ph)
{
	struct barrier_state *b = &s->barriers[ph->target];
	b->waiters[b->arrived++] = t;
	if (b->arrived < s->wl->barrier_parties[ph->target]) {
		t->pc++;	/* resumes after the barrier when woken */
		t->cur.started = false;
		task_block(s, cpu, t);
		return false;
	}
	for (uint32_t i = 0; i + 1 < b->arrived; i++)
		try_to_wake_up(s, b->waiters[i], cpu->now);
	b->arrived = 0;
	return true;
}

static int syscall_result(struct sim *s, struct task *t, const struct wl_phase *ph, int rc)
{
	if (rc)
		sim_fail(s, "task %u (process %u): %s failed: %s", t->pid, t->proc, wl_op_name(ph->op),
			 strerror(-rc));
	return rc;
}

/* A new entry of the run's syscall list (the report's "syscalls"). */
static struct syscall_record *sysrec_new(struct sim *s, const struct task *t, enum wl_op op)
{
	ARRAY_GROW_CHARGED(&s->hostmem, s->sysrec, s->cap_sysrec, s->nr_sysrec, 16);
	struct syscall_record *r = &s->sysrec[s->nr_sysrec++];
	memset(r, 0, sizeof(*r));
	r->pid = t->pid;
	r->proc = t->proc;
	r->op = op;
	return r;
}

/*
 * move_pages(2) and migrate_pages(2): what they return is the program's to
 * look at (a count of pages not migrated, or -1 and errno), so it is
 * recorded, never a reason to stop the run.
 */
static void do_migration_syscall(struct sim *s, struct cpu *cpu, struct task *t,
				 const struct wl_phase *ph)
{
	struct syscall_record *r = sysrec_new(s, t, ph->op);
	if (ph->op == WL_MOVE_PAGES) {
		uint64_t a = region_addr(t, ph->region) + ph->off;
		r->ret = kernel_move_pages(s, cpu, t->mm, a, ph->len >> PAGE_SHIFT, ph->pol.nodes, r);
	} else {
		r->ret = kernel_migrate_pages(s, cpu, t->mm, ph->pol.nodes, ph->to_nodes);
	}
	r->t_ns = cpu->now;
}

static bool do_syscall(struct sim *s, struct cpu *cpu, struct task *t, const struct wl_phase *ph)
{
	struct mm_struct *mm = t->mm;
	uint64_t a = ph->op == WL_MMAP ? 0 : region_addr(t, ph->region) + ph->off;
	uint32_t prot = ph->arg == WL_PROT_RW ? VM_READ | VM_WRITE :
			ph->arg == WL_PROT_READ ? VM_READ : 0;
	int rc = 0;
	cpu_charge_kernel(cpu, SYSCALL_NS);
	switch (ph->op) {
	case WL_MMAP:
		rc = sys_mmap_align(s, mm, ph->len, (ph->arg & WL_MAP_SHARED) ? MAP_SHARED : MAP_PRIVATE,
				    ph->align, &mm->region_addr[ph->region]);
		mm->region_len[ph->region] = rc ? 0 : ph->len;
		break;
	case WL_MUNMAP:
		rc = sys_munmap(s, cpu, mm, a, ph->len);
		break;
	case WL_MPROTECT:
		rc = sys_mprotect(s, cpu, mm, a, ph->len, prot);
		break;
	case WL_MADVISE:
		rc = sys_madvise(s, cpu, mm, a, ph->len, (int)ph->arg);
		break;
	case WL_MBIND:
		rc = sys_mbind(s, cpu, mm, a, ph->len, &ph->pol);
		if (!rc && (ph->arg & WL_MBIND_MOVE))	/* no MPOL_MF_STRICT: mbind returns 0 */
			(void)mbind_move_pages(s, cpu, t, a, a + ph->len, ph->pol.nodes);
		break;
	case WL_FORK:
		rc = do_fork(s, cpu, t, ph->target);
		break;
	case WL_DEV_MIGRATE: {
		struct dmirror_result r;
		rc = (ph->arg == WL_TO_DEVICE ? dmirror_migrate_to_device
					      : dmirror_migrate_to_system)(s, cpu, t, a, a + ph->len,
									   ph->target, &r);
		break;
	}
	case WL_MREMAP: {
		/* the region becomes the mapping mremap returns, [0, new_len) */
		uint64_t to;
		rc = sys_mremap(s, cpu, mm, a, ph->len, ph->new_len, MREMAP_MAYMOVE, &to);
		if (!rc) {
			mm->region_addr[ph->region] = to;
			mm->region_len[ph->region] = ph->new_len;
		}
		break;
	}
	case WL_MOVE_PAGES:
	case WL_MIGRATE_PAGES:
		do_migration_syscall(s, cpu, t, ph);
		break;
	case WL_SET_MEMPOLICY:
		rc = do_set_mempolicy(s, t, &ph->pol);
		break;
	default:
		break;
	}
	return syscall_result(s, t, ph, rc) == 0;
}

/* sched_setaffinity to the CPUs of @nodes (numactl --cpunodebind). */
static void set_affinity_nodes(struct sim *s, struct cpu *cpu, struct task *t, nodemask_t nodes)
{
	cpumask_t mask = { { 0 } };
	bool any = false;
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if ((nodes >> s->cpus[c].node) & 1) {
			cpumask_set(&mask, c);
			any = true;
		}
	cpu_charge_kernel(cpu, SYSCALL_NS);
	if (!any) {
		sim_fail(s, "task %u (process %u): sched_setaffinity: no CPU on the nodes given",
			 t->pid, t->proc);
		return;
	}
	set_cpus_allowed(s, cpu, t, &mask);
}

/*
 * sched_setaffinity to CPU set @set (WL_SET_CPUS). As Linux, CPUs the machine
 * does not have are ignored, and a set with none of its CPUs is -EINVAL.
 */
static void set_affinity_cpus(struct sim *s, struct cpu *cpu, struct task *t, uint32_t set)
{
	const struct wl_cpuset *cs = &s->wl->cpusets[set];
	cpumask_t mask = { { 0 } };
	bool any = false;
	_Static_assert(sizeof(cs->bits) == sizeof(mask.bits), "a CPU set is a cpumask");
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if ((cs->bits[c / 64] >> (c % 64)) & 1) {
			cpumask_set(&mask, c);
			any = true;
		}
	cpu_charge_kernel(cpu, SYSCALL_NS);
	if (!any) {
		sim_fail(s, "task %u (process %u): sched_setaffinity: CPU set %u has no CPU of "
			    "machine '%s' (CPUs 0-%u): %s", t->pid, t->proc, set, s->m.name,
			 s->m.nr_cpus - 1, strerror(EINVAL));
		return;
	}
	set_cpus_allowed(s, cpu, t, &mask);
}

/* End @t's current phase and block it until @when. */
static void sleep_until(struct sim *s, struct cpu *cpu, struct task *t, uint64_t when)
{
	t->pc++;
	t->cur.started = false;
	evq_push(&s->evq, when, EV_WAKEUP, t->pid);
	s->nr_pending_wakeups++;
	task_block(s, cpu, t);
}

/* Run @t's current phase on @cpu until @deadline. Return false if the task
 * left the CPU (blocked or exited). */
static bool run_phase(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	if (t->pc >= t->prog->nr_phases) {
		task_exit(s, cpu, t);
		return false;
	}
	if (unlikely(!t->ran)) {
		task_image_first_run(s, cpu, t);
		if (s->failed)
			return false;
	}
	const struct wl_phase *ph = &t->prog->phases[t->pc];
	if (!t->cur.started)
		phase_begin(s, t, ph, cpu->now);
	bool done;
	switch (ph->op) {
	case WL_SWEEP:
		done = sweep_step(s, cpu, t, deadline);
		break;
	case WL_RANDOM:
	case WL_SKEWED:
	case WL_GAUSS:
		done = random_step(s, cpu, t, deadline);
		break;
	case WL_LOOKUP:
		done = lookup_step(s, cpu, t, deadline);
		break;
	case WL_TRACE:
		done = trace_step(s, cpu, t, deadline);
		break;
	case WL_ZIPF:
		done = zipf_step(s, cpu, t, deadline);
		break;
	case WL_CHASE:
		done = chase_step(s, cpu, t, deadline);
		break;
	case WL_SET_CPUS:
		t->pc++;
		t->cur.started = false;
		set_affinity_cpus(s, cpu, t, ph->target);
		return cpu->curr == t && !s->failed;
	case WL_SPAWN:
		done = do_spawn(s, cpu, t, ph);
		break;
	case WL_JOIN:
		done = t->nr_live_children == 0;
		if (!done) {
			t->waiting_children = true;
			t->pc++;
			t->cur.started = false;
			task_block(s, cpu, t);
			return false;
		}
		break;
	case WL_BARRIER:
		if (!do_barrier(s, cpu, t, ph))
			return false;
		done = true;
		break;
	case WL_SLEEP:
		sleep_until(s, cpu, t, cpu->now + ph->ns);
		return false;
	case WL_DEV_KERNEL:	/* launch, then wait for the device */
		if (ph->target >= s->m.nr_nodes || s->m.node[ph->target].kind != MEM_DEVICE) {
			sim_fail(s, "task %u (process %u): device_kernel: node %u is not a device",
				 t->pid, t->proc, ph->target);
			return false;
		}
		cpu_charge_kernel(cpu, SYSCALL_NS);
		sleep_until(s, cpu, t, device_kernel(s, cpu, t->mm, ph, region_addr(t, ph->region) + ph->off));
		return false;
	case WL_COMPUTE:
		cpu->now = MIN(MAX(cpu->now, deadline), t->cur.until_ns);
		done = cpu->now >= t->cur.until_ns;
		break;
	case WL_SET_AFFINITY:
		t->pc++;
		t->cur.started = false;
		set_affinity_nodes(s, cpu, t, ph->pol.nodes);
		return cpu->curr == t;
	default:
		done = do_syscall(s, cpu, t, ph);
		break;
	}
	if (done) {
		t->pc++;
		t->cur.started = false;
		VM_AUDIT(sim_audit(s));
	}
	return !s->failed;
}

/* ---- the engine ---- */

static void run_cpu(struct sim *s, struct cpu *cpu, uint64_t deadline)
{
	if (cpu->pending_kernel_ns) {
		cpu_charge_kernel(cpu, cpu->pending_kernel_ns);
		cpu->pending_kernel_ns = 0;
	}
	const uint64_t tick = s->tun.v[T_TICK_US] * NSEC_PER_USEC;
	cpu->end_slice = false;
	while (cpu->curr && cpu->now < deadline && !s->failed && !cpu->end_slice) {
		if (cpu->now >= cpu->next_tick_ns) {
			cpu->next_tick_ns += tick;
			if (cpu->curr->ran)
				task_touch_stack(s, cpu, cpu->curr);
			scheduler_tick(s, cpu);
			continue;
		}
		struct task *t = cpu->curr;
		uint64_t before = cpu->now;
		bool stays = run_phase(s, cpu, t, MIN(deadline, cpu->next_tick_ns));
		t->sum_exec_runtime += cpu->now - before;
		cpu->busy_ns += cpu->now - before;
		if (unlikely(host_mem_over(&s->hostmem))) {
			host_mem_stop(s, cpu->now);
			break;
		}
		if (!stays)
			continue;	/* the CPU picked another task, or went idle */
		s->policy->safe_point(s, cpu);	/* mainline: numa_apply_pending_move() */
	}
}

static void fire_event(struct sim *s)
{
	struct event ev = evq_pop(&s->evq);
	switch (ev.type) {
	case EV_BW_WINDOW:
		bw_window_update(s, ev.time_ns);
		tlb_defer_retire(s);	/* deferred flushes that later flushes settled */
		evq_push(&s->evq, ev.time_ns + s->tun.v[T_BW_WINDOW_US] * NSEC_PER_USEC,
			 EV_BW_WINDOW, 0);
		break;
	case EV_SAMPLE:
		ts_periodic_sample(s, ev.time_ns);
		break;
	case EV_KSWAPD:
		kswapd_event(s, ev.arg, ev.time_ns);
		break;
	case EV_WAKEUP:
		s->nr_pending_wakeups--;
		try_to_wake_up(s, s->tasks[ev.arg], ev.time_ns);
		break;
	case EV_POLICY:
		VM_BUG_ON(!s->policy->event);
		s->policy->event(s, ev.time_ns, ev.arg);
		break;
	default:
		VM_BUG_ON(1);
	}
}

int sim_run(struct sim *s)
{
	const uint64_t slice = s->tun.v[T_SLICE_US] * NSEC_PER_USEC;
	while (s->nr_live_tasks > 0 && !s->failed) {
		struct cpu *c = s->heap.nr ? &s->cpus[s->heap.e[0].id] : NULL;
		uint64_t tev = evq_next_time(&s->evq);
		if (s->stop && unlikely(*s->stop)) {
			/* interrupted: everything before the CPU furthest behind happened */
			s->interrupted = s->truncated = true;
			s->end_ns = c ? MIN(c->now, tev) : tev;
			break;
		}
		if (unlikely(host_mem_over(&s->hostmem))) {	/* grown in a timer */
			host_mem_stop(s, c ? MIN(c->now, tev) : tev);
			break;
		}
		if (!c || tev <= c->now) {
			if (!c && s->nr_pending_wakeups == 0) {
				sim_fail(s, "deadlock: every task is blocked and nothing can wake one");
				break;
			}
			if (tev >= s->max_ns) {
				s->truncated = true;
				break;
			}
			fire_event(s);
			continue;
		}
		if (c->now >= s->max_ns) {
			s->truncated = true;
			break;
		}
		run_cpu(s, c, MIN(c->now + slice, tev));
		cpu_heap_update(s, c);
		/* the caller's progress hook: a counter here, its clock only every
		 * SIM_PROGRESS_SLICES slices; it reads the sim and changes nothing */
		if (s->progress && ++s->progress_slices % SIM_PROGRESS_SLICES == 0)
			s->progress(s, s->progress_arg);
	}
	if (s->truncated && !s->interrupted)
		s->end_ns = s->max_ns;
	ts_sample(s, s->end_ns);
	VM_AUDIT(sim_audit(s));
	return s->failed ? -1 : 0;
}

/* ---- audit ---- */

static bool count_mapping(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			  struct pmd_slot *pmd, void *arg)
{
	(void)s, (void)mm, (void)addr, (void)pte, (void)pmd;
	(*(int32_t *)arg)++;
	return true;
}

/* Every allocated anonymous folio is mapped exactly as often as it says. */
static void audit_mapcounts(struct sim *s)
{
	for (uint32_t n = 0; n < s->pm.nr_nodes; n++) {
		const struct pglist_data *pg = &s->pm.node[n];
		for (uint64_t pfn = pg->node_start_pfn; pfn < pg->pristine_pfn; pfn++) {
			struct folio *f = pfn_folio(&s->pm, pfn);
			if (!folio_test(f, PG_head) || !folio_test(f, PG_anon))
				continue;
			int32_t found = 0;
			rmap_walk(s, f, count_mapping, &found);
			VM_BUG_ON_OBJ(found != folio_mapcount(f), NULL, f);
			VM_BUG_ON(f->refcount < folio_mapcount(f));
		}
	}
}

struct tlb_audit {
	struct sim *s;
	struct cpu *cpu;
};

/* Every TLB entry belongs to an ASID of its CPU and matches its page table,
 * unless that ASID is behind its mm's tlb_gen (flushes this CPU missed while
 * lazy or running another mm), the entry is a read-only translation of a
 * source whose flush migrc/LUF deferred, or a flush numasim.debug_skip_flush
 * omitted left it (marked skipped, and its CPU marked stale). */
static void audit_tlb_entry(struct tlb_entry *e, bool huge, void *arg)
{
	struct tlb_audit *a = arg;
	struct sim *s = a->s;
	uint32_t mm_id = (uint32_t)((e->key & ~TLB_KEY_HUGE) >> 36);
	uint64_t va = (e->key & ((1ull << 36) - 1)) << (huge ? PMD_SHIFT : PAGE_SHIFT);
	const struct tlb_ctx *ctx = cpu_tlb_ctx(a->cpu, mm_id);
	VM_BUG_ON(!ctx);
	if (e->skipped) {
		VM_BUG_ON(!(a->cpu->tlb_maybe_stale & TLB_STALE_SKIPPED));
		return;
	}
	if (ctx->tlb_gen < s->mms[mm_id]->tlb_gen)
		return;
	if ((a->cpu->tlb_maybe_stale & TLB_STALE_DEFERRED) && !e->writable &&
	    folio_test(page_folio(&s->pm, e->pfn), PG_pending_free))
		return;
	struct pmd_slot *slot = pmd_slot_lookup(&s->mms[mm_id]->pgd, va);
	VM_BUG_ON(!slot);
	if (huge) {
		VM_BUG_ON(!pmd_present(slot->pmd) || pmd_pfn(slot->pmd) != e->pfn);
		return;
	}
	VM_BUG_ON(!slot->pt);
	pte_t p = slot->pt->pte[pte_index(va)];
	VM_BUG_ON(!pte_present(p) || pte_pfn(p) != e->pfn);
}

void sim_audit(struct sim *s)
{
	for (uint32_t n = 0; n < s->pm.nr_nodes; n++)
		buddy_check_node(&s->pm, n);
	for (uint32_t i = 0; i < s->nr_mms; i++)
		mm_check(s, s->mms[i]);
	sched_check(s);
	audit_mapcounts(s);
	VM_BUG_ON(s->vs.event[NUMA_HINT_FAULTS] < s->vs.event[NUMA_HINT_FAULTS_LOCAL]);
	tlb_defer_check(s);
	vmscan_check(s);
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		struct tlb_audit a = { s, &s->cpus[c] };
		tlb_check(&s->cpus[c].tlb);
		tlb_for_each(&s->cpus[c].tlb, audit_tlb_entry, &a);
	}
}

void sim_destroy(struct sim *s)
{
	if (s->policy) {
		for (uint32_t i = 0; i < s->nr_tasks; i++)	/* tasks alive when a run is cut short */
			s->policy->task_exit(s, s->tasks[i]);
		s->policy->destroy(s);
	}
	for (uint32_t i = 0; i < s->nr_mms; i++)
		mm_destroy(s, s->mms[i]);
	free(s->mms);
	for (uint32_t i = 0; i < s->nr_tasks; i++) {
		free(s->tasks[i]->zipf);
		free(s->tasks[i]);
	}
	free(s->tasks);
	access_ahead_destroy(s);
	for (uint32_t i = 1; i < s->nr_anon_vmas; i++)
		free(s->anon_vmas[i].mms);
	free(s->anon_vmas);
	if (s->barriers)
		for (uint32_t b = 0; b < s->wl->nr_barriers; b++)
			free(s->barriers[b].waiters);
	free(s->barriers);
	free(s->sysrec);
	if (s->cpus)
		for (uint32_t c = 0; c < s->m.nr_cpus; c++)
			tlb_destroy(&s->cpus[c].tlb);
	free(s->cpus);
	free(s->heap.e);
	for (uint32_t i = 0; i < s->ts.nr; i++) {
		free(s->ts.s[i].proc_node);
		free(s->ts.s[i].proc_tasks);
		free(s->ts.s[i].task_node);
	}
	free(s->ts.s);
	evq_destroy(&s->evq);
	vmscan_destroy(s);	/* after mm_destroy(): freeing folios takes them off it */
	migrate_scratch_free(s);
	tlb_defer_destroy(s);
	pgtable_pool_destroy(&s->ptpool);
	phys_mem_destroy(&s->pm);
}
