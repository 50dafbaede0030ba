// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/sample.c - the sampler thread of numasim-native: every
 * --interval ms, the time series sample (docs/native.md, "What it samples");
 * and, when the run has failed, stopping every workload process.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/folio.h"
#include "monitor.h"

const enum vm_event_item nat_ts_counters[] = {
	PGFAULT, THP_FAULT_ALLOC, NUMA_PTE_UPDATES, NUMA_HINT_FAULTS, NUMA_HINT_FAULTS_LOCAL,
	NUMA_PAGE_MIGRATE, PGMIGRATE_SUCCESS, NR_TLB_REMOTE_FLUSH, PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE, PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT,
};
const size_t nat_nr_ts_counters = ARRAY_SIZE(nat_ts_counters);

void read_mthp(struct nat_counters *c)
{
	for (uint32_t order = MTHP_MIN_ORDER; order <= PMD_ORDER; order++) {
		char name[32], path[160];
		mthp_size_name(order, name, sizeof(name));
		counters_free(&c[order]);
		for (int i = 0; i < NR_MTHP_STAT_ITEMS; i++) {
			char line[64];
			snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s/stats/%s", name,
				 mthp_stat_text[i]);
			if (read_first_line(path, line, sizeof(line)))
				continue;
			void *nn = realloc(c[order].name, (c[order].nr + 1) * sizeof(*c[order].name));
			void *nv = nn ? realloc(c[order].val, (c[order].nr + 1) * sizeof(*c[order].val)) : NULL;
			if (nn)
				c[order].name = nn;
			if (!nv)
				break;
			c[order].val = nv;
			snprintf(c[order].name[c[order].nr], 64, "%s", mthp_stat_text[i]);
			c[order].val[c[order].nr++] = strtoll(line, NULL, 10);
		}
	}
}

void read_numastat(struct nat_counters *c, uint32_t nr_nodes)
{
	for (uint32_t n = 0; n < nr_nodes; n++) {
		char path[96];
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/numastat", n);
		read_counters(path, &c[n], 0);
	}
}

/* Threads of @pid in state R, by the node of the CPU they last ran on. */
static void runnable_tasks(const struct nat_host *h, int pid, uint64_t *by_node)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char sp[96], buf[1024];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sp, sizeof(sp), "/proc/%d/task/%.20s/stat", pid, e->d_name);
		if (read_first_line(sp, buf, sizeof(buf)))
			continue;
		char *q = strrchr(buf, ')');
		char state;
		int cpu = -1;
		if (!q || sscanf(q + 2, "%c", &state) != 1)
			continue;
		/* field 39 (processor) is the 37th after the state */
		char *tok = q + 2;
		for (int f = 0; f < 36 && tok; f++) {
			tok = strchr(tok, ' ');
			if (tok)
				tok++;
		}
		if (tok)
			cpu = atoi(tok);
		if (state == 'R' && cpu >= 0 && cpu < MAX_CPUS)
			by_node[h->cpu_node[cpu]]++;
	}
	closedir(d);
}

void take_sample(struct monitor *mo)
{
	struct nat_shared *sh = mo->sh;
	if (mo->nr_ts == mo->cap_ts) {
		uint32_t cap = mo->cap_ts ? mo->cap_ts * 2 : 64;
		void *n = realloc(mo->ts, cap * sizeof(*mo->ts));
		if (!n)
			return;
		mo->ts = n;
		mo->cap_ts = cap;
	}
	struct sample *x = &mo->ts[mo->nr_ts];
	memset(x, 0, sizeof(*x));
	x->t_ns = nat_now_ns() - sh->t0_ns;
	x->nr_procs = MIN(atomic_load(&sh->next_proc), sh->max_procs);
	x->proc_pages = calloc((size_t)x->nr_procs * MAX_NUMNODES + 1, sizeof(uint64_t));
	x->proc_tasks = calloc((size_t)x->nr_procs * MAX_NUMNODES + 1, sizeof(uint64_t));
	x->pref_nid = calloc(x->nr_procs + 1, sizeof(int64_t));
	x->scan_seq = calloc(x->nr_procs + 1, sizeof(int64_t));
	if (!x->proc_pages || !x->proc_tasks || !x->pref_nid || !x->scan_seq)
		return;
	for (uint32_t n = 0; n < mo->h.nr_nodes; n++) {
		int f1, f2;
		uint64_t total = node_meminfo_kb(n, "MemTotal", &f1), free = node_meminfo_kb(n, "MemFree", &f2);
		x->node_used[n] = f1 && f2 ? (total - free) / 4 : 0;
	}
	for (uint32_t p = 0; p < x->nr_procs; p++) {
		struct nat_proc *np = &sh->procs[p];
		uint64_t all[MAX_NUMNODES];
		x->pref_nid[p] = x->scan_seq[p] = INT64_MIN;
		int pid = atomic_load(&np->pid), state = atomic_load(&np->state);
		if (state == NAT_PROC_EXITED && atomic_load(&np->final_valid)) {
			memcpy(&x->proc_pages[p * MAX_NUMNODES], np->final_pages, sizeof(np->final_pages));
			continue;
		}
		if (state != NAT_PROC_RUNNING || pid <= 0)
			continue;
		read_numa_maps(sh, p, pid, &x->proc_pages[p * MAX_NUMNODES], all);
		runnable_tasks(&mo->h, pid, &x->proc_tasks[p * MAX_NUMNODES]);
		char path[64];
		struct nat_task t = { .numa_preferred_nid = INT64_MIN, .numa_scan_seq = INT64_MIN };
		snprintf(path, sizeof(path), "/proc/%d/sched", pid);
		if (read_sched(path, &t) == 0 && t.have_numa) {
			x->pref_nid[p] = t.numa_preferred_nid;
			x->scan_seq[p] = t.numa_scan_seq;
		}
	}
	read_counters("/proc/vmstat", &mo->vm1, 0);
	for (size_t k = 0; k < nat_nr_ts_counters; k++) {
		int f0, f1;
		int64_t a = counter_get(&mo->vm0, vm_event_text[nat_ts_counters[k]], &f0);
		int64_t b = counter_get(&mo->vm1, vm_event_text[nat_ts_counters[k]], &f1);
		x->have_vm[nat_ts_counters[k]] = f0 && f1;
		x->vm[nat_ts_counters[k]] = b - a;
	}
	mo->nr_ts++;
}

/* Stop every workload process: the run failed and some may wait forever. */
void kill_workload(struct nat_shared *sh)
{
	uint32_t n = MIN(atomic_load(&sh->next_proc), sh->max_procs);

	for (uint32_t p = 0; p < n; p++) {
		int pid = atomic_load(&sh->procs[p].pid);
		if (pid > 0 && atomic_load(&sh->procs[p].state) != NAT_PROC_EXITED)
			kill(pid, SIGKILL);
	}
}

void *sampler_main(void *arg)
{
	struct monitor *mo = arg;
	uint64_t next = mo->sh->t0_ns;

	while (!atomic_load(&mo->stop)) {
		take_sample(mo);
		if (atomic_load(&mo->sh->failed))
			kill_workload(mo->sh);
		next += (uint64_t)mo->o.interval_ms * NSEC_PER_MSEC;
		/* sleep in short steps so the end of the run is not waited for */
		while (!atomic_load(&mo->stop) && nat_now_ns() < next) {
			uint64_t left = next - nat_now_ns();
			struct timespec ts = { 0, (long)MIN(left, 10 * NSEC_PER_MSEC) };
			nanosleep(&ts, NULL);
			if (atomic_load(&mo->sh->failed))
				kill_workload(mo->sh);
		}
	}
	return NULL;
}
