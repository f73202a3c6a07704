/*
 * solution.c -- the solution gate: on a promotion, every solution keeps
 * moving forward. The solutions of prod's current tip and of the new tip
 * are read (one reader per platform, solution_*.c) and compared by
 * four-part version: solution.version when one did not increase,
 * solution.removed when one disappeared without a trailer saying so,
 * solution.unmanaged when managed exports are required, and
 * solution.tag-version when the test tag names another version.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "gate.h"
#include "error.h"
#include "limits.h"
#include "section.h"
#include "solution.h"
#include "trailer.h"
#include "banned.h"

static const struct sg_solution_reader *const readers[] = {
	&sg_solution_pp, &sg_solution_sfdx,
};

int sg_version_parse(struct sg_version *out, const char *s, size_t len,
		     int allow_floating)
{
	const char *p = s, *end = s + len;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		unsigned long v = 0;
		const char *start = p;

		if (out->nparts == 4)
			return SG_ERROR;
		if (allow_floating && out->nparts == 3 &&
		    ((end - p == 4 && !memcmp(p, "NEXT", 4)) ||
		     (end - p == 6 && !memcmp(p, "LATEST", 6)))) {
			out->floating = 1;
			out->nparts++;
			return 0;
		}
		while (p < end && *p >= '0' && *p <= '9' && p - start < 9)
			v = v * 10 + (unsigned long)(*p++ - '0');
		if (p == start || (p < end && *p != '.'))
			return SG_ERROR;
		out->part[out->nparts++] = v;
		if (p < end && ++p == end)
			return SG_ERROR;	/* "1.2." */
	}
	return out->nparts >= 2 ? 0 : SG_ERROR;
}

int sg_version_cmp(const struct sg_version *a, const struct sg_version *b)
{
	for (int i = 0; i < 4; i++)
		if (a->part[i] != b->part[i])
			return a->part[i] < b->part[i] ? -1 : 1;
	return 0;
}

int sg_version_is_zero(const struct sg_version *v)
{
	return !v->part[0] && !v->part[1] && !v->part[2] && !v->part[3] &&
	       !v->floating;
}

struct sg_solution *sg_solutions_add(struct sg_solutions *out,
				     const struct sg_solution_reader *reader,
				     const char *path, const char *name)
{
	struct sg_solution *s;

	SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	s = &out->v[out->nr++];
	memset(s, 0, sizeof(*s));
	s->reader = reader;
	s->path = sg_strdup(path);
	s->name = sg_strdup(name);
	s->managed = -1;
	return s;
}

const struct sg_solution *sg_solutions_find(const struct sg_solutions *list,
					    const struct sg_solution_reader *rd,
					    const char *name)
{
	for (size_t i = 0; i < list->nr; i++)
		if (list->v[i].reader == rd && !list->v[i].problem &&
		    !strcmp(list->v[i].name, name))
			return &list->v[i];
	return NULL;
}

void sg_solutions_release(struct sg_solutions *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		free(list->v[i].name);
		free(list->v[i].path);
		free(list->v[i].version_text);
		free(list->v[i].problem);
	}
	free(list->v);
	memset(list, 0, sizeof(*list));
}

struct walk {
	git_repository *repo;
	struct sg_solutions *out;
	size_t files;
	struct sg_buf path;
	int failed;
};

static int read_blob(struct walk *w, const struct sg_solution_reader *rd,
		     const git_tree_entry *e)
{
	git_blob *blob = NULL;
	struct sg_solution *s;

	if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(e)) < 0)
		return -1;
	if (git_blob_rawsize(blob) > SG_MAX_SOLUTION_BYTES) {
		s = sg_solutions_add(w->out, rd, w->path.buf, "?");
		s->problem = sg_strdup("larger than the manifest limit");
	} else {
		rd->read(w->out, w->path.buf, git_blob_rawcontent(blob),
			 (size_t)git_blob_rawsize(blob));
	}
	git_blob_free(blob);
	return 0;
}

static int on_entry(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	sg_buf_reset(&w->path);
	if (sg_buf_addf(&w->path, "%s%s", root, git_tree_entry_name(e)) < 0)
		return 0;	/* longer than any checkout can hold */
	for (size_t i = 0; i < SG_ARRAY_SIZE(readers); i++) {
		if (!readers[i]->wants(w->path.buf))
			continue;
		if (++w->files > SG_MAX_SOLUTIONS) {
			w->out->truncated = 1;
			return -1;	/* stop the walk */
		}
		if (read_blob(w, readers[i], e) < 0) {
			w->failed = 1;
			return -1;
		}
	}
	return 0;
}

int sg_solutions_read_tree(struct sg_solutions *out, git_repository *repo,
			   const git_oid *tree_id, struct sg_buf *err)
{
	struct walk w = { repo, out, 0, SG_BUF_INIT(SG_MAX_PATH_BYTES), 0 };
	git_tree *tree = NULL;
	int ret = 0;

	if (git_tree_lookup(&tree, repo, tree_id) < 0)
		return sg_git_error(err, "cannot read a tree");
	if (git_tree_walk(tree, GIT_TREEWALK_PRE, on_entry, &w) < 0 &&
	    w.failed)
		ret = sg_git_error(err, "cannot read a solution manifest");
	git_tree_free(tree);
	sg_buf_release(&w.path);
	return ret;
}

