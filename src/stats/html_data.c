// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats/html_data.c - unpack a JSON result for the HTML report
 * (html_data.h). Every key read is checked for its type; a key the report
 * can do without may be absent (older results, numasim-native's, a kernel
 * run of numasim validate), and its chart is left out. A present key of the
 * wrong type or size is an error naming its path.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "stats/html_data.h"
#include "stats/json_get.h"
#include "stats/report.h"
#include "stats/vmstat.h"

const int hr_ctr_event[NR_HR_CTR] = {
	[HC_PTE_UPDATES] = NUMA_PTE_UPDATES, [HC_HINT] = NUMA_HINT_FAULTS,
	[HC_HINT_LOCAL] = NUMA_HINT_FAULTS_LOCAL, [HC_PAGES_MIGRATED] = NUMA_PAGE_MIGRATE,
	[HC_PGMIGRATE] = PGMIGRATE_SUCCESS, [HC_PROMOTE] = PGPROMOTE_SUCCESS,
	[HC_DEMOTE_KSWAPD] = PGDEMOTE_KSWAPD, [HC_DEMOTE_DIRECT] = PGDEMOTE_DIRECT,
	[HC_TLB_REMOTE] = NR_TLB_REMOTE_FLUSH,
};

static bool is_count(json_object *v)
{
	return json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0;
}

/* Length of array @a; 0 for anything else (json-c asserts on a non-array). */
static size_t arr_len(json_object *a)
{
	return json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* "key 'PATH': message", PATH formatted from @pfmt. */
static int bad(char *err, size_t errlen, const char *msg, const char *pfmt, ...) sim_printf(4, 5);
static int bad(char *err, size_t errlen, const char *msg, const char *pfmt, ...)
{
	char path[192];
	va_list ap;
	va_start(ap, pfmt);
	vsnprintf(path, sizeof(path), pfmt, ap);
	va_end(ap);
	return errorf_at(err, errlen, NULL, 0, path, "%s", msg);
}

static void *alloc_nan(size_t n)
{
	double *a = malloc((n ? n : 1) * sizeof(double));
	for (size_t i = 0; a && i < n; i++)
		a[i] = NAN;
	return a;
}

/* Exactly @n counts in array @a into @out. */
static bool counts(json_object *a, size_t n, double *out)
{
	if (!json_object_is_type(a, json_type_array) || arr_len(a) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		if (!is_count(v))
			return false;
		out[i] = (double)json_object_get_uint64(v);
	}
	return true;
}

/* The optional string @key of @o into *@out; false if present but not a string. */
static bool opt_string(json_object *o, const char *key, const char **out)
{
	json_object *v = jget(o, key);
	*out = NULL;
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	*out = json_object_get_string(v);
	return true;
}

static bool opt_bool(json_object *o, const char *key, bool *out)
{
	json_object *v = jget(o, key);
	*out = false;
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_boolean))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

static int load_config(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	json_object *c = jget(res, RKEY(CONFIG)), *v;
	if (!c)
		return 0;
	if (!json_object_is_type(c, json_type_object))
		return bad(err, errlen, "expected an object", "%s", RKEY(CONFIG));
	if (!opt_string(c, RKEY(CONFIG_MACHINE), &r->machine))
		return bad(err, errlen, "expected a string", "config.%s", RKEY(CONFIG_MACHINE));
	if (!opt_string(c, RKEY(CONFIG_WORKLOAD), &r->workload))
		return bad(err, errlen, "expected a string", "config.%s", RKEY(CONFIG_WORKLOAD));
	if ((v = jget(c, RKEY(CONFIG_SCALE)))) {
		if (!jis_number(v))
			return bad(err, errlen, "expected a finite number", "config.%s", RKEY(CONFIG_SCALE));
		r->scale = json_object_get_double(v);
		r->have_scale = true;
	}
	if ((v = jget(c, RKEY(CONFIG_SEED)))) {
		if (!is_count(v))
			return bad(err, errlen, "expected a non-negative integer", "config.%s",
				   RKEY(CONFIG_SEED));
		r->seed = json_object_get_uint64(v);
		r->have_seed = true;
	}
	if ((v = jget(c, RKEY(CONFIG_TUNABLES)))) {
		if (!json_object_is_type(v, json_type_object))
			return bad(err, errlen, "expected an object", "config.%s", RKEY(CONFIG_TUNABLES));
		json_object_object_foreach(v, key, val)
			if (!json_object_is_type(val, json_type_string))
				return bad(err, errlen, "expected a string", "config.%s.%s",
					   RKEY(CONFIG_TUNABLES), key);
		r->tunables = v;
	}
	return 0;
}

