/*
 * yaml.c -- build a struct sg_ynode tree from libyaml's event stream.
 *
 * Events rather than yaml_parser_load() so that depth is counted as the
 * document is read and aliases are refused before they can expand.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "yaml.h"
#include "banned.h"

const char *sg_yaml_kind_name(enum sg_ynode_kind kind)
{
	switch (kind) {
	case SG_Y_SCALAR: return "a string";
	case SG_Y_MAP: return "a mapping";
	case SG_Y_SEQ: return "a list";
	}
	SG_BUG("bad yaml node kind %d", (int)kind);
}

void sg_yaml_free(struct sg_ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++)
		sg_yaml_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

static struct sg_ynode *new_node(enum sg_ynode_kind kind, yaml_mark_t m)
{
	struct sg_ynode *n = sg_calloc(1, sizeof(*n));

	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

static void add_kid(struct sg_ynode *parent, struct sg_ynode *kid)
{
	SG_ALLOC_GROW(parent->kids, parent->nr + 1, parent->alloc);
	parent->kids[parent->nr++] = kid;
}

int sg_yaml_parse(struct sg_ynode **out, const char *text, size_t len,
		  const char *file, struct sg_buf *err)
{
	struct sg_ynode *stack[SG_MAX_YAML_DEPTH + 1];
	struct sg_ynode *root = NULL;
	yaml_parser_t parser;
	int depth = 0, docs = 0, done = 0, ret = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		return sg_error(err, SG_ERROR, "%s: cannot start yaml parser",
				file);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	while (!done && ret == 0) {
		yaml_event_t ev;
		struct sg_ynode *n = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			ret = sg_error(err, SG_ERROR, "%s:%zu:%zu: %s%s%s", file,
				       parser.problem_mark.line + 1,
				       parser.problem_mark.column + 1,
				       parser.problem ? parser.problem
						      : "syntax error",
				       parser.context ? " " : "",
				       parser.context ? parser.context : "");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				ret = sg_error(err, SG_ERROR, "%s:%zu:%zu: only "
					       "one yaml document is allowed",
					       file, ev.start_mark.line + 1,
					       ev.start_mark.column + 1);
			break;
		case YAML_ALIAS_EVENT:
			ret = sg_error(err, SG_ERROR, "%s:%zu:%zu: yaml aliases "
				       "are not allowed in a policy", file,
				       ev.start_mark.line + 1,
				       ev.start_mark.column + 1);
			break;
		case YAML_SCALAR_EVENT:
			n = new_node(SG_Y_SCALAR, ev.start_mark);
			n->value = sg_strndup((const char *)ev.data.scalar.value,
					      ev.data.scalar.length);
			n->plain = ev.data.scalar.style ==
				   YAML_PLAIN_SCALAR_STYLE;
			if (ev.data.scalar.anchor)
				ret = sg_error(err, SG_ERROR, "%s:%d:%d: yaml "
					       "anchors are not allowed in a "
					       "policy", file, n->line, n->col);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			n = new_node(ev.type == YAML_MAPPING_START_EVENT
					     ? SG_Y_MAP : SG_Y_SEQ,
				     ev.start_mark);
			if (depth == SG_MAX_YAML_DEPTH)
				ret = sg_error(err, SG_ELIMIT, "%s:%d:%d: nested "
					       "deeper than %d levels", file,
					       n->line, n->col,
					       SG_MAX_YAML_DEPTH);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			break;
		default:
			break;
		}
		if (n) {
			if (depth > 0)
				add_kid(stack[depth - 1], n);
			else if (!root)
				root = n;
			else
				sg_yaml_free(n);	/* unreachable: 1 doc */
			if (ret == 0 && n->kind != SG_Y_SCALAR)
				stack[depth++] = n;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (ret == 0 && !root)
		ret = sg_error(err, SG_ERROR, "%s:1:1: the file is empty", file);
	if (ret < 0) {
		sg_yaml_free(root);
		return ret;
	}
	*out = root;
	return 0;
}

const struct sg_ynode *sg_yaml_get(const struct sg_ynode *map,
				   const char *key)
{
	for (size_t i = 0; map && i + 1 < map->nr; i += 2)
		if (!strcmp(map->kids[i]->value, key))
			return map->kids[i + 1];
	return NULL;
}

int sg_yaml_vfail(struct sg_buf *err, const char *file,
		  const struct sg_ynode *n, const char *fmt, va_list ap)
{
	if (!err)
		return SG_ERROR;
	sg_buf_reset(err);
	sg_buf_addf(err, "%s:%d:%d: ", file, n->line, n->col);
	sg_buf_vaddf(err, fmt, ap);
	return SG_ERROR;
}

int sg_yaml_fail(struct sg_buf *err, const char *file,
		 const struct sg_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sg_yaml_vfail(err, file, n, fmt, ap);
	va_end(ap);
	return SG_ERROR;
}
