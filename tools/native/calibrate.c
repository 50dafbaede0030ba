// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/calibrate.c - numasim-native --calibrate: measure this
 * machine and write a numasim machine file that describes it
 * (docs/native.md, "Calibration"; docs/machine-file.md for the format).
 *
 * Topology comes from hwloc (machine_load_host) and sysfs; the figures are
 * measured, each for a fixed slice of wall time rather than a fixed amount
 * of work, so that a QEMU TCG guest (tens of times slower) finishes in
 * seconds as a normal machine does. A figure that cannot be measured stays
 * at numasim's default (its key is left out) and the file says why.
 *
 * The kernel is left as it was found: the NUMA balancing knobs the hint
 * fault measurement sets are written back afterwards.
 */
#include <errno.h>
#include <glob.h>
#include <json-c/json.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "knobs.h"
#include "mem/folio.h"
#include "native.h"
#include "stats/report.h"

#define K_MPOL_BIND 2			/* include/uapi/linux/mempolicy.h */
#define BUF_MAX (64 * MiB)		/* latency and bandwidth buffer: well beyond an LLC */
#define TOUCH_BUDGET_NS (300 * 1000000ull)
#define LAT_SLICE_NS (60 * 1000000ull)
#define BW_SLICE_NS (80 * 1000000ull)
#define MAX_CPUS_CAL 256		/* streaming threads of the all-CPUs measurement, at most */
#define FAULT_SLICE_NS (100 * 1000000ull)
#define MIGRATE_SLICE_NS (150 * 1000000ull)
#define HINT_OFF_SLICE_NS (200 * 1000000ull)
#define HINT_ON_SLICE_NS (700 * 1000000ull)
#define BW_CHUNK (256 * KiB)		/* a streaming thread checks the clock this often */
#define MOVE_BATCH 512
#define NB_DIR "/sys/kernel/debug/sched/numa_balancing/"

/* One measured figure: its value, how it was found, the raw numbers. */
struct fig {
	bool ok;
	double v;
	char how[512];			/* the comment line(s) of the machine file */
};

struct cal {
	struct nat_host h;
	struct machine m;		/* hwloc's view: cores, smt, sockets */
	uint32_t nr_nodes;
	uint64_t mem_bytes[MAX_NUMNODES];
	bool mem_from_sysfs, have_dist, have_tiers;
	uint32_t dist[MAX_NUMNODES][MAX_NUMNODES];
	int tier[MAX_NUMNODES];		/* -1: in no tier file */
	enum mem_kind kind[MAX_NUMNODES];
	uint32_t cpu_node0;		/* the first node with CPUs */
	double lat[MAX_NUMNODES][MAX_NUMNODES];
	bool have_lat[MAX_NUMNODES][MAX_NUMNODES];
	char lat_how[MAX_NUMNODES][160];	/* per memory node: buffer */
	struct fig thread_bw, bw[MAX_NUMNODES], wbw[MAX_NUMNODES];
	struct fig minor, thp, clear, mfolio, mthp, mcopy, hint;
	json_object *meas;		/* "measurements" */
	json_object *lat_samples, *bw_samples;
};

static uint64_t now_ns(void)
{
	return nat_now_ns();
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void fig_set(struct fig *f, double v, const char *fmt, ...) sim_printf(3, 4);
static void fig_set(struct fig *f, double v, const char *fmt, ...)
{
	va_list ap;

	f->ok = true;
	f->v = v;
	va_start(ap, fmt);
	vsnprintf(f->how, sizeof(f->how), fmt, ap);
	va_end(ap);
}

static void fig_note(struct fig *f, const char *text);
static void fig_not(struct fig *f, const char *fmt, ...) sim_printf(2, 3);
static void fig_not(struct fig *f, const char *fmt, ...)
{
	va_list ap;

	f->ok = false;
	va_start(ap, fmt);
	vsnprintf(f->how, sizeof(f->how), fmt, ap);
	va_end(ap);
}

/* "measurements".@name: {measured, value, unit, key, method, samples} */
static json_object *meas_add(struct cal *c, const char *name, const struct fig *f,
			     const char *unit, const char *key, json_object *samples)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "measured", json_object_new_boolean(f->ok));
	json_object_object_add(o, "value", f->ok ? json_object_new_double(f->v) : NULL);
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "key", key ? json_object_new_string(key) : NULL);
	json_object_object_add(o, "method", json_object_new_string(f->how));
	json_object_object_add(o, "samples", samples ? samples : json_object_new_array());
	json_object_object_add(c->meas, name, o);
	return o;
}

static json_object *sample(const char *k1, double v1, const char *k2, double v2, const char *k3,
			   double v3)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, k1, json_object_new_double(v1));
	if (k2)
		json_object_object_add(o, k2, json_object_new_double(v2));
	if (k3)
		json_object_object_add(o, k3, json_object_new_double(v3));
	return o;
}

/* ---- binding ---- */

static int pin_node(const struct cal *c, uint32_t node)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (uint32_t cpu = 0; cpu < c->h.nr_cpus && cpu < CPU_SETSIZE; cpu++)
		if (c->h.node_cpus[node][cpu / 64] >> (cpu % 64) & 1)
			CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static int nth_cpu(const struct cal *c, uint32_t node, uint32_t n)
{
	for (uint32_t cpu = 0; cpu < c->h.nr_cpus; cpu++)
		if ((c->h.node_cpus[node][cpu / 64] >> (cpu % 64) & 1) && n-- == 0)
			return (int)cpu;
	return -1;
}

