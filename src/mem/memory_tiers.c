// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/memory_tiers.c - memory tiers and demotion targets.
 * Models:     linux mm/memory-tiers.c: memory types with an abstract
 *             distance (DRAM 576), tiers of MEMTIER_CHUNK_SIZE,
 *             establish_demotion_targets (preferred targets: the nearest
 *             nodes of the next lower tier; fallback: every lower tier),
 *             top_tier_adistance (every tier up to the fastest one holding
 *             a CPU node), node_is_toptier.
 * SIMPLIFIED: no HMAT: a CPU-less node's abstract distance scales DRAM's
 *             by its latency from the nearest CPU node against that node's
 *             local latency (mt_perf_to_adistance with latency only); a node
 *             with CPUs is DRAM. A node's memory_tier key (a machine file
 *             measured in a guest: Linux 6.1's dax/kmem memory sits at the
 *             default DAX distance, 5 x DRAM, whatever its latency) sets the
 *             tier instead, the abstract distance in the middle of it.
 */
#include <string.h>

#include "mem/memory_tiers.h"
#include "numa/numa_types.h"

static uint32_t node_adistance(const struct machine *m, uint32_t nid)
{
	if (m->node[nid].memory_tier)
		return (m->node[nid].memory_tier << MEMTIER_CHUNK_BITS) + MEMTIER_CHUNK_SIZE / 2;
	if (m->node[nid].nr_cpus)
		return MEMTIER_ADISTANCE_DRAM;
	uint32_t best = UINT32_MAX, best_local = 1;
	for (uint32_t c = 0; c < m->nr_nodes; c++) {
		if (!m->node[c].nr_cpus || m->latency_ns[c][nid] >= best)
			continue;
		best = m->latency_ns[c][nid];
		best_local = m->latency_ns[c][c];
	}
	if (best == UINT32_MAX)
		return MEMTIER_ADISTANCE_DRAM;
	return (uint32_t)((uint64_t)MEMTIER_ADISTANCE_DRAM * best / best_local);
}

void memory_tiers_init(struct memory_tiers *mt, const struct machine *m)
{
	memset(mt, 0, sizeof(*mt));
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		mt->in_tiers[n] = m->node[n].kind != MEM_DEVICE && m->node[n].mem_bytes;
		mt->adistance[n] = node_adistance(m, n);
		mt->tier[n] = mt->adistance[n] >> MEMTIER_CHUNK_BITS;
	}
	/* top tier: every tier up to the fastest one that holds a CPU node */
	uint32_t top = UINT32_MAX;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		if (mt->in_tiers[n] && m->node[n].nr_cpus)
			top = MIN(top, mt->tier[n]);
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		mt->toptier[n] = mt->in_tiers[n] && mt->tier[n] <= top;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		if (!mt->in_tiers[n])
			continue;
		/* the next lower tier that has nodes */
		uint32_t next = UINT32_MAX;
		for (uint32_t t = 0; t < m->nr_nodes; t++)
			if (mt->in_tiers[t] && mt->tier[t] > mt->tier[n])
				next = MIN(next, mt->tier[t]);
		uint32_t best = UINT32_MAX;
		for (uint32_t t = 0; t < m->nr_nodes; t++) {
			if (!mt->in_tiers[t] || mt->tier[t] <= mt->tier[n])
				continue;
			mt->lower_tier_mask[n] |= 1ull << t;
			if (mt->tier[t] == next)
				best = MIN(best, m->distance[n][t]);
		}
		for (uint32_t t = 0; t < m->nr_nodes; t++)
			if (mt->in_tiers[t] && mt->tier[t] == next && m->distance[n][t] == best)
				mt->demotion_preferred[n] |= 1ull << t;
	}
}

int next_demotion_node(const struct memory_tiers *mt, uint32_t nid)
{
	nodemask_t p = mt->demotion_preferred[nid];
	return p ? __builtin_ctzll(p) : NUMA_NO_NODE;
}
