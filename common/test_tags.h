/*
 * test_tags.h -- the test-tag gate (test_tags.c).
 */
#ifndef SG_TEST_TAGS_H
#define SG_TEST_TAGS_H

#include "gate.h"

/* The policy (section.h): the 'test_tags' section (which refs are test
 * tags, on which environment, who creates them, their trailers). */
struct sg_section;
struct sg_ynode;
int sg_test_tags_parse_section(struct sg_section *c,
			       const struct sg_ynode *n);

/* Test tags: created by the pipeline only, never moved or deleted. */
int sg_gate_test_tags(struct sg_context *ctx, const struct sg_update *u,
		      struct sg_report *r, struct sg_buf *err);

#endif
