// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine/machine_file.c - machine files, hwloc XML import, "--machine ARG".
 *
 * Models:     nothing in the kernel; this is input handling. The format is
 *             line-based and INI-like, documented in docs/machine-file.md.
 * Rules:      the input is untrusted bytes (the fuzz target feeds it): it is
 *             never assumed NUL-terminated, numbers are parsed by hand with
 *             overflow checks, and every error names PATH:LINE and the key.
 * SIMPLIFIED: the hwloc import keeps only nodes, cores, PUs, packages and the
 *             SLIT; bandwidths, TLB and costs come from the defaults.
 */
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "machine/machine.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FILE_BYTES	(64u * 1024 * 1024)	/* lstopo XML of a big box is a few MB */
#define SHOW_MAX	32			/* characters of a bad value quoted back */
#define MAX_LATENCY_NS	1000000u
#define MAX_COST_NS	1000000000u		/* 1 s: any kernel cost above is a typo */

enum section { SEC_TOP, SEC_NODE, SEC_LATENCY, SEC_DISTANCE, SEC_TLB, SEC_COST, NR_SECTIONS };

static const char *const section_names[NR_SECTIONS] = {
	[SEC_TOP] = "the top level",
	[SEC_NODE] = "[node N]",
	[SEC_LATENCY] = "[latency]",
	[SEC_DISTANCE] = "[distance]",
	[SEC_TLB] = "[tlb]",
	[SEC_COST] = "[cost]",
};

/* ---- key tables: one line per key, the parser is generic over them ---- */

enum key_type {
	KT_U32,		/* uint32_t field, min..max */
	KT_F64,		/* double field, min < x <= max */
	KT_SIZE,	/* uint64_t bytes, suffix K/M/G/T, multiple of 4M, <= max */
	KT_KIND,	/* enum mem_kind by name */
	KT_NAME,	/* the machine's name */
	KT_BASE,	/* preset to inherit from */
	KT_CORES,	/* physical cores of a node: parser state, not a field */
};

struct key_desc {
	const char *key;
	enum key_type type;
	size_t offset;		/* into struct machine, or struct machine_node in [node N] */
	double min, max;
};

#define M_OFF(field) offsetof(struct machine, field)
#define N_OFF(field) offsetof(struct machine_node, field)

static const struct key_desc top_keys[] = {
	{ "name", KT_NAME, 0, 0, 0 },
	{ "base", KT_BASE, 0, 0, 0 },
	{ "smt", KT_U32, M_OFF(smt), 1, MACHINE_MAX_SMT },
	{ "link_bw_gbps", KT_F64, M_OFF(link_bw_gbps), 0, 1e6 },
	{ "thread_bw_gbps", KT_F64, M_OFF(thread_bw_gbps), 0, 1e6 },
	{ "smt_stream_share", KT_F64, M_OFF(smt_stream_share), 0, 1 },
	{ "smt_latency_factor", KT_F64, M_OFF(smt_latency_factor), 0, 10 },
	{ "random_mlp", KT_F64, M_OFF(random_mlp), 0, 64 },
	{ "erms", KT_U32, M_OFF(erms), 0, 1 },
	{ "walk_ns", KT_U32, M_OFF(walk_ns), 0, MAX_LATENCY_NS },
};

/* Indexes into node_keys: a node the base does not have needs some of them. */
enum { NK_KIND, NK_MEMORY, NK_CORES, NK_SOCKET, NK_BW, NK_LINK_GBPS, NK_LINK_NS, NK_THREADS,
       NK_WRITE_BW, NK_MEMORY_TIER, NR_NODE_KEYS };
#define NODE_REQUIRED ((1u << NK_MEMORY) | (1u << NK_CORES) | (1u << NK_BW))

static const struct key_desc node_keys[NR_NODE_KEYS] = {
	[NK_KIND] = { "kind", KT_KIND, N_OFF(kind), 0, 0 },
	[NK_MEMORY] = { "memory", KT_SIZE, N_OFF(mem_bytes), 0, (double)MACHINE_MAX_NODE_MEM },
	[NK_CORES] = { "cores", KT_CORES, 0, 0, MAX_CPUS },
	[NK_SOCKET] = { "socket", KT_U32, N_OFF(socket), 0, MAX_NUMNODES - 1 },
	[NK_BW] = { "bw_gbps", KT_F64, N_OFF(bw_gbps), 0, 1e6 },
	[NK_LINK_GBPS] = { "link_gbps", KT_F64, N_OFF(link_gbps), 0, 1e6 },
	[NK_LINK_NS] = { "link_ns", KT_U32, N_OFF(link_ns), 1, MAX_LATENCY_NS },
	[NK_THREADS] = { "threads", KT_U32, N_OFF(threads), 1, MACHINE_MAX_DEVICE_THREADS },
	[NK_WRITE_BW] = { "write_bw_gbps", KT_F64, N_OFF(write_bw_gbps), 0, 1e6 },
	[NK_MEMORY_TIER] = { "memory_tier", KT_U32, N_OFF(memory_tier), 0, 1023 },
};

