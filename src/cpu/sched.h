/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/sched.h - tasks, CPUs and the scheduler (Linux kernel/sched/fair.c:
 * select_task_rq_fair's fork path, sched_balance_find_dst_group/cpu over the
 * scheduling domains of kernel/sched/topology.c; wakeups, newidle and
 * periodic load balancing), reduced to what placement needs. docs/scheduler.md.
 *
 * SIMPLIFIED: one runqueue per CPU with round-robin timeslices instead of CFS
 * vruntime; load is the number of runnable tasks, not PELT averages; wakeups
 * and load balancing are simple rules, not select_idle_sibling and
 * sched_balance_rq.
 *
 * Invariants (sched_check()):
 *   cpu->nr_running == (curr != NULL) + tasks on its queue;
 *   a task is on at most one CPU, and state == TASK_RUNNING iff it is curr or
 *   queued somewhere; the CPU heap holds exactly the CPUs with nr_running > 0.
 */
#ifndef NUMASIM_CPU_SCHED_H
#define NUMASIM_CPU_SCHED_H

#include "core/compiler.h"
#include "core/rng.h"
#include "cpu/access.h"
#include "cpu/tlb.h"
#include "mem/mempolicy.h"
#include "mem/mm.h"
#include "numa/numa_types.h"

struct sim;
struct mm_struct;
struct wl_program;

enum task_state { TASK_NEW, TASK_RUNNING, TASK_SLEEPING, TASK_DEAD };

#define TRACE_RECENT_LINES 64	/* WL_TRACE: lines taken as cached (cpu/trace_replay.c) */

/* Progress inside the current phase. */
struct phase_cursor {
	bool started;
	uint64_t start, end;	/* absolute byte range */
	uint64_t addr;		/* WL_SWEEP: next address */
	uint64_t done;		/* passes or accesses completed */
	uint64_t until_ns;	/* WL_SLEEP/WL_COMPUTE: end time */
	uint64_t start_ns;	/* when the phase began (phases with a duration) */
	/* WL_SWEEP TLB warmth: the last pass ran on warm_cpu without a miss and
	 * its L2 has not changed since (tlb.l2_changes == warm_changes) */
	bool pass_missed;
	bool warm;
	uint32_t pass_cpu;
	uint64_t pass_changes, warm_changes;
	/* WL_SPAWN: clone's cost is paid; the child is placed on the next run */
	bool spawn_charged;
	/* WL_LOOKUP: the lookup in progress, so that a deadline may fall inside it */
	struct {
		uint32_t stage;		/* LK_* in cpu/access.c */
		uint32_t step;		/* gather step: even a row entry, odd a record */
		uint64_t key, lo, hi;	/* the key searched for; the search's bounds */
		uint64_t line;		/* line of the last search or row read */
	} lk;
	/* WL_ZIPF: where ranks go; WL_CHASE: the cycle and the position on it */
	struct access_perm perm;
	uint64_t pos;
	/* WL_TRACE: the replay's place in its stream (cpu/trace_replay.c) */
	struct {
		uint64_t loop;		/* replays of the stream completed */
		uint64_t pos;		/* byte offset of the next record */
		uint64_t addr;		/* traced address of the last record */
		uint64_t period;	/* accesses a record stands for (0: not started) */
		uint64_t pending;	/* of the last record's, still to be charged */
		uint32_t pending_nid;
		bool pending_write;
		int64_t region;		/* trace region of the last record (-1: none) */
		uint64_t lines[TRACE_RECENT_LINES];	/* recently used lines, + 1 */
	} tr;
};

struct task {
	uint32_t pid;			/* unique task id (as a Linux tid) */
	uint32_t tgid;			/* process id */
	uint32_t proc;			/* workload process index */
	struct mm_struct *mm;
	const struct wl_program *prog;
	uint32_t pc;			/* current phase */
	struct phase_cursor cur;
	struct zipf_table *zipf;	/* WL_ZIPF's buckets, made at its first zipf phase */
	enum task_state state;
	uint32_t cpu;			/* running, queued on, or last ran on */
	struct mempolicy pol;		/* task policy (set_mempolicy) */
	cpumask_t cpus_allowed;		/* affinity (sched_setaffinity); inherited by children */
	uint32_t il_prev;		/* interleave: last node used */
	uint32_t il_weight;		/* weighted interleave: pages left on il_prev */
	uint64_t sum_exec_runtime;	/* ns on a CPU */
	uint64_t nr_migrations;		/* moves between CPUs */
	struct task *parent;
	uint32_t nr_live_children;
	bool waiting_children;		/* in WL_JOIN */
	struct task *rq_next;
	struct rng rng;
	uint64_t start_ns, exit_ns;
	uint64_t stack_top;		/* first byte above its stack (mem/exec.c); 0: none */
	bool ran;			/* has run: its image pages are written (task_image_first_run) */
	struct task_numa numa;		/* NUMA balancing (numa/numa_balancing.c) */
	void *policy_priv;		/* the placement policy's per-task state (numa/policy.h), or NULL */
};

