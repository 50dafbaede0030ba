// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_scenarios.c - every built-in workload at small scale on the
 * default machine, with asserted placements, counters and a clean oracle; and
 * determinism of the whole JSON result.
 */
#include "testlib.h"

struct run {
	struct machine m;
	struct workload wl;
	struct sim *s;
};

static void run_spec(struct run *r, const char *machine, const char *spec, double scale,
		     uint64_t seed, const char *const *sets)
{
	char err[512];
	struct tunables tun;
	tunables_init(&tun);
	for (; sets && *sets; sets++)
		assert_int_equal(tunable_set(&tun, *sets, err, sizeof(err)), 0);
	assert_int_equal(machine_preset(&r->m, machine), 0);
	assert_int_equal(workload_build(&r->wl, spec, &r->m, scale, seed, err, sizeof(err)), 0);
	r->s = calloc(1, sizeof(*r->s));
	assert_non_null(r->s);
	if (sim_create(r->s, &r->m, &tun, &r->wl, seed, err, sizeof(err)))
		fail_msg("sim_create: %s", err);
	if (sim_run(r->s))
		fail_msg("sim_run: %s", r->s->error);
}

static void run_free(struct run *r)
{
	sim_destroy(r->s);
	free(r->s);
	workload_free(&r->wl);
}

static uint64_t pages(uint64_t bytes)
{
	return bytes >> PAGE_SHIFT;
}

/* numa01: each process's buffer is first touched under MPOL_BIND to one node,
 * so all of both buffers sit on that node; with no NUMA balancing yet, they stay. */
static void check_numa01(const char *spec, uint64_t seed)
{
	struct run r;
	/* the layout the program itself makes: no balancing moves it */
	const char *const off[] = { "kernel.numa_balancing=0", NULL };
	run_spec(&r, "2node-128cpu", spec, 0.01, seed, off);
	struct sim *s = r.s;
	uint32_t node = strstr(r.wl.desc, "node=1") ? 1 : 0;
	assert_int_equal(s->nr_mms, 2);
	for (uint32_t p = 0; p < 2; p++) {	/* the buffer; stacks are where threads ran */
		assert_true(tl_region_pages(s, p, 0, (int)node) > 0);
		assert_int_equal(tl_region_pages(s, p, 0, (int)(1 - node)), 0);
	}
	/* 64 threads per process plus the two main threads */
	assert_int_equal(s->nr_tasks, 2 + 2 * 64);
	/* THP on by default: the 30 MiB buffer is mostly PMD-mapped */
	assert_true(s->vs.event[THP_FAULT_ALLOC] >= 2 * 14);
	assert_true(s->end_ns > 0);
	assert_oracle_clean(s);
	run_free(&r);
}

static void test_numa01(void **state)
{
	(void)state;
	check_numa01("numa01", 1);
	check_numa01("numa01:node=1", 1);
}

static void test_numa01_thread_alloc(void **state)
{
	(void)state;
	check_numa01("numa01_THREAD_ALLOC:loops=20", 3);
}

/* numa02: the main thread first-touches the whole buffer, so it all lands on
 * the main thread's node; every thread then writes its own slice. */
static void check_numa02(const char *spec, uint32_t threads)
{
	struct run r;
	run_spec(&r, "2node-128cpu", spec, 0.01, 1, NULL);
	struct sim *s = r.s;
	uint32_t main_node = s->cpus[s->tasks[0]->cpu].node;
	uint64_t total = tl_region_pages(s, 0, 0, NUMA_NO_NODE);
	assert_int_equal(tl_region_pages(s, 0, 0, (int)main_node), total);
	assert_true(total >= pages(10 * MiB));
	assert_int_equal(s->nr_tasks, 1 + threads);
	/* the scheduler spreads the threads over both nodes */
	uint32_t on[2] = { 0, 0 };
	for (uint32_t i = 1; i < s->nr_tasks; i++)
		on[s->cpus[s->tasks[i]->cpu].node]++;
	assert_true(on[0] >= threads / 2 - 1 && on[1] >= threads / 2 - 1);
	if (threads == 64) {
		/* numa02_SMT: half the CPUs; idle cores are used before siblings */
		uint32_t per_core[64] = { 0 };
		for (uint32_t i = 1; i < s->nr_tasks; i++)
			per_core[s->cpus[s->tasks[i]->cpu].core]++;
		for (uint32_t c = 0; c < 64; c++)
			assert_true(per_core[c] <= 1 + (c == s->cpus[s->tasks[0]->cpu].core));
	}
	assert_oracle_clean(s);
	run_free(&r);
}

