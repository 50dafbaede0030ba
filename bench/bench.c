// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/bench.c - speed and memory figures of numasim (make bench).
 *
 * Each case runs in a child process, so its peak RSS is its own. Prints:
 *   1. the autonuma-benchmark workloads at full size on 2node-128cpu:
 *      simulated seconds, host seconds, peak host memory;
 *   2. translations per second on a TLB-missing random-access run
 *      (4 KiB pages over 1, 4 and 64 GiB, far beyond the TLB's reach);
 *   2b. the same for random, zipf (s = 0.99, 1.2) and pointer-chase accesses:
 *      host accesses per second, TLB misses, simulated ns per access.
 *      Sections 2 and 2b time the run with the child's user CPU seconds,
 *      best of three, so that other jobs on a shared host count less;
 *   3. host bytes per simulated 4 KiB page touched, with THP (default) and
 *      with 4 KiB pages only.
 *   4. NUMA balancing: the four autonuma-benchmark workloads at full size on
 *      2node-128cpu with balancing off, mainline (PMD THPs), mainline with
 *      numasim.mthp_numa=0 and =1 at 16, 64 and 128 KiB mTHP (only that size,
 *      PMD THP off), and the 2012 AutoNUMA policy; the same on 4node-48cpu.
 *      Cells: simulated s / host s.
 *   5. Memory tiering: pmbench and xsbench on tiered-16cpu and
 *      tiered-2node-cxl with kernel.numa_balancing 0..3 (demotion enabled):
 *      accesses per second of the timed phase, promoted and demoted MiB.
 *   6. Deferred flushes (numasim.migrc 0, 1, luf): xsbench on tiered-16cpu
 *      in tiering mode and the autonuma-benchmark workloads on 2node-128cpu,
 *      each with migration entries that keep the dirty bit (Linux 6.1+,
 *      numasim.migration_entry_ad=1) and without (=0): simulated s, remote
 *      flushes sent and received, pages migrated, peak pending pages, host s,
 *      and the oracle's stale reads and lost writes.
 *   7. THP migration to and from device memory, as the kernel's HMM
 *      self-test benchmark_thp_migration: buffers of 512 KiB to 256 MiB,
 *      THP-backed and base pages, 5 round trips each on gpu-1node and
 *      gpu-2node: simulated latency (ms) and throughput (GiB/s) of each
 *      direction, and host seconds.
 *   8. Calibration: Intel MLC-like idle latency and bandwidth matrices and
 *      the peak injection mixes measured in the simulator for 2node-128cpu
 *      and 4node-48cpu (and the tiered and gpu presets), beside the
 *      published figures they are calibrated to, with the ratio.
 *   9. Trace replay: a generated binary trace (.nstrace) of 20 M accesses
 *      (2 M with --quick) replayed on 2node-128cpu, 8-byte accesses sweeping
 *      64 MiB (the first pass stores) and random lines over 1 GiB (a store
 *      in four): accesses replayed per host second.
 *  10. CPU count: one thread's sweep (4 KiB pages) and random reads over 1 GiB
 *      on 2node-128cpu made with 16, 128 and 512 CPUs (a generated machine
 *      file): host seconds per million pages swept or accesses made, which
 *      should not grow with the CPUs the machine has.
 *  11. HeMem's memsim GUPS (cuhk-mass/hemem memsim/memsim.c at 78a0d26:
 *      10 M read-and-write updates per phase, 9 in 10 to a 1 MiB hot set) as
 *      a numasim skewed workload on tiered-16cpu in tiering mode: updates per
 *      host second; beside it memsim's own rate if $MEMSIM names a built
 *      memsim program (e.g. mmgr_hemem), else a note that it was not run.
 * Figures are reported, never asserted: timing belongs here, not in tests.
 * Usage: numasim-bench [--quick] [speed] [access] [numa] [tiering] [migrc] [device]
 *        [calibrate] [trace] [cpus] [memsim] (no section: all; access: 2 and 2b,
 *        which speed includes)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpu/calibrate.h"
#include "cpu/tlbflush.h"
#include "device/dmirror.h"
#include "sim.h"
#include "workload/trace.h"

struct result {
	double sim_s, host_s, access_s;
	double user_s;		/* user CPU seconds of sim_run() */
	uint64_t translations, misses, pages_used, maxrss_kb, baseline_kb;
	uint64_t accesses, promoted, demoted;
	uint64_t flush_sent, flush_received, migrated, peak_pending, deferred, bad;
	int ok;
};

struct bench_case {
	const char *name, *machine, *workload;
	const char *sets[6];
	double scale;
	enum wl_op as_op;	/* nonzero: the workload's WL_RANDOM phases become this op */
	double zipf_s;		/* for as_op == WL_ZIPF */
	const char *machine_text;	/* non-NULL: machine-file text instead of the preset */
};

