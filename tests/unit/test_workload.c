// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_workload.c - workload generators, validator and spec parser.
 *
 * The built-ins are checked against the real autonuma-benchmark programs
 * (reference linux-mm.md section 6) on hand-made machines, so these tests do
 * not depend on the presets.
 */
#include "harness.h"

#include <math.h>
#include <stdlib.h>

#include "machine/machine.h"
#include "workload/internal.h"
#include "workload/workload.h"

#define PG 4096ull

/* ---- fixtures ---- */

/* @nodes nodes; the first @cpu_nodes share @cpus CPUs evenly, the rest have none. */
static struct machine *make_machine(uint32_t nodes, uint32_t cpu_nodes, uint32_t cpus)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	snprintf(m->name, sizeof(m->name), "test-%un-%uc", nodes, cpus);
	m->nr_nodes = nodes;
	m->nr_cpus = cpus;
	for (uint32_t n = 0; n < nodes; n++) {
		m->node[n].mem_bytes = 64 * GiB;
		m->node[n].nr_cpus = n < cpu_nodes ? cpus / cpu_nodes : 0;
	}
	for (uint32_t c = 0; c < cpus; c++)
		m->cpu[c].node = c / (cpus / cpu_nodes);
	return m;
}

static void build_ok(struct workload *wl, const char *spec, const struct machine *m,
		     double scale, uint64_t seed)
{
	char err[256];

	if (workload_build(wl, spec, m, scale, seed, err, sizeof(err)))
		fail_msg("workload_build(\"%s\"): %s", spec, err);
	if (workload_validate(wl, err, sizeof(err)))
		fail_msg("workload_validate(\"%s\"): %s", spec, err);
}

/* The spec is rejected with a message that contains @needle. */
static void build_err(const char *spec, const struct machine *m, double scale,
		      const char *needle)
{
	struct workload wl;
	char err[256] = "";

	if (!workload_build(&wl, spec, m, scale, 1, err, sizeof(err))) {
		workload_free(&wl);
		fail_msg("spec \"%s\" was accepted", spec);
	}
	if (!strstr(err, needle))
		fail_msg("spec \"%s\": message \"%s\" does not contain \"%s\"", spec, err, needle);
	assert_int_equal(wl.nr_programs, 0);	/* nothing left to free */
}

static const struct wl_phase *phase(const struct workload *wl, uint32_t prog, uint32_t i)
{
	assert_true(prog < wl->nr_programs);
	assert_true(i < wl->programs[prog].nr_phases);
	return &wl->programs[prog].phases[i];
}

static void assert_sweep(const struct wl_phase *ph, uint64_t off, uint64_t len, uint64_t count,
			 enum wl_access access)
{
	assert_int_equal(ph->op, WL_SWEEP);
	assert_int_equal(ph->region, 0);
	assert_int_equal(ph->off, off);
	assert_int_equal(ph->len, len);
	assert_int_equal(ph->count, count);
	assert_int_equal(ph->access, access);
}

/* Main program of @proc: MMAP @size, @nr_init init phases, @threads spawns, JOIN. */
static void assert_main(const struct workload *wl, uint32_t proc, uint64_t size,
			uint32_t nr_init, uint32_t threads)
{
	uint32_t mp = wl->procs[proc].main_program;
	const struct wl_program *p = &wl->programs[mp];

	assert_int_equal(wl->procs[proc].nr_regions, 1);
	assert_int_equal(p->nr_phases, 1 + nr_init + threads + 1);
	assert_int_equal(phase(wl, mp, 0)->op, WL_MMAP);
	assert_int_equal(phase(wl, mp, 0)->region, 0);
	assert_int_equal(phase(wl, mp, 0)->len, size);
	for (uint32_t i = 0; i < threads; i++)
		assert_int_equal(phase(wl, mp, 1 + nr_init + i)->op, WL_SPAWN);
	assert_int_equal(phase(wl, mp, p->nr_phases - 1)->op, WL_JOIN);
}

/* Program started by spawn @i of process @proc's main program. */
static uint32_t thread_prog(const struct workload *wl, uint32_t proc, uint32_t nr_init,
			    uint32_t i)
{
	const struct wl_phase *ph = phase(wl, wl->procs[proc].main_program, 1 + nr_init + i);

	assert_int_equal(ph->op, WL_SPAWN);
	return ph->target;
}

/* The @n ranges (phase @ph_idx of each thread) tile [0, size) in order. */
static void assert_tiles(const struct workload *wl, uint32_t proc, uint32_t nr_init,
			 uint32_t n, uint32_t ph_idx, uint64_t size)
{
	uint64_t next = 0;

	for (uint32_t i = 0; i < n; i++) {
		const struct wl_phase *ph = phase(wl, thread_prog(wl, proc, nr_init, i), ph_idx);

		assert_int_equal(ph->off, next);
		assert_true(ph->len > 0);
		assert_int_equal(ph->len % PG, 0);
		next = ph->off + ph->len;
	}
	assert_int_equal(next, size);
}

static uint32_t numa01_node_of(const struct workload *wl)
{
	const char *s = strstr(wl->desc, "node=");

	assert_non_null(s);
	return (uint32_t)atoi(s + 5);
}

static void assert_same_phase(const struct wl_phase *a, const struct wl_phase *b)
{
	assert_int_equal(a->op, b->op);
	assert_int_equal(a->region, b->region);
	assert_int_equal(a->off, b->off);
	assert_int_equal(a->len, b->len);
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->access, b->access);
	assert_true(a->write_ratio == b->write_ratio);
	assert_true(a->hot_frac == b->hot_frac && a->hot_prob == b->hot_prob);
	assert_true(a->stddev == b->stddev);
	assert_int_equal(a->lk.data_len, b->lk.data_len);
	assert_int_equal(a->lk.keys_len, b->lk.keys_len);
	assert_int_equal(a->lk.work_off, b->lk.work_off);
	assert_int_equal(a->lk.work_len, b->lk.work_len);
	assert_int_equal(a->lk.gathers, b->lk.gathers);
	assert_int_equal(a->target, b->target);
	assert_int_equal(a->arg, b->arg);
	assert_int_equal(a->pol.mode, b->pol.mode);
	assert_int_equal(a->pol.nodes, b->pol.nodes);
	assert_int_equal(a->ns, b->ns);
}

static void assert_same_workload(const struct workload *a, const struct workload *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->desc, b->desc);
	assert_int_equal(a->nr_procs, b->nr_procs);
	assert_int_equal(a->nr_programs, b->nr_programs);
	for (uint32_t i = 0; i < a->nr_procs; i++) {
		assert_int_equal(a->procs[i].main_program, b->procs[i].main_program);
		assert_int_equal(a->procs[i].nr_regions, b->procs[i].nr_regions);
	}
	for (uint32_t p = 0; p < a->nr_programs; p++) {
		assert_int_equal(a->programs[p].nr_phases, b->programs[p].nr_phases);
		for (uint32_t i = 0; i < a->programs[p].nr_phases; i++)
			assert_same_phase(&a->programs[p].phases[i], &b->programs[p].phases[i]);
	}
}

/* ---- numa01 ---- */

/* Each process: MMAP, THREADS spawns of one thread program, JOIN; the thread
 * binds, writes everything once, unbinds, writes @loops more times. */
static void check_numa01(const struct machine *m, uint32_t threads)
{
	struct workload wl;
	char want[128];

	build_ok(&wl, "numa01", m, 1.0, 7);
	uint32_t node = numa01_node_of(&wl);
	snprintf(want, sizeof(want), "numa01:size=3G,threads=%u,loops=50,node=%u", threads, node);
	assert_string_equal(wl.desc, want);
	assert_string_equal(wl.name, "numa01");
	assert_int_equal(wl.nr_procs, 2);
	assert_int_equal(wl.nr_barriers, 0);
	for (uint32_t proc = 0; proc < 2; proc++) {
		assert_main(&wl, proc, 3 * GiB, 0, threads);
		uint32_t t = thread_prog(&wl, proc, 0, 0);
		for (uint32_t i = 1; i < threads; i++)
			assert_int_equal(thread_prog(&wl, proc, 0, i), t);
		assert_int_equal(wl.programs[t].nr_phases, 4);
		assert_int_equal(phase(&wl, t, 0)->op, WL_SET_MEMPOLICY);
		assert_int_equal(phase(&wl, t, 0)->pol.mode, MPOL_BIND);
		assert_int_equal(phase(&wl, t, 0)->pol.nodes, 1ull << node);
		assert_sweep(phase(&wl, t, 1), 0, 3 * GiB, 1, WL_WRITE);
		assert_int_equal(phase(&wl, t, 2)->op, WL_SET_MEMPOLICY);
		assert_int_equal(phase(&wl, t, 2)->pol.mode, MPOL_DEFAULT);
		assert_sweep(phase(&wl, t, 3), 0, 3 * GiB, 50, WL_WRITE);
	}
	/* no shared memory: each process has its own threads and buffer */
	assert_int_not_equal(thread_prog(&wl, 0, 0, 0), thread_prog(&wl, 1, 0, 0));
	workload_free(&wl);
}

