// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/workload.c - building blocks, the validator and the spec parser.
 *
 * A workload is plain data (workload.h). This file grows it, checks its
 * invariants, and turns "NAME:key=value,..." into a call of generator NAME
 * (builtin.c, generic.c, tiering.c) after checking every value, so generators
 * never see a malformed parameter. Bad input is the user's error: -1 and a
 * message naming the key; an invalid generated workload is a generator bug.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/debug.h"
#include "core/err.h"
#include "core/parse.h"
#include "machine/machine.h"
#include "workload/internal.h"
#include "workload/trace.h"

#define WL_TYPE_PTR(n, name) &wl_type_##n,
static const struct wl_type *const wl_types[] = { WL_TYPE_LIST(WL_TYPE_PTR) };
#undef WL_TYPE_PTR

#define WL_TYPE_NAME(n, name) name,
const char *const workload_names[] = { WL_TYPE_LIST(WL_TYPE_NAME) NULL };
#undef WL_TYPE_NAME

#define NONE UINT32_MAX
#define VALUE_SHOWN 64	/* at most this much of a bad value is quoted back */

/* ---- names ---- */

static const char *const wl_op_names[NR_WL_OPS] = {
	[WL_MMAP] = "mmap",		[WL_MUNMAP] = "munmap",
	[WL_MPROTECT] = "mprotect",	[WL_MADVISE] = "madvise",
	[WL_SET_MEMPOLICY] = "set_mempolicy", [WL_MBIND] = "mbind",
	[WL_SWEEP] = "sweep",		[WL_RANDOM] = "random",
	[WL_SKEWED] = "skewed",		[WL_SPAWN] = "spawn",
	[WL_JOIN] = "join",		[WL_BARRIER] = "barrier",
	[WL_SLEEP] = "sleep",		[WL_COMPUTE] = "compute",
	[WL_SET_AFFINITY] = "sched_setaffinity", [WL_FORK] = "fork",
	[WL_GAUSS] = "gauss",		[WL_LOOKUP] = "lookup",
	[WL_DEV_MIGRATE] = "device_migrate", [WL_DEV_KERNEL] = "device_kernel",
	[WL_MREMAP] = "mremap",		[WL_MOVE_PAGES] = "move_pages",
	[WL_MIGRATE_PAGES] = "migrate_pages", [WL_SET_CPUS] = "sched_setaffinity_cpus",
	[WL_ZIPF] = "zipf",		[WL_CHASE] = "chase",
	[WL_TRACE] = "trace",
};

const char *wl_op_name(enum wl_op op)
{
	return (unsigned)op < NR_WL_OPS ? wl_op_names[op] : "?";
}

static const struct wl_type *find_type(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(wl_types); i++)
		if (strlen(wl_types[i]->name) == len && !memcmp(wl_types[i]->name, name, len))
			return wl_types[i];
	return NULL;
}

const char *workload_help(const char *name)
{
	const struct wl_type *t = name ? find_type(name, strlen(name)) : NULL;

	return t ? t->help : NULL;
}

/* ---- building blocks ---- */

/* Out of host memory while building: there is nothing sensible to fall back to. */
sim_noreturn sim_cold static void wl_oom(void)
{
	err_print("numasim", "out of memory building the workload");
	abort();
}

/* Return @arr with room for element @nr (of @size bytes); *@cap grows by doubling. */
static void *wl_grow(void *arr, uint32_t nr, uint32_t *cap, size_t size)
{
	if (nr < *cap)
		return arr;
	size_t ncap = array_next_cap(*cap, nr + 1ull, 8, UINT32_MAX);
	*cap = (uint32_t)ncap;
	return xreallocarray(arr, ncap, size);
}

uint32_t wl_add_program(struct workload *wl)
{
	wl->programs = wl_grow(wl->programs, wl->nr_programs, &wl->cap_programs,
			       sizeof(*wl->programs));
	wl->programs[wl->nr_programs] = (struct wl_program){ 0 };
	return wl->nr_programs++;
}

uint32_t wl_add_process(struct workload *wl, uint32_t main_program)
{
	wl->procs = wl_grow(wl->procs, wl->nr_procs, &wl->cap_procs, sizeof(*wl->procs));
	wl->procs[wl->nr_procs] = (struct wl_process){ .main_program = main_program };
	return wl->nr_procs++;
}

/* The pointer is valid until the next phase is added to the same program. */
struct wl_phase *wl_add_phase(struct workload *wl, uint32_t program, enum wl_op op)
{
	VM_BUG_ON(program >= wl->nr_programs);
	struct wl_program *p = &wl->programs[program];

	p->phases = wl_grow(p->phases, p->nr_phases, &p->cap, sizeof(*p->phases));
	struct wl_phase *ph = &p->phases[p->nr_phases++];
	*ph = (struct wl_phase){ .op = op };
	return ph;
}

uint32_t wl_add_mmap(struct workload *wl, uint32_t proc, uint64_t len)
{
	struct wl_phase *ph = wl_add_phase(wl, wl->procs[proc].main_program, WL_MMAP);

	ph->region = wl->procs[proc].nr_regions++;
	ph->len = len;
	return ph->region;
}

void wl_add_sweep(struct workload *wl, uint32_t prog, uint32_t region, uint64_t off,
		  uint64_t len, uint64_t count, enum wl_access access)
{
	struct wl_phase *ph = wl_add_phase(wl, prog, WL_SWEEP);

	ph->region = region;
	ph->off = off;
	ph->len = len;
	ph->count = count;
	ph->access = access;
}

void wl_add_store_sweep(struct workload *wl, uint32_t prog, uint32_t region, uint64_t off,
			uint64_t len, uint64_t count, enum wl_store store)
{
	wl_add_sweep(wl, prog, region, off, len, count, WL_WRITE);
	wl->programs[prog].phases[wl->programs[prog].nr_phases - 1].store = store;
}

enum wl_store wl_memset_store(const struct machine *m)
{
	return m->erms ? WL_STORE_NT : WL_STORE_RFO;
}

