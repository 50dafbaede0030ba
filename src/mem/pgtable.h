/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/pgtable.h - four-level page tables with PMD leaves for 2 MiB THPs
 * (Linux arch/x86/include/asm/pgtable*.h helpers, mm/pgtable-generic.c).
 *
 * Entries are single-field structs, so a pte_t cannot be mixed up with a
 * pmd_t or a raw integer. Entry encoding (both levels):
 *   bit 0 _PAGE_PRESENT   hardware-valid
 *   bit 1 _PAGE_RW        writable
 *   bit 2 _PAGE_DIRTY
 *   bit 3 _PAGE_ACCESSED  (young)
 *   bit 4 _PAGE_PROTNONE  present to the kernel but not to the hardware
 *                         (NUMA hinting entry); _PAGE_PRESENT is then clear
 *   bit 5 _PAGE_SPECIAL   maps the (huge) zero page
 *   bit 6 _PAGE_MIGRATION a migration entry: not present, keeps the source
 *                         frame and the RW/DIRTY/ACCESSED bits it replaced
 *   bit 7 _PAGE_DEVICE    a device-private entry (Linux's device-private swap
 *                         entry): not present, maps a frame of device memory;
 *                         _PAGE_RW makes it a writable one. A CPU access
 *                         faults and migrates the page back (migrate_to_ram).
 *   bits 8-11             node of the frame (software bits, kept by
 *                         set_pte_at()/set_pmd_at(), so a walk never needs
 *                         to read the folio to know where the page lives)
 *   bits 12.. pfn
 * SIMPLIFIED: no swap entries.
 *
 * The simulated page-table pages live in host memory from pools; they do not
 * take simulated physical memory (SIMPLIFIED).
 *
 * Summary invariants of a PTE table (pte_table_check()):
 *   nr_mapped   == entries with pte_present() (protnone included);
 *   nr_protnone == entries with pte_protnone();
 *   nr_valid    == entries the hardware can use (present, not protnone);
 *   nr_wd       == valid entries that are writable and dirty;
 *   nr_young    == valid entries with the accessed bit;
 *   nr_device   == device-private entries (not mapped: not in nr_node);
 *   nr_node[n]  == mapped entries whose frame is on node n.
 * The sweep fast path trusts these counts; every change goes through
 * set_pte_at(), which keeps them exact.
 */
#ifndef NUMASIM_MEM_PGTABLE_H
#define NUMASIM_MEM_PGTABLE_H

#include "core/compiler.h"
#include "core/hostmem.h"
#include "machine/machine.h"
#include "mem/folio.h"

#define _PAGE_PRESENT  (1ull << 0)
#define _PAGE_RW       (1ull << 1)
#define _PAGE_DIRTY    (1ull << 2)
#define _PAGE_ACCESSED (1ull << 3)
#define _PAGE_PROTNONE (1ull << 4)
#define _PAGE_SPECIAL  (1ull << 5)
#define _PAGE_MIGRATION (1ull << 6)
#define _PAGE_DEVICE   (1ull << 7)
#define _PAGE_NID_SHIFT 8
#define _PAGE_NID_MASK (0xfull << _PAGE_NID_SHIFT)
#define _PAGE_FLAGS_MASK ((1ull << PAGE_SHIFT) - 1)
_Static_assert(MAX_NUMNODES <= 16, "the node must fit the PTE's software bits");

#define PTRS_PER_TABLE 512
#define PUD_SHIFT 30
#define PGDIR_SHIFT 39
#define PUD_SIZE (1ull << PUD_SHIFT)
#define USER_VA_END (1ull << 44)	/* keeps linear page indices below 2^32 */

typedef struct { uint64_t val; } pte_t;
typedef struct { uint64_t val; } pmd_t;

/* ---- pure entry helpers (property-tested in tests/unit/test_pgtable.c) ---- */

