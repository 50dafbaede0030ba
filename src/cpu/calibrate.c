// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/calibrate.c - MLC-like measurements in the simulator (calibrate.h),
 * and the published figures the presets are calibrated to (sources in
 * docs/cost-model.md, "Calibration").
 */
#include "cpu/calibrate.h"

#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "workload/internal.h"

#define LAT_REGION (256 * MiB)
#define LAT_ACCESSES 200000
#define BW_SLICE (64 * MiB)
#define BW_PASSES 4		/* the run measured; the baseline run does 1 */

/* Intel MLC v3.10 on 2 x Platinum 8360Y (KU Leuven VSC): the Ice Lake-SP sockets
 * of 2node-128cpu and tiered-2node-cxl. */
#define ICX_MLC                                                               \
	.latency_ns = { { 89.2, 142.7 }, { 142.9, 89.0 } },                   \
	.read_gbps = { { 175.7, 55.7 }, { 55.7, 175.9 } },                    \
	.peak_gbps = { [CM_READS] = 351.8, [CM_3_1] = 313.1, [CM_2_1] = 297.2, \
		       [CM_1_1] = 291.8 }

static const struct calib_published published[] = {
	{
		.machine = "2node-128cpu",
		.processor = "2 x Xeon Platinum 8360Y (Ice Lake-SP, 36 cores, 16 x DDR4-3200), "
			     "the 8358's die, memory and UPI",
		.source = "Intel MLC v3.10, KU Leuven VSC Ice Lake nodes "
			  "(github.com/gjbex/Code-optimization, info/icelake_mlc.txt)",
		.nr_nodes = 2,
		ICX_MLC,
	},
	{
		/* DRAM read bandwidth is left out: Mess's 240.6 GB/s took all 56
		 * cores; the preset's 8 cores are bound by their own misses */
		.machine = "tiered-16cpu",
		.processor = "DRAM: Xeon Platinum 8480+ socket (Sapphire Rapids, 8 x DDR5-4800); "
			     "CXL: Micron CZ120 (CXL 2.0, PCIe 5.0 x8), one module",
		.source = "Mess benchmark, MareNostrum 5 GPP (github.com/bsc-mem/Mess-Results, "
			  "MN5-GPP/regular/AVX512/local), unloaded latency; Micron CZ120 launch "
			  "(2023-08-07), MLC 2:1 reads-writes; no CXL latency of a named device found",
		.nr_nodes = 1,
		.latency_ns = { { 115.0, 0 } },
		.cpuless_2_1_gbps = { [1] = 36.0 },
	},
	{
		.machine = "tiered-2node-cxl",
		.processor = "DRAM: 2node-128cpu's (Ice Lake-SP, Platinum 8360Y); "
			     "CXL: Micron CZ120 (CXL 2.0, PCIe 5.0 x8), one module per socket",
		.source = "Intel MLC v3.10, KU Leuven VSC Ice Lake nodes; Micron CZ120 launch "
			  "(2023-08-07), MLC 2:1 reads-writes; no CXL latency of a named device found",
		.nr_nodes = 2,
		ICX_MLC,
		.cpuless_2_1_gbps = { [2] = 36.0, [3] = 36.0 },
	},
	{
		.machine = "4node-48cpu",
		.processor = "4-socket Xeon E7-4800 (Westmere-EX)",
		.source = "Intel MLC, Intel developer blog \"Memory Latencies on Intel Xeon "
			  "Processor E5-4600 and E7-4800 product families\" (2014)",
		.nr_nodes = 4,
		.latency_ns = {
			{ 136, 194, 198, 201 },
			{ 194, 135, 194, 196 },
			{ 201, 194, 135, 200 },
			{ 202, 197, 198, 135 },
		},
	},
};

const struct calib_published *calib_published_for(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(published); i++)
		if (!strcmp(published[i].machine, name))
			return &published[i];
	return NULL;
}

/* ---- building the measurement workloads ---- */

static void add_placement(struct workload *wl, uint32_t prog, uint32_t cpu_node, uint32_t mem_node)
{
	wl_add_phase(wl, prog, WL_SET_AFFINITY)->pol.nodes = 1ull << cpu_node;
	wl_add_policy(wl, prog, MPOL_BIND, 1ull << mem_node);
}

