/*
 * window.h -- change windows, freezes and break-glass (the window gate),
 * and the push's clock.
 */
#ifndef SG_WINDOW_H
#define SG_WINDOW_H

#include <time.h>

struct sg_buf;
struct sg_env;

/* Where the system's tz database lives; TZDIR is not honoured. */
#define SG_ZONEINFO_DIR "/usr/share/zoneinfo"

/*
 * The push's clock (UTC seconds), read once when the hook starts. Test
 * builds (-DSG_TEST_CLOCK: VARIANT=test and asan) take it from
 * STAGEGATE_TEST_NOW ("2026-12-08T10:00:00Z") when set; release builds
 * have no such code, so a pusher cannot move it.
 */
time_t sg_clock_now(void);
/* Whether this build honours STAGEGATE_TEST_NOW. */
int sg_clock_is_settable(void);

/* 0 if `zone` names a zone of the tz database; else < 0, reason in why. */
int sg_tz_check(const char *zone, struct sg_buf *why);
/* "mon", "tue-thu" into weekday bits (tm_wday); < 0 if not one. */
int sg_window_parse_days(unsigned *out, const char *s);
/* "09:00-15:00" into minutes; < 0 with the reason in why. */
int sg_window_parse_range(int *start, int *end, const char *s,
			  struct sg_buf *why);
/* "2026-12-21" into year, month, day; < 0 if not a real date. */
int sg_window_parse_date(int out[3], const char *s);
/* Compare two parsed dates like strcmp. */
int sg_window_date_cmp(const int a[3], const int b[3]);

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

/* The gate (see gate.h) */
struct sg_buf;
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
