// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/tunables.c - the tunable table, defaults, and the one parser of
 * "KEY=VALUE" text. Unknown keys and bad values are errors that name the key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/tunables.h"

static const char *const thp_global_values[] = { "always", "madvise", "never", NULL };
static const char *const thp_size_values[] = { "always", "inherit", "madvise", "never", NULL };
static const char *const numasim_policy_values[] = {
#define NUMA_POLICY(id, name, ops) name,
#include "numa/policies.def"
#undef NUMA_POLICY
	NULL
};
static const char *const migrc_values[] = { "0", "1", "luf", NULL };
#define no_values NULL

_Static_assert(THP_NEVER == 2 && THP_SIZE_NEVER == 3, "enum order matches the value lists");
_Static_assert(MIGRC_ON == 1 && MIGRC_LUF == 2, "enum order matches migrc_values");

const struct tunable_desc tunable_desc[NR_TUNABLES] = {
#define TUNABLE(id, nm, knd, vals, d, lo, hi, u, h) \
	[id] = { .name = nm, .kind = knd, .values = vals, .def = d, .min = lo, .max = hi, .unit = u, .help = h },
#include "core/tunables.def"
#undef TUNABLE
};

void tunables_init(struct tunables *t)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		t->v[i] = tunable_desc[i].def;
}

static int find_tunable(const char *key, size_t keylen)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (strlen(tunable_desc[i].name) == keylen &&
		    memcmp(tunable_desc[i].name, key, keylen) == 0)
			return i;
	return -1;
}

static int parse_enum(const struct tunable_desc *d, const char *val, uint64_t *out)
{
	for (uint64_t i = 0; d->values[i]; i++)
		if (strcmp(d->values[i], val) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

static int parse_int(const struct tunable_desc *d, const char *val, uint64_t *out)
{
	if (!strcmp(d->unit, "bool")) {
		if (!strcmp(val, "true") || !strcmp(val, "1")) {
			*out = 1;
			return 0;
		}
		if (!strcmp(val, "false") || !strcmp(val, "0")) {
			*out = 0;
			return 0;
		}
		return -1;
	}
	return parse_u64_str(val, 0, UINT64_MAX, out) == PARSE_OK ? 0 : -1;
}

static void describe_values(const struct tunable_desc *d, char *buf, size_t len)
{
	if (d->kind == TK_INT) {
		if (!strcmp(d->unit, "bool"))
			snprintf(buf, len, "0 or 1");
		else
			snprintf(buf, len, "an integer from %llu to %llu (%s)",
				 (unsigned long long)d->min, (unsigned long long)d->max, d->unit);
		return;
	}
	size_t n = 0;
	buf[0] = 0;
	for (int i = 0; d->values[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "one of ", d->values[i]);
}

int tunable_set(struct tunables *t, const char *assignment, char *err, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	if (!eq || eq == assignment) {
		snprintf(err, errlen, "--set '%s': expected KEY=VALUE", assignment);
		return -1;
	}
	int id = find_tunable(assignment, (size_t)(eq - assignment));
	if (id < 0) {
		snprintf(err, errlen, "--set: unknown tunable '%.*s' (see 'numasim list')",
			 (int)(eq - assignment), assignment);
		return -1;
	}
	const struct tunable_desc *d = &tunable_desc[id];
	const char *val = eq + 1;
	uint64_t x;
	int rc = d->kind == TK_ENUM ? parse_enum(d, val, &x) : parse_int(d, val, &x);
	if (rc == 0 && d->kind == TK_INT && (x < d->min || x > d->max))
		rc = -1;
	if (rc) {
		char want[160];
		describe_values(d, want, sizeof(want));
		snprintf(err, errlen, "--set: tunable '%s': bad value '%s': expected %s", d->name,
			 val, want);
		return -1;
	}
	t->v[id] = x;
	return 0;
}

const char *tunable_set_reason(const char *msg)
{
	if (!strncmp(msg, "--set: ", 7))
		return msg + 7;
	if (!strncmp(msg, "--set ", 6))
		return msg + 6;
	return msg;
}

const char *tunable_value_str(const struct tunables *t, enum tunable_id id, char *buf, size_t len)
{
	const struct tunable_desc *d = &tunable_desc[id];
	if (d->kind == TK_ENUM)
		return d->values[t->v[id]];
	snprintf(buf, len, "%llu", (unsigned long long)t->v[id]);
	return buf;
}
