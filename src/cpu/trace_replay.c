// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/trace_replay.c - replaying a recorded access stream (WL_TRACE).
 *
 * Each record is one access of the traced thread: its address is moved from
 * the traced program's address space into the simulated one by region
 * (region i of the trace is workload region ph->region + i of the process,
 * at the same offset), then it goes through the same path as every other
 * access (cpu_access_nid(): TLB, page walk, faults, the oracle) and is
 * charged by the cost model:
 *   a line among the last TRACE_RECENT_LINES distinct lines the thread used
 *	(a direct-mapped filter on the line address) costs TRACE_HIT_NS, a
 *	cache hit; APPROX: numasim has no cache model, this keeps a stack
 *	variable read eight times in a row from costing eight DRAM accesses;
 *   any other costs what a random access of WL_RANDOM costs (mem_independent_ns,
 *	a store as a read for ownership plus a write-back).
 * A perf sample stands for `period` accesses: the sample itself is replayed,
 * and the period - 1 unseen ones are charged as accesses of the same kind to
 * the same node, with no translation (SIMPLIFIED: their pages are unknown;
 * `perf mem` samples loads above a latency threshold, so charging them as
 * memory accesses, not hits, is what they were).
 * With loops=N the stream is replayed N times in a row, each time from its
 * start (addresses and period as at the start; the filter and TLB warm).
 * The deadline is checked between records, and inside the unseen accesses of
 * one sample every TRACE_CHARGE_CHUNK, so a large period does not run a CPU
 * far past its slice.
 */
#include <inttypes.h>

#include "cpu/access.h"
#include "cpu/trace_replay.h"
#include "sim.h"
#include "workload/trace.h"

#define TRACE_HIT_NS 1.0	/* APPROX: an L1 hit at 4 GHz */
#define TRACE_CHARGE_CHUNK 64

static const enum cpu_access_kind trec_kind[] = {
	[WL_TREC_LOAD] = ACCESS_LOAD, [WL_TREC_STORE] = ACCESS_STORE, [WL_TREC_MODIFY] = ACCESS_RMW,
};

sim_cold static bool trace_corrupt(struct sim *s, struct task *t, const struct wl_trace *tr,
				   uint32_t stream, uint64_t pos, const char *what)
{
	sim_fail(s, "task %u (process %u): trace %s: stream %" PRIu32 ": %s at byte %" PRIu64,
		 t->pid, t->proc, tr->name, stream, what, pos);
	return true;
}

/* Charge what is left of the last sample's unseen accesses, up to @deadline. */
static void charge_pending(struct sim *s, struct cpu *cpu, struct phase_cursor *c,
			   uint64_t deadline)
{
	while (c->tr.pending && cpu->now < deadline) {
		uint64_t n = MIN(c->tr.pending, TRACE_CHARGE_CHUNK);

		cpu_advance(cpu, mem_independent_ns(s, cpu, c->tr.pending_nid, n,
						    c->tr.pending_write));
		count_vm_events(&s->vs, SIM_ACCESSES, n);
		c->tr.pending -= n;
	}
}

/* Recently used line? Remember it either way. */
static bool line_recent(struct phase_cursor *c, uint64_t addr)
{
	uint64_t line = addr >> 6;
	uint64_t *slot = &c->tr.lines[(line ^ (line >> 6)) % TRACE_RECENT_LINES];
	bool hit = *slot == line + 1;

	*slot = line + 1;
	return hit;
}

bool trace_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline)
{
	const struct wl_phase *ph = &t->prog->phases[t->pc];
	const struct wl_trace *tr = s->wl->traces[ph->target];
	const struct wl_trace_stream *st = &tr->streams[ph->arg];
	const struct wl_trace_proc *proc = &tr->procs[st->proc];
	const struct wl_trace_region *r0 = &tr->regions[proc->first_region];
	struct phase_cursor *c = &t->cur;

	if (unlikely(!c->tr.period)) {
		uint64_t have = t->proc < s->wl->nr_procs ? s->wl->procs[t->proc].nr_regions : 0;

		if (ph->region + (uint64_t)proc->nr_regions > MIN(have, MM_MAX_REGIONS)) {
			sim_fail(s, "task %u (process %u): trace %s: its %" PRIu32 " regions from "
				 "region %" PRIu32 " are not all mapped", t->pid, t->proc, tr->name,
				 proc->nr_regions, ph->region);
			return true;
		}
		c->tr.period = 1;
		c->tr.region = -1;
	}
	const uint8_t *p = st->data + c->tr.pos, *end = st->data + st->len;
	bool done = false;
	for (;;) {
		if (c->tr.pending)
			charge_pending(s, cpu, c, deadline);
		if (cpu->now >= deadline || s->failed)
			break;
		if (p >= end) {
			if (++c->tr.loop >= MAX(ph->count, 1)) {
				done = true;
				break;
			}
			p = st->data;	/* loops=N: the stream again, from its start */
			c->tr.addr = 0;
			c->tr.period = 1;
			continue;
		}
		uint64_t v;
		if (unlikely(!wl_trace_varint(&p, end, &v)))
			return trace_corrupt(s, t, tr, ph->arg, (uint64_t)(p - st->data),
					     "truncated record");
		uint32_t kind = v & 3;
		if (kind == WL_TREC_PERIOD) {
			c->tr.period = v >> 2;
			if (unlikely(!c->tr.period || c->tr.period > WL_TRACE_MAX_PERIOD))
				return trace_corrupt(s, t, tr, ph->arg, (uint64_t)(p - st->data),
						     "bad period");
			continue;
		}
		uint64_t addr = c->tr.addr += wl_trace_unzigzag(v >> 2);
		int64_t r = c->tr.region;
		if (r < 0 || addr < r0[r].start || addr - r0[r].start >= r0[r].len) {
			r = c->tr.region = wl_trace_find_region(tr, st->proc, addr);
			if (unlikely(r < 0))
				return trace_corrupt(s, t, tr, ph->arg, (uint64_t)(p - st->data),
						     "address in no region");
		}
		uint64_t va = t->mm->region_addr[ph->region + r] + (addr - r0[r].start);
		uint32_t nid;
		if (!cpu_access_nid(s, cpu, t, va, trec_kind[kind], &nid))
			return true;
		bool write = kind != WL_TREC_LOAD;
		cpu_advance(cpu, line_recent(c, addr) ? TRACE_HIT_NS
						     : mem_independent_ns(s, cpu, nid, 1, write));
		count_vm_event(&s->vs, SIM_ACCESSES);
		c->done++;
		if (c->tr.period > 1) {
			c->tr.pending = c->tr.period - 1;
			c->tr.pending_nid = nid;
			c->tr.pending_write = write;
		}
	}
	c->tr.pos = (uint64_t)(p - st->data);
	return done;
}
