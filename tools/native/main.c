// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/main.c - numasim-native: run a numasim workload as a real
 * program on this machine and write its result in the schema of
 * `numasim run --json`, so `numasim compare --from-json` sets a real run
 * beside a simulated one (docs/native.md).
 *
 *   numasim-native [--interval MS] [--json FILE] [--scale F] [--seed N] [--set K=V]... WORKLOAD
 *   numasim-native --calibrate FILE.machine [--json FILE] [--set K=V]...
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
#include <errno.h>
#include <getopt.h>
#include <hwloc.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "core/parse.h"
#include "core/tunables.h"
#include "monitor.h"
#include "stats/report.h"
#include "stats/vmstat.h"
#include "workload/workload.h"

#define DEFAULT_INTERVAL_MS 100

static int bad(const char *fmt, ...) sim_printf(1, 2);
static int bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_print(NATIVE_NAME, fmt, ap);
	va_end(ap);
	return 2;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: " NATIVE_NAME " [--interval MS] [--json FILE] [--scale F] [--seed N] [--quiet]\n"
		"                      [--set KEY=VALUE]... WORKLOAD\n"
		"       " NATIVE_NAME " --calibrate FILE.machine [--json FILE] [--set KEY=VALUE]...\n"
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
		"  --set KEY=VALUE\n"
		"                 write numasim tunable KEY to its host knob first (repeatable;\n"
		"                 not restored at exit)\n"
		"  --calibrate FILE\n"
		"                 instead of WORKLOAD: measure this machine (latencies, bandwidths,\n"
		"                 fault and migration costs) and write it as a numasim machine file;\n"
		"                 --json FILE then gets the raw measurements\n"
		"Exit status: 2 for bad input, 1 if the workload failed, else 0.\n",
		DEFAULT_INTERVAL_MS);
}

