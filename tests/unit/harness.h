/* SPDX-License-Identifier: GPL-2.0-only */
/* tests/unit/harness.h - cmocka and the helpers every unit test uses. */
#ifndef NUMASIM_TEST_HARNESS_H
#define NUMASIM_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#endif
