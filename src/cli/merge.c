// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/merge.c - numasim merge: the results of a sweep in one table
 * (docs/sweep.md).
 *
 *   numasim merge DIR [--csv FILE]
 *
 * The cells come from DIR/cells.json (written by numasim sweep), each with
 * its result DIR/CELL.json; without an index, every DIR/ *.json result is a
 * cell, described by its own "config". Output:
 *   - compare's table (cli/compare.c), one per machine, workload and scale,
 *     a column per tunable combination, its seeds grouped as compare --seeds
 *     groups them: the median run, and the elapsed range;
 *   - with --csv FILE (- for stdout, then without the tables) one row per
 *     cell: its parameters, its status, and compare's figures (the result
 *     keys of stats/result_keys.def and compare's counter rows), numbers as
 *     the result file writes them. Host seconds are left out, so the same
 *     results give the same bytes.
 *
 * Exit status: 2 for a bad index or result file, 1 if a cell has no
 * complete result (missing, failed, interrupted), else 0.
 */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/array.h"
#include "core/err.h"
#include "core/file.h"
#include "stats/html_report.h"
#include "stats/json_get.h"

#define MAX_CELLS 100000u	/* as many as a sweep makes (SWEEP_MAX_CELLS) */
/* merge --html reads every complete cell's whole result, time series
 * included, and overlays them: past this a page is neither readable nor small */
#define MAX_HTML_CELLS 256u

enum status { ST_OK, ST_FAILED, ST_INTERRUPTED, ST_MISSING, ST_INVALID };
static const char *const status_word[] = {
	[ST_OK] = "ok", [ST_FAILED] = "failed", [ST_INTERRUPTED] = "interrupted",
	[ST_MISSING] = "missing", [ST_INVALID] = "invalid",
};

struct cell {
	const char *name, *group, *machine, *workload, *variant, *scale;
	uint64_t seed;
	bool have_seed;
	json_object *tunables;	/* its own settings: an object of strings */
	char *path;		/* its result file */
	enum status st;
	json_object *res;	/* the result (without its time series), when ok */
};

struct merge {
	const char *dir;
	const char *csv;
	const char *html;	/* --html FILE, or NULL */
	json_object *index;	/* DIR/cells.json, or NULL */
	json_object *owned;	/* strings made up for cells without an index */
	struct cell *cells;
	uint32_t nr_cells, cap_cells;
};

void merge_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim merge DIR [--csv FILE] [--html FILE]\n"
		"The results of a sweep (numasim sweep --out DIR) in one table: compare's\n"
		"layout, one table per machine, workload and scale, a column per tunable\n"
		"combination with its seeds as median and range.\n"
		"  --csv FILE         also one CSV row per cell (its parameters, status and\n"
		"                     figures) in FILE; '-': the CSV alone, on stdout\n"
		"  --html FILE        also numasim report's page of the complete cells, the\n"
		"                     seeds of a cell as one variant (at most %u cells)\n"
		"Without DIR/cells.json, every DIR/*.json result is a cell. Exit status: 2 for\n"
		"a bad file, 1 if a cell has no complete result, else 0.\n", MAX_HTML_CELLS);
}

/* ---- reading ---- */

