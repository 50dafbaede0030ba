// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats/report.c - the JSON result and the text summary.
 * Every key list comes from the .def tables, so a counter added there shows
 * up everywhere. Object keys keep insertion order (json-c), and numbers are
 * printed the same way on every machine, so equal runs give equal bytes
 * (host_s aside).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "core/file.h"
#include "numa/policy.h"
#include "sim.h"
#include "stats/report.h"

const struct result_key_desc result_keys[NR_RESULT_KEYS] = {
#define RESULT_KEY(id, k, type, meaning) [RK_##id] = { k, RK_##type, meaning },
#include "stats/result_keys.def"
#undef RESULT_KEY
};

#define MiB_PAGES (MiB / PAGE_SIZE)
#define TEXT_MAX_SYSCALLS 16	/* lines of the text summary's syscall list */

static json_object *jint(uint64_t v)
{
	return json_object_new_uint64(v);
}

static json_object *config_json(const struct sim *s, const struct run_info *ri)
{
	json_object *c = json_object_new_object();
	json_object_object_add(c, RKEY(CONFIG_MACHINE), json_object_new_string(s->m.name));
	json_object_object_add(c, "machine_arg", json_object_new_string(ri->machine_arg));
	json_object_object_add(c, RKEY(CONFIG_WORKLOAD), json_object_new_string(s->wl->desc));
	json_object_object_add(c, RKEY(CONFIG_SCALE), json_object_new_double(ri->scale));
	json_object_object_add(c, RKEY(CONFIG_SEED), jint(s->seed));
	json_object *t = json_object_new_object();
	for (int i = 0; i < NR_TUNABLES; i++) {
		char buf[32];
		const char *v = tunable_value_str(&s->tun, (enum tunable_id)i, buf, sizeof(buf));
		json_object_object_add(t, tunable_desc[i].name, json_object_new_string(v));
	}
	json_object_object_add(c, RKEY(CONFIG_TUNABLES), t);
	return c;
}

/* Work done, as benchmarks report it: 64-byte accesses of the random, skewed,
 * gauss and lookup phases, and their rate in simulated time. */
static double accesses_per_s(const struct sim *s)
{
	/* over the timed phase, as pmbench reports: from the first access phase on */
	uint64_t start = s->access_start_ns == UINT64_MAX ? 0 : s->access_start_ns;
	return s->end_ns > start ? (double)s->vs.event[SIM_ACCESSES] * 1e9 / (double)(s->end_ns - start)
				 : 0.0;
}

static json_object *workload_json(const struct sim *s)
{
	json_object *w = json_object_new_object();
	json_object_object_add(w, "accesses", jint(s->vs.event[SIM_ACCESSES]));
	json_object_object_add(w, "accesses_per_s", json_object_new_double(accesses_per_s(s)));
	json_object_object_add(w, "access_phase_s",
			       json_object_new_double(s->access_start_ns == UINT64_MAX ? 0.0 :
						      (double)(s->end_ns - s->access_start_ns) / 1e9));
	return w;
}

static json_object *vmstat_json(const uint64_t *ev)
{
	json_object *v = json_object_new_object();
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		json_object_object_add(v, vm_event_text[i], jint(ev[i]));
	return v;
}

static json_object *mthp_json(const struct sim *s)
{
	json_object *m = json_object_new_object();
	for (uint32_t order = MTHP_MIN_ORDER; order <= PMD_ORDER; order++) {
		char name[32];
		mthp_size_name(order, name, sizeof(name));
		json_object *o = json_object_new_object();
		for (int i = 0; i < NR_MTHP_STAT_ITEMS; i++)
			json_object_object_add(o, mthp_stat_text[i], jint(s->vs.mthp[order][i]));
		json_object_object_add(m, name, o);
	}
	return m;
}

