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
	MPOL_LOCAL,		/* the faulting CPU's node, as MPOL_DEFAULT but explicit */
	MPOL_PREFERRED_MANY,	/* the mask's nodes first, nearest first, then any node */
	MPOL_WEIGHTED_INTERLEAVE, /* round-robin, node n taking its weight in a row */
	NR_MPOL_MODES
};

/* Mode flags, as in include/uapi/linux/mempolicy.h (or'ed into the mode there). */
#define MPOL_F_STATIC_NODES	(1u << 15)	/* the mask is not remapped by cpuset changes */
#define MPOL_F_RELATIVE_NODES	(1u << 14)	/* the mask is relative to the allowed nodes */
#define MPOL_F_NUMA_BALANCING	(1u << 13)	/* MPOL_BIND: NUMA balancing may migrate within */

struct mempolicy {
	enum mpol_mode mode;
	nodemask_t nodes;	/* unused for MPOL_DEFAULT and MPOL_LOCAL */
	uint32_t flags;		/* MPOL_F_* */
};

const char *mpol_mode_name(enum mpol_mode mode);

#endif
