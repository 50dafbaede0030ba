// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_numa.c - mainline automatic NUMA balancing: the scan-period
 * formulas and their adaptation, the two-stage last_cpupid filter, fault
 * decay and the preferred node, NUMA groups, and scenarios in which memory
 * and tasks must end up where the kernel would put them.
 */
#include "testlib.h"

#include "cpu/tlbflush.h"
#include "numa/numa_balancing.h"

#define GiB_PAGES(n) ((uint64_t)(n) * (GiB / PAGE_SIZE))

/* A finished simulation whose process 0 and task 0 the tests then drive. */
static void idle_env(struct tl_env *e, const char *preset, const char *const *sets)
{
	tl_env_init(e, preset, sets);
	tl_mmap(e, 64 * MiB);
	tl_start(e, 1);
}

static void set_rss(struct tl_env *e, uint64_t pages)
{
	memset(tl_mm(e)->rss_node, 0, sizeof(tl_mm(e)->rss_node));
	tl_mm(e)->rss_node[0] = pages;
}

/* ---- scan period (reference §1.3 worked examples) ---- */

static void test_scan_period_formulas(void **state)
{
	(void)state;
	struct tl_env e;
	idle_env(&e, "2node-128cpu", NULL);
	struct task *t = e.s->tasks[0];
	set_rss(&e, GiB_PAGES(3));	/* 12 windows of 256 MB */
	assert_int_equal(task_scan_min(e.s, t), 100);
	assert_int_equal(task_scan_max(e.s, t), 5000);
	assert_int_equal(task_scan_start(e.s, t), 100);
	set_rss(&e, GiB_PAGES(1));	/* 4 windows */
	assert_int_equal(task_scan_min(e.s, t), 250);
	assert_int_equal(task_scan_max(e.s, t), 15000);
	set_rss(&e, 0);			/* an empty mm counts as one window */
	assert_int_equal(task_scan_min(e.s, t), 1000);
	assert_int_equal(task_scan_max(e.s, t), 60000);

	/* a group of 4 tasks, 3/4 of its faults shared: the bounds stretch */
	set_rss(&e, GiB_PAGES(3));
	struct numa_group ng = { .gid = 1, .nr_tasks = 4 };
	ng.faults[0][0] = 300;	/* shared */
	ng.faults[0][1] = 100;	/* private */
	t->numa.numa_group = &ng;
	assert_int_equal(task_scan_max(e.s, t), 5000 * 4 * 301 / 401);
	assert_int_equal(task_scan_start(e.s, t), 100 * 4 * 301 / 401);
	t->numa.numa_group = NULL;
	tl_env_free(&e);

	/* a larger scan size lowers the floor: 2560/512 = 5 windows -> 200 ms */
	const char *const sets[] = { "numa_balancing.scan_size_mb=512", NULL };
	idle_env(&e, "2node-128cpu", sets);
	set_rss(&e, GiB_PAGES(3));
	assert_int_equal(task_scan_min(e.s, e.s->tasks[0]), 200);
	tl_env_free(&e);
}

static uint64_t adapt(struct tl_env *e, uint64_t period, uint64_t remote, uint64_t local,
		      uint64_t failed, uint64_t shared, uint64_t private_)
{
	struct task *t = e->s->tasks[0];
	t->numa.numa_scan_period = period;
	t->numa.numa_scan_period_max = task_scan_max(e->s, t);
	t->numa.numa_faults_locality[0] = remote;
	t->numa.numa_faults_locality[1] = local;
	t->numa.numa_faults_locality[2] = failed;
	update_task_scan_period(e->s, t, shared, private_);
	return t->numa.numa_scan_period;
}

static void test_scan_period_adaptation(void **state)
{
	(void)state;
	struct tl_env e;
	idle_env(&e, "2node-128cpu", NULL);
	set_rss(&e, GiB_PAGES(1));	/* bounds 250 .. 15000 ms */
	/* mostly private: slower by (10 - 7) slots of period/10 */
	assert_int_equal(adapt(&e, 1000, 100, 900, 0, 0, 1000), 1300);
	/* private exactly at the threshold: one slot slower */
	assert_int_equal(adapt(&e, 1000, 900, 100, 0, 30, 70), 1100);
	/* shared but local: slower by lr_ratio - 7 */
	assert_int_equal(adapt(&e, 1000, 100, 900, 0, 900, 100), 1200);
	/* shared and remote: faster by 7 - max(lr, ps) slots */
	assert_int_equal(adapt(&e, 1000, 900, 100, 0, 900, 100), 400);
	/* clamped at the minimum */
	assert_int_equal(adapt(&e, 300, 900, 100, 0, 900, 100), 250);
	/* no faults at all, or failed migrations: the period doubles */
	assert_int_equal(adapt(&e, 1000, 0, 0, 0, 0, 0), 2000);
	assert_int_equal(adapt(&e, 1000, 100, 900, 5, 0, 1000), 2000);
	assert_int_equal(adapt(&e, 10000, 0, 0, 0, 0, 0), 15000);	/* capped at max */
	/* the locality counters restart after an adaptation */
	adapt(&e, 1000, 100, 900, 0, 0, 1000);
	assert_int_equal(e.s->tasks[0]->numa.numa_faults_locality[1], 0);
	tl_env_free(&e);
}