/*
 * Scheduling domains (Linux kernel/sched/topology.c, include/linux/sched/
 * sd_flags.h): each CPU sees the machine as nested spans, SMT siblings, the
 * LLC, the node, then one span per NUMA distance; each span is split into
 * groups, the spans of the level below. The flags the model reads:
 */
enum {
	SD_BALANCE_NEWIDLE = 1 << 0,
	SD_BALANCE_EXEC = 1 << 1,
	SD_BALANCE_FORK = 1 << 2,	/* fork/clone placement may look at this span */
	SD_WAKE_AFFINE = 1 << 3,
	SD_SHARE_CPUCAPACITY = 1 << 4,	/* SMT siblings */
	SD_SHARE_LLC = 1 << 5,		/* one last-level cache */
	SD_SERIALIZE = 1 << 6,
	SD_PREFER_SIBLING = 1 << 7,
	SD_NUMA = 1 << 8,		/* crosses nodes */
};

/* Which CPUs a span holds, relative to a CPU `rep` of it. */
enum sd_span_kind {
	SPAN_CPU,	/* rep alone (the groups of the lowest level) */
	SPAN_SMT,	/* rep's core */
	SPAN_MC,	/* rep's LLC; SIMPLIFIED: one LLC per node (machines give no cache topology) */
	SPAN_PKG,	/* rep's socket */
	SPAN_NUMA,	/* nodes at most `distance` from rep's node (10: the NODE level) */
};

struct sd_span {
	uint8_t kind;		/* enum sd_span_kind */
	uint8_t distance;	/* SPAN_NUMA: SLIT distance bound */
};

/* Linux struct sched_domain, as much as placement reads. */
struct sched_domain {
	struct sd_span span;		/* sched_domain_span() */
	struct sd_span groups;		/* each group: this span of one of its CPUs */
	uint16_t span_weight;		/* CPUs in the span */
	uint16_t flags;			/* SD_* */
	uint16_t imbalance_pct;		/* sd_init: 117, SMT 110 */
	uint16_t imb_numa_nr;		/* build_sched_domains: tasks a NUMA span may run unbalanced */
};

/* Domains a CPU can have after degeneration: SMT, MC, PKG and one per CPU node. */
#define SD_MAX_LEVELS (3 + MAX_NUMNODES)

/* x86 TLB_NR_DYN_ASIDS: address spaces whose TLB entries a CPU keeps (PCID) */
#define TLB_NR_DYN_ASIDS 6

/* Why a CPU's TLB may be stale (struct cpu's tlb_maybe_stale). */
enum {
	TLB_STALE_SKIPPED = 1,	/* numasim.debug_skip_flush omitted a flush it needed */
	TLB_STALE_DEFERRED = 2,	/* a migrc/LUF flush naming it is pending */
};

struct cpu {
	uint64_t now;			/* this CPU's clock, ns */
	struct task *curr;
	struct task *rq_head, *rq_tail;	/* queued, not running */
	uint32_t nr_running;
	uint32_t id, node, core, socket;
	uint32_t sibling;		/* other SMT thread, or UINT32_MAX */
	uint32_t heap_idx;		/* position in the run heap, UINT32_MAX if idle */
	uint64_t next_tick_ns;
	uint64_t slice_end_ns;		/* round-robin timeslice end */
	/* TLB_STALE_*: this CPU's TLB may hold translations the page tables no
	 * longer have, so the oracle checks each access it serves */
	uint8_t tlb_maybe_stale;
	/* x86 cpu_tlbstate: the address space loaded (kept while idle, in lazy
	 * TLB mode: enter_lazy_tlb), and per ASID the address space and the
	 * tlb_gen it is flushed up to. Invariant (audited): TLB entries exist
	 * only for address spaces in ctxs[]; those of a context behind its
	 * mm's tlb_gen may be stale and are flushed by switch_mm_irqs_off
	 * before use. */
	uint32_t loaded_mm;		/* mm id, UINT32_MAX before the first task */
	bool tlb_lazy;			/* idle in lazy TLB mode: shootdowns skip it */
	uint32_t next_asid;		/* round-robin victim when all ASIDs are taken */
	struct tlb_ctx {
		uint32_t mm_id;
		uint32_t flush_gen;	/* migrc generation at its last full flush */
		uint64_t tlb_gen;
	} ctxs[TLB_NR_DYN_ASIDS];
	struct tlb tlb;
	uint64_t busy_ns;		/* time with a task */
	uint64_t kernel_ns;		/* fault, flush and other kernel work */
	uint64_t shootdown_ns;		/* time in TLB shootdowns, both sides */
	double frac_ns;			/* sub-nanosecond remainder of charged costs */
	uint64_t pending_kernel_ns;	/* work sent by other CPUs (shootdowns), charged at next run */
	bool numa_migrate_on;		/* a NUMA task move to this CPU is pending (rq->numa_migrate_on) */
	uint64_t idle_stamp;		/* when it last went idle (rq->idle_stamp); 0: never ran */
	bool end_slice;			/* stop this run so the CPUs behind catch up (sim.c run_cpu) */
	/* its scheduling domains, lowest first (for_each_domain() order) */
	uint8_t nr_sd;
	struct sched_domain sd[SD_MAX_LEVELS];
};

