/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sim.h - one simulation: the machine, the simulated kernel's state, the
 * workload's tasks, the clocks and the results. Everything hangs off one
 * struct sim passed down, so two simulations can run in one process.
 *
 * Data flow: workload phases (workload/) -> CPU access engine and TLB (cpu/)
 * -> page-table walk and faults (fault/) -> page allocation and address
 * spaces (mem/) -> counters and reports (stats/).
 */
#ifndef NUMASIM_SIM_H
#define NUMASIM_SIM_H

#include <signal.h>

#include "core/compiler.h"
#include "core/err.h"
#include "core/event.h"
#include "core/hostmem.h"
#include "core/rng.h"
#include "core/tunables.h"
#include "cpu/cost.h"
#include "cpu/sched.h"
#include "machine/machine.h"
#include "mem/host_estimate.h"
#include "mem/memory_tiers.h"
#include "mem/mm.h"
#include "mem/vmscan.h"
#include "mem/page_alloc.h"
#include "migrate/migrc.h"
#include "stats/vmstat.h"
#include "workload/workload.h"

struct numa_policy_ops;

/* Slices between two calls of sim->progress: cheap next to a slice's work,
 * frequent enough for a line redrawn 4 times a host second. */
#define SIM_PROGRESS_SLICES 64

/* The correctness oracle (DESIGN §5): accesses through stale translations. */
struct oracle {
	uint64_t stale_accesses;	/* through a TLB entry that no longer matches the page table */
	uint64_t stale_reads;		/* ... reading a copy whose version differs from the live one */
	uint64_t lost_writes;		/* ... writing: the write never reaches the live data */
};

struct ts_sample {
	uint64_t t_ns;
	uint64_t node_used[MAX_NUMNODES];	/* pages in use per node */
	uint64_t hot_threshold_ms[MAX_NUMNODES];	/* tiering: promotion threshold now */
	uint64_t migrc_pending[MAX_NUMNODES];	/* migrc/LUF: source pages pending a flush */
	uint64_t *proc_node;			/* [proc][node] resident pages */
	uint64_t *proc_tasks;			/* [proc][node] runnable tasks, by the node of their CPU */
	char *task_node;			/* per task by pid, at most TS_MAX_TASKS: its CPU's node as a
						 * hex digit, '-' before its first run or after its exit */
	uint64_t vm[NR_VM_EVENT_ITEMS];
};

/*
 * The time series: a sample every numasim.sample_ms * stride. At most
 * TS_MAX_SAMPLES periodic samples are kept: when they would overflow, every
 * other one is dropped and the stride doubles, so memory stays bounded on
 * any run length and the samples stay evenly spaced (plus one at the end).
 */
#define TS_MAX_SAMPLES 2048
/* Tasks whose node each sample records (ts_sample.task_node): the first ones
 * created; a workload of thousands of threads keeps its series small. */
#define TS_MAX_TASKS 128
struct timeseries {
	struct ts_sample *s;
	uint32_t nr, cap;
	uint32_t stride;	/* sample_ms multiples between two kept samples (1, 2, 4, ...) */
};

enum sim_event_type {
	EV_BW_WINDOW,		/* close a bandwidth window */
	EV_SAMPLE,		/* time-series sample */
	EV_WAKEUP,		/* arg: task pid whose sleep ends */
	EV_KSWAPD,		/* arg: node and generation of kswapd's next step (mem/vmscan.c) */
	EV_POLICY,		/* the placement policy's own timer; arg: the policy's (s->policy->event) */
};

/*
 * A system call whose result the program sees (move_pages, migrate_pages):
 * kept for the report (stats/report.c, "syscalls"). Statuses are counted by
 * value: a node, or a negative errno.
 */
