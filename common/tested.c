/*
 * tested.c -- the test-tag gate: prod receives only what passed test.
 *
 * The test pipeline marks a tested commit with an annotated tag under
 * the policy's namespace (refs/tags/tested/ by default). Tags count only when
 * they were on the server before this push, so a maker cannot tag
 * their own untested commit in the push that promotes it. Tags are
 * never moved or deleted. A rollback moves prod back to a tested
 * commit it held before, by an allowed group, with a stated reason.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check.h"
#include "error.h"
#include "limits.h"
#include "oidset.h"
#include "tips.h"
#include "banned.h"

struct tagged {
	git_oid commit;
	char *tag;		/* short name: "tested/1.4.0.2" */
};

struct test_tags {
	struct tagged *v;
	size_t nr, alloc;
	struct sg_context *ctx;
};

static const char *short_tag(const char *ref)
{
	return !strncmp(ref, "refs/tags/", 10) ? ref + 10 : ref;
}

static int is_test_tag(const char *name, void *payload)
{
	struct sg_context *ctx = ((struct test_tags *)payload)->ctx;

	return sg_ref_matches(ctx->pol->tag_pattern, name);
}

static int add_tag(const char *name, const git_oid *commit, void *payload,
		   struct sg_buf *err)
{
	struct test_tags *out = payload;

	(void)err;
	SG_ALLOC_GROW(out->v, out->nr + 1, out->alloc);
	git_oid_cpy(&out->v[out->nr].commit, commit);
	out->v[out->nr++].tag = sg_strdup(short_tag(name));
	return 0;
}

/* Every test tag on the server (before this push), peeled to commits. */
static int load_tags(struct sg_context *ctx, struct test_tags *out,
		     struct sg_buf *err)
{
	out->ctx = ctx;
	return sg_push_each_ref(ctx->push->repo, is_test_tag, add_tag, out,
				err);
}

static const char *tag_of(const struct test_tags *tags, const git_oid *id)
{
	for (size_t i = 0; i < tags->nr; i++)
		if (git_oid_equal(&tags->v[i].commit, id))
			return tags->v[i].tag;
	return NULL;
}

static void release_tags(struct test_tags *tags)
{
	for (size_t i = 0; i < tags->nr; i++)
		free(tags->v[i].tag);
	free(tags->v);
}

int sg_is_rollback_attempt(const struct sg_context *ctx,
			   const struct sg_update *u)
{
	/*
	 * An explicit request only: a bare backwards push is a force push.
	 * git gives push options to pre-receive, not to the update hook, so
	 * there the reason (checked by pre-receive) cannot be seen.
	 */
	return u->env && u->kind == SG_UPDATE_MODIFY && !u->fast_forward &&
	       !u->env->allow_force_push && u->env->rollback_groups.nr &&
	       (ctx->single_ref || sg_push_option(ctx->push, "rollback"));
}

/*
 * Whether `ref` really pointed at `target` before: the audit log says so
 * (first-parent history alone is what a pusher wrote, not what prod held).
 */
static int held_before(struct sg_context *ctx, const char *ref,
		       const git_oid *target, struct sg_buf *err)
{
	struct sg_buf log = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	int ret;

	sg_buf_addf(&log, "%s/%s", ctx->push->gitdir, ctx->pol->audit_path);
	ret = sg_tips_was_tip(log.buf, ref, target, err);
	sg_buf_release(&log);
	return ret;
}

static int promotion_parent(git_commit *c, const struct test_tags *tags,
			    int *tagged_parent);

/*
 * The test tag `id` carries: its own, or that of the tested parent it
 * promotes unchanged (a promotion merge or empty promotion commit).
 */
static const char *carried_tag(git_repository *repo,
			       const struct test_tags *tags, const git_oid *id)
{
	const char *tag = tag_of(tags, id);
	git_commit *c = NULL;
	int tp, p;

	if (tag || git_commit_lookup(&c, repo, id) < 0)
		return tag;
	p = promotion_parent(c, tags, &tp);
	if (p >= 0)
		tag = tag_of(tags, git_commit_parent_id(c, (unsigned)p));
	git_commit_free(c);
	return tag;
}

