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
#include "mem/page_alloc.h"

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
#define MPOL_F_NUMA_BALANCING	(1u << 13)	/* MPOL_BIND or MPOL_PREFERRED_MANY: NUMA
						 * balancing may migrate within the mask */
#define MPOL_MODE_FLAGS	(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
/* Internal flags (include/linux/mempolicy.h), set by mpol_new() only. */
#define MPOL_F_MOF	(1u << 3)	/* this policy wants migrate on fault (NUMA balancing) */
#define MPOL_F_MORON	(1u << 4)	/* migrate on protnone reference towards the faulting node */

struct mempolicy {
	enum mpol_mode mode;
	nodemask_t nodes;	/* unused for MPOL_DEFAULT and MPOL_LOCAL */
	uint32_t flags;		/* MPOL_F_* */
};

const char *mpol_mode_name(enum mpol_mode mode);

struct sim;
struct task;

/*
 * mpol_new - the policy set_mempolicy()/mbind() install for the user's
 * request @user (Linux sanitize_mpol_flags, mpol_new, mpol_set_nodemask):
 * the mask is taken against the nodes with memory (RELATIVE_NODES: folded
 * and mapped onto them), MPOL_F_NUMA_BALANCING becomes MPOL_F_MOF |
 * MPOL_F_MORON. Return 0, or -EINVAL (bad flags, or no node left).
 */
int mpol_new(const struct sim *s, const struct mempolicy *user, struct mempolicy *out);
/* do_set_mempolicy(): install @pol as @t's task policy (interleave state reset). */
int do_set_mempolicy(struct sim *s, struct task *t, const struct mempolicy *pol);
/* weighted_interleave_nid(): node for interleave index @ilx of @pol. */
uint32_t weighted_interleave_nid(const struct sim *s, const struct mempolicy *pol, uint64_t ilx);
/* interleave_nid(): the (@ilx mod weight)-th node of @pol's mask. */
uint32_t interleave_nid(const struct mempolicy *pol, uint64_t ilx);
/* The il_weights entry of @nid: /sys/kernel/mm/mempolicy/weighted_interleave/nodeN (0: 1). */
uint32_t get_il_weight(const struct sim *s, uint32_t nid);
struct cpu;
struct vm_area_struct;
/*
 * alloc_migration_target_by_mpol()'s node for the folio of @order at @addr
 * of @vma, migrated by mbind(MPOL_MF_MOVE) on @cpu: the policy's node
 * (interleave: by the folio's index), the nearest node of a bind or
 * preferred-many mask, else @cpu's node. SIMPLIFIED: the folio is then
 * allocated on that node only, without the policy's fallback.
 */
uint32_t mpol_migrate_target(const struct sim *s, const struct cpu *cpu, const struct task *t,
			     const struct vm_area_struct *vma, uint64_t addr, uint32_t order);
/*
 * rmqueue - alloc_pages_node() for every buddy allocation of the simulated
 * kernel (faults, migration and demotion targets, copies at fork, the huge
 * zero page): on success it counts pgalloc_normal (2^order pages) and the
 * numastat events of one allocation (zone_statistics), as Linux's rmqueue()
 * does (defined in mempolicy.c, next to the zonelist walk that
 * uses it). Device-private memory is the driver's own (dmirror) and does not
 * come through here.
 */
uint64_t rmqueue(struct sim *s, const struct alloc_context *ac, uint32_t nid, uint32_t order,
		 enum zone_watermarks mark);

/*
 * vma_alloc_folio - allocate a folio of @order for @addr in @vma by the
 * memory policy in force; return its head pfn or PFN_NONE.
 */
uint64_t vma_alloc_folio(struct sim *s, struct cpu *cpu, struct task *t,
			 const struct vm_area_struct *vma, uint64_t addr, uint32_t order);
/* node_states[N_MEMORY]: nodes with normal (not device-private) memory. */
nodemask_t node_states_memory(const struct sim *s);

#endif
