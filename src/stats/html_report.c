// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats/html_report.c - the HTML report (html_report.h, docs/report.md).
 *
 * Results are unpacked by html_data.c and grouped into variants by name;
 * a variant's charts show its median run (by elapsed time, the lower middle
 * one for an even count, as numasim compare picks it), its bars and table
 * cells the range over its seeds. One variant gives the page of a run; two
 * or more overlay the variants in each time chart, a colour per variant.
 *
 * Sections: summary (or comparison), placement, /proc/vmstat rates,
 * tiering (machines with a slow tier), migrc/LUF (when deferred flushes are
 * on), configuration, oracle.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/err.h"
#include "core/file.h"
#include "core/tunables.h"
#include "sim.h"
#include "stats/html_data.h"
#include "stats/html_report.h"
#include "stats/report.h"
#include "stats/svg_plot.h"
#include "stats/vmstat.h"

#define MAX_POINTS 600		/* points per curve: plenty for a 640 px chart */
#define MAX_STRIP_COLS 300	/* time columns of the thread chart */
#define MAX_PROC_CHARTS 6	/* placement charts of one run; the rest are summed */
#define MAX_TABLE_PROCS 8	/* processes of the final-placement rows */
#define PAGES_PER_MIB ((double)(MiB / PAGE_SIZE))

struct variant {
	const char *name;
	struct hr_run **run;	/* by elapsed time */
	size_t nr;
	struct hr_run *med;	/* the median run: its curves are drawn */
	size_t color;
};

struct ctx {
	struct sbuf b;
	struct hr_run *runs;
	size_t nr_runs;
	struct variant *v;
	size_t nr_v;
	bool multi;		/* two or more variants: curves overlaid by variant */
	bool seeds;		/* some variant has several runs */
	double **scratch;	/* freed after each chart */
	size_t nr_scratch, cap_scratch;
};

static double *scratch(struct ctx *c, size_t n)
{
	ARRAY_GROW(c->scratch, c->cap_scratch, c->nr_scratch, 16);
	double *a = xreallocarray(NULL, n ? n : 1, sizeof(double));
	c->scratch[c->nr_scratch++] = a;
	return a;
}

static void scratch_free(struct ctx *c)
{
	while (c->nr_scratch)
		free(c->scratch[--c->nr_scratch]);
}

/* ---- grouping ---- */

static int by_elapsed(const void *pa, const void *pb)
{
	const struct hr_run *a = *(struct hr_run *const *)pa, *b = *(struct hr_run *const *)pb;
	if (a->elapsed_s != b->elapsed_s)
		return a->elapsed_s < b->elapsed_s ? -1 : 1;
	if (a->seed != b->seed)
		return a->seed < b->seed ? -1 : 1;
	return a < b ? -1 : a > b;	/* the order given */
}

static const char *src_name(const struct hr_run *r)
{
	return r->in->file ? r->in->file : "the live run";
}

static int group(struct ctx *c, char *err, size_t errlen)
{
	c->v = calloc(c->nr_runs, sizeof(*c->v));
	if (!c->v)
		return errorf(err, errlen, "out of host memory");
	for (size_t i = 0; i < c->nr_runs; i++) {
		struct hr_run *r = &c->runs[i];
		size_t j = 0;
		while (j < c->nr_v && strcmp(c->v[j].name, r->in->name))
			j++;
		struct variant *v = &c->v[j];
		if (j == c->nr_v) {
			*v = (struct variant){ .name = r->in->name, .color = j };
			v->run = calloc(c->nr_runs, sizeof(*v->run));
			if (!v->run)
				return errorf(err, errlen, "out of host memory");
			c->nr_v++;
		}
		for (size_t k = 0; k < v->nr; k++)
			if (r->have_seed && v->run[k]->have_seed && r->seed == v->run[k]->seed)
				return errorf(err, errlen, "variant '%s': '%s' and '%s' both have seed %llu "
					      "(name one: NAME=FILE)", v->name, src_name(v->run[k]),
					      src_name(r), (unsigned long long)r->seed);
		v->run[v->nr++] = r;
	}
	for (size_t j = 0; j < c->nr_v; j++) {
		struct variant *v = &c->v[j];
		qsort(v->run, v->nr, sizeof(*v->run), by_elapsed);
		v->med = v->run[(v->nr - 1) / 2];
		c->seeds |= v->nr > 1;
	}
	c->multi = c->nr_v > 1;
	return 0;
}

/* ---- small helpers ---- */

static const char *node_kind(const struct hr_run *r, uint32_t n)
{
	return r->node[n].kind ? r->node[n].kind : "?";
}

static void node_label(char *buf, size_t len, const struct hr_run *r, uint32_t n)
{
	snprintf(buf, len, "node %u (%s)", n, node_kind(r, n));
}

/* Indices of the samples drawn: every step-th one and the last; their count. */
static size_t pick(const struct hr_run *r, size_t max, size_t *idx)
{
	size_t n = r->nr_ts, step = (n + max - 1) / max, k = 0;
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i += step ? step : 1)
		idx[k++] = i;
	if (idx[k - 1] != n - 1)
		idx[k++] = n - 1;
	return k;
}

static size_t *pick_alloc(struct ctx *c, const struct hr_run *r, size_t max, size_t *nr)
{
	size_t *idx = xreallocarray(NULL, max + 2, sizeof(size_t));
	*nr = pick(r, max, idx);
	/* kept with the chart's scratch: freed together */
	ARRAY_GROW(c->scratch, c->cap_scratch, c->nr_scratch, 16);
	c->scratch[c->nr_scratch++] = (double *)(void *)idx;
	return idx;
}

/* The sample times of run @r at @idx[0..@ni): a chart's x values, in its scratch. */
static double *times_at(struct ctx *c, const struct hr_run *r, const size_t *idx, size_t ni)
{
	double *x = scratch(c, ni);
	for (size_t i = 0; i < ni; i++)
		x[i] = r->t[idx[i]];
	return x;
}

static double max_t(const struct ctx *c)
{
	double t = 0;
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct hr_run *r = c->v[j].med;
		if (r->nr_ts)
			t = MAX(t, r->t[r->nr_ts - 1]);
		t = MAX(t, r->elapsed_s);
	}
	return t;
}

static void charts_open(struct ctx *c)
{
	sb_puts(&c->b, "<div class=\"charts\">\n");
}

static void charts_close(struct ctx *c)
{
	sb_puts(&c->b, "</div>\n");
}

static void note(struct ctx *c, const char *text)
{
	sb_puts(&c->b, "<p class=\"note\">");
	sb_escape(&c->b, text);
	sb_puts(&c->b, "</p>\n");
}

