// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/compare.c - numasim compare: several configurations side by side.
 *
 *   numasim compare [run options] --variant NAME[:KEY=VALUE[,KEY=VALUE...]]...
 *                   [--from-json [NAME=]FILE]... [--json-dir DIR] [--seeds N] [--html FILE]
 *
 * Every variant runs the same machine, workload, scale and seed (the run
 * options), with its own tunables applied after the shared --set ones; a
 * variant without settings is the baseline. --from-json adds a column from
 * a result written by `numasim run --json` (or by --json-dir). The columns
 * keep the order of the command line; the first is the reference for the
 * relative change of the elapsed time.
 *
 * Every column, live or from a file, is read from the same JSON result
 * (report_json), so a file and a live run of the same configuration give the
 * same column. Counters are looked up by their /proc/vmstat names
 * (vm_event_text[]): to add a row, add its vm_event_item to compare_rows[].
 *
 * With --seeds N every live variant runs N times, with seeds seed..seed+N-1:
 * the elapsed row gives the median and the range, the other rows come from
 * the median run (the lower middle one for even N).
 *
 * --html FILE writes the page `numasim report` would make of the results
 * (stats/html_report.h): every run's, each seed's, with its time series.
 *
 * Output is deterministic apart from the host seconds row.
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

#include "cli/cli.h"
#include "cli/compare_mmtests.h"
#include "core/array.h"
#include "core/err.h"
#include "core/parse.h"
#include "stats/html_report.h"
#include "stats/json_get.h"

#define MiB_PAGES (MiB / PAGE_SIZE)
#define NAME_MAX_LEN 64

/* Counter rows in table order; ROW_LOCAL_PCT: mmtests' "NUMA hint local percent";
 * ROW_PEAK_PENDING: the result's migrc.peak_pending_pages. numasim merge's CSV
 * has a column per row (cli.h). */
#define ROW_LOCAL_PCT COMPARE_ROW_LOCAL_PCT
#define ROW_PEAK_PENDING COMPARE_ROW_PEAK_PENDING
const int compare_rows[] = {
	PGFAULT,
	THP_FAULT_ALLOC,
	THP_FAULT_FALLBACK,
	NUMA_PTE_UPDATES,
	NUMA_HUGE_PTE_UPDATES,
	NUMA_HINT_FAULTS,
	NUMA_HINT_FAULTS_LOCAL,
	ROW_LOCAL_PCT,
	NUMA_PAGE_MIGRATE,
	PGMIGRATE_SUCCESS,
	PGMIGRATE_FAIL,
	THP_MIGRATION_SUCCESS,
	NR_TLB_REMOTE_FLUSH,
	NR_TLB_REMOTE_FLUSH_RECEIVED,
	SIM_MIGRC_DEFERRED,
	SIM_MIGRC_DEFERRED_PAGES,
	ROW_PEAK_PENDING,
	PGPROMOTE_SUCCESS,
	PGPROMOTE_CANDIDATE,
	PGDEMOTE_KSWAPD,
	PGDEMOTE_DIRECT,
	SIM_DEVICE_TO_DEVICE_PAGES,
	SIM_DEVICE_TO_DEVICE_THP,
	SIM_DEVICE_TO_RAM_PAGES,
	SIM_DEVICE_TO_RAM_THP,
	SIM_DEVICE_THP_SPLIT,
	SIM_DEVICE_MIGRATE_FAIL,
	SIM_DEVICE_FAULTS,
	SIM_ACCESSES,
};
const size_t compare_nr_rows = ARRAY_SIZE(compare_rows);

/* What a column ran: for the title line and the legend. */
struct conf {
	const char *machine;	/* NULL: not recorded */
	const char *workload;
	double scale;
	uint64_t seed;
	bool have_scale, have_seed;
};

struct source {
	char *name;		/* column header */
	const char *arg;	/* the option's argument as given */
	const char *settings;	/* live variant: "KEY=VALUE,..." after the ':', or NULL */
	const char *file;	/* --from-json: the file; NULL for a live variant */
	struct tunables tun;	/* live variant: effective tunables */
	json_object *res;	/* the result; NULL if the variant failed ("failed" column) */
	struct conf conf;
	double min_s, max_s;	/* live variant with --seeds: elapsed range of its runs */
	double *runs[NR_MMT_OPS];	/* per run, for --format mmtests (cli/compare_mmtests.h) */
	uint32_t nr_runs;
};

#define MAX_SEEDS 1000

struct compare {
	struct run_opts run;
	uint32_t seeds;		/* runs per live variant (--seeds) */
	const char *json_dir;
	const char *html;	/* --html: the page; every live run's result is kept for it */
	struct html_input *runs;	/* in the order run */
	size_t nr_runs, cap_runs;
	bool mmtests;		/* --format mmtests */
	struct source *src;
	int nr_src, nr_live;
	const char *title;	/* the title's command word: NULL "compare" (merge gives "merge") */
	const char *seeds_desc;	/* the seeds behind each column ("1..3", "1,5"): NULL seed.. */
};

void compare_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim compare [run options] --variant NAME[:KEY=VALUE[,KEY=VALUE...]]...\n"
		"                       [--from-json [NAME=]FILE]... [--json-dir DIR]\n"
		"Run the same workload with several configurations and print one table of\n"
		"the results side by side: elapsed time (with the change relative to the\n"
		"first column), host seconds, key /proc/vmstat counters, the local hint\n"
		"fault percentage, final placement per process and node, and the oracle.\n"
		"Counters that are zero in every column are left out.\n"
		"run options (shared by every variant):\n"
		CLI_RUN_OPTIONS_HELP
		"  --variant NAME[:KEY=VALUE,...]\n"
		"                     a column: the shared settings, then these tunables (as\n"
		"                     --set takes them, numasim.* included); no settings: the\n"
		"                     baseline. NAME: letters, digits, '.', '_', '+', '-'\n"
		"  --from-json [NAME=]FILE\n"
		"                     a column from a result of `numasim run --json` (NAME:\n"
		"                     the file's base name without .json, unless given)\n"
		"  --json-dir DIR     write each variant's full JSON result as DIR/NAME.json\n"
		"                     (with --seeds: DIR/NAME.seedS.json for each seed S)\n"
		"  --seeds N          run each variant N times, seeds --seed .. --seed+N-1:\n"
		"                     the elapsed row shows the median and the range, the\n"
		"                     other rows the median run (1..1000, default 1)\n"
		"  --html FILE        write an HTML page of the comparison: the table, and\n"
		"                     each variant's curves overlaid (docs/report.md)\n"
		"  --format text|mmtests\n"
		"                     mmtests: the table of mmtests' compare-mmtests.pl over\n"
		"                     the runs (Amean, Stddev, ...; gains against the first\n"
		"                     column, *marked* when significant; docs/kernel-formats.md)\n"
		"At least one --variant, or two columns in all. Exit status: 2 for bad input,\n"
		"1 if a variant failed (its column says so), else 0.\n"
		"example:\n"
		"  numasim compare --workload numa02 --scale 0.1 --variant base \\\n"
		"      --variant thp-never:transparent_hugepage.enabled=never --json-dir results\n");
}

