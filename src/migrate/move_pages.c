// SPDX-License-Identifier: GPL-2.0-only
/*
 * migrate/move_pages.c - move_pages(2) and migrate_pages(2).
 * Models:     linux mm/migrate.c (6.12) kernel_move_pages, do_pages_move,
 *             move_pages_and_store_status, do_move_pages_to_node,
 *             add_folio_for_migration, __add_folio_for_migration;
 *             mm/mempolicy.c kernel_migrate_pages, do_migrate_pages (the
 *             node-pairing loop), migrate_to_node, queue_pages_range with
 *             queue_folios_pte_range / queue_folios_pmd and migrate_folio_add;
 *             do_mbind()'s MPOL_MF_MOVE part.
 * SIMPLIFIED: the caller has no CAP_SYS_NICE (MPOL_MF_MOVE, never
 *             MPOL_MF_MOVE_ALL) and no cpuset, so every node with memory is
 *             allowed; "shared" is folio_likely_mapped_shared() (6.10); the
 *             destination folio comes from migrate_pages()'s own allocation
 *             (the target node only, no reclaim: Linux's
 *             alloc_migration_target() may reclaim for order 0); a large
 *             folio that finds no room there is split and its pages tried
 *             (migrate_pages(), MR_SYSCALL), but with MIGRATE_SYNC's passes,
 *             not MIGRATE_ASYNC's single one. The user arrays are not
 *             modelled: no -EFAULT from copying them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "migrate/migrate.h"
#include "migrate/move_pages.h"
#include "numa/numa_types.h"
#include "sim.h"

#define MOVE_PAGES_PAGE_NS 60	/* APPROX: get_user of an entry, the walk to the folio, put_user */

/* A growing list of isolated folios (the kernel's pagelist). */
struct pagelist {
	struct folio **f;
	uint32_t nr, cap;
};

static void pagelist_add(struct pagelist *l, struct folio *f)
{
	ARRAY_GROW(l->f, l->cap, l->nr, 64);
	folio_set(f, PG_isolated);	/* folio_isolate_lru(): a second try fails */
	l->f[l->nr++] = f;
}

/* migrate_pages() to @nid, then putback_movable_pages(): the list empties.
 * Return the folios not migrated. */
static int64_t pagelist_migrate(struct sim *s, struct cpu *cpu, struct pagelist *l, uint32_t nid)
{
	for (uint32_t i = 0; i < l->nr; i++)	/* migrate_pages() isolates them itself */
		folio_clear(l->f[i], PG_isolated);
	int rc = migrate_pages(s, cpu, l->f, l->nr, nid, MIGRATE_SYNC, MR_SYSCALL, NULL);
	l->nr = 0;
	return rc;
}

/* Count @n more status entries of value @val in the syscall record. */
static void syscall_record_status(struct syscall_record *r, int32_t val, uint64_t n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < r->nr_status; i++)
		if (r->status_val[i] == val) {
			r->status_cnt[i] += n;
			return;
		}
	VM_BUG_ON(r->nr_status == SYSREC_MAX_STATUS);	/* nodes and a few errnos */
	r->status_val[r->nr_status] = val;
	r->status_cnt[r->nr_status++] = n;
}

/* folio_walk_start(FW_ZEROPAGE): the folio mapped at @addr; *zero for the
 * (huge) zero page; NULL if nothing present maps it. */
static struct folio *folio_walk(struct sim *s, struct mm_struct *mm, uint64_t addr, bool *zero)
{
	struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
	*zero = false;
	if (!slot)
		return NULL;
	if (slot->pmd.val) {
		if (!pmd_maps_page(slot->pmd) || is_pmd_device_private_entry(slot->pmd))
			return NULL;
		*zero = pmd_special(slot->pmd);
		return *zero ? NULL : pfn_folio(&s->pm, pmd_pfn(slot->pmd));
	}
	if (!slot->pt)
		return NULL;
	pte_t p = slot->pt->pte[pte_index(addr)];
	if (!pte_present(p))	/* none, or a device-private entry */
		return NULL;
	*zero = pte_special(p);
	return *zero ? NULL : page_folio(&s->pm, pte_pfn(p));
}

