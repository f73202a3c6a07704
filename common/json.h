/*
 * json.h -- a small JSON reader for our own audit records. Values are
 * parsed into a tree; strings are unescaped (\uXXXX to UTF-8).
 */
#ifndef SG_JSON_H
#define SG_JSON_H

#include <stddef.h>

enum sg_json_kind {
	SG_JSON_NULL, SG_JSON_BOOL, SG_JSON_NUMBER, SG_JSON_STRING,
	SG_JSON_ARRAY, SG_JSON_OBJECT,
};

struct sg_json {
	enum sg_json_kind kind;
	double number;		/* NUMBER, and BOOL as 0/1 */
	char *string;		/* STRING; for members of an OBJECT: the key */
	char *key;
	struct sg_json *kids;	/* ARRAY items or OBJECT members */
	size_t nr, alloc;
};

struct sg_buf;

/* Parse exactly one value from [text, text+len); < 0 on malformed input. */
int sg_json_parse(struct sg_json *out, const char *text, size_t len,
		  struct sg_buf *err);
void sg_json_release(struct sg_json *v);
/* Member `key` of an object, or NULL. */
const struct sg_json *sg_json_get(const struct sg_json *obj, const char *key);
/* The string of member `key`, or `def` when absent or not a string. */
const char *sg_json_str(const struct sg_json *obj, const char *key,
			const char *def);
double sg_json_num(const struct sg_json *obj, const char *key, double def);

#endif