/* ---- arguments ---- */

static bool valid_name(const char *s, size_t len)
{
	return parse_file_name(s, len, NAME_MAX_LEN);
}

static int add_variant(struct compare *c, const char *arg)
{
	struct source *s = &c->src[c->nr_src];
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	if (len == 0)
		return cli_bad("--variant '%s': empty name", arg);
	if (!valid_name(arg, len))
		return cli_bad("--variant '%s': bad name '%.*s': use up to %d letters, digits, '.', '_', "
			       "'+' and '-', not starting with '.' (it names DIR/NAME.json)",
			       arg, (int)len, arg, NAME_MAX_LEN);
	*s = (struct source){ .arg = arg, .name = strndup(arg, len) };
	if (!s->name)
		return cli_bad("out of host memory");
	s->settings = colon && colon[1] ? colon + 1 : NULL;
	c->nr_src++;
	c->nr_live++;
	return 0;
}

static int add_from_json(struct compare *c, const char *arg)
{
	struct source *s = &c->src[c->nr_src];
	*s = (struct source){ .arg = arg, .file = arg };
	const char *eq = strchr(arg, '=');
	if (eq && valid_name(arg, (size_t)(eq - arg))) {
		s->name = strndup(arg, (size_t)(eq - arg));
		s->file = eq + 1;
	} else {
		const char *base = strrchr(arg, '/');
		base = base ? base + 1 : arg;
		size_t len = strlen(base);
		if (len > 5 && !strcmp(base + len - 5, ".json"))
			len -= 5;
		s->name = strndup(base, len);
	}
	if (!s->name)
		return cli_bad("out of host memory");
	if (!s->file[0]) {
		free(s->name);
		return cli_bad("--from-json '%s': expected [NAME=]FILE", arg);
	}
	if (!s->name[0]) {
		free(s->name);
		return cli_bad("--from-json '%s': empty name (name it: --from-json NAME=FILE)", arg);
	}
	c->nr_src++;
	return 0;
}

static int apply_settings(struct source *s, const struct tunables *shared)
{
	s->tun = *shared;
	if (!s->settings)
		return 0;
	char *buf = strdup(s->settings), *item = buf, err[512];
	int rc = 0;
	for (;;) {
		char *comma = strchr(item, ',');
		if (comma)
			*comma = 0;
		if (!item[0]) {
			rc = cli_bad("variant '%s': empty setting in '%s' (expected KEY=VALUE[,KEY=VALUE...])",
				     s->name, s->settings);
			break;
		}
		if (tunable_set(&s->tun, item, err, sizeof(err))) {
			rc = cli_bad("variant '%s': %s", s->name, tunable_set_reason(err));
			break;
		}
		if (!comma)
			break;
		item = comma + 1;
	}
	free(buf);
	return rc;
}

static int parse_seeds(struct compare *c, const char *arg)
{
	uint64_t n;
	if (parse_u64_str(arg, 1, MAX_SEEDS, &n))
		return cli_bad("--seeds '%s': give a whole number of runs from 1 to %d", arg, MAX_SEEDS);
	c->seeds = (uint32_t)n;
	return 0;
}

