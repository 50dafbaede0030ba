// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/sweep_spec.c - sweep spec files: YAML in (libyaml's document API, so
 * every node keeps its line), a struct sweep_spec out, then the grid of
 * cells with their names (docs/sweep.md).
 *
 * The schema is flat (lists and mappings of scalars, two levels at most), so
 * nesting past SPEC_MAX_DEPTH is refused before the document is built, and
 * aliases, which the document API resolves into shared nodes, are bounded by
 * a count of the items read (SPEC_MAX_ITEMS), not by the file's size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/cli.h"
#include "cli/sweep_spec.h"
#include "core/err.h"
#include "core/parse.h"
#include "core/yaml_doc.h"

#define SPEC_MAX_DEPTH 8u
#define SPEC_MAX_ITEMS (1u << 20)	/* scalars read, aliases counted again */
#define SPEC_MAX_VARIANT_SET 256u	/* settings of one variant */
#define SPEC_SHOWN 48			/* at most this much of a bad value is quoted */
/* Lengths of a cell name's parts: with "__", "s" and a 20-digit seed, under 255 */
#define PART_MACHINE 48
#define PART_WORKLOAD 48
#define PART_COMBO 120

struct spec_parser {
	struct sweep_spec *sp;
	yaml_document_t *doc;
	char *err;
	size_t errlen;
	char path[96];		/* key path of the node being read */
	uint32_t items;
};

/* ---- messages ---- */

static unsigned node_line(const yaml_node_t *n)
{
	return n ? (unsigned)n->start_mark.line + 1 : 0;
}

/* "FILE:LINE: key 'PATH': <fmt>", the key part when a path is set. Return -1. */
sim_printf(3, 4) static int fail(struct spec_parser *P, const yaml_node_t *n, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return errorf_at(P->err, P->errlen, P->sp->file, node_line(n), P->path[0] ? P->path : NULL,
			 "%s", what);
}

static void set_path(struct spec_parser *P, const char *fmt, ...) sim_printf(2, 3);
static void set_path(struct spec_parser *P, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(P->path, sizeof(P->path), fmt, ap);
	va_end(ap);
}

/* ---- nodes ---- */

static yaml_node_t *node_at(struct spec_parser *P, int idx)
{
	return yaml_document_get_node(P->doc, idx);
}

/* Count @n more items read; refuse past the bound (aliases can multiply them). */
static int charge(struct spec_parser *P, const yaml_node_t *n, size_t nr)
{
	if (nr > SPEC_MAX_ITEMS - P->items)
		return fail(P, n, "more than %u values in all (aliases count each time)",
			    SPEC_MAX_ITEMS);
	P->items += (uint32_t)nr;
	return 0;
}

/* A copy of scalar @n (NUL bytes refused: the value becomes a C string). */
static int take_scalar(struct spec_parser *P, const yaml_node_t *n, const char *what,
		       struct sweep_val *out)
{
	if (!ydoc_is_scalar(n))
		return fail(P, n, "expected %s, got %s", what, ydoc_type_name(n));
	size_t len = n->data.scalar.length;
	if (memchr(n->data.scalar.value, '\0', len))
		return fail(P, n, "a NUL byte in the value");
	if (!len)
		return fail(P, n, "expected %s, got an empty value", what);
	out->s = strndup((const char *)n->data.scalar.value, len);
	if (!out->s)
		return fail(P, n, "out of host memory");
	out->line = node_line(n);
	return 0;
}

static int by_val(const void *a, const void *b)
{
	const struct sweep_val *x = *(const struct sweep_val *const *)a;
	const struct sweep_val *y = *(const struct sweep_val *const *)b;
	int c = strcmp(x->s, y->s);
	return c ? c : (x > y) - (x < y);
}

/* The second of two equal values of @v (sorted, not compared pairwise: lists
 * can be long), or NULL. */
static const struct sweep_val *find_dup(const struct sweep_val *v, size_t n)
{
	const struct sweep_val **p = calloc(n ? n : 1, sizeof(*p)), *dup = NULL;
	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = &v[i];
	qsort(p, n, sizeof(*p), by_val);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(p[i - 1]->s, p[i]->s) && (!dup || p[i] < dup))
			dup = p[i];
	free(p);
	return dup;
}

/* A scalar or a list of scalars, into a new array. */
static int take_list(struct spec_parser *P, const yaml_node_t *n, const char *what,
		     struct sweep_val **out, uint32_t *nr)
{
	char base[sizeof(P->path)];