void wl_add_policy(struct workload *wl, uint32_t prog, enum mpol_mode mode, nodemask_t nodes)
{
	wl_add_phase(wl, prog, WL_SET_MEMPOLICY)->pol = (struct mempolicy){ mode, nodes };
}

void wl_add_spawn(struct workload *wl, uint32_t prog, uint32_t target)
{
	wl_add_phase(wl, prog, WL_SPAWN)->target = target;
}

uint32_t wl_add_barrier(struct workload *wl, uint32_t parties)
{
	uint32_t *p = realloc(wl->barrier_parties, (wl->nr_barriers + 1ull) * sizeof(*p));

	if (!p || wl->nr_barriers == UINT32_MAX)
		wl_oom();
	p[wl->nr_barriers] = parties;
	wl->barrier_parties = p;
	return wl->nr_barriers++;
}

uint32_t wl_add_cpuset(struct workload *wl)
{
	struct wl_cpuset *c = realloc(wl->cpusets, (wl->nr_cpusets + 1ull) * sizeof(*c));

	if (!c || wl->nr_cpusets == UINT32_MAX)
		wl_oom();
	c[wl->nr_cpusets] = (struct wl_cpuset){ { 0 } };
	wl->cpusets = c;
	return wl->nr_cpusets++;
}

void wl_slice(uint64_t size, uint32_t n, uint32_t i, uint64_t *off, uint64_t *len)
{
	/* i * size < 2^58 under the builder limits (WL_MAX_THREADS, WL_MAX_SIZE). */
	uint64_t lo = ALIGN_DOWN(size * i / n, WL_PAGE_SIZE);
	uint64_t hi = i + 1 == n ? size : ALIGN_DOWN(size * (i + 1) / n, WL_PAGE_SIZE);

	*off = lo;
	*len = hi - lo;
}

void workload_free(struct workload *wl)
{
	for (uint32_t i = 0; i < wl->nr_programs; i++)
		free(wl->programs[i].phases);
	free(wl->programs);
	free(wl->procs);
	free(wl->barrier_parties);
	free(wl->cpusets);
	for (uint32_t i = 0; i < wl->nr_traces; i++)
		wl->trace_free(wl->traces[i]);	/* set by the trace reader that added it */
	free(wl->traces);
	*wl = (struct workload){ 0 };
}

/* ---- messages ---- */

int wl_fail(const struct wl_ctx *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	errorf(c->err, c->errlen, "workload '%s': %s", c->name, what);
	return -1;
}

/* ---- validation ---- */

/*
 * State of one workload_validate() run. Programs are visited in topological
 * order of the spawn and fork graph (spawners and forkers first), so by the
 * time a program is checked, every site that starts it has fixed its process
 * and the regions it may use.
 *
 * Forked processes: each program that WL_FORK starts is the main program of
 * a process of its own, numbered after procs[] in program order (check_forks).
 * At run time one such process exists per fork executed, but all of them look
 * alike here: every fork of a program is in the same forking program, and
 * each of those fork sites has the same number of regions created, so the
 * child always inherits the same regions. Region r of a forked process below
 * that number is region r of its parent process (region_size()); its own
 * mmaps continue the numbering.
 */
struct wl_check {
	const struct workload *wl;
	char *err;
	size_t errlen;
	uint32_t nr_procs;	/* procs[] and then one per forked program */
	uint8_t *is_main;	/* program is some process's main program */
	uint32_t *owner;	/* process whose threads run the program, or NONE */
	uint32_t *avail;	/* regions created before every spawn of the program */
	uint32_t *forker;	/* per program: the program that forks it, or NONE */
	uint32_t *order;	/* programs, starters before the programs they start */
	uint32_t *indeg;	/* spawn_order(): start sites not yet ordered, per program */
	uint32_t *region_base;	/* per process: index of its first own region in sizes[] */
	uint32_t *inherited;	/* per process: regions inherited at the fork (0: none) */
	uint32_t *parent;	/* per process: the process it is forked from, or NONE */
	uint64_t *sizes;	/* sizes of the regions each process creates, process by process */
	uint64_t *reach;	/* per program: threads reaching the barrier being counted */
};