/* An anonymous mapping bound to @node (MPOL_BIND); @thp: -1 no THP, 1 MADV_HUGEPAGE, 0 as is. */
static char *node_map(const struct cal *c, uint64_t len, int node, int thp)
{
	uint64_t full = len + (thp > 0 ? 2 * MiB : 0);
	char *p = mmap(NULL, full, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (thp > 0) {	/* align to 2 MiB, give back the rest */
		char *a = (char *)ALIGN_UP((uintptr_t)p, 2 * MiB);
		if (a > p)
			munmap(p, (size_t)(a - p));
		if (a + len < p + full)
			munmap(a + len, (size_t)(p + full - (a + len)));
		p = a;
	}
	if (thp)
		madvise(p, len, thp > 0 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (node >= 0 && c->nr_nodes > 1 &&
	    host_mbind(p, len, K_MPOL_BIND, 1ull << node) < 0) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* Touch whole 4 MiB chunks of @p until @len or @budget_ns; bytes touched. */
static uint64_t touch_timed(char *p, uint64_t len, uint64_t budget_ns)
{
	uint64_t t0 = now_ns(), done = 0;

	while (done < len) {
		for (uint64_t o = 0; o < 4 * MiB && done + o < len; o += PAGE_SIZE)
			p[done + o] = 1;
		done = MIN(len, done + 4 * MiB);
		if (now_ns() - t0 > budget_ns)
			break;
	}
	return done;
}

static int64_t vmstat(const char *name)
{
	struct nat_counters v = { 0 };
	int found = 0;
	int64_t x = 0;

	if (read_counters("/proc/vmstat", &v, 0) == 0)
		x = counter_get(&v, name, &found);
	counters_free(&v);
	return found ? x : -1;
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- topology ---- */

static void read_distances(struct cal *c)
{
	char path[96], line[512];

	c->have_dist = true;
	for (uint32_t a = 0; a < c->nr_nodes && c->have_dist; a++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/distance", a);
		char *s = line, *end;
		if (read_first_line(path, line, sizeof(line))) {
			c->have_dist = false;
			break;
		}
		for (uint32_t b = 0; b < c->nr_nodes; b++) {
			unsigned long d = strtoul(s, &end, 10);
			if (end == s || d < 10 || d > 254 || (a == b) != (d == 10)) {
				c->have_dist = false;
				break;
			}
			c->dist[a][b] = (uint32_t)d;
			s = end;
		}
	}
}

/* "0-1,3" -> bit mask */
static uint64_t parse_nodelist(const char *s)
{
	uint64_t mask = 0;
	char *end;

	while (*s) {
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s)
			break;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			s = end;
		}
		for (unsigned long n = a; n <= b && n < 64; n++)
			mask |= 1ull << n;
		if (*s == ',')
			s++;
		else
			break;
	}
	return mask;
}

/* mm/memory-tiers.c: memory_tierN/nodelist; the lowest N is the fastest tier. */
static void read_tiers(struct cal *c)
{
	glob_t g;
	char line[256];

	for (uint32_t n = 0; n < MAX_NUMNODES; n++)
		c->tier[n] = -1;
	if (glob("/sys/devices/virtual/memory_tiering/memory_tier*/nodelist", 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		/* .../memory_tiering/memory_tierN/nodelist: the N after the last "memory_tier" */
		const char *t = NULL, *q = g.gl_pathv[i];
		while ((q = strstr(q, "memory_tier")) != NULL) {
			t = q + strlen("memory_tier");
			q = t;
		}
		int id = t && *t >= '0' && *t <= '9' ? atoi(t) : -1;
		if (id < 0 || read_first_line(g.gl_pathv[i], line, sizeof(line)))
			continue;
		uint64_t mask = parse_nodelist(line);
		c->have_tiers = true;
		for (uint32_t n = 0; n < c->nr_nodes; n++)
			if (mask >> n & 1)
				c->tier[n] = id;
	}
	globfree(&g);
}

static int topology(struct cal *c, char *err, size_t errlen)
{
	if (host_probe(&c->h, err, errlen))
		return -1;
	if (machine_load_host(&c->m, err, errlen))
		return -1;
	c->nr_nodes = c->h.nr_nodes;
	if (c->m.nr_nodes != c->nr_nodes) {
		snprintf(err, errlen, "hwloc sees %u nodes, libnuma %u", c->m.nr_nodes, c->nr_nodes);
		return -1;
	}
	c->mem_from_sysfs = true;
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		int found;
		uint64_t kb = node_meminfo_kb(n, "MemTotal", &found);
		if (!found)
			c->mem_from_sysfs = false;
		c->mem_bytes[n] = found ? kb * KiB : c->m.node[n].mem_bytes;
	}
	read_distances(c);
	read_tiers(c);
	int top = INT32_MAX;
	for (uint32_t n = 0; n < c->nr_nodes; n++)
		if (c->tier[n] >= 0)
			top = MIN(top, c->tier[n]);
	c->cpu_node0 = UINT32_MAX;
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		bool slow = c->have_tiers && c->tier[n] >= 0 && c->tier[n] != top;
		c->kind[n] = c->h.node_nr_cpus[n] == 0 && slow ? MEM_PMEM : MEM_DRAM;
		if (c->h.node_nr_cpus[n] && c->cpu_node0 == UINT32_MAX)
			c->cpu_node0 = n;
	}
	if (c->cpu_node0 == UINT32_MAX) {
		snprintf(err, errlen, "no node has CPUs");
		return -1;
	}
	return 0;
}

/* The node with CPUs nearest @mem (SLIT; ties and no SLIT: the lowest id). */
static uint32_t nearest_cpu_node(const struct cal *c, uint32_t mem)
{
	uint32_t best = c->cpu_node0;

	if (c->h.node_nr_cpus[mem])
		return mem;
	for (uint32_t n = 0; n < c->nr_nodes && c->have_dist; n++)
		if (c->h.node_nr_cpus[n] && c->dist[n][mem] < c->dist[best][mem])
			best = n;
	return best;
}

/* ---- latency: a dependent pointer chase ---- */

/* One random cycle through every 64-byte line of @p (Sattolo's algorithm). */
static int build_chase(char *p, uint64_t len)
{
	uint64_t n = len / 64, seed = 0x9e3779b97f4a7c15ull;
	uint32_t *perm = malloc(n * sizeof(*perm));

	if (!perm)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = rng_next(&seed) % i;	/* j < i: one cycle */
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (uint64_t i = 0; i < n; i++)
		*(void **)(p + (uint64_t)perm[i] * 64) = p + (uint64_t)perm[(i + 1) % n] * 64;
	free(perm);
	return 0;
}

static void *volatile chase_sink;

/*
 * LAT_PARTS consecutive parts of LAT_SLICE_NS each; the value is the
 * fastest part's ns per load (the idle latency: a part the host preempted
 * or an interrupt hit is slower), the whole run's mean is kept beside it.
 */
#define LAT_PARTS 6

static double chase(char *p, uint64_t *loads_out, uint64_t *ns_out, double *mean_out)
{
	void **q = (void **)p;
	uint64_t loads = 0, ns = 0;
	double best = 0;

	for (int i = 0; i < 4096; i++)	/* warm the TLB and caches a little */
		q = (void **)*q;
	for (int part = 0; part < LAT_PARTS; part++) {
		uint64_t n = 0, t0 = now_ns(), t;
		do {
			for (int i = 0; i < 256; i++)
				q = (void **)*q;
			n += 256;
			t = now_ns() - t0;
		} while (t < LAT_SLICE_NS / LAT_PARTS);
		double x = (double)t / (double)n;
		best = part == 0 || x < best ? x : best;
		loads += n;
		ns += t;
	}
	chase_sink = q;
	*loads_out = loads;
	*ns_out = ns;
	*mean_out = (double)ns / (double)loads;
	return best;
}

/* ---- bandwidth: threads streaming over slices of one buffer ---- */

/* What a streaming thread does to each 64-bit word: numasim-native's sweeps
 * read, write, or read and then write every word of each line. */
enum bw_op { BW_READ, BW_WRITE, BW_RW };

struct bw_thread {
	pthread_t tid;
	int cpu;
	enum bw_op op;
	char *p;
	uint64_t len;
	_Atomic int *go, *stop;
	uint64_t bytes, ns;
	uint64_t sum;
};

static void *bw_main(void *arg)
{
	struct bw_thread *t = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	while (!atomic_load(t->go))
		sched_yield();
	uint64_t t0 = now_ns(), off = 0, sum = 0;
	while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
		uint64_t *w = (uint64_t *)(t->p + off);
		size_t nw = BW_CHUNK / sizeof(uint64_t);
		if (t->op == BW_WRITE)
			for (size_t i = 0; i < nw; i++)
				w[i] = off + i;	/* not a constant: no memset, plain stores */
		else if (t->op == BW_RW)
			for (size_t i = 0; i < nw; i++)
				sum += ((volatile uint64_t *)w)[i]++;
		else
			for (size_t i = 0; i < nw; i++)
				sum += w[i];
		t->bytes += BW_CHUNK;
		off += BW_CHUNK;
		if (off + BW_CHUNK > t->len)
			off = 0;
	}
	t->ns = now_ns() - t0;
	t->sum = sum;
	return NULL;
}

/* Start @t[0 .. nr), let them stream for BW_SLICE_NS, stop and join them;
 * return how many started (those are the ones with figures). */
