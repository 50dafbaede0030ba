// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_wlfile.c - workload files (workload/wlfile.c,
 * docs/workload-file.md): the shipped files build the same workload as the
 * generators, phase for phase; every construct makes the IR it documents;
 * bad files name FILE:LINE and the key; a small file runs end to end.
 */
#include "testlib.h"

#include "workload/wlfile.h"

/* ---- helpers ---- */

static struct machine *preset(const char *name)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	if (machine_preset(m, name))
		fail_msg("no preset %s", name);
	return m;
}

/* Parse @text as file "t.yaml" on @m at scale 1; must succeed. */
static void parse_ok(struct workload *wl, const char *text, const struct machine *m)
{
	char err[512] = "";

	if (wlfile_parse(wl, text, strlen(text), "t.yaml", m, 1.0, err, sizeof(err)))
		fail_msg("wlfile_parse: %s\n--- file ---\n%s", err, text);
}

/* Parse must fail with a message containing @want. */
static void parse_bad(const char *text, const struct machine *m, const char *want)
{
	struct workload wl;
	char err[512] = "";

	if (!wlfile_parse(&wl, text, strlen(text), "t.yaml", m, 1.0, err, sizeof(err))) {
		workload_free(&wl);
		fail_msg("accepted, expected an error with \"%s\":\n%s", want, text);
	}
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	assert_int_equal(wl.nr_programs, 0);	/* nothing left behind */
}

static const struct wl_phase *phase(const struct workload *wl, uint32_t prog, uint32_t i)
{
	assert_true(prog < wl->nr_programs);
	assert_true(i < wl->programs[prog].nr_phases);
	return &wl->programs[prog].phases[i];
}

#define HEAD_DEV "version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 8M\n"

#define SAME(field) \
	do { \
		if (a->field != b->field) \
			fail_msg("program %u phase %u (%s): " #field " differs", p, i, \
				 wl_op_name(a->op)); \
	} while (0)

static void same_phase(const struct wl_phase *a, const struct wl_phase *b, uint32_t p, uint32_t i)
{
	SAME(op); SAME(region); SAME(off); SAME(len); SAME(count); SAME(duration_ns);
	SAME(stride); SAME(align); SAME(new_len); SAME(to_nodes); SAME(zipf_s); SAME(access);
	SAME(store); SAME(write_ratio); SAME(hot_frac); SAME(hot_prob); SAME(stddev);
	SAME(lk.data_len); SAME(lk.keys_len); SAME(lk.work_off); SAME(lk.work_len);
	SAME(lk.gathers); SAME(target); SAME(arg); SAME(pol.mode); SAME(pol.nodes);
	SAME(pol.flags); SAME(ns);
}

/* Two workloads are the same program: processes, programs, phases, barriers, sets. */
static void same_workload(const struct workload *x, const struct workload *y)
{
	assert_int_equal(x->nr_procs, y->nr_procs);
	for (uint32_t i = 0; i < x->nr_procs; i++) {
		assert_int_equal(x->procs[i].main_program, y->procs[i].main_program);
		assert_int_equal(x->procs[i].nr_regions, y->procs[i].nr_regions);
	}
	assert_int_equal(x->nr_programs, y->nr_programs);
	for (uint32_t p = 0; p < x->nr_programs; p++) {
		if (x->programs[p].nr_phases != y->programs[p].nr_phases)
			fail_msg("program %u: %u phases vs %u", p, x->programs[p].nr_phases,
				 y->programs[p].nr_phases);
		for (uint32_t i = 0; i < x->programs[p].nr_phases; i++)
			same_phase(&x->programs[p].phases[i], &y->programs[p].phases[i], p, i);
	}
	assert_int_equal(x->nr_barriers, y->nr_barriers);
	for (uint32_t b = 0; b < x->nr_barriers; b++)
		assert_int_equal(x->barrier_parties[b], y->barrier_parties[b]);
	assert_int_equal(x->nr_cpusets, y->nr_cpusets);
	assert_memory_equal(x->il_weights, y->il_weights, sizeof(x->il_weights));
}

