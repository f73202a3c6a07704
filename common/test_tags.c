/*
 * test_tags.c -- the test-tag gate: test tags (refs/tags/tested/ by
 * default) are created only by the test pipeline's group, annotated, on
 * a commit of the test environment, and never moved or deleted. Rule
 * ids: tag.delete, tag.move, tag.create-denied, tag.not-annotated,
 * tag.not-on-test, and trailer.* for the tag message's trailers.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "section.h"
#include "tags.h"
#include "test_tags.h"
#include "banned.h"

struct tips {
	struct sg_context *ctx;
	git_oid *v;
	size_t nr, alloc;
};

static int on_test_env(const char *name, void *payload)
{
	struct sg_context *ctx = ((struct tips *)payload)->ctx;
	const struct sg_env *env = sg_policy_env_for(ctx->pol, name);

	return env && !strcmp(env->name, ctx->pol->tag_env);
}

static int add_tip(const char *name, const git_oid *commit, void *payload,
		   struct sg_buf *err)
{
	struct tips *t = payload;

	(void)name;
	(void)err;
	SG_ALLOC_GROW(t->v, t->nr + 1, t->alloc);
	git_oid_cpy(&t->v[t->nr++], commit);
	return 0;
}

/* Whether `id` was on a branch of the test environment before the push. */
static int on_test_branch(struct sg_context *ctx, const git_oid *id,
			  struct sg_buf *err)
{
	struct tips tips = { ctx, NULL, 0, 0 };
	int ret = sg_push_each_ref(ctx->push->repo, on_test_env, add_tip,
				   &tips, err);

	if (ret == 0 && tips.nr) {
		ret = git_graph_reachable_from_any(ctx->push->repo, id,
						   tips.v, tips.nr);
		if (ret < 0)
			ret = sg_git_error(err, "cannot compare history");
	}
	free(tips.v);
	return ret;
}

int sg_gate_test_tags(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err)
{
	const struct sg_policy *pol = ctx->pol;
	git_tag *tag = NULL;
	int ret = 0, on_test;

	if (!sg_ref_matches(pol->tag_pattern, u->ref))
		return 0;
	if (u->kind == SG_UPDATE_DELETE) {
		sg_report_add(r, SG_SEV_ERROR, "tag.delete", u->ref, NULL,
			      "test tags are permanent evidence; leave it",
			      "test tag %s may not be deleted, by anyone",
			      sg_tag_short(u->ref));
		return 0;
	}
	if (u->kind == SG_UPDATE_MODIFY) {
		sg_report_add(r, SG_SEV_ERROR, "tag.move", u->ref,
			      u->has_new_commit ? &u->new_commit : NULL,
			      "let the pipeline create a new test tag for the "
			      "new commit",
			      "test tag %s may not be moved, by anyone",
			      sg_tag_short(u->ref));
		return 0;
	}
	if (!sg_policy_in_groups(pol, ctx->pusher.login, &pol->tag_create)) {
		sg_report_add(r, SG_SEV_ERROR, "tag.create-denied", u->ref,
			      u->has_new_commit ? &u->new_commit : NULL,
			      "push to the test branch and let the test "
			      "pipeline tag what passed",
			      "'%s' may not create test tags; only the test "
			      "pipeline does", ctx->pusher.login);
		return 0;
	}
	if (u->new_type != GIT_OBJECT_TAG || !u->has_new_commit) {
		sg_report_add(r, SG_SEV_ERROR, "tag.not-annotated", u->ref,
			      NULL, "create it with git tag -a (or -m)",
			      "test tag %s must be an annotated tag of a "
			      "commit", sg_tag_short(u->ref));
		return 0;
	}
	on_test = on_test_branch(ctx, &u->new_commit, err);
	if (on_test < 0)
		return SG_ERROR;
	if (!on_test)
		sg_report_add(r, SG_SEV_ERROR, "tag.not-on-test", u->ref,
			      &u->new_commit, "push the commit to the test "
			      "branch first, then tag it",
			      "test tag %s points at a commit that is not on "
			      "a branch of environment '%s'",
			      sg_tag_short(u->ref), pol->tag_env);
	if (pol->tag_trailers.nr) {
		if (git_tag_lookup(&tag, ctx->push->repo, &u->new_id) < 0)
			return sg_git_error(err, "cannot read a pushed tag");
		ret = sg_check_trailers(&pol->tag_trailers,
					git_tag_message(tag) ?
					git_tag_message(tag) : "", u->ref,
					&u->new_commit, "the tag message", r,
					err);
		git_tag_free(tag);
	}
	return ret;
}

/* The policy: the 'test_tags' section (a row of policy.c's sections). */
int sg_test_tags_parse_section(struct sg_section *c,
				const struct sg_ynode *n)
{
	static const char *const keys[] = {
		"refs", "create", "required_trailers", "environment", NULL
	};
	const struct sg_ynode *v;

	c->pol->tag_pattern = sg_strdup("refs/tags/tested/*");
	c->pol->tag_env = sg_strdup("test");
	if (!n)
		return 0;
	if (sg_section_keys(c, n, keys, "test_tags") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "refs");
	if (v && (sg_section_string(c, v, "refs", &c->pol->tag_pattern) < 0 ||
		  sg_section_ref_pattern(c, v, c->pol->tag_pattern) < 0))
		return SG_ERROR;
	if (strncmp(c->pol->tag_pattern, "refs/tags/", 10))
		return sg_section_fail(c, v ? v : n, "test tags must live "
				       "under 'refs/tags/'");
	v = sg_yaml_get(n, "environment");
	if (v && sg_section_string(c, v, "environment", &c->pol->tag_env) < 0)
		return SG_ERROR;
	if (v && !sg_policy_env_named(c->pol, c->pol->tag_env))
		return sg_section_fail(c, v, "no environment named '%s'",
				       c->pol->tag_env);
	v = sg_yaml_get(n, "create");
	if (v && sg_section_groups(c, v, "create", &c->pol->tag_create) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "required_trailers");
	if (v && sg_section_trailer_rules(c, v, "required_trailers",
					  &c->pol->tag_trailers) < 0)
		return SG_ERROR;
	return 0;
}
