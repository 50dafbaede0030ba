// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_html.c - the HTML report (stats/html_report.h,
 * svg_plot.h): number labels and escaping, the rates drawn from a series of
 * cumulative counters, the checks that name a bad key, grouping of seeds,
 * and byte-identical pages for the same inputs.
 */
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

#include "stats/html_report.h"
#include "stats/svg_plot.h"

static void test_fmt_num(void **state)
{
	char b[32];
	(void)state;
	fmt_num(b, sizeof(b), 0);
	assert_string_equal(b, "0");
	fmt_num(b, sizeof(b), 1e-17);
	assert_string_equal(b, "0");
	fmt_num(b, sizeof(b), 0.25);
	assert_string_equal(b, "0.25");
	fmt_num(b, sizeof(b), 1500);
	assert_string_equal(b, "1500");
	fmt_num(b, sizeof(b), 15000);
	assert_string_equal(b, "15k");
	fmt_num(b, sizeof(b), 2.5e6);
	assert_string_equal(b, "2.5M");
	fmt_num(b, sizeof(b), 3e9);
	assert_string_equal(b, "3G");
}

static void test_escape(void **state)
{
	struct sbuf b = { 0 };
	(void)state;
	sb_escape(&b, "<a href=\"x\"> & 'y'");
	assert_string_equal(b.s, "&lt;a href=&quot;x&quot;&gt; &amp; &#39;y&#39;");
	sb_printf(&b, "%0300d", 7);	/* past the small buffer: the long path */
	assert_int_equal(b.len, strlen("&lt;a href=&quot;x&quot;&gt; &amp; &#39;y&#39;") + 300);
	assert_false(b.oom);
	sb_free(&b);
}

/* A result with two nodes and three samples: numa_hint_faults 0, 100, 300
 * at 0, 1 and 2 s, so its rate is 100/s, then 200/s. */
static const char small_result[] =
	"{ \"elapsed_s\": 2.0, \"config\": { \"machine\": \"m\", \"workload\": \"w\", \"seed\": 1,"
	"  \"tunables\": { \"numasim.sample_ms\": \"1000\" } },"
	"  \"vmstat\": { \"numa_hint_faults\": 300 },"
	"  \"nodes\": [ { \"kind\": \"dram\", \"total_pages\": 1000, \"watermark_min_pages\": 1,"
	"    \"watermark_low_pages\": 2, \"watermark_high_pages\": 3, \"watermark_promo_pages\": 4 },"
	"    { \"kind\": \"cxl\", \"total_pages\": 1000 } ],"
	"  \"processes\": [ { \"resident_pages\": [ 256, 512 ] } ],"
	"  \"timeseries\": ["
	"    { \"t_s\": 0, \"node_used_pages\": [ 0, 0 ], \"process_resident_pages\": [ [ 0, 0 ] ],"
	"      \"task_node\": \"0\", \"vmstat\": { \"numa_hint_faults\": 0 } },"
	"    { \"t_s\": 1, \"node_used_pages\": [ 256, 0 ], \"process_resident_pages\": [ [ 256, 0 ] ],"
	"      \"task_node\": \"01\", \"vmstat\": { \"numa_hint_faults\": 100 } },"
	"    { \"t_s\": 2, \"node_used_pages\": [ 256, 512 ], \"process_resident_pages\": [ [ 256, 512 ] ],"
	"      \"task_node\": \"--\", \"vmstat\": { \"numa_hint_faults\": 300 } } ] }";

static char *render(const struct html_input *in, size_t n)
{
	char *text = NULL, err[256] = "";
	size_t len;
	if (html_report_render(in, n, &text, &len, err, sizeof(err)))
		fail_msg("html_report_render: %s", err);
	assert_int_equal(strlen(text), len);
	return text;
}

