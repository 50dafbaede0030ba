// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_access_phases.c - the access phases of issue 11 run in the
 * engine: pointer chases (every line once per cycle, each load paying its
 * whole latency, slower than overlapping random accesses), Zipf runs, sweeps
 * with a stride (pages between the lines stay unmapped, traffic by lines),
 * phases with a duration, WL_SET_CPUS, the read-modify-write traffic of
 * random accesses, and read-then-write sweeps over the huge zero page.
 */
#include "testlib.h"

#include <math.h>

#include "cpu/cost.h"

static const char *const no_balancing[] = { "kernel.numa_balancing=0", NULL };
static const char *const no_thp[] = { "kernel.numa_balancing=0",
				      "transparent_hugepage.enabled=never", NULL };

/* An access phase of @op over region @r of the main program. */
static struct wl_phase *add_access(struct tl_env *e, enum wl_op op, uint32_t r, uint64_t len,
				   uint64_t count, enum wl_access access)
{
	struct wl_phase *ph = wl_add_phase(&e->wl, e->prog, op);

	ph->region = r;
	ph->len = len;
	ph->count = count;
	ph->access = access;
	ph->zipf_s = 0.99;
	return ph;
}

static double bus_bytes(const struct sim *s, bool write)
{
	double n = 0;

	for (uint32_t a = 0; a < s->m.nr_nodes; a++)
		for (uint32_t b = 0; b < s->m.nr_nodes; b++)
			n += write ? s->bw.write_bytes[a][b] : s->bw.read_bytes[a][b];
	return n;
}

/* Simulated ns of the timed part: from the first random-like phase's start to the end. */
static double timed_ns(const struct sim *s)
{
	assert_true(s->access_start_ns != UINT64_MAX);
	return (double)(s->end_ns - s->access_start_ns);
}

/* ---- pointer chase ---- */

/* A chase of as many loads as lines visits every line: with 4 KiB pages and
 * no first touch, every page of the range is faulted in, and no page twice. */
static void test_chase_visits_all(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t len = 1 * MiB, lines = len / 64;

	tl_env_init(&e, "2node-128cpu", no_thp);
	uint32_t r = tl_mmap(&e, len);
	add_access(&e, WL_CHASE, r, len, lines, WL_READ);
	tl_start(&e, 3);
	assert_int_equal(e.s->vs.event[SIM_ACCESSES], lines);
	assert_int_equal(e.s->vs.event[PGFAULT], len / PAGE_SIZE);
	assert_oracle_clean(e.s);
	tl_env_free(&e);

	/* half the lines: some pages untouched (a random cycle, not the pages in order) */
	tl_env_init(&e, "2node-128cpu", no_thp);
	r = tl_mmap(&e, 64 * MiB);
	add_access(&e, WL_CHASE, r, 64 * MiB, 64 * MiB / 64 / 128, WL_READ);
	tl_start(&e, 3);
	/* 8192 loads over 16384 pages: about 1 - e^-0.5 = 39% of them, not 8192 in a row */
	uint64_t faults = e.s->vs.event[PGFAULT];
	assert_true(faults > 5800 && faults < 7000);
	tl_env_free(&e);
}

/* One timed phase of @op, @n accesses, after a first-touch sweep; ns per access. */
static double per_access_ns(enum wl_op op, double mlp, uint64_t n, uint64_t seed)
{
	struct tl_env e;
	const uint64_t len = 256 * MiB;

	tl_env_init(&e, "2node-128cpu", no_balancing);
	e.m.random_mlp = mlp;
	uint32_t r = tl_mmap(&e, len);
	wl_add_store_sweep(&e.wl, e.prog, r, 0, len, 1, WL_STORE_NT);
	add_access(&e, op, r, len, n, WL_READ);
	tl_start(&e, seed);
	assert_oracle_clean(e.s);
	assert_int_equal(e.s->vs.event[SIM_ACCESSES], n);
	double ns = timed_ns(e.s) / (double)n;
	tl_env_free(&e);
	return ns;
}

/*
 * Independent random loads overlap (random_mlp misses in flight); a chase's
 * loads wait for each other, so each pays the whole latency whatever the
 * machine's random_mlp. 2node-128cpu: 89 ns local, THP (a walk per PMD).
 */