/* No generator makes zipf or chase phases: turn a random workload's into them. */
static void retype_random(struct workload *wl, enum wl_op op, double zipf_s)
{
	for (uint32_t p = 0; p < wl->nr_programs; p++)
		for (uint32_t i = 0; i < wl->programs[p].nr_phases; i++) {
			struct wl_phase *ph = &wl->programs[p].phases[i];
			if (ph->op == WL_RANDOM) {
				ph->op = op;
				ph->zipf_s = zipf_s;
			}
		}
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double self_user_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
}

static long self_maxrss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* In the child: run one case and write the result to @fd. */
static void run_case(const struct bench_case *c, int fd)
{
	struct result r = { 0 };
	char err[512];
	static struct machine m;
	struct tunables tun;
	struct workload wl;
	tunables_init(&tun);
	for (int i = 0; c->sets[i]; i++)
		if (tunable_set(&tun, c->sets[i], err, sizeof(err)))
			goto out;
	if (c->machine_text ? machine_parse(&m, c->machine_text, strlen(c->machine_text),
					    c->machine, err, sizeof(err))
			    : machine_resolve(&m, c->machine, err, sizeof(err)))
		goto out;
	if (workload_build(&wl, c->workload, &m, c->scale, 1, err, sizeof(err)))
		goto out;
	if (c->as_op)
		retype_random(&wl, c->as_op, c->zipf_s);
	struct sim *s = calloc(1, sizeof(*s));
	if (!s || sim_create(s, &m, &tun, &wl, 1, err, sizeof(err)))
		goto out;
	r.baseline_kb = (uint64_t)self_maxrss_kb();
	double t0 = now_s(), u0 = self_user_s();
	if (sim_run(s) == 0)
		r.ok = 1;
	r.host_s = now_s() - t0;
	r.user_s = self_user_s() - u0;
	r.sim_s = (double)s->end_ns / 1e9;
	r.translations = s->vs.event[SIM_TRANSLATIONS];
	r.misses = s->vs.event[SIM_TLB_MISSES];
	r.accesses = s->vs.event[SIM_ACCESSES];
	r.access_s = s->access_start_ns == UINT64_MAX ? 0 : (double)(s->end_ns - s->access_start_ns) / 1e9;
	r.promoted = s->vs.event[PGPROMOTE_SUCCESS];
	r.demoted = s->vs.event[PGDEMOTE_KSWAPD] + s->vs.event[PGDEMOTE_DIRECT];
	r.flush_sent = s->vs.event[NR_TLB_REMOTE_FLUSH];
	r.flush_received = s->vs.event[NR_TLB_REMOTE_FLUSH_RECEIVED];
	r.migrated = s->vs.event[PGMIGRATE_SUCCESS];
	r.deferred = s->vs.event[SIM_MIGRC_DEFERRED];
	r.peak_pending = s->migrc.peak_pending_pages;
	r.bad = s->oracle.stale_reads + s->oracle.lost_writes;
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		r.pages_used += s->pm.node[n].node_present_pages - s->pm.node[n].nr_free_pages;
	r.maxrss_kb = (uint64_t)self_maxrss_kb();
out:
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

/* Run @fn(@arg, fd) in a child process, which writes @len bytes of result
 * to fd and exits; read them into @out. Return 0 if they all came. */
static int in_child(void (*fn)(const void *arg, int fd), const void *arg, void *out, size_t len)
{
	int p[2];
	if (pipe(p))
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(arg, p[1]);
	}
	close(p[1]);
	ssize_t n = read(p[0], out, len);
	close(p[0]);
	int status;
	waitpid(pid, &status, 0);
	return n == (ssize_t)len ? 0 : -1;
}

static void run_case_fn(const void *arg, int fd)
{
	run_case(arg, fd);
}

static int bench(const struct bench_case *c, struct result *r)
{
	return in_child(run_case_fn, c, r, sizeof(*r)) == 0 && r->ok ? 0 : -1;
}

struct numa_config {
	const char *label;
	const char *sets[5];
};

/* The same columns on both machines: off, mainline (PMD THPs), each mTHP
 * size alone with numasim.mthp_numa 0 and 1, and the 2012 AutoNUMA. */
