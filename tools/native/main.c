// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/main.c - numasim-native: run a numasim workload as a real
 * program on this machine and write its result in the schema of
 * `numasim run --json`, so `numasim compare --from-json` sets a real run
 * beside a simulated one (docs/native.md).
 *
 *   numasim-native [--interval MS] [--json FILE] [--scale F] [--seed N] WORKLOAD
 *
 * This process is the monitor: it builds the workload for a machine that
 * describes this host, forks one process per initial workload process,
 * releases them together, samples /proc and /sys every --interval ms while
 * they run, and reports when the last one has exited. It never touches the
 * workload's memory.
 *
 * Exit status: 2 for bad input (a bad spec, a workload larger than the
 * host's available memory, an operation the tool cannot run), 1 if the
 * workload failed while running, else 0.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <hwloc.h>
#include <json-c/json.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/tunables.h"
#include "native.h"
#include "stats/report.h"
#include "stats/vmstat.h"
#include "workload/workload.h"

#define DEFAULT_INTERVAL_MS 100

struct opts {
	const char *workload, *json, *machine_xml;
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
};

/* Counters worth a curve: report.c's ts_counters[] */
static const enum vm_event_item ts_counters[] = {
	PGFAULT, THP_FAULT_ALLOC, NUMA_PTE_UPDATES, NUMA_HINT_FAULTS, NUMA_HINT_FAULTS_LOCAL,
	NUMA_PAGE_MIGRATE, PGMIGRATE_SUCCESS, NR_TLB_REMOTE_FLUSH, PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE, PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT,
};

static int bad(const char *fmt, ...) sim_printf(1, 2);
static int bad(const char *fmt, ...)
{
	va_list ap;

	fputs(NATIVE_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " NATIVE_NAME " [--interval MS] [--json FILE] [--scale F] [--seed N] [--quiet] WORKLOAD\n"
		"Run a numasim workload (NAME[:key=value,...], as numasim run --workload takes it)\n"
		"as a real multi-threaded program on this machine, sample /proc/vmstat, numastat,\n"
		"numa_maps and sched while it runs, and write the result in the JSON schema of\n"
		"`numasim run --json`, for `numasim compare --from-json`.\n"
		"  --interval MS  sampling period (default %d, 1..60000)\n"
		"  --json FILE    write the JSON result to FILE\n"
		"  --scale F      shrink (or grow) memory and work together (default 1)\n"
		"  --seed N       random seed (default 1): the random patterns draw the\n"
		"                 simulator's lines for the same seed\n"
		"  --quiet        no text summary\n"
		"  --ops-test     instead of WORKLOAD, a small workload that uses every\n"
		"                 operation this tool runs (the \"syscalls\" list shows\n"
		"                 which NUMA calls the kernel took)\n"
		"  --machine-xml FILE\n"
		"                 also write this host's topology as hwloc XML, for\n"
		"                 `numasim run --machine FILE` (a simulation of this host)\n"
		"Exit status: 2 for bad input, 1 if the workload failed, else 0.\n",
		DEFAULT_INTERVAL_MS);
}

static int parse_uint(const char *arg, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' }, { "json", required_argument, NULL, 'j' },
		{ "scale", required_argument, NULL, 's' }, { "seed", required_argument, NULL, 'S' },
		{ "workload", required_argument, NULL, 'w' }, { "quiet", no_argument, NULL, 'q' },
		{ "machine-xml", required_argument, NULL, 'x' }, { "ops-test", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;

	*o = (struct opts){ .scale = 1.0, .seed = 1, .interval_ms = DEFAULT_INTERVAL_MS };
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv, ":", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'i':
			if (parse_uint(optarg, 60000, &v) || v == 0)
				return bad("--interval '%s': give milliseconds from 1 to 60000", optarg);
			o->interval_ms = (uint32_t)v;
			break;
		case 'j': o->json = optarg; break;
		case 'w': o->workload = optarg; break;
		case 'q': o->quiet = true; break;
		case 'x': o->machine_xml = optarg; break;
		case 'o': o->ops_test = true; break;
		case 's':
			errno = 0;
			o->scale = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o->scale) || o->scale <= 0)
				return bad("--scale '%s': give a positive number", optarg);
			break;
		case 'S':
			if (parse_uint(optarg, UINT64_MAX, &o->seed))
				return bad("--seed '%s': give a whole number from 0", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		case ':': return bad("option '%s' needs a value", argv[optind - 1]);
		default: return bad("unknown option '%s' (see " NATIVE_NAME " --help)", argv[optind - 1]);
		}
	}
	if (optind < argc && !o->workload)
		o->workload = argv[optind++];
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (o->ops_test && o->workload)
		return bad("--ops-test runs its own workload: give no WORKLOAD");
	if (!o->workload && !o->ops_test) {
		usage(stderr);
		return 2;
	}
	return 0;
}

