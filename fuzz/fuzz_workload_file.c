// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_workload_file.c - libFuzzer target: arbitrary bytes as a workload
 * file (workload/wlfile.c, docs/workload-file.md).
 *
 * Beyond "no crash, no leak, no sanitizer report", it checks that a rejected
 * file always gets a message naming the file, and never one from
 * workload_validate() (the parser must catch what the validator would, at
 * its line); and that an accepted file builds the same workload again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/machine.h"
#include "workload/wlfile.h"
#include "workload/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What wlfile_parse() says when workload_validate() refuses what it built. */
#define VALIDATOR "fuzz.yaml: the workload is not valid"

/* 4 nodes: two with 4 CPUs each, a CPU-less memory expander and a device. */
static void small_machine(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->nr_nodes = 4;
	m->nr_cpus = 8;
	m->erms = 1;
	for (uint32_t n = 0; n < 4; n++) {
		m->node[n].mem_bytes = 1ull << 30;
		m->node[n].nr_cpus = n < 2 ? 4 : 0;
	}
	m->node[3].kind = MEM_DEVICE;
	for (uint32_t c = 0; c < 8; c++)
		m->cpu[c].node = c / 4;
}

static void check_file(const char *text, size_t len, const struct machine *m, double scale)
{
	struct workload wl, again;
	char err[512] = "";

	if (wlfile_parse(&wl, text, len, "fuzz.yaml", m, scale, err, sizeof(err))) {
		/* only the prefix counts: the rest of a message may quote the input */
		if (strncmp(err, "fuzz.yaml:", 10) ||
		    !strncmp(err, VALIDATOR, strlen(VALIDATOR)))
			abort();
		return;
	}
	if (wlfile_parse(&again, text, len, "fuzz.yaml", m, scale, err, sizeof(err)) ||
	    wl.nr_programs != again.nr_programs || wl.nr_procs != again.nr_procs ||
	    wl.nr_barriers != again.nr_barriers)
		abort();
	workload_free(&again);
	workload_free(&wl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machine *m = malloc(sizeof(*m));

	if (!m)
		abort();
	small_machine(m);
	if (size <= WLF_MAX_FILE) {
		check_file((const char *)data, size, m, 1.0);
		check_file((const char *)data, size, m, 0.01);
	}
	free(m);
	return 0;
}
