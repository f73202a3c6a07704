/*
 * migration.c -- the migration gate: a promotion that removes a table,
 * a column, a choice value or a relationship, changes a column's type,
 * shortens it or makes it required without a default must name a
 * migration plan (a "Migration:" trailer) in the promoted tree that
 * covers each of those changes, says how data is kept, how to go
 * forward and back (or why it cannot), and how the result is checked.
 *
 * Work is proportional to the push: one tree-to-tree diff of the old
 * and new tip (unchanged subtrees are skipped by id), and only the
 * schema files that differ are read, before and after.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gate.h"
#include "error.h"
#include "limits.h"
#include "migration.h"
#include "section.h"
#include "trailer.h"
#include "yaml.h"
#include "banned.h"

static const char *const change_words[] = {
	"removed", "type-changed", "length-reduced", "now-required", NULL
};

static const char *kind_word(enum sg_schema_kind k)
{
	switch (k) {
	case SG_SCHEMA_TABLE: return "table";
	case SG_SCHEMA_COLUMN: return "column";
	case SG_SCHEMA_CHOICE: return "choice";
	case SG_SCHEMA_RELATIONSHIP: return "relationship";
	}
	return "?";
}

static struct sg_migration_change *add_change(struct sg_migration_changes *c,
					      const struct sg_schema_item *it,
					      const char *change)
{
	struct sg_migration_change *ch;

	SG_ALLOC_GROW(c->v, c->nr + 1, c->alloc);
	ch = &c->v[c->nr++];
	memset(ch, 0, sizeof(*ch));
	ch->table = it->table;
	ch->kind = it->kind;
	ch->name = it->name;
	ch->value = it->value;
	ch->change = change;
	return ch;
}

static char *detail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static char *detail(const char *fmt, ...)
{
	struct sg_buf b = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	va_list ap;

	va_start(ap, fmt);
	sg_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return sg_buf_detach(&b);
}

static int table_removed(const struct sg_schema *before,
			 const struct sg_schema *after, const char *table)
{
	struct sg_schema_item t = { .kind = SG_SCHEMA_TABLE };

	t.table = (char *)table;
	return sg_schema_find(before, &t) && !sg_schema_find(after, &t);
}

static int is_global(const char *table)
{
	return !strcmp(table, SG_SCHEMA_PP_GLOBAL) ||
	       !strcmp(table, SG_SCHEMA_SFDX_GLOBAL);
}

static int has_choice(const struct sg_schema *s, const char *table,
		      const char *column, const char *value)
{
	struct sg_schema_item c = { .kind = SG_SCHEMA_CHOICE };

	c.table = (char *)table;
	c.name = (char *)column;
	c.value = (char *)value;
	return sg_schema_find(s, &c) != NULL;
}

/*
 * A choice value that only moved: from a column's own list to the
 * global set the column now uses, or back (Salesforce global value
 * sets, Dataverse global choices).
 */
static int choice_moved(const struct sg_schema *before,
			const struct sg_schema *after,
			const struct sg_schema_item *b)
{
	struct sg_schema_item col = { .kind = SG_SCHEMA_COLUMN };
	const struct sg_schema_item *a;

	if (!is_global(b->table)) {
		col.table = b->table;
		col.name = b->name;
		a = sg_schema_find(after, &col);
		return a && a->choice_set &&
		       (has_choice(after, SG_SCHEMA_PP_GLOBAL, a->choice_set,
				   b->value) ||
			has_choice(after, SG_SCHEMA_SFDX_GLOBAL,
				   a->choice_set, b->value));
	}
	for (size_t i = 0; i < before->nr; i++) {
		const struct sg_schema_item *c = &before->v[i];

		if (c->kind == SG_SCHEMA_COLUMN && c->choice_set &&
		    !strcasecmp(c->choice_set, b->name) &&
		    has_choice(after, c->table, c->name, b->value))
			return 1;
	}
	return 0;
}

