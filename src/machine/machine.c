// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine/machine.c - CPU numbering and the invariant check of a machine.
 *
 * Models:     the x86 CPU enumeration Linux ends up with (first threads of all
 *             cores, socket by socket, then the SMT siblings in the same order)
 *             and the ACPI SLIT as Linux exposes it (node_distance()).
 * SIMPLIFIED: distances the user did not give are derived from latencies;
 *             a real SLIT is written by firmware and is often coarser.
 * Invariants: listed in machine.h; machine_validate() is the one place they
 *             are checked, for presets, machine files and hwloc imports alike.
 */
#include "core/err.h"
#include "machine/machine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LOCAL_DISTANCE	 10
#define MAX_DISTANCE	 254	/* 255 means "unreachable" in the SLIT */
#define MAX_LATENCY_NS	 1000000u	/* 1 ms: anything above is a typo */
#define MAX_BW_GBPS	 1e6
#define MAX_TLB_ENTRIES	 (1u << 20)

/* ---- CPU numbering ---- */

/* Node ids in (socket, node id) order: the order cores are numbered in. */
static void nodes_by_socket(const struct machine *m, uint32_t *order)
{
	for (uint32_t i = 0; i < m->nr_nodes; i++) {
		uint32_t j = i;

		/* insertion sort; stable, so nodes of one socket keep id order */
		while (j > 0 && m->node[order[j - 1]].socket > m->node[i].socket) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

int machine_add_cpus(struct machine *m, const uint32_t *nr_cores_per_node, char *err,
		     size_t errlen)
{
	uint32_t order[MAX_NUMNODES];
	uint64_t nr_cores = 0;
	uint32_t core = 0;

	if (m->nr_nodes < 1 || m->nr_nodes > MAX_NUMNODES)
		return errorf(err, errlen, "%u nodes, must be 1..%d", m->nr_nodes, MAX_NUMNODES);
	if (m->smt < 1 || m->smt > MACHINE_MAX_SMT)
		return errorf(err, errlen, "key 'smt': %u, must be 1..%d", m->smt, MACHINE_MAX_SMT);
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		nr_cores += nr_cores_per_node[n];
	if (nr_cores * m->smt > MAX_CPUS)
		return errorf(err, errlen, "key 'cores': %llu cores x %u threads is more than %d CPUs",
			    (unsigned long long)nr_cores, m->smt, MAX_CPUS);

	nodes_by_socket(m, order);
	memset(m->cpu, 0, sizeof(m->cpu));
	for (uint32_t i = 0; i < m->nr_nodes; i++) {
		uint32_t n = order[i];

		for (uint32_t k = 0; k < nr_cores_per_node[n]; k++, core++) {
			for (uint32_t t = 0; t < m->smt; t++) {
				struct machine_cpu *cpu = &m->cpu[t * nr_cores + core];

				cpu->node = n;
				cpu->core = core;
				cpu->socket = m->node[n].socket;
			}
		}
	}
	m->nr_cores = (uint32_t)nr_cores;
	m->nr_cpus = (uint32_t)nr_cores * m->smt;
	return 0;
}

/* ---- validation, one concern per helper ---- */

static bool bw_ok(double gbps)
{
	return isfinite(gbps) && gbps > 0 && gbps <= MAX_BW_GBPS;
}

static int check_counts(struct machine *m, char *err, size_t errlen)
{
	if (m->name[0] == '\0' || memchr(m->name, '\0', sizeof(m->name)) == NULL)
		return errorf(err, errlen, "key 'name': empty or longer than %d characters",
			    MACHINE_NAME_MAX - 1);
	if (m->nr_nodes < 1 || m->nr_nodes > MAX_NUMNODES)
		return errorf(err, errlen, "%u nodes, must be 1..%d", m->nr_nodes, MAX_NUMNODES);
	if (m->smt < 1 || m->smt > MACHINE_MAX_SMT)
		return errorf(err, errlen, "key 'smt': %u, must be 1..%d", m->smt, MACHINE_MAX_SMT);
	if (m->nr_cpus < 1)
		return errorf(err, errlen, "key 'cores': the machine has no CPUs");
	if (m->nr_cpus > MAX_CPUS)
		return errorf(err, errlen, "key 'cores': %u CPUs, more than %d", m->nr_cpus, MAX_CPUS);
	if (m->nr_cpus % m->smt)
		return errorf(err, errlen, "key 'smt': %u CPUs is not a multiple of smt %u",
			    m->nr_cpus, m->smt);
	m->nr_cores = m->nr_cpus / m->smt;
	return 0;
}

/* A device node has its link and accessors; no other node has them. */
static int check_device(const struct machine_node *node, uint32_t n, char *err, size_t errlen)
{
	if (node->kind != MEM_DEVICE) {
		if (node->link_gbps || node->link_ns || node->threads)
			return errorf(err, errlen, "[node %u] key '%s': only a device node has a host link and device threads",
				    n, node->link_gbps ? "link_gbps" : node->link_ns ? "link_ns" : "threads");
		return 0;
	}
	if (!bw_ok(node->link_gbps))
		return errorf(err, errlen, "[node %u] key 'link_gbps': %g, a device node needs its link bandwidth in (0, 1e6]",
			    n, node->link_gbps);
	if (node->link_ns < 1 || node->link_ns > MAX_LATENCY_NS)
		return errorf(err, errlen, "[node %u] key 'link_ns': %u, a device node needs its link latency, 1..%u",
			    n, node->link_ns, MAX_LATENCY_NS);
	if (node->threads < 1 || node->threads > MACHINE_MAX_DEVICE_THREADS)
		return errorf(err, errlen, "[node %u] key 'threads': %u, a device node needs 1..%u device threads",
			    n, node->threads, MACHINE_MAX_DEVICE_THREADS);
	return 0;
}

static int check_nodes(const struct machine *m, char *err, size_t errlen)
{
	uint64_t total = 0;

	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		const struct machine_node *node = &m->node[n];

		if ((unsigned)node->kind >= NR_MEM_KINDS)
			return errorf(err, errlen, "[node %u] key 'kind': unknown kind %u", n,
				    (unsigned)node->kind);
		if (node->mem_bytes == 0 || !IS_ALIGNED(node->mem_bytes, 4 * MiB) ||
		    node->mem_bytes > MACHINE_MAX_NODE_MEM)
			return errorf(err, errlen,
				    "[node %u] key 'memory': %llu bytes, must be a non-zero multiple of 4M up to 64T",
				    n, (unsigned long long)node->mem_bytes);
		if (!bw_ok(node->bw_gbps))
			return errorf(err, errlen, "[node %u] key 'bw_gbps': %g, must be in (0, 1e6]",
				    n, node->bw_gbps);
		if (node->write_bw_gbps != 0 && !bw_ok(node->write_bw_gbps))
			return errorf(err, errlen, "[node %u] key 'write_bw_gbps': %g, must be in (0, 1e6]",
				    n, node->write_bw_gbps);
		if (node->socket >= MAX_NUMNODES)
			return errorf(err, errlen, "[node %u] key 'socket': %u, must be below %d", n,
				    node->socket, MAX_NUMNODES);
		if (check_device(node, n, err, errlen))
			return -1;
		/* page frame numbers are 32 bits wide (mem/page_alloc.c) */
		total += node->mem_bytes;
		if (total > MACHINE_MAX_TOTAL_MEM)
			return errorf(err, errlen,
				      "[node %u] key 'memory': the nodes' memory adds up to %llu GiB, "
				      "above the %llu GiB (2^32 - 1 pages) numasim simulates", n,
				      (unsigned long long)(total >> 30),
				      (unsigned long long)(MACHINE_MAX_TOTAL_MEM >> 30));
	}
	return 0;
}

/*
 * CPU c must be thread c / nr_cores of core c % nr_cores, siblings on one
 * node, cores socket by socket. Fills cpu socket and node nr_cpus.
 */
static int check_cpus(struct machine *m, char *err, size_t errlen)
{
	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		m->node[n].nr_cpus = 0;
	for (uint32_t c = 0; c < m->nr_cpus; c++) {
		struct machine_cpu *cpu = &m->cpu[c];
		uint32_t first = c % m->nr_cores;

		if (cpu->node >= m->nr_nodes)
			return errorf(err, errlen, "cpu %u: node %u does not exist", c, cpu->node);
		if (cpu->core != first)
			return errorf(err, errlen, "cpu %u: core %u, expected %u (cpu = smt * nr_cores + core)",
				    c, cpu->core, first);
		if (cpu->node != m->cpu[first].node)
			return errorf(err, errlen, "cpu %u: on node %u but its core is on node %u", c,
				    cpu->node, m->cpu[first].node);
		cpu->socket = m->node[cpu->node].socket;
		if (c > 0 && c < m->nr_cores && cpu->socket < m->cpu[c - 1].socket)
			return errorf(err, errlen, "cpu %u: socket %u after socket %u (cores go socket by socket)",
				    c, cpu->socket, m->cpu[c - 1].socket);
		m->node[cpu->node].nr_cpus++;
	}
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		if (m->node[n].kind == MEM_DEVICE && m->node[n].nr_cpus)
			return errorf(err, errlen, "[node %u] key 'cores': a device node has no CPUs", n);
	return 0;
}

/* Sockets are 0..nr_sockets-1 and each has CPUs (memory hangs off a CPU socket). */
static int check_sockets(struct machine *m, char *err, size_t errlen)
{
	uint32_t cpus_on[MAX_NUMNODES] = { 0 };

	m->nr_sockets = 0;
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		cpus_on[m->node[n].socket] += m->node[n].nr_cpus;
		m->nr_sockets = MAX(m->nr_sockets, m->node[n].socket + 1);
	}
	for (uint32_t s = 0; s < m->nr_sockets; s++)
		if (cpus_on[s] == 0)
			return errorf(err, errlen, "key 'socket': socket %u has no CPUs (sockets are numbered 0..%u)",
				    s, m->nr_sockets - 1);
	return 0;
}

