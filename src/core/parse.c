// SPDX-License-Identifier: GPL-2.0-only
/* core/parse.c - see parse.h. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"

/* Longest decimal text taken: far more digits than a double holds. */
#define DECIMAL_MAX 127

const char *parse_error(enum parse_rc rc, const char *what)
{
	static const char *const syntax[] = { "not an integer", "not a size", "not a decimal number" };
	static const char *const range[] = { "out of range", "too large", "out of range" };
	size_t k = !strcmp(what, "size") ? 1 : !strcmp(what, "decimal") ? 2 : 0;

	switch (rc) {
	case PARSE_OK: return "ok";
	case PARSE_SYNTAX: return syntax[k];
	case PARSE_RANGE: return range[k];
	}
	return "?";
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t parse_scan_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n && is_digit(s[i]); i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return i;
}

/* All digits: PARSE_OK; a non-digit or nothing: PARSE_SYNTAX; too long: PARSE_RANGE. */
static enum parse_rc digits(const char *s, size_t n, uint64_t *out)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	if (!n || i != n)
		return PARSE_SYNTAX;
	return parse_scan_u64(s, n, out) == n ? PARSE_OK : PARSE_RANGE;
}

enum parse_rc parse_u64(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	enum parse_rc rc = digits(s, n, &v);

	if (rc == PARSE_OK && (v < min || v > max))
		rc = PARSE_RANGE;
	if (rc == PARSE_OK)
		*out = v;
	return rc;
}

unsigned int parse_size_unit(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	case 'T': case 't': return 40;
	default: return 0;
	}
}

enum parse_rc parse_size(const char *s, size_t n, uint64_t *out)
{
	unsigned int shift = n > 1 ? parse_size_unit(s[n - 1]) : 0;
	uint64_t v;
	enum parse_rc rc = digits(s, shift ? n - 1 : n, &v);

	if (rc != PARSE_OK)
		return rc;
	if (v > UINT64_MAX >> shift)
		return PARSE_RANGE;
	*out = v << shift;
	return PARSE_OK;
}

/* Length of [DIGITS][.DIGITS][(e|E)[+|-]DIGITS] at @s, 0 if @s does not start with one. */
static size_t scan_decimal(const char *s, size_t n)
{
	size_t i = 0, mant = 0;

	for (; i < n && is_digit(s[i]); i++)
		mant++;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++)
			mant++;
	if (!mant)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t d;

		i++;
		i += i < n && (s[i] == '-' || s[i] == '+');
		for (d = i; i < n && is_digit(s[i]); i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

enum parse_rc parse_double(const char *s, size_t n, double *out)
{
	char buf[DECIMAL_MAX + 1];
	double v;

	if (!n || n > DECIMAL_MAX || scan_decimal(s, n) != n)
		return PARSE_SYNTAX;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	v = strtod(buf, NULL);	/* C locale: the program never calls setlocale */
	/* ERANGE: overflow to infinity, or a non-zero value below DBL_MIN */
	if (errno == ERANGE || !isfinite(v) || (v != 0.0 && v < DBL_MIN))
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

enum parse_rc parse_u64_str(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return parse_u64(s, strlen(s), min, max, out);
}

enum parse_rc parse_size_str(const char *s, uint64_t *out)
{
	return parse_size(s, strlen(s), out);
}

enum parse_rc parse_double_str(const char *s, double *out)
{
	return parse_double(s, strlen(s), out);
}

bool parse_file_name(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}