	if (ydoc_is_scalar(n)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return fail(P, n, "out of host memory");
		*nr = 1;
		return charge(P, n, 1) || take_scalar(P, n, what, &(*out)[0]);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(P, n, "expected %s or a list of them, got %s", what, ydoc_type_name(n));
	size_t len = ydoc_seq_len(n);
	if (!len)
		return fail(P, n, "an empty list");
	if (len > SWEEP_MAX_CELLS)
		return fail(P, n, "more than %u values", SWEEP_MAX_CELLS);
	if (charge(P, n, len))
		return -1;
	*out = calloc(len, sizeof(**out));
	if (!*out)
		return fail(P, n, "out of host memory");
	memcpy(base, P->path, sizeof(base));
	for (size_t i = 0; i < len; i++) {
		const yaml_node_t *item = node_at(P, n->data.sequence.items.start[i]);
		set_path(P, "%s[%zu]", base, i);
		*nr = (uint32_t)i + 1;
		if (take_scalar(P, item, what, &(*out)[i]))
			return -1;
	}
	*nr = (uint32_t)len;
	const struct sweep_val *dup = find_dup(*out, len);
	if (dup) {
		size_t i = (size_t)(dup - *out);
		set_path(P, "%s[%zu]", base, i);
		return fail(P, node_at(P, n->data.sequence.items.start[i]), "'%.*s' is listed twice",
			    SPEC_SHOWN, dup->s);
	}
	memcpy(P->path, base, sizeof(base));
	return 0;
}

/* The keys of mapping @n, each a scalar and each once. */
static int check_mapping(struct spec_parser *P, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail(P, n, "expected %s, got %s", what, ydoc_type_name(n));
	if (charge(P, n, ydoc_map_len(n)))
		return -1;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(P, p->key);
		if (!ydoc_is_scalar(k) || !k->data.scalar.length)
			return fail(P, k, "a key must be a plain name, got %s",
				    ydoc_is_scalar(k) ? "an empty one" : ydoc_type_name(k));
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < p; q++) {
			const yaml_node_t *o = node_at(P, q->key);
			if (o->data.scalar.length == k->data.scalar.length &&
			    !memcmp(o->data.scalar.value, k->data.scalar.value, k->data.scalar.length))
				return fail(P, k, "key '%.*s' given twice", SPEC_SHOWN,
					    (const char *)k->data.scalar.value);
		}
	}
	return 0;
}

/* ---- the keys ---- */

