// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/tiering.c - workloads that exercise memory tiers: pmbench and
 * xsbench, a working set larger than the fast tier with a skewed access
 * pattern, and a large, mostly read table with a small written working set.
 *
 * pmbench
 * Models:     pmbench (Jisoo Yang, Intel; pmbench.1 v0.9 and pattern.c): one
 *             map shared by every worker thread, each drawing page offsets
 *             from its own pattern generator, reads and writes in a set ratio
 *             (-r, default 50% reads), the map first written whole before the
 *             timed accesses (-i), its result accesses per second.
 *             pattern=gauss is pmbench's "normal_ih" pattern (an Irwin-Hall
 *             sum of 12 uniforms centred on the middle of the set, redrawn
 *             outside it; cpu/access.h), whose standard deviation is set/12:
 *             the default stddev. pmbench's Box-Muller "normal" takes it in
 *             pages (-e, default 1 page); here it is a fraction of the set, so
 *             --scale keeps the shape.
 * SIMPLIFIED: the access unit is a 64-byte line drawn from the distribution,
 *             not a page and then an offset in it; pattern=hotcold is a
 *             two-level 80:20 skew (WL_SKEWED: hot=0.2 of the set, at its
 *             start, gets hot_prob=0.8 of the accesses), the "80-20 law"
 *             pmbench approximates with its pareto pattern (alpha 1.161);
 *             the run is a number of accesses per thread, not a duration;
 *             the map written whole before the measurement (-i) is init=main;
 *             init=thread has each thread write its share, then all wait at
 *             a barrier (pmbench's warm-up instead replays the pattern, which
 *             leaves rarely drawn pages untouched).
 * Left out:   the linear, uniform (random:shared=1), pareto and zipf patterns,
 *             mapsize larger than setsize, affinity sets.
 *
 * xsbench
 * Models:     XSBench (ANL-CESAR/XSBench, openmp-threading, event-based, the
 *             default unionized energy grid): every thread makes lookups
 *             (calculate_macro_xs), each a binary search of the unionized
 *             energy array for a random energy, then for each nuclide of the
 *             material an index-grid entry in the found energy's row and a
 *             point of that nuclide's grid; it accumulates the result in its
 *             own memory. The table is laid out as XSBench allocates it,
 *             nuclide grid, unionized energies, index grid, in the byte shares
 *             of its "large" problem (355 isotopes: 48 + 8 + 4 * 355 bytes
 *             per unionized grid point: 3.3%, 0.5%, 96.2%), and written whole
 *             by the main thread before the threads start (grid_init is
 *             serial). The two small hot parts are first touched first.
 * SIMPLIFIED: see WL_LOOKUP in cpu/access.c: uniform random nuclide-grid
 *             points, `nuclides` per lookup for every lookup (XSBench: 4 to
 *             321 by material; weighted by pick_mat()'s material shares the
 *             mean is 15.5 for its "small" problem, hence the default 16, and
 *             55.7 for "large"); the accumulation is one access
 *             per lookup to a private `work` range per thread (XSBench: a
 *             stack array), a write with probability write_ratio.
 */
#include <inttypes.h>

#include "machine/machine.h"
#include "workload/internal.h"

/* ---- pmbench ---- */

enum { P_SIZE, P_THREADS, P_ACCESSES, P_PATTERN, P_STDDEV, P_HOT, P_HOT_PROB, P_READ_RATIO,
       P_INIT, NR_P_PARAMS };