struct stream {
	uint32_t cpu_node, mem_node;
	enum mem_op op;		/* MEM_READ, MEM_RMW or MEM_WRITE_NT */
};

static void add_stream_sweep(struct workload *wl, uint32_t prog, uint64_t off, uint64_t passes,
			     enum mem_op op, uint64_t slice)
{
	if (op == MEM_WRITE_NT)
		wl_add_store_sweep(wl, prog, 0, off, slice, passes, WL_STORE_NT);
	else
		wl_add_sweep(wl, prog, 0, off, slice, passes, op == MEM_RMW ? WL_RW : WL_READ);
}

/*
 * Bytes each of @n streams sweeps: BW_SLICE, or less where a node's streams
 * would fill more than half of it (tiered-16cpu's 1 GiB DRAM node), so no
 * run reclaims; whole THPs, at least one.
 */
static uint64_t stream_slice(const struct machine *m, const struct stream *st, uint32_t n)
{
	uint64_t slice = BW_SLICE;

	for (uint32_t b = 0; b < m->nr_nodes; b++) {
		uint64_t k = 0;

		for (uint32_t i = 0; i < n; i++)
			k += st[i].mem_node == b;
		if (k && m->node[b].mem_bytes / (2 * k) < slice)
			slice = m->node[b].mem_bytes / (2 * k);
	}
	slice &= ~(uint64_t)(2 * MiB - 1);
	return slice ? slice : 2 * MiB;
}

/* Each thread: placed, first-touches its slice, then @passes sweeps of it. */
static void build_streams(struct workload *wl, const struct stream *st, uint32_t n, uint64_t passes,
			  uint64_t slice)
{
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);

	snprintf(wl->name, sizeof(wl->name), "calibrate");
	wl_add_mmap(wl, proc, (uint64_t)n * slice);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t prog = wl_add_program(wl);
		uint64_t off = (uint64_t)i * slice;

		add_placement(wl, prog, st[i].cpu_node, st[i].mem_node);
		wl_add_store_sweep(wl, prog, 0, off, slice, 1, WL_STORE_NT);
		add_stream_sweep(wl, prog, off, passes, st[i].op, slice);
		wl_add_spawn(wl, mainp, prog);
	}
	wl_add_phase(wl, mainp, WL_JOIN);
}

static void build_latency(struct workload *wl, uint32_t cpu_node, uint32_t mem_node)
{
	uint32_t mainp = wl_add_program(wl);
	uint32_t proc = wl_add_process(wl, mainp);

	snprintf(wl->name, sizeof(wl->name), "calibrate");
	add_placement(wl, mainp, cpu_node, mem_node);
	wl_add_mmap(wl, proc, LAT_REGION);
	wl_add_store_sweep(wl, mainp, 0, 0, LAT_REGION, 1, WL_STORE_NT);
	struct wl_phase *ph = wl_add_phase(wl, mainp, WL_RANDOM);
	ph->len = LAT_REGION;
	ph->count = LAT_ACCESSES;
	ph->access = WL_READ;
}

/* ---- running them ---- */

struct run {
	const struct machine *m;
	struct tunables tun;
	char *err;
	size_t errlen;
};

/* Simulate @wl (freed here); its elapsed and timed-phase ns. */
static int run_wl(struct run *r, struct workload *wl, double *end_ns, double *timed_ns)
{
	struct sim *s = calloc(1, sizeof(*s));
	int ret = -1;

	if (s && !workload_validate(wl, r->err, r->errlen) &&
	    !sim_create(s, r->m, &r->tun, wl, 1, r->err, r->errlen)) {
		if (sim_run(s) == 0) {
			*end_ns = (double)s->end_ns;
			*timed_ns = s->access_start_ns == UINT64_MAX ? 0
					: (double)(s->end_ns - s->access_start_ns);
			ret = 0;
		} else {
			snprintf(r->err, r->errlen, "%s", s->error);
		}
		sim_destroy(s);
	}
	free(s);
	workload_free(wl);
	return ret;
}