static void test_numa01_2node_128cpu(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);

	check_numa01(m, 64);
	free(m);
}

static void test_numa01_4node_48cpu(void **state)
{
	(void)state;
	struct machine *m = make_machine(4, 4, 48);

	check_numa01(m, 24);
	free(m);
}

/* THREAD_ALLOC: the loops cover thread i's slice; slices tile the buffer. */
static void check_thread_alloc(const struct machine *m, const char *spec, uint32_t threads,
			       uint64_t size, uint64_t loops)
{
	struct workload wl;

	build_ok(&wl, spec, m, 1.0, 3);
	assert_int_equal(wl.nr_procs, 2);
	for (uint32_t proc = 0; proc < 2; proc++) {
		assert_main(&wl, proc, size, 0, threads);
		for (uint32_t i = 0; i < threads; i++) {
			uint32_t t = thread_prog(&wl, proc, 0, i);

			assert_int_equal(wl.programs[t].nr_phases, 4);
			assert_int_equal(phase(&wl, t, 0)->pol.mode, MPOL_BIND);
			assert_sweep(phase(&wl, t, 1), 0, size, 1, WL_WRITE);
			assert_int_equal(phase(&wl, t, 2)->pol.mode, MPOL_DEFAULT);
			assert_int_equal(phase(&wl, t, 3)->count, loops);
		}
		assert_tiles(&wl, proc, 0, threads, 3, size);
	}
	workload_free(&wl);
}

static void test_numa01_thread_alloc(void **state)
{
	(void)state;
	struct machine *m2 = make_machine(2, 2, 128);
	struct machine *m4 = make_machine(4, 4, 48);
	struct workload wl;

	check_thread_alloc(m2, "numa01_THREAD_ALLOC", 64, 3 * GiB, 1000);
	build_ok(&wl, "numa01_THREAD_ALLOC", m2, 1.0, 3);
	assert_sweep(phase(&wl, thread_prog(&wl, 0, 0, 5), 3), 5 * 48 * MiB, 48 * MiB, 1000,
		     WL_WRITE);	/* 48 MiB slices with 64 threads (reference 6.2) */
	workload_free(&wl);
	check_thread_alloc(m4, "numa01_THREAD_ALLOC", 24, 3 * GiB, 1000);
	/* uneven split: page-aligned slices, the last takes the remainder */
	check_thread_alloc(m4, "numa01_THREAD_ALLOC:threads=7,size=100M,loops=3", 7, 100 * MiB, 3);
	check_thread_alloc(m4, "numa01_THREAD_ALLOC:threads=3,size=20K", 3, 20 * KiB, 1000);
	free(m2);
	free(m4);
}

/* numa01 picks node 0 or 1 from the seed, deterministically; node= overrides. */
static void test_numa01_seed_node(void **state)
{
	(void)state;
	struct machine *m = make_machine(4, 4, 48);
	struct machine *m1 = make_machine(1, 1, 8);
	struct workload a, b;
	uint32_t seen[2] = { 0, 0 };

	for (uint64_t seed = 0; seed < 64; seed++) {
		build_ok(&a, "numa01", m, 1.0, seed);
		build_ok(&b, "numa01", m, 1.0, seed);
		assert_same_workload(&a, &b);
		seen[numa01_node_of(&a)]++;
		workload_free(&a);
		workload_free(&b);
	}
	assert_true(seen[0] > 0 && seen[1] > 0);
	for (uint64_t seed = 0; seed < 8; seed++) {
		build_ok(&a, "numa01_THREAD_ALLOC:node=1", m, 1.0, seed);
		assert_int_equal(phase(&a, thread_prog(&a, 1, 0, 0), 0)->pol.nodes, 2);
		workload_free(&a);
		build_ok(&a, "numa01:node=0", m, 1.0, seed);
		assert_int_equal(phase(&a, thread_prog(&a, 0, 0, 0), 0)->pol.nodes, 1);
		workload_free(&a);
		build_ok(&a, "numa01", m1, 1.0, seed);	/* one node: always node 0 */
		assert_int_equal(numa01_node_of(&a), 0);
		workload_free(&a);
	}
	build_err("numa01:node=1", m1, 1.0, "key 'node'");
	free(m);
	free(m1);
}

/* cpus counts CPUs only: a CPU-less node adds none, but numa02 still chunks over it. */
static void test_cpuless_node(void **state)
{
	(void)state;
	struct machine *m = make_machine(3, 2, 64);
	struct workload wl;

	build_ok(&wl, "numa01", m, 1.0, 1);
	assert_main(&wl, 0, 3 * GiB, 0, 32);
	workload_free(&wl);
	build_ok(&wl, "numa02", m, 1.0, 1);
	assert_main(&wl, 0, 1 * GiB, 3, 64);
	workload_free(&wl);
	build_ok(&wl, "seq", m, 1.0, 1);
	assert_main(&wl, 0, 1 * GiB, 0, 32);	/* CPUs of node 0 */
	workload_free(&wl);
	free(m);
}

/* ---- numa02 ---- */

static void check_numa02(const struct machine *m, const char *spec, uint32_t threads,
			 uint64_t slice)
{
	const uint32_t nodes = m->nr_nodes;
	struct workload wl;
	uint64_t next = 0;

	build_ok(&wl, spec, m, 1.0, 1);
	assert_int_equal(wl.nr_procs, 1);
	assert_int_equal(wl.nr_programs, 1 + threads);
	assert_main(&wl, 0, 1 * GiB, nodes, threads);
	/* BINDMAP: one first-touch sweep per node chunk, by the main thread */
	for (uint32_t k = 0; k < nodes; k++) {
		const struct wl_phase *ph = phase(&wl, wl.procs[0].main_program, 1 + k);

		assert_sweep(ph, next, 1 * GiB / nodes, 1, WL_WRITE);
		next += ph->len;
	}
	assert_int_equal(next, 1 * GiB);
	for (uint32_t i = 0; i < threads; i++) {
		uint32_t t = thread_prog(&wl, 0, nodes, i);

		assert_int_equal(wl.programs[t].nr_phases, 1);
		assert_int_equal(phase(&wl, t, 0)->count, 800);
		if (slice)
			assert_sweep(phase(&wl, t, 0), i * slice, slice, 800, WL_WRITE);
	}
	assert_tiles(&wl, 0, nodes, threads, 0, 1 * GiB);
	workload_free(&wl);
}

static void test_numa02(void **state)
{
	(void)state;
	struct machine *m2 = make_machine(2, 2, 128);
	struct machine *m4 = make_machine(4, 4, 48);

	check_numa02(m2, "numa02", 128, 8 * MiB);
	check_numa02(m2, "numa02_SMT", 64, 16 * MiB);
	check_numa02(m4, "numa02", 48, 0);	/* 1G / 48 is uneven */
	check_numa02(m4, "numa02_SMT", 24, 0);
	free(m2);
	free(m4);
}

static void test_numa02_params(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	build_ok(&wl, "numa02_SMT:threads=3,loops=5,size=12M", m, 1.0, 1);
	assert_string_equal(wl.desc, "numa02_SMT:size=12M,threads=3,loops=5");
	assert_main(&wl, 0, 12 * MiB, 2, 3);
	assert_sweep(phase(&wl, thread_prog(&wl, 0, 2, 2), 0), 8 * MiB, 4 * MiB, 5, WL_WRITE);
	workload_free(&wl);
	free(m);
}

/* ---- scaling ---- */

static uint64_t region_size(const struct workload *wl)
{
	return phase(wl, wl->procs[0].main_program, 0)->len;
}