#define TLB_KEY(f) { #f, KT_U32, M_OFF(tlb.f), 1, 1u << 20 }
static const struct key_desc tlb_keys[] = {
	TLB_KEY(l1_4k_entries), TLB_KEY(l1_4k_ways),
	TLB_KEY(l1_2m_entries), TLB_KEY(l1_2m_ways),
	TLB_KEY(l2_entries), TLB_KEY(l2_ways),
};

#define COST_KEY(f) { #f, KT_U32, M_OFF(cost.f), 0, MAX_COST_NS }
static const struct key_desc cost_keys[] = {
	COST_KEY(minor_fault_ns),
	COST_KEY(hint_fault_ns),
	COST_KEY(pte_update_ns),
	COST_KEY(tlb_flush_one_ns),
	COST_KEY(tlb_flush_all_ns),
	COST_KEY(shootdown_initiator_ns),
	COST_KEY(shootdown_per_target_ns),
	COST_KEY(shootdown_target_ns),
	COST_KEY(migrate_folio_ns),
	{ "migrate_copy_gbps", KT_F64, M_OFF(cost.migrate_copy_gbps), 0, 1e6 },
	{ "clear_page_gbps", KT_F64, M_OFF(cost.clear_page_gbps), 0, 1e6 },
};

/* seen-masks are uint32_t: one bit per key */
_Static_assert(ARRAY_SIZE(cost_keys) <= 32 && ARRAY_SIZE(top_keys) <= 32, "key mask too small");

struct key_table {
	const struct key_desc *keys;
	size_t nr;
};

static const struct key_table key_tables[NR_SECTIONS] = {
	[SEC_TOP] = { top_keys, ARRAY_SIZE(top_keys) },
	[SEC_NODE] = { node_keys, ARRAY_SIZE(node_keys) },
	[SEC_TLB] = { tlb_keys, ARRAY_SIZE(tlb_keys) },
	[SEC_COST] = { cost_keys, ARRAY_SIZE(cost_keys) },
};

/* ---- parser state ---- */

struct span {
	const char *s;
	size_t n;
};

/* One row of [latency] or [distance], checked against nr_nodes at the end. */
struct row {
	uint32_t v[MAX_NUMNODES];
	uint32_t nr;
	unsigned long line;	/* 0: not given */
};

struct parser {
	struct machine *m;
	const char *path;
	char *err;
	size_t errlen;
	unsigned long line;
	enum section sec;
	uint32_t sec_node;		/* id of the current [node N] */
	bool any_item;			/* a key or section was seen: too late for base */
	uint32_t base_nodes;		/* nodes inherited from the base */
	uint32_t cores[MAX_NUMNODES];
	unsigned long sec_line[NR_SECTIONS];	/* first line of each single section */
	unsigned long node_line[MAX_NUMNODES];	/* line of [node N], 0: absent */
	uint32_t keys_seen[NR_SECTIONS];
	uint32_t node_keys_seen[MAX_NUMNODES];
	struct row lat[MAX_NUMNODES];
	struct row dist[MAX_NUMNODES];
};

/* ---- errors ---- */

/* Copy @v into @buf for an error message: at most SHOW_MAX bytes, unprintables as '?'. */
static const char *show(struct span v, char *buf)
{
	size_t n = MIN(v.n, (size_t)SHOW_MAX);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v.s[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	strcpy(buf + n, v.n > n ? "..." : "");
	return buf;
}

/* "PATH:LINE: key 'KEY': MSG", dropping the parts that are 0/NULL. */
static int vreport(const struct parser *p, unsigned long line, const struct span *key,
		   const char *fmt, va_list ap)
{
	char kbuf[SHOW_MAX + 4];

	return verrorf_at(p->err, p->errlen, p->path, line, line && key ? show(*key, kbuf) : NULL,
			  fmt, ap);
}

/* A syntax error on the current line. */
static sim_printf(2, 3) int line_err(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, p->line, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/* A bad value for @key on @line (the current line unless a row is rechecked). */
static sim_printf(4, 5) int key_err(const struct parser *p, unsigned long line, struct span key,
				    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, line, &key, fmt, ap);
	va_end(ap);
	return -1;
}

/* Something missing or inconsistent in the file as a whole. */
static sim_printf(2, 3) int file_err(const struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, 0, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

/* "a, b, c": the preset names, for messages. */
static const char *preset_list(char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; machine_preset_names[i] && used < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
				 machine_preset_names[i]);

		used += n > 0 ? (size_t)n : 0;
	}
	return buf;
}

