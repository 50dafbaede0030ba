// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/compare_mmtests.c - compare's table in mmtests' layout.
 *
 * Models:     mmtests bin/lib/MMTests: Summarise.pm setSummaryMultiops()
 *             (Min, mean, Stddev, CoeffVar, Max, the best-95% mean; amean
 *             where lower is better, hmean where higher is), Stat.pm
 *             (calc_*, pdiff/pndiff, cidiff), Compare.pm
 *             _generateComparisonTable() and _generateRenderTable(),
 *             PrintGeneric.pm printRow() ("(" and ")" around a gain become
 *             "*" when the difference is significant).
 * Why:        numasim's results then read like the mmtests reports kernel
 *             developers post with NUMA balancing patches.
 * Note:       since mmtests commit 8cd087ae (2024) a difference is
 *             significant when the 95% intervals mean +- qnorm(0.975) *
 *             stddev do not overlap (cidiff), no longer by a t-test; this
 *             follows the current rule. One run has no interval: nothing
 *             is marked, and its Stddev shows 0, as mmtests shows a NaN.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/compare_mmtests.h"

#define FIELD_LEN 12		/* Summarise: _FieldLength defaults to 12 */
#define COMPARE_LEN 7		/* Compare: _CompareLength */
#define QNORM_975 1.959963984540054	/* qnorm(1 - 0.05 / 2) */

static const char *const op_names[NR_MMT_OPS] = { "elapsed", "Maccesses/s" };
static const bool op_higher[NR_MMT_OPS] = { false, true };	/* getPreferredValue() */

enum mmt_stat { ST_MIN, ST_MEAN, ST_STDDEV, ST_COEFFVAR, ST_MAX, ST_BMEAN95, NR_STATS };
#define ST_COMPARISON ST_MEAN	/* _ComparisonStatIndex: the row that gets marked */

double mmt_amean(const double *x, uint32_t n)
{
	double sum = 0;
	for (uint32_t i = 0; i < n; i++)
		sum += x[i];
	return n ? sum / n : NAN;
}

double mmt_hmean(const double *x, uint32_t n)
{
	double sum = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return NAN;	/* calc_hmean(): a value <= 0 has no harmonic mean */
		sum += 1 / x[i];
	}
	return n ? n / sum : NAN;
}

static double mean(const double *x, uint32_t n, bool higher)
{
	return higher ? mmt_hmean(x, n) : mmt_amean(x, n);
}

double mmt_stddev(const double *x, uint32_t n, bool higher)
{
	double m = mean(x, n, higher), diff = 0;
	if (isnan(m) || n <= 1)
		return NAN;
	for (uint32_t i = 0; i < n; i++)
		diff += higher ? pow(1 / x[i] - 1 / m, 2) : pow(x[i] - m, 2);
	/* the harmonic one is Stat.pm's own formula */
	return higher ? sqrt(diff * pow(m, 4) / n) : sqrt(diff / (n - 1));
}

double mmt_coeffvar(const double *x, uint32_t n, bool higher)
{
	double m = mean(x, n, higher), sd = mmt_stddev(x, n, higher);
	if (isnan(sd))
		sd = 0;
	if (isnan(m) || m == 0)
		return 0;
	return sd * 100 / m;
}

static int ascending(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double mmt_best_mean(const double *x, uint32_t n, bool higher, double pct)
{
	if (!n)
		return NAN;
	double *sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return NAN;
	memcpy(sorted, x, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), ascending);
	uint32_t count = (uint32_t)(n * pct / 100);
	count = count < 1 ? 1 : count;
	/* the best first: ascending where lower is better, descending else */
	double m = higher ? mean(sorted + (n - count), count, true) : mean(sorted, count, false);
	free(sorted);
	return m;
}

double mmt_pdiff(double v, double base)
{
	if (v == base || v == 0)
		return 0;
	if (base == 0)
		return 100;
	return v * 100 / base - 100;
}

double mmt_pndiff(double v, double base)
{
	if (v == base)
		return 0;
	if (v == 0)
		return 100;
	if (base == 0)
		return -99;
	return 100 - v * 100 / base;
}

double mmt_cidiff(double v, const double ci[2], double base, const double base_ci[2])
{
	double cisum = v < base ? ci[1] - v + base - base_ci[0] : v - ci[0] + base_ci[1] - base;
	return cisum == 0 ? v - base : (v - base) / cisum;
}

/* ---- the table ---- */

struct summary {
	double stat[NR_STATS];	/* NAN: mmtests' "NaN", printed as 0 */
	double ci[2];
	bool have_ci;
};

