/*
 * window.h -- change windows, freezes and break-glass (the window gate).
 */
#ifndef SG_WINDOW_H
#define SG_WINDOW_H

#include <time.h>

#include "clock.h"

struct sg_buf;
struct sg_env;

/* What the windows and freezes of an environment say about one moment. */
struct sg_window_state {
	int open;			/* in a window (or no windows) and no freeze */
	const struct sg_freeze *freeze;	/* the freeze `now` is in, or NULL */
	time_t next;			/* next opening; 0: none in the horizon */
	const char *next_zone;		/* the zone to show `next` in */
};

/*
 * Evaluate `env` at `now`. Changes TZ while it runs, so it must run
 * before the hook starts threads (the secret gate's workers), never
 * beside them; it restores TZ before returning.
 */
int sg_window_eval(struct sg_window_state *out, const struct sg_env *env,
		   time_t now, struct sg_buf *err);
/* `t` as "Tue 2026-12-08 09:00 CET (Europe/Paris), 08:00 UTC". */
void sg_window_format(struct sg_buf *out, time_t t, const char *zone);
/* The windows of `env` as "tue-thu 09:00-15:00 Europe/Paris; ...". */
void sg_window_describe(struct sg_buf *out, const struct sg_env *env);

/* The policy (section.h): the keys of an environment this module reads,
 * and its parser, a row of policy.c's env_sections. */
struct sg_section;
struct sg_ynode;
extern const char *const sg_window_keys[];
int sg_window_parse_env(struct sg_section *c, const struct sg_ynode *env_node,
			struct sg_env *env);

/* The gate (gate.h) */
struct sg_context;
struct sg_report;
struct sg_update;
struct sg_ref_verdict;
/* Change windows, freezes and break-glass. */
int sg_gate_window(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err);
/* Whether a break-glass of `u` (its verdict `v`, may be NULL) also lifts
 * `gate` (break_glass.lifts). */
int sg_break_glass_lifts(const struct sg_update *u,
			 const struct sg_ref_verdict *v, const char *gate);

#endif
