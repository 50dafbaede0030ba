// SPDX-License-Identifier: GPL-2.0-only
/* core/debug.c - the one place a failed invariant ends the program. */
#include <stdio.h>
#include <stdlib.h>

#include "core/debug.h"
#include "core/err.h"

void vm_bug(const char *expr, const char *file, int line, vm_dump_fn dump, const void *obj)
{
	err_print("numasim", "invariant violated at %s:%d: %s", file, line, expr);
	if (dump && obj)
		dump(obj);
	fflush(stderr);
	abort();
}