static uint32_t run_bw_threads(struct bw_thread *t, uint32_t nr, _Atomic int *go, _Atomic int *stop)
{
	uint32_t started = 0;
	for (; started < nr; started++)
		if (pthread_create(&t[started].tid, NULL, bw_main, &t[started]))
			break;
	atomic_store(go, 1);
	struct timespec ts = { 0, (long)BW_SLICE_NS };
	nanosleep(&ts, NULL);
	atomic_store(stop, 1);
	for (uint32_t i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	return started;
}

/* @nr threads on CPUs of @cpu_node (or @one_cpu) streaming over @p; GB/s or -1. */
static double stream(const struct cal *c, char *p, uint64_t len, uint32_t cpu_node, int one_cpu,
		     enum bw_op op, uint32_t *nr_out, uint64_t *bytes_out, uint64_t *ns_out)
{
	uint32_t nr = one_cpu >= 0 ? 1 : c->h.node_nr_cpus[cpu_node];
	struct bw_thread *t = calloc(nr, sizeof(*t));
	_Atomic int go = 0, stop = 0;
	uint64_t slice = ALIGN_DOWN(len / nr, BW_CHUNK), bytes = 0, ns = 0;
	uint32_t started = 0;

	if (!t || slice < BW_CHUNK) {
		free(t);
		return -1;
	}
	for (uint32_t i = 0; i < nr; i++)
		t[i] = (struct bw_thread){ .cpu = one_cpu >= 0 ? one_cpu : nth_cpu(c, cpu_node, i),
					   .op = op, .p = p + i * slice, .len = slice,
					   .go = &go, .stop = &stop };
	started = run_bw_threads(t, nr, &go, &stop);
	for (uint32_t i = 0; i < started; i++) {
		bytes += t[i].bytes;
		ns = MAX(ns, t[i].ns);
	}
	free(t);
	*nr_out = started;
	*bytes_out = bytes;
	*ns_out = ns;
	return started == nr && ns ? (double)bytes / (double)ns : -1;
}

static uint64_t buf_len(uint32_t node)
{
	int found;
	uint64_t fr = node_meminfo_kb(node, "MemFree", &found) * KiB;

	if (!found)
		return BUF_MAX;
	return MAX(4 * MiB, MIN(BUF_MAX, ALIGN_DOWN(fr / 4, 4 * MiB)));
}

static void measure_node(struct cal *c, uint32_t mem)
{
	uint64_t len = buf_len(mem);
	int found;
	uint64_t fr = node_meminfo_kb(mem, "MemFree", &found) * KiB;
	/* MPOL_BIND to a node without room would end in the OOM killer */
	char *p = found && fr < 4 * len ? NULL : node_map(c, len, (int)mem, 0);
	json_object *bws = c->bw_samples;

	if (!p) {
		snprintf(c->lat_how[mem], sizeof(c->lat_how[mem]), "node %u: no buffer (%llu MiB free)",
			 mem, (unsigned long long)(fr / MiB));
		fig_not(&c->bw[mem], "not measured: no buffer on node %u (%llu MiB free)", mem,
			(unsigned long long)(fr / MiB));
		fig_not(&c->wbw[mem], "%s", c->bw[mem].how);
		return;
	}
	uint64_t t0 = now_ns(), used = touch_timed(p, len, TOUCH_BUDGET_NS);
	uint64_t touch_ns = now_ns() - t0;
	snprintf(c->lat_how[mem], sizeof(c->lat_how[mem]),
		 "node %u: a %llu MiB buffer (touched in %.1f ms)", mem,
		 (unsigned long long)(used / MiB), ms(touch_ns));
	if (build_chase(p, used) == 0)
		for (uint32_t cn = 0; cn < c->nr_nodes; cn++) {
			uint64_t loads, ns;
			double mean;
			if (!c->h.node_nr_cpus[cn] || pin_node(c, cn))
				continue;
			c->lat[cn][mem] = chase(p, &loads, &ns, &mean);
			c->have_lat[cn][mem] = true;
			json_object *s = sample("cpu_node", cn, "mem_node", mem, "ns_per_load",
						c->lat[cn][mem]);
			json_object_object_add(s, "loads", json_object_new_uint64(loads));
			json_object_object_add(s, "ns", json_object_new_uint64(ns));
			json_object_object_add(s, "buffer_bytes", json_object_new_uint64(used));
			json_object_object_add(s, "mean_ns_per_load", json_object_new_double(mean));
			json_object_array_add(c->lat_samples, s);
		}
	uint32_t cn = nearest_cpu_node(c, mem), nr;
	uint64_t bytes, ns;
	double g;
	if (mem == c->cpu_node0) {
		int cpu = nth_cpu(c, cn, 0);
		/* numasim charges a sweep's bytes at thread_bw_gbps whatever it does to
		 * them; the benchmark workloads read and write every line, so that is
		 * what is timed (under QEMU's TCG a thread is instruction-bound, and
		 * such a sweep runs at about half its read-only rate) */
		uint64_t rbytes, rns;
		double rg = stream(c, p, used, cn, cpu, BW_READ, &nr, &rbytes, &rns);
		g = stream(c, p, used, cn, cpu, BW_RW, &nr, &bytes, &ns);
		if (g > 0)
			fig_set(&c->thread_bw, g, "one thread on CPU %d reading and writing each 64-bit "
				"word of its node %u's %llu MiB buffer (a rw sweep): %llu MiB in %.1f ms; "
				"reading only: %.3f GB/s", cpu, mem, (unsigned long long)(used / MiB),
				(unsigned long long)(bytes / MiB), ms(ns), rg);
		else
			fig_not(&c->thread_bw, "not measured: the streaming thread did not run");
		json_object_array_add(bws, sample("threads", 1, "bytes", (double)bytes, "ns", (double)ns));
	}
	for (int w = 0; w < 2; w++) {
		struct fig *f = w ? &c->wbw[mem] : &c->bw[mem];
		g = stream(c, p, used, cn, -1, w ? BW_WRITE : BW_READ, &nr, &bytes, &ns);
		if (g > 0)
			fig_set(f, g, "%u threads on node %u's CPUs %s a %llu MiB buffer on node %u "
				"(64-bit %s, each its own slice): %llu MiB in %.1f ms", nr, cn,
				w ? "writing" : "reading", (unsigned long long)(used / MiB), mem,
				w ? "stores" : "loads", (unsigned long long)(bytes / MiB), ms(ns));
		else
			fig_not(f, "not measured: the buffer is too small for %u threads",
				c->h.node_nr_cpus[cn]);
		json_object *s = sample("threads", nr, "bytes", (double)bytes, "ns", (double)ns);
		json_object_object_add(s, "mem_node", json_object_new_int((int)mem));
		json_object_object_add(s, "write", json_object_new_boolean(w));
		json_object_array_add(bws, s);
	}
	munmap(p, len);
}

/*
 * Every CPU at once: each node's CPUs reading a buffer on their own node, all
 * nodes together. Where that gives a node less than its CPUs alone had (the
 * memory system is shared, or, under QEMU, more vCPUs than host cores run),
 * the node's bw_gbps and write_bw_gbps are scaled down to it, and a CPU-less
 * node's by the factor of its nearest node with CPUs: numasim shares a
 * node's bandwidth among the threads streaming from it, so a busy machine
 * then slows as this one does.
 */
static void measure_loaded(struct cal *c, json_object *samples)
{
	struct bw_thread t[MAX_CPUS_CAL];
	char *buf[MAX_NUMNODES] = { 0 };
	uint64_t len[MAX_NUMNODES] = { 0 }, bytes[MAX_NUMNODES] = { 0 }, ns[MAX_NUMNODES] = { 0 };
	_Atomic int go = 0, stop = 0;
	uint32_t nr = 0, started = 0;

	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		uint32_t k = c->h.node_nr_cpus[n];
		if (!k || !c->bw[n].ok)
			continue;
		len[n] = ALIGN_DOWN(MIN(buf_len(n), 32 * MiB) / k, BW_CHUNK) * k;
		if (len[n] < k * BW_CHUNK || !(buf[n] = node_map(c, len[n], (int)n, 0)))
			continue;
		touch_timed(buf[n], len[n], TOUCH_BUDGET_NS);
		for (uint32_t i = 0; i < k && nr < MAX_CPUS_CAL; i++) {
			int cpu = nth_cpu(c, n, i);
			if (cpu < 0 || (uint32_t)cpu >= MAX_CPUS)
				continue;
			t[nr++] = (struct bw_thread){ .cpu = cpu, .op = BW_READ,
						      .p = buf[n] + i * (len[n] / k), .len = len[n] / k,
						      .go = &go, .stop = &stop };
		}
	}
	started = run_bw_threads(t, nr, &go, &stop);
	for (uint32_t i = 0; i < started; i++) {
		uint32_t n = c->h.cpu_node[t[i].cpu];
		bytes[n] += t[i].bytes;
		ns[n] = MAX(ns[n], t[i].ns);
	}
	double factor[MAX_NUMNODES];
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		factor[n] = 1;
		if (buf[n])
			munmap(buf[n], len[n]);
		if (!buf[n] || !ns[n] || started < nr)
			continue;
		double g = (double)bytes[n] / (double)ns[n];
		json_object *s = sample("node", n, "bytes", (double)bytes[n], "ns", (double)ns[n]);
		json_object_object_add(s, "all_cpus", json_object_new_boolean(true));
		json_object_array_add(samples, s);
		if (g < c->bw[n].v)
			factor[n] = g / c->bw[n].v;
	}
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		double f = factor[c->h.node_nr_cpus[n] ? n : nearest_cpu_node(c, n)];
		if (f >= 1 || !c->bw[n].ok)
			continue;
		char note[160];
		snprintf(note, sizeof(note), "with every CPU of the machine streaming at once, %.0f%% "
			 "of that: %.3f GB/s", 100 * f, c->bw[n].v * f);
		fig_note(&c->bw[n], note);
		c->bw[n].v *= f;
		if (c->wbw[n].ok) {
			snprintf(note, sizeof(note), "scaled as bw_gbps under load (%.0f%%): %.3f GB/s",
				 100 * f, c->wbw[n].v * f);
			fig_note(&c->wbw[n], note);
			c->wbw[n].v *= f;
		}
	}
}

