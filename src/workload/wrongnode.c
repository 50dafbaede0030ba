// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/wrongnode.c - kref's numabench "wrongnode" (tools/kref in the
 * shared tree), so a simulated run can be compared with the real kernel's:
 * one process first-touches a buffer on one node, then threads bound to
 * another node sweep it, each its own slice, reading and writing every
 * 64-byte line (numabench: 8-byte increments at a 64-byte stride).
 *
 * touch=node: the main thread, bound to the CPUs of node touch_node, writes
 * the buffer and unbinds (numabench -F nodeN); touch=mem: mbind(MPOL_BIND,
 * touch_node), write, mbind(MPOL_DEFAULT), which also works for a CPU-less
 * node (-F memN; here the task policy, which places the same pages); touch=
 * main: no binding (-F main).
 * SIMPLIFIED: numabench writes one byte per page to first-touch and sweeps
 * for a time, not a number of passes.
 */
#include "machine/machine.h"
#include "workload/internal.h"

enum { W_SIZE, W_THREADS, W_PASSES, W_TOUCH, W_TOUCH_NODE, W_BIND, W_ACCESS, NR_W_PARAMS };
_Static_assert(NR_W_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");

enum { W_TOUCH_NODE_CPUS, W_TOUCH_MEM, W_TOUCH_MAIN };

static const struct wl_param wrongnode_params[NR_W_PARAMS] = {
	[W_SIZE] = WL_PARAM_SIZE(256 * MiB),
	[W_THREADS] = { .key = "threads", .kind = WLP_UINT, .min = 1, .max = WL_MAX_THREADS,
			.def = 1 },
	[W_PASSES] = { .key = "passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 20 },
	[W_TOUCH] = { .key = "touch", .kind = WLP_CHOICE, .def = W_TOUCH_NODE_CPUS,
		      .choices = "node|mem|main" },
	[W_TOUCH_NODE] = { .key = "touch_node", .kind = WLP_UINT, .min = 0,
			   .max = MAX_NUMNODES - 1, .def = 0 },
	[W_BIND] = { .key = "bind", .kind = WLP_UINT, .min = 0, .max = MAX_NUMNODES - 1, .def = 1 },	/* see below */
	[W_ACCESS] = { .key = "access", .kind = WLP_CHOICE, .def = WL_RW - 1,
		       .choices = "read|write|rw" },
};

static void set_affinity(struct workload *wl, uint32_t prog, nodemask_t nodes)
{
	wl_add_phase(wl, prog, WL_SET_AFFINITY)->pol.nodes = nodes;
}

static int wrongnode_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	const uint32_t threads = (uint32_t)a->u[W_THREADS];
	if (!a->given[W_BIND]) {	/* the first other node with CPUs, else the same */
		a->u[W_BIND] = a->u[W_TOUCH_NODE];
		for (uint32_t n = c->m->nr_nodes; n-- > 0;)
			if (c->m->node[n].nr_cpus && n != a->u[W_TOUCH_NODE])
				a->u[W_BIND] = n;
	}
	const uint32_t tn = (uint32_t)a->u[W_TOUCH_NODE], bind = (uint32_t)a->u[W_BIND];
	if (tn >= c->m->nr_nodes || bind >= c->m->nr_nodes)
		return wl_fail(c, "touch_node and bind must be nodes of the machine (0..%u)",
			       c->m->nr_nodes - 1);
	if (!c->m->node[bind].nr_cpus || (a->u[W_TOUCH] == W_TOUCH_NODE_CPUS && !c->m->node[tn].nr_cpus))
		return wl_fail(c, "a node to run on has no CPUs (touch=mem places memory on a CPU-less node)");
	if (wl_resolve_size(a, W_SIZE, threads, c))
		return -1;
	const uint64_t size = a->u[W_SIZE];
	const nodemask_t all = ~0ull;
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);

	wl_add_mmap(wl, proc, size);
	switch (a->u[W_TOUCH]) {
	case W_TOUCH_NODE_CPUS:
		set_affinity(wl, mainp, 1ull << tn);
		wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);
		set_affinity(wl, mainp, all);
		break;
	case W_TOUCH_MEM:
		wl_add_policy(wl, mainp, MPOL_BIND, 1ull << tn);
		wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);
		wl_add_policy(wl, mainp, MPOL_DEFAULT, 0);
		break;
	default:
		wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);
		break;
	}
	for (uint32_t i = 0; i < threads; i++) {
		uint32_t t = wl_add_program(wl);
		uint64_t off, len;

		wl_slice(size, threads, i, &off, &len);
		set_affinity(wl, t, 1ull << bind);
		wl_add_sweep(wl, t, 0, off, len, a->u[W_PASSES], (enum wl_access)(a->u[W_ACCESS] + 1));
		wl_add_spawn(wl, mainp, t);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
	return 0;
}

const struct wl_type wl_type_wrongnode = {
	.name = "wrongnode",
	.help = "kref's numabench wrongnode: a buffer first-touched on one node, then swept by "
		"threads bound to another, each its own slice. Keys: size=256M, threads=1, "
		"passes=20, touch=node|mem|main (node: the toucher runs on touch_node's CPUs; "
		"mem: mbind(MPOL_BIND, touch_node) while touching, CPU-less nodes too), "
		"touch_node=0, bind (the first other node with CPUs), access=rw (read|write|rw)",
	.params = wrongnode_params,
	.nr_params = ARRAY_SIZE(wrongnode_params),
	.build = wrongnode_build,
};
