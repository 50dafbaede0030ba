// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_machine.c - presets, machine_validate(), the machine-file
 * parser and the hwloc XML import.
 *
 * Run from the repository root (make check does): data files are found at
 * examples/machines/ and tests/data/. The hwloc fixtures were generated once
 * from synthetic topologies (the description is in each file's
 * SyntheticDescription info), the second with a SLIT added.
 */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "machine/machine.h"

#define ERRLEN 512

/* A machine is ~16 KB: tests keep theirs on the heap. */
static struct machine *new_machine(void)
{
	struct machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	return m;
}

static int parse(struct machine *m, const char *text, char *err)
{
	return machine_parse(m, text, strlen(text), "t.machine", err, ERRLEN);
}

/* ---- presets ---- */

static void test_presets_validate(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";
	size_t n = 0;

	(void)state;
	for (const char *const *name = machine_preset_names; *name; name++, n++) {
		assert_int_equal(machine_preset(m, *name), 0);
		assert_string_equal(m->name, *name);
		assert_int_equal(machine_validate(m, err, sizeof(err)), 0);
		assert_non_null(machine_preset_help(*name));
		/* each preset enumerates CPUs by the x86 rule */
		for (uint32_t c = 0; c < m->nr_cpus; c++) {
			assert_int_equal(m->cpu[c].core, c % m->nr_cores);
			assert_int_equal(m->cpu[c].node, m->cpu[c % m->nr_cores].node);
		}
	}
	assert_int_equal(n, 6);
	assert_int_equal(machine_preset(m, "3node-7cpu"), -1);
	assert_int_equal(machine_preset(m, ""), -1);
	assert_null(machine_preset_help("3node-7cpu"));
	free(m);
}

/* gpu-1node and gpu-2node: one 80 GiB device node behind a link on socket 0,
 * after the CPU nodes, with no CPUs, farther than every CPU node */
static void test_preset_gpu_shape(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	for (uint32_t sockets = 1; sockets <= 2; sockets++) {
		assert_int_equal(machine_preset(m, sockets == 1 ? "gpu-1node" : "gpu-2node"), 0);
		assert_int_equal(m->nr_nodes, sockets + 1);
		assert_int_equal(m->nr_sockets, sockets);
		assert_int_equal(m->nr_cpus, 64 * sockets);
		const struct machine_node *d = &m->node[sockets];
		assert_int_equal(d->kind, MEM_DEVICE);
		assert_int_equal(d->mem_bytes, 80 * GiB);
		assert_int_equal(d->nr_cpus, 0);
		assert_int_equal(d->socket, 0);
		assert_true(d->link_gbps > 0 && d->link_gbps < d->bw_gbps);
		assert_true(d->link_ns > 0 && d->threads > 0);
		for (uint32_t n = 0; n < sockets; n++) {
			assert_int_equal(m->node[n].kind, MEM_DRAM);
			assert_int_equal(m->node[n].link_gbps, 0);
			for (uint32_t o = 0; o < sockets; o++)
				assert_true(m->distance[n][sockets] > m->distance[n][o]);
		}
	}
	free(m);
}

/* tiered-2node-cxl: 2node-128cpu's sockets, and a CPU-less CXL node each */
static void test_preset_tiered_2node_cxl_shape(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	assert_int_equal(machine_preset(m, "tiered-2node-cxl"), 0);
	assert_int_equal(m->nr_nodes, 4);
	assert_int_equal(m->nr_cpus, 128);
	assert_int_equal(m->nr_sockets, 2);
	assert_int_equal(m->node[0].nr_cpus, 64);
	assert_int_equal(m->node[1].nr_cpus, 64);
	for (uint32_t n = 2; n < 4; n++) {
		assert_int_equal(m->node[n].kind, MEM_CXL);
		assert_int_equal(m->node[n].nr_cpus, 0);
		assert_int_equal(m->node[n].socket, n - 2);
	}
	/* each socket's own CXL node is nearer than the other socket's */
	assert_true(m->latency_ns[0][2] < m->latency_ns[0][3]);
	assert_true(m->latency_ns[1][3] < m->latency_ns[1][2]);
	assert_true(m->distance[0][2] < m->distance[0][3]);
	/* the sockets keep 2node-128cpu's SLIT, not 143 / 89 */
	assert_int_equal(m->distance[0][1], 21);
	assert_int_equal(m->distance[1][0], 21);
	free(m);
}

