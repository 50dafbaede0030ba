/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/array.h - growing arrays. Every growable array of the simulator
 * doubles its capacity through here, so the overflow check and the answer to
 * a failed allocation are written once.
 *
 * Running out of host memory mid-simulation has no good recovery (state is
 * half-updated), so, as before, the program stops: "numasim: out of host
 * memory (N bytes)" on stderr, then abort(). The up-front host-memory check
 * of sim_create() is what refuses a run too large for the host.
 */
#ifndef NUMASIM_CORE_ARRAY_H
#define NUMASIM_CORE_ARRAY_H

#include "core/compiler.h"

/* Print the out-of-memory message for @bytes and abort(). */
sim_noreturn sim_cold void array_oom(size_t bytes);

/* realloc() of @nr elements of @elem bytes (at least one byte); aborts on failure or overflow. */
void *xreallocarray(void *p, size_t nr, size_t elem);

/*
 * The capacity after @cap for at least @need elements: @cap doubled (from
 * @init when 0) until it holds @need, at most @max (the largest value the
 * caller's capacity field holds). Aborts if @need is above @max.
 */
size_t array_next_cap(size_t cap, size_t need, size_t init, size_t max);

/* Largest value of the unsigned capacity field @cap. */
#define ARRAY_CAP_MAX(cap) ((size_t)(__typeof__(cap))~(__typeof__(cap))0)

/*
 * ARRAY_GROW(arr, cap, nr, init) - make room for element @nr (@nr + 1
 * elements) in @arr, a pointer reallocated in place, whose capacity is the
 * unsigned lvalue @cap: the capacity doubles, starting at @init. Nothing
 * happens while @nr < @cap, so the common call, before appending at index
 * nr, costs one compare.
 */
#define ARRAY_GROW(arr, cap, nr, init)                                                    \
	do {                                                                              \
		if ((size_t)(nr) >= (size_t)(cap)) {                                      \
			size_t ncap_ = array_next_cap((cap), (size_t)(nr) + 1, (init),    \
						      ARRAY_CAP_MAX(cap));                \
			(arr) = xreallocarray((arr), ncap_, sizeof(*(arr)));              \
			(cap) = (__typeof__(cap))ncap_;                                   \
		}                                                                         \
	} while (0)

#endif