static int parse_compare_options(int argc, char **argv, struct compare *c)
{
	static const struct option longopts[] = {
		CLI_RUN_LONGOPTS,
		{ "variant", required_argument, NULL, 'V' },
		{ "from-json", required_argument, NULL, 'F' },
		{ "json-dir", required_argument, NULL, 'D' },
		{ "seeds", required_argument, NULL, 'N' },
		{ "html", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'O' },
		/* an exact match, so that --json is not taken as --json-dir */
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	optind = 0;	/* glibc: a full re-initialisation, so a second parse starts afresh */
	for (;;) {
		int ch = getopt_long(argc, argv, ":", longopts, NULL);
		if (ch == -1)
			break;
		int rc = 0;
		switch (ch) {
		case 'V': rc = add_variant(c, optarg); break;
		case 'F': rc = add_from_json(c, optarg); break;
		case 'D':
			if (cli_once_arg(&c->run.given, ch, "--json-dir", optarg, &c->json_dir))
				return 2;
			break;
		case 'N':
			if (cli_once(&c->run.given, ch, "--seeds"))
				return 2;
			rc = parse_seeds(c, optarg);
			break;
		case 'H':
			if (cli_once_arg(&c->run.given, ch, "--html", optarg, &c->html))
				return 2;
			break;
		case 'O':
			if (cli_once(&c->run.given, ch, "--format"))
				return 2;
			if (strcmp(optarg, "text") && strcmp(optarg, "mmtests"))
				return cli_bad("--format '%s': expected text or mmtests", optarg);
			c->mmtests = !strcmp(optarg, "mmtests");
			break;
		case 'j':
			return cli_bad("compare writes one JSON result per variant: use --json-dir DIR");
		case 'h': return CLI_HELP;
		case ':':
			return cli_bad("option '%s' needs a value", argv[optind - 1]);
		case '?':
			return cli_refused_option(longopts, argv, optind, "numasim compare --help");
		default:
			rc = cli_run_option(&c->run, ch, optarg);
			if (rc == 1)
				return cli_bad("unknown option '%s' (see numasim compare --help)",
					       argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_bad("unexpected argument '%s'", argv[optind]);
	if (c->run.seed > UINT64_MAX - (c->seeds - 1))
		return cli_bad("--seed %llu --seeds %u: the last seed would be past %llu, the "
			       "largest", (unsigned long long)c->run.seed, c->seeds,
			       (unsigned long long)UINT64_MAX);
	if (c->nr_live == 0 && c->nr_src < 2)
		return cli_bad("compare: nothing to compare: give --variant NAME[:KEY=VALUE,...] at "
			       "least once, or two columns in all with --from-json FILE");
	for (int i = 0; i < c->nr_src; i++)
		for (int j = 0; j < i; j++)
			if (!strcmp(c->src[i].name, c->src[j].name))
				return c->src[i].file
					? cli_bad("--from-json '%s': duplicate name '%s' (name it: "
						  "--from-json NAME=FILE)", c->src[i].arg, c->src[i].name)
					: cli_bad("--variant '%s': duplicate name '%s'", c->src[i].arg,
						  c->src[i].name);
	/* After every --set, wherever the --variant options were. */
	for (int i = 0; i < c->nr_src; i++)
		if (!c->src[i].file) {
			int rc = apply_settings(&c->src[i], &c->run.tun);
			if (rc)
				return rc;
		}
	return 0;
}

/* ---- JSON results ---- */

/* json-c stores an integer that overflows 64 bits as UINT64_MAX, silently:
 * a count is refused past INT64_MAX, which also no real counter reaches. */
static bool is_count(json_object *v)
{
	return json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0 &&
	       json_object_get_uint64(v) <= INT64_MAX;
}

/* Seconds of a run: finite, not negative, at most the UINT64_MAX ns a
 * simulated clock holds (584 years). */
#define MAX_RUN_S 1.8446744e10
static bool is_seconds(json_object *v)
{
	return jis_number(v) && json_object_get_double(v) >= 0 &&
	       json_object_get_double(v) <= MAX_RUN_S;
}

json_object *cli_read_json_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return NULL;
	}
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || cap > (size_t)1 << 30)
			break;
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	int ferr = ferror(f) ? errno : 0;
	fclose(f);
	if (!buf || ferr || n >= cap) {
		snprintf(err, errlen, "cannot read: %s",
			 ferr ? strerror(ferr) : !buf ? "out of host memory" : "file too large");
		free(buf);
		return NULL;
	}
	json_object *r = cli_parse_json(buf, n, err, errlen);
	free(buf);
	return r;
}

json_object *cli_parse_json(const char *buf, size_t n, char *err, size_t errlen)
{
	if (n > INT_MAX) {
		snprintf(err, errlen, "cannot read: file too large");
		return NULL;
	}
	struct json_tokener *tok = json_tokener_new();
	if (!tok) {
		snprintf(err, errlen, "cannot read: out of host memory");
		return NULL;
	}
	json_object *r = json_tokener_parse_ex(tok, buf, (int)n);
	size_t end = json_tokener_get_parse_end(tok);
	if (!r) {
		enum json_tokener_error e = json_tokener_get_error(tok);
		if (e == json_tokener_continue || e == json_tokener_success)
			snprintf(err, errlen, "not JSON: unexpected end of file");
		else
			snprintf(err, errlen, "not JSON: %s at byte %zu", json_tokener_error_desc(e), end);
	} else {
		while (end < n && strchr(" \t\r\n", buf[end]))
			end++;
		if (end < n) {
			snprintf(err, errlen, "not JSON: unexpected text at byte %zu", end);
			json_object_put(r);
			r = NULL;
		}
	}
	json_tokener_free(tok);
	return r;
}

/* Is @v written as a result key of type @t is (stats/result_keys.def)? */
static bool of_type(json_object *v, enum result_key_type t)
{
	switch (t) {
	case RK_number: return jis_number(v);
	case RK_count: return is_count(v);
	case RK_string: return json_object_is_type(v, json_type_string);
	case RK_boolean: return json_object_is_type(v, json_type_boolean);
	case RK_object: return json_object_is_type(v, json_type_object);
	case RK_array: return json_object_is_type(v, json_type_array);
	}
	return false;
}

static const char *const type_words[] = {
	[RK_number] = "a finite number", [RK_count] = "a non-negative integer below 2^63",
	[RK_string] = "a string", [RK_boolean] = "true or false",
	[RK_object] = "an object", [RK_array] = "an array",
};

/*
 * Key @id of @o (whose own key path is @path, NULL at the top) is of its
 * declared type, or absent unless @required: 0, or -1 with "missing key
 * 'PATH.KEY'" or "key 'PATH.KEY': expected TYPE" (core/err.h) in @err.
 */
static int check_key(json_object *o, const char *path, enum result_key id, bool required,
		     char *err, size_t errlen)
{
	const struct result_key_desc *d = &result_keys[id];
	json_object *v = jget(o, d->key);
	char full[128];

	if (v ? of_type(v, d->type) : !required)
		return 0;
	snprintf(full, sizeof(full), "%s%s%s", path ? path : "", path ? "." : "", d->key);
	if (!v)
		return errorf(err, errlen, "missing key '%s'", full);
	return errorf_at(err, errlen, NULL, 0, full, "expected %s", type_words[d->type]);
}

/*
 * The keys the table needs, with their types. A counter missing from
 * "vmstat" (an older file, or a real run on a host that lacks it) is allowed
 * and shows "-"; "host_s", "truncated", "config" and "oracle" are optional
 * (numasim-native writes no oracle: a real machine has none).
 */
int cli_check_result(json_object *r, char *err, size_t errlen)
{
	char key[128];
	json_object *v;
	if (!json_object_is_type(r, json_type_object))
		return errorf(err, errlen, "not a numasim result (expected a JSON object)");
	static const enum result_key required[] = { RK_ELAPSED_S, RK_VMSTAT, RK_PROCESSES };
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		if (!jget(r, result_keys[required[i]].key))
			return errorf(err, errlen, "missing key '%s'", result_keys[required[i]].key);
	static const enum result_key secs[] = { RK_ELAPSED_S, RK_HOST_S };
	for (size_t i = 0; i < ARRAY_SIZE(secs); i++)
		if ((v = jget(r, result_keys[secs[i]].key)) && !is_seconds(v))
			return errorf_at(err, errlen, NULL, 0, result_keys[secs[i]].key,
					 "expected a finite non-negative number (seconds, at most %.4g)",
					 MAX_RUN_S);
	if (check_key(r, NULL, RK_HOST_S, false, err, errlen) ||
	    check_key(r, NULL, RK_TRUNCATED, false, err, errlen) ||
	    check_key(jget(r, RKEY(CONFIG)), RKEY(CONFIG), RK_CONFIG_SCALE, false, err, errlen) ||
	    check_key(jget(r, RKEY(MIGRC)), RKEY(MIGRC), RK_MIGRC_PEAK_PENDING_PAGES, false, err,
		      errlen) ||
	    check_key(r, NULL, RK_VMSTAT, true, err, errlen))
		return -1;
	json_object *vm = jget(r, RKEY(VMSTAT));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		if ((v = jget(vm, vm_event_text[i])) && !is_count(v)) {
			snprintf(key, sizeof(key), "%s.%s", RKEY(VMSTAT), vm_event_text[i]);
			return errorf_at(err, errlen, NULL, 0, key, "expected %s", type_words[RK_count]);
		}
	if (check_key(r, NULL, RK_PROCESSES, true, err, errlen))
		return -1;
	json_object *procs = jget(r, RKEY(PROCESSES));
	for (size_t p = 0; p < json_object_array_length(procs); p++) {
		json_object *rp = jget(json_object_array_get_idx(procs, p),
				       RKEY(PROC_RESIDENT_PAGES));
		snprintf(key, sizeof(key), "%s[%zu].%s", RKEY(PROCESSES), p, RKEY(PROC_RESIDENT_PAGES));
		if (!rp)
			return errorf(err, errlen, "missing key '%s'", key);
		if (!json_object_is_type(rp, json_type_array) || json_object_array_length(rp) > MAX_NUMNODES)
			return errorf_at(err, errlen, NULL, 0, key,
					 "expected an array of at most %d counts", MAX_NUMNODES);
		for (size_t n = 0; n < json_object_array_length(rp); n++)
			if (!is_count(json_object_array_get_idx(rp, n))) {
				snprintf(key, sizeof(key), "%s[%zu].%s[%zu]", RKEY(PROCESSES), p,
					 RKEY(PROC_RESIDENT_PAGES), n);
				return errorf_at(err, errlen, NULL, 0, key, "expected %s",
						 type_words[RK_count]);
			}
	}
	json_object *o = jget(r, RKEY(ORACLE));
	if (!o)
		return 0;
	if (check_key(r, NULL, RK_ORACLE, true, err, errlen) ||
	    check_key(o, RKEY(ORACLE), RK_ORACLE_STALE_READS, true, err, errlen) ||
	    check_key(o, RKEY(ORACLE), RK_ORACLE_LOST_WRITES, true, err, errlen))
		return -1;
	return 0;
}

/* The configuration a result records ("config"), as far as it does. */
static void conf_from_json(struct conf *cf, json_object *r)
{
	json_object *c = jget(r, RKEY(CONFIG)), *v;
	*cf = (struct conf){ 0 };
	if ((v = jget(c, RKEY(CONFIG_MACHINE))) && json_object_is_type(v, json_type_string))
		cf->machine = json_object_get_string(v);
	if ((v = jget(c, RKEY(CONFIG_WORKLOAD))) && json_object_is_type(v, json_type_string))
		cf->workload = json_object_get_string(v);
	if ((v = jget(c, RKEY(CONFIG_SCALE))) && jis_number(v)) {
		cf->scale = json_object_get_double(v);
		cf->have_scale = true;
	}
	/* a seed is any uint64: not is_count() */
	if ((v = jget(c, RKEY(CONFIG_SEED))) && json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) >= 0) {
		cf->seed = json_object_get_uint64(v);
		cf->have_seed = true;
	}
}