/* ---- faults ---- */

static char thp_mode[64];

static void measure_thp_fault(struct cal *c, uint32_t n, uint64_t len, json_object *samples_thp);

static void measure_faults(struct cal *c, json_object *samples_minor, json_object *samples_thp)
{
	uint32_t n = c->cpu_node0;
	uint64_t len = buf_len(n);
	char *p = node_map(c, len, (int)n, -1);

	pin_node(c, n);
	if (p) {
		int64_t pf0 = vmstat("pgfault");
		uint64_t pages = 0, t0 = now_ns(), t;
		do {
			for (int i = 0; i < 64 && pages < len / PAGE_SIZE; i++, pages++)
				p[pages * PAGE_SIZE] = 1;
			t = now_ns() - t0;
		} while (t < FAULT_SLICE_NS && pages < len / PAGE_SIZE);
		int64_t pf = vmstat("pgfault") - pf0;
		fig_set(&c->minor, (double)t / (double)pages,
			"first write to %llu 4 KiB pages (MADV_NOHUGEPAGE, node %u) by one thread: "
			"%.1f ms wall, %lld pgfault", (unsigned long long)pages, n, ms(t), (long long)pf);
		json_object *s = sample("pages", (double)pages, "ns", (double)t, "pgfault", (double)pf);
		json_object_array_add(samples_minor, s);
		munmap(p, len);
	} else {
		fig_not(&c->minor, "not measured: no buffer on node %u", n);
	}
	/* the THP fault time splits a 4 KiB fault into its fixed and clearing parts,
	 * so it is wanted even where the run keeps THP off: enabled is set to
	 * madvise for the measurement (MADV_HUGEPAGE areas) and put back */
	static const char thp_enabled[] = "/sys/kernel/mm/transparent_hugepage/enabled";
	if (knob_read(thp_enabled, thp_mode, sizeof(thp_mode))) {
		fig_not(&c->thp, "not measured: no transparent_hugepage/enabled");
		return;
	}
	bool was_never = !strcmp(thp_mode, "never");
	if (was_never && knob_write(thp_enabled, "madvise")) {
		fig_not(&c->thp, "not measured: THP is off and enabled cannot be set to madvise");
		return;
	}
	if (was_never)
		snprintf(thp_mode, sizeof(thp_mode), "madvise for this, else never");
	measure_thp_fault(c, n, len, samples_thp);
	if (was_never && knob_write(thp_enabled, "never"))
		err_print(NATIVE_NAME, "warning: cannot restore %s to 'never'", thp_enabled);
}

static void measure_thp_fault(struct cal *c, uint32_t n, uint64_t len, json_object *samples_thp)
{
	char *p;
	len = ALIGN_DOWN(len, 2 * MiB);
	p = node_map(c, len, (int)n, 1);
	if (!p) {
		fig_not(&c->thp, "not measured: no buffer on node %u", n);
		return;
	}
	char defrag[64] = "?";
	knob_read("/sys/kernel/mm/transparent_hugepage/defrag", defrag, sizeof(defrag));
	int64_t a0 = vmstat("thp_fault_alloc");
	uint64_t huge = 0, t0 = now_ns(), t;
	do {
		p[huge * 2 * MiB] = 1;
		huge++;
		t = now_ns() - t0;
	} while (t < FAULT_SLICE_NS && huge < len / (2 * MiB));
	int64_t alloc = vmstat("thp_fault_alloc") - a0;
	json_object_array_add(samples_thp, sample("faults", (double)huge, "ns", (double)t,
						  "thp_fault_alloc", (double)alloc));
	if (alloc * 2 < (int64_t)huge)
		fig_not(&c->thp, "not measured: %llu faults on MADV_HUGEPAGE memory gave only %lld THPs",
			(unsigned long long)huge, (long long)alloc);
	else
		fig_set(&c->thp, (double)t / (double)huge,
			"first write to %llu 2 MiB-aligned areas (MADV_HUGEPAGE; enabled %s, defrag "
			"%s): %.1f ms, %lld thp_fault_alloc", (unsigned long long)huge, thp_mode, defrag,
			ms(t), (long long)alloc);
	munmap(p, len);
}

/* Append " @text" to @f's comment, as far as it fits. */
static void fig_note(struct fig *f, const char *text)
{
	size_t n = strlen(f->how);
	snprintf(f->how + n, sizeof(f->how) - n, "; %s", text);
}

/*
 * numasim charges every fault minor_fault_ns, a new folio's clearing at
 * clear_page_gbps on top, and a hint fault hint_fault_ns on top of the
 * former. What was timed are whole faults: a first touch of a 4 KiB page
 * (F4), of a THP (F2), and a hint fault's whole extra time. So the clearing
 * rate is the marginal one, (2 MiB - 4 KiB) / (F2 - F4); the fixed fault
 * cost is F4 less clearing 4 KiB at that rate (at least 200 ns: under
 * QEMU's TCG a 4 KiB page clears faster than the average subpage of a THP);
 * and the hint fault's own cost is its extra time less that fixed cost.
 */
static void split_fault_costs(struct cal *c)
{
	char note[160];
	if (!c->thp.ok || !c->minor.ok || c->thp.v <= c->minor.v) {
		fig_not(&c->clear, "not measured: %s", !c->thp.ok ? c->thp.how : !c->minor.ok ?
			c->minor.how : "a THP fault no slower than a 4 KiB one");
	} else {
		double rate = (double)(2 * MiB - 4 * KiB) / (c->thp.v - c->minor.v);
		fig_set(&c->clear, rate, "(2 MiB - 4 KiB) / (%.0f ns per THP fault - %.0f ns per "
			"4 KiB fault)", c->thp.v, c->minor.v);
		double fixed = c->minor.v - (double)(4 * KiB) / rate;
		snprintf(note, sizeof(note), "less clearing 4 KiB at clear_page_gbps (%.0f ns)%s: "
			 "%.0f ns", (double)(4 * KiB) / rate, fixed < 200 ? ", at least 200" : "",
			 fixed < 200 ? 200 : fixed);
		fig_note(&c->minor, note);
		c->minor.v = fixed < 200 ? 200 : fixed;
	}
	if (c->hint.ok && c->minor.ok) {
		double own = c->hint.v - c->minor.v;
		snprintf(note, sizeof(note), "less minor_fault_ns, which numasim charges every fault "
			 "(%.0f ns)%s: %.0f ns", c->minor.v, own < 100 ? ", at least 100" : "",
			 own < 100 ? 100 : own);
		fig_note(&c->hint, note);
		c->hint.v = own < 100 ? 100 : own;
	}
}

