// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/host_estimate.c - the host memory a simulation will take
 * (mem/host_estimate.h, docs/host-memory.md).
 *
 * The workload is walked as the engine would run it: each process (the
 * initial ones, then each fork, recursively) with its regions, the threads
 * its main program spawns, the pages its threads write. The byte counts come
 * from the structures themselves (sizeof, glibc's chunk rounding, the
 * doubling of ARRAY_GROW), so a change to a structure changes the estimate.
 */
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/hostmem.h"
#include "mem/host_estimate.h"
#include "mem/lru.h"
#include "mem/memory_tiers.h"
#include "mem/mm.h"
#include "sim.h"

/* numasim.process_image: what mem/exec.c maps and touches per process and per thread */
#define IMAGE_PTE_TABLES	3	/* data, heap, main stack */
#define IMAGE_PMD_TABLES	2	/* low addresses, the top of the address space */
#define IMAGE_PUD_TABLES	2
#define IMAGE_FRAMES		6	/* DATA_TOUCHED + the heap's page + STACK_TOUCHED */
#define IMAGE_VMAS		4
#define THREAD_FRAMES		4	/* the top of a thread's stack */
#define STACKS_PER_PMD_TABLE	127	/* 8 MiB + a guard page each, in 1 GiB */
/* per-task state of the placement policies (numa_group, autonuma2012's
 * task_autonuma), rounded up */
#define POLICY_TASK_BYTES	1024
/* autonuma2012's knuma_migrated queues: a ring entry and a map entry per
 * queued page, with their growth */
#define AUTONUMA_PAGE_BYTES	48
/* migrate_pages()'s per-folio scratch arrays (migrate/migrate.c), grown */
#define MIGRATE_PAGE_BYTES	48
/* the LRU ring and stale map per folio on a demoting node (mem/lru.c):
 * a 4-byte entry in a power-of-two ring, stale entries up to half the live
 * ones in a half-full map of 8-byte slots */
#define LRU_FOLIO_BYTES		16
/* json-c, per time-series sample: an integer object and its text per number
 * (the text buffer grows by doubling), an array per node row (sized), and
 * the sample's own objects (measured with json-c 0.16) */
#define JSON_NUMBER_BYTES	96
#define JSON_ARRAY_BYTES	160
#define JSON_SAMPLE_BYTES	512
#define TS_COUNTERS		16	/* vmstat counters in a sample (stats/report.c), rounded up */
/* the rest of a run that does not grow with it: the event queue, scratch */
#define FIXED_BYTES		(256 * KiB)

uint64_t host_est_array(uint64_t nr, uint64_t elem, uint64_t init)
{
	if (!nr)
		return 0;
	uint64_t cap = init ? init : 1;
	while (cap < nr)
		cap *= 2;
	return host_malloc_bytes(cap * elem);
}

uint64_t host_est_slots(uint64_t small, uint64_t thps, unsigned int granule_shift)
{
	const uint64_t granule = 1ull << granule_shift;
	const uint64_t thp_slots = (uint64_t)(1u << PMD_ORDER) * sizeof(struct folio);
	uint64_t bytes = small * sizeof(struct folio);
	/* a PMD THP writes its head and page[1] only (prep_new_folio): one host
	 * page of its 16 KiB of slots, unless host pages are larger */
	if (granule < thp_slots)
		bytes += thps * granule;
	else
		bytes += thps * thp_slots;
	return ALIGN_UP(bytes, granule);
}

uint64_t host_est_thp_chunks(uint64_t off, uint64_t len)
{
	uint64_t first = ALIGN_UP(off, PMD_SIZE);
	return off + len > first ? (off + len - first) / PMD_SIZE : 0;
}

uint64_t host_est_pte_tables(uint64_t off, uint64_t len, uint64_t thp_chunks)
{
	if (!len)
		return 0;
	uint64_t spanned = DIV_ROUND_UP(off + len, PMD_SIZE) - off / PMD_SIZE;
	return (spanned - MIN(spanned, thp_chunks)) * host_malloc_bytes(sizeof(struct pte_table));
}

uint64_t host_est_sample(uint64_t nr_mms)
{
	/* proc_node and proc_tasks, one row of MAX_NUMNODES per process each */
	return 2 * host_malloc_bytes(nr_mms * MAX_NUMNODES * sizeof(uint64_t));
}

/* ---- the workload, program by program ---- */

