// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/wlfile.c - workload files (docs/workload-file.md): YAML in, the
 * same struct workload the generators make out, then workload_validate().
 *
 * The file is loaded with libyaml's document API, so every node keeps its
 * line and each message can name FILE:LINE and the key path
 * ("processes[1].threads[0].phases[2].nodes"). The walk follows the schema,
 * which has a fixed depth, so hostile nesting or aliases (which the document
 * API resolves into shared nodes) cost no recursion; every count that
 * multiplies work (process and thread copies, repeats) is bounded, and so are
 * the totals of programs and phases.
 *
 * Building: each process copy gets a main program (its `phases`), then its
 * thread groups' programs, created when the group is first spawned. A thread
 * group whose phases do not depend on the copy index ({i}, slice: auto) runs
 * one program for all its copies, as numa01 does; otherwise each copy gets
 * its own, as numa01_THREAD_ALLOC does. Programs are so created after every
 * program that starts them, which barrier counting relies on.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "core/err.h"
#include "core/parse.h"
#include "core/yaml_doc.h"
#include "machine/machine.h"
#include "workload/internal.h"
#include "workload/wlfile.h"

#define NONE UINT32_MAX

/* Bounds on what one file may ask for (the engine's own limits are larger). */
#define WLF_MAX_DEFS		64u	/* process entries */
#define WLF_MAX_GROUPS		64u	/* thread groups per process entry */
#define WLF_MAX_COPIES		256u	/* count: of a process */
#define WLF_MAX_REPEAT		4096u	/* repeat: of a phase */
#define WLF_MAX_REGIONS		256u	/* per process */
#define WLF_MAX_BARRIERS	64u	/* names per process */
#define WLF_MAX_PROGRAMS	65536u
#define WLF_MAX_PHASES		(1u << 18)
#define WLF_MAX_WEIGHT		255u	/* weighted_interleave/nodeN is a u8 */
#define WLF_PATH_LEN		192
#define WLF_SHOWN		48	/* at most this much of a bad value is quoted */
#define EXPR_MAX_DEPTH		16
#define WLF_MAX_DEPTH		32u	/* YAML nesting; the schema needs 8 */
#define WLF_MAX_WORK		(1ull << 27)	/* charge(): about a second of parsing */

struct wlf_name {
	const char *s;
	size_t n;
};

struct wlf_group {
	yaml_node_t *node, *count, *phases;
	struct wlf_name name;
};

struct wlf_def {
	yaml_node_t *node, *count, *phases, *threads;
	struct wlf_name name;
	bool forked;
	bool building;		/* on the current fork chain: a fork of it is a cycle */
	uint32_t nr_forks;
	uint32_t nr_groups;
	struct wlf_group groups[WLF_MAX_GROUPS];
};

struct wlf_region {
	struct wlf_name name;
	uint64_t raw;		/* size as written (ranges are checked against it) */
	uint64_t size;		/* scaled: what the region is */
};

/* One process being built: a copy of a top-level entry, or a forked child. */
struct wlf_scope {
	struct wlf_def *def;
	uint32_t def_idx;
	uint32_t proc;		/* index in wl->procs, NONE when forked */
	uint32_t prog;		/* its main program */
	uint32_t nr_regions;
	uint32_t nr_inherited;	/* of a forked child: its first regions are the parent's */
	struct wlf_region regions[WLF_MAX_REGIONS];
	uint32_t nr_barriers;
	struct wlf_name barrier_name[WLF_MAX_BARRIERS];
	uint32_t barrier_idx[WLF_MAX_BARRIERS];
	uint32_t group_prog[WLF_MAX_GROUPS];	/* first program of the group, or NONE */
	uint32_t group_copies[WLF_MAX_GROUPS];
	bool group_shared[WLF_MAX_GROUPS];	/* one program for every copy */
	uint32_t fork_prog[WLF_MAX_DEFS];	/* program of forked entry d, or NONE */
	uint32_t fork_regions[WLF_MAX_DEFS];	/* regions created at its first fork */
};

/* Values {i}, {n}, {j} stand for where an expression is read. */
struct wlf_vars {
	uint64_t i, n;		/* copy index and count of the innermost replicated thing */
	uint64_t j;		/* repeat index */
	bool have_j;
};

struct wlf {
	const char *file;
	yaml_document_t *doc;
	const struct machine *m;
	double scale;
	struct workload *wl;
	char *err;
	size_t errlen;
	char path[WLF_PATH_LEN];
	size_t plen;
	struct wlf_vars v;
	bool used_index;	/* an expression or a slice read the copy index */
	bool used_scaled;	/* an expression called scaled(): its value is at --scale */
	uint32_t nr_defs;
	struct wlf_def *defs;
	uint32_t nr_phases;
	uint32_t nr_rounds;	/* loop rounds run so far */
	uint64_t work;		/* bytes evaluated and list entries set so far */
};

/* ---- messages and key paths ---- */

static size_t node_line(const yaml_node_t *n)
{
	return n ? n->start_mark.line + 1 : 1;
}

/* "FILE:LINE: key 'PATH': <fmt>" (no key part at the top level). Return -1. */
sim_printf(3, 4) static int fail(struct wlf *P, const yaml_node_t *n, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* no node: about the whole file, no line to point at */
	return errorf_at(P->err, P->errlen, P->file, n ? node_line(n) : 0,
			 n && P->plen ? P->path : NULL, "%s", what);
}

/* Append ".key" (or "key" at the top) to the path; return the length to restore. */
static size_t push_key(struct wlf *P, const char *key, size_t n)
{
	size_t old = P->plen;
	int w = snprintf(P->path + old, sizeof(P->path) - old, "%s%.*s", old ? "." : "", (int)n,
			 key);

	if (w > 0)
		P->plen = MIN(old + (size_t)w, sizeof(P->path) - 1);
	return old;
}

static size_t push_index(struct wlf *P, size_t i)
{
	size_t old = P->plen;
	int w = snprintf(P->path + old, sizeof(P->path) - old, "[%zu]", i);

	if (w > 0)
		P->plen = MIN(old + (size_t)w, sizeof(P->path) - 1);
	return old;
}

static void pop(struct wlf *P, size_t old)
{
	P->plen = old;
	P->path[old] = '\0';
}

/* Start the path afresh at "processes[d]" (a build started from deeper in the file). */
static void path_at_process(struct wlf *P, uint32_t d)
{
	pop(P, 0);
	push_key(P, "processes", 9);
	push_index(P, d);
}

/* ---- nodes ---- */