static void test_preset_2node_shape(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	assert_int_equal(machine_preset(m, "2node-128cpu"), 0);
	assert_int_equal(m->nr_nodes, 2);
	assert_int_equal(m->nr_cpus, 128);
	assert_int_equal(m->nr_cores, 64);
	assert_int_equal(m->nr_sockets, 2);
	assert_int_equal(m->smt, 2);
	for (uint32_t c = 0; c < 128; c++) {
		/* 0-31 node 0, 32-63 node 1, 64-95 node 0 siblings, 96-127 node 1 */
		uint32_t want = (c / 32) % 2;

		assert_int_equal(m->cpu[c].node, want);
		assert_int_equal(m->cpu[c].socket, want);
	}
	for (uint32_t c = 0; c < 64; c++)
		assert_int_equal(m->cpu[c].core, m->cpu[c + 64].core);
	assert_int_not_equal(m->cpu[0].core, m->cpu[1].core);
	for (uint32_t n = 0; n < 2; n++) {
		assert_int_equal(m->node[n].nr_cpus, 64);
		assert_int_equal(m->node[n].mem_bytes, 256 * GiB);
		assert_int_equal(m->node[n].kind, MEM_DRAM);
		/* calibrated to MLC on Ice Lake-SP (docs/cost-model.md) */
		assert_true(m->node[n].bw_gbps == 175.8 && m->node[n].write_bw_gbps == 124.7);
		assert_int_equal(m->latency_ns[n][n], 89);
		assert_int_equal(m->latency_ns[n][1 - n], 143);
		assert_int_equal(m->distance[n][n], 10);
		assert_int_equal(m->distance[n][1 - n], 21);	/* the preset's SLIT, not 143 / 89 */
	}
	assert_true(m->link_bw_gbps == 55.7 && m->thread_bw_gbps == 12.0);
	assert_int_equal(m->erms, 1);
	assert_int_equal(m->tlb.l1_4k_entries, 64);
	assert_int_equal(m->tlb.l1_2m_entries, 32);
	assert_int_equal(m->tlb.l2_entries, 2048);
	assert_int_equal(m->tlb.l2_ways, 16);
	assert_int_equal(m->walk_ns, 30);
	assert_int_equal(m->cost.minor_fault_ns, 1000);
	assert_int_equal(m->cost.hint_fault_ns, 1500);
	assert_int_equal(m->cost.pte_update_ns, 3);
	assert_int_equal(m->cost.tlb_flush_one_ns, 100);
	assert_int_equal(m->cost.tlb_flush_all_ns, 500);
	assert_int_equal(m->cost.shootdown_initiator_ns, 2000);
	assert_int_equal(m->cost.shootdown_per_target_ns, 50);
	assert_int_equal(m->cost.shootdown_target_ns, 1000);
	assert_int_equal(m->cost.migrate_folio_ns, 1000);
	assert_true(m->cost.migrate_copy_gbps == 10.67);
	free(m);
}

static void test_preset_4node_shape(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	assert_int_equal(machine_preset(m, "4node-48cpu"), 0);
	assert_int_equal(m->nr_nodes, 4);
	assert_int_equal(m->nr_cpus, 48);
	assert_int_equal(m->nr_cores, 24);
	assert_int_equal(m->nr_sockets, 4);
	for (uint32_t c = 0; c < 48; c++)
		assert_int_equal(m->cpu[c].node, (c % 24) / 6);
	for (uint32_t n = 0; n < 4; n++) {
		assert_int_equal(m->node[n].nr_cpus, 12);
		assert_int_equal(m->node[n].mem_bytes, 32 * GiB);
		for (uint32_t b = 0; b < 4; b++)	/* MLC on a 4-socket E7-4800 */
			assert_true(m->latency_ns[n][b] >= (n == b ? 135u : 194u) &&
				    m->latency_ns[n][b] <= (n == b ? 136u : 202u));
	}
	assert_int_equal(m->latency_ns[0][3], 201);
	assert_int_equal(m->distance[0][3], 21);	/* the preset's SLIT: one hop */
	assert_int_equal(m->erms, 0);
	assert_int_equal(m->tlb.l2_entries, 512);
	assert_int_equal(m->tlb.l2_ways, 4);
	assert_int_equal(m->walk_ns, 35);
	free(m);
}