static int load_top(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	json_object *v = jget(res, RKEY(ELAPSED_S));
	if (!v)
		return errorf(err, errlen, "missing key '%s'", RKEY(ELAPSED_S));
	if (!jis_number(v) || json_object_get_double(v) < 0)
		return bad(err, errlen, "expected a finite non-negative number", "%s", RKEY(ELAPSED_S));
	r->elapsed_s = json_object_get_double(v);
	if (!opt_bool(res, RKEY(TRUNCATED), &r->truncated))
		return bad(err, errlen, "expected true or false", "%s", RKEY(TRUNCATED));
	if (!opt_bool(res, "failed", &r->failed))
		return bad(err, errlen, "expected true or false", "failed");
	if (!opt_bool(res, "interrupted", &r->interrupted))
		return bad(err, errlen, "expected true or false", "interrupted");
	if (!opt_string(res, "error", &r->error))
		return bad(err, errlen, "expected a string", "error");
	json_object *w = jget(res, "workload");
	if ((v = jget(w, "accesses_per_s"))) {
		if (!jis_number(v))
			return bad(err, errlen, "expected a finite number", "workload.accesses_per_s");
		r->accesses_per_s = json_object_get_double(v);
		r->have_aps = true;
	}
	json_object *nat = jget(res, RKEY(NATIVE));
	if (nat && !opt_string(nat, RKEY(NATIVE_KERNEL), &r->native_kernel))
		return bad(err, errlen, "expected a string", "native.%s", RKEY(NATIVE_KERNEL));
	r->vmstat = jget(res, RKEY(VMSTAT));
	if (!json_object_is_type(r->vmstat, json_type_object))
		return r->vmstat ? bad(err, errlen, "expected an object", "%s", RKEY(VMSTAT))
				 : errorf(err, errlen, "missing key '%s'", RKEY(VMSTAT));
	json_object_object_foreach(r->vmstat, key, val)
		if (!is_count(val))
			return bad(err, errlen, "expected a non-negative integer", "vmstat.%s", key);
	return 0;
}

static int load_oracle_migrc(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	json_object *o = jget(res, RKEY(ORACLE)), *v;
	if (o) {
		const struct { const char *key; uint64_t *out; } k[] = {
			{ "stale_accesses", &r->stale_accesses },
			{ RKEY(ORACLE_STALE_READS), &r->stale_reads },
			{ RKEY(ORACLE_LOST_WRITES), &r->lost_writes },
		};
		for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
			v = jget(o, k[i].key);
			if (v && !is_count(v))
				return bad(err, errlen, "expected a non-negative integer", "oracle.%s",
					   k[i].key);
			*k[i].out = v ? json_object_get_uint64(v) : 0;
		}
		r->have_oracle = true;
	}
	if ((v = jget(jget(res, RKEY(MIGRC)), RKEY(MIGRC_PEAK_PENDING_PAGES)))) {
		if (!is_count(v))
			return bad(err, errlen, "expected a non-negative integer", "migrc.%s",
				   RKEY(MIGRC_PEAK_PENDING_PAGES));
		r->peak_pending = json_object_get_uint64(v);
		r->have_peak_pending = true;
	}
	return 0;
}

/* "nodes": the node count, kinds, sizes and watermarks. Without it the
 * node count is the length of the processes' resident_pages. */
static int load_nodes(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	static const enum result_key wk[NR_HW] = {
		RK_NODE_WMARK_MIN, RK_NODE_WMARK_LOW, RK_NODE_WMARK_HIGH, RK_NODE_WMARK_PROMO,
	};
	json_object *nodes = jget(res, RKEY(NODES));
	if (!nodes)
		return 0;
	size_t n = arr_len(nodes);
	if (n < 1 || n > MAX_NUMNODES)
		return bad(err, errlen, "expected an array of 1 to 16 nodes", "%s", RKEY(NODES));
	r->nr_nodes = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(nodes, i), *v;
		struct hr_node *nd = &r->node[i];
		if (!json_object_is_type(o, json_type_object))
			return bad(err, errlen, "expected an object", "nodes[%zu]", i);
		if (!opt_string(o, RKEY(NODE_KIND), &nd->kind))
			return bad(err, errlen, "expected a string", "nodes[%zu].%s", i, RKEY(NODE_KIND));
		if ((v = jget(o, RKEY(NODE_TOTAL_PAGES))) && !is_count(v))
			return bad(err, errlen, "expected a non-negative integer", "nodes[%zu].%s", i,
				   RKEY(NODE_TOTAL_PAGES));
		nd->total_pages = v ? (double)json_object_get_uint64(v) : NAN;
		nd->have_wmark = true;
		for (int w = 0; w < NR_HW; w++) {
			v = jget(o, result_keys[wk[w]].key);
			if (v && !is_count(v))
				return bad(err, errlen, "expected a non-negative integer", "nodes[%zu].%s",
					   i, result_keys[wk[w]].key);
			nd->have_wmark &= v != NULL;
			nd->wmark[w] = v ? (double)json_object_get_uint64(v) : NAN;
		}
	}
	return 0;
}