static void test_chase_slower_than_random(void **state)
{
	(void)state;
	const uint64_t n = 200000;
	double chase = per_access_ns(WL_CHASE, 4, n, 1);
	double chase1 = per_access_ns(WL_CHASE, 1, n, 1);
	double rnd = per_access_ns(WL_RANDOM, 4, n, 1);
	double rnd1 = per_access_ns(WL_RANDOM, 1, n, 1);
	double zipf = per_access_ns(WL_ZIPF, 4, n, 1);

	assert_true(chase >= 89.0 && chase < 89.0 * 1.1);
	assert_true(fabs(chase / chase1 - 1) < 0.01);		/* random_mlp does not apply */
	assert_true(fabs(rnd1 / chase1 - 1) < 0.02);		/* one miss in flight: alike */
	assert_true(chase > 3 * rnd);				/* 4 in flight: a quarter */
	assert_true(rnd >= 89.0 / 4 && rnd < 89.0 / 4 * 1.3);
	assert_true(fabs(zipf / rnd - 1) < 0.1);		/* zipf overlaps as random does */
}

/* ---- zipf in the engine ---- */

static void test_zipf_run(void **state)
{
	(void)state;
	struct tl_env a, b, c;
	const uint64_t len = 64 * MiB, n = 100000;
	struct tl_env *envs[] = { &a, &b, &c };
	const uint64_t seeds[] = { 5, 5, 6 };

	for (int i = 0; i < 3; i++) {
		tl_env_init(envs[i], "2node-128cpu", no_thp);
		uint32_t r = tl_mmap(envs[i], len);
		struct wl_phase *ph = add_access(envs[i], WL_ZIPF, r, len, n, WL_RW);
		ph->write_ratio = 0.25;
		ph->zipf_s = 1.2;
		tl_start(envs[i], seeds[i]);
		assert_oracle_clean(envs[i]->s);
		assert_int_equal(envs[i]->s->vs.event[SIM_ACCESSES], n);
	}
	/* skewed: far fewer pages than a uniform draw's (100000 over 16384: all) */
	uint64_t pages = tl_region_pages(a.s, 0, 0, NUMA_NO_NODE);
	assert_true(pages > 1000 && pages < 16384 / 2);
	/* a quarter writes: 64 bytes written back each, besides the clearing of the pages */
	double wr = bus_bytes(a.s, true) - (double)pages * PAGE_SIZE;
	assert_true(fabs(wr / (64.0 * n) - 0.25) < 0.01);
	/* the same seed, the same run; another seed, other lines */
	assert_int_equal(a.s->end_ns, b.s->end_ns);
	assert_int_equal(pages, tl_region_pages(b.s, 0, 0, NUMA_NO_NODE));
	assert_int_not_equal(pages, tl_region_pages(c.s, 0, 0, NUMA_NO_NODE));
	for (int i = 0; i < 3; i++)
		tl_env_free(envs[i]);
}

/* ---- sweeps with a stride ---- */

/* A write sweep with @stride over 64 MiB of 4 KiB pages, then @passes read sweeps. */
static struct sim *run_stride(struct tl_env *e, uint64_t stride, uint64_t passes)
{
	const uint64_t len = 64 * MiB;

	tl_env_init(e, "2node-128cpu", no_thp);
	uint32_t r = tl_mmap(e, len);
	wl_add_store_sweep(&e->wl, e->prog, r, 0, len, 1, WL_STORE_NT);
	e->wl.programs[e->prog].phases[1].stride = stride;
	if (passes) {
		wl_add_sweep(&e->wl, e->prog, r, 0, len, passes, WL_READ);
		e->wl.programs[e->prog].phases[2].stride = stride;
	}
	tl_start(e, 1);
	assert_oracle_clean(e->s);
	return e->s;
}

static void test_stride_sweep(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t pages = 64 * MiB / PAGE_SIZE;

	/* every other page: half the pages populated, a line of each written */
	struct sim *s = run_stride(&e, 8192, 0);
	assert_int_equal(tl_region_pages(s, 0, 0, NUMA_NO_NODE), pages / 2);
	for (uint64_t a = tl_addr(&e, 0); a < tl_addr(&e, 0) + 64 * MiB; a += 8192) {
		assert_true(pte_present(tl_pte(&e, a)));
		assert_false(pte_present(tl_pte(&e, a + PAGE_SIZE)));
	}
	/* nt stores: the clearing of each page plus one line each */
	assert_true(fabs(bus_bytes(s, true) - (double)(pages / 2) * (PAGE_SIZE + 64)) < 1);
	assert_true(bus_bytes(s, false) < 1);
	tl_env_free(&e);

	/* strides below a page: every page, traffic by the lines touched */
	double t_prev = 0;
	static const uint64_t strides[] = { 8192, 256, 128, 0 };
	for (size_t i = 0; i < ARRAY_SIZE(strides); i++) {
		uint64_t stride = strides[i];
		s = run_stride(&e, stride, 4);
		uint64_t lines = 64 * MiB / (stride ? stride : 64);
		assert_int_equal(tl_region_pages(s, 0, 0, NUMA_NO_NODE),
				 stride > PAGE_SIZE ? pages / 2 : pages);
		assert_true(fabs(bus_bytes(s, false) - 4.0 * (double)lines * 64) < 1);
		double t = (double)s->end_ns;
		assert_true(t > t_prev);	/* more lines, more time */
		t_prev = t;
		tl_env_free(&e);
	}
}

