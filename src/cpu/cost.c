// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/cost.c - latency and shared bandwidth (formulas in cost.h and
 * docs/cost-model.md).
 *
 * Sharing is measured, not predicted: every transfer adds its duration to the
 * busy time of its memory node (and of the inter-socket link it crosses).
 * At the end of each window, busy time / window length is the average number
 * of threads that were using the node, and the next window's per-thread share
 * is the node's bus time divided by it. A half-and-half blend with the
 * previous window keeps the fixed point from oscillating.
 *
 * APPROX: a node's reads and writes share one bus whose time per byte is
 * 1/read_bw or 1/write_bw; the published read-write mixes (MLC 3:1, 2:1,
 * 1:1) fit this within a few per cent on Ice Lake-SP (docs/cost-model.md).
 * The link is full duplex: reads and writes of a stream cross it in opposite
 * directions, so a stream needs max(r, w) of it per byte swept.
 */
#include <string.h>

#include "cpu/cost_inline.h"
#include "sim.h"

#define SMOOTH 0.5
#define RHO_MAX 0.95

static void derive_rates(struct sim *s)
{
	const struct machine *m = &s->m;
	struct bw_model *bw = &s->bw;
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		for (uint32_t b = 0; b < m->nr_nodes; b++) {
			double lat_local = m->latency_ns[a][a], lat = m->latency_ns[a][b];
			bw->rate_thread[a][b] = m->thread_bw_gbps * lat_local / lat;
			double users = MAX(1.0, bw->node_streams[b]);
			uint32_t sa = m->node[a].socket, sb = m->node[b].socket;
			double link_users = MAX(1.0, bw->link_streams[sa][sb]);
			for (int op = 0; op < NR_MEM_OPS; op++) {
				double r = mem_op_reads(op), w = mem_op_writes(op);
				double bus = r / m->node[b].bw_gbps + w / m->node[b].write_bw_gbps;
				double shared = 1.0 / (users * bus);
				if (sa != sb)
					shared = MIN(shared, m->link_bw_gbps / (link_users * MAX(r, w)));
				bw->rate_shared[a][b][op] = shared;
			}
			double rho = MIN(RHO_MAX, bw->node_util[b]);
			bw->rand_ns[a][b] = lat * (1.0 + rho / (2.0 * (1.0 - rho)));
		}
	}
}

void bw_model_init(struct sim *s)
{
	memset(&s->bw, 0, sizeof(s->bw));
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		s->bw.ns_per_read[n] = 1.0 / s->m.node[n].bw_gbps;
		s->bw.ns_per_write[n] = 1.0 / s->m.node[n].write_bw_gbps;
	}
	derive_rates(s);
}

void bw_window_update(struct sim *s, uint64_t now)
{
	struct bw_model *bw = &s->bw;
	double len = (double)(now - bw->window_start_ns);
	if (len <= 0)
		return;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		bw->node_streams[n] = SMOOTH * bw->node_streams[n] + (1 - SMOOTH) * bw->busy_ns[n] / len;
		double util = bw->bus_ns[n] / len;
		bw->node_util[n] = SMOOTH * bw->node_util[n] + (1 - SMOOTH) * util;
		bw->busy_ns[n] = 0;
		bw->bus_ns[n] = 0;
	}
	for (uint32_t a = 0; a < s->m.nr_sockets; a++)
		for (uint32_t b = 0; b < s->m.nr_sockets; b++) {
			bw->link_streams[a][b] = SMOOTH * bw->link_streams[a][b] +
						 (1 - SMOOTH) * bw->link_busy_ns[a][b] / len;
			bw->link_busy_ns[a][b] = 0;
		}
	bw->window_start_ns = now;
	derive_rates(s);
}

void mem_account_rw(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t rbytes,
		    uint64_t wbytes, double ns)
{
	mem_account_rw_inline(s, cpu, nid, rbytes, wbytes, ns);
}

double mem_stream_rate_op(const struct sim *s, const struct cpu *cpu, uint32_t nid,
			  enum mem_op op)
{
	const struct bw_model *bw = &s->bw;
	double thread = bw->rate_thread[cpu->node][nid];
	if (sibling_busy(s, cpu))
		thread *= s->m.smt_stream_share;
	return MIN(thread, bw->rate_shared[cpu->node][nid][op]);
}

double mem_stream_op_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes,
			enum mem_op op)
{
	double ns = (double)bytes / mem_stream_rate_op(s, cpu, nid, op);
	mem_account_rw(s, cpu, nid, bytes * mem_op_reads(op), bytes * mem_op_writes(op), ns);
	return ns;
}

double mem_independent_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n,
			  bool write)
{
	return mem_independent_ns_inline(s, cpu, nid, n, write);
}

double mem_random_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n, bool write)
{
	return mem_latency_ns(s, cpu, nid, n, write, 1.0);
}