/* The measures of compare --format mmtests, per run (or of a --from-json file). */
static void keep_runs(struct source *s, json_object *const *res, uint32_t n)
{
	for (int op = 0; op < NR_MMT_OPS; op++) {
		s->runs[op] = cli_xcalloc(n, sizeof(double));
		for (uint32_t k = 0; k < n; k++) {
			json_object *v = op == MMT_ELAPSED ? jget(res[k], RKEY(ELAPSED_S))
				: jget(jget(res[k], "workload"), "accesses_per_s");
			s->runs[op][k] = !jis_number(v) ? 0 : json_object_get_double(v) /
					 (op == MMT_ACCESS_RATE ? 1e6 : 1);
		}
	}
	s->nr_runs = n;
}

static int load_from_json(struct source *s, bool html)
{
	char err[512];
	s->res = cli_read_json_file(s->file, err, sizeof(err));
	if (s->res && (cli_check_result(s->res, err, sizeof(err)) ||
		       (html && html_report_check(s->res, err, sizeof(err))))) {
		json_object_put(s->res);
		s->res = NULL;
	}
	if (!s->res)
		return cli_bad("--from-json '%s': %s", s->file, err);
	conf_from_json(&s->conf, s->res);
	keep_runs(s, &s->res, 1);
	return 0;
}

/* mkdir -p */
static int make_dir(const char *dir)
{
	char *p = strdup(dir);
	int rc = 0;
	if (!p)
		return -1;
	for (char *q = p + 1;; q++) {
		if (*q == '/' || !*q) {
			char c = *q;
			*q = 0;
			if (mkdir(p, 0777) && errno != EEXIST) {
				rc = -1;
				break;
			}
			*q = c;
			if (!c)
				break;
		}
	}
	free(p);
	struct stat st;
	if (!rc && stat(dir, &st))
		rc = -1;
	if (!rc && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		rc = -1;
	}
	return rc;
}

/* ---- running ---- */

/* Return the exit status this variant asks for: 0, 1 (failed) or 2 (cannot set up). */
/* One run of live variant @s with seed @seed: its result, or NULL (*rc set). */
/* The file --json-dir would write for live variant @s and seed @seed (malloc'ed). */
static char *json_dir_path(const struct compare *c, const struct source *s, uint64_t seed)
{
	char *path;
	int n = c->seeds > 1 ? asprintf(&path, "%s/%s.seed%llu.json", c->json_dir, s->name,
					(unsigned long long)seed)
			     : asprintf(&path, "%s/%s.json", c->json_dir, s->name);
	return n < 0 ? NULL : path;
}

