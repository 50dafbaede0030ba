// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_core.c - the shared helpers of src/core/: the number
 * syntax (parse.h: accepted and refused spellings, overflow, ranges), the
 * error format (err.h), array growth (array.h) and the mask OR (bitmap.h);
 * and the result-key table (stats/result_keys.def).
 */
#include "testlib.h"

#include <fcntl.h>
#include <float.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/array.h"
#include "core/bitmap.h"
#include "core/err.h"
#include "core/parse.h"
#include "cli/cli.h"
#include "mem/mm.h"
#include "stats/report.h"

static enum parse_rc u64(const char *s, uint64_t *v)
{
	return parse_u64_str(s, 0, UINT64_MAX, v);
}

static void test_parse_u64(void **state)
{
	static const char *const refused[] = {
		"", " 1", "1 ", "+1", "-1", "0x10", "0X10", "1e3", "1.0", "12abc", "1_000",
		"１", "\t7", "1\n", "inf", "nan",
	};
	uint64_t v = 42;

	(void)state;
	assert_int_equal(u64("0", &v), PARSE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(u64("42", &v), PARSE_OK);
	assert_int_equal(v, 42);
	assert_int_equal(u64("0012", &v), PARSE_OK);
	assert_int_equal(v, 12);
	assert_int_equal(u64("18446744073709551615", &v), PARSE_OK);
	assert_true(v == UINT64_MAX);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		v = 7;
		assert_int_equal(u64(refused[i], &v), PARSE_SYNTAX);
		assert_int_equal(v, 7);	/* untouched on error */
	}
	/* overflow: one past UINT64_MAX, and far past it */
	assert_int_equal(u64("18446744073709551616", &v), PARSE_RANGE);
	assert_int_equal(u64("99999999999999999999999", &v), PARSE_RANGE);
	/* the caller's range */
	assert_int_equal(parse_u64_str("0", 1, 1000, &v), PARSE_RANGE);
	assert_int_equal(parse_u64_str("1001", 1, 1000, &v), PARSE_RANGE);
	assert_int_equal(parse_u64_str("1000", 1, 1000, &v), PARSE_OK);
	assert_int_equal(v, 1000);
	/* a span: only @n bytes are read */
	assert_int_equal(parse_u64("123xyz", 3, 0, UINT64_MAX, &v), PARSE_OK);
	assert_int_equal(v, 123);
	assert_int_equal(parse_u64("123", 0, 0, UINT64_MAX, &v), PARSE_SYNTAX);
}

static void test_parse_scan(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(parse_scan_u64("123+4", 5, &v), 3);
	assert_int_equal(v, 123);
	assert_int_equal(parse_scan_u64("x1", 2, &v), 0);
	assert_int_equal(parse_scan_u64("18446744073709551615K", 21, &v), 20);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_scan_u64("18446744073709551616", 20, &v), 0);
}

static void test_parse_size(void **state)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "4096", 4096 }, { "256K", 256ull << 10 }, { "256k", 256ull << 10 },
		{ "1536M", 1536ull << 20 }, { "3G", 3ull << 30 }, { "3g", 3ull << 30 },
		{ "1T", 1ull << 40 }, { "64t", 64ull << 40 }, { "16777215T", 16777215ull << 40 },
	};
	static const char *const refused[] = {
		"", "K", "4 G", " 4G", "4G ", "4GiB", "4GB", "4P", "-4G", "+4G", "0x10", "1.5G",
		"G4", "4KK",
	};
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse_size_str(ok[i].s, &v), PARSE_OK);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(parse_size_str(refused[i], &v), PARSE_SYNTAX);
	assert_int_equal(parse_size_str("16777216T", &v), PARSE_RANGE);	/* 2^64 */
	assert_int_equal(parse_size_str("18446744073709551615K", &v), PARSE_RANGE);
	assert_int_equal(parse_size_str("18446744073709551615", &v), PARSE_OK);
	assert_int_equal(parse_size_unit('m'), 20);
	assert_int_equal(parse_size_unit('x'), 0);
}

