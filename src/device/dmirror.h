/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * device/dmirror.h - the driver of a device with device-private memory (a
 * GPU), after the kernel's HMM test driver (lib/test_hmm.c, "dmirror") and
 * nouveau: it migrates ranges of an address space to its memory and back
 * with the migrate_vma API, allocating whole THPs of device memory where it
 * can, and serves CPU faults on its pages (migrate_to_ram).
 *
 * Large allocations fail, in both directions, under
 * numasim.device_fail_large_alloc (test_hmm's HMM_DMIRROR_FLAG_FAIL_ALLOC):
 * a THP then moves as 512 base pages, its source split on the way.
 */
#ifndef NUMASIM_DEVICE_DMIRROR_H
#define NUMASIM_DEVICE_DMIRROR_H

#include "core/compiler.h"
#include "fault/fault.h"

struct sim;
struct cpu;
struct task;
struct mm_struct;
struct vm_area_struct;

/* What one migration did, in base pages. */
struct dmirror_result {
	uint64_t collected;	/* pages migrate_vma_setup() selected */
	uint64_t moved;		/* moved or populated */
};

/*
 * dmirror_migrate_to_device - move [start, end) of @t's address space to the
 * memory of device node @dev, THPs whole where the device can allocate them.
 * @t's CPU @cpu does the work and waits for the copies over the link.
 * Return 0, -EINVAL for a range that is not page aligned or not inside
 * readable mappings, or a node that is not a device; -ENOENT if a mapping of
 * the range is shared (as test_hmm's migrate_shared expects: only private
 * anonymous memory migrates).
 */
int dmirror_migrate_to_device(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			      uint64_t end, uint32_t dev, struct dmirror_result *r);

/*
 * dmirror_migrate_to_system - move the pages of device node @dev in
 * [start, end) back to system memory, allocated by @t's memory policy on
 * @cpu's node, THPs whole where possible. Return as above.
 */
int dmirror_migrate_to_system(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			      uint64_t end, uint32_t dev, struct dmirror_result *r);

/*
 * dmirror_init - the driver takes every device node of the machine: each
 * node's dev_pagemap gets dmirror_devmem_ops (memremap_pages() in
 * dmirror_allocate_chunk()), whose migrate_to_ram serves CPU faults on its
 * pages (dmirror_devmem_fault()).
 */
void dmirror_init(struct sim *s);

#endif