/* ---- durations ---- */

static void test_duration_random(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t len = 16 * MiB, dur = 200 * NSEC_PER_MSEC;

	tl_env_init(&e, "2node-128cpu", no_balancing);
	uint32_t r = tl_mmap(&e, len);
	wl_add_store_sweep(&e.wl, e.prog, r, 0, len, 1, WL_STORE_NT);
	struct wl_phase *ph = add_access(&e, WL_RANDOM, r, len, 0, WL_READ);
	ph->duration_ns = dur;
	tl_start(&e, 2);
	assert_oracle_clean(e.s);
	const uint64_t tick = e.s->tun.v[T_TICK_US] * NSEC_PER_USEC;
	double t = timed_ns(e.s);
	assert_true(t >= (double)dur && t <= (double)(dur + tick));
	/* as many accesses as fit: 89 ns each, a few walks */
	uint64_t n = e.s->vs.event[SIM_ACCESSES];
	assert_true((double)n * 89.0 <= (double)dur * 1.001);
	assert_true((double)n * 89.0 > (double)dur * 0.9);
	/* the report counts them and their rate over the same time */
	struct run_info ri = { .machine_arg = "2node-128cpu", .scale = 1.0 };
	json_object *j = report_json(e.s, &ri), *w, *v;
	assert_true(json_object_object_get_ex(j, "workload", &w));
	assert_true(json_object_object_get_ex(w, "accesses", &v));
	assert_int_equal(json_object_get_uint64(v), n);
	assert_true(json_object_object_get_ex(w, "accesses_per_s", &v));
	assert_true(fabs(json_object_get_double(v) * t / 1e9 / (double)n - 1) < 1e-9);
	json_object_put(j);
	tl_env_free(&e);
}

/* A timed sweep repeats passes until its time is up, stopping inside one. */
static void test_duration_sweep(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t len = 4 * MiB, dur = 10 * NSEC_PER_MSEC;

	tl_env_init(&e, "2node-128cpu", no_balancing);
	uint32_t r = tl_mmap(&e, len);
	wl_add_store_sweep(&e.wl, e.prog, r, 0, len, 1, WL_STORE_NT);
	add_access(&e, WL_RANDOM, r, len, 1, WL_READ);	/* marks the timed part's start */
	wl_add_sweep(&e.wl, e.prog, r, 0, len, 0, WL_READ);
	e.wl.programs[e.prog].phases[3].duration_ns = dur;
	tl_start(&e, 2);
	assert_oracle_clean(e.s);
	const uint64_t tick = e.s->tun.v[T_TICK_US] * NSEC_PER_USEC;
	double t = timed_ns(e.s);
	assert_true(t >= (double)dur && t <= (double)(dur + tick));
	/* one thread at thread_bw_gbps (12 GB/s): about 120 MB, 28 passes */
	double rd = bus_bytes(e.s, false) - 64;
	double want = (double)dur * e.s->m.thread_bw_gbps;
	assert_true(rd > 5.0 * (double)len);
	assert_true(fabs(rd / want - 1) < 0.05);
	tl_env_free(&e);
}

/* ---- sched_setaffinity to a CPU list ---- */

static void test_set_cpus(void **state)
{
	(void)state;
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", no_balancing);
	uint32_t set = wl_add_cpuset(&e.wl);
	e.wl.cpusets[set].bits[100 / 64] |= 1ull << (100 % 64);
	e.wl.cpusets[set].bits[1000 / 64] |= 1ull << (1000 % 64);	/* not on this machine: ignored */
	wl_add_phase(&e.wl, e.prog, WL_SET_CPUS)->target = set;
	wl_add_phase(&e.wl, e.prog, WL_COMPUTE)->ns = 1000000;
	tl_start(&e, 1);
	struct task *t = e.s->tasks[0];
	assert_int_equal(t->cpu, 100);
	for (uint32_t c = 0; c < MAX_CPUS; c++)
		assert_int_equal(cpumask_test(&t->cpus_allowed, c), c == 100);
	tl_env_free(&e);

	/* only CPUs the machine does not have: EINVAL, the run fails */
	tl_env_init(&e, "2node-128cpu", no_balancing);
	set = wl_add_cpuset(&e.wl);
	e.wl.cpusets[set].bits[1000 / 64] |= 1ull << (1000 % 64);
	wl_add_phase(&e.wl, e.prog, WL_SET_CPUS)->target = set;
	char err[256];
	assert_int_equal(workload_validate(&e.wl, err, sizeof(err)), 0);
	e.s = calloc(1, sizeof(*e.s));
	assert_non_null(e.s);
	assert_int_equal(sim_create(e.s, &e.m, &e.tun, &e.wl, 1, err, sizeof(err)), 0);
	assert_int_equal(sim_run(e.s), -1);
	assert_non_null(strstr(e.s->error, "sched_setaffinity"));
	assert_non_null(strstr(e.s->error, "no CPU"));
	tl_env_free(&e);
}

