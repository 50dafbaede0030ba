// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/validate.c - numasim validate: the same workload on a real Linux
 * kernel, booted in QEMU with the machine's NUMA topology, and in numasim,
 * side by side (docs/validation.md).
 *
 *   numasim validate [run options] [--kernel PATH | --kernel-version V] [--out DIR]
 *                    [--json FILE] [--accel auto|kvm|tcg] [--guest-cpus N]
 *                    [--guest-mem SIZE] [--interval MS] [--timeout SEC]
 *                    [--sim-machine FILE] [--no-calibrate]
 *   numasim validate --table DIR [--json FILE]    the table of a finished run again
 *   numasim validate --check DIR...                  rerun numasim, check DIR/bounds.txt
 *
 * A run has four steps, each leaving its files in DIR:
 *   1. scale the machine to a guest this host can hold (guest_plan: the same
 *      nodes, kinds and SLIT distances; at most --guest-cpus vCPUs per node;
 *      memory scaled by one factor to --guest-mem) and write DIR/guest.conf;
 *   2. tools/validate/guest.sh boots the kernel with that topology and runs
 *      numasim-native in it twice, with every Linux knob of the simulation
 *      set: --calibrate (the guest's own costs as a machine file,
 *      DIR/calibration.machine) and the workload (DIR/linux.json);
 *   3. numasim runs the workload on DIR/calibration.machine with the same
 *      seed, scale and knobs, plus the scan rules of the guest's kernel
 *      version (kernel_rules), and writes DIR/numasim.json; DIR/validate.conf
 *      records how, so --check can do it again without QEMU;
 *   4. the table: counter | Linux | numasim | ratio (DIR/table.txt), and
 *      DIR/bounds.proposed, bounds a reference run can keep as bounds.txt.
 *
 * Exit status: 0; 1 if the simulation failed or --check found a row out of
 * bounds; 2 for bad input; 3 if QEMU or the kernel cannot be had; 4 if the
 * guest failed (the status of guest.sh is passed on).
 */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/parse.h"
#include "numa/policy.h"
#include "stats/json_get.h"

#define V_MAX_ROWS 256
#define V_KEY_LEN 96
#define V_MAX_SETS 128
#define V_DEFAULT_GUEST_CPUS 2
#define V_DEFAULT_INTERVAL_MS 500
#define V_MIN_NODE_MB 256	/* a node below this boots badly; kmem onlines 128 MiB blocks */
#define V_BLOCK_MB 128

struct validate_opts {
	struct run_opts run;
	const char *sets[V_MAX_SETS];	/* --set as given, for guest and validate.conf */
	uint32_t nr_sets;
	const char *kernel, *kernel_version, *accel, *out, *json, *sim_machine;
	const char *table_dir;
	uint32_t guest_cpus, interval_ms, timeout_s;
	uint64_t guest_mem_mb;		/* 0: min(4 GiB, a third of MemAvailable) */
	bool no_calibrate, check, dry_run;
	char **check_dirs;
	int nr_check_dirs;
};

/* One row of the table: a value of each run and how --check bounds it. */
enum row_kind { ROW_COUNT, ROW_SECONDS, ROW_PAGES };
struct vrow {
	char key[V_KEY_LEN];	/* stable id: vmstat.numa_hint_faults, p0.node1_pages, ... */
	char label[V_KEY_LEN];
	enum row_kind kind;
	bool have_l, have_s;
	double l, s;		/* ROW_SECONDS: -1 = never */
	double total_l, total_s;	/* ROW_PAGES: the process's pages, for shares */
};
struct vtable {
	struct vrow r[V_MAX_ROWS];
	uint32_t nr;
};

void validate_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim validate [run options] [--kernel PATH | --kernel-version V]\n"
		"                        [--out DIR] [--json FILE] [options below]\n"
		"       numasim validate --table DIR [--json FILE]\n"
		"       numasim validate --check DIR...\n"
		"Boot a real Linux kernel in QEMU with the machine's NUMA topology, scaled to\n"
		"what this host holds, run the workload there (numasim-native), calibrate a\n"
		"machine file to the guest, run numasim on it with the same workload, seed\n"
		"and knobs, and print counter | Linux | numasim | ratio (docs/validation.md).\n"
		"run options:\n"
		CLI_RUN_OPTIONS_HELP
		"  --kernel PATH      a kernel image you built (bzImage); default: Debian's\n"
		"  --kernel-version V Debian's linux-image-V (e.g. 6.1.0-57-amd64), or 6.1,\n"
		"                     or newest (the newest apt can see, backports included)\n"
		"  --out DIR          where the run's files go (default validate-out)\n"
		"  --json FILE        both runs and the table as JSON\n"
		"  --accel auto|kvm|tcg   QEMU accelerator (default auto: KVM if it boots)\n"
		"  --guest-cpus N     vCPUs per node at most (default %d)\n"
		"  --guest-mem SIZE   guest memory in all (default: 4G or a third of this\n"
		"                     host's MemAvailable, the smaller)\n"
		"  --interval MS      sampling period in both runs (default %d)\n"
		"  --timeout SEC      limit on the guest (default 900)\n"
		"  --sim-machine FILE simulate on this machine file, not the calibrated one\n"
		"  --no-calibrate     skip the guest calibration (needs --sim-machine)\n"
		"  --dry-run          plan the guest, write DIR/guest.conf and stop\n"
		"  --table DIR        print the table of a finished run in DIR again\n"
		"  --check DIR...     rerun numasim from each DIR's validate.conf and check\n"
		"                     its rows against DIR/bounds.txt (no QEMU)\n"
		"Exit status: 0; 1 if the simulation failed or a row is out of bounds; 2 for\n"
		"bad input; 3 if QEMU or the kernel cannot be had; 4 if the guest failed.\n"
		"example:\n"
		"  numasim validate --machine examples/machines/kref-2x2.machine \\\n"
		"      --workload wrongnode:size=128M,passes=40 --set numa_balancing.scan_delay_ms=100\n",
		V_DEFAULT_GUEST_CPUS, V_DEFAULT_INTERVAL_MS);
}

/* ---- small helpers ---- */

static int vbad(const char *fmt, ...) sim_printf(1, 2);
static int vbad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr_print("numasim validate", fmt, ap);
	va_end(ap);
	return 2;
}

