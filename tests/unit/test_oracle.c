// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_oracle.c - the correctness oracle (DESIGN §5; cpu/access.c
 * oracle_check) and whole-run determinism.
 *
 * The oracle counts accesses served by a TLB entry that no longer matches the
 * page table. numasim.debug_skip_flush=1 omits the TLB flushes after unmapping,
 * so a workload that writes a range, drops it with MADV_DONTNEED and touches
 * it again must make the oracle report damage; with the flushes it must not.
 */
#include "testlib.h"

#define REGION (1 * MiB)
#define REGION_PAGES (REGION / PAGE_SIZE)

static const char *const skip_flush[] = { "numasim.debug_skip_flush=1", NULL };

/* mmap 1 MiB; write it; MADV_DONTNEED it; @second it (one pass each). */
static void build_dontneed(struct tl_env *e, enum wl_access second)
{
	uint32_t r = tl_mmap(e, REGION);

	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
	tl_madvise(e, e->prog, r, 0, REGION, MM_MADV_DONTNEED);
	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, second);
}

struct outcome {
	struct oracle o;
	uint64_t flush_all, flush_one, remote, rss;
	uint64_t pgfault;
};

static void run_dontneed(const char *const *sets, enum wl_access second, struct outcome *out)
{
	struct tl_env e;

	tl_env_init(&e, "2node-128cpu", sets);
	build_dontneed(&e, second);
	tl_start(&e, 3);
	out->o = e.s->oracle;
	out->flush_all = e.s->vs.event[NR_TLB_LOCAL_FLUSH_ALL];
	out->flush_one = e.s->vs.event[NR_TLB_LOCAL_FLUSH_ONE];
	out->remote = e.s->vs.event[NR_TLB_REMOTE_FLUSH];
	out->rss = tl_rss(&e);
	out->pgfault = e.s->vs.event[PGFAULT];
	tl_env_free(&e);
}

static void test_oracle_silent_with_flushes(void **state)
{
	(void)state;
	const enum wl_access second[] = { WL_WRITE, WL_READ, WL_RW };

	for (size_t i = 0; i < ARRAY_SIZE(second); i++) {
		struct outcome out;

		run_dontneed(NULL, second[i], &out);
		assert_int_equal(out.o.stale_accesses, 0);
		assert_int_equal(out.o.stale_reads, 0);
		assert_int_equal(out.o.lost_writes, 0);
		/* the zap flushed (256 pages: above the single-page ceiling) */
		assert_true(out.flush_all + out.flush_one > 0);
		/* the second pass faulted everything back in */
		assert_int_equal(out.pgfault, 2 * REGION_PAGES);
		/* a write pass repopulates; a read pass maps the zero page only */
		assert_int_equal(out.rss, second[i] == WL_READ ? 0 : REGION_PAGES);
	}
}

static void test_oracle_lost_writes_without_flush(void **state)
{
	(void)state;
	struct outcome out;

	run_dontneed(skip_flush, WL_WRITE, &out);
	assert_true(out.o.lost_writes > 0);
	assert_true(out.o.stale_accesses > 0);
	assert_true(out.o.stale_accesses >= out.o.lost_writes);
	assert_int_equal(out.o.stale_reads, 0);	/* no reads happened */
	/* every page of the second pass went through a stale entry: the TLB
	 * (2048-entry L2) held the whole 1 MiB */
	assert_int_equal(out.o.lost_writes, REGION_PAGES);
	/* no flush was done, none was counted */
	assert_int_equal(out.flush_all + out.flush_one, 0);
	/* and nothing was faulted back in: the writes went nowhere */
	assert_int_equal(out.pgfault, REGION_PAGES);
	assert_int_equal(out.rss, 0);
}

static void test_oracle_stale_reads_without_flush(void **state)
{
	(void)state;
	struct outcome out;

	run_dontneed(skip_flush, WL_READ, &out);
	assert_true(out.o.stale_reads > 0);
	assert_true(out.o.stale_accesses >= out.o.stale_reads);
	assert_int_equal(out.o.lost_writes, 0);
	assert_int_equal(out.o.stale_reads, REGION_PAGES);

	/* read then write each line: one translation per page, as a write */
	run_dontneed(skip_flush, WL_RW, &out);
	assert_true(out.o.lost_writes > 0);
	assert_true(out.o.stale_accesses >= out.o.lost_writes);
}