static json_object *nodes_json(const struct sim *s)
{
	json_object *a = json_object_new_array();
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		const struct pglist_data *pg = &s->pm.node[n];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "node", jint(n));
		json_object_object_add(o, RKEY(NODE_KIND), json_object_new_string(mem_kind_name(s->m.node[n].kind)));
		json_object_object_add(o, "cpus", jint(s->m.node[n].nr_cpus));
		json_object_object_add(o, RKEY(NODE_TOTAL_PAGES), jint(pg->node_present_pages));
		json_object_object_add(o, "free_pages", jint(pg->nr_free_pages));
		json_object_object_add(o, "used_pages", jint(pg->node_present_pages - pg->nr_free_pages));
		/* one zone per node: its watermarks (setup_per_zone_wmarks) */
		json_object_object_add(o, RKEY(NODE_WMARK_MIN), jint(pg->watermark[WMARK_MIN]));
		json_object_object_add(o, RKEY(NODE_WMARK_LOW), jint(pg->watermark[WMARK_LOW]));
		json_object_object_add(o, RKEY(NODE_WMARK_HIGH), jint(pg->watermark[WMARK_HIGH]));
		json_object_object_add(o, RKEY(NODE_WMARK_PROMO), jint(pg->watermark[WMARK_PROMO]));
		const struct lruvec *lv = s->reclaim[n].lruvec;
		if (lv) {	/* kept only where reclaim can demote */
			json_object_object_add(o, "nr_inactive_anon", jint(lru_size(lv, LRU_INACTIVE_ANON)));
			json_object_object_add(o, "nr_active_anon", jint(lru_size(lv, LRU_ACTIVE_ANON)));
		}
		json_object_object_add(o, "kswapd_failures", jint(s->reclaim[n].kswapd_failures));
		json_object *ns = json_object_new_object();
		for (int i = 0; i < NR_NUMA_STAT_ITEMS; i++)
			json_object_object_add(ns, numa_stat_text[i], jint(s->vs.numa[n][i]));
		json_object_object_add(o, RKEY(NODE_NUMASTAT), ns);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *node_array(const uint64_t *v, uint32_t nr)
{
	/* sized: json-c's default room for 32 entries is most of the time
	 * series' JSON tree, an array per process in every sample */
	json_object *a = json_object_new_array_ext((int)MAX(nr, 1u));
	for (uint32_t n = 0; n < nr; n++)
		json_object_array_add(a, jint(v[n]));
	return a;
}

static json_object *task_json(const struct sim *s, const struct task *t)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "pid", jint(t->pid));
	json_object_object_add(o, "cpu", jint(t->cpu));
	json_object_object_add(o, "node", jint(s->cpus[t->cpu].node));
	json_object_object_add(o, "se.sum_exec_runtime_ms",
			       json_object_new_double((double)t->sum_exec_runtime / 1e6));
	json_object_object_add(o, "se.nr_migrations", jint(t->nr_migrations));
	json_object_object_add(o, RKEY(TASK_EXIT_S), json_object_new_double((double)t->exit_ns / 1e9));
	/* the NUMA fields of /proc/<pid>/sched */
	const struct task_numa *nb = &t->numa;
	json_object_object_add(o, "numa_preferred_nid", json_object_new_int(nb->numa_preferred_nid));
	json_object_object_add(o, RKEY(TASK_NUMA_SCAN_SEQ), jint(nb->numa_scan_seq));
	json_object_object_add(o, "numa_scan_period_ms", jint(nb->numa_scan_period));
	json_object_object_add(o, "numa_pages_migrated", jint(nb->numa_pages_migrated));
	json_object_object_add(o, "total_numa_faults", json_object_new_int64(nb->total_numa_faults));
	json_object_object_add(o, "numa_group_id",
			       jint(nb->numa_group ? nb->numa_group->gid : 0));
	json_object_object_add(o, "nr_numa_migrations", jint(nb->nr_numa_migrations));
	json_object_object_add(o, "nr_numa_swaps", jint(nb->nr_numa_swaps));
	json_object *faults = json_object_new_array();
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		json_object *f = json_object_new_object();
		json_object_object_add(f, "node", jint(n));
		json_object_object_add(f, "task_private", json_object_new_int64(nb->faults[NUMA_MEM][n][1]));
		json_object_object_add(f, "task_shared", json_object_new_int64(nb->faults[NUMA_MEM][n][0]));
		const struct numa_group *ng = nb->numa_group;
		json_object_object_add(f, "group_private", json_object_new_int64(ng ? ng->faults[n][1] : 0));
		json_object_object_add(f, "group_shared", json_object_new_int64(ng ? ng->faults[n][0] : 0));
		json_object_array_add(faults, f);
	}
	json_object_object_add(o, "numa_faults", faults);
	if (s->policy->task_json)	/* the placement policy's own keys */
		s->policy->task_json(s, t, o);
	return o;
}