static bool jnum(json_object *v, double *out)
{
	if (!v || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return false;
	*out = json_object_get_double(v);
	return true;
}

static char *path_in(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int parse_uint(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	if (parse_u64_str(arg, min, max, out))
		return vbad("%s: '%s' is not a whole number in %llu..%llu", opt, arg,
			    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* "512M", "4G", "2048" (MiB): a size (core/parse.h), a bare number in MiB -> MiB. */
static int parse_mem_mb(const char *arg, uint64_t *out)
{
	size_t n = strlen(arg);
	bool bare = n && arg[n - 1] >= '0' && arg[n - 1] <= '9';
	uint64_t v;

	if (parse_size(arg, n, &v))
		return vbad("--guest-mem: '%s' is not a size (e.g. 2G, 1536M)", arg);
	if (!bare && v % MiB)
		return vbad("--guest-mem: '%s' is not a whole number of MiB", arg);
	if (!bare)
		v /= MiB;
	if (v > (1ull << 22) || v < V_MIN_NODE_MB)
		return vbad("--guest-mem: '%s' must be %d MiB .. 4 TiB", arg, V_MIN_NODE_MB);
	*out = v;
	return 0;
}

/* MemAvailable of this host in MiB, 0 if unknown. */
static uint64_t host_mem_available_mb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb / 1024;
}

/* ---- options ---- */

enum {
	OPT_KERNEL = 1000, OPT_KVER, OPT_OUT, OPT_JSON, OPT_ACCEL, OPT_GCPUS, OPT_GMEM,
	OPT_INTERVAL, OPT_TIMEOUT, OPT_SIMM, OPT_NOCAL, OPT_TABLE, OPT_CHECK, OPT_DRY, OPT_HELP,
};

static int parse_validate_options(int argc, char **argv, struct validate_opts *v)
{
	static const struct option longopts[] = {
		CLI_RUN_LONGOPTS,
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "kernel-version", required_argument, NULL, OPT_KVER },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "accel", required_argument, NULL, OPT_ACCEL },
		{ "guest-cpus", required_argument, NULL, OPT_GCPUS },
		{ "guest-mem", required_argument, NULL, OPT_GMEM },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "sim-machine", required_argument, NULL, OPT_SIMM },
		{ "no-calibrate", no_argument, NULL, OPT_NOCAL },
		{ "table", required_argument, NULL, OPT_TABLE },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t u;
	int c, rc;
	run_opts_init(&v->run);
	v->out = "validate-out";
	v->accel = "auto";
	v->guest_cpus = V_DEFAULT_GUEST_CPUS;
	v->interval_ms = V_DEFAULT_INTERVAL_MS;
	v->timeout_s = 900;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if ((rc = cli_run_option(&v->run, c, optarg)) != 1) {
			if (rc)
				return rc;
			if (c == OPT_SET) {
				if (v->nr_sets == V_MAX_SETS)
					return vbad("--set: at most %d", V_MAX_SETS);
				v->sets[v->nr_sets++] = optarg;
			}
			continue;
		}
		switch (c) {
		case OPT_KERNEL: v->kernel = optarg; break;
		case OPT_KVER: v->kernel_version = optarg; break;
		case OPT_OUT: v->out = optarg; break;
		case OPT_JSON: v->json = optarg; break;
		case OPT_SIMM: v->sim_machine = optarg; break;
		case OPT_NOCAL: v->no_calibrate = true; break;
		case OPT_TABLE: v->table_dir = optarg; break;
		case OPT_CHECK: v->check = true; break;
		case OPT_DRY: v->dry_run = true; break;
		case OPT_ACCEL:
			if (strcmp(optarg, "auto") && strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
				return vbad("--accel: '%s' is not auto, kvm or tcg", optarg);
			v->accel = optarg;
			break;
		case OPT_GCPUS:
			if ((rc = parse_uint("--guest-cpus", optarg, 1, 64, &u)))
				return rc;
			v->guest_cpus = (uint32_t)u;
			break;
		case OPT_GMEM:
			if ((rc = parse_mem_mb(optarg, &v->guest_mem_mb)))
				return rc;
			break;
		case OPT_INTERVAL:
			if ((rc = parse_uint("--interval", optarg, 10, 60000, &u)))
				return rc;
			v->interval_ms = (uint32_t)u;
			break;
		case OPT_TIMEOUT:
			if ((rc = parse_uint("--timeout", optarg, 10, 86400, &u)))
				return rc;
			v->timeout_s = (uint32_t)u;
			break;
		case OPT_HELP:
			validate_usage(stdout);
			exit(0);
		default:
			validate_usage(stderr);
			return 2;
		}
	}
	if (v->check) {
		if (optind >= argc)
			return vbad("--check: name at least one validation directory");
		v->check_dirs = argv + optind;
		v->nr_check_dirs = argc - optind;
		return 0;
	}
	if (optind < argc)
		return vbad("unexpected argument '%s' (see numasim validate --help)", argv[optind]);
	if (v->kernel && v->kernel_version)
		return vbad("--kernel and --kernel-version: give one");
	if (v->no_calibrate && !v->sim_machine)
		return vbad("--no-calibrate: give --sim-machine FILE to simulate on");
	return 0;
}

/* ---- step 1: the guest ---- */

/*
 * guest_plan - the QEMU guest for machine @m: the same nodes (kinds and SLIT
 * distances kept), min(CPUs, @cpus_per_node) vCPUs on each node with CPUs
 * (one thread per core), and each node's memory times one factor, so the
 * guest holds @budget_mb in all (never more than the machine has), rounded
 * down to 128 MiB and at least 256 MiB a node. Writes the guest into @g.
 */
static int guest_plan(const struct machine *m, uint32_t cpus_per_node, uint64_t budget_mb,
		      struct machine *g, char *err, size_t errlen)
{
	uint64_t total_mb = 0;
	uint32_t cores[MAX_NUMNODES];
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		if (m->node[n].kind == MEM_DEVICE) {
			snprintf(err, errlen, "node %u is device memory (kind = device): QEMU has no "
				 "device-private memory to boot a kernel with; validate a machine "
				 "without it", n);
			return -1;
		}
		total_mb += m->node[n].mem_bytes / MiB;
	}
	*g = *m;
	g->smt = 1;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		uint64_t mb = total_mb > budget_mb ? m->node[n].mem_bytes / MiB * budget_mb / total_mb
						   : m->node[n].mem_bytes / MiB;
		mb = mb / V_BLOCK_MB * V_BLOCK_MB;
		if (mb < V_MIN_NODE_MB)
			mb = V_MIN_NODE_MB;
		g->node[n].mem_bytes = mb * MiB;
		cores[n] = m->node[n].nr_cpus < cpus_per_node ? m->node[n].nr_cpus : cpus_per_node;
	}
	if (machine_add_cpus(g, cores, err, errlen) || machine_validate(g, err, errlen))
		return -1;
	snprintf(g->name, sizeof(g->name), "guest");
	return 0;
}

/* The Linux knobs: every tunable but the simulator's own (numasim.*) and
 * the 2012 AutoNUMA's, which mainline kernels do not have. */
static bool is_linux_knob(const char *name)
{
	return strncmp(name, "numasim.", 8) && strncmp(name, "autonuma.", 9);
}

static int write_guest_conf(const char *path, const struct validate_opts *v,
			    const struct machine *g, const char *workload)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return vbad("--out: cannot write '%s': %s", path, strerror(errno));
	fprintf(f, "# numasim validate: the guest (tools/validate/guest.sh reads this)\n");
	fprintf(f, "NV_NODE_CPUS='");
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		fprintf(f, "%s%u", n ? " " : "", g->node[n].nr_cpus);
	fprintf(f, "'\nNV_NODE_MEM_MB='");
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		fprintf(f, "%s%llu", n ? " " : "", (unsigned long long)(g->node[n].mem_bytes / MiB));
	fprintf(f, "'\nNV_NODE_KIND='");
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		fprintf(f, "%s%s", n ? " " : "", mem_kind_name(g->node[n].kind));
	fprintf(f, "'\nNV_DISTANCE='");
	for (uint32_t a = 0; a < g->nr_nodes; a++)
		for (uint32_t b = 0; b < g->nr_nodes; b++)
			fprintf(f, "%s%u", b ? " " : a ? "," : "", g->distance[a][b]);
	fprintf(f, "'\nNV_KNOBS='");
	char buf[64];
	bool first = true;
	for (int t = 0; t < NR_TUNABLES; t++) {
		if (!is_linux_knob(tunable_desc[t].name))
			continue;
		fprintf(f, "%s%s=%s", first ? "" : " ", tunable_desc[t].name,
			tunable_value_str(&v->run.tun, (enum tunable_id)t, buf, sizeof(buf)));
		first = false;
	}
	fprintf(f, "'\nNV_WORKLOAD='%s'\n", workload);
	fprintf(f, "NV_SEED=%llu\nNV_SCALE=%.17g\nNV_INTERVAL_MS=%u\nNV_CALIBRATE=%d\n",
		(unsigned long long)v->run.seed, v->run.scale, v->interval_ms, !v->no_calibrate);
	int bad = ferror(f);
	if (fclose(f) || bad)
		return vbad("--out: cannot write '%s'", path);
	return 0;
}