/* ---- what the workload needs ---- */

static int check_supported(const struct workload *wl)
{
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++) {
			enum wl_op op = wl->programs[p].phases[i].op;
			if (op == WL_ZIPF || op == WL_CHASE || op == WL_TRACE || op == WL_DEV_MIGRATE ||
			    op == WL_DEV_KERNEL)
				return bad("workload '%s': program %u phase %u: %s is not supported by "
					   NATIVE_NAME " yet", wl->desc, p, i, wl_op_name(op));
		}
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Threads (tasks) and forked processes program @p starts, itself included. */
static void count_program(const struct workload *wl, uint32_t p, uint64_t *tasks, uint64_t *procs,
			  bool *done)
{
	if (done[p])
		return;
	uint64_t t = 1, f = 0;
	const struct wl_program *prog = &wl->programs[p];
	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];
		if (ph->op != WL_SPAWN && ph->op != WL_FORK)
			continue;
		count_program(wl, ph->target, tasks, procs, done);
		t = sat_add(t, tasks[ph->target]);
		f = sat_add(f, sat_add(procs[ph->target], ph->op == WL_FORK));
	}
	tasks[p] = t;
	procs[p] = f;
	done[p] = true;
}

/* Memory the regions a main program creates (and grows) can take. */
static uint64_t program_bytes(const struct wl_program *prog)
{
	uint64_t b = 0;

	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];
		if (ph->op == WL_MMAP)
			b = sat_add(b, ph->len);
		else if (ph->op == WL_MREMAP && ph->new_len > ph->len)
			b = sat_add(b, ph->new_len - ph->len);
	}
	return b;
}

/*
 * An upper bound on the memory the workload touches: every region of every
 * process, and at each fork a full copy of the parent's regions (a
 * copy-on-write copy that is written all over).
 */
static uint64_t workload_bytes(const struct workload *wl)
{
	uint64_t b = 0;

	for (uint32_t i = 0; i < wl->nr_procs; i++)
		b = sat_add(b, program_bytes(&wl->programs[wl->procs[i].main_program]));
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++) {
			const struct wl_phase *ph = &wl->programs[p].phases[i];
			if (ph->op == WL_FORK)
				b = sat_add(b, sat_add(program_bytes(&wl->programs[ph->target]),
						       program_bytes(&wl->programs[p])));
		}
	return b;
}

static uint64_t mem_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb;
	uint64_t v = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			v = kb * KiB;
	fclose(f);
	return v;
}

/* ---- the shared block ---- */