/* Bus bytes per ns of @n streams: a run of BW_PASSES passes minus one of 1. */
static int measure_streams(struct run *r, const struct stream *st, uint32_t n, double *gbps)
{
	uint64_t slice = stream_slice(r->m, st, n);
	double t[2], unused;
	double bytes = 0;

	for (int i = 0; i < 2; i++) {
		struct workload wl = { 0 };

		build_streams(&wl, st, n, i ? 1 : BW_PASSES, slice);
		if (run_wl(r, &wl, &t[i], &unused))
			return -1;
	}
	for (uint32_t i = 0; i < n; i++)
		bytes += (double)slice * (BW_PASSES - 1) *
			 (mem_op_reads(st[i].op) + mem_op_writes(st[i].op));
	*gbps = bytes / (t[0] - t[1]);
	return 0;
}

static bool cpu_memory(const struct machine *m, uint32_t nid)
{
	return m->node[nid].kind != MEM_DEVICE;
}

/* Every CPU of node @a streaming node @b with @op. */
static uint32_t node_streams(const struct machine *m, uint32_t a, uint32_t b, enum mem_op op,
			     struct stream *st)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < m->nr_cpus; c++)
		if (m->cpu[c].node == a)
			st[n++] = (struct stream){ a, b, op };
	return n;
}

/* Every CPU on its own node's memory; of each @period threads the first RMW. */
static uint32_t mix_streams(const struct machine *m, uint32_t period, enum mem_op rest,
			    struct stream *st)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		uint32_t nid = m->cpu[c].node;

		st[n] = (struct stream){ nid, nid, rest };
		if (period && n % period == 0)
			st[n].op = MEM_RMW;
		n++;
	}
	return n;
}

static int measure_peaks(struct run *r, struct stream *st, struct calib_result *res)
{
	static const struct {
		uint32_t period;
		enum mem_op rest;
	} mix[NR_CALIB_MIXES] = {
		[CM_READS] = { 0, MEM_READ }, [CM_3_1] = { 3, MEM_READ },
		[CM_2_1] = { 2, MEM_READ }, [CM_1_1] = { 1, MEM_READ },
		[CM_NT_WRITES] = { 0, MEM_WRITE_NT },
	};

	for (int k = 0; k < NR_CALIB_MIXES; k++) {
		uint32_t n = mix_streams(r->m, mix[k].period, mix[k].rest, st);

		if (measure_streams(r, st, n, &res->peak_gbps[k]))
			return -1;
	}
	return 0;
}

/* The first CPU node on @nid's socket, or -1. */
static int socket_cpu_node(const struct machine *m, uint32_t nid)
{
	for (uint32_t a = 0; a < m->nr_nodes; a++)
		if (node_has_cpus(m, a) && m->node[a].socket == m->node[nid].socket)
			return (int)a;
	return -1;
}

/* MLC's 2:1 mix on each CPU-less memory node from the CPUs of its socket:
 * every second thread read-modify-writes (2 bytes read per byte written). */
static int measure_cpuless(struct run *r, struct stream *st, struct calib_result *res)
{
	for (uint32_t b = 0; b < r->m->nr_nodes; b++) {
		int a = socket_cpu_node(r->m, b);

		if (node_has_cpus(r->m, b) || !cpu_memory(r->m, b) || a < 0)
			continue;
		uint32_t n = node_streams(r->m, (uint32_t)a, b, MEM_READ, st);
		for (uint32_t i = 0; i < n; i += 2)
			st[i].op = MEM_RMW;
		if (measure_streams(r, st, n, &res->cpuless_2_1_gbps[b]))
			return -1;
	}
	return 0;
}

int calibrate_measure(const struct machine *m, struct calib_result *res, char *err, size_t errlen)
{
	struct run r = { .m = m, .err = err, .errlen = errlen };
	struct stream *st = calloc(m->nr_cpus, sizeof(*st));
	int ret = -1;

	memset(res, 0, sizeof(*res));
	tunables_init(&r.tun);
	if (!st || tunable_set(&r.tun, "kernel.numa_balancing=0", err, errlen) ||
	    tunable_set(&r.tun, "transparent_hugepage.enabled=always", err, errlen))
		goto out;
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		if (!node_has_cpus(m, a))
			continue;
		res->nr_nodes = a + 1;
		for (uint32_t b = 0; b < m->nr_nodes; b++) {
			struct workload wl = { 0 };
			double end, timed;

			if (!cpu_memory(m, b))
				continue;
			build_latency(&wl, a, b);
			if (run_wl(&r, &wl, &end, &timed))
				goto out;
			res->latency_ns[a][b] = timed / LAT_ACCESSES;
			uint32_t n = node_streams(m, a, b, MEM_READ, st);
			if (measure_streams(&r, st, n, &res->read_gbps[a][b]))
				goto out;
		}
	}
	if (measure_peaks(&r, st, res) || measure_cpuless(&r, st, res))
		goto out;
	st[0] = (struct stream){ m->cpu[0].node, m->cpu[0].node, MEM_READ };
	if (measure_streams(&r, st, 1, &res->thread_local_gbps))
		goto out;
	for (uint32_t b = 0; b < m->nr_nodes; b++)
		if (b != st[0].cpu_node && cpu_memory(m, b) &&
		    m->node[b].socket != m->node[st[0].cpu_node].socket) {
			st[0].mem_node = b;
			if (measure_streams(&r, st, 1, &res->thread_remote_gbps))
				goto out;
			break;
		}
	ret = 0;
