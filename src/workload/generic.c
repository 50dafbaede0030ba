// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/generic.c - generic access patterns: seq, random, skewed; and
 * forkcow, copy-on-write after fork (end of file).
 *
 * One process. The main thread maps one region, optionally first-touches it
 * all (init=main), spawns the threads and joins them. Each thread works on
 * its own page-aligned slice (shared=0) or on the whole region (shared=1),
 * first-touching that range with one write pass when init=thread, so the
 * first-touch owner can be chosen independently of the access pattern.
 *
 * --scale shrinks the region; sweeps keep their pass count, random and skewed
 * accesses shrink with the region, so work and memory shrink together and
 * each page sees the same number of accesses.
 */
#include <inttypes.h>

#include "machine/machine.h"
#include "workload/internal.h"

/* Common indices; G_COUNT and G_MIX mean passes/access for seq and
 * accesses/write_ratio for random and skewed. */
enum { G_SIZE, G_THREADS, G_COUNT, G_MIX, G_SHARED, G_INIT, G_HOT, G_HOT_PROB, NR_G_PARAMS };
_Static_assert(NR_G_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

#define G_ACCESS_CHOICES "read|write|rw"	/* index + 1 == enum wl_access */
#define G_INIT_CHOICES "main|thread"
enum { G_INIT_MAIN, G_INIT_THREAD };
/* seq's store kind takes the slot skewed uses for hot; index == enum wl_store */
#define G_STORE G_HOT
#define G_STORE_CHOICES "rfo|nt"
_Static_assert(WL_STORE_RFO == 0 && WL_STORE_NT == 1, "store choice i is store kind i");

_Static_assert(WL_READ == 1 && WL_WRITE == 2 && WL_RW == 3, "access choice i is access i + 1");

#define G_COMMON_PARAMS \
	[G_SIZE] = WL_PARAM_SIZE(1 * GiB), \
	[G_THREADS] = WL_PARAM_THREADS, \
	[G_SHARED] = WL_PARAM_BOOL("shared"), \
	[G_INIT] = { .key = "init", .kind = WLP_CHOICE, .def = G_INIT_THREAD, \
		     .choices = G_INIT_CHOICES }

#define G_RANDOM_PARAMS \
	G_COMMON_PARAMS, \
	[G_COUNT] = { .key = "accesses", .kind = WLP_UINT, .min = 1, .max = WL_MAX_ACCESSES, \
		      .def = 10000000 }, \
	[G_MIX] = { .key = "write_ratio", .kind = WLP_FRAC, .def_f = 0.0 }

static const struct wl_param seq_params[G_STORE + 1] = {
	G_COMMON_PARAMS,
	[G_COUNT] = { .key = "passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 10 },
	[G_MIX] = { .key = "access", .kind = WLP_CHOICE, .def = WL_WRITE - 1,
		    .choices = G_ACCESS_CHOICES },
	[G_STORE] = { .key = "store", .kind = WLP_CHOICE, .def = WL_STORE_RFO,
		      .choices = G_STORE_CHOICES },
};

static const struct wl_param random_params[G_INIT + 1] = {
	G_RANDOM_PARAMS,
};

static const struct wl_param skewed_params[NR_G_PARAMS] = {
	G_RANDOM_PARAMS,
	[G_HOT] = { .key = "hot", .kind = WLP_FRAC, .def_f = 0.1, .open_lo = true },
	[G_HOT_PROB] = { .key = "hot_prob", .kind = WLP_FRAC, .def_f = 0.9 },
};

/* What every thread does, after defaults and scaling. */
struct gen_plan {
	enum wl_op op;		/* WL_SWEEP, WL_RANDOM or WL_SKEWED */
	uint64_t size;
	uint32_t threads;
	uint64_t count;		/* passes or accesses */
	enum wl_access access;
	enum wl_store store;	/* of every write sweep, first touch included */
	double write_ratio, hot_frac, hot_prob;
	bool shared, init_main;
};

static int gen_resolve(struct wl_args *a, const struct wl_ctx *c, enum wl_op op,
		       struct gen_plan *g)
{
	if (!a->given[G_THREADS])
		a->u[G_THREADS] = MAX(1u, c->m->node[0].nr_cpus);
	/* private slices need a page per thread; a shared region one page */
	if (wl_resolve_size(a, G_SIZE, a->u[G_SHARED] ? 1 : a->u[G_THREADS], c))
		return -1;
	/* accesses are work: they shrink with the region */
	if (op != WL_SWEEP && wl_scale_count(a, G_COUNT, c))
		return -1;
	*g = (struct gen_plan){
		.op = op,
		.size = a->u[G_SIZE],
		.threads = (uint32_t)a->u[G_THREADS],
		.count = a->u[G_COUNT],
		.shared = a->u[G_SHARED],
		.init_main = a->u[G_INIT] == G_INIT_MAIN,
	};
	if (op == WL_SWEEP) {
		g->access = (enum wl_access)(a->u[G_MIX] + 1);
		g->store = (enum wl_store)a->u[G_STORE];
	} else {
		/* no writes: plain reads; otherwise read-modify-write at that ratio */
		g->write_ratio = a->f[G_MIX];
		g->access = g->write_ratio > 0.0 ? WL_RW : WL_READ;
	}
	if (op == WL_SKEWED) {
		g->hot_frac = a->f[G_HOT];
		g->hot_prob = a->f[G_HOT_PROB];
	}
	return 0;
}

static uint32_t gen_thread(struct workload *wl, const struct gen_plan *g, uint64_t off,
			   uint64_t len)
{
	uint32_t prog = wl_add_program(wl);

	if (!g->init_main)
		wl_add_store_sweep(wl, prog, 0, off, len, 1, g->store);
	if (g->op == WL_SWEEP) {
		wl_add_sweep(wl, prog, 0, off, len, g->count, g->access);
		wl->programs[prog].phases[wl->programs[prog].nr_phases - 1].store = g->store;
		return prog;
	}
	struct wl_phase *ph = wl_add_phase(wl, prog, g->op);
	ph->off = off;
	ph->len = len;
	ph->count = g->count;
	ph->access = g->access;
	ph->write_ratio = g->write_ratio;
	ph->hot_frac = g->hot_frac;
	ph->hot_prob = g->hot_prob;
	return prog;
}

static void gen_process(struct workload *wl, const struct gen_plan *g)
{
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	/* with a shared region every thread runs the same program */
	uint32_t shared = g->shared ? gen_thread(wl, g, 0, g->size) : 0;
	uint64_t off, len;

	wl_add_mmap(wl, proc, g->size);
	if (g->init_main)
		wl_add_store_sweep(wl, mainp, 0, 0, g->size, 1, g->store);
	for (uint32_t i = 0; i < g->threads; i++) {
		uint32_t target = shared;

		if (!g->shared) {
			wl_slice(g->size, g->threads, i, &off, &len);
			target = gen_thread(wl, g, off, len);
		}
		wl_add_spawn(wl, mainp, target);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
}

static int gen_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c,
		     enum wl_op op)
{
	struct gen_plan g;

	if (gen_resolve(a, c, op, &g))
		return -1;
	gen_process(wl, &g);
	return 0;
}

static int seq_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return gen_build(wl, a, c, WL_SWEEP);
}

static int random_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return gen_build(wl, a, c, WL_RANDOM);
}

