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