/* set: {KEY: VALUE, ...} or a variant's settings, appended to @set. */
static int take_settings(struct spec_parser *P, const yaml_node_t *n, const char *what,
			 uint32_t limit, struct sweep_setting **set, uint32_t *nr)
{
	char base[sizeof(P->path)];

	if (n->type == YAML_SCALAR_NODE && !n->data.scalar.length &&
	    n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;	/* "base:" alone: no settings */
	if (check_mapping(P, n, what))
		return -1;
	size_t len = ydoc_map_len(n);
	if (len > limit)
		return fail(P, n, "more than %u settings", limit);
	*set = calloc(len ? len : 1, sizeof(**set));
	if (!*set)
		return fail(P, n, "out of host memory");
	memcpy(base, P->path, sizeof(base));
	for (size_t i = 0; i < len; i++) {
		const yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		struct sweep_setting *s = &(*set)[i];
		*nr = (uint32_t)i + 1;
		if (take_scalar(P, node_at(P, p->key), "a tunable's name", &s->key))
			return -1;
		set_path(P, "%s%s%.*s", base, base[0] ? "." : "", SPEC_SHOWN, s->key.s);
		snprintf(s->path, sizeof(s->path), "%s", P->path);
		if (take_scalar(P, node_at(P, p->value), "a value", &s->value))
			return -1;
	}
	*nr = (uint32_t)len;
	memcpy(P->path, base, sizeof(base));
	return 0;
}

/* A variant's name names files: compare's rule, and no "__" (it separates a cell name's parts). */
static bool valid_name(const char *s)
{
	return !strstr(s, "__") && parse_file_name(s, strlen(s), SWEEP_MAX_NAME);
}

static int take_variants(struct spec_parser *P, const yaml_node_t *n)
{
	struct sweep_spec *sp = P->sp;

	if (check_mapping(P, n, "a mapping of variant names to their settings"))
		return -1;
	size_t len = ydoc_map_len(n);
	if (!len)
		return fail(P, n, "no variants (leave the key out instead)");
	if (len > SWEEP_MAX_CELLS)
		return fail(P, n, "more than %u variants", SWEEP_MAX_CELLS);
	sp->variants = calloc(len, sizeof(*sp->variants));
	if (!sp->variants)
		return fail(P, n, "out of host memory");
	for (size_t i = 0; i < len; i++) {
		const yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		struct sweep_variant *v = &sp->variants[i];
		const yaml_node_t *k = node_at(P, p->key);
		sp->nr_variants = (uint32_t)i + 1;
		if (take_scalar(P, k, "a variant's name", &v->name))
			return -1;
		set_path(P, "variants.%.*s", SPEC_SHOWN, v->name.s);
		if (!valid_name(v->name.s))
			return fail(P, k, "bad variant name: use up to %d letters, digits, '.', '_', "
				    "'+' and '-', not starting with '.' and without \"__\" (it "
				    "names files)", SWEEP_MAX_NAME);
		if (take_settings(P, node_at(P, p->value), "a mapping of tunables to values (or "
				  "nothing: the defaults)", SPEC_MAX_VARIANT_SET, &v->set, &v->nr_set))
			return -1;
	}
	return 0;
}

static int take_axes(struct spec_parser *P, const yaml_node_t *n)
{
	struct sweep_spec *sp = P->sp;

	if (check_mapping(P, n, "a mapping of tunables to lists of values"))
		return -1;
	size_t len = ydoc_map_len(n);
	if (!len)
		return fail(P, n, "no tunables (leave the key out instead)");
	if (len > SWEEP_MAX_AXES)
		return fail(P, n, "more than %u tunables to vary", SWEEP_MAX_AXES);
	sp->axes = calloc(len, sizeof(*sp->axes));
	if (!sp->axes)
		return fail(P, n, "out of host memory");
	for (size_t i = 0; i < len; i++) {
		const yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		struct sweep_axis *a = &sp->axes[i];
		sp->nr_axes = (uint32_t)i + 1;
		if (take_scalar(P, node_at(P, p->key), "a tunable's name", &a->key))
			return -1;
		set_path(P, "tunables.%.*s", SPEC_SHOWN, a->key.s);
		if (take_list(P, node_at(P, p->value), "a value", &a->values, &a->nr_values))
			return -1;
	}
	return 0;
}

static int by_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Seeds written differently ("7", "007") may still be the same seed. */
static int check_seed_dups(struct spec_parser *P, const yaml_node_t *n)
{
	struct sweep_spec *sp = P->sp;
	uint64_t *sorted = calloc(sp->nr_seeds, sizeof(*sorted));
	if (!sorted)
		return fail(P, n, "out of host memory");
	memcpy(sorted, sp->seeds, sp->nr_seeds * sizeof(*sorted));
	qsort(sorted, sp->nr_seeds, sizeof(*sorted), by_u64);
	int rc = 0;
	for (uint32_t i = 1; i < sp->nr_seeds && !rc; i++)
		if (sorted[i] == sorted[i - 1]) {
			uint32_t k = 0, seen = 0;
			while (k < sp->nr_seeds && (sp->seeds[k] != sorted[i] || !seen++))
				k++;	/* its second place in the list */
			set_path(P, "seeds[%u]", k);
			rc = fail(P, node_at(P, n->data.sequence.items.start[k]),
				  "seed %llu is listed twice", (unsigned long long)sorted[i]);
		}
	free(sorted);
	return rc;
}

/* seeds: N (seeds 1..N) or [a, b, ...] */
static int take_seeds(struct spec_parser *P, const yaml_node_t *n)
{
	struct sweep_spec *sp = P->sp;
	struct sweep_val *vals = NULL;
	uint32_t nr = 0;
	int rc = 0;
	uint64_t count;

	if (ydoc_is_scalar(n) &&
	    !parse_u64(n->data.scalar.value ? (const char *)n->data.scalar.value : "",
		       n->data.scalar.length, 1, SWEEP_MAX_CELLS, &count)) {
		sp->seeds = calloc(count, sizeof(*sp->seeds));
		if (!sp->seeds)
			return fail(P, n, "out of host memory");
		for (uint64_t i = 0; i < count; i++)
			sp->seeds[i] = i + 1;
		sp->nr_seeds = (uint32_t)count;
		return 0;
	}
	if (ydoc_is_scalar(n))
		return fail(P, n, "expected a number of runs from 1 to %u (seeds 1..N) or a list of "
			    "seeds, got '%.*s'", SWEEP_MAX_CELLS, SPEC_SHOWN,
			    (const char *)n->data.scalar.value);
	if (take_list(P, n, "a seed", &vals, &nr))
		rc = -1;
	if (!rc && !(sp->seeds = calloc(nr, sizeof(*sp->seeds))))
		rc = fail(P, n, "out of host memory");
	for (uint32_t i = 0; !rc && i < nr; i++) {
		enum parse_rc prc = parse_u64_str(vals[i].s, 0, UINT64_MAX, &sp->seeds[i]);
		set_path(P, "seeds[%u]", i);
		if (prc)
			rc = fail(P, node_at(P, n->data.sequence.items.start[i]),
				  "'%.*s': %s (give an integer from 0 to %llu)", SPEC_SHOWN, vals[i].s,
				  parse_error(prc, "integer"), (unsigned long long)UINT64_MAX);
		sp->nr_seeds = i + 1;
	}
	if (!rc)
		rc = check_seed_dups(P, n);
	for (uint32_t i = 0; vals && i < nr; i++)
		free(vals[i].s);
	free(vals);
	return rc;
}

/* scale: the same range as --scale */
static int take_scale(struct spec_parser *P, const yaml_node_t *n)
{
	double v;

	if (take_scalar(P, n, "a decimal number", &P->sp->scale))
		return -1;
	enum parse_rc rc = parse_double_str(P->sp->scale.s, &v);
	if (rc == PARSE_OK && (v < WL_SCALE_MIN || v > WL_SCALE_MAX))
		rc = PARSE_RANGE;
	if (rc)
		return fail(P, n, "'%.*s': %s (give a decimal number from 0.000001 to 1000)",
			    SPEC_SHOWN, P->sp->scale.s, parse_error(rc, "decimal"));
	return 0;
}

/* duration: N -- each run cut at N simulated seconds (numasim.max_sim_seconds). */
static int take_duration(struct spec_parser *P, const yaml_node_t *n)
{
	struct sweep_spec *sp = P->sp;
	struct sweep_setting *set = realloc(sp->set, (sp->nr_set + 1) * sizeof(*set));

	if (!set)
		return fail(P, n, "out of host memory");
	sp->set = set;
	set = &set[sp->nr_set];
	*set = (struct sweep_setting){ .key = { .s = strdup("numasim.max_sim_seconds"),
						.line = node_line(n) } };
	snprintf(set->path, sizeof(set->path), "duration");
	if (!set->key.s)
		return fail(P, n, "out of host memory");
	sp->nr_set++;
	return take_scalar(P, n, "a whole number of simulated seconds", &set->value);
}

static const char *const top_keys[] = {
	"out", "machines", "workloads", "scale", "seeds", "set", "duration", "tunables",
	"variants", NULL,
};

static int take_key(struct spec_parser *P, const char *key, const yaml_node_t *v)
{
	struct sweep_spec *sp = P->sp;

	set_path(P, "%s", key);
	if (!strcmp(key, "out"))
		return take_scalar(P, v, "a folder", &sp->out);
	if (!strcmp(key, "machines"))
		return take_list(P, v, "a machine (preset or file)", &sp->machines, &sp->nr_machines);
	if (!strcmp(key, "workloads"))
		return take_list(P, v, "a workload (NAME[:k=v,...] or a file)", &sp->workloads,
				 &sp->nr_workloads);
	if (!strcmp(key, "scale"))
		return take_scale(P, v);
	if (!strcmp(key, "seeds"))
		return take_seeds(P, v);
	if (!strcmp(key, "set"))
		return take_settings(P, v, "a mapping of tunables to values", SPEC_MAX_VARIANT_SET,
				     &sp->set, &sp->nr_set);
	if (!strcmp(key, "tunables"))
		return take_axes(P, v);
	if (!strcmp(key, "variants"))
		return take_variants(P, v);
	return 0;	/* duration: after set:, wherever it is written */
}

static int parse_root(struct spec_parser *P, const yaml_node_t *root)
{
	const yaml_node_t *duration = NULL;

	if (!root)
		return fail(P, NULL, "empty file (a sweep spec names machines:, workloads:, ...)");
	if (check_mapping(P, root, "a mapping (machines:, workloads:, seeds:, ...)"))
		return -1;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node_at(P, p->key);
		const char *key = (const char *)k->data.scalar.value;
		const char *const *q = top_keys;
		while (*q && strcmp(*q, key))
			q++;
		if (!*q || strlen(key) != k->data.scalar.length) {
			set_path(P, "%.*s", SPEC_SHOWN, key);
			return fail(P, k, "unknown key (known: out, machines, workloads, scale, seeds, "
				    "set, duration, tunables, variants)");
		}
		if (!strcmp(key, "duration"))
			duration = node_at(P, p->value);
		else if (take_key(P, key, node_at(P, p->value)))
			return -1;
	}
	if (duration) {
		set_path(P, "duration");
		if (take_duration(P, duration))
			return -1;
	}
	P->path[0] = '\0';
	return 0;
}