static json_object *processes_json(const struct sim *s)
{
	json_object *a = json_object_new_array();
	for (uint32_t p = 0; p < s->nr_mms; p++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "process", jint(p));
		json_object_object_add(o, RKEY(PROC_RESIDENT_PAGES), node_array(s->mms[p]->rss_node, s->m.nr_nodes));
		/* what /proc/<pid>/sched prints as mm->numa_scan_seq: the scanner's
		 * passes, which a task's own numa_scan_seq follows only on hint faults */
		json_object_object_add(o, RKEY(PROC_MM_NUMA_SCAN_SEQ), jint(s->mms[p]->numa.numa_scan_seq));
		if (s->policy->mm_json)	/* the placement policy's own keys */
			s->policy->mm_json(s, s->mms[p], o);
		json_object *tasks = json_object_new_array();
		for (uint32_t i = 0; i < s->nr_tasks; i++)
			if (s->tasks[i]->proc == p)
				json_object_array_add(tasks, task_json(s, s->tasks[i]));
		json_object_object_add(o, RKEY(PROC_TASKS), tasks);
		json_object_array_add(a, o);
	}
	return a;
}

/* Counters worth a curve; the full set is in "vmstat" at the end. */
static const enum vm_event_item ts_counters[] = {
	PGFAULT, THP_FAULT_ALLOC, NUMA_PTE_UPDATES, NUMA_HINT_FAULTS, NUMA_HINT_FAULTS_LOCAL,
	NUMA_PAGE_MIGRATE, PGMIGRATE_SUCCESS, NR_TLB_REMOTE_FLUSH, PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE, PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT,
};

static json_object *timeseries_json(const struct sim *s)
{
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < s->ts.nr; i++) {
		const struct ts_sample *x = &s->ts.s[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, RKEY(TS_T_S), json_object_new_double((double)x->t_ns / 1e9));
		json_object_object_add(o, RKEY(TS_NODE_USED_PAGES), node_array(x->node_used, s->m.nr_nodes));
		json_object_object_add(o, RKEY(TS_HOT_THRESHOLD_MS), node_array(x->hot_threshold_ms, s->m.nr_nodes));
		json_object_object_add(o, RKEY(TS_MIGRC_PENDING_PAGES), node_array(x->migrc_pending, s->m.nr_nodes));
		json_object *procs = json_object_new_array();
		for (uint32_t p = 0; p < s->nr_mms; p++)
			json_object_array_add(procs, node_array(&x->proc_node[p * MAX_NUMNODES], s->m.nr_nodes));
		json_object_object_add(o, RKEY(TS_PROCESS_RESIDENT_PAGES), procs);
		json_object *tasks = json_object_new_array();
		for (uint32_t p = 0; p < s->nr_mms; p++)
			json_object_array_add(tasks, node_array(&x->proc_tasks[p * MAX_NUMNODES], s->m.nr_nodes));
		json_object_object_add(o, RKEY(TS_PROCESS_RUNNABLE_TASKS), tasks);
		json_object_object_add(o, RKEY(TS_TASK_NODE), json_object_new_string(x->task_node));
		json_object *v = json_object_new_object();
		for (size_t k = 0; k < ARRAY_SIZE(ts_counters); k++)
			json_object_object_add(v, vm_event_text[ts_counters[k]], jint(x->vm[ts_counters[k]]));
		json_object_object_add(o, RKEY(TS_VMSTAT), v);
		json_object_array_add(a, o);
	}
	return a;
}

/* Where each CPU's time went: running tasks, in the kernel, in shootdowns
 * (both as initiator and as target). */