static void variant_heading(struct ctx *c, const struct variant *v)
{
	sb_puts(&c->b, "<h3>");
	if (c->multi) {
		sb_printf(&c->b, "<span class=\"swatch\" style=\"background:%s\"></span>variant ",
			  plot_color(v->color));
		sb_escape(&c->b, v->name);
	} else {
		sb_puts(&c->b, "the run");
	}
	if (v->nr > 1)
		sb_printf(&c->b, " (seed %llu: the median of %zu runs)",
			  (unsigned long long)v->med->seed, v->nr);
	sb_puts(&c->b, "</h3>\n");
}

/* ---- the page around the sections ---- */

static const char page_style[] =
	"body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222;max-width:1360px}"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid "
	"#0072b2;padding-bottom:3px}h3{font-size:15px;margin:14px 0 6px}"
	".sub{color:#555;margin:0 0 10px}nav a{margin-right:14px}"
	".charts{display:flex;flex-wrap:wrap;gap:14px}.charts svg{border:1px solid #ccc;background:#fff}"
	"table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{border:1px solid #ccc;"
	"padding:3px 8px;text-align:right}th{background:#eef3f8}td.k,th.k{text-align:left}"
	".dflt{color:#999}.note{color:#555;font-size:13px}.warn{color:#b00;font-weight:bold}"
	".ok{color:#080;font-weight:bold}.bad{color:#b00;font-weight:bold}"
	".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}"
	"#tip{position:absolute;display:none;background:#ffe;border:1px solid #999;padding:2px 6px;"
	"font-size:12px;pointer-events:none}";

/* Hover read-out of a chart's coordinates (the page reads fine without it). */
static const char page_script[] =
	"(function(){var tip=document.createElement('div');tip.id='tip';document.body.appendChild(tip);\n"
	"document.querySelectorAll('svg.plot').forEach(function(s){\n"
	" s.addEventListener('mousemove',function(e){var r=s.getBoundingClientRect(),d=s.dataset,\n"
	"  k=r.width/s.viewBox.baseVal.width,px=(e.clientX-r.left)/k,py=(e.clientY-r.top)/k,\n"
	"  l=+d.l,t=+d.t,w=+d.w,h=+d.h;\n"
	"  if(px<l||px>l+w||py<t||py>t+h){tip.style.display='none';return;}\n"
	"  var f=(t+h-py)/h,x=+d.x0+(px-l)/w*(d.x1-d.x0),y=d.log?Math.pow(10,Math.log10(d.y0)+\n"
	"   f*(Math.log10(d.y1)-Math.log10(d.y0))):+d.y0+f*(d.y1-d.y0),\n"
	"   el=e.target.closest('path,rect'),n=el&&el.querySelector('title');\n"
	"  tip.textContent=(n?n.textContent+': ':'')+(d.xu?x.toPrecision(3)+' '+d.xu+', ':'')+\n"
	"   y.toPrecision(4)+(d.yu?' '+d.yu:'');\n"
	"  tip.style.display='block';tip.style.left=(e.pageX+12)+'px';tip.style.top=(e.pageY+12)+'px';});\n"
	" s.addEventListener('mouseleave',function(){tip.style.display='none';});});})();\n";

static void page_head(struct ctx *c)
{
	const struct hr_run *r = c->v[0].med;
	struct sbuf *b = &c->b;
	char what[512];
	snprintf(what, sizeof(what), "%s on %s", r->workload ? r->workload : "a workload",
		 r->machine ? r->machine : "a machine");
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>numasim ");
	sb_puts(b, c->multi ? "comparison: " : "report: ");
	sb_escape(b, what);
	sb_printf(b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>numasim %s</h1>\n",
		  page_style, c->multi ? "comparison" : "report");
	sb_puts(b, "<p class=\"sub\">");
	sb_escape(b, what);
	if (r->have_scale)
		sb_printf(b, ", scale %g", r->scale);
	if (c->multi)
		sb_printf(b, "; %zu variants", c->nr_v);
	if (r->native_kernel && !c->multi) {
		sb_puts(b, "; a real run on ");
		sb_escape(b, r->native_kernel);
	}
	sb_printf(b, "; report by numasim %s</p>\n", NUMASIM_VERSION);
	for (size_t i = 0; i < c->nr_runs; i++) {
		const struct hr_run *x = &c->runs[i];
		if (!x->failed && !x->truncated && !x->interrupted)
			continue;
		sb_puts(b, "<p class=\"warn\">");
		sb_escape(b, x->in->name);
		if (x->have_seed && c->seeds)
			sb_printf(b, " (seed %llu)", (unsigned long long)x->seed);
		sb_puts(b, x->failed ? ": the workload failed" : x->interrupted ? ": interrupted"
			   : ": truncated at numasim.max_sim_seconds");
		if (x->failed && x->error && x->error[0]) {
			sb_puts(b, ": ");
			sb_escape(b, x->error);
		}
		sb_puts(b, "</p>\n");
	}
}

static bool any_tiering(const struct ctx *c);
static bool any_migrc(const struct ctx *c);

static void page_nav(struct ctx *c)
{
	sb_printf(&c->b, "<nav><a href=\"#summary\">%s</a><a href=\"#placement\">placement</a>"
		  "<a href=\"#vmstat\">vmstat rates</a>", c->multi ? "comparison" : "summary");
	if (any_tiering(c))
		sb_puts(&c->b, "<a href=\"#tiering\">tiering</a>");
	if (any_migrc(c))
		sb_puts(&c->b, "<a href=\"#migrc\">migrc</a>");
	sb_puts(&c->b, "<a href=\"#config\">configuration</a><a href=\"#oracle\">oracle</a></nav>\n");
}

/* ---- summary: bars and the table ---- */

static void elapsed_bars(struct ctx *c)
{
	struct plot_bar *bars = calloc(c->nr_v, sizeof(*bars));
	if (!bars) {
		c->b.oom = true;
		return;
	}
	bool aps = false;
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct variant *v = &c->v[j];
		bars[j] = (struct plot_bar){ v->name, v->med->elapsed_s, v->run[0]->elapsed_s,
					     v->run[v->nr - 1]->elapsed_s, v->nr > 1, plot_color(v->color) };
		aps |= v->med->have_aps && v->med->accesses_per_s > 0;
	}
	charts_open(c);
	svg_bar_chart(&c->b, c->seeds ? "Elapsed time: median, min..max over seeds" : "Elapsed time",
		      "simulated time (s)", "s", bars, c->nr_v);
	if (aps) {
		for (size_t j = 0; j < c->nr_v; j++) {
			const struct variant *v = &c->v[j];
			double lo = INFINITY, hi = 0;
			for (size_t k = 0; k < v->nr; k++) {
				lo = MIN(lo, v->run[k]->accesses_per_s);
				hi = MAX(hi, v->run[k]->accesses_per_s);
			}
			bars[j].v = v->med->accesses_per_s;
			bars[j].lo = lo;
			bars[j].hi = hi;
		}
		svg_bar_chart(&c->b, c->seeds ? "Accesses per second: median run, min..max over seeds"
			      : "Accesses per second", "64-byte accesses per simulated s", "/s", bars,
			      c->nr_v);
	}
	charts_close(c);
	free(bars);
}

