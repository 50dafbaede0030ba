// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_policy.c - the placement-policy tables (numa/policy.h):
 * every registered policy is complete and selected by numasim.policy, and
 * the example policy second-fault (numa/policy_second_fault.c) does what
 * docs/writing-a-policy.md says: a folio moves on its second remote hint
 * fault in a row from one node, never on the first, with mainline's
 * scanner and no NUMA groups or task placement.
 */
#include "testlib.h"

#include "numa/policy.h"

static uint64_t ev(const struct sim *s, enum vm_event_item i)
{
	return s->vs.event[i];
}

/* ---- the registry ---- */

static void test_registry_complete(void **state)
{
	(void)state;
	const char *const *values = tunable_desc[T_NUMASIM_POLICY].values;
	uint32_t in_mainline = 0;
	for (uint32_t i = 0; i < NR_NUMASIM_POLICIES; i++) {
		const struct numa_policy_ops *ops = numa_policy_get(i);
		assert_non_null(ops);
		/* the tunable's value names are the tables' names, in order */
		assert_non_null(values[i]);
		assert_string_equal(ops->name, values[i]);
		assert_non_null(ops->help);
		assert_true(strlen(ops->help) > 10);
		/* the hooks the sim calls without a check */
		assert_non_null(ops->init);
		assert_non_null(ops->destroy);
		assert_non_null(ops->task_init);
		assert_non_null(ops->task_exit);
		assert_non_null(ops->tick);
		assert_non_null(ops->task_move);
		assert_non_null(ops->safe_point);
		assert_non_null(ops->pte_hint_fault);
		assert_non_null(ops->pmd_hint_fault);
		in_mainline += ops->in_mainline;
	}
	assert_null(values[NR_NUMASIM_POLICIES]);
	assert_null(numa_policy_get(NR_NUMASIM_POLICIES));
	assert_int_equal(in_mainline, 1);
	assert_true(numa_policy_get(NUMASIM_POLICY_MAINLINE)->in_mainline);
	/* only a policy with timers may push EV_POLICY; AutoNUMA has two daemons */
	assert_non_null(numa_policy_get(NUMASIM_POLICY_AUTONUMA2012)->event);
}

/* numasim.policy=NAME selects that table at sim_create, and every policy
 * runs a small workload to the end with a clean oracle. */
static void test_selected_by_tunable(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < NR_NUMASIM_POLICIES; i++) {
		const struct numa_policy_ops *ops = numa_policy_get(i);
		char set[64];
		snprintf(set, sizeof(set), "numasim.policy=%s", ops->name);
		const char *const sets[] = { set, "numa_balancing.scan_delay_ms=10",
					     "numa_balancing.scan_period_min_ms=10", NULL };
		struct tl_env e;
		struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa01:size=8M,loops=4", sets, 3);
		assert_ptr_equal(s->policy, ops);
		assert_oracle_clean(s);
		tl_env_free(&e);
	}
}

/* ---- second-fault: the filter, fault by fault ---- */

/* Make the PTE at @addr protnone, as the scanner would, and take the hint
 * fault from node @nid; the address is mapped afterwards. */
static void hint_fault(struct tl_env *e, uint64_t addr, uint32_t nid)
{
	struct pte_table *pt;
	pte_t *p = pte_lookup(tl_mm(e), addr, &pt);
	assert_non_null(p);
	assert_true(pte_valid(*p));
	set_pte_at(e->s, tl_mm(e), pt, pte_index(addr), pte_wrprotect(pte_mkprotnone(*p)));
	tl_fault(e, nid, addr, false);
	assert_true(pte_valid(tl_pte(e, addr)));
}