static json_object *cpus_json(const struct sim *s)
{
	json_object *a = json_object_new_array();
	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		const struct cpu *cpu = &s->cpus[c];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "cpu", jint(c));
		json_object_object_add(o, "node", jint(cpu->node));
		json_object_object_add(o, "busy_s", json_object_new_double((double)cpu->busy_ns / 1e9));
		json_object_object_add(o, "kernel_s", json_object_new_double((double)cpu->kernel_ns / 1e9));
		json_object_object_add(o, "shootdown_s",
				       json_object_new_double((double)cpu->shootdown_ns / 1e9));
		json_object_array_add(a, o);
	}
	return a;
}

/* Bus bytes [cpu node][memory node] in GiB: reads, writes, or (both) their sum. */
static json_object *traffic_json(const struct sim *s, bool reads, bool writes)
{
	json_object *a = json_object_new_array();
	for (uint32_t c = 0; c < s->m.nr_nodes; c++) {
		json_object *row = json_object_new_array();
		for (uint32_t m = 0; m < s->m.nr_nodes; m++) {
			double bytes = (reads ? s->bw.read_bytes[c][m] : 0) +
				       (writes ? s->bw.write_bytes[c][m] : 0);
			json_object_array_add(row, json_object_new_double(bytes / (double)GiB));
		}
		json_object_array_add(a, row);
	}
	return a;
}

/* Deferred flushes (numasim.migrc): source pages pending at the end and at
 * most; the event counts are in vmstat (sim_migrc_*). */
static json_object *migrc_json(const struct sim *s)
{
	json_object *o = json_object_new_object();
	char buf[32];
	json_object_object_add(o, "mode", json_object_new_string(
		tunable_value_str(&s->tun, T_MIGRC, buf, sizeof(buf))));
	json_object_object_add(o, "pending_pages", jint(s->migrc.pending_pages));
	json_object_object_add(o, RKEY(MIGRC_PEAK_PENDING_PAGES), jint(s->migrc.peak_pending_pages));
	return o;
}

/* "-ENOENT" for -2, "1" for node 1: as a program would print a status. */
static const char *status_str(int64_t v, char *buf, size_t len)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
	};
	for (size_t i = 0; v < 0 && i < ARRAY_SIZE(names); i++)
		if (-v == names[i].e) {
			snprintf(buf, len, "-%s", names[i].name);
			return buf;
		}
	snprintf(buf, len, "%lld", (long long)v);
	return buf;
}

/* Entries of a move_pages status array the kernel never wrote. */
static uint64_t status_unset(const struct syscall_record *r)
{
	uint64_t set = 0;
	for (uint32_t i = 0; i < r->nr_status; i++)
		set += r->status_cnt[i];
	return r->nr_pages - set;
}

/* The system calls whose results the program sees, in the order they returned. */
static json_object *syscalls_json(const struct sim *s)
{
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < s->nr_sysrec; i++) {
		const struct syscall_record *r = &s->sysrec[i];
		json_object *o = json_object_new_object();
		char buf[32];
		json_object_object_add(o, "task", jint(r->pid));
		json_object_object_add(o, "process", jint(r->proc));
		json_object_object_add(o, "op", json_object_new_string(wl_op_name(r->op)));
		json_object_object_add(o, "t_s", json_object_new_double((double)r->t_ns / 1e9));
		json_object_object_add(o, "ret", json_object_new_int64(r->ret));
		json_object_object_add(o, "ret_str", json_object_new_string(status_str(r->ret, buf,
											sizeof(buf))));
		if (r->op == WL_MOVE_PAGES) {
			json_object *st = json_object_new_object();
			json_object_object_add(o, "pages", jint(r->nr_pages));
			for (uint32_t k = 0; k < r->nr_status; k++)
				json_object_object_add(st, status_str(r->status_val[k], buf, sizeof(buf)),
						       jint(r->status_cnt[k]));
			if (status_unset(r))
				json_object_object_add(st, "unset", jint(status_unset(r)));
			json_object_object_add(o, "status", st);
		}
		json_object_array_add(a, o);
	}
	return a;
}

/* The estimate checked before the run and the most the run charged
 * (docs/host-memory.md): they depend on the host's page size and THP mode. */