static const struct numa_config numa_configs[] = {
	{ "off", { "kernel.numa_balancing=0", NULL } },
	{ "mainline", { NULL } },
#define MTHP(size, on)                                                                         \
	{ "mthp" #size "k/" #on,                                                               \
	  { "transparent_hugepage.enabled=never",                                              \
	    "transparent_hugepage.hugepages-" #size "kB.enabled=always",                       \
	    "numasim.mthp_numa=" #on, NULL } }
	MTHP(16, 0), MTHP(16, 1), MTHP(64, 0), MTHP(64, 1), MTHP(128, 0), MTHP(128, 1),
#undef MTHP
	{ "autonuma2012", { "numasim.policy=autonuma2012", NULL } },
};

static void numa_table(const char *machine, const struct numa_config *cfg, size_t nr_cfg,
		       double scale)
{
	static const char *const workloads[] = { "numa01", "numa01_THREAD_ALLOC", "numa02", "numa02_SMT" };
	double t0 = now_s();
	printf("\n   %s (simulated s / host s)\n   %-20s", machine, "workload");
	for (size_t c = 0; c < nr_cfg; c++)
		printf(" %15s", cfg[c].label);
	printf("\n");
	for (size_t w = 0; w < ARRAY_SIZE(workloads); w++) {
		printf("   %-20s", workloads[w]);
		for (size_t c = 0; c < nr_cfg; c++) {
			struct bench_case bc = { workloads[w], machine, workloads[w], { NULL }, scale };
			for (int i = 0; cfg[c].sets[i]; i++)
				bc.sets[i] = cfg[c].sets[i];
			struct result r;
			char cell[32];
			if (bench(&bc, &r))
				snprintf(cell, sizeof(cell), "-");
			else
				snprintf(cell, sizeof(cell), "%.1f / %.1f", r.sim_s, r.host_s);
			printf(" %15s", cell);
			fflush(stdout);
		}
		printf("\n");
	}
	printf("   (table host time %.0f s)\n", now_s() - t0);
}

static void tiering_table(double scale, const char *only_machine)
{
	static const struct {
		const char *machine, *workload;
	} cases[] = {
		{ "tiered-16cpu", "pmbench:accesses=10000000" },
		{ "tiered-16cpu", "xsbench:lookups=200000" },
		{ "tiered-2node-cxl", "pmbench:size=72G,threads=32,accesses=20000000,init=thread" },
		{ "tiered-2node-cxl", "xsbench:table=72G,threads=64,lookups=200000" },
	};
	static const char *const modes[] = { "kernel.numa_balancing=0", "kernel.numa_balancing=1",
					     "kernel.numa_balancing=2", "kernel.numa_balancing=3" };
	printf("\n   %-18s %-58s %4s %12s %10s %10s %8s %8s\n", "machine", "workload", "mode",
	       "accesses/s", "promo MiB", "demo MiB", "sim s", "host s");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
			if (only_machine && strcmp(only_machine, cases[i].machine))
				continue;
			struct bench_case bc = { cases[i].workload, cases[i].machine, cases[i].workload,
						 { modes[m], "numa.demotion_enabled=1", NULL }, scale };
			struct result r;
			printf("   %-18s %-58s %4zu", cases[i].machine, cases[i].workload, m);
			if (bench(&bc, &r)) {
				printf(" failed\n");
				continue;
			}
			printf(" %12.3e %10.1f %10.1f %8.2f %8.2f\n",
			       r.access_s > 0 ? (double)r.accesses / r.access_s : 0.0,
			       (double)r.promoted * PAGE_SIZE / (double)MiB,
			       (double)r.demoted * PAGE_SIZE / (double)MiB, r.sim_s, r.host_s);
			fflush(stdout);
		}
}

static void migrc_table(double scale)
{
	static const struct {
		const char *machine, *workload, *mode;
	} cases[] = {
		{ "tiered-16cpu", "xsbench:lookups=200000", "kernel.numa_balancing=2" },
		{ "2node-128cpu", "numa01", "kernel.numa_balancing=1" },
		{ "2node-128cpu", "numa01_THREAD_ALLOC", "kernel.numa_balancing=1" },
		{ "2node-128cpu", "numa02", "kernel.numa_balancing=1" },
		{ "2node-128cpu", "numa02_SMT", "kernel.numa_balancing=1" },
	};
	static const char *const migrc[] = { "numasim.migrc=0", "numasim.migrc=1", "numasim.migrc=luf" };
	static const char *const ad[] = { "numasim.migration_entry_ad=1", "numasim.migration_entry_ad=0" };
	double t0 = now_s();
	printf("\n   %-13s %-22s %2s %5s %8s %9s %10s %10s %9s %9s %7s %6s\n", "machine", "workload",
	       "ad", "migrc", "sim s", "flushes", "received", "migrated", "deferred", "peak pend",
	       "host s", "bad");
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		for (size_t a = 0; a < ARRAY_SIZE(ad); a++)
			for (size_t m = 0; m < ARRAY_SIZE(migrc); m++) {
				struct bench_case bc = { cases[i].workload, cases[i].machine,
							 cases[i].workload,
							 { cases[i].mode, "numa.demotion_enabled=1",
							   ad[a], migrc[m], NULL }, scale };
				struct result r;
				printf("   %-13s %-22s %2zu %5s", cases[i].machine, cases[i].workload,
				       1 - a, strchr(migrc[m], '=') + 1);
				if (bench(&bc, &r)) {
					printf(" failed\n");
					continue;
				}
				printf(" %8.2f %9llu %10llu %10llu %9llu %9llu %7.2f %6llu\n", r.sim_s,
				       (unsigned long long)r.flush_sent,
				       (unsigned long long)r.flush_received,
				       (unsigned long long)r.migrated, (unsigned long long)r.deferred,
				       (unsigned long long)r.peak_pending, r.host_s,
				       (unsigned long long)r.bad);
				fflush(stdout);
			}
	printf("   (bad = the oracle's stale reads + lost writes; table host time %.0f s)\n",
	       now_s() - t0);
}

/* ---- 7. device migration ---- */

struct dev_result {
	double to_dev_ms, to_sys_ms, host_s;
	int ok;
};

/* In the child: fill a buffer, then move it to the device and back @iters
 * times; the simulated time of each direction is the migrating CPU's. */
static void run_device_case(const char *machine, uint64_t size, bool thp, int iters, int fd)
{
	struct dev_result r = { 0 };
	char err[512], spec[128];
	static struct machine m;
	struct tunables tun;
	struct workload wl;
	tunables_init(&tun);
	snprintf(spec, sizeof(spec), "seq:size=%lluK,threads=1,passes=1,init=main",
		 (unsigned long long)(size >> 10));
	if (tunable_set(&tun, thp ? "transparent_hugepage.enabled=always"
				  : "transparent_hugepage.enabled=never", err, sizeof(err)) ||
	    machine_preset(&m, machine) || workload_build(&wl, spec, &m, 1.0, 1, err, sizeof(err)))
		goto out;
	struct sim *s = calloc(1, sizeof(*s));
	if (!s || sim_create(s, &m, &tun, &wl, 1, err, sizeof(err)) || sim_run(s))
		goto out;
	uint32_t dev = m.nr_nodes - 1;
	struct task *t = s->tasks[0];
	struct cpu *cpu = &s->cpus[0];
	switch_mm_irqs_off(s, cpu, t->mm);
	uint64_t start = t->mm->region_addr[0], end = start + size;
	double t0 = now_s();
	for (int i = 0; i < iters; i++) {
		struct dmirror_result dr;
		uint64_t c0 = cpu->now;
		if (dmirror_migrate_to_device(s, cpu, t, start, end, dev, &dr) || dr.moved != size / PAGE_SIZE)
			goto out;
		uint64_t c1 = cpu->now;
		if (dmirror_migrate_to_system(s, cpu, t, start, end, dev, &dr) || dr.moved != size / PAGE_SIZE)
			goto out;
		r.to_dev_ms += (double)(c1 - c0) / 1e6 / iters;
		r.to_sys_ms += (double)(cpu->now - c1) / 1e6 / iters;
	}
	r.host_s = now_s() - t0;
	r.ok = s->oracle.stale_reads + s->oracle.lost_writes == 0;
out:
	if (write(fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(1);
	_exit(0);
}

struct dev_case {
	const char *machine;
	uint64_t size;
	bool thp;
	int iters;
};

static void run_device_fn(const void *arg, int fd)
{
	const struct dev_case *c = arg;
	run_device_case(c->machine, c->size, c->thp, c->iters, fd);
}

static int device_bench(const char *machine, uint64_t size, bool thp, int iters,
			struct dev_result *r)
{
	const struct dev_case c = { machine, size, thp, iters };
	return in_child(run_device_fn, &c, r, sizeof(*r)) == 0 && r->ok ? 0 : -1;
}

static void device_table(bool quick)
{
	static const uint64_t sizes[] = { 512 * KiB, 1 * MiB, 2 * MiB, 4 * MiB, 8 * MiB,
					   16 * MiB, 256 * MiB };
	static const char *const machines[] = { "gpu-1node", "gpu-2node" };
	const int iters = 5;
	printf("\n   %-10s %9s %6s %12s %12s %12s %12s %8s\n", "machine", "buffer", "pages",
	       "to dev ms", "to dev GiB/s", "to sys ms", "to sys GiB/s", "host s");
	for (size_t mi = 0; mi < ARRAY_SIZE(machines); mi++)
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			for (int thp = 1; thp >= 0; thp--) {
				if (quick && sizes[i] > 16 * MiB)
					continue;
				struct dev_result r;
				printf("   %-10s %8lluK %6s", machines[mi],
				       (unsigned long long)(sizes[i] >> 10), thp ? "THP" : "4K");
				if (device_bench(machines[mi], sizes[i], thp, iters, &r)) {
					printf(" failed\n");
					continue;
				}
				double gib = (double)sizes[i] / (double)GiB;
				printf(" %12.3f %12.2f %12.3f %12.2f %8.2f\n", r.to_dev_ms,
				       gib / (r.to_dev_ms / 1e3), r.to_sys_ms, gib / (r.to_sys_ms / 1e3),
				       r.host_s);
				fflush(stdout);
			}
}

/* ---- 8. calibration ---- */

static void calibrate_table(void)
{
	static const char *const machines[] = { "2node-128cpu", "4node-48cpu", "tiered-16cpu",
						"tiered-2node-cxl", "gpu-1node", "gpu-2node" };
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		static struct machine m;
		struct calib_result r;
		char err[512];
		double t0 = now_s();

		printf("\n");
		if (machine_preset(&m, machines[i]) || calibrate_measure(&m, &r, err, sizeof(err))) {
			printf("   %s: failed\n", machines[i]);
			continue;
		}
		calibrate_print(stdout, &m, &r, calib_published_for(m.name));
		printf("   (host %.2f s)\n", now_s() - t0);
	}
}

/* bench() three times: the result of the run with the fewest user seconds. */
static int bench_best3(const struct bench_case *c, struct result *r)
{
	struct result t;
	int got = 0;
	for (int i = 0; i < 3; i++)
		if (!bench(c, &t) && (!got++ || t.user_s < r->user_s))
			*r = t;
	return got ? 0 : -1;
}

/* The random phase alone: the same run with 1 access per thread, subtracted,
 * removes the first-touch sweep and set-up. User seconds, best of three. */
static int access_pair(const struct bench_case *a, const struct bench_case *b,
		       struct result *ra, struct result *rb)
{
	return bench_best3(a, ra) || bench_best3(b, rb) ? -1 : 0;
}

static void access_table(void)
{
	printf("\n2. TLB-missing random access (4 KiB pages, one thread; first touch excluded;\n"
	       "   user CPU seconds, best of 3)\n");
	const char *const sizes[] = { "1G", "4G", "64G" };
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		char full[128], one[128];
		snprintf(full, sizeof(full), "random:size=%s,threads=1,accesses=20000000,init=main", sizes[i]);
		snprintf(one, sizeof(one), "random:size=%s,threads=1,accesses=1,init=main", sizes[i]);
		const struct bench_case a = { "random", "2node-128cpu", full,
					      { "transparent_hugepage.enabled=never", NULL }, 1.0 };
		const struct bench_case b = { "random-1", "2node-128cpu", one,
					      { "transparent_hugepage.enabled=never", NULL }, 1.0 };
		struct result ra, rb;
		if (access_pair(&a, &b, &ra, &rb)) {
			printf("   %s: failed\n", sizes[i]);
			continue;
		}
		uint64_t n = ra.translations - rb.translations;
		double t = ra.user_s - rb.user_s;
		printf("   %-3s working set: %5.1f M translations/s (%.1f%% TLB misses, %llu in %.2f s)\n",
		       sizes[i], (double)n / t / 1e6,
		       100.0 * (double)(ra.misses - rb.misses) / (double)n, (unsigned long long)n, t);
	}

	/* Host speed of the other latency-bound patterns, the same way: accesses
	 * per user second, first touch and set-up subtracted. */
	printf("\n2b. random, zipf and chase accesses (4 GiB, 4 KiB pages, one thread; first touch excluded;\n"
	       "    user CPU seconds, best of 3)\n");
	const struct {
		const char *name;
		enum wl_op op;
		double s;
	} pats[] = { { "random", WL_RANDOM, 0 }, { "zipf s=0.99", WL_ZIPF, 0.99 },
		     { "zipf s=1.2", WL_ZIPF, 1.2 }, { "chase", WL_CHASE, 0 } };
	for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
		const struct bench_case a = { pats[i].name, "2node-128cpu",
					      "random:size=4G,threads=1,accesses=20000000,init=main",
					      { "transparent_hugepage.enabled=never", NULL }, 1.0,
					      pats[i].op, pats[i].s };
		const struct bench_case b = { pats[i].name, "2node-128cpu",
					      "random:size=4G,threads=1,accesses=1,init=main",
					      { "transparent_hugepage.enabled=never", NULL }, 1.0,
					      pats[i].op, pats[i].s };
		struct result ra, rb;
		if (access_pair(&a, &b, &ra, &rb)) {
			printf("   %-12s failed\n", pats[i].name);
			continue;
		}
		uint64_t n = ra.accesses - rb.accesses;
		double t = ra.user_s - rb.user_s;
		printf("   %-12s %5.1f M accesses/s (%.1f%% TLB misses, %llu in %.2f s; %.1f simulated ns each)\n",
		       pats[i].name, (double)n / t / 1e6,
		       100.0 * (double)(ra.misses - rb.misses) / (double)(ra.translations - rb.translations),
		       (unsigned long long)n, t, (ra.sim_s - rb.sim_s) * 1e9 / (double)n);
	}
}

