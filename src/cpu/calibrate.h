/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/calibrate.h - Intel MLC-like measurements run in the simulator, and
 * the published figures of the processors the presets describe.
 *
 * Every modelled figure comes from simulating a small workload on the
 * machine (NUMA balancing off, THP on, so the TLB stays out of the way as
 * MLC's large pages keep it out): dependent random reads by one thread for
 * the idle latency; all threads of a node sweeping their own slices of
 * another node's memory for the bandwidth matrix; all threads on local
 * memory with read-write mixes for the peak injection bandwidths; all
 * threads of a CPU-less node's socket on that node with MLC's 2:1 mix (the
 * figure CXL expander vendors publish); one thread for the single-thread
 * rates. Bandwidths count bytes on the memory bus (reads plus writes), as
 * MLC does. Each thread's slice shrinks on small nodes so that all slices
 * fit (tiered-16cpu's DRAM node has 1 GiB).
 */
#ifndef NUMASIM_CPU_CALIBRATE_H
#define NUMASIM_CPU_CALIBRATE_H

#include <stdio.h>

#include "machine/machine.h"

/* The peak injection mixes, as MLC names them. */
enum calib_mix { CM_READS, CM_3_1, CM_2_1, CM_1_1, CM_NT_WRITES, NR_CALIB_MIXES };

struct calib_result {
	uint32_t nr_nodes;			/* CPU nodes measured: 0 .. nr_nodes - 1 */
	double latency_ns[MAX_NUMNODES][MAX_NUMNODES];	/* [cpu node][memory node] */
	double read_gbps[MAX_NUMNODES][MAX_NUMNODES];	/* all threads of the cpu node */
	double peak_gbps[NR_CALIB_MIXES];	/* whole machine, local memory */
	/* CPU-less memory nodes: 2:1 reads-writes by all threads of the first
	 * CPU node on the same socket; 0 for nodes with CPUs */
	double cpuless_2_1_gbps[MAX_NUMNODES];
	double thread_local_gbps, thread_remote_gbps;	/* one thread reading, node 0 */
};

/* Published figures of one preset; 0 where nothing was published. */
struct calib_published {
	const char *machine;
	const char *processor;		/* what was measured */
	const char *source;		/* where */
	uint32_t nr_nodes;
	double latency_ns[4][4];
	double read_gbps[4][4];
	double peak_gbps[NR_CALIB_MIXES];
	double cpuless_2_1_gbps[4];	/* per memory node, as in calib_result */
};

/* The published figures for preset @name, or NULL. */
const struct calib_published *calib_published_for(const char *name);

/* Run the measurements on @m. Return 0, or -1 with a message in @err. */
int calibrate_measure(const struct machine *m, struct calib_result *r, char *err, size_t errlen);

/* Print @r beside @pub (may be NULL) with their ratios. */
void calibrate_print(FILE *f, const struct machine *m, const struct calib_result *r,
		     const struct calib_published *pub);

#endif