static json_object *host_memory_json(const struct sim *s)
{
	const struct host_estimate *e = &s->host_est;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "estimate_bytes", jint(e->total));
	json_object_object_add(o, "charged_peak_bytes", jint(s->hostmem.peak));
	json_object_object_add(o, "charged_slots_bytes", jint(s->hostmem.slots));
	json_object *p = json_object_new_object();
	json_object_object_add(p, "slots", jint(e->slots));
	json_object_object_add(p, "page_tables", jint(e->pgtables));
	json_object_object_add(p, "lru", jint(e->lru));
	json_object_object_add(p, "tasks", jint(e->tasks));
	json_object_object_add(p, "timeseries", jint(e->timeseries));
	json_object_object_add(p, "report", jint(e->report));
	json_object_object_add(p, "transient", jint(e->transient));
	json_object_object_add(p, "fixed", jint(e->fixed));
	json_object_object_add(o, "estimate_parts", p);
	return o;
}

json_object *report_json(const struct sim *s, const struct run_info *ri)
{
	json_object *r = json_object_new_object();
	json_object_object_add(r, "numasim_version", json_object_new_string(NUMASIM_VERSION));
	json_object_object_add(r, "kernel_model", json_object_new_string(KERNEL_MODEL));
	json_object_object_add(r, RKEY(ELAPSED_S), json_object_new_double((double)s->end_ns / 1e9));
	json_object_object_add(r, RKEY(HOST_S), json_object_new_double(ri->host_s));
	json_object_object_add(r, "host_memory", host_memory_json(s));
	json_object_object_add(r, RKEY(TRUNCATED), json_object_new_boolean(s->truncated));
	if (s->interrupted)	/* only then: results of whole runs keep their bytes */
		json_object_object_add(r, "interrupted", json_object_new_boolean(true));
	json_object_object_add(r, "failed", json_object_new_boolean(s->failed != 0));
	json_object_object_add(r, "error", json_object_new_string(s->failed ? s->error : ""));
	json_object_object_add(r, RKEY(CONFIG), config_json(s, ri));
	json_object_object_add(r, "workload", workload_json(s));
	json_object_object_add(r, RKEY(VMSTAT), vmstat_json(s->vs.event));
	json_object_object_add(r, RKEY(MTHP), mthp_json(s));
	json_object_object_add(r, RKEY(NODES), nodes_json(s));
	json_object_object_add(r, RKEY(PROCESSES), processes_json(s));
	json_object_object_add(r, "cpus", cpus_json(s));
	json_object_object_add(r, "traffic_gib", traffic_json(s, true, true));
	json_object_object_add(r, "traffic_read_gib", traffic_json(s, true, false));
	json_object_object_add(r, "traffic_write_gib", traffic_json(s, false, true));
	json_object_object_add(r, RKEY(TIMESERIES), timeseries_json(s));
	json_object_object_add(r, RKEY(MIGRC), migrc_json(s));
	json_object_object_add(r, "syscalls", syscalls_json(s));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "stale_accesses", jint(s->oracle.stale_accesses));
	json_object_object_add(o, RKEY(ORACLE_STALE_READS), jint(s->oracle.stale_reads));
	json_object_object_add(o, RKEY(ORACLE_LOST_WRITES), jint(s->oracle.lost_writes));
	json_object_object_add(r, RKEY(ORACLE), o);
	return r;
}

int report_json_write(const struct sim *s, const struct run_info *ri, const char *path)
{
	json_object *r = report_json(s, ri);
	size_t len;
	const char *text = json_object_to_json_string_length(r, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_SPACED, &len);
	/* whole or not at all: a full disk part way leaves no truncated result */
	int rc = text ? file_write_atomic(path, text, len) : -1;
	json_object_put(r);
	return rc;
}

static const enum vm_event_item text_counters[] = {
	PGFAULT, THP_FAULT_ALLOC, THP_FAULT_FALLBACK, NUMA_HINT_FAULTS, NUMA_PAGE_MIGRATE,
	NR_TLB_REMOTE_FLUSH, NR_TLB_LOCAL_FLUSH_ALL, SIM_TLB_MISSES,
};

