/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/cost.h - what memory traffic costs: latency, and bandwidth shared
 * between the threads that use a node and the links between sockets.
 * The formulas and their calibration are in docs/cost-model.md.
 *
 * Streaming B bytes from a CPU on node a to memory on node b takes
 *     B / rate,  rate = min(r_thread(a,b) * smt, node_bw[b] / S_b, link_bw / S_ab)
 *   r_thread(a,b) = thread_bw * lat[a][a] / lat[a][b]   (fixed outstanding misses)
 *   smt = 0.6 while the SMT sibling also runs a task   (APPROX)
 *   S_b  = threads streaming to node b, measured as busy time over the last
 *          window (numasim.bw_window_us), smoothed;    S_ab likewise per link.
 * A latency-bound access (random) costs lat[a][b] * (1 + rho_b / (2 (1 - rho_b)))
 * with rho_b the node's utilisation in the last window (an M/D/1 queue).
 */
#ifndef NUMASIM_CPU_COST_H
#define NUMASIM_CPU_COST_H

#include "core/compiler.h"
#include "machine/machine.h"

struct sim;
struct cpu;

struct bw_model {
	/* derived each window */
	double node_streams[MAX_NUMNODES];
	double link_streams[MAX_NUMNODES][MAX_NUMNODES];	/* by socket pair */
	double node_util[MAX_NUMNODES];
	double rate_shared[MAX_NUMNODES][MAX_NUMNODES];	/* [cpu node][mem node], bytes/ns */
	double rate_thread[MAX_NUMNODES][MAX_NUMNODES];
	double rand_ns[MAX_NUMNODES][MAX_NUMNODES];	/* loaded latency */
	/* accumulated in the current window */
	double busy_ns[MAX_NUMNODES];
	double link_busy_ns[MAX_NUMNODES][MAX_NUMNODES];
	double bytes[MAX_NUMNODES];
	uint64_t window_start_ns;
	/* totals for the report */
	double total_bytes[MAX_NUMNODES][MAX_NUMNODES];	/* [cpu node][mem node] */
};

void bw_model_init(struct sim *s);
/* Close the window ending at @now and derive the next window's rates. */
void bw_window_update(struct sim *s, uint64_t now);

/* Streaming rate (bytes/ns) from @cpu to node @nid now; pure. */
double mem_stream_rate(const struct sim *s, const struct cpu *cpu, uint32_t nid);
/* Record @bytes moved to or from @nid in @ns for the bandwidth windows. */
void mem_account(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes, double ns);
/* Time to stream @bytes between @cpu and node @nid; accounts the traffic. */
double mem_stream_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes);
/* Time for @n latency-bound 64-byte accesses to node @nid; accounts them. */
double mem_random_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n);

#endif
