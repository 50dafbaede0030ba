// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine/presets.c - the built-in machines and the default costs.
 *
 * Models:     the machine classes kernel NUMA work is measured on: a current
 *             2-socket server, the 4-node box of the 2012 NUMA balancing
 *             threads, DRAM + CXL tiered boxes, and GPU servers whose device
 *             memory is device-private.
 * Sources:    "ref §N" is section N of the reference notes the design cites
 *             (linux-mm.md, "Published numbers for cost-model defaults").
 *             Figures with no published source are marked ASSUMPTION.
 * APPROX:     kernel costs are one set of constants for every machine; the
 *             reference calls the fault and shootdown figures low-confidence.
 */
#include "machine/machine.h"

#include <stdio.h>
#include <string.h>

#define PRESET_MAX_NODES 4

struct preset_node {
	enum mem_kind kind;
	uint64_t mem_bytes;
	double bw_gbps;
	uint32_t socket;
	uint32_t nr_cores;	/* physical cores; 0 for a CPU-less node */
	double link_gbps;	/* MEM_DEVICE only: host link, its latency, device threads */
	uint32_t link_ns;
	uint32_t threads;
	double write_bw_gbps;	/* 0: as bw_gbps */
};

struct preset {
	const char *name;
	const char *help;
	uint32_t nr_nodes;
	uint32_t smt;
	struct preset_node node[PRESET_MAX_NODES];
	/* rows of CPU-less nodes stay 0: machine_validate() fills them */
	uint32_t latency_ns[PRESET_MAX_NODES][PRESET_MAX_NODES];
	/* the firmware's SLIT, which the scheduler's NUMA domains follow; all 0:
	 * derived from the latencies (machine_validate) */
	uint32_t distance[PRESET_MAX_NODES][PRESET_MAX_NODES];
	double link_bw_gbps;
	double thread_bw_gbps;
	double smt_stream_share, smt_latency_factor;
	uint32_t erms;
	bool has_tlb;		/* false: keep the default TLB geometry and walk cost */
	struct tlb_geometry tlb;
	uint32_t walk_ns;
};

/*
 * Ice Lake-SP class data TLB: split L1 by page size, a 2048-entry 16-way STLB
 * for 4K and 2M (ASSUMPTION: vendor figures, not in the reference notes).
 */
#define ICX_TLB                                                               \
	{                                                                     \
		.l1_4k_entries = 64, .l1_4k_ways = 4,                         \
		.l1_2m_entries = 32, .l1_2m_ways = 4,                         \
		.l2_entries = 2048, .l2_ways = 16,                            \
	}
static const struct tlb_geometry icx_tlb = ICX_TLB;

/*
 * One socket of the Xeon Platinum 8358 class (Ice Lake-SP, 32 cores, 8 x
 * DDR4-3200, 3 UPI links at 11.2 GT/s), calibrated to Intel MLC v3.10 on a
 * 2-socket Platinum 8360Y (the same die, memory and UPI; 36 cores):
 * docs/cost-model.md, "Calibration". Per node: 175.8 GB/s of reads (MLC
 * bandwidth matrix, local), 124.7 GB/s of writes (derived from the MLC 1:1
 * read-write injection, 291.8 GB/s for two sockets).
 */
#define ICX_BW 175.8
#define ICX_WRITE_BW 124.7
#define ICX_LAT_LOCAL 89	/* MLC idle latency, random access */
#define ICX_LAT_REMOTE 143
#define ICX_UPI_BW 55.7		/* MLC: all threads of one socket reading the other's memory */
#define ICX_THREAD_BW 12.0	/* ASSUMPTION: no published single-core figure found */
#define ICX_SMT_STREAM 0.6	/* ASSUMPTION: two busy siblings stream 1.2x one thread */
#define ICX_SMT_LATENCY 1.1	/* ASSUMPTION: a busy sibling holds fill buffers a miss waits for */

/*
 * What every Ice Lake-SP preset shares beyond its nodes: the UPI link, the
 * per-thread and SMT figures above, ERMS, the TLB and the walk (30 ns,
 * mostly hitting the caches: ASSUMPTION). A one-socket preset never crosses
 * the link.
 */
