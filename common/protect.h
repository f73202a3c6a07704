/*
 * protect.h -- the protection gate (protect.c).
 */
#ifndef SG_PROTECT_H
#define SG_PROTECT_H

#include "gate.h"

/* Who may push an environment; no deletion, force push, replace refs. */
int sg_gate_protect(struct sg_context *ctx, const struct sg_update *u,
		    struct sg_report *r, struct sg_buf *err);

#endif