_Static_assert(NR_P_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

enum { P_PATTERN_GAUSS, P_PATTERN_HOTCOLD };
enum { P_INIT_MAIN, P_INIT_THREAD };

static const struct wl_param pmbench_params[NR_P_PARAMS] = {
	/* larger than tiered-16cpu's 1 GiB of DRAM */
	[P_SIZE] = WL_PARAM_SIZE(4 * GiB),
	[P_THREADS] = { .key = "threads", .kind = WLP_UINT, .min = 1, .max = WL_MAX_THREADS,
			.def = 8 },
	[P_ACCESSES] = { .key = "accesses", .kind = WLP_UINT, .min = 1, .max = WL_MAX_ACCESSES,
			 .def = 20000000 },
	[P_PATTERN] = { .key = "pattern", .kind = WLP_CHOICE, .def = P_PATTERN_GAUSS,
			.choices = "gauss|hotcold" },
	[P_STDDEV] = { .key = "stddev", .kind = WLP_FRAC, .def_f = 1.0 / 12, .open_lo = true },
	[P_HOT] = { .key = "hot", .kind = WLP_FRAC, .def_f = 0.2, .open_lo = true },
	[P_HOT_PROB] = { .key = "hot_prob", .kind = WLP_FRAC, .def_f = 0.8 },
	[P_READ_RATIO] = { .key = "read_ratio", .kind = WLP_FRAC, .def_f = 0.5 },
	[P_INIT] = { .key = "init", .kind = WLP_CHOICE, .def = P_INIT_MAIN,
		     .choices = "main|thread" },
};

/* Reads only, writes only, or each access a write with probability @write_ratio. */
static void set_mix(struct wl_phase *ph, double write_ratio)
{
	ph->access = write_ratio == 0.0 ? WL_READ : write_ratio == 1.0 ? WL_WRITE : WL_RW;
	ph->write_ratio = write_ratio;
}

/* The timed accesses: every thread over the whole map. */
static void pmbench_accesses(struct workload *wl, uint32_t prog, const struct wl_args *a)
{
	bool gauss = a->u[P_PATTERN] == P_PATTERN_GAUSS;
	struct wl_phase *ph = wl_add_phase(wl, prog, gauss ? WL_GAUSS : WL_SKEWED);

	ph->len = a->u[P_SIZE];
	ph->count = a->u[P_ACCESSES];
	set_mix(ph, 1.0 - a->f[P_READ_RATIO]);
	if (gauss) {
		ph->stddev = a->f[P_STDDEV];
	} else {
		ph->hot_frac = a->f[P_HOT];
		ph->hot_prob = a->f[P_HOT_PROB];
	}
}

static int pmbench_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	const bool init_main = a->u[P_INIT] == P_INIT_MAIN;
	const uint32_t threads = (uint32_t)a->u[P_THREADS];

	/* init=thread: each thread's share of the first touch needs a page */
	if (wl_resolve_size(a, P_SIZE, init_main ? 1 : threads, c) ||
	    wl_scale_count(a, P_ACCESSES, c))
		return -1;
	const uint64_t size = a->u[P_SIZE];
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);

	wl_add_mmap(wl, proc, size);
	if (init_main) {
		uint32_t t = wl_add_program(wl);	/* every thread runs the same program */

		wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);
		pmbench_accesses(wl, t, a);
		for (uint32_t i = 0; i < threads; i++)
			wl_add_spawn(wl, mainp, t);
	} else {
		uint32_t b = wl_add_barrier(wl, threads);

		for (uint32_t i = 0; i < threads; i++) {
			uint32_t t = wl_add_program(wl);
			uint64_t off, len;

			wl_slice(size, threads, i, &off, &len);
			wl_add_sweep(wl, t, 0, off, len, 1, WL_WRITE);
			wl_add_phase(wl, t, WL_BARRIER)->target = b;
			pmbench_accesses(wl, t, a);
			wl_add_spawn(wl, mainp, t);
		}
	}
	wl_add_phase(wl, mainp, WL_JOIN);
	return 0;
}

const struct wl_type wl_type_pmbench = {
	.name = "pmbench",
	.help = "like pmbench: threads share one map larger than DRAM and make 64-byte accesses "
		"to it, reads and writes mixed. Keys: size=4G, threads=8, accesses=20000000 per "
		"thread (shrinks with --scale), pattern=gauss|hotcold (gauss: normal around the "
		"middle, stddev=1/12 of the map, as pmbench's normal_ih; hotcold: the first hot=0.2 "
		"of the map gets hot_prob=0.8 of the accesses), read_ratio=0.5 (the rest are "
		"writes), init=main|thread (main: the main thread writes the whole map first; "
		"thread: each thread writes its share, then all start together)",
	.params = pmbench_params,
	.nr_params = ARRAY_SIZE(pmbench_params),
	.build = pmbench_build,
};

/* ---- xsbench ---- */

