/*
 * window.c -- the window gate: a gated ref moves only inside one of its
 * environment's change windows and outside its freezes, unless a member
 * of the break-glass groups pushes with -o break-glass="INC... reason".
 *
 * Time: one clock per push (ctx->now, UTC, read when the hook started).
 * Windows and freezes are turned into UTC spans once per evaluation,
 * with the tz database through TZ=":/usr/share/zoneinfo/ZONE" and
 * mktime/localtime_r; TZ is a process-wide setting, so this runs under
 * a lock, only in the main thread before the secret gate starts its
 * workers, and puts TZ back before returning. TZDIR is not honoured: the
 * zone file is always read from SG_ZONEINFO_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "gate.h"
#include "error.h"
#include "limits.h"
#include "regex.h"
#include "section.h"
#include "window.h"
#include "banned.h"

/* TZ is process-wide: one user at a time, and put back afterwards. */
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

struct tz_saved {
	char *old;
	const char *current;
};

static void tz_enter(struct tz_saved *s)
{
	const char *old;

	pthread_mutex_lock(&tz_lock);
	old = getenv("TZ");
	s->old = old ? sg_strdup(old) : NULL;
	s->current = NULL;
}

static void tz_use(struct tz_saved *s, const char *zone)
{
	struct sg_buf tz = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	if (s->current == zone)
		return;
	/* a full path: glibc then ignores TZDIR */
	sg_buf_addf(&tz, ":%s/%s", SG_ZONEINFO_DIR, zone);
	setenv("TZ", tz.buf, 1);
	tzset();
	s->current = zone;
	sg_buf_release(&tz);
}

static void tz_leave(struct tz_saved *s)
{
	if (s->old)
		setenv("TZ", s->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->old);
	pthread_mutex_unlock(&tz_lock);
}

/* The local time y-m-d (day may overflow) plus `minutes`, in the TZ set. */
static time_t local_time(int y, int m, int d, int minutes, struct tm *tm_out)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minutes / 60;
	tm.tm_min = minutes % 60;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (tm_out)
		*tm_out = tm;
	return t;
}

struct span {
	time_t from, to;		/* [from, to) */
	const char *zone;
	const struct sg_freeze *freeze;
};

struct spans {
	struct span *v;
	size_t nr, alloc;
};

static void add_span(struct spans *s, time_t from, time_t to,
		     const char *zone, const struct sg_freeze *f)
{
	SG_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	s->v[s->nr].from = from;
	s->v[s->nr].to = to;
	s->v[s->nr].zone = zone;
	s->v[s->nr].freeze = f;
	s->nr++;
}

/* Occurrences of `w` from the day before `now` to a year after. */
static void window_spans(struct spans *out, struct tz_saved *tz,
			 const struct sg_window *w, time_t now)
{
	struct tm today, day;

	tz_use(tz, w->zone);
	localtime_r(&now, &today);
	for (int k = -1; k <= SG_WINDOW_HORIZON_DAYS; k++) {
		/* noon: a day that exists whatever the DST change */
		local_time(today.tm_year + 1900, today.tm_mon + 1,
			   today.tm_mday + k, 12 * 60, &day);
		if (!(w->days & (1u << day.tm_wday)))
			continue;
		add_span(out, local_time(day.tm_year + 1900, day.tm_mon + 1,
					 day.tm_mday, w->start, NULL),
			 local_time(day.tm_year + 1900, day.tm_mon + 1,
				    day.tm_mday, w->end, NULL), w->zone, NULL);
	}
}

static void freeze_spans(struct spans *out, struct tz_saved *tz,
			 const struct sg_env *env)
{
	for (size_t i = 0; i < env->freezes_nr; i++) {
		const struct sg_freeze *f = &env->freezes[i];

		tz_use(tz, f->zone);
		add_span(out, local_time(f->from[0], f->from[1], f->from[2], 0,
					 NULL),
			 local_time(f->to[0], f->to[1], f->to[2] + 1, 0, NULL),
			 f->zone, f);
	}
}