void report_text(const struct sim *s, const struct run_info *ri, FILE *out)
{
	fprintf(out, "numasim %s: %s on %s (scale %g, seed %llu)\n", NUMASIM_VERSION, s->wl->desc,
		s->m.name, ri->scale, (unsigned long long)s->seed);
	fprintf(out, "  %-22s %10.3f s%s   (host %.2f s)\n", "elapsed (simulated)",
		(double)s->end_ns / 1e9,
		s->interrupted ? " (interrupted)" : s->truncated ? " (truncated)" : "", ri->host_s);
	if (s->vs.event[SIM_ACCESSES])
		fprintf(out, "  %-22s %10.4g /s  (%llu in all)\n", "accesses (64 B)",
			accesses_per_s(s), (unsigned long long)s->vs.event[SIM_ACCESSES]);
	fprintf(out, "  %-22s", "memory used per node");
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		fprintf(out, "  node%u %8llu MiB", n,
			(unsigned long long)((s->pm.node[n].node_present_pages - s->pm.node[n].nr_free_pages) /
					     MiB_PAGES));
	fputc('\n', out);
	for (uint32_t p = 0; p < s->nr_mms; p++) {
		fprintf(out, "  process %-2u %-11s", p, "resident");
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			fprintf(out, "  node%u %8llu MiB", n,
				(unsigned long long)(s->mms[p]->rss_node[n] / MiB_PAGES));
		fputc('\n', out);
	}
	for (size_t k = 0; k < ARRAY_SIZE(text_counters); k++)
		fprintf(out, "  %-28s %14llu\n", vm_event_text[text_counters[k]],
			(unsigned long long)s->vs.event[text_counters[k]]);
	if (s->vs.event[SIM_DEVICE_TO_DEVICE_PAGES] || s->vs.event[SIM_DEVICE_POPULATED_PAGES] ||
	    s->vs.event[SIM_DEVICE_MIGRATE_FAIL])
		fprintf(out, "  %-28s %14llu pages (%llu THPs) to, %llu (%llu THPs) back; %llu faults; "
			"%llu pages failed to move\n",
			"device migrations", (unsigned long long)s->vs.event[SIM_DEVICE_TO_DEVICE_PAGES],
			(unsigned long long)s->vs.event[SIM_DEVICE_TO_DEVICE_THP],
			(unsigned long long)s->vs.event[SIM_DEVICE_TO_RAM_PAGES],
			(unsigned long long)s->vs.event[SIM_DEVICE_TO_RAM_THP],
			(unsigned long long)s->vs.event[SIM_DEVICE_FAULTS],
			(unsigned long long)s->vs.event[SIM_DEVICE_MIGRATE_FAIL]);
	if (s->tun.v[T_MIGRC])
		fprintf(out, "  %-28s %14llu flushes, %llu pages; peak pending %llu pages\n",
			"migrc deferred", (unsigned long long)s->vs.event[SIM_MIGRC_DEFERRED],
			(unsigned long long)s->vs.event[SIM_MIGRC_DEFERRED_PAGES],
			(unsigned long long)s->migrc.peak_pending_pages);
	for (uint32_t i = 0; i < s->nr_sysrec; i++) {
		const struct syscall_record *r = &s->sysrec[i];
		char buf[32];
		if (i == TEXT_MAX_SYSCALLS) {	/* the JSON has them all */
			fprintf(out, "  %-28s ... %u more (see the JSON result)\n", "",
				s->nr_sysrec - i);
			break;
		}
		fprintf(out, "  %-28s task %u %s = %s", i ? "" : "syscalls", r->pid,
			wl_op_name(r->op), status_str(r->ret, buf, sizeof(buf)));
		if (r->op == WL_MOVE_PAGES) {
			fputs("  status", out);
			for (uint32_t k = 0; k < r->nr_status; k++)
				fprintf(out, " %s:%llu", status_str(r->status_val[k], buf, sizeof(buf)),
					(unsigned long long)r->status_cnt[k]);
			if (status_unset(r))
				fprintf(out, " unset:%llu", (unsigned long long)status_unset(r));
		}
		fputc('\n', out);
	}
	fprintf(out, "  %-28s stale reads %llu, lost writes %llu\n", "oracle",
		(unsigned long long)s->oracle.stale_reads, (unsigned long long)s->oracle.lost_writes);
}
