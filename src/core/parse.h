/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/parse.h - the one number syntax of every numasim input: command-line
 * options, --set values, machine files, workload specs and files, trace
 * files, validate's case and bounds files.
 *
 * Accepted syntax (the whole text must match, nothing around it):
 *
 *   integer   DIGITS                         "0", "42", "0012"
 *   size      DIGITS[K|M|G|T]                "4096", "256K", "3g", "1T"
 *             binary units (K = 1024), either case, no space before the unit
 *   decimal   [DIGITS][.DIGITS][(e|E)[+|-]DIGITS]
 *             at least one digit before the exponent: "0.25", ".5", "1.",
 *             "5e-8", "1E+3"
 *
 * Refused, with PARSE_SYNTAX: an empty text, a sign on the number ("-1",
 * "+1"), blanks anywhere (" 0.1", "1 "), a base prefix or hex digits
 * ("0x10"), "inf", "nan", a locale's decimal comma, any trailing character.
 * Refused with PARSE_RANGE: an integer or size above UINT64_MAX (or above the
 * caller's maximum), a decimal that overflows to infinity ("1e400") or that
 * underflows below the smallest normal double ("1e-400"), except an exact 0.
 *
 * Each function returns PARSE_OK or an error code; parse_error() gives the
 * error's words ("not a decimal number"), for the caller to place after its
 * own "FILE:LINE: key 'K': " or "--option 'VALUE': " context.
 */
#ifndef NUMASIM_CORE_PARSE_H
#define NUMASIM_CORE_PARSE_H

#include "core/compiler.h"

enum parse_rc {
	PARSE_OK = 0,
	PARSE_SYNTAX,	/* not the syntax above */
	PARSE_RANGE,	/* the syntax, but too large (or too small) */
};

/* What went wrong, for an integer (@what "integer"), a size or a decimal. */
const char *parse_error(enum parse_rc rc, const char *what);

/*
 * Decimal digits at @s (of @n bytes) until the first non-digit: the number of
 * digits read (0: none, or the value does not fit in 64 bits) and the value
 * in *@out. For parsers of larger grammars that go on after the number.
 */
size_t parse_scan_u64(const char *s, size_t n, uint64_t *out);

/* An integer of @n bytes at @s in [@min, @max]. */
enum parse_rc parse_u64(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Shift of the binary unit @c (K 10, M 20, G 30, T 40, either case), or 0 if
 * @c is not one.
 */
unsigned int parse_size_unit(char c);

/* A size of @n bytes at @s, in bytes. */
enum parse_rc parse_size(const char *s, size_t n, uint64_t *out);

/* A decimal of @n bytes at @s: finite, non-negative. */
enum parse_rc parse_double(const char *s, size_t n, double *out);

/* The same for a NUL-terminated string. */
enum parse_rc parse_u64_str(const char *s, uint64_t min, uint64_t max, uint64_t *out);
enum parse_rc parse_size_str(const char *s, uint64_t *out);
enum parse_rc parse_double_str(const char *s, double *out);

/*
 * A name that names a file (a compare or sweep variant's DIR/NAME.json): the
 * @n bytes at @s are 1 to @max letters, digits, '.', '_', '+' and '-', not
 * starting with '.'.
 */
bool parse_file_name(const char *s, size_t n, size_t max);

#endif
