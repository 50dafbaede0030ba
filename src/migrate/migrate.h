/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/migrate.h - moving folios between nodes (Linux mm/migrate.c).
 */
#ifndef NUMASIM_MIGRATE_MIGRATE_H
#define NUMASIM_MIGRATE_MIGRATE_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct folio;
struct vm_area_struct;

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* Why a folio moves (Linux enum migrate_reason); changes split and retry rules. */
enum migrate_reason {
	MR_COMPACTION, MR_SYSCALL, MR_MEMPOLICY_MBIND, MR_NUMA_MISPLACED, MR_DEMOTION,
	MR_DEVICE, NR_MIGRATE_REASONS
};

/* Linux NR_MAX_BATCHED_MIGRATION: base pages unmapped before one flush;
 * NR_MAX_MIGRATE_PAGES_RETRY: passes over folios that returned -EAGAIN. */
#define NR_MAX_BATCHED_MIGRATION 512
#define NR_MAX_MIGRATE_PAGES_RETRY 10

struct migrate_pages_stats {
	uint64_t nr_succeeded;		/* base pages moved */
	uint64_t nr_failed_pages;	/* base pages that stayed */
	uint64_t nr_thp_succeeded;	/* PMD-size folios moved whole */
	uint64_t nr_thp_failed;
	uint64_t nr_thp_split;
};

/*
 * migrate_pages - move @nr folios to node @nid, on behalf of @cpu (which pays
 * for it). Each batch of up to NR_MAX_BATCHED_MIGRATION pages is unmapped
 * into migration entries, flushed with one shootdown (none if every entry was
 * protnone), copied and remapped; sources are freed.
 *
 * The rules are:
 *   success:  the folio is replaced everywhere by its copy on @nid; freed.
 *   -EAGAIN:  pinned (folio_maybe_dma_pinned): unmapped, flushed, restored,
 *             retried up to NR_MAX_MIGRATE_PAGES_RETRY passes; then failed.
 *   -ENOMEM:  no destination folio on @nid: it and every folio after it in
 *             the list fail at once, untouched.
 * MR_DEMOTION allocates on the preferred target, then on any lower tier.
 * Counts pgmigrate_success/fail and thp_migration_* and fills @stats.
 * Return the number of folios not migrated.
 *
 * A large folio with no destination is split for MR_SYSCALL and
 * MR_MEMPOLICY_MBIND (try_split_folio): it counts as one failed folio (and a
 * thp_migration_fail and thp_migration_split if PMD-size), its pages are
 * migrated after the list, and the call returns 0 if they and everything
 * else moved.
 *
 * SIMPLIFIED: migration is atomic in simulated time: no other CPU runs while
 * the folios are unmapped, so no access waits on a migration entry. NUMA
 * balancing never splits (its "nosplit", as Linux); demotion does not split
 * either (Linux's does).
 */
int migrate_pages(struct sim *s, struct cpu *cpu, struct folio **folios, uint32_t nr, uint32_t nid,
		  enum migrate_mode mode, enum migrate_reason reason,
		  struct migrate_pages_stats *stats);

/* Free the scratch space migrate_pages keeps in @s (sim_destroy). */
void migrate_scratch_free(struct sim *s);

/* migrate_misplaced_folio_prepare: may @f move to @nid now? 0 or -EAGAIN
 * (the node is short of memory: migrate_balanced_pgdat, which in tiering
 * mode wakes the node's kswapd to demote; or the folio is isolated). */
int migrate_misplaced_folio_prepare(struct sim *s, struct cpu *cpu, struct folio *f, uint32_t nid);
/* migrate_misplaced_folio: move one NUMA-misplaced folio; 0 or -EAGAIN.
 * Counts numa_pages_migrated. */
int migrate_misplaced_folio(struct sim *s, struct cpu *cpu, struct folio *f, uint32_t nid);

#endif
