// SPDX-License-Identifier: GPL-2.0-only
/*
 * device/dmirror.c - a device driver for device-private memory.
 * Models:     linux lib/test_hmm.c: dmirror_migrate_to_device()
 *             (dmirror_migrate_alloc_and_copy: a device THP for a compound
 *             entry, else 512 base pages; HMM_DMIRROR_FLAG_FAIL_ALLOC),
 *             dmirror_migrate_to_system(), dmirror_devmem_fault() and
 *             dmirror_devmem_fault_alloc_and_copy() (migrate_to_ram: the
 *             faulting page, or its whole THP).
 * SIMPLIFIED: device memory is the device node's buddy allocator (test_hmm
 *             allocates 256 MiB chunks and keeps its own free list); copies
 *             are DMAs whose time the CPU waits for; the device keeps no
 *             page tables of its own (no hmm_range_fault mirroring).
 */
#include <errno.h>
#include <stdlib.h>

#include "device/dmirror.h"
#include "migrate/internal.h"
#include "migrate/migrate_device.h"
#include "sim.h"

static bool fail_large(const struct sim *s)
{
	return s->tun.v[T_DEVICE_FAIL_LARGE_ALLOC] != 0;
}

/* dmirror_devmem_alloc(): a folio of device memory, or NULL. */
static struct folio *devmem_alloc(struct sim *s, uint32_t dev, uint32_t order)
{
	if (order && fail_large(s))
		return NULL;
	uint64_t pfn = alloc_pages_node(&s->pm, dev, order, WMARK_MIN);
	if (pfn == PFN_NONE)
		return NULL;
	struct folio *f = pfn_folio(&s->pm, pfn);
	folio_set(f, PG_device);
	return f;
}

/* A system-memory folio for @addr by @t's policy, or NULL. */
static struct folio *sysmem_alloc(struct sim *s, struct cpu *cpu, struct task *t,
				  const struct vm_area_struct *vma, uint64_t addr, uint32_t order)
{
	if (order && fail_large(s))
		return NULL;
	uint64_t pfn = vma_alloc_folio(s, cpu, t, vma, addr, order);
	return pfn == PFN_NONE ? NULL : pfn_folio(&s->pm, pfn);
}

struct dst_alloc {
	struct task *t;
	uint32_t dev;		/* the device node (its memory, or the source) */
	bool to_device;
};

static struct folio *dst_alloc(struct sim *s, struct migrate_vma *a, const struct dst_alloc *how,
			       uint64_t i, uint32_t order)
{
	if (how->to_device)
		return devmem_alloc(s, how->dev, order);
	return sysmem_alloc(s, a->cpu, how->t, a->vma, a->start + (i << PAGE_SHIFT), order);
}

/* The copy of source entry @src into @dst, over the link (empty sources are
 * cleared by the device: no transfer). */
static void dma_copy(struct sim *s, struct migrate_vma *a, uint64_t src, struct folio *dst)
{
	if (!(src & MIGRATE_PFN_VALID))
		return;
	const struct folio *from = page_folio(&s->pm, migrate_pfn_to_pfn(src));
	migrate_charge_copy(s, a->cpu, folio_nid(from), folio_nid(dst),
			    folio_nr_pages(dst) * PAGE_SIZE);
}

/*
 * dmirror_migrate_alloc_and_copy(): a destination for every collected
 * entry: a THP for a compound one if it can be had, else one base page per
 * page (migrate_vma_pages() then splits the source). A failed allocation
 * leaves dst 0: that page stays.
 */
static void alloc_and_copy(struct sim *s, struct migrate_vma *a, const struct dst_alloc *how)
{
	/* the copies go as one batch of DMAs: the link's latency once */
	if (a->cpages)
		cpu_charge_kernel(a->cpu, s->m.node[how->dev].link_ns);
	for (uint64_t i = 0; i < a->npages; i++) {
		const uint64_t e = a->src[i];
		if (!(e & MIGRATE_PFN_MIGRATE))
			continue;
		if (e & MIGRATE_PFN_COMPOUND) {
			struct folio *big = dst_alloc(s, a, how, i, PMD_ORDER);
			if (big) {
				a->dst[i] = migrate_pfn(folio_pfn(&s->pm, big)) | MIGRATE_PFN_COMPOUND;
				dma_copy(s, a, e, big);
				continue;
			}
			for (uint64_t j = 0; j < PTRS_PER_PTE; j++) {
				struct folio *f = dst_alloc(s, a, how, i + j, 0);
				if (!f)
					break;
				a->dst[i + j] = migrate_pfn(folio_pfn(&s->pm, f));
				uint64_t sub = (e & MIGRATE_PFN_VALID) ? migrate_pfn(migrate_pfn_to_pfn(e) + j) : 0;
				dma_copy(s, a, sub, f);
			}
			continue;
		}
		struct folio *f = dst_alloc(s, a, how, i, 0);
		if (!f)
			continue;
		a->dst[i] = migrate_pfn(folio_pfn(&s->pm, f));
		dma_copy(s, a, e, f);
	}
}

static uint64_t moved_pages(const struct sim *s)
{
	return s->vs.event[SIM_DEVICE_TO_DEVICE_PAGES] + s->vs.event[SIM_DEVICE_TO_RAM_PAGES] +
	       s->vs.event[SIM_DEVICE_POPULATED_PAGES];
}

