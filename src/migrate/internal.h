/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/internal.h - the pieces migrate_pages() (migrate.c) and the
 * device migration API (migrate_device.c) share: unmapping a folio's
 * mappings into migration entries and mapping the copy in their place.
 */
#ifndef NUMASIM_MIGRATE_INTERNAL_H
#define NUMASIM_MIGRATE_INTERNAL_H

#include "mem/mm.h"

struct sim;
struct cpu;
struct folio;

/* One page-table entry that maps a folio being migrated. */
struct migrate_site {
	struct mm_struct *mm;
	uint64_t addr;
	struct pmd_slot *slot;
	bool pmd;		/* a PMD mapping, else a PTE */
	uint64_t old;		/* the entry before it became a migration entry */
};

/* try_to_migrate_one()'s change to one mapping (@pmd, else @pte, at @addr
 * of @mm): it becomes a migration entry; @site records what it was. */
void migrate_site_unmap(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			struct pmd_slot *pmd, struct migrate_site *site);

/*
 * remove_migration_pte(): point one mapping at @dst_pfn, the new head (the
 * source head was @src_pfn; @src_pfn == @dst_pfn restores the source). A
 * device-memory destination gets a device-private entry with the old write
 * bit. A system-memory destination gets a present entry: the write bit from
 * the entry; the accessed and dirty bits only if migration entries carry them
 * (migration_entry_supports_ad()) or on a restore; a page back from a device
 * comes back dirty if it was writable there.
 */
void remove_migration_pte(struct sim *s, const struct migrate_site *site, uint64_t src_pfn,
			  uint64_t dst_pfn);

/*
 * folio_migrate_flags() and the rmap bookkeeping of remove_migration_ptes():
 * the copy takes over the source's identity, content version, NUMA history
 * and every mapping count; the source is left with none.
 */
void folio_migrate_meta(struct sim *s, struct folio *src, struct folio *dst);

/* A destination folio the migration did not use goes back, its allocation
 * reference dropped. */
void migrate_free_unused_dst(struct sim *s, struct folio *dst);

/* The copy of @bytes from @src_nid to @dst_nid, paid by @cpu: a fixed cost
 * per folio plus the bytes at the copy bandwidth, or at the device link's
 * bandwidth when one side is device memory (the link's latency is paid once
 * per batch of copies, by the driver); the traffic counts against both nodes'
 * bandwidth. */
void migrate_charge_copy(struct sim *s, struct cpu *cpu, uint32_t src_nid, uint32_t dst_nid,
			 uint64_t bytes);

#endif
