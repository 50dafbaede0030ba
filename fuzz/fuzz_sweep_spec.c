// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_sweep_spec.c - libFuzzer target: arbitrary bytes as a sweep spec
 * (cli/sweep_spec.c, docs/sweep.md), parsed and expanded into its grid.
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks that a refused
 * spec always gets a message naming the file, that an expanded grid is
 * within the cap and has one distinct, file-safe name per cell, and that
 * parsing again gives the same grid.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool file_safe(const char *s)
{
	if (!s[0] || s[0] == '.' || strlen(s) > 250)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._+-", *s)))
			return false;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_grid(const struct sweep_grid *g)
{
	char **names = malloc((g->nr_cells ? g->nr_cells : 1) * sizeof(*names));
	if (!names || !g->nr_cells || g->nr_cells > SWEEP_MAX_CELLS)
		abort();
	for (uint32_t i = 0; i < g->nr_cells; i++) {
		if (!file_safe(g->cells[i].name) || g->cells[i].combo >= g->nr_combos ||
		    strncmp(g->cells[i].name, g->cells[i].group, strlen(g->cells[i].group)))
			abort();
		names[i] = g->cells[i].name;
	}
	qsort(names, g->nr_cells, sizeof(*names), by_name);
	for (uint32_t i = 1; i < g->nr_cells; i++)
		if (!strcmp(names[i - 1], names[i]))
			abort();
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sweep_spec sp, again;
	struct sweep_grid g, g2;
	char err[512] = "";

	if (sweep_spec_parse(&sp, "fuzz.yaml", (const char *)data, size, err, sizeof(err))) {
		if (strncmp(err, "fuzz.yaml", 9))
			abort();	/* a refusal names the file */
		sweep_spec_free(&sp);
		return 0;
	}
	if (sweep_expand(&g, &sp, err, sizeof(err))) {
		if (strncmp(err, "fuzz.yaml", 9))
			abort();
	} else {
		check_grid(&g);
		if (sweep_spec_parse(&again, "fuzz.yaml", (const char *)data, size, err, sizeof(err)) ||
		    sweep_expand(&g2, &again, err, sizeof(err)) || g2.nr_cells != g.nr_cells ||
		    strcmp(g2.cells[g.nr_cells - 1].name, g.cells[g.nr_cells - 1].name))
			abort();
		sweep_grid_free(&g2);
		sweep_spec_free(&again);
	}
	sweep_grid_free(&g);
	sweep_spec_free(&sp);
	return 0;
}