#define ICX_CORE                                                              \
	.link_bw_gbps = ICX_UPI_BW, .thread_bw_gbps = ICX_THREAD_BW,          \
	.smt_stream_share = ICX_SMT_STREAM, .smt_latency_factor = ICX_SMT_LATENCY, \
	.erms = 1, .has_tlb = true, .tlb = ICX_TLB, .walk_ns = 30

/* The SLIT of 2-socket Intel servers (10/21), not the 1.6 latency ratio. */
#define ICX_2S_SLIT { { 10, 21 }, { 21, 10 } }

/*
 * One Sapphire Rapids socket (8 x DDR5-4800), from the Mess benchmark's
 * bandwidth-latency curves of a Xeon Platinum 8480+ (MareNostrum 5 GPP,
 * github.com/bsc-mem/Mess-Results, local memory, AVX-512): 115 ns unloaded,
 * 240.6 GB/s at 100% reads. Writes: 151 GB/s solved from the curve with the
 * most writes (191.8 GB/s at 57% reads, stores that read for ownership);
 * the other mixes then fit within 2-6% (docs/cost-model.md).
 */
#define SPR_BW 240.6
#define SPR_WRITE_BW 151.0
#define SPR_LAT_LOCAL 115

/*
 * A CXL 2.0 Type-3 expander on PCIe 5.0 x8 (Micron CZ120 class): 36 GB/s
 * with MLC's 2:1 reads-writes on one module (Micron, 2023). The model's node
 * bus is shared by reads and writes (APPROX: a CXL link is full duplex, 32
 * GB/s raw each way on x8); any read/write split fits the mix, and equal
 * costs keep pure reads and pure writes nearest the link's limit.
 * Latency: ASSUMPTION, inside the 140-410 ns that Melody (ASPLOS 2025)
 * measured on four real CXL devices; no figure of a named device and host
 * was found.
 */
#define CZ120_BW 36.0
#define CZ120_WRITE_BW 36.0
#define CZ120_LAT 250

/* 4node-48cpu's sockets: see the preset */
#define WSM_BW 12.3
#define WSM_WRITE_BW (WSM_BW * ICX_WRITE_BW / ICX_BW)

