/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/compiler.h - compiler helpers shared by every module.
 *
 * Defined once here so the hot path can say what it expects (likely/unlikely)
 * and keep its slow paths out of line (noinline/cold), as mimalloc does.
 */
#ifndef NUMASIM_CORE_COMPILER_H
#define NUMASIM_CORE_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define sim_noinline	__attribute__((noinline))
#define sim_cold	__attribute__((cold, noinline))
#define sim_unused	__attribute__((unused))
/* For a helper made only of prefetches: GCC takes a function whose only
 * effect is __builtin_prefetch for a pure one and drops the calls to it
 * unless it is inlined first. */
#define sim_always_inline inline __attribute__((always_inline))
#define sim_printf(a, b) __attribute__((format(printf, a, b)))
#define sim_noreturn	_Noreturn

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* Power-of-two alignment helpers; @a must be a power of two. */
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)	 ALIGN_DOWN((x) + (uint64_t)(a) - 1, (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#define KiB (1024ull)
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

#define NSEC_PER_USEC 1000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull

#endif