/*
 * Write a one-thread trace of @n accesses over [base, base + @size) to
 * @path: sequential 8-byte accesses (stores on the first pass) or, if
 * @random, uniform random lines (every fourth a store).
 */
static int gen_trace(const char *path, bool random, uint64_t n, uint64_t size)
{
	const uint64_t base = 0x7f0000000000ull;
	uint8_t *buf = malloc(n * 10);
	uint64_t prev = 0, x = 0x9e3779b97f4a7c15ull;
	size_t len = 0;
	char err[256];

	if (!buf)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t addr;
		enum wl_trec kind;

		if (random) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
			addr = base + (x % (size / 64)) * 64;
			kind = i % 4 ? WL_TREC_LOAD : WL_TREC_STORE;
		} else {
			addr = base + (i * 8) % size;
			kind = i < size / 8 ? WL_TREC_STORE : WL_TREC_LOAD;
		}
		len += wl_trace_put_varint(buf + len, wl_trace_access(prev, addr, kind));
		prev = addr;
	}
	struct wl_trace_region reg = { .start = base, .len = size };
	struct wl_trace_proc proc = { .pid = 1, .first_region = 0, .nr_regions = 1 };
	struct wl_trace_stream st = { .proc = 0, .tid = 1, .nr_records = n, .nr_accesses = n,
				      .data = buf, .len = len };
	struct wl_trace t = { .format = WL_TFMT_NSTRACE, .procs = &proc, .nr_procs = 1,
			      .regions = &reg, .nr_regions = 1, .streams = &st, .nr_streams = 1 };
	int rc = wl_trace_write(&t, path, err, sizeof(err));
	if (rc)
		fprintf(stderr, "bench: %s\n", err);
	free(buf);
	return rc;
}