static void test_parse_double(void **state)
{
	static const struct { const char *s; double v; } ok[] = {
		{ "0", 0.0 }, { "0.25", 0.25 }, { ".5", 0.5 }, { "1.", 1.0 }, { "160", 160.0 },
		{ "10.67", 10.67 }, { "5e-8", 5e-8 }, { "1E+3", 1000.0 }, { "1e3", 1000.0 },
		{ "0e999", 0.0 }, { "1e-300", 1e-300 }, { "000.1", 0.1 },
		{ "1.7976931348623157e308", DBL_MAX },
	};
	static const char *const refused[] = {
		"", ".", "e5", ".e5", "1e", "1e+", "1.5.2", " 0.1", "0.1 ", "\t1", "+1", "-1",
		"0x10", "0x1p3", "inf", "INF", "infinity", "nan", "NaN", "1,5", "1e5x", "1..",
		"--1", "1 e5",
	};
	double v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse_double_str(ok[i].s, &v), PARSE_OK);
		assert_true(v == ok[i].v);
	}
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		v = 7.0;
		assert_int_equal(parse_double_str(refused[i], &v), PARSE_SYNTAX);
		assert_true(v == 7.0);
	}
	/* overflow to infinity, and underflow below the smallest normal double */
	assert_int_equal(parse_double_str("1e400", &v), PARSE_RANGE);
	assert_int_equal(parse_double_str("1.8e308", &v), PARSE_RANGE);
	assert_int_equal(parse_double_str("1e-400", &v), PARSE_RANGE);
	assert_int_equal(parse_double_str("1e-310", &v), PARSE_RANGE);
	/* far more digits than a double holds are refused, not truncated */
	char many[200];
	memset(many, '1', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	assert_int_equal(parse_double_str(many, &v), PARSE_SYNTAX);
	/* a span stops at @n: no NUL needed after it */
	assert_int_equal(parse_double("0.5xyz", 3, &v), PARSE_OK);
	assert_true(v == 0.5);
}

static void test_parse_error_words(void **state)
{
	(void)state;
	assert_string_equal(parse_error(PARSE_SYNTAX, "integer"), "not an integer");
	assert_string_equal(parse_error(PARSE_SYNTAX, "size"), "not a size");
	assert_string_equal(parse_error(PARSE_SYNTAX, "decimal"), "not a decimal number");
	assert_string_equal(parse_error(PARSE_RANGE, "size"), "too large");
	assert_string_equal(parse_error(PARSE_RANGE, "integer"), "out of range");
}

/* Variant names of compare and sweep: they name DIR/NAME.json. */
static void test_parse_file_name(void **state)
{
	(void)state;
	assert_true(parse_file_name("thp-never_2.5+x", 15, 64));
	assert_true(parse_file_name("a", 1, 1));
	assert_false(parse_file_name("", 0, 64));
	assert_false(parse_file_name(".hidden", 7, 64));
	assert_false(parse_file_name("a/b", 3, 64));
	assert_false(parse_file_name("a b", 3, 64));
	assert_false(parse_file_name("ab", 2, 1));
	/* only the @n bytes count: the rest may be anything */
	assert_true(parse_file_name("base:numasim.migrc=1", 4, 64));
}

static void test_errorf_at(void **state)
{
	char buf[128], tiny[12];

	(void)state;
	assert_int_equal(errorf_at(buf, sizeof(buf), "t.machine", 3, "smt", "'%s' is bad", "x"), -1);
	assert_string_equal(buf, "t.machine:3: key 'smt': 'x' is bad");
	errorf_at(buf, sizeof(buf), "t.machine", 3, NULL, "bad line");
	assert_string_equal(buf, "t.machine:3: bad line");
	errorf_at(buf, sizeof(buf), "t.machine", 0, NULL, "no [node 0]");
	assert_string_equal(buf, "t.machine: no [node 0]");
	errorf_at(buf, sizeof(buf), NULL, 0, "size", "too big");
	assert_string_equal(buf, "key 'size': too big");
	/* truncated, never overrun, always terminated */
	errorf_at(tiny, sizeof(tiny), "a-long-file-name", 12345, "key", "message");
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_memory_equal(tiny, "a-long-file", sizeof(tiny) - 1);
	/* no buffer: nothing written, still -1 */
	assert_int_equal(errorf_at(NULL, 0, "f", 1, "k", "m"), -1);
	assert_int_equal(errorf(buf, sizeof(buf), "%d %s", 2, "words"), -1);
	assert_string_equal(buf, "2 words");
}

struct grown {
	uint64_t *a;
	uint32_t nr, cap;
};

