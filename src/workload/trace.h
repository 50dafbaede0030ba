/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload/trace.h - memory-access traces of real programs (docs/traces.md).
 *
 * A trace is a region table and one record stream per recorded thread. Every
 * reader (valgrind lackey text, `perf script` text of `perf mem record`, and
 * numasim's binary .nstrace) produces the same in-memory form: the streams
 * are byte arrays in the .nstrace record encoding, either inside an mmap(2)
 * of the binary file or in buffers the text parsers filled. So a replay
 * cannot tell a converted trace from its text source, and a converted trace
 * is written by copying the streams out.
 *
 * Record encoding: one LEB128 varint v per record. v & 3 is the kind:
 *   WL_TREC_LOAD, WL_TREC_STORE, WL_TREC_MODIFY: v >> 2 is the zigzag-coded
 *	difference from the stream's previous address (the first from 0);
 *   WL_TREC_PERIOD: v >> 2 (>= 1) is how many accesses each later access
 *	record of the stream stands for (perf samples; 1 at the start).
 * Addresses are below WL_TRACE_ADDR_LIMIT, so v fits 64 bits.
 */
#ifndef NUMASIM_WORKLOAD_TRACE_H
#define NUMASIM_WORKLOAD_TRACE_H

#include <stdio.h>

#include "core/compiler.h"

enum wl_trec { WL_TREC_LOAD, WL_TREC_STORE, WL_TREC_MODIFY, WL_TREC_PERIOD };

#define WL_TRACE_ADDR_LIMIT	(1ull << 56)	/* above: kernel addresses, skipped */
#define WL_TRACE_MAX_STREAMS	4096u		/* WL_MAX_THREADS */
#define WL_TRACE_MAX_REGIONS	(WL_TRACE_MAX_STREAMS * WL_TRACE_PROC_REGIONS)
#define WL_TRACE_MAX_PERIOD	(1ull << 32)
#define WL_TRACE_PROC_REGIONS	64u		/* MM_MAX_REGIONS: regions the engine maps */

/* Region flags */
#define WL_TRACE_REGION_MMAP	1u	/* from an mmap event (else inferred) */

struct wl_trace_region {
	uint64_t start, len;	/* page-aligned, in the traced program's address space */
	uint32_t flags;		/* WL_TRACE_REGION_* */
	uint32_t proc;		/* traced process */
};

struct wl_trace_stream {
	uint32_t proc;		/* traced process (index, not pid) */
	uint32_t tid;		/* as recorded (lackey: 1) */
	uint64_t nr_records;	/* access records (period records not counted) */
	uint64_t nr_accesses;	/* accesses they stand for (with periods) */
	const uint8_t *data;	/* encoded records */
	uint64_t len;		/* bytes of data */
};

struct wl_trace_proc {
	uint32_t pid;		/* as recorded */
	uint32_t first_region, nr_regions;	/* regions[] of this process, by address */
};

enum wl_trace_format { WL_TFMT_AUTO, WL_TFMT_LACKEY, WL_TFMT_PERF, WL_TFMT_NSTRACE };

struct wl_trace {
	char name[256];		/* file, for messages */
	enum wl_trace_format format;	/* what it was read from */
	struct wl_trace_proc *procs;
	uint32_t nr_procs;
	struct wl_trace_region *regions;	/* process-major, by address */
	uint32_t nr_regions;
	struct wl_trace_stream *streams;
	uint32_t nr_streams;
	uint64_t nr_insns;	/* lackey instruction fetches (not replayed) */
	uint64_t nr_skipped;	/* records above WL_TRACE_ADDR_LIMIT (not replayed) */
	void *map;		/* mmap of a binary file, or NULL */
	size_t map_len;
	uint8_t **bufs;		/* per stream, the text parsers' buffers (else NULL) */
};

/* Options of the readers. */
struct wl_trace_opts {
	enum wl_trace_format format;	/* WL_TFMT_AUTO: by content */
	uint64_t gap;			/* region inference: a gap above this splits
					 * (0: the format's default, below) */
};

#define WL_TRACE_LACKEY_GAP	(64ull << 10)	/* every access: pages are dense */
#define WL_TRACE_PERF_GAP	(4ull << 20)	/* samples: one in thousands of accesses */

const char *wl_trace_format_name(enum wl_trace_format f);

/*
 * wl_trace_open - read trace file @path (any format; binary files are
 * mmap'ed, not copied). Return the trace, or NULL with a message naming the
 * file (and line, for text) in @err.
 */
struct wl_trace *wl_trace_open(const char *path, const struct wl_trace_opts *o, char *err,
			       size_t errlen);
void wl_trace_free(struct wl_trace *t);
/* Parse text (lackey or perf script) from @f; @name is for messages. */
struct wl_trace *wl_trace_parse_text(FILE *f, const char *name, const struct wl_trace_opts *o,
				     char *err, size_t errlen);
/*
 * Check a binary trace held in @buf (kept, not copied: it must outlive the
 * trace): header, tables and bounds, not the records (wl_trace_check()).
 */
struct wl_trace *wl_trace_from_buffer(const void *buf, size_t len, const char *name, char *err,
				      size_t errlen);
/* Decode every record: counts match the tables, addresses fall in regions.
 * Return 0, or -1 with a message. */
int wl_trace_check(const struct wl_trace *t, char *err, size_t errlen);
/* @t as the bytes of a .nstrace file (malloc'ed; *@len set), or NULL if
 * out of memory. */
void *wl_trace_serialize(const struct wl_trace *t, size_t *len);
/* Write @t as a .nstrace file; 0, or -1 with a message. */
int wl_trace_write(const struct wl_trace *t, const char *path, char *err, size_t errlen);
/* `numasim trace info`: streams, regions, counts. */
void wl_trace_print_info(const struct wl_trace *t, FILE *out);
/* The region of process @proc containing @addr (index within the process),
 * or -1. */
int64_t wl_trace_find_region(const struct wl_trace *t, uint32_t proc, uint64_t addr);

/* Decode one varint at *@p (before @end); false if truncated or too long. */
static inline bool wl_trace_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	const uint8_t *q = *p;
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64 && q < end; shift += 7) {
		uint8_t b = *q++;

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*p = q;
			*v = x;
			return true;
		}
	}
	return false;
}

/* Encode @v at @p (room for 10 bytes); return the bytes written. */
static inline size_t wl_trace_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* The record of an access of @kind at @addr after one at @prev. */
static inline uint64_t wl_trace_access(uint64_t prev, uint64_t addr, enum wl_trec kind)
{
	uint64_t d = addr - prev;

	return ((d << 1) ^ (0 - (d >> 63))) << 2 | kind;	/* zigzag of the signed difference */
}

static inline uint64_t wl_trace_unzigzag(uint64_t z)
{
	return (z >> 1) ^ (0 - (z & 1));
}

#endif