static void column_changes(struct sg_migration_changes *out,
			   const struct sg_schema_item *b,
			   const struct sg_schema_item *a)
{
	if (b->type && a->type && strcasecmp(b->type, a->type))
		add_change(out, b, "type-changed")->detail =
			detail("%s -> %s", b->type, a->type);
	if (b->length > 0 && a->length >= 0 && a->length < b->length)
		add_change(out, b, "length-reduced")->detail =
			detail("%ld -> %ld", b->length, a->length);
	if (!b->required && a->required && !a->has_default)
		add_change(out, b, "now-required")->detail =
			detail("required without a default");
}

static int cmp_change(const void *pa, const void *pb)
{
	const struct sg_migration_change *a = pa, *b = pb;
	int c = strcasecmp(a->table, b->table);

	if (!c)
		c = (int)a->kind - (int)b->kind;
	if (!c && a->name && b->name)
		c = strcasecmp(a->name, b->name);
	return c;
}

void sg_migration_diff(struct sg_migration_changes *out,
		       const struct sg_schema *before,
		       const struct sg_schema *after)
{
	for (size_t i = 0; i < before->nr; i++) {
		const struct sg_schema_item *b = &before->v[i], *a;

		/* the same item declared twice in one model: once is enough */
		if (i && !sg_schema_cmp(&before->v[i - 1], b))
			continue;
		a = sg_schema_find(after, b);
		if (b->kind != SG_SCHEMA_TABLE &&
		    table_removed(before, after, b->table))
			continue;
		if (!a && !(b->kind == SG_SCHEMA_CHOICE &&
			    choice_moved(before, after, b)))
			add_change(out, b, "removed");
		else if (b->kind == SG_SCHEMA_COLUMN)
			column_changes(out, b, a);
	}
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_change);
}

void sg_migration_describe(struct sg_buf *out,
			   const struct sg_migration_changes *c,
			   int only_uncovered)
{
	const char *table = NULL;

	for (size_t i = 0; i < c->nr; i++) {
		const struct sg_migration_change *ch = &c->v[i];

		if (only_uncovered && ch->covered)
			continue;
		if (!table || strcasecmp(table, ch->table)) {
			sg_buf_addf(out, "%stable %s: ", table ? "; " : "",
				    ch->table);
			table = ch->table;
		} else {
			sg_buf_adds(out, ", ");
		}
		if (ch->kind == SG_SCHEMA_TABLE)
			sg_buf_addf(out, "table %s", ch->change);
		else if (ch->kind == SG_SCHEMA_CHOICE)
			sg_buf_addf(out, "choice %s=%s %s", ch->name, ch->value,
				    ch->change);
		else
			sg_buf_addf(out, "%s %s %s", kind_word(ch->kind),
				    ch->name, ch->change);
		if (ch->detail)
			sg_buf_addf(out, " (%s)", ch->detail);
	}
}

void sg_migration_changes_release(struct sg_migration_changes *c)
{
	for (size_t i = 0; i < c->nr; i++)
		free(c->v[i].detail);
	free(c->v);
	c->v = NULL;
	c->nr = c->alloc = 0;
}

/* ---- plan files ---- */

struct plan_ctx {
	const char *file;
	int *line, *col;
	struct sg_buf *err;
};

