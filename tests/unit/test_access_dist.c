// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_access_dist.c - where random accesses go (cpu/access.h):
 * the Gaussian draw's moments, range and determinism, the hot/cold split,
 * the unchanged random and skewed streams; and the tiering workloads run
 * small: pmbench and xsbench report accesses per second with a clean oracle,
 * and the lookup executor makes exactly the accesses its definition implies,
 * however often a deadline interrupts a lookup.
 */
#include "testlib.h"

#include <math.h>

#include "cpu/access.h"

/* ---- the Gaussian draw ---- */

struct moments {
	double mean, sd;
	double within[4];	/* share of draws within k standard deviations, k = 1..3 */
};

/* @n draws over @lines at @stddev; every one must lie in the range. */
static void gauss_moments(struct rng *r, uint64_t lines, double stddev, uint32_t n,
			  struct moments *mo)
{
	const double unit = access_gauss_unit(lines, stddev);
	const double mid = (double)lines / 2, sd = (double)lines * stddev;
	double sum = 0, sum2 = 0;
	uint32_t within[4] = { 0 };

	for (uint32_t i = 0; i < n; i++) {
		uint64_t line = access_gauss_line(r, lines, unit);

		if (line >= lines)
			fail_msg("line %llu outside [0, %llu)", (unsigned long long)line,
				 (unsigned long long)lines);
		/* from the centre of the line, so that the draws are symmetric about
		 * mid; small numbers, so that the sums stay exact enough */
		double d = (double)line + 0.5 - mid;
		sum += d;
		sum2 += d * d;
		for (int k = 1; k <= 3; k++)
			within[k] += fabs(d) < k * sd;
	}
	mo->mean = mid + sum / n;
	mo->sd = sqrt(sum2 / n - (sum / n) * (sum / n));
	for (int k = 1; k <= 3; k++)
		mo->within[k] = (double)within[k] / n;
}

static void test_gauss_moments(void **state)
{
	(void)state;
	const uint32_t n = 1u << 18;
	const uint64_t lines = 1u << 20;	/* 64 MiB */
	struct rng r;
	struct moments mo;

	rng_seed(&r, 1, 2);
	gauss_moments(&r, lines, 0.1, n, &mo);
	/* mean: within 5 standard errors (sd / sqrt(n) = 205 lines) of the middle */
	assert_true(fabs(mo.mean - lines / 2.0) < 5 * 0.1 * lines / sqrt(n));
	assert_true(fabs(mo.sd / (0.1 * lines) - 1) < 0.01);
	/* the normal's 68-95-99.7 rule, each within about 8 standard errors */
	assert_true(fabs(mo.within[1] - 0.6827) < 0.007);
	assert_true(fabs(mo.within[2] - 0.9545) < 0.004);
	assert_true(fabs(mo.within[3] - 0.9973) < 0.0015);

	/* pmbench's normal_ih: stddev 1/12 of the range spans it with +-6 sd */
	rng_seed(&r, 7, 0);
	gauss_moments(&r, 1000, 1.0 / 12, n, &mo);
	assert_true(fabs(mo.mean - 500) < 1);
	assert_true(fabs(mo.sd / (1000 / 12.0) - 1) < 0.01);

	/* a narrow one: sd of 10 lines in a huge range */
	rng_seed(&r, 7, 1);
	gauss_moments(&r, 1ull << 40, 10.0 / (double)(1ull << 40), n, &mo);
	assert_true(fabs(mo.mean - (double)(1ull << 39)) < 0.2);
	assert_true(fabs(mo.sd / 10 - 1) < 0.02);
}

/* Outside the range the draw is repeated: a normal truncated to the range. */
static void test_gauss_truncated(void **state)
{
	(void)state;
	const uint32_t n = 1u << 18;
	struct rng r;
	struct moments mo;

	rng_seed(&r, 3, 3);
	gauss_moments(&r, 1000, 1.0, n, &mo);
	assert_true(fabs(mo.mean - 500) < 2);
	/* N(0, 1) truncated to [-0.5, 0.5]: sd 0.2836 */
	assert_true(fabs(mo.sd / 283.6 - 1) < 0.01);
	for (uint64_t lines = 1; lines <= 5; lines++) {
		for (double sd = 1e-9; sd <= 1.0; sd *= 10) {
			double unit = access_gauss_unit(lines, sd);

			for (int i = 0; i < 1000; i++)
				assert_true(access_gauss_line(&r, lines, unit) < lines);
		}
	}
	/* one line: always it */
	assert_int_equal(access_gauss_line(&r, 1, access_gauss_unit(1, 0.5)), 0);
	/* z stays inside +-6 sd, as an Irwin-Hall sum of 12 does */
	for (int i = 0; i < 100000; i++) {
		int64_t z = access_gauss_z22(&r);

		assert_true(z > -6 * (1ll << 22) && z < 6 * (1ll << 22));
	}
}

