/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/svg_plot.h - inline SVG charts for the HTML report (html_report.c):
 * line and stacked-area charts over time, bar charts with error bars, and
 * the axes, ticks and legends they share. Everything is drawn into a
 * growing text buffer with fixed-format numbers, so the same data always
 * gives the same bytes; nothing is loaded at view time.
 */
#ifndef NUMASIM_STATS_SVG_PLOT_H
#define NUMASIM_STATS_SVG_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/compiler.h"

/* A growing text buffer; out of memory is remembered, not fatal, so the
 * caller checks once at the end. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

void sb_printf(struct sbuf *b, const char *fmt, ...) sim_printf(2, 3);
void sb_puts(struct sbuf *b, const char *s);
/* @s with &, <, >, " and ' escaped for HTML text and attribute values. */
void sb_escape(struct sbuf *b, const char *s);
void sb_free(struct sbuf *b);

/* Distinguishable colours (colour-blind safe first): colour @i of 16, repeating. */
const char *plot_color(size_t i);

enum plot_dash { DASH_SOLID, DASH_DASHED, DASH_DOTTED, DASH_DASHDOT, NR_DASH };

/* One curve: @n points (x[i], y[i]); a NaN y leaves a gap. */
struct plot_series {
	const char *label;
	const double *x, *y;
	size_t n;
	const char *color;
	enum plot_dash dash;
};

/* A horizontal reference line across the plot (a watermark). */
struct plot_hline {
	double y;
	const char *label;
	const char *color;
	enum plot_dash dash;
};

struct plot {
	const char *title;
	const char *xlabel, *ylabel;	/* with their units: "simulated time (s)" */
	const char *xunit, *yunit;	/* for the hover read-out: "s", "MiB" */
	bool stacked;			/* series drawn as areas stacked in order */
	bool logy;			/* a logarithmic y axis (values <= 0 sit on its floor) */
	double xmax;			/* > 0: the x axis runs 0..xmax, else to the data's end */
	const struct plot_series *series;
	size_t nr_series;
	const struct plot_hline *hlines;
	size_t nr_hlines;
};

/* A line (or stacked-area) chart of @p with a legend; series with no points
 * draw nothing but keep their legend entry. */
void svg_line_plot(struct sbuf *b, const struct plot *p);

struct plot_bar {
	const char *label;
	double v;		/* the bar */
	double lo, hi;		/* the error bar, when have_range */
	bool have_range;
	const char *color;
};

/* A bar chart: one bar per entry, value labels, min..max error bars. */
void svg_bar_chart(struct sbuf *b, const char *title, const char *ylabel, const char *yunit,
		   const struct plot_bar *bars, size_t nr);

/* ---- the parts, for charts of their own kind (html_report.c's task strip) ---- */

/* The pixel box of a chart's plotting area and the data range it shows. */
struct plot_axes {
	double x0, x1, y0, y1;		/* data range */
	double left, top, w, h;		/* plotting area in px */
	bool logy;			/* y0 > 0 and y1 are powers of ten */
};

double ax_px(const struct plot_axes *a, double x);
double ax_py(const struct plot_axes *a, double y);

struct legend_item {
	const char *label;
	const char *color;
	enum plot_dash dash;
	bool box;			/* a filled box (areas, bars), else a line */
};

#define PLOT_WIDTH 640

/*
 * Open a chart's <svg>: @title at the top, @items in rows below it, then the
 * plotting area. The caller sets @a's data range, left, w and h; this sets
 * a->top, under the legend. The caller draws, then svg_axes() and svg_end().
 * @xunit and @yunit (may be NULL) go to the hover read-out.
 */
void svg_begin(struct sbuf *b, struct plot_axes *a, const char *title,
	       const struct legend_item *items, size_t nr_items, const char *xunit,
	       const char *yunit);
/* Ticks, grid, the frame and the axis labels of @a. @xticks false: no x
 * ticks (a categorical axis the caller labels). */
void svg_axes(struct sbuf *b, const struct plot_axes *a, const char *xlabel, const char *ylabel,
	      bool xticks);
void svg_end(struct sbuf *b);

/* A number as a tick label: 1500 -> "1.5k", 0.25 -> "0.25". */
void fmt_num(char *buf, size_t len, double v);

#endif
