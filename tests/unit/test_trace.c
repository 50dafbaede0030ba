// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_trace.c - trace readers (lackey, perf script, .nstrace),
 * region inference, the binary round trip, bad input, and replays
 * (docs/traces.md). Run from the top of the tree (make check).
 */
#include "testlib.h"

#include <unistd.h>

#include "workload/trace.h"

#define PERF_FILE "tests/data/perf-two-threads.txt"
#define BUF_ADDR 0x10000000ull	/* the generated trace's 8 MiB buffer */
#define BUF_SIZE (8ull << 20)
#define STACK_TOP 0x1ffefff000ull

static const char *const no_thp[] = { "transparent_hugepage.enabled=never", NULL };

static struct wl_trace *parse_str(const char *text, enum wl_trace_format fmt, char *err,
				  size_t errlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct wl_trace_opts o = { .format = fmt };

	assert_non_null(f);
	struct wl_trace *t = wl_trace_parse_text(f, "mem.txt", &o, err, errlen);
	fclose(f);
	return t;
}

/* A temporary file name; the caller unlinks it. */
static void tmp_name(char *path, size_t len, const char *what)
{
	snprintf(path, len, "/tmp/numasim-test-trace-%d-%s", (int)getpid(), what);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

/*
 * What valgrind lackey prints for the program of tests/data/trace_buf.c,
 * made up: the buffer at BUF_ADDR written one word per line, then read
 * twice, with a stack store and an instruction fetch before each pass.
 */
static void gen_lackey(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "==42== Lackey, an example Valgrind tool\n==42== \n");
	for (int pass = 0; pass < 3; pass++) {
		fprintf(f, "I  04001000,4\n S %llx,8\n", STACK_TOP - 0x100 * (unsigned)pass);
		for (uint64_t a = BUF_ADDR; a < BUF_ADDR + BUF_SIZE; a += 64)
			fprintf(f, " %c %llx,8\n", pass ? 'L' : 'S', (unsigned long long)a);
	}
	fprintf(f, " M %llx,4\n==42== \n", STACK_TOP - 8);
	assert_int_equal(fclose(f), 0);
}

/* Build "trace:@path[,@extra]" and run it to the end with tunables @sets,
 * process image off. */
static struct sim *run_trace_sets(struct tl_env *e, const char *path, const char *extra,
				  const char *const *sets)
{
	char spec[512], err[512] = "";

	snprintf(spec, sizeof(spec), "trace:%s%s%s", path, extra ? "," : "", extra ? extra : "");
	tl_env_init(e, "2node-128cpu", sets);
	workload_free(&e->wl);
	if (workload_build(&e->wl, spec, &e->m, 1.0, 1, err, sizeof(err)))
		fail_msg("workload_build(\"%s\"): %s", spec, err);
	tl_start(e, 1);
	return e->s;
}

static struct sim *run_trace(struct tl_env *e, const char *path, const char *extra)
{
	return run_trace_sets(e, path, extra, no_thp);
}

/* ---- lackey ---- */

static void test_lackey_parse(void **state)
{
	(void)state;
	char err[256] = "";
	struct wl_trace *t = parse_str("==7== Lackey, an example Valgrind tool\n"
				       "I  04000000,3\n"
				       " S 1ffefffd28,8\n"
				       " L 1ffefffd20,8\n"
				       "\n"
				       " M 0a000000,4\n"
				       " L 0a000040,8\n"
				       " L 0a800000,8\n"
				       "I  04000003,2\r\n"
				       "==7== \n", WL_TFMT_AUTO, err, sizeof(err));

	assert_non_null(t);
	assert_int_equal(t->format, WL_TFMT_LACKEY);
	assert_int_equal(t->nr_procs, 1);
	assert_int_equal(t->nr_streams, 1);
	assert_int_equal(t->streams[0].nr_records, 5);
	assert_int_equal(t->streams[0].nr_accesses, 5);
	assert_int_equal(t->nr_insns, 2);
	/* 0xa000000 and 0xa800000 are 8 MiB apart, above the 64K gap: two
	 * regions; the stack page a third */
	assert_int_equal(t->nr_regions, 3);
	assert_int_equal(t->regions[0].start, 0xa000000);
	assert_int_equal(t->regions[0].len, 4096);
	assert_int_equal(t->regions[1].start, 0xa800000);
	assert_int_equal(t->regions[2].start, 0x1ffefff000);
	assert_int_equal(t->regions[2].flags, 0);
	assert_int_equal(wl_trace_find_region(t, 0, 0xa000fff), 0);
	assert_int_equal(wl_trace_find_region(t, 0, 0xa001000), -1);
	assert_int_equal(wl_trace_check(t, err, sizeof(err)), 0);
	wl_trace_free(t);

	/* a larger gap merges the two data pages into one region */
	FILE *f = fmemopen((void *)" L 0a000000,8\n L 0a800000,8\n", 28, "r");
	struct wl_trace_opts o = { .format = WL_TFMT_LACKEY, .gap = 16ull << 20 };
	t = wl_trace_parse_text(f, "x", &o, err, sizeof(err));
	fclose(f);
	assert_non_null(t);
	assert_int_equal(t->nr_regions, 1);
	assert_int_equal(t->regions[0].len, (8ull << 20) + 4096);
	wl_trace_free(t);
}

