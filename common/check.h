/*
 * check.h -- the engine: run every gate on every ref update of a push
 * and collect all their findings, so the maker sees them at once. The
 * gates themselves are listed once, in check.c's table.
 */
#ifndef SG_CHECK_H
#define SG_CHECK_H

#include "gate.h"

/* Run all gates; decides each update's verdict (`rejected`). */
int sg_check_push(struct sg_context *ctx, struct sg_report *r,
		  struct sg_buf *err);

#endif