/* Advance @cpu's clock by a fractional cost, carrying the remainder. */
static inline void cpu_advance(struct cpu *cpu, double ns)
{
	double t = ns + cpu->frac_ns;
	uint64_t whole = (uint64_t)t;
	cpu->frac_ns = t - (double)whole;
	cpu->now += whole;
}

/*
 * build_sched_domains - the domains of every CPU of s->m, as Linux builds and
 * degenerates them (cpu/topology.c). Call once the CPUs are set up.
 */
void build_sched_domains(struct sim *s);
/* imb_numa_nr of @cpu's lowest NUMA domain (sd_numa), or 1 without one. */
uint32_t sched_numa_imb_nr(const struct sim *s, uint32_t cpu);
/* Does span @sp of CPU @rep hold CPU @i? */
bool sd_span_test(const struct sim *s, struct sd_span sp, uint32_t rep, uint32_t i);
/* When the spans of kind @sp partition the CPUs: the one CPU @i is in (its
 * core, node, socket or itself), below MAX_CPUS; else -1 (they may overlap). */
int sd_span_key(const struct sim *s, struct sd_span sp, uint32_t i);

/*
 * select_task_rq_fork - the CPU wake_up_new_task() gives the new task @p
 * forked (or cloned) on @this_cpu: Linux select_task_rq_fair() with
 * WF_FORK, which walks the SD_BALANCE_FORK domains top-down
 * (sched_balance_find_dst_cpu). Reads the runqueues, changes nothing.
 */
uint32_t select_task_rq_fork(const struct sim *s, const struct task *p, uint32_t this_cpu);
/* Place a new task (fork/clone balancing) and make it runnable at @now. */
void wake_up_new_task(struct sim *s, struct task *t, uint32_t parent_cpu, uint64_t now);
/* Wake a sleeping task at @now (select_idle_sibling around its last CPU). */
void try_to_wake_up(struct sim *s, struct task *t, uint64_t now);
/* The current task of @cpu blocks (sleep, join, barrier) or exits. */
void sched_dequeue_curr(struct sim *s, struct cpu *cpu);
/* Timeslice expiry and load balancing, called at each tick of @cpu. */
void scheduler_tick(struct sim *s, struct cpu *cpu);
/* Pick the next task when curr is NULL (and pull work when idle). */
void sched_pick_next(struct sim *s, struct cpu *cpu);
/* Move @t (queued, not running) to @dst. */
void sched_move_task(struct sim *s, struct task *t, struct cpu *dst);
/*
 * sched_kthread_cpu - the CPU a kernel thread (kswapd, AutoNUMA's daemons)
 * woken at @now runs on: an idle CPU of node @nid (any node if @nid < 0 or
 * the node has no CPU), the one free soonest; else the least loaded, whose
 * task waits. Call from event context only, and cpu_heap_update() after
 * charging it.
 */
struct cpu *sched_kthread_cpu(struct sim *s, uint64_t now, int nid);
/* migrate_task_to(): move the current task of @src to the idle CPU @dst. */
void sched_migrate_curr(struct sim *s, struct cpu *src, struct cpu *dst);
/* migrate_swap(): exchange the CPUs of @a (current on its CPU) and @b
 * (current or queued on its CPU). Return false if either may not move. */
bool sched_swap_tasks(struct sim *s, struct task *a, struct task *b);
/* Restrict @t, the current task of @cpu, to @mask; move it off @cpu if that
 * is no longer allowed (Linux __set_cpus_allowed_ptr + migration_cpu_stop). */
void set_cpus_allowed(struct sim *s, struct cpu *cpu, struct task *t, const cpumask_t *mask);

/* The run heap: CPUs with work, ordered by (clock, id). The key is kept in
 * the entry so sifting never touches struct cpu. */
struct cpu_heap_entry {
	uint64_t now;
	uint32_t id;
};
struct cpu_heap {
	struct cpu_heap_entry *e;
	uint32_t nr;
};
void cpu_heap_update(struct sim *s, struct cpu *cpu);

void sched_check(struct sim *s);

#endif