static void test_scale(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	/* 3G * 0.01 = 30.72M, rounded down to 2 MiB; loop counts stay */
	build_ok(&wl, "numa01:node=1", m, 0.01, 1);
	assert_string_equal(wl.desc, "numa01:size=30M,threads=64,loops=50,node=1");
	assert_sweep(phase(&wl, thread_prog(&wl, 1, 0, 0), 3), 0, 30 * MiB, 50, WL_WRITE);
	workload_free(&wl);
	build_ok(&wl, "numa02", m, 0.01, 1);
	assert_string_equal(wl.desc, "numa02:size=10M,threads=128,loops=800");
	assert_tiles(&wl, 0, 2, 128, 0, 10 * MiB);
	workload_free(&wl);
	/* below 2 MiB: 4 KiB rounding, then at least one page per thread */
	build_ok(&wl, "numa01_THREAD_ALLOC", m, 0.0001, 1);
	assert_int_equal(region_size(&wl), ALIGN_DOWN(3 * GiB / 10000, PG));
	workload_free(&wl);
	build_ok(&wl, "numa01_THREAD_ALLOC", m, 0.000001, 1);
	assert_int_equal(region_size(&wl), 64 * PG);
	assert_tiles(&wl, 1, 0, 64, 3, 64 * PG);
	workload_free(&wl);
	/* a size that is not 2 MiB-aligned rounds to 4 KiB */
	build_ok(&wl, "seq:size=5000K,threads=2", m, 0.5, 1);
	assert_int_equal(region_size(&wl), 2500 * KiB);
	workload_free(&wl);
	build_ok(&wl, "numa01", m, 2.0, 1);
	assert_int_equal(region_size(&wl), 6 * GiB);
	workload_free(&wl);
	/* random accesses are work: they shrink with memory */
	build_ok(&wl, "random", m, 0.01, 1);
	assert_string_equal(wl.desc,
			    "random:size=10M,threads=64,accesses=100000,write_ratio=0,shared=0,"
			    "init=thread");
	workload_free(&wl);
	free(m);
}

static void test_scale_bad(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);

	build_err("numa01", m, 0.0, "scale");
	build_err("numa01", m, -1.0, "scale");
	build_err("numa01", m, 1000.5, "scale");
	build_err("numa01", m, NAN, "scale");
	build_err("numa01:size=64T", m, 2.0, "key 'size'");
	build_err("random:accesses=1000000000000000", m, 10.0, "key 'accesses'");
	build_err("pmbench:accesses=1000000000000000", m, 10.0, "key 'accesses'");
	build_err("xsbench:lookups=1000000000000000", m, 10.0, "key 'lookups'");
	build_err("xsbench:table=64T", m, 2.0, "key 'table'");
	free(m);
}

/* desc names every effective value: building it at scale 1 gives the same workload. */
static void test_desc_reproduces(void **state)
{
	(void)state;
	struct machine *ms[] = { make_machine(2, 2, 128), make_machine(4, 4, 48),
				 make_machine(1, 1, 4), make_machine(1, 1, 4) };
	assert_int_equal(machine_preset(ms[3], "gpu-2node"), 0);
	const double scales[] = { 1.0, 0.01, 0.0003 };
	struct workload a, b;

	for (size_t mi = 0; mi < ARRAY_SIZE(ms); mi++) {
		for (const char *const *n = workload_names; *n; n++) {
			/* the device workloads need a device: gpu-2node only */
			if (!strncmp(*n, "gpu-", 4) && mi != 3)
				continue;
			if (!strcmp(*n, "trace"))	/* needs a file: test_trace.c */
				continue;
			for (size_t s = 0; s < ARRAY_SIZE(scales); s++) {
				build_ok(&a, *n, ms[mi], scales[s], 42 + s);
				build_ok(&b, a.desc, ms[mi], 1.0, 1000 + s);
				assert_same_workload(&a, &b);
				workload_free(&a);
				workload_free(&b);
			}
		}
		free(ms[mi]);
	}
}

/* ---- generic patterns ---- */

static void test_seq_defaults(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	build_ok(&wl, "seq", m, 1.0, 1);
	assert_string_equal(wl.desc,
			    "seq:size=1G,threads=64,passes=10,access=write,shared=0,init=thread,store=rfo");
	assert_int_equal(wl.nr_procs, 1);
	assert_main(&wl, 0, 1 * GiB, 0, 64);
	for (uint32_t i = 0; i < 64; i++) {
		uint32_t t = thread_prog(&wl, 0, 0, i);

		assert_int_equal(wl.programs[t].nr_phases, 2);
		/* init=thread: first touch of its own slice, then the passes */
		assert_sweep(phase(&wl, t, 0), i * 16 * MiB, 16 * MiB, 1, WL_WRITE);
		assert_sweep(phase(&wl, t, 1), i * 16 * MiB, 16 * MiB, 10, WL_WRITE);
	}
	workload_free(&wl);
	free(m);
}

static void test_seq_params(void **state)
{
	(void)state;
	struct machine *m = make_machine(4, 4, 48);
	struct workload wl;

	build_ok(&wl, "seq:init=main,shared=1,access=read,passes=3,threads=5,size=64M", m, 1.0, 1);
	assert_string_equal(wl.desc,
			    "seq:size=64M,threads=5,passes=3,access=read,shared=1,init=main,store=rfo");
	assert_main(&wl, 0, 64 * MiB, 1, 5);
	/* init=main: the main thread touches everything before spawning */
	assert_sweep(phase(&wl, wl.procs[0].main_program, 1), 0, 64 * MiB, 1, WL_WRITE);
	uint32_t t = thread_prog(&wl, 0, 1, 0);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(thread_prog(&wl, 0, 1, i), t);
	assert_int_equal(wl.programs[t].nr_phases, 1);
	assert_sweep(phase(&wl, t, 0), 0, 64 * MiB, 3, WL_READ);
	workload_free(&wl);

	build_ok(&wl, "seq:access=rw,shared=1,threads=2", m, 1.0, 1);
	t = thread_prog(&wl, 0, 0, 1);
	assert_sweep(phase(&wl, t, 0), 0, 1 * GiB, 1, WL_WRITE);	/* init=thread, shared */
	assert_sweep(phase(&wl, t, 1), 0, 1 * GiB, 10, WL_RW);
	workload_free(&wl);

	build_ok(&wl, "seq:init=main,threads=3,size=12K", m, 1.0, 1);
	assert_tiles(&wl, 0, 1, 3, 0, 12 * KiB);
	workload_free(&wl);
	build_ok(&wl, "seq", m, 1.0, 1);
	assert_main(&wl, 0, 1 * GiB, 0, 12);	/* 48 CPUs over 4 nodes */
	workload_free(&wl);
	free(m);
}

static void test_random(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	build_ok(&wl, "random:threads=4", m, 1.0, 1);
	uint32_t t = thread_prog(&wl, 0, 0, 3);
	assert_int_equal(wl.programs[t].nr_phases, 2);
	const struct wl_phase *ph = phase(&wl, t, 1);
	assert_int_equal(ph->op, WL_RANDOM);
	assert_int_equal(ph->access, WL_READ);	/* write_ratio 0: reads only */
	assert_int_equal(ph->count, 10000000);
	assert_int_equal(ph->off, 768 * MiB);
	assert_int_equal(ph->len, 256 * MiB);
	workload_free(&wl);

	build_ok(&wl, "random:write_ratio=0.25,accesses=5000,shared=1,init=main,threads=2", m,
		 1.0, 1);
	assert_string_equal(wl.desc, "random:size=1G,threads=2,accesses=5000,write_ratio=0.25,"
			    "shared=1,init=main");
	ph = phase(&wl, thread_prog(&wl, 0, 1, 1), 0);
	assert_int_equal(ph->op, WL_RANDOM);
	assert_int_equal(ph->access, WL_RW);
	assert_true(ph->write_ratio == 0.25);
	assert_int_equal(ph->count, 5000);
	assert_int_equal(ph->len, 1 * GiB);
	workload_free(&wl);

	build_ok(&wl, "random:write_ratio=1", m, 1.0, 1);
	assert_true(phase(&wl, thread_prog(&wl, 0, 0, 0), 1)->write_ratio == 1.0);
	workload_free(&wl);
	free(m);
}