/* The workload as the guest gets it: a file by its absolute path (guest.sh
 * copies it in); a spec as it is. Quotes would break guest.conf. */
static int guest_workload(const char *w, char *out, size_t len)
{
	if (strchr(w, '\'') || strchr(w, '\n'))
		return vbad("--workload: quotes and newlines cannot go to the guest");
	if (!strncmp(w, "trace:", 6))
		return vbad("--workload: a trace cannot run in the guest; run the traced program "
			    "itself in a workload file");
	if (file_exists(w) && w[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return vbad("--workload: %s", strerror(errno));
		if ((size_t)snprintf(out, len, "%s/%s", cwd, w) >= len)
			return vbad("--workload: path too long");
		return 0;
	}
	if ((size_t)snprintf(out, len, "%s", w) >= len)
		return vbad("--workload: too long");
	return 0;
}

/* ---- step 2: the guest run ---- */

/* tools/validate/guest.sh of the tree this numasim was built in:
 * $NUMASIM_VALIDATE_SCRIPT, else up from the binary (build/ or build/release/). */
static char *find_script(char *native, size_t native_len)
{
	const char *env = getenv("NUMASIM_VALIDATE_SCRIPT");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	native[0] = 0;
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		if ((size_t)snprintf(native, native_len, "%s/numasim-native", exe) >= native_len ||
		    access(native, X_OK))
			native[0] = 0;
	}
	if (env)
		return strdup(env);
	if (n <= 0)
		return NULL;
	static const char *const up[] = { "/..", "/../..", "/../../.." };
	for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
		char *p;
		if (asprintf(&p, "%s%s/tools/validate/guest.sh", exe, up[i]) < 0)
			return NULL;
		if (!access(p, X_OK))
			return p;
		free(p);
	}
	return NULL;
}

/* guest.sh on @conf: the whole guest run, or with --dry-run only its check
 * of the config (--check-config). */
static int run_guest(const struct validate_opts *v, const char *conf)
{
	char native[PATH_MAX];
	char *script = find_script(native, sizeof(native));
	if (!script)
		return vbad("cannot find tools/validate/guest.sh next to this numasim (set "
			    "NUMASIM_VALIDATE_SCRIPT)");
	char timeout[16];
	snprintf(timeout, sizeof(timeout), "%u", v->timeout_s);
	const char *argv[16];
	int a = 0;
	argv[a++] = script;
	argv[a++] = v->dry_run ? "--check-config" : "--config";
	argv[a++] = conf;
	if (v->dry_run)
		goto exec;
	argv[a++] = "--out";
	argv[a++] = v->out;
	argv[a++] = "--accel";
	argv[a++] = v->accel;
	argv[a++] = "--timeout";
	argv[a++] = timeout;
	if (v->kernel) {
		argv[a++] = "--kernel";
		argv[a++] = v->kernel;
	} else if (v->kernel_version) {
		argv[a++] = "--kernel-version";
		argv[a++] = v->kernel_version;
	}
	if (native[0]) {
		argv[a++] = "--native";
		argv[a++] = native;
	}
exec:
	argv[a] = NULL;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		free(script);
		return vbad("fork: %s", strerror(errno));
	}
	if (pid == 0) {
		execv(script, (char *const *)argv);
		err_print("numasim validate", "cannot run '%s': %s", script, strerror(errno));
		_exit(3);
	}
	free(script);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return vbad("waitpid: %s", strerror(errno));
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	err_print("numasim validate", "guest.sh killed by signal %d", WTERMSIG(st));
	return 4;
}

/* ---- step 3: the simulation ---- */

/*
 * kernel_rules - the tunables that make numasim scan as kernel @release
 * ("6.1.0-57-amd64") does, unless --set chose them: no per-VMA scan state
 * (vma->numab_state) before 6.4, anonymous mmaps not PMD-aligned before 6.7,
 * no mTHP NUMA balancing before 6.10.
 * Appends "KEY=VALUE" to @sets (of capacity V_MAX_SETS); returns how many.
 */
static uint32_t kernel_rules(const char *release, const struct validate_opts *v, char sets[][64])
{
	unsigned maj = 0, min = 0;
	uint32_t nr = 0;
	if (!release || sscanf(release, "%u.%u", &maj, &min) != 2)
		return 0;
	static const struct { const char *key; unsigned maj, min; } rules[] = {
		{ "numasim.numab", 6, 4 },
		{ "numasim.thp_mmap_align", 6, 7 },
		{ "numasim.mthp_numa", 6, 10 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (maj > rules[i].maj || (maj == rules[i].maj && min >= rules[i].min))
			continue;
		bool given = false;
		for (uint32_t k = 0; k < v->nr_sets; k++)
			given |= !strncmp(v->sets[k], rules[i].key, strlen(rules[i].key)) &&
				 v->sets[k][strlen(rules[i].key)] == '=';
		if (!given)
			snprintf(sets[nr++], 64, "%s=0", rules[i].key);
	}
	return nr;
}

/* validate.conf: what step 3 ran, one "key = value" a line; "set" repeats. */
struct vconf {
	char machine[PATH_MAX];		/* relative to the directory */
	char workload[PATH_MAX];
	char kernel[128];
	uint64_t seed;
	double scale;
	char sets[V_MAX_SETS][256];
	uint32_t nr_sets;
};

static int write_vconf(const char *path, const struct vconf *c)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return vbad("cannot write '%s': %s", path, strerror(errno));
	fprintf(f, "# numasim validate: how numasim ran beside the guest (numasim validate --check)\n");
	fprintf(f, "kernel = %s\nmachine = %s\nworkload = %s\nseed = %llu\nscale = %.17g\n",
		c->kernel, c->machine, c->workload, (unsigned long long)c->seed, c->scale);
	for (uint32_t i = 0; i < c->nr_sets; i++)
		fprintf(f, "set = %s\n", c->sets[i]);
	int bad = ferror(f);
	if (fclose(f) || bad)
		return vbad("cannot write '%s'", path);
	return 0;
}

static int read_vconf(const char *path, struct vconf *c)
{
	FILE *f = fopen(path, "r");
	char line[PATH_MAX + 64];
	unsigned lineno = 0;
	*c = (struct vconf){ .scale = 1, .seed = 1 };
	if (!f)
		return vbad("cannot read '%s': %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		char *eq = strstr(line, " = ");
		if (!eq) {
			fclose(f);
			return vbad("%s:%u: expected 'key = value'", path, lineno);
		}
		*eq = 0;
		const char *k = line, *val = eq + 3;
		int bad = 0;
		if (!strcmp(k, "machine"))
			bad = snprintf(c->machine, sizeof(c->machine), "%s", val) >= (int)sizeof(c->machine);
		else if (!strcmp(k, "workload"))
			bad = snprintf(c->workload, sizeof(c->workload), "%s", val) >= (int)sizeof(c->workload);
		else if (!strcmp(k, "kernel"))
			bad = snprintf(c->kernel, sizeof(c->kernel), "%s", val) >= (int)sizeof(c->kernel);
		else if (!strcmp(k, "seed"))
			bad = parse_u64_str(val, 0, UINT64_MAX, &c->seed) != PARSE_OK;
		else if (!strcmp(k, "scale"))
			bad = parse_double_str(val, &c->scale) || c->scale < WL_SCALE_MIN ||
			      c->scale > WL_SCALE_MAX;
		else if (!strcmp(k, "set") && c->nr_sets < V_MAX_SETS)
			bad = snprintf(c->sets[c->nr_sets++], sizeof(c->sets[0]), "%s", val) >=
			      (int)sizeof(c->sets[0]);
		else
			bad = 1;
		if (bad) {
			fclose(f);
			return vbad("%s:%u: key '%s': bad or unknown", path, lineno, k);
		}
	}
	fclose(f);
	if (!c->machine[0] || !c->workload[0])
		return vbad("%s: needs 'machine' and 'workload'", path);
	return 0;
}