static void trace_table(bool quick)
{
	const uint64_t n = quick ? 2000000 : 20000000;
	const struct { const char *name; bool random; uint64_t size; } pats[] = {
		{ "sequential 8 B, 64 MiB", false, 64 * MiB },
		{ "random lines, 1 GiB", true, 1 * GiB },
	};
	printf("   %-24s %12s %10s %14s %12s\n", "pattern", "accesses", "host s", "M accesses/s",
	       "simulated s");
	for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
		char path[64], spec[96];
		struct result r;

		snprintf(path, sizeof(path), "/tmp/numasim-bench-%d.nstrace", (int)getpid());
		snprintf(spec, sizeof(spec), "trace:%s", path);
		const struct bench_case c = { "trace", "2node-128cpu", spec,
					      { "transparent_hugepage.enabled=never", NULL }, 1.0 };
		if (gen_trace(path, pats[i].random, n, pats[i].size) || bench(&c, &r)) {
			printf("   %-24s failed\n", pats[i].name);
			unlink(path);
			continue;
		}
		unlink(path);
		printf("   %-24s %12llu %10.2f %14.1f %12.3f\n", pats[i].name,
		       (unsigned long long)r.accesses, r.host_s, (double)r.accesses / r.host_s / 1e6,
		       r.sim_s);
	}
}

