// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/cost.c - latency and shared bandwidth (formulas in cost.h and
 * docs/cost-model.md).
 *
 * Sharing is measured, not predicted: every transfer adds its duration to the
 * busy time of its memory node (and of the inter-socket link it crosses).
 * At the end of each window, busy time / window length is the average number
 * of threads that were using the node, and the next window's per-thread share
 * is the node's bandwidth divided by it. A half-and-half blend with the
 * previous window keeps the fixed point from oscillating.
 */
#include <string.h>

#include "sim.h"

#define SMT_SHARE 0.6		/* APPROX: two busy siblings reach 1.2x one thread */
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
			double shared = m->node[b].bw_gbps / MAX(1.0, bw->node_streams[b]);
			uint32_t sa = m->node[a].socket, sb = m->node[b].socket;
			if (sa != sb)
				shared = MIN(shared, m->link_bw_gbps / MAX(1.0, bw->link_streams[sa][sb]));
			bw->rate_shared[a][b] = shared;
			double rho = MIN(RHO_MAX, bw->node_util[b]);
			bw->rand_ns[a][b] = lat * (1.0 + rho / (2.0 * (1.0 - rho)));
		}
	}
}

void bw_model_init(struct sim *s)
{
	memset(&s->bw, 0, sizeof(s->bw));
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
		double util = bw->bytes[n] / len / s->m.node[n].bw_gbps;
		bw->node_util[n] = SMOOTH * bw->node_util[n] + (1 - SMOOTH) * util;
		bw->busy_ns[n] = 0;
		bw->bytes[n] = 0;
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

void mem_account(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes, double ns)
{
	struct bw_model *bw = &s->bw;
	bw->busy_ns[nid] += ns;
	bw->bytes[nid] += (double)bytes;
	bw->total_bytes[cpu->node][nid] += (double)bytes;
	uint32_t sa = cpu->socket, sb = s->m.node[nid].socket;
	if (sa != sb) {
		/* one link between two sockets, counted in both directions */
		bw->link_busy_ns[sa][sb] += ns;
		bw->link_busy_ns[sb][sa] += ns;
	}
}

static bool sibling_busy(const struct sim *s, const struct cpu *cpu)
{
	return cpu->sibling != UINT32_MAX && s->cpus[cpu->sibling].nr_running > 0;
}

double mem_stream_rate(const struct sim *s, const struct cpu *cpu, uint32_t nid)
{
	const struct bw_model *bw = &s->bw;
	double thread = bw->rate_thread[cpu->node][nid];
	if (sibling_busy(s, cpu))
		thread *= SMT_SHARE;
	return MIN(thread, bw->rate_shared[cpu->node][nid]);
}

double mem_stream_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t bytes)
{
	double ns = (double)bytes / mem_stream_rate(s, cpu, nid);
	mem_account(s, cpu, nid, bytes, ns);
	return ns;
}

double mem_random_ns(struct sim *s, const struct cpu *cpu, uint32_t nid, uint64_t n)
{
	double ns = s->bw.rand_ns[cpu->node][nid] * (double)n;
	mem_account(s, cpu, nid, 64 * n, ns);
	return ns;
}