/*
 * add_folio_for_migration(): 1 if the folio at @addr was queued for @node,
 * 0 if it is there already, or the status error: -EFAULT outside a VMA or
 * for the zero page, -ENOENT if nothing is mapped (or device memory),
 * -EACCES for a shared folio, -EBUSY if it cannot be isolated (a THP already
 * queued through another of its pages).
 */
static int add_folio_for_migration(struct sim *s, struct mm_struct *mm, uint64_t addr,
				   uint32_t node, struct pagelist *l)
{
	if (!find_vma(mm, addr))	/* vma_lookup(); anonymous VMAs are migratable */
		return -EFAULT;
	bool zero;
	struct folio *f = folio_walk(s, mm, addr, &zero);
	if (zero)
		return -EFAULT;
	if (!f || folio_test(f, PG_device))
		return -ENOENT;
	if (folio_nid(f) == node)
		return 0;
	if (folio_likely_mapped_shared(f))
		return -EACCES;		/* without MPOL_MF_MOVE_ALL */
	if (folio_test(f, PG_isolated))
		return -EBUSY;
	pagelist_add(l, f);
	return 1;
}

/* move_pages_and_store_status(): move the queued pages [start, i) to @node. */
static int64_t move_and_store(struct sim *s, struct cpu *cpu, struct pagelist *l, int node,
			      struct syscall_record *rec, uint64_t start, uint64_t i,
			      uint64_t nr_pages)
{
	if (!l->nr)
		return 0;
	int64_t err = pagelist_migrate(s, cpu, l, (uint32_t)node);
	if (err) {
		/* the pages not tried yet count as not migrated too */
		if (err > 0)
			err += (int64_t)(nr_pages - i);
		return err;
	}
	syscall_record_status(rec, node, i - start);
	return 0;
}

int64_t kernel_move_pages(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			  uint64_t nr_pages, nodemask_t nodes, struct syscall_record *rec)
{
	const nodemask_t memory = node_states_memory(s);
	const uint32_t w = (uint32_t)__builtin_popcountll(nodes);
	struct pagelist l = { 0 };
	int current_node = NUMA_NO_NODE;
	uint64_t first = 0, i;
	int64_t err = 0, err1;

	rec->nr_pages = nr_pages;
	if (!w)
		return nr_pages ? -EINVAL : 0;	/* no node for the first page */
	for (i = 0; i < nr_pages; i++) {
		/* nodes[i]: the (i mod w)-th node of the mask */
		uint32_t n = (uint32_t)(i % w), node = 0;
		for (nodemask_t m = nodes;; m &= m - 1)
			if (n-- == 0) {
				node = (uint32_t)__builtin_ctzll(m);
				break;
			}
		cpu_charge_kernel(cpu, MOVE_PAGES_PAGE_NS);
		err = -ENODEV;
		if (node >= MAX_NUMNODES || !((memory >> node) & 1))
			goto out_flush;
		/* cpuset_mems_allowed() is every node with memory: no -EACCES */
		if (current_node == NUMA_NO_NODE) {
			current_node = (int)node;
			first = i;
		} else if ((int)node != current_node) {
			err = move_and_store(s, cpu, &l, current_node, rec, first, i, nr_pages);
			if (err)
				goto out;
			first = i;
			current_node = (int)node;
		}
		/* errors of the lookup or isolation only go to the status */
		err = add_folio_for_migration(s, mm, start + i * PAGE_SIZE, (uint32_t)current_node, &l);
		if (err > 0)
			continue;
		syscall_record_status(rec, err ? (int32_t)err : current_node, 1);
		err = move_and_store(s, cpu, &l, current_node, rec, first, i, nr_pages);
		if (err) {
			if (err > 0)
				err--;	/* page i has its status */
			goto out;
		}
		current_node = NUMA_NO_NODE;
	}
out_flush:
	/* keep an error already found */
	err1 = move_and_store(s, cpu, &l, current_node, rec, first, i, nr_pages);
	if (err >= 0)
		err = err1;
out:
	free(l.f);
	return err;
}

/* ---- migrate_pages(2) ---- */

/*
 * queue_pages_range() over the whole address space for the folios on
 * @source (MPOL_MF_MOVE | MPOL_MF_DISCONTIG_OK): a shared folio is left
 * alone and not counted; one that cannot be isolated counts as failed. A
 * large folio is looked at once per run of PTEs mapping it. Return the
 * number that failed.
 */
