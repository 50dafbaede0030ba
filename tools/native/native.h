/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/native/native.h - numasim-native: a workload of the simulator run
 * as a real program on this Linux machine (docs/native.md).
 *
 * One monitor process (main.c) builds the workload, forks one process per
 * initial workload process, samples /proc and /sys while they run
 * (sample.c), and writes the result in the schema of `numasim run --json`
 * (report.c).
 * The workload processes (exec.c) run their programs with real threads,
 * forks and system calls. Everything they report goes through one shared
 * anonymous mapping (struct nat_shared), created before the first fork so
 * every process of the workload sees it.
 *
 * host.c holds the libnuma/numaif calls: <numaif.h> defines MPOL_* as
 * macros, which would clash with numasim's enum mpol_mode in the files that
 * include workload.h.
 */
#ifndef NUMASIM_NATIVE_NATIVE_H
#define NUMASIM_NATIVE_NATIVE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/compiler.h"
#include "machine/machine.h"

#define NATIVE_NAME "numasim-native"
#define NAT_MAX_SYSCALLS 4096		/* "syscalls" records kept; later ones are counted */
#define NAT_MAX_TASKS 65536
#define NAT_MAX_PROCS 4096

/* A workload region of one process, published for the sampler. */
struct nat_region {
	_Atomic uint64_t start, len;	/* len 0: not mapped (yet, or any more) */
	/* at the process's exit: the start of the VMA holding the region's first
	 * byte and the end of the one holding its last (the kernel may have merged
	 * the region with a neighbour); 0: not read */
	_Atomic uint64_t vma_start, vma_end;
	_Atomic uint64_t thp_bytes;	/* at exit: AnonHugePages of the VMAs overlapping it */
};

enum nat_proc_state { NAT_PROC_NONE, NAT_PROC_RUNNING, NAT_PROC_EXITED };

struct nat_proc {
	_Atomic int pid;
	_Atomic int state;		/* enum nat_proc_state */
	_Atomic int final_valid;	/* final_pages[] read at exit */
	uint64_t final_pages[MAX_NUMNODES];	/* workload regions, per node, at exit */
	uint64_t final_all_pages[MAX_NUMNODES];	/* every mapping of the process */
	uint64_t exit_ns;
};

/* A thread of the workload, as /proc/thread-self/sched showed it at its exit. */
struct nat_task {
	_Atomic int valid;
	uint32_t proc;
	int tid, cpu, node;
	uint64_t exit_ns;
	double sum_exec_runtime_ms;
	uint64_t nr_migrations;
	int64_t numa_preferred_nid;	/* -1: none; absent without CONFIG_NUMA_BALANCING */
	int64_t numa_scan_seq, numa_pages_migrated, total_numa_faults, numa_group_id;
	uint32_t have_numa;		/* the NUMA lines were there */
};

/* One move_pages/migrate_pages/mbind/... outcome worth reporting. */
struct nat_syscall {
	uint32_t proc, task;
	uint32_t op;			/* enum wl_op */
	uint64_t t_ns;
	int64_t rc;
	int err;			/* errno, 0 on success */
	uint64_t nr_pages;		/* move_pages: pages asked for */
	uint64_t status_node[MAX_NUMNODES];	/* move_pages: pages now on node n */
	uint64_t status_err[8];		/* move_pages: pages with status -errno, by nat_status_errs[] */
};

#define NAT_NR_STATUS_ERRS 8
extern const int nat_status_errs[NAT_NR_STATUS_ERRS];	/* the last one: "other" */

struct nat_shared {
	pthread_barrier_t start;	/* every initial process and the monitor */
	pthread_mutex_t lock;		/* error[], syscalls */
	_Atomic uint32_t next_proc, next_task;
	_Atomic int failed;
	char error[512];
	_Atomic uint64_t accesses;	/* 64-byte accesses of random/skewed/gauss/lookup phases */
	_Atomic uint64_t access_start_ns;	/* first access phase, from t0; UINT64_MAX: none */
	uint64_t t0_ns;			/* CLOCK_MONOTONIC at the start, set before release */
	uint32_t nr_syscalls, dropped_syscalls;
	uint32_t max_procs, max_tasks, max_regions, nr_barriers;
	/* after the struct, in this order: */
	pthread_barrier_t *barriers;	/* [nr_barriers] */
	struct nat_proc *procs;		/* [max_procs] */
	struct nat_region *regions;	/* [max_procs * max_regions] */
	struct nat_task *tasks;		/* [max_tasks] */
	struct nat_syscall *syscalls;	/* [NAT_MAX_SYSCALLS] */
};

