/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli/compare_mmtests.h - numasim compare --format mmtests: the table of
 * mmtests' compare-mmtests.pl (bin/lib/MMTests/Compare.pm, Summarise.pm's
 * "Multiops" statistics, Stat.pm, PrintGeneric.pm), over the runs of
 * --seeds, with the gain against the first column and mmtests' marking of
 * significant differences. docs/kernel-formats.md.
 */
#ifndef NUMASIM_CLI_COMPARE_MMTESTS_H
#define NUMASIM_CLI_COMPARE_MMTESTS_H

#include <stdio.h>

#include "core/compiler.h"

/* The measures a column gives per run, each an mmtests "operation". */
/* elapsed: simulated (or wall) seconds; access rate: millions of 64-byte accesses a second */
enum mmt_op { MMT_ELAPSED, MMT_ACCESS_RATE, NR_MMT_OPS };

struct mmt_column {
	const char *name;		/* the column's name (split at its first '-' into two header lines) */
	const double *runs[NR_MMT_OPS];	/* per run; NULL or nr_runs 0: failed */
	uint32_t nr_runs;
};

void compare_mmtests_print(FILE *out, const struct mmt_column *cols, int nr_cols);

/*
 * Stat.pm's statistics over @x[0..n-1], as mmtests computes them; NAN when
 * it gives "NaN". @higher: the larger value is better (harmonic means).
 */
double mmt_amean(const double *x, uint32_t n);
double mmt_hmean(const double *x, uint32_t n);
double mmt_stddev(const double *x, uint32_t n, bool higher);	/* calc_stddev */
double mmt_coeffvar(const double *x, uint32_t n, bool higher);	/* calc_coeffvar */
/* The mean of the best @pct percent of the runs (BAmean/BHmean). */
double mmt_best_mean(const double *x, uint32_t n, bool higher, double pct);
/* pdiff (higher is better) and pndiff (lower is better): the gain in percent. */
double mmt_pdiff(double v, double base);
double mmt_pndiff(double v, double base);
/* cidiff(): the difference over the facing halves of the two 95% intervals
 * mean +- qnorm(0.975) * stddev; |result| > 1 marks it significant. */
double mmt_cidiff(double v, const double ci[2], double base, const double base_ci[2]);

#endif