/* Copy file @src to DIR/@name, so a run directory holds all it needs. */
static int copy_into(const char *dir, const char *name, const char *src)
{
	char *dst = path_in(dir, name);
	FILE *in = fopen(src, "rb"), *out = dst ? fopen(dst, "wb") : NULL;
	char buf[1 << 14];
	size_t n;
	int rc = in && out ? 0 : -1;
	while (!rc && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in && ferror(in))
		rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	if (rc)
		vbad("cannot copy '%s' to '%s': %s", src, dst ? dst : dir, strerror(errno));
	free(dst);
	return rc ? 2 : 0;
}

static size_t nr_procs(json_object *res)
{
	json_object *p = jget(res, RKEY(PROCESSES));
	return p && json_object_is_type(p, json_type_array) ? json_object_array_length(p) : 0;
}

static uint64_t ju64(json_object *v)
{
	return v && json_object_is_type(v, json_type_int) ? json_object_get_uint64(v) : 0;
}

/*
 * Regions of process @p that held as many THPs in Linux as an aligned one
 * can (len / 2 MiB: AnonHugePages of its VMAs at exit, numasim-native's
 * thp_bytes), as a bit mask. An unaligned region holds one fewer, unless the
 * kernel merged it with a neighbour (a thread stack just below, say) whose
 * PMD at the region's edge was still empty, so that a THP fault there
 * covers a little of the neighbour: chance either way. Without thp_bytes,
 * a region mapped at a PMD boundary.
 */
static uint64_t linux_aligned_regions(json_object *L, size_t p)
{
	json_object *rs = jget(json_object_array_get_idx(jget(L, RKEY(PROCESSES)), p), RKEY(PROC_REGIONS));
	uint64_t mask = 0;
	for (size_t i = 0; rs && i < json_object_array_length(rs); i++) {
		json_object *r = json_object_array_get_idx(rs, i);
		uint64_t reg = ju64(jget(r, RKEY(REGION_REGION))), start = ju64(jget(r, RKEY(REGION_ADDR)));
		uint64_t end = start + ju64(jget(r, RKEY(REGION_LEN)));
		if (reg >= 64 || !jget(r, RKEY(REGION_ADDR)))
			continue;
		json_object *thp = jget(r, RKEY(REGION_THP_BYTES));
		bool full = thp ? ju64(thp) >= ALIGN_DOWN(end - start, PMD_SIZE) && ju64(thp) > 0
				: start % PMD_SIZE == 0;
		if (full)
			mask |= 1ull << reg;
	}
	return mask;
}

/* Mark in @reach the programs process @p runs: its main program and those it spawns. */
static void programs_of(const struct workload *wl, uint32_t prog, bool *reach)
{
	if (reach[prog])
		return;
	reach[prog] = true;
	const struct wl_program *g = &wl->programs[prog];
	for (uint32_t i = 0; i < g->nr_phases; i++)
		if (g->phases[i].op == WL_SPAWN && g->phases[i].target < wl->nr_programs)
			programs_of(wl, g->phases[i].target, reach);
}

/*
 * align_like_linux - before 6.7 (numasim.thp_mmap_align=0) where a region
 * starts against a PMD boundary is chance: it is where earlier mappings and
 * ASLR left the free address, and it decides how many THPs the region holds
 * (a 128 MiB buffer: 64, or 63 and 512 base pages). numasim puts every region
 * one page past a boundary; this gives the regions Linux had PMD-aligned
 * (linux.json's processes[].regions) align = PMD_SIZE in the simulation too.
 * A program that processes disagreeing on a region share is left as it is.
 * Returns how many mmap phases changed.
 */
static uint32_t align_like_linux(struct workload *wl, json_object *L)
{
	bool *reach = calloc(wl->nr_programs ? wl->nr_programs : 1, sizeof(*reach));
	uint64_t *want = calloc(wl->nr_programs ? wl->nr_programs : 1, sizeof(*want));
	uint64_t *seen = calloc(wl->nr_programs ? wl->nr_programs : 1, sizeof(*seen));
	uint32_t changed = 0;
	if (!reach || !want || !seen)
		goto out;
	for (uint32_t p = 0; p < wl->nr_procs && p < nr_procs(L); p++) {
		uint64_t mask = linux_aligned_regions(L, p);
		memset(reach, 0, wl->nr_programs * sizeof(*reach));
		programs_of(wl, wl->procs[p].main_program, reach);
		for (uint32_t g = 0; g < wl->nr_programs; g++) {
			if (!reach[g])
				continue;
			want[g] = seen[g] ? want[g] & mask : mask;
			seen[g] = ~0ull;
		}
	}
	for (uint32_t g = 0; g < wl->nr_programs; g++)
		for (uint32_t i = 0; i < wl->programs[g].nr_phases; i++) {
			struct wl_phase *ph = &wl->programs[g].phases[i];
			if (ph->op == WL_MMAP && !ph->align && ph->region < 64 && ph->len >= PMD_SIZE &&
			    (want[g] >> ph->region & 1)) {
				ph->align = PMD_SIZE;
				changed++;
			}
		}
out:
	free(reach);
	free(want);
	free(seen);
	return changed;
}

/* Run numasim as @c says, in directory @dir; write DIR/numasim.json if
 * @write (--check leaves a reference run as it is). A workload file named
 * without a directory is the run directory's copy. @L: the Linux run, whose
 * region placement a pre-6.7 simulation copies. */
static int simulate(const char *dir, const struct vconf *c, json_object *L, bool write,
		    json_object **res)
{
	struct run_opts o;
	char err[1024];
	char *machine = path_in(dir, c->machine);
	if (machine && !file_exists(machine)) {	/* a preset, or an absolute path */
		free(machine);
		machine = strdup(c->machine);
	}
	char *wl = strchr(c->workload, '/') ? NULL : path_in(dir, c->workload);
	run_opts_init(&o);
	o.machine = machine;
	o.workload = wl && file_exists(wl) ? wl : c->workload;
	o.seed = c->seed;
	o.scale = c->scale;
	int rc = 0;
	for (uint32_t i = 0; i < c->nr_sets && !rc; i++)
		if (tunable_set(&o.tun, c->sets[i], err, sizeof(err)))
			rc = vbad("set %s: %s", c->sets[i], err);
	struct cli_setup su;
	if (rc || !machine || (rc = cli_setup(&su, &o))) {
		free(machine);
		free(wl);
		return rc ? rc : 2;
	}
	if (!o.tun.v[T_THP_MMAP_ALIGN] && L) {
		uint32_t n = align_like_linux(&su.wl, L);
		if (n)
			err_print("numasim validate", "%u region%s PMD-aligned as Linux mapped "
				"them", n, n == 1 ? "" : "s");
	}
	struct cli_run r;
	if (cli_simulate(&r, &su, &o, &o.tun, "validate", err, sizeof(err))) {
		rc = vbad("%s", err);
	} else if (r.rc) {
		err_print("numasim validate", "the simulation failed: %s", r.s->error);
		rc = 1;
	} else {
		char *out = write ? path_in(dir, "numasim.json") : NULL;
		if (write && (!out || report_json_write(r.s, &r.ri, out)))
			rc = vbad("cannot write '%s/numasim.json'", dir);
		*res = rc ? NULL : report_json(r.s, &r.ri);
		free(out);
	}
	cli_run_free(&r);
	cli_setup_free(&su);
	free(machine);
	free(wl);
	return rc;
}

