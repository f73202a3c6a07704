/*
 * approval.c -- the approval gate: the new tip of a gated branch must
 * carry enough `Approved-by:` trailers from distinct members of the
 * approvers group, none of them the author, the committer or the
 * pusher (four eyes); plus any further required trailers.
 *
 * Approvals count only on the new tip: approvals on a commit followed
 * by more commits are stale, since they approved something else.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "approval.h"
#include "error.h"
#include "limits.h"
#include "regex.h"
#include "section.h"
#include "trailer.h"
#include "window.h"
#include "banned.h"

/* The address inside "Name <addr>", or the whole value; caller frees. */
static char *approver_email(const char *value)
{
	const char *lt = strrchr(value, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;

	if (lt && gt && gt > lt + 1)
		return sg_strndup(lt + 1, (size_t)(gt - lt - 1));
	return sg_strdup(value);
}

struct tally {
	struct sg_buf counted, refused;
	int count;
};

static void refuse(struct tally *t, const char *who, const char *why)
{
	sg_buf_addf(&t->refused, "%s%s (%s)", t->refused.len ? ", " : "",
		    who, why);
}

/* The members of `group` nobody has used yet, for the fix text. */
static void candidates(struct sg_buf *out, const struct sg_policy *pol,
		       const char *group, const struct sg_strlist *used)
{
	for (size_t i = 0; i < pol->users_nr; i++) {
		const struct sg_user *u = &pol->users[i];

		if (sg_strlist_has(&u->groups, group) &&
		    !sg_strlist_has(used, u->login))
			sg_buf_addf(out, "%s%s", out->len ? ", " : "",
				    u->login);
	}
}

/* Whether some line of `msg` starts with "key:" (case-insensitive). */
static int mentions_key(const char *msg, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = msg; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncasecmp(p, key, klen) && p[klen] == ':')
			return 1;
	}
	return 0;
}

/* A commit of the update, below the tip, that carries approvals. */
static int find_stale(struct sg_context *ctx, const struct sg_update *u,
		      const char *key, git_oid *out)
{
	for (size_t i = 0; i < u->commits_nr; i++) {
		struct sg_trailers t = SG_TRAILERS_INIT;
		git_commit *c = NULL;
		int found = 0;

		if (git_oid_equal(&u->commits[i], &u->new_commit) ||
		    git_commit_lookup(&c, ctx->push->repo, &u->commits[i]) < 0)
			continue;
		sg_trailers_parse(&t, git_commit_message_raw(c));
		found = sg_trailers_get(&t, key) != NULL;
		sg_trailers_release(&t);
		git_commit_free(c);
		if (found) {
			git_oid_cpy(out, &u->commits[i]);
			return 1;
		}
	}
	return 0;
}

static void count_approvals(struct sg_context *ctx, const struct sg_update *u,
			    struct sg_ref_verdict *v, const struct sg_trailers *t,
			    git_commit *c, struct tally *tally,
			    struct sg_report *r)
{
	const struct sg_env *env = u->env;
	const struct sg_policy *pol = ctx->pol;
	const struct sg_user *author = sg_policy_user_by_email(pol,
					git_commit_author(c)->email);
	const struct sg_user *committer = sg_policy_user_by_email(pol,
					git_commit_committer(c)->email);
	const struct sg_user *pusher = sg_policy_user(pol, ctx->pusher.login);

