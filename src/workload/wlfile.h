/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload/wlfile.h - workload files: a program described as Linux sees it
 * (processes, threads, mmap/mbind/madvise..., access phases), in YAML.
 * Format: docs/workload-file.md. workload_build() calls wlfile_load() when
 * its spec names a file (workload/load.c).
 */
#ifndef NUMASIM_WORKLOAD_WLFILE_H
#define NUMASIM_WORKLOAD_WLFILE_H

#include <stdbool.h>
#include <stddef.h>

struct machine;
struct workload;

/* Largest workload file read, in bytes. */
#define WLF_MAX_FILE (1u << 20)

/*
 * Build @wl from the workload file at @path for machine @m, sizes and access
 * counts scaled by @scale as the generators scale theirs. Return 0, or -1
 * with "FILE:LINE: key 'PATH': what is wrong" in @err (@wl left empty).
 */
int wlfile_load(struct workload *wl, const char *path, const struct machine *m, double scale,
		char *err, size_t errlen);

/* As wlfile_load() on @len bytes of @text; @path only names it in messages. */
int wlfile_parse(struct workload *wl, const char *text, size_t len, const char *path,
		 const struct machine *m, double scale, char *err, size_t errlen);

/* Does workload spec @spec name a file rather than a generator? */
bool wlfile_is_file_spec(const char *spec);
/*
 * The same before looking at the disk: false when @spec is a generator or
 * a built-in name, true when it is FILE.yaml or may name a file (for specs
 * resolved elsewhere, as numasim sweep's relative to the spec's folder).
 */
bool wlfile_may_be_file(const char *spec);

#endif
