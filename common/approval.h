/*
 * approval.h -- the approval gate (approval.c).
 */
#ifndef SG_APPROVAL_H
#define SG_APPROVAL_H

#include "gate.h"

/* Enough four-eyes approvals (and required trailers) on the new tip. */
int sg_gate_approval(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);

#endif