/* The counter rows of the table, as numasim compare orders them. */
#define ROW_LOCAL_PCT (-1)
#define ROW_PEAK_PENDING (-2)
static const int table_rows[] = {
	PGFAULT, THP_FAULT_ALLOC, THP_FAULT_FALLBACK, NUMA_PTE_UPDATES, NUMA_HUGE_PTE_UPDATES,
	NUMA_HINT_FAULTS, NUMA_HINT_FAULTS_LOCAL, ROW_LOCAL_PCT, NUMA_PAGE_MIGRATE,
	PGMIGRATE_SUCCESS, PGMIGRATE_FAIL, THP_MIGRATION_SUCCESS, NR_TLB_REMOTE_FLUSH,
	NR_TLB_REMOTE_FLUSH_RECEIVED, SIM_MIGRC_DEFERRED, SIM_MIGRC_DEFERRED_PAGES, ROW_PEAK_PENDING,
	PGPROMOTE_SUCCESS, PGPROMOTE_CANDIDATE, PGDEMOTE_KSWAPD, PGDEMOTE_DIRECT,
	SIM_DEVICE_TO_DEVICE_PAGES, SIM_DEVICE_TO_RAM_PAGES, SIM_DEVICE_FAULTS, SIM_ACCESSES,
};

/* A row's value for run @r: false if it has none. */
static bool row_value(const struct hr_run *r, int row, double *v)
{
	if (row == ROW_PEAK_PENDING) {
		*v = (double)r->peak_pending;
		return r->have_peak_pending;
	}
	if (row == ROW_LOCAL_PCT) {
		double all, local;
		if (!hr_counter(r, vm_event_text[NUMA_HINT_FAULTS], &all) || !all ||
		    !hr_counter(r, vm_event_text[NUMA_HINT_FAULTS_LOCAL], &local))
			return false;
		*v = local * 100.0 / all;
		return true;
	}
	return hr_counter(r, vm_event_text[row], v);
}

static const char *row_name(int row)
{
	return row == ROW_LOCAL_PCT ? "numa_hint_local_percent"
	       : row == ROW_PEAK_PENDING ? "sim_migrc_peak_pending_pages" : vm_event_text[row];
}

static void table_head(struct ctx *c, const char *first)
{
	sb_printf(&c->b, "<table class=\"summary\">\n<tr><th class=\"k\">%s</th>", first);
	for (size_t j = 0; j < c->nr_v; j++) {
		sb_puts(&c->b, "<th>");
		if (c->multi)
			sb_printf(&c->b, "<span class=\"swatch\" style=\"background:%s\"></span>",
				  plot_color(c->v[j].color));
		sb_escape(&c->b, c->multi ? c->v[j].name : "value");
		sb_puts(&c->b, "</th>");
	}
	sb_puts(&c->b, "</tr>\n");
}

static void elapsed_row(struct ctx *c)
{
	double ref = c->v[0].med->elapsed_s;
	int prec = 2;
	for (size_t j = 0; j < c->nr_v; j++)
		prec = MAX(prec, c->v[j].med->elapsed_s < 1 ? 4 : c->v[j].med->elapsed_s < 10 ? 3 : 2);
	sb_puts(&c->b, "<tr><td class=\"k\">elapsed (simulated s)</td>");
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct variant *v = &c->v[j];
		double e = v->med->elapsed_s;
		sb_printf(&c->b, "<td>%.*f", prec, e);
		if (v->nr > 1)
			sb_printf(&c->b, " [%.*f&ndash;%.*f]", prec, v->run[0]->elapsed_s, prec,
				  v->run[v->nr - 1]->elapsed_s);
		if (j && ref > 0) {
			double pct = (e - ref) * 100.0 / ref;
			sb_printf(&c->b, " (%+.1f%%)", fabs(pct) < 0.05 ? 0.0 : pct);
		}
		sb_puts(&c->b, "</td>");
	}
	sb_puts(&c->b, "</tr>\n");
	if (c->seeds) {
		sb_puts(&c->b, "<tr><td class=\"k\">runs (seeds)</td>");
		for (size_t j = 0; j < c->nr_v; j++) {
			const struct variant *v = &c->v[j];
			uint64_t lo = UINT64_MAX, hi = 0;
			for (size_t k = 0; k < v->nr; k++) {
				lo = MIN(lo, v->run[k]->seed);
				hi = MAX(hi, v->run[k]->seed);
			}
			sb_printf(&c->b, "<td>%zu (%llu..%llu)</td>", v->nr, (unsigned long long)lo,
				  (unsigned long long)hi);
		}
		sb_puts(&c->b, "</tr>\n");
	}
}

static void counter_rows(struct ctx *c)
{
	for (size_t k = 0; k < ARRAY_SIZE(table_rows); k++) {
		bool nonzero = false;
		double v;
		for (size_t j = 0; j < c->nr_v; j++)
			nonzero |= row_value(c->v[j].med, table_rows[k], &v) && v != 0;
		if (!nonzero)
			continue;	/* as compare: rows zero in every column are left out */
		sb_printf(&c->b, "<tr><td class=\"k\">%s</td>", row_name(table_rows[k]));
		for (size_t j = 0; j < c->nr_v; j++) {
			if (!row_value(c->v[j].med, table_rows[k], &v))
				sb_puts(&c->b, "<td>-</td>");
			else if (table_rows[k] == ROW_LOCAL_PCT)
				sb_printf(&c->b, "<td>%.2f</td>", v);
			else
				sb_printf(&c->b, "<td>%.0f</td>", v);
		}
		sb_puts(&c->b, "</tr>\n");
	}
}

static void placement_rows(struct ctx *c)
{
	uint32_t nr_procs = 0, nr_nodes = 0;
	for (size_t j = 0; j < c->nr_v; j++) {
		nr_procs = MAX(nr_procs, c->v[j].med->nr_procs);
		nr_nodes = MAX(nr_nodes, c->v[j].med->nr_nodes);
	}
	for (uint32_t p = 0; p < MIN(nr_procs, (uint32_t)MAX_TABLE_PROCS); p++)
		for (uint32_t n = 0; n < nr_nodes; n++) {
			sb_printf(&c->b, "<tr><td class=\"k\">process %u node %u (MiB)</td>", p, n);
			for (size_t j = 0; j < c->nr_v; j++) {
				const struct hr_run *r = c->v[j].med;
				if (p < r->nr_procs && n < r->nr_nodes)
					sb_printf(&c->b, "<td>%.0f</td>",
						  floor(r->final_res[p * r->nr_nodes + n] / PAGES_PER_MIB));
				else
					sb_puts(&c->b, "<td>-</td>");
			}
			sb_puts(&c->b, "</tr>\n");
		}
	if (nr_procs > MAX_TABLE_PROCS)
		sb_printf(&c->b, "<tr><td class=\"k\" colspan=\"%zu\">... %u more processes (see the JSON "
			  "results)</td></tr>\n", c->nr_v + 1, nr_procs - MAX_TABLE_PROCS);
}