static yaml_node_t *node_at(struct wlf *P, int idx)
{
	return yaml_document_get_node(P->doc, idx);
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t slen(const yaml_node_t *n)
{
	return n->data.scalar.length;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return ydoc_is_scalar(n) && slen(n) == strlen(s) && !memcmp(sval(n), s, slen(n));
}

/* An empty value ("key:" alone), "~" or "null", unquoted. */
static bool is_null(const yaml_node_t *n)
{
	if (!n)
		return true;
	if (!ydoc_is_scalar(n) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !slen(n) || scalar_is(n, "~") || scalar_is(n, "null") || scalar_is(n, "Null") ||
	       scalar_is(n, "NULL");
}

static bool name_eq(struct wlf_name a, const char *s, size_t n)
{
	return a.n == n && !memcmp(a.s, s, n);
}

/* The value must be a scalar; a mapping here is usually an unquoted {expression}. */
static int want_scalar(struct wlf *P, const yaml_node_t *n, const char *what)
{
	if (ydoc_is_scalar(n))
		return 0;
	if (n->type == YAML_MAPPING_NODE && n->data.mapping.style == YAML_FLOW_MAPPING_STYLE)
		return fail(P, n, "expected %s, got a mapping (quote an expression that starts "
			    "with '{': \"{cpus}/2\")", what);
	return fail(P, n, "expected %s, got %s", what, ydoc_type_name(n));
}

static int want_type(struct wlf *P, const yaml_node_t *n, yaml_node_type_t t, const char *what)
{
	if (n->type == t)
		return 0;
	return fail(P, n, "expected %s, got %s", what, ydoc_type_name(n));
}

/*
 * Check that mapping @n has only keys of @keys (NULL-terminated), each once,
 * every key a scalar: a typo is an error, not a silently ignored line.
 */
static int check_keys(struct wlf *P, yaml_node_t *n, const char *const *keys)
{
	char list[160];
	size_t used = 0;

	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(P, p->key);
		const char *const *q;

		if (!ydoc_is_scalar(k))
			return fail(P, k, "a key must be a plain name, got %s", ydoc_type_name(k));
		for (q = keys; *q && !scalar_is(k, *q); q++)
			;
		if (!*q) {
			list[0] = '\0';
			for (q = keys; *q && used < sizeof(list); q++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 q == keys ? "" : ", ", *q);
			size_t old = push_key(P, sval(k), MIN(slen(k), WLF_SHOWN));
			int rc = fail(P, k, "unknown key (known here: %s)", list);
			pop(P, old);
			return rc;
		}
		for (yaml_node_pair_t *r = n->data.mapping.pairs.start; r < p; r++)
			if (scalar_is(node_at(P, r->key), *q)) {
				size_t old = push_key(P, *q, strlen(*q));
				int rc = fail(P, k, "given twice");
				pop(P, old);
				return rc;
			}
	}
	return 0;
}

/* The value of @key in mapping @n, or NULL. */
static yaml_node_t *get(struct wlf *P, yaml_node_t *n, const char *key)
{
	if (!n || n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (scalar_is(node_at(P, p->key), key))
			return node_at(P, p->value);
	return NULL;
}

static yaml_node_t *seq_at(struct wlf *P, const yaml_node_t *n, size_t i)
{
	return node_at(P, n->data.sequence.items.start[i]);
}

/* ---- expressions ---- */

/*
 * Integer expressions: numbers (in size context with a K/M/G/T suffix),
 * {cpus} {nodes} {node_cpus} {i} {n} {j}, + - * / % with the usual precedence,
 * parentheses, min(a, b), max(a, b) and scaled(a) (a at --scale, as a
 * generator scales a size key: wl_resolve_size()). Values are unsigned 64-bit; going
 * below 0, overflowing or dividing by 0 is an error, never a wrap.
 */
struct expr {
	struct wlf *P;
	const char *s;
	size_t n, pos;
	bool sizes;
	int depth;
	const char *why;	/* the error, if evaluation failed */
	char buf[96];
};

static void ex_skip(struct expr *e)
{
	while (e->pos < e->n && (e->s[e->pos] == ' ' || e->s[e->pos] == '\t'))
		e->pos++;
}

static bool ex_peek(struct expr *e, char c)
{
	ex_skip(e);
	return e->pos < e->n && e->s[e->pos] == c;
}

static bool ex_bad(struct expr *e, const char *why)
{
	if (!e->why)
		e->why = why;
	return false;
}

static bool ex_expr(struct expr *e, uint64_t *out);

static bool ex_var(struct expr *e, uint64_t *out)
{
	const struct machine *m = e->P->m;
	size_t start = ++e->pos, len;

	while (e->pos < e->n && e->s[e->pos] != '}')
		e->pos++;
	if (e->pos >= e->n)
		return ex_bad(e, "'{' without '}'");
	len = e->pos++ - start;
#define IS(name) (len == sizeof(name) - 1 && !memcmp(e->s + start, name, len))
	if (IS("cpus")) {
		*out = m->nr_cpus;
	} else if (IS("nodes")) {
		*out = m->nr_nodes;
	} else if (IS("node_cpus")) {
		*out = m->node[0].nr_cpus;
	} else if (IS("i")) {
		*out = e->P->v.i;
		e->P->used_index = true;
	} else if (IS("n")) {
		*out = e->P->v.n;
	} else if (IS("j")) {
		if (!e->P->v.have_j)
			return ex_bad(e, "{j} is the round of repeat: or loop:, and there is none here");
		*out = e->P->v.j;
	} else {
		snprintf(e->buf, sizeof(e->buf), "unknown variable {%.*s} (known: {cpus}, {nodes}, "
			 "{node_cpus}, {i}, {n}, {j})", (int)MIN(len, 24), e->s + start);
		return ex_bad(e, e->buf);
	}
#undef IS
	return true;
}

static bool ex_number(struct expr *e, uint64_t *out)
{
	uint64_t v = 0;
	size_t len = parse_scan_u64(e->s + e->pos, e->n - e->pos, &v);
	unsigned int shift;

	if (!len)	/* the caller saw a digit: too many of them */
		return ex_bad(e, "number too large");
	e->pos += len;
	shift = e->pos < e->n ? parse_size_unit(e->s[e->pos]) : 0;
	if (shift) {
		if (!e->sizes)
			return ex_bad(e, "a size suffix where a plain number is expected");
		if (v > UINT64_MAX >> shift)
			return ex_bad(e, "number too large");
		v <<= shift;
		e->pos++;
	}
	*out = v;
	return true;
}

static bool ex_call(struct expr *e, bool is_max, uint64_t *out)
{
	uint64_t a, b;

	e->pos += 3;
	if (!ex_peek(e, '('))
		return ex_bad(e, "min and max take (a, b)");
	e->pos++;
	if (!ex_expr(e, &a) || !ex_peek(e, ','))
		return ex_bad(e, "min and max take (a, b)");
	e->pos++;
	if (!ex_expr(e, &b) || !ex_peek(e, ')'))
		return ex_bad(e, "min and max take (a, b)");
	e->pos++;
	*out = is_max ? MAX(a, b) : MIN(a, b);
	return true;
}

static uint64_t scale_bytes(const struct wlf *P, uint64_t v);

/*
 * scaled(a): @a at --scale as wl_resolve_size() scales a generator's size key
 * (a page at least), for files that must scale parts of one value apart, as
 * a generator does (xsbench: the table, and each thread's working set).
 */
static bool ex_scaled(struct expr *e, uint64_t *out)
{
	uint64_t a;

	e->pos += 6;
	if (!ex_peek(e, '('))
		return ex_bad(e, "scaled takes (a)");
	e->pos++;
	if (!ex_expr(e, &a) || !ex_peek(e, ')'))
		return ex_bad(e, "scaled takes (a)");
	e->pos++;
	if (a > WL_MAX_SIZE)
		return ex_bad(e, "scaled() of more than 64T");
	*out = a ? MAX(WL_PAGE_SIZE, scale_bytes(e->P, a)) : 0;
	e->P->used_scaled = true;
	return true;
}

static bool ex_factor(struct expr *e, uint64_t *out)
{
	bool ok;

	ex_skip(e);
	if (e->pos >= e->n)
		return ex_bad(e, "expression ends too early");
	char c = e->s[e->pos];
	if (c == '(') {
		if (++e->depth > EXPR_MAX_DEPTH)
			return ex_bad(e, "parentheses nested too deeply");
		e->pos++;
		ok = ex_expr(e, out);
		e->depth--;
		if (!ok)
			return false;
		if (!ex_peek(e, ')'))
			return ex_bad(e, "'(' without ')'");
		e->pos++;
		return true;
	}
	if (c == '{')
		return ex_var(e, out);
	if (c >= '0' && c <= '9')
		return ex_number(e, out);
	if (e->n - e->pos >= 3 && (!memcmp(e->s + e->pos, "min", 3) ||
				   !memcmp(e->s + e->pos, "max", 3))) {
		if (++e->depth > EXPR_MAX_DEPTH)
			return ex_bad(e, "calls nested too deeply");
		ok = ex_call(e, e->s[e->pos + 1] == 'a', out);
		e->depth--;
		return ok;
	}
	if (e->n - e->pos >= 6 && !memcmp(e->s + e->pos, "scaled", 6)) {
		if (++e->depth > EXPR_MAX_DEPTH)
			return ex_bad(e, "calls nested too deeply");
		ok = ex_scaled(e, out);
		e->depth--;
		return ok;
	}
	return ex_bad(e, "expected a number, {variable}, min(), max(), scaled() or '('");
}

static bool ex_term(struct expr *e, uint64_t *out)
{
	uint64_t b;

	if (!ex_factor(e, out))
		return false;
	for (;;) {
		ex_skip(e);
		if (e->pos >= e->n || !strchr("*/%", e->s[e->pos]))
			return true;
		char op = e->s[e->pos++];
		if (!ex_factor(e, &b))
			return false;
		if (op == '*') {
			if (b && *out > UINT64_MAX / b)
				return ex_bad(e, "the value overflows");
			*out *= b;
		} else {
			if (!b)
				return ex_bad(e, "division by zero");
			*out = op == '/' ? *out / b : *out % b;
		}
	}
}

static bool ex_expr(struct expr *e, uint64_t *out)
{
	uint64_t b;

	if (!ex_term(e, out))
		return false;
	for (;;) {
		ex_skip(e);
		if (e->pos >= e->n || (e->s[e->pos] != '+' && e->s[e->pos] != '-'))
			return true;
		char op = e->s[e->pos++];
		if (!ex_term(e, &b))
			return false;
		if (op == '+') {
			if (*out > UINT64_MAX - b)
				return ex_bad(e, "the value overflows");
			*out += b;
		} else {
			if (b > *out)
				return ex_bad(e, "the value goes below 0");
			*out -= b;
		}
	}
}

/*
 * Every copy of a thread or process reads its phases again: charge what is
 * read, so a large file times many copies cannot keep the parser busy for
 * minutes. Return -1 (failed at @node) past the budget.
 */
static int charge(struct wlf *P, const yaml_node_t *node, uint64_t units)
{
	P->work += units;
	if (P->work <= WLF_MAX_WORK)
		return 0;
	return fail(P, node, "building this takes too long (over %llu values read; fewer copies "
		    "or shorter lists)", (unsigned long long)WLF_MAX_WORK);
}

/* Evaluate @n bytes at @s; on error, fail() at @node. */
static int eval(struct wlf *P, const yaml_node_t *node, const char *s, size_t n, bool sizes,
		uint64_t *out)
{
	struct expr e = { .P = P, .s = s, .n = n, .sizes = sizes };

	if (charge(P, node, n + 1))
		return -1;

	if (ex_expr(&e, out)) {
		ex_skip(&e);
		if (e.pos == e.n)
			return 0;
		ex_bad(&e, "unexpected text after the value");
	}
	return fail(P, node, "%s in '%.*s'", e.why, (int)MIN(n, WLF_SHOWN), s);
}

/* ---- values ---- */

static int get_uint(struct wlf *P, const yaml_node_t *n, uint64_t min, uint64_t max,
		    uint64_t *out)
{
	if (want_scalar(P, n, "an integer") || eval(P, n, sval(n), slen(n), false, out))
		return -1;
	if (*out < min || *out > max)
		return fail(P, n, "%" PRIu64 " is out of range (%" PRIu64 " to %" PRIu64 ")", *out,
			    min, max);
	return 0;
}

/* A byte count: page multiple when @page, in [min, max]. */
static int get_bytes(struct wlf *P, const yaml_node_t *n, uint64_t min, uint64_t max, bool page,
		     uint64_t *out)
{
	if (want_scalar(P, n, "a size like 2M") || eval(P, n, sval(n), slen(n), true, out))
		return -1;
	if (*out < min || *out > max)
		return fail(P, n, "%" PRIu64 " bytes is out of range (%" PRIu64 " to %" PRIu64 ")",
			    *out, min, max);
	if (page && !IS_ALIGNED(*out, WL_PAGE_SIZE))
		return fail(P, n, "%" PRIu64 " bytes is not a multiple of the 4K page", *out);
	return 0;
}

/*
 * A byte count that --scale shrinks: @raw as written (at scale 1), and
 * whether the expression called scaled(), in which case @at_scale is its
 * value at --scale, to be taken as is.
 */
static int get_bytes_scaled(struct wlf *P, const yaml_node_t *n, uint64_t min, uint64_t max,
			    bool page, uint64_t *raw, uint64_t *at_scale, bool *is_scaled)
{
	const double scale = P->scale;
	int rc;

	P->used_scaled = false;
	if (get_bytes(P, n, min, max, page, at_scale))
		return -1;
	*is_scaled = P->used_scaled;
	*raw = *at_scale;
	if (!*is_scaled || scale == 1.0)
		return 0;
	P->scale = 1.0;		/* the same expression as written, for the checks */
	rc = get_bytes(P, n, min, max, page, raw);
	P->scale = scale;
	return rc;
}

static int get_real(struct wlf *P, const yaml_node_t *n, double lo, bool open_lo, double hi,
		    double *out)
{
	const char *slash;
	double a, b = 1.0;

	if (want_scalar(P, n, "a number like 0.25"))
		return -1;
	slash = memchr(sval(n), '/', slen(n));
	size_t an = slash ? (size_t)(slash - sval(n)) : slen(n);
	if (!wl_parse_decimal(sval(n), an, &a) ||
	    (slash && !wl_parse_decimal(slash + 1, slen(n) - an - 1, &b)))
		return fail(P, n, "expected a number like 0.25 or 1/12, got '%.*s'",
			    (int)MIN(slen(n), WLF_SHOWN), sval(n));
	if (!(b > 0.0))
		return fail(P, n, "division by zero in '%.*s'", (int)MIN(slen(n), WLF_SHOWN), sval(n));
	*out = a / b;	/* one IEEE division: the same on every machine */
	if (!(open_lo ? *out > lo : *out >= lo) || !(*out <= hi))
		return fail(P, n, "%g is out of range (%s%g to %g)", *out, open_lo ? "above " : "",
			    lo, hi);
	return 0;
}

static int get_bool(struct wlf *P, const yaml_node_t *n, bool *out)
{
	if (want_scalar(P, n, "true or false"))
		return -1;
	if (scalar_is(n, "true") || scalar_is(n, "yes")) {
		*out = true;
	} else if (scalar_is(n, "false") || scalar_is(n, "no")) {
		*out = false;
	} else {
		return fail(P, n, "expected true or false, got '%.*s'",
			    (int)MIN(slen(n), WLF_SHOWN), sval(n));
	}
	return 0;
}

/* Index of @n's value in @names (NULL-terminated), or fail listing them. */
static int get_choice(struct wlf *P, const yaml_node_t *n, const char *const *names, int *out)
{
	char list[160] = "";
	size_t used = 0;

	if (want_scalar(P, n, "a name"))
		return -1;
	for (int i = 0; names[i]; i++)
		if (scalar_is(n, names[i])) {
			*out = i;
			return 0;
		}
	for (int i = 0; names[i] && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 names[i]);
	return fail(P, n, "'%.*s' is not one of %s", (int)MIN(slen(n), WLF_SHOWN), sval(n), list);
}

/* "2s", "500ms", "10us", "100ns", "1.5ms"; a bare integer is nanoseconds. */
static int get_duration(struct wlf *P, const yaml_node_t *n, uint64_t *out)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	const char *s;
	size_t len, i = 0;
	uint64_t whole = 0, frac = 0, scale = 1, unit = 1;

	if (want_scalar(P, n, "a duration like 500ms"))
		return -1;
	s = sval(n);
	len = slen(n);
	i = parse_scan_u64(s, len, &whole);
	if (!i)
		goto bad;
	if (i < len && s[i] == '.') {
		size_t d = ++i;

		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
			if (scale >= 1000000000)	/* finer than a nanosecond: ignored */
				continue;
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			scale *= 10;
		}
		if (i == d)
			goto bad;
	}
	if (i < len) {
		size_t u;

		for (u = 0; u < ARRAY_SIZE(units); u++)
			if (len - i == strlen(units[u].unit) && !memcmp(s + i, units[u].unit, len - i))
				break;
		if (u == ARRAY_SIZE(units))
			goto bad;
		unit = units[u].ns;
	}
	/* at most a day of simulated time: far from overflow */
	if (whole > 86400ull * 1000000000 / unit)
		return fail(P, n, "'%.*s' is longer than a day", (int)MIN(len, WLF_SHOWN), s);
	*out = whole * unit + frac * unit / scale;
	return 0;
bad:
	return fail(P, n, "expected a duration like 2s, 500ms, 10us or 100ns, got '%.*s'",
		    (int)MIN(len, WLF_SHOWN), s);
}