static int plan_fail(struct plan_ctx *c, const struct sg_ynode *n,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int plan_fail(struct plan_ctx *c, const struct sg_ynode *n,
		     const char *fmt, ...)
{
	va_list ap;

	*c->line = n->line;
	*c->col = n->col;
	va_start(ap, fmt);
	sg_yaml_vfail(c->err, c->file, n, fmt, ap);
	va_end(ap);
	return SG_ERROR;
}

static int known_keys(struct plan_ctx *c, const struct sg_ynode *map,
		      const char *const *keys, const char *what)
{
	if (map->kind != SG_Y_MAP)
		return plan_fail(c, map, "'%s' must be a mapping", what);
	for (size_t i = 0; i < map->nr; i += 2) {
		const struct sg_ynode *k = map->kids[i];
		const char *const *p;

		if (k->kind != SG_Y_SCALAR)
			return plan_fail(c, k, "keys in '%s' must be strings",
					 what);
		for (p = keys; *p && strcmp(*p, k->value); p++)
			;
		if (!*p)
			return plan_fail(c, k, "unknown key '%s' in '%s'",
					 k->value, what);
		for (size_t j = 0; j < i; j += 2)
			if (!strcmp(map->kids[j]->value, k->value))
				return plan_fail(c, k, "duplicate key '%s'",
						 k->value);
	}
	return 0;
}

/* A non-empty text, or a non-empty list of non-empty texts. */
static int steps(struct plan_ctx *c, const struct sg_ynode *root,
		 const char *key)
{
	const struct sg_ynode *n = sg_yaml_get(root, key);

	if (!n)
		return plan_fail(c, root, "the plan needs '%s'", key);
	if (n->kind == SG_Y_SCALAR && *n->value)
		return 0;
	if (n->kind != SG_Y_SEQ || !n->nr)
		return plan_fail(c, n, "'%s' must be a text or a list of "
				 "steps", key);
	for (size_t i = 0; i < n->nr; i++)
		if (n->kids[i]->kind != SG_Y_SCALAR || !*n->kids[i]->value)
			return plan_fail(c, n->kids[i], "each step of '%s' "
					 "must be a non-empty text", key);
	return 0;
}

static char *scalar(struct plan_ctx *c, const struct sg_ynode *n,
		    const char *what, int *bad)
{
	if (!n)
		return NULL;
	if (n->kind != SG_Y_SCALAR || !*n->value) {
		plan_fail(c, n, "'%s' must be a non-empty text", what);
		*bad = 1;
		return NULL;
	}
	return sg_strdup(n->value);
}

static int one_cover(struct plan_ctx *c, struct sg_migration_plan *p,
		     const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"table", "column", "choice", "relationship", "change", NULL
	};
	struct sg_migration_cover *cv;
	const char *const *w;
	int bad = 0;

	if (known_keys(c, n, keys, "changes") < 0)
		return SG_ERROR;
	SG_ALLOC_GROW(p->covers, p->nr + 1, p->alloc);
	cv = &p->covers[p->nr++];
	memset(cv, 0, sizeof(*cv));
	cv->table = scalar(c, sg_yaml_get(n, "table"), "table", &bad);
	cv->change = scalar(c, sg_yaml_get(n, "change"), "change", &bad);
	if (sg_yaml_get(n, "relationship"))
		cv->name = scalar(c, sg_yaml_get(n, "relationship"), "relationship",
				  &bad);
	else
		cv->name = scalar(c, sg_yaml_get(n, "column"), "column", &bad);
	cv->value = scalar(c, sg_yaml_get(n, "choice"), "choice", &bad);
	if (bad)
		return SG_ERROR;
	if (!cv->table || !cv->change)
		return plan_fail(c, n, "each change needs 'table' and "
				 "'change'");
	for (w = change_words; *w && strcmp(*w, cv->change); w++)
		;
	if (!*w)
		return plan_fail(c, sg_yaml_get(n, "change"), "'change' is one of "
				 "removed, type-changed, length-reduced, "
				 "now-required, not '%s'", cv->change);
	if (sg_yaml_get(n, "relationship") && (sg_yaml_get(n, "column") || sg_yaml_get(n, "choice")))
		return plan_fail(c, n, "a relationship change names no column "
				 "or choice");
	if (cv->value && !sg_yaml_get(n, "column"))
		return plan_fail(c, n, "a choice change names its 'column'");
	cv->kind = sg_yaml_get(n, "relationship") ? SG_SCHEMA_RELATIONSHIP :
		   cv->value ? SG_SCHEMA_CHOICE :
		   cv->name ? SG_SCHEMA_COLUMN : SG_SCHEMA_TABLE;
	return 0;
}

