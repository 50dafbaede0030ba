/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate/move_pages.h - the migration system calls a program makes:
 * move_pages(2) (Linux mm/migrate.c) and migrate_pages(2) (mm/mempolicy.c).
 */
#ifndef NUMASIM_MIGRATE_MOVE_PAGES_H
#define NUMASIM_MIGRATE_MOVE_PAGES_H

#include "core/compiler.h"
#include "mem/mempolicy.h"

struct sim;
struct cpu;
struct mm_struct;
struct syscall_record;

/*
 * kernel_move_pages - move_pages(0, nr_pages, pages, nodes, status,
 * MPOL_MF_MOVE) where pages[i] = @start + i pages and nodes[i] is the
 * (i mod weight)-th node of @nodes. Each status written is counted in @rec
 * (a node, or -ENOENT, -EFAULT, -EACCES, -EBUSY); entries the kernel never
 * writes are counted as unset. Return 0, the number of pages not migrated,
 * or a negative errno (-ENODEV for a node without memory).
 */
int64_t kernel_move_pages(struct sim *s, struct cpu *cpu, struct mm_struct *mm, uint64_t start,
			  uint64_t nr_pages, nodemask_t nodes, struct syscall_record *rec);

/*
 * kernel_migrate_pages - migrate_pages(0, maxnode, @from, @to) by an
 * unprivileged program (MPOL_MF_MOVE, no CAP_SYS_NICE). Return the number
 * of pages not migrated (folios, a THP counting 1, as Linux), or -EPERM
 * if @to names a node without memory.
 */
int64_t kernel_migrate_pages(struct sim *s, struct cpu *cpu, struct mm_struct *mm, nodemask_t from,
			     nodemask_t to);

struct task;
/*
 * mbind_move_pages - the MPOL_MF_MOVE part of mbind() (Linux do_mbind(),
 * after the policy is set on [@start, @end)): every folio of the range not
 * on @nodes (the user's mask; empty for default and local, so all) and not
 * shared is migrated to the node the range's new policy gives it
 * (alloc_migration_target_by_mpol(); MR_MEMPOLICY_MBIND). Return the folios
 * not migrated (mbind itself returns 0 without MPOL_MF_STRICT).
 */
int64_t mbind_move_pages(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			 uint64_t end, nodemask_t nodes);

#endif
