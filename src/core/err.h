/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/err.h - reporting bad input, in one format. Parsers and set-up code
 * write one message into a caller's buffer and return -1; the command prints
 * it and exits with status 2. A message names where the bad input is:
 *
 *   FILE:LINE: key 'KEY': what is wrong       (any of the three may be absent)
 *   --option 'VALUE': what is wrong           (an option: the command's own text)
 *
 * and is printed as "PROGRAM: message" ("numasim: ...", "numasim validate:
 * ...", "numasim-native: ...").
 */
#ifndef NUMASIM_CORE_ERR_H
#define NUMASIM_CORE_ERR_H

#include <stdarg.h>
#include <stdio.h>

#include "core/compiler.h"

/* Format into @err (when non-NULL and non-empty) and return -1. */
sim_printf(3, 4) int errorf(char *err, size_t errlen, const char *fmt, ...);
int verrorf(char *err, size_t errlen, const char *fmt, va_list ap);

/*
 * Format "FILE:LINE: key 'KEY': message" into @err and return -1: the
 * "FILE:" part only when @file is non-NULL, "LINE:" only when @line is
 * non-zero, "key 'KEY': " only when @key is non-NULL.
 */
sim_printf(6, 7) int errorf_at(char *err, size_t errlen, const char *file, unsigned long line,
			       const char *key, const char *fmt, ...);
int verrorf_at(char *err, size_t errlen, const char *file, unsigned long line, const char *key,
	       const char *fmt, va_list ap);

/* Print "@prog: message" and a newline on stderr; return 2, the bad-input exit status. */
sim_printf(2, 3) int err_print(const char *prog, const char *fmt, ...);
int verr_print(const char *prog, const char *fmt, va_list ap);

#endif
