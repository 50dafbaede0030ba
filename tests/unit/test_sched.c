// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_sched.c - where fork() and clone() put a new task
 * (select_task_rq_fair with WF_FORK: sched_balance_find_dst_cpu over the
 * SD_BALANCE_FORK domains), and what follows at the start of a run.
 *
 * Most tests build a simulation without running it: process 0's main thread
 * is then the running parent on CPU 0, and each test forks children from it
 * with wake_up_new_task(), as kernel/fork.c does, reading where they land.
 */
#include "testlib.h"

#include "machine/machine.h"
#include "numa/numa_balancing.h"

/* A machine from machine-file text (docs/machine-file.md). */
static void load_machine(struct machine *m, const char *text)
{
	char err[256] = "";

	if (machine_parse(m, text, strlen(text), "test.machine", err, sizeof(err)))
		fail_msg("machine_parse: %s", err);
}

/* Machine @preset, or @text if not NULL; an empty process 0; the simulation
 * created, not run. */
static struct sim *fork_env(struct tl_env *e, const char *preset, const char *text)
{
	char err[512] = "";

	tl_env_init(e, preset, NULL);
	if (text)
		load_machine(&e->m, text);
	if (workload_validate(&e->wl, err, sizeof(err)))
		fail_msg("workload_validate: %s", err);
	e->s = calloc(1, sizeof(*e->s));
	assert_non_null(e->s);
	if (sim_create(e->s, &e->m, &e->tun, &e->wl, 1, err, sizeof(err)))
		fail_msg("sim_create: %s", err);
	return e->s;
}

static struct task *parent_task(struct sim *s)
{
	struct task *p = s->tasks[0];

	assert_int_equal(p->state, TASK_RUNNING);
	assert_ptr_equal(s->cpus[p->cpu].curr, p);
	return p;
}

/* A new thread of @parent's process (clone with CLONE_VM); not yet placed. */
static struct task *new_thread(struct tl_env *e, struct task *parent)
{
	return task_create(e->s, parent->mm, parent->proc, e->prog, parent, e->s->cpus[parent->cpu].now);
}

/* @parent clones a thread on its CPU; return the CPU it is given. */
static uint32_t fork_from(struct tl_env *e, struct task *parent, struct task *t)
{
	wake_up_new_task(e->s, t, parent->cpu, e->s->cpus[parent->cpu].now);
	assert_int_equal(t->state, TASK_RUNNING);
	return t->cpu;
}

static uint32_t clone_thread(struct tl_env *e, struct task *parent)
{
	return fork_from(e, parent, new_thread(e, parent));
}

static uint32_t node_of(struct sim *s, uint32_t cpu)
{
	return s->cpus[cpu].node;
}

/* Restrict @t to the CPUs of the nodes in @nodes. */
static void allow_nodes(struct sim *s, struct task *t, nodemask_t nodes)
{
	memset(&t->cpus_allowed, 0, sizeof(t->cpus_allowed));
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if ((nodes >> s->cpus[c].node) & 1)
			cpumask_set(&t->cpus_allowed, c);
}

/*
 * 2node-128cpu: imb_numa_nr = 64 >> 3 = 8. While the parent's node would
 * run at most 8 tasks, a fork stays local unless the nodes' idle CPUs differ
 * by more than NUMA_IMBALANCE_MIN (2); beyond that it goes to the node with
 * more idle CPUs. From one parent on CPU 0: local, local, then the third
 * fork (the fourth runnable task) goes remote; the two nodes then alternate
 * with node 0 up to 2 ahead until it runs 8 tasks, and are kept even after.
 */
static void test_fork_numa_imbalance_allowance(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "2node-128cpu", NULL);
	struct task *p = parent_task(s);
	/* L L R, L R x5, R R, then alternating from even */
	static const uint32_t want[] = { 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
					 1, 1, 0, 1, 0, 1, 0, 1 };

	assert_int_equal(p->cpu, 0);
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t c = clone_thread(&e, p);
		if (node_of(s, c) != want[i])
			fail_msg("fork %u went to node %u (CPU %u), Linux puts it on node %u", i + 1,
				 node_of(s, c), c, want[i]);
	}
	tl_env_free(&e);
}