/* workloads/@file builds exactly what generator @spec builds. */
static void check_same(const char *file, const char *spec, const char *machine, double scale)
{
	struct machine *m = preset(machine);
	struct workload a, b;
	char err[512] = "";

	if (workload_build(&a, file, m, scale, 1, err, sizeof(err)))
		fail_msg("%s: %s", file, err);
	if (workload_build(&b, spec, m, scale, 1, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	same_workload(&a, &b);
	assert_string_equal(a.desc, file);	/* a report names the file, to rerun it */
	workload_free(&a);
	workload_free(&b);
	free(m);
}

/* ---- the shipped files are the generators ---- */

static void test_numa01_file(void **state)
{
	(void)state;
	check_same("workloads/numa01.yaml", "numa01:node=0", "2node-128cpu", 1.0);
	check_same("workloads/numa01.yaml", "numa01:node=0", "2node-128cpu", 0.01);
	/* no ERMS there: store: memset becomes read-for-ownership stores */
	check_same("workloads/numa01.yaml", "numa01:node=0", "4node-48cpu", 0.01);
	check_same("workloads/numa01_THREAD_ALLOC.yaml", "numa01_THREAD_ALLOC:node=0",
		   "2node-128cpu", 1.0);
	check_same("workloads/numa01_THREAD_ALLOC.yaml", "numa01_THREAD_ALLOC:node=0",
		   "2node-128cpu", 0.01);
}

static void test_numa02_file(void **state)
{
	(void)state;
	check_same("workloads/numa02.yaml", "numa02", "2node-128cpu", 1.0);
	check_same("workloads/numa02.yaml", "numa02", "2node-128cpu", 0.01);
	check_same("workloads/numa02.yaml", "numa02", "4node-48cpu", 0.1);
	check_same("workloads/numa02_SMT.yaml", "numa02_SMT", "2node-128cpu", 1.0);
}

static void test_pmbench_file(void **state)
{
	(void)state;
	check_same("workloads/pmbench.yaml", "pmbench", "2node-128cpu", 1.0);
	check_same("workloads/pmbench.yaml", "pmbench", "tiered-16cpu", 0.01);
}

/* XSBench's table lookups (WL_LOOKUP); the generator's threads follow node 0's CPUs. */
static void test_xsbench_file(void **state)
{
	(void)state;
	check_same("workloads/xsbench.yaml", "xsbench", "2node-128cpu", 1.0);
	check_same("workloads/xsbench.yaml", "xsbench", "tiered-16cpu", 1.0);
	check_same("workloads/xsbench.yaml", "xsbench", "2node-128cpu", 0.01);
	check_same("workloads/xsbench.yaml", "xsbench", "4node-48cpu", 0.003);
}

#define HEAD_LK "version: 1\nprocesses:\n  - phases:\n      - mmap: t\n        size: 64M\n" \
	"      - lookup: t\n        len: 60M\n        work_off: 60M\n        work_len: 4M\n"

/* lookup: the IR's fields, its checks; scaled() scales parts of one value apart. */
static void test_lookup_and_scaled(void **state)
{
	struct machine *m = preset("2node-128cpu");
	const char *text = HEAD_LK "        data_len: 8M\n        keys_len: 1M\n"
			   "        gathers: 7\n        lookups: 1000\n        access: rw\n"
			   "        write_ratio: 0.25\n";
	const char *sc = "version: 1\nprocesses:\n  - phases:\n      - mmap: t\n"
			 "        size: scaled(6M) + 3 * scaled(1M)\n"
			 "      - sweep: t\n        access: read\n        len: scaled(6M)\n"
			 "        off: scaled(1M)\n";
	struct workload wl;
	char err[256];

	(void)state;
	parse_ok(&wl, text, m);
	const struct wl_phase *ph = phase(&wl, 0, 1);
	assert_int_equal(ph->op, WL_LOOKUP);
	assert_int_equal(ph->off, 0);
	assert_int_equal(ph->len, 60 * MiB);
	assert_int_equal(ph->lk.data_len, 8 * MiB);
	assert_int_equal(ph->lk.keys_len, 1 * MiB);
	assert_int_equal(ph->lk.work_off, 60 * MiB);
	assert_int_equal(ph->lk.work_len, 4 * MiB);
	assert_int_equal(ph->lk.gathers, 7);
	assert_int_equal(ph->count, 1000);
	assert_int_equal(ph->access, WL_RW);
	assert_true(ph->write_ratio == 0.25);
	workload_free(&wl);

	parse_bad(HEAD_LK "        keys_len: 1M\n        lookups: 1\n", m, "lookup needs data_len");
	parse_bad(HEAD_LK "        data_len: 8M\n        keys_len: 12\n        lookups: 1\n", m,
		  "keys are 8 bytes");
	parse_bad(HEAD_LK "        data_len: 56M\n        keys_len: 4M\n        lookups: 1\n", m,
		  "do not fit the table");
	parse_bad(HEAD_LK "        data_len: 8M\n        keys_len: 1M\n        gathers: 5000\n"
		  "        lookups: 1\n", m, "t.yaml:12: key 'processes[0].phases[1].gathers'");
	parse_bad(HEAD_LK "        data_len: 8M\n        keys_len: 1M\n", m,
		  "lookup needs lookups or duration");
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - mmap: t\n        size: 64M\n"
		  "      - lookup: t\n        work_off: 62M\n        work_len: 4M\n"
		  "        data_len: 8M\n        keys_len: 1M\n        lookups: 1\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].work_len': the work range [65011712, +4194304) is not inside");
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - mmap: t\n"
		  "        size: scaled(1M\n", m, "scaled takes (a)");
	/* a forked child cannot move its parent's mapping (workload_validate agrees) */
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 4M\n"
		  "      - fork: c\n      - join\n  - name: c\n    forked: true\n    phases:\n"
		  "      - mremap: r\n        new_len: 8M\n", m,
		  "t.yaml:11: key 'processes[1].phases[0].mremap': region 'r' is inherited from "
		  "the parent process: mremap it there");

	/*
	 * at 1/2 each scaled() apart: 6M -> 3M, rounded down to 2M as it was
	 * 2M-aligned; 1M -> 512K. (9M scaled as one would be 4.5M.)
	 */
	assert_int_equal(wlfile_parse(&wl, sc, strlen(sc), "s.yaml", m, 0.5, err, sizeof(err)), 0);
	assert_int_equal(phase(&wl, 0, 0)->len, 2 * MiB + 3 * 512 * KiB);
	assert_int_equal(phase(&wl, 0, 1)->off, 512 * KiB);
	assert_int_equal(phase(&wl, 0, 1)->len, 2 * MiB);
	workload_free(&wl);
	/* at 1, scaled() is the value as written */
	assert_int_equal(wlfile_parse(&wl, sc, strlen(sc), "s.yaml", m, 1.0, err, sizeof(err)), 0);
	assert_int_equal(phase(&wl, 0, 0)->len, 9 * MiB);
	assert_int_equal(phase(&wl, 0, 1)->len, 6 * MiB);
	workload_free(&wl);
	free(m);
}

static void test_forkcow_file(void **state)
{
	(void)state;
	check_same("workloads/forkcow.yaml", "forkcow", "2node-128cpu", 1.0);
	check_same("workloads/forkcow.yaml", "forkcow", "4node-48cpu", 0.01);
}

/* seq, random, skewed: a slice per thread, first touched by its thread. */
static void test_generic_files(void **state)
{
	static const char *const names[] = { "seq", "random", "skewed" };
	char path[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "workloads/%s.yaml", names[i]);
		check_same(path, names[i], "2node-128cpu", 1.0);
		check_same(path, names[i], "4node-48cpu", 0.01);
		check_same(path, names[i], "tiered-16cpu", 0.003);
	}
}

static void test_gpu_stream_file(void **state)
{
	(void)state;
	check_same("workloads/gpu_stream.yaml", "gpu-stream", "gpu-1node", 1.0);
	check_same("workloads/gpu_stream.yaml", "gpu-stream", "gpu-1node", 0.5);
	check_same("workloads/gpu_stream.yaml", "gpu-stream", "gpu-2node", 1.0);
}

/* Every shipped file builds on every kind of machine (the engine may not run all yet). */
static void test_all_files_parse(void **state)
{
	static const char *const files[] = {
		"numa01", "numa01_THREAD_ALLOC", "numa02", "numa02_SMT", "pmbench",
		"numa01_4proc", "interleave_move_pages", "xsbench", "forkcow",
		"seq", "random", "skewed",
	};	/* gpu_pingpong and gpu_stream need a device: test_gpu_*_file */
	static const char *const machines[] = { "2node-128cpu", "4node-48cpu", "tiered-16cpu" };
	char path[64], err[512];

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++)
		for (size_t k = 0; k < ARRAY_SIZE(machines); k++) {
			struct machine *m = preset(machines[k]);
			struct workload wl;

			snprintf(path, sizeof(path), "workloads/%s.yaml", files[f]);
			/* it runs a process on each node: tiered-16cpu's node 1 has no CPU */
			if (!strcmp(files[f], "numa01_4proc") && k == 2) {
				assert_int_not_equal(workload_build(&wl, path, m, 0.01, 1, err,
								    sizeof(err)), 0);
				assert_non_null(strstr(err, "numa01_4proc.yaml:13: key 'processes[0]."
						       "phases[0].nodes': node 1 has no CPUs"));
				free(m);
				continue;
			}
			if (workload_build(&wl, path, m, 0.01, 1, err, sizeof(err)))
				fail_msg("%s on %s: %s", path, machines[k], err);
			assert_string_equal(wl.name, files[f]);
			workload_free(&wl);
			free(m);
		}
}

