/*
 * tested.h -- the tested gate (tested.c).
 */
#ifndef SG_TESTED_H
#define SG_TESTED_H

#include "gate.h"

/* An environment with require_tested takes only test-tagged commits. */
int sg_gate_tested(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err);

#endif
