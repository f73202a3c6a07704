/*
 * migration.h -- the migration gate (check.h has its entry point):
 * destructive schema changes need a migration plan. Exposed for tests.
 */
#ifndef SG_MIGRATION_H
#define SG_MIGRATION_H

#include <stddef.h>

#include "schema.h"

struct sg_buf;

/* One destructive change between two models. */
struct sg_migration_change {
	const char *table;	/* borrowed from the "before" model */
	enum sg_schema_kind kind;
	const char *name, *value;
	const char *change;	/* "removed", "type-changed"... */
	char *detail;		/* "money -> decimal"; may be NULL */
	int covered;		/* the plan names it */
};

struct sg_migration_changes {
	struct sg_migration_change *v;
	size_t nr, alloc;
};

/*
 * The destructive changes from `before` to `after` (both sorted with
 * sg_schema_sort), table by table; what a removed table holds is not
 * listed again.
 */
void sg_migration_diff(struct sg_migration_changes *out,
		       const struct sg_schema *before,
		       const struct sg_schema *after);
/* "table T: column C removed; choice C=3 removed; table U: ..." */
void sg_migration_describe(struct sg_buf *out,
			   const struct sg_migration_changes *c,
			   int only_uncovered);
void sg_migration_changes_release(struct sg_migration_changes *c);

/* A parsed plan file (README: "Migration plans"). */
struct sg_migration_cover {
	enum sg_schema_kind kind;
	char *table, *name, *value, *change;
};

struct sg_migration_plan {
	struct sg_migration_cover *covers;	/* what `changes` lists */
	size_t nr, alloc;
	char *irreversible;	/* the reason, or NULL: `down` is given */
};

/*
 * Parse and validate plan `text` of file `path`; errors read
 * "PATH:LINE:COL: reason" and set *line / *col.
 */
int sg_migration_plan_parse(struct sg_migration_plan *out, const char *text,
			    size_t len, const char *path, int *line, int *col,
			    struct sg_buf *err);
/* Mark the changes of `c` that `plan` names; how many are left. */
size_t sg_migration_plan_cover(const struct sg_migration_plan *plan,
			       struct sg_migration_changes *c);
void sg_migration_plan_release(struct sg_migration_plan *p);

/* The policy (section.h): the 'migration' section; off while it names
 * no environment. */
struct sg_section;
struct sg_ynode;
int sg_migration_parse_section(struct sg_section *c,
			       const struct sg_ynode *n);

/* The gate (gate.h) */
struct sg_context;
struct sg_report;
struct sg_update;
/* Destructive schema changes need a migration plan. */
int sg_gate_migration(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err);

#endif