static void expect_text_error(const char *text, enum wl_trace_format fmt, const char *want)
{
	char err[512] = "";
	struct wl_trace *t = parse_str(text, fmt, err, sizeof(err));

	if (t)
		fail_msg("'%s' parsed; expected an error with '%s'", text, want);
	if (!strstr(err, want))
		fail_msg("'%s': message '%s' lacks '%s'", text, err, want);
}

static void test_lackey_errors(void **state)
{
	(void)state;
	expect_text_error(" L 1000,8\n X 1000,8\n", WL_TFMT_LACKEY, "mem.txt:2: expected a lackey");
	expect_text_error(" L zz,8\n", WL_TFMT_LACKEY, "mem.txt:1: expected a lackey");
	expect_text_error(" L 1000\n", WL_TFMT_LACKEY, "mem.txt:1:");
	expect_text_error(" L 1000,0\n", WL_TFMT_LACKEY, "mem.txt:1:");
	expect_text_error(" L 1000,8 junk\n", WL_TFMT_LACKEY, "mem.txt:1:");
	expect_text_error(" L 11112222333344445,8\n", WL_TFMT_LACKEY, "mem.txt:1:");
	expect_text_error("==1== only chatter\n", WL_TFMT_AUTO, "no memory access records");
	expect_text_error("", WL_TFMT_LACKEY, "no memory access records");
	char *longline = malloc(9000);
	assert_non_null(longline);
	memset(longline, 'L', 8999);
	longline[8999] = '\0';
	expect_text_error(longline, WL_TFMT_LACKEY, "mem.txt:1: line longer");
	free(longline);
}

/* ---- perf script ---- */

static void test_perf_two_threads(void **state)
{
	(void)state;
	char err[512] = "";
	struct wl_trace_opts o = { .format = WL_TFMT_AUTO };
	struct wl_trace *t = wl_trace_open(PERF_FILE, &o, err, sizeof(err));

	if (!t)
		fail_msg("%s", err);
	assert_int_equal(t->format, WL_TFMT_PERF);
	assert_int_equal(t->nr_procs, 1);
	assert_int_equal(t->procs[0].pid, 500);
	assert_int_equal(t->nr_streams, 2);
	assert_int_equal(t->streams[0].tid, 500);
	assert_int_equal(t->streams[1].tid, 501);
	/* each sample stands for its period */
	assert_int_equal(t->streams[0].nr_records, 5);
	assert_int_equal(t->streams[0].nr_accesses, 500);
	assert_int_equal(t->streams[1].nr_records, 3);
	assert_int_equal(t->streams[1].nr_accesses, 600);
	assert_int_equal(t->nr_skipped, 1);	/* the kernel address */
	/* the heap sample (no mmap event) is inferred; the anon and stack
	 * mappings come from their events; the library holds no sample */
	assert_int_equal(t->nr_regions, 3);
	assert_int_equal(t->regions[0].flags, 0);
	assert_int_equal(t->regions[0].start, 0x555500001000);
	assert_int_equal(t->regions[1].flags, WL_TRACE_REGION_MMAP);
	assert_int_equal(t->regions[1].start, 0x7f0000000000);
	assert_int_equal(t->regions[1].len, 8ull << 20);
	assert_int_equal(t->regions[2].len, 0x21000);
	assert_int_equal(wl_trace_check(t, err, sizeof(err)), 0);
	wl_trace_free(t);

	/* replayed: one thread per stream, every access charged */
	struct tl_env e;
	struct sim *s = run_trace(&e, PERF_FILE, NULL);
	assert_int_equal(e.wl.nr_procs, 1);
	assert_int_equal(s->nr_tasks, 2);
	assert_int_equal(s->vs.event[SIM_ACCESSES], 1100);
	/* one fault per page sampled: 6 in the anon map, the heap's, the stack's */
	assert_int_equal(s->vs.event[PGFAULT], 8);
	/* loads of never-written pages map the zero page: only stores take pages */
	assert_int_equal(tl_region_pages(s, 0, 1, -1), 1);
	assert_int_equal(tl_region_pages(s, 0, 0, -1), 1);
	assert_int_equal(tl_region_pages(s, 0, 2, -1), 0);
	assert_oracle_clean(s);
	tl_env_free(&e);

	/* loops=3: every stream three times over, the same pages */
	s = run_trace(&e, PERF_FILE, "loops=3");
	assert_int_equal(s->vs.event[SIM_ACCESSES], 3 * 1100);
	assert_int_equal(s->vs.event[PGFAULT], 8);
	tl_env_free(&e);
}