/* ---- migration: move_pages(2) between two nodes ---- */

/* Move the @nr pages at @addr (stride @step) between @a and @b until the slice ends. */
static double move_loop(char *p, uint64_t nr, uint64_t step, int a, int b, uint64_t *moved_out,
			uint64_t *ns_out)
{
	void **pages = malloc(MOVE_BATCH * sizeof(*pages));
	int *nodes = malloc(MOVE_BATCH * sizeof(*nodes)), *status = malloc(MOVE_BATCH * sizeof(int));
	uint64_t moved = 0, t0 = now_ns(), t = 0, i = 0;
	int to = b;

	if (!pages || !nodes || !status)
		goto out;
	do {
		uint64_t k = MIN((uint64_t)MOVE_BATCH, nr - i);
		for (uint64_t j = 0; j < k; j++) {
			pages[j] = p + (i + j) * step;
			nodes[j] = to;
		}
		if (host_move_pages(k, pages, nodes, status) < 0)
			break;
		for (uint64_t j = 0; j < k; j++)
			moved += status[j] == to;
		i += k;
		if (i == nr) {
			i = 0;
			to = to == b ? a : b;
		}
		t = now_ns() - t0;
	} while (t < MIGRATE_SLICE_NS);
out:
	free(pages);
	free(nodes);
	free(status);
	*moved_out = moved;
	*ns_out = t;
	return moved ? (double)t / (double)moved : -1;
}

static void measure_migration(struct cal *c, json_object *s4k, json_object *sthp)
{
	uint32_t a = c->cpu_node0, b = UINT32_MAX;

	for (uint32_t n = 0; n < c->nr_nodes; n++)
		if (n != a && c->mem_bytes[n] >= 64 * MiB &&
		    (b == UINT32_MAX || (c->have_dist && c->dist[a][n] < c->dist[a][b])))
			b = n;
	if (c->nr_nodes < 2 || b == UINT32_MAX) {
		fig_not(&c->mfolio, "not measured: one memory node, nothing to migrate between");
		fig_not(&c->mthp, "%s", c->mfolio.how);
		fig_not(&c->mcopy, "%s", c->mfolio.how);
		return;
	}
	pin_node(c, a);
	uint64_t len = MIN(buf_len(a), 16 * MiB), moved, ns;
	char *p = node_map(c, len, -1, -1);	/* first touch on node a: no policy to fight */
	if (!p) {
		fig_not(&c->mfolio, "not measured: cannot map a buffer");
		return;
	}
	uint64_t used = touch_timed(p, len, TOUCH_BUDGET_NS);
	int64_t s0 = vmstat("pgmigrate_success");
	double per = move_loop(p, used / PAGE_SIZE, PAGE_SIZE, (int)a, (int)b, &moved, &ns);
	int64_t succ = vmstat("pgmigrate_success") - s0;
	json_object_array_add(s4k, sample("pages_moved", (double)moved, "ns", (double)ns,
					  "pgmigrate_success", (double)succ));
	if (per > 0)
		fig_set(&c->mfolio, per, "move_pages(2) of %llu 4 KiB pages between nodes %u and %u, "
			"%d a call, back and forth: %llu moved in %.1f ms (the whole cost of a 4 KiB "
			"folio, its copy included)", (unsigned long long)(used / PAGE_SIZE), a, b,
			MOVE_BATCH, (unsigned long long)moved, ms(ns));
	else
		fig_not(&c->mfolio, "not measured: move_pages moved no page from node %u to %u", a, b);
	munmap(p, len);
	if (!c->thp.ok) {
		fig_not(&c->mthp, "not measured: no THP faults (%s)", c->thp.how);
		fig_not(&c->mcopy, "%s", c->mthp.how);
		return;
	}
	len = ALIGN_DOWN(MIN(buf_len(a), 32 * MiB), 2 * MiB);
	p = node_map(c, len, -1, 1);
	if (!p) {
		fig_not(&c->mthp, "not measured: cannot map a buffer");
		fig_not(&c->mcopy, "%s", c->mthp.how);
		return;
	}
	int64_t f0 = vmstat("thp_fault_alloc");
	for (uint64_t o = 0; o < len; o += 2 * MiB)
		p[o] = 1;
	int64_t thps = vmstat("thp_fault_alloc") - f0, m0 = vmstat("thp_migration_success");
	per = move_loop(p, len / (2 * MiB), 2 * MiB, (int)a, (int)b, &moved, &ns);
	int64_t tm = vmstat("thp_migration_success") - m0;
	json_object_array_add(sthp, sample("thps_moved", (double)moved, "ns", (double)ns,
					   "thp_migration_success", (double)tm));
	if (per <= 0 || tm < (int64_t)moved / 2 || thps < (int64_t)(len / (2 * MiB)) / 2) {
		fig_not(&c->mthp, "not measured: %lld THPs faulted, %llu moved, %lld "
			"thp_migration_success (split, or no THPs)", (long long)thps,
			(unsigned long long)moved, (long long)tm);
		fig_not(&c->mcopy, "%s", c->mthp.how);
		munmap(p, len);
		return;
	}
	fig_set(&c->mthp, per, "move_pages(2) of %llu THPs between nodes %u and %u, back and forth: "
		"%llu moved in %.1f ms (%lld thp_migration_success)",
		(unsigned long long)(len / (2 * MiB)), a, b, (unsigned long long)moved, ms(ns),
		(long long)tm);
	double copy_ns = per - (c->mfolio.ok ? c->mfolio.v : 0);
	if (c->mfolio.ok && copy_ns > 0)
		fig_set(&c->mcopy, (double)(2 * MiB) / copy_ns,
			"2 MiB / (%.0f ns per THP move - %.0f ns per 4 KiB move)", per, c->mfolio.v);
	else
		fig_not(&c->mcopy, "not measured: a THP moved no slower than a 4 KiB page (%.0f ns "
			"against %.0f ns)", per, c->mfolio.ok ? c->mfolio.v : 0.0);
	munmap(p, len);
}

/* ---- hint faults: the same sweep with NUMA balancing on and off ---- */

struct sweep {
	uint64_t pages, ns;		/* page writes done, in this wall time */
	int64_t faults, pte_updates;	/* numa_hint_faults, numa_pte_updates meanwhile */
	uint64_t passes, median_ns;	/* whole passes over the buffer, the median one's time */
	uint64_t excess_ns;		/* the passes' time beyond the median */
	int ok;
};

#define MAX_PASSES (1u << 20)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One sweep, in a new process: fork and exec of this program
 * (--calibrate-sweep), whose new mm has no NUMA scan state. A forked child
 * would copy this process's mm->numa_next_scan, which this process's own
 * scans may have pushed seconds ahead (dup_mm() copies the mm). The child
 * first-touches its buffer from node @node's CPUs, so the hint faults find
 * their pages local and migrate nothing (do_numa_page()). A second, idle
 * thread makes the process multi-threaded (below).
 */
static void *idle_main(void *arg)
{
	for (;;)
		pause();
	return arg;
}

