/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli/cli.h - what the numasim commands share: the run options (--machine,
 * --workload, --scale, --seed, --set), messages for bad input, and one
 * simulation from options to a finished struct sim. `numasim run` (main.c)
 * and `numasim compare` (compare.c) both run simulations through here, so
 * the same options give the same result, byte for byte.
 *
 * Bad input gets a message on stderr starting "numasim: " and exit status 2;
 * a workload that fails while running gives exit status 1.
 */
#ifndef NUMASIM_CLI_CLI_H
#define NUMASIM_CLI_CLI_H

#include <getopt.h>
#include <stdarg.h>
#include <time.h>

#include "sim.h"
#include "stats/report.h"

#define CLI_DEFAULT_MACHINE "2node-128cpu"
#define CLI_DEFAULT_WORKLOAD "numa01"

/* Options every simulating command takes. */
struct run_opts {
	const char *machine;	/* as given to --machine */
	const char *workload;	/* NAME[:key=value,...] */
	double scale;
	uint64_t seed;
	struct tunables tun;	/* defaults, then every --set in order */
	uint64_t given;		/* bit (c & 63) of each single-valued option seen: no repeats */
	bool no_progress;	/* no progress line on a terminal (run --quiet) */
};

/* getopt_long codes of the shared options, and their table entries. */
enum { OPT_MACHINE = 'm', OPT_WORKLOAD = 'w', OPT_SCALE = 's', OPT_SEED = 'S', OPT_SET = 'k' };
#define CLI_RUN_LONGOPTS                                                        \
	{ "machine", required_argument, NULL, OPT_MACHINE },                    \
	{ "workload", required_argument, NULL, OPT_WORKLOAD },                  \
	{ "scale", required_argument, NULL, OPT_SCALE },                        \
	{ "seed", required_argument, NULL, OPT_SEED },                          \
	{ "set", required_argument, NULL, OPT_SET }

/* Help lines of the shared options (no trailing newline after the last). */
#define CLI_RUN_OPTIONS_HELP                                                                  \
	"  --machine M        preset name, machine file, or hwloc XML (default " CLI_DEFAULT_MACHINE ")\n" \
	"  --workload W       NAME[:key=value,...] or a workload file FILE.yaml (default " CLI_DEFAULT_WORKLOAD ")\n" \
	"  --scale F          shrink (or grow) memory and work together (default 1)\n"          \
	"  --seed N           random seed (default 1)\n"                                         \
	"  --set KEY=VALUE    a tunable by its Linux name (repeatable; see list)\n"

void run_opts_init(struct run_opts *o);
/*
 * cli_run_option - apply shared option @c (an OPT_* code) with argument
 * @arg. Return 0; 2 after a message (bad value); 1 if @c is not a shared
 * option.
 */
int cli_run_option(struct run_opts *o, int c, const char *arg);

/* Print "numasim: <message>" on stderr; return 2, the bad-input exit status. */
int cli_bad(const char *fmt, ...) sim_printf(1, 2);

/*
 * SIGINT and SIGTERM stop a simulation cli_simulate() runs at its next slice
 * (the result so far is kept, marked interrupted); a second one kills as
 * usual. cli_interrupted() is the signal that came, or 0.
 */
void cli_catch_interrupts(void);
int cli_interrupted(void);

struct option;
/*
 * getopt_long() refused @arg (an argv word): report it, naming the options
 * it could abbreviate when it is ambiguous ("--s": --scale, --seed, --set),
 * else as unknown; @help names the help to see. Returns 2.
 */
int cli_unknown_option(const struct option *longopts, const char *arg, const char *help);
/*
 * getopt_long() just returned '?' with @optind_now: report what it refused,
 * a long option's word or a short option's letter (numasim has none; in a
 * cluster "-xy" glibc leaves optind on the word until its last letter, so
 * argv[optind - 1] may be an earlier word). Returns 2.
 */
int cli_refused_option(const struct option *longopts, char **argv, int optind_now,
		       const char *help);

/* A parser's return for --help: the caller prints the usage and exits 0. */
#define CLI_HELP (-1)

/* `numasim run`'s command line (cli/run_args.c). */
/* After the run: /proc/PID/numa_maps or /proc/PID/sched (stats/procfs.h). */
#define MAX_PROC_FILES 16
struct proc_file {
	int opt;		/* 'M': numa_maps, 'C': sched */
	uint32_t pid;
};

struct run_args {
	struct run_opts run;
	const char *json;	/* --json FILE, or NULL */
	const char *html;	/* --html FILE, or NULL */
	bool quiet;		/* also no progress line */
	bool numastat;		/* --numastat */
	struct proc_file proc[MAX_PROC_FILES];	/* --numa-maps, --sched in order */
	int nr_proc;
};
/*
 * cli_parse_run - parse `numasim run` options; argv[0] is "run". Return 0,
 * 2 after a message on stderr, or CLI_HELP. No exit(), no I/O beyond the
 * message; getopt's state is reset first, so it may be called again.
 */
int cli_parse_run(int argc, char **argv, struct run_args *o);
/* The same for `numasim compare` (compare.c), its result freed again:
 * 0, 2 after a message, or CLI_HELP. */
int compare_parse_args(int argc, char **argv);
/* A single-valued option given twice: @seen holds a bit per option code
 * (c & 63). Return 2 with a message if @c was seen, else mark it, 0. */