/* ---- step 4: the table ---- */

static struct vrow *add_row(struct vtable *t, enum row_kind kind, const char *key,
			    const char *label)
{
	if (t->nr == V_MAX_ROWS)
		return NULL;
	struct vrow *r = &t->r[t->nr++];
	*r = (struct vrow){ .kind = kind };
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->label, sizeof(r->label), "%s", label);
	return r;
}

/* /proc/vmstat counters of NUMA balancing, migration, THP and tiering. */
static const char *const vmstat_rows[] = {
	"pgfault", "thp_fault_alloc", "thp_fault_fallback", "thp_split_pmd",
	"numa_pte_updates", "numa_huge_pte_updates", "numa_hint_faults", "numa_hint_faults_local",
	"numa_pages_migrated", "pgmigrate_success", "pgmigrate_fail", "thp_migration_success",
	"thp_migration_fail", "thp_migration_split", "pgpromote_success", "pgpromote_candidate",
	"pgdemote_kswapd", "pgdemote_direct",
};
/* numastat, summed over the nodes (Linux's /proc/vmstat numa_* are these sums). */
static const char *const numastat_rows[] = {
	"numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node",
};
static const char *const mthp_stats[] = { "anon_fault_alloc", "anon_fault_fallback", "split" };

/* A count row zero or absent in both runs says nothing: take it back. */
static void drop_if_empty(struct vtable *t, const struct vrow *r)
{
	if (!(r->have_l && r->l) && !(r->have_s && r->s))
		t->nr--;
}

/* Counter @name of a result; false if it has none. */
typedef bool (*counter_fn)(json_object *res, const char *name, double *out);

static bool vmstat_counter(json_object *res, const char *name, double *out)
{
	return jnum(jget(jget(res, RKEY(VMSTAT)), name), out);
}

static bool numastat_sum(json_object *res, const char *name, double *out)
{
	json_object *nodes = jget(res, RKEY(NODES));
	bool any = false;
	*out = 0;
	for (size_t n = 0; nodes && n < json_object_array_length(nodes); n++) {
		double x;
		if (jnum(jget(jget(json_object_array_get_idx(nodes, n), RKEY(NODE_NUMASTAT)), name), &x)) {
			*out += x;
			any = true;
		}
	}
	return any;
}

/* One row per counter of @names (keys "@prefix.NAME"), read by @get. */
static void add_count_rows(struct vtable *t, json_object *L, json_object *S, const char *prefix,
			   const char *const *names, size_t nr, counter_fn get)
{
	for (size_t i = 0; i < nr; i++) {
		char key[V_KEY_LEN];
		snprintf(key, sizeof(key), "%s.%s", prefix, names[i]);
		struct vrow *r = add_row(t, ROW_COUNT, key, names[i]);
		if (!r)
			return;
		r->have_l = get(L, names[i], &r->l);
		r->have_s = get(S, names[i], &r->s);
		drop_if_empty(t, r);
	}
}

static void add_mthp_rows(struct vtable *t, json_object *L, json_object *S)
{
	json_object *ls = jget(L, RKEY(MTHP)), *ss = jget(S, RKEY(MTHP));
	if (!ss || !json_object_is_type(ss, json_type_object))
		return;
	json_object_object_foreach(ss, size, sstats)
	{
		for (size_t i = 0; i < ARRAY_SIZE(mthp_stats); i++) {
			char key[V_KEY_LEN], label[V_KEY_LEN];
			snprintf(key, sizeof(key), "mthp.%s.%s", size, mthp_stats[i]);
			snprintf(label, sizeof(label), "%s %s", size, mthp_stats[i]);
			struct vrow *r = add_row(t, ROW_COUNT, key, label);
			if (!r)
				return;
			r->have_l = jnum(jget(jget(ls, size), mthp_stats[i]), &r->l);
			r->have_s = jnum(jget(sstats, mthp_stats[i]), &r->s);
			drop_if_empty(t, r);
		}
	}
}

/* Process @p's scan sequences: mm->numa_scan_seq (numasim writes it per process;
 * numasim-native per task, read from /proc/<pid>/sched: the highest). */
static bool scan_seq(json_object *res, size_t p, double *out)
{
	json_object *proc = json_object_array_get_idx(jget(res, RKEY(PROCESSES)), p);
	if (jnum(jget(proc, RKEY(PROC_MM_NUMA_SCAN_SEQ)), out))
		return true;
	json_object *tasks = jget(proc, RKEY(PROC_TASKS));
	bool any = false;
	*out = 0;
	for (size_t i = 0; tasks && i < json_object_array_length(tasks); i++) {
		double x;
		if (jnum(jget(json_object_array_get_idx(tasks, i), RKEY(TASK_NUMA_SCAN_SEQ)), &x)) {
			*out = any && *out > x ? *out : x;
			any = true;
		}
	}
	return any;
}

/*
 * settle_time - when process @p's placement became and stayed at least 90%
 * local: the first sample from which on every sample, while the process had
 * running tasks, puts that share of its accesses on local memory, if each
 * task touched each of its pages alike (sum over nodes of pages x tasks,
 * over pages x tasks). Samples after the first of its tasks exited are left
 * out: the work is over, and a main thread joining its workers elsewhere
 * says nothing of placement. -1 if the last sample counted is below 90%;
 * false if the result has no time series.
 */
static bool settle_time(json_object *res, size_t p, double *out)
{
	json_object *ts = jget(res, RKEY(TIMESERIES));
	if (!ts || !json_object_is_type(ts, json_type_array) || !json_object_array_length(ts))
		return false;
	json_object *tasks_of = jget(json_object_array_get_idx(jget(res, RKEY(PROCESSES)), p), RKEY(PROC_TASKS));
	double cutoff = INFINITY, since = -1;
	for (size_t i = 0; tasks_of && i < json_object_array_length(tasks_of); i++) {
		double x;
		if (jnum(jget(json_object_array_get_idx(tasks_of, i), RKEY(TASK_EXIT_S)), &x) && x < cutoff)
			cutoff = x;
	}
	for (size_t i = 0; i < json_object_array_length(ts); i++) {
		json_object *x = json_object_array_get_idx(ts, i);
		json_object *pages = json_object_array_get_idx(jget(x, RKEY(TS_PROCESS_RESIDENT_PAGES)), p);
		json_object *tasks = json_object_array_get_idx(jget(x, RKEY(TS_PROCESS_RUNNABLE_TASKS)), p);
		double t_s, sum_p = 0, sum_t = 0, local = 0;
		if (!pages || !tasks || !jnum(jget(x, RKEY(TS_T_S)), &t_s) || t_s > cutoff)
			continue;
		for (size_t n = 0; n < json_object_array_length(pages); n++) {
			double pg = 0, tk = 0;
			jnum(json_object_array_get_idx(pages, n), &pg);
			jnum(json_object_array_get_idx(tasks, n), &tk);
			sum_p += pg;
			sum_t += tk;
			local += pg * tk;
		}
		if (sum_p <= 0 || sum_t <= 0)
			continue;	/* not running (yet, or any more) */
		if (local >= 0.9 * sum_p * sum_t) {
			if (since < 0)
				since = t_s;
		} else {
			since = -1;
		}
	}
	*out = since;
	return true;
}

