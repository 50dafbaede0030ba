/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/yaml_doc.h - loading one YAML document with libyaml's document API
 * (every node keeps its line), for the file formats read that way: sweep
 * specs (cli/sweep_spec.c) and workload files (workload/wlfile.c). Also the
 * node accessors both walks use.
 */
#ifndef NUMASIM_CORE_YAML_DOC_H
#define NUMASIM_CORE_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

/*
 * Load the single document of @text (@len bytes) into @doc. A first pass
 * over the events refuses nesting deeper than @max_depth before the
 * document is built (libyaml's cost per token grows with the flow depth of
 * a hostile "[[[[..."); a second document is refused as "a second YAML
 * document (one @what per file)". Messages name @file and the line. Return
 * 0 (the caller then owns @doc), or -1 with the message in @err.
 */
int ydoc_load(yaml_document_t *doc, const char *file, const char *text, size_t len,
	      uint32_t max_depth, const char *what, char *err, size_t errlen);

static inline bool ydoc_is_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE;
}

/* "a mapping", "a list" or "a scalar": for "expected X, got Y" messages. */
static inline const char *ydoc_type_name(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" :
	       n->type == YAML_SEQUENCE_NODE ? "a list" : "a scalar";
}

static inline size_t ydoc_seq_len(const yaml_node_t *n)
{
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static inline size_t ydoc_map_len(const yaml_node_t *n)
{
	return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

#endif