/* Per program, with the threads it spawns (transitively): what they write. */
struct prog_info {
	bool done;
	bool migrates;			/* migrate_pages or mbind with MPOL_MF_MOVE */
	uint64_t threads;
	uint64_t writes[WL_MAX_REGIONS];	/* bytes written per region (a bound) */
};

struct est_ctx {
	const struct machine *m;
	const struct tunables *tun;
	const struct workload *wl;
	struct prog_info *prog;
	uint64_t small, thps;		/* frames */
	uint64_t pte, upper;		/* PTE tables; PMD and PUD tables */
	uint64_t mapped;
	uint64_t nr_tasks, nr_mms, max_vmas;
	uint64_t transient;
	uint64_t instances;
	bool demotes;			/* a node demotes: reclaim may split THPs */
};

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t sat_mul(uint64_t a, uint64_t b)
{
	uint64_t r;
	return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* Bytes of its region a phase may write (0: it only reads). */
static uint64_t phase_writes(const struct wl_phase *ph)
{
	switch (ph->op) {
	case WL_SWEEP:
	case WL_DEV_KERNEL:
		return ph->access & WL_WRITE ? ph->len : 0;
	case WL_RANDOM:
	case WL_SKEWED:
	case WL_GAUSS:
	case WL_ZIPF:
		return ph->access == WL_WRITE || (ph->access == WL_RW && ph->write_ratio > 0) ?
			       ph->len : 0;
	case WL_LOOKUP:
		return ph->write_ratio > 0 ? ph->lk.work_len : 0;
	case WL_TRACE:
		return UINT64_MAX;	/* a trace may write anything of its regions */
	default:
		return 0;
	}
}

/* The scratch one phase's system call takes while it runs. */
static uint64_t phase_transient(const struct wl_phase *ph)
{
	const uint64_t pages = ph->len / PAGE_SIZE;
	switch (ph->op) {
	case WL_MUNMAP:		/* zap_batch: a folio pointer and a count per page */
		return host_est_array(pages, sizeof(void *), 64) +
		       host_est_array(pages, sizeof(int32_t), 64);
	case WL_MADVISE:	/* the same, or a folio list (cold, pageout) */
		return host_est_array(pages, sizeof(void *), 64) +
		       host_est_array(pages, sizeof(int32_t), 64);
	case WL_MOVE_PAGES:	/* the folio list, the targets, the sorted copy */
		return host_est_array(pages, sizeof(void *), 64) +
		       host_malloc_bytes(pages * (sizeof(uint32_t) + sizeof(void *)));
	case WL_DEV_MIGRATE:	/* migrate_vma's src and dst arrays, the sites */
		return 2 * host_malloc_bytes(pages * sizeof(uint64_t)) +
		       host_est_array(pages, 2 * sizeof(uint64_t), 64);
	default:
		return 0;
	}
}

static const struct prog_info *prog_info(struct est_ctx *c, uint32_t p, uint32_t depth)
{
	struct prog_info *pi = &c->prog[p];
	if (pi->done || depth > c->wl->nr_programs)
		return pi;
	pi->done = true;	/* spawns form no cycle (workload_validate) */
	pi->threads = 1;
	const struct wl_program *prog = &c->wl->programs[p];
	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];
		uint64_t w = phase_writes(ph);
		if (ph->op == WL_TRACE) {
			for (uint32_t r = ph->region; r < WL_MAX_REGIONS; r++)
				pi->writes[r] = UINT64_MAX;
		} else if (w && ph->region < WL_MAX_REGIONS) {
			pi->writes[ph->region] = sat_add(pi->writes[ph->region], w);
		}
		pi->migrates |= ph->op == WL_MIGRATE_PAGES ||
				(ph->op == WL_MBIND && (ph->arg & WL_MBIND_MOVE));
		c->transient = MAX(c->transient, phase_transient(ph));
		if (ph->op != WL_SPAWN || ph->target >= c->wl->nr_programs)
			continue;
		const struct prog_info *t = prog_info(c, ph->target, depth + 1);
		pi->threads = sat_add(pi->threads, t->threads);
		pi->migrates |= t->migrates;
		for (uint32_t r = 0; r < WL_MAX_REGIONS; r++)
			pi->writes[r] = sat_add(pi->writes[r], t->writes[r]);
	}
	return pi;
}

