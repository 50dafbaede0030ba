/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/mempolicy.h - NUMA memory policies (Linux mm/mempolicy.c).
 *
 * A task policy (set_mempolicy) applies where a VMA has none (mbind).
 * Node choice for a new folio: policy_node_for_alloc() in mempolicy.c.
 */
#ifndef NUMASIM_MEM_MEMPOLICY_H
#define NUMASIM_MEM_MEMPOLICY_H

#include "core/compiler.h"

typedef uint64_t nodemask_t;	/* bit n = node n; MAX_NUMNODES <= 64 */

enum mpol_mode {
	MPOL_DEFAULT,		/* local: the node of the CPU that faults */
	MPOL_PREFERRED,		/* one node first, then the usual fallback */
	MPOL_BIND,		/* only the nodes in the mask, nearest first */
	MPOL_INTERLEAVE,	/* round-robin over the mask */
	NR_MPOL_MODES
};

struct mempolicy {
	enum mpol_mode mode;
	nodemask_t nodes;	/* unused for MPOL_DEFAULT */
};

const char *mpol_mode_name(enum mpol_mode mode);

#endif
