// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_parse_number.c - libFuzzer target for the one number syntax
 * (src/core/parse.h): every input goes through parse_u64, parse_size,
 * parse_double and parse_scan_u64, and what they accept is checked against
 * the documented grammar and against each other.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* The value of @n digits at @s by another route: strtoull on a copy. */
static bool reference_u64(const char *s, size_t n, uint64_t *out)
{
	char buf[64];

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	*out = strtoull(buf, NULL, 10);
	return errno == 0;
}

static void check_u64(const char *s, size_t n)
{
	uint64_t v = 0, r;
	enum parse_rc rc = parse_u64(s, n, 0, UINT64_MAX, &v);

	if ((rc == PARSE_SYNTAX) == all_digits(s, n))
		abort();	/* syntax errors are exactly the non-digit texts */
	if (rc == PARSE_OK && reference_u64(s, n, &r) && r != v)
		abort();
	if (rc == PARSE_OK && n < 20 && !reference_u64(s, n, &r))
		abort();	/* fewer than 20 digits always fit */
	if (rc == PARSE_RANGE && n <= 19)
		abort();
	if (rc == PARSE_OK) {
		uint64_t w;
		/* a range around the value accepts it; one that excludes it refuses it */
		if (parse_u64(s, n, v, v, &w) != PARSE_OK || w != v)
			abort();
		if (v < UINT64_MAX && parse_u64(s, n, v + 1, UINT64_MAX, &w) != PARSE_RANGE)
			abort();
		/* an integer is also a size of that many bytes */
		if (parse_size(s, n, &w) != PARSE_OK || w != v)
			abort();
	}
}

static void check_size(const char *s, size_t n)
{
	uint64_t v, d;
	enum parse_rc rc = parse_size(s, n, &v);
	unsigned int shift = n > 1 ? parse_size_unit(s[n - 1]) : 0;
	size_t nd = shift ? n - 1 : n;

	if ((rc == PARSE_SYNTAX) == all_digits(s, nd))
		abort();
	if (rc == PARSE_OK) {
		if (parse_u64(s, nd, 0, UINT64_MAX, &d) != PARSE_OK || d > UINT64_MAX >> shift ||
		    d << shift != v)
			abort();
	}
}

static void check_double(const char *s, size_t n)
{
	double v = -1.0;
	enum parse_rc rc = parse_double(s, n, &v);

	if (rc != PARSE_OK)
		return;
	if (!isfinite(v) || v < 0.0)
		abort();
	if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
		abort();	/* no sign, blank or letter in front */
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789.eE+-", s[i]) || s[i] == '\0')
			abort();
	/* a non-zero value is normal: no underflow slips through */
	if (v != 0.0 && v < 2.2250738585072014e-308)
		abort();
}

static void check_scan(const char *s, size_t n)
{
	uint64_t v;
	size_t k = parse_scan_u64(s, n, &v);

	if (k > n || (k && !all_digits(s, k)))
		abort();
	if (k && k < n && s[k] >= '0' && s[k] <= '9')
		abort();	/* it stops at the first non-digit, not before */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy without a NUL after it: the parsers must read @n bytes only */
	char *s = malloc(size ? size : 1);
	char *z = malloc(size + 1);

	if (!s || !z) {
		free(s);
		free(z);
		return 0;
	}
	memcpy(s, data, size);
	check_u64(s, size);
	check_size(s, size);
	check_double(s, size);
	check_scan(s, size);
	memcpy(z, data, size);
	z[size] = '\0';
	/* the NUL-terminated forms read up to the first NUL, as strlen() does */
	uint64_t a, b;
	double x, y;
	size_t len = strlen(z);
	if ((parse_u64_str(z, 0, UINT64_MAX, &a) == PARSE_OK) !=
	    (parse_u64(z, len, 0, UINT64_MAX, &b) == PARSE_OK))
		abort();
	if ((parse_double_str(z, &x) == PARSE_OK) != (parse_double(z, len, &y) == PARSE_OK))
		abort();
	free(s);
	free(z);
	return 0;
}
