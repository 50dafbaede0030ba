// SPDX-License-Identifier: GPL-2.0-only
/* fuzz/fuzz_tunable_set.c - libFuzzer target for the --set KEY=VALUE parser. */
#include <stdlib.h>
#include <string.h>

#include "core/tunables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	struct tunables t;
	char err[256];
	tunables_init(&t);
	if (tunable_set(&t, s, err, sizeof(err)) == 0) {
		/* an accepted value is in range and prints back */
		for (int i = 0; i < NR_TUNABLES; i++) {
			char buf[32];
			if (t.v[i] < tunable_desc[i].min || t.v[i] > tunable_desc[i].max)
				abort();
			if (!tunable_value_str(&t, (enum tunable_id)i, buf, sizeof(buf)))
				abort();
		}
	} else if (!err[0]) {
		abort();	/* a rejection always says why */
	}
	free(s);
	return 0;
}