struct queue_pages {
	struct pagelist *l;
	nodemask_t nmask;	/* folios on these nodes are wanted ... */
	bool invert;		/* ... or, MPOL_MF_INVERT, on the others */
	struct folio *large;	/* the large folio the last PTEs mapped */
	int64_t nr_failed;
};

/* migrate_folio_add() and the checks before it */
static void queue_folio(struct queue_pages *qp, struct folio *f)
{
	if (((qp->nmask >> folio_nid(f)) & 1) == qp->invert || folio_test(f, PG_device))
		return;		/* queue_folio_required(); zone device folios are skipped */
	if (folio_test_large(f)) {
		if (f == qp->large)
			return;
		qp->large = f;
	}
	if (folio_likely_mapped_shared(f))
		return;		/* not MPOL_MF_MOVE_ALL: skipped, not a failure */
	if (folio_test(f, PG_isolated)) {
		qp->nr_failed++;
		return;
	}
	pagelist_add(qp->l, f);
}

static void queue_pages_vma(struct sim *s, struct mm_struct *mm, uint64_t start, uint64_t end,
			    struct queue_pages *qp)
{
	for (uint64_t a = start, next; a < end; a = next) {
		next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		if (!slot)
			continue;
		if (slot->pmd.val) {	/* queue_folios_pmd(): the huge zero page is skipped */
			if (pmd_maps_page(slot->pmd) && !pmd_special(slot->pmd) &&
			    !is_pmd_device_private_entry(slot->pmd))
				queue_folio(qp, pfn_folio(&s->pm, pmd_pfn(slot->pmd)));
			continue;
		}
		if (!slot->pt)
			continue;
		for (uint64_t x = a; x < next; x += PAGE_SIZE) {
			pte_t p = slot->pt->pte[pte_index(x)];
			/* vm_normal_folio() filters the zero page out */
			if (pte_present(p) && !pte_special(p))
				queue_folio(qp, page_folio(&s->pm, pte_pfn(p)));
		}
	}
}

/* migrate_to_node(): every folio of @mm on @source to @dest; return the
 * folios not migrated. */
static int64_t migrate_to_node(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
			       uint32_t source, uint32_t dest)
{
	struct pagelist l = { 0 };
	struct queue_pages qp = { .l = &l, .nmask = 1ull << source };
	for (uint32_t i = 0; i < mm->nr_vmas; i++)
		if (!(mm->vmas[i].vm_flags & VM_FILE))	/* file VMAs map nothing here */
			queue_pages_vma(s, mm, mm->vmas[i].vm_start, mm->vmas[i].vm_end, &qp);
	int64_t err = l.nr ? pagelist_migrate(s, cpu, &l, dest) : 0;
	free(l.f);
	return err + qp.nr_failed;
}

/* node_remap(): the node of @to at the position @n has in @from. */
static uint32_t node_remap(uint32_t n, nodemask_t from, nodemask_t to)
{
	if (!((from >> n) & 1) || !to)
		return n;
	uint32_t pos = (uint32_t)__builtin_popcountll(from & ((1ull << n) - 1));
	pos %= (uint32_t)__builtin_popcountll(to);
	nodemask_t m = to;
	while (pos--)
		m &= m - 1;
	return (uint32_t)__builtin_ctzll(m);
}

/*
 * do_migrate_pages(): pairs <source, dest> chosen so that, where possible, a
 * node is emptied before memory moves onto it; with masks of unequal
 * weight, a source that is also a destination stays. Return the sum of the
 * pages each migrate_to_node() did not migrate.
 */
