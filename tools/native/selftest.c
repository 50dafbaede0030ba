// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/selftest.c - `numasim-native --ops-test`: a small workload
 * that uses every operation numasim-native runs, so a host can be checked
 * (which NUMA calls its kernel takes) and the tool tested without a
 * workload file. Every node mask is node 0, which every host has.
 *
 *   process 0: mmap 4 MiB (2 MiB aligned) and 1 MiB shared; madvise(HUGEPAGE);
 *   sweeps (rfo, nt, rw, a 4 KiB stride); set_mempolicy PREFERRED,
 *   PREFERRED_MANY, DEFAULT; mbind BIND|MPOL_F_STATIC_NODES; move_pages of
 *   1 MiB; migrate_pages 0 -> 0; sched_setaffinity to node 0, to CPU 0;
 *   mremap of the shared region to 2 MiB; mprotect(READ) and a read sweep
 *   of its first MiB;
 *   madvise COLD, PAGEOUT, DONTNEED; a thread that meets it at a barrier,
 *   then makes random, skewed and gauss accesses and a lookup, and computes;
 *   a forked child that writes 1 MiB (copy-on-write) and sleeps; munmap.
 */
#include <stdio.h>
#include <string.h>

#include "mem/folio.h"
#include "native.h"
#include "workload/workload.h"

static struct wl_phase *add(struct workload *wl, uint32_t prog, enum wl_op op, uint32_t region,
			    uint64_t off, uint64_t len)
{
	struct wl_phase *ph = wl_add_phase(wl, prog, op);

	ph->region = region;
	ph->off = off;
	ph->len = len;
	return ph;
}

static void sweep(struct workload *wl, uint32_t prog, uint32_t region, uint64_t len,
		  enum wl_access access, enum wl_store store, uint64_t stride)
{
	struct wl_phase *ph = add(wl, prog, WL_SWEEP, region, 0, len);

	ph->count = 1;
	ph->access = access;
	ph->store = store;
	ph->stride = stride;
}

static void policy(struct workload *wl, uint32_t prog, enum mpol_mode mode)
{
	wl_add_phase(wl, prog, WL_SET_MEMPOLICY)->pol =
		(struct mempolicy){ mode, mode == MPOL_DEFAULT ? 0 : 1, 0 };
}

/* The spawned thread: barrier, then every access pattern. */
static void thread_program(struct workload *wl, uint32_t t, uint32_t barrier)
{
	wl_add_phase(wl, t, WL_BARRIER)->target = barrier;
	struct wl_phase *ph = add(wl, t, WL_RANDOM, 0, 0, 2 * MiB);
	ph->count = 10000;
	ph->access = WL_RW;
	ph->write_ratio = 0.5;
	ph = add(wl, t, WL_SKEWED, 0, 0, 2 * MiB);
	ph->count = 10000;
	ph->access = WL_READ;
	ph->hot_frac = 0.1;
	ph->hot_prob = 0.9;
	ph = add(wl, t, WL_GAUSS, 0, 0, 2 * MiB);
	ph->count = 10000;
	ph->access = WL_READ;
	ph->stddev = 0.1;
	ph = add(wl, t, WL_LOOKUP, 0, 0, 2 * MiB);
	ph->count = 100;
	ph->access = WL_RW;
	ph->write_ratio = 1;
	ph->lk = (struct wl_lookup){ .data_len = 1 * MiB, .keys_len = 64 * KiB,
				     .work_off = 1 * MiB + 512 * KiB, .work_len = 64 * KiB, .gathers = 4 };
	ph = add(wl, t, WL_ZIPF, 0, 0, 2 * MiB);
	ph->count = 10000;
	ph->access = WL_RW;
	ph->write_ratio = 0.25;
	ph->zipf_s = 0.99;
	ph = add(wl, t, WL_CHASE, 0, 0, 2 * MiB);
	ph->count = 10000;
	ph->access = WL_READ;
	wl_add_phase(wl, t, WL_COMPUTE)->ns = 1000000;
}