static int plan_root(struct plan_ctx *c, struct sg_migration_plan *p,
		     const struct sg_ynode *root)
{
	static const char *const keys[] = {
		"ticket", "changes", "backup", "up", "down", "irreversible",
		"validation", NULL
	};
	const struct sg_ynode *n;
	int bad = 0;

	if (known_keys(c, root, keys, "plan") < 0)
		return SG_ERROR;
	n = sg_yaml_get(root, "changes");
	if (!n)
		return plan_fail(c, root, "the plan needs 'changes' (the "
				 "destructive changes it covers)");
	if (n->kind != SG_Y_SEQ || !n->nr)
		return plan_fail(c, n, "'changes' must be a non-empty list");
	for (size_t i = 0; i < n->nr; i++)
		if (one_cover(c, p, n->kids[i]) < 0)
			return SG_ERROR;
	if (steps(c, root, "backup") < 0 || steps(c, root, "up") < 0 ||
	    steps(c, root, "validation") < 0)
		return SG_ERROR;
	if (sg_yaml_get(root, "down") && sg_yaml_get(root, "irreversible"))
		return plan_fail(c, sg_yaml_get(root, "irreversible"), "a plan has "
				 "'down' or 'irreversible', not both");
	if (sg_yaml_get(root, "down"))
		return steps(c, root, "down");
	n = sg_yaml_get(root, "irreversible");
	if (!n)
		return plan_fail(c, root, "the plan needs 'down' (the way "
				 "back) or 'irreversible' (why there is none)");
	p->irreversible = scalar(c, n, "irreversible", &bad);
	return bad ? SG_ERROR : 0;
}

int sg_migration_plan_parse(struct sg_migration_plan *out, const char *text,
			    size_t len, const char *path, int *line, int *col,
			    struct sg_buf *err)
{
	struct plan_ctx c = { path, line, col, err };
	struct sg_ynode *root = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	*line = *col = 0;
	if (memchr(text, '\0', len)) {
		*line = *col = 1;
		return sg_error(err, SG_ERROR, "%s:1:1: the file holds a NUL "
				"byte", path);
	}
	ret = sg_yaml_parse(&root, text, len, path, err);
	if (ret < 0) {
		/* "FILE:LINE:COL: ..." from yaml.c */
		const char *p = err->buf + strlen(path);

		if (!strncmp(err->buf, path, strlen(path)) && *p == ':') {
			*line = (int)strtol(p + 1, (char **)&p, 10);
			if (*p == ':')
				*col = (int)strtol(p + 1, NULL, 10);
		}
		return ret;
	}
	ret = plan_root(&c, out, root);
	sg_yaml_free(root);
	return ret;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcasecmp(a, b));
}

size_t sg_migration_plan_cover(const struct sg_migration_plan *plan,
			       struct sg_migration_changes *c)
{
	size_t left = 0;

	for (size_t i = 0; i < c->nr; i++) {
		struct sg_migration_change *ch = &c->v[i];

		for (size_t j = 0; j < plan->nr && !ch->covered; j++) {
			const struct sg_migration_cover *cv = &plan->covers[j];

			ch->covered = cv->kind == ch->kind &&
				!strcmp(cv->change, ch->change) &&
				same(cv->table, ch->table) &&
				same(cv->name, ch->name) &&
				same(cv->value, ch->value);
		}
		left += !ch->covered;
	}
	return left;
}

void sg_migration_plan_release(struct sg_migration_plan *p)
{
	for (size_t i = 0; i < p->nr; i++) {
		free(p->covers[i].table);
		free(p->covers[i].name);
		free(p->covers[i].value);
		free(p->covers[i].change);
	}
	free(p->covers);
	free(p->irreversible);
	memset(p, 0, sizeof(*p));
}

/* ---- the gate ---- */

struct gate {
	struct sg_context *ctx;
	const struct sg_update *u;
	struct sg_ref_verdict *v;		/* of `u`: approvers, the plan */
	struct sg_report *r;
	git_odb *odb;
	struct sg_schema before, after;
};

/* Read blob `id` (at most `max` bytes) into *out; SG_ELIMIT if larger. */
static int read_blob(git_blob **out, struct gate *g, const git_oid *id,
		     size_t max, struct sg_buf *err)
{
	size_t size;
	git_object_t type;

	*out = NULL;
	if (git_odb_read_header(&size, &type, g->odb, id) < 0)
		return sg_git_error(err, "cannot read a schema file");
	if (type != GIT_OBJECT_BLOB)
		return SG_ENOTFOUND;
	if (size > max)
		return SG_ELIMIT;
	if (git_blob_lookup(out, g->ctx->push->repo, id) < 0)
		return sg_git_error(err, "cannot read a schema file");
	return 0;
}