static void test_gauss_deterministic(void **state)
{
	(void)state;
	struct rng a, b, c;
	const double unit = access_gauss_unit(1u << 26, 0.1);
	uint32_t differ = 0;

	rng_seed(&a, 42, 1001);
	rng_seed(&b, 42, 1001);
	rng_seed(&c, 43, 1001);
	for (int i = 0; i < 10000; i++) {
		uint64_t x = access_gauss_line(&a, 1u << 26, unit);

		assert_int_equal(x, access_gauss_line(&b, 1u << 26, unit));
		differ += x != access_gauss_line(&c, 1u << 26, unit);
	}
	assert_true(differ > 9900);
	/* fixed values: the same on every machine (integer sums, IEEE products) */
	rng_seed(&a, 1, 1000);
	const uint64_t want[] = { 47259411, 37153692, 35927910, 33170195 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(access_gauss_line(&a, 1u << 26, unit), want[i]);
	rng_seed(&a, 1, 1000);
	const int64_t want_z[] = { 8565612, 2249538, 1483424, -240148 };
	for (size_t i = 0; i < ARRAY_SIZE(want_z); i++)
		assert_int_equal(access_gauss_z22(&a), want_z[i]);
}

/* ---- hot/cold and uniform ---- */

/* random_step's draw before WL_GAUSS was added: the streams must not change. */
static uint64_t old_line(struct rng *r, uint64_t lines, bool skewed, double hot_frac,
			 double hot_prob)
{
	const uint64_t hot = skewed ? MAX(1, (uint64_t)((double)lines * hot_frac)) : lines;

	if (hot < lines && rng_double(r) >= hot_prob)
		return hot + rng_below(r, lines - hot);
	return rng_below(r, hot);
}

static void test_streams_unchanged(void **state)
{
	(void)state;
	static const struct {
		uint64_t lines;
		bool skewed;
		double hot_frac, hot_prob;
	} cases[] = {
		{ 1u << 24, false, 0, 0 }, { 12345, true, 0.1, 0.9 }, { 1u << 24, true, 0.2, 0.8 },
		{ 7, true, 0.01, 0.5 }, { 1000, true, 1.0, 0.3 }, { 1000, true, 0.5, 0.0 },
	};

	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		struct rng a, b;
		uint64_t lines = cases[k].lines;
		uint64_t hot = cases[k].skewed ? access_hot_lines(lines, cases[k].hot_frac) : lines;

		rng_seed(&a, 5, 1000 + k);
		rng_seed(&b, 5, 1000 + k);
		for (int i = 0; i < 20000; i++)
			assert_int_equal(access_skewed_line(&a, lines, hot, cases[k].hot_prob),
					 old_line(&b, lines, cases[k].skewed, cases[k].hot_frac,
						  cases[k].hot_prob));
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* pmbench's hotcold: 20% of the lines get 80% of the accesses, each part uniformly. */
static void test_hotcold_split(void **state)
{
	(void)state;
	const uint32_t n = 1u << 18;
	const uint64_t lines = 1000000, hot = access_hot_lines(lines, 0.2);
	uint64_t in_hot = 0;
	double hot_sum = 0, cold_sum = 0;
	struct rng r;

	assert_int_equal(hot, 200000);
	rng_seed(&r, 11, 1000);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t line = access_skewed_line(&r, lines, hot, 0.8);

		assert_true(line < lines);
		if (line < hot) {
			in_hot++;
			hot_sum += (double)line;
		} else {
			cold_sum += (double)line;
		}
	}
	double share = (double)in_hot / n;
	assert_true(fabs(share - 0.8) < 0.004);	/* 5 standard errors */
	assert_true(fabs(hot_sum / (double)in_hot / (hot / 2.0) - 1) < 0.01);
	assert_true(fabs(cold_sum / (double)(n - in_hot) / ((hot + lines) / 2.0) - 1) < 0.01);
}

/* ---- runs ---- */

struct run {
	struct machine m;
	struct workload wl;
	struct sim *s;
	json_object *json;
	uint64_t accesses;
	double per_s, elapsed_s;
};

static void run_spec(struct run *r, const char *machine, const char *spec, uint64_t seed,
		     const char *set)
{
	char err[512];
	struct tunables tun;
	struct run_info ri = { .machine_arg = machine, .scale = 1.0 };
	json_object *w, *v;

	memset(r, 0, sizeof(*r));
	tunables_init(&tun);
	if (set && tunable_set(&tun, set, err, sizeof(err)))
		fail_msg("tunable_set(\"%s\"): %s", set, err);
	assert_int_equal(machine_preset(&r->m, machine), 0);
	if (workload_build(&r->wl, spec, &r->m, 1.0, seed, err, sizeof(err)))
		fail_msg("workload_build(\"%s\"): %s", spec, err);
	r->s = calloc(1, sizeof(*r->s));
	assert_non_null(r->s);
	if (sim_create(r->s, &r->m, &tun, &r->wl, seed, err, sizeof(err)))
		fail_msg("sim_create: %s", err);
	if (sim_run(r->s))
		fail_msg("sim_run(\"%s\"): %s", spec, r->s->error);
	assert_oracle_clean(r->s);
	/* the JSON result's "workload" object */
	r->json = report_json(r->s, &ri);
	assert_true(json_object_object_get_ex(r->json, "workload", &w));
	assert_true(json_object_object_get_ex(w, "accesses", &v));
	r->accesses = json_object_get_uint64(v);
	assert_true(json_object_object_get_ex(w, "accesses_per_s", &v));
	r->per_s = json_object_get_double(v);
	/* the rate is over the timed phase, from the first access phase on */
	assert_true(json_object_object_get_ex(w, "access_phase_s", &v));
	r->elapsed_s = json_object_get_double(v);
	assert_int_equal(r->accesses, r->s->vs.event[SIM_ACCESSES]);
	assert_true(r->elapsed_s > 0 && r->per_s > 0);
	assert_true(r->elapsed_s < (double)r->s->end_ns / 1e9);	/* the first touch is not timed */
	assert_true(fabs(r->per_s * r->elapsed_s / (double)r->accesses - 1) < 1e-9);
}

static void run_free(struct run *r)
{
	json_object_put(r->json);
	sim_destroy(r->s);
	free(r->s);
	workload_free(&r->wl);
}

/* Pages of the workload's map (region 0), not of the process image. */
static uint64_t rss_pages(const struct sim *s)
{
	return tl_region_pages(s, 0, 0, NUMA_NO_NODE);
}

static void test_pmbench_runs(void **state)
{
	(void)state;
	static const char *const specs[] = {
		"pmbench:size=64M,threads=4,accesses=20000",
		"pmbench:size=64M,threads=4,accesses=20000,pattern=hotcold,init=thread",
		"pmbench:size=16M,threads=3,accesses=5000,read_ratio=0,stddev=1",
	};
	struct run r;

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		run_spec(&r, "tiered-16cpu", specs[i], 1, NULL);
		/* every thread made its accesses; the map was written whole first */
		uint32_t threads = (uint32_t)atoi(strstr(specs[i], "threads=") + 8);
		uint64_t per = (uint64_t)atoll(strstr(specs[i], "accesses=") + 9);
		assert_int_equal(r.accesses, threads * per);
		assert_int_equal(r.s->nr_tasks, 1 + threads);
		assert_int_equal(rss_pages(r.s), r.wl.programs[0].phases[0].len / 4096);
		run_free(&r);
	}
	/* the same seed gives the same run; each thread makes at most one access
	 * per DRAM latency (80 ns) */
	struct run a, b;
	run_spec(&a, "tiered-16cpu", specs[0], 9, NULL);
	run_spec(&b, "tiered-16cpu", specs[0], 9, NULL);
	assert_int_equal(a.s->end_ns, b.s->end_ns);
	assert_true(a.per_s == b.per_s);
	assert_true(a.per_s < 4 / 80e-9);
	run_free(&a);
	run_free(&b);
}

