// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_sweep_spec.c - sweep specs (cli/sweep_spec.c,
 * docs/sweep.md): the grid a spec expands into (order, names, the settings
 * of each cell), the name parts, the cap, and bad specs naming FILE:LINE
 * and the key.
 */
#include "harness.h"

#include <stdlib.h>

#include "cli/sweep_spec.h"

static void parse_ok(struct sweep_spec *sp, struct sweep_grid *g, const char *text)
{
	char err[512] = "";
	if (sweep_spec_parse(sp, "t.yaml", text, strlen(text), err, sizeof(err)))
		fail_msg("sweep_spec_parse: %s\n--- spec ---\n%s", err, text);
	if (sweep_expand(g, sp, err, sizeof(err)))
		fail_msg("sweep_expand: %s\n--- spec ---\n%s", err, text);
}

/* Parsing or expanding must fail with a message containing @want. */
static void spec_bad(const char *text, const char *want)
{
	struct sweep_spec sp;
	struct sweep_grid g = { 0 };
	char err[512] = "";
	int rc = sweep_spec_parse(&sp, "t.yaml", text, strlen(text), err, sizeof(err));
	if (!rc)
		rc = sweep_expand(&g, &sp, err, sizeof(err));
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
	if (!rc)
		fail_msg("accepted, expected an error with \"%s\":\n%s", want, text);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
}

struct settings {
	char buf[512];
};

static void collect(void *arg, const char *key, const char *value)
{
	struct settings *s = arg;
	size_t n = strlen(s->buf);
	snprintf(s->buf + n, sizeof(s->buf) - n, "%s%s=%s", n ? " " : "", key, value);
}

static const char *settings_of(const struct sweep_spec *sp, const struct sweep_grid *g, uint32_t cell,
			       struct settings *s)
{
	s->buf[0] = '\0';
	sweep_combo_settings(sp, &g->combos[g->cells[cell].combo], collect, s);
	return s->buf;
}

/* Machines, then workloads, then combinations, then seeds; names from each part. */
static void test_grid_order_and_names(void **state)
{
	(void)state;
	struct sweep_spec sp;
	struct sweep_grid g;
	struct settings st;
	parse_ok(&sp, &g,
		 "machines: [2node-128cpu, dir/my.machine]\n"
		 "workloads: numa02:threads=8\n"
		 "scale: 0.01\n"
		 "seeds: [3, 9]\n"
		 "set: {numasim.migrc: 0}\n"
		 "variants:\n"
		 "  base:\n"
		 "  nothp: {transparent_hugepage.enabled: never}\n");
	assert_int_equal(g.nr_cells, 2 * 1 * 2 * 2);
	assert_int_equal(g.nr_combos, 2);
	assert_string_equal(g.cells[0].name, "2node-128cpu__numa02_threads-8__base__s3");
	assert_string_equal(g.cells[1].name, "2node-128cpu__numa02_threads-8__base__s9");
	assert_string_equal(g.cells[2].name, "2node-128cpu__numa02_threads-8__nothp__s3");
	assert_string_equal(g.cells[4].name, "my__numa02_threads-8__base__s3");
	assert_string_equal(g.cells[7].group, "my__numa02_threads-8__nothp");
	assert_int_equal(g.cells[7].seed, 9);
	assert_int_equal(g.cells[7].machine, 1);
	/* set: first, then the variant's own */
	assert_string_equal(settings_of(&sp, &g, 0, &st), "numasim.migrc=0");
	assert_string_equal(settings_of(&sp, &g, 3, &st),
			    "numasim.migrc=0 transparent_hugepage.enabled=never");
	assert_string_equal(sp.scale.s, "0.01");
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
}

/* tunables: every combination, the last key fastest; short names stay unique. */
static void test_axes(void **state)
{
	(void)state;
	struct sweep_spec sp;
	struct sweep_grid g;
	struct settings st;
	parse_ok(&sp, &g,
		 "seeds: 1\n"
		 "duration: 5\n"
		 "variants: {a: , b: {numasim.migrc: luf}}\n"
		 "tunables:\n"
		 "  transparent_hugepage.enabled: [always, never]\n"
		 "  transparent_hugepage.hugepages-64kB.enabled: [inherit, never]\n"
		 "  kernel.numa_balancing: [0, 1]\n");
	assert_int_equal(g.nr_combos, 2 * 2 * 2 * 2);
	assert_int_equal(g.nr_cells, 16);
	assert_string_equal(g.combos[0].name, "a+transparent_hugepage.enabled-always+"
			    "hugepages-64kB.enabled-inherit+numa_balancing-0");
	assert_string_equal(g.combos[1].name, "a+transparent_hugepage.enabled-always+"
			    "hugepages-64kB.enabled-inherit+numa_balancing-1");
	assert_string_equal(g.combos[15].name, "b+transparent_hugepage.enabled-never+"
			    "hugepages-64kB.enabled-never+numa_balancing-1");
	/* the defaults fill in what the spec leaves out */
	assert_string_equal(g.cells[0].name, "2node-128cpu__numa01__a+transparent_hugepage.enabled-"
			    "always+hugepages-64kB.enabled-inherit+numa_balancing-0__s1");
	assert_string_equal(settings_of(&sp, &g, 15, &st),
			    "numasim.max_sim_seconds=5 numasim.migrc=luf "
			    "transparent_hugepage.enabled=never "
			    "transparent_hugepage.hugepages-64kB.enabled=never kernel.numa_balancing=1");
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
}