/* Every YAML example of docs/workload-file.md builds. */
static void test_doc_examples(void **state)
{
	struct machine *m = preset("2node-128cpu");
	FILE *f = fopen("docs/workload-file.md", "rb");
	static char doc[1 << 17];
	uint32_t nr = 0;

	(void)state;
	assert_non_null(f);
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = '\0';
	for (char *p = doc; (p = strstr(p, "```yaml\n")); nr++) {
		char *start = p + 8, *end = strstr(start, "```");
		struct workload wl;
		char err[512];

		assert_non_null(end);
		if (wlfile_parse(&wl, start, (size_t)(end - start), "doc.yaml", m, 1.0, err,
				 sizeof(err)))
			fail_msg("example %u: %s", nr, err);
		workload_free(&wl);
		p = end + 3;
	}
	assert_true(nr >= 4);
	free(m);
}

/* The new constructs of the two examples, as the engine will see them. */
static void test_example_files(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;
	char err[512];

	(void)state;
	if (workload_build(&wl, "workloads/interleave_move_pages.yaml", m, 1.0, 1, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(wl.il_weights[0], 3);
	assert_int_equal(wl.il_weights[1], 1);
	assert_int_equal(phase(&wl, 0, 1)->op, WL_MBIND);
	assert_int_equal(phase(&wl, 0, 1)->pol.mode, MPOL_WEIGHTED_INTERLEAVE);
	assert_int_equal(phase(&wl, 0, 2)->arg, WL_MAP_SHARED);
	const uint32_t nr = wl.programs[0].nr_phases;
	/* mmap, mbind, mmap, sweep, 64 spawns, join, move_pages, 64 spawns, join, 3 on log */
	assert_int_equal(nr, 4 + 64 + 1 + 1 + 64 + 1 + 3);
	assert_int_equal(phase(&wl, 0, 69)->op, WL_MOVE_PAGES);
	assert_int_equal(phase(&wl, 0, 69)->len, 512 * MiB);
	assert_int_equal(phase(&wl, 0, 69)->pol.nodes, 1);
	assert_int_equal(phase(&wl, 0, nr - 1)->arg, MM_MADV_PAGEOUT);
	/* readers share one program; hot threads each have their own CPU */
	assert_int_equal(wl.nr_programs, 1 + 1 + 64);
	assert_int_equal(wl.nr_cpusets, 64);
	assert_int_equal(phase(&wl, 65, 0)->op, WL_SET_CPUS);
	assert_int_equal(wl.cpusets[phase(&wl, 65, 0)->target].bits[0], 1ull << 63);
	assert_int_equal(phase(&wl, 65, 1)->op, WL_ZIPF);
	assert_int_equal(phase(&wl, 65, 1)->duration_ns, 200000000);
	workload_free(&wl);

	if (workload_build(&wl, "workloads/numa01_4proc.yaml", m, 1.0, 1, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(wl.nr_procs, 4);
	for (uint32_t p = 0; p < 4; p++) {
		uint32_t mp = wl.procs[p].main_program;

		assert_int_equal(phase(&wl, mp, 0)->op, WL_SET_AFFINITY);
		assert_int_equal(phase(&wl, mp, 0)->pol.nodes, 1u << (p % 2));
		assert_int_equal(phase(&wl, mp, 1)->pol.mode, MPOL_BIND);
		assert_int_equal(phase(&wl, mp, 1)->pol.nodes, 1u << (p % 2));
		assert_int_equal(wl.barrier_parties[p], 16);	/* 128 / 8 threads */
	}
	workload_free(&wl);
	free(m);
}

/* Device operations and loops: gpu-pingpong as a file. */
static void test_gpu_pingpong_file(void **state)
{
	(void)state;
	check_same("workloads/gpu_pingpong.yaml", "gpu-pingpong", "gpu-1node", 1.0);
	check_same("workloads/gpu_pingpong.yaml", "gpu-pingpong", "gpu-2node", 0.01);
}

static void test_loops_and_devices(void **state)
{
	struct machine *m = preset("gpu-2node");
	struct workload wl;
	uint32_t dev = 0;

	(void)state;
	while (m->node[dev].kind != MEM_DEVICE)
		dev++;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - phases:\n"
		 "      - mmap: r\n"
		 "        size: 8M\n"
		 "      - loop: 2\n"
		 "        phases:\n"
		 "          - loop: '{j} + 2'\n"	/* outer j: 2, then 3 rounds */
		 "            phases:\n"
		 "              - compute: 1\n"
		 "              - spawn: t\n"
		 "          - device_migrate: r\n"
		 "            to: system\n"
		 "            len: 4M\n"
		 "          - device_kernel: r\n"
		 "            threads: 16\n"
		 "            access: read\n"
		 "            passes: '{j} + 1'\n"
		 "      - join\n"
		 "    threads:\n"
		 "      - name: t\n",
		 m);
	/* mmap, (2 x (compute, spawn) + migrate + kernel), (3 x ... + 2), join */
	assert_int_equal(wl.programs[0].nr_phases, 1 + (4 + 2) + (6 + 2) + 1);
	assert_int_equal(wl.nr_programs, 2);	/* the loop spawns t; no implicit spawn */
	const struct wl_phase *ph = phase(&wl, 0, 5);
	assert_int_equal(ph->op, WL_DEV_MIGRATE);
	assert_int_equal(ph->arg, WL_TO_SYSTEM);
	assert_int_equal(ph->target, dev);
	assert_int_equal(ph->len, 4 * MiB);
	ph = phase(&wl, 0, 6);
	assert_int_equal(ph->op, WL_DEV_KERNEL);
	assert_int_equal(ph->arg, 16);
	assert_int_equal(ph->access, WL_READ);
	assert_int_equal(ph->count, 1);
	assert_int_equal(phase(&wl, 0, 14)->count, 2);
	assert_int_equal(phase(&wl, 0, 15)->op, WL_JOIN);
	workload_free(&wl);
	parse_bad(HEAD_DEV "      - device_kernel: r\n        device: 0\n", m,
		  "t.yaml:7: key 'processes[0].phases[1].device': node 0 is not a device node");
	free(m);
	m = preset("2node-128cpu");
	parse_bad(HEAD_DEV "      - device_migrate: r\n        to: device\n", m,
		  "t.yaml:6: key 'processes[0].phases[1]': the machine '2node-128cpu' has no device");
	parse_bad(HEAD_DEV "      - loop: 2\n        phases:\n          - mmap: q\n"
		  "            size: 4K\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].phases[0].mmap': region 'q' exists already");
	free(m);
}

/* The numa01 IR, spelled out: the one shared thread program, in order. */
static void test_numa01_shape(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;
	char err[256];

	(void)state;
	assert_int_equal(workload_build(&wl, "workloads/numa01.yaml", m, 1.0, 1, err, sizeof(err)), 0);
	assert_string_equal(wl.name, "numa01");
	assert_int_equal(wl.nr_procs, 2);
	assert_int_equal(wl.nr_programs, 4);	/* main, worker; main, worker */
	assert_int_equal(wl.programs[0].nr_phases, 1 + 64 + 1);	/* mmap, spawns, join */
	assert_int_equal(phase(&wl, 0, 0)->op, WL_MMAP);
	assert_int_equal(phase(&wl, 0, 0)->len, 3 * GiB);
	assert_int_equal(phase(&wl, 0, 64)->target, 1);
	assert_int_equal(phase(&wl, 0, 65)->op, WL_JOIN);
	assert_int_equal(phase(&wl, 1, 0)->pol.mode, MPOL_BIND);
	assert_int_equal(phase(&wl, 1, 0)->pol.nodes, 1);
	assert_int_equal(phase(&wl, 1, 1)->store, WL_STORE_NT);	/* ERMS */
	assert_int_equal(phase(&wl, 1, 3)->count, 50);
	workload_free(&wl);
	free(m);
}

/* ---- constructs ---- */

static void test_regions_and_ranges(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - phases:\n"
		 "      - mmap: a\n"
		 "        size: 64M\n"
		 "        shared: true\n"
		 "        align: 1G\n"
		 "      - mmap: b\n"
		 "        size: '{nodes} * 2M'\n"
		 "      - madvise: a\n"
		 "        advice: hugepage\n"
		 "        len: 32M\n"
		 "      - madvise: a\n"
		 "        advice: pageout\n"
		 "      - mprotect: b\n"
		 "        prot: read\n"
		 "        off: 2M\n"
		 "      - munmap: a\n"
		 "        off: 4K\n"
		 "        len: 8K\n"
		 "      - mremap: b\n"
		 "        new_len: 3M\n"
		 "      - sweep: b\n"
		 "        access: rw\n"
		 "        off: 1M\n"
		 "      - move_pages: a\n"
		 "        nodes: [1, 0]\n"
		 "        len: 2M\n"
		 "      - migrate_pages:\n"
		 "        from: [0]\n"
		 "        to: \"1\"\n"
		 "      - madvise: a\n"
		 "        advice: dontneed\n"
		 "        slice: [1, 4]\n",
		 m);
	assert_int_equal(wl.nr_procs, 1);
	assert_int_equal(wl.procs[0].nr_regions, 2);
	const struct wl_phase *ph = phase(&wl, 0, 0);
	assert_int_equal(ph->op, WL_MMAP);
	assert_int_equal(ph->len, 64 * MiB);
	assert_int_equal(ph->arg, WL_MAP_SHARED);
	assert_int_equal(ph->align, 1 * GiB);
	ph = phase(&wl, 0, 1);
	assert_int_equal(ph->region, 1);
	assert_int_equal(ph->len, 4 * MiB);
	assert_int_equal(ph->arg, 0);
	ph = phase(&wl, 0, 2);
	assert_int_equal(ph->op, WL_MADVISE);
	assert_int_equal(ph->arg, MM_MADV_HUGEPAGE);
	assert_int_equal(ph->off, 0);
	assert_int_equal(ph->len, 32 * MiB);
	assert_int_equal(phase(&wl, 0, 3)->arg, MM_MADV_PAGEOUT);
	assert_int_equal(phase(&wl, 0, 3)->len, 64 * MiB);
	ph = phase(&wl, 0, 4);
	assert_int_equal(ph->op, WL_MPROTECT);
	assert_int_equal(ph->arg, WL_PROT_READ);
	assert_int_equal(ph->off, 2 * MiB);
	assert_int_equal(ph->len, 2 * MiB);	/* to the end of b */
	ph = phase(&wl, 0, 5);
	assert_int_equal(ph->op, WL_MUNMAP);
	assert_int_equal(ph->off, 4096);
	assert_int_equal(ph->len, 8192);
	ph = phase(&wl, 0, 6);
	assert_int_equal(ph->op, WL_MREMAP);
	assert_int_equal(ph->region, 1);
	assert_int_equal(ph->len, 4 * MiB);
	assert_int_equal(ph->new_len, 3 * MiB);
	ph = phase(&wl, 0, 7);	/* after the mremap, b is 3M */
	assert_int_equal(ph->op, WL_SWEEP);
	assert_int_equal(ph->access, WL_RW);
	assert_int_equal(ph->off, 1 * MiB);
	assert_int_equal(ph->len, 2 * MiB);
	assert_int_equal(ph->count, 1);
	ph = phase(&wl, 0, 8);
	assert_int_equal(ph->op, WL_MOVE_PAGES);
	assert_int_equal(ph->pol.nodes, 3);
	assert_int_equal(ph->len, 2 * MiB);
	ph = phase(&wl, 0, 9);
	assert_int_equal(ph->op, WL_MIGRATE_PAGES);
	assert_int_equal(ph->pol.nodes, 1);
	assert_int_equal(ph->to_nodes, 2);
	ph = phase(&wl, 0, 10);
	assert_int_equal(ph->off, 16 * MiB);
	assert_int_equal(ph->len, 16 * MiB);
	workload_free(&wl);
	free(m);
}

static void test_policies(void **state)
{
	struct machine *m = preset("4node-48cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "weighted_interleave: {0: 3, 1: 1, 3: 255}\n"
		 "processes:\n"
		 "  - phases:\n"
		 "      - mmap: r\n"
		 "        size: 16M\n"
		 "      - set_mempolicy: default\n"
		 "      - set_mempolicy: local\n"
		 "      - set_mempolicy: bind\n"
		 "        nodes: 0-1,3\n"
		 "        flags: [static_nodes]\n"
		 "      - set_mempolicy: preferred\n"
		 "        nodes: [2]\n"
		 "      - set_mempolicy: preferred_many\n"
		 "        nodes: [0, 2]\n"
		 "      - set_mempolicy: interleave\n"
		 "        nodes: all\n"
		 "        flags: relative_nodes\n"
		 "      - set_mempolicy: weighted_interleave\n"
		 "        nodes: [0, 1]\n"
		 "      - set_mempolicy: bind\n"
		 "        nodes: [1]\n"
		 "        flags: [numa_balancing]\n"
		 "      - mbind: r\n"
		 "        mode: interleave\n"
		 "        nodes: [0, 1, 2, 3]\n"
		 "        len: 8M\n"
		 "      - set_mempolicy: bind\n"
		 "        nodes: [9]\n"
		 "        flags: [relative_nodes]\n",
		 m);
	assert_int_equal(wl.il_weights[0], 3);
	assert_int_equal(wl.il_weights[1], 1);
	assert_int_equal(wl.il_weights[2], 0);
	assert_int_equal(wl.il_weights[3], 255);
	static const struct mempolicy want[] = {
		{ MPOL_DEFAULT, 0, 0 },
		{ MPOL_LOCAL, 0, 0 },
		{ MPOL_BIND, 0xb, MPOL_F_STATIC_NODES },
		{ MPOL_PREFERRED, 0x4, 0 },
		{ MPOL_PREFERRED_MANY, 0x5, 0 },
		{ MPOL_INTERLEAVE, 0xf, MPOL_F_RELATIVE_NODES },
		{ MPOL_WEIGHTED_INTERLEAVE, 0x3, 0 },
		{ MPOL_BIND, 0x2, MPOL_F_NUMA_BALANCING },
		{ MPOL_INTERLEAVE, 0xf, 0 },
		{ MPOL_BIND, 1u << 9, MPOL_F_RELATIVE_NODES },	/* relative: beyond the machine */
	};
	for (uint32_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct wl_phase *ph = phase(&wl, 0, i + 1);

		assert_int_equal(ph->op, i == 8 ? WL_MBIND : WL_SET_MEMPOLICY);
		assert_int_equal(ph->pol.mode, want[i].mode);
		assert_int_equal(ph->pol.nodes, want[i].nodes);
		assert_int_equal(ph->pol.flags, want[i].flags);
	}
	assert_int_equal(phase(&wl, 0, 9)->len, 8 * MiB);
	workload_free(&wl);
	free(m);
}

static void test_accesses(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - phases:\n"
		 "      - mmap: r\n"
		 "        size: 8M\n"
		 "      - sweep:\n"			/* the only region */
		 "        access: read\n"
		 "        stride: 4K\n"
		 "        duration: 2s\n"
		 "      - sweep: r\n"
		 "        access: write\n"
		 "        store: nt\n"
		 "        passes: 3\n"
		 "      - sweep: r\n"
		 "        access: write\n"
		 "        store: memset\n"
		 "      - random: r\n"
		 "        accesses: 1000\n"
		 "      - random: r\n"
		 "        accesses: 1000\n"
		 "        write_ratio: 0.25\n"
		 "      - skewed: r\n"
		 "        duration: 500ms\n"
		 "        access: write\n"
		 "      - hotcold: r\n"
		 "        accesses: 10\n"
		 "        hot: 0.5\n"
		 "      - gauss: r\n"
		 "        accesses: 10\n"
		 "        stddev: 1/12\n"
		 "        access: rw\n"
		 "      - zipf: r\n"
		 "        accesses: 10\n"
		 "        s: 0.99\n"
		 "      - chase: r\n"
		 "        accesses: '{cpus} * 1000'\n"
		 "      - compute: 1.5ms\n"
		 "      - sleep: 10us\n"
		 "      - compute: 7\n",
		 m);
	const struct wl_phase *ph = phase(&wl, 0, 1);
	assert_int_equal(ph->op, WL_SWEEP);
	assert_int_equal(ph->access, WL_READ);
	assert_int_equal(ph->stride, 4096);
	assert_int_equal(ph->duration_ns, 2000000000ull);
	assert_int_equal(ph->count, 0);
	ph = phase(&wl, 0, 2);
	assert_int_equal(ph->store, WL_STORE_NT);
	assert_int_equal(ph->count, 3);
	assert_int_equal(phase(&wl, 0, 3)->store, wl_memset_store(m));
	ph = phase(&wl, 0, 4);
	assert_int_equal(ph->op, WL_RANDOM);
	assert_int_equal(ph->access, WL_READ);
	assert_int_equal(ph->count, 1000);
	ph = phase(&wl, 0, 5);
	assert_int_equal(ph->access, WL_RW);
	assert_true(ph->write_ratio == 0.25);
	ph = phase(&wl, 0, 6);
	assert_int_equal(ph->op, WL_SKEWED);
	assert_int_equal(ph->access, WL_WRITE);
	assert_true(ph->write_ratio == 1.0);
	assert_true(ph->hot_frac == 0.1 && ph->hot_prob == 0.9);
	assert_int_equal(ph->duration_ns, 500000000ull);
	ph = phase(&wl, 0, 7);
	assert_true(ph->hot_frac == 0.5 && ph->hot_prob == 0.8);	/* hotcold: 80:20 */
	ph = phase(&wl, 0, 8);
	assert_int_equal(ph->op, WL_GAUSS);
	assert_true(ph->stddev == 1.0 / 12);
	assert_int_equal(ph->access, WL_RW);
	assert_true(ph->write_ratio == 0.5);
	ph = phase(&wl, 0, 9);
	assert_int_equal(ph->op, WL_ZIPF);
	assert_true(ph->zipf_s == 0.99);
	ph = phase(&wl, 0, 10);
	assert_int_equal(ph->op, WL_CHASE);
	assert_int_equal(ph->count, 128000);
	assert_int_equal(ph->access, WL_READ);
	assert_int_equal(phase(&wl, 0, 11)->op, WL_COMPUTE);
	assert_int_equal(phase(&wl, 0, 11)->ns, 1500000);
	assert_int_equal(phase(&wl, 0, 12)->op, WL_SLEEP);
	assert_int_equal(phase(&wl, 0, 12)->ns, 10000);
	assert_int_equal(phase(&wl, 0, 13)->ns, 7);
	workload_free(&wl);
	free(m);
}

static void test_threads_barriers_affinity(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - name: p\n"
		 "    count: 2\n"
		 "    phases:\n"
		 "      - mmap: r\n"
		 "        size: 16M\n"
		 "      - sched_setaffinity:\n"
		 "        nodes: ['{i}']\n"		/* process copy i on node i */
		 "      - spawn: w\n"
		 "      - barrier: go\n"
		 "      - spawn: same\n"
		 "      - join\n"
		 "    threads:\n"
		 "      - name: w\n"
		 "        count: 4\n"
		 "        phases:\n"
		 "          - sched_setaffinity:\n"
		 "            cpus: '{i}*2-{i}*2+1,100'\n"
		 "          - barrier: go\n"
		 "          - sweep: r\n"
		 "            slice: auto\n"
		 "            access: write\n"
		 "      - name: same\n"
		 "        count: '{n}+1'\n"	/* {n}: the process count, 2 */
		 "        phases:\n"
		 "          - random: r\n"
		 "            accesses: 5\n",
		 m);
	assert_int_equal(wl.nr_procs, 2);
	/* per process: main, 4 programs for w (they use {i}), 1 shared for same */
	assert_int_equal(wl.nr_programs, 2 * 6);
	assert_int_equal(wl.procs[1].main_program, 6);
	assert_int_equal(phase(&wl, 6, 1)->op, WL_SET_AFFINITY);
	assert_int_equal(phase(&wl, 6, 1)->pol.nodes, 2);
	assert_int_equal(phase(&wl, 0, 1)->pol.nodes, 1);
	/* main: mmap, affinity, 4 spawns, barrier, 3 spawns, join */
	assert_int_equal(wl.programs[0].nr_phases, 2 + 4 + 1 + 3 + 1);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(phase(&wl, 0, 2 + i)->target, 1 + i);
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(phase(&wl, 0, 7 + i)->target, 5);
	/* one barrier per process, main + 4 threads */
	assert_int_equal(wl.nr_barriers, 2);
	assert_int_equal(wl.barrier_parties[0], 5);
	assert_int_equal(wl.barrier_parties[1], 5);
	assert_int_equal(phase(&wl, 6, 6)->target, 1);
	/* thread 3 of w: CPUs 6, 7 and 100; the last quarter of r */
	const struct wl_phase *ph = phase(&wl, 4, 0);
	assert_int_equal(ph->op, WL_SET_CPUS);
	const struct wl_cpuset *cs = &wl.cpusets[ph->target];
	assert_int_equal(cs->bits[0], 0xc0);
	assert_int_equal(cs->bits[1], 1ull << 36);
	assert_int_equal(phase(&wl, 4, 2)->off, 12 * MiB);
	assert_int_equal(phase(&wl, 4, 2)->len, 4 * MiB);
	assert_int_equal(wl.nr_cpusets, 8);
	workload_free(&wl);
	free(m);
}

