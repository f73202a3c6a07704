/*
 * rollback.h -- the rollback gate (rollback.c).
 */
#ifndef SG_ROLLBACK_H
#define SG_ROLLBACK_H

#include "gate.h"

/* A backwards move of a protected ref asked for with -o rollback=. */
int sg_gate_rollback(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);

#endif
