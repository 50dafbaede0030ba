/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * device/devkernel.h - device kernels: a device's threads running a workload
 * phase over process memory (see devkernel.c for the model).
 */
#ifndef NUMASIM_DEVICE_DEVKERNEL_H
#define NUMASIM_DEVICE_DEVKERNEL_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct mm_struct;
struct wl_phase;

/*
 * device_kernel - device node ph->target runs ph->count passes of ph->access
 * over [start, start + ph->len) of @mm, launched from @cpu, with ph->arg of
 * its threads (0: all). Its own pages go at its memory's bandwidth, the rest
 * over its link, both scaled by the share of threads. The kernel starts when
 * the device is free. Return the simulated time it ends.
 */
uint64_t device_kernel(struct sim *s, struct cpu *cpu, struct mm_struct *mm,
		       const struct wl_phase *ph, uint64_t start);

#endif
