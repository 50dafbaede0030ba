// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload/trace.c - memory-access traces: the readers (valgrind lackey text,
 * `perf script` text, numasim's binary .nstrace), region inference, the
 * binary writer, and the `trace` workload type that replays a trace
 * (docs/traces.md has the formats and the command lines that record them).
 *
 * Text readers feed a builder: one encoded record stream per (pid, tid), the
 * pages each process touched (deduplicated through a small recent-pages
 * filter, sorted at the end), and the mmap events perf printed. At the end,
 * the regions of each process are the mmap events that contain a touched
 * page, plus the touched pages outside them, merged wherever the gap between
 * two is at most opts.gap bytes (infer_regions()).
 *
 * The .nstrace layout (little-endian; all offsets from the file's start):
 *   header, 64 bytes:
 *	0  "NSTRACE\0"	8  u32 version (1)	12 u32 header size (64)
 *	16 u32 processes	20 u32 regions	24 u32 streams	28 u32 source format
 *	32 u64 instruction fetches	40 u64 skipped records	48 u64 file size
 *	56 u64 reserved (0)
 *   processes, 16 bytes each: u32 pid, u32 first region, u32 regions, u32 0
 *   regions, 32 bytes each: u64 start, u64 len, u32 flags, u32 process, u64 0
 *   streams, 48 bytes each: u32 process, u32 tid, u64 records, u64 accesses,
 *	u64 offset, u64 length (of its records), u64 0
 *   record bytes of each stream (workload/trace.h has the encoding).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/err.h"
#include "core/parse.h"
#include "machine/machine.h"
#include "workload/internal.h"
#include "workload/trace.h"

#define TRACE_MAGIC "NSTRACE"	/* with its NUL: 8 bytes */
#define TRACE_VERSION 1u
#define HDR_SIZE 64u
#define PROC_SIZE 16u
#define REGION_SIZE 32u
#define STREAM_SIZE 48u
#define LINE_MAX_LEN 4096	/* longer text lines are not trace records */
#define RECENT_PAGES 256	/* builder's page filter, per process */
#define TPAGE_SHIFT 12
#define TPAGE_SIZE (1ull << TPAGE_SHIFT)

const char *wl_trace_format_name(enum wl_trace_format f)
{
	static const char *const names[] = { "auto", "lackey", "perf", "nstrace" };

	return (unsigned)f < ARRAY_SIZE(names) ? names[f] : "?";
}

/* Grow @arr (elements of @size) to hold @need; *@cap doubles. */
static void *grow(void *arr, size_t need, size_t *cap, size_t size)
{
	if (need <= *cap)
		return arr;
	*cap = array_next_cap(*cap, need, 16, SIZE_MAX);
	return xreallocarray(arr, *cap, size);
}

void wl_trace_free(struct wl_trace *t)
{
	if (!t)
		return;
	if (t->map)
		munmap(t->map, t->map_len);
	if (t->bufs)
		for (uint32_t i = 0; i < t->nr_streams; i++)
			free(t->bufs[i]);
	free(t->bufs);
	free(t->procs);
	free(t->regions);
	free(t->streams);
	free(t);
}

/* ---- the builder of the text readers ---- */

struct iv {
	uint64_t start, end;
};

struct tb_stream {
	uint32_t proc, tid;
	uint8_t *buf;
	size_t len, cap;
	uint64_t prev, period, nr_records, nr_accesses;
};

struct tb_proc {
	uint32_t pid;
	uint64_t *pages;
	size_t nr_pages, cap_pages;
	uint64_t recent[RECENT_PAGES];	/* page + 1; 0: empty */
	struct iv *mmaps;
	size_t nr_mmaps, cap_mmaps;
};

struct tbuild {
	const char *name;
	uint64_t line;
	char *err;
	size_t errlen;
	struct tb_stream *s;
	size_t nr_s, cap_s;
	struct tb_proc *p;
	size_t nr_p, cap_p;
	size_t last_s;		/* stream of the previous record */
	uint64_t nr_insns, nr_skipped;
};

static uint32_t tb_proc(struct tbuild *b, uint32_t pid)
{
	for (size_t i = 0; i < b->nr_p; i++)
		if (b->p[i].pid == pid)
			return (uint32_t)i;
	b->p = grow(b->p, b->nr_p + 1, &b->cap_p, sizeof(*b->p));
	memset(&b->p[b->nr_p], 0, sizeof(*b->p));
	b->p[b->nr_p].pid = pid;
	return (uint32_t)b->nr_p++;
}

/* The stream of (pid, tid), created on first use; -1 if there are too many. */
static int64_t tb_stream(struct tbuild *b, uint32_t pid, uint32_t tid)
{
	if (b->last_s < b->nr_s && b->s[b->last_s].tid == tid &&
	    b->p[b->s[b->last_s].proc].pid == pid)
		return (int64_t)b->last_s;
	for (size_t i = 0; i < b->nr_s; i++)
		if (b->s[i].tid == tid && b->p[b->s[i].proc].pid == pid)
			return (int64_t)(b->last_s = i);
	if (b->nr_s == WL_TRACE_MAX_STREAMS)
		return -1;
	uint32_t proc = tb_proc(b, pid);
	b->s = grow(b->s, b->nr_s + 1, &b->cap_s, sizeof(*b->s));
	b->s[b->nr_s] = (struct tb_stream){ .proc = proc, .tid = tid, .period = 1 };
	return (int64_t)(b->last_s = b->nr_s++);
}

static void put_varint(struct tb_stream *s, uint64_t v)
{
	s->buf = grow(s->buf, s->len + 10, &s->cap, 1);
	s->len += wl_trace_put_varint(s->buf + s->len, v);
}

static void tb_note_page(struct tb_proc *p, uint64_t page)
{
	uint64_t *slot = &p->recent[(page ^ (page >> 8)) % RECENT_PAGES];

	if (*slot == page + 1)
		return;
	*slot = page + 1;
	p->pages = grow(p->pages, p->nr_pages + 1, &p->cap_pages, sizeof(*p->pages));
	p->pages[p->nr_pages++] = page;
}

/* One access of stream @si, standing for @period accesses. */
static void tb_access(struct tbuild *b, size_t si, uint64_t addr, enum wl_trec kind,
		      uint64_t period)
{
	struct tb_stream *s = &b->s[si];

	if (addr >= WL_TRACE_ADDR_LIMIT) {
		b->nr_skipped++;
		return;
	}
	if (period != s->period) {
		put_varint(s, period << 2 | WL_TREC_PERIOD);
		s->period = period;
	}
	put_varint(s, wl_trace_access(s->prev, addr, kind));
	s->prev = addr;
	s->nr_records++;
	s->nr_accesses += period;
	tb_note_page(&b->p[s->proc], addr >> TPAGE_SHIFT);
}

static void tb_free(struct tbuild *b)
{
	for (size_t i = 0; i < b->nr_s; i++)
		free(b->s[i].buf);
	for (size_t i = 0; i < b->nr_p; i++) {
		free(b->p[i].pages);
		free(b->p[i].mmaps);
	}
	free(b->s);
	free(b->p);
}

sim_printf(2, 3) static int line_fail(struct tbuild *b, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	errorf_at(b->err, b->errlen, b->name, b->line, NULL, "%s", what);
	return -1;
}

/* ---- text scanning ---- */

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool at_end(const char *p)
{
	p = skip_spaces(p);
	return *p == '\0' || *p == '\n' || (*p == '\r' && p[1] == '\n') || (*p == '\r' && !p[1]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits (an optional 0x), at most 16; advance *@p. */
static bool scan_hex(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int n = 0;

	if (s[0] == '0' && (s[1] | 0x20) == 'x' && hexval(s[2]) >= 0)
		s += 2;
	for (; hexval(*s) >= 0; s++, n++) {
		if (n == 16)
			return false;
		v = v << 4 | (uint64_t)hexval(*s);
	}
	if (!n)
		return false;
	*out = v;
	*p = s;
	return true;
}

/* Decimal digits (core/parse.h), no overflow; advance *@p. */
static bool scan_dec(const char **p, uint64_t *out)
{
	size_t n = strspn(*p, "0123456789");

	if (!n || parse_scan_u64(*p, n, out) != n)
		return false;
	*p += n;
	return true;
}

/* Text of a bad line, quoted in messages (at most 60 characters, one line). */
static int shown_len(const char *line)
{
	return (int)MIN(strcspn(line, "\r\n"), 60);
}

/* ---- valgrind lackey ---- */

/*
 * "I  0400d7d4,3", " L 1ffefffd28,8", " S ...", " M ..." (lackey's
 * trace_mem output); "==PID== ..." lines are valgrind's own. Instruction
 * fetches are counted, not replayed; M (modify) is one load-and-store.
 */
static int lackey_line(struct tbuild *b, const char *line)
{
	const char *p = skip_spaces(line);
	enum wl_trec kind = WL_TREC_LOAD;
	bool insn = false;
	uint64_t addr, size;

	if (at_end(p) || (p[0] == '=' && p[1] == '='))
		return 0;
	switch (*p) {
	case 'I': insn = true; break;
	case 'L': kind = WL_TREC_LOAD; break;
	case 'S': kind = WL_TREC_STORE; break;
	case 'M': kind = WL_TREC_MODIFY; break;
	default: goto bad;
	}
	p++;
	if (*p != ' ' && *p != '\t')
		goto bad;
	p = skip_spaces(p);
	if (!scan_hex(&p, &addr) || *p++ != ',' || !scan_dec(&p, &size) || !size || !at_end(p))
		goto bad;
	if (insn) {
		b->nr_insns++;
		return 0;
	}
	/* lackey: one process, one thread (valgrind runs one at a time) */
	tb_access(b, (size_t)tb_stream(b, 1, 1), addr, kind, 1);
	return 0;
bad:
	return line_fail(b, "expected a lackey record like ' L 1ffefffd28,8', got '%.*s'",
			 shown_len(line), line);
}

/* ---- perf script ---- */

/* "PID/TID" or "TID"; advance *@p. */
static bool scan_pid_tid(const char **p, uint32_t *pid, uint32_t *tid)
{
	uint64_t a, c;

	if (!scan_dec(p, &a) || a > UINT32_MAX)
		return false;
	if (**p != '/') {
		*pid = *tid = (uint32_t)a;
		return true;
	}
	(*p)++;
	if (!scan_dec(p, &c) || c > UINT32_MAX)
		return false;
	*pid = (uint32_t)a;
	*tid = (uint32_t)c;
	return true;
}

/* "PERF_RECORD_MMAP[2] PID/TID: [0xSTART(0xLEN) @ ...": a region candidate. */
static int perf_mmap_line(struct tbuild *b, const char *line, const char *rec)
{
	const char *p = rec + strlen("PERF_RECORD_MMAP");
	uint32_t pid, tid;
	uint64_t start, len;

	if (*p == '2')
		p++;
	p = skip_spaces(p);
	if (*p == '-')
		return 0;	/* pid -1: the kernel's own mappings */
	if (!scan_pid_tid(&p, &pid, &tid) || *p != ':')
		goto bad;
	p = strchr(p, '[');
	if (!p || (p++, !scan_hex(&p, &start)) || *p++ != '(' || !scan_hex(&p, &len) || *p != ')')
		goto bad;
	if (!len || start >= WL_TRACE_ADDR_LIMIT || len > WL_TRACE_ADDR_LIMIT - start)
		return 0;	/* kernel or empty mappings hold no user data */
	uint32_t pi = tb_proc(b, pid);	/* may move b->p */
	struct tb_proc *pr = &b->p[pi];
	pr->mmaps = grow(pr->mmaps, pr->nr_mmaps + 1, &pr->cap_mmaps, sizeof(*pr->mmaps));
	pr->mmaps[pr->nr_mmaps++] = (struct iv){ ALIGN_DOWN(start, TPAGE_SIZE),
						 ALIGN_UP(start + len, TPAGE_SIZE) };
	return 0;
bad:
	return line_fail(b, "expected 'PERF_RECORD_MMAP2 PID/TID: [0xSTART(0xLEN) ...', got '%.*s'",
			 shown_len(line), line);
}

/*
 * A sample of `perf script -F pid,tid,time,period,addr,data_src`:
 *	"  4711/4712  5372.123456:      10007     7ffc1234abcd     1c1a3a42 |OP LOAD|..."
 * data_src is optional (then a load); "|OP STORE" makes it a store.
 */
static int perf_line(struct tbuild *b, const char *line)
{
	const char *p = skip_spaces(line), *rec;
	uint32_t pid, tid;
	uint64_t secs, frac = 0, period, addr;

	if (at_end(p) || *p == '#')
		return 0;
	if ((rec = strstr(p, "PERF_RECORD_MMAP")))
		return perf_mmap_line(b, line, rec);
	if (strstr(p, "PERF_RECORD_"))
		return 0;	/* comm, fork, exit, ...: nothing to replay */
	if (!scan_pid_tid(&p, &pid, &tid) || (*p != ' ' && *p != '\t'))
		return line_fail(b, "expected 'PID/TID TIME: PERIOD ADDR [DATA_SRC]' (perf script "
				 "-F pid,tid,time,period,addr,data_src), got '%.*s'",
				 shown_len(line), line);
	p = skip_spaces(p);
	if (!scan_dec(&p, &secs) || (*p == '.' && (p++, !scan_dec(&p, &frac))) || *p++ != ':')
		return line_fail(b, "expected a time like '5372.123456:' after the thread, got '%.*s'",
				 shown_len(line), line);
	p = skip_spaces(p);
	if (!scan_dec(&p, &period) || !period || period > WL_TRACE_MAX_PERIOD ||
	    (*p != ' ' && *p != '\t'))
		return line_fail(b, "expected a sample period from 1 to %llu after the time, "
				 "got '%.*s'", WL_TRACE_MAX_PERIOD, shown_len(line), line);
	p = skip_spaces(p);
	if (!scan_hex(&p, &addr) || (*p != ' ' && *p != '\t' && !at_end(p)))
		return line_fail(b, "expected a hexadecimal data address after the period, got '%.*s'",
				 shown_len(line), line);
	enum wl_trec kind = strstr(p, "|OP STORE") ? WL_TREC_STORE : WL_TREC_LOAD;
	int64_t si = tb_stream(b, pid, tid);
	if (si < 0)
		return line_fail(b, "more than %u threads", WL_TRACE_MAX_STREAMS);
	if (!addr) {
		b->nr_skipped++;	/* no data address recorded */
		return 0;
	}
	tb_access(b, (size_t)si, addr, kind, period);
	return 0;
}

/* ---- region inference ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_iv(const void *a, const void *b)
{
	const struct iv *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start ? 1 : cmp_u64(&x->end, &y->end);
}

/* Does sorted @pages hold a page in [start, end)? */
static bool has_page(const uint64_t *pages, size_t n, const struct iv *v)
{
	size_t lo = 0, hi = n;
	uint64_t first = v->start >> TPAGE_SHIFT;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pages[mid] < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && pages[lo] < v->end >> TPAGE_SHIFT;
}

struct gap_at {
	uint64_t gap;
	uint32_t i;
};

static int cmp_gap_desc(const void *a, const void *b)
{
	const struct gap_at *x = a, *y = b;

	if (x->gap != y->gap)
		return x->gap > y->gap ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The engine maps at most WL_TRACE_PROC_REGIONS regions per process: keep
 * the splits at the largest gaps (the first one of equal gaps) and merge the
 * regions across the others.
 */
static void limit_regions(struct wl_trace *t, uint32_t first)
{
	struct wl_trace_region *r = &t->regions[first];
	uint32_t n = t->nr_regions - first, out = 0;

	if (n <= WL_TRACE_PROC_REGIONS)
		return;
	struct gap_at *g = xreallocarray(NULL, n - 1, sizeof(*g));
	bool *split = xreallocarray(NULL, n, 1);
	for (uint32_t i = 0; i + 1 < n; i++) {
		g[i] = (struct gap_at){ r[i + 1].start - (r[i].start + r[i].len), i };
		split[i] = false;
	}
	qsort(g, n - 1, sizeof(*g), cmp_gap_desc);
	for (uint32_t k = 0; k < WL_TRACE_PROC_REGIONS - 1; k++)
		split[g[k].i] = true;
	for (uint32_t i = 1; i < n; i++) {
		if (split[i - 1]) {
			r[++out] = r[i];
			continue;
		}
		r[out].len = r[i].start + r[i].len - r[out].start;
		r[out].flags |= r[i].flags;
	}
	t->nr_regions = first + out + 1;
	free(g);
	free(split);
}

/*
 * The regions of process @p: mmap events holding a touched page, and the
 * touched pages, merged where two are at most @gap bytes apart, at most
 * WL_TRACE_PROC_REGIONS of them. Appended to t->regions.
 */
static void infer_regions(struct tb_proc *p, uint64_t gap, struct wl_trace *t, size_t *cap)
{
	size_t n = 0;

	qsort(p->pages, p->nr_pages, sizeof(*p->pages), cmp_u64);
	for (size_t i = 0; i < p->nr_pages; i++)
		if (!n || p->pages[n - 1] != p->pages[i])
			p->pages[n++] = p->pages[i];
	p->nr_pages = n;
	size_t nr = 0;
	struct iv *v = xreallocarray(NULL, p->nr_mmaps + p->nr_pages, sizeof(*v));
	for (size_t i = 0; i < p->nr_mmaps; i++)
		if (has_page(p->pages, p->nr_pages, &p->mmaps[i]))
			v[nr++] = p->mmaps[i];
	size_t nr_mmaps = nr;
	for (size_t i = 0; i < p->nr_pages; i++)
		v[nr++] = (struct iv){ p->pages[i] << TPAGE_SHIFT, (p->pages[i] + 1) << TPAGE_SHIFT };
	/* mark the mmap intervals by bit 0 of their end (ends are page-aligned) */
	for (size_t i = 0; i < nr; i++)
		v[i].end |= i < nr_mmaps;
	qsort(v, nr, sizeof(*v), cmp_iv);
	uint32_t first = t->nr_regions;
	for (size_t i = 0; i < nr;) {
		uint64_t start = v[i].start, end = v[i].end & ~1ull;
		uint32_t flags = 0;

		for (; i < nr && v[i].start <= end + gap; i++) {
			end = MAX(end, v[i].end & ~1ull);
			flags |= (v[i].end & 1) ? WL_TRACE_REGION_MMAP : 0;
		}
		t->regions = grow(t->regions, t->nr_regions + 1ull, cap, sizeof(*t->regions));
		t->regions[t->nr_regions++] = (struct wl_trace_region){
			.start = start, .len = end - start, .flags = flags, .proc = t->nr_procs };
	}
	free(v);
	limit_regions(t, first);
	t->procs[t->nr_procs++] = (struct wl_trace_proc){
		.pid = p->pid, .first_region = first, .nr_regions = t->nr_regions - first };
}

/* Turn the builder into a trace (processes without a stream are dropped). */
static struct wl_trace *tb_finish(struct tbuild *b, enum wl_trace_format fmt, uint64_t gap)
{
	struct wl_trace *t = xreallocarray(NULL, 1, sizeof(*t));
	size_t cap = 0;
	uint32_t *renum = xreallocarray(NULL, b->nr_p + 1, sizeof(*renum));

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", b->name);
	t->format = fmt;
	t->nr_insns = b->nr_insns;
	t->nr_skipped = b->nr_skipped;
	t->procs = xreallocarray(NULL, b->nr_p + 1, sizeof(*t->procs));
	for (size_t i = 0; i < b->nr_p; i++) {
		bool used = false;

		for (size_t s = 0; s < b->nr_s && !used; s++)
			used = b->s[s].proc == i;
		renum[i] = used ? t->nr_procs : UINT32_MAX;
		if (used)
			infer_regions(&b->p[i], gap, t, &cap);
	}
	if (!t->regions)	/* every record skipped: still an array, for &regions[0] */
		t->regions = xreallocarray(NULL, 1, sizeof(*t->regions));
	t->nr_streams = (uint32_t)b->nr_s;
	t->streams = xreallocarray(NULL, b->nr_s + 1, sizeof(*t->streams));
	t->bufs = xreallocarray(NULL, b->nr_s + 1, sizeof(*t->bufs));
	for (size_t i = 0; i < b->nr_s; i++) {
		struct tb_stream *s = &b->s[i];

		t->streams[i] = (struct wl_trace_stream){
			.proc = renum[s->proc], .tid = s->tid, .nr_records = s->nr_records,
			.nr_accesses = s->nr_accesses, .data = s->buf, .len = s->len };
		t->bufs[i] = s->buf;
		s->buf = NULL;
	}
	free(renum);
	return t;
}

static enum wl_trace_format sniff_text(const char *line)
{
	const char *p = skip_spaces(line);

	if (strchr("ILSM", *p) && *p && (p[1] == ' ' || p[1] == '\t'))
		return WL_TFMT_LACKEY;
	return WL_TFMT_PERF;
}

struct wl_trace *wl_trace_parse_text(FILE *f, const char *name, const struct wl_trace_opts *o,
				     char *err, size_t errlen)
{
	struct tbuild b = { .name = name, .err = err, .errlen = errlen, .last_s = SIZE_MAX };
	enum wl_trace_format fmt = o->format;
	char line[LINE_MAX_LEN];
	struct wl_trace *t = NULL;

	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		b.line++;
		if (n + 1 == sizeof(line) && line[n - 1] != '\n') {
			line_fail(&b, "line longer than %d bytes (not a trace?)", LINE_MAX_LEN - 2);
			goto out;
		}
		if (n && line[n - 1] != '\n' && !feof(f)) {
			line_fail(&b, "NUL byte in the line (not a text trace?)");
			goto out;
		}
		const char *p = skip_spaces(line);
		if (fmt == WL_TFMT_AUTO) {
			if (at_end(p) || (p[0] == '=' && p[1] == '=') || *p == '#')
				continue;	/* chatter of either tool */
			fmt = sniff_text(line);
		}
		if ((fmt == WL_TFMT_LACKEY ? lackey_line : perf_line)(&b, line))
			goto out;
	}
	if (ferror(f)) {
		errorf(err, errlen, "%s: read error: %s", name, strerror(errno));
		goto out;
	}
	if (!b.nr_s) {
		errorf(err, errlen, "%s: no memory access records (%" PRIu64 " lines)", name, b.line);
		goto out;
	}
	fmt = fmt == WL_TFMT_AUTO ? WL_TFMT_PERF : fmt;
	t = tb_finish(&b, fmt, o->gap ? o->gap : fmt == WL_TFMT_LACKEY ? WL_TRACE_LACKEY_GAP
								     : WL_TRACE_PERF_GAP);
out:
	tb_free(&b);
	return t;
}

/* ---- the binary format ---- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static int check_regions(const struct wl_trace *t, char *err, size_t errlen)
{
	const char *n = t->name;
	uint32_t next = 0;

	for (uint32_t p = 0; p < t->nr_procs; p++) {
		const struct wl_trace_proc *pr = &t->procs[p];

		if (pr->first_region != next || pr->nr_regions > t->nr_regions - next) {
			errorf(err, errlen, "%s: corrupt: process %" PRIu32 "'s regions do not follow "
			     "the previous process's", n, p);
			return -1;
		}
		next += pr->nr_regions;
		for (uint32_t i = pr->first_region; i < next; i++) {
			const struct wl_trace_region *r = &t->regions[i];

			if (r->proc != p || !r->len || !IS_ALIGNED(r->start | r->len, TPAGE_SIZE) ||
			    r->start >= WL_TRACE_ADDR_LIMIT || r->len > WL_TRACE_ADDR_LIMIT - r->start ||
			    r->len > WL_MAX_SIZE ||
			    (i > pr->first_region && r->start < r[-1].start + r[-1].len)) {
				errorf(err, errlen, "%s: corrupt: region %" PRIu32 " (0x%" PRIx64 ", %"
				     PRIu64 " bytes) is empty, unaligned, out of order or not of "
				     "process %" PRIu32, n, i, r->start, r->len, p);
				return -1;
			}
		}
	}
	if (next != t->nr_regions) {
		errorf(err, errlen, "%s: corrupt: %" PRIu32 " regions belong to no process", n,
		     t->nr_regions - next);
		return -1;
	}
	return 0;
}

struct wl_trace *wl_trace_from_buffer(const void *buf, size_t len, const char *name, char *err,
				      size_t errlen)
{
	const uint8_t *b = buf;
	struct wl_trace *t;

	if (len < 8 || memcmp(b, TRACE_MAGIC, 8)) {
		errorf(err, errlen, "%s: not a numasim trace (%s)", name,
		     len < 8 ? "shorter than its magic" : "no NSTRACE magic");
		return NULL;
	}
	if (len >= 12 && get32(b + 8) != TRACE_VERSION) {
		errorf(err, errlen, "%s: trace format version %" PRIu32 "; this numasim reads "
		     "version %u", name, get32(b + 8), TRACE_VERSION);
		return NULL;
	}
	if (len < HDR_SIZE || get32(b + 12) != HDR_SIZE) {
		errorf(err, errlen, "%s: truncated or corrupt header (%zu bytes, header size %" PRIu32
		     ", expected %u)", name, len, len >= 16 ? get32(b + 12) : 0, HDR_SIZE);
		return NULL;
	}
	uint64_t size = get64(b + 48);
	if (size != len) {
		errorf(err, errlen, "%s: %s: the header says %" PRIu64 " bytes, the file has %zu",
		     name, size > len ? "truncated" : "trailing bytes", size, len);
		return NULL;
	}
	uint32_t np = get32(b + 16), nr = get32(b + 20), ns = get32(b + 24);
	uint64_t tables = HDR_SIZE + (uint64_t)np * PROC_SIZE + (uint64_t)nr * REGION_SIZE +
			  (uint64_t)ns * STREAM_SIZE;
	if (!np || !ns || np > ns || nr > WL_TRACE_MAX_REGIONS || ns > WL_TRACE_MAX_STREAMS ||
	    tables > len) {
		errorf(err, errlen, "%s: corrupt: %" PRIu32 " processes, %" PRIu32 " regions, %" PRIu32
		     " streams in %zu bytes", name, np, nr, ns, len);
		return NULL;
	}
	t = xreallocarray(NULL, 1, sizeof(*t));
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->format = WL_TFMT_NSTRACE;
	t->nr_insns = get64(b + 32);
	t->nr_skipped = get64(b + 40);
	t->procs = xreallocarray(NULL, np, sizeof(*t->procs));
	t->regions = xreallocarray(NULL, nr + 1ull, sizeof(*t->regions));
	t->streams = xreallocarray(NULL, ns, sizeof(*t->streams));
	t->nr_procs = np;
	t->nr_regions = nr;
	t->nr_streams = ns;
	const uint8_t *q = b + HDR_SIZE;
	for (uint32_t i = 0; i < np; i++, q += PROC_SIZE)
		t->procs[i] = (struct wl_trace_proc){ get32(q), get32(q + 4), get32(q + 8) };
	for (uint32_t i = 0; i < nr; i++, q += REGION_SIZE)
		t->regions[i] = (struct wl_trace_region){ get64(q), get64(q + 8), get32(q + 16),
							  get32(q + 20) };
	if (check_regions(t, err, errlen))
		goto bad;
	for (uint32_t i = 0; i < ns; i++, q += STREAM_SIZE) {
		struct wl_trace_stream *s = &t->streams[i];
		uint64_t off = get64(q + 24), slen = get64(q + 32);

		*s = (struct wl_trace_stream){ .proc = get32(q), .tid = get32(q + 4),
					       .nr_records = get64(q + 8),
					       .nr_accesses = get64(q + 16), .len = slen };
		if (s->proc >= np || off < tables || off > len || slen > len - off ||
		    s->nr_records > slen || s->nr_accesses < s->nr_records) {
			errorf(err, errlen, "%s: corrupt: stream %" PRIu32 " (process %" PRIu32 ", %"
			     PRIu64 " bytes at %" PRIu64 ", %" PRIu64 " records) is outside the "
			     "file or inconsistent", name, i, s->proc, slen, off, s->nr_records);
			goto bad;
		}
		s->data = b + off;
	}
	return t;
bad:
	wl_trace_free(t);
	return NULL;
}

/* The header and tables of @t's file (malloc'ed, *@tables bytes); *@size is
 * the whole file's. NULL if out of memory. */
static uint8_t *serialize_tables(const struct wl_trace *t, uint64_t *tables, uint64_t *size)
{
	*tables = HDR_SIZE + (uint64_t)t->nr_procs * PROC_SIZE +
		  (uint64_t)t->nr_regions * REGION_SIZE + (uint64_t)t->nr_streams * STREAM_SIZE;
	*size = *tables;
	for (uint32_t i = 0; i < t->nr_streams; i++)
		*size += t->streams[i].len;
	uint8_t *h = calloc(1, *tables);
	if (!h)
		return NULL;
	memcpy(h, TRACE_MAGIC, 8);
	put32(h + 8, TRACE_VERSION);
	put32(h + 12, HDR_SIZE);
	put32(h + 16, t->nr_procs);
	put32(h + 20, t->nr_regions);
	put32(h + 24, t->nr_streams);
	put32(h + 28, (uint32_t)t->format);
	put64(h + 32, t->nr_insns);
	put64(h + 40, t->nr_skipped);
	put64(h + 48, *size);
	uint8_t *q = h + HDR_SIZE;
	for (uint32_t i = 0; i < t->nr_procs; i++, q += PROC_SIZE) {
		put32(q, t->procs[i].pid);
		put32(q + 4, t->procs[i].first_region);
		put32(q + 8, t->procs[i].nr_regions);
	}
	for (uint32_t i = 0; i < t->nr_regions; i++, q += REGION_SIZE) {
		put64(q, t->regions[i].start);
		put64(q + 8, t->regions[i].len);
		put32(q + 16, t->regions[i].flags);
		put32(q + 20, t->regions[i].proc);
	}
	uint64_t off = *tables;
	for (uint32_t i = 0; i < t->nr_streams; i++, q += STREAM_SIZE) {
		const struct wl_trace_stream *s = &t->streams[i];

		put32(q, s->proc);
		put32(q + 4, s->tid);
		put64(q + 8, s->nr_records);
		put64(q + 16, s->nr_accesses);
		put64(q + 24, off);
		put64(q + 32, s->len);
		off += s->len;
	}
	return h;
}

void *wl_trace_serialize(const struct wl_trace *t, size_t *len)
{
	uint64_t tables, size;
	uint8_t *h = serialize_tables(t, &tables, &size);
	uint8_t *buf = h ? realloc(h, size) : NULL;

	if (!buf) {
		free(h);
		return NULL;
	}
	for (uint32_t i = 0; i < t->nr_streams; i++) {
		if (t->streams[i].len)
			memcpy(buf + tables, t->streams[i].data, t->streams[i].len);
		tables += t->streams[i].len;
	}
	*len = size;
	return buf;
}

/* Streams are written from where they are: no second copy of a big trace. */
int wl_trace_write(const struct wl_trace *t, const char *path, char *err, size_t errlen)
{
	uint64_t tables, size;
	uint8_t *h = serialize_tables(t, &tables, &size);
	FILE *f;

	if (!h) {
		errorf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (!(f = fopen(path, "wb"))) {
		errorf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		free(h);
		return -1;
	}
	bool ok = fwrite(h, 1, tables, f) == tables;
	for (uint32_t i = 0; ok && i < t->nr_streams; i++)
		ok = fwrite(t->streams[i].data, 1, t->streams[i].len, f) == t->streams[i].len;
	ok = fclose(f) == 0 && ok;
	free(h);
	if (!ok) {
		errorf(err, errlen, "%s: write error: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* mmap(2) @fd (a regular file of @len bytes): the records are read in place. */
static struct wl_trace *open_binary(int fd, size_t len, const char *path, char *err,
				    size_t errlen)
{
	void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);

	if (map == MAP_FAILED) {
		errorf(err, errlen, "%s: mmap: %s", path, strerror(errno));
		return NULL;
	}
	struct wl_trace *t = wl_trace_from_buffer(map, len, path, err, errlen);
	if (!t) {
		munmap(map, len);
		return NULL;
	}
	t->map = map;
	t->map_len = len;
	madvise(map, len, MADV_SEQUENTIAL);
	return t;
}

struct wl_trace *wl_trace_open(const char *path, const struct wl_trace_opts *o, char *err,
			       size_t errlen)
{
	struct wl_trace *t = NULL;
	struct stat st;
	char magic[8] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		errorf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		errorf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	ssize_t got = pread(fd, magic, sizeof(magic), 0);
	bool binary = got == (ssize_t)sizeof(magic) && !memcmp(magic, TRACE_MAGIC, 8);
	if (o->format == WL_TFMT_NSTRACE || (o->format == WL_TFMT_AUTO && binary)) {
		if (!st.st_size) {
			errorf(err, errlen, "%s: empty file", path);
			goto out;
		}
		t = open_binary(fd, (size_t)st.st_size, path, err, errlen);
		goto out;
	}
	if (binary) {
		errorf(err, errlen, "%s: a binary numasim trace, not %s text", path,
		     wl_trace_format_name(o->format));
		goto out;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		errorf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	t = wl_trace_parse_text(f, path, o, err, errlen);
	fclose(f);
	return t;
out:
	close(fd);
	return t;
}

/* ---- checks and info ---- */

int64_t wl_trace_find_region(const struct wl_trace *t, uint32_t proc, uint64_t addr)
{
	const struct wl_trace_proc *p = &t->procs[proc];
	const struct wl_trace_region *r = &t->regions[p->first_region];
	uint32_t lo = 0, hi = p->nr_regions;

	while (lo < hi) {	/* the first region ending above addr */
		uint32_t mid = lo + (hi - lo) / 2;

		if (r[mid].start + r[mid].len <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->nr_regions && r[lo].start <= addr ? (int64_t)lo : -1;
}

struct scan_counts {
	uint64_t records, accesses, kinds[3];
};

/* Decode stream @i entirely. */
static int scan_stream(const struct wl_trace *t, uint32_t i, struct scan_counts *c, char *err,
		       size_t errlen)
{
	const struct wl_trace_stream *s = &t->streams[i];
	const uint8_t *p = s->data, *end = s->data + s->len;
	uint64_t addr = 0, period = 1, v;
	int64_t reg = -1;
	const struct wl_trace_region *r0 = &t->regions[t->procs[s->proc].first_region];

	memset(c, 0, sizeof(*c));
	while (p < end) {
		if (!wl_trace_varint(&p, end, &v)) {
			errorf(err, errlen, "%s: corrupt: stream %" PRIu32 ": truncated record at byte %td",
			     t->name, i, p - s->data);
			return -1;
		}
		if ((v & 3) == WL_TREC_PERIOD) {
			period = v >> 2;
			if (!period || period > WL_TRACE_MAX_PERIOD) {
				errorf(err, errlen, "%s: corrupt: stream %" PRIu32 ": period %" PRIu64,
				     t->name, i, period);
				return -1;
			}
			continue;
		}
		addr += wl_trace_unzigzag(v >> 2);
		if (reg < 0 || addr < r0[reg].start || addr - r0[reg].start >= r0[reg].len)
			reg = wl_trace_find_region(t, s->proc, addr);
		if (reg < 0) {
			errorf(err, errlen, "%s: corrupt: stream %" PRIu32 ": record %" PRIu64
			     " at 0x%" PRIx64 " is in no region", t->name, i, c->records, addr);
			return -1;
		}
		c->records++;
		c->accesses += period;
		c->kinds[v & 3]++;
	}
	if (c->records != s->nr_records || c->accesses != s->nr_accesses) {
		errorf(err, errlen, "%s: corrupt: stream %" PRIu32 " has %" PRIu64 " records for %"
		     PRIu64 " accesses, its table entry says %" PRIu64 " for %" PRIu64, t->name, i,
		     c->records, c->accesses, s->nr_records, s->nr_accesses);
		return -1;
	}
	return 0;
}

int wl_trace_check(const struct wl_trace *t, char *err, size_t errlen)
{
	struct scan_counts c;

	if (check_regions(t, err, errlen))
		return -1;
	for (uint32_t i = 0; i < t->nr_streams; i++)
		if (scan_stream(t, i, &c, err, errlen))
			return -1;
	return 0;
}

static void print_size(FILE *out, uint64_t v)
{
	if (v >= GiB && IS_ALIGNED(v, MiB))
		fprintf(out, "%.1fG", (double)v / (double)GiB);
	else if (v >= MiB)
		fprintf(out, "%.1fM", (double)v / (double)MiB);
	else
		fprintf(out, "%" PRIu64 "K", v >> 10);
}

void wl_trace_print_info(const struct wl_trace *t, FILE *out)
{
	uint64_t records = 0, accesses = 0, bytes = 0;

	for (uint32_t i = 0; i < t->nr_streams; i++) {
		records += t->streams[i].nr_records;
		accesses += t->streams[i].nr_accesses;
		bytes += t->streams[i].len;
	}
	fprintf(out, "trace %s (%s): %" PRIu32 " processes, %" PRIu32 " streams, %" PRIu32
		" regions, %" PRIu64 " records for %" PRIu64 " accesses, %.2f bytes/record\n",
		t->name, wl_trace_format_name(t->format), t->nr_procs, t->nr_streams,
		t->nr_regions, records, accesses, records ? (double)bytes / (double)records : 0.0);
	if (t->nr_insns || t->nr_skipped)
		fprintf(out, "  not replayed: %" PRIu64 " instruction fetches, %" PRIu64
			" records without a user-space address\n", t->nr_insns, t->nr_skipped);
	for (uint32_t p = 0; p < t->nr_procs; p++) {
		const struct wl_trace_proc *pr = &t->procs[p];

		fprintf(out, "process %" PRIu32 " (pid %" PRIu32 "): %" PRIu32 " regions\n", p,
			pr->pid, pr->nr_regions);
		for (uint32_t i = 0; i < pr->nr_regions; i++) {
			const struct wl_trace_region *r = &t->regions[pr->first_region + i];

			fprintf(out, "  region %" PRIu32 ": 0x%" PRIx64 "-0x%" PRIx64 " ", i, r->start,
				r->start + r->len);
			print_size(out, r->len);
			fprintf(out, " %s\n", r->flags & WL_TRACE_REGION_MMAP ? "mmap" : "inferred");
		}
	}
	for (uint32_t i = 0; i < t->nr_streams; i++) {
		const struct wl_trace_stream *s = &t->streams[i];
		struct scan_counts c;
		char err[256];

		fprintf(out, "stream %" PRIu32 ": process %" PRIu32 " tid %" PRIu32 ": %" PRIu64
			" records, %" PRIu64 " accesses", i, s->proc, s->tid, s->nr_records,
			s->nr_accesses);
		if (scan_stream(t, i, &c, err, sizeof(err)))
			fprintf(out, " (%s)\n", err);
		else
			fprintf(out, " (%" PRIu64 " loads, %" PRIu64 " stores, %" PRIu64
				" modifies)\n", c.kinds[0], c.kinds[1], c.kinds[2]);
	}
}

/* ---- the workload type: trace:FILE[,format=...,gap=...] ---- */

enum { T_FORMAT, T_GAP, T_LOOPS, NR_T_PARAMS };

static const struct wl_param trace_params[NR_T_PARAMS] = {
	[T_FORMAT] = { .key = "format", .kind = WLP_CHOICE, .def = WL_TFMT_AUTO,
		       .choices = "auto|lackey|perf|nstrace" },
	[T_GAP] = { .key = "gap", .kind = WLP_SIZE, .min = 0, .max = WL_MAX_SIZE, .def = 0 },
	[T_LOOPS] = { .key = "loops", .kind = WLP_UINT, .min = 1, .max = WL_MAX_LOOPS, .def = 1 },
};

/* The stream the main thread of process @p replays: its pid's, else the first. */
static uint32_t main_stream(const struct wl_trace *t, uint32_t p)
{
	uint32_t first = UINT32_MAX;

	for (uint32_t i = 0; i < t->nr_streams; i++) {
		if (t->streams[i].proc != p)
			continue;
		if (t->streams[i].tid == t->procs[p].pid)
			return i;
		first = MIN(first, i);
	}
	return first;
}

static void trace_phase(struct workload *wl, uint32_t prog, uint32_t trace, uint32_t stream,
			uint64_t loops)
{
	struct wl_phase *ph = wl_add_phase(wl, prog, WL_TRACE);

	ph->target = trace;
	ph->arg = stream;
	ph->count = loops;
	ph->region = 0;	/* the trace's regions are the process's, from region 0 */
}

/*
 * One process per traced process: its main program maps every region
 * (anonymous, in the trace's order), spawns a thread per other stream,
 * replays its own stream, and joins.
 */
static int trace_build(struct workload *wl, struct wl_args *a, const struct wl_ctx *c)
{
	char err[512];
	struct wl_trace_opts o = { .format = (enum wl_trace_format)a->u[T_FORMAT],
				   .gap = a->u[T_GAP] };

	if (!c->file || !*c->file)
		return wl_fail(c, "expected trace:FILE[,key=value,...]");
	struct wl_trace *t = wl_trace_open(c->file, &o, err, sizeof(err));
	if (!t)
		return wl_fail(c, "%s", err);
	wl->traces = xreallocarray(wl->traces, (wl->nr_traces + 1ull), sizeof(*wl->traces));
	uint32_t ti = wl->nr_traces++;
	wl->traces[ti] = t;
	wl->trace_free = wl_trace_free;
	for (uint32_t p = 0; p < t->nr_procs; p++) {
		uint32_t mainp = wl_add_program(wl);
		uint32_t proc = wl_add_process(wl, mainp);
		uint32_t ms = main_stream(t, p);
		bool spawned = false;

		if (t->procs[p].nr_regions > WL_TRACE_PROC_REGIONS)
			return wl_fail(c, "%s: process %" PRIu32 " has %" PRIu32 " regions; numasim "
				       "maps at most %u per process", t->name, p,
				       t->procs[p].nr_regions, WL_TRACE_PROC_REGIONS);
		for (uint32_t r = 0; r < t->procs[p].nr_regions; r++)
			wl_add_mmap(wl, proc, t->regions[t->procs[p].first_region + r].len);
		for (uint32_t s = 0; s < t->nr_streams; s++) {
			if (t->streams[s].proc != p || s == ms)
				continue;
			uint32_t prog = wl_add_program(wl);
			trace_phase(wl, prog, ti, s, a->u[T_LOOPS]);
			wl_add_spawn(wl, mainp, prog);
			spawned = true;
		}
		if (ms != UINT32_MAX)
			trace_phase(wl, mainp, ti, ms, a->u[T_LOOPS]);
		if (spawned)
			wl_add_phase(wl, mainp, WL_JOIN);
	}
	return 0;
}

const struct wl_type wl_type_trace = {
	.name = "trace",
	.help = "replay a memory-access trace: trace:FILE[,format=auto|lackey|perf|nstrace,"
		"gap=SIZE,loops=N] (docs/traces.md)",
	.params = trace_params,
	.nr_params = NR_T_PARAMS,
	.build = trace_build,
};