static const char *get_str(json_object *o, const char *key)
{
	json_object *v = jget(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A cell's file name is a plain name in DIR: no '/', not hidden. */
static bool plain_name(const char *s)
{
	return s && s[0] && s[0] != '.' && !strchr(s, '/');
}

static struct cell *new_cell(struct merge *m)
{
	ARRAY_GROW(m->cells, m->cap_cells, m->nr_cells, 64);
	struct cell *c = &m->cells[m->nr_cells++];
	*c = (struct cell){ 0 };
	return c;
}

static char *path_in(const struct merge *m, const char *file)
{
	return cli_xasprintf("%s/%s", m->dir, file);
}

/* Entry @i of the index's "cells": 0, or 2 after a message naming the key. */
static int index_cell(struct merge *m, const char *file, json_object *e, size_t i)
{
	static const char *const strings[] = { "name", "group", "machine", "workload", "variant",
					       "json" };
	char key[64];
	for (size_t k = 0; k < ARRAY_SIZE(strings); k++)
		if (!get_str(e, strings[k])) {
			snprintf(key, sizeof(key), "cells[%zu].%s", i, strings[k]);
			return cli_bad("%s: key '%s': expected a string", file, key);
		}
	json_object *scale = jget(e, "scale"), *seed = jget(e, "seed"), *tun = jget(e, "tunables");
	const char *bad = !json_object_is_type(scale, json_type_double) &&
			  !json_object_is_type(scale, json_type_int) ? "scale" :
			  !json_object_is_type(seed, json_type_int) || json_object_get_int64(seed) < 0 ?
			  "seed" : !json_object_is_type(tun, json_type_object) ? "tunables" :
			  !plain_name(get_str(e, "json")) ? "json" : NULL;
	json_object_object_foreach(tun, tk, tv)
		if (!bad && !json_object_is_type(tv, json_type_string)) {
			(void)tk;
			bad = "tunables";
		}
	if (bad) {
		snprintf(key, sizeof(key), "cells[%zu].%s", i, bad);
		return cli_bad("%s: key '%s': expected %s", file, key,
			       !strcmp(bad, "json") ? "a file name in the folder" :
			       !strcmp(bad, "tunables") ? "an object of strings" :
			       !strcmp(bad, "seed") ? "a non-negative integer" : "a number");
	}
	struct cell *c = new_cell(m);
	c->name = get_str(e, "name");
	c->group = get_str(e, "group");
	c->machine = get_str(e, "machine");
	c->workload = get_str(e, "workload");
	c->variant = get_str(e, "variant");
	c->scale = json_object_to_json_string_ext(scale, JSON_C_TO_STRING_PLAIN);
	c->seed = json_object_get_uint64(seed);
	c->have_seed = true;
	c->tunables = tun;
	c->path = path_in(m, get_str(e, "json"));
	return 0;
}

static int load_index(struct merge *m, const char *file)
{
	char err[512];
	m->index = cli_read_json_file(file, err, sizeof(err));
	if (!m->index)
		return cli_bad("%s: %s", file, err);
	json_object *cells = jget(m->index, "cells");
	if (!json_object_is_type(cells, json_type_array))
		return cli_bad("%s: key 'cells': expected an array (is it numasim sweep's index?)", file);
	size_t n = json_object_array_length(cells);
	if (n > MAX_CELLS)
		return cli_bad("%s: key 'cells': more than %u cells", file, MAX_CELLS);
	for (size_t i = 0; i < n; i++) {
		int rc = index_cell(m, file, json_object_array_get_idx(cells, i), i);
		if (rc)
			return rc;
	}
	if (!n)
		return cli_bad("%s: key 'cells': no cells", file);
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Without an index: every *.json of DIR but cells.json, by name. */
static int scan_dir(struct merge *m)
{
	DIR *d = opendir(m->dir);
	char **names = NULL;
	size_t nr = 0, cap = 0;
	if (!d)
		return cli_bad("merge: '%s': %s", m->dir, strerror(errno));
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") || !plain_name(e->d_name) ||
		    !strcmp(e->d_name, "cells.json"))
			continue;
		if (nr >= MAX_CELLS) {
			closedir(d);
			return cli_bad("merge: '%s': more than %u result files", m->dir, MAX_CELLS);
		}
		ARRAY_GROW(names, cap, nr, 64);
		names[nr++] = strdup(e->d_name);
		if (!names[nr - 1])
			return cli_bad("out of host memory");
	}
	closedir(d);
	if (!nr)
		return cli_bad("merge: '%s': no cells.json and no result files (*.json)", m->dir);
	qsort(names, nr, sizeof(*names), by_str);
	m->owned = json_object_new_array();
	for (size_t i = 0; i < nr; i++) {
		struct cell *c = new_cell(m);
		c->path = path_in(m, names[i]);
		names[i][strlen(names[i]) - 5] = '\0';
		json_object *s = json_object_new_string(names[i]);
		json_object_array_add(m->owned, s);
		c->name = json_object_get_string(s);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* A string kept as long as the merge (for cells described by their result). */
static const char *keep(struct merge *m, const char *s)
{
	json_object *o = json_object_new_string(s);
	json_object_array_add(m->owned, o);
	return json_object_get_string(o);
}

/* A cell without an index entry: its parameters from its result's "config". */
static void describe_from_result(struct merge *m, struct cell *c)
{
	json_object *cf = jget(c->res, RKEY(CONFIG)), *v;
	struct tunables def;
	char buf[32], *variant = NULL;
	size_t vlen = 0;
	FILE *f = open_memstream(&variant, &vlen);

	tunables_init(&def);
	c->machine = get_str(cf, RKEY(CONFIG_MACHINE));
	c->workload = get_str(cf, RKEY(CONFIG_WORKLOAD));
	if ((v = jget(cf, RKEY(CONFIG_SCALE))))
		c->scale = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	if ((v = jget(cf, RKEY(CONFIG_SEED))) && json_object_is_type(v, json_type_int)) {
		c->seed = json_object_get_uint64(v);
		c->have_seed = true;
	}
	/* the variant: the tunables that differ from the defaults */
	c->tunables = json_object_new_object();
	json_object_array_add(m->owned, c->tunables);
	json_object *tun = jget(cf, RKEY(CONFIG_TUNABLES));
	for (int i = 0; f && i < NR_TUNABLES; i++) {
		const char *val = get_str(tun, tunable_desc[i].name);
		if (val && strcmp(val, tunable_value_str(&def, (enum tunable_id)i, buf, sizeof(buf)))) {
			json_object_object_add(c->tunables, tunable_desc[i].name,
					       json_object_new_string(val));
			fprintf(f, "%s%s=%s", ftell(f) ? "," : "", tunable_desc[i].name, val);
		}
	}
	if (f)
		fclose(f);
	c->variant = keep(m, variant && variant[0] ? variant : "default");
	free(variant);
	char *group;
	if (asprintf(&group, "%s|%s|%s|%s", c->machine ? c->machine : "", c->workload ? c->workload : "",
		     c->scale ? c->scale : "", c->variant) >= 0) {
		c->group = keep(m, group);
		free(group);
	}
}

/* Read cell @c's result; 0, or -1 for a bad file (a message is printed). */
static int load_result(struct merge *m, struct cell *c)
{
	char err[512];
	struct stat st;
	if (stat(c->path, &st)) {
		c->st = ST_MISSING;
		return 0;
	}
	c->res = cli_read_json_file(c->path, err, sizeof(err));
	if (c->res && cli_check_result(c->res, err, sizeof(err))) {
		json_object_put(c->res);
		c->res = NULL;
	}
	if (!c->res) {
		c->st = ST_INVALID;
		err_print("numasim", "merge: %s: %s", c->path, err);
		return -1;
	}
	json_object_object_del(c->res, RKEY(TIMESERIES));	/* not needed; can be large */
	json_object *failed = jget(c->res, "failed");
	c->st = jget(c->res, "interrupted") ? ST_INTERRUPTED :
		failed && json_object_get_boolean(failed) ? ST_FAILED : ST_OK;
	if (!m->index)
		describe_from_result(m, c);
	return 0;
}

/* ---- CSV ---- */

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The tunables any cell sets, in the order they first appear: the CSV's tunable columns. */
static json_object *tunable_columns(const struct merge *m)
{
	json_object *cols = json_object_new_array();
	for (uint32_t i = 0; i < m->nr_cells; i++) {
		if (!m->cells[i].tunables)
			continue;	/* an unreadable result, without an index */
		json_object_object_foreach(m->cells[i].tunables, key, val) {
			(void)val;
			bool seen = false;
			for (size_t k = 0; k < json_object_array_length(cols) && !seen; k++)
				seen = !strcmp(json_object_get_string(json_object_array_get_idx(cols, k)), key);
			if (!seen)
				json_object_array_add(cols, json_object_new_string(key));
		}
	}
	return cols;
}

static void csv_header(FILE *f, json_object *tcols)
{
	static const char *const head[] = { "cell", "machine", "workload", "scale", "seed",
					    "variant" };
	for (size_t k = 0; k < ARRAY_SIZE(head); k++)
		csv_field(f, head[k], k == 0);
	for (size_t k = 0; k < json_object_array_length(tcols); k++)
		csv_field(f, json_object_get_string(json_object_array_get_idx(tcols, k)), false);
	csv_field(f, "status", false);
	csv_field(f, RKEY(ELAPSED_S), false);
	csv_field(f, RKEY(TRUNCATED), false);
	for (size_t k = 0; k < compare_nr_rows; k++) {
		int row = compare_rows[k];
		csv_field(f, row == COMPARE_ROW_LOCAL_PCT ? "numa_hint_local_percent" :
			     row == COMPARE_ROW_PEAK_PENDING ? "sim_migrc_peak_pending_pages" :
			     vm_event_text[row], false);
	}
	csv_field(f, "oracle_stale_reads", false);
	csv_field(f, "oracle_lost_writes", false);
	fputc('\n', f);
}

/* @v as the result file writes it (json-c keeps a parsed number's text). */
static void csv_json(FILE *f, json_object *v)
{
	csv_field(f, v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : NULL, false);
}

static void csv_figures(FILE *f, json_object *r)
{
	json_object *vm = jget(r, RKEY(VMSTAT));
	csv_json(f, jget(r, RKEY(ELAPSED_S)));
	json_object *tr = jget(r, RKEY(TRUNCATED));
	csv_field(f, tr && json_object_get_boolean(tr) ? "true" : "false", false);
	for (size_t k = 0; k < compare_nr_rows; k++) {
		int row = compare_rows[k];
		if (row == COMPARE_ROW_LOCAL_PCT) {
			json_object *all = jget(vm, vm_event_text[NUMA_HINT_FAULTS]);
			json_object *local = jget(vm, vm_event_text[NUMA_HINT_FAULTS_LOCAL]);
			char pct[32] = "";
			if (all && local && json_object_get_uint64(all))
				snprintf(pct, sizeof(pct), "%.2f", (double)json_object_get_uint64(local) *
					 100.0 / (double)json_object_get_uint64(all));
			csv_field(f, pct, false);
		} else if (row == COMPARE_ROW_PEAK_PENDING) {
			csv_json(f, jget(jget(r, RKEY(MIGRC)), RKEY(MIGRC_PEAK_PENDING_PAGES)));
		} else {
			csv_json(f, jget(vm, vm_event_text[row]));
		}
	}
	csv_json(f, jget(jget(r, RKEY(ORACLE)), RKEY(ORACLE_STALE_READS)));
	csv_json(f, jget(jget(r, RKEY(ORACLE)), RKEY(ORACLE_LOST_WRITES)));
}

static void csv_row(FILE *f, const struct cell *c, json_object *tcols)
{
	char seed[24] = "";
	if (c->have_seed)
		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)c->seed);
	csv_field(f, c->name, true);
	csv_field(f, c->machine, false);
	csv_field(f, c->workload, false);
	csv_field(f, c->scale, false);
	csv_field(f, seed, false);
	csv_field(f, c->variant, false);
	for (size_t k = 0; k < json_object_array_length(tcols); k++)
		csv_field(f, get_str(c->tunables,
				     json_object_get_string(json_object_array_get_idx(tcols, k))), false);
	csv_field(f, status_word[c->st], false);
	if (c->st == ST_OK) {
		csv_figures(f, c->res);
	} else {	/* no figures from a run that did not finish */
		for (size_t k = 0; k < compare_nr_rows + 4; k++)
			csv_field(f, NULL, false);
	}
	fputc('\n', f);
}

static int write_csv(const struct merge *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return cli_bad("out of host memory");
	json_object *tcols = tunable_columns(m);
	csv_header(f, tcols);
	for (uint32_t i = 0; i < m->nr_cells; i++)
		csv_row(f, &m->cells[i], tcols);
	json_object_put(tcols);
	fclose(f);
	int rc = 0;
	if (!strcmp(m->csv, "-"))
		rc = fwrite(buf, 1, len, stdout) == len ? 0 : cli_bad("--csv -: cannot write");
	else if (file_write_atomic(m->csv, buf, len))
		rc = cli_bad("--csv '%s': cannot write: %s", m->csv, strerror(errno));
	free(buf);
	return rc;
}

/* ---- compare's layout ---- */

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Cells @a and @b go in one table: same machine, workload and scale. */
static bool same_table(const struct cell *a, const struct cell *b)
{
	return same(a->machine, b->machine) && same(a->workload, b->workload) &&
	       same(a->scale, b->scale);
}

static double elapsed(json_object *r)
{
	return json_object_get_double(jget(r, RKEY(ELAPSED_S)));
}

static int by_elapsed(const void *a, const void *b)
{
	double x = elapsed((*(struct cell *const *)a)->res);
	double y = elapsed((*(struct cell *const *)b)->res);
	return (x > y) - (x < y);
}

/* What column @col ran with: its median result's tunables, else the defaults and its own. */
static void column_tunables(struct compare_column *col, const struct cell *any)
{
	json_object *tun = col->res ? jget(jget(col->res, RKEY(CONFIG)), RKEY(CONFIG_TUNABLES))
				    : any->tunables;
	tunables_init(&col->tun);
	if (!json_object_is_type(tun, json_type_object))
		return;
	json_object_object_foreach(tun, key, val) {
		char *kv, why[256];
		if (json_object_is_type(val, json_type_string) &&
		    asprintf(&kv, "%s=%s", key, json_object_get_string(val)) >= 0) {
			tunable_set(&col->tun, kv, why, sizeof(why));	/* unknown here: ignored */
			free(kv);
		}
	}
}

/* Group @g (cells @idx[0..n)): its median run, elapsed range and first seed. */
static void make_column(struct compare_column *col, struct cell **runs, const struct cell *const *grp,
			uint32_t n)
{
	uint32_t ok = 0;
	*col = (struct compare_column){ .name = grp[0]->variant, .seed = grp[0]->seed };
	for (uint32_t k = 0; k < n; k++) {
		if (grp[k]->seed < col->seed)
			col->seed = grp[k]->seed;
		if (grp[k]->st == ST_OK)
			runs[ok++] = (struct cell *)grp[k];
	}
	if (ok) {
		qsort(runs, ok, sizeof(*runs), by_elapsed);
		col->min_s = elapsed(runs[0]->res);
		col->max_s = elapsed(runs[ok - 1]->res);
		col->res = runs[(ok - 1) / 2]->res;	/* the lower middle one, as compare --seeds */
	}
	column_tunables(col, grp[0]);
}

/* "1..4" for consecutive seeds, else "1,5,9" (the first ones, then ",..."). */
static void seeds_text(const struct cell *const *grp, uint32_t n, char *out, size_t len)
{
	uint64_t *s = calloc(n, sizeof(*s));
	size_t used = 0;
	bool run = true;
	if (!s) {
		snprintf(out, len, "?");
		return;
	}
	for (uint32_t k = 0; k < n; k++)
		s[k] = grp[k]->seed;
	for (uint32_t k = 1; k < n; k++)
		run &= s[k] == s[k - 1] + 1;
	if (run) {
		snprintf(out, len, "%llu..%llu", (unsigned long long)s[0], (unsigned long long)s[n - 1]);
	} else {
		out[0] = '\0';
		for (uint32_t k = 0; k < n && used + 24 < len; k++)
			used += (size_t)snprintf(out + used, len - used, "%s%llu", k ? "," : "",
						 (unsigned long long)s[k]);
		if (used + 24 >= len)
			snprintf(out + used, len - used, ",...");
	}
	free(s);
}

/* The tunables every column ran with: the table's "every column" line. */
static void shared_tunables(struct tunables *shared, const struct compare_column *cols, int n)
{
	tunables_init(shared);
	for (int i = 0; i < NR_TUNABLES; i++) {
		bool all = true;
		for (int j = 1; j < n; j++)
			all &= cols[j].tun.v[i] == cols[0].tun.v[i];
		if (all && n)
			shared->v[i] = cols[0].tun.v[i];
	}
}

/* One table: the cells of @m like cell @first (same machine, workload, scale). */
static void print_table(const struct merge *m, uint32_t first, bool *done, FILE *out)
{
	const struct cell **grp = calloc(m->nr_cells, sizeof(*grp));
	struct cell **runs = calloc(m->nr_cells, sizeof(*runs));
	struct compare_column *cols = calloc(m->nr_cells, sizeof(*cols));
	uint32_t nr_runs = 1;
	int nr_cols = 0;
	char seeds[160] = "";
	if (!grp || !runs || !cols)
		cli_oom();
	for (uint32_t i = first; i < m->nr_cells; i++) {
		if (done[i] || !same_table(&m->cells[first], &m->cells[i]))
			continue;
		uint32_t n = 0;
		for (uint32_t k = i; k < m->nr_cells; k++)
			if (!done[k] && same_table(&m->cells[i], &m->cells[k]) &&
			    same(m->cells[i].group, m->cells[k].group)) {
				grp[n++] = &m->cells[k];
				done[k] = true;
			}
		if (!nr_cols)
			seeds_text(grp, n, seeds, sizeof(seeds));
		nr_runs = MAX(nr_runs, n);
		make_column(&cols[nr_cols++], runs, grp, n);
	}
	struct tunables shared;
	shared_tunables(&shared, cols, nr_cols);
	compare_print_columns(out, "merge", &shared, nr_runs, seeds, cols, nr_cols);
	free(cols);
	free(runs);
	free(grp);
}

static void print_tables(const struct merge *m, FILE *out)
{
	bool *done = cli_xcalloc(m->nr_cells, sizeof(*done));
	for (uint32_t i = 0, nth = 0; i < m->nr_cells; i++)
		if (!done[i]) {
			if (nth++)
				fputc('\n', out);
			print_table(m, i, done, out);
		}
	free(done);
}

/* ---- the command ---- */

static int parse_merge_options(int argc, char **argv, struct merge *m)
{
	static const struct option longopts[] = {
		{ "csv", required_argument, NULL, 'c' },
		{ "html", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seen = 0;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'c':
			if (cli_once_arg(&seen, c, "--csv", optarg, &m->csv))
				return 2;
			break;
		case 'H':
			if (cli_once_arg(&seen, c, "--html", optarg, &m->html))
				return 2;
			break;
		case 'h': merge_usage(stdout); exit(0);
		case ':': return cli_bad("option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(longopts, argv[optind - 1], "numasim merge --help");
		}
	}
	if (cli_one_operand(argc, argv, "merge: which folder? (numasim merge DIR; see numasim "
			    "merge --help)", &m->dir))
		return 2;
	char err[512];
	if (m->csv && strcmp(m->csv, "-") && file_probe_writable(m->csv, err, sizeof(err)))
		return cli_bad("--csv '%s': %s", m->csv, err);
	if (m->html && cli_html_probe("--html", m->html))
		return 2;
	return 0;
}

/* The variant a cell is drawn as: its name without the "__sSEED" of its seed. */
static char *html_variant_name(const struct cell *c)
{
	const char *n = c->name, *u = strstr(n, "__s"), *last = NULL;
	for (; u; u = strstr(u + 1, "__s"))
		last = u;
	size_t len = strlen(n);
	if (c->have_seed && last && last[3] && strspn(last + 3, "0123456789") == strlen(last + 3))
		len = (size_t)(last - n);
	return strndup(n, len);
}

/*
 * --html: the complete cells' whole results (merge's own copies lack the
 * time series) handed to numasim report's writer, a cell's seeds as one
 * variant. 0, 1 if the page could not be written, 2 for too many cells.
 */
static int write_html(const struct merge *m)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < m->nr_cells; i++)
		n += m->cells[i].st == ST_OK;
	if (n > MAX_HTML_CELLS)
		return cli_bad("--html: %u complete cells, at most %u in one page (merge a "
			       "smaller folder)", n, MAX_HTML_CELLS);
	struct html_input *in = calloc(n ? n : 1, sizeof(*in));
	int rc = in ? 0 : 1;
	size_t k = 0;
	for (uint32_t i = 0; !rc && i < m->nr_cells; i++) {
		const struct cell *c = &m->cells[i];
		if (c->st != ST_OK)
			continue;
		char err[512];
		in[k] = (struct html_input){ .name = html_variant_name(c), .file = c->path,
					     .res = cli_read_json_file(c->path, err, sizeof(err)) };
		if (!in[k].name || !in[k].res) {
			err_print("numasim", "merge --html: %s: %s", c->path,
				  in[k].name ? err : "out of host memory");
			rc = 1;
		}
		k++;
	}
	if (!rc)
		rc = cli_html_write("--html", m->html, in, k);
	for (size_t i = 0; in && i < k; i++) {
		free((char *)in[i].name);
		if (in[i].res)
			json_object_put(in[i].res);
	}
	free(in);
	return rc;
}

