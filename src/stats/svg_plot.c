// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats/svg_plot.c - the HTML report's charts as inline SVG (svg_plot.h).
 * Coordinates are printed with one decimal and labels through fmt_num(), so
 * the output depends on the data alone.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/svg_plot.h"

#define MIN_(a, b) ((a) < (b) ? (a) : (b))
#define MAX_(a, b) ((a) > (b) ? (a) : (b))

#define TITLE_H 24.0		/* the title's row */
#define LEGEND_ROW_H 16.0
#define BOTTOM_H 42.0		/* x tick labels and the x axis label */
#define CHAR_W 6.6		/* an average character of the 11 px legend font */

/* ---- the text buffer ---- */

static bool sb_reserve(struct sbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_reserve(b, (size_t)n)) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		memcpy(b->s + b->len, small, (size_t)n + 1);
	} else {
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void sb_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (!sb_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_escape(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_puts(b, "&amp;"); break;
		case '<': sb_puts(b, "&lt;"); break;
		case '>': sb_puts(b, "&gt;"); break;
		case '"': sb_puts(b, "&quot;"); break;
		case '\'': sb_puts(b, "&#39;"); break;
		default: {
			char c[2] = { *s, 0 };
			sb_puts(b, c);
		}
		}
	}
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	*b = (struct sbuf){ 0 };
}

/* ---- colours, numbers, dashes ---- */

const char *plot_color(size_t i)
{
	/* Okabe and Ito's colour-blind-safe eight, then eight more distinct ones */
	static const char *const c[] = {
		"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#7f6800",
		"#000000", "#8c564b", "#7f7f7f", "#9467bd", "#17becf", "#bcbd22", "#e377c2",
		"#393b79", "#637939",
	};
	return c[i % (sizeof(c) / sizeof(c[0]))];
}

static const char *dash_attr(enum plot_dash d)
{
	static const char *const a[NR_DASH] = {
		[DASH_SOLID] = "", [DASH_DASHED] = " stroke-dasharray=\"7 4\"",
		[DASH_DOTTED] = " stroke-dasharray=\"2 3\"", [DASH_DASHDOT] = " stroke-dasharray=\"8 3 2 3\"",
	};
	return a[d < NR_DASH ? d : DASH_SOLID];
}

void fmt_num(char *buf, size_t len, double v)
{
	static const struct { double div; const char *suffix; } si[] = {
		{ 1e12, "T" }, { 1e9, "G" }, { 1e6, "M" }, { 1e4, "k" },
	};
	double a = fabs(v);
	for (size_t i = 0; i < sizeof(si) / sizeof(si[0]); i++)
		if (a >= si[i].div) {
			double d = si[i].div == 1e4 ? 1e3 : si[i].div;
			snprintf(buf, len, "%.4g%s", v / d, si[i].suffix);
			return;
		}
	if (a < 1e-9)
		v = 0;	/* no "-0" or "1e-17" at an axis' origin */
	snprintf(buf, len, "%.4g", v);
}

/* A round tick step giving about @target ticks over @range. */
static double nice_step(double range, int target)
{
	if (!(range > 0))
		return 1;
	double raw = range / target, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/* The top of an axis from 0 (or @lo) that shows @hi with a round end. */
static double nice_top(double lo, double hi)
{
	if (!(hi > lo))
		return lo + 1;
	double step = nice_step(hi - lo, 5);
	return lo + ceil((hi - lo) / step - 1e-9) * step;
}

double ax_px(const struct plot_axes *a, double x)
{
	return a->left + (a->x1 > a->x0 ? (x - a->x0) / (a->x1 - a->x0) : 0) * a->w;
}

double ax_py(const struct plot_axes *a, double y)
{
	double f;
	if (a->logy)
		f = (log10(MAX_(y, a->y0)) - log10(a->y0)) / (log10(a->y1) - log10(a->y0));
	else
		f = a->y1 > a->y0 ? (y - a->y0) / (a->y1 - a->y0) : 0;
	return a->top + a->h - f * a->h;
}

/* ---- frame, legend, axes ---- */

static double item_width(const struct legend_item *it)
{
	return 26 + CHAR_W * (double)strlen(it->label) + 12;
}

/* Rows the legend takes in a chart PLOT_WIDTH wide. */
static int legend_rows(const struct legend_item *items, size_t n)
{
	int rows = n ? 1 : 0;
	double x = 0;
	for (size_t i = 0; i < n; i++) {
		double w = item_width(&items[i]);
		if (x > 0 && x + w > PLOT_WIDTH - 20) {
			rows++;
			x = 0;
		}
		x += w;
	}
	return rows;
}

static void draw_legend(struct sbuf *b, const struct legend_item *items, size_t n, double top)
{
	double x = 10, y = top;
	sb_puts(b, "<g class=\"legend\" font-size=\"11\">");
	for (size_t i = 0; i < n; i++) {
		const struct legend_item *it = &items[i];
		double w = item_width(it);
		if (x > 10 && x + w > PLOT_WIDTH - 10) {
			x = 10;
			y += LEGEND_ROW_H;
		}
		if (it->box)
			sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\"/>",
				  x, y - 9, it->color);
		else
			sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
				  "stroke-width=\"2.5\"%s/>", x, y - 4, x + 18, y - 4, it->color,
				  dash_attr(it->dash));
		sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\">", x + 23, y);
		sb_escape(b, it->label);
		sb_puts(b, "</text>");
		x += w;
	}
	sb_puts(b, "</g>\n");
}