/* ---- lookups ---- */

/* The accesses one thread's WL_LOOKUP phase makes, replayed from its task's
 * stream (pid @pid, seeded as sim.c seeds it) by the definition in workload.h. */
static uint64_t replay_lookups(uint64_t seed, uint32_t pid, const struct wl_phase *ph)
{
	const struct wl_lookup *lk = &ph->lk;
	const uint64_t nr_keys = lk->keys_len / 8, rows_off = lk->data_len + lk->keys_len;
	const uint64_t row_bytes = (ph->len - rows_off) / nr_keys;
	uint64_t n = 0;
	struct rng r;

	rng_seed(&r, seed, 1000 + pid);
	for (uint64_t l = 0; l < ph->count; l++) {
		uint64_t key = rng_below(&r, nr_keys), lo = 0, hi = nr_keys, last = UINT64_MAX;

		while (hi - lo > 1) {
			uint64_t mid = lo + (hi - lo) / 2, line = (lk->data_len + mid * 8) / 64;

			*(mid <= key ? &lo : &hi) = mid;
			n += line != last;
			last = line;
		}
		assert_int_equal(lo, key);
		last = UINT64_MAX;
		for (uint32_t j = 0; j < lk->gathers; j++) {
			uint64_t line = (rows_off + key * row_bytes + j * row_bytes / lk->gathers) / 64;

			n += line != last;
			last = line;
			(void)rng_below(&r, lk->data_len / 64);
			n++;
		}
		(void)rng_below(&r, lk->work_len / 64);
		if (ph->access == WL_RW)
			(void)rng_double(&r);
		n++;
	}
	return n;
}