/*
 * 4node-48cpu: 12 CPUs a node, so imb_numa_nr = max(1, 12 >> 3) = 1 and a
 * fork leaves a node as soon as another has more idle CPUs: one task per
 * node, round the ring of groups from the parent's node, before any node
 * gets a second.
 */
static void test_fork_numa_allowance_4node(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "4node-48cpu", NULL);
	struct task *p = parent_task(s);
	static const uint32_t want[] = { 1, 2, 3, 0, 1, 2, 3, 0 };

	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(node_of(s, clone_thread(&e, p)), want[i]);
	tl_env_free(&e);
}

/*
 * Inside a node, groups are SMT cores: a fork takes an idle core (the next
 * one after the parent's, as Linux links the groups), and only when every
 * core is half busy an idle SMT sibling, the parent's own first.
 * 1 node, 4 cores x 2 threads: CPUs 0-3 are the first threads, 4-7 their
 * siblings.
 */
static const char smt_machine[] =
	"smt = 2\n"
	"[node 0]\nmemory = 1G\ncores = 4\nbw_gbps = 100\n"
	"[latency]\n0 = 80\n";

static void test_fork_idle_core_before_sibling(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "2node-128cpu", smt_machine);
	struct task *p = parent_task(s);
	static const uint32_t want[] = { 3, 0, 1, 6, 7, 4, 5, 2 };

	assert_int_equal(s->m.nr_nodes, 1);
	assert_int_equal(s->m.nr_cpus, 8);
	sched_migrate_curr(s, &s->cpus[0], &s->cpus[2]);	/* the parent runs on CPU 2 */
	assert_int_equal(p->cpu, 2);
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++) {
		uint32_t c = clone_thread(&e, p);
		if (c != want[i])
			fail_msg("fork %u went to CPU %u, Linux puts it on CPU %u", i + 1, c, want[i]);
	}
	/* the last: every CPU busy, nothing beats the parent's own CPU */
	assert_int_equal(s->cpus[2].nr_running, 2);
	tl_env_free(&e);
}

/*
 * numa_preferred_nid: a thread inherits its parent's (a forked process
 * starts with none), and when both nodes have spare CPUs the fork path sends
 * it to its preferred node, or keeps it there, whatever the imbalance.
 */
static void test_fork_preferred_nid(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "2node-128cpu", NULL);
	struct task *p = parent_task(s);

	/* alone on node 0, a thread would stay; preferring node 1 it goes there */
	p->numa.numa_preferred_nid = 1;
	struct task *t = new_thread(&e, p);
	assert_int_equal(t->numa.numa_preferred_nid, 1);
	assert_int_equal(node_of(s, fork_from(&e, p, t)), 1);

	/* a new address space (fork) has no preferred node: it stays */
	struct task *f = task_create(s, p->mm, p->proc, e.prog, NULL, s->cpus[p->cpu].now);
	assert_int_equal(f->numa.numa_preferred_nid, NUMA_NO_NODE);
	assert_int_equal(node_of(s, fork_from(&e, p, f)), 0);

	/* ten tasks pinned to node 0: the imbalance sends a thread away ... */
	p->numa.numa_preferred_nid = NUMA_NO_NODE;
	for (int i = 0; i < 10; i++) {
		struct task *pinned = new_thread(&e, p);
		allow_nodes(s, pinned, 1ull << 0);
		assert_int_equal(node_of(s, fork_from(&e, p, pinned)), 0);
	}
	assert_int_equal(node_of(s, clone_thread(&e, p)), 1);
	/* ... unless node 0 is its preferred node */
	p->numa.numa_preferred_nid = 0;
	assert_int_equal(node_of(s, clone_thread(&e, p)), 0);
	tl_env_free(&e);
}

/*
 * Affinity: groups the task may not use are skipped, and a group's idle CPUs
 * and runnable tasks count only the CPUs it may use (its weight and capacity
 * stay the whole group's), which also caps imb_numa_nr.
 */