/* ---- node and CPU lists ---- */

/* Set bits [lo, hi] in @bits (of @limit); items "A" or "A-B" of expressions. */
static int list_item(struct wlf *P, const yaml_node_t *n, const char *s, size_t len,
		     uint64_t limit, const char *what, uint64_t *bits)
{
	const char *dash = memchr(s, '-', len);
	uint64_t lo, hi;

	if (eval(P, n, s, dash ? (size_t)(dash - s) : len, false, &lo))
		return -1;
	hi = lo;
	if (dash && eval(P, n, dash + 1, len - (size_t)(dash - s) - 1, false, &hi))
		return -1;
	if (lo > hi)
		return fail(P, n, "range %" PRIu64 "-%" PRIu64 " runs backwards", lo, hi);
	if (hi >= limit)
		return fail(P, n, "%s %" PRIu64 " does not exist (the machine has %" PRIu64 ")",
			    what, hi, limit);
	if (charge(P, n, hi - lo + 1))
		return -1;
	for (uint64_t b = lo; b <= hi; b++)
		bits[b / 64] |= 1ull << (b % 64);
	return 0;
}

/* A comma-separated list "0-3,8", or "all". */
static int list_string(struct wlf *P, const yaml_node_t *n, uint64_t limit, const char *what,
		       uint64_t *bits)
{
	const char *s = sval(n);
	size_t len = slen(n);

	if (scalar_is(n, "all")) {	/* the machine's, even where more may be named */
		uint64_t all = what[0] == 'n' ? P->m->nr_nodes : P->m->nr_cpus;

		for (uint64_t b = 0; b < all; b++)
			bits[b / 64] |= 1ull << (b % 64);
		return 0;
	}
	for (;;) {
		const char *comma = memchr(s, ',', len);
		size_t item = comma ? (size_t)(comma - s) : len;

		if (list_item(P, n, s, item, limit, what, bits))
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
		len -= item + 1;
	}
}

/* A list of node or CPU numbers: a YAML list of items, or one string. */
static int get_list(struct wlf *P, const yaml_node_t *n, uint64_t limit, const char *what,
		    uint64_t *bits)
{
	if (ydoc_is_scalar(n))
		return list_string(P, n, limit, what, bits);
	if (want_type(P, n, YAML_SEQUENCE_NODE, "a list like [0, 1] or \"0-3,8\""))
		return -1;
	for (size_t i = 0; i < ydoc_seq_len(n); i++) {
		yaml_node_t *item = seq_at(P, n, i);

		uint64_t v;

		/* one expression each: here '-' subtracts */
		if (want_scalar(P, item, "a number") ||
		    eval(P, item, sval(item), slen(item), false, &v))
			return -1;
		if (v >= limit)
			return fail(P, item, "%s %" PRIu64 " does not exist (the machine has %" PRIu64
				    ")", what, v, limit);
		bits[v / 64] |= 1ull << (v % 64);
	}
	return 0;
}

/* Nodes below @limit (the machine's, or MAX_NUMNODES for relative masks); not empty. */
static int get_nodes(struct wlf *P, const yaml_node_t *n, uint64_t limit, nodemask_t *out)
{
	uint64_t bits[1] = { 0 };

	if (get_list(P, n, limit, "node", bits))
		return -1;
	if (!bits[0])
		return fail(P, n, "no node given");
	*out = bits[0];
	return 0;
}

/* ---- scaling ---- */

/* A byte count at --scale, as wl_resolve_size() scales sizes (no minimum). */
static uint64_t scale_bytes(const struct wlf *P, uint64_t v)
{
	uint64_t s;

	if (P->scale == 1.0)
		return v;
	s = (uint64_t)((double)v * P->scale);	/* v <= 64T < 2^53: exact */
	if (IS_ALIGNED(v, WL_HUGE_SIZE) && s >= WL_HUGE_SIZE)
		return ALIGN_DOWN(s, WL_HUGE_SIZE);
	return ALIGN_DOWN(s, WL_PAGE_SIZE);
}

/* ---- phases ---- */

struct phase_ctx {
	struct wlf_scope *S;
	yaml_node_t *node;	/* the phase's mapping (or scalar) */
	yaml_node_t *value;	/* the op key's value */
	uint32_t prog;
	bool is_main;
	const struct phase_op *op;
};

struct phase_op {
	const char *name;
	enum wl_op op;
	const char *const *keys;	/* allowed keys besides the op's own and repeat */
	int (*parse)(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph);
	double hot_frac, hot_prob;	/* skewed/hotcold defaults */
};

/* Parse @key of the phase with @fn, the path extended by the key while it runs. */
#define WITH_KEY(P, key, expr)						\
	({								\
		size_t old_ = push_key((P), (key), strlen(key));	\
		int rc_ = (expr);					\
		pop((P), old_);						\
		rc_;							\
	})

static int lookup_region(struct wlf *P, struct phase_ctx *c, uint32_t *out)
{
	struct wlf_scope *S = c->S;
	const yaml_node_t *v = c->value;

	if (is_null(v)) {
		if (S->nr_regions == 1) {
			*out = 0;
			return 0;
		}
		return fail(P, c->node, "which region? %" PRIu32 " exist here; name one",
			    S->nr_regions);
	}
	if (WITH_KEY(P, c->op->name, want_scalar(P, v, "a region name")))
		return -1;
	for (uint32_t r = 0; r < S->nr_regions; r++)
		if (name_eq(S->regions[r].name, sval(v), slen(v))) {
			*out = r;
			return 0;
		}
	return WITH_KEY(P, c->op->name,
			fail(P, v, "no region '%.*s' here (mmap it first, in the process's "
			     "phases)", (int)MIN(slen(v), WLF_SHOWN), sval(v)));
}

/* slice: auto | [INDEX, COUNT]: as wl_slice() cuts a region between threads. */
static int parse_slice(struct wlf *P, struct phase_ctx *c, const yaml_node_t *n,
		       const struct wlf_region *r, struct wl_phase *ph)
{
	uint64_t idx, cnt;

	if (scalar_is(n, "auto")) {
		idx = P->v.i;
		cnt = P->v.n;
		P->used_index = true;
	} else if (n->type == YAML_SEQUENCE_NODE && ydoc_seq_len(n) == 2) {
		if (get_uint(P, seq_at(P, n, 1), 1, WL_MAX_THREADS, &cnt) ||
		    get_uint(P, seq_at(P, n, 0), 0, cnt - 1, &idx))
			return -1;
	} else {
		return fail(P, n, "expected auto or [INDEX, COUNT]");
	}
	if (r->size / WL_PAGE_SIZE < cnt)
		return fail(P, n, "region '%.*s' (%" PRIu64 " bytes here) is too small for %" PRIu64
			    " slices of a page or more", (int)r->name.n, r->name.s, r->size, cnt);
	(void)c;
	wl_slice(r->size, (uint32_t)cnt, (uint32_t)idx, &ph->off, &ph->len);
	return 0;
}

/* off/len (default: the whole region) or slice; ranges scale with their region. */
static int parse_range(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	const struct wlf_region *r;
	yaml_node_t *off = get(P, c->node, "off"), *len = get(P, c->node, "len");
	yaml_node_t *slice = get(P, c->node, "slice");
	uint64_t o = 0, l, os = 0, ls = 0;
	bool o_sc = false, l_sc = false;

	if (lookup_region(P, c, &ph->region))
		return -1;
	r = &c->S->regions[ph->region];
	if (slice) {
		if (off || len)
			return fail(P, slice, "give slice or off/len, not both");
		return WITH_KEY(P, "slice", parse_slice(P, c, slice, r, ph));
	}
	if (off && WITH_KEY(P, "off", get_bytes_scaled(P, off, 0, WL_MAX_SIZE, true, &o, &os,
							 &o_sc)))
		return -1;
	if (o > r->raw)
		return WITH_KEY(P, "off", fail(P, off, "%" PRIu64 " bytes is out of range (0 to %"
					       PRIu64 ")", o, r->raw));
	l = r->raw - o;
	if (len && WITH_KEY(P, "len", get_bytes_scaled(P, len, WL_PAGE_SIZE, WL_MAX_SIZE, true,
							 &l, &ls, &l_sc)))
		return -1;
	if (l > r->raw - o || !l)
		return WITH_KEY(P, len ? "len" : "off",
				fail(P, len ? len : off, "[%" PRIu64 ", +%" PRIu64 ") is not inside "
				     "region '%.*s' of %" PRIu64 " bytes", o, l, (int)r->name.n,
				     r->name.s, r->raw));
	if (P->scale == 1.0) {
		ph->off = o;
		ph->len = l;
		return 0;
	}
	/*
	 * the scaled range: the scaled start to the scaled end, the region's end
	 * kept; a value that called scaled() is at --scale already
	 */
	uint64_t so = o_sc ? os : scale_bytes(P, o);
	uint64_t se = l_sc ? so + ls :
		      o + l == r->raw ? r->size : MIN(scale_bytes(P, o + l), r->size);
	if (se > r->size)
		return fail(P, len ? len : off, "[%" PRIu64 ", %" PRIu64 ") is not inside region "
			    "'%.*s' of %" PRIu64 " bytes at --scale %g", so, se, (int)r->name.n,
			    r->name.s, r->size, P->scale);
	if (se <= so)
		return fail(P, len ? len : c->node, "the range vanishes at --scale %g", P->scale);
	ph->off = so;
	ph->len = se - so;
	return 0;
}

static const char *const access_names[] = { "read", "write", "rw", NULL };
static const char *const store_names[] = { "rfo", "nt", "memset", NULL };