static int load_processes(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	json_object *procs = jget(res, RKEY(PROCESSES));
	if (!json_object_is_type(procs, json_type_array))
		return procs ? bad(err, errlen, "expected an array", "%s", RKEY(PROCESSES))
			     : errorf(err, errlen, "missing key '%s'", RKEY(PROCESSES));
	size_t np = arr_len(procs);
	if (!r->nr_nodes) {
		json_object *p0 = np ? json_object_array_get_idx(procs, 0) : NULL;
		json_object *rp = jget(p0, RKEY(PROC_RESIDENT_PAGES));
		size_t n = arr_len(rp);
		r->nr_nodes = (uint32_t)(n >= 1 && n <= MAX_NUMNODES ? n : 1);
	}
	r->nr_procs = (uint32_t)np;
	r->final_res = alloc_nan(np * r->nr_nodes);
	if (!r->final_res)
		return errorf(err, errlen, "out of host memory");
	for (size_t p = 0; p < np; p++)
		if (!counts(jget(json_object_array_get_idx(procs, p), RKEY(PROC_RESIDENT_PAGES)),
			    r->nr_nodes, &r->final_res[p * r->nr_nodes]))
			return bad(err, errlen, r->nr_nodes == 1 ? "expected an array of 1 count (one per node)"
				   : "expected an array of one count per node", "processes[%zu].%s", p,
				   RKEY(PROC_RESIDENT_PAGES));
	return 0;
}

/* An optional per-node array of sample @k into @out (nr_nodes wide). */
static int sample_nodes(const struct hr_run *r, json_object *x, size_t k, enum result_key id,
			double *out, bool *have, char *err, size_t errlen)
{
	json_object *a = jget(x, result_keys[id].key);
	if (!a)
		return 0;
	if (!counts(a, r->nr_nodes, out))
		return bad(err, errlen, "expected an array of one count per node", "timeseries[%zu].%s",
			   k, result_keys[id].key);
	*have = true;
	return 0;
}

static int sample_res(struct hr_run *r, json_object *x, size_t k, char *err, size_t errlen)
{
	json_object *a = jget(x, RKEY(TS_PROCESS_RESIDENT_PAGES));
	if (!a)
		return 0;
	size_t np = arr_len(a);
	if (!json_object_is_type(a, json_type_array) || np > r->nr_procs)
		return bad(err, errlen, "expected an array of at most one entry per process",
			   "timeseries[%zu].%s", k, RKEY(TS_PROCESS_RESIDENT_PAGES));
	for (size_t p = 0; p < r->nr_procs; p++) {
		double *out = &r->res[(k * r->nr_procs + p) * r->nr_nodes];
		if (p >= np) {	/* not forked yet */
			for (uint32_t n = 0; n < r->nr_nodes; n++)
				out[n] = 0;
			continue;
		}
		if (!counts(json_object_array_get_idx(a, p), r->nr_nodes, out))
			return bad(err, errlen, "expected an array of one count per node",
				   "timeseries[%zu].%s[%zu]", k, RKEY(TS_PROCESS_RESIDENT_PAGES), p);
	}
	r->have_res = true;
	return 0;
}

static int sample_tasks(struct hr_run *r, json_object *x, size_t k, char *err, size_t errlen)
{
	json_object *v = jget(x, RKEY(TS_TASK_NODE));
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return bad(err, errlen, "expected a string", "timeseries[%zu].%s", k, RKEY(TS_TASK_NODE));
	const char *s = json_object_get_string(v);
	for (const char *c = s; *c; c++) {
		int node = *c >= '0' && *c <= '9' ? *c - '0' : *c >= 'a' && *c <= 'f' ? *c - 'a' + 10 : -1;
		if (*c != '-' && (node < 0 || (uint32_t)node >= r->nr_nodes))
			return bad(err, errlen, "expected a node number (hex digit) or '-' per task",
				   "timeseries[%zu].%s", k, RKEY(TS_TASK_NODE));
	}
	r->task_node[k] = s;
	r->have_task_node = true;
	size_t len = strlen(s);
	if (len > r->max_tasks)
		r->max_tasks = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
	return 0;
}