/* A process's regions as its main program creates them. */
struct regions {
	uint32_t nr;
	uint64_t len[WL_MAX_REGIONS];
	uint64_t off[WL_MAX_REGIONS];	/* start, past a PMD boundary */
	bool shared[WL_MAX_REGIONS];
	bool huge[WL_MAX_REGIONS];	/* PMD THPs may back it */
	uint64_t split[WL_MAX_REGIONS];	/* bytes of its THPs copy-on-write split already */
};

/* Where sys_mmap_align() puts a mapping of @len, relative to a PMD boundary
 * (the worst case, a page past one, when it depends on earlier mappings). */
static uint64_t region_offset(const struct est_ctx *c, uint64_t len, uint64_t align)
{
	if (align >= PMD_SIZE)
		return 0;
	if (c->tun->v[T_THP_MMAP_ALIGN] && IS_ALIGNED(len + (align > PAGE_SIZE ? align : 0),
						       PMD_SIZE))
		return 0;
	return align > PAGE_SIZE ? ALIGN_UP(PAGE_SIZE, align) % PMD_SIZE : PAGE_SIZE;
}

/* PMD THPs back anonymous memory without madvise (always), or with it.
 * Where reclaim demotes, THPs may be split (a demotion target without a
 * free THP): they are counted as base pages there. */
static bool thp_default(const struct est_ctx *c)
{
	if (c->demotes)
		return false;
	enum thp_size_mode pmd = thp_size_mode(c->tun, PMD_ORDER);
	if (pmd == THP_SIZE_INHERIT)
		return c->tun->v[T_THP_ENABLED] == THP_ALWAYS;
	return pmd == THP_SIZE_ALWAYS;
}

static bool thp_madvise(const struct est_ctx *c)
{
	if (c->demotes)
		return false;
	enum thp_size_mode pmd = thp_size_mode(c->tun, PMD_ORDER);
	if (pmd == THP_SIZE_INHERIT)
		return c->tun->v[T_THP_ENABLED] != THP_NEVER;
	return pmd != THP_SIZE_NEVER;
}

/*
 * Region @i of a process: its frames (@own: it allocates them; else only
 * @written of them, copies of its parent's) and its page tables.
 */
static void account_region(struct est_ctx *c, const struct regions *r, uint32_t i, bool own,
			   uint64_t written)
{
	const uint64_t len = r->len[i];
	const uint64_t chunks = r->huge[i] ? host_est_thp_chunks(r->off[i], len) : 0;
	const uint64_t thp = chunks - MIN(chunks, r->split[i] / PMD_SIZE);
	c->mapped = sat_add(c->mapped, len);
	c->upper = sat_add(c->upper, (DIV_ROUND_UP(r->off[i] + len, PUD_SIZE) + 1) *
				     host_malloc_bytes(sizeof(struct pmd_table)));
	if (own) {	/* what forks split (note_split) as base pages */
		c->small = sat_add(c->small, (len - thp * PMD_SIZE) / PAGE_SIZE);
		c->thps = sat_add(c->thps, thp);
		c->pte = sat_add(c->pte, host_est_pte_tables(r->off[i], len, thp));
		return;
	}
	/* inherited: the child's tables cover what its parent had mapped
	 * (copy_pte_range); a written PMD mapping is split into PTEs */
	uint64_t w = MIN(written, len);
	if (!r->shared[i])
		c->small = sat_add(c->small, DIV_ROUND_UP(w, PAGE_SIZE));
	uint64_t keep = thp ? thp - MIN(thp, DIV_ROUND_UP(w, PMD_SIZE)) : 0;
	c->pte = sat_add(c->pte, host_est_pte_tables(r->off[i], len, keep));
}

/*
 * Copy-on-write splits a PMD-mapped THP that is written while shared: its
 * slots are all written then, and the writer maps it with PTEs. Region @i
 * has @written bytes written by a sharer.
 */
static void note_split(struct regions *r, uint32_t i, uint64_t written)
{
	if (r->huge[i] && !r->shared[i])
		r->split[i] = MAX(r->split[i], ALIGN_UP(MIN(written, r->len[i]), PMD_SIZE));
}