static int skewed_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return gen_build(wl, a, c, WL_SKEWED);
}

const struct wl_type wl_type_seq = {
	.name = "seq",
	.help = "threads sweep a region sequentially. Keys: size=1G, threads=CPUs of node 0, "
		"passes=10, access=read|write|rw (write), shared=0|1 (0: each thread its own "
		"slice; 1: every thread the whole region), init=main|thread (thread: each "
		"thread first writes what it sweeps; main: the main thread writes it all first), "
		"store=rfo|nt (rfo: ordinary stores read each line for ownership, two bytes on "
		"the bus per byte written; nt: streaming stores, one)",
	.params = seq_params,
	.nr_params = ARRAY_SIZE(seq_params),
	.build = seq_build,
};

const struct wl_type wl_type_random = {
	.name = "random",
	.help = "threads make uniform random 64-byte accesses. Keys: size=1G, threads=CPUs of "
		"node 0, accesses=10000000 per thread (shrinks with --scale), write_ratio=0 "
		"(0: reads; else read-modify-writes, that share writing), shared=0|1, "
		"init=main|thread, as for seq",
	.params = random_params,
	.nr_params = ARRAY_SIZE(random_params),
	.build = random_build,
};

const struct wl_type wl_type_skewed = {
	.name = "skewed",
	.help = "as random, but the first hot=0.1 of each thread's range gets hot_prob=0.9 of "
		"its accesses. Keys: size=1G, threads=CPUs of node 0, accesses=10000000 per "
		"thread, write_ratio=0, shared=0|1, init=main|thread (all as for random), "
		"hot (above 0), hot_prob",
	.params = skewed_params,
	.nr_params = ARRAY_SIZE(skewed_params),
	.build = skewed_build,
};