/* ---- the two-stage filter (should_numa_migrate_memory) ---- */

static void test_two_stage_filter(void **state)
{
	(void)state;
	struct tl_env e;
	idle_env(&e, "2node-128cpu", NULL);
	struct sim *s = e.s;
	struct task *p = s->tasks[0];
	struct folio f = { .flags = PG_head | PG_anon, .refcount = 1, .last_cpupid = CPUPID_UNSET };
	const uint32_t cpu0 = tl_cpu(&e, 0)->id, cpu1 = tl_cpu(&e, 1)->id;

	/* early life: the first fault on a page migrates at once */
	p->numa.numa_preferred_nid = NUMA_NO_NODE;
	assert_true(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	assert_int_equal(f.last_cpupid, cpu_pid_to_cpupid(cpu0, p->pid));

	/* a settled task (scan_seq > 4, preferred node set) */
	p->numa.numa_preferred_nid = 0;
	p->numa.numa_scan_seq = 10;
	const uint32_t other_pid = p->pid + 1;
	/* stage 1: the last fault came from another node -> no migration yet */
	f.last_cpupid = cpu_pid_to_cpupid(cpu1, other_pid);
	assert_false(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	assert_int_equal(f.last_cpupid, cpu_pid_to_cpupid(cpu0, p->pid));
	/* stage 2: the same node twice, and the same task: private, migrate */
	assert_true(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	/* same node, another task, no group: migrate */
	f.last_cpupid = cpu_pid_to_cpupid(cpu0, other_pid);
	assert_true(should_numa_migrate_memory(s, p, &f, 1, cpu0));

	/* shared within a group: follow the CPUs of the group */
	struct numa_group ng = { .gid = 9, .nr_tasks = 2, .total_faults = 100 };
	p->numa.numa_group = &ng;
	ng.faults_cpu[0][0] = 400;	/* dst node 0 busier than 3x the source */
	ng.faults_cpu[1][0] = 100;
	f.last_cpupid = cpu_pid_to_cpupid(cpu0, other_pid);
	assert_true(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	/* balanced CPU use and the memory mostly on the source: stay (3/4 rule) */
	ng.faults_cpu[0][0] = 100;
	ng.faults[0][0] = 90;	/* group faults on dst */
	ng.faults[1][0] = 10;	/* on src */
	f.last_cpupid = cpu_pid_to_cpupid(cpu0, other_pid);
	assert_false(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	/* ... and migrate when the memory sits mostly on the source */
	ng.faults[0][0] = 10;
	ng.faults[1][0] = 90;
	f.last_cpupid = cpu_pid_to_cpupid(cpu0, other_pid);
	assert_true(should_numa_migrate_memory(s, p, &f, 1, cpu0));
	p->numa.numa_group = NULL;
	tl_env_free(&e);
}

/*
 * mpol_misplaced(): under the default policy (preferred_node_policy of the
 * faulting CPU's node) a hint fault on a folio already on that node returns
 * before should_numa_migrate_memory(), so last_cpupid keeps what the last
 * remote fault recorded. A remote fault does record its CPU and PID.
 */
static void test_local_hint_fault_keeps_last_cpupid(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "transparent_hugepage.enabled=never", NULL };
	idle_env(&e, "2node-128cpu", sets);
	struct sim *s = e.s;
	struct task *t = s->tasks[0];
	struct cpu *c0 = tl_cpu(&e, 0), *c1 = tl_cpu(&e, 1);
	const uint64_t a = tl_addr(&e, 0);
	struct vm_area_struct *vma = find_vma(tl_mm(&e), a);
	tl_fault(&e, 0, a, true);
	tl_fault(&e, 0, a + PAGE_SIZE, true);
	struct folio *f = tl_folio_at(&e, a), *g = tl_folio_at(&e, a + PAGE_SIZE);
	assert_int_equal(folio_nid(f), 0);
	const uint32_t earlier = cpu_pid_to_cpupid(c1->id, t->pid + 7);
	f->last_cpupid = earlier;
	g->last_cpupid = earlier;

	change_prot_numa(s, c0, t, vma, a, a + 2 * PAGE_SIZE);
	assert_true(pte_protnone(tl_pte(&e, a)));
	uint64_t local = s->vs.event[NUMA_HINT_FAULTS_LOCAL];
	tl_fault(&e, 0, a, false);
	assert_int_equal(s->vs.event[NUMA_HINT_FAULTS_LOCAL], local + 1);
	if (f->last_cpupid != earlier)
		fail_msg("a local hint fault changed last_cpupid from 0x%x to 0x%x; Linux's "
			 "mpol_misplaced() returns before should_numa_migrate_memory() for a "
			 "folio already on the faulting node", earlier, f->last_cpupid);
	assert_false(pte_protnone(tl_pte(&e, a)));

	/* a remote fault records the faulting CPU and task */
	assert_int_equal(handle_mm_fault(s, c1, t, a + PAGE_SIZE, false), FAULT_OK);
	struct folio *g2 = tl_folio_at(&e, a + PAGE_SIZE);
	assert_int_equal(g2->last_cpupid, cpu_pid_to_cpupid(c1->id, t->pid));
	tl_env_free(&e);
}

/* ---- decay and the preferred node ---- */

static void test_decay_and_preferred_node(void **state)
{
	(void)state;
	struct tl_env e;
	idle_env(&e, "2node-128cpu", NULL);
	struct sim *s = e.s;
	struct task *t = s->tasks[0];
	struct cpu *c = tl_cpu(&e, 0);
	t->cpu = c->id;
	t->numa.numa_scan_period = 1000;
	/* 400 private faults on node 1 in the first sequence */
	task_numa_fault(s, c, t, CPUPID_UNSET, 1, 400, 0);
	assert_int_equal(t->numa.faults[NUMA_MEMBUF][1][1], 400);
	assert_int_equal(t->numa.numa_preferred_nid, NUMA_NO_NODE);
	/* a new scan sequence: placement folds the buffer in, node 1 wins */
	tl_mm(&e)->numa.numa_scan_seq = 1;
	t->numa.numa_migrate_retry = 0;
	task_numa_placement(s, c, t);
	assert_int_equal(t->numa.faults[NUMA_MEM][1][1], 400);
	assert_int_equal(t->numa.faults[NUMA_MEMBUF][1][1], 0);
	assert_int_equal(t->numa.total_numa_faults, 400);
	assert_int_equal(t->numa.numa_preferred_nid, 1);
	/* next sequence: 300 on node 0; node 1 decays to 200 -> node 0 wins */
	task_numa_fault(s, c, t, CPUPID_UNSET, 0, 300, 0);
	tl_mm(&e)->numa.numa_scan_seq = 2;
	task_numa_placement(s, c, t);
	assert_int_equal(t->numa.faults[NUMA_MEM][1][1], 200);
	assert_int_equal(t->numa.faults[NUMA_MEM][0][1], 300);
	assert_int_equal(t->numa.total_numa_faults, 500);
	assert_int_equal(t->numa.numa_preferred_nid, 0);
	/* placement runs once per sequence */
	task_numa_fault(s, c, t, CPUPID_UNSET, 1, 1000, 0);
	task_numa_placement(s, c, t);
	assert_int_equal(t->numa.faults[NUMA_MEM][1][1], 200);
	tl_env_free(&e);
}

/* ---- NUMA groups ---- */

/* Run @t's fault as if @other, running on @c, had touched the page last. */
static void shared_fault(struct tl_env *e, struct task *t, struct task *other, struct cpu *c)
{
	struct task *saved = c->curr;
	c->curr = other;
	task_numa_fault(e->s, tl_cpu(e, 0), t, cpu_pid_to_cpupid(c->id, other->pid), 0, 10, 0);
	c->curr = saved;
}

static void test_group_formation(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", NULL);
	tl_mmap(&e, 16 * MiB);
	uint32_t tp = wl_add_program(&e.wl);
	wl_add_phase(&e.wl, tp, WL_COMPUTE)->ns = 1000;
	for (int i = 0; i < 3; i++)
		wl_add_phase(&e.wl, e.prog, WL_SPAWN)->target = tp;
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	tl_start(&e, 1);
	struct sim *s = e.s;
	struct task *a = s->tasks[1], *b = s->tasks[2], *c3 = s->tasks[3];
	struct cpu *ca = tl_cpu(&e, 0), *cb = tl_cpu(&e, 1);
	/* a faults on b's page: a gets a group, b has none yet: no join */
	shared_fault(&e, a, b, cb);
	assert_non_null(a->numa.numa_group);
	assert_null(b->numa.numa_group);
	/* b faults on a's page: b gets its own group; equal sizes, ties by id */
	shared_fault(&e, b, a, ca);
	assert_non_null(b->numa.numa_group);
	struct numa_group *ga = a->numa.numa_group, *gb = b->numa.numa_group;
	bool a_joins_b = ga->gid > gb->gid;	/* the smaller id's group absorbs */
	/* fault again from the side that joins */
	if (a_joins_b)
		shared_fault(&e, b, a, ca), shared_fault(&e, a, b, cb);
	else
		shared_fault(&e, a, b, cb), shared_fault(&e, b, a, ca);
	assert_ptr_equal(a->numa.numa_group, b->numa.numa_group);
	assert_int_equal(a->numa.numa_group->nr_tasks, 2);
	/* a third thread joins the larger group */
	shared_fault(&e, c3, a, ca);
	assert_ptr_equal(c3->numa.numa_group, a->numa.numa_group);
	assert_int_equal(a->numa.numa_group->nr_tasks, 3);
	/* shared faults of group members count as shared */
	assert_true(c3->numa.faults[NUMA_MEMBUF][0][0] > 0);
	/* read-only faults (TNF_NO_GROUP) never group */
	struct task *lone = s->tasks[0];
	task_numa_fault(s, ca, lone, cpu_pid_to_cpupid(ca->id, a->pid), 0, 10, TNF_NO_GROUP);
	assert_null(lone->numa.numa_group);
	tl_env_free(&e);
}

/* ---- scenarios ---- */

static const char *const fast_scan[] = {
	"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
	"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never", NULL,
};

/*
 * A single thread on node 0 whose memory was first-touched on node 1 (bind
 * during the first write, as numa01 does): NUMA balancing brings it home
 * within a few scan periods.
 */
static void wrong_node_run(struct tl_env *e, const char *const *sets, uint64_t size,
			   uint64_t passes)
{
	tl_env_init(e, "2node-128cpu", sets);
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(e, size);
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_BIND, 1ull << 1 };
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = size, ph->count = 1, ph->access = WL_WRITE;
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_DEFAULT, 0 };
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = size, ph->count = passes, ph->access = WL_WRITE;
	tl_start(e, 1);
}

static void test_memory_follows_task(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = {
		"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
		"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never",
		"numasim.sample_ms=2", NULL,
	};
	wrong_node_run(&e, sets, 32 * MiB, 200);
	const uint64_t pages = 32 * MiB / PAGE_SIZE;
	/* everything moved home, by NUMA balancing */
	assert_int_equal(tl_mm(&e)->rss_node[0], pages);
	assert_int_equal(e.s->vs.event[NUMA_PAGE_MIGRATE], pages);
	assert_true(e.s->vs.event[NUMA_HINT_FAULTS] >= pages);
	/* and quickly: 32 MB is two 16 MB scan passes; allow ten 10 ms periods */
	uint64_t done_ns = UINT64_MAX;
	for (uint32_t i = 0; i < e.s->ts.nr && done_ns == UINT64_MAX; i++)
		if (e.s->ts.s[i].vm[NUMA_PAGE_MIGRATE] == pages)
			done_ns = e.s->ts.s[i].t_ns;
	assert_true(done_ns <= 100 * NSEC_PER_MSEC);
	assert_true(done_ns < e.s->end_ns / 2);
	assert_oracle_clean(e.s);
	tl_env_free(&e);

	/* with kernel.numa_balancing=0 nothing moves */
	const char *const off[] = { "kernel.numa_balancing=0", "transparent_hugepage.enabled=never", NULL };
	wrong_node_run(&e, off, 32 * MiB, 50);
	assert_int_equal(tl_mm(&e)->rss_node[1], pages);
	assert_int_equal(e.s->vs.event[NUMA_HINT_FAULTS], 0);
	assert_int_equal(e.s->vs.event[NUMA_PTE_UPDATES], 0);
	tl_env_free(&e);
}

/* PMD-mapped THPs are balanced whole, whatever numasim.mthp_numa says. */
static void test_thp_follows_task(void **state)
{
	(void)state;
	for (int mthp = 0; mthp <= 1; mthp++) {
		const char *const sets[] = {
			"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
			"numa_balancing.scan_size_mb=16", mthp ? "numasim.mthp_numa=1" : "numasim.mthp_numa=0",
			NULL,
		};
		struct tl_env e;
		wrong_node_run(&e, sets, 32 * MiB, 200);
		assert_int_equal(tl_mm(&e)->rss_node[0], 32 * MiB / PAGE_SIZE);
		assert_int_equal(e.s->vs.event[THP_MIGRATION_SUCCESS], 16);
		assert_true(e.s->vs.event[NUMA_HUGE_PTE_UPDATES] >= 16);
		assert_oracle_clean(e.s);
		tl_env_free(&e);
	}
}

/*
 * mTHP NUMA balancing (6.10): PTE-mapped 64 KiB folios are scanned and
 * migrate whole, one hint fault per folio; with numasim.mthp_numa=0 (older
 * kernels) they are never made protnone and never move.
 */
static void test_mthp_numa_switch(void **state)
{
	(void)state;
	const uint64_t size = 16 * MiB, pages = size / PAGE_SIZE;
	for (int mthp = 0; mthp <= 1; mthp++) {
		const char *const sets[] = {
			"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
			"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never",
			"transparent_hugepage.hugepages-64kB.enabled=always",
			mthp ? "numasim.mthp_numa=1" : "numasim.mthp_numa=0", NULL,
		};
		struct tl_env e;
		wrong_node_run(&e, sets, size, 200);
		const uint64_t *ev = e.s->vs.event;
		assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_ANON_FAULT_ALLOC], pages / 16);
		if (!mthp) {
			assert_int_equal(ev[NUMA_PTE_UPDATES], 0);
			assert_int_equal(ev[NUMA_HINT_FAULTS], 0);
			assert_int_equal(ev[NUMA_PAGE_MIGRATE], 0);
			assert_int_equal(tl_mm(&e)->rss_node[1], pages);
		} else {
			assert_int_equal(ev[NUMA_PAGE_MIGRATE], pages);
			assert_int_equal(tl_mm(&e)->rss_node[0], pages);
			/* one hint fault per folio: the first rebuilds all 16 PTEs */
			assert_true(ev[NUMA_HINT_FAULTS] > 0);
			assert_true(ev[NUMA_HINT_FAULTS] * 16 <= ev[NUMA_PTE_UPDATES]);
			assert_int_equal(ev[PGMIGRATE_SUCCESS] % 16, 0);
			/* the folios stayed 64 KiB */
			assert_int_equal(e.s->vs.mthp[4][MTHP_STAT_NR_ANON], pages / 16);
		}
		assert_oracle_clean(e.s);
		tl_env_free(&e);
	}
}