static void account_mm(struct est_ctx *c, const struct prog_info *pi, uint32_t nr_regions)
{
	c->nr_mms++;
	c->nr_tasks = sat_add(c->nr_tasks, pi->threads);
	c->max_vmas = MAX(c->max_vmas, nr_regions + pi->threads + IMAGE_VMAS);
	c->upper = sat_add(c->upper, host_malloc_bytes(sizeof(struct pud_table)));
	if (!c->tun->v[T_PROCESS_IMAGE])
		return;
	const uint64_t pte = host_malloc_bytes(sizeof(struct pte_table));
	c->pte = sat_add(c->pte, sat_mul(IMAGE_PTE_TABLES + pi->threads, pte));
	c->upper = sat_add(c->upper, IMAGE_PMD_TABLES * host_malloc_bytes(sizeof(struct pmd_table)) +
				     IMAGE_PUD_TABLES * host_malloc_bytes(sizeof(struct pud_table)) +
				     DIV_ROUND_UP(pi->threads, STACKS_PER_PMD_TABLE) *
					     host_malloc_bytes(sizeof(struct pmd_table)));
	c->small = sat_add(c->small, IMAGE_FRAMES + sat_mul(THREAD_FRAMES, pi->threads));
}

/* What the main program writes after phase @from, and every spawned thread. */
static void writes_after(struct est_ctx *c, uint32_t mp, uint32_t from, uint64_t *w)
{
	const struct wl_program *prog = &c->wl->programs[mp];
	memset(w, 0, WL_MAX_REGIONS * sizeof(*w));
	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];
		if (ph->op == WL_SPAWN && ph->target < c->wl->nr_programs) {
			const struct prog_info *t = prog_info(c, ph->target, 0);
			for (uint32_t r = 0; r < WL_MAX_REGIONS; r++)
				w[r] = sat_add(w[r], t->writes[r]);
		} else if (i > from && ph->region < WL_MAX_REGIONS) {
			uint64_t b = phase_writes(ph);
			for (uint32_t r = ph->region; b && r < (ph->op == WL_TRACE ? WL_MAX_REGIONS :
									 ph->region + 1u); r++)
				w[r] = sat_add(w[r], b);
		}
	}
}

/* The process running main program @mp, forked from a parent with regions
 * @parent (NULL: an initial process), and the processes it forks. */
static void walk_process(struct est_ctx *c, uint32_t mp, const struct regions *parent,
			 uint32_t depth)
{
	if (++c->instances > (1u << 20) || depth > c->wl->nr_programs) {
		c->small = UINT64_MAX;	/* too many to walk: more than any host has */
		return;
	}
	struct regions *r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	if (parent)
		*r = *parent;
	const uint32_t inherited = r->nr;
	const struct prog_info *pi = prog_info(c, mp, 0);
	const struct wl_program *prog = &c->wl->programs[mp];
	bool forked = false;
	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];
		if (ph->op == WL_MMAP && r->nr < WL_MAX_REGIONS) {
			uint32_t n = r->nr++;
			r->len[n] = ALIGN_UP(ph->len, PAGE_SIZE);
			r->off[n] = region_offset(c, r->len[n], ph->align);
			r->shared[n] = ph->arg & WL_MAP_SHARED;
			r->huge[n] = thp_default(c);
		} else if (ph->op == WL_MREMAP && ph->region < r->nr) {
			/* the moved mapping starts a page past a PMD boundary at worst */
			r->len[ph->region] = MAX(r->len[ph->region], ALIGN_UP(ph->new_len, PAGE_SIZE));
			r->off[ph->region] = MAX(r->off[ph->region], region_offset(c, ph->new_len, 0));
		} else if (ph->op == WL_MADVISE && ph->region < r->nr) {
			if (ph->arg == MM_MADV_HUGEPAGE)
				r->huge[ph->region] = thp_madvise(c);
			else if (ph->arg == MM_MADV_NOHUGEPAGE)
				r->huge[ph->region] = false;
		} else if (ph->op == WL_FORK && ph->target < c->wl->nr_programs) {
			uint64_t w[WL_MAX_REGIONS];
			writes_after(c, mp, i, w);
			const struct prog_info *child = prog_info(c, ph->target, 0);
			for (uint32_t k = 0; k < r->nr; k++) {
				if (!forked && !r->shared[k])	/* the parent's own copies, once */
					c->small = sat_add(c->small, DIV_ROUND_UP(MIN(w[k], r->len[k]),
										  PAGE_SIZE));
				note_split(r, k, MAX(w[k], child->writes[k]));
			}
			forked = true;
			walk_process(c, ph->target, r, depth + 1);
		}
	}
	account_mm(c, pi, r->nr);
	for (uint32_t k = 0; k < r->nr; k++)
		account_region(c, r, k, k >= inherited, pi->writes[k]);
	if (pi->migrates)
		for (uint32_t k = 0; k < r->nr; k++)
			c->transient = MAX(c->transient, sat_mul(r->len[k] / PAGE_SIZE,
								 MIGRATE_PAGE_BYTES));
	free(r);
}

