// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/mempolicy.c - which node a new folio comes from.
 * Models: linux mm/mempolicy.c get_vma_policy, policy_nodemask,
 *         interleave_nid / interleave_nodes, alloc_pages_mpol (including the
 *         node-local-only rule for PMD-size THPs), and mm/page_alloc.c's
 *         zonelist walk get_page_from_freelist with its low-then-min watermark
 *         retry, and zone_statistics (numa_hit, numa_miss, ...).
 *         The slowpath wakes kswapd and reclaims directly (mem/vmscan.c).
 * SIMPLIFIED: no MPOL_F_* flags, no MPOL_PREFERRED_MANY or weighted
 *         interleave; no compaction.
 */
#include "fault/fault.h"
#include "sim.h"

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

/* interleave_nodes(): the task policy's round-robin. */
static uint32_t interleave_next(struct task *t, nodemask_t m)
{
	uint32_t next = t->il_prev;
	for (uint32_t i = 0; i < 64; i++) {
		next = (next + 1) % 64;
		if ((m >> next) & 1)
			break;
	}
	t->il_prev = next;
	return next;
}

/* interleave_nid(): a VMA policy interleaves by page index at folio order. */
static uint32_t interleave_vma_nid(const struct vm_area_struct *vma, uint64_t addr,
				   uint32_t order, nodemask_t m)
{
	uint64_t ilx = (vma->vm_pgoff >> order) + ((addr - vma->vm_start) >> (PAGE_SHIFT + order));
	return nodemask_nth(m, (uint32_t)(ilx % nodemask_weight(m)));
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
	migrc_pause(s, cpu);	/* pending sources are freed, no new deferrals */
	if (gfp.kswapd)
		for (uint32_t i = 0; i < s->zonelist_len; i++)
			if ((allowed >> s->zonelist[nid][i]) & 1)
				wakeup_kswapd(s, s->zonelist[nid][i], order, cpu->now);
	uint64_t pfn = zonelist_alloc(s, ac, nid, allowed, order, WMARK_MIN, got);
	if (pfn == PFN_NONE && gfp.direct_reclaim && try_to_free_pages(s, cpu, nid, allowed))
		pfn = zonelist_alloc(s, ac, nid, allowed, order, WMARK_MIN, got);
	migrc_resume(s);
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

uint64_t vma_alloc_folio(struct sim *s, struct cpu *cpu, struct task *t,
			 const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	const struct mempolicy *pol = get_vma_policy(t, vma);
	const uint32_t local = cpu->node;
	nodemask_t allowed = ~0ull;
	uint32_t nid = local;
	bool interleave = false;

	switch (pol->mode) {
	case MPOL_DEFAULT:
		break;
	case MPOL_PREFERRED:
		nid = nodemask_nth(pol->nodes, 0);
		break;
	case MPOL_BIND:
		/* nearest allowed node to the local one: the local zonelist, filtered */
		allowed = pol->nodes;
		break;
	case MPOL_INTERLEAVE:
		/* get_vma_policy(): with a VMA, task and VMA policies alike
		 * interleave by page index; round-robin is for VMA-less allocations */
		interleave = true;
		nid = vma ? interleave_vma_nid(vma, addr, order, pol->nodes)
			  : interleave_next(t, pol->nodes);
		break;
	default:
		break;
	}

	uint32_t got = nid;
	const struct alloc_context ac = {
		.preferred_nid = first_allowed(s, nid, allowed), .local_nid = local,
		.interleave = interleave,
	};
	const struct alloc_gfp gfp = fault_gfp(vma, order);
	s->migrc_alloc_cpu = cpu;
	/*
	 * alloc_pages_mpol(): a PMD-size THP under a non-interleave policy that
	 * allows the chosen node is first tried on that node only
	 * (__GFP_THISNODE | __GFP_NORETRY): the fast path at the low watermark,
	 * then the slow path's retry at the min watermark, with no reclaim.
	 * Without __GFP_DIRECT_RECLAIM (defrag's default "madvise" for a VMA
	 * without MADV_HUGEPAGE) that is final: the fault falls back to smaller
	 * folios rather than to remote memory.
	 */
	if (order == PMD_ORDER && pol->mode != MPOL_INTERLEAVE && ((allowed >> nid) & 1)) {
		uint64_t pfn = alloc_pages_nodemask(s, cpu, &ac, nid, 1ull << nid, order,
						    (struct alloc_gfp){ false, false }, &got);
		if (pfn != PFN_NONE || !gfp.direct_reclaim)
			return pfn;
	}
	return alloc_pages_nodemask(s, cpu, &ac, nid, allowed, order, gfp, &got);
}