/*
 * init_numa_balancing() arms mm->numa_next_scan when the address space is
 * created, so the first scan comes one scan delay (1 s) after the start, on
 * the first tick past it, not a scan period later.
 */
static void test_first_scan_after_one_delay(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "transparent_hugepage.enabled=never", "numasim.sample_ms=10",
				     NULL };
	wrong_node_run(&e, sets, 32 * MiB, 1000);
	uint64_t first_ns = UINT64_MAX;
	for (uint32_t i = 0; i < e.s->ts.nr && first_ns == UINT64_MAX; i++)
		if (e.s->ts.s[i].vm[NUMA_PTE_UPDATES])
			first_ns = e.s->ts.s[i].t_ns;
	uint64_t end = e.s->end_ns;
	tl_env_free(&e);
	assert_true(end > 2 * NSEC_PER_SEC);
	if (first_ns < NSEC_PER_SEC || first_ns > NSEC_PER_SEC + 50 * NSEC_PER_MSEC)
		fail_msg("first PTE updates sampled at %.3f s; with scan_delay_ms=1000 Linux "
			 "scans first at about 1 s (numa_next_scan set by init_numa_balancing)",
			 (double)first_ns / 1e9);
}

/* A 16 MiB region written from node 0, and one scan pass over it from a
 * CPU of node 1 at sequence 0 (which sets up its VMA's scan state). */
