/*
 * tested.h -- the tested gate (tested.c).
 */
#ifndef SG_TESTED_H
#define SG_TESTED_H

#include "gate.h"

/* The policy (section.h): an environment's 'tested'. */
struct sg_section;
struct sg_ynode;
extern const char *const sg_tested_keys[];
int sg_tested_parse_env(struct sg_section *c, const struct sg_ynode *env_node,
			struct sg_env *env);

/* An environment with require_tested takes only test-tagged commits. */
int sg_gate_tested(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err);

#endif
