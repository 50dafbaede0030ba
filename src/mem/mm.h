/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/mm.h - address spaces: VMAs, page-table updates, mmap/munmap/mprotect/
 * madvise/mbind, anonymous rmap (Linux mm/mmap.c, mm/mprotect.c,
 * mm/madvise.c, mm/memory.c zap_*, mm/rmap.c).
 *
 * Invariants (mm_check()):
 *   VMAs are sorted, page-aligned, non-overlapping, inside [0, USER_VA_END);
 *   every present entry lies inside a VMA and maps an allocated folio page;
 *   rss_node[n] == pages mapped by this mm whose frame is on node n
 *   (a PMD mapping counts 512); a folio's mapcounts equal the entries that map
 *   it over every mm (audited by sim_audit()).
 */
#ifndef NUMASIM_MEM_MM_H
#define NUMASIM_MEM_MM_H

#include "core/compiler.h"
#include "mem/mempolicy.h"
#include "mem/mman.h"
#include "mem/pgtable.h"
#include "numa/numa_types.h"

struct sim;
struct cpu;
struct task;

#define VM_READ		(1u << 0)
#define VM_WRITE	(1u << 1)
#define VM_HUGEPAGE	(1u << 2)	/* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE	(1u << 3)	/* MADV_NOHUGEPAGE */
#define VM_HAS_POLICY	(1u << 4)	/* vma->pol set by mbind */
#define VM_SHARED	(1u << 5)	/* MAP_SHARED: no copy-on-write across fork */
#define VM_EXEC		(1u << 6)
#define VM_FILE		(1u << 7)	/* file-backed (vma->vm_file): the program's text, never populated here */

/* mmap() and mremap() flags (Linux uapi values) */
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MREMAP_MAYMOVE	1
#define MREMAP_DONTUNMAP 4

struct vm_area_struct {
	uint64_t vm_start, vm_end;
	uint64_t vm_pgoff;		/* linear page index of vm_start (anon: start >> PAGE_SHIFT at mmap) */
	uint32_t vm_flags;
	uint32_t anon_vma;		/* id in sim->anon_vmas */
	struct mempolicy pol;		/* valid with VM_HAS_POLICY */
	struct vma_numab_state numab;	/* NUMA scanner state */
};

static inline bool vma_is_accessible(const struct vm_area_struct *v)
{
	return (v->vm_flags & (VM_READ | VM_WRITE)) != 0;
}

/* A set of address spaces whose VMAs may map the same anonymous folios. */
struct anon_vma {
	uint32_t *mms;		/* mm ids */
	uint32_t nr_mms, cap;
};

typedef struct { uint64_t bits[MAX_CPUS / 64]; } cpumask_t;

static inline void cpumask_set(cpumask_t *m, uint32_t cpu) { m->bits[cpu / 64] |= 1ull << (cpu % 64); }
static inline void cpumask_clear(cpumask_t *m, uint32_t cpu) { m->bits[cpu / 64] &= ~(1ull << (cpu % 64)); }
static inline bool cpumask_test(const cpumask_t *m, uint32_t cpu) { return (m->bits[cpu / 64] >> (cpu % 64)) & 1; }

struct mm_struct {
	uint32_t id;
	uint32_t nr_threads;		/* live tasks using it */
	struct vm_area_struct *vmas;
	uint32_t nr_vmas, cap_vmas;
	uint64_t mmap_base;		/* next address handed out by mmap */
	uint64_t stack_vm_start;	/* bottom of the main stack; mmap stays below it (0: none) */
	struct pgd pgd;
	cpumask_t cpumask;		/* CPUs that may cache its translations (mm_cpumask) */
	uint64_t tlb_gen;		/* bumped by every flush of it (x86 context.tlb_gen) */
	uint64_t next_trim_cpumask_ns;	/* next flush that trims cpumask; 0: not yet set */
	uint64_t rss_node[MAX_NUMNODES];
	uint64_t region_addr[64];	/* workload region -> start address */
	uint64_t region_len[64];	/* as mapped by WL_MMAP */
	uint32_t nr_regions;
	struct mm_numa numa;		/* NUMA scanner state */
	void *policy_priv;		/* the placement policy's per-mm state (numa/policy.h), or NULL */
};
#define MM_MAX_REGIONS 64

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);

/* ---- page-table updates (every change goes through these) ---- */
void set_pte_at(struct sim *s, struct mm_struct *mm, struct pte_table *pt, uint32_t idx, pte_t pte);
void set_pmd_at(struct sim *s, struct mm_struct *mm, struct pmd_slot *slot, pmd_t pmd);

/* The PTE of @addr, or NULL if no PTE table covers it. */
static inline pte_t *pte_lookup(struct mm_struct *mm, uint64_t addr, struct pte_table **ptp)
{
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
	if (!slot || !slot->pt)
		return NULL;
	*ptp = slot->pt;
	return &slot->pt->pte[pte_index(addr)];
}