static void test_array_grow(void **state)
{
	struct grown g = { 0 };
	uint8_t small_cap = 0;
	uint16_t *s = NULL;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t before = g.cap;

		ARRAY_GROW(g.a, g.cap, g.nr, 8);
		assert_true(g.cap > g.nr);
		/* doubling from 8: 8, 16, 32, ... and only when full */
		assert_true(g.cap == before || (before ? g.cap == 2 * before : g.cap == 8));
		g.a[g.nr++] = i * 3ull;
	}
	assert_int_equal(g.cap, 1024);
	for (uint32_t i = 0; i < g.nr; i++)
		assert_true(g.a[i] == i * 3ull);
	free(g.a);

	/* a narrow capacity field stops at its largest value instead of wrapping */
	for (uint32_t i = 0; i < 255; i++) {
		ARRAY_GROW(s, small_cap, i, 100);
		s[i] = (uint16_t)i;
	}
	assert_int_equal(small_cap, 255);
	free(s);

	assert_int_equal(array_next_cap(0, 5, 4, SIZE_MAX), 8);
	assert_int_equal(array_next_cap(16, 5, 4, SIZE_MAX), 16);
	assert_int_equal(array_next_cap(0, 100, 100, SIZE_MAX), 100);
	assert_int_equal(array_next_cap(200, 201, 8, 300), 300);
}

static void test_array_oom(void **state)
{
	(void)state;
	/* overflow of nr * elem: a message and abort(), tested in a child */
	char path[64], msg[128] = "";
	snprintf(path, sizeof(path), "/tmp/numasim-test-core-%d", (int)getpid());
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(1);
		(void)xreallocarray(NULL, SIZE_MAX / 2, 4);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(msg, sizeof(msg), f));
	fclose(f);
	unlink(path);
	assert_non_null(strstr(msg, "numasim: out of host memory"));
}

static void test_cpumask_or(void **state)
{
	cpumask_t a = { { 0 } }, b = { { 0 } }, d;
	uint64_t w1[3] = { 1, 2, 4 }, w2[3] = { 8, 2, 0 };

	(void)state;
	cpumask_set(&a, 0);
	cpumask_set(&a, 130);
	cpumask_set(&b, 1);
	cpumask_set(&b, 1023);
	cpumask_or(&d, &a, &b);
	for (uint32_t c = 0; c < 1024; c++)
		assert_int_equal(cpumask_test(&d, c), c == 0 || c == 1 || c == 130 || c == 1023);
	cpumask_or(&a, &a, &b);	/* in place, as the kernel's callers do */
	assert_memory_equal(&a, &d, sizeof(d));
	bitmap_or(w1, w1, w2, 2);
	assert_true(w1[0] == 9 && w1[1] == 2 && w1[2] == 4);
}

static void test_result_keys(void **state)
{
	(void)state;
	/* the table is complete and its names unique within what readers look up */
	for (int i = 0; i < NR_RESULT_KEYS; i++) {
		assert_non_null(result_keys[i].key);
		assert_true(result_keys[i].key[0] != '\0');
		assert_non_null(result_keys[i].meaning);
	}
	assert_string_equal(RKEY(ELAPSED_S), "elapsed_s");
	assert_string_equal(RKEY(PROC_RESIDENT_PAGES), "resident_pages");
	assert_int_equal(result_keys[RK_ELAPSED_S].type, RK_number);
	assert_int_equal(result_keys[RK_ORACLE_LOST_WRITES].type, RK_count);
}

/* The type a key of result_keys.def is written as, seen through json-c. */
static bool written_as(json_object *v, enum result_key_type t)
{
	switch (t) {
	case RK_number: return json_object_is_type(v, json_type_double);
	case RK_count: return json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0;
	case RK_string: return json_object_is_type(v, json_type_string);
	case RK_boolean: return json_object_is_type(v, json_type_boolean);
	case RK_object: return json_object_is_type(v, json_type_object);
	case RK_array: return json_object_is_type(v, json_type_array);
	}
	return false;
}

static json_object *key_of(json_object *o, enum result_key id)
{
	json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, result_keys[id].key, &v));
	assert_true(written_as(v, result_keys[id].type));
	return v;
}

/*
 * What report.c writes is what compare and validate read: the keys of the
 * table are where the table says, of its type, and the result passes
 * compare's check (cli_check_result).
 */