/* ---- strict scalar parsers: whole span or nothing ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static struct span trim(struct span v)
{
	while (v.n && is_blank(v.s[0])) {
		v.s++;
		v.n--;
	}
	while (v.n && is_blank(v.s[v.n - 1]))
		v.n--;
	return v;
}

static bool span_eq(struct span v, const char *lit)
{
	size_t n = strlen(lit);

	return v.n == n && memcmp(v.s, lit, n) == 0;
}

/* The numbers of core/parse.h. */
static bool span_uint(struct span v, uint64_t *out)
{
	return parse_u64(v.s, v.n, 0, UINT64_MAX, out) == PARSE_OK;
}

static bool span_size(struct span v, uint64_t *out)
{
	return parse_size(v.s, v.n, out) == PARSE_OK;
}

static bool span_decimal(struct span v, double *out)
{
	return parse_double(v.s, v.n, out) == PARSE_OK;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == '+';
}

/* ---- one key = value ---- */

static int set_u32(struct parser *p, struct span key, struct span val, const struct key_desc *d,
		   uint32_t *field)
{
	char buf[SHOW_MAX + 4];
	uint64_t v;

	if (!span_uint(val, &v) || v < d->min || v > d->max)
		return key_err(p, p->line, key, "'%s' is not an integer in %.0f..%.0f", show(val, buf),
			       d->min, d->max);
	*field = (uint32_t)v;
	return 0;
}

static int set_f64(struct parser *p, struct span key, struct span val, const struct key_desc *d,
		   double *field)
{
	char buf[SHOW_MAX + 4];
	double x;

	if (!span_decimal(val, &x) || !(x > d->min) || x > d->max)
		return key_err(p, p->line, key, "'%s' is not a decimal number above %g and at most %g",
			       show(val, buf), d->min, d->max);
	*field = x;
	return 0;
}

static int set_size(struct parser *p, struct span key, struct span val, const struct key_desc *d,
		    uint64_t *field)
{
	char buf[SHOW_MAX + 4];
	uint64_t v;

	if (!span_size(val, &v))
		return key_err(p, p->line, key, "'%s' is not a size (digits, then K, M, G or T)",
			       show(val, buf));
	if (v == 0 || !IS_ALIGNED(v, 4 * MiB))
		return key_err(p, p->line, key, "'%s' is not a non-zero multiple of 4M", show(val, buf));
	if (v > d->max)
		return key_err(p, p->line, key, "'%s' is more than 64T", show(val, buf));
	*field = v;
	return 0;
}

static int set_kind(struct parser *p, struct span key, struct span val, enum mem_kind *field)
{
	char buf[SHOW_MAX + 4];

	for (int k = 0; k < NR_MEM_KINDS; k++) {
		if (span_eq(val, mem_kind_name((enum mem_kind)k))) {
			*field = (enum mem_kind)k;
			return 0;
		}
	}
	return key_err(p, p->line, key, "'%s' is not one of dram, cxl, pmem, device", show(val, buf));
}

static int set_name(struct parser *p, struct span key, struct span val)
{
	if (val.n >= MACHINE_NAME_MAX)
		return key_err(p, p->line, key, "longer than %d characters", MACHINE_NAME_MAX - 1);
	for (size_t i = 0; i < val.n; i++)
		if (!name_char_ok(val.s[i]))
			return key_err(p, p->line, key, "use only letters, digits and . _ + -");
	memcpy(p->m->name, val.s, val.n);
	p->m->name[val.n] = '\0';
	return 0;
}

/*
 * Start from preset @val. Derived fields are cleared so they are derived
 * again from what the file changes: all distances, and the latency rows of
 * CPU-less nodes (machine_validate() filled them from the transpose).
 */
static int set_base(struct parser *p, struct span key, struct span val)
{
	char name[MACHINE_NAME_MAX], buf[SHOW_MAX + 4], list[256];
	struct machine *m = p->m;

	if (p->any_item)
		return key_err(p, p->line, key, "must come before every other key and section");
	if (val.n < sizeof(name)) {
		memcpy(name, val.s, val.n);
		name[val.n] = '\0';
	}
	if (val.n >= sizeof(name) || machine_preset(m, name) != 0)
		return key_err(p, p->line, key, "'%s' is not a preset (%s)", show(val, buf),
			       preset_list(list, sizeof(list)));
	p->base_nodes = m->nr_nodes;
	memset(m->distance, 0, sizeof(m->distance));
	for (uint32_t n = 0; n < m->nr_nodes; n++) {
		p->cores[n] = m->node[n].nr_cpus / m->smt;
		if (!node_has_cpus(m, n))
			memset(m->latency_ns[n], 0, sizeof(m->latency_ns[n]));
	}
	return 0;
}

static int set_value(struct parser *p, struct span key, struct span val, const struct key_desc *d)
{
	char *obj = p->sec == SEC_NODE ? (char *)&p->m->node[p->sec_node] : (char *)p->m;
	void *field = obj + d->offset;

	switch (d->type) {
	case KT_U32:
		return set_u32(p, key, val, d, field);
	case KT_F64:
		return set_f64(p, key, val, d, field);
	case KT_SIZE:
		return set_size(p, key, val, d, field);
	case KT_KIND:
		return set_kind(p, key, val, field);
	case KT_NAME:
		return set_name(p, key, val);
	case KT_BASE:
		return set_base(p, key, val);
	case KT_CORES:
		return set_u32(p, key, val, d, &p->cores[p->sec_node]);
	}
	return key_err(p, p->line, key, "internal: bad key type");
}

