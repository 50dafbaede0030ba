// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/builtin.c - the autonuma-benchmark workloads
 * (pholasek/autonuma-benchmark; reference linux-mm.md section 6).
 *
 * Models:     numa01.c built with -DNO_BIND_FORCE_SAME_NODE (the default), with
 *             and without -DTHREAD_ALLOC, and numa02.c with and without -DSMT,
 *             as preproc.awk instantiates them: cpus = highest CPU id + 1
 *             (CPU-less nodes add none), nodes = every node, CPU-less ones too.
 *             bzero() is a sequential write sweep whose store kind is
 *             what glibc 2.36 does for that size on the machine
 *             (wl_memset_store): every bzero here is far above the 2 KiB
 *             rep stosb threshold, so with ERMS (2node-128cpu) the lines
 *             are not read first (WL_STORE_NT), without it (4node-48cpu)
 *             they are (WL_STORE_RFO).
 * SIMPLIFIED: numa01 forks before malloc(); here the two processes both start
 *             at time 0, which is when the child starts too, give or take the
 *             fork.
 * APPROX:     THREAD_SIZE = SIZE / THREADS leaves the tail of the buffer unused
 *             when the split is uneven; here slices are page-aligned and the
 *             last thread takes the remainder (likewise numa02's node chunks).
 *             numa02's loop count stays 800 when size= changes it (the real
 *             program keeps TOTALSIZE / SIZE); loops= sets it.
 * Left out:   the HARD_BIND and INVERSE_BIND variants and MoF mode (-m).
 */
#include <inttypes.h>

#include "core/rng.h"
#include "machine/machine.h"
#include "workload/internal.h"

/* The stream numa01 draws its node from; no other consumer uses it. */
#define NUMA01_RNG_STREAM 0x6e756d613031ull	/* "numa01" */

/* What the workload help says of bzero()'s stores (wl_memset_store). */
#define NUMA_STORE_HELP "bzero() of more than 2 KiB in glibc 2.36 is rep stosb on a CPU with ERMS (no read of the lines: store kind nt) and a vector store loop without it (read for ownership: rfo); 2node-128cpu has ERMS, 4node-48cpu has not"

/* ---- numa01, numa01_THREAD_ALLOC ---- */

