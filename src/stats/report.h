/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/report.h - what users see: the JSON result and the text summary.
 * Reports read counters and snapshots only, never change model state.
 */
#ifndef NUMASIM_STATS_REPORT_H
#define NUMASIM_STATS_REPORT_H

#include <stdio.h>

#include "core/compiler.h"

struct sim;
struct json_object;

struct run_info {
	const char *machine_arg;	/* as given to --machine */
	double scale;
	double host_s;
};

/* The result's keys that readers look up (result_keys.def): RKEY(ELAPSED_S) is "elapsed_s". */
enum result_key_type { RK_number, RK_count, RK_string, RK_boolean, RK_object, RK_array };
enum result_key {
#define RESULT_KEY(id, key, type, meaning) RK_##id,
#include "stats/result_keys.def"
#undef RESULT_KEY
	NR_RESULT_KEYS
};
struct result_key_desc {
	const char *key;
	enum result_key_type type;
	const char *meaning;
};
extern const struct result_key_desc result_keys[NR_RESULT_KEYS];
#define RKEY(id) (result_keys[RK_##id].key)

#define NUMASIM_VERSION "0.1.0"
#define KERNEL_MODEL "Linux 6.10+ (mm, sched/numa as of the linux-mm tree 2025)"

/* Build the full result (caller puts it with json_object_put). */
struct json_object *report_json(const struct sim *s, const struct run_info *ri);
/* Write it to @path; 0 or -1 with errno. */
int report_json_write(const struct sim *s, const struct run_info *ri, const char *path);
void report_text(const struct sim *s, const struct run_info *ri, FILE *out);

#endif
