/*
 * check.h -- the engine: run every gate on every ref update of a push
 * and collect all their findings, so the maker sees them at once.
 */
#ifndef SG_CHECK_H
#define SG_CHECK_H

#include <time.h>

#include "identity.h"
#include "policy.h"
#include "push.h"
#include "report.h"

struct sg_context {
	const struct sg_policy *pol;
	struct sg_push *push;
	struct sg_pusher pusher;
	/* the policy's folder, for files it names (secrets.yaml) */
	const char *policy_dir;
	/* 1 in the update hook: per-ref re-check, no push-wide gates */
	int single_ref;
	/* the push's clock (UTC), read once when the hook started */
	time_t now;
};

/* A gate looks at one update and adds findings; < 0 only on errors. */
typedef int (*sg_gate_fn)(struct sg_context *ctx, const struct sg_update *u,
			  struct sg_report *r, struct sg_buf *err);

/*
 * The verdict of `u` (an update of ctx->push) in `r`: the only place a
 * gate writes what it decided besides findings.
 */
struct sg_ref_verdict *sg_gate_verdict(const struct sg_context *ctx,
				   const struct sg_update *u,
				   struct sg_report *r);

/* Run all gates; decides each update's verdict (`rejected`). */
int sg_check_push(struct sg_context *ctx, struct sg_report *r,
		  struct sg_buf *err);

/* The gates, in the order they run (each in its own module). */
int sg_gate_rollback(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);
int sg_gate_protect(struct sg_context *ctx, const struct sg_update *u,
		    struct sg_report *r, struct sg_buf *err);
int sg_gate_approval(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);
int sg_gate_tested(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err);
int sg_gate_test_tags(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err);
/* Destructive schema changes need a migration plan (migration.c). */
int sg_gate_migration(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err);

/* Change windows, freezes and break-glass (window.c). */
int sg_gate_window(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err);
/* Versions of solutions only move forward (solution.c). */
int sg_gate_solution(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);
/* Whether a break-glass of `u` (its verdict `v`, may be NULL) also lifts
 * `gate` (break_glass.lifts). */
int sg_break_glass_lifts(const struct sg_update *u,
			 const struct sg_ref_verdict *v, const char *gate);

/*
 * Check the required trailers `rules` against `msg`: trailer.missing and
 * trailer.pattern findings for `ref` at commit `at`; `what` names the
 * commit or tag in the fix text.
 */
int sg_check_trailers(const struct sg_trailer_rules *rules, const char *msg,
		      const char *ref, const git_oid *at, const char *what,
		      struct sg_report *r, struct sg_buf *err);

/* The push-wide secret gate (not run by the update hook). */
int sg_gate_secrets(struct sg_context *ctx, struct sg_report *r,
		    struct sg_buf *err);

/* The push-wide personal-data gate (pii.c; not run by the update hook). */
int sg_gate_personal_data(struct sg_context *ctx, struct sg_report *r,
			  struct sg_buf *err);

/* Whether `u` moves a protected ref backwards or asks for a rollback. */
int sg_is_rollback_attempt(const struct sg_context *ctx,
			   const struct sg_update *u);

#endif
