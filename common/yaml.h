/*
 * yaml.h -- a small tree of a YAML document, with line and column of
 * every node, for the policy loader to validate against its schema.
 *
 * Anchors and aliases are refused (no billion laughs), depth is capped
 * by SG_MAX_YAML_DEPTH, and only one document is allowed.
 */
#ifndef SG_YAML_H
#define SG_YAML_H

#include <stdarg.h>
#include <stddef.h>

struct sg_buf;

enum sg_ynode_kind { SG_Y_SCALAR, SG_Y_MAP, SG_Y_SEQ };

struct sg_ynode {
	enum sg_ynode_kind kind;
	int line, col;		/* 1-based, where the node starts */
	int plain;		/* scalar written without quotes */
	char *value;		/* scalars only */
	/* MAP: kids[2i] is a key, kids[2i+1] its value; SEQ: the items */
	struct sg_ynode **kids;
	size_t nr, alloc;
};

/* Parse `len` bytes of `text`; errors read "FILE:LINE:COL: reason". */
int sg_yaml_parse(struct sg_ynode **out, const char *text, size_t len,
		  const char *file, struct sg_buf *err);
void sg_yaml_free(struct sg_ynode *n);
/* The kind as a word for messages: "a string", "a mapping", "a list". */
const char *sg_yaml_kind_name(enum sg_ynode_kind kind);
/* The value of `key` in mapping `map` (NULL: no such key, or no map). */
const struct sg_ynode *sg_yaml_get(const struct sg_ynode *map,
				   const char *key);
/*
 * Every loader's error at a node: `err` becomes "FILE:LINE:COL: reason"
 * (nothing when `err` is NULL); returns SG_ERROR.
 */
int sg_yaml_vfail(struct sg_buf *err, const char *file,
		  const struct sg_ynode *n, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
int sg_yaml_fail(struct sg_buf *err, const char *file,
		 const struct sg_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
