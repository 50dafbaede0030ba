/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine/machine.h - the simulated hardware: nodes, CPUs, latencies,
 * bandwidths, TLB geometry and kernel operation costs.
 *
 * A machine is plain data, filled from a built-in preset (presets.c) or a
 * machine file (machine_file.c, format in docs/machine-file.md). It holds no
 * simulation state, so one machine can back many simulations.
 *
 * Invariants (machine_validate() checks them and names the broken key):
 *   1 <= nr_nodes <= MAX_NUMNODES, 1 <= nr_cpus <= MAX_CPUS;
 *   CPUs are numbered as Linux numbers them on x86: cpu = smt * nr_cores + core,
 *   so siblings of one core are nr_cores apart; cpu[c].node has CPUs;
 *   sum over nodes of node[n].nr_cpus == nr_cpus; at least one node has CPUs;
 *   latency_ns[a][b] > 0 for every pair, distance[n][n] == 10;
 *   every bandwidth > 0; mem_bytes is a multiple of 4 MiB (a max-order block);
 *   cores are numbered socket by socket (the socket of core k never decreases);
 *   each TLB level has entries = ways * sets with sets a power of two.
 */
#ifndef NUMASIM_MACHINE_MACHINE_H
#define NUMASIM_MACHINE_MACHINE_H

#include "core/compiler.h"

#define MAX_NUMNODES 16
#define MAX_CPUS 1024
#define MACHINE_NAME_MAX 64
#define MACHINE_MAX_SMT 8
#define MACHINE_MAX_DEVICE_THREADS 4096
/* Cap on one node's memory: keeps page counts far from overflow anywhere. */
#define MACHINE_MAX_NODE_MEM (64ull * 1024 * 1024 * 1024 * 1024)
/* all nodes together: 2^32 - 1 page frames of 4 KiB (32-bit pfns) */
#define MACHINE_MAX_TOTAL_MEM (0xffffffffull << 12)

enum mem_kind {
	MEM_DRAM,	/* top tier, socket-attached */
	MEM_CXL,	/* CXL-attached DRAM expander, usually CPU-less */
	MEM_PMEM,	/* persistent memory (Optane-like) */
	MEM_DEVICE,	/* device memory (a GPU); not CPU-addressable (issue 6) */
	NR_MEM_KINDS
};

/*
 * A MEM_DEVICE node is a device's own memory (a GPU's HBM), not addressable
 * by the CPUs: Linux keeps it as device-private pages (ZONE_DEVICE). It sits
 * behind a link to its socket (PCIe, or a faster coherent link), and the
 * device has its own accessors, which run device kernels over its memory or,
 * slower, over the link into system memory. Invariant (machine_validate()):
 * a device node has no CPUs and link_gbps, link_ns and threads set; other
 * nodes have none of the three.
 */
struct machine_node {
	enum mem_kind kind;
	uint64_t mem_bytes;	/* managed memory of this node */
	double bw_gbps;		/* sustained read bandwidth of its memory, GB/s (= bytes/ns) */
	double write_bw_gbps;	/* sustained write bandwidth; 0 in a file: bw_gbps (machine_validate) */
	uint32_t socket;	/* socket this node hangs off (CPU-less nodes too) */
	uint32_t nr_cpus;	/* derived: CPUs on this node */
	double link_gbps;	/* MEM_DEVICE: host link bandwidth, each direction, GB/s */
	uint32_t link_ns;	/* MEM_DEVICE: one crossing of the link (a DMA's or an access's latency) */
	uint32_t threads;	/* MEM_DEVICE: device accessors that run kernels in parallel */
	/* the kernel's memory_tierN of this node where known (a guest's sysfs);
	 * 0: derived from its CPUs and latency (mem/memory_tiers.c) */
	uint32_t memory_tier;
};

struct machine_cpu {
	uint32_t node;		/* node the CPU belongs to */
	uint32_t core;		/* global core id; SMT siblings share it */
	uint32_t socket;	/* == node[node].socket */
};

/* Per-CPU TLB geometry (Intel-like: split L1 by page size, unified L2/STLB). */
struct tlb_geometry {
	uint32_t l1_4k_entries, l1_4k_ways;
	uint32_t l1_2m_entries, l1_2m_ways;
	uint32_t l2_entries, l2_ways;	/* STLB, holds 4 KiB and 2 MiB translations */
};

