// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/data/trace_buf.c - the program the trace tests record with valgrind
 * lackey: malloc 8 MiB, write one word of every 64-byte line, read them all
 * twice. Prints the buffer's address, so a test can find its region.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SIZE (8u << 20)

int main(void)
{
	volatile uint64_t *buf = malloc(SIZE);
	uint64_t sum = 0;

	if (!buf)
		return 1;
	for (size_t i = 0; i < SIZE / 8; i += 8)
		buf[i] = i;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < SIZE / 8; i += 8)
			sum += buf[i];
	printf("buf %p %zu sum %llu\n", (void *)buf, (size_t)SIZE, (unsigned long long)sum);
	free((void *)buf);
	return 0;
}