static void test_fork(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - name: parent\n"
		 "    phases:\n"
		 "      - mmap: r\n"
		 "        size: 8M\n"
		 "      - sweep: r\n"
		 "        access: write\n"
		 "      - fork: child\n"
		 "        repeat: 3\n"
		 "      - join\n"
		 "  - name: child\n"
		 "    forked: true\n"
		 "    phases:\n"
		 "      - mmap: own\n"
		 "        size: 4M\n"
		 "      - sweep: r\n"		/* inherited, copy-on-write */
		 "        access: write\n"
		 "        len: 4M\n"
		 "      - sweep: own\n"
		 "        access: write\n",
		 m);
	assert_int_equal(wl.nr_procs, 1);
	assert_int_equal(wl.nr_programs, 2);
	for (uint32_t i = 2; i < 5; i++) {
		assert_int_equal(phase(&wl, 0, i)->op, WL_FORK);
		assert_int_equal(phase(&wl, 0, i)->target, 1);
	}
	assert_int_equal(phase(&wl, 1, 0)->region, 1);	/* after the inherited one */
	assert_int_equal(phase(&wl, 1, 1)->region, 0);
	assert_int_equal(phase(&wl, 1, 2)->region, 1);
	workload_free(&wl);
	free(m);
}

/* Expressions: the machine's numbers, precedence, min/max, {j} of repeat. */
static void test_expressions(void **state)
{
	struct machine *m = preset("4node-48cpu");
	struct workload wl;

	(void)state;
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - phases:\n"
		 "      - mmap: r\n"
		 "        size: (1 + 2) * 4K + {nodes} * 1M / 2\n"
		 "      - compute: 1\n"
		 "        repeat: 3\n"
		 "      - sweep: r\n"
		 "        access: read\n"
		 "        passes: 'max(1, {cpus} - {node_cpus} * 3) + min(7, {j})'\n"
		 "        repeat: 2\n",
		 m);
	assert_int_equal(phase(&wl, 0, 0)->len, 3 * 4096 + 2 * MiB);
	assert_int_equal(wl.programs[0].nr_phases, 1 + 3 + 2);
	/* 48 CPUs, 12 per node: max(1, 12) + j */
	assert_int_equal(phase(&wl, 0, 4)->count, 12);
	assert_int_equal(phase(&wl, 0, 5)->count, 13);
	workload_free(&wl);
	free(m);
}