void svg_begin(struct sbuf *b, struct plot_axes *a, const char *title,
	       const struct legend_item *items, size_t nr_items, const char *xunit,
	       const char *yunit)
{
	int rows = legend_rows(items, nr_items);
	a->top = TITLE_H + rows * LEGEND_ROW_H + 10;
	double height = a->top + a->h + BOTTOM_H;
	sb_printf(b, "<svg class=\"plot\" viewBox=\"0 0 %d %.0f\" "
		  "width=\"%d\" height=\"%.0f\" font-family=\"DejaVu Sans, Arial, sans-serif\" "
		  "font-size=\"12\" data-l=\"%.1f\" data-t=\"%.1f\" data-w=\"%.1f\" data-h=\"%.1f\" "
		  "data-x0=\"%.6g\" data-x1=\"%.6g\" data-y0=\"%.6g\" data-y1=\"%.6g\"%s data-xu=\"",
		  PLOT_WIDTH, height, PLOT_WIDTH, height, a->left, a->top, a->w, a->h, a->x0, a->x1,
		  a->y0, a->y1, a->logy ? " data-log=\"1\"" : "");
	sb_escape(b, xunit ? xunit : "");
	sb_puts(b, "\" data-yu=\"");
	sb_escape(b, yunit ? yunit : "");
	sb_puts(b, "\"><title>");
	sb_escape(b, title);
	sb_printf(b, "</title>\n<text x=\"%d\" y=\"17\" text-anchor=\"middle\" font-size=\"14\" "
		  "font-weight=\"bold\">", PLOT_WIDTH / 2);
	sb_escape(b, title);
	sb_puts(b, "</text>\n");
	draw_legend(b, items, nr_items, TITLE_H + LEGEND_ROW_H - 2);
}

void svg_axes(struct sbuf *b, const struct plot_axes *a, const char *xlabel, const char *ylabel,
	      bool xticks)
{
	char num[32];
	double bottom = a->top + a->h;
	sb_puts(b, "<g class=\"axes\" font-size=\"11\">");
	double ys = nice_step(a->y1 - a->y0, 5);
	/* log: a tick per decade, with 2 and 5 between when there are few */
	bool minor = a->logy && a->y1 / a->y0 <= 100.5;
	for (double y = a->y0; y <= a->y1 * (1 + 1e-9) + (a->logy ? 0 : ys * 1e-6);) {
		double py = ax_py(a, y);
		fmt_num(num, sizeof(num), y);
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
			  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>", a->left, py,
			  a->left + a->w, py, a->left - 5, py + 4, num);
		if (!a->logy) {
			y += ys;
			continue;
		}
		double decade = pow(10, floor(log10(y) + 1e-9)), m = y / decade;
		y = !minor ? decade * 10 : m < 1.5 ? decade * 2 : m < 3 ? decade * 5 : decade * 10;
	}
	if (xticks) {
		double xs = nice_step(a->x1 - a->x0, 8);
		for (double x = ceil(a->x0 / xs - 1e-9) * xs; x <= a->x1 + xs * 1e-6; x += xs) {
			double px = ax_px(a, x);
			fmt_num(num, sizeof(num), x);
			sb_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
				  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", px, bottom,
				  px, bottom + 4, px, bottom + 16, num);
		}
	}
	sb_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
		  "stroke=\"#333\"/>", a->left, a->top, a->w, a->h);
	sb_puts(b, "</g>\n");
	if (xlabel) {
		sb_printf(b, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
			  a->left + a->w / 2, bottom + 34);
		sb_escape(b, xlabel);
		sb_puts(b, "</text>");
	}
	if (ylabel) {
		sb_printf(b, "<text class=\"ylabel\" transform=\"translate(14 %.1f) rotate(-90)\" "
			  "text-anchor=\"middle\">", a->top + a->h / 2);
		sb_escape(b, ylabel);
		sb_puts(b, "</text>");
	}
	sb_puts(b, "\n");
}