/* passes / accesses or duration. */
static int parse_length(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph,
			const char *count_key, uint64_t max, uint64_t def, bool scaled)
{
	yaml_node_t *cnt = get(P, c->node, count_key), *dur = get(P, c->node, "duration");

	if (cnt && dur)
		return fail(P, dur, "give %s or duration, not both", count_key);
	if (dur)
		return WITH_KEY(P, "duration", get_duration(P, dur, &ph->duration_ns) ||
				(!ph->duration_ns ? fail(P, dur, "a duration of 0") : 0));
	if (!cnt && !def)
		return fail(P, c->node, "%s needs %s or duration", c->op->name, count_key);
	ph->count = def;
	if (cnt && WITH_KEY(P, count_key, get_uint(P, cnt, 1, max, &ph->count)))
		return -1;
	if (scaled) {	/* accesses are work: they shrink with the memory */
		double v = (double)ph->count * P->scale;

		if (!(v <= (double)WL_MAX_ACCESSES))
			return fail(P, cnt ? cnt : c->node, "%" PRIu64 " scaled by %g is above %"
				    PRIu64, ph->count, P->scale, (uint64_t)WL_MAX_ACCESSES);
		ph->count = MAX(1u, (uint64_t)v);
	}
	return 0;
}

static const char *const sweep_keys[] = { "off", "len", "slice", "access", "store", "stride",
					  "passes", "duration", NULL };

static int op_sweep(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *acc = get(P, c->node, "access"), *st = get(P, c->node, "store");
	yaml_node_t *stride = get(P, c->node, "stride");
	int a, s = 0;

	if (parse_range(P, c, ph) || parse_length(P, c, ph, "passes", WL_MAX_LOOPS, 1, false))
		return -1;
	if (!acc)
		return fail(P, c->node, "a sweep needs access: read, write or rw");
	if (WITH_KEY(P, "access", get_choice(P, acc, access_names, &a)))
		return -1;
	ph->access = (enum wl_access)(a + 1);
	if (st && WITH_KEY(P, "store", get_choice(P, st, store_names, &s) ||
			   (ph->access != WL_WRITE ?
			    fail(P, st, "the store kind is of write sweeps (access: write)") : 0)))
		return -1;
	/* memset: what glibc's memset/bzero does on this machine (wl_memset_store) */
	ph->store = s == 2 ? wl_memset_store(P->m) : (enum wl_store)s;
	if (stride && WITH_KEY(P, "stride", get_bytes(P, stride, 64, ph->len, false, &ph->stride) ||
			       (ph->stride % 64 ? fail(P, stride, "not a multiple of 64") : 0)))
		return -1;
	return 0;
}

static const char *const random_keys[] = { "off", "len", "slice", "accesses", "duration",
					   "access", "write_ratio", NULL };
static const char *const skewed_keys[] = { "off", "len", "slice", "accesses", "duration",
					   "access", "write_ratio", "hot", "hot_prob", NULL };
static const char *const gauss_keys[] = { "off", "len", "slice", "accesses", "duration",
					  "access", "write_ratio", "stddev", NULL };
static const char *const zipf_keys[] = { "off", "len", "slice", "accesses", "duration",
					 "access", "write_ratio", "s", NULL };
static const char *const chase_keys[] = { "off", "len", "slice", "accesses", "duration", NULL };

/* access: read|write|rw, or write_ratio (rw: 0.5 unless given). */
static int parse_mix(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *acc = get(P, c->node, "access"), *wr = get(P, c->node, "write_ratio");
	int a = 0;

	if (acc && WITH_KEY(P, "access", get_choice(P, acc, access_names, &a)))
		return -1;
	ph->access = (enum wl_access)(a + 1);
	ph->write_ratio = ph->access == WL_WRITE ? 1.0 : ph->access == WL_RW ? 0.5 : 0.0;
	if (!wr)
		return 0;
	if (acc && ph->access != WL_RW)
		return fail(P, wr, "write_ratio goes with access: rw (or alone)");
	if (WITH_KEY(P, "write_ratio", get_real(P, wr, 0.0, false, 1.0, &ph->write_ratio)))
		return -1;
	if (!acc)	/* as pmbench's read ratio: all reads, all writes, or a mix */
		ph->access = ph->write_ratio == 0.0 ? WL_READ :
			     ph->write_ratio == 1.0 ? WL_WRITE : WL_RW;
	return 0;
}

static int op_random(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *n;

	if (parse_range(P, c, ph) ||
	    parse_length(P, c, ph, "accesses", WL_MAX_ACCESSES, 0, true))
		return -1;
	if (ph->op == WL_CHASE) {
		ph->access = WL_READ;	/* dependent loads */
		return 0;
	}
	if (parse_mix(P, c, ph))
		return -1;
	switch (ph->op) {
	case WL_SKEWED:
		ph->hot_frac = c->op->hot_frac;
		ph->hot_prob = c->op->hot_prob;
		if ((n = get(P, c->node, "hot")) &&
		    WITH_KEY(P, "hot", get_real(P, n, 0.0, true, 1.0, &ph->hot_frac)))
			return -1;
		if ((n = get(P, c->node, "hot_prob")) &&
		    WITH_KEY(P, "hot_prob", get_real(P, n, 0.0, false, 1.0, &ph->hot_prob)))
			return -1;
		return 0;
	case WL_GAUSS:
		ph->stddev = 1.0 / 12;	/* pmbench's normal_ih */
		if ((n = get(P, c->node, "stddev")) &&
		    WITH_KEY(P, "stddev", get_real(P, n, 0.0, true, 1.0, &ph->stddev)))
			return -1;
		return 0;
	case WL_ZIPF:
		ph->zipf_s = 1.0;
		if ((n = get(P, c->node, "s")) &&
		    WITH_KEY(P, "s", get_real(P, n, 0.0, true, 100.0, &ph->zipf_s)))
			return -1;
		return 0;
	default:
		return 0;
	}
}

static const char *const lookup_keys[] = { "off", "len", "slice", "data_len", "keys_len",
					   "gathers", "work_off", "work_len", "lookups",
					   "duration", "access", "write_ratio", NULL };

/* A byte count of the table or the work range, region-relative, scaled as ranges are. */
static int lookup_bytes(struct wlf *P, struct phase_ctx *c, const char *key, uint64_t min,
			uint64_t max, bool page, bool need, uint64_t *out)
{
	yaml_node_t *n = get(P, c->node, key);
	uint64_t raw;
	bool is_scaled;

	if (!n)
		return need ? fail(P, c->node, "lookup needs %s", key) : 0;
	if (WITH_KEY(P, key, get_bytes_scaled(P, n, min, max, page, &raw, out, &is_scaled)))
		return -1;
	if (!is_scaled && P->scale != 1.0 && *out)	/* a part keeps a page at least */
		*out = MAX(WL_PAGE_SIZE, scale_bytes(P, *out));
	return 0;
}

/*
 * lookup: REGION, XSBench-style table lookups (WL_LOOKUP, cpu/access.c): the
 * range is the table, [records (data_len) | keys (keys_len) | rows]; each
 * lookup searches the keys, gathers `gathers` rows and records, then makes
 * one access to [work_off, +work_len) of the same region.
 */
static int op_lookup(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	const struct wlf_region *r;
	yaml_node_t *g = get(P, c->node, "gathers");
	uint64_t v = 1;

	if (parse_range(P, c, ph) ||
	    parse_length(P, c, ph, "lookups", WL_MAX_ACCESSES, 0, true) || parse_mix(P, c, ph))
		return -1;
	r = &c->S->regions[ph->region];
	if (lookup_bytes(P, c, "data_len", 64, WL_MAX_SIZE, false, true, &ph->lk.data_len) ||
	    lookup_bytes(P, c, "keys_len", 8, WL_MAX_SIZE, false, true, &ph->lk.keys_len) ||
	    lookup_bytes(P, c, "work_off", 0, r->raw, true, false, &ph->lk.work_off) ||
	    lookup_bytes(P, c, "work_len", WL_PAGE_SIZE, r->raw, true, true, &ph->lk.work_len))
		return -1;
	if (g && WITH_KEY(P, "gathers", get_uint(P, g, 1, WL_LOOKUP_MAX_GATHERS, &v)))
		return -1;
	ph->lk.gathers = (uint32_t)v;
	if (ph->lk.keys_len % 8)
		return WITH_KEY(P, "keys_len", fail(P, get(P, c->node, "keys_len"),
						    "keys are 8 bytes: not a multiple of 8"));
	if (ph->lk.data_len > ph->len || ph->lk.keys_len > ph->len - ph->lk.data_len ||
	    ph->len - ph->lk.data_len - ph->lk.keys_len < ph->lk.keys_len / 8)
		return fail(P, c->node, "%" PRIu64 " bytes of records and %" PRIu64 " of keys do "
			    "not fit the table of %" PRIu64 " bytes with a byte of row per key",
			    ph->lk.data_len, ph->lk.keys_len, ph->len);
	if (ph->lk.work_off > r->size || ph->lk.work_len > r->size - ph->lk.work_off)
		return WITH_KEY(P, "work_len", fail(P, get(P, c->node, "work_len"),
						    "the work range [%" PRIu64 ", +%" PRIu64 ") is "
						    "not inside region '%.*s' of %" PRIu64 " bytes",
						    ph->lk.work_off, ph->lk.work_len,
						    (int)r->name.n, r->name.s, r->size));
	return 0;
}

static const char *const mode_names[] = {
	[MPOL_DEFAULT] = "default", [MPOL_PREFERRED] = "preferred", [MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave", [MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "preferred_many",
	[MPOL_WEIGHTED_INTERLEAVE] = "weighted_interleave", [NR_MPOL_MODES] = NULL,
};
static const char *const flag_names[] = { "static_nodes", "relative_nodes", "numa_balancing",
					  NULL };
static const uint32_t flag_bits[] = { MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES,
				      MPOL_F_NUMA_BALANCING };

static int parse_flags(struct wlf *P, const yaml_node_t *n, uint32_t *flags)
{
	int f;

	if (ydoc_is_scalar(n)) {
		if (get_choice(P, n, flag_names, &f))
			return -1;
		*flags |= flag_bits[f];
		return 0;
	}
	if (want_type(P, n, YAML_SEQUENCE_NODE, "a list of flags"))
		return -1;
	for (size_t i = 0; i < ydoc_seq_len(n); i++) {
		if (get_choice(P, seq_at(P, n, i), flag_names, &f))
			return -1;
		*flags |= flag_bits[f];
	}
	return 0;
}

/*
 * {mode, nodes, flags} with the kernel's checks (mpol_new(),
 * sanitize_mpol_flags()); @mode_node holds the mode.
 */
static int parse_policy(struct wlf *P, struct phase_ctx *c, const yaml_node_t *mode_node,
			const char *mode_key, struct mempolicy *pol)
{
	yaml_node_t *nodes = get(P, c->node, "nodes"), *flags = get(P, c->node, "flags");
	int mode;

	if (!mode_node || is_null(mode_node))
		return fail(P, c->node, "needs a mode (%s: bind, ...)", mode_key);
	if (WITH_KEY(P, mode_key, get_choice(P, mode_node, mode_names, &mode)))
		return -1;
	pol->mode = (enum mpol_mode)mode;
	if (flags && WITH_KEY(P, "flags", parse_flags(P, flags, &pol->flags)))
		return -1;
	const yaml_node_t *at = flags ? flags : mode_node;
	if ((pol->flags & MPOL_F_STATIC_NODES) && (pol->flags & MPOL_F_RELATIVE_NODES))
		return WITH_KEY(P, "flags", fail(P, at, "static_nodes and relative_nodes exclude "
						  "each other"));
	if ((pol->flags & MPOL_F_NUMA_BALANCING) && pol->mode != MPOL_BIND)
		return WITH_KEY(P, "flags", fail(P, at, "numa_balancing needs mode bind"));
	if (pol->mode == MPOL_DEFAULT || pol->mode == MPOL_LOCAL) {
		if (nodes)
			return WITH_KEY(P, "nodes", fail(P, nodes, "mode %s takes no nodes",
							  mode_names[mode]));
		if (pol->flags)
			return WITH_KEY(P, "flags", fail(P, at, "mode %s takes no flags",
							  mode_names[mode]));
		return 0;
	}
	if (!nodes)
		return fail(P, c->node, "mode %s needs nodes", mode_names[mode]);
	/* static and relative masks may name nodes the machine lacks (the kernel keeps them) */
	uint64_t limit = pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES) ?
			 MAX_NUMNODES : P->m->nr_nodes;
	return WITH_KEY(P, "nodes", get_nodes(P, nodes, limit, &pol->nodes));
}