static uint32_t *seen_mask(struct parser *p)
{
	return p->sec == SEC_NODE ? &p->node_keys_seen[p->sec_node] : &p->keys_seen[p->sec];
}

/* "[node 3]", "[tlb]", "the top level": where the current line is. */
static const char *section_label(const struct parser *p, char *buf, size_t size)
{
	if (p->sec != SEC_NODE)
		return section_names[p->sec];
	snprintf(buf, size, "[node %u]", p->sec_node);
	return buf;
}

static int parse_keyval(struct parser *p, struct span key, struct span val)
{
	const struct key_table *t = &key_tables[p->sec];
	uint32_t *seen = seen_mask(p);
	char where[24];

	for (size_t i = 0; i < t->nr; i++) {
		if (!span_eq(key, t->keys[i].key))
			continue;
		if (*seen & (1u << i))
			return key_err(p, p->line, key, "duplicate key in %s",
				       section_label(p, where, sizeof(where)));
		*seen |= 1u << i;
		if (t->keys[i].type != KT_BASE)
			p->any_item = true;
		return set_value(p, key, val, &t->keys[i]);
	}
	return key_err(p, p->line, key, "unknown key in %s", section_label(p, where, sizeof(where)));
}

/* "N = v0 v1 ..." in [latency] (1..1e6 ns) or [distance] (10..254). */
static int parse_row(struct parser *p, struct span key, struct span val)
{
	bool is_lat = p->sec == SEC_LATENCY;
	uint64_t lo = is_lat ? 1 : 10, hi = is_lat ? MAX_LATENCY_NS : 254;
	char buf[SHOW_MAX + 4];
	struct row *r;
	uint64_t id, v;

	if (!span_uint(key, &id) || id >= MAX_NUMNODES)
		return key_err(p, p->line, key, "a row key must be a node id 0..%d", MAX_NUMNODES - 1);
	r = is_lat ? &p->lat[id] : &p->dist[id];
	if (r->line)
		return key_err(p, p->line, key, "duplicate row (first at line %lu)", r->line);
	r->line = p->line;
	while (val.n) {
		size_t len = 0;

		while (len < val.n && !is_blank(val.s[len]))
			len++;
		if (r->nr == MAX_NUMNODES)
			return key_err(p, p->line, key, "more than %d values", MAX_NUMNODES);
		if (!span_uint((struct span){ val.s, len }, &v) || v < lo || v > hi)
			return key_err(p, p->line, key, "value %u '%s' is not an integer in %llu..%llu",
				       r->nr + 1, show((struct span){ val.s, len }, buf),
				       (unsigned long long)lo, (unsigned long long)hi);
		r->v[r->nr++] = (uint32_t)v;
		val = trim((struct span){ val.s + len, val.n - len });
	}
	return 0;
}

/* ---- sections and lines ---- */

static int enter_section(struct parser *p, enum section sec, uint32_t node)
{
	unsigned long *first = sec == SEC_NODE ? &p->node_line[node] : &p->sec_line[sec];

	if (*first) {
		if (sec == SEC_NODE)
			return line_err(p, "duplicate section [node %u] (first at line %lu)", node, *first);
		return line_err(p, "duplicate section %s (first at line %lu)", section_names[sec], *first);
	}
	*first = p->line;
	p->sec = sec;
	p->sec_node = node;
	p->any_item = true;
	return 0;
}

static int parse_section(struct parser *p, struct span line)
{
	static const enum section named[] = { SEC_LATENCY, SEC_DISTANCE, SEC_TLB, SEC_COST };
	char buf[SHOW_MAX + 4];
	struct span in;
	uint64_t id;

	if (line.n < 2 || line.s[line.n - 1] != ']')
		return line_err(p, "a section header must end with ']'");
	in = trim((struct span){ line.s + 1, line.n - 2 });
	for (size_t i = 0; i < ARRAY_SIZE(named); i++) {
		const char *nm = section_names[named[i]];	/* "[name]" */

		if (in.n == strlen(nm) - 2 && memcmp(in.s, nm + 1, in.n) == 0)
			return enter_section(p, named[i], 0);
	}
	if (in.n > 4 && memcmp(in.s, "node", 4) == 0 && is_blank(in.s[4])) {
		struct span num = trim((struct span){ in.s + 4, in.n - 4 });

		if (!span_uint(num, &id))
			return line_err(p, "section [node N]: '%s' is not a node id", show(num, buf));
		if (id >= MAX_NUMNODES)
			return line_err(p, "section [node %s]: node id must be 0..%d", show(num, buf),
					MAX_NUMNODES - 1);
		return enter_section(p, SEC_NODE, (uint32_t)id);
	}
	return line_err(p, "unknown section [%s] (expected [node N], [latency], [distance], [tlb], [cost])",
			show(in, buf));
}

