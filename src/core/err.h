/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/err.h - reporting bad input: parsers and set-up code write one
 * message naming the file, line, key or value into a caller's buffer and
 * return -1; the command prints it and exits with status 2.
 */
#ifndef NUMASIM_CORE_ERR_H
#define NUMASIM_CORE_ERR_H

#include "core/compiler.h"

/* Format into @err (when non-NULL and non-empty) and return -1. */
sim_printf(3, 4) int errorf(char *err, size_t errlen, const char *fmt, ...);

#endif