/* One migrate_vma pass over [start, end) of @vma. */
static void migrate_range(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
			  struct vm_area_struct *vma, uint64_t start, uint64_t end, uint32_t flags,
			  const struct dst_alloc *how, struct dmirror_result *r)
{
	uint64_t npages = (end - start) >> PAGE_SHIFT;
	struct migrate_vma a = {
		.vma = vma, .mm = mm, .cpu = cpu, .start = start, .end = end,
		.pgmap_owner = how->dev, .flags = flags,
		.src = calloc(npages, sizeof(uint64_t)), .dst = calloc(npages, sizeof(uint64_t)),
	};
	if (!a.src || !a.dst)
		abort();
	if (migrate_vma_setup(s, &a) == 0) {
		r->collected += a.cpages;
		alloc_and_copy(s, &a, how);
		migrate_vma_pages(s, &a);
		uint64_t before = moved_pages(s);
		migrate_vma_finalize(s, &a);
		r->moved += moved_pages(s) - before;
	}
	free(a.src);
	free(a.dst);
}

static int migrate_vmas(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			uint64_t end, uint32_t flags, const struct dst_alloc *how,
			struct dmirror_result *r)
{
	*r = (struct dmirror_result){ 0 };
	if (how->dev >= s->m.nr_nodes || s->m.node[how->dev].kind != MEM_DEVICE ||
	    start >= end || !IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE))
		return -EINVAL;
	struct mm_struct *mm = t->mm;
	for (uint64_t addr = start; addr < end;) {	/* every page must be mapped readable */
		struct vm_area_struct *v = find_vma(mm, addr);
		if (!v || v->vm_start > addr || !(v->vm_flags & VM_READ))
			return -EINVAL;
		/* shared memory is not anonymous: migrate_vma selects none of it */
		if (v->vm_flags & VM_SHARED)
			return -ENOENT;
		addr = v->vm_end;
	}
	for (uint64_t addr = start; addr < end;) {
		struct vm_area_struct *v = find_vma(mm, addr);
		uint64_t next = MIN(end, v->vm_end);
		migrate_range(s, cpu, mm, v, addr, next, flags, how, r);
		addr = next;
	}
	return 0;
}

int dmirror_migrate_to_device(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			      uint64_t end, uint32_t dev, struct dmirror_result *r)
{
	const struct dst_alloc how = { .t = t, .dev = dev, .to_device = true };
	return migrate_vmas(s, cpu, t, start, end,
			    MIGRATE_VMA_SELECT_SYSTEM | MIGRATE_VMA_SELECT_COMPOUND, &how, r);
}

int dmirror_migrate_to_system(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			      uint64_t end, uint32_t dev, struct dmirror_result *r)
{
	const struct dst_alloc how = { .t = t, .dev = dev, .to_device = false };
	return migrate_vmas(s, cpu, t, start, end,
			    MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_COMPOUND, &how, r);
}

/* migrate_to_ram(): the faulting page, or its whole THP, back to system memory. */
static enum fault_result dmirror_devmem_fault(struct vm_fault *vmf)
{
	struct sim *s = vmf->s;
	struct cpu *cpu = vmf->cpu;
	struct task *t = vmf->t;
	struct vm_area_struct *vma = vmf->vma;
	uint64_t addr = vmf->address;
	count_vm_event(&s->vs, SIM_DEVICE_FAULTS);
	struct pmd_slot *slot = pmd_slot_lookup(&t->mm->pgd, addr);
	uint64_t pfn = slot->pmd.val ? pmd_pfn(slot->pmd) : pte_pfn(slot->pt->pte[pte_index(addr)]);
	const struct folio *f = page_folio(&s->pm, pfn);
	/* the faulting page, or the whole THP range if it lies in the VMA */
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE), end = start + PAGE_SIZE;
	if (folio_test_large(f)) {
		uint64_t hstart = ALIGN_DOWN(addr, PAGE_SIZE << folio_order(f));
		start = MAX(hstart, vma->vm_start);
		end = MIN(hstart + (PAGE_SIZE << folio_order(f)), vma->vm_end);
	}
	const struct dst_alloc how = { .t = t, .dev = folio_nid(f), .to_device = false };
	struct dmirror_result r = { 0 };
	migrate_range(s, cpu, t->mm, vma, start, end,
		      MIGRATE_VMA_SELECT_DEVICE_PRIVATE | MIGRATE_VMA_SELECT_COMPOUND, &how, &r);
	/* still there: no system memory could be had for the page */
	slot = pmd_slot_lookup(&t->mm->pgd, addr);
	pte_t now = slot->pmd.val ? (pte_t){ slot->pmd.val } : slot->pt->pte[pte_index(addr)];
	return is_device_private_entry(now) ? FAULT_OOM : FAULT_OK;
}

static const struct dev_pagemap_ops dmirror_devmem_ops = {
	.migrate_to_ram = dmirror_devmem_fault,
};

void dmirror_init(struct sim *s)
{
	for (uint32_t n = 0; n < s->pm.nr_nodes; n++)
		if (s->pm.device_nodes & (1ull << n))	/* dmirror_allocate_chunk() */
			memremap_pages(&s->pm, n, &dmirror_devmem_ops);
}