/* --html: keep a live run's whole result for the page. */
static void keep_for_html(struct compare *c, const struct source *s, json_object *res)
{
	ARRAY_GROW(c->runs, c->cap_runs, c->nr_runs, 8);
	c->runs[c->nr_runs++] = (struct html_input){ .name = s->name, .res = res };
}

/* --html: the page of every column's results, in the columns' order. */
static int write_html(const struct compare *c)
{
	struct html_input *in = calloc(c->nr_runs + (size_t)c->nr_src, sizeof(*in));
	size_t n = 0;
	if (!in)
		return cli_bad("out of host memory");
	for (int i = 0; i < c->nr_src; i++) {
		const struct source *s = &c->src[i];
		if (s->file)
			in[n++] = (struct html_input){ .name = s->name, .file = s->file, .res = s->res };
		for (size_t k = 0; !s->file && k < c->nr_runs; k++)
			if (!strcmp(c->runs[k].name, s->name))
				in[n++] = c->runs[k];
	}
	int rc = cli_html_write("--html", c->html, in, n);
	free(in);
	return rc;
}

static json_object *run_once(struct compare *c, struct source *s, const struct cli_setup *su,
			     const char *label, uint64_t seed, int *rc)
{
	char err[1024];
	struct run_opts o = c->run;
	o.seed = seed;
	struct cli_run r;
	if (cli_simulate(&r, su, &o, &s->tun, label, err, sizeof(err))) {
		err_print("numasim", "variant '%s': %s", s->name, err);
		*rc = 2;
		return NULL;
	}
	json_object *res = NULL;
	if (r.rc) {
		err_print("numasim", "variant '%s': workload '%s' failed: %s", s->name,
			su->wl.desc, r.s->error);
		*rc = 1;
		if (c->html)	/* the page says it failed */
			keep_for_html(c, s, report_json(r.s, &r.ri));
	} else {
		res = report_json(r.s, &r.ri);
		if (c->html)
			keep_for_html(c, s, json_object_get(res));
		else
			json_object_object_del(res, RKEY(TIMESERIES));	/* not needed here; can be large */
		if (c->json_dir) {
			char *path = json_dir_path(c, s, seed);
			if (!path)
				errno = ENOMEM;
			if (!path || report_json_write(r.s, &r.ri, path)) {
				err_print("numasim", "--json-dir: cannot write '%s': %s",
					path ? path : c->json_dir, strerror(errno));
				*rc = 1;
			}
			free(path);
		}
	}
	cli_run_free(&r);
	return res;
}

static int by_elapsed(const void *a, const void *b)
{
	double x = json_object_get_double(jget(*(json_object *const *)a, RKEY(ELAPSED_S)));
	double y = json_object_get_double(jget(*(json_object *const *)b, RKEY(ELAPSED_S)));
	return (x > y) - (x < y);
}

static void print_mmtests(const struct compare *c, FILE *out)
{
	struct mmt_column *cols = cli_xcalloc((size_t)c->nr_src, sizeof(*cols));
	for (int j = 0; j < c->nr_src; j++) {
		const struct source *s = &c->src[j];
		cols[j].name = s->name;
		cols[j].nr_runs = s->res ? s->nr_runs : 0;
		for (int op = 0; op < NR_MMT_OPS; op++)
			cols[j].runs[op] = s->runs[op];
	}
	compare_mmtests_print(out, cols, c->nr_src);
	free(cols);
}

static int run_variant(struct compare *c, struct source *s, const struct cli_setup *su, int nth)
{
	char label[NAME_MAX_LEN + 64];
	snprintf(label, sizeof(label), "variant %d/%d '%s'", nth, c->nr_live, s->name);
	s->conf = (struct conf){ .machine = su->m->name, .workload = su->wl.desc,
				 .scale = c->run.scale, .seed = c->run.seed,
				 .have_scale = true, .have_seed = true };
	json_object **res = calloc(c->seeds, sizeof(*res));
	if (!res)
		return cli_bad("out of host memory");
	int rc = 0;
	uint32_t n = 0;
	for (uint32_t k = 0; k < c->seeds && !rc; k++)
		if ((res[n] = run_once(c, s, su, label, c->run.seed + k, &rc)))
			n++;
	if (!rc && n)
		keep_runs(s, res, n);
	if (!rc && n) {
		qsort(res, n, sizeof(*res), by_elapsed);
		s->min_s = json_object_get_double(jget(res[0], RKEY(ELAPSED_S)));
		s->max_s = json_object_get_double(jget(res[n - 1], RKEY(ELAPSED_S)));
		s->res = res[(n - 1) / 2];	/* the median run: the lower middle one */
		res[(n - 1) / 2] = NULL;
		conf_from_json(&s->conf, s->res);
		s->conf.seed = c->run.seed;	/* the first of the seeds, as the title says */
	}
	for (uint32_t k = 0; k < n; k++)
		if (res[k])
			json_object_put(res[k]);
	free(res);
	return rc;
}

/* ---- the table ---- */

struct table {
	int nr_cols;		/* value columns; cell 0 of a row is its label */
	int nr_rows, cap_rows;
	char ***row;
};

/* A new row labelled @label; its cells are set by the caller. */
static char **table_row(struct table *t, char *label)
{
	ARRAY_GROW(t->row, t->cap_rows, t->nr_rows, 32);
	char **r = cli_xcalloc((size_t)t->nr_cols + 1, sizeof(char *));
	r[0] = label;
	t->row[t->nr_rows++] = r;
	return r;
}

static void table_drop_last(struct table *t)
{
	char **r = t->row[--t->nr_rows];
	for (int i = 0; i <= t->nr_cols; i++)
		free(r[i]);
	free(r);
}

static void table_print(const struct table *t, const struct compare *c, FILE *out)
{
	int lw = 0, *w = calloc((size_t)t->nr_cols + 1, sizeof(int));
	for (int i = 0; i < t->nr_rows; i++)
		lw = MAX(lw, (int)strlen(t->row[i][0]));
	for (int j = 1; j <= t->nr_cols; j++) {
		w[j] = (int)strlen(c->src[j - 1].name);
		for (int i = 0; i < t->nr_rows; i++)
			w[j] = MAX(w[j], (int)strlen(t->row[i][j]));
	}
	fprintf(out, "%-*s", lw, "");
	for (int j = 1; j <= t->nr_cols; j++)
		fprintf(out, "  %*s", w[j], c->src[j - 1].name);
	fputc('\n', out);
	for (int i = 0; i < t->nr_rows; i++) {
		fprintf(out, "%-*s", lw, t->row[i][0]);
		for (int j = 1; j <= t->nr_cols; j++)
			fprintf(out, "  %*s", w[j], t->row[i][j]);
		fputc('\n', out);
	}
	free(w);
}

