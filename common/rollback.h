/*
 * rollback.h -- the rollback gate (rollback.c).
 */
#ifndef SG_ROLLBACK_H
#define SG_ROLLBACK_H

#include "gate.h"

/* The policy (section.h): an environment's 'rollback' (who may). */
struct sg_section;
struct sg_ynode;
extern const char *const sg_rollback_keys[];
int sg_rollback_parse_env(struct sg_section *c,
			  const struct sg_ynode *env_node, struct sg_env *env);

/* A backwards move of a protected ref asked for with -o rollback=. */
int sg_gate_rollback(struct sg_context *ctx, const struct sg_update *u,
		     struct sg_report *r, struct sg_buf *err);

#endif