static inline pte_t pfn_pte(uint64_t pfn, uint64_t flags)
{
	return (pte_t){ (pfn << PAGE_SHIFT) | flags };
}
static inline uint64_t pte_pfn(pte_t p) { return p.val >> PAGE_SHIFT; }
static inline bool pte_none(pte_t p) { return p.val == 0; }
static inline bool pte_present(pte_t p) { return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE)) != 0; }
static inline bool pte_protnone(pte_t p) { return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE; }
/* Usable by the hardware walker. */
static inline bool pte_valid(pte_t p) { return (p.val & _PAGE_PRESENT) != 0; }
static inline bool pte_write(pte_t p) { return (p.val & _PAGE_RW) != 0; }
static inline bool pte_dirty(pte_t p) { return (p.val & _PAGE_DIRTY) != 0; }
static inline bool pte_young(pte_t p) { return (p.val & _PAGE_ACCESSED) != 0; }
static inline bool pte_special(pte_t p) { return (p.val & _PAGE_SPECIAL) != 0; }
static inline uint32_t pte_nid(pte_t p) { return (uint32_t)((p.val & _PAGE_NID_MASK) >> _PAGE_NID_SHIFT); }
static inline pte_t pte_set_nid(pte_t p, uint32_t nid)
{
	return (pte_t){ (p.val & ~_PAGE_NID_MASK) | ((uint64_t)nid << _PAGE_NID_SHIFT) };
}
static inline pte_t pte_mkwrite(pte_t p) { return (pte_t){ p.val | _PAGE_RW }; }
static inline pte_t pte_wrprotect(pte_t p) { return (pte_t){ p.val & ~_PAGE_RW }; }
static inline pte_t pte_mkdirty(pte_t p) { return (pte_t){ p.val | _PAGE_DIRTY }; }
static inline pte_t pte_mkclean(pte_t p) { return (pte_t){ p.val & ~_PAGE_DIRTY }; }
static inline pte_t pte_mkyoung(pte_t p) { return (pte_t){ p.val | _PAGE_ACCESSED }; }
static inline pte_t pte_mkold(pte_t p) { return (pte_t){ p.val & ~_PAGE_ACCESSED }; }
/* PAGE_NONE for NUMA hinting: keep the frame and the other bits. */
static inline pte_t pte_mkprotnone(pte_t p)
{
	return (pte_t){ (p.val & ~_PAGE_PRESENT) | _PAGE_PROTNONE };
}
/* A migration entry in place of @p (make_{writable,readable}_migration_entry). */
static inline pte_t pte_mkmigration(pte_t p)
{
	return (pte_t){ (p.val & ~(_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_SPECIAL | _PAGE_DEVICE)) |
			_PAGE_MIGRATION };
}
static inline bool is_migration_entry(pte_t p) { return (p.val & _PAGE_MIGRATION) != 0; }
/* make_{writable,readable}_device_private_entry(): device frame @pfn. */
static inline pte_t pte_mkdevice(uint64_t pfn, bool writable)
{
	return pfn_pte(pfn, _PAGE_DEVICE | (writable ? _PAGE_RW : 0));
}
static inline bool is_device_private_entry(pte_t p) { return (p.val & _PAGE_DEVICE) != 0; }
/* Maps a page, present or not (Linux: present, or a device-private entry). */
static inline bool pte_maps_page(pte_t p)
{
	return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_DEVICE)) != 0;
}
static inline pte_t pte_mkpresent(pte_t p)
{
	return (pte_t){ (p.val & ~(_PAGE_PROTNONE | _PAGE_MIGRATION)) | _PAGE_PRESENT };
}

static inline pmd_t pfn_pmd(uint64_t pfn, uint64_t flags) { return (pmd_t){ (pfn << PAGE_SHIFT) | flags }; }
static inline uint64_t pmd_pfn(pmd_t p) { return p.val >> PAGE_SHIFT; }
static inline bool pmd_present(pmd_t p) { return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE)) != 0; }
static inline bool pmd_protnone(pmd_t p) { return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE; }
static inline bool pmd_valid(pmd_t p) { return (p.val & _PAGE_PRESENT) != 0; }
static inline bool pmd_write(pmd_t p) { return (p.val & _PAGE_RW) != 0; }
static inline bool pmd_dirty(pmd_t p) { return (p.val & _PAGE_DIRTY) != 0; }
static inline bool pmd_special(pmd_t p) { return (p.val & _PAGE_SPECIAL) != 0; }
static inline uint32_t pmd_nid(pmd_t p) { return (uint32_t)((p.val & _PAGE_NID_MASK) >> _PAGE_NID_SHIFT); }
static inline bool is_pmd_device_private_entry(pmd_t p) { return (p.val & _PAGE_DEVICE) != 0; }
static inline bool pmd_maps_page(pmd_t p)
{
	return (p.val & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_DEVICE)) != 0;
}

/* ---- tables ---- */

struct pte_table {
	pte_t pte[PTRS_PER_TABLE];
	/* summary, see the invariants above; read by the sweep fast path */
	uint16_t nr_mapped;
	uint16_t nr_protnone;
	uint16_t nr_valid;
	uint16_t nr_wd;
	uint16_t nr_young;
	uint16_t nr_device;
	uint16_t nr_node[MAX_NUMNODES];
	struct pte_table *free_next;	/* pool link while free */
};