static void test_fork_affinity(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "2node-128cpu", NULL);
	struct task *p = parent_task(s);

	/*
	 * CPUs 0 and 1 of node 0, and node 1. Node 0 counts two CPUs, one
	 * idle, node 1 counts 64 idle: an imbalance far above the allowance
	 * (which the two CPUs also cap at 2), so the child goes to node 1,
	 * though node 0 runs only the parent.
	 */
	struct task *t = new_thread(&e, p);
	allow_nodes(s, t, 1ull << 1);
	cpumask_set(&t->cpus_allowed, 0);
	cpumask_set(&t->cpus_allowed, 1);
	assert_int_equal(node_of(s, fork_from(&e, p, t)), 1);

	/* only node 1 */
	t = new_thread(&e, p);
	allow_nodes(s, t, 1ull << 1);
	assert_int_equal(node_of(s, fork_from(&e, p, t)), 1);

	/* one CPU: that CPU (cpumask_any) */
	t = new_thread(&e, p);
	memset(&t->cpus_allowed, 0, sizeof(t->cpus_allowed));
	cpumask_set(&t->cpus_allowed, 5);
	assert_int_equal(fork_from(&e, p, t), 5);
	tl_env_free(&e);
}

/*
 * Two NUMA levels: 4 nodes of 4 CPUs, node pairs {0,1} and {2,3} at 20, the
 * pairs 25 apart (both within node_reclaim_distance, 30, so both levels
 * balance forks). imb_numa_nr is 1 on the pair level and 2 on the top one.
 * The first fork stays in the parent's pair (top level: 1 task, allowed)
 * and moves to the other node of it (pair level: allowance 1); the second
 * leaves for the other pair, where the walk restarts one level down.
 */
static const char four_node_machine[] =
	"[node 0]\nmemory = 1G\ncores = 4\nsocket = 0\nbw_gbps = 100\n"
	"[node 1]\nmemory = 1G\ncores = 4\nsocket = 1\nbw_gbps = 100\n"
	"[node 2]\nmemory = 1G\ncores = 4\nsocket = 2\nbw_gbps = 100\n"
	"[node 3]\nmemory = 1G\ncores = 4\nsocket = 3\nbw_gbps = 100\n"
	"[latency]\n0 = 80 100 120 120\n1 = 100 80 120 120\n2 = 120 120 80 100\n"
	"3 = 120 120 100 80\n"
	"[distance]\n0 = 10 20 %u %u\n1 = 20 10 %u %u\n2 = %u %u 10 20\n3 = %u %u 20 10\n";

static struct sim *four_node_env(struct tl_env *e, unsigned far)
{
	char text[1024];

	snprintf(text, sizeof(text), four_node_machine, far, far, far, far, far, far, far, far);
	return fork_env(e, "2node-128cpu", text);
}

static void test_fork_two_numa_levels(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = four_node_env(&e, 25);
	struct task *p = parent_task(s);

	assert_int_equal(s->m.nr_cpus, 16);
	assert_int_equal(node_of(s, clone_thread(&e, p)), 1);
	assert_int_equal(node_of(s, clone_thread(&e, p)), 2);
	tl_env_free(&e);
}

/* The pairs 32 apart: beyond node_reclaim_distance the top level loses
 * SD_BALANCE_FORK, so forks never leave the parent's pair; with its 8 CPUs
 * busy they stack there while nodes 2 and 3 stay idle. */
static void test_fork_beyond_reclaim_distance(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = four_node_env(&e, 32);
	struct task *p = parent_task(s);

	for (int i = 0; i < 12; i++)
		assert_true(node_of(s, clone_thread(&e, p)) <= 1);
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (node_of(s, c) >= 2)
			assert_int_equal(s->cpus[c].nr_running, 0);
	tl_env_free(&e);
}

/*
 * NUMA balancing reads the same imb_numa_nr (task_numa_migrate: sd_numa's,
 * 8 on 2node-128cpu). A task on node 0, with its faults on node 1, may move
 * to an idle CPU there when that leaves the nodes within the allowance: node
 * 0 runs 4 tasks (3 after the move), node 1 runs 3 (4 after), an imbalance
 * of 1 at 4 tasks, allowed below imb_numa_nr. So it moves rather than swaps.
 */