static const char *const setpol_keys[] = { "nodes", "flags", NULL };
static const char *const mbind_keys[] = { "off", "len", "slice", "mode", "nodes", "flags", NULL };

static int op_set_mempolicy(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	return parse_policy(P, c, c->value, c->op->name, &ph->pol);
}

static int op_mbind(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	return parse_range(P, c, ph) || parse_policy(P, c, get(P, c->node, "mode"), "mode", &ph->pol);
}

static const char *const mmap_keys[] = { "size", "shared", "align", NULL };

/* mmap: NAME with size, shared, align: region NAME of this process. */
static int op_mmap(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	struct wlf_scope *S = c->S;
	yaml_node_t *size = get(P, c->node, "size"), *shared = get(P, c->node, "shared");
	yaml_node_t *align = get(P, c->node, "align");
	const yaml_node_t *v = c->value;
	bool sh = false;
	uint64_t raw, at_scale;
	bool is_scaled;

	if (!c->is_main)
		return fail(P, c->node, "only a process's own phases may mmap (its threads share "
			    "its regions)");
	if (is_null(v) || want_scalar(P, v, "a region name"))
		return is_null(v) ? fail(P, c->node, "name the region: mmap: NAME") : -1;
	for (uint32_t r = 0; r < S->nr_regions; r++)
		if (name_eq(S->regions[r].name, sval(v), slen(v)))
			return WITH_KEY(P, "mmap", fail(P, v, "region '%.*s' exists already",
							(int)MIN(slen(v), WLF_SHOWN), sval(v)));
	if (S->nr_regions >= WLF_MAX_REGIONS)
		return fail(P, v, "more than %u regions", WLF_MAX_REGIONS);
	if (!size)
		return fail(P, c->node, "mmap needs a size");
	if (WITH_KEY(P, "size", get_bytes_scaled(P, size, WL_PAGE_SIZE, WL_MAX_SIZE, true, &raw,
						  &at_scale, &is_scaled)))
		return -1;
	if (shared && WITH_KEY(P, "shared", get_bool(P, shared, &sh)))
		return -1;
	if (align && WITH_KEY(P, "align", get_bytes(P, align, WL_PAGE_SIZE, 1ull << 30, false,
						    &ph->align) ||
			      ((ph->align & (ph->align - 1)) ?
			       fail(P, align, "not a power of two") : 0)))
		return -1;
	ph->region = S->nr_regions;
	ph->len = MAX(is_scaled ? at_scale : scale_bytes(P, raw), WL_PAGE_SIZE);
	ph->arg = sh ? WL_MAP_SHARED : 0;
	S->regions[S->nr_regions++] = (struct wlf_region){
		.name = { sval(v), slen(v) }, .raw = raw, .size = ph->len,
	};
	return 0;
}

static const char *const range_keys[] = { "off", "len", "slice", NULL };
static const char *const madvise_keys[] = { "off", "len", "slice", "advice", NULL };
static const char *const mprotect_keys[] = { "off", "len", "slice", "prot", NULL };
static const char *const mremap_keys[] = { "off", "len", "slice", "new_len", NULL };
static const char *const move_pages_keys[] = { "off", "len", "slice", "nodes", NULL };
static const char *const migrate_keys[] = { "from", "to", NULL };
static const char *const affinity_keys[] = { "nodes", "cpus", NULL };
static const char *const no_keys[] = { NULL };

static int op_munmap(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	return parse_range(P, c, ph);
}

static int op_madvise(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	static const char *const names[] = {
		[MM_MADV_HUGEPAGE] = "hugepage", [MM_MADV_NOHUGEPAGE] = "nohugepage",
		[MM_MADV_DONTNEED] = "dontneed", [MM_MADV_COLD] = "cold",
		[MM_MADV_PAGEOUT] = "pageout", [NR_MM_MADV] = NULL,
	};
	yaml_node_t *adv = get(P, c->node, "advice");
	int a;

	if (parse_range(P, c, ph))
		return -1;
	if (!adv)
		return fail(P, c->node, "madvise needs advice: hugepage, nohugepage, dontneed, "
			    "cold or pageout");
	if (WITH_KEY(P, "advice", get_choice(P, adv, names, &a)))
		return -1;
	ph->arg = (uint32_t)a;
	return 0;
}

static int op_mprotect(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	static const char *const names[] = { "none", "read", "rw", NULL };
	static const uint32_t prots[] = { WL_PROT_NONE, WL_PROT_READ, WL_PROT_RW };
	yaml_node_t *prot = get(P, c->node, "prot");
	int p;

	if (parse_range(P, c, ph))
		return -1;
	if (!prot)
		return fail(P, c->node, "mprotect needs prot: none, read or rw");
	if (WITH_KEY(P, "prot", get_choice(P, prot, names, &p)))
		return -1;
	ph->arg = prots[p];
	return 0;
}

static int op_mremap(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *nl = get(P, c->node, "new_len");
	uint64_t raw;

	if (parse_range(P, c, ph))
		return -1;
	/* as workload_validate(): the parent's mapping is the parent's to move */
	if (ph->region < c->S->nr_inherited)
		return WITH_KEY(P, "mremap", fail(P, c->node, "region '%.*s' is inherited from the "
						  "parent process: mremap it there",
						  (int)c->S->regions[ph->region].name.n,
						  c->S->regions[ph->region].name.s));
	if (!nl)
		return fail(P, c->node, "mremap needs new_len");
	if (WITH_KEY(P, "new_len", get_bytes(P, nl, WL_PAGE_SIZE, WL_MAX_SIZE, true, &raw)))
		return -1;
	ph->new_len = MAX(scale_bytes(P, raw), WL_PAGE_SIZE);
	/* the region is now the result, [0, new_len) (workload.h) */
	struct wlf_region *r = &c->S->regions[ph->region];
	r->raw = raw;
	r->size = ph->new_len;
	return 0;
}

static int op_move_pages(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *nodes = get(P, c->node, "nodes");

	if (parse_range(P, c, ph))
		return -1;
	if (!nodes)
		return fail(P, c->node, "move_pages needs nodes");
	return WITH_KEY(P, "nodes", get_nodes(P, nodes, P->m->nr_nodes, &ph->pol.nodes));
}

static int op_migrate_pages(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *from = get(P, c->node, "from"), *to = get(P, c->node, "to");

	if (!is_null(c->value))
		return fail(P, c->value, "migrate_pages takes from: and to:, no value");
	if (!from || !to)
		return fail(P, c->node, "migrate_pages needs from and to");
	return WITH_KEY(P, "from", get_nodes(P, from, P->m->nr_nodes, &ph->pol.nodes)) ||
	       WITH_KEY(P, "to", get_nodes(P, to, P->m->nr_nodes, &ph->to_nodes));
}

/* sched_setaffinity with nodes (WL_SET_AFFINITY) or cpus (WL_SET_CPUS). */
static int op_affinity(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *nodes = get(P, c->node, "nodes"), *cpus = get(P, c->node, "cpus");
	struct wl_cpuset set = { { 0 } };

	if (!is_null(c->value))
		return fail(P, c->value, "sched_setaffinity takes nodes: or cpus:, no value");
	if (!nodes == !cpus)
		return fail(P, c->node, "sched_setaffinity needs nodes or cpus (one of them)");
	if (nodes) {
		if (WITH_KEY(P, "nodes", get_nodes(P, nodes, P->m->nr_nodes, &ph->pol.nodes)))
			return -1;
		/* the kernel refuses a mask with no CPU it may run on (EINVAL) */
		for (uint32_t nid = 0; nid < P->m->nr_nodes; nid++)
			if ((ph->pol.nodes >> nid & 1) && !node_has_cpus(P->m, nid))
				return WITH_KEY(P, "nodes", fail(P, nodes, "node %" PRIu32 " has no "
								  "CPUs to run on", nid));
		return 0;
	}
	if (WITH_KEY(P, "cpus", get_list(P, cpus, P->m->nr_cpus, "CPU", set.bits)))
		return -1;
	bool any = false;
	for (size_t w = 0; w < ARRAY_SIZE(set.bits); w++)
		any |= set.bits[w] != 0;
	if (!any)
		return WITH_KEY(P, "cpus", fail(P, cpus, "no CPU given"));
	ph->op = WL_SET_CPUS;
	ph->target = wl_add_cpuset(P->wl);
	P->wl->cpusets[ph->target] = set;
	return 0;
}

static int op_time(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	if (is_null(c->value))
		return fail(P, c->node, "%s needs a duration (%s: 10ms)", c->op->name, c->op->name);
	return WITH_KEY(P, c->op->name, get_duration(P, c->value, &ph->ns));
}

static int op_join(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	(void)ph;
	if (!is_null(c->value))
		return fail(P, c->value, "join takes no value");
	return 0;
}

/* barrier: NAME: the process's barrier of that name; its parties are counted later. */
static int op_barrier(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	struct wlf_scope *S = c->S;
	const yaml_node_t *v = c->value;

	if (is_null(v) || want_scalar(P, v, "a barrier name"))
		return is_null(v) ? fail(P, c->node, "name the barrier: barrier: NAME") : -1;
	for (uint32_t b = 0; b < S->nr_barriers; b++)
		if (name_eq(S->barrier_name[b], sval(v), slen(v))) {
			ph->target = S->barrier_idx[b];
			return 0;
		}
	if (S->nr_barriers >= WLF_MAX_BARRIERS)
		return fail(P, v, "more than %u barriers in a process", WLF_MAX_BARRIERS);
	S->barrier_name[S->nr_barriers] = (struct wlf_name){ sval(v), slen(v) };
	ph->target = S->barrier_idx[S->nr_barriers++] = wl_add_barrier(P->wl, 0);
	return 0;
}

static const char *const dev_migrate_keys[] = { "off", "len", "slice", "to", "device", NULL };
static const char *const dev_kernel_keys[] = { "off", "len", "slice", "device", "passes",
					       "access", "threads", NULL };