static void test_name_part(void **state)
{
	(void)state;
	char b[SWEEP_MAX_NAME + 1];
	sweep_name_part("workloads/numa01.yaml", b, sizeof(b), 1);
	assert_string_equal(b, "numa01");
	sweep_name_part("/a/b/host.xml", b, sizeof(b), 1);
	assert_string_equal(b, "host");
	sweep_name_part("seq:size=1G,threads=4", b, sizeof(b), 1);
	assert_string_equal(b, "seq_size-1G_threads-4");
	sweep_name_part("trace:file=/x/y.bin", b, sizeof(b), 1);
	assert_string_equal(b, "trace_file-_x_y.bin");
	sweep_name_part("a__b  c_", b, sizeof(b), 0);
	assert_string_equal(b, "a_b_c");
	sweep_name_part(".hidden", b, sizeof(b), 0);
	assert_string_equal(b, "hidden");
	sweep_name_part("::", b, sizeof(b), 0);
	assert_string_equal(b, "x");
	sweep_name_part("abcdefghij", b, 5, 0);
	assert_string_equal(b, "abcd");
}

static void test_seeds(void **state)
{
	(void)state;
	struct sweep_spec sp;
	struct sweep_grid g;
	parse_ok(&sp, &g, "seeds: 3\n");
	assert_int_equal(sp.nr_seeds, 3);
	assert_int_equal(g.cells[2].seed, 3);
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
	parse_ok(&sp, &g, "seeds: [0, 18446744073709551615]\n");
	assert_true(g.cells[1].seed == UINT64_MAX);
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
}

static void test_errors(void **state)
{
	(void)state;
	spec_bad("", "t.yaml: empty file");
	spec_bad("machines: [a\n", "t.yaml:2: YAML syntax error");
	spec_bad("seeds: 1\nmachnes: [x]\n", "t.yaml:2: key 'machnes': unknown key");
	spec_bad("scale: 0\n", "t.yaml:1: key 'scale': '0': out of range");
	spec_bad("scale: 1e400\n", "key 'scale': '1e400': out of range");
	spec_bad("seeds: 0\n", "t.yaml:1: key 'seeds': expected a number of runs");
	spec_bad("seeds: [1, 2, 002]\n", "t.yaml:1: key 'seeds[2]': seed 2 is listed twice");
	spec_bad("seeds: [1, -1]\n", "key 'seeds[1]': '-1': not an integer");
	spec_bad("machines:\n  - a\n  - b\n  - a\n", "t.yaml:4: key 'machines[2]': 'a' is listed twice");
	spec_bad("machines: []\n", "key 'machines': an empty list");
	spec_bad("workloads: {a: 1}\n", "key 'workloads': expected a workload");
	spec_bad("variants:\n  a b:\n", "t.yaml:2: key 'variants.a b': bad variant name");
	spec_bad("variants:\n  x__y:\n", "bad variant name");
	spec_bad("variants:\n  a:\n    transparent_hugepage.enabled: sometimes\n",
		 "t.yaml:3: key 'variants.a.transparent_hugepage.enabled': tunable "
		 "'transparent_hugepage.enabled': bad value 'sometimes'");
	spec_bad("tunables:\n  kernel.nope: [1, 2]\n",
		 "t.yaml:2: key 'tunables.kernel.nope[0]': unknown tunable 'kernel.nope'");
	spec_bad("set:\n  numasim.migrc: 7\n", "t.yaml:2: key 'set.numasim.migrc'");
	spec_bad("duration: soon\n", "t.yaml:1: key 'duration': tunable 'numasim.max_sim_seconds'");
	spec_bad("variants:\n  v: {kernel.numa_balancing: 1}\ntunables:\n  kernel.numa_balancing: [0]\n",
		 "t.yaml:2: key 'variants.v.kernel.numa_balancing': also varied by tunables: (line 4)");
	spec_bad("scale: 1\nscale: 2\n", "key 'scale' given twice");
	spec_bad("---\nseeds: 1\n---\nseeds: 2\n", "t.yaml:4: a second YAML document");
	spec_bad("[[[[[[[[[[1]]]]]]]]]]\n", "t.yaml:1: nested more than 8 deep");
	spec_bad("workloads: [\"seq:size=1G\", \"seq:size=1G \"]\n",
		 "cells 0 and 1 would both be named '2node-128cpu__seq_size-1G__default__s1'");

	struct sweep_spec sp;
	char err[256] = "";
	assert_int_equal(sweep_spec_parse(&sp, "t.yaml", "seeds: a\0b\n", 11, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.yaml: a NUL byte"));
	sweep_spec_free(&sp);
}

/* More than SWEEP_MAX_CELLS cells: refused before anything is allocated for them. */
static void test_cap(void **state)
{
	(void)state;
	struct sweep_spec sp;
	struct sweep_grid g;
	spec_bad("seeds: 50001\ntunables:\n  kernel.numa_balancing: [0, 1]\n",
		 "t.yaml: the grid has more than 100000 cells (1 machines x 1 workloads x 2 "
		 "tunable combinations x 50001 seeds)");
	/* 17 axes of 2 values: refused by their number; 16 of 3: by the product */
	spec_bad("tunables: {a: [1], b: [1], c: [1], d: [1], e: [1], f: [1], g: [1], h: [1], i: [1], "
		 "j: [1], k: [1], l: [1], m: [1], n: [1], o: [1], p: [1], q: [1]}\n",
		 "more than 16 tunables to vary");
	parse_ok(&sp, &g, "seeds: 50000\ntunables:\n  kernel.numa_balancing: [0, 1]\n");
	assert_int_equal(g.nr_cells, SWEEP_MAX_CELLS);
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grid_order_and_names),
		cmocka_unit_test(test_axes),
		cmocka_unit_test(test_name_part),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