/* A run's defaults for what the spec leaves out. */
static int fill_defaults(struct spec_parser *P)
{
	struct sweep_spec *sp = P->sp;

	if (!sp->nr_machines) {
		sp->machines = calloc(1, sizeof(*sp->machines));
		if (!sp->machines || !(sp->machines[0].s = strdup(CLI_DEFAULT_MACHINE)))
			return fail(P, NULL, "out of host memory");
		sp->nr_machines = 1;
	}
	if (!sp->nr_workloads) {
		sp->workloads = calloc(1, sizeof(*sp->workloads));
		if (!sp->workloads || !(sp->workloads[0].s = strdup(CLI_DEFAULT_WORKLOAD)))
			return fail(P, NULL, "out of host memory");
		sp->nr_workloads = 1;
	}
	if (!sp->nr_seeds) {
		sp->seeds = calloc(1, sizeof(*sp->seeds));
		if (!sp->seeds)
			return fail(P, NULL, "out of host memory");
		sp->seeds[0] = 1;
		sp->nr_seeds = 1;
	}
	return 0;
}

int sweep_spec_parse(struct sweep_spec *sp, const char *file, const char *text, size_t len,
		     char *err, size_t errlen)
{
	struct spec_parser P = { .sp = sp, .err = err, .errlen = err ? errlen : 0 };
	yaml_document_t doc;
	int rc;

	*sp = (struct sweep_spec){ .file = strdup(file) };
	if (!sp->file)
		return errorf(err, errlen, "out of host memory");
	if (P.errlen)
		err[0] = '\0';
	if (len > SWEEP_MAX_FILE)
		return fail(&P, NULL, "larger than 1 MiB: not a sweep spec");
	if (memchr(text, '\0', len))
		return fail(&P, NULL, "a NUL byte: not a text file");
	if (ydoc_load(&doc, sp->file, text, len, SPEC_MAX_DEPTH, "sweep", P.err, P.errlen))
		return -1;
	P.doc = &doc;
	rc = parse_root(&P, yaml_document_get_root_node(&doc));
	yaml_document_delete(&doc);
	return rc ? rc : fill_defaults(&P);
}