/* ---- the machine ---- */

/* Pages may move between nodes: each node may end up with slots written up
 * to its size (freed frames are reused before untouched ones). */
static bool may_migrate(const struct est_ctx *c, bool lru)
{
	if (c->tun->v[T_NUMA_BALANCING] || lru)
		return true;
	for (uint32_t p = 0; p < c->wl->nr_programs; p++) {
		const struct wl_program *prog = &c->wl->programs[p];
		for (uint32_t i = 0; i < prog->nr_phases; i++) {
			enum wl_op op = prog->phases[i].op;
			if (op == WL_MOVE_PAGES || op == WL_MIGRATE_PAGES || op == WL_DEV_MIGRATE ||
			    (op == WL_MBIND && (prog->phases[i].arg & WL_MBIND_MOVE)))
				return true;
		}
	}
	return false;
}

/* Nodes with an LRU (vmscan_init(): those that demote) and their pages. */
static uint64_t lru_pages(const struct est_ctx *c)
{
	struct memory_tiers *mt = calloc(1, sizeof(*mt));
	if (!mt)
		abort();
	memory_tiers_init(mt, c->m);
	uint64_t pages = 0;
	for (uint32_t n = 0; n < c->m->nr_nodes && c->tun->v[T_NUMA_DEMOTION_ENABLED]; n++)
		if (next_demotion_node(mt, n) != NUMA_NO_NODE && c->m->node[n].kind != MEM_DEVICE)
			pages += c->m->node[n].mem_bytes / PAGE_SIZE;
	free(mt);
	return pages;
}

static uint64_t tlb_bytes(const struct tlb_geometry *g)
{
	const uint64_t entry = 16;	/* struct tlb_entry */
	uint64_t b = 0;
	const uint32_t e[3] = { g->l1_4k_entries, g->l1_2m_entries, g->l2_entries };
	const uint32_t w[3] = { g->l1_4k_ways, g->l1_2m_ways, g->l2_ways };
	for (int i = 0; i < 3; i++)
		b += host_malloc_bytes(e[i] * entry) +
		     host_malloc_bytes(w[i] ? e[i] / w[i] * sizeof(uint16_t) : 0);
	return b;
}

/* Slots written over the nodes: frames in use at most, each node at most its size. */
static uint64_t slot_bytes(const struct est_ctx *c, bool migrate, unsigned int granule_shift)
{
	uint64_t frames = sat_add(c->small, sat_mul(c->thps, 1u << PMD_ORDER));
	if (!frames)
		return 0;
	uint64_t touched = 0, total = 0, nodes = 0;
	for (uint32_t n = 0; n < c->m->nr_nodes; n++) {
		uint64_t pages = c->m->node[n].mem_bytes / PAGE_SIZE;
		touched = sat_add(touched, MIN(pages, frames));
		total = sat_add(total, pages);
		nodes += pages != 0;
	}
	if (!migrate)	/* each frame is written once, wherever it is */
		touched = MIN(total, frames);
	/* scale both kinds of frames by touched / frames */
	double k = (double)touched / (double)frames;
	uint64_t bytes = host_est_slots((uint64_t)((double)c->small * k),
					(uint64_t)((double)c->thps * k + 0.999), granule_shift);
	return sat_add(bytes, nodes << granule_shift);	/* each node's last host page */
}

