/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tests/unit/testlib.h - helpers for the unit tests that build a whole
 * simulation (most test_*.c files). Header-only (static functions),
 * because every tests/unit/test_*.c is linked on its own.
 *
 * Typical use:
 *	struct tl_env e;
 *	tl_env_init(&e, "2node-128cpu", (const char *[]){ "k=v", NULL });
 *	uint32_t r = tl_mmap(&e, 4 * MiB);	// region r of process 0
 *	tl_start(&e, 1);			// sim_create + sim_run (mmap only)
 *	handle_mm_fault(e.s, tl_cpu(&e, 0), e.s->tasks[0], tl_addr(&e, r) + x, true);
 *	tl_env_free(&e);
 */
#ifndef NUMASIM_TEST_TESTLIB_H
#define NUMASIM_TEST_TESTLIB_H

#include "harness.h"

#include <json-c/json.h>
#include <stdlib.h>

#include "fault/fault.h"
#include "sim.h"
#include "stats/report.h"
#include "workload/internal.h"
#include "workload/workload.h"

struct tl_env {
	struct machine m;
	struct tunables tun;
	struct workload wl;
	uint32_t prog;		/* main program of process 0 */
	uint32_t proc;
	struct sim *s;
};

/* The correctness oracle saw no stale access at all. */
static inline void assert_oracle_clean(const struct sim *s)
{
	assert_int_equal(s->oracle.stale_accesses, 0);
	assert_int_equal(s->oracle.stale_reads, 0);
	assert_int_equal(s->oracle.lost_writes, 0);
}

static inline void tl_set(struct tunables *t, const char *kv)
{
	char err[256] = "";

	if (tunable_set(t, kv, err, sizeof(err)))
		fail_msg("tunable_set(\"%s\"): %s", kv, err);
}

/* Machine @preset, tunables = defaults + @sets (NULL-terminated, may be NULL),
 * and a workload with one process whose main program is still empty. The
 * process image (numasim.process_image) is off unless @sets turns it on. */
static inline void tl_env_init_image(struct tl_env *e, const char *preset, const char *const *sets,
				     bool image)
{
	memset(e, 0, sizeof(*e));
	if (machine_preset(&e->m, preset))
		fail_msg("no machine preset '%s'", preset);
	tunables_init(&e->tun);
	tl_set(&e->tun, image ? "numasim.process_image=1" : "numasim.process_image=0");
	for (const char *const *p = sets; p && *p; p++)
		tl_set(&e->tun, *p);
	snprintf(e->wl.name, sizeof(e->wl.name), "unit-test");
	e->prog = wl_add_program(&e->wl);
	e->proc = wl_add_process(&e->wl, e->prog);
}

/* Mechanism tests count exact pages: no text, heap or stacks unless @sets
 * turn numasim.process_image on. */
static inline void tl_env_init(struct tl_env *e, const char *preset, const char *const *sets)
{
	tl_env_init_image(e, preset, sets, false);
}

/* Append WL_MMAP of @len to the main program; return the region index. */
static inline uint32_t tl_mmap(struct tl_env *e, uint64_t len)
{
	return wl_add_mmap(&e->wl, e->proc, len);
}

static inline void tl_madvise(struct tl_env *e, uint32_t prog, uint32_t region, uint64_t off,
			      uint64_t len, enum mm_madv advice)
{
	struct wl_phase *ph = wl_add_phase(&e->wl, prog, WL_MADVISE);

	ph->region = region;
	ph->off = off;
	ph->len = len;
	ph->arg = advice;
}

static inline void tl_mbind(struct tl_env *e, uint32_t prog, uint32_t region, uint64_t off,
			    uint64_t len, enum mpol_mode mode, nodemask_t nodes)
{
	struct wl_phase *ph = wl_add_phase(&e->wl, prog, WL_MBIND);

	ph->region = region;
	ph->off = off;
	ph->len = len;
	ph->pol = (struct mempolicy){ mode, nodes };
}

static inline void tl_barrier(struct tl_env *e, uint32_t prog, uint32_t barrier)
{
	wl_add_phase(&e->wl, prog, WL_BARRIER)->target = barrier;
}

/* Declare @nr barriers, each waited for by @parties threads. */
static inline void tl_barriers(struct tl_env *e, uint32_t nr, uint32_t parties)
{
	e->wl.barrier_parties = calloc(nr, sizeof(*e->wl.barrier_parties));
	assert_non_null(e->wl.barrier_parties);
	for (uint32_t i = 0; i < nr; i++)
		e->wl.barrier_parties[i] = parties;
	e->wl.nr_barriers = nr;
}

/* Validate the workload, create the simulation and run it to the end. */
static inline void tl_start(struct tl_env *e, uint64_t seed)
{
	char err[512] = "";

	if (workload_validate(&e->wl, err, sizeof(err)))
		fail_msg("workload_validate: %s", err);
	e->s = calloc(1, sizeof(*e->s));
	assert_non_null(e->s);
	if (sim_create(e->s, &e->m, &e->tun, &e->wl, seed, err, sizeof(err)))
		fail_msg("sim_create: %s", err);
	if (sim_run(e->s))
		fail_msg("sim_run: %s", e->s->error);
}

/* Machine @preset with @sets, the workload built from @spec, run with @seed. */
static inline struct sim *tl_run_spec(struct tl_env *e, const char *preset, const char *spec,
				      const char *const *sets, uint64_t seed)
{
	char err[256] = "";

	tl_env_init_image(e, preset, sets, true);	/* whole programs, as users run them */
	workload_free(&e->wl);
	if (workload_build(&e->wl, spec, &e->m, 1.0, seed, err, sizeof(err)))
		fail_msg("workload_build(\"%s\"): %s", spec, err);
	tl_start(e, seed);
	return e->s;
}

