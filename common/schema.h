/*
 * schema.h -- the data model an export describes (tables, columns,
 * choice values, relationships), read from one schema file at a time
 * by one reader per platform, so the migration gate can compare the
 * model before and after a promotion.
 */
#ifndef SG_SCHEMA_H
#define SG_SCHEMA_H

#include <stddef.h>

struct sg_buf;

enum sg_schema_kind {
	SG_SCHEMA_TABLE,
	SG_SCHEMA_COLUMN,
	SG_SCHEMA_CHOICE,
	SG_SCHEMA_RELATIONSHIP,
};

struct sg_schema_item {
	enum sg_schema_kind kind;
	char *table;		/* logical name, as written */
	char *name;		/* column or relationship; NULL for a table */
	char *value;		/* choices: the option value */
	/* columns only */
	char *type;		/* NULL: not stated */
	long length;		/* maximum length; -1: not stated */
	int required;		/* a value is required */
	int has_default;	/* ...and one is filled in when none is given */
	char *choice_set;	/* its values are a global choice set's */
};

/* The pseudo-tables global choice sets are listed under. */
#define SG_SCHEMA_PP_GLOBAL	"(global choices)"
#define SG_SCHEMA_SFDX_GLOBAL	"(global value sets)"


struct sg_schema {
	struct sg_schema_item *v;
	size_t nr, alloc;
};

#define SG_SCHEMA_INIT { NULL, 0, 0 }

/* One platform: which paths hold its schema, and how to read one. */
struct sg_schema_reader {
	const char *platform;	/* "Power Platform" */
	int (*wants)(const char *path);
	/* Add what `text` (the file at `path`) declares; < 0: unreadable. */
	int (*read)(struct sg_schema *out, const char *path, const char *text,
		    size_t len, struct sg_buf *err);
};

extern const struct sg_schema_reader sg_schema_pp;	/* schema_pp.c */
extern const struct sg_schema_reader sg_schema_sfdx;	/* schema_sfdx.c */

/* The reader for `path`, or NULL: not a schema file. */
const struct sg_schema_reader *sg_schema_reader_for(const char *path);

/* Add an item (strings copied; NULL allowed); returns it. */
struct sg_schema_item *sg_schema_add(struct sg_schema *s,
				     enum sg_schema_kind kind,
				     const char *table, size_t table_len,
				     const char *name, size_t name_len);
/* Order of items: kind, then table, name, value (case-insensitive). */
int sg_schema_cmp(const struct sg_schema_item *a,
		  const struct sg_schema_item *b);
/* Sort `s` for sg_schema_find. */
void sg_schema_sort(struct sg_schema *s);
/* The item of sorted `s` with the same kind, table, name and value
 * (case-insensitive), or NULL. */
const struct sg_schema_item *sg_schema_find(const struct sg_schema *s,
					    const struct sg_schema_item *like);
void sg_schema_release(struct sg_schema *s);

#endif