/* ---- read-modify-write ---- */

/*
 * A random write is a read-modify-write of its line: the line is read (for
 * ownership), then written back: 64 bytes each way, at one latency, as a
 * read costs. A write sweep with WL_RW likewise reads each line once and
 * writes it once (test_cost.c's test_rmw_traffic).
 */
static void test_random_rmw(void **state)
{
	(void)state;
	const uint64_t len = 16 * MiB, n = 50000;
	double rd[2], wr[2], ns[2];

	for (int w = 0; w < 2; w++) {
		struct tl_env e;

		tl_env_init(&e, "2node-128cpu", no_balancing);
		uint32_t r = tl_mmap(&e, len);
		wl_add_store_sweep(&e.wl, e.prog, r, 0, len, 1, WL_STORE_NT);
		struct wl_phase *ph = add_access(&e, WL_RANDOM, r, len, n, w ? WL_RW : WL_READ);
		ph->write_ratio = w ? 1.0 : 0.0;
		tl_start(&e, 4);
		assert_oracle_clean(e.s);
		rd[w] = bus_bytes(e.s, false);
		/* less the first touch: the clearing of the THPs, then the nt stores */
		wr[w] = bus_bytes(e.s, true) - 2.0 * (double)len;
		ns[w] = timed_ns(e.s);
		tl_env_free(&e);
	}
	assert_true(fabs(rd[0] - 64.0 * n) < 1 && fabs(rd[1] - 64.0 * n) < 1);
	assert_true(fabs(wr[0]) < 1 && fabs(wr[1] - 64.0 * n) < 1);
	assert_true(fabs(ns[1] / ns[0] - 1) < 0.02);
}

/* ---- the huge zero page under sweeps ---- */

/*
 * A read sweep of a THP region before any write maps the huge zero page
 * (do_huge_pmd_anonymous_page); a later write sweep splits each zero PMD
 * and falls back to 4 KiB pages (do_huge_pmd_wp_page, Linux 5.8+): no THP
 * is allocated, every page becomes a 4 KiB anonymous page (until khugepaged,
 * which numasim does not model, collapses them).
 */
static void test_zero_page_sweeps(void **state)
{
	(void)state;
	struct tl_env e;
	const uint64_t len = 4 * MiB;

	for (int write = 0; write < 2; write++) {
		tl_env_init(&e, "2node-128cpu", no_balancing);
		uint32_t r = tl_mmap(&e, len);
		wl_add_sweep(&e.wl, e.prog, r, 0, len, 2, WL_READ);
		if (write)
			wl_add_sweep(&e.wl, e.prog, r, 0, len, 1, WL_WRITE);
		tl_start(&e, 1);
		assert_oracle_clean(e.s);
		const uint64_t *ev = e.s->vs.event;
		assert_int_equal(ev[THP_ZERO_PAGE_ALLOC], 1);
		assert_int_equal(ev[THP_FAULT_ALLOC], 0);
		for (uint64_t a = tl_addr(&e, r); a < tl_addr(&e, r) + len; a += PMD_SIZE) {
			struct pmd_slot *slot = pmd_slot_lookup(&tl_mm(&e)->pgd, a);

			assert_non_null(slot);
			if (!write) {
				assert_true(pmd_special(slot->pmd));
				assert_int_equal(pmd_pfn(slot->pmd), e.s->huge_zero_pfn);
				continue;
			}
			assert_int_equal(slot->pmd.val, 0);
			assert_non_null(slot->pt);
			assert_int_equal(slot->pt->nr_wd, PTRS_PER_PTE);
		}
		assert_int_equal(ev[THP_SPLIT_PMD], write ? len / PMD_SIZE : 0);
		assert_int_equal(tl_region_pages(e.s, 0, r, NUMA_NO_NODE), write ? len / PAGE_SIZE : 0);
		assert_int_equal(ev[PGFAULT], write ? len / PMD_SIZE + len / PAGE_SIZE : len / PMD_SIZE);
		tl_env_free(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chase_visits_all),
		cmocka_unit_test(test_chase_slower_than_random),
		cmocka_unit_test(test_zipf_run),
		cmocka_unit_test(test_stride_sweep),
		cmocka_unit_test(test_duration_random),
		cmocka_unit_test(test_duration_sweep),
		cmocka_unit_test(test_set_cpus),
		cmocka_unit_test(test_random_rmw),
		cmocka_unit_test(test_zero_page_sweeps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