static const struct span *span_at(const struct spans *s, time_t t)
{
	for (size_t i = 0; i < s->nr; i++)
		if (s->v[i].from <= t && t < s->v[i].to)
			return &s->v[i];
	return NULL;
}

static int open_at(const struct sg_env *env, const struct spans *win,
		   const struct spans *frz, time_t t)
{
	return (!env->windows_nr || span_at(win, t)) && !span_at(frz, t);
}

/* The earliest moment after `now` when `env` is open. */
static void next_opening(struct sg_window_state *st, const struct sg_env *env,
			 const struct spans *win, const struct spans *frz,
			 time_t now)
{
	const struct spans *lists[] = { win, frz };

	st->next = 0;
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->nr; i++) {
			const struct span *s = &lists[l]->v[i];
			time_t c = l == 0 ? s->from : s->to;

			if (c <= now || (st->next && c >= st->next) ||
			    !open_at(env, win, frz, c))
				continue;
			st->next = c;
			st->next_zone = s->zone;
		}
}

int sg_window_eval(struct sg_window_state *out, const struct sg_env *env,
		   time_t now, struct sg_buf *err)
{
	struct spans win = { NULL, 0, 0 }, frz = { NULL, 0, 0 };
	const struct span *f;
	struct tz_saved tz;

	(void)err;
	memset(out, 0, sizeof(*out));
	tz_enter(&tz);
	for (size_t i = 0; i < env->windows_nr; i++)
		window_spans(&win, &tz, &env->windows[i], now);
	freeze_spans(&frz, &tz, env);
	tz_leave(&tz);
	f = span_at(&frz, now);
	out->freeze = f ? f->freeze : NULL;
	out->open = open_at(env, &win, &frz, now);
	if (!out->open)
		next_opening(out, env, &win, &frz, now);
	free(win.v);
	free(frz.v);
	return 0;
}

void sg_window_format(struct sg_buf *out, time_t t, const char *zone)
{
	struct tz_saved tz;
	struct tm tm;
	char local[64], utc[64];

	tz_enter(&tz);
	tz_use(&tz, zone);
	localtime_r(&t, &tm);
	if (!strftime(local, sizeof(local), "%a %Y-%m-%d %H:%M %Z", &tm))
		local[0] = '\0';
	tz_leave(&tz);
	gmtime_r(&t, &tm);
	if (!strftime(utc, sizeof(utc), "%a %Y-%m-%d %H:%M UTC", &tm))
		utc[0] = '\0';
	sg_buf_addf(out, "%s (%s) = %s", local, zone, utc);
}

static void describe_days(struct sg_buf *out, unsigned days)
{
	int first = 1;

	/* runs of days, Monday first: "mon-fri", "tue,thu" */
	for (int i = 0; i < 7; i++) {
		int d = (i + 1) % 7, j = i;

		if (!(days & (1u << d)))
			continue;
		while (j + 1 < 7 && (days & (1u << ((j + 2) % 7))))
			j++;
		sg_buf_addf(out, "%s%s", first ? "" : ",", sg_day_names[d]);
		if (j > i)
			sg_buf_addf(out, "-%s", sg_day_names[(j + 1) % 7]);
		first = 0;
		i = j;
	}
}

void sg_window_describe(struct sg_buf *out, const struct sg_env *env)
{
	for (size_t i = 0; i < env->windows_nr; i++) {
		const struct sg_window *w = &env->windows[i];

		if (i)
			sg_buf_adds(out, "; ");
		describe_days(out, w->days);
		sg_buf_addf(out, " %02d:%02d-%02d:%02d %s", w->start / 60,
			    w->start % 60, w->end / 60, w->end % 60, w->zone);
	}
}

/*
 * The break-glass reason of the push: NULL if it asks for none, "" for
 * a bare `-o break-glass` (git passes the option without '=').
 */
