/*
 * protect.c -- branch protection: who may push an environment, no
 * deletion, no force push, and no replace refs anywhere (replace
 * refs make git show a forged commit, approvals included).
 */
#include <string.h>

#include "buf.h"
#include "protect.h"
#include "error.h"
#include "banned.h"

static void pusher_denied(struct sg_context *ctx, const struct sg_update *u,
			  struct sg_report *r)
{
	struct sg_buf groups = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf fix = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	sg_strlist_join(&groups, &u->env->push);
	sg_buf_addf(&fix, "ask an admin to add '%s' to one of: %s; or push "
		    "your work to a branch you may push", ctx->pusher.login,
		    groups.buf);
	sg_report_add(r, SG_SEV_ERROR, "protect.pusher", u->ref,
		      u->has_new_commit ? &u->new_commit : NULL, fix.buf,
		      "'%s' (from %s) may not push to environment '%s'; "
		      "allowed groups: %s", ctx->pusher.login,
		      ctx->pusher.source, u->env->name, groups.buf);
	sg_buf_release(&groups);
	sg_buf_release(&fix);
}

/* Whether the alias or what it points to is governed by the policy. */
static int symref_gated(const struct sg_context *ctx,
			const struct sg_update *u)
{
	const char *names[] = { u->ref, u->symref_target };

	for (size_t i = 0; i < SG_ARRAY_SIZE(names); i++)
		if (sg_policy_env_for(ctx->pol, names[i]) ||
		    sg_ref_matches(ctx->pol->tag_pattern, names[i]) ||
		    !strncmp(names[i], "refs/replace/", 13) ||
		    strncmp(names[i], "refs/", 5))
			return 1;
	return 0;
}

int sg_gate_protect(struct sg_context *ctx, const struct sg_update *u,
		    struct sg_report *r, struct sg_buf *err)
{
	const struct sg_env *env = u->env;
	char old_hex[8], new_hex[8];

	(void)err;
	if (!strncmp(u->ref, "refs/replace/", 13)) {
		sg_report_add(r, SG_SEV_ERROR, "protect.replace", u->ref, NULL,
			      "push without refs/replace/*; use a new commit "
			      "instead of replacing one",
			      "replace refs are refused on this server: they "
			      "change what git shows for a commit, approvals "
			      "included");
		return 0;
	}
	if (u->symref_target && symref_gated(ctx, u)) {
		sg_report_add(r, SG_SEV_ERROR, "protect.symref", u->ref, NULL,
			      "push to the branch itself, not to its alias",
			      "%s is a symbolic ref to %s on this server: a push "
			      "to it would move %s without the gates of %s",
			      u->ref, u->symref_target, u->symref_target,
			      u->symref_target);
		return 0;
	}
	if (!env)
		return 0;
	if (!sg_policy_in_groups(ctx->pol, ctx->pusher.login, &env->push))
		pusher_denied(ctx, u, r);
	if (u->kind == SG_UPDATE_DELETE && !env->allow_delete)
		sg_report_add(r, SG_SEV_ERROR, "protect.delete", u->ref,
			      u->has_old_commit ? &u->old_commit : NULL,
			      "protected branches are never deleted; ask an "
			      "admin if this one really must go",
			      "deleting %s (environment '%s') is not allowed",
			      u->ref, env->name);
	if (u->kind == SG_UPDATE_MODIFY && !u->fast_forward &&
	    !env->allow_force_push && !sg_is_rollback_attempt(ctx, u)) {
		git_oid_tostr(old_hex, sizeof(old_hex), &u->old_id);
		git_oid_tostr(new_hex, sizeof(new_hex), &u->new_id);
		sg_report_add(r, SG_SEV_ERROR, "protect.force-push", u->ref,
			      &u->new_id, u->backwards && env->rollback_groups.nr
			      ? "fetch the branch, rebase or merge your work on "
				"top of it, and push again without --force; to "
				"roll back to a tested commit, a rollback group "
				"member pushes with -o rollback=\"reason\""
			      : "fetch the branch, rebase or merge your work on "
				"top of it, and push again without --force",
			      "force push to environment '%s' is not allowed: "
			      "the current tip %s is not an ancestor of %s",
			      env->name, old_hex, new_hex);
	}
	if (u->kind != SG_UPDATE_DELETE && !u->has_new_commit &&
	    !strncmp(u->ref, "refs/heads/", 11))
		sg_report_add(r, SG_SEV_ERROR, "protect.not-commit", u->ref,
			      NULL, "push a commit to this branch",
			      "the pushed object is not a commit");
	return 0;
}