struct scan_env {
	struct tl_env e;
	struct sim *s;
	struct task *t;
	struct mm_struct *mm;
	struct cpu *c1;
	uint64_t base, pages;
};

static void scan_env_first_pass(struct scan_env *x, const char *const *sets)
{
	tl_env_init(&x->e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&x->e, 16 * MiB);
	tl_start(&x->e, 1);
	x->s = x->e.s;
	x->t = x->s->tasks[0];
	x->mm = tl_mm(&x->e);
	x->c1 = tl_cpu(&x->e, 1);
	x->base = tl_addr(&x->e, r);
	x->pages = 16 * MiB / PAGE_SIZE;
	for (uint64_t i = 0; i < x->pages; i++)
		tl_fault(&x->e, 0, x->base + i * PAGE_SIZE, true);
	x->c1->now = x->s->end_ns + NSEC_PER_SEC;
	x->mm->numa.numa_next_scan = 0;
	x->mm->numa.numa_scan_offset = 0;
	task_numa_work(x->s, x->c1, x->t);
	assert_true(pte_protnone(tl_pte(&x->e, x->base)));
	for (uint64_t i = 0; i < x->pages; i++)	/* hint faults restore the PTEs */
		tl_fault(&x->e, 0, x->base + i * PAGE_SIZE, false);
	assert_false(pte_protnone(tl_pte(&x->e, x->base)));
}

