// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/report.c - numasim-native's result: the JSON in the schema
 * of `numasim run --json` (stats/report.c; docs/native.md lists the keys)
 * and the text summary in the form of numasim run's.
 */
#include <glob.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "core/tunables.h"
#include "knobs.h"
#include "mem/folio.h"
#include "monitor.h"
#include "stats/report.h"

static json_object *jint(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *jdelta(int64_t v)
{
	return v >= 0 ? json_object_new_uint64((uint64_t)v) : json_object_new_int64(v);
}

static json_object *node_array(const uint64_t *v, uint32_t nr)
{
	json_object *a = json_object_new_array();

	for (uint32_t n = 0; n < nr; n++)
		json_object_array_add(a, jint(v[n]));
	return a;
}

/* The value of a THP "always [madvise] never" file: the bracketed word. */
static const char *bracketed(char *s)
{
	char *l = strchr(s, '['), *r = l ? strchr(l, ']') : NULL;

	if (!l || !r)
		return s;
	*r = 0;
	return l + 1;
}

static void add_tunable(json_object *tun, const char *name, char *raw)
{
	const char *v = strchr(raw, '[') ? bracketed(raw) : raw;

	if (!strcmp(v, "true"))
		v = "1";
	else if (!strcmp(v, "false"))
		v = "0";
	json_object_object_add(tun, name, json_object_new_string(v));
}

/* config.tunables (numasim's names, the host's values) and native.knobs (raw). */
static void knobs_json(json_object *tun, json_object *raw)
{
	char buf[256];

	for (size_t i = 0; i < nat_nr_knobs; i++) {
		if (read_first_line(nat_knobs[i].path, buf, sizeof(buf)))
			continue;
		json_object_object_add(raw, nat_knobs[i].path, json_object_new_string(buf));
		if (nat_knobs[i].tunable)
			add_tunable(tun, nat_knobs[i].tunable, buf);
	}
	glob_t g;
	if (glob("/sys/kernel/mm/transparent_hugepage/hugepages-*/enabled", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *p = g.gl_pathv[i];
			const char *size = strstr(p, "hugepages-");
			char name[96];
			if (!size || read_first_line(p, buf, sizeof(buf)))
				continue;
			json_object_object_add(raw, p, json_object_new_string(buf));
			snprintf(name, sizeof(name), "transparent_hugepage.%.*s.enabled",
				 (int)strcspn(size, "/"), size);
			for (int t = 0; t < NR_TUNABLES; t++)
				if (!strcmp(tunable_desc[t].name, name))
					add_tunable(tun, name, buf);
		}
		globfree(&g);
	}
	if (glob("/sys/kernel/mm/mempolicy/weighted_interleave/node*", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			if (!read_first_line(g.gl_pathv[i], buf, sizeof(buf)))
				json_object_object_add(raw, g.gl_pathv[i], json_object_new_string(buf));
		globfree(&g);
	}
}

/*
 * The host's knobs that differ from numasim's defaults, as the --set options
 * that simulate with them (those numasim accepts): an array of "KEY=VALUE".
 */
static json_object *host_set_options(void)
{
	json_object *tun = json_object_new_object(), *raw = json_object_new_object();
	json_object *a = json_object_new_array();
	struct tunables def;

	tunables_init(&def);
	knobs_json(tun, raw);
	json_object_object_foreach(tun, key, val) {
		struct tunables t = def;
		char set[160], err[256], buf[32];
		snprintf(set, sizeof(set), "%s=%s", key, json_object_get_string(val));
		if (tunable_set(&t, set, err, sizeof(err)))
			continue;
		for (int i = 0; i < NR_TUNABLES; i++)
			if (!strcmp(tunable_desc[i].name, key) &&
			    strcmp(tunable_value_str(&def, (enum tunable_id)i, buf, sizeof(buf)),
				   json_object_get_string(val)))
				json_object_array_add(a, json_object_new_string(set));
	}
	json_object_put(tun);
	json_object_put(raw);
	return a;
}

static json_object *config_json(const struct monitor *mo, json_object *raw_knobs)
{
	json_object *c = json_object_new_object();
	json_object_object_add(c, RKEY(CONFIG_MACHINE), json_object_new_string(mo->m.name));
	json_object_object_add(c, "machine_arg", json_object_new_string("host"));
	json_object_object_add(c, RKEY(CONFIG_WORKLOAD), json_object_new_string(mo->wl.desc));
	json_object_object_add(c, RKEY(CONFIG_SCALE), json_object_new_double(mo->o.scale));
	json_object_object_add(c, RKEY(CONFIG_SEED), jint(mo->o.seed));
	json_object *t = json_object_new_object();
	knobs_json(t, raw_knobs);
	json_object_object_add(c, RKEY(CONFIG_TUNABLES), t);
	return c;
}

static json_object *vmstat_json(const struct monitor *mo)
{
	json_object *v = json_object_new_object();

	for (uint32_t i = 0; i < mo->vm1.nr; i++) {
		int found;
		int64_t a = counter_get(&mo->vm0, mo->vm1.name[i], &found);
		if (found)
			json_object_object_add(v, mo->vm1.name[i], jdelta(mo->vm1.val[i] - a));
	}
	return v;
}

static json_object *mthp_json(const struct monitor *mo)
{
	json_object *m = json_object_new_object();

	for (uint32_t order = MTHP_MIN_ORDER; order <= PMD_ORDER; order++) {
		const struct nat_counters *e = &mo->mthp1[order];
		if (!e->nr)
			continue;
		char name[32];
		mthp_size_name(order, name, sizeof(name));
		json_object *o = json_object_new_object();
		for (uint32_t i = 0; i < e->nr; i++)
			json_object_object_add(o, e->name[i],
					       jdelta(e->val[i] - counter_get(&mo->mthp0[order], e->name[i], NULL)));
		json_object_object_add(m, name, o);
	}
	return m;
}

static json_object *nodes_json(const struct monitor *mo)
{
	json_object *a = json_object_new_array();

	for (uint32_t n = 0; n < mo->h.nr_nodes; n++) {
		json_object *o = json_object_new_object();
		int f1, f2;
		uint64_t total = node_meminfo_kb(n, "MemTotal", &f1) / 4;
		uint64_t free = node_meminfo_kb(n, "MemFree", &f2) / 4;
		json_object_object_add(o, "node", jint(n));
		json_object_object_add(o, "kind", json_object_new_string(
			mem_kind_name(n < mo->m.nr_nodes ? mo->m.node[n].kind : MEM_DRAM)));
		json_object_object_add(o, "cpus", jint(mo->h.node_nr_cpus[n]));
		if (f1 && f2) {
			json_object_object_add(o, "total_pages", jint(total));
			json_object_object_add(o, "free_pages", jint(free));
			json_object_object_add(o, "used_pages", jint(total - free));
		}
		json_object *ns = json_object_new_object();
		for (uint32_t i = 0; i < mo->numa1[n].nr; i++) {
			int found;
			int64_t b = counter_get(&mo->numa0[n], mo->numa1[n].name[i], &found);
			if (found)
				json_object_object_add(ns, mo->numa1[n].name[i],
						       jdelta(mo->numa1[n].val[i] - b));
		}
		json_object_object_add(o, RKEY(NODE_NUMASTAT), ns);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *task_json(const struct nat_task *t, uint32_t id)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "pid", jint(id));
	json_object_object_add(o, "tid", json_object_new_int(t->tid));
	json_object_object_add(o, "cpu", json_object_new_int(t->cpu));
	json_object_object_add(o, "node", json_object_new_int(t->node));
	json_object_object_add(o, "se.sum_exec_runtime_ms", json_object_new_double(t->sum_exec_runtime_ms));
	json_object_object_add(o, "se.nr_migrations", jint(t->nr_migrations));
	json_object_object_add(o, RKEY(TASK_EXIT_S), json_object_new_double((double)t->exit_ns / 1e9));
	if (t->have_numa) {	/* CONFIG_NUMA_BALANCING */
		json_object_object_add(o, "numa_preferred_nid", json_object_new_int64(t->numa_preferred_nid));
		json_object_object_add(o, RKEY(TASK_NUMA_SCAN_SEQ), json_object_new_int64(t->numa_scan_seq));
		json_object_object_add(o, "numa_pages_migrated", json_object_new_int64(t->numa_pages_migrated));
		json_object_object_add(o, "total_numa_faults", json_object_new_int64(t->total_numa_faults));
		json_object_object_add(o, "numa_group_id", json_object_new_int64(t->numa_group_id));
	}
	return o;
}

static uint32_t nr_procs_run(const struct monitor *mo)
{
	return MIN(atomic_load(&mo->sh->next_proc), mo->sh->max_procs);
}

/* Where the kernel put process @p's workload regions (their last mapping):
 * a region's offset from a PMD boundary decides how many THPs it can hold,
 * and before Linux 6.7 that offset is whatever earlier mappings left. */
static json_object *regions_json(struct nat_shared *sh, uint32_t p)
{
	json_object *a = json_object_new_array();
	for (uint32_t r = 0; r < sh->max_regions; r++) {
		uint64_t start = atomic_load(nat_region(sh, p, r, 0));
		uint64_t len = atomic_load(nat_region(sh, p, r, 1));
		if (!len)
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, RKEY(REGION_REGION), jint(r));
		json_object_object_add(o, RKEY(REGION_ADDR), json_object_new_uint64(start));
		json_object_object_add(o, RKEY(REGION_LEN), json_object_new_uint64(len));
		json_object_object_add(o, "pmd_offset", json_object_new_uint64(start % (2 * MiB)));
		uint64_t vs = atomic_load(&sh->regions[(uint64_t)p * sh->max_regions + r].vma_start);
		uint64_t ve = atomic_load(&sh->regions[(uint64_t)p * sh->max_regions + r].vma_end);
		if (vs && ve) {	/* the VMAs around it at exit: merged with a neighbour? */
			json_object_object_add(o, "vma_start", json_object_new_uint64(vs));
			json_object_object_add(o, "vma_end", json_object_new_uint64(ve));
			json_object_object_add(o, RKEY(REGION_THP_BYTES), json_object_new_uint64(atomic_load(
				&sh->regions[(uint64_t)p * sh->max_regions + r].thp_bytes)));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *processes_json(const struct monitor *mo)
{
	const struct nat_shared *sh = mo->sh;
	const struct sample *last = mo->nr_ts ? &mo->ts[mo->nr_ts - 1] : NULL;
	json_object *a = json_object_new_array();
	uint32_t nr_tasks = MIN(atomic_load(&sh->next_task), sh->max_tasks);

	for (uint32_t p = 0; p < nr_procs_run(mo); p++) {
		const struct nat_proc *np = &sh->procs[p];
		uint64_t zero[MAX_NUMNODES] = { 0 };
		const uint64_t *pages = np->final_valid ? np->final_pages :
					last && p < last->nr_procs ? &last->proc_pages[p * MAX_NUMNODES] : zero;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "process", jint(p));
		json_object_object_add(o, "host_pid", json_object_new_int(np->pid));
		json_object_object_add(o, RKEY(PROC_RESIDENT_PAGES), node_array(pages, mo->h.nr_nodes));
		if (np->final_valid)
			json_object_object_add(o, "mapped_pages_all",
					       node_array(np->final_all_pages, mo->h.nr_nodes));
		json_object_object_add(o, "exit_s", json_object_new_double((double)np->exit_ns / 1e9));
		json_object_object_add(o, RKEY(PROC_REGIONS), regions_json(mo->sh, p));
		json_object *tasks = json_object_new_array();
		for (uint32_t i = 0; i < nr_tasks; i++)
			if (sh->tasks[i].valid && sh->tasks[i].proc == p)
				json_object_array_add(tasks, task_json(&sh->tasks[i], i));
		json_object_object_add(o, RKEY(PROC_TASKS), tasks);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *timeseries_json(const struct monitor *mo)
{
	json_object *a = json_object_new_array();
	uint32_t nr_nodes = mo->h.nr_nodes, nr_procs = nr_procs_run(mo);

	for (uint32_t i = 0; i < mo->nr_ts; i++) {
		const struct sample *x = &mo->ts[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, RKEY(TS_T_S), json_object_new_double((double)x->t_ns / 1e9));
		json_object_object_add(o, "node_used_pages", node_array(x->node_used, nr_nodes));
		json_object *procs = json_object_new_array(), *tasks = json_object_new_array();
		json_object *pref = json_object_new_array(), *seq = json_object_new_array();
		uint64_t zero[MAX_NUMNODES] = { 0 };
		for (uint32_t p = 0; p < nr_procs; p++) {
			bool have = p < x->nr_procs && x->proc_pages;
			json_object_array_add(procs, node_array(have ? &x->proc_pages[p * MAX_NUMNODES] : zero,
								nr_nodes));
			json_object_array_add(tasks, node_array(have ? &x->proc_tasks[p * MAX_NUMNODES] : zero,
								nr_nodes));
			bool known = have && x->pref_nid[p] != INT64_MIN;
			json_object_array_add(pref, known ? json_object_new_int64(x->pref_nid[p]) : NULL);
			json_object_array_add(seq, known ? json_object_new_int64(x->scan_seq[p]) : NULL);
		}
		json_object_object_add(o, RKEY(TS_PROCESS_RESIDENT_PAGES), procs);
		json_object_object_add(o, RKEY(TS_PROCESS_RUNNABLE_TASKS), tasks);
		json_object_object_add(o, "process_numa_preferred_nid", pref);
		json_object_object_add(o, "process_numa_scan_seq", seq);
		json_object *v = json_object_new_object();
		for (size_t k = 0; k < nat_nr_ts_counters; k++)
			if (x->have_vm[nat_ts_counters[k]])
				json_object_object_add(v, vm_event_text[nat_ts_counters[k]],
						       jdelta(x->vm[nat_ts_counters[k]]));
		json_object_object_add(o, "vmstat", v);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *syscalls_json(const struct monitor *mo)
{
	const struct nat_shared *sh = mo->sh;
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < sh->nr_syscalls; i++) {
		const struct nat_syscall *r = &sh->syscalls[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "process", jint(r->proc));
		json_object_object_add(o, "task", jint(r->task));
		json_object_object_add(o, "op", json_object_new_string(wl_op_name((enum wl_op)r->op)));
		json_object_object_add(o, "t_s", json_object_new_double((double)r->t_ns / 1e9));
		/* as the simulator reports it: the kernel's return value, -errno on failure */
		int64_t ret = r->rc < 0 && r->err ? -(int64_t)r->err : r->rc;
		char rs[32];
		if (ret < 0 && strerrorname_np(r->err))
			snprintf(rs, sizeof(rs), "-%s", strerrorname_np(r->err));
		else
			snprintf(rs, sizeof(rs), "%lld", (long long)ret);
		json_object_object_add(o, "ret", json_object_new_int64(ret));
		json_object_object_add(o, "ret_str", json_object_new_string(rs));
		if (r->op == WL_MOVE_PAGES) {
			json_object_object_add(o, "pages", jint(r->nr_pages));
			json_object *st = json_object_new_object();
			char key[32];
			for (uint32_t n = 0; n < MAX_NUMNODES; n++)
				if (r->status_node[n]) {
					snprintf(key, sizeof(key), "%u", n);
					json_object_object_add(st, key, jint(r->status_node[n]));
				}
			for (int k = 0; k < NAT_NR_STATUS_ERRS; k++)
				if (r->status_err[k]) {
					const char *name = nat_status_errs[k] ? strerrorname_np(nat_status_errs[k]) : NULL;
					snprintf(key, sizeof(key), "-%s", name ? name : "other");
					json_object_object_add(st, key, jint(r->status_err[k]));
				}
			json_object_object_add(o, "status", st);
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *machine_json(const struct monitor *mo)
{
	const struct machine *m = &mo->m;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "libnuma", json_object_new_boolean(mo->h.numa));
	json_object_object_add(o, "cpus", jint(m->nr_cpus));
	json_object_object_add(o, "cores", jint(m->nr_cores));
	json_object_object_add(o, "sockets", jint(m->nr_sockets));
	json_object_object_add(o, "smt", jint(m->smt));
	json_object *nodes = json_object_new_array();
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		json_object *x = json_object_new_object();
		json_object_object_add(x, "node", jint(n));
		json_object_object_add(x, "kind", json_object_new_string(mem_kind_name(m->node[n].kind)));
		json_object_object_add(x, "mem_bytes", jint(m->node[n].mem_bytes));
		json_object_object_add(x, "cpus", jint(m->node[n].nr_cpus));
		json_object_object_add(x, "socket", jint(m->node[n].socket));
		json_object_object_add(x, "distance", node_array((const uint64_t[MAX_NUMNODES]){ 0 }, 0));
		json_object *d = json_object_object_get(x, "distance");
		for (uint32_t k = 0; k < m->nr_nodes; k++)
			json_object_array_add(d, jint(m->distance[n][k]));
		json_object_array_add(nodes, x);
	}
	json_object_object_add(o, "nodes", nodes);
	return o;
}

static double access_phase_s(const struct monitor *mo)
{
	uint64_t start = atomic_load(&mo->sh->access_start_ns);

	return start == UINT64_MAX || start > mo->elapsed_ns ? 0.0 : (double)(mo->elapsed_ns - start) / 1e9;
}

json_object *result_json(const struct monitor *mo)
{
	const struct nat_shared *sh = mo->sh;
	json_object *r = json_object_new_object(), *raw = json_object_new_object();
	double elapsed = (double)mo->elapsed_ns / 1e9, aps = access_phase_s(mo);
	uint64_t acc = atomic_load(&sh->accesses);

	json_object_object_add(r, "numasim_version", json_object_new_string(NUMASIM_VERSION));
	json_object_object_add(r, "kernel_model", json_object_new_string(mo->kernel));
	json_object_object_add(r, RKEY(ELAPSED_S), json_object_new_double(elapsed));
	json_object_object_add(r, RKEY(HOST_S), json_object_new_double(elapsed));
	json_object_object_add(r, RKEY(TRUNCATED), json_object_new_boolean(false));
	json_object_object_add(r, "failed", json_object_new_boolean(sh->failed));
	json_object_object_add(r, "error", json_object_new_string(sh->failed ? sh->error : ""));
	json_object_object_add(r, RKEY(CONFIG), config_json(mo, raw));
	json_object *w = json_object_new_object();
	json_object_object_add(w, "accesses", jint(acc));
	json_object_object_add(w, "accesses_per_s", json_object_new_double(aps > 0 ? (double)acc / aps : 0.0));
	json_object_object_add(w, "access_phase_s", json_object_new_double(aps));
	json_object_object_add(r, "workload", w);
	json_object_object_add(r, RKEY(VMSTAT), vmstat_json(mo));
	json_object_object_add(r, RKEY(MTHP), mthp_json(mo));
	json_object_object_add(r, RKEY(NODES), nodes_json(mo));
	json_object_object_add(r, RKEY(PROCESSES), processes_json(mo));
	json_object_object_add(r, RKEY(TIMESERIES), timeseries_json(mo));
	json_object_object_add(r, "syscalls", syscalls_json(mo));
	json_object *n = json_object_new_object();
	json_object_object_add(n, RKEY(NATIVE_KERNEL), json_object_new_string(mo->kernel));
	json_object_object_add(n, "interval_ms", jint(mo->o.interval_ms));
	json_object_object_add(n, "samples", jint(mo->nr_ts));
	json_object_object_add(n, "workload_bytes_bound", jint(mo->need_bytes));
	json_object_object_add(n, "mem_available_bytes", jint(mo->avail_bytes));
	json_object_object_add(n, "dropped_syscalls", jint(sh->dropped_syscalls));
	json_object_object_add(n, "machine", machine_json(mo));
	json_object_object_add(n, "knobs", raw);
	json_object_object_add(n, "set_options", host_set_options());
	json_object_object_add(n, RKEY(NATIVE_KNOBS_SET), knobs_set_json(mo->knobs, mo->nr_knobs));
	json_object_object_add(r, RKEY(NATIVE), n);
	return r;
}

/* ---- the text summary ---- */

static void print_counter(const struct monitor *mo, FILE *out, const char *name)
{
	int f0, f1;
	int64_t a = counter_get(&mo->vm0, name, &f0), b = counter_get(&mo->vm1, name, &f1);

	if (f0 && f1)
		fprintf(out, "  %-28s %14lld\n", name, (long long)(b - a));
}

void summary(const struct monitor *mo, FILE *out)
{
	const struct nat_shared *sh = mo->sh;
	double aps = access_phase_s(mo);
	uint64_t acc = atomic_load(&sh->accesses);

	fprintf(out, NATIVE_NAME " %s: %s on %s (%s; scale %g, seed %llu)\n", NUMASIM_VERSION,
		mo->wl.desc, mo->m.name, mo->kernel, mo->o.scale, (unsigned long long)mo->o.seed);
	fprintf(out, "  %-22s %10.3f s%s\n", "elapsed (wall)", (double)mo->elapsed_ns / 1e9,
		sh->failed ? " (failed)" : "");
	if (acc && aps > 0)
		fprintf(out, "  %-22s %10.4g /s  (%llu in all)\n", "accesses (64 B)", (double)acc / aps,
			(unsigned long long)acc);
	fprintf(out, "  %-22s", "memory used per node");
	for (uint32_t n = 0; n < mo->h.nr_nodes; n++) {
		int f1, f2;
		uint64_t t = node_meminfo_kb(n, "MemTotal", &f1), f = node_meminfo_kb(n, "MemFree", &f2);
		fprintf(out, "  node%u %8llu MiB", n, (unsigned long long)(f1 && f2 ? (t - f) / 1024 : 0));
	}
	fputc('\n', out);
	const struct sample *last = mo->nr_ts ? &mo->ts[mo->nr_ts - 1] : NULL;
	for (uint32_t p = 0; p < nr_procs_run(mo); p++) {
		const struct nat_proc *np = &sh->procs[p];
		fprintf(out, "  process %-2u %-11s", p, "resident");
		for (uint32_t n = 0; n < mo->h.nr_nodes; n++) {
			uint64_t v = np->final_valid ? np->final_pages[n] :
				     last && p < last->nr_procs ? last->proc_pages[p * MAX_NUMNODES + n] : 0;
			fprintf(out, "  node%u %8llu MiB", n, (unsigned long long)(v * PAGE_SIZE / MiB));
		}
		fputc('\n', out);
	}
	static const char *const names[] = { "pgfault", "thp_fault_alloc", "thp_fault_fallback",
		"numa_hit", "numa_miss", "numa_hint_faults", "numa_pages_migrated",
		"nr_tlb_remote_flush", "pgmigrate_success" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		print_counter(mo, out, names[i]);
	uint32_t errs = 0;
	for (uint32_t i = 0; i < sh->nr_syscalls; i++)
		errs += sh->syscalls[i].err != 0;
	if (sh->nr_syscalls)
		fprintf(out, "  %-28s %14u recorded, %u failed\n", "syscalls", sh->nr_syscalls, errs);
	json_object *set = host_set_options();
	if (json_object_array_length(set)) {
		fprintf(out, "  %-28s", "simulate with");
		for (size_t i = 0; i < json_object_array_length(set); i++)
			fprintf(out, " --set %s", json_object_get_string(json_object_array_get_idx(set, i)));
		fputc('\n', out);
	}
	json_object_put(set);
	if (sh->failed)
		fprintf(out, "  failed: %s\n", sh->error);
}
