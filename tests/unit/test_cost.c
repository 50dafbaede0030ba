// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cost.c - the hardware cost model: write-allocate against streaming
 * stores, read-modify-write traffic, SMT sharing, the store kinds of the
 * autonuma-benchmark phases, and the MLC-like calibration of the presets
 * against the published figures.
 */
#include "testlib.h"

#include <math.h>

#include "cpu/calibrate.h"
#include "cpu/cost.h"

static const char *const no_balancing[] = { "kernel.numa_balancing=0", NULL };

struct traffic {
	double read, write, elapsed;
};

/* Run @spec on 2node-128cpu without NUMA balancing; bus bytes in GiB. */
static struct traffic run_traffic(const char *spec)
{
	struct tl_env e;
	struct sim *s = tl_run_spec(&e, "2node-128cpu", spec, no_balancing, 1);
	struct traffic t = { .elapsed = (double)s->end_ns };

	for (uint32_t a = 0; a < s->m.nr_nodes; a++)
		for (uint32_t b = 0; b < s->m.nr_nodes; b++) {
			t.read += s->bw.read_bytes[a][b] / (double)GiB;
			t.write += s->bw.write_bytes[a][b] / (double)GiB;
		}
	assert_oracle_clean(s);
	tl_env_free(&e);
	return t;
}

static void assert_near(double got, double want, double tol)
{
	if (fabs(got - want) > tol * want)
		fail_msg("got %.4f, wanted %.4f within %.0f%%", got, want, tol * 100);
}

/*
 * 64 threads write 64 MiB each, first touch and 4 passes, 4 GiB in all, 5
 * sweeps of it. Ordinary stores read every line for ownership: 5 x 4 GiB
 * read and written; streaming stores only write. The kernel's clearing of
 * the new THPs writes 4 GiB more either way. Node-bound, so the streaming
 * run is faster by (1/R + 1/W) / (1/W).
 */
static void test_write_allocate(void **state)
{
	(void)state;
	struct traffic rfo = run_traffic("seq:size=4G,threads=64,passes=4,store=rfo");
	struct traffic nt = run_traffic("seq:size=4G,threads=64,passes=4,store=nt");

	assert_near(rfo.read, 20.0, 0.01);
	assert_near(rfo.write, 24.0, 0.01);
	assert_true(nt.read < 0.01);
	assert_near(nt.write, 24.0, 0.01);
	/* the sweeps: twice the bytes on the bus */
	assert_near((rfo.read + rfo.write - 4) / (nt.read + nt.write - 4), 2.0, 0.01);
	/* 175.8/124.7 GB/s: an RFO byte costs 1/R + 1/W, a streamed one 1/W */
	assert_true(rfo.elapsed > 1.5 * nt.elapsed);
}

/* A read-modify-write sweep reads each line once and writes it back once. */
static void test_rmw_traffic(void **state)
{
	(void)state;
	struct traffic rw = run_traffic("seq:size=4G,threads=64,passes=4,access=rw,store=nt");
	struct traffic rd = run_traffic("seq:size=4G,threads=64,passes=4,access=read,store=nt");

	assert_near(rw.read, 16.0, 0.01);		/* 4 passes */
	assert_near(rw.write, 24.0, 0.01);		/* 4 passes + first touch + clearing */
	assert_near(rd.read, 16.0, 0.01);
	assert_near(rd.write, 8.0, 0.01);
	assert_true(rw.elapsed > rd.elapsed);
}