/* --scale shrinks regions and accesses as the generators do; ranges follow. */
static void test_scale(void **state)
{
	struct machine *m = preset("2node-128cpu");
	const char *text =
		"version: 1\n"
		"processes:\n"
		"  - phases:\n"
		"      - mmap: r\n"
		"        size: 4G\n"
		"      - sweep: r\n"
		"        access: write\n"
		"        off: 1G\n"
		"        len: 1G\n"
		"      - sweep: r\n"
		"        access: read\n"
		"        off: 3G\n"
		"      - random: r\n"
		"        accesses: 1000000\n"
		"        duration: 1s\n";
	struct workload wl;
	char err[256];

	(void)state;
	/* a count and a duration: one error, at the duration's line */
	assert_int_not_equal(wlfile_parse(&wl, text, strlen(text), "s.yaml", m, 0.01, err,
					  sizeof(err)), 0);
	assert_non_null(strstr(err, "s.yaml:15: key 'processes[0].phases[3]': give accesses or duration"));
	char *fixed = strdup(text);
	*strstr(fixed, "        duration: 1s\n") = '\0';
	assert_int_equal(wlfile_parse(&wl, fixed, strlen(fixed), "s.yaml", m, 0.01, err,
				      sizeof(err)), 0);
	assert_int_equal(phase(&wl, 0, 0)->len, 40 * MiB);	/* 40.96M, THP-aligned */
	assert_int_equal(phase(&wl, 0, 1)->off, 10 * MiB);
	assert_int_equal(phase(&wl, 0, 1)->len, 10 * MiB);
	assert_int_equal(phase(&wl, 0, 2)->off, 30 * MiB);
	assert_int_equal(phase(&wl, 0, 2)->len, 10 * MiB);	/* to the end */
	assert_int_equal(phase(&wl, 0, 3)->count, 10000);
	workload_free(&wl);
	free(fixed);
	free(m);
}