int cli_once(uint64_t *seen, int c, const char *name);
/* cli_once(), then *@dst = @arg: a single-valued option's value. 0, or 2 after the message. */
int cli_once_arg(uint64_t *seen, int c, const char *name, const char *arg, const char **dst);
/*
 * The one operand left after the options (argv[optind]) in *@out; 2 after
 * @missing when there is none, or after "unexpected argument" when there
 * are more.
 */
int cli_one_operand(int argc, char **argv, const char *missing, const char **out);

/* A front end out of host memory: "numasim: out of host memory", exit status 1.
 * The x- allocators below end so instead of returning NULL. */
sim_noreturn void cli_oom(void);
void *cli_xcalloc(size_t n, size_t size);
char *cli_xstrdup(const char *s);
char *cli_xasprintf(const char *fmt, ...) sim_printf(1, 2);
char *cli_xvasprintf(const char *fmt, va_list ap);

/* The machine and the workload of a set of run options, built once. */
struct cli_setup {
	struct machine *m;
	struct workload wl;
	bool have_wl;
};

/* Resolve --machine and build --workload: 0, or 2 after a message. */
int cli_setup(struct cli_setup *su, const struct run_opts *o);
void cli_setup_free(struct cli_setup *su);

/* One finished (or failed) simulation. */
struct cli_run {
	struct sim *s;
	struct run_info ri;
	int rc;			/* sim_run(): 0, or -1 with the reason in s->error */
};

/*
 * cli_simulate - run @su's workload on @su's machine with tunables @tun in a
 * fresh struct sim, with a progress line on stderr if it is a terminal
 * and @o allows it (cli/progress.h; @label as in struct cli_progress). Return 0 with the results in @r (see
 * r->rc), or -1 with a message in @err if the simulation cannot be set up
 * (e.g. the machine does not fit in this host's memory). Free @r with
 * cli_run_free() either way.
 */
int cli_simulate(struct cli_run *r, const struct cli_setup *su, const struct run_opts *o,
		 const struct tunables *tun, const char *label, char *err, size_t errlen);
void cli_run_free(struct cli_run *r);

/* numasim compare (compare.c); argv[0] is "compare". */
int cmd_compare(int argc, char **argv);
void compare_usage(FILE *out);

/* compare's counter rows in table order: vm_event_items, or these two
 * (numa_hint_local_percent, migrc.peak_pending_pages); merge's CSV has them too. */
#define COMPARE_ROW_LOCAL_PCT (-1)
#define COMPARE_ROW_PEAK_PENDING (-2)
extern const int compare_rows[];
extern const size_t compare_nr_rows;

/* A column of compare's table from results already run (numasim merge). */
struct compare_column {
	const char *name;
	struct tunables tun;		/* what it ran with */
	struct json_object *res;	/* its median run's result (cli_check_result'ed); NULL: failed */
	double min_s, max_s;		/* the elapsed range of its runs */
	uint64_t seed;			/* its first seed */
};
/* Compare's title ("numasim VERSION @title: ...") and table of @n columns. */
void compare_print_columns(FILE *out, const char *title, const struct tunables *shared,
			   uint32_t nr_runs, const char *seeds, const struct compare_column *cols,
			   int n);

/*
 * Read a JSON file whole (at most 1 GiB); NULL with the reason in @err.
 * cli_check_result: is it a result of `numasim run --json` or numasim-native
 * (the keys compare and validate read)? 0, or -1 with the first problem.
 */
struct json_object *cli_read_json_file(const char *path, char *err, size_t errlen);
/* The parse half of cli_read_json_file(): @n bytes of @buf (not NUL-terminated)
 * as one JSON value, nothing but blanks after it. */
struct json_object *cli_parse_json(const char *buf, size_t n, char *err, size_t errlen);
int cli_check_result(struct json_object *r, char *err, size_t errlen);

/* numasim validate (validate.c): the workload on a real kernel in QEMU beside
 * the simulation; argv[0] is "validate". */
int cmd_validate(int argc, char **argv);
void validate_usage(FILE *out);

/* numasim report (report_cmd.c): an HTML page from JSON results; argv[0] is "report". */
int cmd_report(int argc, char **argv);
void report_usage(FILE *out);
struct html_input;
/* --html FILE of run and compare (cli.c; @opt names the option): can @path
 * be written? 0, or 2 after a message. */
int cli_html_probe(const char *opt, const char *path);
/* Write the page of @in[0..@n) to @path: 0, or 1 after a message. */
int cli_html_write(const char *opt, const char *path, const struct html_input *in, size_t n);
/* The same for one finished simulation (numasim run --html). */
int cli_html_write_run(const char *path, const struct sim *s, const struct run_info *ri);

/* numasim trace convert|info (trace_cmd.c); argv[0] is "trace". */
int cmd_trace(int argc, char **argv);
void trace_usage(FILE *out);

/* numasim sweep SPEC (sweep.c) and numasim merge DIR (merge.c): a grid of
 * runs from a spec file, and its results in one table (docs/sweep.md). */
int cmd_sweep(int argc, char **argv);
void sweep_usage(FILE *out);
int cmd_merge(int argc, char **argv);
void merge_usage(FILE *out);

#endif