/* device: N, a MEM_DEVICE node; default: the machine's first. */
static int parse_device(struct wlf *P, struct phase_ctx *c, uint32_t *out)
{
	yaml_node_t *dev = get(P, c->node, "device");
	uint64_t d;

	if (!dev) {
		for (uint32_t n = 0; n < P->m->nr_nodes; n++)
			if (P->m->node[n].kind == MEM_DEVICE) {
				*out = n;
				return 0;
			}
		return fail(P, c->node, "the machine '%s' has no device node (docs/device.md)",
			    P->m->name);
	}
	if (WITH_KEY(P, "device", get_uint(P, dev, 0, P->m->nr_nodes - 1u, &d)))
		return -1;
	if (P->m->node[d].kind != MEM_DEVICE)
		return WITH_KEY(P, "device", fail(P, dev, "node %" PRIu64 " is not a device node", d));
	*out = (uint32_t)d;
	return 0;
}

/* device_migrate: REGION to: device|system (migrate_vma, as cudaMemPrefetchAsync). */
static int op_dev_migrate(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	static const char *const dirs[] = { [WL_TO_DEVICE] = "device", [WL_TO_SYSTEM] = "system",
					    NULL };
	yaml_node_t *to = get(P, c->node, "to");
	int dir;

	if (parse_range(P, c, ph) || parse_device(P, c, &ph->target))
		return -1;
	if (!to)
		return fail(P, c->node, "device_migrate needs to: device or system");
	if (WITH_KEY(P, "to", get_choice(P, to, dirs, &dir)))
		return -1;
	ph->arg = (uint32_t)dir;
	return 0;
}

/* device_kernel: REGION: the device runs passes over the range; the thread waits. */
static int op_dev_kernel(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	yaml_node_t *acc = get(P, c->node, "access"), *thr = get(P, c->node, "threads");
	uint64_t t = 0;
	int a = WL_RW - 1;

	if (parse_range(P, c, ph) || parse_device(P, c, &ph->target))
		return -1;
	ph->count = 1;
	if ((acc && WITH_KEY(P, "access", get_choice(P, acc, access_names, &a))) ||
	    (thr && WITH_KEY(P, "threads", get_uint(P, thr, 0, MACHINE_MAX_DEVICE_THREADS, &t))))
		return -1;
	yaml_node_t *passes = get(P, c->node, "passes");
	if (passes && WITH_KEY(P, "passes", get_uint(P, passes, 1, WL_MAX_LOOPS, &ph->count)))
		return -1;
	ph->access = (enum wl_access)(a + 1);
	ph->arg = (uint32_t)t;	/* 0: all of the device's threads */
	return 0;
}

static int op_spawn(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph);
static int op_fork(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph);

static const struct phase_op phase_ops[] = {
	{ "mmap", WL_MMAP, mmap_keys, op_mmap },
	{ "munmap", WL_MUNMAP, range_keys, op_munmap },
	{ "mprotect", WL_MPROTECT, mprotect_keys, op_mprotect },
	{ "madvise", WL_MADVISE, madvise_keys, op_madvise },
	{ "mremap", WL_MREMAP, mremap_keys, op_mremap },
	{ "set_mempolicy", WL_SET_MEMPOLICY, setpol_keys, op_set_mempolicy },
	{ "mbind", WL_MBIND, mbind_keys, op_mbind },
	{ "move_pages", WL_MOVE_PAGES, move_pages_keys, op_move_pages },
	{ "migrate_pages", WL_MIGRATE_PAGES, migrate_keys, op_migrate_pages },
	{ "sched_setaffinity", WL_SET_AFFINITY, affinity_keys, op_affinity },
	{ "sweep", WL_SWEEP, sweep_keys, op_sweep },
	{ "random", WL_RANDOM, random_keys, op_random },
	{ "skewed", WL_SKEWED, skewed_keys, op_random, 0.1, 0.9 },
	{ "hotcold", WL_SKEWED, skewed_keys, op_random, 0.2, 0.8 },
	{ "gauss", WL_GAUSS, gauss_keys, op_random },
	{ "zipf", WL_ZIPF, zipf_keys, op_random },
	{ "chase", WL_CHASE, chase_keys, op_random },
	{ "lookup", WL_LOOKUP, lookup_keys, op_lookup },
	{ "device_migrate", WL_DEV_MIGRATE, dev_migrate_keys, op_dev_migrate },
	{ "device_kernel", WL_DEV_KERNEL, dev_kernel_keys, op_dev_kernel },
	{ "compute", WL_COMPUTE, no_keys, op_time },
	{ "sleep", WL_SLEEP, no_keys, op_time },
	{ "barrier", WL_BARRIER, no_keys, op_barrier },
	{ "spawn", WL_SPAWN, no_keys, op_spawn },
	{ "fork", WL_FORK, no_keys, op_fork },
	{ "join", WL_JOIN, no_keys, op_join },
};

static const struct phase_op *find_op(const yaml_node_t *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(phase_ops); i++)
		if (scalar_is(k, phase_ops[i].name))
			return &phase_ops[i];
	return NULL;
}

static int op_list_fail(struct wlf *P, const yaml_node_t *n, const char *what)
{
	char list[320];
	size_t used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(phase_ops) && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 phase_ops[i].name);
	return fail(P, n, "%s (operations: %s)", what, list);
}

/* Count a phase against the file's budget before adding it. */
static struct wl_phase *add_phase(struct wlf *P, const yaml_node_t *at, uint32_t prog,
				  enum wl_op op)
{
	if (P->nr_phases >= WLF_MAX_PHASES) {
		fail(P, at, "more than %u phases in the whole workload", WLF_MAX_PHASES);
		return NULL;
	}
	P->nr_phases++;
	return wl_add_phase(P->wl, prog, op);
}

/*
 * Parse the phase into a local copy, then append it: parsing may add programs
 * (spawn, fork) or phases to other programs, which would move a phase pointer.
 */
static int emit_phase(struct wlf *P, struct phase_ctx *c)
{
	struct wl_phase ph = { .op = c->op->op };

	if (c->op->parse(P, c, &ph))
		return -1;
	if (ph.op == WL_SPAWN)	/* op_spawn added them, one per thread */
		return 0;
	struct wl_phase *dst = add_phase(P, c->node, c->prog, ph.op);
	if (!dst)
		return -1;
	*dst = ph;
	return 0;
}

static int parse_phase_keys(struct wlf *P, struct phase_ctx *c, yaml_node_t *n);
static int parse_phases(struct wlf *P, struct wlf_scope *S, yaml_node_t *seq, uint32_t prog,
			bool is_main);

/* loop: N with phases: the list N times in a row, {j} the round (the innermost loop's). */
static int parse_loop(struct wlf *P, struct wlf_scope *S, yaml_node_t *n, uint32_t prog,
		      bool is_main)
{
	static const char *const keys[] = { "loop", "phases", NULL };
	const struct wlf_vars saved = P->v;
	uint64_t rounds;
	int rc = 0;

	if (check_keys(P, n, keys) ||
	    WITH_KEY(P, "loop", get_uint(P, get(P, n, "loop"), 1, WLF_MAX_REPEAT, &rounds)))
		return -1;
	for (uint64_t j = 0; j < rounds && !rc; j++) {
		/* empty nested loops make no phase: count their rounds as work too */
		if (++P->nr_rounds > WLF_MAX_PHASES)
			return fail(P, n, "more than %u loop rounds in the whole workload",
				    WLF_MAX_PHASES);
		P->v.j = j;
		P->v.have_j = true;
		rc = parse_phases(P, S, get(P, n, "phases"), prog, is_main);
	}
	P->v.j = saved.j;
	P->v.have_j = saved.have_j;
	return rc;
}

static int parse_phase(struct wlf *P, struct wlf_scope *S, yaml_node_t *n, uint32_t prog,
		       bool is_main)
{
	struct phase_ctx c = { .S = S, .node = n, .prog = prog, .is_main = is_main };

	if (ydoc_is_scalar(n)) {
		c.op = find_op(n);
		if (!c.op)
			return op_list_fail(P, n, "unknown operation");
		return emit_phase(P, &c);
	}
	if (n->type != YAML_MAPPING_NODE)
		return op_list_fail(P, n, "a phase is an operation with its keys");
	if (get(P, n, "loop"))
		return parse_loop(P, S, n, prog, is_main);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const struct phase_op *op = find_op(node_at(P, p->key));

		if (!op)
			continue;
		if (c.op)
			return fail(P, node_at(P, p->key), "two operations (%s and %s) in one phase",
				    c.op->name, op->name);
		c.op = op;
		c.value = node_at(P, p->value);
	}
	if (!c.op)
		return op_list_fail(P, n, "no operation in this phase");
	/* "- sched_setaffinity: {nodes: [0]}": the keys of a value-less op under it */
	size_t nested = (size_t)-1;
	if ((c.op->op == WL_SET_AFFINITY || c.op->op == WL_MIGRATE_PAGES) && c.value &&
	    c.value->type == YAML_MAPPING_NODE) {
		if (n->data.mapping.pairs.top - n->data.mapping.pairs.start != 1)
			return fail(P, n, "give the keys of %s beside it or under it, not both",
				    c.op->name);
		nested = push_key(P, c.op->name, strlen(c.op->name));
		c.node = n = c.value;
		c.value = NULL;
	}
	int rc = parse_phase_keys(P, &c, n);
	if (nested != (size_t)-1 && !rc)
		pop(P, nested);
	return rc;
}

/* The phase's keys checked, emit it @repeat times. */
static int parse_phase_keys(struct wlf *P, struct phase_ctx *c, yaml_node_t *n)
{
	const char *keys[16];
	yaml_node_t *rep;
	uint64_t repeat = 1;
	size_t nk = 0;

	keys[nk++] = c->op->name;
	keys[nk++] = "repeat";
	for (const char *const *k = c->op->keys; *k && nk < ARRAY_SIZE(keys) - 1; k++)
		keys[nk++] = *k;
	keys[nk] = NULL;
	if (check_keys(P, n, keys))
		return -1;
	if ((rep = get(P, n, "repeat"))) {
		if (c->op->op == WL_MMAP)
			return WITH_KEY(P, "repeat", fail(P, rep, "an mmap is not repeated (name "
							  "each region)"));
		if (WITH_KEY(P, "repeat", get_uint(P, rep, 1, WLF_MAX_REPEAT, &repeat)))
			return -1;
	}
	const struct wlf_vars saved = P->v;
	int rc = 0;
	for (uint64_t j = 0; j < repeat && !rc; j++) {
		if (rep) {	/* else {j} stays an enclosing loop's */
			P->v.j = j;
			P->v.have_j = true;
		}
		rc = emit_phase(P, c);
	}
	P->v.j = saved.j;
	P->v.have_j = saved.have_j;
	return rc;
}

static int parse_phases(struct wlf *P, struct wlf_scope *S, yaml_node_t *seq, uint32_t prog,
			bool is_main)
{
	if (!seq || is_null(seq))
		return 0;	/* a thread with nothing to do, or an empty loop */
	size_t old = push_key(P, "phases", 6);
	int rc = want_type(P, seq, YAML_SEQUENCE_NODE, "a list of phases");

	for (size_t i = 0; !rc && i < ydoc_seq_len(seq); i++) {
		size_t o2 = push_index(P, i);

		rc = parse_phase(P, S, seq_at(P, seq, i), prog, is_main);
		pop(P, o2);
	}
	pop(P, old);
	return rc;
}

/* ---- thread groups, processes, forks ---- */

