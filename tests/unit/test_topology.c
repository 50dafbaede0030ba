// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_topology.c - the scheduling domains build_sched_domains()
 * gives each CPU: which levels survive degeneration, their spans, flags,
 * imbalance_pct and imb_numa_nr, against what Linux computes for the same
 * topology (kernel/sched/topology.c).
 */
#include "testlib.h"

#include "machine/machine.h"

static struct machine m;
static struct workload wl;	/* one empty process */

static struct sim *topo_sim(const char *preset, const char *file)
{
	char err[512] = "";
	struct tunables tun;

	memset(&wl, 0, sizeof(wl));
	wl_add_process(&wl, wl_add_program(&wl));
	tunables_init(&tun);
	if (file ? machine_resolve(&m, file, err, sizeof(err)) : machine_preset(&m, preset))
		fail_msg("machine %s: %s", file ? file : preset, err);
	struct sim *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	if (sim_create(s, &m, &tun, &wl, 1, err, sizeof(err)))
		fail_msg("sim_create: %s", err);
	return s;
}

static void topo_free(struct sim *s)
{
	sim_destroy(s);
	free(s);
	workload_free(&wl);
}

struct want_sd {
	uint32_t weight;
	bool numa, fork, share_llc, smt;
	uint32_t imbalance_pct, imb_numa_nr;	/* imb_numa_nr: NUMA levels only */
};

static void check_domains(const struct sim *s, uint32_t cpu, const struct want_sd *want, uint32_t nr)
{
	const struct cpu *c = &s->cpus[cpu];

	assert_int_equal(c->nr_sd, nr);
	for (uint32_t l = 0; l < nr; l++) {
		const struct sched_domain *sd = &c->sd[l];
		uint32_t weight = 0;

		for (uint32_t i = 0; i < s->m.nr_cpus; i++)
			weight += sd_span_test(s, sd->span, cpu, i);
		assert_int_equal(weight, sd->span_weight);
		assert_int_equal(sd->span_weight, want[l].weight);
		assert_int_equal(!!(sd->flags & SD_NUMA), want[l].numa);
		assert_int_equal(!!(sd->flags & SD_BALANCE_FORK), want[l].fork);
		assert_int_equal(!!(sd->flags & SD_SHARE_LLC), want[l].share_llc);
		assert_int_equal(!!(sd->flags & SD_SHARE_CPUCAPACITY), want[l].smt);
		assert_int_equal(sd->imbalance_pct, want[l].imbalance_pct);
		if (want[l].numa)
			assert_int_equal(sd->imb_numa_nr, want[l].imb_numa_nr);
	}
}

/*
 * 2node-128cpu, 2 sockets of 32 cores x 2: SMT (2), MC = the socket's LLC
 * (64), NUMA (128). PKG and NODE have MC's span and degenerate. The LLC's
 * parent (PKG, before degeneration) spans one LLC: imb_numa_nr = 64 >> 3.
 */
static void test_domains_2node(void **state)
{
	(void)state;
	struct sim *s = topo_sim("2node-128cpu", NULL);
	const struct want_sd want[] = {
		{ 2, false, true, true, true, 110, 0 },
		{ 64, false, true, true, false, 117, 0 },
		{ 128, true, true, false, false, 117, 8 },
	};

	check_domains(s, 0, want, 3);
	check_domains(s, 127, want, 3);
	/* the SMT span is the core; the MC span the node */
	assert_true(sd_span_test(s, s->cpus[0].sd[0].span, 0, 64));
	assert_false(sd_span_test(s, s->cpus[0].sd[0].span, 0, 1));
	assert_true(sd_span_test(s, s->cpus[0].sd[1].span, 0, 95));
	assert_false(sd_span_test(s, s->cpus[0].sd[1].span, 0, 32));
	/* groups: the NUMA level's are nodes, MC's are cores */
	assert_true(sd_span_test(s, s->cpus[0].sd[2].groups, 32, 127));
	assert_false(sd_span_test(s, s->cpus[0].sd[2].groups, 32, 0));
	assert_true(sd_span_test(s, s->cpus[0].sd[1].groups, 5, 69));
	assert_int_equal(sched_numa_imb_nr(s, 0), 8);
	topo_free(s);
}

/* 4node-48cpu: 12 CPUs a node, so 12 >> 3 = 1; one NUMA level (all 16). */
static void test_domains_4node(void **state)
{
	(void)state;
	struct sim *s = topo_sim("4node-48cpu", NULL);
	const struct want_sd want[] = {
		{ 2, false, true, true, true, 110, 0 },
		{ 12, false, true, true, false, 117, 0 },
		{ 48, true, true, false, false, 117, 1 },
	};

	check_domains(s, 7, want, 3);
	assert_int_equal(sched_numa_imb_nr(s, 7), 1);
	topo_free(s);
}

/*
 * examples/machines/amd-4node.machine: two sockets of two nodes (NPS2), SLIT
 * 12 within a socket, 32 across. x86 drops PKG (numa in package); NUMA levels
 * at 12 (128 CPUs) and 32 (256). imb_numa_nr: 64 >> 3 = 8, scaled by the
 * spans of the first NUMA level the top one holds (2: 16). The top level is
 * beyond node_reclaim_distance (30): no fork balancing across sockets.
 */
static void test_domains_amd_4node(void **state)
{
	(void)state;
	struct sim *s = topo_sim(NULL, "examples/machines/amd-4node.machine");
	const struct want_sd want[] = {
		{ 2, false, true, true, true, 110, 0 },
		{ 64, false, true, true, false, 117, 0 },
		{ 128, true, true, false, false, 117, 8 },
		{ 256, true, false, false, false, 117, 16 },
	};

	check_domains(s, 0, want, 4);
	assert_int_equal(sched_numa_imb_nr(s, 0), 8);
	topo_free(s);
}

/* One node: no NUMA domain at all; sched_numa_imb_nr() falls back to 1. */
static void test_domains_one_node(void **state)
{
	(void)state;
	struct sim *s = topo_sim("tiered-16cpu", NULL);
	const struct want_sd want[] = {
		{ 2, false, true, true, true, 110, 0 },
		{ 16, false, true, true, false, 117, 0 },
	};

	/* the CXL node has no CPUs: it adds no distance and no level */
	check_domains(s, 3, want, 2);
	assert_int_equal(sched_numa_imb_nr(s, 3), 1);
	topo_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_domains_2node),
		cmocka_unit_test(test_domains_4node),
		cmocka_unit_test(test_domains_amd_4node),
		cmocka_unit_test(test_domains_one_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
