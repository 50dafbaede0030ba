/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli/progress.h - the progress line on standard error while a simulation
 * runs: how much of the workload is done, the simulated time, the host
 * time and the rate between them. Drawn only when stderr is a terminal,
 * only once a run has taken a host second, at most 4 times a host second;
 * finished with a newline. It is fed by the simulation's progress hook
 * (struct sim's progress and progress_arg), which only reads the sim.
 */
#ifndef NUMASIM_CLI_PROGRESS_H
#define NUMASIM_CLI_PROGRESS_H

#include <stdio.h>
#include <time.h>

#include "core/compiler.h"

struct sim;
struct workload;

struct cli_progress {
	FILE *out;		/* stderr */
	const char *label;	/* NULL: `numasim run`'s line; else "[numasim compare] LABEL: ..." */
	struct timespec t0;	/* when the run started */
	double drawn_s;		/* host seconds at the last line drawn; < 0: none yet */
	uint32_t planned;	/* tasks the workload creates (stats/procfs.h) */
};

#define PROGRESS_AFTER_S 1.0	/* runs shorter than this show no line */
#define PROGRESS_EVERY_S 0.25	/* at most 4 lines a second */

/* Start timing a run of @wl (call before sim_create: the host time counts the set-up). */
void cli_progress_start(struct cli_progress *p, const struct workload *wl, FILE *out,
			const char *label);
/* The hook for s->progress (arg: the struct cli_progress). */
void cli_progress_tick(const struct sim *s, void *arg);
/* The run is over: draw its last line and end it with a newline, if any was drawn. */
void cli_progress_end(struct cli_progress *p, const struct sim *s);
double cli_progress_seconds(const struct cli_progress *p);

/*
 * The share of the workload done, 0 to 1: the mean over the tasks the
 * workload creates (@planned) of each task's progress through its program,
 * measured in the accesses its counted phases plan (sweep lines, random
 * accesses, lookups...), or, for a program without any, in phases (a timed
 * phase counting by its clock). A task not yet created counts 0, one that
 * exited 1.
 */
double cli_progress_done(const struct sim *s, uint32_t planned);

#endif