/*
 * The node with CPUs a CPU-less node @a hangs off: the lowest latency to @a,
 * ties to the lowest id. Rows of nodes with CPUs must be complete.
 */
static uint32_t home_node(const struct machine *m, uint32_t a)
{
	uint32_t home = 0, best = UINT32_MAX;

	for (uint32_t c = 0; c < m->nr_nodes; c++) {
		if (node_has_cpus(m, c) && m->latency_ns[c][a] < best) {
			best = m->latency_ns[c][a];
			home = c;
		}
	}
	return home;
}

/*
 * A CPU-less node issues no loads, so its row only orders fallbacks. Take the
 * transpose where the other node has CPUs, else what its home node sees.
 */
static void fill_cpuless_latency(struct machine *m)
{
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		uint32_t home;

		if (node_has_cpus(m, a))
			continue;
		home = home_node(m, a);
		for (uint32_t b = 0; b < m->nr_nodes; b++) {
			uint32_t *lat = &m->latency_ns[a][b];

			if (*lat == 0)
				*lat = node_has_cpus(m, b) ? m->latency_ns[b][a] : m->latency_ns[home][b];
		}
	}
}

static int check_latency(struct machine *m, char *err, size_t errlen)
{
	/* rows with CPUs first: the CPU-less rows are filled from them */
	for (uint32_t a = 0; a < m->nr_nodes; a++)
		for (uint32_t b = 0; b < m->nr_nodes && node_has_cpus(m, a); b++)
			if (m->latency_ns[a][b] == 0 || m->latency_ns[a][b] > MAX_LATENCY_NS)
				return errorf(err, errlen,
					    "[latency] key '%u': value %u for node %u, must be 1..%u ns",
					    a, m->latency_ns[a][b], b, MAX_LATENCY_NS);
	fill_cpuless_latency(m);
	for (uint32_t a = 0; a < m->nr_nodes; a++)
		for (uint32_t b = 0; b < m->nr_nodes; b++)
			if (m->latency_ns[a][b] == 0 || m->latency_ns[a][b] > MAX_LATENCY_NS)
				return errorf(err, errlen,
					    "[latency] key '%u': value %u for node %u, must be 1..%u ns",
					    a, m->latency_ns[a][b], b, MAX_LATENCY_NS);
	return 0;
}