/*
 * reset_ptenuma_scan(): when the saved scan offset lies past the last VMA
 * (the previous pass ended exactly at its end), task_numa_work() starts a
 * new sequence at address 0 and scans in the same call.
 */
static void test_scan_restarts_at_zero(void **state)
{
	(void)state;
	struct scan_env x;
	const char *const sets[] = { "transparent_hugepage.enabled=never",
				     "numa_balancing.scan_size_mb=16",
				     "numa_balancing.scan_delay_ms=10", NULL };
	scan_env_first_pass(&x, sets);

	/* the offset at the end of the last VMA: a new sequence starts now */
	x.c1->now += NSEC_PER_SEC;
	x.mm->numa.numa_next_scan = 0;
	x.mm->numa.numa_scan_offset = x.mm->vmas[x.mm->nr_vmas - 1].vm_end;
	const uint32_t seq = x.mm->numa.numa_scan_seq;
	const uint64_t updates = x.s->vs.event[NUMA_PTE_UPDATES];
	task_numa_work(x.s, x.c1, x.t);
	assert_int_equal(x.mm->numa.numa_scan_seq, seq + 1);
	if (x.s->vs.event[NUMA_PTE_UPDATES] == updates)
		fail_msg("task_numa_work() with the offset past the last VMA only bumped the "
			 "sequence; Linux resets to address 0 and scans in the same call");
	assert_true(pte_protnone(tl_pte(&x.e, x.base)));
	tl_env_free(&x.e);
}

