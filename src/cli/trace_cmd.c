// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/trace_cmd.c - numasim trace: convert a text trace (valgrind lackey or
 * perf script) into numasim's binary .nstrace, and describe a trace
 * (docs/traces.md).
 *
 *   numasim trace convert IN OUT [--format auto|lackey|perf] [--gap SIZE]
 *   numasim trace info FILE [--format auto|lackey|perf|nstrace] [--gap SIZE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/parse.h"
#include "workload/trace.h"

void trace_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim trace convert IN OUT [--format auto|lackey|perf] [--gap SIZE]\n"
		"                               text trace -> binary .nstrace\n"
		"       numasim trace info FILE [--format auto|lackey|perf|nstrace] [--gap SIZE]\n"
		"                               processes, regions, streams and counts\n"
		"  --gap SIZE   region inference: touched pages further apart than this start\n"
		"               a new region (default 64K for lackey, 4M for perf; K/M/G)\n");
}

static int parse_format(const char *arg, enum wl_trace_format *out)
{
	for (int f = WL_TFMT_AUTO; f <= WL_TFMT_NSTRACE; f++)
		if (!strcmp(arg, wl_trace_format_name((enum wl_trace_format)f))) {
			*out = (enum wl_trace_format)f;
			return 0;
		}
	return cli_bad("--format '%s': expected auto, lackey, perf or nstrace", arg);
}

static int parse_gap(const char *arg, uint64_t *out)
{
	uint64_t v;

	if (parse_size_str(arg, &v) == PARSE_SYNTAX)
		return cli_bad("--gap '%s': expected a size like 1M", arg);
	if (parse_size_str(arg, &v) || !v || v > (1ull << 46))
		return cli_bad("--gap '%s': expected a size like 1M (at most 64T)", arg);
	*out = ALIGN_UP(v, 4096);
	return 0;
}

/* Options after the file names; @nfiles names come first. */
static int parse_opts(int argc, char **argv, int nfiles, struct wl_trace_opts *o)
{
	int files = 0;

	for (int i = 1; i < argc; i++) {
		int rc = 0;

		if (!strcmp(argv[i], "--format") && i + 1 < argc)
			rc = parse_format(argv[++i], &o->format);
		else if (!strcmp(argv[i], "--gap") && i + 1 < argc)
			rc = parse_gap(argv[++i], &o->gap);
		else if (argv[i][0] == '-' && argv[i][1])
			rc = cli_bad("trace %s: unknown option '%s' (see numasim trace --help)",
				     argv[0], argv[i]);
		else if (files++ == nfiles)
			rc = cli_bad("trace %s: unexpected argument '%s'", argv[0], argv[i]);
		else
			argv[files] = argv[i];	/* the names, in order, from argv[1] */
		if (rc)
			return rc;
	}
	if (files < nfiles)
		return cli_bad("trace %s: expected %s", argv[0],
			       nfiles == 2 ? "IN and OUT files" : "a FILE");
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct wl_trace_opts o = { .format = WL_TFMT_AUTO };
	char err[1024];

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		trace_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	bool convert = !strcmp(argv[1], "convert");
	if (!convert && strcmp(argv[1], "info"))
		return cli_bad("trace: unknown subcommand '%s' (convert or info)", argv[1]);
	int rc = parse_opts(argc - 1, argv + 1, convert ? 2 : 1, &o);
	if (rc)
		return rc;
	if (convert && o.format == WL_TFMT_NSTRACE)
		return cli_bad("trace convert: the input must be text (lackey or perf)");
	struct wl_trace *t = wl_trace_open(argv[2], &o, err, sizeof(err));
	if (!t)
		return cli_bad("%s", err);
	if (convert && t->format == WL_TFMT_NSTRACE) {
		wl_trace_free(t);
		return cli_bad("trace convert: %s is already a binary trace", argv[2]);
	}
	if (convert) {
		rc = wl_trace_write(t, argv[3], err, sizeof(err)) ? cli_bad("%s", err) : 0;
	} else {
		wl_trace_print_info(t, stdout);
		rc = wl_trace_check(t, err, sizeof(err)) ? cli_bad("%s", err) : 0;
	}
	wl_trace_free(t);
	return rc;
}