static void table_free(struct table *t)
{
	while (t->nr_rows)
		table_drop_last(t);
	free(t->row);
}

/* A counter of a column's result, by its /proc/vmstat name; false if missing. */
static bool counter(const struct source *s, const char *name, uint64_t *v)
{
	json_object *o = s->res ? jget(jget(s->res, RKEY(VMSTAT)), name) : NULL;
	if (!o)
		return false;
	*v = json_object_get_uint64(o);
	return true;
}

/* An oracle count of a column's result; false if it has no oracle (a real run). */
static bool oracle_count(const struct source *s, const char *key, uint64_t *v)
{
	json_object *o = s->res ? jget(jget(s->res, RKEY(ORACLE)), key) : NULL;
	if (!o)
		return false;
	*v = json_object_get_uint64(o);
	return true;
}

/* Resident pages of process @p on node @n; false if the column has no such pair. */
static bool resident(const struct source *s, size_t p, size_t n, uint64_t *v)
{
	json_object *procs = s->res ? jget(s->res, RKEY(PROCESSES)) : NULL;
	if (!procs || p >= json_object_array_length(procs))
		return false;
	json_object *rp = jget(json_object_array_get_idx(procs, p), RKEY(PROC_RESIDENT_PAGES));
	if (n >= json_object_array_length(rp))
		return false;
	*v = json_object_get_uint64(json_object_array_get_idx(rp, n));
	return true;
}

static void add_elapsed_rows(struct table *t, const struct compare *c)
{
	double max = 0;
	for (int j = 0; j < c->nr_src; j++)
		if (c->src[j].res)
			max = MAX(max,
				  json_object_get_double(jget(c->src[j].res, RKEY(ELAPSED_S))));
	int prec = max < 1 ? 4 : max < 10 ? 3 : 2;
	const struct source *ref = &c->src[0];
	double ref_s = ref->res ? json_object_get_double(jget(ref->res, RKEY(ELAPSED_S))) : 0;
	char **r = table_row(t, cli_xasprintf("elapsed (simulated s)"));
	for (int j = 0; j < c->nr_src; j++) {
		const struct source *s = &c->src[j];
		if (!s->res) {
			r[j + 1] = cli_xasprintf("failed");
			continue;
		}
		double e = json_object_get_double(jget(s->res, RKEY(ELAPSED_S)));
		json_object *tr = jget(s->res, RKEY(TRUNCATED));
		const char *trunc = tr && json_object_get_boolean(tr) ? " (truncated)" : "";
		char range[64] = "";
		if (c->seeds > 1 && !s->file)
			snprintf(range, sizeof(range), " [%.*f-%.*f]", prec, s->min_s, prec, s->max_s);
		if (j == 0 || ref_s <= 0) {
			r[j + 1] = cli_xasprintf("%.*f%s%s", prec, e, range, trunc);
			continue;
		}
		double pct = (e - ref_s) * 100.0 / ref_s;
		if (fabs(pct) < 0.05)
			pct = 0;	/* no "-0.0%" */
		r[j + 1] = cli_xasprintf("%.*f%s (%+.1f%%)%s", prec, e, range, pct, trunc);
	}
	r = table_row(t, cli_xasprintf("host (s)"));
	for (int j = 0; j < c->nr_src; j++) {
		json_object *h = c->src[j].res ? jget(c->src[j].res, RKEY(HOST_S)) : NULL;
		r[j + 1] = h ? cli_xasprintf("%.2f", json_object_get_double(h)) : cli_xasprintf("-");
	}
}

/* migrc/LUF: the most source pages pending at once; dropped if zero everywhere. */
static void add_peak_pending_row(struct table *t, const struct compare *c)
{
	bool nonzero = false;
	char **r = table_row(t, cli_xasprintf("sim_migrc_peak_pending_pages"));
	for (int j = 0; j < c->nr_src; j++) {
		json_object *m = c->src[j].res ? jget(c->src[j].res, RKEY(MIGRC)) : NULL;
		json_object *v = m ? jget(m, RKEY(MIGRC_PEAK_PENDING_PAGES)) : NULL;
		if (!v) {
			r[j + 1] = cli_xasprintf("-");
			continue;
		}
		uint64_t n = json_object_get_uint64(v);
		r[j + 1] = cli_xasprintf("%llu", (unsigned long long)n);
		nonzero |= n != 0;
	}
	if (!nonzero)
		table_drop_last(t);
}

/* Rows of compare_rows[]; a row that is zero (or missing) in every column is dropped. */
static void add_counter_rows(struct table *t, const struct compare *c)
{
	bool hint_faults = false;
	for (size_t k = 0; k < ARRAY_SIZE(compare_rows); k++) {
		bool nonzero = false;
		char **r;
		if (compare_rows[k] == ROW_LOCAL_PCT) {
			r = table_row(t, cli_xasprintf("numa_hint_local_percent"));
			for (int j = 0; j < c->nr_src; j++) {
				uint64_t all, local;
				const struct source *s = &c->src[j];
				if (counter(s, vm_event_text[NUMA_HINT_FAULTS], &all) && all &&
				    counter(s, vm_event_text[NUMA_HINT_FAULTS_LOCAL], &local))
					r[j + 1] = cli_xasprintf("%.2f", (double)local * 100.0 / (double)all);
				else
					r[j + 1] = cli_xasprintf("-");
			}
			if (!hint_faults)
				table_drop_last(t);
			continue;
		}
		if (compare_rows[k] == ROW_PEAK_PENDING) {
			add_peak_pending_row(t, c);
			continue;
		}
		const char *name = vm_event_text[compare_rows[k]];
		r = table_row(t, cli_xasprintf("%s", name));
		for (int j = 0; j < c->nr_src; j++) {
			uint64_t v;
			if (counter(&c->src[j], name, &v)) {
				r[j + 1] = cli_xasprintf("%llu", (unsigned long long)v);
				nonzero |= v != 0;
			} else {
				r[j + 1] = cli_xasprintf("-");
			}
		}
		if (compare_rows[k] == NUMA_HINT_FAULTS)
			hint_faults = nonzero;
		if (!nonzero)
			table_drop_last(t);
	}
}

