/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/html_data.h - what the HTML report reads from one JSON result,
 * checked and unpacked into arrays (html_data.c), so that drawing
 * (html_report.c) never meets a missing or mistyped key.
 */
#ifndef NUMASIM_STATS_HTML_DATA_H
#define NUMASIM_STATS_HTML_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"
#include "stats/html_report.h"

/* The time series' counters the report draws, as rates. */
enum hr_ctr {
	HC_PTE_UPDATES, HC_HINT, HC_HINT_LOCAL, HC_PAGES_MIGRATED, HC_PGMIGRATE, HC_PROMOTE,
	HC_DEMOTE_KSWAPD, HC_DEMOTE_DIRECT, HC_TLB_REMOTE, NR_HR_CTR
};
extern const int hr_ctr_event[NR_HR_CTR];	/* enum vm_event_item of each */

enum { HW_MIN, HW_LOW, HW_HIGH, HW_PROMO, NR_HW };

struct hr_node {
	const char *kind;		/* "dram", "cxl"...; NULL if not recorded */
	double total_pages;
	double wmark[NR_HW];		/* pages; valid when have_wmark */
	bool have_wmark;
};

/* One result, unpacked. Strings point into the JSON, which outlives this. */
struct hr_run {
	const struct html_input *in;
	const char *machine, *workload;	/* NULL: not recorded */
	double scale;
	uint64_t seed;
	bool have_scale, have_seed;
	double elapsed_s, accesses_per_s;
	bool have_aps;
	bool truncated, failed, interrupted;
	const char *error;		/* the failure's message, or NULL */
	const char *native_kernel;	/* numasim-native: the host kernel; NULL: simulated */
	struct json_object *tunables;	/* config.tunables, or NULL */
	struct json_object *vmstat;	/* the final counters */
	bool have_oracle;
	uint64_t stale_accesses, stale_reads, lost_writes;
	bool have_peak_pending;
	uint64_t peak_pending;
	uint32_t nr_nodes, nr_procs;
	struct hr_node node[MAX_NUMNODES];
	double *final_res;		/* [proc * nr_nodes + node] resident pages at the end */

	/* the time series: nr_ts samples; NaN where a sample lacks the value */
	uint32_t nr_ts;
	double *t;			/* [k] simulated s */
	double *used;			/* [k * nr_nodes + node] pages in use */
	double *hot_ms;			/* [k * nr_nodes + node] */
	double *pending;		/* [k * nr_nodes + node] migrc/LUF */
	double *res;			/* [(k * nr_procs + proc) * nr_nodes + node] pages */
	double *ctr;			/* [k * NR_HR_CTR + c] cumulative */
	const char **task_node;		/* [k]: one character per task, or NULL */
	bool have_used, have_hot, have_pending, have_res, have_task_node;
	uint32_t max_tasks;		/* longest task_node */
};

/* Unpack @in->res into @r: 0, or -1 with "key 'PATH': ..." in @err. */
int hr_run_load(struct hr_run *r, const struct html_input *in, char *err, size_t errlen);
void hr_run_free(struct hr_run *r);

/* A final /proc/vmstat counter of @r by name: false if it has none. */
bool hr_counter(const struct hr_run *r, const char *name, double *v);

#endif