static void section_summary(struct ctx *c)
{
	sb_printf(&c->b, "<section id=\"summary\">\n<h2>%s</h2>\n", c->multi ? "Comparison" : "Summary");
	if (c->multi || c->seeds)
		elapsed_bars(c);
	table_head(c, c->multi ? "" : "result");
	elapsed_row(c);
	bool aps = false;
	for (size_t j = 0; j < c->nr_v; j++)
		aps |= c->v[j].med->have_aps && c->v[j].med->accesses_per_s > 0;
	if (aps) {
		sb_puts(&c->b, "<tr><td class=\"k\">accesses per second (64 B)</td>");
		for (size_t j = 0; j < c->nr_v; j++) {
			char num[32];
			fmt_num(num, sizeof(num), c->v[j].med->accesses_per_s);
			sb_printf(&c->b, "<td>%s</td>", c->v[j].med->have_aps ? num : "-");
		}
		sb_puts(&c->b, "</tr>\n");
	}
	counter_rows(c);
	placement_rows(c);
	sb_puts(&c->b, "</table>\n");
	if (c->seeds)
		note(c, "With several seeds: elapsed is the median run with [min-max] over the runs; "
		     "the other rows are the median run's.");
	sb_puts(&c->b, "</section>\n");
}

/* ---- placement ---- */

/* Stacked areas of process @p's (or, with @p_end > @p + 1, processes
 * p..p_end-1 summed) resident memory, one area per node. */
static void proc_chart(struct ctx *c, const struct hr_run *r, uint32_t p, uint32_t p_end, double xmax)
{
	size_t ni, *idx = pick_alloc(c, r, MAX_POINTS, &ni);
	struct plot_series s[MAX_NUMNODES];
	char labels[MAX_NUMNODES][48], title[96];
	double *x = times_at(c, r, idx, ni);
	for (uint32_t n = 0; n < r->nr_nodes; n++) {
		double *y = scratch(c, ni);
		for (size_t i = 0; i < ni; i++) {
			y[i] = 0;
			for (uint32_t q = p; q < p_end; q++)
				y[i] += r->res[(idx[i] * r->nr_procs + q) * r->nr_nodes + n] / PAGES_PER_MIB;
		}
		node_label(labels[n], sizeof(labels[n]), r, n);
		s[n] = (struct plot_series){ labels[n], x, y, ni, plot_color(n), DASH_SOLID };
	}
	if (p_end == p + 1)
		snprintf(title, sizeof(title), "Resident memory of process %u by node", p);
	else
		snprintf(title, sizeof(title), "Resident memory of processes %u-%u by node", p, p_end - 1);
	struct plot pl = { .title = title, .xlabel = "simulated time (s)",
			   .ylabel = "resident memory (MiB)", .xunit = "s", .yunit = "MiB",
			   .stacked = true, .xmax = xmax, .series = s, .nr_series = r->nr_nodes };
	svg_line_plot(&c->b, &pl);
	scratch_free(c);
}

/* Rectangles of one node's colour: one <path> per node keeps the page small. */
static void strip_rect(struct sbuf *b, double x0, double x1, double y, double h)
{
	sb_printf(b, "M%.1f %.1fh%.1fv%.1fh%.1fz", x0, y, x1 - x0, h, x0 - x1);
}

/* Per-thread node over time: a row per task, coloured by its CPU's node. */
static void task_strip(struct ctx *c, const struct hr_run *r, double xmax)
{
	uint32_t rows = MIN(r->max_tasks, (uint32_t)TS_MAX_TASKS);
	size_t ni, *idx = pick_alloc(c, r, MAX_STRIP_COLS, &ni);
	struct legend_item items[MAX_NUMNODES + 1];
	char labels[MAX_NUMNODES][48], title[128];
	for (uint32_t n = 0; n < r->nr_nodes; n++) {
		node_label(labels[n], sizeof(labels[n]), r, n);
		items[n] = (struct legend_item){ labels[n], plot_color(n), DASH_SOLID, true };
	}
	items[r->nr_nodes] = (struct legend_item){ "not running (not started or exited)", "#eeeeee",
						    DASH_SOLID, true };
	double row_h = MIN(24.0, MAX(2.0, 220.0 / rows));
	struct plot_axes a = { .x0 = 0, .x1 = xmax > 0 ? xmax : 1, .y0 = 0, .y1 = rows,
			       .left = 66, .w = PLOT_WIDTH - 66 - 16, .h = row_h * rows };
	snprintf(title, sizeof(title), "Node of each thread's CPU over time%s",
		 r->max_tasks > TS_MAX_TASKS ? " (the first 128 threads)" : "");
	svg_begin(&c->b, &a, title, items, r->nr_nodes + 1, "s", NULL);
	sb_printf(&c->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#eeeeee\"/>\n",
		  a.left, a.top, a.w, a.h);
	struct sbuf paths[MAX_NUMNODES] = { 0 };
	for (uint32_t row = 0; row < rows; row++) {
		double y = ax_py(&a, row + 1);
		size_t start = 0;
		for (size_t i = 1; i <= ni; i++) {
			const char *s0 = r->task_node[idx[start]];
			char c0 = s0 && row < strlen(s0) ? s0[row] : '-';
			const char *si = i < ni ? r->task_node[idx[i]] : NULL;
			char ci = i < ni && si && row < strlen(si) ? si[row] : 0;
			if (i < ni && ci == c0)
				continue;
			if (c0 != '-') {	/* the state holds from its sample to the next change */
				int node = c0 <= '9' ? c0 - '0' : c0 - 'a' + 10;
				double x1 = ax_px(&a, r->t[idx[i < ni ? i : ni - 1]]);
				strip_rect(&paths[node], ax_px(&a, r->t[idx[start]]), MAX(x1,
					   ax_px(&a, r->t[idx[start]]) + 0.5), y, row_h);
			}
			start = i;
		}
	}
	for (uint32_t n = 0; n < r->nr_nodes; n++) {
		if (paths[n].len) {
			sb_printf(&c->b, "<path class=\"series strip\" fill=\"%s\" d=\"%s\"><title>",
				  plot_color(n), paths[n].s);
			sb_escape(&c->b, labels[n]);
			sb_puts(&c->b, "</title></path>\n");
		}
		c->b.oom |= paths[n].oom;
		sb_free(&paths[n]);
	}
	svg_axes(&c->b, &a, "simulated time (s)", "thread (creation order)", true);
	svg_end(&c->b);
	scratch_free(c);
}

