/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/native/monitor.h - the numasim-native monitor's state, shared by
 * main.c (options, setup, running), sample.c (the sampler thread) and
 * report.c (the JSON result and the text summary).
 */
#ifndef NUMASIM_NATIVE_MONITOR_H
#define NUMASIM_NATIVE_MONITOR_H

#include <stdio.h>

#include "knobs.h"
#include "native.h"
#include "stats/vmstat.h"
#include "workload/workload.h"

struct opts {
	const char *workload, *json, *machine_xml, *calibrate;
	const char **sets;		/* --set KEY=VALUE, in order */
	uint32_t nr_sets;
	double scale;
	uint64_t seed;
	uint32_t interval_ms;
	bool quiet, ops_test;
};

/* One sample of the time series. */
struct sample {
	uint64_t t_ns;
	uint32_t nr_procs;
	uint64_t node_used[MAX_NUMNODES];
	uint64_t *proc_pages;		/* [nr_procs * MAX_NUMNODES] */
	uint64_t *proc_tasks;		/* runnable threads by node of their CPU */
	int64_t *pref_nid, *scan_seq;	/* [nr_procs]; INT64_MIN: not known */
	int64_t vm[NR_VM_EVENT_ITEMS];
	bool have_vm[NR_VM_EVENT_ITEMS];
};

struct monitor {
	struct opts o;
	struct workload wl;
	struct machine m;
	struct nat_host h;
	struct nat_shared *sh;
	size_t sh_size;
	struct nat_counters vm0, vm1, numa0[MAX_NUMNODES], numa1[MAX_NUMNODES];
	struct nat_counters mthp0[PMD_ORDER + 1], mthp1[PMD_ORDER + 1];
	struct sample *ts;
	uint32_t nr_ts, cap_ts;
	uint64_t elapsed_ns;
	uint64_t need_bytes, avail_bytes;
	pthread_t sampler;
	_Atomic int stop;
	char kernel[256];
	struct knob_req *knobs;		/* --set, applied */
	uint32_t nr_knobs;
};

/* Counters worth a curve: those of stats/report.c's time series (sample.c) */
extern const enum vm_event_item nat_ts_counters[];
extern const size_t nat_nr_ts_counters;

/* sample.c */
void read_mthp(struct nat_counters *c);
void read_numastat(struct nat_counters *c, uint32_t nr_nodes);
void take_sample(struct monitor *mo);
void kill_workload(struct nat_shared *sh);
void *sampler_main(void *arg);

/* report.c */
struct json_object *result_json(const struct monitor *mo);
void summary(const struct monitor *mo, FILE *out);

#endif