static void summarise(const struct mmt_column *c, enum mmt_op op, struct summary *sm)
{
	const double *x = c->runs[op];
	uint32_t n = x ? c->nr_runs : 0;
	bool hi = op_higher[op];
	double lo = INFINITY, hi_v = -INFINITY;
	for (uint32_t i = 0; i < n; i++) {
		lo = fmin(lo, x[i]);
		hi_v = fmax(hi_v, x[i]);
	}
	sm->stat[ST_MIN] = n ? lo : NAN;	/* calc_min/calc_max: by value, either preference */
	sm->stat[ST_MAX] = n ? hi_v : NAN;
	sm->stat[ST_MEAN] = mean(x, n, hi);
	sm->stat[ST_STDDEV] = mmt_stddev(x, n, hi);
	sm->stat[ST_COEFFVAR] = n ? mmt_coeffvar(x, n, hi) : NAN;
	sm->stat[ST_BMEAN95] = mmt_best_mean(x, n, hi, 95);
	double q = QNORM_975 * sm->stat[ST_STDDEV];
	sm->have_ci = !isnan(q) && !isnan(sm->stat[ST_MEAN]);
	sm->ci[0] = sm->stat[ST_MEAN] - q;
	sm->ci[1] = sm->stat[ST_MEAN] + q;
}

/* getStatName() */
static const char *stat_name(enum mmt_stat st, bool higher)
{
	static const char *const lower_names[NR_STATS] = { "Min", "Amean", "Stddev", "CoeffVar",
							   "Max", "BAmean.95" };
	static const char *const higher_names[NR_STATS] = { "Min", "Hmean", "HStddev", "HCoeffVar",
							    "Max", "BHmean.95" };
	return (higher ? higher_names : lower_names)[st];
}

/* The two header lines: a name split at its first '-' (as mmtests splits
 * "5.10-vanilla"); a name without one is all on the second line. */
static void header(FILE *out, const struct mmt_column *cols, int nr_cols, int oplen)
{
	for (int line = 0; line < 2; line++) {
		fprintf(out, "%*s", oplen, "");
		for (int j = 0; j < nr_cols; j++) {
			const char *dash = strchr(cols[j].name, '-');
			int len = dash ? (int)(dash - cols[j].name) : 0;
			const char *part = line == 0 ? cols[j].name : dash ? dash + 1 : cols[j].name;
			if (line == 0)
				fprintf(out, "%*.*s", FIELD_LEN + COMPARE_LEN + 4, len, part);
			else
				fprintf(out, "%*s", FIELD_LEN + COMPARE_LEN + 4, part);
		}
		fputc('\n', out);
	}
}

static void row(FILE *out, const struct summary sm[], int nr_cols, enum mmt_op op,
		enum mmt_stat st, int statlen, int oplen, int prec)
{
	bool hi = op_higher[op];
	/* stddev and coeffvar are better lower whatever the measure (stat_compare) */
	bool gain_higher = hi && st != ST_STDDEV && st != ST_COEFFVAR;
	fprintf(out, "%-*s %-*s", statlen, stat_name(st, hi), oplen, op_names[op]);
	for (int j = 0; j < nr_cols; j++) {
		double v = sm[j].stat[st], base = sm[0].stat[st];
		bool ok = !isnan(v) && !isnan(base);
		double gain = !ok ? 0 : gain_higher ? mmt_pdiff(v, base) : mmt_pndiff(v, base);
		bool sig = st == ST_COMPARISON && j > 0 && sm[j].have_ci && sm[0].have_ci &&
			   fabs(mmt_cidiff(sm[0].stat[st], sm[0].ci, v, sm[j].ci)) > 1;
		fprintf(out, "%*.*f", FIELD_LEN, prec, ok ? v : 0);
		fprintf(out, sig ? " *%*.2f%%*" : " (%*.2f%%)", COMPARE_LEN, gain);
	}
	fputc('\n', out);
}

void compare_mmtests_print(FILE *out, const struct mmt_column *cols, int nr_cols)
{
	bool show[NR_MMT_OPS] = { true, false };
	struct summary (*sm)[NR_MMT_OPS] = calloc((size_t)nr_cols, sizeof(*sm));
	if (!sm)
		return;
	for (int j = 0; j < nr_cols; j++)
		for (int op = 0; op < NR_MMT_OPS; op++) {
			summarise(&cols[j], (enum mmt_op)op, &sm[j][op]);
			/* the access rate only where a workload counts accesses */
			show[op] |= sm[j][op].stat[ST_MEAN] > 0;
		}
	int statlen = 0, oplen = 0;
	for (int op = 0; op < NR_MMT_OPS; op++)
		if (show[op]) {
			oplen = MAX(oplen, (int)strlen(op_names[op]));
			for (int st = 0; st < NR_STATS; st++)
				statlen = MAX(statlen, (int)strlen(stat_name((enum mmt_stat)st,
									   op_higher[op])));
		}
	header(out, cols, nr_cols, statlen + 1 + oplen);
	struct summary *per_op = calloc((size_t)nr_cols, sizeof(*per_op));
	for (int st = 0; per_op && st < NR_STATS; st++)
		for (int op = 0; op < NR_MMT_OPS; op++) {
			if (!show[op])
				continue;
			double top = 0;
			for (int j = 0; j < nr_cols; j++) {
				per_op[j] = sm[j][op];
				top = fmax(top, fabs(per_op[j].stat[ST_MEAN]));
			}
			/* a module's _Precision: 2, or 4 for a measure below 1 (seconds of
			 * a small simulated run) */
			row(out, per_op, nr_cols, (enum mmt_op)op, (enum mmt_stat)st, statlen, oplen,
			    top < 1 ? 4 : 2);
		}
	free(per_op);
	free(sm);
}
