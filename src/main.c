// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - the numasim command: parse arguments, build the machine, the
 * tunables and the workload, run, report.
 *
 *   numasim run  [--machine M] [--workload W[:k=v,...]] [--scale F] [--seed N]
 *                [--set KEY=VALUE]... [--json FILE] [--quiet]
 *   numasim list
 *
 * Bad input gets a message naming the option, key, file or line and exit
 * status 2; a workload that fails while running (out of memory, a stray
 * access) exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "stats/report.h"

#define DEFAULT_MACHINE "2node-128cpu"
#define DEFAULT_WORKLOAD "numa01"

struct options {
	const char *machine;
	const char *workload;
	double scale;
	uint64_t seed;
	const char *json;
	bool quiet;
	struct tunables tun;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: numasim run [options]   simulate one workload on one machine\n"
		"       numasim list            presets, workloads and tunables\n"
		"options of run:\n"
		"  --machine M        preset name, machine file, or hwloc XML (default %s)\n"
		"  --workload W       NAME[:key=value,...] (default %s)\n"
		"  --scale F          shrink (or grow) memory and work together (default 1)\n"
		"  --seed N           random seed (default 1)\n"
		"  --set KEY=VALUE    a tunable by its Linux name (repeatable; see list)\n"
		"  --json FILE        write the full result as JSON\n"
		"  --quiet            no summary on stdout\n",
		DEFAULT_MACHINE, DEFAULT_WORKLOAD);
}

static int bad(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "numasim: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return 2;
}

static int parse_scale(const char *arg, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0 || v > 1000)
		return -1;
	*out = v;
	return 0;
}

static int parse_seed(const char *arg, uint64_t *out)
{
	char *end;
	if (arg[0] < '0' || arg[0] > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_run_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "machine", required_argument, NULL, 'm' }, { "workload", required_argument, NULL, 'w' },
		{ "scale", required_argument, NULL, 's' },   { "seed", required_argument, NULL, 'S' },
		{ "set", required_argument, NULL, 'k' },     { "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },	     { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'm': o->machine = optarg; break;
		case 'w': o->workload = optarg; break;
		case 'j': o->json = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		case 's':
			if (parse_scale(optarg, &o->scale))
				return bad("--scale '%s': expected a number in (0, 1000]%s", optarg, "");
			break;
		case 'S':
			if (parse_seed(optarg, &o->seed))
				return bad("--seed '%s': expected a non-negative integer%s", optarg, "");
			break;
		case 'k':
			if (tunable_set(&o->tun, optarg, err, sizeof(err)))
				return bad("%s%s", err, "");
			break;
		case ':':
			return bad("option '%s' needs a value%s", argv[optind - 1], "");
		default:
			return bad("unknown option '%s'%s (see numasim --help)", argv[optind - 1], "");
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'%s", argv[optind], "");
	return 0;
}

static void progress(const struct sim *s, void *arg)
{
	const struct timespec *t0 = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double host = (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
	uint64_t t = s->heap.nr ? s->heap.e[0].now : s->end_ns;
	fprintf(stderr, "\r[numasim] simulated %8.2f s, host %6.1f s, %u tasks running   ",
		(double)t / 1e9, host, s->nr_live_tasks);
}

static int cmd_run(int argc, char **argv)
{
	struct options o = { .machine = DEFAULT_MACHINE, .workload = DEFAULT_WORKLOAD, .scale = 1.0, .seed = 1 };
	tunables_init(&o.tun);
	int rc = parse_run_options(argc, argv, &o);
	if (rc)
		return rc;
	char err[1024];
	static struct machine m;	/* large: keep it off the stack */
	if (machine_resolve(&m, o.machine, err, sizeof(err)))
		return bad("--machine: %s%s", err, "");
	struct workload wl;
	if (workload_build(&wl, o.workload, &m, o.scale, o.seed, err, sizeof(err)))
		return bad("--workload: %s%s", err, "");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct sim *s = calloc(1, sizeof(*s));
	if (!s || sim_create(s, &m, &o.tun, &wl, o.seed, err, sizeof(err))) {
		workload_free(&wl);
		free(s);
		return bad("%s%s", err, "");
	}
	bool tty = isatty(STDERR_FILENO);
	if (tty) {
		s->progress = progress;
		s->progress_arg = &t0;
	}
	int run_rc = sim_run(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (tty)
		fputs("\r\033[K", stderr);
	struct run_info ri = {
		.machine_arg = o.machine, .scale = o.scale,
		.host_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	};
	if (run_rc)
		fprintf(stderr, "numasim: workload '%s' failed: %s\n", wl.desc, s->error);
	if (!o.quiet)
		report_text(s, &ri, stdout);
	if (o.json && report_json_write(s, &ri, o.json)) {
		fprintf(stderr, "numasim: --json '%s': cannot write: %s\n", o.json, strerror(errno));
		run_rc = -1;
	}
	sim_destroy(s);
	free(s);
	workload_free(&wl);
	return run_rc ? 1 : 0;
}

static int cmd_list(void)
{
	printf("machine presets (--machine NAME, or a machine file, or an hwloc XML):\n");
	for (int i = 0; machine_preset_names[i]; i++)
		printf("  %-16s %s\n", machine_preset_names[i], machine_preset_help(machine_preset_names[i]));
	printf("\nworkloads (--workload NAME[:key=value,...]):\n");
	for (int i = 0; workload_names[i]; i++)
		printf("  %-20s %s\n", workload_names[i], workload_help(workload_names[i]));
	printf("\ntunables (--set KEY=VALUE): name, default, unit, meaning\n");
	struct tunables t;
	tunables_init(&t);
	for (int i = 0; i < NR_TUNABLES; i++) {
		char buf[32];
		printf("  %-46s %-8s %-5s %s\n", tunable_desc[i].name,
		       tunable_value_str(&t, (enum tunable_id)i, buf, sizeof(buf)), tunable_desc[i].unit,
		       tunable_desc[i].help);
	}
	printf("\ncounters (/proc/vmstat names):\n");
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		printf("  %-32s %s\n", vm_event_text[i], vm_event_help[i]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list();
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("numasim %s\n", NUMASIM_VERSION);
		return 0;
	}
	fprintf(stderr, "numasim: unknown command '%s' (try 'numasim --help')\n", cmd);
	return 2;
}
