/*
 * gate.c -- what more than one gate needs: the verdict of an update,
 * whether an update asks for a rollback, and required trailers (of a
 * promotion commit, of a test tag). Gates depend on this module, never
 * on each other.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "error.h"
#include "gate.h"
#include "limits.h"
#include "regex.h"
#include "trailer.h"
#include "banned.h"

struct sg_ref_verdict *sg_gate_verdict(const struct sg_context *ctx,
				   const struct sg_update *u,
				   struct sg_report *r)
{
	const struct sg_push *push = ctx->push;

	if (u < push->updates || u >= push->updates + push->nr)
		SG_BUG("update %p is not one of the push", (const void *)u);
	return sg_report_verdict(r, (size_t)(u - push->updates));
}

struct base_search {
	const struct sg_context *ctx;
	const struct sg_update *u;
	char *best;			/* first other ref of the env by name */
	git_oid oid;
};

static int on_ref_name(const char *name, void *payload)
{
	struct base_search *s = payload;
	git_reference *ref = NULL;
	git_object *commit = NULL;

	if (!strcmp(name, s->u->ref) ||
	    sg_policy_env_for(s->ctx->pol, name) != s->u->env ||
	    (s->best && strcmp(name, s->best) >= 0))
		return 0;
	/* a ref that names no commit (a tag of a tree) sets no base */
	if (git_reference_lookup(&ref, s->ctx->push->repo, name) == 0 &&
	    git_reference_peel(&commit, ref, GIT_OBJECT_COMMIT) == 0) {
		free(s->best);
		s->best = sg_strdup(name);
		git_oid_cpy(&s->oid, git_object_id(commit));
	}
	git_object_free(commit);
	git_reference_free(ref);
	return 0;
}

int sg_gate_base(const struct sg_context *ctx, const struct sg_update *u,
		 git_oid *base, char **base_ref, struct sg_buf *err)
{
	struct base_search s = { ctx, u, NULL, { { 0 } } };

	*base_ref = NULL;
	if (u->kind == SG_UPDATE_MODIFY && u->has_old_commit) {
		git_oid_cpy(base, &u->old_commit);
		*base_ref = sg_strdup(u->ref);
		return 1;
	}
	if (u->kind != SG_UPDATE_CREATE || !u->env)
		return 0;
	if (git_reference_foreach_name(ctx->push->repo, on_ref_name, &s) < 0) {
		free(s.best);
		return sg_git_error(err, "cannot list the server's refs");
	}
	if (!s.best)
		return 0;
	git_oid_cpy(base, &s.oid);
	*base_ref = s.best;
	return 1;
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

static void check_required(const struct sg_trailer_rules *rules,
			   const struct sg_trailers *t, const char *ref,
			   const git_oid *at, const char *what,
			   struct sg_report *r, int *failed)
{
	for (size_t i = 0; i < rules->nr; i++) {
		const struct sg_trailer_rule *rule = &rules->v[i];
		struct sg_buf fix = SG_BUF_INIT(SG_BUF_TEXT_MAX);
		int seen = 0, ok = 0;

		for (size_t j = 0; j < t->nr && !ok; j++) {
			const char *v = t->v[j].value;
			int m;

			if (strcasecmp(t->v[j].key, rule->key))
				continue;
			seen = 1;
			m = sg_regex_match(rule->re, v, strlen(v), NULL, NULL,
					   NULL);
			if (m < 0)
				*failed = 1;
			ok = m == 1;
		}
		sg_buf_addf(&fix, "add a trailer '%s: ...' matching %s to %s",
			    rule->key, sg_regex_source(rule->re), what);
		if (!seen)
			sg_report_add(r, SG_SEV_ERROR, "trailer.missing", ref, at,
				      fix.buf, "required trailer '%s' is "
				      "missing", rule->key);
		else if (!ok)
			sg_report_add(r, SG_SEV_ERROR, "trailer.pattern", ref,
				      at, fix.buf, "trailer '%s' does not "
				      "match %s", rule->key,
				      sg_regex_source(rule->re));
		sg_buf_release(&fix);
	}
}

int sg_check_trailers(const struct sg_trailer_rules *rules, const char *msg,
		      const char *ref, const git_oid *at, const char *what,
		      struct sg_report *r, struct sg_buf *err)
{
	struct sg_trailers t = SG_TRAILERS_INIT;
	int failed = 0;

	sg_trailers_parse(&t, msg);
	check_required(rules, &t, ref, at, what, r, &failed);
	sg_trailers_release(&t);
	if (failed)
		return sg_error(err, SG_ELIMIT, "a required-trailer pattern "
				"hit its match limit on '%s'", ref);
	return 0;
}
