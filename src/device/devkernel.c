// SPDX-License-Identifier: GPL-2.0-only
/*
 * device/devkernel.c - a device kernel: the device's threads sweep a range
 * of a process's memory, its own pages at its memory's bandwidth, system
 * memory over the link (as a GPU reads host memory through HMM mirroring or
 * pinned mappings).
 * SIMPLIFIED: a kernel's time is computed when it starts, from the share of
 * device threads it uses (bandwidth scales with it) and the bytes it moves;
 * the device runs one kernel at a time, the next starting when the previous
 * ended (bandwidth-bound kernels sharing the device finish no sooner); an
 * unpopulated or zero page reads as zeros over the link without being
 * allocated; a written page's content changes once per kernel.
 */
#include "device/devkernel.h"
#include "sim.h"

/* Bytes of [start, end) of @mm on device node @dev, and elsewhere; every
 * folio written gets a new content version. */
static void kernel_pages(struct sim *s, struct mm_struct *mm, uint32_t dev, uint64_t start,
			 uint64_t end, bool write, uint64_t *local, uint64_t *remote,
			 uint64_t remote_node[MAX_NUMNODES])
{
	for (uint64_t addr = start; addr < end;) {
		uint64_t next = MIN(ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
		pte_t whole = { slot && slot->pmd.val ? slot->pmd.val : 0 };
		for (uint64_t a = addr; a < next; a += PAGE_SIZE) {
			pte_t p = whole.val ? whole : slot && slot->pt ? slot->pt->pte[pte_index(a)]
							       : (pte_t){ 0 };
			if (!pte_maps_page(p) || pte_special(p)) {
				*remote += PAGE_SIZE;	/* zeros */
				continue;
			}
			uint64_t pfn = pte_pfn(p) + (whole.val ? pte_index(a) : 0);
			struct folio *f = page_folio(&s->pm, pfn);
			if (write && (a == addr || !whole.val))
				f->version++;
			if (folio_nid(f) == dev) {
				*local += PAGE_SIZE;
			} else {
				*remote += PAGE_SIZE;
				remote_node[folio_nid(f)] += PAGE_SIZE;
			}
		}
		addr = next;
	}
}

uint64_t device_kernel(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
		       const struct wl_phase *ph, uint64_t start)
{
	const uint32_t dev = ph->target;
	const struct machine_node *d = &s->m.node[dev];
	const uint32_t threads = ph->arg && ph->arg < d->threads ? ph->arg : d->threads;
	const double share = (double)threads / d->threads;
	uint64_t local = 0, remote = 0, remote_node[MAX_NUMNODES] = { 0 };
	kernel_pages(s, mm, dev, start, start + ph->len, ph->access != WL_READ, &local, &remote,
		     remote_node);
	const double mult = (double)ph->count * (ph->access == WL_RW ? 2 : 1);
	double ns = d->link_ns + mult * ((double)local / (d->bw_gbps * share) +
					 (double)remote / (d->link_gbps * share));
	uint64_t begin = MAX(cpu->now, s->device_busy_until[dev]);
	uint64_t end = begin + (uint64_t)ns;
	s->device_busy_until[dev] = end;
	mem_account(s, cpu, dev, (uint64_t)(mult * (double)local), ns);
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (remote_node[n])
			mem_account(s, cpu, n, (uint64_t)(mult * (double)remote_node[n]), ns);
	count_vm_event(&s->vs, SIM_DEVICE_KERNELS);
	count_vm_events(&s->vs, SIM_DEVICE_KERNEL_LOCAL_BYTES, (uint64_t)(mult * (double)local));
	count_vm_events(&s->vs, SIM_DEVICE_KERNEL_LINK_BYTES, (uint64_t)(mult * (double)remote));
	return end;
}