void svg_end(struct sbuf *b)
{
	sb_puts(b, "</svg>\n");
}

/* ---- line and area charts ---- */

static void data_range(const struct plot *p, double *xmax, double *ymin, double *ymax)
{
	*xmax = 0;
	*ymin = 0;
	*ymax = 0;
	size_t n = 0;
	for (size_t i = 0; i < p->nr_series; i++)
		n = MAX_(n, p->series[i].n);
	for (size_t k = 0; k < n; k++) {
		double sum = 0;
		for (size_t i = 0; i < p->nr_series; i++) {
			const struct plot_series *s = &p->series[i];
			if (k >= s->n)
				continue;
			*xmax = MAX_(*xmax, s->x[k]);
			if (isnan(s->y[k]))
				continue;
			sum += s->y[k];
			*ymin = MIN_(*ymin, s->y[k]);
			*ymax = MAX_(*ymax, p->stacked ? sum : s->y[k]);
		}
	}
	for (size_t i = 0; i < p->nr_hlines; i++)
		*ymax = MAX_(*ymax, p->hlines[i].y);
	if (p->xmax > 0)
		*xmax = p->xmax;
}

/* The smallest positive value of @p's series and lines (1 if none): a log axis' floor. */
static double min_positive(const struct plot *p)
{
	double lo = INFINITY;
	for (size_t i = 0; i < p->nr_series; i++)
		for (size_t k = 0; k < p->series[i].n; k++)
			if (p->series[i].y[k] > 0)
				lo = MIN_(lo, p->series[i].y[k]);
	for (size_t i = 0; i < p->nr_hlines; i++)
		if (p->hlines[i].y > 0)
			lo = MIN_(lo, p->hlines[i].y);
	return isinf(lo) ? 1 : lo;
}

static void draw_line(struct sbuf *b, const struct plot_axes *a, const struct plot_series *s)
{
	sb_printf(b, "<path class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s d=\"",
		  s->color, dash_attr(s->dash));
	bool pen = false;
	for (size_t k = 0; k < s->n; k++) {
		if (isnan(s->y[k])) {
			pen = false;
			continue;
		}
		/* inside a flat stretch a point adds nothing */
		if (pen && k + 1 < s->n && s->y[k] == s->y[k - 1] && s->y[k] == s->y[k + 1])
			continue;
		sb_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M', ax_px(a, s->x[k]), ax_py(a, s->y[k]));
		pen = true;
	}
	sb_puts(b, "\"><title>");
	sb_escape(b, s->label);
	sb_puts(b, "</title></path>\n");
}

/* Series @i of a stacked chart: the area between the sum of those before
 * it and the sum including it (a NaN counts as 0). */
static void draw_area(struct sbuf *b, const struct plot_axes *a, const struct plot *p, size_t i)
{
	const struct plot_series *s = &p->series[i];
	if (!s->n)
		return;
	double *base = calloc(s->n, sizeof(double));
	if (!base) {
		b->oom = true;
		return;
	}
	for (size_t j = 0; j < i; j++)
		for (size_t k = 0; k < s->n && k < p->series[j].n; k++)
			base[k] += isnan(p->series[j].y[k]) ? 0 : p->series[j].y[k];
	sb_printf(b, "<path class=\"series area\" fill=\"%s\" fill-opacity=\"0.85\" stroke=\"%s\" "
		  "stroke-width=\"0.6\" d=\"", s->color, s->color);
	for (size_t k = 0; k < s->n; k++)
		sb_printf(b, "%c%.1f %.1f", k ? 'L' : 'M', ax_px(a, s->x[k]),
			  ax_py(a, base[k] + (isnan(s->y[k]) ? 0 : s->y[k])));
	for (size_t k = s->n; k-- > 0;)
		sb_printf(b, "L%.1f %.1f", ax_px(a, s->x[k]), ax_py(a, base[k]));
	sb_puts(b, "Z\"><title>");
	sb_escape(b, s->label);
	sb_puts(b, "</title></path>\n");
	free(base);
}

/* A reference line, its label at the right end; the @nth label is moved left
 * so that labels of lines close together do not overlap. */
static void draw_hline(struct sbuf *b, const struct plot_axes *a, const struct plot_hline *h,
		       size_t nth)
{
	double y = ax_py(a, h->y);
	sb_printf(b, "<line class=\"hline\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		  "stroke-width=\"1.2\"%s><title>", a->left, y, a->left + a->w, y, h->color,
		  dash_attr(h->dash));
	sb_escape(b, h->label);
	sb_printf(b, "</title></line><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"10\" "
		  "fill=\"%s\">", a->left + a->w - 4 - 110.0 * (double)nth, y - 3, h->color);
	sb_escape(b, h->label);
	sb_puts(b, "</text>\n");
}

