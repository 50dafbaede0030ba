/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/bitmap.h - word-array bit sets (as include/linux/bitmap.h): the one
 * OR loop of CPU masks, node CPU lists and their like.
 */
#ifndef NUMASIM_CORE_BITMAP_H
#define NUMASIM_CORE_BITMAP_H

#include "core/compiler.h"

/* bitmap_or(): @dst = @src1 | @src2 over @nwords 64-bit words (@dst may be either source). */
static inline void bitmap_or(uint64_t *dst, const uint64_t *src1, const uint64_t *src2,
			     size_t nwords)
{
	for (size_t w = 0; w < nwords; w++)
		dst[w] = src1[w] | src2[w];
}

/* cpumask_or(): the same over two masks with a bits[] array of the same size (cpumask_t). */
#define cpumask_or(dst, src1, src2)                                                   \
	do {                                                                          \
		_Static_assert(sizeof((dst)->bits) == sizeof((src1)->bits) &&         \
			       sizeof((dst)->bits) == sizeof((src2)->bits), "mask sizes"); \
		bitmap_or((dst)->bits, (src1)->bits, (src2)->bits, ARRAY_SIZE((dst)->bits)); \
	} while (0)

#endif