/* Compare: every variant's memory per node (all processes) in one chart. */
static void node_memory_overlay(struct ctx *c, double xmax)
{
	struct plot_series *s = calloc(c->nr_v * MAX_NUMNODES, sizeof(*s));
	char (*labels)[96] = calloc(c->nr_v * MAX_NUMNODES, sizeof(*labels));
	size_t ns = 0;
	if (!s || !labels) {
		c->b.oom = true;
		goto out;
	}
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct hr_run *r = c->v[j].med;
		if (!r->have_res)
			continue;
		size_t ni, *idx = pick_alloc(c, r, MAX_POINTS, &ni);
		double *x = times_at(c, r, idx, ni);
		for (uint32_t n = 0; n < r->nr_nodes; n++) {
			double *y = scratch(c, ni);
			for (size_t i = 0; i < ni; i++) {
				y[i] = 0;
				for (uint32_t p = 0; p < r->nr_procs; p++)
					y[i] += r->res[(idx[i] * r->nr_procs + p) * r->nr_nodes + n];
				y[i] /= PAGES_PER_MIB;
			}
			snprintf(labels[ns], sizeof(labels[ns]), "%s node %u", c->v[j].name, n);
			s[ns] = (struct plot_series){ labels[ns], x, y, ni, plot_color(c->v[j].color),
						      (enum plot_dash)(n % NR_DASH) };
			ns++;
		}
	}
	struct plot pl = { .title = "Resident memory per node, all processes (line style: node)",
			   .xlabel = "simulated time (s)", .ylabel = "resident memory (MiB)",
			   .xunit = "s", .yunit = "MiB", .xmax = xmax, .series = s, .nr_series = ns };
	if (ns)
		svg_line_plot(&c->b, &pl);
out:
	scratch_free(c);
	free(s);
	free(labels);
}

static void section_placement(struct ctx *c)
{
	double xmax = max_t(c);
	sb_puts(&c->b, "<section id=\"placement\">\n<h2>Placement over time</h2>\n");
	note(c, "Where each process's memory is (stacked by node) and on which node each thread "
	     "runs, sampled every numasim.sample_ms.");
	if (c->multi) {
		charts_open(c);
		node_memory_overlay(c, xmax);
		charts_close(c);
	}
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct hr_run *r = c->v[j].med;
		if (c->multi || r->nr_ts)
			variant_heading(c, &c->v[j]);
		if (!r->nr_ts || (!r->have_res && !r->have_task_node)) {
			note(c, "No time series in this result.");
			continue;
		}
		charts_open(c);
		uint32_t shown = MIN(r->nr_procs, (uint32_t)(c->multi ? 2 : MAX_PROC_CHARTS));
		if (r->nr_procs > shown)
			shown--;	/* the last chart sums the rest */
		for (uint32_t p = 0; r->have_res && p < shown; p++)
			proc_chart(c, r, p, p + 1, xmax);
		if (r->have_res && r->nr_procs > shown)
			proc_chart(c, r, shown, r->nr_procs, xmax);
		if (r->have_task_node && r->max_tasks)
			task_strip(c, r, xmax);
		charts_close(c);
	}
	sb_puts(&c->b, "</section>\n");
}

/* ---- /proc/vmstat rates ---- */

/* A rate curve: counter @a minus counter @sub (or none: -1). */
struct metric {
	const char *label;
	int a, sub;
};

static const struct metric rate_metrics[] = {
	{ "numa_hint_faults", HC_HINT, -1 },
	{ "numa_hint_faults_local", HC_HINT_LOCAL, -1 },
	{ "numa_hint_faults remote (all - local)", HC_HINT, HC_HINT_LOCAL },
	{ "numa_pte_updates", HC_PTE_UPDATES, -1 },
	{ "numa_pages_migrated", HC_PAGES_MIGRATED, -1 },
	{ "pgmigrate_success", HC_PGMIGRATE, -1 },
	{ "pgpromote_success", HC_PROMOTE, -1 },
	{ "pgdemote_kswapd", HC_DEMOTE_KSWAPD, -1 },
	{ "pgdemote_direct", HC_DEMOTE_DIRECT, -1 },
	{ "nr_tlb_remote_flush", HC_TLB_REMOTE, -1 },
};
#define NR_RATE_METRICS ARRAY_SIZE(rate_metrics)

/* The charts of one run: which metrics share a chart. */
static const struct {
	const char *title;
	int m[5];	/* indices into rate_metrics, -1 ends */
} rate_groups[] = {
	{ "NUMA hinting faults", { 0, 1, 2, -1 } },
	{ "NUMA scanner: PTEs made inaccessible", { 3, -1 } },
	{ "Page migrations: NUMA, promotion, demotion", { 4, 5, 6, 7, 8 } },
	{ "TLB shootdowns", { 9, -1 } },
};

static double metric_at(const struct hr_run *r, const struct metric *m, size_t k)
{
	double v = r->ctr[k * NR_HR_CTR + (size_t)m->a];
	if (m->sub >= 0)
		v -= r->ctr[k * NR_HR_CTR + (size_t)m->sub];
	return v;
}

/* Metric @m of run @r as a rate per second, a step per sample interval
 * (its average there); false if it is zero or missing throughout. */
static bool rate_series(struct ctx *c, const struct hr_run *r, const struct metric *m,
			struct plot_series *s)
{
	size_t ni, *idx = pick_alloc(c, r, MAX_POINTS, &ni);
	if (ni < 2)
		return false;
	double *x = scratch(c, 2 * (ni - 1)), *y = scratch(c, 2 * (ni - 1));
	bool nonzero = false;
	for (size_t i = 1; i < ni; i++) {
		double dt = r->t[idx[i]] - r->t[idx[i - 1]];
		double dv = metric_at(r, m, idx[i]) - metric_at(r, m, idx[i - 1]);
		double rate = dt > 0 ? dv / dt : NAN;	/* NaN too if the counter is missing */
		x[2 * i - 2] = r->t[idx[i - 1]];
		x[2 * i - 1] = r->t[idx[i]];
		y[2 * i - 2] = y[2 * i - 1] = rate;
		nonzero |= !isnan(rate) && rate != 0;
	}
	s->x = x;
	s->y = y;
	s->n = 2 * (ni - 1);
	return nonzero;
}

