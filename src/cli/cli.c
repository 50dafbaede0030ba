// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/cli.c - the run options and one simulation, shared by the commands;
 * writing their --html page.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/progress.h"
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "stats/html_report.h"

void run_opts_init(struct run_opts *o)
{
	*o = (struct run_opts){ .machine = CLI_DEFAULT_MACHINE, .workload = CLI_DEFAULT_WORKLOAD,
				.scale = 1.0, .seed = 1 };
	tunables_init(&o->tun);
}

int cli_bad(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr_print("numasim", fmt, ap);
	va_end(ap);
	return 2;
}

int cli_run_option(struct run_opts *o, int c, const char *arg)
{
	char err[512];
	switch (c) {
	case OPT_MACHINE:
	case OPT_WORKLOAD:
	case OPT_SCALE:
	case OPT_SEED:
		if (cli_once(&o->given, c, c == OPT_MACHINE ? "--machine" : c == OPT_WORKLOAD ?
			     "--workload" : c == OPT_SCALE ? "--scale" : "--seed"))
			return 2;
		break;
	}
	switch (c) {
	case OPT_MACHINE: o->machine = arg; return 0;
	case OPT_WORKLOAD: o->workload = arg; return 0;
	case OPT_SCALE: {
		double v;
		enum parse_rc rc = parse_double_str(arg, &v);
		if (rc == PARSE_OK && (v < WL_SCALE_MIN || v > WL_SCALE_MAX))
			rc = PARSE_RANGE;
		if (rc)
			return cli_bad("--scale '%s': %s (give a decimal number from 0.000001 to 1000)",
				       arg, parse_error(rc, "decimal"));
		o->scale = v;
		return 0;
	}
	case OPT_SEED: {
		enum parse_rc rc = parse_u64_str(arg, 0, UINT64_MAX, &o->seed);
		if (rc)
			return cli_bad("--seed '%s': %s (give an integer from 0 to %llu)", arg,
				       parse_error(rc, "integer"), (unsigned long long)UINT64_MAX);
		return 0;
	}
	case OPT_SET:
		if (tunable_set(&o->tun, arg, err, sizeof(err)))
			return cli_bad("%s", err);
		return 0;
	default:
		return 1;
	}
}

int cli_setup(struct cli_setup *su, const struct run_opts *o)
{
	char err[1024];
	*su = (struct cli_setup){ 0 };
	su->m = calloc(1, sizeof(*su->m));	/* large: keep it off the stack */
	if (!su->m)
		return cli_bad("out of host memory");
	if (machine_resolve(su->m, o->machine, err, sizeof(err))) {
		cli_setup_free(su);
		return cli_bad("--machine: %s", err);
	}
	if (workload_build(&su->wl, o->workload, su->m, o->scale, o->seed, err, sizeof(err))) {
		cli_setup_free(su);
		return cli_bad("--workload: %s", err);
	}
	su->have_wl = true;
	return 0;
}

void cli_setup_free(struct cli_setup *su)
{
	if (su->have_wl)
		workload_free(&su->wl);
	free(su->m);
	*su = (struct cli_setup){ 0 };
}

/* Set by SIGINT/SIGTERM: the running simulation stops at its next slice. */
static volatile sig_atomic_t interrupt_flag;

static void on_interrupt(int sig)
{
	interrupt_flag = sig;
}

void cli_catch_interrupts(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt, .sa_flags = SA_RESETHAND };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_interrupted(void)
{
	return interrupt_flag;
}

int cli_simulate(struct cli_run *r, const struct cli_setup *su, const struct run_opts *o,
		 const struct tunables *tun, const char *label, char *err, size_t errlen)
{
	struct cli_progress p;
	*r = (struct cli_run){ .ri = { .machine_arg = o->machine, .scale = o->scale } };
	r->s = calloc(1, sizeof(*r->s));
	if (!r->s) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	cli_progress_start(&p, &su->wl, stderr, label);	/* the host time includes the set-up */
	if (sim_create(r->s, su->m, tun, &su->wl, o->seed, err, errlen)) {
		free(r->s);
		r->s = NULL;
		return -1;
	}
	r->s->stop = &interrupt_flag;
	bool line = !o->no_progress && isatty(STDERR_FILENO);
	if (line) {
		r->s->progress = cli_progress_tick;
		r->s->progress_arg = &p;
	}
	r->rc = sim_run(r->s);
	r->ri.host_s = cli_progress_seconds(&p);
	r->s->progress = NULL;
	r->s->progress_arg = NULL;
	if (line)
		cli_progress_end(&p, r->s);
	return 0;
}

