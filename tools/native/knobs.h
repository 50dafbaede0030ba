/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tools/native/knobs.h - the host's knobs under numasim's tunable names:
 * one table for reading them back (report.c) and for --set (knobs.c).
 */
#ifndef NUMASIM_NATIVE_KNOBS_H
#define NUMASIM_NATIVE_KNOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* A host file; @tunable is numasim's name of it, NULL for one read back only. */
struct nat_knob {
	const char *tunable, *path;
};

extern const struct nat_knob nat_knobs[];
extern const size_t nat_nr_knobs;

/* One --set KEY=VALUE and what became of it. */
struct knob_req {
	char key[96], value[64];	/* as given (value: numasim's spelling) */
	char kval[64];			/* what is written to the file */
	char file[192];
	char error[384];		/* "" : none */
	char readback[256];		/* "" with !have_readback: file unreadable */
	bool applied, have_readback;
};

/* The host file of numasim tunable @name (per-size mTHP files included), or NULL. */
const char *knob_path(const char *name, char *buf, size_t len);
/* Parse "KEY=VALUE" into @r; 0, or -1 with a message naming the key. */
int knob_parse(const char *arg, struct knob_req *r, char *err, size_t errlen);
/* Write @r to its file; a failure is a warning on stderr, kept in r->error. */
void knob_apply(struct knob_req *r);
/* Mount debugfs at /sys/kernel/debug if it is not; failure ignored. */
void debugfs_ensure(void);
/* Write @value to @path; 0 or -errno. */
int knob_write(const char *path, const char *value);
/* The file's first line, the bracketed word of "always [madvise] never"; 0 or -1. */
int knob_read(const char *path, char *buf, size_t len);
/* native.knobs_set: [{"key","value","file","applied","error","readback"}] */
struct json_object *knobs_set_json(const struct knob_req *r, uint32_t nr);

#endif