static void test_skewed(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	build_ok(&wl, "skewed:threads=2", m, 1.0, 1);
	assert_string_equal(wl.desc, "skewed:size=1G,threads=2,accesses=10000000,write_ratio=0,"
			    "shared=0,init=thread,hot=0.1,hot_prob=0.9");
	const struct wl_phase *ph = phase(&wl, thread_prog(&wl, 0, 0, 1), 1);
	assert_int_equal(ph->op, WL_SKEWED);
	assert_true(ph->hot_frac == 0.1 && ph->hot_prob == 0.9);
	assert_int_equal(ph->access, WL_READ);
	workload_free(&wl);

	build_ok(&wl, "skewed:hot=.2,hot_prob=0.75,write_ratio=0.5,threads=1", m, 1.0, 1);
	ph = phase(&wl, thread_prog(&wl, 0, 0, 0), 1);
	assert_true(ph->hot_frac == 0.2 && ph->hot_prob == 0.75 && ph->write_ratio == 0.5);
	assert_int_equal(ph->access, WL_RW);
	workload_free(&wl);
	build_ok(&wl, "skewed:hot=1,hot_prob=0", m, 1.0, 1);
	workload_free(&wl);
	/* tiny fractions print with an exponent, and read back exactly */
	build_ok(&wl, "skewed:hot=.0000000518278151,hot_prob=1e-1,threads=1", m, 1.0, 1);
	assert_string_equal(wl.desc, "skewed:size=1G,threads=1,accesses=10000000,write_ratio=0,"
			    "shared=0,init=thread,hot=5.18278151e-08,hot_prob=0.1");
	workload_free(&wl);
	free(m);
}

/* ---- tiering workloads ---- */

static void assert_mix(const struct wl_phase *ph, enum wl_access access, double write_ratio)
{
	assert_int_equal(ph->access, access);
	assert_true(ph->write_ratio == write_ratio);
}

static void test_pmbench(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	/* init=main: the main thread writes the map, then 8 threads share one program */
	build_ok(&wl, "pmbench", m, 1.0, 1);
	assert_string_equal(wl.desc, "pmbench:size=4G,threads=8,accesses=20000000,pattern=gauss,"
			    "stddev=0.08333333333333333,hot=0.2,hot_prob=0.8,read_ratio=0.5,"
			    "init=main");
	assert_int_equal(wl.nr_procs, 1);
	assert_int_equal(wl.nr_barriers, 0);
	assert_main(&wl, 0, 4 * GiB, 1, 8);
	assert_sweep(phase(&wl, wl.procs[0].main_program, 1), 0, 4 * GiB, 1, WL_WRITE);
	uint32_t t = thread_prog(&wl, 0, 1, 0);
	for (uint32_t i = 1; i < 8; i++)
		assert_int_equal(thread_prog(&wl, 0, 1, i), t);
	assert_int_equal(wl.programs[t].nr_phases, 1);
	const struct wl_phase *ph = phase(&wl, t, 0);
	assert_int_equal(ph->op, WL_GAUSS);
	assert_int_equal(ph->off, 0);
	assert_int_equal(ph->len, 4 * GiB);
	assert_int_equal(ph->count, 20000000);
	assert_true(ph->stddev == 1.0 / 12);
	assert_mix(ph, WL_RW, 0.5);
	workload_free(&wl);

	/* hotcold: WL_SKEWED over the whole map; read_ratio=1 is reads only */
	build_ok(&wl, "pmbench:pattern=hotcold,read_ratio=1,threads=2,hot=0.25,hot_prob=0.9,"
		 "stddev=0.5", m, 1.0, 1);
	ph = phase(&wl, thread_prog(&wl, 0, 1, 1), 0);
	assert_int_equal(ph->op, WL_SKEWED);
	assert_true(ph->hot_frac == 0.25 && ph->hot_prob == 0.9);
	assert_true(ph->stddev == 0.0);	/* stddev is gauss's */
	assert_int_equal(ph->len, 4 * GiB);
	assert_mix(ph, WL_READ, 0.0);
	workload_free(&wl);
	build_ok(&wl, "pmbench:read_ratio=0,stddev=1", m, 1.0, 1);
	ph = phase(&wl, thread_prog(&wl, 0, 1, 0), 0);
	assert_mix(ph, WL_WRITE, 1.0);
	assert_true(ph->stddev == 1.0 && ph->hot_frac == 0.0);
	workload_free(&wl);
	build_ok(&wl, "pmbench:read_ratio=0.75", m, 1.0, 1);
	assert_mix(phase(&wl, thread_prog(&wl, 0, 1, 0), 0), WL_RW, 0.25);
	workload_free(&wl);

	/* init=thread: each thread writes its share, waits for the others, then
	 * accesses the whole map */
	build_ok(&wl, "pmbench:init=thread,threads=3,size=12K,accesses=7", m, 1.0, 1);
	assert_string_equal(wl.desc, "pmbench:size=12K,threads=3,accesses=7,pattern=gauss,"
			    "stddev=0.08333333333333333,hot=0.2,hot_prob=0.8,read_ratio=0.5,"
			    "init=thread");
	assert_main(&wl, 0, 12 * KiB, 0, 3);
	assert_int_equal(wl.nr_barriers, 1);
	assert_int_equal(wl.barrier_parties[0], 3);
	assert_tiles(&wl, 0, 0, 3, 0, 12 * KiB);
	for (uint32_t i = 0; i < 3; i++) {
		t = thread_prog(&wl, 0, 0, i);
		assert_int_equal(wl.programs[t].nr_phases, 3);
		assert_int_equal(phase(&wl, t, 0)->access, WL_WRITE);
		assert_int_equal(phase(&wl, t, 1)->op, WL_BARRIER);
		assert_int_equal(phase(&wl, t, 1)->target, 0);
		assert_int_equal(phase(&wl, t, 2)->op, WL_GAUSS);
		assert_int_equal(phase(&wl, t, 2)->len, 12 * KiB);
		assert_int_equal(phase(&wl, t, 2)->count, 7);
	}
	workload_free(&wl);

	/* --scale: the map and the accesses shrink together */
	build_ok(&wl, "pmbench", m, 0.01, 1);
	assert_string_equal(wl.desc, "pmbench:size=40M,threads=8,accesses=200000,pattern=gauss,"
			    "stddev=0.08333333333333333,hot=0.2,hot_prob=0.8,read_ratio=0.5,"
			    "init=main");
	workload_free(&wl);
	/* tiny: a page at least, one per thread with init=thread; one access at least */
	build_ok(&wl, "pmbench:init=thread,threads=5", m, 0.000000001, 1);
	assert_string_equal(wl.desc, "pmbench:size=20K,threads=5,accesses=1,pattern=gauss,"
			    "stddev=0.08333333333333333,hot=0.2,hot_prob=0.8,read_ratio=0.5,"
			    "init=thread");
	workload_free(&wl);
	free(m);
}

/* The table's parts, in XSBench's allocation order and byte shares. */
static void assert_xs_table(const struct wl_phase *ph, uint64_t table, uint64_t data,
			    uint64_t keys)
{
	assert_int_equal(ph->op, WL_LOOKUP);
	assert_int_equal(ph->region, 0);
	assert_int_equal(ph->off, 0);
	assert_int_equal(ph->len, table);
	assert_int_equal(ph->lk.data_len, data);
	assert_int_equal(ph->lk.keys_len, keys);
}

