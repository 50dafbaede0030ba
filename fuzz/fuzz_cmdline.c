// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_cmdline.c - libFuzzer target: the whole command line of
 * `numasim run` and `numasim compare`, parsed, never run.
 *
 * The input is split at newlines into argv words (a NUL ends a word too, so
 * every word is a C string), and the same words go to both parsers,
 * cli_parse_run() (cli/run_args.c) and compare_parse_args() (cli/compare.c):
 * options, --set KEY=VALUE, --variant NAME:K=V,..., --from-json NAME=FILE
 * (the file is not read). Each parse must return 0, 2 (after a message) or
 * CLI_HELP; --help must not exit; parsing twice gives the same answer
 * (getopt's state is reset between calls); no crash, leak or UB.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_WORDS 128

/* Split @text (NUL-terminated copy) into words after @argv[0]; return argc. */
static int split_words(char *text, size_t len, char **argv, const char *cmd)
{
	int argc = 0;
	argv[argc++] = (char *)cmd;
	char *w = text;
	for (size_t i = 0; i <= len && argc < MAX_WORDS; i++)
		if (i == len || text[i] == '\n' || text[i] == '\0') {
			text[i] = 0;
			if (i < len || w < text + len)	/* no empty word after a final newline */
				argv[argc++] = w;
			w = text + i + 1;
		}
	argv[argc] = NULL;
	return argc;
}

static int parse_one(const char *cmd, const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *argv[MAX_WORDS + 1];
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = 0;
	int argc = split_words(text, size, argv, cmd);
	int rc;
	if (!strcmp(cmd, "run")) {
		struct run_args o;
		rc = cli_parse_run(argc, argv, &o);
		/* an accepted command line has its values in range */
		if (rc == 0 && (o.run.scale < WL_SCALE_MIN || o.run.scale > WL_SCALE_MAX ||
				!o.run.machine || !o.run.workload))
			abort();
	} else {
		rc = compare_parse_args(argc, argv);
	}
	if (rc != 0 && rc != 2 && rc != CLI_HELP)
		abort();
	free(text);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return 0;
	static const char *const cmds[] = { "run", "compare" };
	for (int i = 0; i < 2; i++) {
		/* getopt permutes argv: parse a fresh copy each time */
		int first = parse_one(cmds[i], data, size);
		if (parse_one(cmds[i], data, size) != first)
			abort();
	}
	return 0;
}