enum { N1_SIZE, N1_THREADS, N1_LOOPS, N1_NODE, NR_N1_PARAMS };
_Static_assert(NR_N1_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

static const struct wl_param numa01_params[NR_N1_PARAMS] = {
	[N1_SIZE] = WL_PARAM_SIZE(3 * GiB),
	[N1_THREADS] = WL_PARAM_THREADS,
	[N1_LOOPS] = { .key = "loops", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 50 },
	[N1_NODE] = WL_PARAM_BOOL("node"),
};

/* THREAD_ALLOC differs only in its loop count (nr = 1000 in numa01.c). */
static const struct wl_param numa01_ta_params[NR_N1_PARAMS] = {
	[N1_SIZE] = WL_PARAM_SIZE(3 * GiB),
	[N1_THREADS] = WL_PARAM_THREADS,
	[N1_LOOPS] = { .key = "loops", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 1000 },
	[N1_NODE] = WL_PARAM_BOOL("node"),
};

struct numa01 {
	uint64_t size;		/* SIZE: each process's buffer */
	uint32_t threads;	/* THREADS per process */
	uint64_t loops;		/* nr */
	uint32_t node;		/* the node of nodemask_global */
	bool thread_alloc;
	enum wl_store store;	/* bzero()'s stores on this machine */
};

/*
 * nodemask_global = (time(NULL) & 1) + 1 picks node 0 or node 1 once, before
 * fork(), so both processes first-touch everything on the same node: the
 * worst start. Here the parity comes from the seed.
 */
static int numa01_node(struct wl_args *a, const struct wl_ctx *c)
{
	/* the benchmark's node 0 and node 1, counted over the nodes a memory
	 * policy can bind: a device's memory (MEM_DEVICE) is not one of them */
	uint32_t cand[2], nr = 0;
	struct rng r;

	for (uint32_t n = 0; n < c->m->nr_nodes && nr < 2; n++)
		if (c->m->node[n].kind != MEM_DEVICE)
			cand[nr++] = n;
	if (a->given[N1_NODE]) {
		if (a->u[N1_NODE] >= c->m->nr_nodes)
			return wl_fail(c, "key 'node': node %" PRIu64 " does not exist (the machine "
				       "has %" PRIu32 " node)", a->u[N1_NODE], c->m->nr_nodes);
		if (c->m->node[a->u[N1_NODE]].kind == MEM_DEVICE)
			return wl_fail(c, "key 'node': node %" PRIu64 " is a device's memory, which "
				       "a memory policy cannot bind (choose a node of system memory)",
				       a->u[N1_NODE]);
		return 0;
	}
	rng_seed(&r, c->seed, NUMA01_RNG_STREAM);
	a->u[N1_NODE] = nr < 2 ? cand[0] : cand[rng_below(&r, 2)];
	return 0;
}

/* thread(): bind, bzero(p_global, SIZE), unbind, then nr x bzero(p, THREAD_SIZE). */
static uint32_t numa01_thread(struct workload *wl, const struct numa01 *n, uint64_t off,
			      uint64_t len)
{
	uint32_t prog = wl_add_program(wl);

	wl_add_policy(wl, prog, MPOL_BIND, 1ull << n->node);
	wl_add_store_sweep(wl, prog, 0, 0, n->size, 1, n->store);
	wl_add_policy(wl, prog, MPOL_DEFAULT, 0);
	wl_add_store_sweep(wl, prog, 0, off, len, n->loops, n->store);
	return prog;
}

/* One process: malloc(SIZE), THREADS pthread_create()s, join them all. */
static void numa01_process(struct workload *wl, const struct numa01 *n)
{
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	/* numa01 threads all run the same code on the same buffer: one program */
	uint32_t shared = n->thread_alloc ? 0 : numa01_thread(wl, n, 0, n->size);

	wl_add_mmap(wl, proc, n->size);
	for (uint32_t i = 0; i < n->threads; i++) {
		uint32_t target = shared;
		uint64_t off, len;

		if (n->thread_alloc) {
			/* THREAD_SIZE = SIZE / THREADS, thread i at p + i * THREAD_SIZE */
			wl_slice(n->size, n->threads, i, &off, &len);
			target = numa01_thread(wl, n, off, len);
		}
		wl_add_spawn(wl, mainp, target);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
}

static int numa01_common(struct workload *wl, struct wl_args *a, const struct wl_ctx *c,
			 bool thread_alloc)
{
	/* preproc.awk: THREADS = int(cpus / 2), at least 1 */
	if (!a->given[N1_THREADS])
		a->u[N1_THREADS] = MAX(1u, c->m->nr_cpus / 2);
	/* THREAD_ALLOC slices the buffer: every thread needs a page of its own */
	if (wl_resolve_size(a, N1_SIZE, thread_alloc ? a->u[N1_THREADS] : 1, c) ||
	    numa01_node(a, c))
		return -1;

	const struct numa01 n = {
		.size = a->u[N1_SIZE],
		.threads = (uint32_t)a->u[N1_THREADS],
		.loops = a->u[N1_LOOPS],
		.node = (uint32_t)a->u[N1_NODE],
		.thread_alloc = thread_alloc,
		.store = wl_memset_store(c->m),
	};
	/* fork(): two processes, each with its own buffer (malloc after fork) */
	numa01_process(wl, &n);
	numa01_process(wl, &n);
	return 0;
}

static int numa01_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return numa01_common(wl, a, c, false);
}

static int numa01_ta_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return numa01_common(wl, a, c, true);
}

const struct wl_type wl_type_numa01 = {
	.name = "numa01",
	.help = "autonuma-benchmark numa01: 2 processes of THREADS threads; each thread binds "
		"to one node, writes the whole process buffer, unbinds, then writes the whole "
		"buffer LOOPS times. Keys: size=3G, threads=cpus/2, loops=50, "
		"node=0|1 (default: drawn from the seed). Stores: " NUMA_STORE_HELP,
	.params = numa01_params,
	.nr_params = NR_N1_PARAMS,
	.build = numa01_build,
};