/* Costs of kernel operations, charged to the CPU that does the work. */
struct kernel_costs {
	uint32_t minor_fault_ns;	/* entry, handle_mm_fault bookkeeping, return */
	uint32_t hint_fault_ns;		/* NUMA hint fault without migration (issue 3) */
	uint32_t pte_update_ns;		/* scanner: one PTE made protnone (issue 3) */
	uint32_t tlb_flush_one_ns;	/* one INVLPG */
	uint32_t tlb_flush_all_ns;	/* full local flush (CR3 write) */
	uint32_t shootdown_initiator_ns;	/* IPI send + wait, fixed part */
	uint32_t shootdown_per_target_ns;	/* initiator cost per target CPU */
	uint32_t shootdown_target_ns;	/* each receiving CPU: interrupt + flush */
	uint32_t migrate_folio_ns;	/* fixed per-folio migration cost (issue 3) */
	double migrate_copy_gbps;	/* copy bandwidth of folio_copy (issue 3) */
	/* the kernel clearing a new folio (clear_page, folio_zero_user): at
	 * most this rate; 0: streaming stores at the node's write bandwidth */
	double clear_page_gbps;
};

struct machine {
	char name[MACHINE_NAME_MAX];
	uint32_t nr_nodes;
	uint32_t nr_cpus;
	uint32_t nr_cores;
	uint32_t nr_sockets;
	uint32_t smt;			/* hardware threads per core (1..MACHINE_MAX_SMT) */
	struct machine_node node[MAX_NUMNODES];
	struct machine_cpu cpu[MAX_CPUS];
	/* idle load-to-use latency from a CPU on node [a] to memory on node [b];
	 * 0 entries in rows of CPU-less nodes are filled by machine_validate() */
	uint32_t latency_ns[MAX_NUMNODES][MAX_NUMNODES];
	/* SLIT-style distance (10 local); 0 entries are derived from latency */
	uint32_t distance[MAX_NUMNODES][MAX_NUMNODES];
	double link_bw_gbps;		/* inter-socket interconnect, per socket pair, GB/s */
	double thread_bw_gbps;		/* one thread's streaming limit to local DRAM, GB/s */
	/* SMT: while the other hardware thread of the core runs a task, a
	 * thread streams at smt_stream_share of its own limit and each of its
	 * latency-bound accesses takes smt_latency_factor times as long */
	double smt_stream_share;	/* (0, 1] */
	double smt_latency_factor;	/* [1, 10] */
	/* independent latency-bound misses one thread keeps in flight (random,
	 * skewed, gauss and zipf accesses); a pointer chase's loads depend on
	 * each other and always have one (docs/cost-model.md) */
	double random_mlp;		/* [1, 64] */
	/* the cores have ERMS (fast rep stosb), so glibc's memset of more than
	 * 2 KiB stores without reading the lines first (docs/cost-model.md) */
	uint32_t erms;			/* 0 or 1 */
	struct tlb_geometry tlb;
	uint32_t walk_ns;		/* page-table walk on a TLB miss */
	struct kernel_costs cost;
};

/* Fill @m with the preset called @name. Return: 0, or -1 if no such preset. */
int machine_preset(struct machine *m, const char *name);

/* Names of the built-in presets, NULL-terminated, and a one-line description each. */
extern const char *const machine_preset_names[];
const char *machine_preset_help(const char *name);

/*
 * Load a machine file. On error, write "FILE:LINE: key 'KEY': what is wrong"
 * into @err (size @errlen) and return -1; return 0 on success.
 */
int machine_load_file(struct machine *m, const char *path, char *err, size_t errlen);

/* Parse machine-file text (used by machine_load_file and the fuzz target);
 * @path only names the source in messages. */
int machine_parse(struct machine *m, const char *text, size_t len, const char *path,
		  char *err, size_t errlen);

/*
 * Resolve "--machine ARG": a preset name, a machine file, or an hwloc XML
 * topology (lstopo --of xml). Errors as machine_load_file.
 */
int machine_resolve(struct machine *m, const char *arg, char *err, size_t errlen);

/* The machine this program runs on, from hwloc's live topology (named "host"). */
int machine_load_host(struct machine *m, char *err, size_t errlen);

/* Check the invariants above and fill derived fields (nr_cpus per node,
 * distances from latencies). Return 0 or -1 with a message naming the key. */
int machine_validate(struct machine *m, char *err, size_t errlen);

/*
 * Zero @m and fill what does not depend on the nodes: smt = 1, the default TLB
 * geometry, walk cost, kernel costs and link/thread bandwidths (those of the
 * 2node-128cpu preset). A machine file without "base =" starts from this.
 */
void machine_init_defaults(struct machine *m);

/*
 * Number the CPUs of @m from @nr_cores_per_node[0 .. m->nr_nodes) and m->smt:
 * cores are ordered by (socket, node), cpu = smt_index * nr_cores + core.
 * Sets nr_cpus, nr_cores and cpu[]. Return: 0, or -1 with a message in @err
 * if there would be more than MAX_CPUS CPUs.
 */
int machine_add_cpus(struct machine *m, const uint32_t *nr_cores_per_node, char *err,
		     size_t errlen);

static inline bool node_has_cpus(const struct machine *m, uint32_t nid)
{
	return m->node[nid].nr_cpus > 0;
}

const char *mem_kind_name(enum mem_kind k);

#endif