static void test_perf_errors(void **state)
{
	(void)state;
	expect_text_error("  5/5  1.5: 10 7f00 0\n  oops\n", WL_TFMT_PERF, "mem.txt:2: expected 'PID/TID");
	expect_text_error("  5/5  1.5 10 7f00\n", WL_TFMT_PERF, "mem.txt:1: expected a time");
	expect_text_error("  5/5  1.5: 0 7f00\n", WL_TFMT_PERF, "mem.txt:1: expected a sample period");
	expect_text_error("  5/5  1.5: 10 xyz\n", WL_TFMT_PERF, "mem.txt:1: expected a hexadecimal");
	expect_text_error("  5/5 1.5: PERF_RECORD_MMAP2 5/5: [0x1000 @ 0]: rw-p x\n", WL_TFMT_PERF,
			  "mem.txt:1: expected 'PERF_RECORD_MMAP2");
	expect_text_error("# only a header\n", WL_TFMT_PERF, "no memory access records");
}

/* One simulated process per traced pid, one thread per tid. */
static void test_perf_two_processes(void **state)
{
	(void)state;
	char path[128], err[512] = "";
	const char *text = "  10/10  1.0: 1 7f0000000000 1 |OP STORE|\n"
			   "  20/21  1.1: 3 7f0000001000 1 |OP STORE|\n"
			   "  20/20  1.2: 2 7f0000002000 1 |OP LOAD|\n"
			   "  10/10  1.3: 1 7f0000000040 1 |OP LOAD|\n";

	tmp_name(path, sizeof(path), "procs.perf");
	write_file(path, text, strlen(text));
	struct tl_env e;
	struct sim *s = run_trace(&e, path, NULL);
	const struct wl_trace *t = e.wl.traces[0];
	assert_int_equal(t->nr_procs, 2);
	assert_int_equal(t->procs[0].pid, 10);
	assert_int_equal(t->procs[1].pid, 20);
	assert_int_equal(t->nr_streams, 3);
	assert_int_equal(e.wl.nr_procs, 2);
	/* pid 20's main thread replays tid 20 and spawns tid 21's */
	const struct wl_program *mp = &e.wl.programs[e.wl.procs[1].main_program];
	assert_int_equal(mp->phases[1].op, WL_SPAWN);
	assert_int_equal(mp->phases[2].op, WL_TRACE);
	assert_int_equal(t->streams[mp->phases[2].arg].tid, 20);
	assert_int_equal(s->nr_mms, 2);
	assert_int_equal(s->nr_tasks, 3);
	assert_int_equal(s->vs.event[SIM_ACCESSES], 1 + 3 + 2 + 1);
	assert_int_equal(tl_region_pages(s, 0, 0, -1), 1);
	assert_int_equal(tl_region_pages(s, 1, 0, -1), 1);	/* the store of tid 21 */
	assert_oracle_clean(s);
	tl_env_free(&e);
	unlink(path);
	(void)err;
}