static void test_rates_and_sections(void **state)
{
	(void)state;
	json_object *r = json_tokener_parse(small_result);
	assert_non_null(r);
	struct html_input in = { .name = "run", .res = r };
	char *a = render(&in, 1), *b = render(&in, 1);
	assert_string_equal(a, b);	/* the same bytes every time */
	/* the hint-fault chart's y axis ends at the largest rate, 200/s */
	char *chart = strstr(a, "<title>NUMA hinting faults</title>");
	assert_non_null(chart);
	char *svg = a;
	for (char *p = a; (p = strstr(p, "<svg ")) && p < chart; p++)
		svg = p;
	assert_non_null(strstr(svg, "data-y1=\"200\""));
	assert_true(strstr(svg, "data-y1=\"200\"") < chart);
	/* a cxl node: the tiering section with node 0's watermarks */
	assert_non_null(strstr(a, "<section id=\"tiering\">"));
	assert_non_null(strstr(a, "<title>high watermark</title>"));
	assert_non_null(strstr(a, "Resident memory of process 0 by node"));
	assert_non_null(strstr(a, "class=\"series strip\""));
	assert_null(strstr(a, "<section id=\"migrc\">"));
	free(a);
	free(b);
	json_object_put(r);
}

/* Replace the first @from in @text by @to, parse, check: the message. */
static const char *check_bad(const char *from, const char *to)
{
	static char err[256];
	char buf[sizeof(small_result) + 64];
	const char *at = strstr(small_result, from);
	assert_non_null(at);
	snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - small_result), small_result, to,
		 at + strlen(from));
	json_object *r = json_tokener_parse(buf);
	assert_non_null(r);
	err[0] = 0;
	assert_int_equal(html_report_check(r, err, sizeof(err)), -1);
	json_object_put(r);
	return err;
}

static void test_bad_keys(void **state)
{
	(void)state;
	assert_string_equal(check_bad("\"t_s\": 1", "\"t_s\": \"one\""),
			    "key 'timeseries[1].t_s': expected a finite non-negative number");
	assert_string_equal(check_bad("\"t_s\": 2", "\"t_s\": 0.5"),
			    "key 'timeseries[2].t_s': earlier than the sample before it");
	assert_string_equal(check_bad("\"task_node\": \"01\"", "\"task_node\": \"02\""),
			    "key 'timeseries[1].task_node': expected a node number (hex digit) or '-' "
			    "per task");
	assert_string_equal(check_bad("\"node_used_pages\": [ 256, 0 ]", "\"node_used_pages\": [ 256 ]"),
			    "key 'timeseries[1].node_used_pages': expected an array of one count per node");
	assert_string_equal(check_bad("\"watermark_low_pages\": 2", "\"watermark_low_pages\": -2"),
			    "key 'nodes[0].watermark_low_pages': expected a non-negative integer");
	assert_string_equal(check_bad("\"numa_hint_faults\": 100", "\"numa_hint_faults\": 1.5"),
			    "key 'timeseries[1].vmstat.numa_hint_faults': expected a non-negative integer");
	assert_string_equal(check_bad("\"numasim.sample_ms\": \"1000\"", "\"numasim.sample_ms\": 1000"),
			    "key 'config.tunables.numasim.sample_ms': expected a string");
	assert_string_equal(check_bad("\"elapsed_s\": 2.0,", ""), "missing key 'elapsed_s'");
}

static void test_seeds(void **state)
{
	char err[256] = "", *text;
	size_t len;
	(void)state;
	json_object *r1 = json_tokener_parse(small_result);
	json_object *r2 = json_tokener_parse(small_result);
	struct html_input in[2] = { { "v", "a.json", r1 }, { "v", "b.json", r2 } };
	/* one variant, the same seed twice: refused, naming both files */
	assert_int_equal(html_report_render(in, 2, &text, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "variant 'v': 'a.json' and 'b.json' both have seed 1 (name one: "
			    "NAME=FILE)");
	/* seeds 1 and 2 of one variant: the elapsed range and its error bar */
	json_object_object_add(json_object_object_get(r2, "config"), "seed", json_object_new_int(2));
	json_object_object_add(r2, "elapsed_s", json_object_new_double(3.0));
	text = render(in, 2);
	assert_non_null(strstr(text, "<td>2.000 [2.000&ndash;3.000]</td>"));
	assert_non_null(strstr(text, "class=\"errorbar\""));
	assert_non_null(strstr(text, "<td>2 (1..2)</td>"));
	free(text);
	/* two variants: overlaid, one column each */
	in[1].name = "w";
	text = render(in, 2);
	assert_non_null(strstr(text, "<h1>numasim comparison</h1>"));
	assert_non_null(strstr(text, "<title>w</title></path>"));
	assert_non_null(strstr(text, "(+50.0%)"));
	free(text);
	json_object_put(r1);
	json_object_put(r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_num),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_rates_and_sections),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_seeds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
