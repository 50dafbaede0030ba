// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_kfmt.c - output in other tools' formats: mmtests'
 * statistics and table (cli/compare_mmtests.h, values worked out by hand
 * from mmtests' Stat.pm formulas), the kernel-format files of a finished
 * run (stats/procfs.h: numa_maps adds up to the process's resident pages,
 * numastat's columns), the task count a workload plans and the progress
 * fraction (cli/progress.h).
 */
#include "testlib.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare_mmtests.h"
#include "cli/progress.h"
#include "stats/procfs.h"

static void test_mmtests_stats(void **state)
{
	const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	(void)state;
	assert_float_equal(mmt_amean(x, 8), 5.0, 1e-12);
	/* sample stddev (n - 1): sqrt(32 / 7) */
	assert_float_equal(mmt_stddev(x, 8, false), sqrt(32.0 / 7), 1e-12);
	assert_float_equal(mmt_coeffvar(x, 8, false), sqrt(32.0 / 7) * 100 / 5, 1e-9);
	assert_true(isnan(mmt_stddev(x, 1, false)));	/* one run: NaN, as mmtests */
	assert_float_equal(mmt_coeffvar(x, 1, false), 0, 0);
	const double h[] = { 1, 2, 4 };
	assert_float_equal(mmt_hmean(h, 3), 3 / 1.75, 1e-12);
	/* Stat.pm's harmonic stddev: sqrt(sum (1/x - 1/m)^2 * m^4 / n) */
	double m = 3 / 1.75, d = pow(1 - 1 / m, 2) + pow(0.5 - 1 / m, 2) + pow(0.25 - 1 / m, 2);
	assert_float_equal(mmt_stddev(h, 3, true), sqrt(d * pow(m, 4) / 3), 1e-12);
	const double bad[] = { 1, 0 };
	assert_true(isnan(mmt_hmean(bad, 2)));
	/* best 95% of 8 runs: int(7.6) = 7, the lowest (or highest) seven */
	assert_float_equal(mmt_best_mean(x, 8, false, 95), 31.0 / 7, 1e-12);
	assert_float_equal(mmt_best_mean(x, 8, true, 95), 7 / (1 / 4.0 * 3 + 1 / 5.0 * 2 + 1 / 7.0 +
							      1 / 9.0), 1e-12);
	assert_float_equal(mmt_best_mean(x, 1, false, 95), 2, 0);	/* at least one */
}

static void test_mmtests_diffs(void **state)
{
	(void)state;
	assert_float_equal(mmt_pndiff(90, 100), 10, 1e-12);	/* lower is better: +10% */
	assert_float_equal(mmt_pndiff(110, 100), -10, 1e-12);
	assert_float_equal(mmt_pdiff(110, 100), 10, 1e-12);	/* higher is better */
	assert_float_equal(mmt_pdiff(5, 0), 100, 0);
	assert_float_equal(mmt_pndiff(0, 5), 100, 0);
	assert_float_equal(mmt_pndiff(5, 0), -99, 0);
	assert_float_equal(mmt_pndiff(7, 7), 0, 0);
	/* [9, 11] against [4, 6]: difference 5 over the facing halves 1 + 1 */
	const double a[2] = { 9, 11 }, b[2] = { 4, 6 };
	assert_float_equal(mmt_cidiff(10, a, 5, b), 2.5, 1e-12);
	assert_float_equal(mmt_cidiff(5, b, 10, a), -2.5, 1e-12);
	const double wide[2] = { 0, 20 };
	assert_true(fabs(mmt_cidiff(10, wide, 5, b)) < 1);	/* overlapping: not significant */
}

/* The layout of PrintGeneric: "%-9s %-11s" then "%12.Pf (%7.2f%%)" per column,
 * "*" in place of the parentheses where significant. */
static void test_mmtests_table(void **state)
{
	const double base[] = { 10.0, 10.2, 9.8, 10.0 }, fast[] = { 5.0, 5.1, 4.9, 5.0 };
	const double rate[] = { 1.0, 1.0, 1.0, 1.0 };
	struct mmt_column cols[2] = {
		{ .name = "base", .runs = { base, rate }, .nr_runs = 4 },
		{ .name = "thp-never", .runs = { fast, rate }, .nr_runs = 4 },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;
	assert_non_null(f);
	compare_mmtests_print(f, cols, 2);
	fclose(f);
	/* headers: "%{9 + 1 + 11}s" then "%{12 + 7 + 4}s" per column */
	char head[256];
	snprintf(head, sizeof(head), "%21s%23s%23s\n%21s%23s%23s\n", "", "", "thp", "", "base",
		 "never");
	assert_memory_equal(buf, head, strlen(head));
	assert_non_null(strstr(buf, "Amean     elapsed           10.00 (   0.00%)        5.00 *  50.00%*\n"));
	assert_non_null(strstr(buf, "Min       elapsed            9.80 (   0.00%)        4.90 (  50.00%)\n"));
	assert_non_null(strstr(buf, "Hmean     Maccesses/s        1.00 (   0.00%)        1.00 (   0.00%)\n"));
	assert_non_null(strstr(buf, "BAmean.95 elapsed"));
	free(buf);
}

static char *capture(const struct sim *s, int (*fn)(const struct sim *, uint32_t, FILE *),
		     uint32_t pid, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	*rc = fn(s, pid, f);
	fclose(f);
	return buf;
}

/* numa_maps' N<node>= counts add up to the process's resident pages per
 * node (rss_node), for a run that migrates pages across nodes. */
static void test_numa_maps_sum(void **state)
{
	struct tl_env e;
	const char *const sets[] = { NULL };
	(void)state;
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa02:size=64M,threads=8,loops=40", sets, 1);
	int rc;
	char *text = capture(s, procfs_numa_maps, 0, &rc);
	assert_int_equal(rc, 0);
	uint64_t sum[MAX_NUMNODES] = { 0 };
	for (char *p = text; (p = strstr(p, " N")); p++) {
		unsigned n;
		unsigned long long v;
		if (sscanf(p, " N%u=%llu", &n, &v) == 2 && n < MAX_NUMNODES)
			sum[n] += v;
	}
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		assert_int_equal(sum[n], s->mms[0]->rss_node[n]);
	assert_non_null(strstr(text, " heap"));
	assert_non_null(strstr(text, " stack"));
	assert_non_null(strstr(text, " file=/usr/bin/numa02"));
	assert_non_null(strstr(text, " kernelpagesize_kB=4\n"));
	free(text);
	free(capture(s, procfs_numa_maps, s->nr_tasks, &rc));
	assert_int_equal(rc, -1);	/* no such task */
	text = capture(s, procfs_sched, 1, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "numa02 (1, #threads: 9)\n"));
	assert_non_null(strstr(text, "\nnuma_faults node=1 task_private="));
	free(text);
	tl_env_free(&e);
}

static void test_planned_tasks(void **state)
{
	struct tl_env e;
	const char *const sets[] = { NULL };
	(void)state;
	struct sim *s = tl_run_spec(&e, "2node-128cpu", "numa02:size=16M,threads=8,loops=4", sets, 1);
	assert_int_equal(procfs_planned_tasks(&e.wl), s->nr_tasks);	/* main + 8 threads */
	assert_int_equal(s->nr_tasks, 9);
	/* all exited: the whole workload is done; half the tasks planned: half */
	assert_float_equal(cli_progress_done(s, s->nr_tasks), 1.0, 1e-12);
	assert_float_equal(cli_progress_done(s, 2 * s->nr_tasks), 0.5, 1e-12);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmtests_stats),
		cmocka_unit_test(test_mmtests_diffs),
		cmocka_unit_test(test_mmtests_table),
		cmocka_unit_test(test_numa_maps_sum),
		cmocka_unit_test(test_planned_tasks),
	};

	return cmocka_run_group_tests_name("kfmt", tests, NULL, NULL);
}