/*
 * numasim.process_image: a process has text (never populated, skipped by
 * the scanner as a read-only file mapping), data, heap and a stack, and each
 * thread an 8 MiB stack under a PROT_NONE guard, whose top pages are written.
 */
static void test_process_image(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "transparent_hugepage.enabled=never", NULL };
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "seq:size=16M,threads=4,passes=2", sets, 1);
	struct mm_struct *mm = tl_mm(&e);
	const struct vm_area_struct *text = find_vma(mm, 0x400000);
	assert_non_null(text);
	assert_true((text->vm_flags & VM_FILE) && !(text->vm_flags & VM_WRITE));
	assert_true(pte_none(tl_pte(&e, text->vm_start)));
	uint64_t image = 0;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		image += mm->rss_node[n];
	image -= tl_region_pages(s, 0, 0, NUMA_NO_NODE);
	/* data 2, heap 1, main stack 3, and 2 per thread */
	assert_int_equal(image, 2 + 1 + 3 + 2 * 4);
	for (uint32_t i = 1; i < s->nr_tasks; i++) {
		const struct task *t = s->tasks[i];
		const struct vm_area_struct *st = find_vma(mm, t->stack_top - PAGE_SIZE);
		assert_non_null(st);
		assert_int_equal(st->vm_end, t->stack_top);
		assert_int_equal(st->vm_end - st->vm_start, 8 * MiB);
		const struct vm_area_struct *guard = find_vma(mm, st->vm_start - PAGE_SIZE);
		assert_non_null(guard);
		assert_false(vma_is_accessible(guard));
		assert_true(pte_present(tl_pte(&e, t->stack_top - PAGE_SIZE)));
		assert_true(pte_present(tl_pte(&e, t->stack_top - 2 * PAGE_SIZE)));
	}
	assert_oracle_clean(s);
	tl_env_free(&e);

	/* off: only the workload's mapping */
	const char *const off[] = { "transparent_hugepage.enabled=never", "numasim.process_image=0",
				    NULL };
	s = tl_run_spec(&e, "2node-128cpu", "seq:size=16M,threads=4,passes=2", off, 1);
	assert_int_equal(tl_mm(&e)->nr_vmas, 1);
	tl_env_free(&e);
}

/*
 * numasim.numab=0 scans as Linux before 6.4: no per-VMA state, so a VMA is
 * scanned on every pass, even within the scan delay of its first visit.
 */
static void test_numab_off_scans_every_pass(void **state)
{
	(void)state;
	for (int numab = 0; numab <= 1; numab++) {
		struct scan_env x;
		const char *const sets[] = { "transparent_hugepage.enabled=never",
					     "numa_balancing.scan_size_mb=16",
					     numab ? "numasim.numab=1" : "numasim.numab=0", NULL };
		scan_env_first_pass(&x, sets);	/* sequence 0: the first visit */
		x.c1->now += 100 * NSEC_PER_MSEC;	/* within the 1 s scan delay */
		x.mm->numa.numa_next_scan = 0;
		const uint64_t before = x.s->vs.event[NUMA_PTE_UPDATES];
		task_numa_work(x.s, x.c1, x.t);
		const uint64_t updated = x.s->vs.event[NUMA_PTE_UPDATES] - before;
		const uint64_t pages = x.pages;
		tl_env_free(&x.e);
		if (numab)
			assert_int_equal(updated, 0);	/* NUMAB_SKIP_SCAN_DELAY */
		else
			assert_int_equal(updated, pages);
	}
}

/*
 * change_prot_numa() flushes what its mmu_gather gathered: the pages whose
 * entries changed, not the whole range walked. Two present pages in 8 MiB
 * take two single-page flushes, not a full flush (the 33-page ceiling).
 */