static void add_placement_rows(struct table *t, const struct compare *c)
{
	size_t nr_procs = 0, nr_nodes = 0;
	for (int j = 0; j < c->nr_src; j++) {
		json_object *procs = c->src[j].res ? jget(c->src[j].res, RKEY(PROCESSES)) : NULL;
		for (size_t p = 0; procs && p < json_object_array_length(procs); p++) {
			json_object *rp = jget(json_object_array_get_idx(procs, p),
					       RKEY(PROC_RESIDENT_PAGES));
			nr_procs = MAX(nr_procs, p + 1);
			nr_nodes = MAX(nr_nodes, json_object_array_length(rp));
		}
	}
	for (size_t p = 0; p < nr_procs; p++)
		for (size_t n = 0; n < nr_nodes; n++) {
			char **r = table_row(t, cli_xasprintf("process %zu node %zu (MiB)", p, n));
			for (int j = 0; j < c->nr_src; j++) {
				uint64_t v;
				r[j + 1] = resident(&c->src[j], p, n, &v)
					? cli_xasprintf("%llu", (unsigned long long)(v / MiB_PAGES))
					: cli_xasprintf("-");
			}
		}
}

static void add_oracle_rows(struct table *t, const struct compare *c)
{
	const char *const keys[] = { RKEY(ORACLE_STALE_READS), RKEY(ORACLE_LOST_WRITES) };
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		char **r = table_row(t, cli_xasprintf("oracle %s", keys[k]));
		for (int j = 0; j < c->nr_src; j++) {
			uint64_t v;
			r[j + 1] = oracle_count(&c->src[j], keys[k], &v)
				? cli_xasprintf("%llu", (unsigned long long)v)
				: cli_xasprintf("-");
		}
	}
}

/* ---- title and legend ---- */

static void append(char **buf, const char *fmt, ...) sim_printf(2, 3);
static void append(char **buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *more = cli_xvasprintf(fmt, ap);
	va_end(ap);
	char *joined = cli_xasprintf("%s%s%s", *buf ? *buf : "", *buf ? ", " : "", more);
	free(*buf);
	free(more);
	*buf = joined;
}

/* Tunables of a result file that differ from @shared (keys this build knows). */
static void file_tunable_diffs(char **buf, json_object *res, const struct tunables *shared)
{
	json_object *tun = jget(jget(res, RKEY(CONFIG)), RKEY(CONFIG_TUNABLES));
	if (!json_object_is_type(tun, json_type_object))
		return;
	for (int i = 0; i < NR_TUNABLES; i++) {
		json_object *v = jget(tun, tunable_desc[i].name);
		char b[32];
		const char *mine = tunable_value_str(shared, (enum tunable_id)i, b, sizeof(b));
		if (v && json_object_is_type(v, json_type_string) && strcmp(json_object_get_string(v), mine))
			append(buf, "%s=%s", tunable_desc[i].name, json_object_get_string(v));
	}
}

static void tunable_diffs(char **buf, const struct tunables *t, const struct tunables *ref)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (t->v[i] != ref->v[i]) {
			char b[32];
			append(buf, "%s=%s", tunable_desc[i].name,
			       tunable_value_str(t, (enum tunable_id)i, b, sizeof(b)));
		}
}

static bool str_differs(const char *a, const char *b)
{
	return a && b && strcmp(a, b);
}

/*
 * "numasim 0.1.0 compare: WORKLOAD on MACHINE (scale F, seed N)" after the
 * first column, then a line per column with what sets it apart: its file,
 * any difference in machine, workload, scale or seed from the first column,
 * and its tunables that differ from the shared ones (defaults and --set).
 */
static void print_title(const struct compare *c, FILE *out)
{
	const struct conf *ref = &c->src[0].conf;
	fprintf(out, "numasim %s %s", NUMASIM_VERSION, c->title ? c->title : "compare");
	if (ref->workload && ref->machine)
		fprintf(out, ": %s on %s", ref->workload, ref->machine);
	if (ref->have_scale && c->seeds > 1 && !c->src[0].file && c->seeds_desc)
		fprintf(out, " (scale %g, seeds %s: median and range)", ref->scale, c->seeds_desc);
	else if (ref->have_scale && ref->have_seed && c->seeds > 1 && !c->src[0].file)
		fprintf(out, " (scale %g, seeds %llu..%llu: median and range)", ref->scale,
			(unsigned long long)ref->seed, (unsigned long long)(ref->seed + c->seeds - 1));
	else if (ref->have_scale && ref->have_seed)
		fprintf(out, " (scale %g, seed %llu)", ref->scale, (unsigned long long)ref->seed);
	fputc('\n', out);
	struct tunables defaults;
	tunables_init(&defaults);
	char *shared = NULL;
	tunable_diffs(&shared, &c->run.tun, &defaults);
	if (shared)
		fprintf(out, "  every column: %s\n", shared);
	free(shared);
	int w = 0;
	for (int j = 0; j < c->nr_src; j++)
		w = MAX(w, (int)strlen(c->src[j].name));
	for (int j = 0; j < c->nr_src; j++) {
		const struct source *s = &c->src[j];
		const struct conf *cf = &s->conf;
		char *d = NULL;
		if (s->file)
			append(&d, "from %s", s->file);
		if (s->file && !cf->machine && !cf->workload)
			append(&d, "configuration not recorded");
		json_object *nat = s->file ? jget(s->res, RKEY(NATIVE)) : NULL;
		if (nat && json_object_is_type(jget(nat, RKEY(NATIVE_KERNEL)), json_type_string))
			append(&d, "real run (numasim-native, %s): elapsed is wall time",
			       json_object_get_string(jget(nat, RKEY(NATIVE_KERNEL))));
		if (str_differs(cf->machine, ref->machine))
			append(&d, "machine %s", cf->machine);
		if (str_differs(cf->workload, ref->workload))
			append(&d, "workload %s", cf->workload);
		if (cf->have_scale && ref->have_scale && cf->scale != ref->scale)
			append(&d, "scale %g", cf->scale);
		if (cf->have_seed && ref->have_seed && cf->seed != ref->seed)
			append(&d, "seed %llu", (unsigned long long)cf->seed);
		if (s->file)
			file_tunable_diffs(&d, s->res, &c->run.tun);
		else
			tunable_diffs(&d, &s->tun, &c->run.tun);
		fprintf(out, "  %-*s  %s\n", w, s->name, d ? d : "baseline");
		free(d);
	}
	fputc('\n', out);
}