int sweep_spec_load(struct sweep_spec *sp, const char *file, char *err, size_t errlen)
{
	FILE *f = fopen(file, "rb");
	char *text;
	size_t n;
	int rc;

	*sp = (struct sweep_spec){ 0 };
	if (!f)
		return errorf(err, errlen, "%s: cannot read: %s", file, strerror(errno));
	text = malloc(SWEEP_MAX_FILE + 1);
	if (!text) {
		fclose(f);
		return errorf(err, errlen, "%s: out of host memory", file);
	}
	n = fread(text, 1, SWEEP_MAX_FILE + 1, f);
	rc = ferror(f);
	fclose(f);
	if (rc)
		rc = errorf(err, errlen, "%s: cannot read", file);
	else
		rc = sweep_spec_parse(sp, file, text, n, err, errlen);
	free(text);
	return rc;
}

static void free_vals(struct sweep_val *v, uint32_t nr)
{
	for (uint32_t i = 0; v && i < nr; i++)
		free(v[i].s);
	free(v);
}

static void free_settings(struct sweep_setting *s, uint32_t nr)
{
	for (uint32_t i = 0; s && i < nr; i++) {
		free(s[i].key.s);
		free(s[i].value.s);
	}
	free(s);
}

void sweep_spec_free(struct sweep_spec *sp)
{
	free(sp->file);
	free(sp->out.s);
	free(sp->scale.s);
	free_vals(sp->machines, sp->nr_machines);
	free_vals(sp->workloads, sp->nr_workloads);
	free(sp->seeds);
	free_settings(sp->set, sp->nr_set);
	for (uint32_t i = 0; sp->axes && i < sp->nr_axes; i++) {
		free(sp->axes[i].key.s);
		free_vals(sp->axes[i].values, sp->axes[i].nr_values);
	}
	free(sp->axes);
	for (uint32_t i = 0; sp->variants && i < sp->nr_variants; i++) {
		free(sp->variants[i].name.s);
		free_settings(sp->variants[i].set, sp->variants[i].nr_set);
	}
	free(sp->variants);
	*sp = (struct sweep_spec){ 0 };
}

