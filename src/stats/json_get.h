/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/json_get.h - reading values out of a JSON result (json-c) without
 * trusting its shape: the lookups the HTML report (html_data.c) and the
 * commands that read results (compare, merge, validate) share.
 */
#ifndef NUMASIM_STATS_JSON_GET_H
#define NUMASIM_STATS_JSON_GET_H

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>

/* The value of @key in @o; NULL when @o is not an object or has no @key. */
static inline json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* A finite number: json-c reads NaN, Infinity and 1e400 (as infinity) as doubles. */
static inline bool jis_number(json_object *v)
{
	return json_object_is_type(v, json_type_int) ||
	       (json_object_is_type(v, json_type_double) && isfinite(json_object_get_double(v)));
}

#endif
