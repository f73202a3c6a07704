/*
 * rollback.c -- the rollback gate: moving a protected ref back is
 * allowed only when asked for (-o rollback="why"), by a member of the
 * environment's rollback groups, to a tested commit the ref held before
 * (the audit log says so). Rule ids: rollback.denied, rollback.no-reason,
 * rollback.target; an accepted rollback is a "rollback" note and puts
 * its reason and tag in the verdict.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "error.h"
#include "rollback.h"
#include "section.h"
#include "tags.h"
#include "tips.h"
#include "banned.h"

/*
 * Whether `ref` really pointed at `target` before: the audit log says so
 * (first-parent history alone is what a pusher wrote, not what prod held).
 * The log is where the hooks write it (sg_audit_log_path): an absolute
 * audit.path as it is, and then it may be shared, so only this
 * repository's records count, named by its canonical path as there.
 */
static int held_before(struct sg_context *ctx, const char *ref,
		       const git_oid *target, struct sg_buf *err)
{
	const char *path = ctx->pol->audit_path;
	struct sg_buf log = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	char repo[PATH_MAX];
	int ret;

	sg_audit_log_path(&log, ctx->push->gitdir, path);
	if (path[0] != '/') {
		ret = sg_tips_was_tip(log.buf, NULL, ref, target, err);
	} else if (!realpath(ctx->push->gitdir, repo)) {
		/* fail closed: no identity, no way to tell our records */
		ret = sg_error(err, SG_ERROR, "cannot resolve the repository "
			       "'%s': %s", ctx->push->gitdir, strerror(errno));
	} else {
		ret = sg_tips_was_tip(log.buf, repo, ref, target, err);
	}
	sg_buf_release(&log);
	return ret;
}

int sg_gate_rollback(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err)
{
	const char *reason = sg_push_option(ctx->push, "rollback");
	struct sg_tags tags = SG_TAGS_INIT;
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
	if (sg_tags_load(&tags, ctx, err) < 0)
		goto fail;
	tag = sg_tags_carried(ctx->push->repo, &tags, &u->new_commit);
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
	sg_tags_release(&tags);
	return 0;
fail:
	sg_tags_release(&tags);
	return SG_ERROR;
}

/* The policy: an environment's 'rollback' (a row of env_sections). */
const char *const sg_rollback_keys[] = { "rollback", NULL };

int sg_rollback_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env)
{
	static const char *const keys[] = { "groups", NULL };
	const struct sg_ynode *v = sg_yaml_get(env_node, "rollback"), *g;

	if (!v)
		return 0;
	if (sg_section_keys(c, v, keys, "rollback") < 0)
		return SG_ERROR;
	g = sg_yaml_get(v, "groups");
	if (!g)
		return sg_section_fail(c, v, "'rollback' needs 'groups'");
	return sg_section_groups(c, g, "groups", &env->rollback_groups);
}