void host_estimate(const struct machine *m, const struct tunables *tun, const struct workload *wl,
		   unsigned int granule_shift, struct host_estimate *e)
{
	struct est_ctx c = { .m = m, .tun = tun, .wl = wl };
	memset(e, 0, sizeof(*e));
	c.prog = calloc(wl->nr_programs + 1u, sizeof(*c.prog));
	if (!c.prog)
		abort();
	const uint64_t lru = lru_pages(&c);
	c.demotes = lru != 0;
	for (uint32_t p = 0; p < wl->nr_procs; p++)
		if (wl->procs[p].main_program < wl->nr_programs)
			walk_process(&c, wl->procs[p].main_program, NULL, 0);
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		prog_info(&c, p, 0);	/* phases of programs no process runs: their transients */
	free(c.prog);

	const bool migrate = may_migrate(&c, lru != 0);
	uint64_t nr_pfns = 0;
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		nr_pfns += m->node[n].mem_bytes / PAGE_SIZE;

	/* near a full machine, THP allocations fall back to base pages (no
	 * free 2 MiB block above the watermarks): count them so, with their
	 * PTE tables */
	if (sat_add(c.small, sat_mul(c.thps, 1u << PMD_ORDER)) > nr_pfns / 10 * 9) {
		c.pte = sat_add(c.pte, sat_mul(c.thps, host_malloc_bytes(sizeof(struct pte_table))));
		c.small = sat_add(c.small, sat_mul(c.thps, 1u << PMD_ORDER));
		c.thps = 0;
	}
	/* more than the machine holds: the run fails for want of memory once
	 * it is full (or reclaims); the tables cover what was touched by then */
	const uint64_t demand = sat_add(c.small, sat_mul(c.thps, 1u << PMD_ORDER));
	if (demand > nr_pfns)
		c.pte = (uint64_t)((double)c.pte * ((double)nr_pfns / (double)demand)) +
			sat_mul(c.nr_mms, host_malloc_bytes(sizeof(struct pte_table)));
	e->mapped = c.mapped;
	e->nr_tasks = c.nr_tasks;
	e->nr_mms = c.nr_mms;
	e->thps = MIN(c.thps, nr_pfns >> PMD_ORDER);
	e->frames = MIN(sat_add(c.small, sat_mul(c.thps, 1u << PMD_ORDER)), nr_pfns);
	e->slots = slot_bytes(&c, migrate, granule_shift);
	e->pgtables = sat_add(c.pte, c.upper);
	e->lru = sat_mul(MIN(lru, e->frames), LRU_FOLIO_BYTES);
	if (tun->v[T_NUMASIM_POLICY] == NUMASIM_POLICY_AUTONUMA2012 && tun->v[T_NUMA_BALANCING])
		e->lru = sat_add(e->lru, sat_mul(e->frames, AUTONUMA_PAGE_BYTES));
	e->tasks = sat_add(sat_mul(c.nr_tasks, host_malloc_bytes(sizeof(struct task)) +
						       POLICY_TASK_BYTES + 2 * sizeof(void *)),
			   sat_mul(c.nr_mms, host_malloc_bytes(sizeof(struct mm_struct)) +
						     host_est_array(c.max_vmas,
								    sizeof(struct vm_area_struct), 16) +
						     host_malloc_bytes(sizeof(struct anon_vma)) +
						     2 * sizeof(void *)));

	uint64_t samples = TS_MAX_SAMPLES + 1;
	if (tun->v[T_MAX_SIM_S] && tun->v[T_SAMPLE_MS])
		samples = MIN(samples, (uint64_t)tun->v[T_MAX_SIM_S] * 1000 / tun->v[T_SAMPLE_MS] + 2);
	e->timeseries = sat_add(host_est_array(samples, sizeof(struct ts_sample), 64),
				sat_mul(samples, host_est_sample(c.nr_mms)));
	const uint64_t numbers = sat_add(1 + 3ull * m->nr_nodes + TS_COUNTERS,
					 sat_mul(2ull * m->nr_nodes, c.nr_mms));
	const uint64_t arrays = sat_add(5, 2 * c.nr_mms);
	e->report = sat_mul(samples, sat_add(sat_mul(numbers, JSON_NUMBER_BYTES),
					     sat_mul(arrays, JSON_ARRAY_BYTES) + JSON_SAMPLE_BYTES));
	e->transient = c.transient;
	e->fixed = FIXED_BYTES +
		   m->nr_cpus * (host_malloc_bytes(sizeof(struct cpu)) + tlb_bytes(&m->tlb) + 16) +
		   host_malloc_bytes(DIV_ROUND_UP(nr_pfns * sizeof(struct folio) >> granule_shift, 64) *
				     sizeof(uint64_t));
	e->reservation = nr_pfns * sizeof(struct folio);
	const uint64_t parts[] = { e->slots, e->pgtables, e->lru, e->tasks, e->timeseries,
				   e->report, e->transient, e->fixed };
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
		e->total = sat_add(e->total, parts[i]);
}
