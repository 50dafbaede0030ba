/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/debug.h - invariant checks at three depths (the SIM_DEBUG_VM ladder).
 *
 *   0  release: checks are type-checked but never evaluated;
 *   1  VM_BUG_ON*: O(1) checks on every transition, hot path included;
 *   2  + VM_CHECK(validator): per-object validators (folio_check, ...);
 *   3  + VM_AUDIT(audit): whole-system audits (sim_audit).
 *
 * A failed check prints the expression, the place and, when given, the object,
 * then aborts: a model bug is never a recoverable error.
 */
#ifndef NUMASIM_CORE_DEBUG_H
#define NUMASIM_CORE_DEBUG_H

#include "core/compiler.h"

#ifndef SIM_DEBUG_VM
#define SIM_DEBUG_VM 0
#endif

#define SIM_NOT_EVALUATED(cond) ((void)sizeof(!(cond)))

typedef void (*vm_dump_fn)(const void *obj);

sim_noreturn sim_cold void vm_bug(const char *expr, const char *file, int line,
				  vm_dump_fn dump, const void *obj);

#if SIM_DEBUG_VM >= 1
#define VM_BUG_ON(cond)                                                       \
	do {                                                                  \
		if (unlikely(cond))                                           \
			vm_bug(#cond, __FILE__, __LINE__, NULL, NULL);        \
	} while (0)
#define VM_BUG_ON_OBJ(cond, dump, obj)                                        \
	do {                                                                  \
		if (unlikely(cond))                                           \
			vm_bug(#cond, __FILE__, __LINE__, (dump), (obj));     \
	} while (0)
#else
#define VM_BUG_ON(cond)		       SIM_NOT_EVALUATED(cond)
#define VM_BUG_ON_OBJ(cond, dump, obj) SIM_NOT_EVALUATED(cond)
#endif

/* Level 2: run a validator that itself uses VM_BUG_ON. */
#if SIM_DEBUG_VM >= 2
#define VM_CHECK(call) ((void)(call))
#else
#define VM_CHECK(call) ((void)0)
#endif

/* Level 3: whole-system audits. */
#if SIM_DEBUG_VM >= 3
#define VM_AUDIT(call) ((void)(call))
#else
#define VM_AUDIT(call) ((void)0)
#endif

/* A branch that only saves work: forcing it either way must not change results. */
#define OK_IF_ALWAYS_TRUE(x) (x)

#endif