static void test_numa_migrate_imb_numa_nr(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = fork_env(&e, "2node-128cpu", NULL);
	struct task *p = parent_task(s);
	struct cpu *c = &s->cpus[p->cpu];

	for (uint32_t n = 0; n < 2; n++)
		for (int i = 0; i < 3; i++) {
			struct task *t = new_thread(&e, p);
			allow_nodes(s, t, 1ull << n);
			assert_int_equal(node_of(s, fork_from(&e, p, t)), n);
		}
	c->now = NSEC_PER_MSEC;
	task_numa_fault(s, c, p, CPUPID_UNSET, 1, 400, 0);
	p->mm->numa.numa_scan_seq = 1;		/* a new scan sequence: placement runs */
	task_numa_fault(s, c, p, CPUPID_UNSET, 1, 400, 0);
	assert_int_equal(p->numa.numa_preferred_nid, 1);
	assert_int_not_equal(p->numa.pending_cpu, UINT32_MAX);
	assert_int_equal(node_of(s, p->numa.pending_cpu), 1);
	assert_int_equal(s->cpus[p->numa.pending_cpu].nr_running, 0);
	assert_null(p->numa.pending_swap);
	tl_env_free(&e);
}

/* ---- the start of whole runs ---- */

/*
 * A thread that blocks at once (here: sleeps) has done so when its parent
 * clones the next one, as on a real machine: the next fork finds its CPU
 * idle again and takes it (the first idle group in the ring after the
 * parent's). 1 node of 4 CPUs without SMT.
 */
static void test_fork_sees_sleeping_child(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", NULL);
	load_machine(&e.m, "[node 0]\nmemory = 1G\ncores = 4\nbw_gbps = 100\n[latency]\n0 = 80\n");
	uint32_t sleeper = wl_add_program(&e.wl), worker = wl_add_program(&e.wl);
	wl_add_spawn(&e.wl, e.prog, sleeper);
	wl_add_spawn(&e.wl, e.prog, worker);
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	wl_add_phase(&e.wl, sleeper, WL_SLEEP)->ns = NSEC_PER_MSEC;
	wl_add_phase(&e.wl, worker, WL_COMPUTE)->ns = 10 * NSEC_PER_MSEC;
	tl_start(&e, 1);

	struct task *w = e.s->tasks[2];
	assert_ptr_equal(w->prog, &e.wl.programs[worker]);
	assert_int_equal(w->cpu, 1);		/* the sleeper's CPU, idle again */
	assert_int_equal(w->nr_migrations, 0);
	tl_env_free(&e);
}

/*
 * kref's numabench numa01 -p 2 -t 2 on Linux 6.1, 2 nodes x 2 CPUs: a
 * monitor forks two processes; each first-touches its buffer, then clones
 * two threads that sweep it. Linux put each process, its buffer and its
 * threads on a node of its own from the start: the first child leaves the
 * monitor's node (imb_numa_nr is 1 there), the second stays; each first
 * thread finds its process's node as idle as the other and stays, each
 * second thread finds both nodes full and stays on its parent's CPU. Here
 * the threads sweep at once (kref's wait for every thread to be ready is
 * left out) and NUMA balancing is off, so only the placement at fork shows.
 */
static const char kref_machine[] =
	"base = 2node-128cpu\n"
	"smt = 1\n"
	"[node 0]\nmemory = 1G\ncores = 2\n"
	"[node 1]\nmemory = 1G\ncores = 2\n"
	"[distance]\n0 = 10 21\n1 = 21 10\n";