static void test_second_fault_filter(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "numasim.policy=second-fault",
				     "transparent_hugepage.enabled=never", NULL };
	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, PAGE_SIZE);
	tl_start(&e, 1);
	struct sim *s = e.s;
	const uint64_t a = tl_addr(&e, r);
	tl_fault(&e, 0, a, true);	/* first touch on node 0 */
	assert_int_equal(pte_nid(tl_pte(&e, a)), 0);

	/* the first remote fault only records its node */
	hint_fault(&e, a, 1);
	assert_int_equal(pte_nid(tl_pte(&e, a)), 0);
	assert_int_equal(tl_folio_at(&e, a)->last_cpupid, 1);
	assert_true(pte_write(tl_pte(&e, a)));	/* restored as mainline does */
	assert_int_equal(ev(s, PGMIGRATE_SUCCESS), 0);
	/* the second in a row from the same node moves it there */
	hint_fault(&e, a, 1);
	assert_int_equal(pte_nid(tl_pte(&e, a)), 1);
	assert_int_equal(ev(s, PGMIGRATE_SUCCESS), 1);
	assert_int_equal(ev(s, NUMA_PAGE_MIGRATE), 1);
	assert_int_equal(tl_folio_at(&e, a)->last_cpupid, CPUPID_UNSET);

	/* now on node 1: remote from 0, a local fault in between, remote from
	 * 0 again: not two in a row, it stays */
	hint_fault(&e, a, 0);
	hint_fault(&e, a, 1);
	assert_int_equal(tl_folio_at(&e, a)->last_cpupid, CPUPID_UNSET);
	hint_fault(&e, a, 0);
	assert_int_equal(pte_nid(tl_pte(&e, a)), 1);
	/* and the next one from node 0 is the second in a row */
	hint_fault(&e, a, 0);
	assert_int_equal(pte_nid(tl_pte(&e, a)), 0);
	assert_int_equal(ev(s, PGMIGRATE_SUCCESS), 2);
	assert_int_equal(ev(s, NUMA_HINT_FAULTS), 6);
	assert_int_equal(ev(s, NUMA_HINT_FAULTS_LOCAL), 1);

	/* the report's per-process section: 3 first faults, 2 pages moved */
	char *text = tl_result_text(s, 1.0);
	assert_non_null(strstr(text, "\"second_fault\":{\"first_faults\":3,\"migrated_pages\":2,"
				     "\"failed_pages\":0}"));
	free(text);
	/* no placement statistics: task_numa_fault() never ran */
	assert_null(s->tasks[0]->numa.numa_group);
	assert_false(s->tasks[0]->numa.has_faults);
	assert_oracle_clean(s);
	tl_env_free(&e);
}

/* An explicit memory policy keeps the folio where it is. */
static void test_second_fault_respects_mempolicy(void **state)
{
	(void)state;
	struct tl_env e;
	const char *const sets[] = { "numasim.policy=second-fault",
				     "transparent_hugepage.enabled=never", NULL };
	tl_env_init(&e, "2node-128cpu", sets);
	uint32_t r = tl_mmap(&e, PAGE_SIZE);
	tl_start(&e, 1);
	const uint64_t a = tl_addr(&e, r);
	tl_fault(&e, 0, a, true);
	e.s->tasks[0]->pol = (struct mempolicy){ MPOL_PREFERRED, 1ull << 0 };
	for (int i = 0; i < 3; i++)
		hint_fault(&e, a, 1);
	assert_int_equal(pte_nid(tl_pte(&e, a)), 0);
	assert_int_equal(ev(e.s, PGMIGRATE_SUCCESS), 0);
	tl_env_free(&e);
}

/* ---- second-fault: whole runs ---- */

/*
 * A thread on node 0 whose memory was first-touched on node 1 (bound there
 * for the first write), then sweeps it @passes times (as test_numa.c's
 * wrong-node run).
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

/*
 * The wrong-node sweep: mainline moves a young task's pages on their first
 * hint fault; second-fault needs two remote faults per folio, so at least
 * twice as many remote hint faults as folios moved. Both bring everything
 * home. PTE-mapped pages and PMD-mapped THPs alike.
 */
