// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - the numasim command: parse arguments, build the machine, the
 * tunables and the workload, run, report.
 *
 *   numasim run  [--machine M] [--workload W[:k=v,...]|FILE.yaml] [--scale F] [--seed N]
 *                [--set KEY=VALUE]... [--json FILE] [--html FILE] [--quiet]
 *                [--numastat] [--numa-maps PID]... [--sched PID]...   (stats/procfs.h)
 *   numasim report [NAME=]RESULT.json... -o FILE.html   (cli/report_cmd.c)
 *   numasim compare [run options] --variant NAME[:KEY=VALUE,...]...
 *                [--from-json [NAME=]FILE]... [--json-dir DIR]   (cli/compare.c)
 *   numasim list
 *   numasim calibrate [--machine M]    MLC-like figures, modelled vs published
 *   numasim trace convert IN OUT | info FILE   traces (cli/trace_cmd.c)
 *   numasim validate [options]   the workload on a real kernel in QEMU (cli/validate.c)
 *   numasim sweep SPEC | merge DIR   grids of runs and their table (cli/sweep.c, cli/merge.c)
 *
 * Bad input gets a message naming the option, key, file or line and exit
 * status 2; a workload that fails while running (out of memory, a stray
 * access) exits 1. The run options and the simulation itself are in
 * cli/cli.c, shared with compare.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "cpu/calibrate.h"
#include "numa/policy.h"
#include "sim.h"
#include "stats/procfs.h"
#include "stats/report.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: numasim run [options]   simulate one workload on one machine\n"
		"       numasim compare [options] --variant NAME[:KEY=VALUE,...]...\n"
		"                               several configurations side by side\n"
		"       numasim report RESULT.json... -o FILE.html\n"
		"                               an HTML page of results (numasim report --help)\n"
		"       numasim list            presets, workloads, policies and tunables\n"
		"       numasim calibrate [--machine M]\n"
		"                               MLC-like latency and bandwidth, modelled vs published\n"
		"       numasim trace convert|info ...\n"
		"                               memory-access traces (numasim trace --help)\n"
		"       numasim validate [options]\n"
		"                               the workload on a real kernel in QEMU beside\n"
		"                               numasim (numasim validate --help)\n"
		"       numasim sweep SPEC [--jobs N | --emit parallel|slurm]\n"
		"                               a grid of runs from a spec file (docs/sweep.md)\n"
		"       numasim merge DIR [--csv FILE] [--html FILE]\n"
		"                               a sweep's results in one table\n"
		"options of run (compare takes the first five too; numasim compare --help):\n"
		CLI_RUN_OPTIONS_HELP
		"  --json FILE        write the full result as JSON\n"
		"  --html FILE        write the result as an HTML page (docs/report.md)\n"
		"  --quiet            no summary on stdout, no progress line on stderr\n"
		"  --numastat         after the run: numastat -p, -m and its counters, in its layout\n"
		"  --numa-maps PID    after the run: /proc/PID/numa_maps of task PID (repeatable)\n"
		"  --sched PID        after the run: the NUMA lines of /proc/PID/sched (repeatable)\n"
		"                     (PID: a task's \"pid\" in the JSON result; 0 is the first\n"
		"                     process's main thread; docs/kernel-formats.md)\n");
}

static const char *proc_opt_name(int opt)
{
	return opt == 'M' ? "--numa-maps" : "--sched";
}

/* Every PID names a task the workload creates: checked before the run. */
static int check_proc_pids(const struct run_args *o, const struct workload *wl)
{
	uint32_t planned = procfs_planned_tasks(wl);
	for (int i = 0; i < o->nr_proc; i++)
		if (o->proc[i].pid >= planned)
			return cli_bad("%s %u: no such task: workload '%s' has tasks 0 to %u",
				       proc_opt_name(o->proc[i].opt), o->proc[i].pid, wl->desc,
				       planned - 1);
	return 0;
}