static void test_preset_tiered_shape(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	assert_int_equal(machine_preset(m, "tiered-16cpu"), 0);
	assert_int_equal(m->nr_nodes, 2);
	assert_int_equal(m->nr_cpus, 16);
	assert_int_equal(m->nr_sockets, 1);
	assert_true(node_has_cpus(m, 0));
	assert_false(node_has_cpus(m, 1));
	assert_int_equal(m->node[0].nr_cpus, 16);
	assert_int_equal(m->node[1].kind, MEM_CXL);
	assert_int_equal(m->node[1].socket, 0);
	assert_int_equal(m->node[0].mem_bytes, 1 * GiB);
	assert_int_equal(m->node[1].mem_bytes, 8 * GiB);
	for (uint32_t c = 0; c < 16; c++)
		assert_int_equal(m->cpu[c].node, 0);
	assert_int_equal(m->cpu[3].core, m->cpu[11].core);
	assert_int_equal(m->latency_ns[0][1], 250);
	/* CPU-less row: transpose, and the nearest CPU's view of itself */
	assert_int_equal(m->latency_ns[1][0], 250);
	assert_int_equal(m->latency_ns[1][1], 250);
	assert_int_equal(m->latency_ns[0][0], 115);
	assert_int_equal(m->distance[0][1], 22);	/* round(10 * 250 / 115) */
	assert_int_equal(m->distance[1][0], 22);
	assert_int_equal(m->distance[1][1], 10);
	assert_string_equal(mem_kind_name(MEM_CXL), "cxl");
	assert_string_equal(mem_kind_name(NR_MEM_KINDS), "unknown");
	free(m);
}

/* A file with no base starts from these: the 2node-128cpu non-node values. */
static void test_defaults_match_2node(void **state)
{
	struct machine *def = new_machine(), *m = new_machine();

	(void)state;
	machine_init_defaults(def);
	assert_int_equal(machine_preset(m, "2node-128cpu"), 0);
	assert_memory_equal(&def->tlb, &m->tlb, sizeof(m->tlb));
	assert_memory_equal(&def->cost, &m->cost, sizeof(m->cost));
	assert_int_equal(def->walk_ns, m->walk_ns);
	assert_int_equal(def->nr_nodes, 0);
	assert_int_equal(def->smt, 1);
	free(def);
	free(m);
}

/* ---- machine_validate ---- */

/* Three nodes: 0 and 1 with 2 cores each, 2 CPU-less. */
static void small_machine(struct machine *m)
{
	const uint32_t cores[3] = { 2, 2, 0 };
	char err[ERRLEN];

	machine_init_defaults(m);
	strcpy(m->name, "small");
	m->smt = 2;
	m->nr_nodes = 3;
	for (uint32_t n = 0; n < 3; n++) {
		m->node[n].mem_bytes = 64 * MiB;
		m->node[n].bw_gbps = 10;
		m->node[n].socket = n == 1;
	}
	m->node[2].kind = MEM_CXL;
	assert_int_equal(machine_add_cpus(m, cores, err, sizeof(err)), 0);
	const uint32_t lat[2][3] = { { 80, 130, 2400 }, { 70, 80, 200 } };
	for (uint32_t a = 0; a < 2; a++)
		memcpy(m->latency_ns[a], lat[a], sizeof(lat[a]));
}

static void test_distance_derivation(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	small_machine(m);
	assert_int_equal(machine_validate(m, err, sizeof(err)), 0);
	assert_int_equal(m->distance[0][0], 10);
	assert_int_equal(m->distance[0][1], 16);	/* round(16.25) */
	assert_int_equal(m->distance[0][2], 254);	/* 300, clamped */
	assert_int_equal(m->distance[1][0], 11);	/* 8.75: never local off the diagonal */
	assert_int_equal(m->distance[1][2], 25);
	/* CPU-less row 2: the transpose */
	assert_int_equal(m->distance[2][0], 254);
	assert_int_equal(m->distance[2][1], 25);
	assert_int_equal(m->distance[2][2], 10);
	assert_int_equal(m->latency_ns[2][0], 2400);
	assert_int_equal(m->latency_ns[2][2], 200);	/* as node 1, its home, sees it */
	assert_int_equal(m->nr_sockets, 2);
	assert_int_equal(m->cpu[0].node, 0);
	assert_int_equal(m->cpu[2].node, 1);
	assert_int_equal(m->cpu[4].node, 0);
	assert_int_equal(m->cpu[6].node, 1);
	assert_int_equal(m->nr_cpus, 8);

	/* a distance given is kept, not derived */
	small_machine(m);
	m->distance[0][1] = 21;
	assert_int_equal(machine_validate(m, err, sizeof(err)), 0);
	assert_int_equal(m->distance[0][1], 21);
	assert_int_equal(m->distance[1][0], 11);
	free(m);
}

