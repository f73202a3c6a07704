/*
 * check.c -- run the gates. Each gate is one module; adding a gate is
 * one line in the table below.
 */
#include "buf.h"
#include "check.h"
#include "error.h"
#include "limits.h"
#include "banned.h"

static const struct {
	const char *name;
	sg_gate_fn fn;
} gates[] = {
	{ "rollback", sg_gate_rollback },
	{ "protect", sg_gate_protect },
	/* before approval and tested: break-glass may lift them */
	{ "window", sg_gate_window },
	{ "test-tags", sg_gate_test_tags },
	{ "approval", sg_gate_approval },
	{ "tested", sg_gate_tested },
	{ "solution", sg_gate_solution },
	{ "migration", sg_gate_migration },
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

struct sg_ref_verdict *sg_gate_verdict(const struct sg_context *ctx,
				   const struct sg_update *u,
				   struct sg_report *r)
{
	const struct sg_push *push = ctx->push;

	if (u < push->updates || u >= push->updates + push->nr)
		SG_BUG("update %p is not one of the push", (const void *)u);
	return sg_report_verdict(r, (size_t)(u - push->updates));
}

int sg_check_push(struct sg_context *ctx, struct sg_report *r,
		  struct sg_buf *err)
{
	struct sg_push *push = ctx->push;

	for (size_t i = 0; i < push->nr; i++) {
		if (push->updates[i].incomplete) {
			incomplete(&push->updates[i], r);
			continue;
		}
		for (size_t g = 0; g < SG_ARRAY_SIZE(gates); g++)
			if (gates[g].fn(ctx, &push->updates[i], r, err) < 0)
				return SG_ERROR;
	}
	/* objects of the update hook's push already left quarantine */
	if (!ctx->single_ref && sg_gate_secrets(ctx, r, err) < 0)
		return SG_ERROR;
	if (!ctx->single_ref && sg_gate_personal_data(ctx, r, err) < 0)
		return SG_ERROR;
	sg_report_merge_secrets(r);	/* one finding per distinct secret */
	for (size_t i = 0; i < push->nr; i++)
		sg_report_decide(r, i, push->updates[i].ref);
	return 0;
}
