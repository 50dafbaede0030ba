/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/migrate_device.h - migrating a range of an address space to and
 * from device-private memory: Linux's migrate_vma API (include/linux/
 * migrate.h, mm/migrate_device.c), with THP (compound) entries as in Balbir
 * Singh's series.
 *
 * A caller (a device driver, device/dmirror.c) runs:
 *   migrate_vma_setup()    collect one src entry per page of [start, end),
 *                          then unmap every selected page into migration
 *                          entries, with one shootdown;
 *   its own step           for each src with MIGRATE_PFN_MIGRATE, allocate a
 *                          destination and copy: dst = migrate_pfn(pfn), with
 *                          MIGRATE_PFN_COMPOUND for a whole THP; 0 skips it;
 *   migrate_vma_pages()    split compound sources whose destination is not
 *                          compound (their PMD migration entries become PTE
 *                          ones); drop what the driver skipped;
 *   migrate_vma_finalize() map the destinations (device-private entries for
 *                          device memory), insert populated holes, restore
 *                          what did not move, free what moved.
 *
 * src entries: 0 (not migrating), MIGRATE_PFN_MIGRATE alone (nothing mapped:
 * a hole or the zero page; the driver may populate it), or a page:
 * migrate_pfn(pfn) | MIGRATE | WRITE if writable. A COMPOUND entry stands for
 * the 512 entries of a whole PMD-aligned THP (or hole) and the other 511 are
 * 0.
 *
 * SIMPLIFIED: the three steps run in one go in simulated time: no CPU runs
 * in between, so no access waits on a migration entry.
 */
#ifndef NUMASIM_MIGRATE_MIGRATE_DEVICE_H
#define NUMASIM_MIGRATE_MIGRATE_DEVICE_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct mm_struct;
struct vm_area_struct;
struct migrate_site;

#define MIGRATE_PFN_VALID (1ull << 0)
#define MIGRATE_PFN_MIGRATE (1ull << 1)
#define MIGRATE_PFN_WRITE (1ull << 3)
#define MIGRATE_PFN_COMPOUND (1ull << 4)
#define MIGRATE_PFN_SHIFT 6

enum migrate_vma_select {
	MIGRATE_VMA_SELECT_SYSTEM = 1 << 0,
	MIGRATE_VMA_SELECT_DEVICE_PRIVATE = 1 << 1,
	MIGRATE_VMA_SELECT_COMPOUND = 1 << 3,
};

static inline uint64_t migrate_pfn(uint64_t pfn)
{
	return (pfn << MIGRATE_PFN_SHIFT) | MIGRATE_PFN_VALID;
}

static inline uint64_t migrate_pfn_to_pfn(uint64_t mpfn)
{
	return mpfn >> MIGRATE_PFN_SHIFT;
}

struct migrate_vma {
	struct vm_area_struct *vma;
	struct mm_struct *mm;		/* the address space of @vma */
	struct cpu *cpu;		/* the CPU that does it and pays */
	uint64_t *src, *dst;		/* npages entries each, the caller's */
	uint64_t npages;		/* (end - start) / PAGE_SIZE */
	uint64_t cpages;		/* pages collected (compound: 512) */
	uint64_t start, end;
	uint32_t pgmap_owner;		/* device node whose private pages are selected */
	uint32_t flags;			/* MIGRATE_VMA_SELECT_* */
	/* private to migrate_device.c, between migrate_vma_pages() and
	 * migrate_vma_finalize(): the unmapped entries and whose they are */
	struct migrate_site *sites;
	uint32_t *site_src;		/* index into src of each site */
	uint32_t nr_sites, cap_sites;
};

/*
 * migrate_vma_setup - collect [start, end) of @args->vma. Selected pages get
 * MIGRATE: system pages of anonymous folios (SELECT_SYSTEM), device-private
 * pages of @pgmap_owner (SELECT_DEVICE_PRIVATE); holes and the zero page
 * when SELECT_SYSTEM, as empty entries. With SELECT_COMPOUND, a THP (or an
 * unpopulated THP-eligible PMD range) the range covers whole is one compound
 * entry; otherwise a THP in the range is split. Pinned folios are skipped.
 * Return 0, or -EINVAL for a range that is not page aligned, empty, or not
 * inside the VMA.
 */
int migrate_vma_setup(struct sim *s, struct migrate_vma *args);
void migrate_vma_pages(struct sim *s, struct migrate_vma *args);
void migrate_vma_finalize(struct sim *s, struct migrate_vma *args);

#endif
