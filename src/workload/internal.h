/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload/internal.h - what the generators (builtin.c, generic.c, tiering.c)
 * share with the spec parser (workload.c). Nothing outside src/workload/
 * includes it.
 *
 * A generator is a struct wl_type: a name, a one-line help, a table of
 * parameters and a build function. workload.c parses "NAME:key=value,..."
 * against the table into struct wl_args (defaults filled in, given[] set for
 * keys the user wrote); the build function resolves machine-dependent
 * defaults and scaling *into the same args*, so workload.c can print every
 * effective value into workload.desc from the table alone.
 */
#ifndef NUMASIM_WORKLOAD_INTERNAL_H
#define NUMASIM_WORKLOAD_INTERNAL_H

#include "workload/workload.h"

#define WL_PAGE_SIZE	4096ull		/* ranges are multiples of this (PAGE_SIZE) */
#define WL_HUGE_SIZE	(2ull << 20)	/* a PMD: scaled sizes keep this alignment */

/*
 * Builder limits: a spec must not make the builder allocate gigabytes (one
 * program per thread) or overflow slice arithmetic (i * size < 2^58).
 */
#define WL_MAX_THREADS	4096u
#define WL_MAX_SIZE	(64ull << 40)		/* 64T */
#define WL_MAX_LOOPS	1000000000ull		/* passes over a range */
#define WL_MAX_ACCESSES	1000000000000000ull	/* 1e15 random accesses per thread */
#define WL_MAX_PARAMS	12
#define WL_MAX_SCALE	1000.0

enum wl_param_kind {
	WLP_SIZE,	/* bytes, K/M/G/T suffix; multiple of WL_PAGE_SIZE; in [min, max] */
	WLP_UINT,	/* decimal digits only; in [min, max] */
	WLP_FRAC,	/* decimal fraction in [0, 1] ((0, 1] if open_lo) */
	WLP_CHOICE,	/* one of choices ("read|write|rw"); stored as its index */
};

struct wl_param {
	const char *key;
	enum wl_param_kind kind;
	uint64_t min, max;	/* WLP_SIZE, WLP_UINT */
	uint64_t def;		/* WLP_SIZE, WLP_UINT, WLP_CHOICE (index) */
	double def_f;		/* WLP_FRAC */
	bool open_lo;		/* WLP_FRAC: 0 itself is not allowed */
	const char *choices;	/* WLP_CHOICE */
};

/* Parameters most generators share. */
#define WL_PARAM_SIZE(d) \
	{ .key = "size", .kind = WLP_SIZE, .min = WL_PAGE_SIZE, .max = WL_MAX_SIZE, .def = (d) }
#define WL_PARAM_THREADS \
	{ .key = "threads", .kind = WLP_UINT, .min = 1, .max = WL_MAX_THREADS }
#define WL_PARAM_BOOL(k) \
	{ .key = (k), .kind = WLP_UINT, .min = 0, .max = 1 }

/* Parsed parameter values, indexed like the type's params[]. */
struct wl_args {
	bool given[WL_MAX_PARAMS];	/* the spec named this key */
	uint64_t u[WL_MAX_PARAMS];	/* WLP_SIZE, WLP_UINT, WLP_CHOICE */
	double f[WL_MAX_PARAMS];	/* WLP_FRAC */
};

/* Everything a build function may read besides its args. */
struct wl_ctx {
	const char *name;		/* the workload type, for messages */
	const struct wl_param *params;	/* its parameter table, for messages */
	const struct machine *m;
	double scale;
	uint64_t seed;
	const char *file;		/* trace:FILE,...: the FILE (else NULL) */
	char *err;
	size_t errlen;
};

struct wl_type {
	const char *name;
	const char *help;
	const struct wl_param *params;
	uint32_t nr_params;
	/* Add processes and programs to @wl (empty on entry); resolve every
	 * default and scaled value into @a. Return 0, or wl_fail(). */
	int (*build)(struct workload *wl, struct wl_args *a, const struct wl_ctx *c);
};

/* Every generator, in the order `numasim list` shows them: X(identifier, "name"). */
#define WL_TYPE_LIST(X)					\
	X(numa01, "numa01")				\
	X(numa01_THREAD_ALLOC, "numa01_THREAD_ALLOC")	\
	X(numa02, "numa02")				\
	X(numa02_SMT, "numa02_SMT")			\
	X(seq, "seq")					\
	X(random, "random")				\
	X(skewed, "skewed")				\
	X(forkcow, "forkcow")				\
	X(pmbench, "pmbench")				\
	X(xsbench, "xsbench")				\
	X(gpu_pingpong, "gpu-pingpong")			\
	X(gpu_stream, "gpu-stream")			\
	X(wrongnode, "wrongnode")			\
	X(trace, "trace")

/* in builtin.c, generic.c, tiering.c, device.c, wrongnode.c and trace.c: */
#define WL_DECLARE_TYPE(n, name) extern const struct wl_type wl_type_##n;
WL_TYPE_LIST(WL_DECLARE_TYPE)
#undef WL_DECLARE_TYPE

/* in workload.c: */
/*
 * A decimal of @n bytes at @s with an optional exponent ("0.25", "5e-8"), the
 * form desc prints: parse_double() of core/parse.h. Return false if @s is not one.
 */
bool wl_parse_decimal(const char *s, size_t n, double *out);
/* Write "workload 'NAME': <fmt>" into c->err; return -1. */
int wl_fail(const struct wl_ctx *c, const char *fmt, ...) sim_printf(2, 3);
/*
 * Scale size parameter @idx by c->scale: round down to 2 MiB when the given
 * size was 2 MiB-aligned (and the result still is at least 2 MiB), else to
 * 4 KiB; then raise to at least @min_pages pages. A size the user gave that is
 * below @min_pages pages is an error (each thread slice needs a page).
 */
int wl_resolve_size(struct wl_args *a, uint32_t idx, uint64_t min_pages,
		    const struct wl_ctx *c);
/* Scale count parameter @idx (accesses, lookups: work) by c->scale, to at
 * least 1; above WL_MAX_ACCESSES is an error. */
int wl_scale_count(struct wl_args *a, uint32_t idx, const struct wl_ctx *c);
/* Thread @i's share of [0, @size) split @n ways: page-aligned, the last one
 * takes the remainder. Needs size >= n pages (then no share is empty). */
void wl_slice(uint64_t size, uint32_t n, uint32_t i, uint64_t *off, uint64_t *len);
/* Append to @prog (main program of @proc for mmap) the common phases. */
uint32_t wl_add_mmap(struct workload *wl, uint32_t proc, uint64_t len);
void wl_add_sweep(struct workload *wl, uint32_t prog, uint32_t region, uint64_t off,
		  uint64_t len, uint64_t count, enum wl_access access);
/* A write sweep whose stores are of kind @store. */
void wl_add_store_sweep(struct workload *wl, uint32_t prog, uint32_t region, uint64_t off,
			uint64_t len, uint64_t count, enum wl_store store);
/*
 * The stores of glibc 2.36's memset/bzero above 2 KiB on @m: rep stosb
 * where the CPU has ERMS (__memset_*_unaligned_erms, __x86_rep_stosb_threshold
 * 2048), which does not read the lines; else a vector store loop, which reads
 * each line for ownership (no non-temporal memset before glibc 2.40).
 */
enum wl_store wl_memset_store(const struct machine *m);
void wl_add_policy(struct workload *wl, uint32_t prog, enum mpol_mode mode, nodemask_t nodes);
void wl_add_spawn(struct workload *wl, uint32_t prog, uint32_t target);

#endif