static void test_result_roundtrip(void **state)
{
	static const enum result_key top[] = {
		RK_ELAPSED_S, RK_HOST_S, RK_TRUNCATED, RK_CONFIG, RK_VMSTAT, RK_MTHP, RK_NODES,
		RK_PROCESSES, RK_TIMESERIES, RK_MIGRC, RK_ORACLE,
	};
	static const enum result_key config[] = {
		RK_CONFIG_MACHINE, RK_CONFIG_WORKLOAD, RK_CONFIG_SCALE, RK_CONFIG_SEED,
		RK_CONFIG_TUNABLES,
	};
	struct tl_env e;
	struct run_info ri = { .machine_arg = "2node-128cpu", .scale = 1.0, .host_s = 0.5 };
	char err[256] = "";

	(void)state;
	static const char *const sets[] = { "numasim.sample_ms=10", NULL };	/* a series */
	tl_run_spec(&e, "2node-128cpu", "numa01:size=16M,loops=10", sets, 1);
	json_object *r = report_json(e.s, &ri);
	for (size_t i = 0; i < ARRAY_SIZE(top); i++)
		key_of(r, top[i]);
	for (size_t i = 0; i < ARRAY_SIZE(config); i++)
		key_of(key_of(r, RK_CONFIG), config[i]);
	key_of(key_of(r, RK_MIGRC), RK_MIGRC_PEAK_PENDING_PAGES);
	key_of(key_of(r, RK_ORACLE), RK_ORACLE_STALE_READS);
	key_of(key_of(r, RK_ORACLE), RK_ORACLE_LOST_WRITES);
	json_object *node0 = json_object_array_get_idx(key_of(r, RK_NODES), 0);
	key_of(node0, RK_NODE_NUMASTAT);
	key_of(node0, RK_NODE_KIND);
	key_of(node0, RK_NODE_TOTAL_PAGES);
	/* the watermarks are ordered as setup_per_zone_wmarks sets them */
	uint64_t wmin = json_object_get_uint64(key_of(node0, RK_NODE_WMARK_MIN));
	uint64_t wlow = json_object_get_uint64(key_of(node0, RK_NODE_WMARK_LOW));
	uint64_t whigh = json_object_get_uint64(key_of(node0, RK_NODE_WMARK_HIGH));
	key_of(node0, RK_NODE_WMARK_PROMO);
	assert_true(wmin > 0 && wmin < wlow && wlow < whigh);
	json_object *p0 = json_object_array_get_idx(key_of(r, RK_PROCESSES), 0);
	assert_non_null(p0);
	key_of(p0, RK_PROC_RESIDENT_PAGES);
	key_of(p0, RK_PROC_MM_NUMA_SCAN_SEQ);
	json_object *t0 = json_object_array_get_idx(key_of(p0, RK_PROC_TASKS), 0);
	assert_non_null(t0);
	key_of(t0, RK_TASK_NUMA_SCAN_SEQ);
	key_of(t0, RK_TASK_EXIT_S);
	json_object *x0 = json_object_array_get_idx(key_of(r, RK_TIMESERIES), 0);
	assert_non_null(x0);
	key_of(x0, RK_TS_T_S);
	key_of(x0, RK_TS_PROCESS_RESIDENT_PAGES);
	key_of(x0, RK_TS_PROCESS_RUNNABLE_TASKS);
	key_of(x0, RK_TS_NODE_USED_PAGES);
	key_of(x0, RK_TS_HOT_THRESHOLD_MS);
	key_of(x0, RK_TS_MIGRC_PENDING_PAGES);
	key_of(x0, RK_TS_VMSTAT);
	/* numa01's threads: on CPUs of both nodes while it runs, all exited at the end */
	json_object *ts = key_of(r, RK_TIMESERIES);
	size_t nr = json_object_array_length(ts);
	const char *mid = json_object_get_string(key_of(json_object_array_get_idx(ts, nr / 2),
							 RK_TS_TASK_NODE));
	const char *end = json_object_get_string(key_of(json_object_array_get_idx(ts, nr - 1),
							 RK_TS_TASK_NODE));
	assert_true(strlen(mid) >= 2 && strlen(mid) <= TS_MAX_TASKS);
	assert_true(strchr(mid, '0') && strchr(mid, '1') && strspn(mid, "01-") == strlen(mid));
	assert_true(strlen(end) >= strlen(mid) && strspn(end, "-") == strlen(end));
	assert_int_equal(cli_check_result(r, err, sizeof(err)), 0);
	/* and a value of the wrong type is refused, naming the key */
	json_object_object_add(key_of(r, RK_MIGRC), RKEY(MIGRC_PEAK_PENDING_PAGES),
			       json_object_new_double(1e300));
	assert_int_equal(cli_check_result(r, err, sizeof(err)), -1);
	assert_string_equal(err, "key 'migrc.peak_pending_pages': expected a non-negative integer below 2^63");
	json_object_put(r);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_scan),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_parse_error_words),
		cmocka_unit_test(test_parse_file_name),
		cmocka_unit_test(test_errorf_at),
		cmocka_unit_test(test_array_grow),
		cmocka_unit_test(test_array_oom),
		cmocka_unit_test(test_cpumask_or),
		cmocka_unit_test(test_result_keys),
		cmocka_unit_test(test_result_roundtrip),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