/* Name the cells without a complete result; 1 if there are any, else 0. */
static int report_incomplete(const struct merge *m)
{
	uint32_t bad = 0;
	for (uint32_t i = 0; i < m->nr_cells; i++)
		if (m->cells[i].st != ST_OK && m->cells[i].st != ST_INVALID) {
			if (bad++ < 20)
				err_print("numasim", "merge: cell %u %s: %s", i, m->cells[i].name,
					  status_word[m->cells[i].st]);
		}
	if (bad)
		err_print("numasim", "merge: %u of %u cells have no complete result%s", bad,
			  m->nr_cells, m->index ? " (numasim sweep SPEC runs what is left)" : "");
	return bad ? 1 : 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge m = { 0 };
	int rc = parse_merge_options(argc, argv, &m), invalid = 0;
	if (!rc) {
		char *index = path_in(&m, "cells.json");
		struct stat st;
		rc = stat(index, &st) ? scan_dir(&m) : load_index(&m, index);
		free(index);
	}
	for (uint32_t i = 0; !rc && i < m.nr_cells; i++)
		invalid |= load_result(&m, &m.cells[i]) != 0;
	if (!rc) {
		if (!m.csv || strcmp(m.csv, "-"))
			print_tables(&m, stdout);
		if (m.csv)
			rc = write_csv(&m);
		if (!rc && m.html)
			rc = write_html(&m);
		int inc = report_incomplete(&m);
		rc = rc ? rc : invalid ? 2 : inc;
	}
	for (uint32_t i = 0; i < m.nr_cells; i++) {
		free(m.cells[i].path);
		if (m.cells[i].res)
			json_object_put(m.cells[i].res);
	}
	free(m.cells);
	json_object_put(m.index);
	json_object_put(m.owned);
	return rc;
}