static void add_process_rows(struct vtable *t, json_object *L, json_object *S, uint32_t nodes)
{
	size_t np = nr_procs(L) > nr_procs(S) ? nr_procs(L) : nr_procs(S);
	for (size_t p = 0; p < np; p++) {
		char key[V_KEY_LEN], label[V_KEY_LEN];
		struct vrow *r;
		snprintf(key, sizeof(key), "p%zu.scan_seq", p);
		snprintf(label, sizeof(label), "process %zu: scan sequences", p);
		if ((r = add_row(t, ROW_COUNT, key, label))) {
			r->have_l = scan_seq(L, p, &r->l);
			r->have_s = scan_seq(S, p, &r->s);
		}
		snprintf(key, sizeof(key), "p%zu.local90_s", p);
		snprintf(label, sizeof(label), "process %zu: 90%% local from (s)", p);
		if ((r = add_row(t, ROW_SECONDS, key, label))) {
			r->have_l = settle_time(L, p, &r->l);
			r->have_s = settle_time(S, p, &r->s);
		}
		json_object *lp = jget(json_object_array_get_idx(jget(L, RKEY(PROCESSES)), p),
				       "resident_pages");
		json_object *sp = jget(json_object_array_get_idx(jget(S, RKEY(PROCESSES)), p),
				       "resident_pages");
		double tl = 0, ts = 0, x;
		for (uint32_t n = 0; n < nodes; n++) {
			tl += jnum(json_object_array_get_idx(lp, n), &x) ? x : 0;
			ts += jnum(json_object_array_get_idx(sp, n), &x) ? x : 0;
		}
		for (uint32_t n = 0; n < nodes; n++) {
			snprintf(key, sizeof(key), "p%zu.node%u_pages", p, n);
			snprintf(label, sizeof(label), "process %zu: pages on node %u", p, n);
			if (!(r = add_row(t, ROW_PAGES, key, label)))
				return;
			r->have_l = jnum(json_object_array_get_idx(lp, n), &r->l);
			r->have_s = jnum(json_object_array_get_idx(sp, n), &r->s);
			r->total_l = tl;
			r->total_s = ts;
		}
	}
}

static void build_table(struct vtable *t, json_object *L, json_object *S)
{
	uint32_t nodes = 0;
	json_object *n = jget(S, RKEY(NODES));
	if (n && json_object_is_type(n, json_type_array))
		nodes = (uint32_t)json_object_array_length(n);
	t->nr = 0;
	struct vrow *r = add_row(t, ROW_SECONDS, "elapsed_s", "elapsed (s)");
	r->have_l = jnum(jget(L, RKEY(ELAPSED_S)), &r->l);
	r->have_s = jnum(jget(S, RKEY(ELAPSED_S)), &r->s);
	add_count_rows(t, L, S, "vmstat", vmstat_rows, ARRAY_SIZE(vmstat_rows), vmstat_counter);
	add_count_rows(t, L, S, "numastat", numastat_rows, ARRAY_SIZE(numastat_rows), numastat_sum);
	add_mthp_rows(t, L, S);
	add_process_rows(t, L, S, nodes < MAX_NUMNODES ? nodes : MAX_NUMNODES);
}

static void fmt_value(char *buf, size_t len, const struct vrow *r, bool have, double v)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (r->kind == ROW_SECONDS && v < 0)
		snprintf(buf, len, "never");
	else if (r->kind == ROW_SECONDS)
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

/* numasim / Linux, or NAN where it means nothing (a side missing, or 0). */
static double row_ratio(const struct vrow *r)
{
	if (!r->have_l || !r->have_s || r->l <= 0 || r->s < 0)
		return NAN;
	return r->s / r->l;
}

/* The knobs the guest's kernel lacks or refused (numasim-native's knobs_set). */
static void print_skipped_knobs(FILE *out, json_object *L)
{
	json_object *ks = jget(jget(L, RKEY(NATIVE)), RKEY(NATIVE_KNOBS_SET));
	bool first = true;
	for (size_t i = 0; ks && i < json_object_array_length(ks); i++) {
		json_object *k = json_object_array_get_idx(ks, i), *a = jget(k, RKEY(KNOB_APPLIED));
		if (!a || json_object_get_boolean(a))
			continue;
		fprintf(out, "%s %s", first ? "Not set in the guest (its kernel lacks or refused them):" : ",",
			json_object_get_string(jget(k, RKEY(KNOB_KEY))));
		first = false;
	}
	if (!first)
		fputc('\n', out);
}

static void print_table(FILE *out, const struct vtable *t, const char *title, json_object *L)
{
	fprintf(out, "%s\n", title);
	fprintf(out, "%-38s %14s %14s %8s\n", "counter", "Linux", "numasim", "ratio");
	for (uint32_t i = 0; i < t->nr; i++) {
		const struct vrow *r = &t->r[i];
		char l[32], s[32], q[32];
		fmt_value(l, sizeof(l), r, r->have_l, r->l);
		fmt_value(s, sizeof(s), r, r->have_s, r->s);
		double x = row_ratio(r);
		if (isnan(x))
			snprintf(q, sizeof(q), "-");
		else
			snprintf(q, sizeof(q), "%.2f%s", x, x > 1.3 || x < 1 / 1.3 ? "*" : "");
		fprintf(out, "%-38s %14s %14s %8s\n", r->label, l, s, q);
	}
	fprintf(out, "(ratio = numasim / Linux; * more than 30%% apart. Linux's elapsed time is "
		"the guest's wall time, numasim's simulated time on the calibrated machine.)\n");
	print_skipped_knobs(out, L);
}

static json_object *table_json(const struct vtable *t)
{
	json_object *a = json_object_new_array();
	for (uint32_t i = 0; i < t->nr; i++) {
		const struct vrow *r = &t->r[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "key", json_object_new_string(r->key));
		json_object_object_add(o, "label", json_object_new_string(r->label));
		json_object_object_add(o, "linux", r->have_l ? json_object_new_double(r->l) : NULL);
		json_object_object_add(o, "numasim", r->have_s ? json_object_new_double(r->s) : NULL);
		double x = row_ratio(r);
		json_object_object_add(o, "ratio", isnan(x) ? NULL : json_object_new_double(x));
		json_object_array_add(a, o);
	}
	return a;
}

/* ---- bounds ---- */

/*
 * A bound on one row, one per line of bounds.txt:
 *   KEY ratio LO HI     numasim / Linux in [LO, HI]
 *   KEY value LO HI     numasim's value in [LO, HI] (never: -1)
 *   KEY share MAXDIFF   process pages on the node: numasim's share of the
 *                       process's pages within MAXDIFF of Linux's
 * bounds.proposed: for each row of this run, the looser of "within 30% of
 * Linux" and "no further from Linux than now, with 20% slack", so a model
 * change that moves numasim away from the kernel fails the check.
 */
/* "KEY KIND LO HI" with LO rounded down and HI up to 4 significant digits. */
static void put_bound(FILE *f, const char *key, const char *kind, double lo, double hi)
{
	char a[32], b[32];
	snprintf(a, sizeof(a), "%.4g", lo);
	snprintf(b, sizeof(b), "%.4g", hi);
	double la = strtod(a, NULL), hb = strtod(b, NULL);
	if (la > lo)
		snprintf(a, sizeof(a), "%.4g", lo - fabs(lo) * 1e-3);
	if (hb < hi)
		snprintf(b, sizeof(b), "%.4g", hi + fabs(hi) * 1e-3);
	fprintf(f, "%s %s %s %s\n", key, kind, a, b);
}