/* What this host is: nodes with CPUs and memory (host.c). */
struct nat_host {
	uint32_t nr_nodes;		/* nodes 0 .. nr_nodes - 1 (sysfs node numbers) */
	int numa;			/* libnuma works (numa_available() >= 0) */
	uint64_t node_cpus[MAX_NUMNODES][MAX_CPUS / 64];
	uint32_t node_nr_cpus[MAX_NUMNODES];
	uint32_t cpu_node[MAX_CPUS];
	uint32_t nr_cpus;		/* highest CPU number + 1 */
};

/* &start (@len 0) or &len of region @r of process @proc */
static inline _Atomic uint64_t *nat_region(struct nat_shared *sh, uint32_t proc, uint32_t r, int len)
{
	struct nat_region *x = &sh->regions[(uint64_t)proc * sh->max_regions + r];
	return len ? &x->len : &x->start;
}

uint64_t nat_now_ns(void);
void nat_lock(struct nat_shared *sh);
/* Record the first failure of the run (later ones are printed, not kept). */
void nat_fail(struct nat_shared *sh, const char *fmt, ...) sim_printf(2, 3);

/* host.c */
int host_probe(struct nat_host *h, char *err, size_t errlen);
long host_mbind(void *addr, uint64_t len, int mode, uint64_t nodes);
long host_set_mempolicy(int mode, uint64_t nodes);
long host_move_pages(uint64_t count, void **pages, const int *nodes, int *status);
long host_migrate_pages(uint64_t from, uint64_t to);

/* exec.c: run initial process @proc (its main program) in this, a new
 * process; does not return. */
struct workload;
sim_noreturn void nat_process_main(struct nat_shared *sh, const struct workload *wl,
				   const struct nat_host *h, uint64_t seed, uint32_t proc,
				   uint32_t program);

/* calibrate.c: --calibrate: measure this host, write machine file @path (and
 * the raw figures to @json); the --set knobs @k go into the JSON. Exit status. */
struct knob_req;
int nat_calibrate(const char *path, const char *json, const struct knob_req *k, uint32_t nr_knobs,
		  bool quiet);
/* The hidden --calibrate-sweep NODE LEN SLICE_NS of the hint fault measurement. */
int nat_calibrate_sweep(char **argv);

/* selftest.c: the --ops-test workload; 0 or -1 with a message */
int nat_ops_test_workload(struct workload *wl, char *err, size_t errlen);

/* procfs.c: /proc and /sys readers */
struct nat_counters {
	uint32_t nr;
	char (*name)[64];
	int64_t *val;
};
int read_counters(const char *path, struct nat_counters *c, int keyed_colon);
void counters_free(struct nat_counters *c);
int64_t counter_get(const struct nat_counters *c, const char *name, int *found);
/* Pages per node of /proc/<pid>/numa_maps, in the regions of process @proc
 * (@in_regions) and in every mapping (@all); -1 if it cannot be read. */
int read_numa_maps(struct nat_shared *sh, uint32_t proc, int pid, uint64_t *in_regions,
		   uint64_t *all);
/* At exit: the VMAs around each of process @proc's regions and their THPs
 * (struct nat_region), from /proc/<pid>/smaps. */
void read_region_vmas(struct nat_shared *sh, uint32_t proc, int pid);
/* /proc/<path>/sched into @t (pid/tid fields untouched); 0 or -1. */
int read_sched(const char *path, struct nat_task *t);
uint64_t node_meminfo_kb(uint32_t node, const char *key, int *found);
int read_first_line(const char *path, char *buf, size_t len);

#endif
