// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz/fuzz_hwloc_xml.c - libFuzzer target for the hwloc XML import, through
 * machine_resolve() as `--machine FILE.xml` takes it: the bytes are written
 * to a file and imported in a child process (machine_file.c
 * import_hwloc_isolated), so a crash inside libhwloc must come back as an
 * error, never take this process down. Success must leave a valid machine.
 */
#include "machine/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/numasim-fuzz-XXXXXX.xml";
	int fd = mkstemps(path, 4);
	if (fd < 0)
		return 0;
	FILE *f = fdopen(fd, "wb");
	if (!f || fwrite(data, 1, size, f) != size) {
		if (f)
			fclose(f);
		unlink(path);
		return 0;
	}
	fclose(f);
	struct machine *m = malloc(sizeof(*m));
	char err[512];
	if (m) {
		memset(err, 'x', sizeof(err));
		int ret = machine_resolve(m, path, err, sizeof(err));
		if (ret != 0 && (ret != -1 || !memchr(err, '\0', sizeof(err)) || err[0] == '\0'))
			abort();
		if (ret == 0 && machine_validate(m, err, sizeof(err)) != 0)
			abort();
		free(m);
	}
	unlink(path);
	return 0;
}