static void propose_bound(FILE *f, const struct vrow *r)
{
	if (!r->have_l || !r->have_s)
		return;
	if (r->kind == ROW_PAGES) {
		if (r->total_l <= 0 || r->total_s <= 0)
			return;
		double d = fabs(r->s / r->total_s - r->l / r->total_l);
		fprintf(f, "%s share %.3f\n", r->key, ceil((d + 0.05 > 0.1 ? d + 0.05 : 0.1) * 1000) / 1000);
		return;
	}
	bool small = r->kind == ROW_COUNT ? r->l < 50 : r->l < 0.5;
	if (!small && r->s >= 0) {
		double q = r->s / r->l;
		put_bound(f, r->key, "ratio", q / 1.2 < 0.7 ? q / 1.2 : 0.7, q * 1.2 > 1.3 ? q * 1.2 : 1.3);
	} else if (r->s < 0) {
		fprintf(f, "%s value -1 -1\n", r->key);
	} else {
		double hi = r->s * 1.5 > 2 * r->l ? r->s * 1.5 : 2 * r->l;
		double lo = r->kind == ROW_SECONDS && r->s > 0 ? r->s / 1.5 : 0;
		put_bound(f, r->key, "value", lo, r->kind == ROW_COUNT && hi < 50 ? 50 : hi);
	}
}

static const struct vrow *find_row(const struct vtable *t, const char *key)
{
	for (uint32_t i = 0; i < t->nr; i++)
		if (!strcmp(t->r[i].key, key))
			return &t->r[i];
	return NULL;
}

/* A bound: a decimal (core/parse.h) with an optional '-' ("value -1 -1"). */
static bool bound_number(const char *tok, double *out)
{
	bool neg = tok[0] == '-';

	if (parse_double_str(tok + neg, out))
		return false;
	*out = neg ? -*out : *out;
	return true;
}

/*
 * "KEY KIND LO [HI]" split at blanks into @key (V_KEY_LEN) and @kind (16):
 * the number of fields read, as sscanf() counts them (a bad number ends it).
 */
static int bounds_line(char *line, char *key, char *kind, double *lo, double *hi)
{
	static const char blanks[] = " \t\r\n";
	char *save, *tok[5];
	int n = 0;

	for (char *t = strtok_r(line, blanks, &save); t && n < 5; t = strtok_r(NULL, blanks, &save))
		tok[n++] = t;
	if (n < 2 || n > 4 || strlen(tok[0]) >= V_KEY_LEN || strlen(tok[1]) >= 16)
		return 0;
	strcpy(key, tok[0]);
	strcpy(kind, tok[1]);
	if (n >= 3 && !bound_number(tok[2], lo))
		return 2;
	if (n == 4 && !bound_number(tok[3], hi))
		return 3;
	return n;
}

/* Check @t against @path; print each failure; return the number of failures (-1: bad file). */
static int check_bounds(const char *path, const struct vtable *t, FILE *out)
{
	FILE *f = fopen(path, "r");
	char line[256];
	unsigned lineno = 0;
	int fails = 0, checked = 0;
	if (!f) {
		vbad("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char key[V_KEY_LEN], kind[16];
		double lo, hi = 0;
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\n")] == 0)
			continue;
		int n = bounds_line(line, key, kind, &lo, &hi);
		bool share = n == 3 && !strcmp(kind, "share");
		if (!share && (n != 4 || (strcmp(kind, "ratio") && strcmp(kind, "value")) || lo > hi)) {
			fclose(f);
			vbad("%s:%u: expected 'KEY ratio|value LO HI' or 'KEY share MAXDIFF'", path,
			     lineno);
			return -1;
		}
		const struct vrow *r = find_row(t, key);
		double x = NAN;
		if (r && r->have_s && (r->have_l || !strcmp(kind, "value"))) {
			if (share)
				x = r->total_s > 0 && r->total_l > 0
					    ? fabs(r->s / r->total_s - r->l / r->total_l)
					    : NAN;
			else
				x = !strcmp(kind, "ratio") ? row_ratio(r) : r->s;
		}
		bool ok = !isnan(x) && (share ? x <= lo + 1e-9 : x >= lo - 1e-9 && x <= hi + 1e-9);
		checked++;
		if (!ok) {
			fails++;
			if (share)
				fprintf(out, "  OUT OF BOUNDS %s: share differs by %.3f, bound %.3f\n", key, x,
					lo);
			else
				fprintf(out, "  OUT OF BOUNDS %s: %s %.3f not in [%.3f, %.3f]%s\n", key,
					kind, x, lo, hi, r ? "" : " (no such row)");
		}
	}
	fclose(f);
	fprintf(out, "  %d bounds checked, %d out\n", checked, fails);
	return fails;
}

/* ---- the commands ---- */

static int write_outputs(const char *dir, const struct vtable *t, json_object *L, json_object *S,
			 const char *json_path, const char *title, const char *kernel)
{
	char *tp = path_in(dir, "table.txt"), *bp = path_in(dir, "bounds.proposed");
	FILE *f = tp ? fopen(tp, "w") : NULL;
	int rc = 0;
	if (f) {
		print_table(f, t, title, L);
		rc |= fclose(f);
	} else {
		rc = -1;
	}
	f = bp ? fopen(bp, "w") : NULL;
	if (f) {
		fprintf(f, "# proposed bounds of this run (numasim validate --check reads bounds.txt)\n");
		for (uint32_t i = 0; i < t->nr; i++)
			propose_bound(f, &t->r[i]);
		rc |= fclose(f);
	} else {
		rc = -1;
	}
	if (rc)
		err_print("numasim validate", "cannot write %s/table.txt or bounds.proposed", dir);
	free(tp);
	free(bp);
	if (json_path) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kernel", json_object_new_string(kernel));
		json_object_object_add(o, "linux", json_object_get(L));
		json_object_object_add(o, "numasim", json_object_get(S));
		json_object_object_add(o, "table", table_json(t));
		if (json_object_to_file_ext(json_path, o, JSON_C_TO_STRING_PRETTY) < 0) {
			err_print("numasim validate", "--json: cannot write '%s'", json_path);
			rc = -1;
		}
		json_object_put(o);
	}
	return rc ? 1 : 0;
}

static json_object *load_result(const char *dir, const char *name)
{
	char err[512];
	char *p = path_in(dir, name);
	json_object *r = p ? cli_read_json_file(p, err, sizeof(err)) : NULL;
	if (r && cli_check_result(r, err, sizeof(err))) {
		json_object_put(r);
		r = NULL;
	}
	if (!r)
		err_print("numasim validate", "%s: %s", p ? p : name, p ? err : "out of memory");
	free(p);
	return r;
}

static void title_of(char *buf, size_t len, const struct vconf *c)
{
	if ((size_t)snprintf(buf, len, "numasim validate: Linux %s in QEMU vs numasim on %s; "
			     "workload %s, seed %llu, scale %g", c->kernel, c->machine, c->workload,
			     (unsigned long long)c->seed, c->scale) >= len)
		buf[len - 1] = 0;	/* a title cut short is still a title */
}

/* Rerun the simulation of @dir (or only reread it) and build its table. */
static int table_of(const char *dir, bool rerun, struct vtable *t, struct vconf *c,
		    json_object **L, json_object **S)
{
	char *cp = path_in(dir, "validate.conf");
	int rc = cp ? read_vconf(cp, c) : 2;
	free(cp);
	if (rc)
		return rc;
	if (!(*L = load_result(dir, "linux.json")))
		return 2;
	if (rerun)
		rc = simulate(dir, c, *L, false, S);
	else if (!(*S = load_result(dir, "numasim.json")))
		rc = 2;
	if (rc)
		return rc;
	build_table(t, *L, *S);
	return 0;
}

static int cmd_check(const struct validate_opts *v)
{
	int bad = 0;
	struct vtable *t = calloc(1, sizeof(*t));
	if (!t)
		return vbad("out of host memory");
	for (int i = 0; i < v->nr_check_dirs; i++) {
		const char *dir = v->check_dirs[i];
		struct vconf c;
		json_object *L = NULL, *S = NULL;
		printf("== %s\n", dir);
		int rc = table_of(dir, true, t, &c, &L, &S);
		if (!rc) {
			char title[PATH_MAX * 2];
			title_of(title, sizeof(title), &c);
			print_table(stdout, t, title, L);
		}
		char *bp = rc ? NULL : path_in(dir, "bounds.txt");
		int fails = rc ? -1 : check_bounds(bp, t, stdout);
		if (fails)
			bad = rc == 2 || fails < 0 ? 2 : bad ? bad : 1;
		free(bp);
		json_object_put(L);
		json_object_put(S);
	}
	free(t);
	return bad;
}