out:
	free(st);
	return ret;
}

/* ---- printing ---- */

static void print_cell(FILE *f, double model, double pub)
{
	if (pub > 0)
		fprintf(f, " %8.1f %8.1f %5.2f", model, pub, model / pub);
	else
		fprintf(f, " %8.1f %8s %5s", model, "-", "");
}

static void print_matrix(FILE *f, const struct machine *m, const char *title,
			 const double (*model)[MAX_NUMNODES], const double (*pub)[4],
			 uint32_t nr_rows)
{
	fprintf(f, "\n   %s\n   %-8s", title, "cpu\\mem");
	for (uint32_t b = 0; b < m->nr_nodes; b++)
		if (cpu_memory(m, b))
			fprintf(f, " %8s %8s %5s", "model", "publ.", "ratio");
	fprintf(f, "\n");
	for (uint32_t a = 0; a < nr_rows; a++) {
		if (!node_has_cpus(m, a))
			continue;
		fprintf(f, "   node %-3u", a);
		for (uint32_t b = 0; b < m->nr_nodes; b++)
			if (cpu_memory(m, b))
				print_cell(f, model[a][b], pub && a < 4 && b < 4 ? pub[a][b] : 0);
		fprintf(f, "\n");
	}
}

void calibrate_print(FILE *f, const struct machine *m, const struct calib_result *r,
		     const struct calib_published *pub)
{
	static const char *const mix_names[NR_CALIB_MIXES] = {
		"ALL reads", "3:1 reads-writes", "2:1 reads-writes", "1:1 reads-writes",
		"non-temporal writes",
	};

	fprintf(f, "   %s: modelled (simulated MLC-like runs) vs published\n", m->name);
	if (pub)
		fprintf(f, "   published: %s; %s\n", pub->processor, pub->source);
	else
		fprintf(f, "   published: none found for this preset\n");
	print_matrix(f, m, "idle latency, ns (one thread, dependent random reads)",
		     r->latency_ns, pub ? pub->latency_ns : NULL, r->nr_nodes);
	print_matrix(f, m, "read bandwidth, GB/s (all threads of the cpu node)", r->read_gbps,
		     pub ? pub->read_gbps : NULL, r->nr_nodes);
	fprintf(f, "\n   peak injection bandwidth, GB/s (all threads, local memory; bus bytes)\n");
	for (int k = 0; k < NR_CALIB_MIXES; k++) {
		fprintf(f, "   %-20s", mix_names[k]);
		print_cell(f, r->peak_gbps[k], pub ? pub->peak_gbps[k] : 0);
		fprintf(f, "\n");
	}
	for (uint32_t b = 0; b < m->nr_nodes; b++) {
		if (r->cpuless_2_1_gbps[b] <= 0)
			continue;
		fprintf(f, "\n   2:1 reads-writes to CPU-less node %u (%s), all threads of socket %u, GB/s\n",
			b, mem_kind_name(m->node[b].kind), m->node[b].socket);
		fprintf(f, "   %-20s", "");
		print_cell(f, r->cpuless_2_1_gbps[b], pub && b < 4 ? pub->cpuless_2_1_gbps[b] : 0);
		fprintf(f, "\n");
	}
	fprintf(f, "\n   one thread reading, GB/s: local %.1f", r->thread_local_gbps);
	if (r->thread_remote_gbps > 0)	/* one socket: no remote DRAM */
		fprintf(f, ", remote %.1f", r->thread_remote_gbps);
	fprintf(f, " (no published figure)\n");
}