/* ---- errors name the file, the line and the key ---- */

#define HEAD "version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 8M\n"

static void test_errors(void **state)
{
	struct machine *m = preset("2node-128cpu");

	(void)state;
	parse_bad("version: 1\nprocesses: [\n", m, "t.yaml:3: YAML syntax error");
	parse_bad("version: 1\nproceses: []\n", m, "t.yaml:2: key 'proceses': unknown key");
	parse_bad("processes: []\n", m, "t.yaml:1: no 'version: 1'");
	parse_bad("version: 2\nprocesses: []\n", m,
		  "t.yaml:1: key 'version': version 2 is newer than this numasim");
	parse_bad("", m, "t.yaml: empty file");
	parse_bad("version: 1\nprocesses: []\n", m, "t.yaml:2: key 'processes': no process");
	parse_bad("version: 1\nprocesses: [{phases: []}]\n---\nversion: 1\n", m,
		  "t.yaml:4: a second YAML document");
	parse_bad(HEAD "      - sweep: r\n        acess: read\n", m,
		  "t.yaml:7: key 'processes[0].phases[1].acess': unknown key");
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 3X\n", m,
		  "t.yaml:5: key 'processes[0].phases[0].size': unexpected text after the value");
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - mmap: r\n        size: 5000\n", m,
		  "t.yaml:5: key 'processes[0].phases[0].size': 5000 bytes is not a multiple");
	parse_bad(HEAD "      - mbind: r\n        mode: bind\n        nodes: [0, 2]\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].nodes': node 2 does not exist");
	parse_bad(HEAD "      - mbind: r\n        mode: bind\n        nodes: [0]\n"
		  "        flags: [static_nodes, relative_nodes]\n", m,
		  "t.yaml:9: key 'processes[0].phases[1].flags': static_nodes and relative_nodes");
	parse_bad(HEAD "      - set_mempolicy: interleave\n        nodes: [0]\n"
		  "        flags: numa_balancing\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].flags': numa_balancing needs mode bind");
	parse_bad(HEAD "      - set_mempolicy: default\n        nodes: [0]\n", m,
		  "t.yaml:7: key 'processes[0].phases[1].nodes': mode default takes no nodes");
	parse_bad(HEAD "      - set_mempolicy: bindd\n", m,
		  "t.yaml:6: key 'processes[0].phases[1].set_mempolicy': 'bindd' is not one of");
	parse_bad(HEAD "      - set_mempolicy: bind\n", m, "mode bind needs nodes");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: \"{cpus}*100\"\n", m,
		  "t.yaml:4: key 'processes[0].threads[0].count': 12800 is out of range (1 to 4096)");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: \"{cpus}-200\"\n", m,
		  "t.yaml:4: key 'processes[0].threads[0].count': the value goes below 0");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: \"99999999999*99999999999\"\n",
		  m, "the value overflows");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: \"{cpus}/0\"\n", m,
		  "division by zero");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: {cpus}/2\n", m,
		  "YAML syntax error");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: {cpus}\n", m,
		  "t.yaml:4: key 'processes[0].threads[0].count': expected an integer, got a "
		  "mapping (quote");
	parse_bad("version: 1\nprocesses:\n  - threads:\n      - count: '{cpu}'\n", m,
		  "unknown variable {cpu}");
	parse_bad(HEAD "      - sweep: r\n        access: read\n        passes: '{j}'\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].passes': {j} is the round of repeat: or loop:");
	parse_bad(HEAD "      - sweep: q\n        access: read\n", m,
		  "t.yaml:6: key 'processes[0].phases[1].sweep': no region 'q'");
	parse_bad(HEAD "      - sweep: r\n        access: read\n        off: 4M\n        len: 8M\n", m,
		  "t.yaml:9: key 'processes[0].phases[1].len': [4194304, +8388608) is not inside");
	parse_bad(HEAD "      - frobnicate: r\n", m,
		  "t.yaml:6: key 'processes[0].phases[1]': no operation in this phase");
	parse_bad(HEAD "      - sweep: r\n        access: read\n        store: nt\n", m,
		  "the store kind is of write sweeps");
	parse_bad(HEAD "      - sweep: r\n        mbind: r\n", m, "two operations");
	parse_bad(HEAD "      - random: r\n", m, "random needs accesses or duration");
	parse_bad(HEAD "      - gauss: r\n        accesses: 1\n        stddev: 2\n", m,
		  "t.yaml:8: key 'processes[0].phases[1].stddev': 2 is out of range");
	parse_bad(HEAD "      - sleep: 3 days\n", m, "expected a duration");
	parse_bad(HEAD "      - sched_setaffinity:\n        cpus: 0-200\n", m,
		  "t.yaml:7: key 'processes[0].phases[1].cpus': CPU 200 does not exist");
	parse_bad(HEAD "      - spawn: nobody\n", m, "no thread group 'nobody'");
	parse_bad(HEAD "      - fork: nobody\n", m, "no process 'nobody'");
	parse_bad(HEAD "    threads:\n      - name: a\n        phases:\n          - mmap: x\n"
		  "            size: 4K\n", m,
		  "t.yaml:9: key 'processes[0].threads[0].phases[0]': only a process's own phases "
		  "may mmap");
	parse_bad(HEAD "      - spawn: a\n    threads:\n      - name: a\n      - name: b\n", m,
		  "t.yaml:9: key 'processes[0].threads[1]': thread group 'b' is never spawned");
	parse_bad("version: 1\nprocesses:\n  - name: a\n    phases: [{fork: a}]\n    forked: true\n",
		  m, "at least one must not be");
	parse_bad("version: 1\nprocesses:\n  - phases: [{fork: b}]\n  - name: b\n    forked: true\n"
		  "    phases: [{fork: b}]\n", m, "fork cycle");
	parse_bad("version: 1\nprocesses:\n  - name: b\n    forked: true\n  - name: c\n", m,
		  "t.yaml:3: process 'b' is forked: true but never forked");
	parse_bad("version: 1\nweighted_interleave: {0: 0}\nprocesses: []\n", m,
		  "t.yaml:2: key 'weighted_interleave.0': 0 is out of range (1 to 255)");
	parse_bad("version: 1\nweighted_interleave: {5: 1}\nprocesses: []\n", m,
		  "t.yaml:2: key 'weighted_interleave': 5 is out of range");
	parse_bad("version: 1\nprocesses:\n  - count: 1000\n", m,
		  "key 'processes[0].count': 1000 is out of range (1 to 256)");
	parse_bad("version: 1\nname: x\nname: y\nprocesses: []\n", m, "t.yaml:3: key 'name': given twice");
	parse_bad("version: 1\nprocesses:\n  - phases: [{mmap: r, size: 4K}, {sweep: r, access: read, "
		  "slice: [0, 2]}]\n", m, "too small for 2 slices");
	parse_bad("version: 1\nprocesses:\n  - phases:\n      - compute: 1\n        repeat: 5000\n", m,
		  "t.yaml:5: key 'processes[0].phases[0].repeat': 5000 is out of range");
	parse_bad("vers", m, "t.yaml:1: expected a mapping");
	struct workload wl;
	char err[256];
	assert_int_not_equal(wlfile_parse(&wl, "vers\0ion: 1\n", 13, "t.yaml", m, 1.0, err,
					  sizeof(err)), 0);
	assert_string_equal(err, "t.yaml: a NUL byte: not a text file");
	free(m);
}