/* PMD-mapped THPs: one stale 2 MiB entry serves the whole range. */
static void test_oracle_thp(void **state)
{
	(void)state;
	for (int skip = 0; skip < 2; skip++) {
		struct tl_env e;

		tl_env_init(&e, "2node-128cpu", skip ? skip_flush : NULL);
		uint32_t r = tl_mmap(&e, 4 * MiB);
		wl_add_sweep(&e.wl, e.prog, r, 0, 4 * MiB, 1, WL_WRITE);
		tl_madvise(&e, e.prog, r, 0, 4 * MiB, MM_MADV_DONTNEED);
		wl_add_sweep(&e.wl, e.prog, r, 0, 4 * MiB, 1, WL_WRITE);
		tl_start(&e, 3);
		assert_true(e.s->vs.event[THP_FAULT_ALLOC] >= 2);
		if (skip) {
			assert_true(e.s->oracle.lost_writes > 0);
			assert_true(e.s->oracle.stale_accesses >= e.s->oracle.lost_writes);
			assert_int_equal(e.s->vs.event[THP_FAULT_ALLOC], 2);	/* never refaulted */
		} else {
			assert_int_equal(e.s->oracle.stale_accesses, 0);
			assert_int_equal(e.s->vs.event[THP_FAULT_ALLOC], 4);
			assert_int_equal(tl_rss(&e), 1024);
		}
		tl_env_free(&e);
	}
}

/*
 * Write protection: with the flush, writing after mprotect(PROT_READ) is a
 * segmentation fault. Without it (numasim.debug_skip_flush, whose help says
 * it omits flushes "after unmapping and protection changes; the oracle must
 * report the damage"), the CPU keeps its writable translations and the writes
 * succeed: that is damage too, although every frame still matches.
 */
static void build_write_after_wrprotect(struct tl_env *e)
{
	uint32_t r = tl_mmap(e, REGION);
	struct wl_phase *ph;

	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
	ph = wl_add_phase(&e->wl, e->prog, WL_MPROTECT);
	ph->region = r;
	ph->len = REGION;
	ph->arg = WL_PROT_READ;
	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
}

static void test_oracle_write_after_wrprotect(void **state)
{
	(void)state;
	struct tl_env e;
	char err[256] = "";

	/* with the flush: the second sweep faults and the fault is refused */
	tl_env_init(&e, "2node-128cpu", NULL);
	build_write_after_wrprotect(&e);
	e.s = calloc(1, sizeof(*e.s));
	assert_non_null(e.s);
	assert_int_equal(sim_create(e.s, &e.m, &e.tun, &e.wl, 3, err, sizeof(err)), 0);
	assert_int_equal(sim_run(e.s), -1);
	assert_non_null(strstr(e.s->error, "segmentation fault"));
	assert_int_equal(e.s->oracle.stale_accesses, 0);
	tl_env_free(&e);

	/* without it: the writes go through; the oracle must see them */
	tl_env_init(&e, "2node-128cpu", skip_flush);
	build_write_after_wrprotect(&e);
	e.s = calloc(1, sizeof(*e.s));
	assert_non_null(e.s);
	assert_int_equal(sim_create(e.s, &e.m, &e.tun, &e.wl, 3, err, sizeof(err)), 0);
	int rc = sim_run(e.s);
	uint64_t stale = e.s->oracle.stale_accesses, lost = e.s->oracle.lost_writes;
	tl_env_free(&e);
	if (rc == 0 && stale == 0)
		fail_msg("skipped flush after mprotect(PROT_READ): %u writes through stale "
			 "writable TLB entries succeeded and the oracle reported nothing "
			 "(stale_accesses %llu, lost_writes %llu)", (unsigned)REGION_PAGES,
			 (unsigned long long)stale, (unsigned long long)lost);
}