static uint64_t replay_all(const struct run *r, uint64_t seed)
{
	uint64_t n = 0;

	/* the main thread is task 0; spawn i starts task i + 1 */
	for (uint32_t i = 1; i < r->s->nr_tasks; i++)
		n += replay_lookups(seed, i, &r->s->tasks[i]->prog->phases[0]);
	return n;
}

static void test_xsbench_runs(void **state)
{
	(void)state;
	const char *spec = "xsbench:table=8M,threads=4,lookups=3000,nuclides=8,work=64K,"
			   "write_ratio=0.5";
	struct run r, cut;

	run_spec(&r, "tiered-16cpu", spec, 3, NULL);
	assert_int_equal(r.s->nr_tasks, 5);
	uint64_t want = replay_all(&r, 3);
	assert_int_equal(r.accesses, want);
	/* at least the gathers and the work access, at most a search of every level too */
	assert_true(want >= 4 * 3000 * (2 * 8 + 1));
	assert_true(want <= 4 * 3000 * (2 * 8 + 1 + 20));
	/* the table, written by the main thread, and every page of the work ranges */
	assert_int_equal(rss_pages(r.s), (8 * MiB + 4 * 64 * KiB) / 4096);
	/* 1 us slices: deadlines fall inside lookups, which resume where they stopped */
	run_spec(&cut, "tiered-16cpu", spec, 3, "numasim.slice_us=1");
	assert_int_equal(cut.accesses, want);
	run_free(&cut);
	run_free(&r);

	/* reads only, many nuclides (a row of a few lines read in full), another seed */
	spec = "xsbench:table=12K,threads=2,lookups=500,nuclides=355,work=4K,write_ratio=0";
	run_spec(&r, "tiered-16cpu", spec, 8, NULL);
	assert_int_equal(r.accesses, replay_all(&r, 8));
	run_free(&r);
	/* the default shape, small */
	run_spec(&r, "tiered-16cpu", "xsbench:table=32M,lookups=200", 1, NULL);
	assert_int_equal(r.s->nr_tasks, 17);	/* 16 CPUs on node 0 */
	assert_int_equal(r.accesses, replay_all(&r, 1));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gauss_moments),
		cmocka_unit_test(test_gauss_truncated),
		cmocka_unit_test(test_gauss_deterministic),
		cmocka_unit_test(test_streams_unchanged),
		cmocka_unit_test(test_hotcold_split),
		cmocka_unit_test(test_pmbench_runs),
		cmocka_unit_test(test_xsbench_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