enum { X_TABLE, X_THREADS, X_LOOKUPS, X_NUCLIDES, X_WORK, X_WRITE_RATIO, NR_X_PARAMS };
_Static_assert(NR_X_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

/* XSBench "large": 355 isotopes; per unionized grid point, one 48-byte
 * NuclideGridPoint, one 8-byte energy and a 355-entry int row of the index grid. */
#define XS_ISOTOPES	355u
#define XS_POINT_BYTES	48u
#define XS_ENERGY_BYTES	8u
#define XS_ROW_BYTES	(4u * XS_ISOTOPES)
#define XS_BYTES	(XS_POINT_BYTES + XS_ENERGY_BYTES + XS_ROW_BYTES)

static const struct wl_param xsbench_params[NR_X_PARAMS] = {
	/* records, keys and rows: a page each at least */
	[X_TABLE] = { .key = "table", .kind = WLP_SIZE, .min = 3 * WL_PAGE_SIZE,
		      .max = WL_MAX_SIZE, .def = 4 * GiB },
	[X_THREADS] = WL_PARAM_THREADS,
	[X_LOOKUPS] = { .key = "lookups", .kind = WLP_UINT, .min = 1, .max = WL_MAX_ACCESSES,
			.def = 5000000 },
	[X_NUCLIDES] = { .key = "nuclides", .kind = WLP_UINT, .min = 1, .max = XS_ISOTOPES,
			 .def = 16 },
	[X_WORK] = { .key = "work", .kind = WLP_SIZE, .min = WL_PAGE_SIZE, .max = WL_MAX_SIZE,
		     .def = 1 * MiB },
	[X_WRITE_RATIO] = { .key = "write_ratio", .kind = WLP_FRAC, .def_f = 1.0 },
};

/* A part of the table: its byte share of @table, page-aligned, at least a page. */
static uint64_t xs_part(uint64_t table, uint32_t bytes)
{
	/* table < 2^47, bytes < 2^11: no overflow */
	return MAX(WL_PAGE_SIZE, ALIGN_DOWN(table * bytes / XS_BYTES, WL_PAGE_SIZE));
}

static int xsbench_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	if (!a->given[X_THREADS])
		a->u[X_THREADS] = MAX(1u, c->m->node[0].nr_cpus);
	if (wl_resolve_size(a, X_TABLE, 3, c) || wl_resolve_size(a, X_WORK, 1, c) ||
	    wl_scale_count(a, X_LOOKUPS, c))
		return -1;
	const uint64_t table = a->u[X_TABLE], work = a->u[X_WORK];
	const uint32_t threads = (uint32_t)a->u[X_THREADS];
	/* threads * work < 2^12 * 2^46: no overflow */
	if (work * threads > WL_MAX_SIZE - table)
		return wl_fail(c, "key 'work': the table and %" PRIu32 " threads' work ranges "
			       "are above the limit of 64T", threads);
	const struct wl_lookup lk = {
		.data_len = xs_part(table, XS_POINT_BYTES),
		.keys_len = xs_part(table, XS_ENERGY_BYTES),
		.work_len = work,
		.gathers = (uint32_t)a->u[X_NUCLIDES],
	};
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);

	/* [table | work of thread 0 | work of thread 1 | ...] */
	wl_add_mmap(wl, proc, table + work * threads);
	wl_add_sweep(wl, mainp, 0, 0, table, 1, WL_WRITE);
	for (uint32_t i = 0; i < threads; i++) {
		uint32_t t = wl_add_program(wl);
		struct wl_phase *ph = wl_add_phase(wl, t, WL_LOOKUP);

		ph->len = table;
		ph->count = a->u[X_LOOKUPS];
		set_mix(ph, a->f[X_WRITE_RATIO]);
		ph->lk = lk;
		ph->lk.work_off = table + work * i;
		wl_add_spawn(wl, mainp, t);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
	return 0;
}

const struct wl_type wl_type_xsbench = {
	.name = "xsbench",
	.help = "like XSBench (unionized energy grid): the main thread writes a large table, "
		"then threads look it up at random, each lookup a binary search of its energy "
		"grid and reads of index-grid and nuclide-grid entries, then one access to the "
		"thread's own small working set. Keys: table=4G, threads=CPUs of node 0, "
		"lookups=5000000 per thread (shrinks with --scale), nuclides=16 (per lookup, "
		"up to 355), work=1M (per thread), write_ratio=1 (of the work accesses; the "
		"table is only read)",
	.params = xsbench_params,
	.nr_params = ARRAY_SIZE(xsbench_params),
	.build = xsbench_build,
};