/*
 * Two threads: the second one, on another CPU, caches the translations;
 * the first drops the range. Without the shootdown the second thread's
 * CPU keeps using the old frames.
 */
static void run_two_threads(const char *const *sets, struct tl_env *e)
{
	tl_env_init(e, "2node-128cpu", sets);
	tl_barriers(e, 2, 2);
	uint32_t r = tl_mmap(e, REGION);
	uint32_t p2 = wl_add_program(&e->wl);

	/* main: write, start the reader, wait, drop, wait, join */
	wl_add_sweep(&e->wl, e->prog, r, 0, REGION, 1, WL_WRITE);
	wl_add_spawn(&e->wl, e->prog, p2);
	tl_barrier(e, e->prog, 0);
	tl_madvise(e, e->prog, r, 0, REGION, MM_MADV_DONTNEED);
	tl_barrier(e, e->prog, 1);
	wl_add_phase(&e->wl, e->prog, WL_JOIN);
	/* second thread: read (caching translations), wait, wait, write */
	wl_add_sweep(&e->wl, p2, r, 0, REGION, 1, WL_READ);
	tl_barrier(e, p2, 0);
	tl_barrier(e, p2, 1);
	wl_add_sweep(&e->wl, p2, r, 0, REGION, 1, WL_WRITE);
	tl_start(e, 5);
	assert_int_equal(e->s->nr_tasks, 2);
	assert_int_not_equal(e->s->tasks[0]->cpu, e->s->tasks[1]->cpu);
}

static void test_oracle_two_threads(void **state)
{
	(void)state;
	struct tl_env e;

	run_two_threads(NULL, &e);
	assert_int_equal(e.s->oracle.stale_accesses, 0);
	assert_int_equal(e.s->oracle.lost_writes, 0);
	assert_int_equal(e.s->oracle.stale_reads, 0);
	/* the reader waits at the barrier while the range is dropped: its idle
	 * CPU is in lazy TLB mode, gets no IPI, and flushes when the reader
	 * runs again (switch_mm_irqs_off), so nothing above was stale */
	assert_int_equal(e.s->vs.event[NR_TLB_REMOTE_FLUSH_RECEIVED], 0);
	assert_int_equal(tl_rss(&e), REGION_PAGES);	/* rewritten by the second thread */
	tl_env_free(&e);

	run_two_threads(skip_flush, &e);
	assert_true(e.s->oracle.lost_writes > 0);
	assert_true(e.s->oracle.stale_accesses >= e.s->oracle.lost_writes);
	assert_int_equal(e.s->vs.event[NR_TLB_REMOTE_FLUSH], 0);
	/* the first thread's CPU did not touch the range again: only the
	 * second thread's accesses can be stale */
	assert_true(e.s->oracle.lost_writes <= REGION_PAGES);
	tl_env_free(&e);
}

/* ---- determinism ---- */

struct result {
	struct vmstat vs;
	struct oracle o;
	uint64_t end_ns;
	uint64_t rss[4][MAX_NUMNODES];
	uint32_t nr_mms, nr_tasks;
	uint64_t cpu_now[4];
	uint32_t task_cpu[8];
};

static void run_spec(const char *preset, const char *spec, uint64_t seed, struct result *res)
{
	struct tl_env e;

	memset(res, 0, sizeof(*res));
	tl_run_spec(&e, preset, spec, NULL, seed);
	res->vs = e.s->vs;
	res->o = e.s->oracle;
	res->end_ns = e.s->end_ns;
	res->nr_mms = e.s->nr_mms;
	res->nr_tasks = e.s->nr_tasks;
	for (uint32_t p = 0; p < e.s->nr_mms && p < 4; p++)	/* the workload's buffer */
		for (uint32_t n = 0; n < e.s->m.nr_nodes; n++)
			res->rss[p][n] = tl_region_pages(e.s, p, 0, (int)n);
	for (uint32_t c = 0; c < 4; c++)
		res->cpu_now[c] = e.s->cpus[c].now;
	for (uint32_t t = 0; t < e.s->nr_tasks && t < 8; t++)
		res->task_cpu[t] = e.s->tasks[t]->cpu;
	tl_env_free(&e);
}