#define SYSREC_MAX_STATUS (MAX_NUMNODES + 8)
struct syscall_record {
	uint32_t pid, proc;
	enum wl_op op;
	uint64_t t_ns;			/* when it returned */
	int64_t ret;			/* its return value (-errno on error) */
	uint64_t nr_pages;		/* move_pages: entries asked for */
	uint32_t nr_status;
	int32_t status_val[SYSREC_MAX_STATUS];
	uint64_t status_cnt[SYSREC_MAX_STATUS];
};

struct barrier_state {
	uint32_t arrived;
	uint64_t last_arrival_ns;
	struct task **waiters;
};

/*
 * struct sim - one simulation: the machine, the simulated kernel's state and
 * the run's results. Everything a simulation changes hangs off this struct
 * (there is no global mutable state), so two simulations can run in one
 * process. sim_create() fills it, sim_run() advances it, the report reads it,
 * sim_destroy() frees it.
 */
struct sim {
	/* -- what is simulated: fixed at sim_create -- */
	struct machine m;		/* nodes, CPUs, distances, costs (copied) */
	struct tunables tun;		/* every tunable's value (core/tunables.def) */
	uint64_t seed;			/* the run's seed; every random stream derives from it */
	const struct workload *wl;	/* the programs the tasks run (not owned) */

	/* -- memory: the hardware and the mm core -- */
	struct phys_mem pm;		/* page frames, folios, buddy lists per node (mem/page_alloc.c) */
	struct pgtable_pool ptpool;	/* PTE-table pages (mem/pgtable.c) */
	/* fallback order per node: nodes with memory by distance (Linux build_zonelists) */
	uint32_t zonelist[MAX_NUMNODES][MAX_NUMNODES];
	uint32_t zonelist_len;		/* entries in each zonelist row: the nodes with memory */
	struct memory_tiers tiers;	/* tiers and demotion targets (mem/memory_tiers.c) */
	struct node_reclaim reclaim[MAX_NUMNODES];	/* kswapd and the LRU per node (mem/vmscan.c) */
	uint64_t zero_pfn;		/* the shared zero page */
	uint64_t huge_zero_pfn;		/* the huge zero page, PFN_NONE until first used */
	struct anon_vma *anon_vmas;	/* by id (id 0 unused): rmap roots shared over fork */
	uint32_t nr_anon_vmas, cap_anon_vmas;
	struct migrate_scratch *migrate_scratch;	/* migrate_pages()'s reused buffers (migrate/migrate.c) */

	/* -- CPUs and time -- */
	struct cpu *cpus;		/* m.nr_cpus of them: clock, runqueue, TLB */
	struct access_ahead **ahead;	/* per CPU: accesses drawn ahead (cpu/access.c), NULL until used */
	struct cpu_heap heap;		/* CPUs by local clock: the one furthest behind runs next */
	struct event_queue evq;		/* timers: wakeups, kswapd, policy daemons, samples */
	uint32_t nr_pending_wakeups;	/* EV_WAKEUP events queued */
	struct bw_model bw;		/* memory and link bandwidth sharing (cpu/cost.c) */
	uint32_t nr_stale_cpus;		/* CPUs with tlb_maybe_stale != 0: no bulk shortcuts while > 0 */
	uint64_t device_busy_until[MAX_NUMNODES];	/* device/devkernel.c: its kernel queue */

	/* -- tasks and address spaces -- */
	struct task **tasks;		/* by pid, exited ones included (the report reads them) */
	uint32_t nr_tasks, cap_tasks;
	uint32_t nr_live_tasks;		/* not yet exited: the run ends at 0 */
	struct mm_struct **mms;		/* by process index (the workload's process number) */
	uint32_t nr_mms;
	struct barrier_state *barriers;	/* by workload barrier id: who waits */
	struct rng clone_rng;		/* numasim.clone_jitter_ns: the random part of a clone's cost */