int sg_gate_rollback(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err)
{
	const char *reason = sg_push_option(ctx->push, "rollback");
	struct test_tags tags = { NULL, 0, 0, NULL };
	const char *tag = NULL;
	size_t before = r->errors;
	char hex[12];
	int held = 0;

	if (!sg_is_rollback_attempt(ctx, u))
		return 0;
	git_oid_tostr(hex, sizeof(hex), &u->new_commit);
	if (!sg_policy_in_groups(ctx->pol, ctx->pusher.login,
				      &u->env->rollback_groups))
		sg_report_add(r, SG_SEV_ERROR, "rollback.denied", u->ref,
			      &u->new_commit, "ask a member of the rollback "
			      "groups to roll back",
			      "'%s' may not roll back environment '%s'",
			      ctx->pusher.login, u->env->name);
	if ((!reason || !*reason) && !ctx->single_ref)
		sg_report_add(r, SG_SEV_ERROR, "rollback.no-reason", u->ref,
			      &u->new_commit, "push again with a reason: git "
			      "push --force -o rollback=\"why\" ...",
			      "moving %s back to %s is a rollback and needs a "
			      "reason", u->ref, hex);
	if (load_tags(ctx, &tags, err) < 0)
		goto fail;
	tag = carried_tag(ctx->push->repo, &tags, &u->new_commit);
	held = held_before(ctx, u->ref, &u->new_commit, err);
	if (held < 0)
		goto fail;
	if (!held || !tag)
		sg_report_add(r, SG_SEV_ERROR, "rollback.target", u->ref,
			      &u->new_commit, "roll back only to a tested "
			      "commit that this branch held before (see stagegate audit "
			      "list --ref)",
			      "%s %s; a rollback goes back to a test-tagged "
			      "commit %s held before", hex,
			      !held ? "was never held by this branch"
				    : "carries no test tag", u->ref);
	if (r->errors == before) {
		struct sg_ref_verdict *v = sg_gate_verdict(ctx, u, r);

		free(v->rollback_reason);
		free(v->tested_tag);
		v->rollback_reason = sg_strdup(reason ? reason : "");
		v->tested_tag = sg_strdup(tag);
		sg_report_add(r, SG_SEV_NOTE, "rollback", u->ref,
			      &u->new_commit, NULL, "rollback of %s to %s (%s) "
			      "by %s: %s", u->ref, hex, tag, ctx->pusher.login,
			      reason);
	}
	release_tags(&tags);
	return 0;
fail:
	release_tags(&tags);
	return SG_ERROR;
}

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
			      short_tag(u->ref));
		return 0;
	}
	if (u->kind == SG_UPDATE_MODIFY) {
		sg_report_add(r, SG_SEV_ERROR, "tag.move", u->ref,
			      u->has_new_commit ? &u->new_commit : NULL,
			      "let the pipeline create a new test tag for the "
			      "new commit",
			      "test tag %s may not be moved, by anyone",
			      short_tag(u->ref));
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
			      "commit", short_tag(u->ref));
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
			      short_tag(u->ref), pol->tag_env);
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

/* A test tag pushed in this very push for `id`, to explain a refusal. */
static const char *tag_in_push(struct sg_context *ctx, const git_oid *id)
{
	for (size_t i = 0; i < ctx->push->nr; i++) {
		const struct sg_update *o = &ctx->push->updates[i];

		if (o->kind == SG_UPDATE_CREATE && o->has_new_commit &&
		    git_oid_equal(&o->new_commit, id) &&
		    sg_ref_matches(ctx->pol->tag_pattern, o->ref))
			return short_tag(o->ref);
	}
	return NULL;
}

/*
 * The tagged parent whose tree equals `c`'s, or -1: `c` is then a
 * promotion (a merge, or an empty commit on top of the tested one) that
 * carries the tested artifact unchanged. *tagged_parent gets any tagged
 * parent, to tell a tree mismatch from an untagged commit.
 */
static int promotion_parent(git_commit *c, const struct test_tags *tags,
			    int *tagged_parent)
{
	unsigned n = git_commit_parentcount(c);

	*tagged_parent = -1;
	for (unsigned i = 0; i < n; i++) {
		git_commit *p = NULL;
		int same;

		if (!tag_of(tags, git_commit_parent_id(c, i)))
			continue;
		*tagged_parent = (int)i;
		if (git_commit_parent(&p, c, i) < 0)
			continue;
		same = git_oid_equal(git_commit_tree_id(p),
				     git_commit_tree_id(c));
		git_commit_free(p);
		if (same)
			return (int)i;
	}
	return -1;
}

/* Commits reachable from a tested commit, but not from `hide`. */
static int tested_closure(struct sg_context *ctx, const struct test_tags *tags,
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
			 const struct test_tags *tags, struct sg_report *r,
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
		promo = promotion_parent(c, tags, &tp) >= 0;
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
	struct test_tags tags = { NULL, 0, 0, NULL };
	git_commit *c = NULL;
	const char *tag, *same_push;
	int ret = 0, tp = -1, promo;
	char hex[12];

	if (!u->env || !u->env->require_tested ||
	    u->kind == SG_UPDATE_DELETE || !u->has_new_commit ||
	    sg_is_rollback_attempt(ctx, u) || sg_break_glass_lifts(u, v, "tested"))
		return 0;
	if (load_tags(ctx, &tags, err) < 0)
		goto fail;
	if (git_commit_lookup(&c, ctx->push->repo, &u->new_commit) < 0) {
		sg_git_error(err, "cannot read the new tip");
		goto fail;
	}
	git_oid_tostr(hex, sizeof(hex), &u->new_commit);
	tag = tag_of(&tags, &u->new_commit);
	promo = tag ? -1 : promotion_parent(c, &tags, &tp);
	if (promo >= 0)
		tag = tag_of(&tags, git_commit_parent_id(c, (unsigned)promo));
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
			      tag_of(&tags, git_commit_parent_id(c,
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
	release_tags(&tags);
	return ret;
fail:
	git_commit_free(c);
	release_tags(&tags);
	return SG_ERROR;
}
