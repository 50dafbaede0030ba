/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload/workload.h - what a simulated program does, as plain data.
 *
 * A workload is a set of processes. Each process starts at time 0 with one
 * main thread running its main program; programs are lists of phases. Memory
 * is named by region: WL_MMAP creates region R of the process, and later
 * phases of any thread of that process address [off, off + len) of region R.
 * WL_SPAWN starts a new thread of the same process running another program.
 * WL_FORK starts a new process (fork(2)): its main thread runs program
 * `target`, and its address space is a copy-on-write copy of the parent's,
 * so the regions the parent had created are valid in the child under the
 * same indices; the child may create more after them. Only a main program
 * may fork. Forked processes are created at run time: they are not in
 * procs[]; the engine numbers them after the initial ones.
 *
 * Generators (builtin.c: numa01, numa02, ...; generic.c: seq, random, skewed,
 * forkcow; tiering.c: pmbench, xsbench) and the trace readers (trace.c: a
 * WL_TRACE phase per recorded thread) all produce this same description, so
 * the engine cannot tell them apart.
 *
 * Invariants (workload_validate()):
 *   every program index, region index and barrier index is in range;
 *   a region is created (WL_MMAP) by the main program before it is used, and
 *   [off, off + len) lies inside the region; lengths are page multiples;
 *   only a main program mremaps, and only its own regions: after a WL_MREMAP
 *   the region's size is new_len for the phases after it in that program and
 *   for every other program of the process (SIMPLIFIED: a thread running
 *   concurrently with the mremap is checked against the final size only; an
 *   access outside every VMA still fails the run cleanly);
 *   a forked program is the main program of its own process, forked only by
 *   one program and everywhere with the same number of regions created;
 *   spawns and forks form no cycle;
 *   each barrier's nr_parties equals the number of threads that reach it.
 */
#ifndef NUMASIM_WORKLOAD_WORKLOAD_H
#define NUMASIM_WORKLOAD_WORKLOAD_H

#include "core/compiler.h"
#include "mem/mempolicy.h"
#include "mem/mman.h"

struct machine;

enum wl_op {
	WL_MMAP,		/* region = mmap(len) anonymous private, rw */
	WL_MUNMAP,		/* unmap [off, off+len) of region */
	WL_MPROTECT,		/* prot (WL_PROT_*) on [off, off+len) */
	WL_MADVISE,		/* advice (MM_MADV_*) on [off, off+len) */
	WL_SET_MEMPOLICY,	/* this thread's task policy = {mode, nodes} */
	WL_MBIND,		/* VMA policy {mode, nodes} on [off, off+len) */
	WL_SWEEP,		/* count sequential passes over [off, off+len) */
	WL_RANDOM,		/* count 64-byte accesses, uniform over the range */
	WL_SKEWED,		/* count accesses: hot_frac of the range gets hot_prob of them */
	WL_SPAWN,		/* start a thread of this process running program `target` */
	WL_JOIN,		/* wait until every thread this one spawned or forked has exited */
	WL_BARRIER,		/* wait at barrier `target` */
	WL_SLEEP,		/* sleep ns */
	WL_COMPUTE,		/* ns of CPU work that touches no memory */
	WL_SET_AFFINITY,	/* run only on the CPUs of nodes pol.nodes (sched_setaffinity) */
	WL_FORK,		/* start a process running program `target` (fork); WL_JOIN waits for it */
	WL_GAUSS,		/* count accesses: normal around the middle of the range, stddev * len */
	WL_LOOKUP,		/* count table lookups (struct wl_lookup) */
	WL_DEV_MIGRATE,		/* migrate [off, off+len) to device node `target` (arg WL_TO_DEVICE)
				 * or from it back to system memory (WL_TO_SYSTEM) */
	WL_DEV_KERNEL,		/* device node `target` runs count passes over [off, off+len)
				 * with `arg` device threads (0: all); the thread waits */
	WL_MREMAP,		/* mremap [off, off+len) of region to new_len (MREMAP_MAYMOVE);
				 * the region becomes the result, [0, new_len) */
	WL_MOVE_PAGES,		/* move_pages(2) of each page of [off, off+len): page i to the
				 * i-th node of pol.nodes, round-robin (pol.mode unused) */
	WL_MIGRATE_PAGES,	/* migrate_pages(2) of this process: from pol.nodes to to_nodes */
	WL_SET_CPUS,		/* sched_setaffinity to wl->cpusets[target] (CPU numbers) */
	WL_ZIPF,		/* count accesses over the range's lines, Zipf(zipf_s) by rank,
				 * ranks scattered over the range by a fixed permutation */
	WL_CHASE,		/* count dependent loads: a pointer chase over a random cycle of
				 * the range's lines (one load waits for the previous) */
	WL_TRACE,		/* replay stream `arg` of trace wl->traces[target] (workload/trace.h)
				 * count times (0: once); its regions are the process's from `region` */
	NR_WL_OPS
};