sim_printf(2, 3) static int check_fail(struct wl_check *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrorf(k->err, k->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Fail with "program P phase I (op): <fmt>". */
sim_printf(4, 5) static int phase_fail(struct wl_check *k, uint32_t p, uint32_t i,
				       const char *fmt, ...)
{
	char what[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return check_fail(k, "program %" PRIu32 " phase %" PRIu32 " (%s): %s", p, i,
			  wl_op_name(k->wl->programs[p].phases[i].op), what);
}

static bool op_has_range(enum wl_op op)
{
	switch (op) {
	case WL_MUNMAP: case WL_MPROTECT: case WL_MADVISE: case WL_MBIND:
	case WL_SWEEP: case WL_RANDOM: case WL_SKEWED: case WL_GAUSS: case WL_LOOKUP:
	case WL_DEV_MIGRATE: case WL_DEV_KERNEL:
	case WL_MREMAP: case WL_MOVE_PAGES: case WL_ZIPF: case WL_CHASE:
		return true;
	default:
		return false;
	}
}

static bool is_frac(double x)
{
	return x >= 0.0 && x <= 1.0;	/* false for NaN too */
}

static int check_policy(struct wl_check *k, uint32_t p, uint32_t i, const struct mempolicy *pol)
{
	if ((unsigned)pol->mode >= NR_MPOL_MODES)
		return phase_fail(k, p, i, "unknown policy mode %d", (int)pol->mode);
	/* kernel: set_mempolicy(MPOL_DEFAULT) with a nonempty mask is -EINVAL */
	if ((pol->mode == MPOL_DEFAULT || pol->mode == MPOL_LOCAL) && pol->nodes)
		return phase_fail(k, p, i, "%s takes no nodes",
				  pol->mode == MPOL_LOCAL ? "MPOL_LOCAL" : "MPOL_DEFAULT");
	if (pol->flags & ~(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING))
		return phase_fail(k, p, i, "unknown policy flags 0x%" PRIx32, pol->flags);
	/* kernel: sanitize_mpol_flags() */
	if ((pol->flags & MPOL_F_STATIC_NODES) && (pol->flags & MPOL_F_RELATIVE_NODES))
		return phase_fail(k, p, i, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES "
				  "exclude each other");
	if ((pol->flags & MPOL_F_NUMA_BALANCING) && pol->mode != MPOL_BIND &&
	    pol->mode != MPOL_PREFERRED_MANY)
		return phase_fail(k, p, i, "MPOL_F_NUMA_BALANCING needs MPOL_BIND or "
				  "MPOL_PREFERRED_MANY");
	/* kernel: mpol_new() */
	if (pol->mode == MPOL_LOCAL && (pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
		return phase_fail(k, p, i, "MPOL_LOCAL takes no MPOL_F_STATIC_NODES or "
				  "MPOL_F_RELATIVE_NODES");
	if (pol->mode != MPOL_DEFAULT && pol->mode != MPOL_LOCAL && !pol->nodes)
		return phase_fail(k, p, i, "policy %s needs at least one node",
				  mpol_mode_name(pol->mode));
	if (MAX_NUMNODES < 64 && pol->nodes >> MAX_NUMNODES)
		return phase_fail(k, p, i, "node mask 0x%" PRIx64 " names nodes above %d",
				  pol->nodes, MAX_NUMNODES - 1);
	return 0;
}

static int check_access(struct wl_check *k, uint32_t p, uint32_t i, const struct wl_phase *ph)
{
	if (!ph->count && !ph->duration_ns)
		return phase_fail(k, p, i, "count is 0 and no duration");
	if (ph->count && ph->duration_ns)
		return phase_fail(k, p, i, "a count and a duration: give one");
	if (ph->access != WL_READ && ph->access != WL_WRITE && ph->access != WL_RW)
		return phase_fail(k, p, i, "bad access %d", (int)ph->access);
	if (ph->store != WL_STORE_RFO && ph->store != WL_STORE_NT)
		return phase_fail(k, p, i, "bad store kind %d", (int)ph->store);
	if (ph->op == WL_SWEEP && ph->stride && (ph->stride % 64 || ph->stride > ph->len))
		return phase_fail(k, p, i, "stride %" PRIu64 " must be a multiple of 64 and "
				  "at most the length", ph->stride);
	if (ph->op == WL_SWEEP)
		return 0;
	if (ph->op == WL_ZIPF && !(ph->zipf_s > 0.0 && ph->zipf_s <= 100.0))
		return phase_fail(k, p, i, "zipf exponent %g is not in (0, 100]", ph->zipf_s);
	if (!is_frac(ph->write_ratio))
		return phase_fail(k, p, i, "write_ratio %g is not in [0, 1]", ph->write_ratio);
	if (ph->op == WL_SKEWED && !(ph->hot_frac > 0.0 && ph->hot_frac <= 1.0))
		return phase_fail(k, p, i, "hot_frac %g is not in (0, 1]", ph->hot_frac);
	if (ph->op == WL_SKEWED && !is_frac(ph->hot_prob))
		return phase_fail(k, p, i, "hot_prob %g is not in [0, 1]", ph->hot_prob);
	if (ph->op == WL_GAUSS && !(ph->stddev > 0.0 && ph->stddev <= 1.0))
		return phase_fail(k, p, i, "stddev %g is not in (0, 1]", ph->stddev);
	return 0;
}

/* The table's parts fit the range, each holds something; the work range is page-aligned. */
static int check_lookup(struct wl_check *k, uint32_t p, uint32_t i, const struct wl_phase *ph)
{
	const struct wl_lookup *lk = &ph->lk;

	if (!lk->gathers || lk->gathers > WL_LOOKUP_MAX_GATHERS)
		return phase_fail(k, p, i, "gathers %" PRIu32 " is not in [1, %u]", lk->gathers,
				  WL_LOOKUP_MAX_GATHERS);
	if (lk->data_len < 64 || lk->keys_len < 8 || lk->keys_len % 8 ||
	    lk->data_len > ph->len || lk->keys_len > ph->len - lk->data_len ||
	    ph->len - lk->data_len - lk->keys_len < lk->keys_len / 8)
		return phase_fail(k, p, i, "%" PRIu64 " bytes of records and %" PRIu64 " of keys "
				  "in a table of %" PRIu64 ": need 64 or more, a nonzero multiple "
				  "of 8, and a byte of row per key", lk->data_len, lk->keys_len,
				  ph->len);
	if (!lk->work_len || !IS_ALIGNED(lk->work_len, WL_PAGE_SIZE) ||
	    !IS_ALIGNED(lk->work_off, WL_PAGE_SIZE))
		return phase_fail(k, p, i, "work offset %" PRIu64 " and length %" PRIu64
				  " must be page multiples, the length nonzero", lk->work_off,
				  lk->work_len);
	return check_access(k, p, i, ph);
}

/* Checks that need no other phase: field ranges and index bounds. */
static int check_phase(struct wl_check *k, uint32_t p, uint32_t i)
{
	const struct workload *wl = k->wl;
	const struct wl_phase *ph = &wl->programs[p].phases[i];

	if ((unsigned)ph->op >= NR_WL_OPS)
		return phase_fail(k, p, i, "unknown op %d", (int)ph->op);
	if ((ph->op == WL_MMAP || op_has_range(ph->op)) &&
	    (!ph->len || !IS_ALIGNED(ph->len, WL_PAGE_SIZE) || !IS_ALIGNED(ph->off, WL_PAGE_SIZE)))
		return phase_fail(k, p, i, "offset %" PRIu64 " and length %" PRIu64
				  " must be page multiples, the length nonzero", ph->off, ph->len);
	switch (ph->op) {
	case WL_MMAP:
		if (!k->is_main[p])
			return phase_fail(k, p, i, "only a main program may create a region");
		if (ph->arg & ~WL_MAP_SHARED)
			return phase_fail(k, p, i, "unknown mmap flags 0x%" PRIx32, ph->arg);
		if (ph->align && (ph->align < WL_PAGE_SIZE || (ph->align & (ph->align - 1)) ||
				  ph->align > (1ull << 40)))
			return phase_fail(k, p, i, "alignment %" PRIu64 " must be a power of two "
					  "from a page to 1 TiB", ph->align);
		return 0;
	case WL_MPROTECT:
		if (ph->arg != WL_PROT_NONE && ph->arg != WL_PROT_READ && ph->arg != WL_PROT_RW)
			return phase_fail(k, p, i, "bad protection %" PRIu32, ph->arg);
		return 0;
	case WL_MADVISE:
		if (ph->arg >= NR_MM_MADV)
			return phase_fail(k, p, i, "bad advice %" PRIu32, ph->arg);
		return 0;
	case WL_MBIND:
		if (ph->arg & ~WL_MBIND_MOVE)
			return phase_fail(k, p, i, "unknown mbind flags 0x%" PRIx32, ph->arg);
		return check_policy(k, p, i, &ph->pol);
	case WL_SET_MEMPOLICY:
		return check_policy(k, p, i, &ph->pol);
	case WL_SET_AFFINITY:
		if (!ph->pol.nodes)
			return phase_fail(k, p, i, "an affinity needs at least one node");
		return 0;
	case WL_SWEEP:
	case WL_RANDOM:
	case WL_SKEWED:
	case WL_GAUSS:
	case WL_ZIPF:
	case WL_CHASE:
		return check_access(k, p, i, ph);
	case WL_MREMAP:
		if (!ph->new_len || !IS_ALIGNED(ph->new_len, WL_PAGE_SIZE))
			return phase_fail(k, p, i, "new length %" PRIu64 " must be a nonzero page "
					  "multiple", ph->new_len);
		return 0;
	case WL_MOVE_PAGES:
		if (!ph->pol.nodes)
			return phase_fail(k, p, i, "move_pages needs at least one node");
		return 0;
	case WL_MIGRATE_PAGES:
		if (!ph->pol.nodes || !ph->to_nodes)
			return phase_fail(k, p, i, "migrate_pages needs old and new nodes");
		return 0;
	case WL_SET_CPUS:
		if (ph->target >= wl->nr_cpusets)
			return phase_fail(k, p, i, "CPU set %" PRIu32 " out of range (%" PRIu32
					  " sets)", ph->target, wl->nr_cpusets);
		return 0;
	case WL_TRACE:
		if (ph->target >= wl->nr_traces)
			return phase_fail(k, p, i, "trace %" PRIu32 " out of range (%" PRIu32
					  " traces)", ph->target, wl->nr_traces);
		if (!wl->traces[ph->target] || ph->arg >= wl->traces[ph->target]->nr_streams)
			return phase_fail(k, p, i, "stream %" PRIu32 " out of range", ph->arg);
		return 0;
	case WL_LOOKUP:
		return check_lookup(k, p, i, ph);
	case WL_DEV_MIGRATE:
		if (ph->arg > WL_TO_SYSTEM)
			return phase_fail(k, p, i, "bad direction %" PRIu32, ph->arg);
		return 0;
	case WL_DEV_KERNEL:
		if (ph->duration_ns)
			return phase_fail(k, p, i, "a device kernel takes passes, not a duration");
		if (ph->target >= MAX_NUMNODES)
			return phase_fail(k, p, i, "device node %" PRIu32 " out of range", ph->target);
		return check_access(k, p, i, ph);
	case WL_SPAWN:
		if (ph->target >= wl->nr_programs)
			return phase_fail(k, p, i, "program %" PRIu32 " out of range (%" PRIu32
					  " programs)", ph->target, wl->nr_programs);
		if (k->is_main[ph->target])
			return phase_fail(k, p, i, "program %" PRIu32 " is a main program",
					  ph->target);
		return 0;
	case WL_FORK:
		if (!k->is_main[p])	/* keeps forks simple: no thread forks */
			return phase_fail(k, p, i, "only a main program may fork");
		return 0;
	case WL_BARRIER:
		if (ph->target >= wl->nr_barriers)
			return phase_fail(k, p, i, "barrier %" PRIu32 " out of range (%" PRIu32
					  " barriers)", ph->target, wl->nr_barriers);
		return 0;
	default:
		return 0;
	}
}

static int check_procs(struct wl_check *k)
{
	const struct workload *wl = k->wl;

	if (!wl->nr_procs)
		return check_fail(k, "workload has no process");
	for (uint32_t i = 0; i < wl->nr_procs; i++) {
		uint32_t mp = wl->procs[i].main_program;

		if (mp >= wl->nr_programs)
			return check_fail(k, "process %" PRIu32 ": main program %" PRIu32
					  " out of range (%" PRIu32 " programs)", i, mp,
					  wl->nr_programs);
		if (k->is_main[mp])
			return check_fail(k, "process %" PRIu32 ": program %" PRIu32
					  " is already the main program of process %" PRIu32,
					  i, mp, k->owner[mp]);
		k->is_main[mp] = 1;
		k->owner[mp] = i;
	}
	return 0;
}

/*
 * Forked programs are main programs of new processes: mark them before the
 * per-phase checks, which treat main programs apart. A program is forked from
 * one program only, and is no other process's main program.
 */
static int check_forks(struct wl_check *k)
{
	const struct workload *wl = k->wl;

	k->nr_procs = wl->nr_procs;
	for (uint32_t p = 0; p < wl->nr_programs; p++) {
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++) {
			const struct wl_phase *ph = &wl->programs[p].phases[i];
			uint32_t t = ph->target;

			if (ph->op != WL_FORK)
				continue;
			if (t >= wl->nr_programs)
				return phase_fail(k, p, i, "program %" PRIu32 " out of range (%" PRIu32
						  " programs)", t, wl->nr_programs);
			if (k->forker[t] == p)
				continue;
			if (k->forker[t] != NONE)
				return phase_fail(k, p, i, "program %" PRIu32 " is also forked by "
						  "program %" PRIu32, t, k->forker[t]);
			if (k->is_main[t])
				return phase_fail(k, p, i, "program %" PRIu32 " is the main program "
						  "of process %" PRIu32, t, k->owner[t]);
			k->forker[t] = p;
			k->is_main[t] = 1;
			k->owner[t] = k->nr_procs++;
		}
	}
	return 0;
}

/* The phase starts another program: a thread (spawn) or a process (fork). */
static bool starts_program(const struct wl_phase *ph)
{
	return ph->op == WL_SPAWN || ph->op == WL_FORK;
}

/* Kahn's algorithm over spawn and fork edges; a cycle would start tasks forever. */
static int spawn_order(struct wl_check *k)
{
	const struct workload *wl = k->wl;
	uint32_t *indeg = k->indeg;
	uint32_t head = 0, tail = 0;

	for (uint32_t p = 0; p < wl->nr_programs; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++)
			if (starts_program(&wl->programs[p].phases[i]))
				indeg[wl->programs[p].phases[i].target]++;
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		if (!indeg[p])
			k->order[tail++] = p;
	while (head < tail) {
		const struct wl_program *prog = &wl->programs[k->order[head++]];

		for (uint32_t i = 0; i < prog->nr_phases; i++)
			if (starts_program(&prog->phases[i]) && !--indeg[prog->phases[i].target])
				k->order[tail++] = prog->phases[i].target;
	}
	for (uint32_t p = 0; tail < wl->nr_programs; p++)
		if (indeg[p])
			return check_fail(k, "program %" PRIu32 " is started through a spawn "
					  "cycle or a fork cycle (tasks would start tasks forever)",
					  p);
	return 0;
}

/* Each spawn of @t starts a thread of process @proc with @nr regions created. */
static int note_spawn(struct wl_check *k, uint32_t t, uint32_t proc, uint32_t nr)
{
	if (k->owner[t] == NONE) {
		k->owner[t] = proc;
		k->avail[t] = nr;
	} else if (k->owner[t] != proc) {
		return check_fail(k, "program %" PRIu32 " is run by threads of process %" PRIu32
				  " and of process %" PRIu32, t, k->owner[t], proc);
	}
	k->avail[t] = MIN(k->avail[t], nr);
	return 0;
}

/* Fork site @i of @p forks program @t with @nr regions of process @proc created. */
static int note_fork(struct wl_check *k, uint32_t p, uint32_t i, uint32_t t, uint32_t proc,
		     uint32_t nr)
{
	uint32_t child = k->owner[t];

	if (k->parent[child] == NONE) {
		k->parent[child] = proc;
		k->inherited[child] = nr;
	} else if (k->inherited[child] != nr) {
		return phase_fail(k, p, i, "forks program %" PRIu32 " with %" PRIu32 " region(s) "
				  "created, another fork of it with %" PRIu32, t, nr,
				  k->inherited[child]);
	}
	return 0;
}

/* Size of region @r of process @proc, inherited from its parents or its own. */
static uint64_t region_size(const struct wl_check *k, uint32_t proc, uint32_t r)
{
	while (r < k->inherited[proc])
		proc = k->parent[proc];
	return k->sizes[k->region_base[proc] + r - k->inherited[proc]];
}

/* Index in sizes[] of region @r of process @proc (its own or inherited). */
static uint64_t region_slot(const struct wl_check *k, uint32_t proc, uint32_t r)
{
	while (r < k->inherited[proc])
		proc = k->parent[proc];
	return k->region_base[proc] + r - k->inherited[proc];
}

/* A phase of @p uses a region: is it created yet, and is the range inside it? */
static int check_region_use(struct wl_check *k, uint32_t p, uint32_t i, uint32_t nr_created)
{
	const struct wl_phase *ph = &k->wl->programs[p].phases[i];

	if (ph->region >= nr_created)
		return phase_fail(k, p, i, "uses region %" PRIu32 " before it is created (%" PRIu32
				  " region(s) exist here)", ph->region, nr_created);
	uint64_t size = region_size(k, k->owner[p], ph->region);
	if (ph->off > size || ph->len > size - ph->off)
		return phase_fail(k, p, i, "range [%" PRIu64 ", +%" PRIu64 ") lies outside region %"
				  PRIu32 " of %" PRIu64 " bytes", ph->off, ph->len, ph->region, size);
	if (ph->op == WL_LOOKUP &&
	    (ph->lk.work_off > size || ph->lk.work_len > size - ph->lk.work_off))
		return phase_fail(k, p, i, "work range [%" PRIu64 ", +%" PRIu64 ") lies outside "
				  "region %" PRIu32 " of %" PRIu64 " bytes", ph->lk.work_off,
				  ph->lk.work_len, ph->region, size);
	return 0;
}

/* Walk program @p in process order: regions, spawns, region uses. */
static int check_program_regions(struct wl_check *k, uint32_t p)
{
	const struct wl_program *prog = &k->wl->programs[p];
	uint32_t proc = k->owner[p];

	if (proc == NONE)
		return check_fail(k, "program %" PRIu32 " is never run (no process starts it)", p);
	uint32_t nr = k->is_main[p] ? k->inherited[proc] : k->avail[p];
	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		const struct wl_phase *ph = &prog->phases[i];

		if (ph->op == WL_MMAP) {
			if (ph->region != nr)
				return phase_fail(k, p, i, "creates region %" PRIu32 ", but the next "
						  "region is %" PRIu32, ph->region, nr);
			/* the engine's address space holds MM_MAX_REGIONS (mm/mm.h) */
			if (nr >= WL_MAX_REGIONS)
				return phase_fail(k, p, i, "more than %u regions in one process",
						  WL_MAX_REGIONS);
			k->sizes[k->region_base[proc] + nr++ - k->inherited[proc]] = ph->len;
		} else if (ph->op == WL_SPAWN) {
			if (note_spawn(k, ph->target, proc, nr))
				return -1;
		} else if (ph->op == WL_FORK) {
			if (note_fork(k, p, i, ph->target, proc, nr))
				return -1;
		} else if (op_has_range(ph->op) && check_region_use(k, p, i, nr)) {
			return -1;
		} else if (ph->op == WL_MREMAP) {
			/* the region is the new mapping from here on */
			if (!k->is_main[p])
				return phase_fail(k, p, i, "only a main program may mremap a "
						  "region");
			if (ph->region < k->inherited[proc])
				return phase_fail(k, p, i, "region %" PRIu32 " is inherited from "
						  "the parent process: mremap it there",
						  ph->region);
			k->sizes[region_slot(k, proc, ph->region)] = ph->new_len;
		}
	}
	if (k->is_main[p] && proc < k->wl->nr_procs && nr != k->wl->procs[proc].nr_regions)
		return check_fail(k, "process %" PRIu32 ": nr_regions is %" PRIu32 ", but its main "
				  "program %" PRIu32 " creates %" PRIu32, proc,
				  k->wl->procs[proc].nr_regions, p, nr);
	return 0;
}

/* Region tables: each process's slots in sizes[] hold what its own mmaps create. */
static int alloc_regions(struct wl_check *k)
{
	const struct workload *wl = k->wl;
	uint64_t total = 0;
	uint32_t n = k->nr_procs + 1;	/* + 1: calloc(0) may return NULL */

	k->region_base = calloc(n, sizeof(*k->region_base));
	k->inherited = calloc(n, sizeof(*k->inherited));
	k->parent = malloc(n * sizeof(*k->parent));
	if (!k->region_base || !k->inherited || !k->parent)
		return check_fail(k, "out of memory");
	memset(k->parent, 0xff, n * sizeof(*k->parent));	/* NONE */
	for (uint32_t p = 0; p < wl->nr_programs; p++) {
		const struct wl_program *prog = &wl->programs[p];

		if (!k->is_main[p])
			continue;
		k->region_base[k->owner[p]] = (uint32_t)total;
		for (uint32_t j = 0; j < prog->nr_phases; j++)
			total += prog->phases[j].op == WL_MMAP;
		if (total > UINT32_MAX)
			return check_fail(k, "too many regions");
	}
	k->sizes = calloc(total + 1, sizeof(*k->sizes));
	return k->sizes ? 0 : check_fail(k, "out of memory");
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* Threads that reach barrier @b, counted from each main program down. */
static int check_barrier(struct wl_check *k, uint32_t b)
{
	const struct workload *wl = k->wl;
	uint64_t total = 0;

	for (uint32_t n = wl->nr_programs; n-- > 0;) {
		uint32_t p = k->order[n];
		const struct wl_program *prog = &wl->programs[p];
		uint64_t r = 0;
		bool self = false;

		for (uint32_t i = 0; i < prog->nr_phases; i++) {
			if (prog->phases[i].op == WL_BARRIER && prog->phases[i].target == b)
				self = true;
			else if (starts_program(&prog->phases[i]))
				r = add_sat(r, k->reach[prog->phases[i].target]);
		}
		k->reach[p] = add_sat(r, self);	/* a thread counts once, however often it waits */
	}
	/* forked processes are counted through their forks */
	for (uint32_t i = 0; i < wl->nr_procs; i++)
		total = add_sat(total, k->reach[wl->procs[i].main_program]);
	if (total != wl->barrier_parties[b])
		return check_fail(k, "barrier %" PRIu32 ": nr_parties is %" PRIu32 ", but %" PRIu64
				  " threads reach it", b, wl->barrier_parties[b], total);
	return 0;
}

static int check_alloc(struct wl_check *k)
{
	uint32_t n = k->wl->nr_programs + 1;	/* + 1: calloc(0) may return NULL */

	k->is_main = calloc(n, sizeof(*k->is_main));
	k->owner = malloc(n * sizeof(*k->owner));
	k->avail = calloc(n, sizeof(*k->avail));
	k->forker = malloc(n * sizeof(*k->forker));
	k->order = calloc(n, sizeof(*k->order));
	k->indeg = calloc(n, sizeof(*k->indeg));
	k->reach = calloc(n, sizeof(*k->reach));
	if (!k->is_main || !k->owner || !k->avail || !k->forker || !k->order || !k->indeg ||
	    !k->reach)
		return check_fail(k, "out of memory");
	memset(k->owner, 0xff, n * sizeof(*k->owner));	/* NONE */
	memset(k->forker, 0xff, n * sizeof(*k->forker));
	return 0;
}

static int check_all(struct wl_check *k)
{
	const struct workload *wl = k->wl;

	if (check_alloc(k) || check_procs(k) || check_forks(k))
		return -1;
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++)
			if (check_phase(k, p, i))
				return -1;
	if (spawn_order(k) || alloc_regions(k))
		return -1;
	for (uint32_t n = 0; n < wl->nr_programs; n++)
		if (check_program_regions(k, k->order[n]))
			return -1;
	if (wl->nr_barriers && !wl->barrier_parties)
		return check_fail(k, "%" PRIu32 " barriers but no barrier_parties", wl->nr_barriers);
	for (uint32_t b = 0; b < wl->nr_barriers; b++)
		if (check_barrier(k, b))
			return -1;
	return 0;
}

int workload_validate(const struct workload *wl, char *err, size_t errlen)
{
	struct wl_check k = { .wl = wl, .err = err, .errlen = errlen };
	int rc = check_all(&k);

	free(k.is_main);
	free(k.owner);
	free(k.avail);
	free(k.forker);
	free(k.order);
	free(k.indeg);
	free(k.reach);
	free(k.region_base);
	free(k.inherited);
	free(k.parent);
	free(k.sizes);
	return rc;
}

/* ---- spec values ---- */

static const struct {
	char suffix;
	unsigned shift;
} size_units[] = { { 'T', 40 }, { 'G', 30 }, { 'M', 20 }, { 'K', 10 } };

/* The numbers of core/parse.h. */
static bool parse_digits(const char *s, size_t n, uint64_t *out)
{
	return parse_u64(s, n, 0, UINT64_MAX, out) == PARSE_OK;
}

bool wl_parse_decimal(const char *s, size_t n, double *out)
{
	return parse_double(s, n, out) == PARSE_OK;
}

/* Index of @s in "a|b|c", or -1. */
static int find_choice(const char *choices, const char *s, size_t n)
{
	int idx = 0;

	for (const char *c = choices; *c; idx++) {
		size_t len = strcspn(c, "|");

		if (len == n && !memcmp(c, s, n))
			return idx;
		c += len + (c[len] == '|');
	}
	return -1;
}

/* The @idx-th choice of "a|b|c" as (*len bytes at the returned pointer). */
static const char *choice_at(const char *choices, uint64_t idx, size_t *len)
{
	const char *c = choices;

	for (; idx; idx--)
		c += strcspn(c, "|") + 1;
	*len = strcspn(c, "|");
	return c;
}

/* "3G", "1536M", "256K": the largest unit that divides; sizes are 4K multiples. */
static void format_size(char *buf, size_t len, uint64_t v)
{
	for (size_t u = 0; u < ARRAY_SIZE(size_units); u++)
		if (v && IS_ALIGNED(v, 1ull << size_units[u].shift)) {
			snprintf(buf, len, "%" PRIu64 "%c", v >> size_units[u].shift,
				 size_units[u].suffix);
			return;
		}
	snprintf(buf, len, "%" PRIu64, v);
}

/* Shortest text that reads back as exactly @v, so desc reproduces the run. */
static void format_frac(char *buf, size_t len, double v)
{
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, len, "%.*g", digits, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static int set_size(const struct wl_param *d, struct wl_args *a, uint32_t idx, const char *v,
		    size_t n, const struct wl_ctx *c)
{
	char lo[24], hi[24];
	int shown = (int)MIN(n, VALUE_SHOWN);

	if (parse_size(v, n, &a->u[idx]))
		return wl_fail(c, "key '%s': expected a size like 3G, got '%.*s'", d->key, shown, v);
	if (a->u[idx] < d->min || a->u[idx] > d->max || !IS_ALIGNED(a->u[idx], WL_PAGE_SIZE)) {
		format_size(lo, sizeof(lo), d->min);
		format_size(hi, sizeof(hi), d->max);
		return wl_fail(c, "key '%s': expected a multiple of 4K from %s to %s, got '%.*s'",
			       d->key, lo, hi, shown, v);
	}
	return 0;
}

static int set_uint(const struct wl_param *d, struct wl_args *a, uint32_t idx, const char *v,
		    size_t n, const struct wl_ctx *c)
{
	if (parse_digits(v, n, &a->u[idx]) && a->u[idx] >= d->min && a->u[idx] <= d->max)
		return 0;
	return wl_fail(c, "key '%s': expected an integer from %" PRIu64 " to %" PRIu64
		       ", got '%.*s'", d->key, d->min, d->max,
		       (int)MIN(n, VALUE_SHOWN), v);
}

static int set_frac(const struct wl_param *d, struct wl_args *a, uint32_t idx, const char *v,
		    size_t n, const struct wl_ctx *c)
{
	double x;

	if (wl_parse_decimal(v, n, &x) && x <= 1.0 && (d->open_lo ? x > 0.0 : x >= 0.0)) {
		a->f[idx] = x;
		return 0;
	}
	return wl_fail(c, "key '%s': expected a fraction from 0 to 1%s, got '%.*s'", d->key,
		       d->open_lo ? " (above 0)" : "", (int)MIN(n, VALUE_SHOWN), v);
}

static int set_param(const struct wl_type *t, struct wl_args *a, uint32_t idx, const char *v,
		     size_t n, const struct wl_ctx *c)
{
	const struct wl_param *d = &t->params[idx];
	int choice;

	switch (d->kind) {
	case WLP_SIZE:
		return set_size(d, a, idx, v, n, c);
	case WLP_UINT:
		return set_uint(d, a, idx, v, n, c);
	case WLP_FRAC:
		return set_frac(d, a, idx, v, n, c);
	case WLP_CHOICE:
		choice = find_choice(d->choices, v, n);
		if (choice < 0)
			return wl_fail(c, "key '%s': expected one of %s, got '%.*s'", d->key,
				       d->choices, (int)MIN(n, VALUE_SHOWN), v);
		a->u[idx] = (uint64_t)choice;
		return 0;
	}
	return wl_fail(c, "key '%s': bad parameter kind", d->key);
}

/* ---- spec parser ---- */

static int find_param(const struct wl_type *t, const char *key, size_t n)
{
	for (uint32_t i = 0; i < t->nr_params; i++)
		if (strlen(t->params[i].key) == n && !memcmp(t->params[i].key, key, n))
			return (int)i;
	return -1;
}

static int unknown_key(const struct wl_type *t, const char *key, size_t n,
		       const struct wl_ctx *c)
{
	char keys[128] = "";
	size_t used = 0;

	for (uint32_t i = 0; i < t->nr_params && used < sizeof(keys); i++)
		used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s", i ? ", " : "",
					 t->params[i].key);
	return wl_fail(c, "unknown key '%.*s' (keys: %s)", (int)MIN(n, VALUE_SHOWN), key, keys);
}

/* One "key=value" item of @n bytes at @s. */
static int parse_item(const struct wl_type *t, struct wl_args *a, const char *s, size_t n,
		      const struct wl_ctx *c)
{
	const char *eq = memchr(s, '=', n);
	int shown = (int)MIN(n, VALUE_SHOWN);

	if (!n)
		return wl_fail(c, "empty key=value pair (a stray ',' or ':'?)");
	if (!eq)
		return wl_fail(c, "key '%.*s' needs a value (%.*s=VALUE)", shown, s, shown, s);
	size_t klen = (size_t)(eq - s);
	if (!klen)
		return wl_fail(c, "no key before '%.*s'", shown, s);
	int idx = find_param(t, s, klen);
	if (idx < 0)
		return unknown_key(t, s, klen, c);
	if (a->given[idx])
		return wl_fail(c, "key '%s' given twice", t->params[idx].key);
	a->given[idx] = true;
	return set_param(t, a, (uint32_t)idx, eq + 1, n - klen - 1, c);
}

static int parse_params(const struct wl_type *t, struct wl_args *a, const char *s,
			const struct wl_ctx *c)
{
	for (;;) {
		size_t n = strcspn(s, ",");

		if (parse_item(t, a, s, n, c))
			return -1;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

static void init_args(const struct wl_type *t, struct wl_args *a)
{
	*a = (struct wl_args){ 0 };
	for (uint32_t i = 0; i < t->nr_params; i++) {
		a->u[i] = t->params[i].def;
		a->f[i] = t->params[i].def_f;
	}
}

/* desc = "NAME:key=value,..." (trace: "trace:FILE,key=value,...") with every
 * effective value, in table order. */
static void format_desc(struct workload *wl, const struct wl_type *t, const struct wl_args *a,
			const char *file)
{
	size_t used = (size_t)snprintf(wl->desc, sizeof(wl->desc), "%s%s%s", t->name,
				       file ? ":" : "", file ? file : "");

	for (uint32_t i = 0; i < t->nr_params && used < sizeof(wl->desc); i++) {
		const struct wl_param *d = &t->params[i];
		char v[40];
		size_t n;
		const char *s;

		if (d->kind == WLP_SIZE) {
			format_size(v, sizeof(v), a->u[i]);
		} else if (d->kind == WLP_FRAC) {
			format_frac(v, sizeof(v), a->f[i]);
		} else if (d->kind == WLP_CHOICE) {
			s = choice_at(d->choices, a->u[i], &n);
			snprintf(v, sizeof(v), "%.*s", (int)n, s);
		} else {
			snprintf(v, sizeof(v), "%" PRIu64, a->u[i]);
		}
		used += (size_t)snprintf(wl->desc + used, sizeof(wl->desc) - used, "%c%s=%s",
					 i || file ? ',' : ':', d->key, v);
	}
}

int wl_resolve_size(struct wl_args *a, uint32_t idx, uint64_t min_pages, const struct wl_ctx *c)
{
	const uint64_t given = a->u[idx], min_bytes = min_pages * WL_PAGE_SIZE;
	const char *key = c->params[idx].key;
	char buf[24], min[24];

	format_size(buf, sizeof(buf), given);
	format_size(min, sizeof(min), min_bytes);
	if (a->given[idx] && given < min_bytes)
		return wl_fail(c, "key '%s': %s is below one page per slice (%" PRIu64
			       " slices need %s)", key, buf, min_pages, min);
	double v = (double)given * c->scale;
	if (!(v <= (double)WL_MAX_SIZE))
		return wl_fail(c, "key '%s': %s scaled by %g is above the limit of 64T", key, buf,
			       c->scale);
	uint64_t s = (uint64_t)v;
	/* a THP-sized buffer stays THP-sized, so scaling does not change its folios */
	if (IS_ALIGNED(given, WL_HUGE_SIZE) && s >= WL_HUGE_SIZE)
		s = ALIGN_DOWN(s, WL_HUGE_SIZE);
	else
		s = ALIGN_DOWN(s, WL_PAGE_SIZE);
	a->u[idx] = MAX(s, min_bytes);
	return 0;
}

int wl_scale_count(struct wl_args *a, uint32_t idx, const struct wl_ctx *c)
{
	double v = (double)a->u[idx] * c->scale;

	if (!(v <= (double)WL_MAX_ACCESSES))
		return wl_fail(c, "key '%s': %" PRIu64 " scaled by %g is above the limit of %"
			       PRIu64, c->params[idx].key, a->u[idx], c->scale,
			       (uint64_t)WL_MAX_ACCESSES);
	a->u[idx] = MAX(1u, (uint64_t)v);
	return 0;
}

int wl_check_inputs(const char *spec, const struct machine *m, double scale, char *err,
		    size_t errlen)
{
	if (!spec || !*spec) {
		errorf(err, errlen, "empty workload spec (expected NAME[:key=value,...])");
		return -1;
	}
	if (!(scale > 0.0 && scale <= WL_MAX_SCALE)) {
		errorf(err, errlen, "workload scale %g: expected a number above 0 and at most %g",
			scale, WL_MAX_SCALE);
		return -1;
	}
	if (!m || m->nr_nodes < 1 || m->nr_nodes > MAX_NUMNODES) {
		errorf(err, errlen, "workload '%.*s': the machine has no valid node count",
			(int)MIN(strcspn(spec, ":"), VALUE_SHOWN), spec);
		return -1;
	}
	return 0;
}

static const struct wl_type *spec_type(const char *spec, char *err, size_t errlen)
{
	size_t n = strcspn(spec, ":");
	const struct wl_type *t = find_type(spec, n);
	char names[160] = "";
	size_t used = 0;

	if (t)
		return t;
	for (size_t i = 0; i < ARRAY_SIZE(wl_types) && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
					 wl_types[i]->name);
	errorf(err, errlen, "unknown workload '%.*s' (known: %s)", (int)MIN(n, VALUE_SHOWN),
		spec, names);
	return NULL;
}

int wl_build_spec(struct workload *wl, const char *spec, const struct machine *m,
		  double scale, uint64_t seed, char *err, size_t errlen)
{
	const struct wl_type *t;
	struct wl_args a;
	char why[192];

	if (!(t = spec_type(spec, err, errlen)))
		return -1;

	struct wl_ctx c = { .name = t->name, .params = t->params, .m = m, .scale = scale,
			    .seed = seed, .err = err, .errlen = errlen };
	const char *colon = strchr(spec, ':');
	const char *params = colon ? colon + 1 : NULL;
	char *file = NULL;
	init_args(t, &a);
	if (t == &wl_type_trace && params) {
		/* trace:FILE[,key=value,...]: the file comes first */
		size_t n = strcspn(params, ",");
		file = strndup(params, n);
		if (!file)
			wl_oom();
		c.file = file;
		params = params[n] ? params + n + 1 : NULL;
	}
	if (params && parse_params(t, &a, params, &c))
		goto fail;
	snprintf(wl->name, sizeof(wl->name), "%s", t->name);
	if (t->build(wl, &a, &c))
		goto fail;
	format_desc(wl, t, &a, file);
	if (workload_validate(wl, why, sizeof(why))) {
		wl_fail(&c, "internal error: the generator made an invalid workload: %s", why);
		goto fail;
	}
	free(file);
	return 0;
fail:
	free(file);
	workload_free(wl);
	return -1;
}
