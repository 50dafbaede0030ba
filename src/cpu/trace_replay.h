/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/trace_replay.h - the executor of WL_TRACE phases: a recorded stream of
 * memory accesses replayed through the MMU and the cost model.
 */
#ifndef NUMASIM_CPU_TRACE_REPLAY_H
#define NUMASIM_CPU_TRACE_REPLAY_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct task;

/* Replay the task's trace stream until @deadline; true when it is complete
 * (or the run failed). */
bool trace_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);

#endif