int nat_calibrate_sweep(char **argv)
{
	struct cal *c = calloc(1, sizeof(*c));
	char err[256];
	uint32_t node = (uint32_t)strtoul(argv[0], NULL, 10);
	uint64_t len = strtoull(argv[1], NULL, 10), slice = strtoull(argv[2], NULL, 10);

	if (!c || host_probe(&c->h, err, sizeof(err)) || node >= c->h.nr_nodes || len < PAGE_SIZE)
		return 1;
	c->nr_nodes = c->h.nr_nodes;
	pin_node(c, node);
	/* a second thread: change_pte_range() skips the local pages of a
	 * single-threaded process (mm_users == 1), so nothing would be scanned */
	pthread_t idle;
	if (pthread_create(&idle, NULL, idle_main, NULL))
		return 1;
	char *p = node_map(c, len, -1, -1);
	if (!p)
		return 1;
	memset(p, 1, len);
	/*
	 * Timed passes over the whole buffer. Most passes meet no protnone
	 * PTE (a scan comes every 100 ms, a pass takes far less), so the
	 * median pass is a clean one; what the others take beyond it is the
	 * hint faults' (and the scanner's) time. Robust against a slow start
	 * and a changing speed, which comparing two runs' rates is not.
	 */
	uint64_t *pass = malloc(MAX_PASSES * sizeof(*pass));
	uint64_t n = len / PAGE_SIZE, nr = 0, t0 = now_ns(), t = 0, prev = t0;
	if (!pass)
		return 1;
	int64_t f0 = vmstat("numa_hint_faults"), u0 = vmstat("numa_pte_updates");
	while (t < slice && nr < MAX_PASSES) {
		for (uint64_t i = 0; i < n; i++)
			p[i * PAGE_SIZE]++;
		uint64_t x = now_ns();
		pass[nr++] = x - prev;
		prev = x;
		t = x - t0;
	}
	int64_t f = vmstat("numa_hint_faults") - f0, u = vmstat("numa_pte_updates") - u0;
	qsort(pass, nr, sizeof(*pass), cmp_u64);
	uint64_t med = pass[nr / 2], excess = 0;
	for (uint64_t k = 0; k < nr; k++)
		excess += pass[k] > med ? pass[k] - med : 0;
	printf("%llu %llu %lld %lld %llu %llu %llu\n", (unsigned long long)(nr * n),
	       (unsigned long long)t, (long long)f, (long long)u, (unsigned long long)nr,
	       (unsigned long long)med, (unsigned long long)excess);
	free(pass);
	free(c);
	return 0;
}

static int run_sweep(uint32_t node, uint64_t len, uint64_t slice, struct sweep *out)
{
	char a[3][32], line[256] = "";
	int fd[2], st;
	unsigned long long pages, ns, passes, med, excess;
	long long faults, ptes;

	if (pipe(fd))
		return -1;
	snprintf(a[0], sizeof(a[0]), "%u", node);
	snprintf(a[1], sizeof(a[1]), "%llu", (unsigned long long)len);
	snprintf(a[2], sizeof(a[2]), "%llu", (unsigned long long)slice);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execl("/proc/self/exe", NATIVE_NAME, "--calibrate-sweep", a[0], a[1], a[2],
		      (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = pid > 0 ? fdopen(fd[0], "r") : NULL;
	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	} else {
		close(fd[0]);
	}
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid <= 0 || sscanf(line, "%llu %llu %lld %lld %llu %llu %llu", &pages, &ns, &faults,
			       &ptes, &passes, &med, &excess) != 7)
		return -1;
	*out = (struct sweep){ .pages = pages, .ns = ns, .faults = faults, .pte_updates = ptes,
			       .passes = passes, .median_ns = med, .excess_ns = excess, .ok = 1 };
	return 0;
}

struct saved {
	const char *path;
	char val[64];
	bool have;
};

static void measure_hint(struct cal *c, json_object *samples)
{
	static const char nb[] = "/proc/sys/kernel/numa_balancing";
	struct saved sv[3] = { { nb }, { NB_DIR "scan_delay_ms" }, { NB_DIR "scan_period_min_ms" } };
	struct sweep off = { 0 }, on = { 0 };
	char line[64];

	if (c->nr_nodes < 2) {
		fig_not(&c->hint, "not measured: one node (NUMA balancing does not scan)");
		return;
	}
	if (read_first_line(nb, line, sizeof(line))) {
		fig_not(&c->hint, "not measured: no %s (a kernel without CONFIG_NUMA_BALANCING)", nb);
		return;
	}
	debugfs_ensure();
	for (int i = 0; i < 3; i++)
		sv[i].have = read_first_line(sv[i].path, sv[i].val, sizeof(sv[i].val)) == 0;
	uint32_t n = c->cpu_node0;
	uint64_t len = MIN(buf_len(n), 32 * MiB);
	int e = knob_write(nb, "0"), r0 = -1, r1 = -1;
	if (!e) {
		r0 = run_sweep(n, len, HINT_OFF_SLICE_NS, &off);
		for (int i = 1; i < 3; i++)
			if (sv[i].have)
				knob_write(sv[i].path, "100");
		e = knob_write(nb, "1");
		if (!e)
			r1 = run_sweep(n, len, HINT_ON_SLICE_NS, &on);
	}
	for (int i = 0; i < 3; i++)	/* leave the kernel as it was */
		if (sv[i].have && knob_write(sv[i].path, sv[i].val))
			err_print(NATIVE_NAME, "warning: cannot restore %s to '%s'", sv[i].path,
				sv[i].val);
	json_object *o = sample("pages_off", (double)off.pages, "ns_off", (double)off.ns, "pages_on",
				(double)on.pages);
	json_object_object_add(o, "ns_on", json_object_new_uint64(on.ns));
	json_object_object_add(o, "numa_hint_faults_off", json_object_new_int64(off.faults));
	json_object_object_add(o, "numa_hint_faults", json_object_new_int64(on.faults));
	json_object_object_add(o, "numa_pte_updates", json_object_new_int64(on.pte_updates));
	json_object_object_add(o, "passes_off", json_object_new_uint64(off.passes));
	json_object_object_add(o, "median_pass_ns_off", json_object_new_uint64(off.median_ns));
	json_object_object_add(o, "excess_ns_off", json_object_new_uint64(off.excess_ns));
	json_object_object_add(o, "passes_on", json_object_new_uint64(on.passes));
	json_object_object_add(o, "median_pass_ns_on", json_object_new_uint64(on.median_ns));
	json_object_object_add(o, "excess_ns_on", json_object_new_uint64(on.excess_ns));
	json_object_object_add(o, "scan_knobs_set", json_object_new_boolean(sv[1].have && sv[2].have));
	json_object_array_add(samples, o);
	if (e) {
		fig_not(&c->hint, "not measured: cannot write %s: %s", nb, strerror(-e));
		return;
	}
	if (r0 || r1 || !off.pages || !on.pages || on.faults <= 0) {
		fig_not(&c->hint, "not measured: no hint faults in %.0f ms of sweeping with "
			"numa_balancing=1 (%lld%s)", ms(on.ns), (long long)on.faults,
			sv[1].have ? "" : "; no debugfs scan_delay_ms, so the default delay");
		return;
	}
	/*
	 * The faulting run's passes beyond its median pass, less the same
	 * excess of the run without faults (noise: interrupts, the host
	 * preempting a vCPU), scaled to the same time; less the scanner's PTE
	 * updates at numasim's pte_update_ns; per hint fault.
	 */
	double noise = (double)off.excess_ns * ((double)on.ns / (double)MAX(off.ns, 1));
	double extra = (double)on.excess_ns - noise - (double)on.pte_updates * c->m.cost.pte_update_ns;
	if (extra <= 0) {
		fig_not(&c->hint, "not measured: the passes with hint faults took no longer than the "
			"noise (%.2f ms beyond the median, %.2f ms without NUMA balancing)",
			ms(on.excess_ns), noise / 1e6);
		return;
	}
	fig_set(&c->hint, extra / (double)on.faults,
		"a new process (fork, exec; two threads) writing a %llu MiB buffer of its node %u "
		"page by page, timing each pass; numa_balancing=1, scan_delay_ms and "
		"scan_period_min_ms 100%s: %llu passes in %.1f ms, median %.3f ms, %.2f ms beyond "
		"it, %lld numa_hint_faults, %lld numa_pte_updates (less %u ns each); "
		"numa_balancing=0: %llu passes in %.1f ms, %.2f ms beyond the median (noise); "
		"(excess - noise) / hint faults", (unsigned long long)(len / MiB), n,
		sv[1].have ? "" : " (not settable)", (unsigned long long)on.passes, ms(on.ns),
		ms(on.median_ns), ms(on.excess_ns), (long long)on.faults, (long long)on.pte_updates,
		c->m.cost.pte_update_ns, (unsigned long long)off.passes, ms(off.ns),
		ms(off.excess_ns));
}