static void test_prot_numa_flushes_changed_range(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "transparent_hugepage.enabled=never", NULL };
	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, 8 * MiB);
	tl_start(&e, 1);
	struct sim *s = e.s;
	const uint64_t base = tl_addr(&e, r);
	tl_fault(&e, 0, base + 4 * MiB, true);
	tl_fault(&e, 0, base + 4 * MiB + PAGE_SIZE, true);
	struct vm_area_struct *vma = find_vma(tl_mm(&e), base);
	struct cpu *c1 = tl_cpu(&e, 1);
	switch_mm_irqs_off(s, c1, tl_mm(&e));
	const uint64_t one = s->vs.event[NR_TLB_LOCAL_FLUSH_ONE];
	const uint64_t all = s->vs.event[NR_TLB_LOCAL_FLUSH_ALL];
	assert_int_equal(change_prot_numa(s, c1, s->tasks[0], vma, base, base + 8 * MiB), 2);
	assert_int_equal(s->vs.event[NR_TLB_LOCAL_FLUSH_ALL], all);
	assert_int_equal(s->vs.event[NR_TLB_LOCAL_FLUSH_ONE], one + 2);
	tl_env_free(&e);
}

/* A single-threaded process's pages already on its node are not scanned. */
static void test_single_thread_local_pages_skipped(void **state)
{
	(void)state;
	struct tl_env e;
	tl_env_init(&e, "2node-128cpu", fast_scan);
	struct wl_phase *ph = wl_add_phase(&e.wl, e.prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(&e, 16 * MiB);
	ph = wl_add_phase(&e.wl, e.prog, WL_SWEEP);
	ph->region = r, ph->len = 16 * MiB, ph->count = 200, ph->access = WL_WRITE;
	tl_start(&e, 1);
	assert_int_equal(e.s->vs.event[NUMA_PTE_UPDATES], 0);
	assert_int_equal(e.s->vs.event[NUMA_HINT_FAULTS], 0);
	tl_env_free(&e);
}

/*
 * Shared copy-on-write folios are not made protnone (prot_numa_skip: Linux
 * 6.10 folio_likely_mapped_shared, or the older refcount test): after a
 * fork, parent and child read memory on the remote node and nothing is
 * scanned; without the fork the same memory is scanned and moved.
 */
static void cow_run(struct tl_env *e, bool fork, const char *mthp)
{
	const char *const sets[] = {
		"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
		"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never", mthp, NULL,
	};
	tl_env_init(e, "2node-128cpu", sets);
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, WL_SET_AFFINITY);
	ph->pol.nodes = 1;
	uint32_t r = tl_mmap(e, 8 * MiB);
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_BIND, 1ull << 1 };
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = 8 * MiB, ph->count = 1, ph->access = WL_WRITE;
	ph = wl_add_phase(&e->wl, e->prog, WL_SET_MEMPOLICY);
	ph->pol = (struct mempolicy){ MPOL_DEFAULT, 0 };
	if (fork) {
		uint32_t child = wl_add_program(&e->wl);
		ph = wl_add_phase(&e->wl, child, WL_SWEEP);
		ph->region = r, ph->len = 8 * MiB, ph->count = 400, ph->access = WL_READ;
		wl_add_phase(&e->wl, e->prog, WL_FORK)->target = child;
	}
	ph = wl_add_phase(&e->wl, e->prog, WL_SWEEP);
	ph->region = r, ph->len = 8 * MiB, ph->count = 400, ph->access = WL_READ;
	wl_add_phase(&e->wl, e->prog, WL_JOIN);
	tl_start(e, 1);
}

static void test_shared_cow_not_scanned(void **state)
{
	(void)state;
	const char *const modes[] = { "numasim.mthp_numa=1", "numasim.mthp_numa=0" };
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct tl_env e;
		cow_run(&e, true, modes[m]);
		assert_int_equal(e.s->nr_mms, 2);
		assert_int_equal(e.s->vs.event[NUMA_PTE_UPDATES], 0);
		assert_int_equal(e.s->vs.event[NUMA_PAGE_MIGRATE], 0);
		assert_int_equal(e.s->mms[1]->rss_node[1], 8 * MiB / PAGE_SIZE);
		assert_oracle_clean(e.s);
		tl_env_free(&e);
		/* control: no fork, the same pages are scanned and brought home */
		cow_run(&e, false, modes[m]);
		assert_true(e.s->vs.event[NUMA_PTE_UPDATES] > 0);
		assert_int_equal(e.s->vs.event[NUMA_PAGE_MIGRATE], 8 * MiB / PAGE_SIZE);
		tl_env_free(&e);
	}
}

/* The share of a slice's pages on node @nid. */
static double slice_share_on(struct tl_env *e, uint64_t start, uint64_t len, uint32_t nid)
{
	uint64_t on = 0, n = 0;
	for (uint64_t a = start; a < start + len; a += PAGE_SIZE, n++) {
		pte_t p = tl_pte(e, a);
		on += pte_present(p) && pte_nid(p) == nid;
	}
	return (double)on / (double)n;
}