/* Hostile input: deep nesting, aliases, huge expansion: an error or a bounded build. */
static void test_hostile(void **state)
{
	struct machine *m = preset("2node-128cpu");
	const size_t deep = 100000;
	char *text = malloc(2 * deep + 64);
	struct workload wl;
	char err[256];

	(void)state;
	assert_non_null(text);
	strcpy(text, "version: 1\nprocesses: ");
	size_t n = strlen(text);
	memset(text + n, '[', deep);
	memset(text + n + deep, ']', deep);
	text[n + 2 * deep] = '\0';
	assert_int_not_equal(wlfile_parse(&wl, text, strlen(text), "d.yaml", m, 1.0, err,
					  sizeof(err)), 0);
	assert_string_equal(err, "d.yaml:2: nested more than 32 deep");
	free(text);
	/* aliases share a node: they work, and the totals still bound the build */
	parse_ok(&wl,
		 "version: 1\n"
		 "processes:\n"
		 "  - phases: &p\n"
		 "      - mmap: r\n"
		 "        size: 4M\n"
		 "      - sweep: r\n"
		 "        access: write\n"
		 "  - phases: *p\n",
		 m);
	assert_int_equal(wl.nr_procs, 2);
	assert_int_equal(wl.programs[1].nr_phases, 2);
	workload_free(&wl);
	parse_bad("version: 1\n"
		  "processes:\n"
		  "  - count: 256\n"
		  "    threads:\n"
		  "      - count: 4096\n"
		  "        phases: [{sched_setaffinity: , nodes: ['{i}/4096']}]\n",
		  m, "more than 65536 programs");
	parse_bad("version: 1\n"
		  "processes:\n"
		  "  - count: 256\n"
		  "    threads:\n"
		  "      - count: 4096\n"
		  "        phases: [{compute: 1, repeat: 4096}]\n",
		  m, "phases in the whole workload");
	parse_bad("version: 1\nprocesses: &a [*a]\n", m, "t.yaml:");
	/* a long CPU list read again by each of 4096 threads */
	char *big = malloc(600000);
	assert_non_null(big);
	strcpy(big, "version: 1\nprocesses:\n  - threads:\n      - count: 4096\n        phases:\n"
	       "          - sched_setaffinity:\n            cpus: '{i}");
	char *end = big + strlen(big);
	for (int i = 0; i < 40000; i++, end += 6)
		memcpy(end, ",0-127", 6);
	strcpy(end, "'\n");
	parse_bad(big, m, "building this takes too long");
	free(big);
	/* nested empty loops: 4096^4 rounds that make nothing, cut short */
	parse_bad("version: 1\nprocesses:\n  - phases:\n"
		  "      - loop: 4096\n        phases: &l\n"
		  "          - loop: 4096\n            phases:\n"
		  "              - loop: 4096\n                phases:\n"
		  "                  - loop: 4096\n", m, "more than 262144 loop rounds");
	free(m);
}