static void test_xsbench(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;

	build_ok(&wl, "xsbench", m, 1.0, 1);
	assert_string_equal(wl.desc, "xsbench:table=4G,threads=64,lookups=5000000,nuclides=16,"
			    "work=1M,write_ratio=1");
	/* the main thread writes the table (not the work ranges), then 64 threads look up */
	assert_main(&wl, 0, 4 * GiB + 64 * MiB, 1, 64);
	assert_sweep(phase(&wl, wl.procs[0].main_program, 1), 0, 4 * GiB, 1, WL_WRITE);
	for (uint32_t i = 0; i < 64; i++) {
		uint32_t t = thread_prog(&wl, 0, 1, i);
		const struct wl_phase *ph = phase(&wl, t, 0);

		assert_int_equal(wl.programs[t].nr_phases, 1);
		/* 48 and 8 of every 1476 bytes, to 4 KiB: 3.3% records, 0.5% keys */
		assert_xs_table(ph, 4 * GiB, 139673600, 23277568);
		assert_int_equal(ph->count, 5000000);
		assert_int_equal(ph->lk.gathers, 16);
		/* each thread's own megabyte after the table */
		assert_int_equal(ph->lk.work_off, 4 * GiB + i * MiB);
		assert_int_equal(ph->lk.work_len, 1 * MiB);
		assert_mix(ph, WL_WRITE, 1.0);
	}
	workload_free(&wl);

	build_ok(&wl, "xsbench:table=12K,threads=2,lookups=9,nuclides=355,work=8K,write_ratio=0.5",
		 m, 1.0, 1);
	assert_main(&wl, 0, 28 * KiB, 1, 2);
	const struct wl_phase *ph = phase(&wl, thread_prog(&wl, 0, 1, 1), 0);
	assert_xs_table(ph, 12 * KiB, PG, PG);	/* a page each at least */
	assert_int_equal(ph->lk.gathers, 355);
	assert_int_equal(ph->lk.work_off, 20 * KiB);
	assert_int_equal(ph->lk.work_len, 8 * KiB);
	assert_mix(ph, WL_RW, 0.5);
	workload_free(&wl);
	build_ok(&wl, "xsbench:write_ratio=0,threads=1", m, 1.0, 1);
	assert_mix(phase(&wl, thread_prog(&wl, 0, 1, 0), 0), WL_READ, 0.0);
	workload_free(&wl);

	/* --scale: table, work and lookups shrink together */
	build_ok(&wl, "xsbench:threads=3", m, 0.01, 1);
	assert_string_equal(wl.desc, "xsbench:table=40M,threads=3,lookups=50000,nuclides=16,"
			    "work=8K,write_ratio=1");
	ph = phase(&wl, thread_prog(&wl, 0, 1, 2), 0);
	assert_xs_table(ph, 40 * MiB, 1363968, 225280);
	assert_int_equal(ph->lk.work_off, 40 * MiB + 16 * KiB);
	workload_free(&wl);
	build_ok(&wl, "xsbench:threads=2", m, 0.000000001, 1);
	assert_string_equal(wl.desc, "xsbench:table=12K,threads=2,lookups=1,nuclides=16,"
			    "work=4K,write_ratio=1");
	workload_free(&wl);
	free(m);
	m = make_machine(4, 4, 48);
	build_ok(&wl, "xsbench", m, 1.0, 1);	/* threads: the CPUs of node 0 */
	assert_main(&wl, 0, 4 * GiB + 12 * MiB, 1, 12);
	workload_free(&wl);
	free(m);
}

/* ---- bad specs ---- */

static void test_bad_specs(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 128);
	struct workload wl;
	char err[256];
	static const struct {
		const char *spec, *needle;
	} bad[] = {
		{ "numa01:sizes=3G", "unknown key 'sizes'" },
		{ "numa01:size=3G,size=1G", "key 'size' given twice" },
		{ "numa01:size=", "key 'size'" },
		{ "numa01:size", "key 'size' needs a value" },
		{ "numa01:size=3GB", "key 'size'" },
		{ "numa01:size=-3G", "key 'size'" },
		{ "numa01:size=5000", "key 'size'" },
		{ "numa01:size=65T", "key 'size'" },
		{ "numa01:size=99999999999999999999T", "key 'size'" },
		{ "numa01:size=18014398509481984K", "key 'size'" },
		{ "numa01:threads=0", "key 'threads'" },
		{ "numa01:threads=4097", "from 1 to 4096" },
		{ "numa01:threads=+4", "key 'threads'" },
		{ "numa01:threads= 4", "key 'threads'" },
		{ "numa01:threads=4x", "key 'threads'" },
		{ "numa01:threads=0x10", "key 'threads'" },
		{ "numa01:loops=18446744073709551616", "key 'loops'" },
		{ "numa01:loops=1000000001", "key 'loops'" },
		{ "numa01:node=2", "key 'node'" },
		{ "numa01:threads=4,node=-1", "key 'node'" },
		{ "numa01_THREAD_ALLOC:threads=64,size=128K", "key 'size'" },
		{ "numa02:loops=0", "key 'loops'" },
		{ "numa02:node=1", "unknown key 'node'" },
		{ "seq:access=readwrite", "key 'access'" },
		{ "seq:access=", "key 'access'" },
		{ "seq:init=both", "key 'init'" },
		{ "seq:shared=2", "key 'shared'" },
		{ "seq:shared=yes", "key 'shared'" },
		{ "seq:passes=0", "key 'passes'" },
		{ "seq:write_ratio=0.5", "unknown key 'write_ratio'" },
		{ "random:passes=3", "unknown key 'passes'" },
		{ "random:accesses=0", "key 'accesses'" },
		{ "random:write_ratio=1.5", "key 'write_ratio'" },
		{ "random:write_ratio=-0.1", "key 'write_ratio'" },
		{ "random:write_ratio=nan", "key 'write_ratio'" },
		{ "random:write_ratio=inf", "key 'write_ratio'" },
		{ "random:write_ratio=0x1p-1", "key 'write_ratio'" },
		{ "random:write_ratio=1e1", "key 'write_ratio'" },
		{ "random:write_ratio=1e", "key 'write_ratio'" },
		{ "random:write_ratio=1e-", "key 'write_ratio'" },
		{ "random:write_ratio=e-1", "key 'write_ratio'" },
		{ "random:write_ratio=1e-1x", "key 'write_ratio'" },
		{ "random:write_ratio=0.5.", "key 'write_ratio'" },
		{ "random:write_ratio=.", "key 'write_ratio'" },
		{ "skewed:hot=0", "key 'hot'" },
		{ "skewed:hot_prob=1.01", "key 'hot_prob'" },
		{ "pmbench:pattern=normal", "expected one of gauss|hotcold" },
		{ "pmbench:stddev=0", "key 'stddev': expected a fraction from 0 to 1 (above 0)" },
		{ "pmbench:stddev=1.01", "key 'stddev'" },
		{ "pmbench:hot=0", "key 'hot'" },
		{ "pmbench:hot_prob=2", "key 'hot_prob'" },
		{ "pmbench:read_ratio=1.5", "key 'read_ratio'" },
		{ "pmbench:write_ratio=0.5", "unknown key 'write_ratio'" },
		{ "pmbench:init=both", "key 'init'" },
		{ "pmbench:threads=0", "key 'threads'" },
		{ "pmbench:accesses=0", "key 'accesses'" },
		{ "pmbench:shared=0", "unknown key 'shared'" },
		{ "pmbench:init=thread,threads=4,size=12K", "key 'size': 12K is below one page per slice" },
		{ "xsbench:table=8K", "key 'table': expected a multiple of 4K from 12K to 64T" },
		{ "xsbench:size=1G", "unknown key 'size'" },
		{ "xsbench:lookups=0", "key 'lookups'" },
		{ "xsbench:nuclides=0", "key 'nuclides': expected an integer from 1 to 355" },
		{ "xsbench:nuclides=356", "key 'nuclides'" },
		{ "xsbench:work=0", "key 'work'" },
		{ "xsbench:work=100", "key 'work'" },
		{ "xsbench:write_ratio=1.5", "key 'write_ratio'" },
		{ "xsbench:threads=4097", "key 'threads'" },
		{ "xsbench:table=64T,work=1G,threads=2", "key 'work': the table and 2 threads' work" },
		{ "numa01:size=3G,", "empty key=value" },
		{ "numa01:", "empty key=value" },
		{ "numa01:,size=3G", "empty key=value" },
		{ "numa01:=3G", "no key" },
		{ "numa01:size=3G=4", "key 'size'" },
		{ "numa03", "unknown workload 'numa03'" },
		{ "NUMA01", "unknown workload" },
		{ ":size=3G", "unknown workload" },
		{ "", "empty workload spec" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		build_err(bad[i].spec, m, 1.0, bad[i].needle);
	/* the exact wording users see */
	assert_int_equal(workload_build(&wl, "numa01:size=3X", m, 1.0, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "workload 'numa01': key 'size': expected a size like 3G, got '3X'");
	assert_int_equal(workload_build(&wl, NULL, m, 1.0, 1, err, sizeof(err)), -1);
	assert_int_equal(workload_build(&wl, "numa01:x=1", m, 1.0, 1, NULL, 0), -1);
	free(m);
}

/* Sizes take K/M/G/T in either case; the limits themselves are accepted. */
static void test_good_values(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 4);
	struct workload wl;

	build_ok(&wl, "seq:size=1536m,threads=1", m, 1.0, 1);
	assert_int_equal(region_size(&wl), 1536 * MiB);
	assert_string_equal(wl.desc, "seq:size=1536M,threads=1,passes=10,access=write,shared=0,"
			    "init=thread,store=rfo");
	workload_free(&wl);
	build_ok(&wl, "seq:size=8192,threads=2", m, 1.0, 1);
	assert_int_equal(region_size(&wl), 8 * KiB);
	workload_free(&wl);
	build_ok(&wl, "numa01:size=64T,threads=4096,loops=1000000000", m, 1.0, 1);
	assert_int_equal(region_size(&wl), 64 * 1024 * GiB);
	assert_main(&wl, 0, 64 * 1024 * GiB, 0, 4096);
	workload_free(&wl);
	build_ok(&wl, "seq:size=1t,threads=1,passes=1", m, 1.0, 1);
	assert_int_equal(region_size(&wl), 1024 * GiB);
	workload_free(&wl);
	free(m);
}

/* ---- validate ---- */

/* A valid one-process workload: main maps 2 pages, spawns program 1, joins. */
static void hand_workload(struct workload *wl)
{
	*wl = (struct workload){ 0 };
	uint32_t mp = wl_add_program(wl);
	uint32_t t = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mp);

	assert_int_equal(wl_add_mmap(wl, proc, 2 * PG), 0);
	wl_add_spawn(wl, mp, t);
	wl_add_phase(wl, mp, WL_JOIN);
	wl_add_sweep(wl, t, 0, PG, PG, 2, WL_READ);
}