static void test_numa02(void **state)
{
	(void)state;
	check_numa02("numa02", 128);
}

static void test_numa02_smt(void **state)
{
	(void)state;
	check_numa02("numa02_SMT", 64);
}

/* Private slices first touched by their own thread end up local to it. */
static void test_seq_first_touch_local(void **state)
{
	(void)state;
	const char *const sets[] = { "transparent_hugepage.enabled=never", NULL };
	struct run r;
	run_spec(&r, "4node-48cpu", "seq:size=96M,threads=48,passes=2,init=thread", 1.0, 7, sets);
	struct sim *s = r.s;
	uint64_t total = 0;
	for (uint32_t n = 0; n < 4; n++) {
		/* 12 threads per node, 2 MiB each: 512 pages per thread */
		assert_int_equal(tl_region_pages(s, 0, 0, (int)n), 12 * 512);
		total += tl_region_pages(s, 0, 0, (int)n);
	}
	assert_int_equal(total, pages(96 * MiB));
	assert_int_equal(s->vs.event[THP_FAULT_ALLOC], 0);
	assert_oracle_clean(s);
	run_free(&r);
}

/* Put @ph before the first phase of the main program of process 0. */
static void prepend_main_phase(struct workload *wl, struct wl_phase ph)
{
	uint32_t prog = wl->procs[0].main_program;
	wl_add_phase(wl, prog, ph.op);
	struct wl_program *mp = &wl->programs[prog];
	memmove(&mp->phases[1], &mp->phases[0], (mp->nr_phases - 1) * sizeof(ph));
	mp->phases[0] = ph;
}

static struct sim *run_workload(struct machine *m, struct workload *wl)
{
	char err[256];
	struct tunables tun;
	tunables_init(&tun);
	struct sim *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_int_equal(sim_create(s, m, &tun, wl, 1, err, sizeof(err)), 0);
	if (sim_run(s))
		fail_msg("sim_run: %s", s->error);
	return s;
}

/* sched_setaffinity to node 1: the threads inherit it, run only there, and
 * first-touch their memory there (default policy: local). */
static void test_affinity(void **state)
{
	(void)state;
	struct machine m;
	struct workload wl;
	char err[256];
	assert_int_equal(machine_preset(&m, "4node-48cpu"), 0);
	assert_int_equal(workload_build(&wl, "seq:size=48M,threads=24,passes=3,init=thread", &m, 1.0,
					1, err, sizeof(err)), 0);
	struct wl_phase aff = { .op = WL_SET_AFFINITY, .pol = { MPOL_DEFAULT, 1ull << 2 } };
	prepend_main_phase(&wl, aff);
	assert_int_equal(workload_validate(&wl, err, sizeof(err)), 0);
	struct sim *s = run_workload(&m, &wl);
	assert_int_equal(s->nr_tasks, 25);
	for (uint32_t i = 0; i < s->nr_tasks; i++)
		assert_int_equal(s->cpus[s->tasks[i]->cpu].node, 2);
	assert_int_equal(tl_region_pages(s, 0, 0, 2), pages(48 * MiB));
	/* 24 threads on 12 CPUs of node 2: both hardware threads of every core busy */
	for (uint32_t c = 0; c < s->m.nr_cpus; c++)
		if (s->cpus[c].node == 2)
			assert_true(s->cpus[c].busy_ns > 0);
		else	/* at most start-up (image pages, before the call) and the call itself */
			assert_true(s->cpus[c].busy_ns <= 20000);
	sim_destroy(s);
	free(s);
	workload_free(&wl);
}