	for (size_t i = 0; i < t->nr; i++) {
		const char *val = t->v[i].value;
		char *email;
		const struct sg_user *who;

		if (strcasecmp(t->v[i].key, env->approvals_key))
			continue;
		email = approver_email(val);
		who = sg_policy_user_by_email(pol, email);
		if (!who)
			who = sg_policy_user(pol, email);	/* a bare login */
		if (!who) {
			refuse(tally, email, "unknown user");
			sg_report_add(r, SG_SEV_ERROR, "approval.unknown-user",
				      u->ref, &u->new_commit,
				      "approvals must come from users the "
				      "policy knows, by their registered "
				      "e-mail address",
				      "'%s: %s' names no user of the policy",
				      t->v[i].key, val);
		} else if (who == author || who == committer ||
			   who == pusher ||
			   !strcasecmp(email, git_commit_author(c)->email) ||
			   !strcasecmp(email, git_commit_committer(c)->email)) {
			const char *role =
				who == author || !strcasecmp(email,
					git_commit_author(c)->email)
				? "the author" : who == pusher ? "the pusher"
				: "the committer";

			refuse(tally, who->login, role);
			sg_report_add(r, SG_SEV_ERROR, "approval.self", u->ref,
				      &u->new_commit,
				      "approvals must come from someone other "
				      "than the author, the committer and the "
				      "pusher (four eyes)",
				      "'%s' approved their own promotion (%s)",
				      who->login, role);
		} else if (!sg_strlist_has(&who->groups,
					   env->approvals_group)) {
			refuse(tally, who->login, "not in group");
			sg_report_add(r, SG_SEV_ERROR, "approval.not-in-group",
				      u->ref, &u->new_commit,
				      "ask a member of the approvers group "
				      "instead",
				      "'%s' approved but is not in group '%s'",
				      who->login, env->approvals_group);
		} else if (sg_strlist_has(&v->approvers, who->login)) {
			refuse(tally, who->login, "duplicate");
		} else {
			sg_strlist_add(&v->approvers, who->login);
			sg_buf_addf(&tally->counted, "%s%s",
				    tally->counted.len ? ", " : "", who->login);
			tally->count++;
		}
		free(email);
	}
}

static void report_missing(struct sg_context *ctx, const struct sg_update *u,
			   const struct sg_ref_verdict *v,
			   const struct tally *tally, const char *msg,
			   struct sg_report *r)
{
	const struct sg_env *env = u->env;
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf fix = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf who = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	git_oid stale;
	char hex[12];

	sg_buf_addf(&why, "%d of %d approvals from group '%s' on the new tip; "
		    "counted: %s", tally->count, env->approvals_min,
		    env->approvals_group,
		    tally->count ? tally->counted.buf : "none");
	if (tally->refused.len)
		sg_buf_addf(&why, "; not counted: %s", tally->refused.buf);
	if (find_stale(ctx, u, env->approvals_key, &stale)) {
		git_oid_tostr(hex, sizeof(hex), &stale);
		sg_buf_addf(&why, "; approvals on %s are stale: commits follow "
			    "it, and approvals count only on the new tip",
			    hex);
	} else if (!tally->count && !tally->refused.len &&
		   mentions_key(msg, env->approvals_key)) {
		sg_buf_addf(&why, "; '%s:' lines were found outside the "
			    "trailer block (the last paragraph of the "
			    "message, after a blank line)",
			    env->approvals_key);
	}
	candidates(&who, ctx->pol, env->approvals_group, &v->approvers);
	sg_buf_addf(&fix, "get %d more approval(s) from %s and add them to "
		    "the promotion commit: git commit --amend --trailer "
		    "\"%s: Name <email>\" (or make a promotion merge whose "
		    "message carries them)",
		    env->approvals_min - tally->count,
		    who.len ? who.buf : "group members", env->approvals_key);
	sg_report_add(r, SG_SEV_ERROR, "approval.missing", u->ref,
		      &u->new_commit, fix.buf, "%s", why.buf);
	sg_buf_release(&why);
	sg_buf_release(&fix);
	sg_buf_release(&who);
}

/*
 * What the audit report shows of a promotion: its ticket and rollback
 * plan, and the earliest author time of what it brings (lead time).
 */
static void note_promotion(struct sg_context *ctx, const struct sg_update *u,
			   struct sg_ref_verdict *v, const struct sg_trailers *t)
{
	const char *ticket = sg_trailers_get(t, "Ticket");
	const char *plan = sg_trailers_get(t, "Rollback");

	free(v->ticket);
	free(v->rollback_plan);
	v->ticket = ticket ? sg_strdup(ticket) : NULL;
	v->rollback_plan = plan ? sg_strdup(plan) : NULL;
	v->first_commit_time = 0;
	for (size_t i = 0; i < u->commits_nr; i++) {
		git_commit *c;
		git_time_t when;

		if (git_commit_lookup(&c, ctx->push->repo, &u->commits[i]) < 0)
			continue;
		when = git_commit_author(c)->when.time;
		if (!v->first_commit_time || when < v->first_commit_time)
			v->first_commit_time = when;
		git_commit_free(c);
	}
}