static const char *break_glass_option(const struct sg_push *push)
{
	const char *v = sg_push_option(push, "break-glass");

	if (v)
		return v;
	for (size_t i = 0; i < push->options.nr; i++)
		if (!strcmp(push->options.v[i], "break-glass"))
			return "";
	return NULL;
}

static int reason_ok(const struct sg_env *env, const char *reason,
		     struct sg_buf *err)
{
	size_t len = strlen(reason);

	if (!len || len > SG_MAX_BREAK_GLASS_REASON)
		return 0;
	return sg_regex_match(env->break_glass_pattern, reason, len, NULL,
			      NULL, err);
}

/* The refusal of a closed or frozen environment, with the way out. */
static void refuse(struct sg_context *ctx, const struct sg_update *u,
		   const struct sg_window_state *st, struct sg_report *r)
{
	const struct sg_env *env = u->env;
	struct sg_buf next = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf fix = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf now = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	struct sg_buf wins = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const char *zone = env->windows_nr ? env->windows[0].zone
			   : st->freeze ? st->freeze->zone : "UTC";

	if (st->next)
		sg_window_format(&next, st->next, st->next_zone);
	else
		sg_buf_addf(&next, "(none within %d days)",
			    SG_WINDOW_HORIZON_DAYS);
	sg_window_format(&now, ctx->now, zone);
	sg_window_describe(&wins, env);
	sg_buf_addf(&fix, "push again when the next window opens (%s)",
		    next.buf);
	if (env->break_glass_groups.nr) {
		sg_buf_adds(&fix, "; in an incident, a member of ");
		sg_strlist_join(&fix, &env->break_glass_groups);
		sg_buf_adds(&fix, " pushes with -o break-glass=\"INC... "
			    "reason\"");
	}
	if (st->freeze)
		sg_report_add(r, SG_SEV_ERROR, "window.freeze", u->ref,
			      u->has_new_commit ? &u->new_commit : NULL,
			      fix.buf, "environment '%s' is frozen from %04d-"
			      "%02d-%02d to %04d-%02d-%02d (%s): %s; now is "
			      "%s; the next window opens %s", env->name,
			      st->freeze->from[0], st->freeze->from[1],
			      st->freeze->from[2], st->freeze->to[0],
			      st->freeze->to[1], st->freeze->to[2],
			      st->freeze->zone, st->freeze->reason, now.buf,
			      next.buf);
	else
		sg_report_add(r, SG_SEV_ERROR, "window.closed", u->ref,
			      u->has_new_commit ? &u->new_commit : NULL,
			      fix.buf, "%s is outside the change windows of "
			      "environment '%s' (%s); now is %s; the next "
			      "window opens %s", u->ref, env->name, wins.buf,
			      now.buf, next.buf);
	sg_buf_release(&next);
	sg_buf_release(&fix);
	sg_buf_release(&now);
	sg_buf_release(&wins);
}

/* 1 if break-glass lifts the closed window for `u`, 0 if not. */
static int break_glass(struct sg_context *ctx, const struct sg_update *u,
		       struct sg_ref_verdict *v, const char *reason,
		       struct sg_report *r, struct sg_buf *err)
{
	const struct sg_env *env = u->env;
	const git_oid *at = u->has_new_commit ? &u->new_commit : NULL;
	int ok;

	free(v->break_glass_reason);
	v->break_glass_reason = sg_strdup(reason);
	if (!env->break_glass_groups.nr ||
	    !sg_policy_in_groups(ctx->pol, ctx->pusher.login,
				 &env->break_glass_groups)) {
		sg_report_add(r, SG_SEV_ERROR, "window.break-glass-denied",
			      u->ref, at, "ask a member of the break-glass "
			      "groups of the environment, or wait for the "
			      "window", "'%s' may not break glass on "
			      "environment '%s'", ctx->pusher.login, env->name);
		return 0;
	}
	ok = reason_ok(env, reason, err);
	if (ok < 0)
		return SG_ERROR;
	if (!ok) {
		sg_report_add(r, SG_SEV_ERROR, "window.break-glass-reason",
			      u->ref, at, "name the incident: git push -o "
			      "break-glass=\"INC0012345 what is down\" ...",
			      "break-glass needs a reason matching '%s' (at "
			      "most %d bytes), not '%s'",
			      sg_regex_source(env->break_glass_pattern),
			      SG_MAX_BREAK_GLASS_REASON, reason);
		return 0;
	}
	v->break_glass = 1;
	sg_report_add(r, SG_SEV_NOTE, "break-glass", u->ref, at, NULL,
		      "break-glass on environment '%s' by %s: %s", env->name,
		      ctx->pusher.login, reason);
	return 1;
}