static void validate_err(const struct workload *wl, const char *needle)
{
	char err[256] = "";

	assert_int_equal(workload_validate(wl, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("message \"%s\" does not contain \"%s\"", err, needle);
}

static void validate_ok(const struct workload *wl)
{
	char err[256] = "";

	if (workload_validate(wl, err, sizeof(err)))
		fail_msg("valid workload rejected: %s", err);
}

static void test_validate_regions(void **state)
{
	(void)state;
	struct workload wl;

	hand_workload(&wl);
	validate_ok(&wl);
	workload_free(&wl);

	/* region used before the mmap that creates it */
	uint32_t mp = wl_add_program(&wl);
	wl_add_process(&wl, mp);
	wl_add_sweep(&wl, mp, 0, 0, PG, 1, WL_WRITE);
	wl_add_mmap(&wl, 0, PG);
	validate_err(&wl, "program 0 phase 0 (sweep): uses region 0 before it is created");
	workload_free(&wl);

	/* range outside the region */
	hand_workload(&wl);
	wl.programs[1].phases[0].len = 2 * PG;
	validate_err(&wl, "program 1 phase 0 (sweep): range [4096, +8192) lies outside region 0");
	wl.programs[1].phases[0].off = UINT64_MAX - PG + 1;	/* no wrap-around */
	wl.programs[1].phases[0].len = PG;
	validate_err(&wl, "outside region 0");
	workload_free(&wl);

	/* lengths are page multiples */
	hand_workload(&wl);
	wl.programs[1].phases[0].len = 100;
	validate_err(&wl, "program 1 phase 0 (sweep)");
	wl.programs[1].phases[0].len = 0;
	validate_err(&wl, "page multiples");
	workload_free(&wl);

	/* a thread may not use a region created after its spawn */
	hand_workload(&wl);
	wl_add_mmap(&wl, 0, PG);
	validate_ok(&wl);
	wl.programs[1].phases[0].region = 1;
	wl.programs[1].phases[0].off = 0;
	validate_err(&wl, "uses region 1 before it is created");
	workload_free(&wl);

	/* regions are created in order, and nr_regions counts them */
	hand_workload(&wl);
	wl.programs[0].phases[0].region = 1;
	validate_err(&wl, "creates region 1");
	wl.programs[0].phases[0].region = 0;
	wl.procs[0].nr_regions = 2;
	validate_err(&wl, "nr_regions is 2");
	workload_free(&wl);

	/* only main programs create regions */
	hand_workload(&wl);
	wl_add_phase(&wl, 1, WL_MMAP)->len = PG;
	validate_err(&wl, "program 1 phase 1 (mmap): only a main program");
	workload_free(&wl);
}

static void test_validate_programs(void **state)
{
	(void)state;
	struct workload wl = { 0 };

	validate_err(&wl, "no process");
	hand_workload(&wl);
	wl.procs[0].main_program = 2;
	validate_err(&wl, "process 0: main program 2 out of range");
	workload_free(&wl);

	hand_workload(&wl);
	wl.programs[0].phases[1].target = 9;
	validate_err(&wl, "program 0 phase 1 (spawn): program 9 out of range");
	wl.programs[0].phases[1].target = 0;
	validate_err(&wl, "program 0 is a main program");
	workload_free(&wl);

	/* a spawn cycle would never end */
	hand_workload(&wl);
	wl_add_spawn(&wl, 1, 1);
	validate_err(&wl, "spawn cycle");
	workload_free(&wl);

	/* a program no process runs */
	hand_workload(&wl);
	wl_add_phase(&wl, wl_add_program(&wl), WL_JOIN);
	validate_err(&wl, "program 2 is never run");
	workload_free(&wl);

	/* two processes: same main program; a thread program shared between them */
	hand_workload(&wl);
	wl_add_process(&wl, 0);
	validate_err(&wl, "already the main program of process 0");
	wl.procs[1].main_program = wl_add_program(&wl);
	wl_add_mmap(&wl, 1, PG);
	wl_add_spawn(&wl, wl.procs[1].main_program, 1);
	validate_err(&wl, "run by threads of process 0 and of process 1");
	workload_free(&wl);

	hand_workload(&wl);
	wl.programs[1].phases[0].op = NR_WL_OPS;
	validate_err(&wl, "unknown op");
	workload_free(&wl);
}

/* A process holds at most WL_MAX_REGIONS regions: one more is refused, not overflowed. */
static void test_validate_region_limit(void **state)
{
	(void)state;
	struct workload wl = { 0 };
	uint32_t mp = wl_add_program(&wl);
	uint32_t proc = wl_add_process(&wl, mp);

	for (uint32_t r = 0; r < WL_MAX_REGIONS; r++)
		wl_add_mmap(&wl, proc, PG);
	validate_ok(&wl);
	wl_add_mmap(&wl, proc, PG);
	validate_err(&wl, "more than 64 regions in one process");
	workload_free(&wl);
}

static void test_validate_fields(void **state)
{
	(void)state;
	struct workload wl;
	struct wl_phase *sweep;

	hand_workload(&wl);
	sweep = &wl.programs[1].phases[0];
	sweep->count = 0;
	validate_err(&wl, "count is 0");
	sweep->count = 1;
	sweep->access = 0;
	validate_err(&wl, "bad access");
	sweep->access = WL_RW;
	validate_ok(&wl);
	sweep->op = WL_SKEWED;
	validate_err(&wl, "hot_frac");
	sweep->hot_frac = 0.5;
	sweep->hot_prob = NAN;
	validate_err(&wl, "hot_prob");
	sweep->hot_prob = 0.5;
	sweep->write_ratio = 2;
	validate_err(&wl, "write_ratio");
	sweep->write_ratio = 0.5;
	validate_ok(&wl);
	sweep->op = WL_GAUSS;
	validate_err(&wl, "stddev 0 is not in (0, 1]");
	sweep->stddev = 1.5;
	validate_err(&wl, "stddev");
	sweep->stddev = NAN;
	validate_err(&wl, "stddev");
	sweep->stddev = 1.0;
	validate_ok(&wl);
	workload_free(&wl);

	/* a lookup table in the thread's page [4K, 8K) of the region, work in [0, 4K) */
	hand_workload(&wl);
	sweep = &wl.programs[1].phases[0];
	sweep->op = WL_LOOKUP;
	sweep->count = 10;
	sweep->access = WL_WRITE;
	validate_err(&wl, "program 1 phase 0 (lookup): gathers 0 is not in [1, 4096]");
	sweep->lk.gathers = WL_LOOKUP_MAX_GATHERS + 1;
	validate_err(&wl, "gathers 4097");
	sweep->lk.gathers = 3;
	sweep->lk.data_len = 64;
	sweep->lk.keys_len = 8;
	validate_err(&wl, "work offset 0 and length 0 must be page multiples");
	sweep->lk.work_len = PG;
	validate_ok(&wl);
	sweep->lk.work_off = 2 * PG;
	validate_err(&wl, "work range [8192, +4096) lies outside region 0 of 8192 bytes");
	sweep->lk.work_off = 100;
	validate_err(&wl, "must be page multiples");
	sweep->lk.work_off = 0;
	sweep->lk.data_len = 63;
	validate_err(&wl, "63 bytes of records and 8 of keys in a table of 4096");
	sweep->lk.data_len = 64;
	sweep->lk.keys_len = 12;
	validate_err(&wl, "of keys");
	sweep->lk.keys_len = 0;
	validate_err(&wl, "of keys");
	/* the rows need a byte per key: 4096 - 64 - 3584 = 448 = 3584 / 8 */
	sweep->lk.keys_len = 3584;
	validate_ok(&wl);
	sweep->lk.keys_len = 3592;
	validate_err(&wl, "a byte of row per key");
	sweep->lk.keys_len = 8;
	sweep->lk.data_len = UINT64_MAX;
	validate_err(&wl, "of records");
	sweep->lk.data_len = 64;
	sweep->write_ratio = -1;
	validate_err(&wl, "write_ratio");
	sweep->write_ratio = 0;
	validate_ok(&wl);
	workload_free(&wl);

	hand_workload(&wl);
	wl_add_policy(&wl, 1, MPOL_DEFAULT, 1);
	validate_err(&wl, "program 1 phase 1 (set_mempolicy): MPOL_DEFAULT takes no nodes");
	wl.programs[1].phases[1].pol = (struct mempolicy){ MPOL_BIND, 0 };
	validate_err(&wl, "policy bind needs at least one node");
	wl.programs[1].phases[1].pol = (struct mempolicy){ MPOL_INTERLEAVE, 1ull << MAX_NUMNODES };
	validate_err(&wl, "names nodes above");
	wl.programs[1].phases[1].pol = (struct mempolicy){ MPOL_INTERLEAVE, 3 };
	validate_ok(&wl);
	struct wl_phase *mp = wl_add_phase(&wl, 1, WL_MPROTECT);
	mp->len = PG;
	mp->arg = 2;
	validate_err(&wl, "bad protection");
	mp->arg = WL_PROT_READ;
	validate_ok(&wl);
	mp->op = WL_MADVISE;
	mp->arg = 7;
	validate_err(&wl, "bad advice");
	workload_free(&wl);
}

static void test_validate_barriers(void **state)
{
	(void)state;
	struct workload wl;

	/* main spawns program 1 three times; thread and main both wait at barrier 0 */
	hand_workload(&wl);
	wl_add_spawn(&wl, 0, 1);
	wl_add_spawn(&wl, 0, 1);
	wl_add_phase(&wl, 1, WL_BARRIER)->target = 0;
	wl_add_phase(&wl, 1, WL_BARRIER)->target = 0;	/* a second wait: still one thread */
	wl_add_phase(&wl, 0, WL_BARRIER)->target = 0;
	validate_err(&wl, "barrier 0 out of range");
	wl.nr_barriers = 1;
	validate_err(&wl, "no barrier_parties");
	wl.barrier_parties = calloc(1, sizeof(*wl.barrier_parties));
	assert_non_null(wl.barrier_parties);
	wl.barrier_parties[0] = 3;
	validate_err(&wl, "barrier 0: nr_parties is 3, but 4 threads reach it");
	wl.barrier_parties[0] = 4;
	validate_ok(&wl);
	workload_free(&wl);
}

/*
 * Forks: main (program 0) maps 2 pages, spawns program 1, forks program 2,
 * joins; the child (program 2) sweeps the inherited region 0, maps its own
 * region 1 (1 page) and sweeps it.
 */
static void fork_workload(struct workload *wl)
{
	hand_workload(wl);
	uint32_t c = wl_add_program(wl);

	assert_int_equal(c, 2);
	wl->programs[0].phases[2].op = WL_FORK;	/* the JOIN becomes the fork */
	wl->programs[0].phases[2].target = c;
	wl_add_phase(wl, 0, WL_JOIN);
	wl_add_sweep(wl, c, 0, 0, 2 * PG, 1, WL_WRITE);
	wl_add_phase(wl, c, WL_MMAP)->region = 1;
	wl->programs[c].phases[1].len = PG;
	wl_add_sweep(wl, c, 1, 0, PG, 1, WL_WRITE);
}

static void test_validate_forks(void **state)
{
	(void)state;
	struct workload wl;

	/* a child uses what it inherited and what it creates; so do its threads
	 * and its own children */
	fork_workload(&wl);
	validate_ok(&wl);
	uint32_t t = wl_add_program(&wl), g = wl_add_program(&wl);
	wl_add_spawn(&wl, 2, t);
	wl_add_sweep(&wl, t, 1, 0, PG, 1, WL_READ);
	wl_add_phase(&wl, 2, WL_FORK)->target = g;
	wl_add_sweep(&wl, g, 1, 0, PG, 1, WL_READ);
	wl_add_sweep(&wl, g, 0, PG, PG, 1, WL_READ);
	wl_add_phase(&wl, 2, WL_JOIN);
	validate_ok(&wl);
	/* the same program forked twice from one place in the parent: two processes */
	wl_add_phase(&wl, 2, WL_FORK)->target = g;
	validate_ok(&wl);
	/* ... but not with a different number of regions created */
	wl_add_phase(&wl, 2, WL_MMAP)->region = 2;
	wl.programs[2].phases[wl.programs[2].nr_phases - 1].len = PG;
	wl_add_phase(&wl, 2, WL_FORK)->target = g;
	validate_err(&wl, "forks program 4 with 3 region(s) created, another fork of it with 2");
	workload_free(&wl);

	/* a region the parent creates after the fork is not the child's */
	fork_workload(&wl);
	wl_add_mmap(&wl, 0, 4 * PG);
	validate_ok(&wl);
	wl.programs[2].phases[1].op = WL_COMPUTE;	/* the child's own mmap goes */
	validate_err(&wl, "program 2 phase 2 (sweep): uses region 1 before it is created "
		     "(1 region(s) exist here)");
	workload_free(&wl);

	/* inherited regions keep their sizes; the child's numbering follows them */
	fork_workload(&wl);
	wl.programs[2].phases[0].len = 3 * PG;
	validate_err(&wl, "program 2 phase 0 (sweep): range [0, +12288) lies outside region 0");
	wl.programs[2].phases[0].len = 2 * PG;
	wl.programs[2].phases[1].region = 0;
	validate_err(&wl, "program 2 phase 1 (mmap): creates region 0, but the next region is 1");
	workload_free(&wl);

	/* only main programs fork; spawn and fork targets are distinct */
	fork_workload(&wl);
	wl_add_phase(&wl, 1, WL_FORK)->target = 2;
	validate_err(&wl, "also forked by program 0");
	wl.programs[1].phases[1].target = wl_add_program(&wl);
	validate_err(&wl, "program 1 phase 1 (fork): only a main program may fork");
	wl.programs[1].phases[1].op = WL_SPAWN;
	wl.programs[1].phases[1].target = 2;
	validate_err(&wl, "program 1 phase 1 (spawn): program 2 is a main program");
	workload_free(&wl);

	fork_workload(&wl);
	wl.programs[0].phases[2].target = 0;
	validate_err(&wl, "program 0 phase 2 (fork): program 0 is the main program of process 0");
	wl.programs[0].phases[2].target = 9;
	validate_err(&wl, "program 0 phase 2 (fork): program 9 out of range (3 programs)");
	workload_free(&wl);

	/* programs that only fork each other would never start, or never stop */
	fork_workload(&wl);
	uint32_t a = wl_add_program(&wl), b = wl_add_program(&wl);
	wl_add_phase(&wl, a, WL_FORK)->target = b;
	wl_add_phase(&wl, b, WL_FORK)->target = a;
	validate_err(&wl, "fork cycle");
	workload_free(&wl);

	/* threads of forked processes count at barriers, once per fork */
	fork_workload(&wl);
	wl_add_phase(&wl, 0, WL_FORK)->target = 2;
	wl_add_phase(&wl, 0, WL_BARRIER)->target = 0;
	wl_add_phase(&wl, 2, WL_BARRIER)->target = 0;
	wl.nr_barriers = 1;
	wl.barrier_parties = calloc(1, sizeof(*wl.barrier_parties));
	assert_non_null(wl.barrier_parties);
	wl.barrier_parties[0] = 2;
	validate_err(&wl, "barrier 0: nr_parties is 2, but 3 threads reach it");
	wl.barrier_parties[0] = 3;
	validate_ok(&wl);
	workload_free(&wl);
}

static void test_forkcow(void **state)
{
	(void)state;
	struct machine *m = make_machine(2, 2, 4);
	struct workload wl;

	build_ok(&wl, "forkcow", m, 1.0, 1);
	assert_string_equal(wl.desc, "forkcow:size=256M,children=1,writes=1,passes=2");
	assert_int_equal(wl.nr_procs, 1);
	assert_int_equal(wl.nr_programs, 2);
	assert_int_equal(wl.programs[0].nr_phases, 5);
	assert_int_equal(phase(&wl, 0, 0)->op, WL_MMAP);
	assert_sweep(phase(&wl, 0, 1), 0, 256 * MiB, 1, WL_WRITE);
	assert_int_equal(phase(&wl, 0, 2)->op, WL_FORK);
	assert_int_equal(phase(&wl, 0, 2)->target, 1);
	assert_sweep(phase(&wl, 0, 3), 0, 256 * MiB, 2, WL_WRITE);
	assert_int_equal(phase(&wl, 0, 4)->op, WL_JOIN);
	assert_int_equal(wl.programs[1].nr_phases, 1);
	assert_sweep(phase(&wl, 1, 0), 0, 256 * MiB, 2, WL_WRITE);
	workload_free(&wl);

	build_ok(&wl, "forkcow:size=1G,children=3,writes=0.25,passes=5", m, 0.5, 1);
	assert_int_equal(wl.programs[0].nr_phases, 7);
	for (uint32_t i = 2; i < 5; i++)
		assert_int_equal(phase(&wl, 0, i)->target, 1);
	assert_sweep(phase(&wl, 0, 5), 0, 128 * MiB, 5, WL_WRITE);
	assert_sweep(phase(&wl, 1, 0), 0, 128 * MiB, 5, WL_WRITE);
	workload_free(&wl);

	/* nothing to write: every process reads the region instead */
	build_ok(&wl, "forkcow:size=8K,writes=0.4", m, 1.0, 1);
	assert_sweep(phase(&wl, 1, 0), 0, 8 * KiB, 2, WL_READ);
	workload_free(&wl);

	build_err("forkcow:children=0", m, 1.0, "key 'children'");
	build_err("forkcow:children=257", m, 1.0, "key 'children'");
	build_err("forkcow:writes=1.5", m, 1.0, "key 'writes'");
	build_err("forkcow:passes=0", m, 1.0, "key 'passes'");
	free(m);
}

/* ---- names, help, building blocks ---- */

static void test_names_and_help(void **state)
{
	(void)state;
	static const char *const want[] = { "numa01", "numa01_THREAD_ALLOC", "numa02",
					    "numa02_SMT", "seq", "random", "skewed", "forkcow",
					    "pmbench", "xsbench", "gpu-pingpong", "gpu-stream",
					    "wrongnode", "trace" };
	size_t n = 0;

	for (; workload_names[n]; n++) {
		assert_true(n < ARRAY_SIZE(want));
		assert_string_equal(workload_names[n], want[n]);
		assert_non_null(workload_help(workload_names[n]));
	}
	assert_int_equal(n, ARRAY_SIZE(want));
	assert_null(workload_help("numa03"));
	assert_null(workload_help(NULL));
	/* every key is documented in its help line */
#define CHECK_KEYS(t, name)                                                         \
	for (uint32_t i = 0; i < wl_type_##t.nr_params; i++)                    \
		if (!strstr(wl_type_##t.help, wl_type_##t.params[i].key))       \
			fail_msg("%s help lacks key %s", #t, wl_type_##t.params[i].key);
	WL_TYPE_LIST(CHECK_KEYS)
#undef CHECK_KEYS
}

static void test_op_and_mode_names(void **state)
{
	(void)state;
	for (int i = 0; i < NR_WL_OPS; i++) {
		assert_string_not_equal(wl_op_name((enum wl_op)i), "?");
		for (int j = 0; j < i; j++)
			assert_string_not_equal(wl_op_name((enum wl_op)i), wl_op_name((enum wl_op)j));
	}
	assert_string_equal(wl_op_name(WL_SET_MEMPOLICY), "set_mempolicy");
	assert_string_equal(wl_op_name(NR_WL_OPS), "?");
	assert_string_equal(mpol_mode_name(MPOL_DEFAULT), "default");
	assert_string_equal(mpol_mode_name(MPOL_PREFERRED), "prefer");
	assert_string_equal(mpol_mode_name(MPOL_BIND), "bind");
	assert_string_equal(mpol_mode_name(MPOL_INTERLEAVE), "interleave");
	assert_string_equal(mpol_mode_name(NR_MPOL_MODES), "?");
}

static void test_building_blocks(void **state)
{
	(void)state;
	struct workload wl = { 0 };
	uint32_t p = wl_add_program(&wl);

	assert_int_equal(wl_add_process(&wl, p), 0);
	for (uint32_t i = 0; i < 1000; i++)
		wl_add_phase(&wl, p, WL_COMPUTE)->ns = i;
	for (uint32_t i = 1; i < 100; i++)
		assert_int_equal(wl_add_program(&wl), i);
	assert_int_equal(wl.programs[p].nr_phases, 1000);
	assert_true(wl.programs[p].cap >= 1000);
	for (uint32_t i = 0; i < 1000; i++) {
		assert_int_equal(wl.programs[p].phases[i].op, WL_COMPUTE);
		assert_int_equal(wl.programs[p].phases[i].ns, i);
		assert_int_equal(wl.programs[p].phases[i].count, 0);
	}
	assert_int_equal(wl.programs[99].nr_phases, 0);
	workload_free(&wl);
	assert_null(wl.programs);
	assert_int_equal(wl.nr_programs, 0);
	workload_free(&wl);	/* freeing twice is harmless */
}

/* Slices tile the range, page-aligned, none empty, for awkward sizes. */
static void test_slices(void **state)
{
	(void)state;
	const uint64_t sizes[] = { PG, 7 * PG, 1 * GiB, 3 * GiB + 5 * PG, 64ull << 40 };
	const uint32_t ns[] = { 1, 2, 3, 7, 48, 128, 4096 };

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (size_t j = 0; j < ARRAY_SIZE(ns); j++) {
			uint64_t next = 0, off, len;

			if (sizes[s] < ns[j] * PG)
				continue;
			for (uint32_t i = 0; i < ns[j]; i++) {
				wl_slice(sizes[s], ns[j], i, &off, &len);
				assert_int_equal(off, next);
				assert_true(len >= PG && len % PG == 0);
				next = off + len;
			}
			assert_int_equal(next, sizes[s]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numa01_2node_128cpu),
		cmocka_unit_test(test_numa01_4node_48cpu),
		cmocka_unit_test(test_numa01_thread_alloc),
		cmocka_unit_test(test_numa01_seed_node),
		cmocka_unit_test(test_cpuless_node),
		cmocka_unit_test(test_numa02),
		cmocka_unit_test(test_numa02_params),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_scale_bad),
		cmocka_unit_test(test_desc_reproduces),
		cmocka_unit_test(test_seq_defaults),
		cmocka_unit_test(test_seq_params),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_skewed),
		cmocka_unit_test(test_pmbench),
		cmocka_unit_test(test_xsbench),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_validate_regions),
		cmocka_unit_test(test_validate_programs),
		cmocka_unit_test(test_validate_fields),
		cmocka_unit_test(test_validate_region_limit),
		cmocka_unit_test(test_validate_barriers),
		cmocka_unit_test(test_validate_forks),
		cmocka_unit_test(test_forkcow),
		cmocka_unit_test(test_names_and_help),
		cmocka_unit_test(test_op_and_mode_names),
		cmocka_unit_test(test_building_blocks),
		cmocka_unit_test(test_slices),
	};

	return cmocka_run_group_tests_name("workload", tests, NULL, NULL);
}