/* ---- system calls (the workload's phases) ---- */
/* Return 0 or a negative errno; the caller reports workload errors. */
/* mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | @flags): @flags is
 * MAP_PRIVATE or MAP_SHARED. SIMPLIFIED: shared anonymous memory is anonymous
 * folios that every process sharing the mapping maps writable (no shmem page
 * cache); a child shares them instead of copying on write. */
int sys_mmap(struct sim *s, struct mm_struct *mm, uint64_t len, uint32_t flags, uint64_t *addr);
/* sys_mmap() at an address that is a multiple of @align (a power of two, at
 * least a page; 0: no constraint): as a program gets one by mapping
 * @len + @align and unmapping the head and tail around the aligned part. */
int sys_mmap_align(struct sim *s, struct mm_struct *mm, uint64_t len, uint32_t flags,
		   uint64_t align, uint64_t *addr);
/* A mapping of [@addr, @addr + @len) with @vm_flags where nothing is mapped
 * yet (MAP_FIXED_NOREPLACE): 0, -EINVAL, or -EEXIST if it would overlap. A
 * VM_FILE mapping gets no anon_vma. */
int mmap_region(struct sim *s, struct mm_struct *mm, uint64_t addr, uint64_t len, uint32_t vm_flags);
/*
 * mremap(@old_addr, @old_len, @new_len, @flags, ...) (Linux mm/mremap.c): the
 * range must be one VMA or part of one. Shrinking unmaps the tail in place;
 * with MREMAP_MAYMOVE the mapping moves to a new address (page tables
 * moved: whole PMD entries, device-private ones included, where both ends
 * are PMD-aligned, else PTE by PTE), and with MREMAP_DONTUNMAP (same length)
 * the old range stays mapped, empty. The new address is in *@new_addr.
 * Return 0, -EINVAL for bad flags or alignment, -EFAULT if the range is not
 * mapped by one VMA, -ENOMEM if it would have to grow in place.
 */
int sys_mremap(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t old_addr,
	       uint64_t old_len, uint64_t new_len, uint32_t flags, uint64_t *new_addr);
int sys_munmap(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len);
int sys_mprotect(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
		 uint32_t prot_flags /* VM_READ|VM_WRITE */);
int sys_madvise(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
		enum mm_madv advice);
int sys_mbind(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t addr, uint64_t len,
	      const struct mempolicy *pol);

/* Split the PMD mapping at @slot into 512 PTEs (Linux __split_huge_pmd). */
void split_huge_pmd(struct sim *s, struct cpu *cpu, struct mm_struct *mm, struct pmd_slot *slot,
		    uint64_t haddr);

/*
 * split_folio - split the large anonymous folio @f (system or device memory)
 * into order-0 folios (Linux split_folio()): its PMD mappings are split
 * first, on behalf of @cpu; each page keeps its own mappings; pages no longer
 * mapped are freed. Return 0, or -EAGAIN when references other than its
 * mappings hold it (pinned, isolated).
 */
int split_folio(struct sim *s, struct cpu *cpu, struct folio *f);
/* __split_huge_page(): split_folio() for a folio no PMD maps; its PTE-level
 * mappings (migration entries too) stay as they are, page by page. */
int split_folio_ptes(struct sim *s, struct folio *f);

/* folio_add_new_anon_rmap() (mm/rmap.c): @f becomes a new exclusive
 * anonymous folio of @vma at @haddr (rmap identity, per-size count). */
void folio_add_new_anon_rmap(struct sim *s, struct folio *f, const struct vm_area_struct *vma,
			     uint64_t haddr);
/* Remove one PTE mapping of page @pfn (mapcounts only); return its folio. */
struct folio *folio_remove_pte_map(struct sim *s, uint64_t pfn);
/* After PTE mappings went: a large folio still mapped in part is queued for
 * a deferred split (counted once per folio). */
void folio_note_partially_mapped(struct sim *s, struct folio *f);

/* Drop one mapping reference of a folio; free it when no reference is left. */
void folio_put_refs(struct sim *s, struct folio *f, int32_t refs);

/*
 * rmap_walk - call @fn for every page-table entry, in every mm of the folio's
 * anon_vma, that maps part of @f (Linux rmap_walk_anon). @fn returns false to
 * stop. Entries are reported as (mm, address, pte pointer or PMD slot).
 */
typedef bool (*rmap_fn)(struct sim *s, struct mm_struct *mm, uint64_t addr, pte_t *pte,
			struct pmd_slot *pmd, void *arg);
void rmap_walk(struct sim *s, struct folio *f, rmap_fn fn, void *arg);

struct mm_struct *mm_create(struct sim *s);
void mm_destroy(struct sim *s, struct mm_struct *mm);
void mm_check(struct sim *s, struct mm_struct *mm);

#endif
