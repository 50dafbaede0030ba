// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_trace_text.c - libFuzzer target: arbitrary bytes as a text trace
 * (valgrind lackey, perf script, and auto-detected) for wl_trace_parse_text().
 *
 * Beyond "no crash, no leak, no sanitizer report": a rejected input always
 * gets a message naming the file and line; an accepted one decodes cleanly
 * (every record in a region of its process, the counts as the tables say),
 * and survives the binary round trip (serialize, then read back) unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct wl_trace *t)
{
	char err[512] = "";
	size_t len;
	void *buf = wl_trace_serialize(t, &len);

	if (!buf)
		abort();
	struct wl_trace *b = wl_trace_from_buffer(buf, len, "rt", err, sizeof(err));
	if (!b || wl_trace_check(b, err, sizeof(err)) || b->nr_streams != t->nr_streams ||
	    b->nr_regions != t->nr_regions)
		abort();
	for (uint32_t i = 0; i < t->nr_streams; i++)
		if (b->streams[i].len != t->streams[i].len ||
		    memcmp(b->streams[i].data, t->streams[i].data, t->streams[i].len))
			abort();
	wl_trace_free(b);
	free(buf);
}

static void parse(const uint8_t *data, size_t size, enum wl_trace_format fmt, uint64_t gap)
{
	struct wl_trace_opts o = { .format = fmt, .gap = gap };
	char err[512] = "";
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		abort();
	struct wl_trace *t = wl_trace_parse_text(f, "in", &o, err, sizeof(err));
	fclose(f);
	if (!t) {
		if (strncmp(err, "in:", 3))	/* "in:LINE: ..." or "in: ..." */
			abort();
		return;
	}
	if (wl_trace_check(t, err, sizeof(err)))
		abort();
	roundtrip(t);
	wl_trace_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;	/* fmemopen() of nothing: nothing to parse */
	parse(data, size, WL_TFMT_AUTO, 0);
	parse(data, size, WL_TFMT_LACKEY, 4096);
	parse(data, size, WL_TFMT_PERF, 1ull << 30);
	return 0;
}
