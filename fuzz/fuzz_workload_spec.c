// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_workload_spec.c - libFuzzer target: arbitrary bytes as a workload
 * spec ("NAME[:key=value,...]") for workload_build().
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks two properties:
 * a rejected spec always gets a message and never trips the generator
 * self-check ("internal error"), and an accepted one is reproducible: its
 * desc, built again at scale 1, gives the same desc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "workload/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 3 nodes: two with 4 CPUs each and a CPU-less memory expander. */
static void small_machine(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->nr_nodes = 3;
	m->nr_cpus = 8;
	for (uint32_t n = 0; n < 3; n++) {
		m->node[n].mem_bytes = 1ull << 30;
		m->node[n].nr_cpus = n < 2 ? 4 : 0;
	}
	for (uint32_t c = 0; c < 8; c++)
		m->cpu[c].node = c / 4;
}

/* The generator self-check failed: "workload 'NAME': internal error: ...".
 * Only the prefix counts, since the rest of a message may quote the input. */
static bool is_internal_error(const char *err)
{
	char prefix[128];

	for (const char *const *n = workload_names; *n; n++) {
		snprintf(prefix, sizeof(prefix), "workload '%s': internal error", *n);
		if (!strncmp(err, prefix, strlen(prefix)))
			return true;
	}
	return false;
}

static void check_spec(const char *spec, const struct machine *m, double scale)
{
	struct workload wl, again;
	char err[256] = "";

	if (workload_build(&wl, spec, m, scale, 1, err, sizeof(err))) {
		if (!err[0] || is_internal_error(err))
			abort();
		return;
	}
	if (workload_build(&again, wl.desc, m, 1.0, 2, err, sizeof(err)) ||
	    strcmp(wl.desc, again.desc) || wl.nr_programs != again.nr_programs)
		abort();
	workload_free(&again);
	workload_free(&wl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machine *m = malloc(sizeof(*m));
	char *spec = malloc(size + 1);

	if (!m || !spec)
		abort();
	small_machine(m);
	memcpy(spec, data, size);
	spec[size] = '\0';	/* a NUL inside the input just ends the spec early */
	check_spec(spec, m, 1.0);
	check_spec(spec, m, 0.01);
	free(spec);
	free(m);
	return 0;
}