void cli_run_free(struct cli_run *r)
{
	if (r->s) {
		sim_destroy(r->s);
		free(r->s);
	}
	r->s = NULL;
}

int cli_once(uint64_t *seen, int c, const char *name)
{
	uint64_t bit = 1ull << ((unsigned)c & 63);
	if (*seen & bit)
		return cli_bad("%s given twice (it takes one value)", name);
	*seen |= bit;
	return 0;
}

int cli_once_arg(uint64_t *seen, int c, const char *name, const char *arg, const char **dst)
{
	if (cli_once(seen, c, name))
		return 2;
	*dst = arg;
	return 0;
}

int cli_one_operand(int argc, char **argv, const char *missing, const char **out)
{
	if (optind >= argc)
		return cli_bad("%s", missing);
	*out = argv[optind++];
	if (optind < argc)
		return cli_bad("unexpected argument '%s'", argv[optind]);
	return 0;
}

void cli_oom(void)
{
	err_print("numasim", "out of host memory");
	exit(1);
}

void *cli_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		cli_oom();
	return p;
}

char *cli_xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		cli_oom();
	return d;
}

char *cli_xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		cli_oom();
	return s;
}

char *cli_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = cli_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int cli_unknown_option(const struct option *longopts, const char *arg, const char *help)
{
	if (arg[0] == '-' && arg[1] == '-' && arg[2]) {
		const char *name = arg + 2;
		size_t n = strcspn(name, "=");
		char list[256] = "";
		size_t used = 0;
		int matches = 0;
		for (const struct option *o = longopts; o->name; o++)
			if (!strncmp(o->name, name, n)) {
				matches++;
				int w = snprintf(list + used, sizeof(list) - used, "%s--%s",
						 matches > 1 ? ", " : "", o->name);
				if (w > 0 && (size_t)w < sizeof(list) - used)
					used += (size_t)w;
			}
		if (matches > 1)
			return cli_bad("ambiguous option '%s' (could be %s)", arg, list);
	}
	return cli_bad("unknown option '%s' (see %s)", arg, help);
}

/* Does the long-option word @w ("--name=value") name a no_argument option
 * whose code is @c? Then getopt refused its "=value". */
static bool long_with_value(const struct option *longopts, const char *w, int c)
{
	if (strncmp(w, "--", 2) || !strchr(w, '='))
		return false;
	size_t n = (size_t)(strchr(w, '=') - (w + 2));
	for (const struct option *o = longopts; o->name; o++)
		if (!strncmp(o->name, w + 2, n) && o->val == c && o->has_arg == no_argument)
			return true;
	return false;
}

int cli_refused_option(const struct option *longopts, char **argv, int optind_now,
		       const char *help)
{
	/* glibc: optopt is 0 for an unknown or ambiguous long option (optind is
	 * then past its word), the option's code for "--flag=value", the letter
	 * for an unknown short option */
	const char *w = optind_now > 0 ? argv[optind_now - 1] : "";
	if (optopt == 0 || long_with_value(longopts, w, optopt))
		return cli_unknown_option(longopts, w, help);
	if (optopt > ' ' && optopt < 127)
		return cli_bad("unknown option '-%c' (see %s)", optopt, help);
	return cli_bad("unknown option (see %s)", help);
}

/* ---- --html of run and compare (the page: stats/html_report.h) ---- */

int cli_html_probe(const char *opt, const char *path)
{
	char err[512];
	if (file_probe_writable(path, err, sizeof(err)))
		return cli_bad("%s '%s': %s", opt, path, err);
	return 0;
}

int cli_html_write(const char *opt, const char *path, const struct html_input *in, size_t n)
{
	char err[512];
	if (html_report_write(path, in, n, err, sizeof(err))) {
		err_print("numasim", "%s '%s': %s", opt, path, err);
		return 1;
	}
	return 0;
}

int cli_html_write_run(const char *path, const struct sim *s, const struct run_info *ri)
{
	struct html_input in = { .name = "run", .res = report_json(s, ri) };
	int rc = in.res ? cli_html_write("--html", path, &in, 1) : 1;
	if (!in.res)
		err_print("numasim", "--html '%s': out of host memory", path);
	json_object_put(in.res);
	return rc;
}
