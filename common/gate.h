/*
 * gate.h -- what every gate is given and how it answers: the context of
 * the push, the gate's signature, the verdict it may write, and the few
 * checks more than one gate makes (a rollback request, required
 * trailers). Each gate is one module with its own header; check.c holds
 * the table of gates.
 */
#ifndef SG_GATE_H
#define SG_GATE_H

#include <time.h>

#include "identity.h"
#include "policy.h"
#include "push.h"
#include "report.h"

struct sg_buf;

struct sg_context {
	const struct sg_policy *pol;
	/* NEEDSWORK: not const while the push-wide gates set in_scope */
	struct sg_push *push;
	struct sg_pusher pusher;
	/* the policy's folder, for files it names (secrets.yaml) */
	const char *policy_dir;
	/* 1 in the update hook: per-ref re-check, no push-wide gates */
	int single_ref;
	/* the push's clock (UTC), read once when the hook started */
	time_t now;
};

/*
 * A gate looks at one update and adds findings (and verdict fields)
 * to `r`; it returns < 0 only on errors, with the reason in `err`.
 */
typedef int (*sg_gate_fn)(struct sg_context *ctx, const struct sg_update *u,
			  struct sg_report *r, struct sg_buf *err);
/* A push-wide gate looks at every update at once (secrets, data). */
typedef int (*sg_push_gate_fn)(struct sg_context *ctx, struct sg_report *r,
			       struct sg_buf *err);

/*
 * The verdict of `u` (an update of ctx->push) in `r`: the only place a
 * gate writes what it decided besides findings.
 */
struct sg_ref_verdict *sg_gate_verdict(const struct sg_context *ctx,
				       const struct sg_update *u,
				       struct sg_report *r);

/* Whether `u` moves a protected ref backwards and asks for a rollback
 * (the rollback gate then judges it; other gates stand aside). */
int sg_is_rollback_attempt(const struct sg_context *ctx,
			   const struct sg_update *u);

/*
 * Check the required trailers `rules` against `msg`: trailer.missing and
 * trailer.pattern findings for `ref` at commit `at`; `what` names the
 * commit or tag in the fix text.
 */
int sg_check_trailers(const struct sg_trailer_rules *rules, const char *msg,
		      const char *ref, const git_oid *at, const char *what,
		      struct sg_report *r, struct sg_buf *err);

#endif
