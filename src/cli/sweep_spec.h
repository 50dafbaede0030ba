/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli/sweep_spec.h - sweep spec files (docs/sweep.md): a YAML file naming
 * machines, workloads, seeds and tunable settings, read into a struct
 * sweep_spec, then expanded into the grid of cells (one `numasim run` each)
 * that `numasim sweep` runs or writes out as jobs (cli/sweep.c).
 *
 * Parsing and expansion touch no file but the spec: every value that can be
 * checked from its text is (scale, seeds, names, every tunable setting, the
 * size of the grid, unique cell names); machines and workloads, which may be
 * files, are resolved by cli/sweep.c. A bad spec gets "FILE:LINE: key 'KEY':
 * what is wrong" (core/err.h) in the caller's buffer.
 */
#ifndef NUMASIM_CLI_SWEEP_SPEC_H
#define NUMASIM_CLI_SWEEP_SPEC_H

#include <stddef.h>
#include <stdint.h>

#define SWEEP_MAX_CELLS 100000u	/* a larger grid is refused */
#define SWEEP_MAX_FILE (1u << 20)	/* bytes of a spec file */
#define SWEEP_MAX_AXES 16u	/* keys of `tunables:` */
#define SWEEP_MAX_NAME 64	/* a variant's name; also each part of a cell name */

/* A scalar of the spec and the line it is on (1-based). */
struct sweep_val {
	char *s;
	unsigned line;
};

/* KEY=VALUE of a tunable (as --set takes it). */
struct sweep_setting {
	struct sweep_val key, value;
	char path[96];		/* its key path in the spec, for messages: "variants.x.KEY" */
};

/* variants: NAME: {KEY: VALUE, ...} */
struct sweep_variant {
	struct sweep_val name;
	struct sweep_setting *set;
	uint32_t nr_set;
};

/* tunables: KEY: [VALUE, ...] -- one axis of the grid */
struct sweep_axis {
	struct sweep_val key;
	struct sweep_val *values;
	uint32_t nr_values;
};

struct sweep_spec {
	char *file;			/* as given: messages name it */
	struct sweep_val out;		/* out: (s NULL when absent) */
	struct sweep_val *machines, *workloads;
	uint32_t nr_machines, nr_workloads;
	struct sweep_val scale;		/* s NULL: not given (1) */
	uint64_t *seeds;
	uint32_t nr_seeds;
	struct sweep_setting *set;	/* set: {KEY: VALUE} and duration: -- every cell */
	uint32_t nr_set;
	struct sweep_axis *axes;
	uint32_t nr_axes;
	struct sweep_variant *variants;
	uint32_t nr_variants;
};

/* One tunable combination: a named variant (or none) at one point of the axes. */
struct sweep_combo {
	char *name;			/* "base", "enabled-never+migrc-1", "base+migrc-1", "default" */
	uint32_t variant;		/* index in spec->variants, or UINT32_MAX: none */
	uint32_t *axis_value;		/* per axis, the index of its value */
};

struct sweep_cell {
	char *name;			/* MACHINE__WORKLOAD__COMBO__sSEED: OUT/NAME.json */
	char *group;			/* the name without its seed: cells of one group differ by seed */
	uint32_t machine, workload, combo;
	uint64_t seed;
};

struct sweep_grid {
	struct sweep_combo *combos;
	uint32_t nr_combos;
	struct sweep_cell *cells;
	uint32_t nr_cells;
};

/*
 * Parse @len bytes of @text, the spec file @file (the name is for messages).
 * Return 0, or -1 with a message in @err; free @sp with sweep_spec_free()
 * either way.
 */
int sweep_spec_parse(struct sweep_spec *sp, const char *file, const char *text, size_t len,
		     char *err, size_t errlen);
/* Read and parse the file @file: as sweep_spec_parse(). */
int sweep_spec_load(struct sweep_spec *sp, const char *file, char *err, size_t errlen);
void sweep_spec_free(struct sweep_spec *sp);

/*
 * Expand @sp into its cells, machine by machine, then workload, combination
 * and seed; every tunable setting is tried on a struct tunables in the order
 * a cell's command gives them (set:, the variant, the axes), so a bad key or
 * value is refused here, naming its line. Return 0, or -1 with a message in
 * @err; free @g with sweep_grid_free() either way.
 */
int sweep_expand(struct sweep_grid *g, const struct sweep_spec *sp, char *err, size_t errlen);
void sweep_grid_free(struct sweep_grid *g);

/*
 * The --set arguments of combination @c, in order (set:, the variant, the
 * axes): calls @fn(@arg, key, value) for each.
 */
void sweep_combo_settings(const struct sweep_spec *sp, const struct sweep_combo *c,
			  void (*fn)(void *arg, const char *key, const char *value), void *arg);

/*
 * A readable file-name part for @s in @out (at most SWEEP_MAX_NAME bytes and
 * a NUL): a path's base name without its extension, every character outside
 * [A-Za-z0-9._+-] made '_' ('=' made '-'), runs of '_' squeezed (so "__"
 * only ever separates the parts of a cell name), no leading '.'.
 */
void sweep_name_part(const char *s, char *out, size_t outlen, int strip_path);

#endif
