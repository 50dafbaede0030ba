/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/cost.h - what memory traffic costs: latency, and bandwidth shared
 * between the threads that use a node and the links between sockets.
 * The formulas and their calibration are in docs/cost-model.md.
 *
 * A stream sweeps B bytes; per byte swept it moves r(op) bytes from memory
 * and w(op) bytes to memory (enum mem_op). Sweeping B bytes from a CPU on
 * node a over memory on node b takes B / rate,
 *   rate = min(r_thread(a,b) * smt, node share, link share)
 *   r_thread(a,b) = thread_bw * lat[a][a] / lat[a][b]   (fixed outstanding misses)
 *   smt = smt_stream_share while the SMT sibling also runs a task
 *   node share = 1 / (S_b * (r / read_bw[b] + w / write_bw[b]))
 *   link share = link_bw / (S_ab * max(r, w))          (full duplex)
 *   S_b  = threads streaming to node b, measured as busy time over the last
 *          window (numasim.bw_window_us), smoothed;    S_ab likewise per link.
 * A latency-bound access (random) costs lat[a][b] * (1 + rho_b / (2 (1 - rho_b)))
 * with rho_b the node's utilisation in the last window (an M/D/1 queue),
 * times smt_latency_factor while the sibling runs a task.
 */
#ifndef NUMASIM_CPU_COST_H
#define NUMASIM_CPU_COST_H

#include "core/compiler.h"
#include "cpu/sched.h"
#include "machine/machine.h"

struct sim;
struct cpu;

/*
 * What a streamed byte costs on the memory bus.
 *   MEM_READ	   loads: the line is read.
 *   MEM_WRITE_RFO ordinary stores to lines not in the cache: each line is
 *		   read for ownership, then written back (write-allocate).
 *   MEM_WRITE_NT  stores that do not read the line: movnt* streaming stores,
 *		   and fast-string rep stos/movs, which invalidate a line they
 *		   will fill entirely instead of reading it (Intel SDM vol. 3,
 *		   "Out-of-Order Stores For String Operations").
 *   MEM_RMW	   a load then a store to each line: read once, written back once.
 */
enum mem_op { MEM_READ, MEM_WRITE_RFO, MEM_WRITE_NT, MEM_RMW, NR_MEM_OPS };

/* Bytes read and written on the bus per byte swept. */
static inline uint32_t mem_op_reads(enum mem_op op)
{
	return op != MEM_WRITE_NT;
}

static inline uint32_t mem_op_writes(enum mem_op op)
{
	return op != MEM_READ;
}

struct bw_model {
	/* derived each window */
	double node_streams[MAX_NUMNODES];
	double link_streams[MAX_NUMNODES][MAX_NUMNODES];	/* by socket pair */
	double node_util[MAX_NUMNODES];
	/* [cpu node][mem node][op], swept bytes/ns */
	double rate_shared[MAX_NUMNODES][MAX_NUMNODES][NR_MEM_OPS];
	double rate_thread[MAX_NUMNODES][MAX_NUMNODES];
	double rand_ns[MAX_NUMNODES][MAX_NUMNODES];	/* loaded latency */
	double ns_per_read[MAX_NUMNODES], ns_per_write[MAX_NUMNODES];	/* bus time per byte */
	/* accumulated in the current window */
	double busy_ns[MAX_NUMNODES];
	double link_busy_ns[MAX_NUMNODES][MAX_NUMNODES];
	double bus_ns[MAX_NUMNODES];	/* bytes read / read_bw + bytes written / write_bw */
	uint64_t window_start_ns;
	/* totals for the report: bytes on the bus, [cpu node][mem node] */
	double read_bytes[MAX_NUMNODES][MAX_NUMNODES];
	double write_bytes[MAX_NUMNODES][MAX_NUMNODES];
};

void bw_model_init(struct sim *s);
/* Close the window ending at @now and derive the next window's rates. */
void bw_window_update(struct sim *s, uint64_t now);

/* Streaming rate (swept bytes/ns) of @op from @cpu to node @nid now; pure. */
double mem_stream_rate_op(const struct sim *s, const struct cpu *cpu, uint32_t nid,
			  enum mem_op op);
/* Record @rbytes read from and @wbytes written to @nid in @ns for the
 * bandwidth windows and the traffic totals. */
void mem_account_rw(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t rbytes,
		    uint64_t wbytes, double ns);
/* Time to sweep @bytes of node @nid with @op from @cpu; accounts the traffic. */
double mem_stream_op_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes,
			enum mem_op op);
/* Time for @n latency-bound 64-byte accesses to node @nid (stores if
 * @write: each line read for ownership and written back); accounts them. */
double mem_random_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n, bool write);

/* @n independent latency-bound accesses (random, skewed, gauss, zipf, trace):
 * the loaded latency over the machine's random_mlp misses in flight. */
double mem_independent_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n,
			  bool write);
/* One load that waits for the previous one (WL_CHASE): the whole latency. */
static inline double mem_dependent_ns(struct sim *s, const struct cpu *cpu, uint32_t nid,
				      bool write)
{
	return mem_random_ns(s, cpu, nid, 1, write);
}

/* The reads-only forms, for callers that move bytes one way. */
static inline void mem_account(struct sim *s, const struct cpu *cpu, uint32_t nid,
			       uint64_t bytes, double ns)
{
	mem_account_rw(s, cpu, nid, bytes, 0, ns);
}

static inline double mem_stream_ns(struct sim *s, const struct cpu *cpu, uint32_t nid,
				   uint64_t bytes)
{
	return mem_stream_op_ns(s, cpu, nid, bytes, MEM_READ);
}

/* Charge kernel work of @ns to @cpu: its clock advances and the time counts
 * as kernel time (the fault, flush and migration costs of struct
 * kernel_costs all land here). */
static inline void cpu_charge_kernel(struct cpu *cpu, uint64_t ns)
{
	cpu->now += ns;
	cpu->kernel_ns += ns;
}

#endif
