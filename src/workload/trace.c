// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/trace.c - memory-access traces replayed by WL_TRACE phases.
 *
 * TODO(issue 11): the readers (lackey, perf script, numasim's binary format)
 * and the replay; for now a workload holds no trace.
 */
#include <stdlib.h>

#include "workload/workload.h"

void wl_trace_free(struct wl_trace *t)
{
	free(t);
}
