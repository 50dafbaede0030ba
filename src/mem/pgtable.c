// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/pgtable.c - page-table pages: pools and the upper levels.
 * Models: linux pte_alloc / pmd_alloc / free_pgtables, without locks.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/debug.h"
#include "mem/pgtable.h"

static void *xcalloc_table(struct pgtable_pool *pool, size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		abort();	/* host out of memory: nothing sensible to do */
	pool->host_bytes += size;
	host_mem_charge(pool->acct, host_malloc_bytes(size));
	return p;
}

static void free_table(struct pgtable_pool *pool, void *p, size_t size)
{
	free(p);
	host_mem_uncharge(pool->acct, host_malloc_bytes(size));
}

#define PT_CHUNK_BYTES (2ull << 20)	/* a host huge page */
#define PT_CHUNK_HEAD 64		/* the link to the next chunk */
#define PT_STRIDE ALIGN_UP(sizeof(struct pte_table), 64)

/* A 2 MiB-aligned chunk of zeroes, advised to be backed by a huge page
 * (MADV_HUGEPAGE: the host's THP in madvise mode does so; elsewhere the
 * advice changes nothing). */
static void *chunk_map(void)
{
	char *p = mmap(NULL, 2 * PT_CHUNK_BYTES, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		abort();	/* host out of memory: nothing sensible to do */
	char *c = (char *)ALIGN_UP((uintptr_t)p, PT_CHUNK_BYTES);
	if (c > p)
		munmap(p, (size_t)(c - p));
	munmap(c + PT_CHUNK_BYTES, (size_t)(p + PT_CHUNK_BYTES - c));
	madvise(c, PT_CHUNK_BYTES, MADV_HUGEPAGE);
	return c;
}

/* A new zeroed PTE table, charged as a calloc of its size would be. */
static struct pte_table *pte_table_carve(struct pgtable_pool *pool)
{
	if (pool->chunk_left < PT_STRIDE) {
		char *c = chunk_map();
		*(void **)c = pool->chunks;
		pool->chunks = c;
		pool->chunk = c + PT_CHUNK_HEAD;
		pool->chunk_left = PT_CHUNK_BYTES - PT_CHUNK_HEAD;
	}
	struct pte_table *pt = (struct pte_table *)pool->chunk;
	pool->chunk += PT_STRIDE;
	pool->chunk_left -= PT_STRIDE;
	pool->host_bytes += sizeof(*pt);
	host_mem_charge(pool->acct, host_malloc_bytes(sizeof(*pt)));
	return pt;
}

struct pte_table *pte_table_alloc(struct pgtable_pool *pool)
{
	struct pte_table *pt = pool->free_pte;
	if (pt) {
		pool->free_pte = pt->free_next;
		memset(pt, 0, sizeof(*pt));
	} else {
		pt = pte_table_carve(pool);
	}
	pool->nr_pte_tables++;
	return pt;
}

void pte_table_free(struct pgtable_pool *pool, struct pte_table *pt)
{
	VM_BUG_ON(pt->nr_mapped != 0);
	pt->free_next = pool->free_pte;
	pool->free_pte = pt;
	pool->nr_pte_tables--;
}

struct pmd_slot *pmd_slot_alloc(struct pgtable_pool *pool, struct pgd *pgd, uint64_t addr)
{
	struct pud_table **pudp = &pgd->pud[pgd_index(addr)];
	if (!*pudp) {
		*pudp = xcalloc_table(pool, sizeof(**pudp));
		pool->nr_pud_tables++;
	}
	struct pmd_table **pmdp = &(*pudp)->pmd[pud_index(addr)];
	if (!*pmdp) {
		*pmdp = xcalloc_table(pool, sizeof(**pmdp));
		(*pudp)->nr_used++;
		pool->nr_pmd_tables++;
	}
	return &(*pmdp)->slot[pmd_index(addr)];
}

void pgd_free_tables(struct pgtable_pool *pool, struct pgd *pgd)
{
	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		struct pud_table *pud = pgd->pud[i];
		if (!pud)
			continue;
		for (int j = 0; j < PTRS_PER_TABLE; j++) {
			struct pmd_table *pmdt = pud->pmd[j];
			if (!pmdt)
				continue;
			for (int k = 0; k < PTRS_PER_TABLE; k++) {
				VM_BUG_ON(pmdt->slot[k].pmd.val != 0);
				if (pmdt->slot[k].pt)
					pte_table_free(pool, pmdt->slot[k].pt);
			}
			free_table(pool, pmdt, sizeof(*pmdt));
			pool->nr_pmd_tables--;
		}
		free_table(pool, pud, sizeof(*pud));
		pool->nr_pud_tables--;
		pgd->pud[i] = NULL;
	}
}

void pgtable_pool_destroy(struct pgtable_pool *pool)
{
	while (pool->free_pte) {
		struct pte_table *pt = pool->free_pte;
		pool->free_pte = pt->free_next;
		host_mem_uncharge(pool->acct, host_malloc_bytes(sizeof(*pt)));
	}
	while (pool->chunks) {
		void *c = pool->chunks;
		pool->chunks = *(void **)c;
		munmap(c, PT_CHUNK_BYTES);
	}
	pool->chunk = NULL;
	pool->chunk_left = 0;
}

void pte_table_check(const struct pte_table *pt, const void *ctx,
		     uint32_t (*nid_of)(const void *ctx, uint64_t pfn))
{
	struct pte_table sum;
	memset(&sum, 0, sizeof(sum));
	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		pte_t p = pt->pte[i];
		pte_table_account(&sum, p, pte_present(p) ? nid_of(ctx, pte_pfn(p)) : 0, 1);
	}
	VM_BUG_ON(sum.nr_mapped != pt->nr_mapped);
	VM_BUG_ON(sum.nr_protnone != pt->nr_protnone);
	VM_BUG_ON(sum.nr_valid != pt->nr_valid);
	VM_BUG_ON(sum.nr_wd != pt->nr_wd);
	VM_BUG_ON(sum.nr_young != pt->nr_young);
	VM_BUG_ON(sum.nr_device != pt->nr_device);
	VM_BUG_ON(memcmp(sum.nr_node, pt->nr_node, sizeof(sum.nr_node)) != 0);
}