void svg_line_plot(struct sbuf *b, const struct plot *p)
{
	struct legend_item *items = calloc(p->nr_series + p->nr_hlines + 1, sizeof(*items));
	if (!items) {
		b->oom = true;
		return;
	}
	size_t ni = 0;
	for (size_t i = 0; i < p->nr_series; i++)
		items[ni++] = (struct legend_item){ p->series[i].label, p->series[i].color,
						    p->series[i].dash, p->stacked };
	for (size_t i = 0; i < p->nr_hlines; i++)
		items[ni++] = (struct legend_item){ p->hlines[i].label, p->hlines[i].color,
						    p->hlines[i].dash, false };
	double xmax, ymin, ymax;
	data_range(p, &xmax, &ymin, &ymax);
	struct plot_axes a = { .x0 = 0, .x1 = xmax > 0 ? xmax : 1, .y0 = ymin,
			       .left = 66, .w = PLOT_WIDTH - 66 - 16, .h = 220, .logy = p->logy };
	a.y1 = nice_top(ymin, ymax);
	if (p->logy) {
		double lo = min_positive(p);
		a.y0 = pow(10, floor(log10(lo)));
		a.y1 = pow(10, ceil(log10(MAX_(ymax, lo))));
		if (a.y1 <= a.y0)
			a.y1 = a.y0 * 10;
	}
	svg_begin(b, &a, p->title, items, ni, p->xunit, p->yunit);
	free(items);
	svg_axes(b, &a, p->xlabel, p->ylabel, true);
	for (size_t i = 0; i < p->nr_series; i++) {
		if (p->stacked)
			draw_area(b, &a, p, i);
		else
			draw_line(b, &a, &p->series[i]);
	}
	for (size_t i = 0; i < p->nr_hlines; i++)
		draw_hline(b, &a, &p->hlines[i], i);
	svg_end(b);
}

/* ---- bar charts ---- */

void svg_bar_chart(struct sbuf *b, const char *title, const char *ylabel, const char *yunit,
		   const struct plot_bar *bars, size_t nr)
{
	double ymax = 0;
	char num[32], lo[32], hi[32];
	for (size_t i = 0; i < nr; i++)
		ymax = MAX_(ymax, bars[i].have_range ? MAX_(bars[i].v, bars[i].hi) : bars[i].v);
	struct plot_axes a = { .x0 = 0, .x1 = (double)nr, .y0 = 0, .y1 = nice_top(0, ymax * 1.12),
			       .left = 66, .w = PLOT_WIDTH - 66 - 16, .h = 200 };
	svg_begin(b, &a, title, NULL, 0, NULL, yunit);
	svg_axes(b, &a, NULL, ylabel, false);
	double slot = a.w / (double)(nr ? nr : 1), bw = MIN_(70, slot * 0.6);
	for (size_t i = 0; i < nr; i++) {
		const struct plot_bar *r = &bars[i];
		double cx = a.left + slot * ((double)i + 0.5), top = ax_py(&a, r->v);
		fmt_num(num, sizeof(num), r->v);
		sb_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			  "fill=\"%s\"><title>", cx - bw / 2, top, bw, a.top + a.h - top, r->color);
		sb_escape(b, r->label);
		sb_printf(b, ": %s", num);
		double label_y = top;
		if (r->have_range) {
			fmt_num(lo, sizeof(lo), r->lo);
			fmt_num(hi, sizeof(hi), r->hi);
			sb_printf(b, " (median; min %s, max %s)", lo, hi);
		}
		sb_puts(b, "</title></rect>\n");
		if (r->have_range) {
			double y0 = ax_py(&a, r->lo), y1 = ax_py(&a, r->hi);
			sb_printf(b, "<path class=\"errorbar\" stroke=\"#222\" stroke-width=\"1.5\" fill=\"none\" "
				  "d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\"><title>"
				  "min %s, max %s</title></path>\n", cx, y0, cx, y1, cx - 8, y0, cx + 8, y0,
				  cx - 8, y1, cx + 8, y1, lo, hi);
			label_y = MIN_(label_y, y1);
		}
		sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>",
			  cx, label_y - 5, num);
		/* the category under its bar, cut to fit its slot */
		size_t fit = (size_t)MAX_(3.0, slot / CHAR_W);
		sb_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">", cx,
			  a.top + a.h + 16);
		if (strlen(r->label) > fit) {
			char cut[128];
			snprintf(cut, sizeof(cut), "%.*s...", (int)MIN_(fit - 2, sizeof(cut) - 4), r->label);
			sb_escape(b, cut);
		} else {
			sb_escape(b, r->label);
		}
		sb_puts(b, "</text>\n");
	}
	svg_end(b);
}