static int sample_counters(struct hr_run *r, json_object *x, size_t k, char *err, size_t errlen)
{
	json_object *vm = jget(x, RKEY(TS_VMSTAT));
	if (!vm)
		return 0;
	if (!json_object_is_type(vm, json_type_object))
		return bad(err, errlen, "expected an object", "timeseries[%zu].%s", k, RKEY(TS_VMSTAT));
	for (int c = 0; c < NR_HR_CTR; c++) {
		const char *name = vm_event_text[hr_ctr_event[c]];
		json_object *v = jget(vm, name);
		if (v && !is_count(v))
			return bad(err, errlen, "expected a non-negative integer", "timeseries[%zu].%s.%s",
				   k, RKEY(TS_VMSTAT), name);
		if (v)
			r->ctr[k * NR_HR_CTR + (size_t)c] = (double)json_object_get_uint64(v);
	}
	return 0;
}

static int load_sample(struct hr_run *r, json_object *x, size_t k, char *err, size_t errlen)
{
	if (!json_object_is_type(x, json_type_object))
		return bad(err, errlen, "expected an object", "timeseries[%zu]", k);
	json_object *t = jget(x, RKEY(TS_T_S));
	if (!t)
		return errorf(err, errlen, "missing key 'timeseries[%zu].%s'", k, RKEY(TS_T_S));
	if (!jis_number(t) || json_object_get_double(t) < 0)
		return bad(err, errlen, "expected a finite non-negative number", "timeseries[%zu].%s", k,
			   RKEY(TS_T_S));
	r->t[k] = json_object_get_double(t);
	if (k && r->t[k] < r->t[k - 1])
		return bad(err, errlen, "earlier than the sample before it", "timeseries[%zu].%s", k,
			   RKEY(TS_T_S));
	size_t nn = r->nr_nodes;
	if (sample_nodes(r, x, k, RK_TS_NODE_USED_PAGES, &r->used[k * nn], &r->have_used, err, errlen) ||
	    sample_nodes(r, x, k, RK_TS_HOT_THRESHOLD_MS, &r->hot_ms[k * nn], &r->have_hot, err,
			 errlen) ||
	    sample_nodes(r, x, k, RK_TS_MIGRC_PENDING_PAGES, &r->pending[k * nn], &r->have_pending,
			 err, errlen))
		return -1;
	return sample_res(r, x, k, err, errlen) || sample_tasks(r, x, k, err, errlen) ||
	       sample_counters(r, x, k, err, errlen) ? -1 : 0;
}

static int load_timeseries(struct hr_run *r, json_object *res, char *err, size_t errlen)
{
	json_object *ts = jget(res, RKEY(TIMESERIES));
	if (!ts)
		return 0;
	if (!json_object_is_type(ts, json_type_array))
		return bad(err, errlen, "expected an array", "%s", RKEY(TIMESERIES));
	size_t n = arr_len(ts), nn = r->nr_nodes;
	r->nr_ts = (uint32_t)n;
	r->t = alloc_nan(n);
	r->used = alloc_nan(n * nn);
	r->hot_ms = alloc_nan(n * nn);
	r->pending = alloc_nan(n * nn);
	r->res = alloc_nan(n * r->nr_procs * nn);
	r->ctr = alloc_nan(n * NR_HR_CTR);
	r->task_node = calloc(n ? n : 1, sizeof(*r->task_node));
	if (!r->t || !r->used || !r->hot_ms || !r->pending || !r->res || !r->ctr || !r->task_node)
		return errorf(err, errlen, "out of host memory");
	for (size_t k = 0; k < n; k++)
		if (load_sample(r, json_object_array_get_idx(ts, k), k, err, errlen))
			return -1;
	return 0;
}

int hr_run_load(struct hr_run *r, const struct html_input *in, char *err, size_t errlen)
{
	*r = (struct hr_run){ .in = in };
	json_object *res = in->res;
	if (!json_object_is_type(res, json_type_object))
		return errorf(err, errlen, "not a numasim result (expected a JSON object)");
	if (load_top(r, res, err, errlen) || load_config(r, res, err, errlen) ||
	    load_oracle_migrc(r, res, err, errlen) || load_nodes(r, res, err, errlen) ||
	    load_processes(r, res, err, errlen) || load_timeseries(r, res, err, errlen)) {
		hr_run_free(r);
		return -1;
	}
	return 0;
}

void hr_run_free(struct hr_run *r)
{
	free(r->final_res);
	free(r->t);
	free(r->used);
	free(r->hot_ms);
	free(r->pending);
	free(r->res);
	free(r->ctr);
	free(r->task_node);
	*r = (struct hr_run){ 0 };
}

bool hr_counter(const struct hr_run *r, const char *name, double *v)
{
	json_object *o = jget(r->vmstat, name);
	if (!o)
		return false;
	*v = (double)json_object_get_uint64(o);
	return true;
}
