/*
 * check.c -- run the gates. Each gate is one module (its .c and .h);
 * the table below is the only list of them, so adding a gate is one
 * module and one row.
 */
#include "approval.h"
#include "buf.h"
#include "check.h"
#include "error.h"
#include "limits.h"
#include "migration.h"
#include "pii.h"
#include "protect.h"
#include "rollback.h"
#include "secret.h"
#include "solution.h"
#include "test_tags.h"
#include "tested.h"
#include "window.h"
#include "banned.h"

/*
 * In the order they run. A gate looks at each update (`update`) or at
 * the whole push at once (`push`: after every update gate, and not in
 * the update hook, whose objects already left quarantine).
 */
static const struct {
	const char *name;
	sg_gate_fn update;
	sg_push_gate_fn push;
} gates[] = {
	{ "rollback", sg_gate_rollback, NULL },
	{ "protect", sg_gate_protect, NULL },
	/* before approval and tested: break-glass may lift them */
	{ "window", sg_gate_window, NULL },
	{ "test-tags", sg_gate_test_tags, NULL },
	/* before migration: a data owner's approval counts there */
	{ "approval", sg_gate_approval, NULL },
	/* before solution: it checks the tested tag's version */
	{ "tested", sg_gate_tested, NULL },
	{ "solution", sg_gate_solution, NULL },
	{ "migration", sg_gate_migration, NULL },
	{ "secrets", NULL, sg_gate_secrets },
	{ "personal-data", NULL, sg_gate_personal_data },
};

/*
 * An object of the update is neither in the push nor on the server: git
 * itself refuses such a push (a shallow clone, a broken client), so say
 * that rather than "internal error".
 */
static void incomplete(const struct sg_update *u, struct sg_report *r)
{
	char hex[SG_OID_SHOWN + 1] = "";

	if (!git_oid_is_zero(&u->missing))
		git_oid_tostr(hex, sizeof(hex), &u->missing);
	sg_report_add(r, SG_SEV_ERROR, "push.incomplete", u->ref, NULL,
		      "fetch the whole history (git fetch --unshallow) and "
		      "push again",
		      "the push lacks %s%s that the new tip of %s needs, and "
		      "the server does not have it either",
		      *hex ? "object " : "a parent commit", hex, u->ref);
}

/* The pusher's old value is not the ref's: git would refuse it too. */
static void stale(const struct sg_update *u, struct sg_report *r)
{
	sg_report_add(r, SG_SEV_ERROR, "push.stale", u->ref, NULL,
		      "fetch and push again",
		      "the push says %s is at another commit than the one "
		      "the server holds", u->ref);
}

int sg_check_push(struct sg_context *ctx, struct sg_report *r,
		  struct sg_buf *err)
{
	struct sg_push *push = ctx->push;

	for (size_t i = 0; i < push->nr; i++) {
		/* refused, and still gated: the findings say what else is wrong */
		if (push->updates[i].stale)
			stale(&push->updates[i], r);
		if (push->updates[i].incomplete) {
			incomplete(&push->updates[i], r);
			continue;
		}
		for (size_t g = 0; g < SG_ARRAY_SIZE(gates); g++)
			if (gates[g].update &&
			    gates[g].update(ctx, &push->updates[i], r, err) < 0)
				return SG_ERROR;
	}
	/* objects of the update hook's push already left quarantine */
	for (size_t g = 0; g < SG_ARRAY_SIZE(gates) && !ctx->single_ref; g++)
		if (gates[g].push && gates[g].push(ctx, r, err) < 0)
			return SG_ERROR;
	sg_report_merge_secrets(r);	/* one finding per distinct secret */
	for (size_t i = 0; i < push->nr; i++)
		sg_report_decide(r, i, push->updates[i].ref);
	return 0;
}