static void test_validate_errors(void **state)
{
	struct machine *m = new_machine();
	const uint32_t many[2] = { 600, 600 };
	char err[ERRLEN];

	(void)state;
	small_machine(m);
	m->cpu[4].node = 1;	/* a sibling on another node than its core */
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cpu 4"));

	small_machine(m);
	m->cpu[1].core = 0;
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cpu 1: core 0"));

	small_machine(m);
	m->node[1].mem_bytes = 6 * MiB;
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[node 1] key 'memory'"));

	small_machine(m);
	m->latency_ns[1][2] = 0;
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[latency] key '1'"));

	small_machine(m);
	m->distance[2][2] = 11;
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[distance] key '2'"));

	small_machine(m);
	m->tlb.l2_entries = 1536;	/* 12-way would do; 16-way leaves 96 sets */
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[tlb] key 'l2_ways'"));

	small_machine(m);
	m->thread_bw_gbps = 0;
	assert_int_equal(machine_validate(m, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key 'thread_bw_gbps'"));

	small_machine(m);
	m->nr_nodes = 2;
	assert_int_equal(machine_add_cpus(m, many, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "key 'cores'"));
	free(m);
}

/* ---- machine files ---- */

static const char full_file[] =
	"# a test machine\n"
	"name = test-box\n"
	"smt = 2\n"
	"link_bw_gbps = 64.5   # inline comment\n"
	"thread_bw_gbps = 9\n"
	"smt_stream_share = 0.55\n"
	"smt_latency_factor = 1.25\n"
	"erms = 0\n"
	"walk_ns = 40\n"
	"\n"
	"[node 1]\n"
	"kind = cxl\n"
	"memory = 2G\n"
	"cores = 0\n"
	"socket = 0\n"
	"bw_gbps = 25.25\n"
	"[ node 0 ]\n"
	"\tkind = dram\n"
	"memory = 4096M\n"
	"cores = 4\n"
	"bw_gbps = 100\n"
	"write_bw_gbps = 70\n"
	"[latency]\n"
	"0 = 85 240\n"
	"[tlb]\n"
	"l2_entries = 1536\n"
	"l2_ways = 12\n"
	"[cost]\n"
	"hint_fault_ns = 2500\n"
	"migrate_copy_gbps = 8\n";

static void test_parse_full(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(parse(m, full_file, err), 0);
	assert_string_equal(m->name, "test-box");
	assert_int_equal(m->nr_nodes, 2);
	assert_int_equal(m->smt, 2);
	assert_int_equal(m->nr_cpus, 8);
	assert_int_equal(m->nr_cores, 4);
	assert_true(m->link_bw_gbps == 64.5);
	assert_true(m->thread_bw_gbps == 9.0);
	assert_int_equal(m->walk_ns, 40);
	assert_int_equal(m->node[0].kind, MEM_DRAM);
	assert_int_equal(m->node[0].mem_bytes, 4 * GiB);
	assert_int_equal(m->node[1].kind, MEM_CXL);
	assert_int_equal(m->node[1].mem_bytes, 2 * GiB);
	assert_true(m->node[1].bw_gbps == 25.25);
	assert_true(m->node[0].write_bw_gbps == 70.0);
	assert_true(m->node[1].write_bw_gbps == 25.25);	/* not given: as bw_gbps */
	assert_true(m->smt_stream_share == 0.55 && m->smt_latency_factor == 1.25);
	assert_int_equal(m->erms, 0);
	assert_int_equal(m->node[0].nr_cpus, 8);
	assert_false(node_has_cpus(m, 1));
	assert_int_equal(m->latency_ns[0][1], 240);
	assert_int_equal(m->latency_ns[1][0], 240);
	assert_int_equal(m->distance[0][1], 28);	/* round(28.2) */
	assert_int_equal(m->tlb.l2_entries, 1536);
	assert_int_equal(m->tlb.l2_ways, 12);
	assert_int_equal(m->tlb.l1_4k_entries, 64);	/* default kept */
	assert_int_equal(m->cost.hint_fault_ns, 2500);
	assert_int_equal(m->cost.minor_fault_ns, 1000);
	assert_true(m->cost.migrate_copy_gbps == 8.0);
	free(m);
}

static void test_parse_base(void **state)
{
	static const char text[] =
		"base = 2node-128cpu\n"
		"smt = 1\n"
		"[node 1]\n"
		"memory = 128G\n"
		"cores = 16\n"
		"[cost]\n"
		"pte_update_ns = 7\n";
	static const char add_node[] =
		"base = tiered-16cpu\n"
		"name = tiered-pmem\n"
		"[node 2]\n"
		"kind = pmem\n"
		"memory = 64G\n"
		"cores = 0\n"
		"bw_gbps = 10\n"
		"[latency]\n"
		"0 = 80 250 350\n";
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(parse(m, text, err), 0);
	assert_string_equal(m->name, "t");	/* no name: the file's */
	assert_int_equal(m->nr_nodes, 2);
	assert_int_equal(m->smt, 1);
	assert_int_equal(m->nr_cpus, 48);
	assert_int_equal(m->node[0].nr_cpus, 32);
	assert_int_equal(m->node[1].nr_cpus, 16);
	assert_int_equal(m->cpu[32].node, 1);
	assert_int_equal(m->node[1].mem_bytes, 128 * GiB);
	assert_int_equal(m->node[0].mem_bytes, 256 * GiB);	/* inherited */
	assert_int_equal(m->node[1].socket, 1);
	assert_int_equal(m->latency_ns[0][1], 143);
	assert_int_equal(m->tlb.l2_entries, 2048);
	assert_int_equal(m->cost.pte_update_ns, 7);
	assert_int_equal(m->cost.hint_fault_ns, 1500);

	/* a node added to a base with a CPU-less node: derived rows redone */
	assert_int_equal(parse(m, add_node, err), 0);
	assert_string_equal(m->name, "tiered-pmem");
	assert_int_equal(m->nr_nodes, 3);
	assert_int_equal(m->node[2].kind, MEM_PMEM);
	assert_int_equal(m->latency_ns[1][2], 350);
	assert_int_equal(m->latency_ns[2][1], 250);
	assert_int_equal(m->distance[0][2], 44);
	assert_int_equal(m->distance[1][2], 44);	/* both CPU-less: as node 0 sees 2 */
	assert_int_equal(m->nr_cpus, 16);
	free(m);
}

static void test_parse_crlf_no_final_newline(void **state)
{
	static const char text[] =
		"[node 0]\r\nmemory = 4M\r\ncores = 1\r\nbw_gbps = 1.5\r\n[latency]\r\n0 = 100";
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(parse(m, text, err), 0);
	assert_int_equal(m->nr_cpus, 1);
	assert_int_equal(m->latency_ns[0][0], 100);
	/* not NUL-terminated: stop 2 bytes early, "0 = 1" still parses */
	assert_int_equal(machine_parse(m, text, sizeof(text) - 3, "t", err, ERRLEN), 0);
	assert_int_equal(m->latency_ns[0][0], 1);
	free(m);
}

static void test_parse_nul_byte(void **state)
{
	static const char text[] = "name = a\0b\nsmt = 1\n";
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(machine_parse(m, text, sizeof(text) - 1, "t.machine", err, ERRLEN), -1);
	assert_non_null(strstr(err, "t.machine:1: NUL byte"));
	free(m);
}

/* Two valid nodes in lines 1-12; error cases append from line 13. */
#define NODES                                                                 \
	"[node 0]\nmemory = 4G\ncores = 2\nbw_gbps = 10\n"                    \
	"[node 1]\nmemory = 4G\ncores = 2\nsocket = 1\nbw_gbps = 10\n"        \
	"[latency]\n0 = 80 130\n1 = 130 80\n"

struct bad_case {
	const char *text;
	const char *want;	/* substring of the message */
};

static const struct bad_case bad_cases[] = {
	/* syntax */
	{ "smt\n", "t.machine:1: expected 'key = value'" },
	{ "[node 0\n", "t.machine:1: a section header must end" },
	{ "[nodes 0]\n", "t.machine:1: unknown section [nodes 0]" },
	{ "[node 16]\n", "t.machine:1: section [node 16]: node id must be 0..15" },
	{ "[node -1]\n", "t.machine:1: section [node N]" },
	{ " = 4\n", "t.machine:1: missing key" },
	{ "sm t = 1\n", "t.machine:1: a key is made of" },
	{ "name = x\n\n\nname\x01 = y\n", "t.machine:4: a key is made of" },
	{ NODES "[tlb]\n[tlb]\n", "t.machine:14: duplicate section [tlb] (first at line 13)" },
	{ NODES "[node 1]\n", "t.machine:13: duplicate section [node 1]" },
	/* keys */
	{ "smt =\n", "t.machine:1: key 'smt': missing value" },
	{ "smt = 3x\n", "t.machine:1: key 'smt': '3x' is not an integer in 1..8" },
	{ "smt = 0\n", "t.machine:1: key 'smt'" },
	{ "smt = 99999999999999999999999\n", "t.machine:1: key 'smt'" },
	{ "[node 0]\nmemroy = 4G\n", "t.machine:2: key 'memroy': unknown key in [node 0]" },
	{ "[tlb]\nsmt = 2\n", "t.machine:2: key 'smt': unknown key in [tlb]" },
	{ "[node 0]\nmemory = 4G\nmemory = 8G\n", "t.machine:3: key 'memory': duplicate key" },
	{ "[node 0]\nmemory = 5M\n", "t.machine:2: key 'memory': '5M' is not a non-zero multiple of 4M" },
	{ "[node 0]\nmemory = 0\n", "t.machine:2: key 'memory'" },
	{ "[node 0]\nmemory = 4 G\n", "t.machine:2: key 'memory': '4 G' is not a size" },
	{ "[node 0]\nmemory = 16777216T\n", "t.machine:2: key 'memory'" },
	{ "[node 0]\nmemory = 128T\n", "t.machine:2: key 'memory': '128T' is more than 64T" },
	{ "[node 0]\nbw_gbps = -5\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = nan\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = inf\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = 1e400\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = 0.0\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = 5,5\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = 0x10\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\nbw_gbps = 1e-400\n", "t.machine:2: key 'bw_gbps'" },
	{ "[node 0]\ncores = 4 cores\n", "t.machine:2: key 'cores'" },
	{ "[node 0]\nwrite_bw_gbps = 0\n", "t.machine:2: key 'write_bw_gbps'" },
	{ "[node 0]\nwrite_bw_gbps = 2e6\n", "t.machine:2: key 'write_bw_gbps'" },
	{ "smt_stream_share = 1.5\n", "t.machine:1: key 'smt_stream_share'" },
	{ "smt_stream_share = 0\n", "t.machine:1: key 'smt_stream_share'" },
	{ "smt_latency_factor = 11\n", "t.machine:1: key 'smt_latency_factor'" },
	{ "base = 2node-128cpu\nsmt_latency_factor = 0.5\n", "key 'smt_latency_factor': 0.5, must be in [1, 10]" },
	{ "erms = 2\n", "t.machine:1: key 'erms'" },
	{ "[node 0]\nkind = hbm\n", "t.machine:2: key 'kind': 'hbm' is not one of" },
	{ "[node 0]\nsocket = 16\n", "t.machine:2: key 'socket'" },
	{ "name = a b\n", "t.machine:1: key 'name'" },
	{ "name = x\nbase = 2node-128cpu\n", "t.machine:2: key 'base': must come before" },
	{ "base = 3node\n", "t.machine:1: key 'base': '3node' is not a preset (2node-128cpu, " },
	{ "[cost]\nminor_fault_ns = 4294967296\n", "t.machine:2: key 'minor_fault_ns'" },
	/* rows */
	{ NODES "[distance]\n0 = 10 21 21\n", "t.machine:14: key '0': 3 values, expected 2" },
	{ "[node 0]\nmemory = 4G\ncores = 2\nbw_gbps = 10\n[latency]\n0 = 80\n0 = 80\n",
	  "t.machine:7: key '0': duplicate row (first at line 6)" },
	{ NODES "[distance]\n5 = 10 21\n", "t.machine:14: key '5': there is no node 5" },
	{ NODES "[distance]\nx = 10 21\n", "t.machine:14: key 'x': a row key must be a node id" },
	{ NODES "[distance]\n0 = 9 21\n", "t.machine:14: key '0': value 1 '9'" },
	{ "[latency]\n0 = 80 -1\n", "t.machine:2: key '0': value 2 '-1'" },
	{ "[latency]\n0 = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n",
	  "t.machine:2: key '0': more than 16 values" },
	/* the file as a whole */
	{ "", "t.machine: no [node N] section and no base" },
	{ "[node 0]\nmemory = 4G\ncores = 1\n", "t.machine: [node 0] key 'bw_gbps': missing" },
	{ NODES "[node 3]\nmemory = 4G\ncores = 2\nbw_gbps = 10\n",
	  "t.machine: [node 2]: missing (node ids must be contiguous" },
	{ "[node 0]\nmemory = 4G\ncores = 2\nbw_gbps = 10\n", "t.machine: [latency] key '0': missing row" },
	{ "[node 0]\nmemory = 4G\ncores = 0\nbw_gbps = 10\n[latency]\n0 = 80\n",
	  "t.machine: key 'cores': no node has cores" },
	{ "smt = 1\n[node 0]\nmemory = 4G\ncores = 700\nbw_gbps = 10\n"
	  "[node 1]\nmemory = 4G\ncores = 700\nbw_gbps = 10\n[latency]\n0 = 1 2\n1 = 2 1\n",
	  "t.machine: key 'cores': 1400 cores x 1 threads is more than 1024 CPUs" },
	{ "[node 0]\nmemory = 4G\ncores = 2\nbw_gbps = 10\nsocket = 1\n[latency]\n0 = 80\n",
	  "t.machine: key 'socket': socket 0 has no CPUs" },
	{ NODES "[tlb]\nl2_ways = 3\n", "t.machine: [tlb] key 'l2_ways'" },
	{ "base = tiered-16cpu\n[node 1]\ncores = 2\n", "t.machine: [latency] key '1': missing row" },
	{ "base = tiered-16cpu\n[node 2]\nmemory = 4G\ncores = 0\nbw_gbps = 5\n",
	  "t.machine: [latency] key '0': no value for node 2" },
	/* device nodes: a link and threads, no CPUs; nobody else has them */
	{ "base = gpu-1node\n[node 1]\nlink_gbps = 0\n", "t.machine:3: key 'link_gbps'" },
	{ "base = gpu-1node\n[node 1]\nlink_ns = 0\n", "t.machine:3: key 'link_ns'" },
	{ "base = gpu-1node\n[node 1]\nthreads = 5000\n", "t.machine:3: key 'threads'" },
	{ "base = gpu-1node\n[node 1]\ncores = 2\n[latency]\n1 = 1000 80\n",
	  "t.machine: [node 1] key 'cores': a device node has no CPUs" },
	{ "base = gpu-1node\n[node 0]\nlink_gbps = 10\n",
	  "t.machine: [node 0] key 'link_gbps': only a device node has" },
	{ "base = gpu-1node\n[node 0]\nthreads = 10\n",
	  "t.machine: [node 0] key 'threads': only a device node has" },
	{ "base = 2node-128cpu\n[node 2]\nkind = device\nmemory = 4G\ncores = 0\nbw_gbps = 500\n"
	  "[latency]\n0 = 80 130 900\n1 = 130 80 900\n",
	  "t.machine: [node 2] key 'link_gbps': 0, a device node needs its link bandwidth" },
};

static void test_parse_errors(void **state)
{
	struct machine *m = new_machine();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		char err[ERRLEN] = "";
		int ret = parse(m, bad_cases[i].text, err);

		if (ret != -1 || !strstr(err, bad_cases[i].want))
			fail_msg("case %zu: ret %d, message \"%s\", wanted \"%s\"", i, ret, err,
				 bad_cases[i].want);
	}
	free(m);
}

/* A short err buffer is truncated, never overrun; a NULL one is allowed. */
static void test_parse_error_buffer(void **state)
{
	struct machine *m = new_machine();
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(machine_parse(m, "smt = 9\n", 8, "a-long-path.machine", err, 8), -1);
	assert_string_equal(err, "a-long-");
	assert_int_equal(err[8], 'x');
	assert_int_equal(machine_parse(m, "smt = 9\n", 8, "p", NULL, 0), -1);
	free(m);
}

/* ---- files and resolve ---- */

static void test_example_files(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	if (machine_load_file(m, "examples/machines/cxl-2socket.machine", err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(m->name, "cxl-2socket");
	assert_int_equal(m->nr_nodes, 4);
	assert_int_equal(m->nr_cpus, 128);
	assert_int_equal(m->node[2].kind, MEM_CXL);
	assert_int_equal(m->node[3].socket, 1);
	assert_int_equal(m->latency_ns[3][1], 250);
	assert_int_equal(m->distance[0][3], 38);	/* round(37.5) */
	/* two CPU-less nodes: node 2 sees node 3 as its home node 0 does */
	assert_int_equal(m->latency_ns[2][3], 300);
	assert_int_equal(m->latency_ns[2][2], 250);
	assert_int_equal(m->distance[2][3], 38);
	assert_int_equal(m->distance[3][2], 38);

	if (machine_resolve(m, "examples/machines/amd-4node.machine", err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(m->name, "amd-4node");
	assert_int_equal(m->nr_nodes, 4);
	assert_int_equal(m->nr_cpus, 256);
	assert_int_equal(m->nr_sockets, 2);
	assert_int_equal(m->cpu[31].node, 0);
	assert_int_equal(m->cpu[32].node, 1);
	assert_int_equal(m->cpu[64].node, 2);
	assert_int_equal(m->cpu[128].node, 0);
	assert_int_equal(m->cpu[255].node, 3);
	assert_int_equal(m->cpu[64].socket, 1);
	assert_int_equal(m->distance[0][1], 12);
	assert_int_equal(m->distance[0][2], 32);
	assert_int_equal(m->node[1].socket, 0);
	assert_true(m->link_bw_gbps == 128.0);
	assert_true(m->thread_bw_gbps == 12.0);	/* inherited */
	free(m);
}

static void test_resolve(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	assert_int_equal(machine_resolve(m, "tiered-16cpu", err, sizeof(err)), 0);
	assert_int_equal(m->nr_cpus, 16);
	assert_int_equal(machine_resolve(m, "no/such/file.machine", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no/such/file.machine: cannot read"));
	assert_non_null(strstr(err, "not a preset: 2node-128cpu"));
	assert_int_equal(machine_resolve(m, "", err, sizeof(err)), -1);
	/* anything else is read as a machine file */
	assert_int_equal(machine_resolve(m, "tests/unit/test_machine.c", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "tests/unit/test_machine.c:1:"));
	free(m);
}

static void test_hwloc_import(void **state)
{
	struct machine *m = new_machine();
	char err[ERRLEN] = "";

	(void)state;
	/* pack:2 [numa(memory=8GB)] core:4 pu:2, no distance matrix */
	if (machine_resolve(m, "tests/data/hwloc-2pack.xml", err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(m->name, "hwloc-2pack");
	assert_int_equal(m->nr_nodes, 2);
	assert_int_equal(m->smt, 2);
	assert_int_equal(m->nr_cpus, 16);
	assert_int_equal(m->nr_sockets, 2);
	assert_int_equal(m->node[0].mem_bytes, 1907 * 4 * MiB);	/* 8e9 rounded down */
	assert_int_equal(m->node[1].kind, MEM_DRAM);
	for (uint32_t c = 0; c < 16; c++)
		assert_int_equal(m->cpu[c].node, (c / 4) % 2);
	assert_int_equal(m->cpu[1].core, m->cpu[9].core);
	assert_int_equal(m->latency_ns[0][0], 80);
	assert_int_equal(m->latency_ns[0][1], 130);
	assert_int_equal(m->distance[0][1], 16);
	assert_int_equal(m->tlb.l2_entries, 2048);	/* defaults: the 2node-128cpu TLB */
	assert_int_equal(m->cost.hint_fault_ns, 1500);
	assert_true(m->node[0].bw_gbps == 175.8);

	/* pack:2 [numa(memory=4GB)] [numa(memory=16GB)] core:2 pu:1, with a SLIT */
	if (machine_resolve(m, "tests/data/hwloc-2pack-memside.xml", err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(m->nr_nodes, 4);
	assert_int_equal(m->smt, 1);
	assert_int_equal(m->nr_cpus, 4);
	assert_int_equal(m->cpu[0].node, 0);
	assert_int_equal(m->cpu[1].node, 0);
	assert_int_equal(m->cpu[2].node, 2);
	assert_int_equal(m->cpu[3].node, 2);
	assert_false(node_has_cpus(m, 1));
	assert_false(node_has_cpus(m, 3));
	assert_int_equal(m->node[1].kind, MEM_CXL);
	assert_int_equal(m->node[1].socket, 0);
	assert_int_equal(m->node[3].socket, 1);
	assert_true(m->node[3].bw_gbps == 36.0);
	assert_int_equal(m->node[3].mem_bytes, 3814 * 4 * MiB);	/* 16e9 rounded down */
	assert_int_equal(m->distance[0][1], 25);
	assert_int_equal(m->distance[0][2], 21);
	assert_int_equal(m->distance[0][3], 31);
	assert_int_equal(m->latency_ns[0][0], 80);
	assert_int_equal(m->latency_ns[0][1], 146);	/* 80 * (1 + 1.5 * 0.55) */
	assert_int_equal(m->latency_ns[0][2], 128);	/* 21 -> 128.4 */
	assert_int_equal(m->latency_ns[2][3], 146);
	free(m);
}

static void test_hwloc_bad_xml(void **state)
{
	static const char xml[] = "<?xml version=\"1.0\"?>\n<topology><object type=";
	char path[] = "/tmp/numasim-test-XXXXXX";	/* no .xml: detected by content */
	struct machine *m = new_machine();
	char err[ERRLEN] = "";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, sizeof(xml) - 1), (ssize_t)sizeof(xml) - 1);
	close(fd);
	assert_int_equal(machine_resolve(m, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "hwloc import"));
	unlink(path);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets_validate),
		cmocka_unit_test(test_preset_gpu_shape),
		cmocka_unit_test(test_preset_2node_shape),
		cmocka_unit_test(test_preset_tiered_2node_cxl_shape),
		cmocka_unit_test(test_preset_4node_shape),
		cmocka_unit_test(test_preset_tiered_shape),
		cmocka_unit_test(test_defaults_match_2node),
		cmocka_unit_test(test_distance_derivation),
		cmocka_unit_test(test_validate_errors),
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_parse_base),
		cmocka_unit_test(test_parse_crlf_no_final_newline),
		cmocka_unit_test(test_parse_nul_byte),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_error_buffer),
		cmocka_unit_test(test_example_files),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_hwloc_import),
		cmocka_unit_test(test_hwloc_bad_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