/*
 * distance = round(10 * lat[a][b] / lat[a][a]), clamped to the SLIT range.
 * Another node is never at LOCAL_DISTANCE: Linux rejects such a SLIT entry
 * (x86 numa_set_distance()), so the floor off the diagonal is 11.
 */
static uint32_t distance_from_latency(const struct machine *m, uint32_t a, uint32_t b)
{
	uint64_t num = 20ull * m->latency_ns[a][b] + m->latency_ns[a][a];
	uint64_t d = num / (2ull * m->latency_ns[a][a]);

	if (a == b)
		return LOCAL_DISTANCE;
	return (uint32_t)MIN(MAX(d, (uint64_t)LOCAL_DISTANCE + 1), (uint64_t)MAX_DISTANCE);
}

static void derive_distance(struct machine *m)
{
	/* rows of nodes with CPUs first: CPU-less rows copy from them */
	for (uint32_t a = 0; a < m->nr_nodes; a++)
		for (uint32_t b = 0; b < m->nr_nodes && node_has_cpus(m, a); b++)
			if (m->distance[a][b] == 0)
				m->distance[a][b] = distance_from_latency(m, a, b);
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		uint32_t home = node_has_cpus(m, a) ? a : home_node(m, a);

		for (uint32_t b = 0; b < m->nr_nodes && home != a; b++) {
			uint32_t *d = &m->distance[a][b];

			if (*d != 0)
				continue;
			if (a == b)
				*d = LOCAL_DISTANCE;
			else
				*d = node_has_cpus(m, b) ? m->distance[b][a] : m->distance[home][b];
		}
	}
}

