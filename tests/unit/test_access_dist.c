// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_access_dist.c - where random accesses go (cpu/access.h):
 * the Gaussian draw's moments, range and determinism, the hot/cold split,
 * the unchanged random and skewed streams; the Zipf sampler (its table
 * against the exact sums, the top ranks' shares, fixed draws) and the
 * permutation that scatters Zipf's ranks and is the chase's cycle (a
 * bijection, scattered); and the tiering workloads run
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

/* ---- Zipf ---- */



/* The deterministic exp and log agree with libm to a few ulp. */
static void test_det_math(void **state)
{
	(void)state;
	for (double x = -700; x < 700; x += 0.37) {
		double want = exp(x);
		if (fabs(access_det_exp(x) - want) > 4e-16 * want)
			fail_msg("exp(%g): %.17g, libm %.17g", x, access_det_exp(x), want);
	}
	for (double x = 1; x < 1e300; x *= 1.93) {
		double want = log(x);
		if (fabs(access_det_log(x) - want) > 4e-16 * fabs(want) + 1e-300)
			fail_msg("log(%g): %.17g, libm %.17g", x, access_det_log(x), want);
	}
	assert_true(access_det_log(1.0) == 0.0);
	assert_true(access_det_exp(0.0) == 1.0);
	assert_true(access_det_exp(-800) == 0.0);
}

/* sum r^-s over ranks 1..n, directly (libm is fine here: a test reference). */
static double harmonic(uint64_t n, double s)
{
	double h = 0;
	for (uint64_t r = n; r >= 1; r--)	/* smallest terms first */
		h += pow((double)r, -s);
	return h;
}

/* The table's cumulative probabilities are Zipf's at every bucket edge. */
static void test_zipf_table(void **state)
{
	(void)state;
	static struct zipf_table z;
	static const double exps[] = { 0.5, 0.99, 1.0, 1.2, 2.0 };
	const uint64_t n = 100000;

	for (size_t k = 0; k < ARRAY_SIZE(exps); k++) {
		const double s = exps[k], h = harmonic(n, s);
		double cum = 0;
		uint64_t r = 1;

		zipf_table_init(&z, n, s);
		assert_int_equal(z.lo[0], 0);
		assert_int_equal(z.lo[z.nr], n);
		for (uint32_t b = 0; b < z.nr; b++) {
			assert_true(z.lo[b + 1] > z.lo[b]);
			for (; r <= z.lo[b + 1]; r++)
				cum += pow((double)r, -s);
			if (fabs(z.cdf[b] - cum / h) > 1e-9)
				fail_msg("s=%g bucket %u: cdf %.12f, Zipf %.12f", s, b, z.cdf[b], cum / h);
		}
		assert_true(z.cdf[z.nr - 1] == 1.0);
	}
	/* the largest range a 64-bit offset allows still fits the table */
	zipf_table_init(&z, 1ull << 58, 0.99);
	assert_true(z.nr <= ZIPF_MAX_BUCKETS);
	for (uint32_t b = 1; b < z.nr; b++)
		assert_true(z.cdf[b] >= z.cdf[b - 1]);
	/* one line: always rank 0 */
	struct rng rr;
	rng_seed(&rr, 1, 1);
	zipf_table_init(&z, 1, 1.5);
	for (int i = 0; i < 100; i++)
		assert_int_equal(access_zipf_rank(&z, &rr), 0);
}

/* The top 1% of the ranks get the share Zipf predicts; rank 1 gets 1/H. */
static void test_zipf_shares(void **state)
{
	(void)state;
	static struct zipf_table z;
	static const double exps[] = { 0.99, 1.2 };
	const uint64_t n = 1u << 20;	/* a 64 MiB range */
	const uint32_t draws = 1u << 20;
	struct rng r;

	for (size_t k = 0; k < ARRAY_SIZE(exps); k++) {
		const double s = exps[k], h = harmonic(n, s);
		const double top_want = harmonic(n / 100, s) / h, first_want = 1 / h;
		uint64_t top = 0, first = 0;

		zipf_table_init(&z, n, s);
		rng_seed(&r, 17, 1000 + k);
		for (uint32_t i = 0; i < draws; i++) {
			uint64_t rank = access_zipf_rank(&z, &r);

			assert_true(rank < n);
			top += rank < n / 100;
			first += rank == 0;
		}
		/* within 5 standard errors (sqrt(p (1 - p) / draws) < 0.0005) */
		double se_top = sqrt(top_want * (1 - top_want) / draws);
		double se_first = sqrt(first_want * (1 - first_want) / draws);
		if (fabs((double)top / draws - top_want) > 5 * se_top)
			fail_msg("s=%g: top 1%% got %.4f, Zipf %.4f", s, (double)top / draws, top_want);
		if (fabs((double)first / draws - first_want) > 5 * se_first)
			fail_msg("s=%g: rank 1 got %.4f, Zipf %.4f", s, (double)first / draws,
				 first_want);
	}
	/* s = 1.2 is more skewed than 0.99 (the shares the brief's figures rest on) */
	assert_true(harmonic(n / 100, 1.2) / harmonic(n, 1.2) >
		    harmonic(n / 100, 0.99) / harmonic(n, 0.99) + 0.1);
}

static void test_zipf_deterministic(void **state)
{
	(void)state;
	static struct zipf_table z;
	struct rng a, b, c;
	uint32_t differ = 0;

	zipf_table_init(&z, 1u << 24, 0.99);
	rng_seed(&a, 42, 1001);
	rng_seed(&b, 42, 1001);
	rng_seed(&c, 43, 1001);
	for (int i = 0; i < 10000; i++) {
		uint64_t x = access_zipf_rank(&z, &a);

		assert_int_equal(x, access_zipf_rank(&z, &b));
		differ += x != access_zipf_rank(&z, &c);
	}
	assert_true(differ > 5000);	/* the top ranks repeat, so not all differ */
	/* fixed values: the same on every machine (integer and IEEE arithmetic) */
	rng_seed(&a, 1, 1000);
	const uint64_t want[] = { 3005, 1866, 650666, 3455606, 1076, 1 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(access_zipf_rank(&z, &a), want[i]);
	const double cdf_want[] = { 0x1.b6a4c450af337p-5, 0x1.c93e8a587e0f8p-2,
				    0x1.9d29279ba788ep-1 };
	for (size_t i = 0; i < ARRAY_SIZE(cdf_want); i++)
		assert_true(z.cdf[i * 100] == cdf_want[i]);
}

/* ---- the permutation (zipf's scatter, chase's cycle) ---- */

static void test_perm_bijection(void **state)
{
	(void)state;
	static const uint64_t sizes[] = { 1, 2, 3, 5, 64, 1000, 4097, 1u << 16, (1u << 16) + 1,
					  3u << 18 };

	for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
		const uint64_t n = sizes[k];
		uint8_t *seen = calloc(n, 1);
		struct access_perm p;

		assert_non_null(seen);
		access_perm_init(&p, n, 77 + k);
		/* a chase from anywhere: n steps visit n distinct lines */
		for (uint64_t i = 0, pos = n / 3; i < n; i++, pos = pos + 1 == n ? 0 : pos + 1) {
			uint64_t x = access_perm(&p, pos);

			assert_true(x < n);
			if (seen[x]++)
				fail_msg("n=%llu: line %llu visited twice", (unsigned long long)n,
					 (unsigned long long)x);
		}
		free(seen);
	}
}

/* The hot ranks are scattered: the top 1% of lines do not sit in the range's
 * first 1%, and they spread over most pages. */
static void test_perm_scatter(void **state)
{
	(void)state;
	const uint64_t n = 1u << 20, top = n / 100, pages = n / 64;
	uint8_t *page_hit = calloc(pages, 1);
	struct access_perm p, q;
	uint64_t in_first = 0, hit = 0, same = 0;

	assert_non_null(page_hit);
	access_perm_init(&p, n, 5);
	access_perm_init(&q, n, 6);
	for (uint64_t r = 0; r < top; r++) {
		uint64_t x = access_perm(&p, r);

		in_first += x < top;
		hit += !page_hit[x / 64]++;
		same += x == access_perm(&q, r);
	}
	assert_true(in_first < top / 50);	/* about 1% of them: 105 */
	/* 10485 lines over 16384 pages: 1 - e^-0.64 = 47% of pages if random */
	assert_true(hit > pages * 2 / 5);
	assert_true(same < 10);			/* another key, another permutation */
	free(page_hit);
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
		cmocka_unit_test(test_det_math),
		cmocka_unit_test(test_zipf_table),
		cmocka_unit_test(test_zipf_shares),
		cmocka_unit_test(test_zipf_deterministic),
		cmocka_unit_test(test_perm_bijection),
		cmocka_unit_test(test_perm_scatter),
		cmocka_unit_test(test_pmbench_runs),
		cmocka_unit_test(test_xsbench_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