/* Remote placement is slower: the same sweep bound to the far node takes longer. */
static void test_remote_slower(void **state)
{
	(void)state;
	struct run a, b;
	run_spec(&a, "2node-128cpu", "seq:size=64M,threads=1,passes=20,init=main", 1.0, 1, NULL);
	uint32_t node = a.s->cpus[a.s->tasks[0]->cpu].node;
	uint64_t local_ns = a.s->end_ns;
	/* fork balancing keeps a lone child on its parent's node */
	assert_int_equal(a.s->cpus[a.s->tasks[1]->cpu].node, node);
	assert_int_equal(tl_region_pages(a.s, 0, 0, (int)node), pages(64 * MiB));
	run_free(&a);
	/* the same run with the memory bound to the other node */
	struct machine m;
	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	struct workload wl;
	char err[256];
	assert_int_equal(workload_build(&wl, "seq:size=64M,threads=1,passes=20,init=main", &m, 1.0, 1,
					err, sizeof(err)), 0);
	struct wl_phase bind = { .op = WL_SET_MEMPOLICY, .pol = { MPOL_BIND, 1ull << (1 - node) } };
	prepend_main_phase(&wl, bind);
	b.s = run_workload(&m, &wl);
	assert_int_equal(tl_region_pages(b.s, 0, 0, (int)(1 - node)), pages(64 * MiB));
	assert_true(b.s->end_ns > local_ns * 5 / 4);
	sim_destroy(b.s);
	free(b.s);
	workload_free(&wl);
}

static void test_determinism(void **state)
{
	(void)state;
	struct run a, b;
	run_spec(&a, "2node-128cpu", "numa01_THREAD_ALLOC:loops=10", 0.01, 42, NULL);
	run_spec(&b, "2node-128cpu", "numa01_THREAD_ALLOC:loops=10", 0.01, 42, NULL);
	char *ja = tl_result_text(a.s, 0.01), *jb = tl_result_text(b.s, 0.01);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	run_free(&a);
	run_free(&b);
}

/* The seed reaches workloads without random accesses through the thread
 * creation jitter: numa01 differs from seed to seed, unless the jitter is
 * off; the same seed always gives the same run. */
static void test_seed_matters(void **state)
{
	(void)state;
	const char *const no_jitter[] = { "numasim.clone_jitter_ns=0", NULL };
	struct run a, b, c, d;
	run_spec(&a, "2node-128cpu", "numa01:loops=10", 0.02, 1, NULL);
	run_spec(&b, "2node-128cpu", "numa01:loops=10", 0.02, 2, NULL);
	assert_int_not_equal(a.s->end_ns, b.s->end_ns);
	run_spec(&c, "2node-128cpu", "numa01:loops=10", 0.02, 1, no_jitter);
	run_spec(&d, "2node-128cpu", "numa01:loops=10", 0.02, 2, no_jitter);
	assert_int_equal(c.s->end_ns, d.s->end_ns);
	assert_memory_equal(c.s->vs.event, d.s->vs.event, sizeof(c.s->vs.event));
	run_free(&a);
	run_free(&b);
	run_free(&c);
	run_free(&d);
}

/* Two simulations live side by side in one process without interfering. */
static void test_two_sims_interleaved(void **state)
{
	(void)state;
	struct run a, b, c;
	run_spec(&a, "2node-128cpu", "numa02:loops=20", 0.01, 5, NULL);
	run_spec(&b, "4node-48cpu", "numa01:loops=5", 0.01, 5, NULL);
	run_spec(&c, "2node-128cpu", "numa02:loops=20", 0.01, 5, NULL);
	assert_int_equal(a.s->end_ns, c.s->end_ns);
	assert_memory_equal(a.s->vs.event, c.s->vs.event, sizeof(a.s->vs.event));
	run_free(&a);
	run_free(&b);
	run_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numa01),
		cmocka_unit_test(test_numa01_thread_alloc),
		cmocka_unit_test(test_numa02),
		cmocka_unit_test(test_numa02_smt),
		cmocka_unit_test(test_seq_first_touch_local),
		cmocka_unit_test(test_remote_slower),
		cmocka_unit_test(test_affinity),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_seed_matters),
		cmocka_unit_test(test_two_sims_interleaved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
