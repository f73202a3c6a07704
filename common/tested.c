/*
 * tested.c -- the tested gate: prod receives only what passed test.
 *
 * The test pipeline marks a tested commit with an annotated tag under
 * the policy's namespace (refs/tags/tested/ by default). Tags count only
 * when they were on the server before this push (tags.c), so a maker
 * cannot tag their own untested commit in the push that promotes it.
 * The new tip must carry a tag, or promote a tagged parent unchanged
 * (same tree); no commit may slip in untested. Rule ids:
 * tested.untagged, tested.tree-mismatch, tested.skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "limits.h"
#include "oidset.h"
#include "section.h"
#include "tags.h"
#include "tested.h"
#include "window.h"
#include "banned.h"

/* A test tag pushed in this very push for `id`, to explain a refusal. */
static const char *tag_in_push(struct sg_context *ctx, const git_oid *id)
{
	for (size_t i = 0; i < ctx->push->nr; i++) {
		const struct sg_update *o = &ctx->push->updates[i];

		if (o->kind == SG_UPDATE_CREATE && o->has_new_commit &&
		    git_oid_equal(&o->new_commit, id) &&
		    sg_ref_matches(ctx->pol->tag_pattern, o->ref))
			return sg_tag_short(o->ref);
	}
	return NULL;
}

/* Commits reachable from a tested commit, but not from `hide`. */
static int tested_closure(struct sg_context *ctx, const struct sg_tags *tags,
			  const struct sg_update *u, struct sg_oidset *out,
			  struct sg_buf *err)
{
	git_revwalk *walk = NULL;
	git_oid id;
	int rc = 0, ret = 0;

	if (!tags->nr)
		return 0;
	if (git_revwalk_new(&walk, ctx->push->repo) < 0)
		return sg_git_error(err, "cannot walk history");
	for (size_t i = 0; i < tags->nr && ret == 0; i++)
		if (git_revwalk_push(walk, &tags->v[i].commit) < 0)
			ret = sg_git_error(err, "cannot walk history");
	if (ret == 0 && u->kind == SG_UPDATE_MODIFY && u->has_old_commit &&
	    git_revwalk_hide(walk, &u->old_commit) < 0)
		ret = sg_git_error(err, "cannot walk history");
	while (ret == 0 && (rc = git_revwalk_next(&id, walk)) == 0)
		sg_oidset_insert(out, &id);
	if (ret == 0 && rc != GIT_ITEROVER)
		ret = sg_git_error(err, "cannot walk history");
	git_revwalk_free(walk);
	return ret;
}

static int check_skipped(struct sg_context *ctx, const struct sg_update *u,
			 const struct sg_tags *tags, struct sg_report *r,
			 struct sg_buf *err)
{
	struct sg_oidset tested = SG_OIDSET_INIT;
	struct sg_buf names = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	size_t skipped = 0;
	int ret = tested_closure(ctx, tags, u, &tested, err);

	for (size_t i = 0; ret == 0 && i < u->commits_nr; i++) {
		git_commit *c = NULL;
		int tp, promo;
		char hex[12];

		/* the tip has its own verdict (untagged, tree-mismatch) */
		if (sg_oidset_contains(&tested, &u->commits[i]) ||
		    git_oid_equal(&u->commits[i], &u->new_commit))
			continue;
		if (git_commit_lookup(&c, ctx->push->repo, &u->commits[i]) < 0) {
			ret = sg_git_error(err, "cannot read a commit");
			break;
		}
		promo = sg_tags_promotion_parent(c, tags, &tp) >= 0;
		git_commit_free(c);
		if (promo)
			continue;
		if (++skipped <= SG_MAX_NAMED_COMMITS) {
			git_oid_tostr(hex, sizeof(hex), &u->commits[i]);
			sg_buf_addf(&names, "%s%s", names.len ? ", " : "", hex);
		}
	}
	if (ret == 0 && skipped)
		sg_report_add(r, SG_SEV_ERROR, "tested.skipped", u->ref,
			      &u->new_commit, "push these commits to the test "
			      "branch first and let the pipeline tag what "
			      "passed; then promote the tagged commit",
			      "%zu commit(s) would reach %s without passing "
			      "test: %s%s", skipped, u->ref, names.buf,
			      skipped > SG_MAX_NAMED_COMMITS ? ", ..." : "");
	sg_oidset_release(&tested);
	sg_buf_release(&names);
	return ret;
}

int sg_gate_tested(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err)
{
	struct sg_ref_verdict *v = sg_gate_verdict(ctx, u, r);
	struct sg_tags tags = SG_TAGS_INIT;
	git_commit *c = NULL;
	const char *tag, *same_push;
	int ret = 0, tp = -1, promo;
	char hex[12];

	if (!u->env || !u->env->require_tested ||
	    u->kind == SG_UPDATE_DELETE || !u->has_new_commit ||
	    sg_is_rollback_attempt(ctx, u) || sg_break_glass_lifts(u, v, "tested"))
		return 0;
	if (sg_tags_load(&tags, ctx, err) < 0)
		goto fail;
	if (git_commit_lookup(&c, ctx->push->repo, &u->new_commit) < 0) {
		sg_git_error(err, "cannot read the new tip");
		goto fail;
	}
	git_oid_tostr(hex, sizeof(hex), &u->new_commit);
	tag = sg_tags_of(&tags, &u->new_commit);
	promo = tag ? -1 : sg_tags_promotion_parent(c, &tags, &tp);
	if (promo >= 0)
		tag = sg_tags_of(&tags, git_commit_parent_id(c, (unsigned)promo));
	if (tag) {
		free(v->tested_tag);
		v->tested_tag = sg_strdup(tag);
	} else if (tp >= 0) {
		char phex[12];

		git_oid_tostr(phex, sizeof(phex),
			      git_commit_parent_id(c, (unsigned)tp));
		sg_report_add(r, SG_SEV_ERROR, "tested.tree-mismatch", u->ref,
			      &u->new_commit, "make the promotion merge take "
			      "the tested tree as it is (git merge -s ours is "
			      "wrong; resolve to the tested side), or push the "
			      "change through test first",
			      "promotion merge %s does not carry the tested "
			      "artifact: its tree differs from that of tested "
			      "parent %s (%s)", hex, phex,
			      sg_tags_of(&tags, git_commit_parent_id(c,
						(unsigned)tp)));
	} else {
		same_push = tag_in_push(ctx, &u->new_commit);
		sg_report_add(r, SG_SEV_ERROR, "tested.untagged", u->ref,
			      &u->new_commit, "push to test first and let the "
			      "pipeline tag it; then promote the tagged "
			      "commit, or a merge of it",
			      "%s carries no test tag (%s)%s%s%s", hex,
			      ctx->pol->tag_pattern,
			      same_push ? "; tag " : "",
			      same_push ? same_push : "",
			      same_push ? " arrives in this same push and "
					  "does not count" : "");
	}
	ret = check_skipped(ctx, u, &tags, r, err);
	git_commit_free(c);
	sg_tags_release(&tags);
	return ret;
fail:
	git_commit_free(c);
	sg_tags_release(&tags);
	return SG_ERROR;
}

/* The policy: an environment's 'tested' (a row of env_sections). */
const char *const sg_tested_keys[] = { "tested", NULL };

int sg_tested_parse_env(struct sg_section *c, const struct sg_ynode *env_node,
			struct sg_env *env)
{
	const struct sg_ynode *v = sg_yaml_get(env_node, "tested");

	return v ? sg_section_bool(c, v, "tested", &env->require_tested) : 0;
}