int nat_ops_test_workload(struct workload *wl, char *err, size_t errlen)
{
	memset(wl, 0, sizeof(*wl));
	snprintf(wl->name, sizeof(wl->name), "ops-test");
	snprintf(wl->desc, sizeof(wl->desc), "ops-test (numasim-native --ops-test)");
	uint32_t m = wl_add_program(wl), t = wl_add_program(wl), child = wl_add_program(wl);
	uint32_t barrier = wl_add_barrier(wl, 2), cpus = wl_add_cpuset(wl);
	wl->cpusets[cpus].bits[0] = 1;	/* CPU 0 */
	uint32_t p = wl_add_process(wl, m);
	wl->procs[p].nr_regions = 2;

	add(wl, m, WL_MMAP, 0, 0, 4 * MiB)->align = 2 * MiB;
	add(wl, m, WL_MMAP, 1, 0, 1 * MiB)->arg = WL_MAP_SHARED;
	add(wl, m, WL_MADVISE, 0, 0, 4 * MiB)->arg = MM_MADV_HUGEPAGE;
	sweep(wl, m, 0, 4 * MiB, WL_WRITE, WL_STORE_RFO, 0);
	sweep(wl, m, 1, 1 * MiB, WL_WRITE, WL_STORE_NT, 0);
	sweep(wl, m, 0, 4 * MiB, WL_READ, WL_STORE_RFO, 4096);
	policy(wl, m, MPOL_PREFERRED);
	policy(wl, m, MPOL_PREFERRED_MANY);
	policy(wl, m, MPOL_DEFAULT);
	add(wl, m, WL_MBIND, 0, 0, 2 * MiB)->pol = (struct mempolicy){ MPOL_BIND, 1,
								       MPOL_F_STATIC_NODES };
	add(wl, m, WL_MOVE_PAGES, 0, 0, 1 * MiB)->pol.nodes = 1;
	struct wl_phase *ph = wl_add_phase(wl, m, WL_MIGRATE_PAGES);
	ph->pol.nodes = 1;
	ph->to_nodes = 1;
	wl_add_phase(wl, m, WL_SET_AFFINITY)->pol.nodes = 1;
	wl_add_phase(wl, m, WL_SET_CPUS)->target = cpus;
	add(wl, m, WL_MREMAP, 1, 0, 1 * MiB)->new_len = 2 * MiB;
	/* workload_validate() keeps the region at its mmap size after an mremap */
	sweep(wl, m, 1, 1 * MiB, WL_RW, WL_STORE_RFO, 0);
	add(wl, m, WL_MPROTECT, 1, 0, 1 * MiB)->arg = WL_PROT_READ;
	sweep(wl, m, 1, 1 * MiB, WL_READ, WL_STORE_RFO, 0);
	add(wl, m, WL_MADVISE, 0, 2 * MiB, 2 * MiB)->arg = MM_MADV_COLD;
	add(wl, m, WL_MADVISE, 0, 2 * MiB, 2 * MiB)->arg = MM_MADV_PAGEOUT;
	add(wl, m, WL_MADVISE, 0, 3 * MiB, 1 * MiB)->arg = MM_MADV_DONTNEED;
	wl_add_phase(wl, m, WL_SPAWN)->target = t;
	wl_add_phase(wl, m, WL_BARRIER)->target = barrier;
	wl_add_phase(wl, m, WL_JOIN);
	wl_add_phase(wl, m, WL_FORK)->target = child;
	wl_add_phase(wl, m, WL_JOIN);
	add(wl, m, WL_MUNMAP, 1, 0, 1 * MiB);

	thread_program(wl, t, barrier);
	sweep(wl, child, 0, 1 * MiB, WL_WRITE, WL_STORE_RFO, 0);
	wl_add_phase(wl, child, WL_SLEEP)->ns = 1000000;
	return workload_validate(wl, err, errlen);
}