static int64_t do_migrate_pages(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
				nodemask_t from, nodemask_t to)
{
	int64_t nr_failed = 0;
	nodemask_t tmp = from;
	const bool unequal = __builtin_popcountll(from) != __builtin_popcountll(to);
	while (tmp) {
		int source = NUMA_NO_NODE;
		uint32_t dest = 0;
		for (nodemask_t m = tmp; m; m &= m - 1) {
			uint32_t sn = (uint32_t)__builtin_ctzll(m);
			if (unequal && ((to >> sn) & 1))
				continue;
			uint32_t d = node_remap(sn, from, to);
			if (sn == d)
				continue;
			source = (int)sn;	/* the latest pair that moves */
			dest = d;
			if (!((tmp >> dest) & 1))
				break;		/* and onto a node not still to empty */
		}
		if (source == NUMA_NO_NODE)
			break;
		tmp &= ~(1ull << source);
		nr_failed += migrate_to_node(s, cpu, mm, (uint32_t)source, dest);
	}
	return MIN(nr_failed, (int64_t)INT32_MAX);
}

int64_t kernel_migrate_pages(struct sim *s, struct cpu *cpu, struct mm_struct *mm, nodemask_t from,
			     nodemask_t to)
{
	const nodemask_t memory = node_states_memory(s);
	/* the target task's cpuset_mems_allowed(): nodes_subset(new, task_nodes) */
	if (to & ~memory)
		return -EPERM;
	if (!to)
		return -EINVAL;
	return do_migrate_pages(s, cpu, mm, from, to);
}

/* ---- mbind(MPOL_MF_MOVE) ---- */

int64_t mbind_move_pages(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			 uint64_t end, nodemask_t nodes)
{
	struct mm_struct *mm = t->mm;
	struct pagelist l = { 0 };
	/* do_mbind(): the folios not on the user's nodes (MPOL_MF_INVERT) */
	struct queue_pages qp = { .l = &l, .nmask = nodes, .invert = true };
	for (uint64_t a = start; a < end;) {
		struct vm_area_struct *v = find_vma(mm, a);
		if (!v)
			break;
		uint64_t vs = MAX(a, v->vm_start), ve = MIN(end, v->vm_end);
		if (vs >= end)
			break;
		queue_pages_vma(s, mm, vs, ve, &qp);
		a = ve;
	}
	/* alloc_migration_target_by_mpol(): each folio's node by the new
	 * policy; numasim's migrate_pages() takes one node, so by node */
	uint32_t *target = l.nr ? malloc(l.nr * sizeof(*target)) : NULL;
	if (l.nr && !target)
		abort();
	for (uint32_t i = 0; i < l.nr; i++) {
		struct folio *f = l.f[i];
		uint64_t addr = 0;
		const struct vm_area_struct *v = NULL;
		/* the folio's address in this mm: its index, as an anonymous page's */
		for (uint32_t k = 0; k < mm->nr_vmas && !v; k++) {
			const struct vm_area_struct *c = &mm->vmas[k];
			uint64_t n = (c->vm_end - c->vm_start) >> PAGE_SHIFT;
			if (c->anon_vma == f->anon_vma && f->index >= c->vm_pgoff &&
			    f->index < c->vm_pgoff + n) {
				v = c;
				addr = c->vm_start + ((f->index - c->vm_pgoff) << PAGE_SHIFT);
			}
		}
		target[i] = v ? mpol_migrate_target(s, cpu, t, v, addr, folio_order(f)) : cpu->node;
	}
	/* grouped by node before anything moves (a freed source may be a later
	 * group's destination): counting sort, stable */
	uint32_t first[MAX_NUMNODES + 1] = { 0 };
	struct folio **sorted = l.nr ? malloc(l.nr * sizeof(*sorted)) : NULL;
	if (l.nr && !sorted)
		abort();
	for (uint32_t i = 0; i < l.nr; i++) {
		folio_clear(l.f[i], PG_isolated);	/* migrate_pages() isolates them */
		first[target[i] + 1]++;
	}
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		first[n + 1] += first[n];
	uint32_t fill[MAX_NUMNODES];
	memcpy(fill, first, sizeof(fill));
	for (uint32_t i = 0; i < l.nr; i++)
		sorted[fill[target[i]]++] = l.f[i];
	int64_t nr_failed = qp.nr_failed;
	for (uint32_t nid = 0; nid < MAX_NUMNODES; nid++)
		if (first[nid + 1] > first[nid])
			nr_failed += migrate_pages(s, cpu, sorted + first[nid], first[nid + 1] - first[nid],
						   nid, MIGRATE_SYNC, MR_MEMPOLICY_MBIND, NULL);
	free(sorted);
	free(target);
	free(l.f);
	return nr_failed;
}