static int shared_create(struct monitor *mo)
{
	const struct workload *wl = &mo->wl;
	uint32_t n = wl->nr_programs;
	uint64_t *tasks = calloc(n + 1, sizeof(*tasks)), *procs = calloc(n + 1, sizeof(*procs));
	bool *done = calloc(n + 1, sizeof(*done));
	uint64_t nr_tasks = 0, nr_procs = wl->nr_procs, nr_regions = 0;

	if (!tasks || !procs || !done)
		return bad("out of memory");
	for (uint32_t i = 0; i < wl->nr_procs; i++) {
		uint32_t p = wl->procs[i].main_program;
		count_program(wl, p, tasks, procs, done);
		nr_tasks = sat_add(nr_tasks, tasks[p]);
		nr_procs = sat_add(nr_procs, procs[p]);
	}
	free(tasks);
	free(procs);
	free(done);
	for (uint32_t p = 0; p < n; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++)
			nr_regions += wl->programs[p].phases[i].op == WL_MMAP;
	if (nr_tasks > NAT_MAX_TASKS || nr_procs > NAT_MAX_PROCS)
		return bad("workload '%s': %llu threads in %llu processes; " NATIVE_NAME
			   " runs at most %d threads and %d processes", wl->desc,
			   (unsigned long long)nr_tasks, (unsigned long long)nr_procs, NAT_MAX_TASKS,
			   NAT_MAX_PROCS);
	if (nr_regions * nr_procs > (1u << 22))
		return bad("workload '%s': too many regions (%llu) for %llu processes", wl->desc,
			   (unsigned long long)nr_regions, (unsigned long long)nr_procs);
	size_t size = ALIGN_UP(sizeof(struct nat_shared), 64);
	size_t off_bar = size;
	size += ALIGN_UP(wl->nr_barriers * sizeof(pthread_barrier_t), 64);
	size_t off_procs = size;
	size += ALIGN_UP(nr_procs * sizeof(struct nat_proc), 64);
	size_t off_regions = size;
	size += ALIGN_UP((nr_regions + 1) * nr_procs * sizeof(struct nat_region), 64);
	size_t off_tasks = size;
	size += ALIGN_UP(nr_tasks * sizeof(struct nat_task), 64);
	size_t off_sys = size;
	size += NAT_MAX_SYSCALLS * sizeof(struct nat_syscall);
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return bad("cannot map %zu bytes of shared state: %s", size, strerror(errno));
	struct nat_shared *sh = (struct nat_shared *)p;
	sh->barriers = (pthread_barrier_t *)(p + off_bar);
	sh->procs = (struct nat_proc *)(p + off_procs);
	sh->regions = (struct nat_region *)(p + off_regions);
	sh->tasks = (struct nat_task *)(p + off_tasks);
	sh->syscalls = (struct nat_syscall *)(p + off_sys);
	sh->max_procs = (uint32_t)nr_procs;
	sh->max_tasks = (uint32_t)nr_tasks;
	sh->max_regions = (uint32_t)nr_regions + 1;
	sh->nr_barriers = wl->nr_barriers;
	atomic_store(&sh->next_proc, wl->nr_procs);
	atomic_store(&sh->next_task, wl->nr_procs);	/* tasks 0..nr_procs-1: the initial mains */
	atomic_store(&sh->access_start_ns, UINT64_MAX);

	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->lock, &ma);
	pthread_barrierattr_t ba;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	/* the validator checks that exactly nr_parties threads reach a barrier,
	 * across processes too: so the barriers are process-shared */
	for (uint32_t b = 0; b < wl->nr_barriers; b++)
		if (pthread_barrier_init(&sh->barriers[b], &ba, MAX(1, wl->barrier_parties[b])))
			return bad("pthread_barrier_init failed");
	pthread_barrier_init(&sh->start, &ba, wl->nr_procs + 1);
	mo->sh = sh;
	mo->sh_size = size;
	return 0;
}

/* ---- sampling ---- */

static void read_mthp(struct nat_counters *c)
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

static void read_numastat(struct nat_counters *c, uint32_t nr_nodes)
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

static void take_sample(struct monitor *mo)
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
	for (size_t k = 0; k < ARRAY_SIZE(ts_counters); k++) {
		int f0, f1;
		int64_t a = counter_get(&mo->vm0, vm_event_text[ts_counters[k]], &f0);
		int64_t b = counter_get(&mo->vm1, vm_event_text[ts_counters[k]], &f1);
		x->have_vm[ts_counters[k]] = f0 && f1;
		x->vm[ts_counters[k]] = b - a;
	}
	mo->nr_ts++;
}

/* Stop every workload process: the run failed and some may wait forever. */
static void kill_workload(struct nat_shared *sh)
{
	uint32_t n = MIN(atomic_load(&sh->next_proc), sh->max_procs);

	for (uint32_t p = 0; p < n; p++) {
		int pid = atomic_load(&sh->procs[p].pid);
		if (pid > 0 && atomic_load(&sh->procs[p].state) != NAT_PROC_EXITED)
			kill(pid, SIGKILL);
	}
}

static void *sampler_main(void *arg)
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

/* ---- running ---- */