static int check_distance(struct machine *m, char *err, size_t errlen)
{
	derive_distance(m);
	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		if (m->distance[a][a] != LOCAL_DISTANCE)
			return errorf(err, errlen, "[distance] key '%u': own distance %u, must be %d", a,
				    m->distance[a][a], LOCAL_DISTANCE);
		for (uint32_t b = 0; b < m->nr_nodes; b++)
			if (a != b && (m->distance[a][b] <= LOCAL_DISTANCE ||
				       m->distance[a][b] > MAX_DISTANCE))
				return errorf(err, errlen,
					    "[distance] key '%u': value %u for node %u, must be %d..%d",
					    a, m->distance[a][b], b, LOCAL_DISTANCE + 1, MAX_DISTANCE);
	}
	return 0;
}

static int check_tlb_level(const char *what, uint32_t entries, uint32_t ways, char *err,
			   size_t errlen)
{
	uint32_t sets;

	if (entries < 1 || entries > MAX_TLB_ENTRIES)
		return errorf(err, errlen, "[tlb] key '%s_entries': %u, must be 1..%u", what, entries,
			    MAX_TLB_ENTRIES);
	if (ways < 1 || ways > entries || entries % ways)
		return errorf(err, errlen, "[tlb] key '%s_ways': %u does not divide %u entries", what,
			    ways, entries);
	/* the TLB indexes sets with a mask, as hardware does */
	sets = entries / ways;
	if (sets & (sets - 1))
		return errorf(err, errlen, "[tlb] key '%s_ways': %u entries / %u ways = %u sets, not a power of two",
			    what, entries, ways, sets);
	return 0;
}

static int check_rest(const struct machine *m, char *err, size_t errlen)
{
	const struct tlb_geometry *t = &m->tlb;

	if (!bw_ok(m->link_bw_gbps))
		return errorf(err, errlen, "key 'link_bw_gbps': %g, must be in (0, 1e6]", m->link_bw_gbps);
	if (!bw_ok(m->thread_bw_gbps))
		return errorf(err, errlen, "key 'thread_bw_gbps': %g, must be in (0, 1e6]",
			    m->thread_bw_gbps);
	if (!(m->smt_stream_share > 0 && m->smt_stream_share <= 1))
		return errorf(err, errlen, "key 'smt_stream_share': %g, must be in (0, 1]",
			    m->smt_stream_share);
	if (!(m->smt_latency_factor >= 1 && m->smt_latency_factor <= 10))
		return errorf(err, errlen, "key 'smt_latency_factor': %g, must be in [1, 10]",
			    m->smt_latency_factor);
	if (!(m->random_mlp >= 1 && m->random_mlp <= 64))
		return errorf(err, errlen, "key 'random_mlp': %g, must be in [1, 64]", m->random_mlp);
	if (m->erms > 1)
		return errorf(err, errlen, "key 'erms': %u, must be 0 or 1", m->erms);
	if (!bw_ok(m->cost.migrate_copy_gbps))
		return errorf(err, errlen, "[cost] key 'migrate_copy_gbps': %g, must be in (0, 1e6]",
			    m->cost.migrate_copy_gbps);
	if (m->cost.clear_page_gbps != 0 && !bw_ok(m->cost.clear_page_gbps))
		return errorf(err, errlen, "[cost] key 'clear_page_gbps': %g, must be 0 or in (0, 1e6]",
			    m->cost.clear_page_gbps);
	if (check_tlb_level("l1_4k", t->l1_4k_entries, t->l1_4k_ways, err, errlen) ||
	    check_tlb_level("l1_2m", t->l1_2m_entries, t->l1_2m_ways, err, errlen) ||
	    check_tlb_level("l2", t->l2_entries, t->l2_ways, err, errlen))
		return -1;
	return 0;
}

/* A node without its own write bandwidth writes as fast as it reads. */
static void fill_write_bw(struct machine *m)
{
	for (uint32_t n = 0; n < m->nr_nodes; n++)
		if (m->node[n].write_bw_gbps == 0)
			m->node[n].write_bw_gbps = m->node[n].bw_gbps;
}

int machine_validate(struct machine *m, char *err, size_t errlen)
{
	if (check_counts(m, err, errlen) || check_nodes(m, err, errlen))
		return -1;
	fill_write_bw(m);
	if (check_cpus(m, err, errlen) || check_sockets(m, err, errlen) ||
	    check_latency(m, err, errlen) || check_distance(m, err, errlen) ||
	    check_rest(m, err, errlen))
		return -1;
	return 0;
}