static void test_determinism(void **state)
{
	(void)state;
	const char *const specs[] = {
		"seq:size=4M,threads=2,passes=2",
		"random:size=2M,threads=2,accesses=20000,write_ratio=0.3",
	};

	for (size_t i = 0; i < ARRAY_SIZE(specs); i++) {
		struct result *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

		assert_non_null(a);
		assert_non_null(b);
		run_spec("2node-128cpu", specs[i], 7, a);
		run_spec("2node-128cpu", specs[i], 7, b);
		assert_true(a->end_ns > 0);
		assert_true(a->vs.event[PGFAULT] > 0);
		assert_int_equal(a->end_ns, b->end_ns);
		assert_memory_equal(a->vs.event, b->vs.event, sizeof(a->vs.event));
		assert_memory_equal(a->vs.mthp, b->vs.mthp, sizeof(a->vs.mthp));
		assert_memory_equal(a->vs.numa, b->vs.numa, sizeof(a->vs.numa));
		assert_memory_equal(a->rss, b->rss, sizeof(a->rss));
		assert_memory_equal(&a->o, &b->o, sizeof(a->o));
		assert_memory_equal(a->cpu_now, b->cpu_now, sizeof(a->cpu_now));
		assert_memory_equal(a->task_cpu, b->task_cpu, sizeof(a->task_cpu));
		assert_int_equal(a->nr_tasks, b->nr_tasks);
		free(a);
		free(b);
	}
}

/* The node numa01 binds to (the first phase of its thread program). */
static uint32_t numa01_node(const struct machine *m, uint64_t seed)
{
	struct workload wl;
	char err[256] = "";

	if (workload_build(&wl, "numa01:size=4M,threads=2,loops=1", m, 1.0, seed, err, sizeof(err)))
		fail_msg("numa01: %s", err);
	uint32_t node = UINT32_MAX;
	for (uint32_t p = 0; p < wl.nr_programs && node == UINT32_MAX; p++) {
		const struct wl_program *prog = &wl.programs[p];
		if (prog->nr_phases && prog->phases[0].op == WL_SET_MEMPOLICY &&
		    prog->phases[0].pol.mode == MPOL_BIND)
			node = (uint32_t)__builtin_ctzll(prog->phases[0].pol.nodes);
	}
	workload_free(&wl);
	assert_true(node < 2);
	return node;
}

/* numa01 draws its node from the seed; the run then puts every page there. */
static void test_numa01_seed_picks_node(void **state)
{
	(void)state;
	struct machine m;
	uint64_t seed_for[2] = { 0, 0 };

	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	for (uint64_t seed = 1; seed < 64 && (!seed_for[0] || !seed_for[1]); seed++) {
		uint32_t n = numa01_node(&m, seed);
		if (!seed_for[n])
			seed_for[n] = seed;
		/* the same seed always gives the same node */
		assert_int_equal(numa01_node(&m, seed), n);
	}
	assert_true(seed_for[0] && seed_for[1]);

	for (uint32_t n = 0; n < 2; n++) {
		struct result *res = calloc(1, sizeof(*res));

		assert_non_null(res);
		run_spec("2node-128cpu", "numa01:size=4M,threads=2,loops=1", seed_for[n], res);
		assert_int_equal(res->nr_mms, 2);
		for (uint32_t p = 0; p < 2; p++) {
			assert_int_equal(res->rss[p][n], 4 * MiB / PAGE_SIZE);
			assert_int_equal(res->rss[p][1 - n], 0);
		}
		assert_int_equal(res->o.stale_accesses, 0);
		free(res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_silent_with_flushes),
		cmocka_unit_test(test_oracle_lost_writes_without_flush),
		cmocka_unit_test(test_oracle_stale_reads_without_flush),
		cmocka_unit_test(test_oracle_thp),
		cmocka_unit_test(test_oracle_write_after_wrprotect),
		cmocka_unit_test(test_oracle_two_threads),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_numa01_seed_picks_node),
	};

	return cmocka_run_group_tests_name("oracle", tests, NULL, NULL);
}
