// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/mempolicy.c - which node a new folio comes from.
 * Models: linux mm/mempolicy.c (mainline 6.9+) sanitize_mpol_flags, mpol_new,
 *         mpol_set_nodemask, mpol_relative_nodemask, do_set_mempolicy,
 *         get_vma_policy, policy_nodemask, interleave_nid / interleave_nodes,
 *         weighted_interleave_nid / weighted_interleave_nodes,
 *         alloc_pages_preferred_many, alloc_pages_mpol (including the
 *         node-local-only rule for PMD-size THPs), and mm/page_alloc.c's
 *         zonelist walk get_page_from_freelist with its low-then-min watermark
 *         retry, and zone_statistics (numa_hit, numa_miss, ...).
 *         The slowpath wakes kswapd and reclaims directly (mem/vmscan.c).
 * SIMPLIFIED: no cpusets, so mems_allowed is every node with memory and never
 *         changes: MPOL_F_STATIC_NODES only intersects the mask with the nodes
 *         with memory, as mpol_set_nodemask() does at creation (the flag
 *         matters in Linux only when a cpuset rebinds the policy, which never
 *         happens here); MPOL_F_RELATIVE_NODES folds the mask onto the nodes
 *         with memory at creation (mpol_relative_nodemask); no
 *         set_mempolicy_home_node; no compaction. Weighted interleave takes
 *         wl->il_weights (the sysfs table, 0 meaning the default weight 1),
 *         fixed for the run; no "auto" weights (6.16).
 */
#include <errno.h>

#include "cpu/tlb_defer.h"
#include "fault/fault.h"
#include "sim.h"

/* Spelled as the kernel prints them (mm/mempolicy.c policy_modes[]). */
static const char *const mpol_mode_names[NR_MPOL_MODES] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "prefer",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "prefer (many)",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
};

const char *mpol_mode_name(enum mpol_mode mode)
{
	return (unsigned)mode < NR_MPOL_MODES ? mpol_mode_names[mode] : "?";
}

static const struct mempolicy *get_vma_policy(const struct task *t,
					      const struct vm_area_struct *vma)
{
	if (vma && (vma->vm_flags & VM_HAS_POLICY))
		return &vma->pol;
	return &t->pol;
}

static uint32_t nodemask_weight(nodemask_t m)
{
	return (uint32_t)__builtin_popcountll(m);
}

/* The @n-th set node of @m (n < weight). */
static uint32_t nodemask_nth(nodemask_t m, uint32_t n)
{
	for (uint32_t nid = 0; nid < 64; nid++)
		if (((m >> nid) & 1) && n-- == 0)
			return nid;
	return 0;
}

/* next_node_in(): the first node of @m after @prev, wrapping around. */
static uint32_t next_node_in(uint32_t prev, nodemask_t m)
{
	uint32_t next = prev;
	for (uint32_t i = 0; i < 64; i++) {
		next = (next + 1) % 64;
		if ((m >> next) & 1)
			break;
	}
	return next;
}

nodemask_t node_states_memory(const struct sim *s)
{
	nodemask_t m = 0;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (s->m.node[n].kind != MEM_DEVICE && s->pm.node[n].node_present_pages)
			m |= 1ull << n;
	return m;
}

/*
 * mpol_relative_nodemask(): node i of the user's mask (folded modulo the
 * number of allowed nodes, nodes_fold) becomes the i-th allowed node
 * (nodes_onto).
 */
static nodemask_t mpol_relative_nodemask(nodemask_t orig, nodemask_t rel)
{
	uint32_t w = nodemask_weight(rel);
	nodemask_t ret = 0;
	if (!w)
		return 0;
	for (uint32_t n = 0; n < 64; n++)
		if ((orig >> n) & 1)
			ret |= 1ull << nodemask_nth(rel, n % w);
	return ret;
}

