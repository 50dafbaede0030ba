/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/html_report.h - one self-contained HTML page from JSON results
 * (`numasim report`, `numasim run --html`, `numasim compare --html`;
 * docs/report.md): placement over time, /proc/vmstat rates, tiering and
 * migrc curves, the comparison table with seed ranges, the configuration
 * and the oracle's verdict. The charts are inline SVG drawn here
 * (svg_plot.h); the page needs no network and no script to be read.
 *
 * The page depends on the results alone (no dates, no host seconds), so
 * the same inputs give the same bytes.
 */
#ifndef NUMASIM_STATS_HTML_REPORT_H
#define NUMASIM_STATS_HTML_REPORT_H

#include <stddef.h>

struct json_object;

/* One result. Results of the same @name are one variant's runs with
 * different seeds (compare --seeds): the charts show the median run, the
 * table and the bar charts the range. */
struct html_input {
	const char *name;
	const char *file;		/* the file it was read from, as given; NULL: a live run */
	struct json_object *res;	/* a result of report_json() or of a file */
};

/*
 * Does @res hold what the report reads, each key of its type? (The keys
 * compare reads are cli_check_result()'s.) 0, or -1 with "key 'PATH':
 * what is wrong" in @err. Keys the report can do without may be absent.
 */
int html_report_check(struct json_object *res, char *err, size_t errlen);

/*
 * The page for @in[0..@n), in order of first appearance of each name: 0
 * with a malloc'ed text in *@out (*@len bytes), or -1 with the reason in
 * @err (a result that fails html_report_check, two results of one variant
 * with the same seed, out of memory).
 */
int html_report_render(const struct html_input *in, size_t n, char **out, size_t *len, char *err,
		       size_t errlen);

/* Render and write the page to @path whole or not at all (core/file.h):
 * 0, or -1 with the reason in @err. */
int html_report_write(const char *path, const struct html_input *in, size_t n, char *err,
		      size_t errlen);

#endif