static int cmd_table(const struct validate_opts *v)
{
	struct vtable *t = calloc(1, sizeof(*t));
	struct vconf c;
	json_object *L = NULL, *S = NULL;
	if (!t)
		return vbad("out of host memory");
	int rc = table_of(v->table_dir, false, t, &c, &L, &S);
	if (!rc) {
		char title[PATH_MAX * 2];
		title_of(title, sizeof(title), &c);
		print_table(stdout, t, title, L);
		rc = write_outputs(v->table_dir, t, L, S, v->json, title, c.kernel);
	}
	json_object_put(L);
	json_object_put(S);
	free(t);
	return rc;
}

static int make_out_dir(const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST)
		return vbad("--out: cannot create '%s': %s", dir, strerror(errno));
	return 0;
}

/* The kernel release the guest ran ("native.kernel" of linux.json, "6.1.0-57-amd64"). */
static void guest_release(json_object *L, char *buf, size_t len)
{
	json_object *k = jget(jget(L, RKEY(NATIVE)), RKEY(NATIVE_KERNEL));
	const char *s = k && json_object_is_type(k, json_type_string) ? json_object_get_string(k) : "";
	/* uname: "Linux 6.1.0-57-amd64 ..." or just the release */
	if (!strncmp(s, "Linux ", 6))
		s += 6;
	snprintf(buf, len, "%.*s", (int)strcspn(s, " "), s);
}

static int plan_and_boot(struct validate_opts *v, const char *wl, struct machine *m,
			 struct machine *g)
{
	char err[1024];
	if (machine_resolve(m, v->run.machine, err, sizeof(err)))
		return vbad("--machine: %s", err);
	uint64_t budget = v->guest_mem_mb;
	if (!budget) {
		uint64_t avail = host_mem_available_mb() / 3;
		budget = avail && avail < 4096 ? avail : 4096;
	}
	if (guest_plan(m, v->guest_cpus, budget, g, err, sizeof(err)))
		return vbad("--machine %s: %s", v->run.machine, err);
	struct workload w;
	if (workload_build(&w, v->run.workload, g, v->run.scale, v->run.seed, err, sizeof(err)))
		return vbad("--workload on the guest machine: %s", err);
	workload_free(&w);
	const struct numa_policy_ops *pol = numa_policy_select(&v->run.tun);
	if (!pol->in_mainline)
		return vbad("--set numasim.policy=%s: a mainline kernel has no such policy", pol->name);
	if (make_out_dir(v->out))
		return 2;
	char *conf = path_in(v->out, "guest.conf");
	int rc = conf ? write_guest_conf(conf, v, g, wl) : 2;
	uint64_t guest_mb = 0;
	for (uint32_t n = 0; n < g->nr_nodes; n++)
		guest_mb += g->node[n].mem_bytes / MiB;
	if (!rc) {
		err_print("numasim validate", "guest of %s: %u nodes, %u vCPUs, %llu MiB "
			"(memory scaled to at most %llu MiB, at most %u vCPUs a node)",
			m->name, g->nr_nodes, g->nr_cpus, (unsigned long long)guest_mb,
			(unsigned long long)budget, v->guest_cpus);
		for (uint32_t n = 0; n < g->nr_nodes; n++)
			err_print("numasim validate", "  node %u: %s, %u vCPUs, %llu MiB (machine: "
				"%u CPUs, %llu MiB)", n, mem_kind_name(g->node[n].kind),
				g->node[n].nr_cpus, (unsigned long long)(g->node[n].mem_bytes / MiB),
				m->node[n].nr_cpus, (unsigned long long)(m->node[n].mem_bytes / MiB));
		rc = run_guest(v, conf);
		if (!rc && v->dry_run)
			rc = -1;	/* planned and checked: stop here */
	}
	free(conf);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	struct validate_opts *v = calloc(1, sizeof(*v));
	struct machine *m = calloc(2, sizeof(*m));
	struct vtable *t = calloc(1, sizeof(*t));
	struct vconf *c = calloc(1, sizeof(*c));
	json_object *L = NULL, *S = NULL;
	char wl[PATH_MAX];
	int rc;
	if (!v || !m || !t || !c) {
		rc = vbad("out of host memory");
		goto out;
	}
	if ((rc = parse_validate_options(argc, argv, v)))
		goto out;
	if (v->check) {
		rc = cmd_check(v);
		goto out;
	}
	if (v->table_dir) {
		rc = cmd_table(v);
		goto out;
	}
	if ((rc = guest_workload(v->run.workload, wl, sizeof(wl))) ||
	    (rc = plan_and_boot(v, wl, &m[0], &m[1]))) {
		if (rc == -1)	/* --dry-run: planned, nothing booted */
			rc = 0;
		goto out;
	}
	if (!(L = load_result(v->out, "linux.json"))) {
		rc = 4;
		goto out;
	}
	/* step 3 */
	char rules[8][64];	/* kernel_rules' entries */
	guest_release(L, c->kernel, sizeof(c->kernel));
	uint32_t nr_rules = kernel_rules(c->kernel, v, rules);
	/* a machine file is copied in as sim.machine; a preset is named */
	bool sim_file = v->sim_machine && file_exists(v->sim_machine);
	snprintf(c->machine, sizeof(c->machine), "%s", sim_file ? "sim.machine" :
		 v->sim_machine ? v->sim_machine : "calibration.machine");
	if (sim_file && (rc = copy_into(v->out, "sim.machine", v->sim_machine)))
		goto out;
	const char *base = strrchr(wl, '/');
	if (file_exists(wl) && base) {	/* the run keeps its own copy */
		if ((rc = copy_into(v->out, base + 1, wl)))
			goto out;
		snprintf(c->workload, sizeof(c->workload), "%s", base + 1);
	} else {
		snprintf(c->workload, sizeof(c->workload), "%s", wl);
	}
	c->seed = v->run.seed;
	c->scale = v->run.scale;
	for (uint32_t i = 0; i < v->nr_sets; i++)
		if ((size_t)snprintf(c->sets[c->nr_sets++], sizeof(c->sets[0]), "%s", v->sets[i]) >=
		    sizeof(c->sets[0])) {
			rc = vbad("--set %s: too long", v->sets[i]);
			goto out;
		}
	for (uint32_t i = 0; i < nr_rules && c->nr_sets < V_MAX_SETS; i++) {
		err_print("numasim validate", "guest kernel %s: simulating with --set %s",
			c->kernel, rules[i]);
		memcpy(c->sets[c->nr_sets++], rules[i], sizeof(rules[i]));
	}
	if (c->nr_sets < V_MAX_SETS)
		snprintf(c->sets[c->nr_sets++], sizeof(c->sets[0]), "numasim.sample_ms=%u",
			 v->interval_ms);
	char *cp = path_in(v->out, "validate.conf");
	rc = cp ? write_vconf(cp, c) : 2;
	free(cp);
	if (rc || (rc = simulate(v->out, c, L, true, &S)))
		goto out;
	/* step 4 */
	build_table(t, L, S);
	char title[PATH_MAX * 2];
	title_of(title, sizeof(title), c);
	print_table(stdout, t, title, L);
	rc = write_outputs(v->out, t, L, S, v->json, title, c->kernel);
out:
	json_object_put(L);
	json_object_put(S);
	free(c);
	free(t);
	free(m);
	free(v);
	return rc;
}