static int run(struct monitor *mo)
{
	struct nat_shared *sh = mo->sh;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))	/* orphans of the workload come back here */
		fprintf(stderr, NATIVE_NAME ": warning: PR_SET_CHILD_SUBREAPER: %s\n", strerror(errno));
	read_counters("/proc/vmstat", &mo->vm0, 0);
	read_numastat(mo->numa0, mo->h.nr_nodes);
	read_mthp(mo->mthp0);
	fflush(NULL);
	for (uint32_t p = 0; p < mo->wl.nr_procs; p++) {
		pid_t pid = fork();
		if (pid < 0) {
			nat_fail(sh, "fork: %s", strerror(errno));
			kill_workload(sh);
			return 1;
		}
		if (pid == 0)
			nat_process_main(sh, &mo->wl, &mo->h, mo->o.seed, p,
					 mo->wl.procs[p].main_program);
	}
	sh->t0_ns = nat_now_ns();
	pthread_barrier_wait(&sh->start);
	if (pthread_create(&mo->sampler, NULL, sampler_main, mo)) {
		nat_fail(sh, "cannot start the sampler thread");
		kill_workload(sh);
	}
	for (;;) {
		int st;
		pid_t pid = wait(&st);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (atomic_load(&sh->failed))
			continue;	/* the first failure is the story */
		if (WIFSIGNALED(st))
			nat_fail(sh, "workload process %d killed by signal %d (%s)", pid, WTERMSIG(st),
				 strsignal(WTERMSIG(st)));
		else if (WIFEXITED(st) && WEXITSTATUS(st))
			nat_fail(sh, "workload process %d exited with status %d", pid, WEXITSTATUS(st));
		if (atomic_load(&sh->failed))
			kill_workload(sh);
	}
	mo->elapsed_ns = nat_now_ns() - sh->t0_ns;
	atomic_store(&mo->stop, 1);
	pthread_join(mo->sampler, NULL);
	take_sample(mo);	/* the end: every process's final placement */
	read_counters("/proc/vmstat", &mo->vm1, 0);
	read_numastat(mo->numa1, mo->h.nr_nodes);
	read_mthp(mo->mthp1);
	return atomic_load(&sh->failed) ? 1 : 0;
}

/* ---- the JSON result ---- */

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

/* Host knobs under numasim's tunable names, where the host has them. */
struct knob {
	const char *tunable, *path;
};

static const struct knob knobs[] = {
	{ "transparent_hugepage.enabled", "/sys/kernel/mm/transparent_hugepage/enabled" },
	{ "transparent_hugepage.use_zero_page", "/sys/kernel/mm/transparent_hugepage/use_zero_page" },
	{ "kernel.numa_balancing", "/proc/sys/kernel/numa_balancing" },
	{ "kernel.numa_balancing_promote_rate_limit_MBps",
	  "/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps" },
	{ "numa.demotion_enabled", "/sys/kernel/mm/numa/demotion_enabled" },
	{ "vm.swappiness", "/proc/sys/vm/swappiness" },
	{ "numa_balancing.hot_threshold_ms", "/sys/kernel/debug/sched/numa_balancing/hot_threshold_ms" },
	{ "numa_balancing.scan_delay_ms", "/sys/kernel/debug/sched/numa_balancing/scan_delay_ms" },
	{ "numa_balancing.scan_period_min_ms", "/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms" },
	{ "numa_balancing.scan_period_max_ms", "/sys/kernel/debug/sched/numa_balancing/scan_period_max_ms" },
	{ "numa_balancing.scan_size_mb", "/sys/kernel/debug/sched/numa_balancing/scan_size_mb" },
	{ NULL, "/sys/kernel/mm/transparent_hugepage/defrag" },
	{ NULL, "/sys/kernel/mm/transparent_hugepage/shmem_enabled" },
	{ NULL, "/sys/kernel/mm/transparent_hugepage/khugepaged/defrag" },
	{ NULL, "/proc/sys/vm/zone_reclaim_mode" },
};

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

	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		if (read_first_line(knobs[i].path, buf, sizeof(buf)))
			continue;
		json_object_object_add(raw, knobs[i].path, json_object_new_string(buf));
		if (knobs[i].tunable)
			add_tunable(tun, knobs[i].tunable, buf);
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

