/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/cost_inline.h - the per-access part of the cost model (cpu/cost.c),
 * inline for the random-access executors, which charge one latency-bound
 * access at a time: the same arithmetic in the same order as cost.c's
 * exported functions, which call these.
 */
#ifndef NUMASIM_CPU_COST_INLINE_H
#define NUMASIM_CPU_COST_INLINE_H

#include "sim.h"

static inline bool sibling_busy(const struct sim *s, const struct cpu *cpu)
{
	return cpu->sibling != UINT32_MAX && s->cpus[cpu->sibling].nr_running > 0;
}

/* mem_account_rw() */
static inline void mem_account_rw_inline(struct sim *s, const struct cpu *cpu, uint32_t nid,
					 uint64_t rbytes, uint64_t wbytes, double ns)
{
	struct bw_model *bw = &s->bw;
	bw->busy_ns[nid] += ns;
	bw->bus_ns[nid] += (double)rbytes * bw->ns_per_read[nid] + (double)wbytes * bw->ns_per_write[nid];
	bw->read_bytes[cpu->node][nid] += (double)rbytes;
	bw->write_bytes[cpu->node][nid] += (double)wbytes;
	uint32_t sa = cpu->socket, sb = s->m.node[nid].socket;
	if (sa != sb) {
		/* one link between two sockets, counted in both directions */
		bw->link_busy_ns[sa][sb] += ns;
		bw->link_busy_ns[sb][sa] += ns;
	}
}

/* @n latency-bound accesses with @overlap of them in flight; accounts them. */
static inline double mem_latency_ns(struct sim *s, const struct cpu *cpu, uint32_t nid,
				    uint64_t n, bool write, double overlap)
{
	double ns = s->bw.rand_ns[cpu->node][nid] * (double)n / overlap;
	if (sibling_busy(s, cpu))
		ns *= s->m.smt_latency_factor;
	mem_account_rw_inline(s, cpu, nid, 64 * n, write ? 64 * n : 0, ns);
	return ns;
}

/* mem_independent_ns() */
static inline double mem_independent_ns_inline(struct sim *s, const struct cpu *cpu, uint32_t nid,
					       uint64_t n, bool write)
{
	return mem_latency_ns(s, cpu, nid, n, write, s->m.random_mlp);
}

#endif