static void rates_single(struct ctx *c, const struct hr_run *r, double xmax, struct sbuf *zero)
{
	for (size_t g = 0; g < ARRAY_SIZE(rate_groups); g++) {
		struct plot_series s[5];
		size_t ns = 0;
		for (size_t i = 0; i < 5 && rate_groups[g].m[i] >= 0; i++) {
			const struct metric *m = &rate_metrics[rate_groups[g].m[i]];
			/* a dash per curve too: equal counters draw on top of each other */
			s[ns] = (struct plot_series){ .label = m->label, .color = plot_color(i),
						      .dash = (enum plot_dash)(i % NR_DASH) };
			if (rate_series(c, r, m, &s[ns]))
				ns++;
			else
				sb_printf(zero, "%s%s", zero->len ? ", " : "", m->label);
		}
		struct plot pl = { .title = rate_groups[g].title, .xlabel = "simulated time (s)",
				   .ylabel = "events per simulated second", .xunit = "s", .yunit = "/s",
				   .xmax = xmax, .series = s, .nr_series = ns };
		if (ns)
			svg_line_plot(&c->b, &pl);
		scratch_free(c);
	}
}

static void rates_multi(struct ctx *c, double xmax, struct sbuf *zero)
{
	struct plot_series *s = calloc(c->nr_v, sizeof(*s));
	if (!s) {
		c->b.oom = true;
		return;
	}
	for (size_t k = 0; k < NR_RATE_METRICS; k++) {
		const struct metric *m = &rate_metrics[k];
		size_t ns = 0;
		bool nonzero = false;
		for (size_t j = 0; j < c->nr_v; j++) {
			s[ns] = (struct plot_series){ .label = c->v[j].name,
						      .color = plot_color(c->v[j].color),
						      .dash = (enum plot_dash)(j % NR_DASH) };
			if (c->v[j].med->nr_ts < 2)
				continue;
			nonzero |= rate_series(c, c->v[j].med, m, &s[ns]);
			ns++;
		}
		char title[96];
		snprintf(title, sizeof(title), "%s per second", m->label);
		struct plot pl = { .title = title, .xlabel = "simulated time (s)",
				   .ylabel = "events per simulated second", .xunit = "s", .yunit = "/s",
				   .xmax = xmax, .series = s, .nr_series = ns };
		if (nonzero)
			svg_line_plot(&c->b, &pl);
		else
			sb_printf(zero, "%s%s", zero->len ? ", " : "", m->label);
		scratch_free(c);
	}
	free(s);
}

static void section_rates(struct ctx *c)
{
	struct sbuf zero = { 0 };
	sb_puts(&c->b, "<section id=\"vmstat\">\n<h2>/proc/vmstat counters per second</h2>\n");
	note(c, "Each step is a counter's average rate between two samples of the time series.");
	charts_open(c);
	if (c->multi)
		rates_multi(c, max_t(c), &zero);
	else
		rates_single(c, c->v[0].med, max_t(c), &zero);
	charts_close(c);
	if (zero.len) {
		sb_puts(&c->b, "<p class=\"note\">Zero (or not recorded) throughout, not drawn: ");
		sb_escape(&c->b, zero.s);
		sb_puts(&c->b, ".</p>\n");
	}
	c->b.oom |= zero.oom;
	sb_free(&zero);
	sb_puts(&c->b, "</section>\n");
}

/* ---- tiering and migrc ---- */

static bool run_tiered(const struct hr_run *r)
{
	double v;
	for (uint32_t n = 0; n < r->nr_nodes; n++)
		if (r->node[n].kind && (!strcmp(r->node[n].kind, "cxl") || !strcmp(r->node[n].kind, "pmem")))
			return true;
	return (hr_counter(r, vm_event_text[PGPROMOTE_SUCCESS], &v) && v) ||
	       (hr_counter(r, vm_event_text[PGDEMOTE_KSWAPD], &v) && v) ||
	       (hr_counter(r, vm_event_text[PGDEMOTE_DIRECT], &v) && v);
}

static bool any_tiering(const struct ctx *c)
{
	for (size_t j = 0; j < c->nr_v; j++)
		if (run_tiered(c->v[j].med))
			return true;
	return false;
}

static const char *tunable_of(const struct hr_run *r, const char *name)
{
	json_object *v = NULL;
	if (!r->tunables || !json_object_object_get_ex(r->tunables, name, &v))
		return NULL;
	return json_object_get_string(v);
}

static bool run_migrc(const struct hr_run *r)
{
	const char *mode = tunable_of(r, tunable_desc[T_MIGRC].name);
	return (mode && strcmp(mode, "0")) || (r->have_peak_pending && r->peak_pending);
}

static bool any_migrc(const struct ctx *c)
{
	for (size_t j = 0; j < c->nr_v; j++)
		if (run_migrc(c->v[j].med))
			return true;
	return false;
}

/* The per-node series node_lines() draws. */
enum node_field { NF_FREE, NF_HOT, NF_PENDING };

static const double *node_field(const struct hr_run *r, enum node_field f)
{
	return f == NF_FREE ? r->used : f == NF_HOT ? r->hot_ms : r->pending;
}

/*
 * Series @f of every variant's median run, a line per node (with @only_node
 * >= 0: that node alone), divided by @div; NF_FREE is the node's size less
 * its pages in use. @want_nonzero: leave out nodes at zero throughout.
 */
static void node_lines(struct ctx *c, const char *title, const char *ylabel, const char *yunit,
		       enum node_field f, bool want_nonzero, double div, int only_node,
		       const struct plot_hline *hl, size_t nr_hl)
{
	struct plot_series *s = calloc(c->nr_v * MAX_NUMNODES, sizeof(*s));
	char (*labels)[96] = calloc(c->nr_v * MAX_NUMNODES, sizeof(*labels));
	size_t ns = 0;
	bool nonzero = false;
	if (!s || !labels) {
		c->b.oom = true;
		goto out;
	}
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct hr_run *r = c->v[j].med;
		const double *field = node_field(r, f);
		size_t ni, *idx = pick_alloc(c, r, MAX_POINTS, &ni);
		double *x = times_at(c, r, idx, ni);
		for (uint32_t n = 0; n < r->nr_nodes; n++) {
			if (only_node >= 0 && n != (uint32_t)only_node)
				continue;
			double *y = scratch(c, ni);
			bool any = false;
			for (size_t i = 0; i < ni; i++) {
				double v = field[idx[i] * r->nr_nodes + n];
				if (f == NF_FREE)
					v = r->node[n].total_pages - v;
				y[i] = v / div;
				any |= !isnan(v) && v != 0;
			}
			if (want_nonzero && !any && only_node < 0)
				continue;
			nonzero |= any;
			if (c->multi)
				snprintf(labels[ns], sizeof(labels[ns]), "%s node %u", c->v[j].name, n);
			else
				node_label(labels[ns], sizeof(labels[ns]), r, n);
			s[ns] = (struct plot_series){ labels[ns], x, y, ni,
						      plot_color(c->multi ? c->v[j].color : n),
						      c->multi && only_node < 0 ? (enum plot_dash)(n % NR_DASH)
										: DASH_SOLID };
			ns++;
		}
	}
	struct plot pl = { .title = title, .xlabel = "simulated time (s)", .ylabel = ylabel,
			   .xunit = "s", .yunit = yunit, .xmax = max_t(c), .series = s, .nr_series = ns,
			   .hlines = hl, .nr_hlines = nr_hl, .logy = f == NF_FREE };
	if (ns && (nonzero || !want_nonzero))
		svg_line_plot(&c->b, &pl);
	else
		sb_printf(&c->b, "<p class=\"note\">%s: zero throughout.</p>\n", title);