/*
 * A PMD slot: none, a leaf (pmd.val != 0, a 2 MiB mapping), or a pointer to
 * a PTE table (pt != NULL, pmd.val == 0).
 */
struct pmd_slot {
	pmd_t pmd;
	struct pte_table *pt;
};

struct pmd_table {
	struct pmd_slot slot[PTRS_PER_TABLE];
	uint32_t nr_used;
};

struct pud_table {
	struct pmd_table *pmd[PTRS_PER_TABLE];
	uint32_t nr_used;
};

struct pgd {
	struct pud_table *pud[PTRS_PER_TABLE];
};

static inline uint32_t pgd_index(uint64_t a) { return (uint32_t)((a >> PGDIR_SHIFT) & 511); }
static inline uint32_t pud_index(uint64_t a) { return (uint32_t)((a >> PUD_SHIFT) & 511); }
static inline uint32_t pmd_index(uint64_t a) { return (uint32_t)((a >> PMD_SHIFT) & 511); }
static inline uint32_t pte_index(uint64_t a) { return (uint32_t)((a >> PAGE_SHIFT) & 511); }

/* Pools of page-table pages: no allocation once a table has been freed once.
 * PTE tables are carved from 2 MiB chunks the host may back with huge
 * pages (pgtable.c), so that a walk over many tables misses the host's TLB
 * less; each is still charged as the malloc chunk it used to be. */
struct pgtable_pool {
	struct pte_table *free_pte;
	char *chunk;			/* the chunk PTE tables are carved from */
	size_t chunk_left;		/* bytes of it not carved yet */
	void *chunks;			/* every chunk, linked through its first word */
	uint64_t nr_pte_tables;		/* in use */
	uint64_t nr_pmd_tables, nr_pud_tables;
	uint64_t host_bytes;		/* allocated from the host, for the memory report */
	struct host_mem *acct;		/* charged with each table's malloc chunk, or NULL */
};

struct pte_table *pte_table_alloc(struct pgtable_pool *pool);
void pte_table_free(struct pgtable_pool *pool, struct pte_table *pt);
void pgtable_pool_destroy(struct pgtable_pool *pool);

/* The PMD slot for @addr, or NULL when no PMD table covers it. */
static inline struct pmd_slot *pmd_slot_lookup(const struct pgd *pgd, uint64_t addr)
{
	const struct pud_table *pud = pgd->pud[pgd_index(addr)];
	if (!pud)
		return NULL;
	struct pmd_table *pmdt = pud->pmd[pud_index(addr)];
	return pmdt ? &pmdt->slot[pmd_index(addr)] : NULL;
}

/* The PMD slot for @addr, creating the PUD and PMD tables on the way. */
struct pmd_slot *pmd_slot_alloc(struct pgtable_pool *pool, struct pgd *pgd, uint64_t addr);
/* Free every table of @pgd (all entries must already be zapped). */
void pgd_free_tables(struct pgtable_pool *pool, struct pgd *pgd);

/*
 * Summary bookkeeping for one PTE change: subtract @old's contribution and add
 * @new's. @old_nid/@new_nid are the nodes of the frames (ignored when not
 * mapped). Callers go through set_pte_at() in mm.c, which knows the nodes.
 */
static inline void pte_table_account(struct pte_table *pt, pte_t p, uint32_t nid, int sign)
{
	int16_t d = (int16_t)sign;
	if (is_device_private_entry(p))
		pt->nr_device = (uint16_t)(pt->nr_device + d);
	if (!pte_present(p))
		return;
	pt->nr_mapped = (uint16_t)(pt->nr_mapped + d);
	pt->nr_node[nid] = (uint16_t)(pt->nr_node[nid] + d);
	if (pte_protnone(p)) {
		pt->nr_protnone = (uint16_t)(pt->nr_protnone + d);
		return;
	}
	pt->nr_valid = (uint16_t)(pt->nr_valid + d);
	if (pte_write(p) && pte_dirty(p))
		pt->nr_wd = (uint16_t)(pt->nr_wd + d);
	if (pte_young(p))
		pt->nr_young = (uint16_t)(pt->nr_young + d);
}

/* Validator: recompute the summary of @pt (@nid_of maps a pfn to its node). */
void pte_table_check(const struct pte_table *pt, const void *ctx,
		     uint32_t (*nid_of)(const void *ctx, uint64_t pfn));

#endif