/* ---- the machine file ---- */

/* A figure as a key of the file, clamped into the parser's range. */
static void put_f64(FILE *out, const char *key, const struct fig *f, double lo, double hi,
		    const char *deflt)
{
	if (!f->ok) {
		fprintf(out, "# %s: %s; numasim's default (%s) applies\n", key, f->how, deflt);
		return;
	}
	fprintf(out, "# %s: %s\n", key, f->how);
	double v = f->v;
	if (v < lo || v > hi) {
		v = v < lo ? lo : hi;
		fprintf(out, "# measured %.6g, clamped to the parser's range\n", f->v);
	}
	fprintf(out, "%s = %.3f\n", key, v);
}

static void put_ns(FILE *out, const char *key, const struct fig *f, uint32_t deflt)
{
	if (!f->ok) {
		fprintf(out, "# %s: %s; numasim's default (%u) applies\n", key, f->how, deflt);
		return;
	}
	double v = round(f->v);
	fprintf(out, "# %s: %s: %.1f ns\n", key, f->how, f->v);
	if (v < 0 || v > 1e9) {
		v = v < 0 ? 0 : 1e9;
		fprintf(out, "# clamped to the parser's range 0..1000000000\n");
	}
	fprintf(out, "%s = %.0f\n", key, v);
}

static void write_nodes(FILE *out, const struct cal *c)
{
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		uint64_t mb = ALIGN_DOWN(c->mem_bytes[n], 4 * MiB) / MiB;
		fprintf(out, "\n[node %u]\n", n);
		if (c->h.node_nr_cpus[n] == 0)
			fprintf(out, "# no CPUs; memory tier %d%s\n", c->tier[n],
				c->kind[n] == MEM_PMEM ? ", below the top tier: pmem" : "");
		fprintf(out, "kind = %s\n", mem_kind_name(c->kind[n]));
		if (mb == 0)
			fprintf(out, "# the node has less than 4 MiB: the smallest size numasim takes\n");
		fprintf(out, "memory = %lluM\n", (unsigned long long)MAX(mb, 4));
		fprintf(out, "cores = %u\n", c->m.node[n].nr_cpus / MAX(c->m.smt, 1));
		fprintf(out, "socket = %u\n", c->m.node[n].socket);
		if (c->tier[n] > 0)	/* the kernel's tier, not one numasim derives from latency */
			fprintf(out, "memory_tier = %d\n", c->tier[n]);
		put_f64(out, "bw_gbps", &c->bw[n], 0.001, 1e6, "none: 10 written");
		if (!c->bw[n].ok)
			fprintf(out, "bw_gbps = 10\n");	/* required for a new node */
		put_f64(out, "write_bw_gbps", &c->wbw[n], 0.001, 1e6, "bw_gbps");
	}
}

static void write_latency(FILE *out, const struct cal *c)
{
	fprintf(out, "\n[latency]\n# dependent loads, one random cycle through every 64-byte line "
		"of a buffer bound (MPOL_BIND) to the column's node, by a thread on the row's node,\n"
		"# for %.0f ms each in %d parts; ns per load of the fastest part, nothing subtracted "
		"(TLB misses included)\n", ms(LAT_SLICE_NS), LAT_PARTS);
	for (uint32_t m = 0; m < c->nr_nodes; m++)
		fprintf(out, "# %s\n", c->lat_how[m]);
	for (uint32_t a = 0; a < c->nr_nodes; a++) {
		if (!c->h.node_nr_cpus[a])
			continue;
		for (uint32_t b = 0; b < c->nr_nodes; b++)
			if (!c->have_lat[a][b])
				fprintf(out, "# %u -> %u not measured: %u ns from the SLIT\n", a, b,
					c->m.latency_ns[a][b]);
		fprintf(out, "%u =", a);
		for (uint32_t b = 0; b < c->nr_nodes; b++) {
			double v = c->have_lat[a][b] ? round(c->lat[a][b]) : c->m.latency_ns[a][b];
			fprintf(out, " %.0f", MIN(MAX(v, 1.0), 1e6));
		}
		fputc('\n', out);
	}
	if (!c->have_dist) {
		fprintf(out, "\n# no [distance]: sysfs node distances missing or not SLIT values; "
			"numasim derives them from [latency]\n");
		return;
	}
	fprintf(out, "\n[distance]\n# /sys/devices/system/node/nodeN/distance\n");
	for (uint32_t a = 0; a < c->nr_nodes; a++) {
		fprintf(out, "%u =", a);
		for (uint32_t b = 0; b < c->nr_nodes; b++)
			fprintf(out, " %u", c->dist[a][b]);
		fputc('\n', out);
	}
}

static int write_machine(const char *path, const struct cal *c, const char *kernel)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -errno;
	fprintf(out, "# A numasim machine file measured by " NATIVE_NAME " --calibrate on %s\n"
		"# (docs/native.md, \"Calibration\"). Figures are what this machine (or emulator) "
		"showed;\n# keys not written keep numasim's defaults (docs/machine-file.md).\n", kernel);
	fprintf(out, "# Topology: hwloc (cores, smt, sockets) and sysfs; memory = each node's MemTotal%s,"
		"\n# rounded down to 4 MiB. kind: pmem for a CPU-less node below the top memory tier "
		"(%s), else dram.\n", c->mem_from_sysfs ? "" : " (hwloc's local_memory: no node meminfo)",
		c->have_tiers ? "/sys/devices/virtual/memory_tiering" : "no memory tiers here: all dram");
	fprintf(out, "# Not measured (defaults): link_bw_gbps, smt_stream_share, smt_latency_factor,\n"
		"# random_mlp, erms, walk_ns, [tlb], pte_update_ns, tlb_flush_*, shootdown_*.\n");
	fprintf(out, "# name: none, so the file name names the machine\n\n");
	fprintf(out, "smt = %u\n", MAX(c->m.smt, 1));
	put_f64(out, "thread_bw_gbps", &c->thread_bw, 0.001, 1e6, "12");
	write_nodes(out, c);
	write_latency(out, c);
	fprintf(out, "\n[cost]\n");
	put_ns(out, "minor_fault_ns", &c->minor, 1000);
	put_ns(out, "hint_fault_ns", &c->hint, 1500);
	put_ns(out, "migrate_folio_ns", &c->mfolio, 1000);
	put_f64(out, "migrate_copy_gbps", &c->mcopy, 0.001, 1e6, "10.67");
	put_f64(out, "clear_page_gbps", &c->clear, 0.001, 1e6, "0, the node's write bandwidth");
	if (c->thp.ok)
		fprintf(out, "# THP fault: %.0f ns per 2 MiB fault (its clearing is clear_page_gbps)\n",
			c->thp.v);
	return fclose(out) ? -errno : 0;
}

/* ---- the JSON ---- */

