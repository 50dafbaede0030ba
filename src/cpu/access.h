/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/access.h - the CPU side of memory accesses: translation (TLB, walk,
 * fault) and the executors of the access phases.
 */
#ifndef NUMASIM_CPU_ACCESS_H
#define NUMASIM_CPU_ACCESS_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct task;

/* Run one step of the task's sweep phase, stopping at @deadline or at a
 * PMD boundary. Return true when the phase is complete. */
bool sweep_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Run random or skewed accesses until @deadline; true when complete. */
bool random_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);

#endif
