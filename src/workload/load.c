// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/load.c - workload_build(): the one entry from a workload spec to
 * the workload IR. A spec is either a workload file (workload/wlfile.c) or a
 * built-in NAME[:key=value,...] / trace:FILE spec (workload/workload.c, whose
 * types include the trace reader). Both front ends build the IR through
 * workload.c's builders; keeping the choice here, above them, means the IR
 * never calls up into a front end (docs/architecture.md).
 */
#include "workload/wlfile.h"
#include "workload/workload.h"

int workload_build(struct workload *wl, const char *spec, const struct machine *m,
		   double scale, uint64_t seed, char *err, size_t errlen)
{
	*wl = (struct workload){ 0 };
	if (!err)
		errlen = 0;
	if (errlen)
		err[0] = '\0';
	if (wl_check_inputs(spec, m, scale, err, errlen))
		return -1;
	/* a workload file: the same IR, described as the program's syscalls */
	if (wlfile_is_file_spec(spec))
		return wlfile_load(wl, spec, m, scale, err, errlen);
	return wl_build_spec(wl, spec, m, scale, seed, err, errlen);
}