/* numa02: each thread's private slice ends on the node the thread runs on. */
static void test_numa02_slices_end_local(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = tl_run_spec(&e, "4node-48cpu", "numa02:size=96M,loops=400", fast_scan, 1);
	const uint32_t threads = s->nr_tasks - 1;
	const uint64_t slice = 96 * MiB / threads;
	uint32_t local_slices = 0;
	for (uint32_t i = 0; i < threads; i++) {
		struct task *t = s->tasks[1 + i];
		double share = slice_share_on(&e, tl_addr(&e, 0) + i * slice, slice, s->cpus[t->cpu].node);
		local_slices += share >= 0.9;
	}
	/* every slice started on the main thread's node: 3/4 of them had to move */
	assert_true(s->vs.event[NUMA_PAGE_MIGRATE] > 96 * MiB / PAGE_SIZE / 2);
	assert_true(local_slices >= threads * 9 / 10);
	assert_oracle_clean(s);
	tl_env_free(&e);
}

/* numa01: the two processes end on different nodes, each with its memory. */
/*
 * numa01 (every thread of a process writes the whole buffer) under mainline
 * balancing: shared pages move by the group's CPU use (the 3/4 rule of
 * should_numa_migrate_memory), so memory spreads over both nodes and the run
 * beats the same run without balancing. The two processes need not separate
 * onto one node each: a local hint fault leaves last_cpupid alone, so the
 * two-stage filter does not hold shared pages back, and Linux 6.1 running
 * numa01 with 2 processes of 4 threads on 2 nodes (tools/kref) kept both
 * processes' buffers mostly on their first node for a minute. (Without the
 * process image: with 64 thread stacks per process, the scanner's forced
 * one-VMA-per-pass retries stretch each scan sequence; see docs.)
 */
static void test_numa01_balancing_helps(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const off[] = { "kernel.numa_balancing=0", "transparent_hugepage.enabled=never",
				    "numasim.process_image=0", NULL };
	tl_run_spec(&e, "2node-128cpu", "numa01:size=64M,loops=40", off, 1);
	const uint64_t off_ns = e.s->end_ns;
	tl_env_free(&e);

	const char *const on_sets[] = {
		"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
		"numa_balancing.scan_size_mb=16", "transparent_hugepage.enabled=never",
		"numasim.process_image=0", NULL,
	};
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa01:size=64M,loops=40", on_sets, 1);
	assert_true(s->vs.event[NUMA_PAGE_MIGRATE] > 0);
	uint64_t on[2] = { 0, 0 };
	for (uint32_t p = 0; p < 2; p++)
		for (uint32_t n = 0; n < 2; n++)
			on[n] += s->mms[p]->rss_node[n];
	const uint64_t on_ns = s->end_ns;
	assert_oracle_clean(s);
	tl_env_free(&e);
	if (on_ns * 100 > off_ns * 97 || on[0] < (on[0] + on[1]) / 4 || on[1] < (on[0] + on[1]) / 4)
		fail_msg("numa01 64M: %.3f s balanced vs %.3f s off; pages on node 0/1 %llu/%llu "
			 "(first touch put all on node 0)", (double)on_ns / 1e9,
			 (double)off_ns / 1e9, (unsigned long long)on[0], (unsigned long long)on[1]);
}

/* Migrations, groups and task swaps keep runs byte-identical. */
static void test_balancing_deterministic(void **state)
{
	(void)state;
	char *text[2];
	uint64_t migrated = 0;
	for (int i = 0; i < 2; i++) {
		struct tl_env e;
		tl_run_spec(&e, "2node-128cpu", "numa01:size=32M,loops=20", fast_scan, 3);
		migrated = e.s->vs.event[NUMA_PAGE_MIGRATE];
		text[i] = tl_result_text(e.s, 1);
		tl_env_free(&e);
	}
	assert_true(migrated > 0);
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_period_formulas),
		cmocka_unit_test(test_scan_period_adaptation),
		cmocka_unit_test(test_two_stage_filter),
		cmocka_unit_test(test_local_hint_fault_keeps_last_cpupid),
		cmocka_unit_test(test_decay_and_preferred_node),
		cmocka_unit_test(test_group_formation),
		cmocka_unit_test(test_memory_follows_task),
		cmocka_unit_test(test_thp_follows_task),
		cmocka_unit_test(test_mthp_numa_switch),
		cmocka_unit_test(test_first_scan_after_one_delay),
		cmocka_unit_test(test_scan_restarts_at_zero),
		cmocka_unit_test(test_process_image),
		cmocka_unit_test(test_numab_off_scans_every_pass),
		cmocka_unit_test(test_prot_numa_flushes_changed_range),
		cmocka_unit_test(test_single_thread_local_pages_skipped),
		cmocka_unit_test(test_shared_cow_not_scanned),
		cmocka_unit_test(test_numa02_slices_end_local),
		cmocka_unit_test(test_numa01_balancing_helps),
		cmocka_unit_test(test_balancing_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
