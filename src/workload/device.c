// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/device.c - workloads for machines with a device (a GPU) whose
 * memory is device-private (docs/device.md):
 *   gpu-pingpong  a working set moves to the device, a device kernel runs
 *                 over it, and the CPU touches it again (faulting it back,
 *                 or after an explicit migration back), round after round;
 *   gpu-stream    a buffer larger than the device streams through it in
 *                 chunks: migrate a chunk in, run a kernel, migrate it out.
 * Models:     the patterns of GPU programs using HMM / unified memory
 *             (cudaMemPrefetchAsync to and from the device around kernels,
 *             or CPU access faulting pages back on demand).
 */
#include <inttypes.h>

#include "machine/machine.h"
#include "workload/internal.h"

/* The first device node of the machine, or -1. */
static int first_device(const struct machine *m)
{
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		if (m->node[n].kind == MEM_DEVICE)
			return (int)n;
	return -1;
}

/* The device key: given, or the first device; it must be a device node. */
static int resolve_device(struct wl_args *a, uint32_t idx, const struct wl_ctx *c)
{
	if (!a->given[idx]) {
		int d = first_device(c->m);
		if (d < 0)
			return wl_fail(c, "the machine '%s' has no device node (try gpu-1node or gpu-2node)",
				       c->m->name);
		a->u[idx] = (uint64_t)d;
	}
	if (a->u[idx] >= c->m->nr_nodes || c->m->node[a->u[idx]].kind != MEM_DEVICE)
		return wl_fail(c, "key 'device': node %" PRIu64 " of '%s' is not a device node",
			       a->u[idx], c->m->name);
	return 0;
}

static void add_migrate(struct workload *wl, uint32_t prog, uint64_t off, uint64_t len,
			uint32_t dev, enum wl_dev_dir dir)
{
	struct wl_phase *ph = wl_add_phase(wl, prog, WL_DEV_MIGRATE);
	ph->off = off;
	ph->len = len;
	ph->target = dev;
	ph->arg = dir;
}

static void add_kernel(struct workload *wl, uint32_t prog, uint64_t off, uint64_t len, uint32_t dev,
		       uint64_t passes, enum wl_access access, uint32_t threads)
{
	struct wl_phase *ph = wl_add_phase(wl, prog, WL_DEV_KERNEL);
	ph->off = off;
	ph->len = len;
	ph->target = dev;
	ph->count = passes;
	ph->access = access;
	ph->arg = threads;
}

static const char access_choices[] = "read|write|rw";

/* ---- gpu-pingpong ---- */

enum { G_SIZE, G_ROUNDS, G_PASSES, G_CPU_PASSES, G_ACCESS, G_BACK, G_DEVICE, G_DEV_THREADS,
       NR_G_PARAMS };
_Static_assert(NR_G_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");
enum { G_BACK_FAULT, G_BACK_MIGRATE };
#define G_MAX_ROUNDS 100000u

static const struct wl_param pingpong_params[NR_G_PARAMS] = {
	[G_SIZE] = WL_PARAM_SIZE(1 * GiB),
	[G_ROUNDS] = { .key = "rounds", .kind = WLP_UINT, .min = 1, .max = G_MAX_ROUNDS, .def = 10 },
	[G_PASSES] = { .key = "passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 4 },
	[G_CPU_PASSES] = { .key = "cpu_passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS,
			   .def = 1 },
	[G_ACCESS] = { .key = "access", .kind = WLP_CHOICE, .def = WL_RW - 1,
		       .choices = access_choices },
	[G_BACK] = { .key = "back", .kind = WLP_CHOICE, .def = G_BACK_FAULT,
		     .choices = "fault|migrate" },
	[G_DEVICE] = { .key = "device", .kind = WLP_UINT, .min = 0, .max = MAX_NUMNODES - 1 },
	[G_DEV_THREADS] = { .key = "device_threads", .kind = WLP_UINT, .min = 0,
			    .max = MACHINE_MAX_DEVICE_THREADS },
};

static int pingpong_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	if (resolve_device(a, G_DEVICE, c) || wl_resolve_size(a, G_SIZE, 1, c))
		return -1;
	const uint64_t size = a->u[G_SIZE];
	const uint32_t dev = (uint32_t)a->u[G_DEVICE];
	const enum wl_access access = (enum wl_access)(a->u[G_ACCESS] + 1);
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	wl_add_mmap(wl, proc, size);
	wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);	/* the CPU fills it */
	for (uint64_t r = 0; r < a->u[G_ROUNDS]; r++) {
		add_migrate(wl, mainp, 0, size, dev, WL_TO_DEVICE);
		add_kernel(wl, mainp, 0, size, dev, a->u[G_PASSES], access,
			   (uint32_t)a->u[G_DEV_THREADS]);
		if (a->u[G_BACK] == G_BACK_MIGRATE)
			add_migrate(wl, mainp, 0, size, dev, WL_TO_SYSTEM);
		wl_add_sweep(wl, mainp, 0, 0, size, a->u[G_CPU_PASSES], WL_RW);
	}
	return 0;
}

