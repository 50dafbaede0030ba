// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/progress.c - the progress line of `numasim run` and `numasim compare`
 * (cli/progress.h). It only reads the simulation, so a run with the line
 * and one without give the same result, byte for byte.
 */
#include <stdio.h>

#include "cli/progress.h"
#include "sim.h"
#include "stats/procfs.h"

#define LINE_BYTES 64	/* a sweep touches every 64-byte line unless given a stride */

/* Accesses a counted phase plans; 0 for every other phase. */
static double phase_weight(const struct wl_phase *ph)
{
	if (ph->duration_ns)
		return 0;
	switch (ph->op) {
	case WL_SWEEP: {
		uint64_t step = ph->stride > LINE_BYTES ? ph->stride : LINE_BYTES;
		return (double)ph->count * (double)((ph->len + step - 1) / step);
	}
	case WL_RANDOM: case WL_SKEWED: case WL_GAUSS: case WL_ZIPF: case WL_CHASE: case WL_LOOKUP:
		return (double)ph->count;
	default:
		return 0;
	}
}

/* How far the current phase of @t is, 0 to 1. */
static double phase_fraction(const struct sim *s, const struct task *t, const struct wl_phase *ph)
{
	const struct phase_cursor *c = &t->cur;
	if (!c->started)
		return 0;
	if (ph->duration_ns) {
		uint64_t now = s->cpus[t->cpu].now;
		return now > c->start_ns ? (double)(now - c->start_ns) / (double)ph->duration_ns : 0;
	}
	if (!ph->count)
		return 0;
	double done = (double)c->done;
	if (ph->op == WL_SWEEP && c->end > c->start && c->addr > c->start)
		done += (double)(c->addr - c->start) / (double)(c->end - c->start);
	return done / (double)ph->count;
}

static double task_done(const struct sim *s, const struct task *t)
{
	if (t->state == TASK_DEAD)
		return 1;
	const struct wl_program *p = t->prog;
	double total = 0, done = 0;
	for (uint32_t i = 0; i < p->nr_phases; i++)
		total += phase_weight(&p->phases[i]);
	bool by_phase = total == 0;	/* no counted phase: every phase counts one */
	if (by_phase)
		total = p->nr_phases;
	for (uint32_t i = 0; i < p->nr_phases && i <= t->pc; i++) {
		double w = by_phase ? 1 : phase_weight(&p->phases[i]);
		double f = i < t->pc ? 1 : phase_fraction(s, t, &p->phases[i]);
		done += w * (f < 1 ? f : 1);
	}
	return total > 0 ? done / total : 1;
}

double cli_progress_done(const struct sim *s, uint32_t planned)
{
	double sum = 0;
	for (uint32_t i = 0; i < s->nr_tasks; i++)
		sum += task_done(s, s->tasks[i]);
	uint32_t n = planned > s->nr_tasks ? planned : s->nr_tasks;
	return n ? sum / n : 1;
}

double cli_progress_seconds(const struct cli_progress *p)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->t0.tv_sec) + (double)(now.tv_nsec - p->t0.tv_nsec) / 1e9;
}

void cli_progress_start(struct cli_progress *p, const struct workload *wl, FILE *out,
			const char *label)
{
	*p = (struct cli_progress){ .out = out, .label = label, .drawn_s = -1,
				    .planned = procfs_planned_tasks(wl) };
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
}

static void draw(struct cli_progress *p, const struct sim *s, double host)
{
	uint64_t t = s->heap.nr ? s->heap.e[0].now : s->end_ns;
	double sim_s = (double)t / 1e9;
	/* \r and erase to the end of the line: the line is redrawn in place */
	if (p->label)
		fprintf(p->out, "\r[numasim compare] %s: ", p->label);
	else
		fprintf(p->out, "\r[numasim] ");
	fprintf(p->out, "%5.1f%% of the work, simulated %.3f s, host %.1f s (%.3g simulated s per "
		"host s)\033[K", 100 * cli_progress_done(s, p->planned), sim_s, host,
		host > 0 ? sim_s / host : 0);
	fflush(p->out);
	p->drawn_s = host;
}

void cli_progress_tick(const struct sim *s, void *arg)
{
	struct cli_progress *p = arg;
	double host = cli_progress_seconds(p);
	if (host < PROGRESS_AFTER_S || (p->drawn_s >= 0 && host - p->drawn_s < PROGRESS_EVERY_S))
		return;
	draw(p, s, host);
}

void cli_progress_end(struct cli_progress *p, const struct sim *s)
{
	if (p->drawn_s < 0)
		return;
	draw(p, s, cli_progress_seconds(p));
	fputc('\n', p->out);
}