/* More clusters than the engine maps per process: merged across the
 * smallest gaps, every address still in a region. */
static void test_many_regions(void **state)
{
	(void)state;
	char *text = malloc(100 * 32), err[256] = "";
	size_t used = 0;
	uint64_t addr = 0x100000000ull, page37 = 0;

	assert_non_null(text);
	for (uint64_t i = 0; i < 100; i++) {
		used += (size_t)sprintf(text + used, " S %llx,8\n", (unsigned long long)addr);
		if (i == 37)
			page37 = addr;
		addr += (1ull << 20) + i * 4096;	/* gaps grow: the last ones are kept */
	}
	struct wl_trace *t = parse_str(text, WL_TFMT_LACKEY, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(t->nr_regions, WL_TRACE_PROC_REGIONS);
	assert_int_equal(t->regions[0].start, 0x100000000ull);
	assert_int_equal(t->regions[1].start, page37);
	assert_int_equal(wl_trace_check(t, err, sizeof(err)), 0);
	wl_trace_free(t);
	free(text);
}

/*
 * Two threads of a perf trace sharing 8 MiB, under NUMA balancing scanning
 * from the start: the replay takes hint faults and shootdowns and the
 * oracle stays clean; with the flushes skipped, it sees the damage.
 */
static void test_replay_under_balancing(void **state)
{
	(void)state;
	char path[128];
	struct rng r;
	FILE *f;

	tmp_name(path, sizeof(path), "mt.perf");
	f = fopen(path, "w");
	assert_non_null(f);
	rng_seed(&r, 7, 0);
	for (uint32_t i = 0; i < 200000; i++)
		fprintf(f, "  100/%u  1.%06u: 1 %llx 1 |OP %s|\n", 100 + i % 2, i % 1000000,
			0x7f0000000000ull + rng_below(&r, BUF_SIZE / 64) * 64,
			rng_below(&r, 10) < 3 ? "STORE" : "LOAD");
	assert_int_equal(fclose(f), 0);
	static const char *const scan[] = {
		"transparent_hugepage.enabled=never", "numa_balancing.scan_delay_ms=1",
		"numa_balancing.scan_period_min_ms=1", NULL };
	static const char *const broken[] = {
		"transparent_hugepage.enabled=never", "numa_balancing.scan_delay_ms=1",
		"numa_balancing.scan_period_min_ms=1", "numasim.debug_skip_flush=1", NULL };
	struct tl_env e;
	struct sim *s = run_trace_sets(&e, path, NULL, scan);
	assert_true(s->vs.event[NUMA_HINT_FAULTS] > 0);
	assert_true(s->vs.event[NR_TLB_REMOTE_FLUSH] > 0);
	assert_int_equal(s->vs.event[SIM_ACCESSES], 200000);
	assert_oracle_clean(s);
	tl_env_free(&e);
	s = run_trace_sets(&e, path, NULL, broken);
	assert_true(s->oracle.stale_accesses > 0);
	tl_env_free(&e);
	unlink(path);
}

/* ---- the binary format ---- */

static void assert_same_trace(const struct wl_trace *a, const struct wl_trace *b)
{
	assert_int_equal(a->nr_procs, b->nr_procs);
	assert_int_equal(a->nr_regions, b->nr_regions);
	assert_int_equal(a->nr_streams, b->nr_streams);
	assert_int_equal(a->nr_insns, b->nr_insns);
	assert_int_equal(a->nr_skipped, b->nr_skipped);
	assert_memory_equal(a->procs, b->procs, a->nr_procs * sizeof(*a->procs));
	assert_memory_equal(a->regions, b->regions, a->nr_regions * sizeof(*a->regions));
	for (uint32_t i = 0; i < a->nr_streams; i++) {
		assert_int_equal(a->streams[i].nr_records, b->streams[i].nr_records);
		assert_int_equal(a->streams[i].nr_accesses, b->streams[i].nr_accesses);
		assert_int_equal(a->streams[i].len, b->streams[i].len);
		assert_memory_equal(a->streams[i].data, b->streams[i].data, a->streams[i].len);
	}
}

/* Replay the generated lackey trace from text and from its conversion: the
 * buffer is one region of 8 MiB, each of its pages faulted once, and both
 * replays give the same result. */
static void test_roundtrip_replay(void **state)
{
	(void)state;
	char txt[128], bin[128], err[512] = "";
	struct wl_trace_opts o = { .format = WL_TFMT_AUTO };

	tmp_name(txt, sizeof(txt), "buf.lackey");
	tmp_name(bin, sizeof(bin), "buf.nstrace");
	gen_lackey(txt);
	struct wl_trace *a = wl_trace_open(txt, &o, err, sizeof(err));
	if (!a)
		fail_msg("%s", err);
	assert_int_equal(a->nr_regions, 2);
	assert_int_equal(a->regions[0].start, BUF_ADDR);
	assert_int_equal(a->regions[0].len, BUF_SIZE);
	assert_int_equal(a->streams[0].nr_records, 3 * BUF_SIZE / 64 + 4);
	assert_int_equal(a->nr_insns, 3);
	assert_int_equal(wl_trace_write(a, bin, err, sizeof(err)), 0);
	struct wl_trace *b = wl_trace_open(bin, &o, err, sizeof(err));
	if (!b)
		fail_msg("%s", err);
	assert_int_equal(b->format, WL_TFMT_NSTRACE);
	assert_non_null(b->map);	/* read in place */
	assert_same_trace(a, b);
	assert_int_equal(wl_trace_check(b, err, sizeof(err)), 0);
	wl_trace_free(a);
	wl_trace_free(b);

	struct tl_env e1, e2;
	struct sim *s1 = run_trace(&e1, txt, NULL);
	struct sim *s2 = run_trace(&e2, bin, "format=nstrace");
	assert_int_equal(tl_region_pages(s1, 0, 0, -1), BUF_SIZE / 4096);
	assert_true(s1->vs.event[PGFAULT] >= BUF_SIZE / 4096);
	assert_true(s1->vs.event[PGFAULT] <= BUF_SIZE / 4096 + 8);
	assert_int_equal(s1->vs.event[SIM_ACCESSES], 3 * BUF_SIZE / 64 + 4);
	assert_oracle_clean(s1);
	/* the read passes hit the TLB far more than the write pass missed it */
	assert_true(s1->vs.event[SIM_TLB_MISSES] < 3 * BUF_SIZE / 4096 + 16);
	assert_int_equal(s1->end_ns, s2->end_ns);
	assert_memory_equal(s1->vs.event, s2->vs.event, sizeof(s1->vs.event));
	tl_env_free(&e1);
	tl_env_free(&e2);
	unlink(txt);
	unlink(bin);
}

static void expect_bin_error(const void *buf, size_t len, const char *want)
{
	char err[512] = "";
	struct wl_trace *t = wl_trace_from_buffer(buf, len, "t.nstrace", err, sizeof(err));

	if (t) {
		int rc = wl_trace_check(t, err, sizeof(err));
		wl_trace_free(t);
		if (!rc)
			fail_msg("accepted; expected an error with '%s'", want);
	}
	if (!strstr(err, want))
		fail_msg("message '%s' lacks '%s'", err, want);
}

static void test_binary_corrupt(void **state)
{
	(void)state;
	char bin[128], err[512] = "";
	struct wl_trace_opts o = { .format = WL_TFMT_AUTO };
	struct wl_trace *t = wl_trace_open(PERF_FILE, &o, err, sizeof(err));

	assert_non_null(t);
	tmp_name(bin, sizeof(bin), "c.nstrace");
	assert_int_equal(wl_trace_write(t, bin, err, sizeof(err)), 0);
	wl_trace_free(t);
	size_t len;
	uint8_t *good = read_file(bin, &len), *b = malloc(len);
	assert_non_null(b);

	expect_bin_error(good, 7, "not a numasim trace");
	expect_bin_error(good, len - 1, "truncated");
	memcpy(b, good, len);
	b[0] = 'X';
	expect_bin_error(b, len, "no NSTRACE magic");
	memcpy(b, good, len);
	b[8] = 2;
	expect_bin_error(b, len, "version 2");
	memcpy(b, good, len);
	b[24] = 0;	/* no stream */
	expect_bin_error(b, len, "corrupt");
	memcpy(b, good, len);
	b[64 + 16 + 8] = 1;	/* region 0 length: not a page multiple */
	expect_bin_error(b, len, "region 0");
	memcpy(b, good, len);
	b[64 + 16 + 3 * 32 + 24 + 7] = 0x40;	/* stream 0's offset past the end */
	expect_bin_error(b, len, "stream 0");
	/* the last record's last byte says "more follows": truncated */
	memcpy(b, good, len);
	b[len - 1] |= 0x80;
	expect_bin_error(b, len, "truncated record");

	/* replayed, that stream fails the run with a message, not a crash */
	write_file(bin, b, len);
	struct tl_env e;
	char spec[160];
	snprintf(spec, sizeof(spec), "trace:%s", bin);
	tl_env_init(&e, "2node-128cpu", NULL);
	workload_free(&e.wl);
	assert_int_equal(workload_build(&e.wl, spec, &e.m, 1.0, 1, err, sizeof(err)), 0);
	e.s = calloc(1, sizeof(*e.s));
	assert_int_equal(sim_create(e.s, &e.m, &e.tun, &e.wl, 1, err, sizeof(err)), 0);
	assert_int_equal(sim_run(e.s), -1);
	assert_non_null(strstr(e.s->error, "truncated record"));
	tl_env_free(&e);
	free(b);
	free(good);
	unlink(bin);
}

/* ---- the workload spec ---- */

static void expect_spec_error(const char *spec, const char *want)
{
	struct machine m;
	struct workload wl;
	char err[512] = "";

	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	if (!workload_build(&wl, spec, &m, 1.0, 1, err, sizeof(err))) {
		workload_free(&wl);
		fail_msg("'%s' built; expected '%s'", spec, want);
	}
	if (!strstr(err, want))
		fail_msg("'%s': message '%s' lacks '%s'", spec, err, want);
}

static void test_spec(void **state)
{
	(void)state;
	struct machine m;
	struct workload wl, again;
	char err[512] = "";

	expect_spec_error("trace", "expected trace:FILE");
	expect_spec_error("trace:", "expected trace:FILE");
	expect_spec_error("trace:/no/such/file", "/no/such/file: cannot open");
	expect_spec_error("trace:/tmp", "not a regular file");
	expect_spec_error("trace:" PERF_FILE ",format=lackey", PERF_FILE ":1: expected a lackey");
	expect_spec_error("trace:" PERF_FILE ",format=nstrace", "not a numasim trace");
	expect_spec_error("trace:" PERF_FILE ",bogus=1", "unknown key 'bogus'");
	expect_spec_error("trace:" PERF_FILE ",gap=3X", "key 'gap'");

	assert_int_equal(machine_preset(&m, "2node-128cpu"), 0);
	assert_int_equal(workload_build(&wl, "trace:" PERF_FILE ",gap=8M", &m, 1.0, 1, err,
					sizeof(err)), 0);
	assert_string_equal(wl.desc, "trace:" PERF_FILE ",format=auto,gap=8M,loops=1");
	/* the main thread maps the regions, spawns the other stream, replays
	 * its own (tid == pid) and joins */
	const struct wl_program *mp = &wl.programs[wl.procs[0].main_program];
	assert_int_equal(wl.nr_traces, 1);
	assert_int_equal(mp->nr_phases, 3 + 3);
	assert_int_equal(mp->phases[0].op, WL_MMAP);
	assert_int_equal(mp->phases[3].op, WL_SPAWN);
	assert_int_equal(mp->phases[4].op, WL_TRACE);
	assert_int_equal(mp->phases[4].arg, 0);
	assert_int_equal(mp->phases[5].op, WL_JOIN);
	assert_int_equal(workload_build(&again, wl.desc, &m, 1.0, 2, err, sizeof(err)), 0);
	assert_string_equal(again.desc, wl.desc);
	workload_free(&again);
	workload_free(&wl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lackey_parse),
		cmocka_unit_test(test_lackey_errors),
		cmocka_unit_test(test_perf_two_threads),
		cmocka_unit_test(test_perf_errors),
		cmocka_unit_test(test_perf_two_processes),
		cmocka_unit_test(test_many_regions),
		cmocka_unit_test(test_replay_under_balancing),
		cmocka_unit_test(test_roundtrip_replay),
		cmocka_unit_test(test_binary_corrupt),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