const struct wl_type wl_type_gpu_pingpong = {
	.name = "gpu-pingpong",
	.help = "a working set bounces between CPU and device: each round migrates it to the "
		"device, runs a device kernel over it, and the CPU reads and writes it again, "
		"faulting it back page by page (back=fault) or after migrating it back "
		"(back=migrate). Keys: size=1G, rounds=10, passes=4 (kernel passes), cpu_passes=1, "
		"access=rw (of the kernel: read|write|rw), back=fault, device=the first device "
		"node, device_threads=all",
	.params = pingpong_params,
	.nr_params = ARRAY_SIZE(pingpong_params),
	.build = pingpong_build,
};

/* ---- gpu-stream ---- */

enum { S_SIZE, S_CHUNK, S_PASSES, S_ACCESS, S_DEVICE, S_DEV_THREADS, NR_S_PARAMS };
_Static_assert(NR_S_PARAMS <= WL_MAX_PARAMS, "struct wl_args holds every parameter");
#define S_MAX_CHUNKS 100000u

static const struct wl_param stream_params[NR_S_PARAMS] = {
	[S_SIZE] = WL_PARAM_SIZE(16 * GiB),
	[S_CHUNK] = { .key = "chunk", .kind = WLP_SIZE, .min = WL_PAGE_SIZE, .max = WL_MAX_SIZE,
		      .def = 256 * MiB },
	[S_PASSES] = { .key = "passes", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 1 },
	[S_ACCESS] = { .key = "access", .kind = WLP_CHOICE, .def = WL_RW - 1,
		       .choices = access_choices },
	[S_DEVICE] = { .key = "device", .kind = WLP_UINT, .min = 0, .max = MAX_NUMNODES - 1 },
	[S_DEV_THREADS] = { .key = "device_threads", .kind = WLP_UINT, .min = 0,
			    .max = MACHINE_MAX_DEVICE_THREADS },
};

static int stream_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	if (resolve_device(a, S_DEVICE, c) || wl_resolve_size(a, S_SIZE, 1, c) ||
	    wl_resolve_size(a, S_CHUNK, 1, c))
		return -1;
	const uint64_t size = a->u[S_SIZE], chunk = MIN(a->u[S_CHUNK], size);
	const uint32_t dev = (uint32_t)a->u[S_DEVICE];
	const enum wl_access access = (enum wl_access)(a->u[S_ACCESS] + 1);
	if ((size + chunk - 1) / chunk > S_MAX_CHUNKS)
		return wl_fail(c, "key 'chunk': %" PRIu64 " bytes make more than %u chunks of %"
			       PRIu64 " bytes", size, S_MAX_CHUNKS, chunk);
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);
	wl_add_mmap(wl, proc, size);
	wl_add_sweep(wl, mainp, 0, 0, size, 1, WL_WRITE);	/* the CPU fills it */
	for (uint64_t off = 0; off < size; off += chunk) {
		uint64_t len = MIN(chunk, size - off);
		add_migrate(wl, mainp, off, len, dev, WL_TO_DEVICE);
		add_kernel(wl, mainp, off, len, dev, a->u[S_PASSES], access,
			   (uint32_t)a->u[S_DEV_THREADS]);
		add_migrate(wl, mainp, off, len, dev, WL_TO_SYSTEM);
	}
	return 0;
}

const struct wl_type wl_type_gpu_stream = {
	.name = "gpu-stream",
	.help = "a buffer streams through the device chunk by chunk: migrate a chunk to the "
		"device, run a kernel over it, migrate it back. Keys: size=16G, chunk=256M, "
		"passes=1 (kernel passes per chunk), access=rw (read|write|rw), device=the first "
		"device node, device_threads=all",
	.params = stream_params,
	.nr_params = ARRAY_SIZE(stream_params),
	.build = stream_build,
};