static struct wlf_group *find_group(struct wlf_def *d, const char *s, size_t n, uint32_t *idx)
{
	for (uint32_t g = 0; g < d->nr_groups; g++)
		if (name_eq(d->groups[g].name, s, n)) {
			*idx = g;
			return &d->groups[g];
		}
	return NULL;
}

static uint32_t add_program(struct wlf *P, const yaml_node_t *at)
{
	if (P->wl->nr_programs >= WLF_MAX_PROGRAMS) {
		fail(P, at, "more than %u programs (threads with phases of their own)",
		     WLF_MAX_PROGRAMS);
		return NONE;
	}
	return wl_add_program(P->wl);
}

/*
 * Build thread group @g of @S: count copies, {i} the copy. If copy 0 never
 * read its index, one program serves them all.
 */
static int build_group(struct wlf *P, struct wlf_scope *S, uint32_t g)
{
	struct wlf_group *grp = &S->def->groups[g];
	const struct wlf_vars saved = P->v;
	const bool saved_used = P->used_index;
	uint64_t count = 1;
	int rc = 0;

	if (grp->count && WITH_KEY(P, "count", get_uint(P, grp->count, 1, WL_MAX_THREADS, &count)))
		return -1;
	S->group_copies[g] = (uint32_t)count;
	for (uint64_t i = 0; i < count && !rc; i++) {
		uint32_t prog = add_program(P, grp->node);

		if (prog == NONE)
			return -1;
		if (!i)
			S->group_prog[g] = prog;
		P->v = (struct wlf_vars){ .i = i, .n = count };
		P->used_index = false;
		rc = parse_phases(P, S, grp->phases, prog, false);
		if (!rc && !i && !P->used_index) {
			S->group_shared[g] = true;
			break;
		}
	}
	P->v = saved;
	P->used_index = saved_used;
	return rc;
}

/* Spawn every copy of group @g (built at its first spawn). */
static int spawn_group(struct wlf *P, struct wlf_scope *S, uint32_t g, uint32_t prog,
		       const yaml_node_t *at)
{
	if (S->group_prog[g] == NONE) {
		char saved[WLF_PATH_LEN];
		size_t old = P->plen;
		int rc;

		memcpy(saved, P->path, sizeof(saved));
		path_at_process(P, S->def_idx);
		push_key(P, "threads", 7);
		push_index(P, g);
		rc = build_group(P, S, g);
		if (rc)
			return -1;	/* the message has the group's path */
		memcpy(P->path, saved, sizeof(saved));
		P->plen = old;
	}
	for (uint32_t i = 0; i < S->group_copies[g]; i++) {
		struct wl_phase *ph = add_phase(P, at, prog, WL_SPAWN);

		if (!ph)
			return -1;
		ph->target = S->group_prog[g] + (S->group_shared[g] ? 0 : i);
	}
	return 0;
}

static int op_spawn(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	const yaml_node_t *v = c->value;
	uint32_t g;

	(void)ph;
	if (!c->is_main)
		return fail(P, c->node, "only a process's own phases may spawn its threads");
	if (is_null(v) || want_scalar(P, v, "a thread group name"))
		return is_null(v) ? fail(P, c->node, "name the threads: spawn: NAME") : -1;
	if (!find_group(c->S->def, sval(v), slen(v), &g))
		return fail(P, v, "no thread group '%.*s' in this process",
			    (int)MIN(slen(v), WLF_SHOWN), sval(v));
	return spawn_group(P, c->S, g, c->prog, c->node);
}

static int build_process(struct wlf *P, uint32_t d, uint64_t copy, uint64_t copies,
			 const struct wlf_scope *parent, uint32_t *prog_out);

static int op_fork(struct wlf *P, struct phase_ctx *c, struct wl_phase *ph)
{
	struct wlf_scope *S = c->S;
	const yaml_node_t *v = c->value;
	uint32_t d;

	if (!c->is_main)
		return fail(P, c->node, "only a process's own phases may fork");
	if (is_null(v) || want_scalar(P, v, "a process name"))
		return is_null(v) ? fail(P, c->node, "name the child: fork: NAME") : -1;
	for (d = 0; d < P->nr_defs && !name_eq(P->defs[d].name, sval(v), slen(v)); d++)
		;
	if (d == P->nr_defs)
		return fail(P, v, "no process '%.*s'", (int)MIN(slen(v), WLF_SHOWN), sval(v));
	if (!P->defs[d].forked)
		return fail(P, v, "process '%.*s' is not marked forked: true",
			    (int)MIN(slen(v), WLF_SHOWN), sval(v));
	if (P->defs[d].building)
		return fail(P, v, "process '%.*s' forks itself (a fork cycle)",
			    (int)MIN(slen(v), WLF_SHOWN), sval(v));
	P->defs[d].nr_forks++;
	if (S->fork_prog[d] == NONE) {
		S->fork_regions[d] = S->nr_regions;
		if (build_process(P, d, 0, 1, S, &S->fork_prog[d]))
			return -1;
	} else if (S->fork_regions[d] != S->nr_regions) {
		/* the child inherits the parent's regions: every fork must agree on them */
		return fail(P, v, "forked with %" PRIu32 " regions here but %" PRIu32 " at its "
			    "first fork", S->nr_regions, S->fork_regions[d]);
	}
	ph->target = S->fork_prog[d];
	return 0;
}

/*
 * Does the main phase list spawn anything itself (in loops too)? If not,
 * threads start at its end. @depth bounds the walk as the YAML depth does.
 */
static bool spawns_explicitly(struct wlf *P, yaml_node_t *seq, uint32_t depth)
{
	if (!seq || seq->type != YAML_SEQUENCE_NODE || depth > WLF_MAX_DEPTH)
		return false;
	for (size_t i = 0; i < ydoc_seq_len(seq); i++) {
		yaml_node_t *n = seq_at(P, seq, i);

		if (scalar_is(n, "spawn") || get(P, n, "spawn") ||
		    (get(P, n, "loop") && spawns_explicitly(P, get(P, n, "phases"), depth + 1)))
			return true;
	}
	return false;
}

/* One process: its main program, its threads (implicitly: after its phases, then join). */
static int build_main(struct wlf *P, struct wlf_scope *S)
{
	struct wlf_def *def = S->def;
	bool explicit_spawn = spawns_explicitly(P, def->phases, 0);

	if (parse_phases(P, S, def->phases, S->prog, true))
		return -1;
	if (!explicit_spawn && def->nr_groups) {
		for (uint32_t g = 0; g < def->nr_groups; g++)
			if (spawn_group(P, S, g, S->prog, def->node))
				return -1;
		if (!add_phase(P, def->node, S->prog, WL_JOIN))
			return -1;
	}
	for (uint32_t g = 0; g < def->nr_groups; g++)
		if (S->group_prog[g] == NONE) {
			size_t old = push_key(P, "threads", 7), o2 = push_index(P, g);
			int rc = fail(P, def->groups[g].node, "thread group '%.*s' is never spawned",
				      (int)def->groups[g].name.n, def->groups[g].name.s);
			pop(P, o2);
			pop(P, old);
			return rc;
		}
	return 0;
}

/*
 * Build entry @d: copy @copy of @copies at the top level (@parent NULL), or
 * a child forked from @parent, inheriting its regions. *@prog_out: its main.
 */
static int build_process(struct wlf *P, uint32_t d, uint64_t copy, uint64_t copies,
			 const struct wlf_scope *parent, uint32_t *prog_out)
{
	struct wlf_def *def = &P->defs[d];
	struct wlf_scope *S = calloc(1, sizeof(*S));
	const struct wlf_vars saved = P->v;
	int rc;

	if (!S)
		return fail(P, def->node, "out of host memory");
	S->def = def;
	S->def_idx = d;
	memset(S->group_prog, 0xff, sizeof(S->group_prog));	/* NONE */
	memset(S->fork_prog, 0xff, sizeof(S->fork_prog));
	S->prog = add_program(P, def->node);
	rc = S->prog == NONE ? -1 : 0;
	if (!rc && parent) {
		S->proc = NONE;
		S->nr_regions = parent->nr_regions;
		S->nr_inherited = parent->nr_regions;
		memcpy(S->regions, parent->regions, sizeof(S->regions));
	} else if (!rc) {
		S->proc = wl_add_process(P->wl, S->prog);
	}
	char saved_path[WLF_PATH_LEN];
	size_t old = P->plen;
	memcpy(saved_path, P->path, sizeof(saved_path));
	path_at_process(P, d);
	def->building = true;
	P->v = (struct wlf_vars){ .i = copy, .n = copies };
	if (!rc)
		rc = build_main(P, S);
	def->building = false;
	P->v = saved;
	if (!rc) {	/* on error the message keeps this process's path */
		memcpy(P->path, saved_path, sizeof(saved_path));
		P->plen = old;
	}
	if (!rc && S->proc != NONE)
		P->wl->procs[S->proc].nr_regions = S->nr_regions;
	*prog_out = S->prog;
	free(S);
	return rc;
}

/*
 * Barriers of one top-level process copy: its programs are [first,
 * nr_programs), each created after every program that starts it, so walking
 * them backwards counts, for each program, the threads that reach barrier b
 * through it (a thread once, however often it waits), as the validator does.
 */
static int count_barriers(struct wlf *P, uint32_t first, uint32_t first_barrier)
{
	struct workload *wl = P->wl;
	uint32_t nr = wl->nr_programs - first;
	uint64_t *reach;

	if (first_barrier == wl->nr_barriers)
		return 0;
	reach = calloc(nr + 1u, sizeof(*reach));
	if (!reach)
		return fail(P, NULL, "out of host memory");
	for (uint32_t b = first_barrier; b < wl->nr_barriers; b++) {
		for (uint32_t p = wl->nr_programs; p-- > first;) {
			const struct wl_program *prog = &wl->programs[p];
			uint64_t r = 0;
			bool self = false;

			for (uint32_t i = 0; i < prog->nr_phases; i++) {
				const struct wl_phase *ph = &prog->phases[i];

				if (ph->op == WL_BARRIER && ph->target == b)
					self = true;
				else if ((ph->op == WL_SPAWN || ph->op == WL_FORK) &&
					 ph->target > p && ph->target < wl->nr_programs)
					r += reach[ph->target - first];
			}
			reach[p - first] = r + self;	/* <= phases: no overflow */
		}
		wl->barrier_parties[b] = (uint32_t)reach[0];
	}
	free(reach);
	return 0;
}

/* ---- the document ---- */

static const char *const top_keys[] = { "version", "name", "description", "weighted_interleave",
					"processes", NULL };
static const char *const proc_keys[] = { "name", "count", "forked", "phases", "threads", NULL };
static const char *const thread_keys[] = { "name", "count", "phases", NULL };

static int get_name(struct wlf *P, yaml_node_t *n, const char *dflt, size_t i,
		    struct wlf_name *out, char *buf, size_t buflen)
{
	if (!n) {	/* the default name lives in the def's buffer */
		int w = snprintf(buf, buflen, "%s%zu", dflt, i);
		*out = (struct wlf_name){ buf, (size_t)MAX(w, 0) };
		return 0;
	}
	if (WITH_KEY(P, "name", want_scalar(P, n, "a name")))
		return -1;
	if (!slen(n) || slen(n) > 63)
		return WITH_KEY(P, "name", fail(P, n, "a name has 1 to 63 characters"));
	*out = (struct wlf_name){ sval(n), slen(n) };
	return 0;
}

