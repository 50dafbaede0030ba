// SPDX-License-Identifier: GPL-2.0-only
/* core/yaml_doc.c - see yaml_doc.h. */
#include <stdbool.h>

#include "core/err.h"
#include "core/yaml_doc.h"

/* "FILE:LINE: YAML syntax error: PROBLEM CONTEXT" from libyaml's marks. */
static int yaml_fail(const yaml_parser_t *y, const char *file, char *err, size_t errlen)
{
	const yaml_mark_t *mk = y->problem ? &y->problem_mark : &y->context_mark;

	return errorf_at(err, errlen, file, mk->line + 1, NULL, "YAML syntax error: %s%s%s",
			 y->problem ? y->problem : "cannot parse", y->context ? " " : "",
			 y->context ? y->context : "");
}

/*
 * The first pass: count the depth on the events alone and stop at the
 * limit, so that pass stays linear whatever the input.
 */
static int check_depth(const char *file, const char *text, size_t len, uint32_t max_depth,
		       char *err, size_t errlen)
{
	yaml_parser_t y;
	yaml_event_t ev;
	uint32_t depth = 0;
	int rc = 0;

	if (!yaml_parser_initialize(&y))
		return errorf_at(err, errlen, file, 0, NULL, "out of host memory");
	yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
	for (bool end = false; !end && !rc;) {
		if (!yaml_parser_parse(&y, &ev)) {
			rc = yaml_fail(&y, file, err, errlen);
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > max_depth)
				rc = errorf_at(err, errlen, file, ev.start_mark.line + 1, NULL,
					       "nested more than %u deep", max_depth);
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&y);
	return rc;
}

/* The document itself; a second one with a root node is an error. */
static int load_single(yaml_document_t *doc, const char *file, const char *text, size_t len,
		       const char *what, char *err, size_t errlen)
{
	yaml_parser_t y;
	yaml_document_t extra;
	int rc = 0;

	if (!yaml_parser_initialize(&y))
		return errorf_at(err, errlen, file, 0, NULL, "out of host memory");
	yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
	if (!yaml_parser_load(&y, doc)) {
		rc = yaml_fail(&y, file, err, errlen);
		yaml_parser_delete(&y);
		return rc;
	}
	if (!yaml_parser_load(&y, &extra)) {
		rc = yaml_fail(&y, file, err, errlen);
	} else {
		yaml_node_t *r = yaml_document_get_root_node(&extra);

		if (r)
			rc = errorf_at(err, errlen, file, r->start_mark.line + 1, NULL,
				       "a second YAML document (one %s per file)", what);
		yaml_document_delete(&extra);
	}
	if (rc)
		yaml_document_delete(doc);
	yaml_parser_delete(&y);
	return rc;
}

int ydoc_load(yaml_document_t *doc, const char *file, const char *text, size_t len,
	      uint32_t max_depth, const char *what, char *err, size_t errlen)
{
	if (check_depth(file, text, len, max_depth, err, errlen))
		return -1;
	return load_single(doc, file, text, len, what, err, errlen);
}