static void test_kref_numa01_start(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t size = 16 * MiB;

	tl_env_init(&e, "2node-128cpu", (const char *[]){ "kernel.numa_balancing=0", NULL });
	load_machine(&e.m, kref_machine);
	uint32_t child = wl_add_program(&e.wl), thread = wl_add_program(&e.wl);
	wl_add_phase(&e.wl, e.prog, WL_FORK)->target = child;
	wl_add_phase(&e.wl, e.prog, WL_FORK)->target = child;
	wl_add_phase(&e.wl, e.prog, WL_JOIN);
	/* the forked child: its own buffer, touched, then two threads */
	wl_add_phase(&e.wl, child, WL_MMAP)->len = size;
	wl_add_sweep(&e.wl, child, 0, 0, size, 1, WL_WRITE);
	wl_add_spawn(&e.wl, child, thread);
	wl_add_spawn(&e.wl, child, thread);
	wl_add_phase(&e.wl, child, WL_JOIN);
	wl_add_sweep(&e.wl, thread, 0, 0, size, 20, WL_WRITE);
	tl_start(&e, 1);

	struct sim *s = e.s;
	assert_int_equal(s->nr_mms, 3);
	uint32_t child_node[3] = { 0 };
	for (uint32_t p = 1; p < 3; p++) {
		/* the child's buffer is on its node, and so are both threads */
		child_node[p] = s->mms[p]->rss_node[0] ? 0 : 1;
		assert_int_equal(s->mms[p]->rss_node[1 - child_node[p]], 0);
		uint32_t threads = 0;
		for (uint32_t i = 0; i < s->nr_tasks; i++) {
			const struct task *t = s->tasks[i];
			if (t->mm == s->mms[p] && t->parent && t->parent->mm == t->mm) {
				assert_int_equal(node_of(s, t->cpu), child_node[p]);
				assert_int_equal(t->nr_migrations, 0);
				threads++;
			}
		}
		assert_int_equal(threads, 2);
	}
	/* the two processes on different nodes, the first away from the monitor */
	assert_int_not_equal(child_node[1], child_node[2]);
	assert_int_equal(child_node[1], 1);
	assert_oracle_clean(s);
	tl_env_free(&e);
}

/*
 * numa01 on 2node-128cpu: both processes start on node 0 (the first as if
 * exec'd there, the second forked from it), then clone 64 threads each at
 * the same time. Past the first few, forks keep the nodes' idle CPUs even,
 * so the threads fill both nodes, 64 each, and each process has threads on
 * both: the split start NUMA balancing has to regroup. How a process's
 * threads divide depends on how the two parents' clones interleave (the
 * seed's clone jitter): the nodes alternate, whoever forks.
 */
static void test_numa01_start_split(void **state)
{
	(void)state;
	struct tl_env e;
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa01",
				    (const char *[]){ "numasim.sample_ms=3",
						      "numasim.max_sim_seconds=1", NULL }, 1);
	uint64_t per_node[2] = { 0, 0 };

	assert_true(s->ts.nr >= 3);
	assert_int_equal(s->ts.s[0].t_ns, 0);
	for (uint32_t p = 0; p < 2; p++) {
		/* time 0: each main thread, on node 0 */
		assert_int_equal(s->ts.s[0].proc_tasks[p * MAX_NUMNODES + 0], 1);
		assert_int_equal(s->ts.s[0].proc_tasks[p * MAX_NUMNODES + 1], 0);
		/* 3 ms: 64 threads running, the main thread waiting in join */
		const uint64_t *n = &s->ts.s[1].proc_tasks[p * MAX_NUMNODES];
		assert_int_equal(n[0] + n[1], 64);
		assert_true(n[0] >= 8 && n[1] >= 8);
		per_node[0] += n[0];
		per_node[1] += n[1];
	}
	assert_int_equal(per_node[0], 64);
	assert_int_equal(per_node[1], 64);
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		assert_int_equal(s->cpus[c].nr_running, 1);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_numa_imbalance_allowance),
		cmocka_unit_test(test_fork_numa_allowance_4node),
		cmocka_unit_test(test_fork_idle_core_before_sibling),
		cmocka_unit_test(test_fork_preferred_nid),
		cmocka_unit_test(test_fork_affinity),
		cmocka_unit_test(test_fork_two_numa_levels),
		cmocka_unit_test(test_fork_beyond_reclaim_distance),
		cmocka_unit_test(test_numa_migrate_imb_numa_nr),
		cmocka_unit_test(test_fork_sees_sleeping_child),
		cmocka_unit_test(test_kref_numa01_start),
		cmocka_unit_test(test_numa01_start_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