static const struct preset presets[] = {
	{
		.name = "2node-128cpu",
		.help = "2 sockets x 32 cores x 2 threads, 256 GiB DRAM each (Xeon Platinum 8358, Ice Lake-SP)",
		.nr_nodes = 2,
		.smt = 2,
		.node = {
			{ MEM_DRAM, 256 * GiB, ICX_BW, 0, 32, .write_bw_gbps = ICX_WRITE_BW },
			{ MEM_DRAM, 256 * GiB, ICX_BW, 1, 32, .write_bw_gbps = ICX_WRITE_BW },
		},
		/* MLC idle latency 89.2/89.0 local, 142.7/142.9 remote */
		.latency_ns = { { ICX_LAT_LOCAL, ICX_LAT_REMOTE }, { ICX_LAT_REMOTE, ICX_LAT_LOCAL } },
		.distance = ICX_2S_SLIT,
		ICX_CORE,
	},
	{
		.name = "4node-48cpu",
		.help = "4 sockets x 6 cores x 2 threads, 32 GiB each (Xeon E7-4807, Westmere-EX, "
			"as in the 2012 NUMA balancing threads)",
		.nr_nodes = 4,
		.smt = 2,
		/* ref §9 item 5: "4 nodes / 48 CPUs", model unknown. A choice: the
		 * Xeon E7-4807 (6 cores, 12 threads, 4 sockets fully connected by
		 * QPI at 4.8 GT/s, 4 SMI channels of DDR3-1066 in lockstep). The
		 * bandwidths are calibrated to Mel Gorman's numa02 runs on the
		 * 4-node 48-CPU box (docs/cost-model.md); write/read as Ice Lake's */
		.node = {
			{ MEM_DRAM, 32 * GiB, WSM_BW, 0, 6, .write_bw_gbps = WSM_WRITE_BW },
			{ MEM_DRAM, 32 * GiB, WSM_BW, 1, 6, .write_bw_gbps = WSM_WRITE_BW },
			{ MEM_DRAM, 32 * GiB, WSM_BW, 2, 6, .write_bw_gbps = WSM_WRITE_BW },
			{ MEM_DRAM, 32 * GiB, WSM_BW, 3, 6, .write_bw_gbps = WSM_WRITE_BW },
		},
		/* Intel MLC on a 4-socket Xeon E7-4800 (Intel developer blog,
		 * "Memory Latencies on Intel Xeon Processor E5-4600 and E7-4800
		 * product families", 2014), as published */
		.latency_ns = {
			{ 136, 194, 198, 201 },
			{ 194, 135, 194, 196 },
			{ 201, 194, 135, 200 },
			{ 202, 197, 198, 135 },
		},
		/* ASSUMPTION: a fully connected 4-socket box reports one hop (21)
		 * to every other node, so the scheduler has one NUMA level */
		.distance = {
			{ 10, 21, 21, 21 },
			{ 21, 10, 21, 21 },
			{ 21, 21, 10, 21 },
			{ 21, 21, 21, 10 },
		},
		/* ASSUMPTION: QPI 4.8 GT/s x 2 bytes = 9.6 GB/s each way, ~83% */
		.link_bw_gbps = 8.0,
		.thread_bw_gbps = 6.0,	/* ASSUMPTION */
		.smt_stream_share = ICX_SMT_STREAM,
		.smt_latency_factor = ICX_SMT_LATENCY,
		.erms = 0,		/* ERMS arrived with Ivy Bridge */
		.has_tlb = true,
		/* ASSUMPTION: Westmere-class TLB, 512-entry 4-way STLB */
		.tlb = {
			.l1_4k_entries = 64, .l1_4k_ways = 4,
			.l1_2m_entries = 32, .l1_2m_ways = 4,
			.l2_entries = 512, .l2_ways = 4,
		},
		.walk_ns = 35,
	},
	{
		.name = "tiered-16cpu",
		.help = "1 socket, 8 cores x 2 threads (Xeon Gold 6434 class, Sapphire Rapids, 8 x DDR5-4800), "
			"1 GiB DRAM + 8 GiB on a CXL 2.0 x8 expander (Micron CZ120 class); "
			"sizes kept small so tiering starts quickly",
		.nr_nodes = 2,
		.smt = 2,
		/* DRAM: Mess on a Xeon Platinum 8480+ socket; CXL: one CZ120-class
		 * module (docs/cost-model.md, "tiered-16cpu"). The 1 GiB / 8 GiB
		 * sizes are not the real box's: small, so that DRAM fills and
		 * demotion starts within a short run */
		.node = {
			{ MEM_DRAM, 1 * GiB, SPR_BW, 0, 8, .write_bw_gbps = SPR_WRITE_BW },
			{ MEM_CXL, 8 * GiB, CZ120_BW, 0, 0, .write_bw_gbps = CZ120_WRITE_BW },
		},
		.latency_ns = { { SPR_LAT_LOCAL, CZ120_LAT } },
		.link_bw_gbps = ICX_UPI_BW,	/* one socket: no link is ever crossed */
		.thread_bw_gbps = ICX_THREAD_BW,	/* ASSUMPTION, as on Ice Lake-SP */
		.smt_stream_share = ICX_SMT_STREAM,
		.smt_latency_factor = ICX_SMT_LATENCY,
		.erms = 1,
		.has_tlb = false,	/* Ice Lake-SP's geometry (Golden Cove's STLB is also 2048 entries) */
	},
	{
		.name = "tiered-2node-cxl",
		.help = "2node-128cpu's sockets with 32 GiB DRAM each, plus a CPU-less 128 GiB CXL node per socket "
			"(CZ120-class x8 expander figures; hypothetical: Ice Lake-SP has no CXL, "
			"the expander needs Sapphire Rapids or Genoa)",
		.nr_nodes = 4,
		.smt = 2,
		.node = {
			{ MEM_DRAM, 32 * GiB, ICX_BW, 0, 32, .write_bw_gbps = ICX_WRITE_BW },
			{ MEM_DRAM, 32 * GiB, ICX_BW, 1, 32, .write_bw_gbps = ICX_WRITE_BW },
			/* one CZ120-class expander per socket, as on tiered-16cpu */
			{ MEM_CXL, 128 * GiB, CZ120_BW, 0, 0, .write_bw_gbps = CZ120_WRITE_BW },
			{ MEM_CXL, 128 * GiB, CZ120_BW, 1, 0, .write_bw_gbps = CZ120_WRITE_BW },
		},
		/* DRAM: 2node-128cpu's calibrated 89/143 ns. CXL: the expander's
		 * own latency (ASSUMPTION, as on tiered-16cpu); the other socket's
		 * expander adds the UPI hop, 143 - 89 ns (ASSUMPTION) */
		.latency_ns = {
			{ ICX_LAT_LOCAL, ICX_LAT_REMOTE, CZ120_LAT, CZ120_LAT + ICX_LAT_REMOTE - ICX_LAT_LOCAL },
			{ ICX_LAT_REMOTE, ICX_LAT_LOCAL, CZ120_LAT + ICX_LAT_REMOTE - ICX_LAT_LOCAL, CZ120_LAT },
		},
		/* the sockets' SLIT; the CXL nodes' distances are derived from
		 * the latencies */
		.distance = ICX_2S_SLIT,
		ICX_CORE,
	},
	{
		.name = "gpu-1node",
		.help = "one socket of 2node-128cpu with an 80 GiB GPU (A100 80GB class) on PCIe 4.0 x16",
		.nr_nodes = 2,
		.smt = 2,
		.node = {
			{ MEM_DRAM, 256 * GiB, ICX_BW, 0, 32, 0, 0, 0, ICX_WRITE_BW },
			/* ASSUMPTION: A100 80GB PCIe vendor figures: HBM2e 1935 GB/s,
			 * 108 SMs; PCIe 4.0 x16 is 31.5 GB/s raw per direction,
			 * ~25 GB/s for DMA; ~1 us per crossing */
			{ MEM_DEVICE, 80 * GiB, 1935.0, 0, 0, 25.0, 1000, 108 },
		},
		/* the device column only orders fallbacks: CPUs never load from it */
		.latency_ns = { { ICX_LAT_LOCAL, 1000 } },
		ICX_CORE,
	},
	{
		.name = "gpu-2node",
		.help = "2node-128cpu with an 80 GiB GPU (H100 80GB class) on PCIe 5.0 x16 at socket 0",
		.nr_nodes = 3,
		.smt = 2,
		.node = {
			{ MEM_DRAM, 256 * GiB, ICX_BW, 0, 32, 0, 0, 0, ICX_WRITE_BW },
			{ MEM_DRAM, 256 * GiB, ICX_BW, 1, 32, 0, 0, 0, ICX_WRITE_BW },
			/* ASSUMPTION: H100 PCIe vendor figures: HBM2e 2000 GB/s,
			 * 114 SMs; PCIe 5.0 x16 is 63 GB/s raw per direction,
			 * ~50 GB/s for DMA */
			{ MEM_DEVICE, 80 * GiB, 2000.0, 0, 0, 50.0, 1000, 114 },
		},
		.latency_ns = { { ICX_LAT_LOCAL, ICX_LAT_REMOTE, 1000 },
				{ ICX_LAT_REMOTE, ICX_LAT_LOCAL, 1050 } },
		.distance = ICX_2S_SLIT,
		ICX_CORE,
	},
};

