/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/host_estimate.h - how much host memory a simulation will take, from
 * the workload, the machine and the tunables, before it runs
 * (docs/host-memory.md). Computed from the sizes of the structures that grow
 * with the run: folio slots, page-table pages, LRU rings, tasks and address
 * spaces, time-series samples, the transient batches of one system call and
 * the JSON report of the time series. sim_create() compares it with what
 * the host can give (core/hostmem.h) and refuses a run that cannot fit.
 *
 * Each part is an upper bound for the workloads numasim builds, under these
 * assumptions: every mapped page is touched; a forked child copies at most
 * the pages its threads write (and the parent at most the pages it writes
 * after its first fork); a page that migrates may leave a written slot on
 * every node it visits, at most the node's size; the run takes the time
 * series' full 2049 samples unless numasim.max_sim_seconds bounds it.
 */
#ifndef NUMASIM_MEM_HOST_ESTIMATE_H
#define NUMASIM_MEM_HOST_ESTIMATE_H

#include "core/tunables.h"
#include "machine/machine.h"
#include "workload/workload.h"

struct host_estimate {
	uint64_t mapped;	/* bytes mapped, summed over address spaces */
	uint64_t frames;	/* page frames the processes use, CoW copies included */
	uint64_t thps;		/* ... of which in PMD-mapped THPs (512 frames each) */
	uint64_t slots;		/* folio-array bytes written (inside the reservation) */
	uint64_t pgtables;	/* PTE, PMD and PUD tables */
	uint64_t lru;		/* LRU rings of the nodes reclaim demotes from */
	uint64_t tasks;		/* tasks, address spaces, VMAs, stacks' tables */
	uint64_t timeseries;	/* samples and their per-process rows */
	uint64_t report;	/* the JSON tree of the time series, at the end */
	uint64_t transient;	/* the largest batch one system call takes */
	uint64_t fixed;		/* CPUs and TLBs, the slots' bitmap, the event queue */
	uint64_t total;		/* the sum of the parts */
	uint64_t reservation;	/* address space of the folio array (RLIMIT_AS) */
	uint64_t nr_tasks, nr_mms;
};

/*
 * host_estimate - fill @e for @wl on @m with @tun; the folio array's host
 * pages are 1 << @granule_shift bytes.
 */
void host_estimate(const struct machine *m, const struct tunables *tun, const struct workload *wl,
		   unsigned int granule_shift, struct host_estimate *e);

/* The parts, per structure (unit-tested one by one). */
/* Folio-array bytes written for @small base pages and @thps PMD THPs. */
uint64_t host_est_slots(uint64_t small, uint64_t thps, unsigned int granule_shift);
/* PTE tables (with their malloc chunks) for a mapping of @len bytes starting
 * @off bytes past a PMD boundary, of which @thp_chunks are PMD-mapped. */
uint64_t host_est_pte_tables(uint64_t off, uint64_t len, uint64_t thp_chunks);
/* Whole PMD-aligned 2 MiB chunks in such a mapping. */
uint64_t host_est_thp_chunks(uint64_t off, uint64_t len);
/* One time-series sample with @nr_mms processes: its slot and its rows. */
uint64_t host_est_sample(uint64_t nr_mms);
/* An array grown by ARRAY_GROW (doubling from @init) to hold @nr of @elem bytes. */
uint64_t host_est_array(uint64_t nr, uint64_t elem, uint64_t init);

#endif