/* The bzero()s of numa01 and numa02 use glibc 2.36's stores for the machine. */
static void assert_write_sweeps(const char *preset, const char *spec, enum wl_store want)
{
	struct machine m;
	struct workload wl;
	char err[256];
	uint32_t n = 0;

	assert_int_equal(machine_preset(&m, preset), 0);
	if (workload_build(&wl, spec, &m, 0.01, 1, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	for (uint32_t p = 0; p < wl.nr_programs; p++)
		for (uint32_t i = 0; i < wl.programs[p].nr_phases; i++) {
			const struct wl_phase *ph = &wl.programs[p].phases[i];

			if (ph->op == WL_SWEEP && ph->access == WL_WRITE) {
				assert_int_equal(ph->store, want);
				n++;
			}
		}
	assert_true(n > 2);
	workload_free(&wl);
}

static void test_autonuma_store_kinds(void **state)
{
	static const char *const specs[] = { "numa01", "numa01_THREAD_ALLOC", "numa02", "numa02_SMT" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		assert_write_sweeps("2node-128cpu", specs[i], WL_STORE_NT);	/* ERMS: rep stosb */
		assert_write_sweeps("4node-48cpu", specs[i], WL_STORE_RFO);	/* vector loop */
	}
	/* the generic sweep defaults to ordinary stores */
	assert_write_sweeps("2node-128cpu", "seq:threads=4", WL_STORE_RFO);
}

/* A streaming and a latency-bound thread each slow by the calibrated factor
 * while the other hardware thread of their core runs a task. */
static void test_smt_sibling(void **state)
{
	struct tl_env e;

	(void)state;
	tl_env_init(&e, "2node-128cpu", no_balancing);
	tl_mmap(&e, 2 * MiB);
	tl_start(&e, 1);
	struct sim *s = e.s;
	struct cpu *cpu = &s->cpus[0];
	struct cpu *sib = &s->cpus[cpu->sibling];
	assert_int_equal(sib->nr_running, 0);
	double alone = mem_stream_rate_op(s, cpu, 0, MEM_READ);
	double rand_alone = mem_random_ns(s, cpu, 0, 1000, false);
	sib->nr_running = 1;
	double shared = mem_stream_rate_op(s, cpu, 0, MEM_READ);
	double rand_shared = mem_random_ns(s, cpu, 0, 1000, false);
	sib->nr_running = 0;
	assert_near(shared / alone, s->m.smt_stream_share, 1e-9);
	assert_near(rand_shared / rand_alone, s->m.smt_latency_factor, 1e-9);
	assert_true(s->m.smt_stream_share < 1.0 && s->m.smt_latency_factor > 1.0);
	tl_env_free(&e);
}

/* The simulator's own MLC-like measurement of 2node-128cpu matches the
 * published Ice Lake-SP figures: idle latencies and the node bandwidth
 * matrix within 3%, the read-write injection mixes within 6%. */
static void test_calibration_2node(void **state)
{
	struct machine m;
	struct calib_result r;
	char err[256];

	(void)state;
	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	const struct calib_published *pub = calib_published_for(m.name);
	assert_non_null(pub);
	if (calibrate_measure(&m, &r, err, sizeof(err)))
		fail_msg("calibrate_measure: %s", err);
	for (uint32_t a = 0; a < 2; a++)
		for (uint32_t b = 0; b < 2; b++) {
			assert_near(r.latency_ns[a][b], pub->latency_ns[a][b], 0.03);
			assert_near(r.read_gbps[a][b], pub->read_gbps[a][b], 0.03);
		}
	for (int k = 0; k < NR_CALIB_MIXES; k++)
		if (pub->peak_gbps[k] > 0)
			assert_near(r.peak_gbps[k], pub->peak_gbps[k], 0.06);
	/* a remote thread streams at lat_local / lat_remote of a local one */
	assert_near(r.thread_remote_gbps / r.thread_local_gbps, 89.0 / 143.0, 0.02);
}

/* 4node-48cpu: the published MLC latency matrix within 6%. */
static void test_calibration_4node(void **state)
{
	struct machine m;
	struct calib_result r;
	char err[256];

	(void)state;
	assert_int_equal(machine_preset(&m, "4node-48cpu"), 0);
	const struct calib_published *pub = calib_published_for(m.name);
	assert_non_null(pub);
	if (calibrate_measure(&m, &r, err, sizeof(err)))
		fail_msg("calibrate_measure: %s", err);
	for (uint32_t a = 0; a < 4; a++)
		for (uint32_t b = 0; b < 4; b++)
			assert_near(r.latency_ns[a][b], pub->latency_ns[a][b], 0.06);
}

/*
 * Every figure published for @preset: latencies and read bandwidths within
 * 3%, local mixes within 6%, the 2:1 mix on CPU-less nodes within 3% (the
 * tolerances of 2node-128cpu). Returns how many figures were compared.
 */
static int assert_published(const char *preset)
{
	struct machine m;
	struct calib_result r;
	char err[256];
	int n = 0;

	assert_int_equal(machine_preset(&m, preset), 0);
	const struct calib_published *pub = calib_published_for(m.name);
	assert_non_null(pub);
	if (calibrate_measure(&m, &r, err, sizeof(err)))
		fail_msg("%s: calibrate_measure: %s", preset, err);
	for (uint32_t a = 0; a < 4; a++)
		for (uint32_t b = 0; b < 4; b++) {
			if (pub->latency_ns[a][b] > 0 && ++n)
				assert_near(r.latency_ns[a][b], pub->latency_ns[a][b], 0.03);
			if (pub->read_gbps[a][b] > 0 && ++n)
				assert_near(r.read_gbps[a][b], pub->read_gbps[a][b], 0.03);
		}
	for (int k = 0; k < NR_CALIB_MIXES; k++)
		if (pub->peak_gbps[k] > 0 && ++n)
			assert_near(r.peak_gbps[k], pub->peak_gbps[k], 0.06);
	for (uint32_t b = 0; b < 4; b++)
		if (pub->cpuless_2_1_gbps[b] > 0 && ++n)
			assert_near(r.cpuless_2_1_gbps[b], pub->cpuless_2_1_gbps[b], 0.03);
	return n;
}

/* The tiered presets: Sapphire Rapids DRAM (Mess) and a CZ120-class CXL
 * expander (MLC 2:1) on tiered-16cpu; Ice Lake-SP DRAM and the same
 * expander per socket on tiered-2node-cxl. */
static void test_calibration_tiered(void **state)
{
	(void)state;
	assert_true(assert_published("tiered-16cpu") >= 2);
	assert_true(assert_published("tiered-2node-cxl") >= 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_allocate),
		cmocka_unit_test(test_rmw_traffic),
		cmocka_unit_test(test_autonuma_store_kinds),
		cmocka_unit_test(test_smt_sibling),
		cmocka_unit_test(test_calibration_2node),
		cmocka_unit_test(test_calibration_4node),
		cmocka_unit_test(test_calibration_tiered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