const char *const machine_preset_names[] = {
	"2node-128cpu",
	"4node-48cpu",
	"tiered-16cpu",
	"tiered-2node-cxl",
	"gpu-1node",
	"gpu-2node",
	NULL,
};

_Static_assert(ARRAY_SIZE(machine_preset_names) == ARRAY_SIZE(presets) + 1,
	       "machine_preset_names and presets disagree");

static const char *const mem_kind_names[NR_MEM_KINDS] = {
	[MEM_DRAM] = "dram",
	[MEM_CXL] = "cxl",
	[MEM_PMEM] = "pmem",
	[MEM_DEVICE] = "device",
};

const char *mem_kind_name(enum mem_kind k)
{
	return (unsigned)k < NR_MEM_KINDS ? mem_kind_names[k] : "unknown";
}

/* Kernel costs shared by every preset; see ref §7.4, §7.6, §7.7. */
static const struct kernel_costs default_costs = {
	.minor_fault_ns = 1000,		/* ref §7.7: blogs quote ~1 us (low confidence) */
	.hint_fault_ns = 1500,		/* ref §7.7: 1-2 us incl. PTE restore (derived) */
	.pte_update_ns = 3,		/* ref §7.7: 1.4-3 ns per PTE (mmtests 7:5000 ratio) */
	.tlb_flush_one_ns = 100,	/* ref §7.6: arch/x86/mm/tlb.c "about 100 ns" per INVLPG */
	.tlb_flush_all_ns = 500,	/* ASSUMPTION: CR3 write plus refill cost */
	.shootdown_initiator_ns = 2000,	/* ref §7.6: 2 us + 0.05 us x targets (low confidence) */
	.shootdown_per_target_ns = 50,	/* ref §7.6 */
	.shootdown_target_ns = 1000,	/* ref §7.6: ~1 us per IPI received */
	.migrate_folio_ns = 1000,	/* ref §7.4: a 4K folio takes 1.10 us, mostly fixed cost */
	.migrate_copy_gbps = 10.67,	/* ref §7.4: 2M folios, single-threaded baseline */
};