static int read_side(struct gate *g, const struct sg_schema_reader *rd,
		     const git_diff_file *f, struct sg_schema *into,
		     struct sg_buf *err)
{
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_blob *blob;
	int ret;

	if (git_oid_is_zero(&f->id) || (f->mode != GIT_FILEMODE_BLOB &&
	    f->mode != GIT_FILEMODE_BLOB_EXECUTABLE))
		return 0;
	ret = read_blob(&blob, g, &f->id, SG_MAX_SCHEMA_BYTES, err);
	if (ret == SG_ERROR)
		return ret;
	if (ret == 0)
		ret = rd->read(into, f->path, git_blob_rawcontent(blob),
			       (size_t)git_blob_rawsize(blob), &why);
	else
		sg_buf_addf(&why, "'%s' is larger than %u MB", f->path,
			    SG_MAX_SCHEMA_BYTES >> 20);
	if (ret < 0)
		sg_report_add(g->r, SG_SEV_ERROR, "migration.unreadable",
			      g->u->ref, &g->u->new_commit, "fix the file so "
			      "its destructive changes can be checked",
			      "cannot read the %s schema: %s", rd->platform,
			      why.buf);
	git_blob_free(blob);
	sg_buf_release(&why);
	return 0;
}

/* Read the schema files that differ between the old and the new tip. */
static int read_models(struct gate *g, git_tree *old_tree,
		       git_tree *new_tree, struct sg_buf *err)
{
	git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
	git_diff *diff = NULL;
	int ret = 0;

	if (git_diff_tree_to_tree(&diff, g->ctx->push->repo, old_tree,
				  new_tree, &opts) < 0)
		return sg_git_error(err, "cannot compare the trees");
	for (size_t i = 0; ret == 0 && i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const struct sg_schema_reader *rd =
			sg_schema_reader_for(d->old_file.path);

		if (!rd)
			rd = sg_schema_reader_for(d->new_file.path);
		if (!rd)
			continue;
		ret = read_side(g, rd, &d->old_file, &g->before, err);
		if (ret == 0)
			ret = read_side(g, rd, &d->new_file, &g->after, err);
	}
	git_diff_free(diff);
	sg_schema_sort(&g->before);
	sg_schema_sort(&g->after);
	return ret;
}

static int data_owner_approved(const struct gate *g)
{
	const struct sg_policy *pol = g->ctx->pol;

	for (size_t i = 0; i < g->v->approvers.nr; i++)
		if (pol->migration_owners &&
		    sg_policy_in_group(pol, g->v->approvers.v[i],
				       pol->migration_owners))
			return 1;
	return 0;
}