/* ---- 10. CPU count ---- */

static void cpus_table(bool quick)
{
	static const uint32_t nr_cpus[] = { 16, 128, 512 };
	const struct {
		const char *name, *full, *one;
		bool random;
	} pats[] = {
		{ "sweep, 4 KiB pages", quick ? "seq:size=1G,threads=1,passes=40,init=main"
					      : "seq:size=1G,threads=1,passes=400,init=main",
		  "seq:size=1G,threads=1,passes=1,init=main", false },
		{ "random reads", quick ? "random:size=1G,threads=1,accesses=1000000,init=main"
					: "random:size=1G,threads=1,accesses=10000000,init=main",
		  "random:size=1G,threads=1,accesses=1,init=main", true },
	};
	printf("   %-20s %6s %12s %10s %16s\n", "work (one thread)", "CPUs", "M counted", "host s",
	       "host s per M");
	for (size_t p = 0; p < ARRAY_SIZE(pats); p++)
		for (size_t i = 0; i < ARRAY_SIZE(nr_cpus); i++) {
			char name[32], text[256];
			/* 2 nodes x cores x 2 threads: the preset's cores changed only */
			snprintf(name, sizeof(name), "2node-%ucpu", nr_cpus[i]);
			snprintf(text, sizeof(text),
				 "base = 2node-128cpu\nname = %s\n[node 0]\ncores = %u\n"
				 "[node 1]\ncores = %u\n", name, nr_cpus[i] / 4, nr_cpus[i] / 4);
			const char *thp = "transparent_hugepage.enabled=never";
			struct bench_case a = { pats[p].name, name, pats[p].full, { thp, NULL }, 1.0 };
			struct bench_case b = { pats[p].name, name, pats[p].one, { thp, NULL }, 1.0 };
			a.machine_text = b.machine_text = text;
			struct result ra, rb;
			printf("   %-20s %6u", pats[p].name, nr_cpus[i]);
			if (bench(&a, &ra) || bench(&b, &rb)) {
				printf(" failed\n");
				continue;
			}
			/* the first touch (and, for the sweep, its first pass) subtracted */
			uint64_t n = pats[p].random ? ra.accesses - rb.accesses
						    : ra.translations - rb.translations;
			double t = ra.host_s - rb.host_s;
			printf(" %12.1f %10.2f %16.4f\n", (double)n / 1e6, t, t / ((double)n / 1e6));
			fflush(stdout);
		}
}