static void test_second_fault_wrong_node(void **state)
{
	(void)state;
	const uint64_t size = 32 * MiB, pages = size / PAGE_SIZE;
	for (int thp = 0; thp <= 1; thp++) {
		const char *const thp_set = thp ? "transparent_hugepage.enabled=always"
						: "transparent_hugepage.enabled=never";
		const uint64_t folios = thp ? size / PMD_SIZE : pages;
		uint64_t remote[2];
		for (int sf = 0; sf <= 1; sf++) {
			const char *const sets[] = {
				sf ? "numasim.policy=second-fault" : "numasim.policy=mainline",
				"numa_balancing.scan_delay_ms=10", "numa_balancing.scan_period_min_ms=10",
				"numa_balancing.scan_size_mb=16", thp_set, NULL,
			};
			struct tl_env e;
			wrong_node_run(&e, sets, size, 200);
			const struct sim *s = e.s;
			assert_int_equal(tl_mm(&e)->rss_node[0], pages);
			assert_int_equal(ev(s, NUMA_PAGE_MIGRATE), pages);
			if (thp)
				assert_int_equal(ev(s, THP_MIGRATION_SUCCESS), folios);
			remote[sf] = ev(s, NUMA_HINT_FAULTS) - ev(s, NUMA_HINT_FAULTS_LOCAL);
			const struct task *t = s->tasks[0];
			if (sf) {
				/* no placement at all: no group, no preferred node, no moves */
				assert_null(t->numa.numa_group);
				assert_int_equal(t->numa.numa_preferred_nid, NUMA_NO_NODE);
				assert_int_equal(t->numa.nr_numa_migrations, 0);
				assert_int_equal(t->numa.nr_numa_swaps, 0);
			}
			assert_oracle_clean(s);
			tl_env_free(&e);
		}
		assert_true(remote[0] >= folios && remote[0] < 2 * folios);	/* mainline: once */
		assert_true(remote[1] >= 2 * folios);				/* second-fault: twice */
	}
}

/* s->progress at every time-series sample: the most tasks in a NUMA group
 * at once (a task leaves its group when it exits). */
static void count_grouped(const struct sim *s, void *arg)
{
	uint32_t *max = arg, n = 0;
	for (uint32_t i = 0; i < s->nr_tasks; i++)
		n += s->tasks[i]->numa.numa_group != NULL;
	*max = MAX(*max, n);
}

/*
 * numa01: two processes of threads writing shared memory. Mainline forms
 * NUMA groups from the shared faults and moves tasks; second-fault never
 * does either, yet still migrates memory.
 */
static void test_second_fault_no_groups(void **state)
{
	(void)state;
	for (int sf = 0; sf <= 1; sf++) {
		const char *const sets[] = { sf ? "numasim.policy=second-fault"
						: "numasim.policy=mainline",
					     "numa_balancing.scan_delay_ms=10",
					     "numa_balancing.scan_period_min_ms=10", "numasim.sample_ms=5",
					     NULL };
		struct tl_env e;
		char err[512] = "";
		tl_env_init_image(&e, "2node-128cpu", sets, true);
		workload_free(&e.wl);
		if (workload_build(&e.wl, "numa01:size=16M,loops=20", &e.m, 1.0, 1, err, sizeof(err)))
			fail_msg("workload_build: %s", err);
		e.s = calloc(1, sizeof(*e.s));
		assert_non_null(e.s);
		if (sim_create(e.s, &e.m, &e.tun, &e.wl, 1, err, sizeof(err)))
			fail_msg("sim_create: %s", err);
		uint32_t grouped = 0;
		e.s->progress = count_grouped;
		e.s->progress_arg = &grouped;
		if (sim_run(e.s))
			fail_msg("sim_run: %s", e.s->error);
		const struct sim *s = e.s;
		uint32_t moved = 0;
		for (uint32_t i = 0; i < s->nr_tasks; i++)
			moved += s->tasks[i]->numa.nr_numa_migrations + s->tasks[i]->numa.nr_numa_swaps;
		if (sf) {
			assert_int_equal(grouped, 0);
			assert_int_equal(moved, 0);
		} else {
			assert_true(grouped > 0);
		}
		assert_true(ev(s, NUMA_PAGE_MIGRATE) > 0);
		assert_oracle_clean(s);
		tl_env_free(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_complete),
		cmocka_unit_test(test_selected_by_tunable),
		cmocka_unit_test(test_second_fault_filter),
		cmocka_unit_test(test_second_fault_respects_mempolicy),
		cmocka_unit_test(test_second_fault_wrong_node),
		cmocka_unit_test(test_second_fault_no_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