/* The plan as the audit record keeps it. */
static void record(struct gate *g, const char *path, const git_oid *blob,
		   const git_blob *b, const struct sg_migration_changes *c,
		   const struct sg_migration_plan *plan)
{
	struct sg_buf j = SG_BUF_INIT(SG_MAX_AUDIT_RECORD / 2);
	struct sg_buf list = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf text = SG_BUF_INIT(SG_MAX_PLAN_BYTES);
	char hex[GIT_OID_HEXSZ + 1];

	sg_migration_describe(&list, c, 0);
	sg_buf_add(&text, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	sg_buf_adds(&j, "{\"plan\":");
	sg_buf_add_json(&j, path);
	sg_buf_addf(&j, ",\"blob\":\"%s\",\"destructive_changes\":%zu,"
		    "\"changes\":", git_oid_tostr(hex, sizeof(hex), blob),
		    c->nr);
	sg_buf_add_json(&j, list.buf);
	sg_buf_adds(&j, ",\"irreversible\":");
	if (plan->irreversible)
		sg_buf_add_json(&j, plan->irreversible);
	else
		sg_buf_adds(&j, "null");
	sg_buf_adds(&j, ",\"text\":");
	sg_buf_add_json(&j, text.buf);
	sg_buf_addch(&j, '}');
	free(g->v->migration);
	g->v->migration = sg_buf_detach(&j);
	sg_buf_release(&list);
	sg_buf_release(&text);
}

static void plan_invalid(struct gate *g, const char *path, int line, int col,
			 const char *why)
{
	struct sg_finding *f = sg_report_add(g->r, SG_SEV_ERROR,
		"migration.plan-invalid", g->u->ref, &g->u->new_commit,
		"fix the plan (format: README, \"Migration plans\") and push "
		"again", "%s", why);

	sg_finding_set_path(f, path, line, col);
}

/* Check the plan `path` names against the changes `c`. */
static int check_plan(struct gate *g, git_tree *tree, const char *path,
		      struct sg_migration_changes *c, struct sg_buf *err)
{
	struct sg_migration_plan plan;
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int ret = 0, line = 0, col = 0;
	size_t left;

	memset(&plan, 0, sizeof(plan));
	if (git_tree_entry_bypath(&e, tree, path) < 0 ||
	    git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		plan_invalid(g, path, 0, 0, "the plan the Migration trailer "
			     "names is not a file in the promoted tree");
		goto out;
	}
	ret = read_blob(&blob, g, git_tree_entry_id(e), SG_MAX_PLAN_BYTES,
			err);
	if (ret == SG_ELIMIT || ret == SG_ENOTFOUND) {
		ret = 0;
		plan_invalid(g, path, 0, 0, "the plan is larger than "
			     "SG_MAX_PLAN_BYTES");
		goto out;
	}
	if (ret < 0)
		goto out;
	if (sg_migration_plan_parse(&plan, git_blob_rawcontent(blob),
				    (size_t)git_blob_rawsize(blob), path,
				    &line, &col, &why) < 0) {
		/* the finding shows "PATH:LINE:COL" itself */
		const char *msg = strstr(why.buf, ": ");

		plan_invalid(g, path, line, col,
			     line && msg ? msg + 2 : why.buf);
		goto out;
	}
	record(g, path, git_tree_entry_id(e), blob, c, &plan);
	left = sg_migration_plan_cover(&plan, c);
	if (left) {
		sg_buf_reset(&why);
		sg_migration_describe(&why, c, 1);
		sg_report_add(g->r, SG_SEV_ERROR, "migration.unlisted",
			      g->u->ref, &g->u->new_commit, "add each of them "
			      "to 'changes' in the plan, with its backup, up "
			      "and down steps",
			      "the plan '%s' does not cover %zu of %zu "
			      "destructive changes: %s", path, left, c->nr,
			      why.buf);
	}
	if (plan.irreversible && !data_owner_approved(g))
		sg_report_add(g->r, SG_SEV_ERROR, "migration.irreversible",
			      g->u->ref, &g->u->new_commit, "add an "
			      "approval trailer from a member of the data "
			      "owners group, or give the plan a 'down'",
			      "the plan '%s' cannot be undone (%s) and no "
			      "approval from group '%s' was counted", path,
			      plan.irreversible,
			      g->ctx->pol->migration_owners ?
			      g->ctx->pol->migration_owners : "(none set)");
out:
	sg_migration_plan_release(&plan);
	git_blob_free(blob);
	git_tree_entry_free(e);
	sg_buf_release(&why);
	return ret;
}

static int in_scope(const struct sg_policy *pol, const struct sg_update *u)
{
	return u->env && sg_strlist_has(&pol->migration_envs, u->env->name) &&
	       u->kind != SG_UPDATE_DELETE && u->has_new_commit;
}

static int verdict(struct gate *g, git_commit *tip, git_tree *tree,
		   struct sg_buf *err)
{
	struct sg_migration_changes c = { NULL, 0, 0 };
	struct sg_trailers t = SG_TRAILERS_INIT;
	struct sg_buf list = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *key = g->ctx->pol->migration_trailer, *plan;
	int ret = 0;

	sg_migration_diff(&c, &g->before, &g->after);
	sg_trailers_parse(&t, git_commit_message_raw(tip));
	plan = sg_trailers_get(&t, key);
	if (plan && *plan) {
		ret = check_plan(g, tree, plan, &c, err);
	} else if (c.nr) {
		struct sg_buf fix = SG_BUF_INIT(SG_BUF_TEXT_MAX);

		sg_migration_describe(&list, &c, 0);
		sg_buf_addf(&fix, "add a migration plan to the release "
			    "(format: README, \"Migration plans\") that lists "
			    "these changes, and name it in a '%s: "
			    "migrations/<ticket>.yaml' trailer on the "
			    "promotion commit", key);
		sg_report_add(g->r, SG_SEV_ERROR, "migration.missing",
			      g->u->ref, &g->u->new_commit, fix.buf,
			      "%zu destructive schema change%s and no '%s:' "
			      "trailer naming a migration plan: %s", c.nr,
			      c.nr == 1 ? "" : "s", key, list.buf);
		sg_buf_release(&fix);
	}
	sg_trailers_release(&t);
	sg_migration_changes_release(&c);
	sg_buf_release(&list);
	return ret;
}

int sg_gate_migration(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err)
{
	struct gate g;
	git_commit *old_c = NULL, *new_c = NULL;
	git_tree *old_t = NULL, *new_t = NULL;
	int ret;

	/* a new ref of the environment: compared with what another holds */
	if (!in_scope(ctx->pol, u) || !u->base_ref)
		return 0;
	memset(&g, 0, sizeof(g));
	g.ctx = ctx;
	g.u = u;
	g.v = sg_gate_verdict(ctx, u, r);
	g.r = r;
	if (git_repository_odb(&g.odb, ctx->push->repo) < 0 ||
	    git_commit_lookup(&old_c, ctx->push->repo, &u->base) < 0 ||
	    git_commit_lookup(&new_c, ctx->push->repo, &u->new_commit) < 0 ||
	    git_commit_tree(&old_t, old_c) < 0 ||
	    git_commit_tree(&new_t, new_c) < 0)
		ret = sg_git_error(err, "migration gate");
	else
		ret = read_models(&g, old_t, new_t, err);
	if (ret == 0)
		ret = verdict(&g, new_c, new_t, err);
	sg_schema_release(&g.before);
	sg_schema_release(&g.after);
	git_tree_free(old_t);
	git_tree_free(new_t);
	git_commit_free(old_c);
	git_commit_free(new_c);
	git_odb_free(g.odb);
	return ret;
}

/* The policy: the 'migration' section (a row of policy.c's sections). */
static int load_migration(struct sg_section *c, const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"environments", "trailer", "data_owners", NULL
	};
	struct sg_policy *pol = c->pol;
	const struct sg_ynode *v;

	if (sg_section_keys(c, n, keys, "migration") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "environments");
	if (!v)
		return sg_section_fail(c, n, "'migration' needs "
				       "'environments'");
	if (sg_section_strlist(c, v, "environments", &pol->migration_envs) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < pol->migration_envs.nr; i++)
		if (!sg_policy_env_named(pol, pol->migration_envs.v[i]))
			return sg_section_fail(c, v->kids[i], "no environment "
					       "named '%s'",
					       pol->migration_envs.v[i]);
	v = sg_yaml_get(n, "trailer");
	if (v && (sg_section_string(c, v, "trailer",
				    &pol->migration_trailer) < 0 ||
		  sg_section_trailer_key(c, v, pol->migration_trailer) < 0))
		return SG_ERROR;
	v = sg_yaml_get(n, "data_owners");
	if (v && sg_section_string(c, v, "data_owners",
				   &pol->migration_owners) < 0)
		return SG_ERROR;
	if (v && !sg_section_group_declared(pol, pol->migration_owners))
		return sg_section_fail(c, v, "unknown group '%s'",
				       pol->migration_owners);
	return 0;
}

int sg_migration_parse_section(struct sg_section *c,
			       const struct sg_ynode *n)
{
	c->pol->migration_trailer = sg_strdup("Migration");
	return n ? load_migration(c, n) : 0;
}