/* ---- names ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '+' || c == '-';
}

static bool has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n > k && !strncmp(s + n - k, suf, k);
}

void sweep_name_part(const char *s, char *out, size_t outlen, int strip_path)
{
	static const char *const exts[] = { ".yaml", ".yml", ".xml", ".machine", NULL };
	size_t n = strlen(s), o = 0;

	if (strip_path && !strchr(s, ':')) {
		const char *slash = strrchr(s, '/');
		if (slash && slash[1]) {
			s = slash + 1;
			n = strlen(s);
		}
		for (const char *const *e = exts; *e; e++)
			if (has_suffix(s, n, *e)) {
				n -= strlen(*e);
				break;
			}
	}
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = s[i] == '=' ? '-' : name_char(s[i]) ? s[i] : '_';
		if (c == '_' && (o == 0 || out[o - 1] == '_'))
			continue;	/* no leading '_', no "__" */
		if (c == '.' && o == 0)
			continue;
		out[o++] = c;
	}
	while (o && out[o - 1] == '_')
		o--;
	if (!o && outlen > 1)
		out[o++] = 'x';	/* nothing readable was left */
	if (outlen)
		out[o] = '\0';
}

/* ---- the grid ---- */

/* The last @k dot-separated parts of @key (all of it if it has fewer). */
static const char *key_suffix(const char *key, unsigned k)
{
	const char *p = key + strlen(key);
	while (p > key) {
		if (p[-1] == '.' && !--k)
			return p;
		p--;
	}
	return key;
}

/* The short name of axis @i: the fewest last parts of its key that no other axis ends with. */
static const char *axis_short(const struct sweep_spec *sp, uint32_t i)
{
	const char *key = sp->axes[i].key.s;
	for (unsigned k = 1;; k++) {
		const char *mine = key_suffix(key, k);
		bool unique = true;
		for (uint32_t j = 0; j < sp->nr_axes && unique; j++)
			unique = j == i || strcmp(key_suffix(sp->axes[j].key.s, k), mine);
		if (unique || mine == key)
			return mine;
	}
}

static char *combo_name(const struct sweep_spec *sp, const struct sweep_combo *c)
{
	char buf[PART_COMBO + 1] = "", raw[1024];
	size_t used = 0;

	if (c->variant != UINT32_MAX)
		used += (size_t)snprintf(raw, sizeof(raw), "%s", sp->variants[c->variant].name.s);
	for (uint32_t i = 0; i < sp->nr_axes && used < sizeof(raw); i++)
		used += (size_t)snprintf(raw + used, sizeof(raw) - used, "%s%s-%s", used ? "+" : "",
					 axis_short(sp, i), sp->axes[i].values[c->axis_value[i]].s);
	if (!used)
		snprintf(raw, sizeof(raw), "default");
	sweep_name_part(raw, buf, sizeof(buf), 0);
	return strdup(buf);
}