static int parse_assignment(struct parser *p, struct span line)
{
	const char *eq = memchr(line.s, '=', line.n);
	struct span key, val;

	if (!eq)
		return line_err(p, "expected 'key = value' or '[section]'");
	key = trim((struct span){ line.s, (size_t)(eq - line.s) });
	val = trim((struct span){ eq + 1, line.n - (size_t)(eq - line.s) - 1 });
	if (key.n == 0)
		return line_err(p, "missing key before '='");
	for (size_t i = 0; i < key.n; i++)
		if (!name_char_ok(key.s[i]))
			return line_err(p, "a key is made of letters, digits and '_'");
	if (val.n == 0)
		return key_err(p, p->line, key, "missing value");
	if (p->sec == SEC_LATENCY || p->sec == SEC_DISTANCE)
		return parse_row(p, key, val);
	return parse_keyval(p, key, val);
}

static int parse_line(struct parser *p, struct span line)
{
	const char *hash;

	if (memchr(line.s, '\0', line.n))
		return line_err(p, "NUL byte in line");
	hash = memchr(line.s, '#', line.n);
	if (hash)
		line.n = (size_t)(hash - line.s);
	line = trim(line);
	if (line.n == 0)
		return 0;
	if (line.s[0] == '[')
		return parse_section(p, line);
	return parse_assignment(p, line);
}

/* ---- end of file: cross-key checks ---- */

/* Node ids are 0..nr_nodes-1 with no gap; nodes the base lacks are complete. */
static int finish_nodes(struct parser *p)
{
	static const uint32_t required[] = { NK_MEMORY, NK_CORES, NK_BW };
	uint32_t nr = p->base_nodes;

	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		if (p->node_line[n])
			nr = MAX(nr, n + 1);
	if (nr == 0)
		return file_err(p, "no [node N] section and no base: the machine has no nodes");
	for (uint32_t n = p->base_nodes; n < nr; n++) {
		if (!p->node_line[n])
			return file_err(p, "[node %u]: missing (node ids must be contiguous up to %u)", n,
					nr - 1);
		for (size_t i = 0; i < ARRAY_SIZE(required); i++)
			if (!(p->node_keys_seen[n] & (1u << required[i])))
				return file_err(p, "[node %u] key '%s': missing", n,
						node_keys[required[i]].key);
	}
	p->m->nr_nodes = nr;
	return 0;
}

static int apply_rows(struct parser *p, const struct row *rows, uint32_t (*dst)[MAX_NUMNODES])
{
	uint32_t nr = p->m->nr_nodes;

	for (uint32_t id = 0; id < MAX_NUMNODES; id++) {
		const struct row *r = &rows[id];
		char key[12];

		if (!r->line)
			continue;
		snprintf(key, sizeof(key), "%u", id);
		if (id >= nr)
			return key_err(p, r->line, (struct span){ key, strlen(key) },
				       "there is no node %u (nodes are 0..%u)", id, nr - 1);
		if (r->nr != nr)
			return key_err(p, r->line, (struct span){ key, strlen(key) },
				       "%u values, expected %u (one per node)", r->nr, nr);
		memcpy(dst[id], r->v, sizeof(r->v[0]) * nr);
	}
	return 0;
}

static int finish_latency(struct parser *p)
{
	const struct machine *m = p->m;
	uint64_t nr_cores = 0;

	for (uint32_t a = 0; a < m->nr_nodes; a++) {
		uint32_t zeros = 0, first_zero = 0;

		nr_cores += p->cores[a];
		for (uint32_t b = m->nr_nodes; b-- > 0;)
			if (m->latency_ns[a][b] == 0) {
				zeros++;
				first_zero = b;
			}
		if (!p->cores[a] || !zeros)
			continue;
		if (zeros == m->nr_nodes)
			return file_err(p, "[latency] key '%u': missing row for node %u, which has CPUs",
					a, a);
		/* an inherited row is short when nodes were added to the base */
		return file_err(p, "[latency] key '%u': no value for node %u (give the full row)", a,
				first_zero);
	}
	if (nr_cores == 0)
		return file_err(p, "key 'cores': no node has cores, the machine has no CPUs");
	return 0;
}

/* Name not given: the file name without directory and extension. */
static void default_name(struct machine *m, const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t n;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	n = MIN(dot && dot != base ? (size_t)(dot - base) : strlen(base), (size_t)MACHINE_NAME_MAX - 1);
	for (size_t i = 0; i < n; i++)
		m->name[i] = name_char_ok(base[i]) ? base[i] : '_';
	m->name[n] = '\0';
	if (n == 0)
		snprintf(m->name, sizeof(m->name), "machine");
}