int sg_gate_window(struct sg_context *ctx, const struct sg_update *u,
		   struct sg_report *r, struct sg_buf *err)
{
	const struct sg_env *env = u->env;
	struct sg_window_state st;
	const char *reason;
	int lifted;

	if (!env || (!env->windows_nr && !env->freezes_nr))
		return 0;
	if (sg_window_eval(&st, env, ctx->now, err) < 0)
		return SG_ERROR;
	/*
	 * Push options reach pre-receive only, and the update hook runs at
	 * another moment: pre-receive's verdict on the clock is the one.
	 * The update hook only presumes, when closed, the break-glass that
	 * pre-receive checked, so the gates it lifts stay lifted.
	 */
	if (ctx->single_ref) {
		sg_gate_verdict(ctx, u, r)->break_glass =
			!st.open && env->break_glass_lifts.nr;
		return 0;
	}
	reason = break_glass_option(ctx->push);
	if (st.open) {
		if (reason)
			sg_report_add(r, SG_SEV_NOTE, "window.open", u->ref,
				      NULL, NULL, "environment '%s' is open; "
				      "break-glass was not needed", env->name);
		return 0;
	}
	if (reason) {
		lifted = break_glass(ctx, u, sg_gate_verdict(ctx, u, r), reason,
				     r, err);
		if (lifted < 0)
			return SG_ERROR;
		if (lifted)
			return 0;
	}
	refuse(ctx, u, &st, r);
	return 0;
}

int sg_break_glass_lifts(const struct sg_update *u,
			 const struct sg_ref_verdict *v, const char *gate)
{
	return v && v->break_glass && u->env &&
	       sg_strlist_has(&u->env->break_glass_lifts, gate);
}

/*
 * The policy: an environment's windows, freezes and break_glass, parsed
 * here (a row of policy.c's env_sections) into struct sg_env.
 */
const char *const sg_window_keys[] = {
	"windows", "freezes", "break_glass", NULL
};

/* The days of a window: ["mon", "tue-thu"]. */
static int get_days(struct sg_section *c, const struct sg_ynode *n,
		    unsigned *out)
{
	if (sg_section_want(c, n, SG_Y_SEQ, "days") < 0)
		return SG_ERROR;
	if (!n->nr)
		return sg_section_fail(c, n, "'days' needs at least one day");
	for (size_t i = 0; i < n->nr; i++) {
		const struct sg_ynode *d = n->kids[i];

		if (d->kind != SG_Y_SCALAR ||
		    sg_window_parse_days(out, d->value) < 0)
			return sg_section_fail(c, d, "'%s' is not a day or a "
					       "range of days (mon, tue, ..., "
					       "sun; 'tue-thu')",
					       d->kind == SG_Y_SCALAR ?
					       d->value : "?");
	}
	return 0;
}