/* Refuse a --json-dir that would overwrite one of the --from-json inputs
 * (the same file, by device and inode, whatever the spelling). */
static int check_json_dir_inputs(const struct compare *c)
{
	for (int i = 0; i < c->nr_src; i++) {
		const struct source *v = &c->src[i];
		if (v->file)
			continue;
		for (uint32_t k = 0; k < c->seeds; k++) {
			char *path = json_dir_path(c, v, c->run.seed + k);
			struct stat out, in;
			if (!path)
				return cli_bad("out of host memory");
			for (int j = 0; j < c->nr_src; j++) {
				const struct source *f = &c->src[j];
				if (f->file && !stat(path, &out) && !stat(f->file, &in) &&
				    out.st_dev == in.st_dev && out.st_ino == in.st_ino) {
					int rc = cli_bad("--json-dir '%s': variant '%s' would overwrite "
							 "the --from-json input '%s'", c->json_dir,
							 v->name, f->file);
					free(path);
					return rc;
				}
			}
			free(path);
		}
	}
	return 0;
}

static int compare_init(struct compare *c, int argc)
{
	*c = (struct compare){ .seeds = 1 };
	run_opts_init(&c->run);
	c->src = calloc((size_t)argc + 1, sizeof(*c->src));
	return c->src ? 0 : cli_bad("out of host memory");
}

static void compare_free(struct compare *c)
{
	for (int i = 0; i < c->nr_src; i++) {
		free(c->src[i].name);
		for (int op = 0; op < NR_MMT_OPS; op++)
			free(c->src[i].runs[op]);
		if (c->src[i].res)
			json_object_put(c->src[i].res);
	}
	free(c->src);
	for (size_t i = 0; i < c->nr_runs; i++)
		json_object_put(c->runs[i].res);
	free(c->runs);
}

int compare_parse_args(int argc, char **argv)
{
	struct compare c;
	int rc = compare_init(&c, argc);
	if (!rc)
		rc = parse_compare_options(argc, argv, &c);
	compare_free(&c);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct compare c;
	if (compare_init(&c, argc))
		return 2;
	int rc = parse_compare_options(argc, argv, &c);
	if (rc == CLI_HELP) {
		compare_usage(stdout);
		compare_free(&c);
		return 0;
	}
	/* Files first: a typo in a file name should not wait for the runs. */
	for (int i = 0; !rc && i < c.nr_src; i++)
		if (c.src[i].file)
			rc = load_from_json(&c.src[i], c.html != NULL);
	if (!rc && c.html)
		rc = cli_html_probe("--html", c.html);
	if (!rc && c.json_dir && c.nr_live && make_dir(c.json_dir))
		rc = cli_bad("--json-dir '%s': cannot create: %s", c.json_dir, strerror(errno));
	if (!rc && c.json_dir && c.nr_live)
		rc = check_json_dir_inputs(&c);
	struct cli_setup su = { 0 };
	if (!rc && c.nr_live)
		rc = cli_setup(&su, &c.run);
	if (!rc) {
		int worst = 0;
		for (int i = 0, nth = 0; i < c.nr_src && !cli_interrupted(); i++)
			if (!c.src[i].file) {
				int vrc = run_variant(&c, &c.src[i], &su, ++nth);
				worst = MAX(worst, vrc);
			}
		if (cli_interrupted()) {
			/* a column cut short would compare unlike with like: no table */
			err_print("numasim", "compare interrupted: no table (results already "
				  "written to --json-dir stay, the cut one marked \"interrupted\")");
			rc = 128 + cli_interrupted();
			goto out;
		}
		print_title(&c, stdout);
		if (c.mmtests) {
			print_mmtests(&c, stdout);
			rc = worst;
			goto out;
		}
		struct table t = { .nr_cols = c.nr_src };
		add_elapsed_rows(&t, &c);
		add_counter_rows(&t, &c);
		add_placement_rows(&t, &c);
		add_oracle_rows(&t, &c);
		table_print(&t, &c, stdout);
		table_free(&t);
		rc = worst;
		if (c.html && write_html(&c))
			rc = MAX(rc, 1);
	}
out:
	if (su.m)
		cli_setup_free(&su);
	compare_free(&c);
	return rc;
}

/*
 * Columns of results already run (numasim merge): compare's title and table,
 * each column the median run of its seeds, whose elapsed range it shows
 * when @nr_runs > 1; the legend shows each column's tunables that differ
 * from @shared.
 */
void compare_print_columns(FILE *out, const char *title, const struct tunables *shared,
			   uint32_t nr_runs, const char *seeds, const struct compare_column *cols,
			   int n)
{
	struct compare c = { .seeds = MAX(nr_runs, 1u), .nr_src = n, .title = title,
			     .seeds_desc = seeds };
	run_opts_init(&c.run);
	c.run.tun = *shared;
	c.src = cli_xcalloc((size_t)n, sizeof(*c.src));
	for (int j = 0; j < n; j++) {
		struct source *s = &c.src[j];
		*s = (struct source){ .name = (char *)cols[j].name, .tun = cols[j].tun,
				      .res = cols[j].res, .min_s = cols[j].min_s,
				      .max_s = cols[j].max_s };
		if (s->res)
			conf_from_json(&s->conf, s->res);
		s->conf.seed = cols[j].seed;	/* the first of the seeds, as the title says */
	}
	print_title(&c, out);
	struct table t = { .nr_cols = n };
	add_elapsed_rows(&t, &c);
	add_counter_rows(&t, &c);
	add_placement_rows(&t, &c);
	add_oracle_rows(&t, &c);
	table_print(&t, &c, out);
	table_free(&t);
	free(c.src);
}