static int finish(struct parser *p)
{
	char msg[256];

	if (finish_nodes(p) || apply_rows(p, p->lat, p->m->latency_ns) ||
	    apply_rows(p, p->dist, p->m->distance) || finish_latency(p))
		return -1;
	if (machine_add_cpus(p->m, p->cores, msg, sizeof(msg)))
		return file_err(p, "%s", msg);
	if (!(p->keys_seen[SEC_TOP] & 1u))	/* top_keys[0] is "name" */
		default_name(p->m, p->path);
	if (machine_validate(p->m, msg, sizeof(msg)))
		return file_err(p, "%s", msg);
	return 0;
}

int machine_parse(struct machine *m, const char *text, size_t len, const char *path,
		  char *err, size_t errlen)
{
	struct parser parser = { .m = m, .path = path ? path : "(input)", .err = err,
				 .errlen = errlen };
	struct parser *p = &parser;
	size_t pos = 0;
	int ret = 0;

	machine_init_defaults(m);
	while (text && pos < len && ret == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p->line++;
		ret = parse_line(p, (struct span){ text + pos, end - pos });
		pos = end + 1;
	}
	if (ret == 0)
		ret = finish(p);
	return ret;
}

/* ---- files ---- */

/* Read all of @path into a NUL-terminated malloc'd buffer. */
static int read_file(const char *path, char **out, size_t *outlen, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, len = 0;
	char *buf = NULL;

	if (!f)
		goto out_errno;
	for (;;) {
		char *nbuf = realloc(buf, cap + 1);

		if (!nbuf)
			goto out_errno;
		buf = nbuf;
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f))
			goto out_errno;
		if (len < cap)
			break;
		if (cap >= MAX_FILE_BYTES) {
			errorf(err, errlen, "%s: larger than %u bytes", path, MAX_FILE_BYTES);
			goto out_close;
		}
		cap *= 2;
	}
	fclose(f);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;

out_errno:
	errorf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
out_close:
	if (f)
		fclose(f);
	free(buf);
	return -1;
}

int machine_load_file(struct machine *m, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	if (read_file(path, &buf, &len, err, errlen))
		return -1;
	ret = machine_parse(m, buf, len, path, err, errlen);
	free(buf);
	return ret;
}

/* ---- hwloc XML import ---- */

struct hw_import {
	hwloc_topology_t topo;
	struct machine *m;
	const char *path;
	char *err;
	size_t errlen;
	uint32_t cores[MAX_NUMNODES];
	int node_pkg[MAX_NUMNODES];	/* package of the node's cores, -1: none yet */
};

