// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/run_args.c - the command line of `numasim run`, parsed without side
 * effects (no exit(), nothing run), so the program (main.c) and the
 * command-line fuzz target (fuzz/fuzz_cmdline.c) share one parser.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/parse.h"

/* --numa-maps PID or --sched PID: at most MAX_PROC_FILES in all. */
static int add_proc_file(struct run_args *o, int opt, const char *arg)
{
	const char *name = opt == 'M' ? "--numa-maps" : "--sched";
	uint64_t pid;
	if (o->nr_proc == MAX_PROC_FILES)
		return cli_bad("%s '%s': at most %d --numa-maps and --sched in all", name, arg,
			       MAX_PROC_FILES);
	if (parse_u64_str(arg, 0, UINT32_MAX - 1, &pid))
		return cli_bad("%s '%s': expected a task id, a whole number (the \"pid\" of "
			       "processes[].tasks[] in the JSON result)", name, arg);
	o->proc[o->nr_proc++] = (struct proc_file){ .opt = opt, .pid = (uint32_t)pid };
	return 0;
}

int cli_parse_run(int argc, char **argv, struct run_args *o)
{
	static const struct option longopts[] = {
		CLI_RUN_LONGOPTS,
		{ "json", required_argument, NULL, 'j' },
		{ "html", required_argument, NULL, 'H' },
		{ "numastat", no_argument, NULL, 'n' },
		{ "numa-maps", required_argument, NULL, 'M' },
		{ "sched", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct run_args){ 0 };
	run_opts_init(&o->run);
	opterr = 0;
	optind = 0;	/* glibc: a full re-initialisation, so a second parse starts afresh */
	for (;;) {
		int c = getopt_long(argc, argv, ":", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'j':
			if (cli_once_arg(&o->run.given, c, "--json", optarg, &o->json))
				return 2;
			break;
		case 'H':
			if (cli_once_arg(&o->run.given, c, "--html", optarg, &o->html))
				return 2;
			break;
		case 'q': o->quiet = o->run.no_progress = true; break;
		case 'n': o->numastat = true; break;
		case 'M':
		case 'C':
			if (add_proc_file(o, c, optarg))
				return 2;
			break;
		case 'h': return CLI_HELP;
		case ':':
			return cli_bad("option '%s' needs a value", argv[optind - 1]);
		case '?':
			return cli_refused_option(longopts, argv, optind, "numasim --help");
		default: {
			int rc = cli_run_option(&o->run, c, optarg);
			if (rc)
				return rc == 1 ? cli_bad("unknown option '%s' (see numasim --help)",
							 argv[optind - 1]) : rc;
		}
		}
	}
	if (optind < argc)
		return cli_bad("unexpected argument '%s'", argv[optind]);
	return 0;
}