const struct wl_type wl_type_numa01_THREAD_ALLOC = {
	.name = "numa01_THREAD_ALLOC",
	.help = "autonuma-benchmark numa01_THREAD_ALLOC: as numa01, but the LOOPS writes cover "
		"only the thread's own slice of the buffer. Keys: size=3G, threads=cpus/2, "
		"loops=1000, node=0|1 (default: drawn from the seed). Stores: " NUMA_STORE_HELP,
	.params = numa01_ta_params,
	.nr_params = NR_N1_PARAMS,
	.build = numa01_ta_build,
};

/* ---- numa02, numa02_SMT ---- */

enum { N2_SIZE, N2_THREADS, N2_LOOPS, NR_N2_PARAMS };

/* loops = TOTALSIZE / SIZE = 800 GiB / 1 GiB */
static const struct wl_param numa02_params[NR_N2_PARAMS] = {
	[N2_SIZE] = WL_PARAM_SIZE(1 * GiB),
	[N2_THREADS] = WL_PARAM_THREADS,
	[N2_LOOPS] = { .key = "loops", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 800 },
};

/*
 * main(): p = malloc(SIZE); BINDMAP bzero()s it node chunk by node chunk
 * (bind(k) is a no-op without HARD_BIND, so the main thread first-touches it
 * all); thread i then writes p + i * THREAD_SIZE, THREAD_SIZE bytes, loops
 * times. Chunks and slices are page-aligned; the last takes the remainder.
 */
static void numa02_process(struct workload *wl, uint64_t size, uint32_t threads, uint64_t loops,
			   uint32_t nodes, enum wl_store store)
{
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	uint64_t off, len;

	wl_add_mmap(wl, proc, size);
	for (uint32_t k = 0; k < nodes; k++) {
		wl_slice(size, nodes, k, &off, &len);
		wl_add_store_sweep(wl, mainp, 0, off, len, 1, store);
	}
	for (uint32_t i = 0; i < threads; i++) {
		uint32_t prog = wl_add_program(wl);

		wl_slice(size, threads, i, &off, &len);
		wl_add_store_sweep(wl, prog, 0, off, len, loops, store);
		wl_add_spawn(wl, mainp, prog);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
}

static int numa02_common(struct workload *wl, struct wl_args *a, const struct wl_ctx *c,
			 bool smt)
{
	/* NCPUS = cpus; numa02_SMT runs NCPUS / 2 threads */
	uint32_t nodes = c->m->nr_nodes;

	if (!a->given[N2_THREADS])
		a->u[N2_THREADS] = MAX(1u, smt ? c->m->nr_cpus / 2 : c->m->nr_cpus);
	if (wl_resolve_size(a, N2_SIZE, MAX(a->u[N2_THREADS], nodes), c))
		return -1;
	numa02_process(wl, a->u[N2_SIZE], (uint32_t)a->u[N2_THREADS], a->u[N2_LOOPS], nodes,
		       wl_memset_store(c->m));
	return 0;
}

static int numa02_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return numa02_common(wl, a, c, false);
}

static int numa02_smt_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	return numa02_common(wl, a, c, true);
}

const struct wl_type wl_type_numa02 = {
	.name = "numa02",
	.help = "autonuma-benchmark numa02: 1 process; the main thread writes the buffer in "
		"per-node chunks, then THREADS threads each write their own slice LOOPS times. "
		"Keys: size=1G, threads=cpus, loops=800. Stores: " NUMA_STORE_HELP,
	.params = numa02_params,
	.nr_params = NR_N2_PARAMS,
	.build = numa02_build,
};

const struct wl_type wl_type_numa02_SMT = {
	.name = "numa02_SMT",
	.help = "autonuma-benchmark numa02_SMT: numa02 with half the threads. "
		"Keys: size=1G, threads=cpus/2, loops=800. Stores: " NUMA_STORE_HELP,
	.params = numa02_params,
	.nr_params = NR_N2_PARAMS,
	.build = numa02_smt_build,
};
