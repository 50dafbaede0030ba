/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/tunables.h - tunables by their Linux names, declared once in
 * tunables.def. Model code reads tun->v[T_...]; only tunables.c parses text.
 */
#ifndef NUMASIM_CORE_TUNABLES_H
#define NUMASIM_CORE_TUNABLES_H

#include "core/compiler.h"

enum thp_global_mode { THP_ALWAYS, THP_MADVISE, THP_NEVER };
enum thp_size_mode { THP_SIZE_ALWAYS, THP_SIZE_INHERIT, THP_SIZE_MADVISE, THP_SIZE_NEVER };
enum tunable_kind { TK_INT, TK_ENUM };
/* numasim.policy: which NUMA placement policy runs, one per row of
 * numa/policies.def (its ops: numa/policy.h) */
enum numasim_policy {
#define NUMA_POLICY(id, name, ops) NUMASIM_POLICY_##id,
#include "numa/policies.def"
#undef NUMA_POLICY
	NR_NUMASIM_POLICIES
};
/* numasim.migrc: deferred TLB flushes at migration (migrate/migrc.h) */
enum migrc_mode { MIGRC_OFF, MIGRC_ON, MIGRC_LUF };

enum tunable_id {
#define TUNABLE(id, name, kind, values, def, min, max, unit, help) id,
#include "core/tunables.def"
#undef TUNABLE
	NR_TUNABLES
};

struct tunables {
	uint64_t v[NR_TUNABLES];
};

struct tunable_desc {
	const char *name;
	enum tunable_kind kind;
	const char *const *values;	/* TK_ENUM: NULL-terminated names */
	uint64_t def, min, max;
	const char *unit;
	const char *help;
};

extern const struct tunable_desc tunable_desc[NR_TUNABLES];

void tunables_init(struct tunables *t);
/* Set "KEY=VALUE". Return 0, or -1 with a message naming the key. */
int tunable_set(struct tunables *t, const char *assignment, char *err, size_t errlen);
/* tunable_set()'s message without its "--set" prefix, for settings not given by --set. */
const char *tunable_set_reason(const char *msg);
/* The value as text ("always", "1000"). */
const char *tunable_value_str(const struct tunables *t, enum tunable_id id, char *buf, size_t len);

/* Per-size mTHP control for @order (2..9). */
static inline enum thp_size_mode thp_size_mode(const struct tunables *t, uint32_t order)
{
	return (enum thp_size_mode)t->v[T_THP_16K + (order - 2)];
}

#endif