static int commit_tree(git_repository *repo, const git_oid *commit,
		       git_oid *out, struct sg_buf *err)
{
	git_commit *c = NULL;

	if (git_commit_lookup(&c, repo, commit) < 0)
		return sg_git_error(err, "cannot read a commit");
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

/* Whether the tip's message allows removing `name` (trailer, a list). */
static int removal_allowed(const struct sg_env *env, const char *msg,
			   const char *name)
{
	struct sg_trailers t = SG_TRAILERS_INIT;
	size_t n = strlen(name);
	int ok = 0;

	sg_trailers_parse(&t, msg);
	for (size_t i = 0; i < t.nr && !ok; i++) {
		const char *p = t.v[i].value;

		if (strcasecmp(t.v[i].key, env->solution_removed_key))
			continue;
		/* "A, B" or "A B" */
		while (*p && !ok) {
			size_t len = strcspn(p, ", ");

			ok = len == n && !strncmp(p, name, n);
			p += len;
			p += strspn(p, ", ");
		}
	}
	sg_trailers_release(&t);
	return ok;
}

struct pair {
	struct sg_context *ctx;
	const struct sg_update *u;
	struct sg_report *r;
	struct sg_solutions old, new;
	const char *msg;
	const char *tested_tag;	/* the verdict's, from the tested gate */
	const char *base_ref;	/* the ref whose tip `old` is read from */
};

static void check_one(struct pair *p, const struct sg_solution *s)
{
	const struct sg_env *env = p->u->env;
	const struct sg_solution *o;
	struct sg_finding *f;

	if (s->problem) {
		f = sg_report_add(p->r, SG_SEV_ERROR, "solution.unreadable",
				  p->u->ref, &p->u->new_commit, "export the "
				  "solution again with the platform's tools",
				  "cannot read %s solution manifest %s: %s",
				  s->reader->platform, s->path, s->problem);
		sg_finding_set_path(f, s->path, 0, 0);
		return;
	}
	if (env->solution_managed && s->managed == 0) {
		f = sg_report_add(p->r, SG_SEV_ERROR, "solution.unmanaged",
				  p->u->ref, &p->u->new_commit, "export it as "
				  "managed (pac solution export --managed, or "
				  "unpack with --packagetype Both) and promote "
				  "it through test",
				  "solution %s %s is unmanaged; environment "
				  "'%s' takes managed solutions only", s->name,
				  s->version_text, env->name);
		sg_finding_set_path(f, s->path, 0, 0);
	}
	if (!env->solution_versions)
		return;
	o = sg_solutions_find(&p->old, s->reader, s->name);
	if (!o)
		return;		/* a new solution: nothing to compare */
	if (sg_version_is_zero(&s->version) && sg_version_is_zero(&o->version)) {
		sg_report_add(p->r, SG_SEV_NOTE, "solution.unstamped",
			      p->u->ref, &p->u->new_commit, NULL,
			      "solution %s is 0.0.0.0 on both sides (the "
			      "pipeline stamps its version): version not "
			      "checked", s->name);
		return;
	}
	/* a promotion raises the version; a new ref may match the other's */
	if (sg_version_cmp(&s->version, &o->version) >
	    (p->u->kind == SG_UPDATE_CREATE ? -1 : 0))
		return;
	f = sg_report_add(p->r, SG_SEV_ERROR, "solution.version", p->u->ref,
			  &p->u->new_commit, s->reader->raise_fix,
			  "%s solution %s: version %s is %s %s, the version "
			  "%s holds now (versions compare part by part as "
			  "numbers)", s->reader->platform, s->name,
			  s->version_text, p->u->kind == SG_UPDATE_CREATE ?
			  "older than" : "not greater than", o->version_text,
			  p->base_ref);
	sg_finding_set_path(f, s->path, 0, 0);
}

static void check_removed(struct pair *p)
{
	const struct sg_env *env = p->u->env;

	for (size_t i = 0; i < p->old.nr; i++) {
		const struct sg_solution *o = &p->old.v[i];
		struct sg_finding *f;

		if (o->problem || sg_solutions_find(&p->new, o->reader, o->name) ||
		    removal_allowed(env, p->msg, o->name))
			continue;
		f = sg_report_add(p->r, SG_SEV_ERROR, "solution.removed",
				  p->u->ref, &p->u->new_commit, "if the "
				  "removal is meant, say so in the promotion "
				  "commit: a trailer",
				  "%s solution %s %s is on %s now and missing "
				  "from the promoted tree (add '%s: %s' to the "
				  "promotion commit if meant)",
				  o->reader->platform, o->name, o->version_text,
				  p->base_ref, env->solution_removed_key, o->name);
		sg_finding_set_path(f, o->path, 0, 0);
	}
}

/* tested/ContosoExpenses-1.4.0.2: the promoted version is the tested one. */
static void check_tag_version(struct pair *p)
{
	const char *tag = p->tested_tag, *base, *dash;
	const struct sg_solution *s = NULL;
	struct sg_version v;

	base = strrchr(tag, '/');
	base = base ? base + 1 : tag;
	dash = strrchr(base, '-');
	for (size_t i = 0; dash && i < p->new.nr && !s; i++)
		if (!p->new.v[i].problem &&
		    strlen(p->new.v[i].name) == (size_t)(dash - base) &&
		    !strncmp(p->new.v[i].name, base, (size_t)(dash - base)))
			s = &p->new.v[i];
	if (!dash || sg_version_parse(&v, dash + 1, strlen(dash + 1), 1) < 0 ||
	    !s) {
		sg_report_add(p->r, SG_SEV_ERROR, "solution.tag-version",
			      p->u->ref, &p->u->new_commit, "the test pipeline "
			      "names its tag after the solution and version it "
			      "tested: tested/NAME-1.4.0.2",
			      "test tag %s does not name a solution of the "
			      "promoted tree and its version (NAME-VERSION)",
			      tag);
		return;
	}
	if (sg_version_cmp(&v, &s->version) || v.floating != s->version.floating)
		sg_report_add(p->r, SG_SEV_ERROR, "solution.tag-version",
			      p->u->ref, &p->u->new_commit, "promote the "
			      "version that was tested, or test this one",
			      "test tag %s tested %s %s, but the promoted tree "
			      "holds %s", tag, s->name, dash + 1,
			      s->version_text);
}

int sg_gate_solution(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err)
{
	const struct sg_env *env = u->env;
	struct pair p = { ctx, u, r, SG_SOLUTIONS_INIT, SG_SOLUTIONS_INIT,
			  "", NULL, NULL };
	git_commit *tip = NULL;
	git_oid tree;
	int ret = SG_ERROR;

	if (!env || (!env->solution_versions && !env->solution_managed &&
		     !env->solution_tag_version) ||
	    u->kind == SG_UPDATE_DELETE || !u->has_new_commit ||
	    sg_is_rollback_attempt(ctx, u))
		return 0;
	if (git_commit_lookup(&tip, ctx->push->repo, &u->new_commit) < 0)
		return sg_git_error(err, "cannot read the new tip");
	p.msg = git_commit_message(tip) ? git_commit_message(tip) : "";
	if (sg_solutions_read_tree(&p.new, ctx->push->repo,
				   git_commit_tree_id(tip), err) < 0)
		goto out;
	/* a new ref of the environment starts from what the others hold */
	if (env->solution_versions && u->base_ref) {
		p.base_ref = u->base_ref;
		if (commit_tree(ctx->push->repo, &u->base, &tree, err) < 0 ||
		    sg_solutions_read_tree(&p.old, ctx->push->repo, &tree,
					   err) < 0)
			goto out;
	}
	if (p.new.truncated || p.old.truncated)
		sg_report_add(r, SG_SEV_ERROR, "solution.too-many", u->ref,
			      &u->new_commit, "split the repository",
			      "more than %d solution manifests in one tree",
			      SG_MAX_SOLUTIONS);
	for (size_t i = 0; i < p.new.nr; i++)
		check_one(&p, &p.new.v[i]);
	if (env->solution_versions && p.old.nr)
		check_removed(&p);
	p.tested_tag = sg_gate_verdict(ctx, u, r)->tested_tag;
	if (env->solution_tag_version && p.tested_tag)
		check_tag_version(&p);
	ret = 0;
out:
	sg_solutions_release(&p.new);
	sg_solutions_release(&p.old);
	git_commit_free(tip);
	return ret;
}

/* The policy: an environment's 'solutions' (a row of env_sections). */
const char *const sg_solution_keys[] = { "solutions", NULL };

static int load_solutions(struct sg_section *c, const struct sg_ynode *n,
			  struct sg_env *env)
{
	static const char *const keys[] = {
		"versions", "require_managed", "tag_version",
		"removed_trailer", NULL
	};
	const struct sg_ynode *v;

	if (sg_section_keys(c, n, keys, "solutions") < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "versions")) &&
	    sg_section_bool(c, v, "versions", &env->solution_versions) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "require_managed")) &&
	    sg_section_bool(c, v, "require_managed",
			    &env->solution_managed) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "tag_version")) &&
	    sg_section_bool(c, v, "tag_version",
			    &env->solution_tag_version) < 0)
		return SG_ERROR;
	if ((v = sg_yaml_get(n, "removed_trailer")) &&
	    (sg_section_string(c, v, "removed_trailer",
			       &env->solution_removed_key) < 0 ||
	     sg_section_trailer_key(c, v, env->solution_removed_key) < 0))
		return SG_ERROR;
	return 0;
}

int sg_solution_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env)
{
	const struct sg_ynode *v = sg_yaml_get(env_node, "solutions");

	env->solution_removed_key = sg_strdup("Solution-Removed");
	return v ? load_solutions(c, v, env) : 0;
}