enum wl_access { WL_READ = 1, WL_WRITE = 2, WL_RW = 3 /* read then write each line */ };
/*
 * How a WL_WRITE sweep stores (docs/cost-model.md, "Stores"):
 *   WL_STORE_RFO  ordinary stores: each line is read for ownership and later
 *		   written back, two bytes on the bus per byte swept;
 *   WL_STORE_NT   stores that do not read the line first (movnt*, or rep
 *		   stosb on a CPU with ERMS, as glibc's memset above 2 KiB).
 */
enum wl_store { WL_STORE_RFO, WL_STORE_NT };
enum wl_prot { WL_PROT_NONE = 0, WL_PROT_READ = 1, WL_PROT_RW = 3 };
/* WL_MMAP flags (arg) */
#define WL_MAP_SHARED	1u	/* MAP_SHARED|MAP_ANONYMOUS instead of MAP_PRIVATE */
/* WL_MBIND flags (arg) */
#define WL_MBIND_MOVE	1u	/* MPOL_MF_MOVE: also migrate the range's pages to the policy */
enum wl_dev_dir { WL_TO_DEVICE, WL_TO_SYSTEM };

/*
 * WL_LOOKUP: the range [off, off + len) is a lookup table laid out as
 *   [0, data_len)			records, gathered at random
 *   [data_len, data_len + keys_len)	sorted 8-byte keys, binary-searched
 *   [data_len + keys_len, len)		one row per key, rows_len / nr_keys bytes each
 * (XSBench's nuclide grid, unionized energy grid and index grid, in the order
 * it allocates them). One lookup reads, each 64-byte line once in a row:
 *   the lines a binary search for a uniform random key visits;
 *   `gathers` times, an entry of that key's row (spread over the row) and a
 *   uniform random line of the records;
 * then makes one access to a uniform random line of [work_off, work_off +
 * work_len) of the same region (a write with probability write_ratio, as
 * WL_RANDOM's accesses), the thread's private working set.
 */
struct wl_lookup {
	uint64_t data_len, keys_len;	/* keys_len: a multiple of 8 */
	uint64_t work_off, work_len;	/* page multiples, the length nonzero */
	uint32_t gathers;		/* 1 to WL_LOOKUP_MAX_GATHERS */
};

#define WL_LOOKUP_MAX_GATHERS 4096u

struct wl_phase {
	enum wl_op op;
	uint32_t region;	/* region index within the process */
	uint64_t off, len;	/* byte range within the region (len of WL_MMAP: size) */
	uint64_t count;		/* WL_SWEEP: passes; WL_RANDOM/WL_SKEWED/WL_GAUSS/WL_ZIPF/
				 * WL_CHASE: accesses; WL_LOOKUP: lookups. With duration_ns
				 * nonzero, count is 0 and the phase repeats until then */
	uint64_t duration_ns;	/* access phases: run for this much simulated time instead */
	uint64_t stride;	/* WL_SWEEP: bytes from one access to the next (0: every line) */
	uint64_t align;		/* WL_MMAP: the address is a multiple of this (0: page) */
	uint64_t new_len;	/* WL_MREMAP */
	nodemask_t to_nodes;	/* WL_MIGRATE_PAGES */
	double zipf_s;		/* WL_ZIPF: exponent, > 0 (1: classic Zipf) */
	enum wl_access access;	/* sweeps and accesses; WL_LOOKUP: its work accesses */
	enum wl_store store;	/* WL_SWEEP with WL_WRITE */
	double write_ratio;	/* WL_RANDOM/WL_SKEWED/WL_GAUSS/WL_LOOKUP with WL_RW: share of writes */
	double hot_frac;	/* WL_SKEWED: hot fraction of the range (at its start) */
	double hot_prob;	/* WL_SKEWED: probability an access goes to the hot part */
	double stddev;		/* WL_GAUSS: standard deviation as a fraction of len, in (0, 1] */
	struct wl_lookup lk;	/* WL_LOOKUP */
	uint32_t target;	/* WL_SPAWN, WL_FORK: program; WL_BARRIER: barrier index;
				 * WL_DEV_*: the device node; WL_SET_CPUS: cpuset index;
				 * WL_TRACE: trace index */
	uint32_t arg;		/* WL_MMAP: WL_MAP_* flags; WL_MBIND: WL_MBIND_* flags;
				 * WL_MPROTECT: enum wl_prot;
				 * WL_MADVISE: enum mm_madv; WL_TRACE: stream;
				 * WL_DEV_MIGRATE: enum wl_dev_dir; WL_DEV_KERNEL: device threads */
	struct mempolicy pol;	/* WL_SET_MEMPOLICY, WL_MBIND; WL_SET_AFFINITY: nodes */
	uint64_t ns;		/* WL_SLEEP, WL_COMPUTE */
};

