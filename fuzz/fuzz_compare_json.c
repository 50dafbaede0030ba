// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_compare_json.c - libFuzzer target: arbitrary bytes as a result
 * file of `numasim compare --from-json` (cli_parse_json() then
 * cli_check_result(), cli/compare.c).
 *
 * Beyond "no crash, no leak, no sanitizer report": a rejection always says
 * why; an elapsed_s that is not a finite, non-negative, bounded number is
 * always rejected naming the key; and an accepted file holds only what the
 * table may read without further checks (counts are integers in
 * [0, INT64_MAX], resident_pages arrays of at most MAX_NUMNODES counts).
 */
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "stats/vmstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static bool count_ok(json_object *v)
{
	return json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0 &&
	       json_object_get_uint64(v) <= INT64_MAX;
}

/* What an accepted result must satisfy, checked independently of compare.c. */
static void check_accepted(json_object *r)
{
	json_object *e = get(r, "elapsed_s");
	if (!e || !(json_object_is_type(e, json_type_int) || json_object_is_type(e, json_type_double)))
		abort();
	double d = json_object_get_double(e);
	if (!isfinite(d) || d < 0 || d > 2e10)
		abort();
	json_object *vm = get(r, "vmstat");
	if (!json_object_is_type(vm, json_type_object))
		abort();
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		json_object *v = get(vm, vm_event_text[i]);
		if (v && !count_ok(v))
			abort();
	}
	json_object *procs = get(r, "processes");
	if (!json_object_is_type(procs, json_type_array))
		abort();
	for (size_t p = 0; p < json_object_array_length(procs); p++) {
		json_object *rp = get(json_object_array_get_idx(procs, p), "resident_pages");
		if (!json_object_is_type(rp, json_type_array) ||
		    json_object_array_length(rp) > MAX_NUMNODES)
			abort();
		for (size_t n = 0; n < json_object_array_length(rp); n++)
			if (!count_ok(json_object_array_get_idx(rp, n)))
				abort();
	}
	json_object *o = get(r, "oracle");
	if (o && (!count_ok(get(o, "stale_reads")) || !count_ok(get(o, "lost_writes"))))
		abort();
}

/* Is elapsed_s present but not a number of seconds compare may print? */
static bool bad_elapsed(json_object *r)
{
	json_object *e = get(r, "elapsed_s");
	if (!e || !get(r, "vmstat") || !get(r, "processes"))
		return false;	/* another message ("missing key") comes first */
	if (!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double))
		return true;
	double d = json_object_get_double(e);
	return !isfinite(d) || d < 0 || d > 2e10;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	memset(err, 'x', sizeof(err));
	json_object *r = cli_parse_json((const char *)data, size, err, sizeof(err));
	if (!r) {
		if (!memchr(err, 0, sizeof(err)) || strncmp(err, "not JSON", 8))
			abort();
		return 0;
	}
	memset(err, 'x', sizeof(err));
	if (cli_check_result(r, err, sizeof(err))) {
		if (!memchr(err, 0, sizeof(err)) || !err[0])
			abort();
		if (bad_elapsed(r) && !strstr(err, "'elapsed_s'"))
			abort();
	} else {
		if (bad_elapsed(r))
			abort();
		check_accepted(r);
	}
	json_object_put(r);
	return 0;
}
