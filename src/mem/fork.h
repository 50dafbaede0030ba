/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/fork.h - fork(2): a new process whose address space is a
 * copy-on-write copy of its parent's (Linux kernel/fork.c dup_mmap,
 * mm/memory.c copy_page_range, mm/huge_memory.c copy_huge_pmd).
 *
 * After dup_mm() every anonymous folio the parent mapped is mapped by both:
 * read-only in both page tables, mapcount and refcount one higher,
 * PG_anon_exclusive clear, so the first write on either side goes through
 * do_wp_page (memory.c) or do_huge_pmd_wp_page (huge_memory.c). A DMA-pinned
 * exclusive folio is copied for the child at once instead. The parent's TLB
 * is flushed before fork returns: without that flush its CPUs could keep
 * writing through writable translations into now-shared pages.
 */
#ifndef NUMASIM_MEM_FORK_H
#define NUMASIM_MEM_FORK_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct task;
struct mm_struct;

/*
 * dup_mm - create a child address space of @oldmm: same VMAs (addresses,
 * flags, policies, anon_vmas, which now include the child), same workload
 * regions, page tables shared copy-on-write. Work is charged to @cpu, which
 * runs the parent. Return the new mm, or NULL if a pinned page could not be
 * copied for lack of memory (the child's mm then stays, consistent, holding
 * what was copied; the caller fails the run).
 */
struct mm_struct *dup_mm(struct sim *s, struct cpu *cpu, struct mm_struct *oldmm);


#endif