int sg_gate_approval(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err)
{
	const struct sg_env *env = u->env;
	struct sg_ref_verdict *v = sg_gate_verdict(ctx, u, r);
	struct tally tally = { SG_BUF_INIT(SG_BUF_TEXT_MAX),
			       SG_BUF_INIT(SG_BUF_TEXT_MAX), 0 };
	struct sg_trailers t = SG_TRAILERS_INIT;
	git_commit *c = NULL;
	const char *msg;
	int ret = 0;

	if (!env || u->kind == SG_UPDATE_DELETE || !u->has_new_commit ||
	    sg_is_rollback_attempt(ctx, u) ||
	    sg_break_glass_lifts(u, v, "approvals"))
		return 0;
	if (env->approvals_min == 0 && env->required_trailers.nr == 0)
		return 0;
	if (git_commit_lookup(&c, ctx->push->repo, &u->new_commit) < 0)
		return sg_git_error(err, "cannot read the new tip");
	msg = git_commit_message_raw(c);
	if (strlen(msg) > SG_MAX_MESSAGE_BYTES) {
		git_commit_free(c);
		return sg_error(err, SG_ELIMIT, "the message of the new tip of "
				"'%s' is longer than %d bytes", u->ref,
				SG_MAX_MESSAGE_BYTES);
	}
	sg_trailers_parse(&t, msg);
	note_promotion(ctx, u, v, &t);
	if (env->approvals_min > 0) {
		count_approvals(ctx, u, v, &t, c, &tally, r);
		if (tally.count < env->approvals_min)
			report_missing(ctx, u, v, &tally, msg, r);
	}
	if (env->required_trailers.nr)
		ret = sg_check_trailers(&env->required_trailers, msg, u->ref,
					&u->new_commit, "the promotion commit",
					r, err);
	sg_trailers_release(&t);
	sg_buf_release(&tally.counted);
	sg_buf_release(&tally.refused);
	git_commit_free(c);
	return ret;
}

/*
 * The policy: an environment's 'approvals' and 'required_trailers' (a
 * row of policy.c's env_sections).
 */
const char *const sg_approval_keys[] = {
	"approvals", "required_trailers", NULL
};

static int load_approvals(struct sg_section *c, const struct sg_ynode *n,
			  struct sg_env *env)
{
	static const char *const keys[] = { "min", "key", "group", NULL };
	const struct sg_ynode *v;
	long min = 0;

	if (sg_section_keys(c, n, keys, "approvals") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "min");
	if (!v)
		return sg_section_fail(c, n, "'approvals' needs 'min'");
	if (sg_section_int(c, v, "min", 0, 50, &min) < 0)
		return SG_ERROR;
	env->approvals_min = (int)min;
	v = sg_yaml_get(n, "key");
	if (v && (sg_section_string(c, v, "key", &env->approvals_key) < 0 ||
		  sg_section_trailer_key(c, v, env->approvals_key) < 0))
		return SG_ERROR;
	v = sg_yaml_get(n, "group");
	if (!v)
		return sg_section_fail(c, n, "'approvals' needs 'group'");
	if (sg_section_string(c, v, "group", &env->approvals_group) < 0)
		return SG_ERROR;
	if (!sg_section_group_declared(c->pol, env->approvals_group))
		return sg_section_fail(c, v, "unknown group '%s'",
				       env->approvals_group);
	return 0;
}

int sg_approval_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env)
{
	const struct sg_ynode *v;

	env->approvals_key = sg_strdup("Approved-by");
	v = sg_yaml_get(env_node, "approvals");
	if (v && load_approvals(c, v, env) < 0)
		return SG_ERROR;
	v = sg_yaml_get(env_node, "required_trailers");
	if (v && sg_section_trailer_rules(c, v, "required_trailers",
					  &env->required_trailers) < 0)
		return SG_ERROR;
	return 0;
}