/* A CPU list for WL_SET_CPUS: bit c = CPU c (cpumask_t's layout). */
struct wl_cpuset {
	uint64_t bits[1024 / 64];	/* MAX_CPUS */
};

struct wl_trace;

/* Regions one process may create, inherited ones included (MM_MAX_REGIONS). */
#define WL_MAX_REGIONS 64u

/* --scale as the commands take it: below a millionth every size is already one page. */
#define WL_SCALE_MIN 0.000001
#define WL_SCALE_MAX 1000.0

struct wl_program {
	struct wl_phase *phases;
	uint32_t nr_phases;
	uint32_t cap;
};

struct wl_process {
	uint32_t main_program;
	uint32_t nr_regions;
};

struct workload {
	char name[64];
	char desc[256];		/* effective parameters, "numa01:size=3G,threads=64,..." */
	struct wl_program *programs;
	uint32_t nr_programs, cap_programs;
	struct wl_process *procs;
	uint32_t nr_procs, cap_procs;
	uint32_t *barrier_parties;	/* per barrier: threads that must arrive */
	uint32_t nr_barriers;
	struct wl_cpuset *cpusets;	/* WL_SET_CPUS targets */
	uint32_t nr_cpusets;
	struct wl_trace **traces;	/* WL_TRACE targets, owned (workload/trace.h) */
	uint32_t nr_traces;
	/* how workload_free() frees traces[i]: set by the reader that added one
	 * (workload/trace.c), so the IR does not call up into its readers */
	void (*trace_free)(struct wl_trace *t);
	uint8_t il_weights[64];		/* /sys/kernel/mm/mempolicy/weighted_interleave/nodeN,
					 * by node; 0: not set (the kernel's default, 1) */
};

/*
 * workload_build - build the workload named by @spec ("NAME[:key=value,...]")
 * for @m, scaled by @scale (memory and work together), with randomness drawn
 * from @seed. Return 0, or -1 with a message naming the bad key or value in
 * @err. The caller frees it with workload_free().
 */
int workload_build(struct workload *wl, const char *spec, const struct machine *m,
		   double scale, uint64_t seed, char *err, size_t errlen);
void workload_free(struct workload *wl);
/*
 * The two halves of workload_build() (workload/load.c dispatches): check
 * the arguments every spec shares, then build a built-in or trace:FILE spec
 * (workload files go to wlfile_load() instead).
 */
int wl_check_inputs(const char *spec, const struct machine *m, double scale, char *err,
		    size_t errlen);
int wl_build_spec(struct workload *wl, const char *spec, const struct machine *m,
		  double scale, uint64_t seed, char *err, size_t errlen);
int workload_validate(const struct workload *wl, char *err, size_t errlen);

/* Built-in workload names (NULL-terminated) and their one-line help. */
extern const char *const workload_names[];
const char *workload_help(const char *name);

/* Building blocks for generators. */
uint32_t wl_add_program(struct workload *wl);
uint32_t wl_add_process(struct workload *wl, uint32_t main_program);
struct wl_phase *wl_add_phase(struct workload *wl, uint32_t program, enum wl_op op);
/* A new barrier that @parties threads must reach; return its index. */
uint32_t wl_add_barrier(struct workload *wl, uint32_t parties);
/* A new (empty) CPU set for WL_SET_CPUS; return its index. */
uint32_t wl_add_cpuset(struct workload *wl);

const char *wl_op_name(enum wl_op op);

#endif