/*
 * forkcow: the main thread maps a region and writes it all, forks `children`
 * processes (which share it copy-on-write), then it and every child write the
 * first `writes` of the region `passes` times, each write to a shared page
 * taking a copy-on-write fault; the parent then waits for the children
 * (fork + wait, as numa01's forked variants do).
 */
enum { F_SIZE, F_CHILDREN, F_WRITES, F_PASSES, NR_F_PARAMS };
_Static_assert(NR_F_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

#define F_MAX_CHILDREN 256u

static const struct wl_param forkcow_params[NR_F_PARAMS] = {
	[F_SIZE] = WL_PARAM_SIZE(256 * MiB),
	[F_CHILDREN] = { .key = "children", .kind = WLP_UINT, .min = 1, .max = F_MAX_CHILDREN,
			 .def = 1 },
	[F_WRITES] = { .key = "writes", .kind = WLP_FRAC, .def_f = 1.0 },
	[F_PASSES] = { .key = "passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 2 },
};

/* After the fork: write the first @wlen bytes; with nothing to write, read it all. */
static void forkcow_sweeps(struct workload *wl, uint32_t prog, uint64_t size, uint64_t wlen,
			   uint64_t passes)
{
	if (wlen)
		wl_add_sweep(wl, prog, 0, 0, wlen, passes, WL_WRITE);
	else
		wl_add_sweep(wl, prog, 0, 0, size, passes, WL_READ);
}

static int forkcow_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	if (wl_resolve_size(a, F_SIZE, 1, c))
		return -1;
	const uint64_t size = a->u[F_SIZE], passes = a->u[F_PASSES];
	/* exact: size < 2^53 */
	const uint64_t wlen = ALIGN_DOWN((uint64_t)((double)size * a->f[F_WRITES]), WL_PAGE_SIZE);
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	uint32_t child = wl_add_program(wl);	/* every child runs the same program */

	wl_add_mmap(wl, proc, size);
	wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);
	for (uint64_t i = 0; i < a->u[F_CHILDREN]; i++)
		wl_add_phase(wl, mainp, WL_FORK)->target = child;
	forkcow_sweeps(wl, mainp, size, wlen, passes);
	wl_add_phase(wl, mainp, WL_JOIN);
	forkcow_sweeps(wl, child, size, wlen, passes);
	return 0;
}

const struct wl_type wl_type_forkcow = {
	.name = "forkcow",
	.help = "a process writes a region, forks children that share it copy-on-write, then "
		"it and each child write part of it again (copy-on-write faults) and it waits "
		"for them. Keys: size=256M, children=1, writes=1 (fraction of the region, from "
		"its start, each process writes after the fork; 0: each reads it all instead), "
		"passes=2 (sweeps after the fork)",
	.params = forkcow_params,
	.nr_params = ARRAY_SIZE(forkcow_params),
	.build = forkcow_build,
};