static int parse_uint(const char *arg, uint64_t max, uint64_t *out)
{
	return parse_u64_str(arg, 0, max, out) == PARSE_OK ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' }, { "json", required_argument, NULL, 'j' },
		{ "scale", required_argument, NULL, 's' }, { "seed", required_argument, NULL, 'S' },
		{ "workload", required_argument, NULL, 'w' }, { "quiet", no_argument, NULL, 'q' },
		{ "machine-xml", required_argument, NULL, 'x' }, { "ops-test", no_argument, NULL, 'o' },
		{ "set", required_argument, NULL, 'K' }, { "calibrate", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	uint64_t v;

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
		case 'C': o->calibrate = optarg; break;
		case 'K': {
			const char **n = realloc(o->sets, (o->nr_sets + 1) * sizeof(*n));
			if (!n)
				return bad("out of memory");
			o->sets = n;
			o->sets[o->nr_sets++] = optarg;
			break;
		}
		case 's':
			if (parse_double_str(optarg, &o->scale) || o->scale < WL_SCALE_MIN ||
			    o->scale > WL_SCALE_MAX)
				return bad("--scale '%s': give a decimal number from 0.000001 to 1000",
					   optarg);
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
	if (o->calibrate && (o->workload || o->ops_test))
		return bad("--calibrate measures the machine: give no WORKLOAD or --ops-test");
	if (o->calibrate && strlen(o->calibrate) >= 4 &&
	    !strcmp(o->calibrate + strlen(o->calibrate) - 4, ".xml"))
		return bad("--calibrate '%s': numasim reads a file named *.xml as hwloc XML; "
			   "name the machine file otherwise", o->calibrate);
	if (o->calibrate)
		return 0;
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
			if (op == WL_TRACE || op == WL_DEV_MIGRATE ||
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

/* ---- running ---- */

/*
 * Keep NUMA balancing's scanner off the monitor's own memory, so that the
 * system-wide hint-fault and PTE-update counters are the workload's:
 * task_numa_work skips every VMA whose policy lacks MPOL_F_MOF
 * (vma_policy_mof), and a task policy of MPOL_LOCAL has none, while
 * allocating where the default policy would. Set after the fork, so the
 * workload processes keep the default policy.
 */
static void monitor_unscanned(void)
{
	long rc = host_set_mempolicy(MPOL_LOCAL, 0);
	if (rc < 0 && rc != -ENOSYS)
		err_print(NATIVE_NAME, "warning: set_mempolicy(MPOL_LOCAL) for the monitor: "
			"%s", strerror((int)-rc));
}

static int run(struct monitor *mo)
{
	struct nat_shared *sh = mo->sh;

	if (prctl(PR_SET_CHILD_SUBREAPER, 1))	/* orphans of the workload come back here */
		err_print(NATIVE_NAME, "warning: PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
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
	monitor_unscanned();
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

/*
 * Without hwloc's view (a sandbox that hides sysfs, say): the nodes libnuma
 * or sysconf gave, one core per CPU, the memory of the node's meminfo (all
 * of MemAvailable on a host without node files). SIMPLIFIED: no SMT, one
 * socket, the default latencies.
 */
static int machine_from_probe(struct monitor *mo, char *err, size_t errlen)
{
	struct machine *m = &mo->m;
	uint32_t cores[MAX_NUMNODES] = { 0 };

	machine_init_defaults(m);
	snprintf(m->name, sizeof(m->name), "host");
	m->nr_nodes = mo->h.nr_nodes;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		int found;
		uint64_t kb = node_meminfo_kb(n, "MemTotal", &found);
		uint64_t bytes = found ? kb * KiB : mem_available_bytes();
		m->node[n].kind = MEM_DRAM;
		m->node[n].mem_bytes = MAX(ALIGN_DOWN(bytes, 4 * MiB), 4 * MiB);
		m->node[n].bw_gbps = m->node[n].write_bw_gbps = 10.0;	/* APPROX: unknown */
		cores[n] = mo->h.node_nr_cpus[n];
	}
	for (uint32_t a = 0; a < m->nr_nodes; a++)
		for (uint32_t b = 0; b < m->nr_nodes; b++)
			m->latency_ns[a][b] = a == b ? 80 : 130;
	return machine_add_cpus(m, cores, err, errlen) || machine_validate(m, err, errlen) ? -1 : 0;
}

static int setup(struct monitor *mo)
{
	char err[512];
	struct utsname u;

	if (host_probe(&mo->h, err, sizeof(err)))
		return bad("%s", err);
	if (machine_load_host(&mo->m, err, sizeof(err))) {
		err_print(NATIVE_NAME, "warning: %s; describing the host from libnuma", err);
		if (machine_from_probe(mo, err, sizeof(err)))
			return bad("cannot describe this host as a machine: %s", err);
	}
	if (mo->m.nr_nodes != mo->h.nr_nodes)
		err_print(NATIVE_NAME, "warning: hwloc sees %u nodes, libnuma %u", mo->m.nr_nodes,
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
	free(mo->knobs);
	free(mo->o.sets);
	free(mo);
}

/* --set: every key checked before any is written (bad ones exit 2). */
static int apply_sets(struct monitor *mo)
{
	char err[512];

	mo->knobs = calloc(mo->o.nr_sets + 1, sizeof(*mo->knobs));
	if (!mo->knobs)
		return bad("out of memory");
	for (uint32_t i = 0; i < mo->o.nr_sets; i++)
		if (knob_parse(mo->o.sets[i], &mo->knobs[i], err, sizeof(err)))
			return bad("%s", err);
	mo->nr_knobs = mo->o.nr_sets;
	for (uint32_t i = 0; i < mo->nr_knobs; i++)
		knob_apply(&mo->knobs[i]);
	return 0;
}

int main(int argc, char **argv)
{
	struct monitor *mo = calloc(1, sizeof(*mo));

	if (!mo)
		return bad("out of memory");
	if (argc == 5 && !strcmp(argv[1], "--calibrate-sweep")) {
		free(mo);
		return nat_calibrate_sweep(argv + 2);
	}
	int rc = parse_args(argc, argv, &mo->o);
	if (!rc)
		rc = apply_sets(mo);
	if (!rc && mo->o.calibrate) {
		rc = nat_calibrate(mo->o.calibrate, mo->o.json, mo->knobs, mo->nr_knobs, mo->o.quiet);
		monitor_free(mo);
		return rc;
	}
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
			err_print(NATIVE_NAME, "--json: cannot write '%s': %s", mo->o.json,
				strerror(errno));
			rc = 1;
		}
		json_object_put(r);
	}
	monitor_free(mo);
	return rc;
}