/* ---- 11. HeMem's memsim GUPS ---- */

/*
 * memsim's gups(): 10 M updates per phase, each a read and a write of one
 * address (two memaccess() calls), chosen with probability 0.9 in the hot set
 * and else anywhere in the working set; two phases, the second with the hot
 * set moved to the end of the working set. As numasim work: a skewed phase of
 * read-modify-writes (write_ratio=1) whose first 1 MiB is hot.
 * SIMPLIFIED: one phase of 20 M updates with the hot set at the start
 * (skewed's hot share is the start of its range); the working set is 6 GiB
 * on tiered-16cpu (1 GiB DRAM, 8 GiB CXL) instead of memsim's 512 GiB of NVM
 * behind 42 GiB of DRAM, which numasim would first touch with 4 KiB pages.
 */
#define GUPS_SIZE (6 * GiB)
#define GUPS_HOT (1 * MiB)
#define GUPS_UPDATES 20000000ull

/* Host seconds of memsim's two GUPS phases: from each "gups(" line on its
 * standard error to the next "reset_stats" line or its exit. */
static int run_memsim(const char *prog, double *host_s, uint64_t *updates)
{
	int p[2];
	if (pipe(p))
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char hot[32];
		snprintf(hot, sizeof(hot), "%llu", (unsigned long long)GUPS_HOT);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execl(prog, prog, hot, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[512];
	double start = 0, total = 0;
	int phases = 0;
	bool in_phase = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, "gups(")) {
			start = now_s();
			in_phase = true;
			phases++;
		} else if (in_phase && strstr(line, "reset_stats")) {
			total += now_s() - start;
			in_phase = false;
		}
	}
	if (in_phase)
		total += now_s() - start;	/* the last phase ends with the program */
	if (f)
		fclose(f);
	int status;
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || phases == 0)
		return -1;
	*host_s = total;
	*updates = (uint64_t)phases * 10000000ull;
	return 0;
}

static void memsim_table(bool quick)
{
	const uint64_t updates = quick ? GUPS_UPDATES / 10 : GUPS_UPDATES;
	char full[160], one[160];
	const char *fmt = "skewed:size=%lluM,threads=1,accesses=%llu,hot=%.17g,hot_prob=0.9,"
			  "write_ratio=1,init=main";
	const double hot = (double)GUPS_HOT / (double)GUPS_SIZE;
	snprintf(full, sizeof(full), fmt, (unsigned long long)(GUPS_SIZE >> 20),
		 (unsigned long long)updates, hot);
	snprintf(one, sizeof(one), fmt, (unsigned long long)(GUPS_SIZE >> 20), 1ull, hot);
	const struct bench_case a = { "gups", "tiered-16cpu", full,
				      { "kernel.numa_balancing=2", "numa.demotion_enabled=1", NULL },
				      1.0 };
	const struct bench_case b = { "gups-1", "tiered-16cpu", one,
				      { "kernel.numa_balancing=2", "numa.demotion_enabled=1", NULL },
				      1.0 };
	struct result ra, rb;
	printf("   %-34s %12s %10s %18s\n", "simulator", "updates", "host s", "updates / host s");
	if (bench(&a, &ra) || bench(&b, &rb)) {
		printf("   numasim: failed\n");
	} else {
		uint64_t n = ra.accesses - rb.accesses;
		double t = ra.host_s - rb.host_s;
		printf("   %-34s %12llu %10.2f %18.3e   (first touch excluded; %.1f%% TLB misses)\n",
		       "numasim (tiered-16cpu, mode 2)", (unsigned long long)n, t, (double)n / t,
		       100.0 * (double)(ra.misses - rb.misses) /
			       (double)(ra.translations - rb.translations));
	}
	const char *prog = getenv("MEMSIM");
	double ms;
	uint64_t mu;
	if (!prog || !*prog) {
		printf("   memsim: not run (set MEMSIM to a built memsim program, e.g. "
		       "hemem/memsim/mmgr_hemem)\n");
		return;
	}
	if (access(prog, X_OK) || run_memsim(prog, &ms, &mu)) {
		printf("   memsim: not run (%s could not be run to completion)\n", prog);
		return;
	}
	char label[64];
	const char *base = strrchr(prog, '/');
	snprintf(label, sizeof(label), "memsim %s (1 MiB hot set)", base ? base + 1 : prog);
	printf("   %-34s %12llu %10.2f %18.3e   (two memaccess() calls per update)\n", label,
	       (unsigned long long)mu, ms, (double)mu / ms);
}