void sweep_combo_settings(const struct sweep_spec *sp, const struct sweep_combo *c,
			  void (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	for (uint32_t i = 0; i < sp->nr_set; i++)
		fn(arg, sp->set[i].key.s, sp->set[i].value.s);
	if (c->variant != UINT32_MAX) {
		const struct sweep_variant *v = &sp->variants[c->variant];
		for (uint32_t i = 0; i < v->nr_set; i++)
			fn(arg, v->set[i].key.s, v->set[i].value.s);
	}
	for (uint32_t i = 0; i < sp->nr_axes; i++)
		fn(arg, sp->axes[i].key.s, sp->axes[i].values[c->axis_value[i]].s);
}

/* Try KEY=VALUE on @t; on a bad one, the message names the spec's line and key path. */
static int try_setting(const struct sweep_spec *sp, struct tunables *t, const char *path,
		       const struct sweep_val *key, const struct sweep_val *value, char *err,
		       size_t errlen)
{
	char *kv, why[512];
	int rc = 0;

	if (asprintf(&kv, "%s=%s", key->s, value->s) < 0)
		return errorf(err, errlen, "out of host memory");
	if (tunable_set(t, kv, why, sizeof(why)))
		rc = errorf_at(err, errlen, sp->file, value->line, path, "%s",
			       tunable_set_reason(why));
	free(kv);
	return rc;
}

/*
 * Every setting the grid can give, each tried once: set:, each variant
 * (after set:), each axis value. A key both a variant and an axis set is
 * refused, since which one a cell ran would depend on the order.
 */
static int check_settings(const struct sweep_spec *sp, char *err, size_t errlen)
{
	struct tunables base, t;
	char path[128];

	tunables_init(&base);
	for (uint32_t i = 0; i < sp->nr_set; i++)
		if (try_setting(sp, &base, sp->set[i].path, &sp->set[i].key, &sp->set[i].value, err,
				errlen))
			return -1;
	for (uint32_t v = 0; v < sp->nr_variants; v++) {
		const struct sweep_variant *var = &sp->variants[v];
		t = base;
		for (uint32_t i = 0; i < var->nr_set; i++) {
			if (try_setting(sp, &t, var->set[i].path, &var->set[i].key, &var->set[i].value,
					err, errlen))
				return -1;
			for (uint32_t a = 0; a < sp->nr_axes; a++)
				if (!strcmp(sp->axes[a].key.s, var->set[i].key.s))
					return errorf_at(err, errlen, sp->file, var->set[i].key.line,
							 var->set[i].path, "also varied by tunables: "
							 "(line %u); set it in one place",
							 sp->axes[a].key.line);
		}
	}
	for (uint32_t a = 0; a < sp->nr_axes; a++)
		for (uint32_t i = 0; i < sp->axes[a].nr_values; i++) {
			t = base;
			snprintf(path, sizeof(path), "tunables.%.*s[%u]", SPEC_SHOWN, sp->axes[a].key.s, i);
			if (try_setting(sp, &t, path, &sp->axes[a].key, &sp->axes[a].values[i], err,
					errlen))
				return -1;
		}
	return 0;
}

/* Number of combinations and cells, or 0 (with a message) past SWEEP_MAX_CELLS. */
static uint64_t grid_size(const struct sweep_spec *sp, uint64_t *nr_combos, char *err, size_t errlen)
{
	uint64_t combos = sp->nr_variants ? sp->nr_variants : 1, cells;

	for (uint32_t a = 0; a < sp->nr_axes; a++) {
		combos *= sp->axes[a].nr_values;
		if (combos > SWEEP_MAX_CELLS)
			break;	/* and stays too large: no overflow */
	}
	cells = combos;
	const uint64_t dims[] = { sp->nr_machines, sp->nr_workloads, sp->nr_seeds };
	for (size_t i = 0; i < ARRAY_SIZE(dims) && cells <= SWEEP_MAX_CELLS; i++)
		cells *= dims[i];
	if (cells > SWEEP_MAX_CELLS) {
		errorf_at(err, errlen, sp->file, 0, NULL, "the grid has more than %u cells "
			  "(%u machines x %u workloads x %s%llu tunable combinations x %u seeds): "
			  "split the sweep", SWEEP_MAX_CELLS, sp->nr_machines, sp->nr_workloads,
			  combos > SWEEP_MAX_CELLS ? "over " : "",
			  (unsigned long long)MIN(combos, (uint64_t)SWEEP_MAX_CELLS), sp->nr_seeds);
		return 0;
	}
	*nr_combos = combos;
	return cells;
}

static int make_combos(struct sweep_grid *g, const struct sweep_spec *sp, uint32_t nr,
		       char *err, size_t errlen)
{
	uint32_t per_variant = nr / (sp->nr_variants ? sp->nr_variants : 1);

	g->combos = calloc(nr, sizeof(*g->combos));
	if (!g->combos)
		return errorf(err, errlen, "out of host memory");
	for (uint32_t c = 0; c < nr; c++) {
		struct sweep_combo *co = &g->combos[c];
		uint32_t rest = c % per_variant;
		g->nr_combos = c + 1;
		co->variant = sp->nr_variants ? c / per_variant : UINT32_MAX;
		co->axis_value = calloc(sp->nr_axes ? sp->nr_axes : 1, sizeof(uint32_t));
		if (!co->axis_value)
			return errorf(err, errlen, "out of host memory");
		/* the last axis varies fastest */
		for (uint32_t a = sp->nr_axes; a-- > 0;) {
			co->axis_value[a] = rest % sp->axes[a].nr_values;
			rest /= sp->axes[a].nr_values;
		}
		if (!(co->name = combo_name(sp, co)))
			return errorf(err, errlen, "out of host memory");
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct sweep_cell *const *)a)->name,
		      (*(const struct sweep_cell *const *)b)->name);
}