static int get_zone(struct sg_section *c, const struct sg_ynode *n, char **out)
{
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);

	if (sg_section_string(c, n, "zone", out) < 0)
		return SG_ERROR;
	if (sg_tz_check(*out, &why) < 0) {
		sg_section_fail(c, n, "%s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	return 0;
}

static int load_window(struct sg_section *c, const struct sg_ynode *item,
		       struct sg_window *w)
{
	static const char *const keys[] = { "days", "time", "zone", NULL };
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const struct sg_ynode *days, *time, *zone;

	if (sg_section_keys(c, item, keys, "windows") < 0)
		return SG_ERROR;
	days = sg_yaml_get(item, "days");
	time = sg_yaml_get(item, "time");
	zone = sg_yaml_get(item, "zone");
	if (!days || !time || !zone)
		return sg_section_fail(c, item, "each window needs 'days', "
				       "'time' and 'zone' (e.g. days: "
				       "[tue-thu], time: 09:00-15:00, zone: "
				       "Europe/Paris)");
	if (get_days(c, days, &w->days) < 0 || get_zone(c, zone, &w->zone) < 0)
		return SG_ERROR;
	if (sg_section_want(c, time, SG_Y_SCALAR, "time") < 0)
		return SG_ERROR;
	if (sg_window_parse_range(&w->start, &w->end, time->value, &why) < 0) {
		sg_section_fail(c, time, "%s", why.buf);
		sg_buf_release(&why);
		return SG_ERROR;
	}
	return 0;
}

static int load_windows(struct sg_section *c, const struct sg_ynode *n,
			struct sg_env *env)
{
	if (sg_section_want(c, n, SG_Y_SEQ, "windows") < 0)
		return SG_ERROR;
	if (n->nr > SG_MAX_WINDOWS)
		return sg_section_fail(c, n, "at most %d windows",
				       SG_MAX_WINDOWS);
	for (size_t i = 0; i < n->nr; i++) {
		struct sg_window *w;

		SG_ALLOC_GROW(env->windows, env->windows_nr + 1,
			      env->windows_alloc);
		w = &env->windows[env->windows_nr++];
		memset(w, 0, sizeof(*w));
		if (load_window(c, n->kids[i], w) < 0)
			return SG_ERROR;
		/* an overlap is a typo, not a wider window */
		for (size_t j = 0; j < i; j++) {
			const struct sg_window *o = &env->windows[j];

			if (!strcmp(o->zone, w->zone) && (o->days & w->days) &&
			    o->start < w->end && w->start < o->end)
				return sg_section_fail(c,
					sg_yaml_get(n->kids[i], "time"),
					"window %zu overlaps window %zu (same "
					"day and zone); merge them", i + 1,
					j + 1);
		}
	}
	return 0;
}

static int get_date(struct sg_section *c, const struct sg_ynode *n,
		    const char *what, int out[3])
{
	if (sg_section_want(c, n, SG_Y_SCALAR, what) < 0)
		return SG_ERROR;
	if (sg_window_parse_date(out, n->value) < 0)
		return sg_section_fail(c, n, "'%s' must be a date "
				       "(YYYY-MM-DD), not '%s'",
				       what, n->value);
	return 0;
}

static int load_freeze(struct sg_section *c, const struct sg_ynode *item,
		       const struct sg_env *env, struct sg_freeze *f)
{
	static const char *const keys[] = {
		"from", "to", "reason", "zone", NULL
	};
	const struct sg_ynode *from, *to, *reason, *zone;

	if (sg_section_keys(c, item, keys, "freezes") < 0)
		return SG_ERROR;
	from = sg_yaml_get(item, "from");
	to = sg_yaml_get(item, "to");
	reason = sg_yaml_get(item, "reason");
	if (!from || !to || !reason)
		return sg_section_fail(c, item, "each freeze needs 'from', "
				       "'to' (dates, both included) and a "
				       "'reason'");
	if (get_date(c, from, "from", f->from) < 0 ||
	    get_date(c, to, "to", f->to) < 0 ||
	    sg_section_string(c, reason, "reason", &f->reason) < 0)
		return SG_ERROR;
	if (sg_window_date_cmp(f->to, f->from) < 0)
		return sg_section_fail(c, to, "freeze ends (%s) before it "
				       "starts (%s)",
				       to->value, from->value);
	zone = sg_yaml_get(item, "zone");
	if (zone)
		return get_zone(c, zone, &f->zone);
	/* the zone of the windows, as people read the calendar */
	f->zone = sg_strdup(env->windows_nr ? env->windows[0].zone : "UTC");
	return 0;
}

static int load_freezes(struct sg_section *c, const struct sg_ynode *n,
			struct sg_env *env)
{
	if (sg_section_want(c, n, SG_Y_SEQ, "freezes") < 0)
		return SG_ERROR;
	if (n->nr > SG_MAX_FREEZES)
		return sg_section_fail(c, n, "at most %d freezes",
				       SG_MAX_FREEZES);
	for (size_t i = 0; i < n->nr; i++) {
		struct sg_freeze *f;

		SG_ALLOC_GROW(env->freezes, env->freezes_nr + 1,
			      env->freezes_alloc);
		f = &env->freezes[env->freezes_nr++];
		memset(f, 0, sizeof(*f));
		if (load_freeze(c, n->kids[i], env, f) < 0)
			return SG_ERROR;
		for (size_t j = 0; j < i; j++) {
			const struct sg_freeze *o = &env->freezes[j];

			if (!strcmp(o->zone, f->zone) &&
			    sg_window_date_cmp(o->from, f->to) <= 0 &&
			    sg_window_date_cmp(f->from, o->to) <= 0)
				return sg_section_fail(c,
					sg_yaml_get(n->kids[i], "from"),
					"freeze %zu overlaps freeze %zu; "
					"merge them", i + 1, j + 1);
		}
	}
	return 0;
}

static int load_break_glass(struct sg_section *c, const struct sg_ynode *n,
			    struct sg_env *env)
{
	static const char *const keys[] = {
		"groups", "pattern", "lifts", NULL
	};
	static const char *const liftable[] = { "approvals", "tested", NULL };
	struct sg_buf why = SG_BUF_INIT(SG_BUF_TEXT_MAX);
	const struct sg_ynode *v;

	if (sg_section_keys(c, n, keys, "break_glass") < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "groups");
	if (!v)
		return sg_section_fail(c, n, "'break_glass' needs 'groups'");
	if (sg_section_groups(c, v, "groups", &env->break_glass_groups) < 0)
		return SG_ERROR;
	v = sg_yaml_get(n, "pattern");
	if (v) {
		if (sg_section_want(c, v, SG_Y_SCALAR, "pattern") < 0)
			return SG_ERROR;
		sg_regex_free(env->break_glass_pattern);
		env->break_glass_pattern = NULL;
		if (sg_regex_new(&env->break_glass_pattern, v->value, NULL,
				 &why) < 0) {
			sg_section_fail(c, v, "%s", why.buf);
			sg_buf_release(&why);
			return SG_ERROR;
		}
	}
	v = sg_yaml_get(n, "lifts");
	if (v && sg_section_strlist(c, v, "lifts", &env->break_glass_lifts) < 0)
		return SG_ERROR;
	for (size_t i = 0; i < env->break_glass_lifts.nr; i++)
		if (!sg_section_one_of(env->break_glass_lifts.v[i], liftable))
			return sg_section_fail(c, v->kids[i], "break-glass "
					       "lifts only the window and "
					       "freezes, and optionally "
					       "'approvals' or 'tested', not "
					       "'%s'",
					       env->break_glass_lifts.v[i]);
	return 0;
}

int sg_window_parse_env(struct sg_section *c, const struct sg_ynode *env_node,
			struct sg_env *env)
{
	const struct sg_ynode *v;

	if (sg_regex_new(&env->break_glass_pattern, SG_BREAK_GLASS_PATTERN,
			 NULL, c->err) < 0)
		return SG_ERROR;
	v = sg_yaml_get(env_node, "windows");
	if (v && load_windows(c, v, env) < 0)
		return SG_ERROR;
	/* after the windows: a freeze's zone defaults to theirs */
	v = sg_yaml_get(env_node, "freezes");
	if (v && load_freezes(c, v, env) < 0)
		return SG_ERROR;
	v = sg_yaml_get(env_node, "break_glass");
	if (v && load_break_glass(c, v, env) < 0)
		return SG_ERROR;
	return 0;
}