/* The JSON result as `numasim run --json` writes it, host time zeroed, so
 * two runs can be compared byte for byte. Free the text. */
static inline char *tl_result_text(const struct sim *s, double scale)
{
	struct run_info ri = { .machine_arg = "2node-128cpu", .scale = scale, .host_s = 0 };
	json_object *j = report_json(s, &ri);
	char *text = strdup(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));

	json_object_put(j);
	return text;
}

static inline void tl_env_free(struct tl_env *e)
{
	if (e->s) {
		sim_destroy(e->s);
		free(e->s);
		e->s = NULL;
	}
	workload_free(&e->wl);
}

/*
 * Pages of workload region @region of process @proc on node @nid (NUMA_NO_NODE:
 * all nodes), PMD mappings counted as 512: the workload's own memory, not
 * the process image's text, heap and stacks.
 */
static inline uint64_t tl_region_pages(const struct sim *s, uint32_t proc, uint32_t region, int nid)
{
	struct mm_struct *mm = s->mms[proc];
	const uint64_t start = mm->region_addr[region], end = start + mm->region_len[region];
	uint64_t n = 0;

	for (uint64_t a = start; a < end;) {
		struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, a);
		uint64_t next = MIN(ALIGN_DOWN(a, PMD_SIZE) + PMD_SIZE, end);

		if (slot && pmd_maps_page(slot->pmd) && !pmd_special(slot->pmd)) {
			n += (nid < 0 || pmd_nid(slot->pmd) == (uint32_t)nid) ? (next - a) >> PAGE_SHIFT : 0;
		} else if (slot && slot->pt) {
			for (uint64_t x = a; x < next; x += PAGE_SIZE) {
				pte_t p = slot->pt->pte[pte_index(x)];

				n += pte_maps_page(p) && !pte_special(p) &&
				     (nid < 0 || pte_nid(p) == (uint32_t)nid);
			}
		}
		a = next;
	}
	return n;
}

/* The first CPU of node @nid. */
static inline struct cpu *tl_cpu(struct tl_env *e, uint32_t nid)
{
	for (uint32_t c = 0; c < e->s->m.nr_cpus; c++)
		if (e->s->cpus[c].node == nid)
			return &e->s->cpus[c];
	fail_msg("no CPU on node %u", nid);
	return NULL;
}

static inline struct mm_struct *tl_mm(struct tl_env *e)
{
	return e->s->mms[0];
}

static inline uint64_t tl_addr(struct tl_env *e, uint32_t region)
{
	return e->s->mms[0]->region_addr[region];
}

/* Fault at @addr from a CPU of node @nid as process 0's main task; must succeed. */
static inline void tl_fault(struct tl_env *e, uint32_t nid, uint64_t addr, bool write)
{
	enum fault_result r = handle_mm_fault(e->s, tl_cpu(e, nid), e->s->tasks[0], addr, write);

	if (r != FAULT_OK)
		fail_msg("fault at 0x%llx (%s) returned %d", (unsigned long long)addr,
			 write ? "write" : "read", (int)r);
}

/* The PTE mapping @addr, or a none PTE if there is no PTE table. */
static inline pte_t tl_pte(struct tl_env *e, uint64_t addr)
{
	struct pte_table *pt;
	pte_t *p = pte_lookup(tl_mm(e), addr, &pt);

	return p ? *p : (pte_t){ 0 };
}

static inline struct folio *tl_folio_at(struct tl_env *e, uint64_t addr)
{
	pte_t p = tl_pte(e, addr);

	assert_true(pte_present(p));
	return page_folio(&e->s->pm, pte_pfn(p));
}

static inline uint64_t tl_rss(struct tl_env *e)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < MAX_NUMNODES; i++)
		n += tl_mm(e)->rss_node[i];
	return n;
}

/* Pages a test took from the allocator itself (to fill or fragment a node). */
struct tl_held {
	uint64_t *pfn;
	uint8_t *order;
	size_t nr, cap;
};

static inline void tl_hold(struct tl_held *h, uint64_t pfn, uint32_t order)
{
	if (h->nr == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->pfn = realloc(h->pfn, h->cap * sizeof(*h->pfn));
		h->order = realloc(h->order, h->cap * sizeof(*h->order));
		assert_non_null(h->pfn);
		assert_non_null(h->order);
	}
	h->pfn[h->nr] = pfn;
	h->order[h->nr++] = (uint8_t)order;
}

/* Take every block of node @nid the min watermark allows, largest first, down
 * to @min_order; remember them in @h (tl_put_page() each, then tl_held_free()). */
static inline void tl_drain_node(struct phys_mem *pm, uint32_t nid, uint32_t min_order,
				 struct tl_held *h)
{
	for (int o = MAX_PAGE_ORDER; o >= (int)min_order; o--) {
		uint64_t pfn;

		while ((pfn = alloc_pages_node(pm, nid, (uint32_t)o, WMARK_MIN)) != PFN_NONE)
			tl_hold(h, pfn, (uint32_t)o);
	}
}

static inline void tl_put_page(struct phys_mem *pm, uint64_t pfn)
{
	pfn_folio(pm, pfn)->refcount = 0;
	free_folio_pages(pm, pfn);
}

static inline void tl_held_free(struct tl_held *h)
{
	free(h->pfn);
	free(h->order);
	memset(h, 0, sizeof(*h));
}

#endif
