/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/memory_tiers.h - memory tiers and demotion targets (Linux
 * mm/memory-tiers.c: abstract distance, memory_tier, node_demotion,
 * establish_demotion_targets, top_tier_adistance, node_is_toptier).
 */
#ifndef NUMASIM_MEM_MEMORY_TIERS_H
#define NUMASIM_MEM_MEMORY_TIERS_H

#include "core/compiler.h"
#include "machine/machine.h"
#include "mem/mempolicy.h"

#define MEMTIER_CHUNK_BITS 7
#define MEMTIER_CHUNK_SIZE (1u << MEMTIER_CHUNK_BITS)
#define MEMTIER_ADISTANCE_DRAM ((4 * MEMTIER_CHUNK_SIZE) + (MEMTIER_CHUNK_SIZE >> 1))	/* 576 */

struct memory_tiers {
	uint32_t adistance[MAX_NUMNODES];	/* abstract distance of each node's memory */
	uint32_t tier[MAX_NUMNODES];		/* adistance >> MEMTIER_CHUNK_BITS */
	bool toptier[MAX_NUMNODES];		/* node_is_toptier() */
	bool in_tiers[MAX_NUMNODES];		/* has normal memory (not device) */
	nodemask_t demotion_preferred[MAX_NUMNODES];	/* node_demotion[].preferred */
	nodemask_t lower_tier_mask[MAX_NUMNODES];	/* every node in a lower tier */
};

/* Build the tiers of @m as establish_demotion_targets() does. */
void memory_tiers_init(struct memory_tiers *mt, const struct machine *m);

/* The demotion target of @nid: the first preferred node (NUMA_NO_NODE if
 * none). Linux picks among the preferred nodes at random; with equal
 * distances numasim takes the lowest id (deterministic). */
int next_demotion_node(const struct memory_tiers *mt, uint32_t nid);

#endif