static json_object *config_json(const struct monitor *mo, json_object *raw_knobs)
{
	json_object *c = json_object_new_object();
	json_object_object_add(c, "machine", json_object_new_string(mo->m.name));
	json_object_object_add(c, "machine_arg", json_object_new_string("host"));
	json_object_object_add(c, "workload", json_object_new_string(mo->wl.desc));
	json_object_object_add(c, "scale", json_object_new_double(mo->o.scale));
	json_object_object_add(c, "seed", jint(mo->o.seed));
	json_object *t = json_object_new_object();
	knobs_json(t, raw_knobs);
	json_object_object_add(c, "tunables", t);
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
		json_object_object_add(o, "numastat", ns);
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
	json_object_object_add(o, "exit_s", json_object_new_double((double)t->exit_ns / 1e9));
	if (t->have_numa) {	/* CONFIG_NUMA_BALANCING */
		json_object_object_add(o, "numa_preferred_nid", json_object_new_int64(t->numa_preferred_nid));
		json_object_object_add(o, "numa_scan_seq", json_object_new_int64(t->numa_scan_seq));
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
		json_object_object_add(o, "resident_pages", node_array(pages, mo->h.nr_nodes));
		if (np->final_valid)
			json_object_object_add(o, "mapped_pages_all",
					       node_array(np->final_all_pages, mo->h.nr_nodes));
		json_object_object_add(o, "exit_s", json_object_new_double((double)np->exit_ns / 1e9));
		json_object *tasks = json_object_new_array();
		for (uint32_t i = 0; i < nr_tasks; i++)
			if (sh->tasks[i].valid && sh->tasks[i].proc == p)
				json_object_array_add(tasks, task_json(&sh->tasks[i], i));
		json_object_object_add(o, "tasks", tasks);
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
		json_object_object_add(o, "t_s", json_object_new_double((double)x->t_ns / 1e9));
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
		json_object_object_add(o, "process_resident_pages", procs);
		json_object_object_add(o, "process_runnable_tasks", tasks);
		json_object_object_add(o, "process_numa_preferred_nid", pref);
		json_object_object_add(o, "process_numa_scan_seq", seq);
		json_object *v = json_object_new_object();
		for (size_t k = 0; k < ARRAY_SIZE(ts_counters); k++)
			if (x->have_vm[ts_counters[k]])
				json_object_object_add(v, vm_event_text[ts_counters[k]],
						       jdelta(x->vm[ts_counters[k]]));
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
		json_object_object_add(o, "rc", json_object_new_int64(r->rc));
		json_object_object_add(o, "errno", json_object_new_string(r->err ? strerrorname_np(r->err) : ""));
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

static json_object *result_json(const struct monitor *mo)
{
	const struct nat_shared *sh = mo->sh;
	json_object *r = json_object_new_object(), *raw = json_object_new_object();
	double elapsed = (double)mo->elapsed_ns / 1e9, aps = access_phase_s(mo);
	uint64_t acc = atomic_load(&sh->accesses);

	json_object_object_add(r, "numasim_version", json_object_new_string(NUMASIM_VERSION));
	json_object_object_add(r, "kernel_model", json_object_new_string(mo->kernel));
	json_object_object_add(r, "elapsed_s", json_object_new_double(elapsed));
	json_object_object_add(r, "host_s", json_object_new_double(elapsed));
	json_object_object_add(r, "truncated", json_object_new_boolean(false));
	json_object_object_add(r, "failed", json_object_new_boolean(sh->failed));
	json_object_object_add(r, "error", json_object_new_string(sh->failed ? sh->error : ""));
	json_object_object_add(r, "config", config_json(mo, raw));
	json_object *w = json_object_new_object();
	json_object_object_add(w, "accesses", jint(acc));
	json_object_object_add(w, "accesses_per_s", json_object_new_double(aps > 0 ? (double)acc / aps : 0.0));
	json_object_object_add(w, "access_phase_s", json_object_new_double(aps));
	json_object_object_add(r, "workload", w);
	json_object_object_add(r, "vmstat", vmstat_json(mo));
	json_object_object_add(r, "mthp", mthp_json(mo));
	json_object_object_add(r, "nodes", nodes_json(mo));
	json_object_object_add(r, "processes", processes_json(mo));
	json_object_object_add(r, "timeseries", timeseries_json(mo));
	json_object_object_add(r, "syscalls", syscalls_json(mo));
	json_object *n = json_object_new_object();
	json_object_object_add(n, "kernel", json_object_new_string(mo->kernel));
	json_object_object_add(n, "interval_ms", jint(mo->o.interval_ms));
	json_object_object_add(n, "samples", jint(mo->nr_ts));
	json_object_object_add(n, "workload_bytes_bound", jint(mo->need_bytes));
	json_object_object_add(n, "mem_available_bytes", jint(mo->avail_bytes));
	json_object_object_add(n, "dropped_syscalls", jint(sh->dropped_syscalls));
	json_object_object_add(n, "machine", machine_json(mo));
	json_object_object_add(n, "knobs", raw);
	json_object_object_add(r, "native", n);
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

static void summary(const struct monitor *mo, FILE *out)
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
	if (sh->failed)
		fprintf(out, "  failed: %s\n", sh->error);
}

/* ---- setup ---- */

/* hwloc's live topology as XML: the machine numasim imports for this host. */
static int write_machine_xml(const char *path)
{
	hwloc_topology_t topo;
	int rc = -1;

	if (hwloc_topology_init(&topo))
		return bad("--machine-xml: hwloc_topology_init failed");
	if (hwloc_topology_load(topo) == 0 && hwloc_topology_export_xml(topo, path, 0) == 0)
		rc = 0;
	hwloc_topology_destroy(topo);
	return rc ? bad("--machine-xml: cannot write '%s': %s", path, strerror(errno)) : 0;
}

static int setup(struct monitor *mo)
{
	char err[512];
	struct utsname u;

	if (host_probe(&mo->h, err, sizeof(err)))
		return bad("%s", err);
	if (machine_load_host(&mo->m, err, sizeof(err)))
		return bad("cannot describe this host as a machine: %s", err);
	if (mo->m.nr_nodes != mo->h.nr_nodes)
		fprintf(stderr, NATIVE_NAME ": warning: hwloc sees %u nodes, libnuma %u\n", mo->m.nr_nodes,
			mo->h.nr_nodes);
	if (uname(&u) == 0)
		snprintf(mo->kernel, sizeof(mo->kernel), "%s %s (%s, native)", u.sysname, u.release,
			 u.machine);
	if (mo->o.machine_xml && write_machine_xml(mo->o.machine_xml))
		return 2;
	if (mo->o.ops_test ? nat_ops_test_workload(&mo->wl, err, sizeof(err))
			   : workload_build(&mo->wl, mo->o.workload, &mo->m, mo->o.scale, mo->o.seed, err,
					    sizeof(err)))
		return bad("%s", err);
	int rc = check_supported(&mo->wl);
	if (rc)
		return rc;
	mo->need_bytes = workload_bytes(&mo->wl);
	mo->avail_bytes = mem_available_bytes();
	if (mo->avail_bytes && mo->need_bytes > mo->avail_bytes)
		return bad("workload '%s' may need up to %llu MiB, more than this host's %llu MiB "
			   "available (MemAvailable); use a smaller --scale or size",
			   mo->wl.desc, (unsigned long long)(mo->need_bytes / MiB),
			   (unsigned long long)(mo->avail_bytes / MiB));
	return shared_create(mo);
}

static void monitor_free(struct monitor *mo)
{
	for (uint32_t i = 0; i < mo->nr_ts; i++) {
		free(mo->ts[i].proc_pages);
		free(mo->ts[i].proc_tasks);
		free(mo->ts[i].pref_nid);
		free(mo->ts[i].scan_seq);
	}
	free(mo->ts);
	counters_free(&mo->vm0);
	counters_free(&mo->vm1);
	for (int n = 0; n < MAX_NUMNODES; n++) {
		counters_free(&mo->numa0[n]);
		counters_free(&mo->numa1[n]);
	}
	for (int o = 0; o <= PMD_ORDER; o++) {
		counters_free(&mo->mthp0[o]);
		counters_free(&mo->mthp1[o]);
	}
	if (mo->sh)
		munmap(mo->sh, mo->sh_size);
	workload_free(&mo->wl);
	free(mo);
}

int main(int argc, char **argv)
{
	struct monitor *mo = calloc(1, sizeof(*mo));

	if (!mo)
		return bad("out of memory");
	int rc = parse_args(argc, argv, &mo->o);
	if (!rc)
		rc = setup(mo);
	if (rc) {
		monitor_free(mo);
		return rc;
	}
	rc = run(mo);
	if (!mo->o.quiet)
		summary(mo, stdout);
	if (mo->o.json) {
		json_object *r = result_json(mo);
		if (json_object_to_file_ext(mo->o.json, r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)) {
			fprintf(stderr, NATIVE_NAME ": --json: cannot write '%s': %s\n", mo->o.json,
				strerror(errno));
			rc = 1;
		}
		json_object_put(r);
	}
	monitor_free(mo);
	return rc;
}
