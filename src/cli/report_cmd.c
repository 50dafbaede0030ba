// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/report_cmd.c - numasim report: one HTML page from JSON results
 * (stats/html_report.h, docs/report.md); `numasim run --html` and
 * `numasim compare --html` write the same page (cli.c).
 *
 *   numasim report [NAME=]RESULT.json... -o FILE.html
 *
 * A result's variant name is NAME, else its file's base name without
 * ".json" and without the ".seedS" that compare --json-dir --seeds adds:
 * the seeds of one variant are drawn as one, with their range.
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/err.h"
#include "core/file.h"
#include "stats/html_report.h"

void report_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim report [NAME=]RESULT.json... -o FILE.html\n"
		"One self-contained HTML page (inline SVG charts, no network) from results of\n"
		"`numasim run --json` or `numasim compare --json-dir`: placement over time,\n"
		"/proc/vmstat rates, tiering and migrc curves, the comparison table, the\n"
		"configuration and the oracle's verdict (docs/report.md).\n"
		"  RESULT.json        a result; NAME (or the file's base name without .json\n"
		"                     and without a .seedS suffix) names its variant: files\n"
		"                     of one variant are its seeds, shown as a range\n"
		"  -o, --output FILE  the page, written whole or not at all\n"
		"`numasim run --html FILE` and `numasim compare --html FILE` write the same page\n"
		"for that run or comparison.\n");
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

/* "NAME=FILE" with a NAME as compare --variant takes it: the length of NAME, else 0. */
static size_t name_prefix(const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || arg[0] == '.')
		return 0;
	for (const char *p = arg; p < eq; p++)
		if (!name_char(*p))
			return 0;
	return (size_t)(eq - arg);
}

/* The variant a file belongs to: "dir/base.seed3.json" -> "base". */
static char *name_of_file(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t len = strlen(base);
	if (len > 5 && !strcmp(base + len - 5, ".json"))
		len -= 5;
	size_t d = len;
	while (d > 0 && base[d - 1] >= '0' && base[d - 1] <= '9')
		d--;
	if (d < len && d > 5 && !strncmp(base + d - 5, ".seed", 5))
		len = d - 5;
	return strndup(base, len);
}

/* Read, check and name one result: 0, or 2 after a message naming the file. */
static int load_input(struct html_input *in, const char *arg)
{
	char err[512];
	size_t nl = name_prefix(arg);
	in->file = nl ? arg + nl + 1 : arg;
	in->name = nl ? strndup(arg, nl) : name_of_file(in->file);
	if (!in->name)
		return cli_bad("out of host memory");
	if (!in->file[0] || !in->name[0])
		return cli_bad("report: '%s': expected [NAME=]FILE with a non-empty name", arg);
	in->res = cli_read_json_file(in->file, err, sizeof(err));
	if (in->res && (cli_check_result(in->res, err, sizeof(err)) ||
			html_report_check(in->res, err, sizeof(err)))) {
		json_object_put(in->res);
		in->res = NULL;
	}
	if (!in->res)
		return cli_bad("report: '%s': %s", in->file, err);
	return 0;
}

static void free_inputs(struct html_input *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)in[i].name);
		if (in[i].res)
			json_object_put(in[i].res);
	}
	free(in);
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":o:", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			if (out)
				return cli_bad("report: -o given twice (it takes one file)");
			out = optarg;
			break;
		case 'h': report_usage(stdout); exit(0);
		case ':': return cli_bad("option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(longopts, argv[optind - 1], "numasim report --help");
		}
	}
	if (!out)
		return cli_bad("report: give the page to write: -o FILE.html");
	if (optind == argc)
		return cli_bad("report: give one or more results (RESULT.json) to report");
	/* a bad output path fails before any file is read */
	int rc = cli_html_probe("-o", out);
	if (rc)
		return rc;
	size_t n = (size_t)(argc - optind);
	struct html_input *in = calloc(n, sizeof(*in));
	if (!in)
		return cli_bad("out of host memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = load_input(&in[i], argv[optind + (int)i]);
	if (!rc) {
		char *text, err[512];
		size_t len;
		if (html_report_render(in, n, &text, &len, err, sizeof(err))) {
			rc = cli_bad("report: %s", err);
		} else {
			if (file_write_atomic(out, text, len)) {
				err_print("numasim", "-o '%s': cannot write: %s", out, strerror(errno));
				rc = 1;
			}
			free(text);
		}
	}
	free_inputs(in, n);
	return rc;
}