static json_object *topology_json(const struct cal *c)
{
	json_object *t = json_object_new_object(), *nodes = json_object_new_array();

	json_object_object_add(t, "smt", json_object_new_int((int)c->m.smt));
	json_object_object_add(t, "memory_source",
			       json_object_new_string(c->mem_from_sysfs ? "MemTotal" : "hwloc"));
	json_object_object_add(t, "memory_tiers", json_object_new_boolean(c->have_tiers));
	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		json_object *o = json_object_new_object(), *d = json_object_new_array();
		json_object_object_add(o, "node", json_object_new_int((int)n));
		json_object_object_add(o, "cpus", json_object_new_int((int)c->h.node_nr_cpus[n]));
		json_object_object_add(o, "cores", json_object_new_int((int)(c->m.node[n].nr_cpus /
									  MAX(c->m.smt, 1))));
		json_object_object_add(o, "socket", json_object_new_int((int)c->m.node[n].socket));
		json_object_object_add(o, "kind", json_object_new_string(mem_kind_name(c->kind[n])));
		json_object_object_add(o, "memory_bytes", json_object_new_uint64(c->mem_bytes[n]));
		json_object_object_add(o, "tier", c->tier[n] >= 0 ? json_object_new_int(c->tier[n]) : NULL);
		for (uint32_t b = 0; b < c->nr_nodes && c->have_dist; b++)
			json_object_array_add(d, json_object_new_int((int)c->dist[n][b]));
		json_object_object_add(o, "distance", c->have_dist ? d : NULL);
		if (!c->have_dist)
			json_object_put(d);
		json_object_array_add(nodes, o);
	}
	json_object_object_add(t, "nodes", nodes);
	return t;
}

static void node_figs_json(struct cal *c, const char *name, const struct fig *f, const char *key,
			   bool write)
{
	json_object *v = json_object_new_array(), *how = json_object_new_array();
	bool any = false;

	for (uint32_t n = 0; n < c->nr_nodes; n++) {
		json_object_array_add(v, f[n].ok ? json_object_new_double(f[n].v) : NULL);
		json_object_array_add(how, json_object_new_string(f[n].how));
		any |= f[n].ok;
	}
	struct fig all = { .ok = any };
	snprintf(all.how, sizeof(all.how), "per node: the threads of the nearest node with CPUs "
		 "%s a buffer on the node for %.0f ms (node_method)", write ? "writing" : "reading",
		 ms(BW_SLICE_NS));
	json_object *o = meas_add(c, name, &all, "GB/s", key, json_object_get(c->bw_samples));
	json_object_object_add(o, "value", v);
	json_object_object_add(o, "node_method", how);
}

static int write_json(const char *path, struct cal *c, const char *kernel, const char *mpath,
		      const struct knob_req *k, uint32_t nr_knobs)
{
	json_object *r = json_object_new_object(), *nat = json_object_new_object();

	json_object_object_add(r, "numasim_version", json_object_new_string(NUMASIM_VERSION));
	json_object_object_add(r, "kernel", json_object_new_string(kernel));
	json_object_object_add(r, "machine_file", json_object_new_string(mpath));
	json_object_object_add(r, "topology", topology_json(c));
	json_object_object_add(r, "measurements", json_object_get(c->meas));
	json_object_object_add(nat, "knobs_set", knobs_set_json(k, nr_knobs));
	json_object_object_add(r, "native", nat);
	int rc = json_object_to_file_ext(path, r, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	json_object_put(r);
	return rc ? -1 : 0;
}

static void lat_json(struct cal *c)
{
	json_object *v = json_object_new_array();
	bool any = false;

	for (uint32_t a = 0; a < c->nr_nodes; a++) {
		json_object *row = json_object_new_array();
		for (uint32_t b = 0; b < c->nr_nodes; b++) {
			json_object_array_add(row, c->have_lat[a][b] ? json_object_new_double(c->lat[a][b])
								     : NULL);
			any |= c->have_lat[a][b];
		}
		json_object_array_add(v, row);
	}
	struct fig f = { .ok = any };
	snprintf(f.how, sizeof(f.how), "dependent loads over one random cycle of 64-byte lines in a "
		 "buffer bound to the column's node, thread on the row's node, %.0f ms each in %d "
		 "parts: ns per load of the fastest part (samples: mean_ns_per_load of all); "
		 "rows of CPU-less nodes are null", ms(LAT_SLICE_NS), LAT_PARTS);
	json_object *o = meas_add(c, "latency_ns", &f, "ns", "[latency]", c->lat_samples);
	json_object_object_add(o, "value", v);
}

int nat_calibrate(const char *path, const char *json, const struct knob_req *k, uint32_t nr_knobs,
		  bool quiet)
{
	struct cal *c = calloc(1, sizeof(*c));
	char err[512], kernel[320] = "Linux (unknown)";
	struct utsname u;
	int rc = 0;

	if (!c)
		return 2;
	if (uname(&u) == 0)
		snprintf(kernel, sizeof(kernel), "Linux %s (%s)", u.release, u.machine);
	if (topology(c, err, sizeof(err))) {
		err_print(NATIVE_NAME, "--calibrate: cannot describe this host: %s", err);
		free(c);
		return 1;
	}
	c->meas = json_object_new_object();
	c->lat_samples = json_object_new_array();
	c->bw_samples = json_object_new_array();
	json_object *minor = json_object_new_array(), *thp = json_object_new_array();
	json_object *m4k = json_object_new_array(), *mthp = json_object_new_array();
	json_object *hint = json_object_new_array();
	uint64_t t0 = now_ns();
	for (uint32_t n = 0; n < c->nr_nodes; n++)
		measure_node(c, n);
	measure_loaded(c, c->bw_samples);
	measure_faults(c, minor, thp);
	measure_migration(c, m4k, mthp);
	measure_hint(c, hint);
	split_fault_costs(c);
	uint64_t took = now_ns() - t0;

	lat_json(c);
	meas_add(c, "thread_bw_gbps", &c->thread_bw, "GB/s", "thread_bw_gbps", NULL);
	node_figs_json(c, "bw_gbps", c->bw, "[node N] bw_gbps", false);
	node_figs_json(c, "write_bw_gbps", c->wbw, "[node N] write_bw_gbps", true);
	meas_add(c, "minor_fault_ns", &c->minor, "ns", "[cost] minor_fault_ns", minor);
	meas_add(c, "thp_fault_ns", &c->thp, "ns", NULL, thp);
	meas_add(c, "migrate_folio_ns", &c->mfolio, "ns", "[cost] migrate_folio_ns", m4k);
	meas_add(c, "migrate_thp_ns", &c->mthp, "ns", NULL, mthp);
	meas_add(c, "migrate_copy_gbps", &c->mcopy, "GB/s", "[cost] migrate_copy_gbps", NULL);
	meas_add(c, "clear_page_gbps", &c->clear, "GB/s", "[cost] clear_page_gbps", NULL);
	meas_add(c, "hint_fault_ns", &c->hint, "ns", "[cost] hint_fault_ns", hint);
	json_object_object_add(c->meas, "calibration_s", json_object_new_double((double)took / 1e9));

	int e = write_machine(path, c, kernel);
	if (e) {
		err_print(NATIVE_NAME, "--calibrate: cannot write '%s': %s", path, strerror(-e));
		rc = 1;
	} else {
		struct machine check;
		if (machine_resolve(&check, path, err, sizeof(err))) {
			err_print(NATIVE_NAME, "--calibrate: BUG: the file written does not load: "
				"%s", err);
			rc = 1;
		}
	}
	if (json && write_json(json, c, kernel, path, k, nr_knobs)) {
		err_print(NATIVE_NAME, "--json: cannot write '%s': %s", json, strerror(errno));
		rc = 1;
	}
	if (!quiet && !rc)
		printf(NATIVE_NAME ": calibrated %s in %.1f s: %s\n", kernel, (double)took / 1e9, path);
	json_object_put(c->meas);
	json_object_put(c->bw_samples);
	free(c);
	return rc;
}
