// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_sched.c - where fork() and clone() put a new task
 * (select_task_rq_fair with WF_FORK: sched_balance_find_dst_cpu over the
 * SD_BALANCE_FORK domains), and what follows at the start of a run.
 */
#include "testlib.h"

#include "machine/machine.h"

/* A machine from machine-file text (docs/machine-file.md). */
static void load_machine(struct machine *m, const char *text)
{
	char err[256] = "";

	if (machine_parse(m, text, strlen(text), "test.machine", err, sizeof(err)))
		fail_msg("machine_parse: %s", err);
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_sees_sleeping_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