/* Read thread group @i of @def (mapping @n). */
static int parse_group(struct wlf *P, struct wlf_def *def, yaml_node_t *n, size_t i,
		       char *namebuf)
{
	struct wlf_group *g = &def->groups[def->nr_groups];
	uint32_t dup;

	if (want_type(P, n, YAML_MAPPING_NODE, "a thread group (name, count, phases)") ||
	    check_keys(P, n, thread_keys))
		return -1;
	*g = (struct wlf_group){ .node = n, .count = get(P, n, "count"),
				 .phases = get(P, n, "phases") };
	if (get_name(P, get(P, n, "name"), "threads", i, &g->name, namebuf, 24))
		return -1;
	if (find_group(def, g->name.s, g->name.n, &dup))
		return fail(P, n, "two thread groups named '%.*s'", (int)g->name.n, g->name.s);
	def->nr_groups++;
	return 0;
}

/* Names of defaulted processes and thread groups ("process0", "threads1"). */
struct wlf_names {
	char proc[WLF_MAX_DEFS][24];
	char group[WLF_MAX_DEFS][WLF_MAX_GROUPS][24];
};

static int parse_def(struct wlf *P, yaml_node_t *n, size_t i, struct wlf_names *names)
{
	struct wlf_def *def = &P->defs[P->nr_defs];
	yaml_node_t *forked, *thr;

	if (want_type(P, n, YAML_MAPPING_NODE, "a process (name, count, phases, threads)") ||
	    check_keys(P, n, proc_keys))
		return -1;
	*def = (struct wlf_def){ .node = n, .count = get(P, n, "count"),
				 .phases = get(P, n, "phases"), .threads = get(P, n, "threads") };
	if (get_name(P, get(P, n, "name"), "process", i, &def->name, names->proc[i], 24))
		return -1;
	for (uint32_t d = 0; d < P->nr_defs; d++)
		if (name_eq(P->defs[d].name, def->name.s, def->name.n))
			return fail(P, n, "two processes named '%.*s'", (int)def->name.n,
				    def->name.s);
	if ((forked = get(P, n, "forked")) && WITH_KEY(P, "forked", get_bool(P, forked, &def->forked)))
		return -1;
	if (def->forked && def->count)
		return WITH_KEY(P, "count", fail(P, def->count, "a forked process has no count "
						 "(repeat: its fork instead)"));
	if ((thr = def->threads) && !is_null(thr)) {
		size_t old = push_key(P, "threads", 7);
		int rc = want_type(P, thr, YAML_SEQUENCE_NODE, "a list of thread groups");

		if (!rc && ydoc_seq_len(thr) > WLF_MAX_GROUPS)
			rc = fail(P, thr, "more than %u thread groups", WLF_MAX_GROUPS);
		for (size_t g = 0; !rc && g < ydoc_seq_len(thr); g++) {
			size_t o2 = push_index(P, g);

			rc = parse_group(P, def, seq_at(P, thr, g), g, names->group[i][g]);
			pop(P, o2);
		}
		pop(P, old);
		if (rc)
			return -1;
	}
	P->nr_defs++;
	return 0;
}

static int parse_weights(struct wlf *P, yaml_node_t *n)
{
	if (want_type(P, n, YAML_MAPPING_NODE, "a mapping of node: weight"))
		return -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(P, p->key), *v = node_at(P, p->value);
		uint64_t node, w;

		if (get_uint(P, k, 0, P->m->nr_nodes - 1u, &node))
			return -1;
		size_t old = push_key(P, sval(k), slen(k));
		int rc = get_uint(P, v, 1, WLF_MAX_WEIGHT, &w);
		pop(P, old);
		if (rc)
			return -1;
		P->wl->il_weights[node] = (uint8_t)w;
	}
	return 0;
}

static int parse_version(struct wlf *P, yaml_node_t *root)
{
	yaml_node_t *v = get(P, root, "version");
	uint64_t ver;

	if (!v)
		return fail(P, root, "no 'version: 1' (every workload file starts with it)");
	if (WITH_KEY(P, "version", get_uint(P, v, 1, UINT32_MAX, &ver)))
		return -1;
	if (ver > 1)
		return WITH_KEY(P, "version", fail(P, v, "version %" PRIu64 " is newer than this "
						   "numasim, which reads version 1", ver));
	return 0;
}

static int parse_processes(struct wlf *P, yaml_node_t *root)
{
	yaml_node_t *procs = get(P, root, "processes");
	struct wlf_names *names;
	uint32_t nr_top = 0;
	int rc = 0;

	if (!procs)
		return fail(P, root, "no 'processes:' list");
	size_t old = push_key(P, "processes", 9);
	if (want_type(P, procs, YAML_SEQUENCE_NODE, "a list of processes") ||
	    (!ydoc_seq_len(procs) && fail(P, procs, "no process")) ||
	    (ydoc_seq_len(procs) > WLF_MAX_DEFS && fail(P, procs, "more than %u processes",
						   WLF_MAX_DEFS))) {
		pop(P, old);
		return -1;
	}
	names = calloc(1, sizeof(*names));
	if (!names) {
		pop(P, old);
		return fail(P, procs, "out of host memory");
	}
	for (size_t i = 0; !rc && i < ydoc_seq_len(procs); i++) {
		size_t o2 = push_index(P, i);

		rc = parse_def(P, seq_at(P, procs, i), i, names);
		pop(P, o2);
	}
	pop(P, old);
	for (uint32_t d = 0; !rc && d < P->nr_defs; d++) {
		struct wlf_def *def = &P->defs[d];
		uint64_t copies = 1;

		if (def->forked)
			continue;
		nr_top++;
		if (def->count) {
			size_t o = push_key(P, "processes", 9), o2 = push_index(P, d);

			rc = WITH_KEY(P, "count", get_uint(P, def->count, 1, WLF_MAX_COPIES, &copies));
			pop(P, o2);
			pop(P, o);
		}
		for (uint64_t c = 0; !rc && c < copies; c++) {
			uint32_t first = P->wl->nr_programs, first_b = P->wl->nr_barriers, prog;

			rc = build_process(P, d, c, copies, NULL, &prog) ||
			     count_barriers(P, first, first_b);
		}
	}
	if (!rc && !nr_top)
		rc = fail(P, procs, "every process is forked: at least one must not be");
	for (uint32_t d = 0; !rc && d < P->nr_defs; d++)
		if (P->defs[d].forked && !P->defs[d].nr_forks)
			rc = fail(P, P->defs[d].node, "process '%.*s' is forked: true but never forked",
				  (int)P->defs[d].name.n, P->defs[d].name.s);
	free(names);
	return rc;
}

/* wl->name: the file's name: key, else its base name without extension. */
static int set_names(struct wlf *P, yaml_node_t *root)
{
	yaml_node_t *name = get(P, root, "name"), *desc = get(P, root, "description");
	const char *base = strrchr(P->file, '/');

	if (desc && WITH_KEY(P, "description", want_scalar(P, desc, "a text")))
		return -1;
	if (name) {
		if (WITH_KEY(P, "name", want_scalar(P, name, "a name")))
			return -1;
		if (!slen(name) || slen(name) >= sizeof(P->wl->name))
			return WITH_KEY(P, "name", fail(P, name, "a name has 1 to %zu characters",
							sizeof(P->wl->name) - 1));
		snprintf(P->wl->name, sizeof(P->wl->name), "%.*s", (int)slen(name), sval(name));
	} else {
		base = base ? base + 1 : P->file;
		size_t n = strcspn(base, ".");
		snprintf(P->wl->name, sizeof(P->wl->name), "%.*s", (int)MIN(n, 63), base);
	}
	/* desc names the file, so a report or `compare` can rebuild the same workload */
	snprintf(P->wl->desc, sizeof(P->wl->desc), "%s", P->file);
	return 0;
}

static int parse_root(struct wlf *P, yaml_node_t *root)
{
	yaml_node_t *w;

	if (!root)
		return fail(P, NULL, "empty file (a workload file starts with 'version: 1')");
	if (want_type(P, root, YAML_MAPPING_NODE, "a mapping (version, processes, ...)") ||
	    parse_version(P, root) || check_keys(P, root, top_keys) || set_names(P, root))
		return -1;
	if ((w = get(P, root, "weighted_interleave")) &&
	    WITH_KEY(P, "weighted_interleave", parse_weights(P, w)))
		return -1;
	return parse_processes(P, root);
}

int wlfile_parse(struct workload *wl, const char *text, size_t len, const char *path,
		 const struct machine *m, double scale, char *err, size_t errlen)
{
	struct wlf P = { .file = path, .m = m, .scale = scale, .wl = wl, .err = err,
			 .errlen = err ? errlen : 0, .v = { .i = 0, .n = 1 } };
	yaml_document_t doc;
	char why[256];
	int rc;

	*wl = (struct workload){ 0 };
	if (P.errlen)
		err[0] = '\0';
	if (memchr(text, '\0', len))
		return fail(&P, NULL, "a NUL byte: not a text file");
	if (ydoc_load(&doc, path, text, len, WLF_MAX_DEPTH, "workload", P.err, P.errlen))
		return -1;
	P.doc = &doc;
	P.defs = calloc(WLF_MAX_DEFS, sizeof(*P.defs));
	rc = P.defs ? parse_root(&P, yaml_document_get_root_node(&doc)) :
		      fail(&P, NULL, "out of host memory");
	free(P.defs);
	yaml_document_delete(&doc);
	if (!rc && workload_validate(wl, why, sizeof(why)))
		rc = fail(&P, NULL, "the workload is not valid: %s", why);
	if (rc)
		workload_free(wl);
	return rc;
}

int wlfile_load(struct workload *wl, const char *path, const struct machine *m, double scale,
		char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;
	int rc;

	*wl = (struct workload){ 0 };
	if (!f) {
		if (err && errlen)
			snprintf(err, errlen, "cannot open workload file '%s': %s", path,
				 strerror(errno));
		return -1;
	}
	text = malloc(WLF_MAX_FILE + 1);
	if (!text) {
		fclose(f);
		if (err && errlen)
			snprintf(err, errlen, "%s: out of host memory", path);
		return -1;
	}
	n = fread(text, 1, WLF_MAX_FILE + 1, f);
	rc = ferror(f);
	fclose(f);
	if (rc || n > WLF_MAX_FILE) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, rc ? "read error" :
				 "larger than 1 MiB: not a workload file");
		free(text);
		return -1;
	}
	rc = wlfile_parse(wl, text, n, path, m, scale, err, errlen);
	free(text);
	return rc;
}

static bool has_yaml_ext(const char *spec, size_t n)
{
	return (n > 5 && !strcmp(spec + n - 5, ".yaml")) || (n > 4 && !strcmp(spec + n - 4, ".yml"));
}

bool wlfile_may_be_file(const char *spec)
{
	if (has_yaml_ext(spec, strlen(spec)))
		return true;
	/* NAME:key=value is a generator; a built-in name wins over a file of that name */
	if (strchr(spec, ':'))
		return false;
	for (const char *const *w = workload_names; *w; w++)
		if (!strcmp(*w, spec))
			return false;
	return true;
}

bool wlfile_is_file_spec(const char *spec)
{
	struct stat st;

	if (!wlfile_may_be_file(spec))
		return false;
	return has_yaml_ext(spec, strlen(spec)) || (!stat(spec, &st) && S_ISREG(st.st_mode));
}
