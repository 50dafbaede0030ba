// SPDX-License-Identifier: GPL-2.0-only
/* core/err.c - see err.h. */
#include <stdarg.h>
#include <stdio.h>

#include "core/err.h"

int verrorf(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return -1;
}

int errorf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrorf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int verrorf_at(char *err, size_t errlen, const char *file, unsigned long line, const char *key,
	       const char *fmt, va_list ap)
{
	size_t used = 0;
	int n;

	if (!err || !errlen)
		return -1;
	err[0] = '\0';
	if (file) {
		n = line ? snprintf(err, errlen, "%s:%lu: ", file, line)
			 : snprintf(err, errlen, "%s: ", file);
		used = n > 0 ? (size_t)n : 0;
	}
	if (key && used < errlen) {
		n = snprintf(err + used, errlen - used, "key '%s': ", key);
		used += n > 0 ? (size_t)n : 0;
	}
	if (used < errlen)
		vsnprintf(err + used, errlen - used, fmt, ap);
	return -1;
}

int errorf_at(char *err, size_t errlen, const char *file, unsigned long line, const char *key,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrorf_at(err, errlen, file, line, key, fmt, ap);
	va_end(ap);
	return -1;
}

int verr_print(const char *prog, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return 2;
}

int err_print(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr_print(prog, fmt, ap);
	va_end(ap);
	return 2;
}
