// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_machine_file.c - libFuzzer target for the machine-file parser.
 *
 * The bytes go to machine_parse() as they are: not NUL-terminated, possibly
 * with NULs, no final newline. Any crash, sanitizer report or unterminated
 * error message is a bug.
 */
#include "machine/machine.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct machine *m = malloc(sizeof(*m));
	char err[256];
	int ret;

	if (!m)
		return 0;
	memset(err, 'x', sizeof(err));
	ret = machine_parse(m, (const char *)data, size, "fuzz.machine", err, sizeof(err));
	/* an error always leaves a terminated message; success leaves a valid machine */
	if (ret != 0 && (ret != -1 || !memchr(err, '\0', sizeof(err)) || err[0] == '\0'))
		abort();
	if (ret == 0 && machine_validate(m, err, sizeof(err)) != 0)
		abort();
	free(m);
	return 0;
}