/* The kernel-format outputs asked for; 2 if a task never came to be. */
static int print_proc_files(const struct run_args *o, const struct sim *s)
{
	if (o->numastat)
		procfs_numastat(s, stdout);
	for (int i = 0; i < o->nr_proc; i++) {
		const struct proc_file *f = &o->proc[i];
		printf("# cat /proc/%u/%s\n", f->pid, f->opt == 'M' ? "numa_maps" : "sched");
		if ((f->opt == 'M' ? procfs_numa_maps : procfs_sched)(s, f->pid, stdout))
			return cli_bad("%s %u: no such task: the run created tasks 0 to %u",
				       proc_opt_name(f->opt), f->pid, s->nr_tasks - 1);
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct run_args o;
	int rc = cli_parse_run(argc, argv, &o);
	if (rc == CLI_HELP) {
		usage(stdout);
		return 0;
	}
	if (rc)
		return rc;
	char err[1024];
	/* a bad output path fails now, not after the whole simulation */
	if (o.json && file_probe_writable(o.json, err, sizeof(err)))
		return cli_bad("--json '%s': %s", o.json, err);
	if (o.html && cli_html_probe("--html", o.html))
		return 2;
	struct cli_setup su;
	rc = cli_setup(&su, &o.run);
	if (rc)
		return rc;
	if (check_proc_pids(&o, &su.wl)) {
		cli_setup_free(&su);
		return 2;
	}
	struct cli_run r;
	if (cli_simulate(&r, &su, &o.run, &o.run.tun, NULL, err, sizeof(err))) {
		cli_setup_free(&su);
		return cli_bad("%s", err);
	}
	int run_rc = r.rc;
	if (run_rc)
		err_print("numasim", "workload '%s' failed: %s", su.wl.desc, r.s->error);
	if (!run_rc && (r.s->oracle.stale_reads || r.s->oracle.lost_writes)) {
		/* damage through stale translations: a flush was missing */
		err_print("numasim", "oracle failed: %llu stale reads and %llu lost writes through "
			  "TLB entries a flush should have removed (docs/validation.md)",
			  (unsigned long long)r.s->oracle.stale_reads,
			  (unsigned long long)r.s->oracle.lost_writes);
		run_rc = 1;
	}
	if (r.s->interrupted)
		err_print("numasim", "interrupted at %.3f simulated s: the result so far%s",
			  (double)r.s->end_ns / 1e9, o.json ? ", marked \"interrupted\", is written" : "");
	if (!o.quiet)
		report_text(r.s, &r.ri, stdout);
	if (print_proc_files(&o, r.s) && !run_rc)
		run_rc = 2;
	if (o.json && report_json_write(r.s, &r.ri, o.json)) {
		err_print("numasim", "--json '%s': cannot write: %s", o.json, strerror(errno));
		run_rc = -1;
	}
	if (o.html && cli_html_write_run(o.html, r.s, &r.ri))
		run_rc = -1;
	int sig = r.s->interrupted ? cli_interrupted() : 0;
	cli_run_free(&r);
	cli_setup_free(&su);
	return sig ? 128 + sig : run_rc == 2 ? 2 : run_rc ? 1 : 0;
}

static int cmd_list(void)
{
	printf("machine presets (--machine NAME, or a machine file, or an hwloc XML):\n");
	for (int i = 0; machine_preset_names[i]; i++)
		printf("  %-16s %s\n", machine_preset_names[i], machine_preset_help(machine_preset_names[i]));
	printf("\nworkloads (--workload NAME[:key=value,...], or a workload file FILE.yaml: "
	       "docs/workload-file.md, examples in workloads/):\n");
	for (int i = 0; workload_names[i]; i++)
		printf("  %-20s %s\n", workload_names[i], workload_help(workload_names[i]));
	printf("\nplacement policies (--set numasim.policy=NAME; docs/writing-a-policy.md):\n");
	for (uint32_t i = 0; i < NR_NUMASIM_POLICIES; i++) {
		const struct numa_policy_ops *pol = numa_policy_get(i);
		printf("  %-20s %s%s\n", pol->name, pol->help, pol->in_mainline ? "" : " [not in Linux]");
	}
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

/* numasim calibrate [--machine M]: cpu/calibrate.h. */
static int cmd_calibrate(int argc, char **argv)
{
	const char *arg = "2node-128cpu";
	struct calib_result r;
	char err[512];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--machine") && i + 1 < argc) {
			arg = argv[++i];
		} else {
			err_print("numasim calibrate", "unknown option '%s' (usage: numasim "
					"calibrate [--machine M])", argv[i]);
			return 2;
		}
	}
	struct machine *m = calloc(1, sizeof(*m));	/* large: not on the stack */
	if (!m) {
		err_print("numasim calibrate", "out of memory");
		return 1;
	}
	if (machine_resolve(m, arg, err, sizeof(err))) {
		err_print("numasim calibrate", "--machine: %s", err);
		rc = 2;
	} else if (calibrate_measure(m, &r, err, sizeof(err))) {
		err_print("numasim calibrate", "%s", err);
		rc = 1;
	} else {
		calibrate_print(stdout, m, &r, calib_published_for(m->name));
	}
	free(m);
	return rc;
}

int main(int argc, char **argv)
{
	/* past a file-size limit write() fails with EFBIG and the result file
	 * is abandoned cleanly, instead of the process dying half-way */
	signal(SIGXFSZ, SIG_IGN);
	cli_catch_interrupts();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return argc > 2 ? cli_bad("list takes no arguments ('%s')", argv[2]) : cmd_list();
	if (!strcmp(cmd, "calibrate"))
		return cmd_calibrate(argc - 1, argv + 1);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(argc - 1, argv + 1);
	if (!strcmp(cmd, "validate"))
		return cmd_validate(argc - 1, argv + 1);
	if (!strcmp(cmd, "sweep"))
		return cmd_sweep(argc - 1, argv + 1);
	if (!strcmp(cmd, "merge"))
		return cmd_merge(argc - 1, argv + 1);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		printf("\n");
		compare_usage(stdout);
		printf("\n");
		report_usage(stdout);
		printf("\n");
		trace_usage(stdout);
		printf("\n");
		validate_usage(stdout);
		printf("\n");
		sweep_usage(stdout);
		printf("\n");
		merge_usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("numasim %s\n", NUMASIM_VERSION);
		return 0;
	}
	err_print("numasim", "unknown command '%s' (try 'numasim --help')", cmd);
	return 2;
}