static bool want(int argc, char **argv, const char *section)
{
	bool any = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], section))
			return true;
		any |= argv[i][0] != '-';
	}
	return !any;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	double scale = quick ? 0.05 : 1.0;
	if (!want(argc, argv, "speed")) {
		if (want(argc, argv, "access"))	/* sections 2 and 2b alone */
			access_table();
		goto numa;
	}
	const struct bench_case autonuma[] = {
		{ "numa01", "2node-128cpu", "numa01", { NULL }, scale },
		{ "numa01_THREAD_ALLOC", "2node-128cpu", "numa01_THREAD_ALLOC", { NULL }, scale },
		{ "numa02", "2node-128cpu", "numa02", { NULL }, scale },
		{ "numa02_SMT", "2node-128cpu", "numa02_SMT", { NULL }, scale },
	};
	printf("numasim bench%s\n", quick ? " --quick (5% size)" : "");
	printf("\n1. autonuma-benchmark on 2node-128cpu, full size, defaults (THP, NUMA balancing on)\n");
	printf("   %-22s %12s %10s %14s\n", "workload", "simulated s", "host s", "peak RSS MiB");
	for (size_t i = 0; i < ARRAY_SIZE(autonuma); i++) {
		struct result r;
		if (bench(&autonuma[i], &r)) {
			printf("   %-22s failed\n", autonuma[i].name);
			continue;
		}
		printf("   %-22s %12.2f %10.2f %14.1f\n", autonuma[i].name, r.sim_s, r.host_s,
		       (double)r.maxrss_kb / 1024);
	}

	access_table();

	struct result r;
	printf("\n3. host memory per simulated 4 KiB page touched\n");
	const struct bench_case mem[] = {
		{ "THP (default)", "2node-128cpu", "seq:size=8G,threads=8,passes=1", { NULL }, scale },
		{ "4 KiB pages", "2node-128cpu", "seq:size=8G,threads=8,passes=1",
		  { "transparent_hugepage.enabled=never", NULL }, scale },
		{ "64 KiB mTHP", "2node-128cpu", "seq:size=8G,threads=8,passes=1",
		  { "transparent_hugepage.enabled=never", "transparent_hugepage.hugepages-64kB.enabled=always",
		    NULL }, scale },
	};
	for (size_t i = 0; i < ARRAY_SIZE(mem); i++) {
		if (bench(&mem[i], &r)) {
			printf("   %-16s failed\n", mem[i].name);
			continue;
		}
		double bytes = (double)(r.maxrss_kb - r.baseline_kb) * 1024;
		printf("   %-16s %6.1f bytes/page (%llu pages touched, %.1f MiB over the empty simulation)\n",
		       mem[i].name, bytes / (double)r.pages_used, (unsigned long long)r.pages_used,
		       bytes / (double)MiB);
	}
numa:
	if (!want(argc, argv, "numa"))
		goto tiering;
	printf("\n4. NUMA balancing on the autonuma-benchmark workloads%s\n", quick ? " (5% size)" : "");
	numa_table("2node-128cpu", numa_configs, ARRAY_SIZE(numa_configs), scale);
	numa_table("4node-48cpu", numa_configs, ARRAY_SIZE(numa_configs), scale);
tiering:
	if (!want(argc, argv, "tiering"))
		goto migrc;
	printf("\n5. Memory tiering (numa.demotion_enabled=1; mode = kernel.numa_balancing)%s\n",
	       quick ? " (5% size)" : "");
	tiering_table(scale, getenv("BENCH_MACHINE"));
migrc:
	if (!want(argc, argv, "migrc"))
		goto device;
	printf("\n6. Deferred TLB flushes at migration: numasim.migrc 0, 1, luf; ad = "
	       "numasim.migration_entry_ad%s\n", quick ? " (5% size)" : "");
	migrc_table(scale);
device:
	if (!want(argc, argv, "device"))
		goto calibrate;
	printf("\n7. THP migration to and from device memory (HMM benchmark_thp_migration; "
	       "average of 5 round trips)%s\n", quick ? " (up to 16 MiB)" : "");
	device_table(quick);
calibrate:
	if (!want(argc, argv, "calibrate"))
		goto trace;
	printf("\n8. Calibration: MLC-like measurements in the simulator vs published figures\n");
	calibrate_table();
trace:
	if (!want(argc, argv, "trace"))
		goto cpus;
	printf("\n9. Trace replay: a generated .nstrace, one thread, 4 KiB pages, mmap'ed%s\n",
	       quick ? " (2 M accesses)" : "");
	trace_table(quick);
cpus:
	if (!want(argc, argv, "cpus"))
		goto memsim;
	printf("\n10. Host cost against the number of simulated CPUs (2node-128cpu with 16, 128, "
	       "512 CPUs; first pass or first touch excluded)\n");
	cpus_table(quick);
memsim:
	if (!want(argc, argv, "memsim"))
		return 0;
	printf("\n11. HeMem's memsim GUPS side by side (1 MiB hot set, 9 in 10 updates to it)%s\n",
	       quick ? " (2 M updates)" : "");
	memsim_table(quick);
	return 0;
}
