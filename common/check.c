/*
 * check.c -- run the gates. Each gate is one module; adding a gate is
 * one line in the table below.
 */
#include "buf.h"
#include "check.h"
#include "error.h"
#include "banned.h"

static const struct {
	const char *name;
	sg_gate_fn fn;
} gates[] = {
	{ "rollback", sg_gate_rollback },
	{ "protect", sg_gate_protect },
	{ "test-tags", sg_gate_test_tags },
	{ "approval", sg_gate_approval },
	{ "tested", sg_gate_tested },
};

int sg_check_push(struct sg_context *ctx, struct sg_report *r,
		  struct sg_buf *err)
{
	struct sg_push *push = ctx->push;

	for (size_t i = 0; i < push->nr; i++)
		for (size_t g = 0; g < SG_ARRAY_SIZE(gates); g++)
			if (gates[g].fn(ctx, &push->updates[i], r, err) < 0)
				return SG_ERROR;
	/* objects of the update hook's push already left quarantine */
	if (!ctx->single_ref && sg_gate_secrets(ctx, r, err) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < push->nr; i++)
		push->updates[i].rejected =
			sg_report_errors_for(r, push->updates[i].ref) > 0;
	return 0;
}