out:
	scratch_free(c);
	free(s);
	free(labels);
}

static void free_vs_watermarks(struct ctx *c, const struct hr_run *r0, uint32_t n)
{
	static const char *const wname[NR_HW] = { "min", "low", "high", "promo" };
	/* off the variants' palette: a watermark never looks like a variant */
	static const char *const wcolor[NR_HW] = { "#b2182b", "#6a3d9a", "#555555", "#999999" };
	struct plot_hline hl[NR_HW];
	char labels[NR_HW][48], title[96];
	size_t nh = 0;
	for (int w = 0; r0->node[n].have_wmark && w < NR_HW; w++) {
		snprintf(labels[w], sizeof(labels[w]), "%s watermark", wname[w]);
		hl[nh++] = (struct plot_hline){ r0->node[n].wmark[w] / PAGES_PER_MIB, labels[w],
						wcolor[w], w == HW_PROMO ? DASH_DOTTED : DASH_DASHED };
	}
	snprintf(title, sizeof(title), "Free memory of node %u (%s) and its watermarks", n,
		 node_kind(r0, n));
	node_lines(c, title, "free memory (MiB, log scale)", "MiB", NF_FREE, false,
		   PAGES_PER_MIB, (int)n, hl, nh);
}

static void section_tiering(struct ctx *c)
{
	if (!any_tiering(c))
		return;
	const struct hr_run *r0 = c->v[0].med;
	bool have_hot = false, have_used = true;
	for (size_t j = 0; j < c->nr_v; j++) {
		have_hot |= c->v[j].med->have_hot;
		have_used &= c->v[j].med->have_used && c->v[j].med->nr_nodes == r0->nr_nodes;
	}
	sb_puts(&c->b, "<section id=\"tiering\">\n<h2>Memory tiering</h2>\n");
	note(c, "Promotion's hot threshold per node (kernel.numa_balancing=2) and each node's free "
	     "memory against the watermarks that wake kswapd (low), let it sleep (high) and bound "
	     "promotion (promo).");
	charts_open(c);
	if (have_hot)
		node_lines(c, "Hot threshold (numa_balancing.hot_threshold_ms, adjusted)",
			   "hot threshold (ms)", "ms", NF_HOT, true, 1.0, -1,
			   NULL, 0);
	for (uint32_t n = 0; have_used && n < r0->nr_nodes; n++)
		free_vs_watermarks(c, r0, n);
	charts_close(c);
	if (!have_used)
		note(c, "No per-node memory in the time series (or the variants' machines differ).");
	sb_puts(&c->b, "</section>\n");
}

static void section_migrc(struct ctx *c)
{
	if (!any_migrc(c))
		return;
	bool have = false;
	for (size_t j = 0; j < c->nr_v; j++)
		have |= c->v[j].med->have_pending;
	sb_puts(&c->b, "<section id=\"migrc\">\n<h2>Deferred TLB flushes (migrc/LUF)</h2>\n");
	note(c, "Source pages of migrations whose TLB flush is deferred (numasim.migrc): freed "
	     "once the flush is done.");
	charts_open(c);
	if (have)
		node_lines(c, "Pages pending a deferred flush, per source node", "pending pages",
			   "pages", NF_PENDING, false, 1.0, -1, NULL, 0);
	charts_close(c);
	sb_puts(&c->b, "</section>\n");
}

/* ---- configuration and oracle ---- */

static int find_tunable(const char *name)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (!strcmp(tunable_desc[i].name, name))
			return i;
	return -1;
}

/* Does any variant set tunable @name (known to this build: @def its
 * default; unknown: @def NULL) to something else? */
static bool tunable_differs(const struct ctx *c, const char *name, const char *def)
{
	for (size_t j = 0; j < c->nr_v; j++) {
		const char *v = tunable_of(c->v[j].med, name);
		if (v && (!def || strcmp(v, def)))
			return true;
	}
	return false;
}

static void tunable_row(struct ctx *c, const char *name, const char *def)
{
	sb_puts(&c->b, "<tr><td class=\"k\">");
	sb_escape(&c->b, name);
	sb_puts(&c->b, "</td><td class=\"dflt\">");
	sb_escape(&c->b, def ? def : "(unknown to this numasim)");
	sb_puts(&c->b, "</td>");
	for (size_t j = 0; j < c->nr_v; j++) {
		const char *v = tunable_of(c->v[j].med, name);
		sb_printf(&c->b, "<td%s>", !v || (def && !strcmp(v, def)) ? " class=\"dflt\"" : "");
		sb_escape(&c->b, v ? v : "-");
		sb_puts(&c->b, "</td>");
	}
	sb_puts(&c->b, "</tr>\n");
}

static void tunables_head(struct ctx *c)
{
	sb_puts(&c->b, "<table class=\"tunables\">\n<tr><th class=\"k\">tunable</th><th>default</th>");
	for (size_t j = 0; j < c->nr_v; j++) {
		sb_puts(&c->b, "<th>");
		sb_escape(&c->b, c->multi ? c->v[j].name : "value");
		sb_puts(&c->b, "</th>");
	}
	sb_puts(&c->b, "</tr>\n");
}

static size_t tunables_table(struct ctx *c)
{
	struct tunables defaults;
	tunables_init(&defaults);
	size_t rows = 0;
	for (int i = 0; i < NR_TUNABLES; i++) {
		char buf[32];
		const char *def = tunable_value_str(&defaults, (enum tunable_id)i, buf, sizeof(buf));
		if (!tunable_differs(c, tunable_desc[i].name, def))
			continue;
		if (!rows++)
			tunables_head(c);
		tunable_row(c, tunable_desc[i].name, def);
	}
	/* keys of results from another numasim version, in the first variant's order */
	for (size_t j = 0; j < c->nr_v; j++) {
		if (!c->v[j].med->tunables)
			continue;
		json_object_object_foreach(c->v[j].med->tunables, key, val) {
			(void)val;
			bool seen = false;
			for (size_t q = 0; q < j && !seen; q++)
				seen = tunable_of(c->v[q].med, key) != NULL;
			if (find_tunable(key) >= 0 || seen)
				continue;
			if (!rows++)
				tunables_head(c);
			tunable_row(c, key, NULL);
		}
	}
	if (rows)
		sb_puts(&c->b, "</table>\n");
	return rows;
}