int mpol_new(const struct sim *s, const struct mempolicy *user, struct mempolicy *out)
{
	uint32_t flags = user->flags & MPOL_MODE_FLAGS;
	enum mpol_mode mode = user->mode;
	/* sanitize_mpol_flags() */
	if ((unsigned)mode >= NR_MPOL_MODES || (user->flags & ~MPOL_MODE_FLAGS) ||
	    ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES)))
		return -EINVAL;
	if (flags & MPOL_F_NUMA_BALANCING) {
		if (mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
			return -EINVAL;
		flags |= MPOL_F_MOF | MPOL_F_MORON;
	}
	/* mpol_new(): default and local take no nodes; an empty preferred
	 * mask means local allocation (without STATIC or RELATIVE) */
	if (mode == MPOL_DEFAULT) {
		if (user->nodes)
			return -EINVAL;
		*out = (struct mempolicy){ MPOL_DEFAULT, 0, 0 };
		return 0;
	}
	if (mode == MPOL_PREFERRED && !user->nodes) {
		if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			return -EINVAL;
		mode = MPOL_LOCAL;
	} else if (mode == MPOL_LOCAL) {
		if (user->nodes || (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
			return -EINVAL;
	} else if (!user->nodes) {
		return -EINVAL;
	}
	*out = (struct mempolicy){ mode, 0, flags };
	if (mode == MPOL_LOCAL)
		return 0;
	/* mpol_set_nodemask(): against cpuset_current_mems_allowed & N_MEMORY */
	const nodemask_t allowed = node_states_memory(s);
	nodemask_t nodes = (flags & MPOL_F_RELATIVE_NODES) ? mpol_relative_nodemask(user->nodes, allowed)
							   : user->nodes & allowed;
	if (!nodes)
		return -EINVAL;	/* mpol_new_nodemask() / mpol_new_preferred() */
	/* mpol_new_preferred(): the first node only */
	out->nodes = mode == MPOL_PREFERRED ? 1ull << nodemask_nth(nodes, 0) : nodes;
	return 0;
}

int do_set_mempolicy(struct sim *s, struct task *t, const struct mempolicy *user)
{
	struct mempolicy pol;
	int rc = mpol_new(s, user, &pol);
	if (rc)
		return rc;
	t->pol = pol;
	if (pol.mode == MPOL_INTERLEAVE || pol.mode == MPOL_WEIGHTED_INTERLEAVE) {
		t->il_prev = MAX_NUMNODES - 1;	/* round-robin starts at the mask's first node */
		t->il_weight = 0;
	}
	return 0;
}

uint32_t get_il_weight(const struct sim *s, uint32_t nid)
{
	uint32_t w = nid < ARRAY_SIZE(s->wl->il_weights) ? s->wl->il_weights[nid] : 0;
	return w ? w : 1;	/* the system default */
}

/* interleave_nodes(): the task policy's round-robin. */
static uint32_t interleave_nodes(struct task *t, nodemask_t m)
{
	t->il_prev = next_node_in(t->il_prev, m);
	return t->il_prev;
}

/* weighted_interleave_nodes(): the round-robin, each node il_weight times. */
static uint32_t weighted_interleave_nodes(const struct sim *s, struct task *t, nodemask_t m)
{
	uint32_t node = t->il_prev;
	if (!t->il_weight || !((m >> node) & 1)) {
		node = next_node_in(node, m);
		t->il_prev = node;
		t->il_weight = get_il_weight(s, node);
	}
	t->il_weight--;
	return node;
}

uint32_t interleave_nid(const struct mempolicy *pol, uint64_t ilx)
{
	return nodemask_nth(pol->nodes, (uint32_t)(ilx % nodemask_weight(pol->nodes)));
}

uint32_t weighted_interleave_nid(const struct sim *s, const struct mempolicy *pol, uint64_t ilx)
{
	uint64_t total = 0;
	for (uint32_t nid = 0; nid < 64; nid++)
		if ((pol->nodes >> nid) & 1)
			total += get_il_weight(s, nid);
	uint64_t target = ilx % total;
	uint32_t nid = nodemask_nth(pol->nodes, 0);
	while (target) {
		uint32_t w = get_il_weight(s, nid);
		if (target < w)
			break;
		target -= w;
		nid = next_node_in(nid, pol->nodes);
	}
	return nid;
}

/* get_vma_policy()'s interleave index: the page offset at folio order. */
static uint64_t vma_ilx(const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	return (vma->vm_pgoff >> order) + ((addr - vma->vm_start) >> (PAGE_SHIFT + order));
}

/* zone_statistics(): one allocation's numastat events, on node @got. */
static void zone_statistics(struct sim *s, const struct alloc_context *ac, uint32_t got)
{
	uint64_t(*ns)[NR_NUMA_STAT_ITEMS] = s->vs.numa;
	if (got == ac->preferred_nid) {
		ns[got][NUMA_HIT]++;
		if (ac->interleave)	/* counted by alloc_pages_mpol() for interleave */
			ns[got][NUMA_INTERLEAVE_HIT]++;
	} else {
		ns[got][NUMA_MISS]++;
		ns[ac->preferred_nid][NUMA_FOREIGN]++;
	}
	ns[got][got == ac->local_nid ? NUMA_LOCAL : NUMA_OTHER]++;
}

uint64_t rmqueue(struct sim *s, const struct alloc_context *ac, uint32_t nid, uint32_t order,
		 enum zone_watermarks mark)
{
	uint64_t pfn = alloc_pages_node(&s->pm, nid, order, mark);
	if (pfn == PFN_NONE)
		return PFN_NONE;
	count_vm_events(&s->vs, PGALLOC, 1ull << order);
	zone_statistics(s, ac, nid);
	return pfn;
}

/* The preferred zone zone_statistics() counts against: the first allowed
 * node of @nid's zonelist. */
static uint32_t first_allowed(const struct sim *s, uint32_t nid, nodemask_t allowed)
{
	for (uint32_t i = 0; i < s->zonelist_len; i++)
		if ((allowed >> s->zonelist[nid][i]) & 1)
			return s->zonelist[nid][i];
	return nid;
}

/* Walk @preferred's zonelist, restricted to @allowed, at watermark @mark. */
static uint64_t zonelist_alloc(struct sim *s, const struct alloc_context *ac, uint32_t preferred,
			       nodemask_t allowed, uint32_t order, enum zone_watermarks mark,
			       uint32_t *got)
{
	for (uint32_t i = 0; i < s->zonelist_len; i++) {
		uint32_t nid = s->zonelist[preferred][i];
		if (!((allowed >> nid) & 1))
			continue;
		uint64_t pfn = rmqueue(s, ac, nid, order, mark);
		if (pfn != PFN_NONE) {
			*got = nid;
			return pfn;
		}
	}
	return PFN_NONE;
}

/*
 * What the slow path of an allocation may do, from its gfp mask. Order-0
 * anonymous faults (GFP_HIGHUSER_MOVABLE) wake kswapd and reclaim directly.
 * THP and mTHP faults use vma_thp_gfp_mask(), which under the default
 * defrag=madvise is GFP_TRANSHUGE_LIGHT: neither, unless the VMA is
 * MADV_HUGEPAGE, which adds __GFP_DIRECT_RECLAIM (but not kswapd).
 */
struct alloc_gfp {
	bool kswapd;		/* __GFP_KSWAPD_RECLAIM */
	bool direct_reclaim;	/* __GFP_DIRECT_RECLAIM */
};

static struct alloc_gfp fault_gfp(const struct vm_area_struct *vma, uint32_t order)
{
	if (order == 0)
		return (struct alloc_gfp){ true, true };
	return (struct alloc_gfp){ false, vma && (vma->vm_flags & VM_HUGEPAGE) };
}

/*
 * __alloc_pages_slowpath(): every allowed node is below its low watermark.
 * Wake their kswapds if the mask allows, retry down to the min watermark,
 * then reclaim directly if allowed and retry once more.
 */
static uint64_t alloc_pages_slowpath(struct sim *s, struct cpu *cpu, const struct alloc_context *ac,
				     uint32_t nid, nodemask_t allowed, uint32_t order,
				     struct alloc_gfp gfp, uint32_t *got)
{
	tlb_defer_alloc_pressure(s, cpu);	/* pending sources are freed, no new deferrals */
	if (gfp.kswapd)
		for (uint32_t i = 0; i < s->zonelist_len; i++)
			if ((allowed >> s->zonelist[nid][i]) & 1)
				wakeup_kswapd(s, s->zonelist[nid][i], order, cpu->now);
	uint64_t pfn = zonelist_alloc(s, ac, nid, allowed, order, WMARK_MIN, got);
	if (pfn == PFN_NONE && gfp.direct_reclaim && try_to_free_pages(s, cpu, nid, allowed))
		pfn = zonelist_alloc(s, ac, nid, allowed, order, WMARK_MIN, got);
	tlb_defer_alloc_pressure_end(s);
	return pfn;
}

/* __alloc_pages(): the fast path at the low watermark, then the slow path. */
static uint64_t alloc_pages_nodemask(struct sim *s, struct cpu *cpu, const struct alloc_context *ac,
				     uint32_t nid, nodemask_t allowed, uint32_t order,
				     struct alloc_gfp gfp, uint32_t *got)
{
	uint64_t pfn = zonelist_alloc(s, ac, nid, allowed, order, WMARK_LOW, got);
	if (pfn == PFN_NONE)
		pfn = alloc_pages_slowpath(s, cpu, ac, nid, allowed, order, gfp, got);
	return pfn;
}

uint32_t mpol_migrate_target(const struct sim *s, const struct cpu *cpu, const struct task *t,
			     const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	const struct mempolicy *pol = get_vma_policy(t, vma);
	switch (pol->mode) {
	case MPOL_PREFERRED:
		return nodemask_nth(pol->nodes, 0);
	case MPOL_BIND:
	case MPOL_PREFERRED_MANY:
		return first_allowed(s, cpu->node, pol->nodes);
	case MPOL_INTERLEAVE:
		return interleave_nid(pol, vma_ilx(vma, addr, order));
	case MPOL_WEIGHTED_INTERLEAVE:
		return weighted_interleave_nid(s, pol, vma_ilx(vma, addr, order));
	default:	/* default (preferred_node_policy) and local: this CPU's node */
		return cpu->node;
	}
}

/*
 * alloc_pages_preferred_many(): the mask's nodes first (the local zonelist
 * filtered, nearest first) without direct reclaim and allowed to fail, then
 * every node with the caller's full gfp.
 */
static uint64_t alloc_pages_preferred_many(struct sim *s, struct cpu *cpu, uint32_t nid,
					   nodemask_t nodes, uint32_t order, struct alloc_gfp gfp,
					   uint32_t *got)
{
	const struct alloc_context ac1 = {
		.preferred_nid = first_allowed(s, nid, nodes), .local_nid = cpu->node,
	};
	const struct alloc_gfp noreclaim = { gfp.kswapd, false };
	uint64_t pfn = alloc_pages_nodemask(s, cpu, &ac1, nid, nodes, order, noreclaim, got);
	if (pfn != PFN_NONE)
		return pfn;
	const struct alloc_context ac2 = { .preferred_nid = nid, .local_nid = cpu->node };
	return alloc_pages_nodemask(s, cpu, &ac2, nid, ~0ull, order, gfp, got);
}

/*
 * vma_alloc_folio(): get_vma_policy(), then alloc_pages_mpol(): the policy's
 * node and mask (policy_nodemask()), preferred-many's two passes, the
 * PMD-size THP's this-node-first try, and the interleave hit count.
 */
uint64_t vma_alloc_folio(struct sim *s, struct cpu *cpu, struct task *t,
			 const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	const struct mempolicy *pol = get_vma_policy(t, vma);
	const uint32_t local = cpu->node;
	nodemask_t allowed = ~0ull;
	uint32_t nid = local;
	bool interleave = false;
	uint32_t got = nid;

	s->migrc_alloc_cpu = cpu;
	switch (pol->mode) {
	case MPOL_DEFAULT:
	case MPOL_LOCAL:
		break;
	case MPOL_PREFERRED:
		nid = nodemask_nth(pol->nodes, 0);
		break;
	case MPOL_BIND:
		/* nearest allowed node to the local one: the local zonelist, filtered */
		allowed = pol->nodes;
		break;
	case MPOL_PREFERRED_MANY:
		/* alloc_pages_mpol() hands it over before the THP rule */
		return alloc_pages_preferred_many(s, cpu, local, pol->nodes, order,
						  fault_gfp(vma, order), &got);
	case MPOL_INTERLEAVE:
		/* get_vma_policy(): with a VMA, task and VMA policies alike
		 * interleave by page index; round-robin is for VMA-less allocations */
		interleave = true;
		nid = vma ? interleave_nid(pol, vma_ilx(vma, addr, order))
			  : interleave_nodes(t, pol->nodes);
		break;
	case MPOL_WEIGHTED_INTERLEAVE:
		interleave = true;
		nid = vma ? weighted_interleave_nid(s, pol, vma_ilx(vma, addr, order))
			  : weighted_interleave_nodes(s, t, pol->nodes);
		break;
	default:
		break;
	}

	const struct alloc_context ac = {
		.preferred_nid = first_allowed(s, nid, allowed), .local_nid = local,
		.interleave = interleave,
	};
	const struct alloc_gfp gfp = fault_gfp(vma, order);
	/*
	 * alloc_pages_mpol(): a PMD-size THP under a non-interleave policy that
	 * allows the chosen node is first tried on that node only
	 * (__GFP_THISNODE | __GFP_NORETRY): the fast path at the low watermark,
	 * then the slow path's retry at the min watermark, with no reclaim.
	 * Without __GFP_DIRECT_RECLAIM (defrag's default "madvise" for a VMA
	 * without MADV_HUGEPAGE) that is final: the fault falls back to smaller
	 * folios rather than to remote memory.
	 */
	if (order == PMD_ORDER && !interleave && ((allowed >> nid) & 1)) {
		uint64_t pfn = alloc_pages_nodemask(s, cpu, &ac, nid, 1ull << nid, order,
						    (struct alloc_gfp){ false, false }, &got);
		if (pfn != PFN_NONE || !gfp.direct_reclaim)
			return pfn;
	}
	return alloc_pages_nodemask(s, cpu, &ac, nid, allowed, order, gfp, &got);
}