/* Two cells of one name would write one file: refuse, naming both. */
static int check_unique(const struct sweep_grid *g, const struct sweep_spec *sp, char *err,
			size_t errlen)
{
	const struct sweep_cell **sorted = calloc(g->nr_cells, sizeof(*sorted));
	int rc = 0;

	if (!sorted)
		return errorf(err, errlen, "out of host memory");
	for (uint32_t i = 0; i < g->nr_cells; i++)
		sorted[i] = &g->cells[i];
	qsort(sorted, g->nr_cells, sizeof(*sorted), by_name);
	for (uint32_t i = 1; i < g->nr_cells && !rc; i++)
		if (!strcmp(sorted[i - 1]->name, sorted[i]->name)) {
			const struct sweep_cell *a = MIN(sorted[i - 1], sorted[i]);
			const struct sweep_cell *b = MAX(sorted[i - 1], sorted[i]);
			rc = errorf_at(err, errlen, sp->file, 0, NULL,
				       "cells %u and %u would both be named '%s' (machine '%.*s', "
				       "workload '%.*s'; machine '%.*s', workload '%.*s'): names "
				       "differing only in characters outside [A-Za-z0-9._+-] or past "
				       "%d characters; give variants: names instead of tunables:, or "
				       "rename files", (unsigned)(a - g->cells), (unsigned)(b - g->cells),
				       a->name, SPEC_SHOWN, sp->machines[a->machine].s, SPEC_SHOWN,
				       sp->workloads[a->workload].s, SPEC_SHOWN, sp->machines[b->machine].s,
				       SPEC_SHOWN, sp->workloads[b->workload].s, PART_COMBO);
		}
	free(sorted);
	return rc;
}

static int make_cells(struct sweep_grid *g, const struct sweep_spec *sp, uint32_t nr, char *err,
		      size_t errlen)
{
	char mpart[PART_MACHINE + 1], wpart[PART_WORKLOAD + 1];
	uint32_t i = 0;

	g->cells = calloc(nr, sizeof(*g->cells));
	if (!g->cells)
		return errorf(err, errlen, "out of host memory");
	for (uint32_t m = 0; m < sp->nr_machines; m++) {
		sweep_name_part(sp->machines[m].s, mpart, sizeof(mpart), 1);
		for (uint32_t w = 0; w < sp->nr_workloads; w++) {
			sweep_name_part(sp->workloads[w].s, wpart, sizeof(wpart), 1);
			for (uint32_t c = 0; c < g->nr_combos; c++)
				for (uint32_t s = 0; s < sp->nr_seeds; s++, i++) {
					struct sweep_cell *cell = &g->cells[i];
					*cell = (struct sweep_cell){ .machine = m, .workload = w,
								     .combo = c, .seed = sp->seeds[s] };
					g->nr_cells = i + 1;
					if (asprintf(&cell->group, "%s__%s__%s", mpart, wpart,
						     g->combos[c].name) < 0 ||
					    asprintf(&cell->name, "%s__s%llu", cell->group,
						     (unsigned long long)cell->seed) < 0) {
						cell->group = cell->name = NULL;
						return errorf(err, errlen, "out of host memory");
					}
				}
		}
	}
	return check_unique(g, sp, err, errlen);
}

int sweep_expand(struct sweep_grid *g, const struct sweep_spec *sp, char *err, size_t errlen)
{
	uint64_t nr_combos = 0, nr_cells;

	*g = (struct sweep_grid){ 0 };
	if (check_settings(sp, err, errlen))
		return -1;
	nr_cells = grid_size(sp, &nr_combos, err, errlen);
	if (!nr_cells)
		return -1;
	if (make_combos(g, sp, (uint32_t)nr_combos, err, errlen))
		return -1;
	return make_cells(g, sp, (uint32_t)nr_cells, err, errlen);
}

void sweep_grid_free(struct sweep_grid *g)
{
	for (uint32_t i = 0; g->combos && i < g->nr_combos; i++) {
		free(g->combos[i].name);
		free(g->combos[i].axis_value);
	}
	free(g->combos);
	for (uint32_t i = 0; g->cells && i < g->nr_cells; i++) {
		free(g->cells[i].name);
		free(g->cells[i].group);
	}
	free(g->cells);
	*g = (struct sweep_grid){ 0 };
}