/* A spec that names a missing file says so; built-in names still win. */
static void test_dispatch(void **state)
{
	struct machine *m = preset("2node-128cpu");
	struct workload wl;
	char err[256];

	(void)state;
	assert_int_not_equal(workload_build(&wl, "no/such/file.yaml", m, 1.0, 1, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "cannot open workload file 'no/such/file.yaml'"));
	assert_true(wlfile_is_file_spec("workloads/numa01.yaml"));
	assert_true(wlfile_is_file_spec("x.yml"));
	assert_false(wlfile_is_file_spec("numa01"));
	assert_false(wlfile_is_file_spec("seq:size=1G"));
	assert_true(wlfile_is_file_spec("workloads/numa02.yaml"));
	free(m);
}

/* ---- end to end: file -> run -> JSON ---- */

static void test_run_file(void **state)
{
	static const char text[] =
		"version: 1\n"
		"name: small\n"
		"processes:\n"
		"  - phases:\n"
		"      - mmap: buf\n"
		"        size: 8M\n"
		"      - mbind: buf\n"
		"        mode: bind\n"
		"        nodes: [1]\n"
		"        len: 4M\n"
		"    threads:\n"
		"      - name: t\n"
		"        count: 4\n"
		"        phases:\n"
		"          - sched_setaffinity:\n"
		"            nodes: [0]\n"
		"          - barrier: start\n"
		"          - sweep: buf\n"
		"            slice: auto\n"
		"            access: write\n"
		"          - sweep: buf\n"
		"            slice: auto\n"
		"            access: read\n"
		"            passes: 2\n";
	const char *path = "/tmp/numasim-test-wlfile-small.yaml";
	const char *const sets[] = { "kernel.numa_balancing=0", NULL };
	struct tl_env e;
	char *a, *b;

	(void)state;
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	fclose(f);
	tl_run_spec(&e, "2node-128cpu", path, sets, 3);
	/* mbind puts the first half on node 1; the rest is first-touched on node 0 */
	assert_int_equal(tl_region_pages(e.s, 0, 0, 1), 1024);
	assert_int_equal(tl_region_pages(e.s, 0, 0, 0), 1024);
	assert_int_equal(e.s->nr_tasks, 5);
	assert_oracle_clean(e.s);
	a = tl_result_text(e.s, 1.0);
	assert_non_null(strstr(a, "numasim-test-wlfile-small.yaml"));
	tl_env_free(&e);
	tl_run_spec(&e, "2node-128cpu", path, sets, 3);
	b = tl_result_text(e.s, 1.0);
	assert_string_equal(a, b);	/* deterministic */
	tl_env_free(&e);
	free(a);
	free(b);
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numa01_file),
		cmocka_unit_test(test_numa02_file),
		cmocka_unit_test(test_pmbench_file),
		cmocka_unit_test(test_xsbench_file),
		cmocka_unit_test(test_lookup_and_scaled),
		cmocka_unit_test(test_forkcow_file),
		cmocka_unit_test(test_generic_files),
		cmocka_unit_test(test_gpu_stream_file),
		cmocka_unit_test(test_numa01_shape),
		cmocka_unit_test(test_gpu_pingpong_file),
		cmocka_unit_test(test_loops_and_devices),
		cmocka_unit_test(test_all_files_parse),
		cmocka_unit_test(test_doc_examples),
		cmocka_unit_test(test_example_files),
		cmocka_unit_test(test_regions_and_ranges),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_accesses),
		cmocka_unit_test(test_threads_barriers_affinity),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_dispatch),
		cmocka_unit_test(test_run_file),
	};

	if (getenv("WLF_FILTER"))
		cmocka_set_test_filter(getenv("WLF_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
