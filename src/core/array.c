// SPDX-License-Identifier: GPL-2.0-only
/* core/array.c - see array.h. */
#include <stdio.h>
#include <stdlib.h>

#include "core/array.h"
#include "core/err.h"

void array_oom(size_t bytes)
{
	err_print("numasim", "out of host memory (%zu bytes)", bytes);
	fflush(stderr);
	abort();
}

void *xreallocarray(void *p, size_t nr, size_t elem)
{
	size_t bytes;
	void *q;

	if (__builtin_mul_overflow(nr, elem, &bytes))
		array_oom(SIZE_MAX);
	q = realloc(p, bytes ? bytes : 1);
	if (!q)
		array_oom(bytes);
	return q;
}

size_t array_next_cap(size_t cap, size_t need, size_t init, size_t max)
{
	size_t ncap = cap ? cap : (init ? init : 1);

	if (need > max)
		array_oom(need);
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	return MIN(ncap, max);
}
