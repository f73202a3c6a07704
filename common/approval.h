/*
 * approval.h -- the approval gate (approval.c).
 */
#ifndef SG_APPROVAL_H
#define SG_APPROVAL_H

#include "gate.h"

/* The policy (section.h): the keys of an environment this gate reads. */
struct sg_section;
struct sg_ynode;
extern const char *const sg_approval_keys[];
int sg_approval_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env);

/* Enough four-eyes approvals (and required trailers) on the new tip. */
int sg_gate_approval(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);

#endif
