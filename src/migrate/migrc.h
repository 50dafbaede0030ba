/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/migrc.h - deferred TLB flushes at migration: migrc ("Migration
 * Read Copy") and its successor LUF ("Lazy Unmap Flush"), Byungchul Park's
 * series (2023-2025, not merged; reference §3, docs/migrc.md).
 *
 * Migrating a folio whose every present mapping is read-only and clean needs
 * no shootdown as long as the source frame is not reused: a stale
 * translation reads the same data. So migrate_pages() records the flush the
 * batch needed (the CPUs that may cache the address spaces, and a
 * generation) instead of sending it, and keeps the sources, marked
 * PG_pending_free. A request is settled when each of its CPUs has fully
 * flushed those address spaces since its generation (an ordinary flush,
 * a switch_mm flush, an ASID reuse), or by a forced flush:
 *   migrc (numasim.migrc=1): a write fault or hint fault that makes a
 *     folio whose source is pending writable; an mprotect that makes a
 *     mapping writable; the allocation slow path (memory pressure), which
 *     also stops new deferrals while it runs;
 *   LUF (numasim.migrc=luf): any fault in a writable VMA or any write fault;
 *     the end of every mprotect and munmap; a context switch into an address
 *     space with a pending flush (a local flush); the allocator, before it
 *     would hand out pending pages; memory pressure as above.
 * Settled sources go back to the buddy allocator. Until then they count as
 * free in the watermark checks (migrc_pending_nr).
 *
 * Generations are 32-bit, skip 0 and compare by signed difference, so they
 * survive wraparound (LUF's ugen_before()).
 *
 * Both register a struct tlb_defer_ops (cpu/tlb_defer.h) at sim_create;
 * nothing outside migrc.c names their functions.
 *
 * Invariants (migrc_check()):
 *   every pending source has PG_head and PG_pending_free, refcount 0, no
 *   mapping, and is on exactly one request's list;
 *   pm.node[n].nr_pending == pages of pending sources on node n;
 *   a CPU has TLB_STALE_DEFERRED only while requests are pending, and every
 *   CPU of a pending request's mask has it.
 */
#ifndef NUMASIM_MIGRATE_MIGRC_H
#define NUMASIM_MIGRATE_MIGRC_H

#include "core/compiler.h"
#include "mem/mm.h"
#include "migrate/migrate.h"

struct sim;
struct cpu;
struct folio;
struct tlb_ctx;
struct vm_area_struct;

#define MIGRC_REQ_MMS 8		/* address spaces one request can name */

/* One deferred flush: what a migration batch would have sent. */
struct migrc_req {
	cpumask_t mask;		/* CPUs that may still cache stale translations */
	uint32_t gen;		/* generation taken when it was deferred */
	uint32_t mm_ids[MIGRC_REQ_MMS];
	uint32_t nr_mms;
	uint32_t head;		/* first pending source pfn, linked by folio->index */
	uint64_t nr_pages;
	bool settled;		/* flushed: its sources are about to be freed */
};

struct migrc_state {
	struct migrc_req *req;	/* oldest first */
	uint32_t nr, cap;
	uint32_t gen;		/* the next request's generation; never 0 */
	uint32_t paused;	/* migrc_pause_cnt: the allocation slow path runs */
	bool flushed;		/* a CPU fully flushed since the last migrc_retire() */
	uint64_t pending_pages, peak_pending_pages;
};

/* The first generation (LUF_UGEN_INIT). */
#define MIGRC_GEN_INIT 2u

/* Is generation @a later than @b? Correct across wraparound while the two are
 * less than 2^31 apart. */
static inline bool migrc_gen_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline uint32_t migrc_gen_next(uint32_t g)
{
	return g + 1 ? g + 1 : 1;	/* 0 is never a generation */
}

/*
 * migrc_init - set up the deferred-flush state and register the scheme
 * numasim.migrc selects as s->tlb_defer (cpu/tlb_defer.h): migrc's table,
 * LUF's (which also installs the allocator's flush_pending hook), or NULL
 * when it is 0. Everything else is reached through that table.
 */
void migrc_init(struct sim *s);

#endif