	/* -- switchable mechanisms, each behind its ops table (docs/architecture.md) -- */
	const struct numa_policy_ops *policy;	/* numasim.policy (numa/policy.h) */
	void *policy_data;		/* the policy's own state, or NULL */
	struct numa_promo_state promo[MAX_NUMNODES];	/* tiering promotion per target node (numa/numa_balancing.c) */
	struct migrc_state migrc;	/* migrc/LUF's pending flushes (migrate/migrc.c) */
	const struct tlb_defer_ops *tlb_defer;	/* cpu/tlb_defer.h: migrc/LUF's hooks, NULL if off */
	struct cpu *migrc_alloc_cpu;	/* the CPU allocating now, which pays a LUF flush */

	/* -- results -- */
	struct vmstat vs;		/* /proc/vmstat and numastat counters (stats/) */
	struct oracle oracle;		/* stale reads and lost writes through stale translations */
	struct timeseries ts;		/* samples every numasim.sample_ms */
	struct syscall_record *sysrec;	/* move_pages/migrate_pages/mbind results, in the order they returned */
	uint32_t nr_sysrec, cap_sysrec;
	uint64_t end_ns;		/* simulated elapsed time when the workload ended */
	uint64_t access_start_ns;	/* first random/gauss/lookup phase began (UINT64_MAX: none) */
	uint64_t max_ns;		/* numasim.max_sim_seconds in ns, UINT64_MAX if none */
	bool truncated;			/* stopped by max_ns */
	/* host memory (docs/host-memory.md): the estimate sim_create checked,
	 * and the counter of what the run takes, which stops it at its limit */
	struct host_estimate host_est;
	struct host_mem hostmem;
	int failed;			/* a workload error stopped the run */
	char error[512];		/* its message (sim_fail) */

	/* -- the caller's -- */
	/* called every SIM_PROGRESS_SLICES slices of the event loop, if set;
	 * it must not change the simulation (cli/progress.c draws a line) */
	void (*progress)(const struct sim *s, void *arg);
	void *progress_arg;		/* passed to progress */
	uint64_t progress_slices;	/* slices run while progress was set */
	/* when set and non-zero (a signal handler's flag), sim_run stops before
	 * the next slice: the result so far, marked interrupted */
	const volatile sig_atomic_t *stop;
	bool interrupted;		/* stopped through @stop */
};

/*
 * sim_create - set up a simulation of @wl on @m with tunables @tun.
 * Return 0, or -1 with a message in @err (e.g. the machine does not fit in
 * this host's memory).
 */
int sim_create(struct sim *s, const struct machine *m, const struct tunables *tun,
	       const struct workload *wl, uint64_t seed, char *err, size_t errlen);
/* Run to the end of the workload. Return 0, or -1 if a workload error stopped it. */
int sim_run(struct sim *s);
void sim_destroy(struct sim *s);

/*
 * task_create - a new task of process @proc running workload program
 * @program in @mm; a thread inherits @parent's policy and affinity (NULL: a
 * process's first thread), created at simulated time @now. The caller makes
 * it runnable (wake_up_new_task).
 */
struct task *task_create(struct sim *s, struct mm_struct *mm, uint32_t proc, uint32_t program,
			 struct task *parent, uint64_t now);

/*
 * sim_fail - a workload error (e.g. an access outside every VMA) stops the
 * run: the first message is kept in s->error, formatted by core/err.h's
 * errorf(); later ones are dropped. A macro over the sim's error slot, so
 * the layers below sim.c (cpu/access.c, cpu/trace_replay.c) report an error
 * without calling up into sim.c.
 */
#define sim_fail(s, ...)                                                           \
	do {                                                                       \
		struct sim *sim_fail_s_ = (s);                                     \
		if (!sim_fail_s_->failed) {                                        \
			errorf(sim_fail_s_->error, sizeof(sim_fail_s_->error),      \
			       __VA_ARGS__);                                       \
			sim_fail_s_->failed = 1;                                   \
		}                                                                  \
	} while (0)

/* Whole-system audit (SIM_DEBUG_VM >= 3 calls it at phase ends and the end). */
void sim_audit(struct sim *s);

#endif