void machine_init_defaults(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->smt = 1;
	m->tlb = icx_tlb;
	m->walk_ns = presets[0].walk_ns;
	m->link_bw_gbps = presets[0].link_bw_gbps;
	m->thread_bw_gbps = presets[0].thread_bw_gbps;
	m->smt_stream_share = presets[0].smt_stream_share;
	m->smt_latency_factor = presets[0].smt_latency_factor;
	m->random_mlp = 1;	/* every preset: what the calibrations assumed */
	m->erms = presets[0].erms;
	m->cost = default_costs;
}

static const struct preset *preset_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(presets); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const char *machine_preset_help(const char *name)
{
	const struct preset *p = preset_find(name);

	return p ? p->help : NULL;
}

int machine_preset(struct machine *m, const char *name)
{
	const struct preset *p = preset_find(name);
	uint32_t cores[MAX_NUMNODES] = { 0 };

	if (!p)
		return -1;
	machine_init_defaults(m);
	snprintf(m->name, sizeof(m->name), "%s", p->name);
	m->nr_nodes = p->nr_nodes;
	m->smt = p->smt;
	for (uint32_t n = 0; n < p->nr_nodes; n++) {
		m->node[n].kind = p->node[n].kind;
		m->node[n].mem_bytes = p->node[n].mem_bytes;
		m->node[n].bw_gbps = p->node[n].bw_gbps;
		m->node[n].write_bw_gbps = p->node[n].write_bw_gbps;
		m->node[n].socket = p->node[n].socket;
		m->node[n].link_gbps = p->node[n].link_gbps;
		m->node[n].link_ns = p->node[n].link_ns;
		m->node[n].threads = p->node[n].threads;
		cores[n] = p->node[n].nr_cores;
		for (uint32_t b = 0; b < p->nr_nodes; b++) {
			m->latency_ns[n][b] = p->latency_ns[n][b];
			m->distance[n][b] = p->distance[n][b];
		}
	}
	m->link_bw_gbps = p->link_bw_gbps;
	m->thread_bw_gbps = p->thread_bw_gbps;
	m->smt_stream_share = p->smt_stream_share;
	m->smt_latency_factor = p->smt_latency_factor;
	m->erms = p->erms;
	if (p->has_tlb) {
		m->tlb = p->tlb;
		m->walk_ns = p->walk_ns;
	}
	/* a preset that fails either step is a bug the unit tests catch */
	if (machine_add_cpus(m, cores, NULL, 0) || machine_validate(m, NULL, 0))
		return -1;
	return 0;
}