static void config_list(struct ctx *c)
{
	sb_puts(&c->b, "<table class=\"config\">\n");
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct variant *v = &c->v[j];
		const struct hr_run *r = v->med;
		sb_puts(&c->b, "<tr><td class=\"k\">");
		sb_escape(&c->b, c->multi ? v->name : "run");
		sb_puts(&c->b, "</td><td class=\"k\">");
		sb_escape(&c->b, r->workload ? r->workload : "workload not recorded");
		sb_puts(&c->b, " on ");
		sb_escape(&c->b, r->machine ? r->machine : "a machine not recorded");
		if (r->have_scale)
			sb_printf(&c->b, ", scale %g", r->scale);
		size_t k = 0;	/* the seeds in the order given */
		for (size_t i = 0; i < c->nr_runs; i++)
			if (!strcmp(c->runs[i].in->name, v->name) && c->runs[i].have_seed)
				sb_printf(&c->b, "%s%llu", k++ ? ", " : v->nr > 1 ? ", seeds " : ", seed ",
					  (unsigned long long)c->runs[i].seed);
		if (r->native_kernel) {
			sb_puts(&c->b, "; a real run on ");
			sb_escape(&c->b, r->native_kernel);
		}
		sb_puts(&c->b, "</td></tr>\n");
	}
	sb_puts(&c->b, "</table>\n");
	/* the sources on one line, the only text naming files (class "src") */
	sb_puts(&c->b, "<p class=\"note src\">From ");
	for (size_t i = 0; i < c->nr_runs; i++) {
		sb_puts(&c->b, i ? ", " : "");
		sb_escape(&c->b, c->runs[i].in->file ? c->runs[i].in->file : "this numasim run");
	}
	sb_puts(&c->b, ".</p>\n");
}

static void section_config(struct ctx *c)
{
	sb_puts(&c->b, "<section id=\"config\">\n<h2>Configuration</h2>\n");
	config_list(c);
	sb_puts(&c->b, "<h3>Tunables that differ from their defaults</h3>\n");
	if (!tunables_table(c))
		note(c, "Every tunable at its default.");
	sb_puts(&c->b, "</section>\n");
}

static void section_oracle(struct ctx *c)
{
	sb_puts(&c->b, "<section id=\"oracle\">\n<h2>Oracle</h2>\n");
	note(c, "The oracle follows every access made through a stale TLB entry: a read of an old "
	     "copy or a write that is lost is a bug of the modelled kernel (or of the model).");
	sb_puts(&c->b, "<table class=\"oracle\">\n<tr><th class=\"k\">variant</th><th>runs</th>"
		"<th>stale accesses</th><th>stale reads</th><th>lost writes</th><th class=\"k\">"
		"verdict</th></tr>\n");
	for (size_t j = 0; j < c->nr_v; j++) {
		const struct variant *v = &c->v[j];
		uint64_t acc = 0, reads = 0, writes = 0;
		size_t with = 0;
		for (size_t k = 0; k < v->nr; k++) {
			const struct hr_run *r = v->run[k];
			with += r->have_oracle;
			acc += r->stale_accesses;
			reads += r->stale_reads;
			writes += r->lost_writes;
		}
		sb_puts(&c->b, "<tr><td class=\"k\">");
		sb_escape(&c->b, c->multi ? v->name : "run");
		if (!with) {
			sb_printf(&c->b, "</td><td>%zu</td><td>-</td><td>-</td><td>-</td><td class=\"k\">"
				  "no oracle (a real kernel's run)</td></tr>\n", v->nr);
			continue;
		}
		sb_printf(&c->b, "</td><td>%zu</td><td>%llu</td><td>%llu</td><td>%llu</td>", v->nr,
			  (unsigned long long)acc, (unsigned long long)reads, (unsigned long long)writes);
		if (reads || writes)
			sb_puts(&c->b, "<td class=\"k bad\">FAIL: stale data was read or a write was lost</td>");
		else
			sb_printf(&c->b, "<td class=\"k ok\">pass%s</td>", acc ? ": stale TLB entries "
				  "were used, but no data went wrong" : ": no stale TLB entry was used");
		sb_puts(&c->b, "</tr>\n");
	}
	sb_puts(&c->b, "</table>\n</section>\n");
}

/* ---- entry points ---- */

static void ctx_free(struct ctx *c)
{
	scratch_free(c);
	free(c->scratch);
	for (size_t j = 0; j < c->nr_v; j++)
		free(c->v[j].run);
	free(c->v);
	for (size_t i = 0; i < c->nr_runs; i++)
		hr_run_free(&c->runs[i]);
	free(c->runs);
	sb_free(&c->b);
}

int html_report_check(struct json_object *res, char *err, size_t errlen)
{
	struct html_input in = { .name = "", .res = res };
	struct hr_run r;
	if (hr_run_load(&r, &in, err, errlen))
		return -1;
	hr_run_free(&r);
	return 0;
}

int html_report_render(const struct html_input *in, size_t n, char **out, size_t *len, char *err,
		       size_t errlen)
{
	struct ctx c = { .nr_runs = n };
	if (!n)
		return errorf(err, errlen, "no results to report");
	c.runs = calloc(n, sizeof(*c.runs));
	if (!c.runs)
		return errorf(err, errlen, "out of host memory");
	for (size_t i = 0; i < n; i++)
		if (hr_run_load(&c.runs[i], &in[i], err, errlen)) {
			ctx_free(&c);
			return -1;
		}
	if (group(&c, err, errlen)) {
		ctx_free(&c);
		return -1;
	}
	page_head(&c);
	page_nav(&c);
	section_summary(&c);
	section_placement(&c);
	section_rates(&c);
	section_tiering(&c);
	section_migrc(&c);
	section_config(&c);
	section_oracle(&c);
	sb_printf(&c.b, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
	if (c.b.oom) {
		ctx_free(&c);
		return errorf(err, errlen, "out of host memory");
	}
	*out = c.b.s;
	*len = c.b.len;
	c.b = (struct sbuf){ 0 };
	ctx_free(&c);
	return 0;
}

int html_report_write(const char *path, const struct html_input *in, size_t n, char *err,
		      size_t errlen)
{
	char *text;
	size_t len;
	if (html_report_render(in, n, &text, &len, err, errlen))
		return -1;
	int rc = file_write_atomic(path, text, len);
	if (rc)
		errorf(err, errlen, "cannot write: %s", strerror(errno));
	free(text);
	return rc;
}