static sim_printf(2, 3) int hw_err(const struct hw_import *h, const char *fmt, ...)
{
	va_list ap;
	int used;

	if (!h->err || !h->errlen)
		return -1;
	used = snprintf(h->err, h->errlen, "%s: hwloc import: ", h->path);
	if (used >= 0 && (size_t)used < h->errlen) {
		va_start(ap, fmt);
		verrorf(h->err + used, h->errlen - (size_t)used, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int hw_package_of(hwloc_topology_t topo, hwloc_obj_t obj)
{
	hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, obj);

	return pkg ? (int)pkg->logical_index : -1;
}

/* Memory kind from the hwloc subtype; an untyped CPU-less node is taken as CXL. */
static enum mem_kind hw_kind(hwloc_obj_t node, bool has_cpus)
{
	const char *st = node->subtype;

	if (st && strcmp(st, "NVM") == 0)
		return MEM_PMEM;
	if (st && strcmp(st, "GPUMemory") == 0)
		return MEM_DEVICE;
	if (st && strncmp(st, "CXL", 3) == 0)
		return MEM_CXL;
	if (st || has_cpus)
		return MEM_DRAM;	/* DRAM, HBM, MCDRAM: CPU-attached memory */
	return MEM_CXL;
}

/* Give each core to the first NUMA node whose cpuset holds it; count SMT. */
static int hw_assign_cores(struct hw_import *h, uint32_t nr_nodes)
{
	hwloc_obj_type_t type = hwloc_get_nbobjs_by_type(h->topo, HWLOC_OBJ_CORE) > 0 ?
					HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
	hwloc_obj_t core = NULL;
	uint32_t smt = 0;

	while ((core = hwloc_get_next_obj_by_type(h->topo, type, core)) != NULL) {
		int pus = hwloc_get_nbobjs_inside_cpuset_by_type(h->topo, core->cpuset, HWLOC_OBJ_PU);
		uint32_t n;

		if (pus <= 0 || (smt && (uint32_t)pus != smt))
			return hw_err(h, "core %u has %d PUs, others %u: SMT must be uniform",
				      core->logical_index, pus, smt);
		smt = (uint32_t)pus;
		for (n = 0; n < nr_nodes; n++) {
			hwloc_obj_t node = hwloc_get_obj_by_type(h->topo, HWLOC_OBJ_NUMANODE, n);

			if (node->cpuset && hwloc_bitmap_isincluded(core->cpuset, node->cpuset))
				break;
		}
		if (n == nr_nodes)
			return hw_err(h, "core %u is in no NUMA node", core->logical_index);
		if (h->node_pkg[n] < 0)
			h->node_pkg[n] = hw_package_of(h->topo, core);
		else if (h->node_pkg[n] != hw_package_of(h->topo, core))
			return hw_err(h, "NUMA node %u has cores in two packages", n);
		h->cores[n]++;
	}
	if (smt == 0 || smt > MACHINE_MAX_SMT)
		return hw_err(h, "%u PUs per core, must be 1..%d", smt, MACHINE_MAX_SMT);
	h->m->smt = smt;
	return 0;
}

/* Memory, kind, socket and bandwidth of each node. */
static int hw_nodes(struct hw_import *h, uint32_t nr_nodes)
{
	for (uint32_t n = 0; n < nr_nodes; n++) {
		hwloc_obj_t obj = hwloc_get_obj_by_type(h->topo, HWLOC_OBJ_NUMANODE, n);
		struct machine_node *node = &h->m->node[n];
		int pkg = h->node_pkg[n] >= 0 ? h->node_pkg[n] : hw_package_of(h->topo, obj);

		node->mem_bytes = ALIGN_DOWN(obj->attr->numanode.local_memory, 4 * MiB);
		if (node->mem_bytes == 0)
			return hw_err(h, "NUMA node %u has less than 4 MiB of memory", n);
		node->kind = hw_kind(obj, h->cores[n] > 0);
		if (node->kind == MEM_DEVICE) {
			/* APPROX: the gpu-1node preset's PCIe 4.0 x16 link and device */
			node->link_gbps = 25.0;
			node->link_ns = 1000;
			node->threads = 108;
		}
		node->socket = pkg >= 0 ? (uint32_t)pkg : 0;
		/* APPROX: bandwidths of the presets (2node-128cpu DRAM, the
		 * CZ120-class CXL expander of tiered-16cpu) */
		node->bw_gbps = h->cores[n] ? 175.8 : 36.0;
		node->write_bw_gbps = h->cores[n] ? 124.7 : 36.0;
	}
	return 0;
}

/* SLIT value -> latency: 10 -> 80 ns, 21 -> 128 ns (ref §7.5: MLC 81/131 ns). */
static uint32_t hw_latency_from_distance(uint64_t d)
{
	/* 80 * (1 + (d - 10) / 10 * 0.55), in tenths of ns, rounded */
	return (uint32_t)((800 + 44 * (d - 10) + 5) / 10);
}

/* Latencies from the hwloc NUMA latency matrix (the SLIT), if there is one. */
static int hw_distances(struct hw_import *h, uint32_t nr_nodes)
{
	struct hwloc_distances_s *dist = NULL;
	struct machine *m = h->m;
	unsigned int nr = 1;

	for (uint32_t a = 0; a < nr_nodes; a++)
		for (uint32_t b = 0; b < nr_nodes && h->cores[a]; b++)
			m->latency_ns[a][b] = a == b ? 80 : 130;	/* ref §7.5 defaults */
	if (hwloc_distances_get_by_type(h->topo, HWLOC_OBJ_NUMANODE, &nr, &dist,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) || nr == 0)
		return 0;
	for (unsigned int i = 0; i < dist->nbobjs; i++) {
		for (unsigned int j = 0; j < dist->nbobjs; j++) {
			uint64_t d = dist->values[i * dist->nbobjs + j];
			unsigned int a = dist->objs[i]->logical_index, b = dist->objs[j]->logical_index;

			if (d < 10 || d > 254 || (a == b && d != 10)) {
				hwloc_distances_release(h->topo, dist);
				return hw_err(h, "distance %llu from node %u to %u is not a SLIT value",
					      (unsigned long long)d, a, b);
			}
			m->distance[a][b] = (uint32_t)d;
			m->latency_ns[a][b] = hw_latency_from_distance(d);
		}
	}
	hwloc_distances_release(h->topo, dist);
	return 0;
}

static int hw_build(struct hw_import *h)
{
	int nr_nodes = hwloc_get_nbobjs_by_type(h->topo, HWLOC_OBJ_NUMANODE);
	char msg[256];

	if (nr_nodes < 1 || nr_nodes > MAX_NUMNODES)
		return hw_err(h, "%d NUMA nodes, must be 1..%d", nr_nodes, MAX_NUMNODES);
	for (int n = 0; n < MAX_NUMNODES; n++)
		h->node_pkg[n] = -1;
	machine_init_defaults(h->m);
	h->m->nr_nodes = (uint32_t)nr_nodes;
	if (hw_assign_cores(h, (uint32_t)nr_nodes) || hw_nodes(h, (uint32_t)nr_nodes) ||
	    hw_distances(h, (uint32_t)nr_nodes))
		return -1;
	default_name(h->m, h->path);
	if (machine_add_cpus(h->m, h->cores, msg, sizeof(msg)) ||
	    machine_validate(h->m, msg, sizeof(msg)))
		return hw_err(h, "%s", msg);
	return 0;
}

/* @buf is NUL-terminated (read_file), as hwloc's XML parsers expect. */
static int import_hwloc(struct machine *m, const char *path, const char *buf, size_t len,
			char *err, size_t errlen)
{
	struct hw_import h = { .m = m, .path = path, .err = err, .errlen = errlen };
	int ret;

	if (len >= INT_MAX)
		return hw_err(&h, "file too large");
	if (hwloc_topology_init(&h.topo))
		return hw_err(&h, "hwloc_topology_init failed");
	/* size counts the final NUL, like hwloc_topology_export_xmlbuffer() */
	if (hwloc_topology_set_xmlbuffer(h.topo, buf, (int)len + 1) || hwloc_topology_load(h.topo))
		ret = hw_err(&h, "not a valid hwloc XML topology");
	else
		ret = hw_build(&h);
	hwloc_topology_destroy(h.topo);
	return ret;
}

/*
 * The live topology of the machine this runs on (hwloc's own discovery), as
 * numasim-native describes its host; named "host". Same import as an XML file.
 */
int machine_load_host(struct machine *m, char *err, size_t errlen)
{
	struct hw_import h = { .m = m, .path = "host", .err = err, .errlen = errlen };
	int ret;

	if (hwloc_topology_init(&h.topo))
		return hw_err(&h, "hwloc_topology_init failed");
	if (hwloc_topology_load(h.topo))
		ret = hw_err(&h, "cannot discover this machine's topology");
	else
		ret = hw_build(&h);
	hwloc_topology_destroy(h.topo);
	return ret;
}

/* What the importing child sends back: its verdict, message and machine. */
struct hw_reply {
	int ret;
	char err[512];
	struct machine m;
};

/*
 * import_hwloc() in a child process. libhwloc's XML import trusts its input:
 * some malformed files (a misspelt attribute) make it crash (hwloc 2.9). A
 * crash in the child is reported as a bad file naming @path, and the
 * simulator never runs on what a crashed parser left behind. struct machine
 * holds no pointers, so it crosses the pipe as bytes.
 */
static int import_hwloc_isolated(struct machine *m, const char *path, const char *buf,
				 size_t len, char *err, size_t errlen)
{
	int fds[2];
	if (pipe(fds))
		return import_hwloc(m, path, buf, len, err, errlen);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return import_hwloc(m, path, buf, len, err, errlen);
	}
	if (pid == 0) {
		struct hw_reply *r = calloc(1, sizeof(*r));
		int devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0)
			dup2(devnull, STDERR_FILENO);	/* a crash's report is ours to give */
		close(fds[0]);
		if (!r)
			_exit(3);
		r->ret = import_hwloc(&r->m, path, buf, len, r->err, sizeof(r->err));
		_exit(file_write_full(fds[1], r, sizeof(*r)) ? 3 : 0);
	}
	close(fds[1]);
	struct hw_reply *r = calloc(1, sizeof(*r));
	int got = r ? file_read_full(fds[0], r, sizeof(*r)) : -1;
	close(fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	int ret;
	if (!r)
		ret = errorf(err, errlen, "%s: out of host memory", path);
	else if (got || !WIFEXITED(status) || WEXITSTATUS(status))
		ret = WIFSIGNALED(status)
			? errorf(err, errlen, "%s: not a valid hwloc XML topology (libhwloc crashed "
				 "on it with signal %d: check its elements and attributes)", path,
				 WTERMSIG(status))
			: errorf(err, errlen, "%s: not a valid hwloc XML topology (its import failed)",
				 path);
	else {
		ret = r->ret;
		if (ret)
			errorf(err, errlen, "%s", r->err);
		else
			*m = r->m;
	}
	free(r);
	return ret;
}

static bool looks_like_xml(const char *arg, const char *buf, size_t len)
{
	size_t n = strlen(arg);

	return (len >= 5 && memcmp(buf, "<?xml", 5) == 0) || (n >= 4 && strcmp(arg + n - 4, ".xml") == 0);
}

int machine_resolve(struct machine *m, const char *arg, char *err, size_t errlen)
{
	char *buf, list[256];
	size_t len;
	int ret;

	if (!arg || !*arg)
		return errorf(err, errlen, "--machine: empty name (presets: %s)",
			       preset_list(list, sizeof(list)));
	if (machine_preset(m, arg) == 0)
		return 0;
	if (read_file(arg, &buf, &len, err, errlen)) {
		size_t used = err && errlen ? strlen(err) : 0;

		/* it may have been meant as a preset: list them */
		if (used + 1 < errlen)
			snprintf(err + used, errlen - used, " (and not a preset: %s)",
				 preset_list(list, sizeof(list)));
		return -1;
	}
	if (looks_like_xml(arg, buf, len))
		ret = import_hwloc_isolated(m, arg, buf, len, err, errlen);
	else
		ret = machine_parse(m, buf, len, arg, err, errlen);
	free(buf);
	return ret;
}
